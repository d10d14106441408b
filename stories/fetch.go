package stories

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/net/html/charset"

	"github.com/storybot/storybot/knowledge"
)

// Defaults for FetcherOptions.
const (
	DefaultMaxBytes     = 5 << 20
	DefaultMaxRedirects = 5
	DefaultTimeout      = 30 * time.Second
	DefaultUserAgent    = "storybot/1 (+https://github.com/storybot/storybot)"
)

// Errors a Fetcher returns, wrapped with the URL or file that failed.
var (
	// ErrUnsupportedURL: only http and https URLs without credentials.
	ErrUnsupportedURL = errors.New("only http and https URLs can be added")
	// ErrPrivateAddress: the host resolved to a private, loopback,
	// link-local or otherwise internal address and AllowPrivate is off.
	ErrPrivateAddress = errors.New("address is private or loopback")
	// ErrTooManyRedirects: the page redirected more than MaxRedirects times.
	ErrTooManyRedirects = errors.New("too many redirects")
	// ErrTooLarge: the page or file is larger than MaxBytes.
	ErrTooLarge = errors.New("too large")
	// ErrNotHTML: the URL does not serve an HTML page.
	ErrNotHTML = errors.New("not an HTML page")
	// ErrHTTPStatus: the server answered with a status other than 2xx.
	ErrHTTPStatus = errors.New("unexpected HTTP status")
	// ErrNoArticle: no article text could be extracted from the page.
	ErrNoArticle = errors.New("no article found on the page")
)

// FetcherOptions configure a Fetcher. Dir is required.
type FetcherOptions struct {
	// Dir is the stories folder new story files are saved into.
	Dir string
	// AllowPrivate lets URLs resolve to private, loopback and link-local
	// addresses. Off by default: whoever may add a URL could otherwise
	// probe the network storybot runs in.
	AllowPrivate bool
	// MaxBytes caps a page or file; bigger ones are refused. Zero means
	// DefaultMaxBytes.
	MaxBytes int64
	// MaxRedirects caps the redirects followed; each hop is checked like
	// the first URL. Zero means DefaultMaxRedirects; negative means none.
	MaxRedirects int
	// Timeout bounds a whole fetch, body included. Zero means
	// DefaultTimeout.
	Timeout time.Duration
	// UserAgent is sent with requests; empty means DefaultUserAgent.
	UserAgent string
	// Logger receives one line per story added; nil discards it.
	Logger *slog.Logger
	// Now gives the date used in a story id when the page states none;
	// nil means time.Now.
	Now func() time.Time
}

// Fetcher adds stories to a stories folder from local files and web
// pages. A running Watcher on the same folder then loads them; call its
// Rescan to have a story served at once.
type Fetcher struct {
	opts   FetcherOptions
	log    *slog.Logger
	client *http.Client
	mu     sync.Mutex // serialises writes to the folder
}

// Result describes a story saved by Ingest.
type Result struct {
	// Story is the story as parsed back from the saved file.
	Story *knowledge.Story
	// Path is the saved file.
	Path string
	// Updated is true when the file replaced an earlier version of the
	// same story rather than adding a new one.
	Updated bool
	// Unchanged is true when the folder already held the story with the
	// same text: adding is idempotent, and nothing was written.
	Unchanged bool
}

// NewFetcher returns a Fetcher saving into opts.Dir, which must exist.
func NewFetcher(opts FetcherOptions) (*Fetcher, error) {
	if opts.Dir == "" {
		return nil, errors.New("stories fetcher: no stories folder")
	}
	fi, err := os.Stat(opts.Dir)
	if err != nil {
		return nil, fmt.Errorf("stories folder: %w", err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("stories folder %s: not a directory", opts.Dir)
	}
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = DefaultMaxBytes
	}
	switch {
	case opts.MaxRedirects == 0:
		opts.MaxRedirects = DefaultMaxRedirects
	case opts.MaxRedirects < 0:
		opts.MaxRedirects = 0
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.UserAgent == "" {
		opts.UserAgent = DefaultUserAgent
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	f := &Fetcher{opts: opts, log: log}
	dialer := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second, Control: f.checkDial}
	f.client = &http.Client{
		Transport: &http.Transport{
			// No proxy: the address check must see the real peer.
			Proxy:                 nil,
			DialContext:           dialer.DialContext,
			TLSHandshakeTimeout:   10 * time.Second,
			ResponseHeaderTimeout: 15 * time.Second,
			IdleConnTimeout:       30 * time.Second,
			MaxIdleConns:          4,
			ForceAttemptHTTP2:     true,
		},
		CheckRedirect: f.checkRedirect,
	}
	return f, nil
}

// Add saves the story at pathOrURL (a local .txt/.md story file, or an
// http or https URL of a news article) into the folder and returns its
// id. Adding is idempotent: re-adding a story whose text is unchanged
// writes nothing and succeeds (Ingest says so in Result.Unchanged); a
// changed one is an update.
func (f *Fetcher) Add(ctx context.Context, pathOrURL string) (storyID string, err error) {
	r, err := f.Ingest(ctx, pathOrURL)
	if err != nil {
		return "", err
	}
	return r.Story.ID, nil
}

// AddStory saves the article at an http or https URL into the folder and
// returns its id. Unlike Add it never reads a local file, so it is the one
// to offer to chat users.
func (f *Fetcher) AddStory(ctx context.Context, rawURL string) (storyID string, err error) {
	if !isURL(rawURL) {
		return "", fmt.Errorf("add %q: %w", rawURL, ErrUnsupportedURL)
	}
	return f.Add(ctx, rawURL)
}

// Ingest is Add with the details: the parsed story, where it was saved
// and whether it replaced an earlier version.
func (f *Fetcher) Ingest(ctx context.Context, pathOrURL string) (Result, error) {
	pathOrURL = strings.TrimSpace(pathOrURL)
	if isURL(pathOrURL) {
		return f.ingestURL(ctx, pathOrURL)
	}
	return f.ingestFile(pathOrURL)
}

// isURL reports whether s is meant as a URL rather than a file path.
func isURL(s string) bool {
	scheme, _, ok := strings.Cut(s, "://")
	if !ok || scheme == "" {
		return false
	}
	for _, r := range scheme {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '+' || r == '-' || r == '.') {
			return false
		}
	}
	return true
}

