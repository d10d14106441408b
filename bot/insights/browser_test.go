package insights_test

import (
	"context"
	"flag"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

var updateScreenshot = flag.Bool("update", false, "write the browser test's screenshot to docs/insights.png")

// findBrowser returns a headless-capable Chromium or Chrome, or "".
func findBrowser() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// TestThePageInARealBrowser loads the page in headless Chromium at a
// desktop and a phone width, checks that the charts draw boxes of real
// size and the tables have their rows, and saves screenshots under the
// test's temp dir (and docs/insights.png with -update).
func TestThePageInARealBrowser(t *testing.T) {
	browser := findBrowser()
	if browser == "" {
		t.Skip("no Chromium or Chrome on PATH (apt-get install chromium); skipping the browser test")
	}
	srv := httptest.NewServer(newPage(t, testToken))
	defer srv.Close()

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(browser), chromedp.NoSandbox)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(allocCtx)
	defer cancel()
	ctx, cancelTimeout := context.WithTimeout(ctx, 60*time.Second)
	defer cancelTimeout()

	headers := map[string]any{"Authorization": "Bearer " + testToken}
	for _, size := range []struct {
		name          string
		width, height int64
		mobile        bool
		file          string
	}{
		{"at a desktop width", 1100, 1600, false, "insights.png"},
		{"at a phone width", 390, 1800, true, "insights-phone.png"},
	} {
		t.Run(size.name, func(t *testing.T) {
			var boxes []float64
			var rows, unanswered int
			var overflow bool
			var shot []byte
			err := chromedp.Run(ctx,
				emulation.SetDeviceMetricsOverride(size.width, size.height, 1, size.mobile),
				setHeaders(headers),
				chromedp.Navigate(srv.URL+"/insights"),
				chromedp.WaitVisible(`#stories`, chromedp.ByQuery),
				chromedp.Evaluate(`Array.from(document.querySelectorAll("svg rect")).map(r => { const b = r.getBoundingClientRect(); return b.width * b.height; })`, &boxes),
				chromedp.Evaluate(`document.querySelectorAll("#stories tbody tr").length`, &rows),
				chromedp.Evaluate(`document.querySelectorAll("#unanswered + p + div tbody tr").length`, &unanswered),
				chromedp.Evaluate(`document.documentElement.scrollWidth > window.innerWidth + 1`, &overflow),
				chromedp.FullScreenshot(&shot, 100), // 100: PNG,
			)
			if err != nil {
				t.Fatal(err)
			}
			if len(boxes) == 0 {
				t.Fatal("the charts draw no boxes")
			}
			for i, a := range boxes {
				if a <= 0 {
					t.Fatalf("chart box %d has no area", i)
				}
			}
			if rows != 2 {
				t.Errorf("the per-story table has %d rows, want 2", rows)
			}
			if unanswered == 0 {
				t.Error("the unanswered table has no rows")
			}
			if overflow {
				t.Error("the page is wider than the screen")
			}
			out := filepath.Join(t.TempDir(), size.file)
			if err := os.WriteFile(out, shot, 0o644); err != nil {
				t.Fatal(err)
			}
			t.Logf("screenshot: %s", out)
			if *updateScreenshot && !size.mobile {
				if err := os.WriteFile(filepath.Join("..", "..", "docs", "insights.png"), shot, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

// setHeaders sends the admin token with every request the page makes.
func setHeaders(h map[string]any) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		return network.SetExtraHTTPHeaders(network.Headers(h)).Do(ctx)
	})
}
