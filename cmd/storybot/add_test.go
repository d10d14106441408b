package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const addTestPage = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Council approves tram line across the river | Riverside Courier</title>
<meta property="og:title" content="Council approves tram line across the river">
<meta property="og:site_name" content="Riverside Courier">
<meta property="article:published_time" content="2025-11-07T08:00:00+01:00">
<meta name="author" content="Jane Roe">
</head><body>
<nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article>
<h1>Council approves tram line across the river</h1>
<p>The city council voted 12 to 3 on Friday to fund a new tram line across the river, ending two years of argument over the route and its cost to taxpayers.</p>
<p>“This is the line the city has been waiting for since the bridge was built,” said Márta Szabó, the transport authority’s chief engineer, after the vote.</p>
<p>Construction is expected to start next spring and to take about three years, the council said, with the first trams running in 2029 at the earliest.</p>
</article>
<footer>© 2025 Riverside Courier</footer>
</body></html>`

const addTestID = "2025-11-07-council-approves-tram-line-across-the-river"

func newAddTestSite(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/tram" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(addTestPage))
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestAddSavesANewsPageTheStoriesCommandLists(t *testing.T) {
	srv := newAddTestSite(t)
	dir := t.TempDir()

	out, errOut, code := runCLI(t, "", nil, "add", "--stories", dir, "--allow-private", srv.URL+"/tram")
	if code != exitOK {
		t.Fatalf("exit %d, stderr:\n%s", code, errOut)
	}
	want := "added " + addTestID + ": 3 paragraphs (3 content) in " + filepath.Join(dir, addTestID+".md") + "\n"
	if out != want {
		t.Errorf("stdout = %q\nwant %q", out, want)
	}

	out, errOut, code = runCLI(t, "", nil, "stories", "--json", "--stories", dir)
	if code != exitOK {
		t.Fatalf("stories: exit %d, stderr:\n%s", code, errOut)
	}
	var got storyJSON
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("stories --json: %v\n%s", err, out)
	}
	if got.ID != addTestID || got.Title != "Council approves tram line across the river" || got.Date != "2025-11-07" ||
		got.Outlet != "Riverside Courier" || got.URL != srv.URL+"/tram" || strings.Join(got.Authors, ",") != "Jane Roe" {
		t.Errorf("listed as %+v", got)
	}

	t.Run("adding it again succeeds and says it is unchanged", func(t *testing.T) {
		out, errOut, code := runCLI(t, "", nil, "add", "--stories", dir, "--allow-private", srv.URL+"/tram")
		if code != exitOK || !strings.HasPrefix(out, "unchanged "+addTestID+":") {
			t.Errorf("exit %d, stdout %q, stderr %q; want exit 0 and unchanged", code, out, errOut)
		}
	})
}

func TestAddTakesTheFolderFromTheConfiguration(t *testing.T) {
	srv := newAddTestSite(t)

	t.Run("stories.dir and allow_private_urls from --config", func(t *testing.T) {
		dir := t.TempDir()
		cfg := filepath.Join(t.TempDir(), "storybot.yaml")
		if err := os.WriteFile(cfg, []byte("stories:\n  dir: "+dir+"\n  allow_private_urls: true\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		out, errOut, code := runCLI(t, "", nil, "add", "--config", cfg, srv.URL+"/tram")
		if code != exitOK || !strings.HasPrefix(out, "added "+addTestID+":") {
			t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
		}
	})

	t.Run("the folder from STORYBOT_STORIES, with loopback refused by default", func(t *testing.T) {
		dir := t.TempDir()
		_, errOut, code := runCLI(t, "", map[string]string{"STORYBOT_STORIES": dir}, "add", srv.URL+"/tram")
		if code != exitErr || !strings.Contains(errOut, "private or loopback") || !strings.Contains(errOut, "--allow-private") {
			t.Errorf("exit %d, stderr %q", code, errOut)
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 0 {
			t.Errorf("folder holds %d files after a refused add", len(entries))
		}
	})
}

func TestAddRefusesBadInputClearly(t *testing.T) {
	srv := newAddTestSite(t)
	dir := t.TempDir()
	garbage := filepath.Join(t.TempDir(), "garbage.txt")
	if err := os.WriteFile(garbage, []byte{0xff, 0xfe, 0x00}, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		args     []string
		code     int
		inStderr string
	}{
		{"no argument prints usage", []string{"add", "--stories", dir}, exitUsage, "usage: storybot add"},
		{"no folder anywhere is a usage error", []string{"add", srv.URL + "/tram"}, exitUsage, "no stories folder"},
		{"a missing folder is named", []string{"add", "--stories", filepath.Join(dir, "nope"), srv.URL + "/tram"}, exitUsage, "nope"},
		{"a 404 is reported with its status", []string{"add", "--stories", dir, "--allow-private", srv.URL + "/gone"}, exitErr, "404"},
		{"a file that is not a story is refused as bad input", []string{"add", "--stories", dir, garbage}, exitUsage, "garbage.txt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errOut, code := runCLI(t, "", nil, tt.args...)
			if code != tt.code || !strings.Contains(errOut, tt.inStderr) {
				t.Errorf("exit %d, stderr %q; want exit %d mentioning %q", code, errOut, tt.code, tt.inStderr)
			}
		})
	}
}

func TestAddCopiesALocalStoryFile(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(t.TempDir(), "2025-11-01-council-vote.txt")
	if err := os.WriteFile(src, []byte("date 2025-11-01 By Jane Roe, Courier\n\nThe council voted 12 to 3 on Friday to fund the new tram line.\n\n“It is a good day,” the mayor said.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := runCLI(t, "", nil, "add", src, "--stories", dir)
	if code != exitOK || out != "added 2025-11-01-council-vote: 2 paragraphs (2 content) in "+filepath.Join(dir, "2025-11-01-council-vote.txt")+"\n" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}