func (f *Fetcher) ingestFile(path string) (Result, error) {
	name := filepath.Base(path)
	if !knowledge.IsStoryFile(name) {
		return Result{}, fmt.Errorf("add %s: not a story file (.txt, .md)", path)
	}
	src, err := filepath.Abs(path)
	if err != nil {
		return Result{}, fmt.Errorf("add %s: %w", path, err)
	}
	dir, err := filepath.Abs(f.opts.Dir)
	if err != nil {
		return Result{}, fmt.Errorf("stories folder: %w", err)
	}
	if filepath.Dir(src) == dir {
		return Result{}, fmt.Errorf("add %s: already in the stories folder", path)
	}
	data, err := readCapped(path, f.opts.MaxBytes)
	if err != nil {
		return Result{}, fmt.Errorf("add %s: %w", path, err)
	}
	if _, err := knowledge.Parse(name, data); err != nil {
		return Result{}, fmt.Errorf("add %s: %w", path, err)
	}
	return f.save(name, data, path)
}

func (f *Fetcher) ingestURL(ctx context.Context, rawURL string) (Result, error) {
	u, err := checkURL(rawURL)
	if err != nil {
		return Result{}, fmt.Errorf("add %s: %w", rawURL, err)
	}
	page, final, err := f.fetch(ctx, u)
	if err != nil {
		return Result{}, fmt.Errorf("add %s: %w", rawURL, err)
	}
	art, err := extract(page, final, f.opts.Now())
	if err != nil {
		return Result{}, fmt.Errorf("add %s: %w", rawURL, err)
	}
	name := art.id() + ".md"
	// A page already added keeps its file name, and so its id and its
	// citations, even when its headline has been rewritten since.
	if prev := f.findByURL(u.String(), final.String()); prev != "" {
		name = prev
	}
	data := art.markdown()
	if _, err := knowledge.Parse(name, data); err != nil {
		return Result{}, fmt.Errorf("add %s: extracted text is not a story: %w", rawURL, err)
	}
	return f.save(name, data, rawURL)
}

// checkURL accepts absolute http and https URLs without credentials.
func checkURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnsupportedURL, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("%w: scheme %q", ErrUnsupportedURL, u.Scheme)
	}
	if u.Hostname() == "" {
		return nil, fmt.Errorf("%w: no host", ErrUnsupportedURL)
	}
	if u.User != nil {
		// They would end up in the saved file.
		return nil, fmt.Errorf("%w: credentials in the URL", ErrUnsupportedURL)
	}
	u.Fragment = ""
	return u, nil
}

// checkDial runs after DNS resolution, on the address actually dialled,
// so a name that resolves (or re-resolves) to an internal address is
// refused however it was reached.
func (f *Fetcher) checkDial(network, address string, _ syscall.RawConn) error {
	if f.opts.AllowPrivate {
		return nil
	}
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return fmt.Errorf("dial %s: %w", address, err)
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return fmt.Errorf("dial %s: %w", address, err)
	}
	if internal(ip) {
		return fmt.Errorf("dial %s: %w", address, ErrPrivateAddress)
	}
	return nil
}

// internalNets are the ranges no public web page lives on.
var internalNets = func() []netip.Prefix {
	var out []netip.Prefix
	for _, s := range []string{
		"0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
		"172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24", "192.168.0.0/16", "198.18.0.0/15",
		"198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
		"::/128", "::1/128", "64:ff9b::/96", "64:ff9b:1::/48", "100::/64", "2001:db8::/32",
		"fc00::/7", "fe80::/10", "ff00::/8",
	} {
		out = append(out, netip.MustParsePrefix(s))
	}
	return out
}()

func internal(ip netip.Addr) bool {
	ip = ip.Unmap()
	for _, p := range internalNets {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

func (f *Fetcher) checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) > f.opts.MaxRedirects {
		return fmt.Errorf("%w: stopped after %d", ErrTooManyRedirects, f.opts.MaxRedirects)
	}
	if _, err := checkURL(req.URL.String()); err != nil {
		return fmt.Errorf("redirect to %s: %w", req.URL.Redacted(), err)
	}
	return nil
}

