package stories

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/storybot/storybot/knowledge"
)

// newsSite is an httptest server with the pages the ingest tests fetch.
type newsSite struct {
	*httptest.Server
	hits    atomic.Int64
	article atomic.Pointer[[]byte] // what /article serves
}

func newNewsSite(t *testing.T) *newsSite {
	t.Helper()
	page, err := os.ReadFile(filepath.Join("testdata", "article.html"))
	if err != nil {
		t.Fatal(err)
	}
	s := &newsSite{}
	s.article.Store(&page)
	mux := http.NewServeMux()
	mux.HandleFunc("/article", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(*s.article.Load())
	})
	mux.HandleFunc("/moved", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/article", http.StatusMovedPermanently)
	})
	mux.HandleFunc("/loop/a", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/loop/b", http.StatusFound)
	})
	mux.HandleFunc("/loop/b", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/loop/a", http.StatusFound)
	})
	mux.HandleFunc("/to-ftp", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "ftp://files.example/story.html", http.StatusFound)
	})
	mux.HandleFunc("/huge", func(w http.ResponseWriter, r *http.Request) {
		// Streamed without a Content-Length: the cap must hold while reading.
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<html><body><article>"))
		chunk := bytes.Repeat([]byte("<p>All work and no play makes Jack a dull boy.</p>\n"), 1<<10)
		for sent := 0; sent < 10<<20; sent += len(chunk) {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})
	mux.HandleFunc("/huge-declared", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Header().Set("Content-Length", "10485760")
		w.Write([]byte("<html>"))
	})
	mux.HandleFunc("/report.pdf", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/pdf")
		w.Write([]byte("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n"))
	})
	mux.HandleFunc("/empty", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<html><head><title>Nothing</title></head><body><nav><a href='/'>Home</a></nav></body></html>"))
	})
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.hits.Add(1)
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

var fetchDay = time.Date(2025, 11, 6, 12, 0, 0, 0, time.UTC)