// fetch GETs an HTML page and returns it as UTF-8 with the URL it was
// finally served from.
func (f *Fetcher) fetch(ctx context.Context, u *url.URL) ([]byte, *url.URL, error) {
	ctx, cancel := context.WithTimeout(ctx, f.opts.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("User-Agent", f.opts.UserAgent)
	req.Header.Set("Accept", "text/html,application/xhtml+xml;q=0.9")
	resp, err := f.client.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 || resp.StatusCode == http.StatusNoContent {
		return nil, nil, fmt.Errorf("%w: %s", ErrHTTPStatus, resp.Status)
	}
	max := f.opts.MaxBytes
	if resp.ContentLength > max {
		return nil, nil, fmt.Errorf("page %w: %d bytes, the limit is %d", ErrTooLarge, resp.ContentLength, max)
	}
	ct := resp.Header.Get("Content-Type")
	if ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "text/html" && mt != "application/xhtml+xml") {
			return nil, nil, fmt.Errorf("%w: Content-Type %q", ErrNotHTML, ct)
		}
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, max+1))
	if err != nil {
		return nil, nil, fmt.Errorf("read page: %w", err)
	}
	if int64(len(body)) > max {
		return nil, nil, fmt.Errorf("page %w: more than %d bytes", ErrTooLarge, max)
	}
	if ct == "" {
		ct = http.DetectContentType(body)
		if !strings.HasPrefix(ct, "text/html") {
			return nil, nil, fmt.Errorf("%w: looks like %s", ErrNotHTML, ct)
		}
	}
	r, err := charset.NewReader(bytes.NewReader(body), ct)
	if err != nil {
		return nil, nil, fmt.Errorf("page encoding: %w", err)
	}
	utf8Body, err := io.ReadAll(r)
	if err != nil {
		return nil, nil, fmt.Errorf("page encoding: %w", err)
	}
	return utf8Body, resp.Request.URL, nil
}

// findByURL returns the name of a story file in the folder whose source
// URL is one of urls, or "".
func (f *Fetcher) findByURL(urls ...string) string {
	entries, err := os.ReadDir(f.opts.Dir)
	if err != nil {
		return ""
	}
	for _, e := range entries {
		if e.IsDir() || !knowledge.IsStoryFile(e.Name()) {
			continue
		}
		s, err := knowledge.ReadFile(filepath.Join(f.opts.Dir, e.Name()))
		if err != nil || s.URL == "" {
			continue
		}
		for _, u := range urls {
			if s.URL == u {
				return e.Name()
			}
		}
	}
	return ""
}

// save writes data as the story file name, atomically, so the watcher
// never sees it half-written. from names the source in messages.
func (f *Fetcher) save(name string, data []byte, from string) (Result, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	id := strings.TrimSuffix(name, filepath.Ext(name))
	dest := filepath.Join(f.opts.Dir, name)
	updated := false
	entries, err := os.ReadDir(f.opts.Dir)
	if err != nil {
		return Result{}, fmt.Errorf("stories folder: %w", err)
	}
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() || !knowledge.IsStoryFile(n) || strings.TrimSuffix(n, filepath.Ext(n)) != id {
			continue
		}
		if n != name {
			return Result{}, fmt.Errorf("add %s: story %q is already in the folder as %s; remove it first: %w",
				from, id, n, knowledge.ErrDuplicateID)
		}
		old, err := os.ReadFile(dest)
		if err != nil {
			return Result{}, fmt.Errorf("add %s: %w", from, err)
		}
		if bytes.Equal(old, data) {
			s, err := knowledge.ReadFile(dest)
			if err != nil {
				return Result{}, fmt.Errorf("add %s: %w", from, err)
			}
			return Result{Story: s, Path: dest, Unchanged: true}, nil
		}
		updated = true
	}

	tmp, err := os.CreateTemp(f.opts.Dir, ".storybot-add-*")
	if err != nil {
		return Result{}, fmt.Errorf("save story: %w", err)
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return Result{}, fmt.Errorf("save story %s: %w", dest, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return Result{}, fmt.Errorf("save story %s: %w", dest, err)
	}
	if err := tmp.Close(); err != nil {
		return Result{}, fmt.Errorf("save story %s: %w", dest, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return Result{}, fmt.Errorf("save story %s: %w", dest, err)
	}
	if err := os.Rename(tmp.Name(), dest); err != nil {
		return Result{}, fmt.Errorf("save story %s: %w", dest, err)
	}
	s, err := knowledge.ReadFile(dest)
	if err != nil {
		return Result{}, fmt.Errorf("saved story does not parse back: %w", err)
	}
	verb := "added"
	if updated {
		verb = "updated"
	}
	f.log.Info("stories: story "+verb, "id", s.ID, "from", from, "file", dest, "paragraphs", len(s.Paragraphs))
	return Result{Story: s, Path: dest, Updated: updated}, nil
}