func newTestFetcher(t *testing.T, opts FetcherOptions) *Fetcher {
	t.Helper()
	if opts.Dir == "" {
		opts.Dir = t.TempDir()
	}
	opts.Now = func() time.Time { return fetchDay }
	f, err := NewFetcher(opts)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func storyFiles(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

const articleID = "2025-11-04-danube-bridge-reopens-to-traffic-after-emergency-repairs"

func TestAddingANewsPageSavesAStoryThatParsesBack(t *testing.T) {
	site := newNewsSite(t)
	f := newTestFetcher(t, FetcherOptions{AllowPrivate: true})

	r, err := f.Ingest(context.Background(), site.URL+"/article")
	if err != nil {
		t.Fatal(err)
	}
	if r.Updated {
		t.Error("a first add is reported as an update")
	}
	if want := filepath.Join(f.opts.Dir, articleID+".md"); r.Path != want {
		t.Errorf("saved as %s, want %s", r.Path, want)
	}
	s, err := knowledge.ReadFile(r.Path)
	if err != nil {
		t.Fatalf("the saved file does not parse: %v", err)
	}
	for _, got := range []*knowledge.Story{r.Story, s} {
		if got.ID != articleID {
			t.Errorf("id = %q, want %q", got.ID, articleID)
		}
		if got.Title != "Danube bridge reopens to traffic after emergency repairs" {
			t.Errorf("title = %q", got.Title)
		}
		if d := got.Date.Format("2006-01-02"); d != "2025-11-04" {
			t.Errorf("date = %s, want the publication date 2025-11-04", d)
		}
		if !slices.Equal(got.Authors, []string{"Anna Kovács", "Peter Lindqvist"}) {
			t.Errorf("authors = %q", got.Authors)
		}
		if got.Outlet != "Riverside Courier" {
			t.Errorf("outlet = %q", got.Outlet)
		}
		if got.URL != site.URL+"/article" {
			t.Errorf("url = %q, want the page's URL", got.URL)
		}
	}

	type para struct {
		Kind knowledge.Kind
		Text string
	}
	var got []para
	for _, p := range s.Paragraphs {
		got = append(got, para{p.Kind, p.Text})
	}
	want := []para{
		{knowledge.KindContent, "(Courier) — The river crossing that carries most of the city’s commuter traffic reopened on Tuesday morning, three weeks after inspectors closed it when a crack was found in one of its steel supports."},
		{knowledge.KindContent, "The first buses crossed shortly after 6 a.m., and by the morning rush hour traffic on both banks was moving close to normal, the city’s transport authority said."},
		{knowledge.KindContent, "“We promised the city three weeks and we delivered in three weeks,” said Márta Szabó, the transport authority’s chief engineer. “The bridge is safe, and it will stay safe.”"},
		{knowledge.KindContent, "Engineers replaced the cracked support and reinforced two others, working around the clock in shifts of twelve people. The repairs cost about 4.2 million euros, according to the authority, which said the money would come from its maintenance reserve rather than from fares."},
		{knowledge.KindHeading, "## Questions about inspections"},
		{knowledge.KindContent, "Opposition councillors said the closure showed the city had put off routine inspections for too long. “This crack did not appear overnight,” councillor Gábor Horváth told reporters on Monday, calling for an independent review of every bridge in the city."},
		{knowledge.KindContent, "The mayor’s office said inspections had been carried out on schedule and that the crack had formed in a weld that could not be examined without closing the bridge. A full report on the cause is expected by the end of January."},
		{knowledge.KindContent, "Weight limits for lorries will remain in place until the report is published, the authority said. Cyclists and pedestrians were allowed back on the bridge on Saturday."},
		{knowledge.KindNote, "This story has been updated with comments from the mayor’s office."},
	}
	if !slices.Equal(got, want) {
		t.Errorf("paragraphs:\n got %q\nwant %q", got, want)
	}

	lib, err := knowledge.NewLibrary(s)
	if err != nil {
		t.Fatal(err)
	}
	a, err := lib.Ask("How much did the repairs cost?", knowledge.AskOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if a.Abstained || !strings.Contains(a.Text, "4.2 million euros") {
		t.Errorf("the added story does not answer: %q", a.Text)
	}
}

func TestAddingAPageAgain(t *testing.T) {
	site := newNewsSite(t)
	f := newTestFetcher(t, FetcherOptions{AllowPrivate: true})
	ctx := context.Background()
	if _, err := f.Add(ctx, site.URL+"/article"); err != nil {
		t.Fatal(err)
	}

	t.Run("unchanged succeeds and says so, writing nothing", func(t *testing.T) {
		before := storyFiles(t, f.opts.Dir)
		r, err := f.Ingest(ctx, site.URL+"/article")
		if err != nil || !r.Unchanged || r.Updated || r.Story.ID != articleID {
			t.Fatalf("got %+v, %v; want the same story, unchanged", r, err)
		}
		if after := storyFiles(t, f.opts.Dir); !slices.Equal(before, after) {
			t.Errorf("folder went from %q to %q", before, after)
		}
	})

	t.Run("with a new paragraph and headline updates the same story", func(t *testing.T) {
		page := *site.article.Load()
		page = bytes.Replace(page, []byte("<h1 class=\"headline\">Danube bridge reopens to traffic after emergency repairs</h1>"),
			[]byte("<h1 class=\"headline\">Danube bridge reopens; lorry limits stay</h1>"), 1)
		page = bytes.Replace(page, []byte("Danube bridge reopens to traffic after emergency repairs"), []byte("Danube bridge reopens; lorry limits stay"), -1)
		page = bytes.Replace(page, []byte("<p><em>This story"),
			[]byte("<p>Tram services across the bridge will resume on Thursday, the authority said later on Tuesday.</p>\n<p><em>This story"), 1)
		site.article.Store(&page)

		r, err := f.Ingest(ctx, site.URL+"/article")
		if err != nil {
			t.Fatal(err)
		}
		if !r.Updated || r.Story.ID != articleID {
			t.Errorf("got id %q updated=%v, want an update of %q", r.Story.ID, r.Updated, articleID)
		}
		if r.Story.Title != "Danube bridge reopens; lorry limits stay" {
			t.Errorf("title = %q, want the new headline", r.Story.Title)
		}
		if files := storyFiles(t, f.opts.Dir); len(files) != 1 {
			t.Errorf("folder holds %q, want one file", files)
		}
	})
}

func TestPagesThatCannotBeAdded(t *testing.T) {
	site := newNewsSite(t)
	tests := []struct {
		name string
		path string
		want error
	}{
		{"a missing page is refused with its status", "/missing", ErrHTTPStatus},
		{"a 10 MB page is refused while reading", "/huge", ErrTooLarge},
		{"a page declaring 10 MB is refused before reading", "/huge-declared", ErrTooLarge},
		{"a redirect loop stops", "/loop/a", ErrTooManyRedirects},
		{"a redirect to ftp is refused", "/to-ftp", ErrUnsupportedURL},
		{"a PDF is not an article", "/report.pdf", ErrNotHTML},
		{"a page without an article is refused", "/empty", ErrNoArticle},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newTestFetcher(t, FetcherOptions{AllowPrivate: true})
			_, err := f.Add(context.Background(), site.URL+tt.path)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if !strings.Contains(err.Error(), site.URL+tt.path) {
				t.Errorf("error %q does not name the URL", err)
			}
			if files := storyFiles(t, f.opts.Dir); len(files) != 0 {
				t.Errorf("folder holds %q after a refused add", files)
			}
		})
	}

	t.Run("a redirect to the article is followed", func(t *testing.T) {
		f := newTestFetcher(t, FetcherOptions{AllowPrivate: true})
		id, err := f.Add(context.Background(), site.URL+"/moved")
		if err != nil || id != articleID {
			t.Fatalf("Add = %q, %v; want %q", id, err, articleID)
		}
	})

	t.Run("non-web schemes are refused without a request", func(t *testing.T) {
		f := newTestFetcher(t, FetcherOptions{AllowPrivate: true})
		for _, u := range []string{"file:///etc/passwd", "ftp://files.example/a.html", "gopher://x/", "http://user:pw@" + strings.TrimPrefix(site.URL, "http://") + "/article"} {
			if _, err := f.Add(context.Background(), u); !errors.Is(err, ErrUnsupportedURL) {
				t.Errorf("Add(%s) err = %v, want ErrUnsupportedURL", u, err)
			}
		}
	})
}

func TestLoopbackPagesAreRefusedUnlessAllowed(t *testing.T) {
	site := newNewsSite(t)
	ctx := context.Background()

	t.Run("by default nothing is requested from 127.0.0.1", func(t *testing.T) {
		f := newTestFetcher(t, FetcherOptions{})
		before := site.hits.Load()
		_, err := f.AddStory(ctx, site.URL+"/article")
		if !errors.Is(err, ErrPrivateAddress) {
			t.Fatalf("err = %v, want ErrPrivateAddress", err)
		}
		if site.hits.Load() != before {
			t.Error("the request reached the loopback server")
		}
	})

	t.Run("a name resolving to loopback is refused too", func(t *testing.T) {
		f := newTestFetcher(t, FetcherOptions{})
		u := strings.Replace(site.URL, "127.0.0.1", "localhost", 1)
		if _, err := f.AddStory(ctx, u+"/article"); !errors.Is(err, ErrPrivateAddress) {
			t.Fatalf("err = %v, want ErrPrivateAddress", err)
		}
	})

	t.Run("with AllowPrivate the page is added", func(t *testing.T) {
		f := newTestFetcher(t, FetcherOptions{AllowPrivate: true})
		if id, err := f.AddStory(ctx, site.URL+"/article"); err != nil || id != articleID {
			t.Fatalf("AddStory = %q, %v", id, err)
		}
	})
}

func TestInternalAddresses(t *testing.T) {
	tests := []struct {
		addr     string
		internal bool
	}{
		{"127.0.0.1", true},
		{"10.1.2.3", true},
		{"172.20.0.1", true},
		{"192.168.1.10", true},
		{"169.254.169.254", true}, // cloud metadata
		{"100.64.0.1", true},
		{"0.0.0.0", true},
		{"::1", true},
		{"::ffff:127.0.0.1", true},
		{"fd12:3456::1", true},
		{"fe80::1", true},
		{"93.184.215.14", false},
		{"8.8.8.8", false},
		{"2606:4700:4700::1111", false},
	}
	for _, tt := range tests {
		if got := internal(netip.MustParseAddr(tt.addr)); got != tt.internal {
			t.Errorf("internal(%s) = %v, want %v", tt.addr, got, tt.internal)
		}
	}
}

func TestAddingALocalStoryFile(t *testing.T) {
	ctx := context.Background()
	src := t.TempDir()
	good := filepath.Join(src, "2025-11-01-council-vote.txt")
	if err := os.WriteFile(good, []byte("date 2025-11-01 By Jane Roe, Courier\n\nThe council voted 12 to 3 on Friday to fund the new tram line.\n\n“It is a good day,” the mayor said.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	garbage := filepath.Join(src, "broken.txt")
	if err := os.WriteFile(garbage, []byte{0xff, 0xfe, 0x00, 0x81}, 0o644); err != nil {
		t.Fatal(err)
	}

	t.Run("a valid file is copied in under its own name", func(t *testing.T) {
		f := newTestFetcher(t, FetcherOptions{})
		r, err := f.Ingest(ctx, good)
		if err != nil {
			t.Fatal(err)
		}
		if r.Story.ID != "2025-11-01-council-vote" || len(r.Story.Paragraphs) != 2 || r.Story.Outlet != "Courier" {
			t.Errorf("got %q with %d paragraphs from %q", r.Story.ID, len(r.Story.Paragraphs), r.Story.Outlet)
		}
		if _, err := os.Stat(filepath.Join(f.opts.Dir, "2025-11-01-council-vote.txt")); err != nil {
			t.Error(err)
		}
		if r, err := f.Ingest(ctx, good); err != nil || !r.Unchanged {
			t.Errorf("adding it twice: %+v, %v; want it unchanged", r, err)
		}
	})

	t.Run("a file that is not a story is refused and not copied", func(t *testing.T) {
		f := newTestFetcher(t, FetcherOptions{})
		_, err := f.Add(ctx, garbage)
		if !errors.Is(err, knowledge.ErrBadStory) || !strings.Contains(err.Error(), "broken.txt") {
			t.Fatalf("err = %v, want ErrBadStory naming the file", err)
		}
		if files := storyFiles(t, f.opts.Dir); len(files) != 0 {
			t.Errorf("folder holds %q", files)
		}
	})

	t.Run("chat's AddStory never reads local files", func(t *testing.T) {
		f := newTestFetcher(t, FetcherOptions{})
		if _, err := f.AddStory(ctx, good); !errors.Is(err, ErrUnsupportedURL) {
			t.Fatalf("err = %v, want ErrUnsupportedURL", err)
		}
	})
}

func TestSlugs(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Danube bridge reopens to traffic after emergency repairs", "danube-bridge-reopens-to-traffic-after-emergency-repairs"},
		{"Trump’s hopes for a quick meeting with Putin may be stalled, sources say", "trumps-hopes-for-a-quick-meeting-with-putin"},
		{"Árvíztűrő tükörfúrógép: a Budapest story", "arvizturo-tukorfurogep-a-budapest-story"},
		{"  --!!--  ", ""},
	}
	for _, tt := range tests {
		if got := slugify(tt.in); got != tt.want {
			t.Errorf("slugify(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// A page's outlet is the site's own name, and the headline loses the
// " - Site" the page title adds; a page that names no site served from an
// address gets no outlet rather than "127.0.0.1".
func TestAnAddedPageIsCreditedToItsSite(t *testing.T) {
	const body = `<article><p>The city council voted 12 to 3 on Friday to fund a new tram line across the river, ending two years of argument over the route and its cost to taxpayers.</p>
<p>“This is the line the city has been waiting for since the bridge was built,” said Márta Szabó, the transport authority’s chief engineer, after the vote.</p>
<p>Construction is expected to start next spring and to take about three years, the council said, with the first trams running in 2029 at the earliest.</p></article>`
	tests := []struct {
		name, head, title, outlet string
	}{
		{"og:site_name names the outlet and its suffix leaves the title",
			`<title>Tram line approved - Reuters</title><meta property="og:site_name" content="Reuters">`,
			"Tram line approved", "Reuters"},
		{"a suffix after a bar is left out too",
			`<title>Tram line approved | Riverside Courier</title><meta property="og:site_name" content="Riverside Courier">`,
			"Tram line approved", "Riverside Courier"},
		{"application-name names the outlet when og:site_name is missing",
			`<title>Tram line approved - Reuters</title><meta name="application-name" content="Reuters">`,
			"Tram line approved", "Reuters"},
		{"a dash inside a headline that is not the site's name stays",
			`<title>Tram line approved - at last</title><meta property="og:site_name" content="Reuters">`,
			"Tram line approved - at last", "Reuters"},
		{"a page that names no site, served from an address, has no outlet",
			`<title>Tram line approved</title>`,
			"Tram line approved", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page := "<!DOCTYPE html><html><head><meta charset=\"utf-8\">" + tt.head + "</head><body>" + body + "</body></html>"
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html; charset=utf-8")
				w.Write([]byte(page))
			}))
			defer srv.Close()
			f := newTestFetcher(t, FetcherOptions{AllowPrivate: true})
			r, err := f.Ingest(context.Background(), srv.URL+"/tram")
			if err != nil {
				t.Fatal(err)
			}
			if r.Story.Title != tt.title || r.Story.Outlet != tt.outlet {
				t.Errorf("title %q, outlet %q; want %q, %q", r.Story.Title, r.Story.Outlet, tt.title, tt.outlet)
			}
		})
	}
}
