package insights

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"
)

//go:embed templates/page.html.tmpl
var templateFS embed.FS

var pageTemplates = template.Must(template.New("insights").Funcs(template.FuncMap{
	"pct": func(f float64) string { return fmt.Sprintf("%.0f%%", 100*f) },
	"groups": func(gs []Group, closest bool) map[string]any {
		return map[string]any{"Groups": gs, "Closest": closest}
	},
}).ParseFS(templateFS, "templates/page.html.tmpl"))

// CookieName is the cookie the login form sets.
const CookieName = "storybot_insights"

// PageConfig wires the insights page.
type PageConfig struct {
	// Source is where the report's data comes from.
	Source Source
	// Token is the admin token (admin.token). Empty means the page does
	// not exist: every request gets 404.
	Token string
	// Path is where the page is mounted (default "/insights"); the login
	// form posts to Path + "/login".
	Path string
	// Title names a story id for people; nil shows ids.
	Title func(id string) string
	// Stories lists the story ids to offer in the filter; nil offers
	// those asked about.
	Stories func() []string
	// Location is the zone days are counted in (default UTC).
	Location *time.Location
	// Now is the clock; nil means time.Now.
	Now    func() time.Time
	Logger *slog.Logger
}

// Page serves the insights page (see NewPage).
type Page struct {
	cfg     PageConfig
	session string // the cookie's value: derived from the token, never the token
}

// NewPage returns the page's handler: GET Path shows the page to a
// request with the admin token as a bearer token or with the login
// cookie, and the login form (401) to any other; POST Path/login checks
// the token typed into the form and sets an HttpOnly, SameSite=Strict
// cookie. With no token configured it answers 404 to everything.
func NewPage(cfg PageConfig) *Page {
	if cfg.Path == "" {
		cfg.Path = "/insights"
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Location == nil {
		cfg.Location = time.UTC
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	p := &Page{cfg: cfg}
	if cfg.Token != "" {
		mac := hmac.New(sha256.New, []byte(cfg.Token))
		mac.Write([]byte("storybot insights session v1"))
		p.session = hex.EncodeToString(mac.Sum(nil))
	}
	return p
}

// ServeHTTP serves the page and its login form.
func (p *Page) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if p.cfg.Token == "" {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	switch {
	case r.URL.Path == p.cfg.Path+"/login":
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		p.login(w, r)
	case r.URL.Path == p.cfg.Path || r.URL.Path == p.cfg.Path+"/":
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		if !p.authorized(r) {
			h.Set("WWW-Authenticate", `Bearer realm="storybot insights"`)
			p.render(w, http.StatusUnauthorized, "login", loginData{Action: p.cfg.Path + "/login", Wrong: hasBearer(r)})
			return
		}
		p.page(w, r)
	default:
		http.NotFound(w, r)
	}
}

func hasBearer(r *http.Request) bool {
	return strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ")
}

// authorized reports whether r carries the admin token or the session
// cookie; both compared in constant time.
func (p *Page) authorized(r *http.Request) bool {
	if tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		return equal(strings.TrimSpace(tok), p.cfg.Token)
	}
	if c, err := r.Cookie(CookieName); err == nil {
		return equal(c.Value, p.session)
	}
	return false
}

func equal(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

type loginData struct {
	Action string
	Wrong  bool
}

func (p *Page) login(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 4096)
	if err := r.ParseForm(); err != nil || !equal(r.PostForm.Get("token"), p.cfg.Token) {
		p.cfg.Logger.Info("insights: sign-in refused", "remote", r.RemoteAddr)
		p.render(w, http.StatusUnauthorized, "login", loginData{Action: p.cfg.Path + "/login", Wrong: true})
		return
	}
	http.SetCookie(w, &http.Cookie{
		Name: CookieName, Value: p.session, Path: p.cfg.Path,
		HttpOnly: true, SameSite: http.SameSiteStrictMode,
		Secure: r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https",
		MaxAge: int((30 * 24 * time.Hour).Seconds()),
	})
	http.Redirect(w, r, p.cfg.Path, http.StatusSeeOther)
}

// option is one choice of a filter.
type option struct {
	Value, Label string
	Selected     bool
}

type pageData struct {
	Report                        Report
	Story                         string
	Periods, StoryOptions         []option
	Questions, Declines, Feedback chart
	TextOff                       string
}

// periods are the choices of the period filter.
var periods = []struct{ value, label string }{{"1d", "last day"}, {"7d", "last 7 days"}, {"30d", "last 30 days"}, {"90d", "last 90 days"}}

func (p *Page) page(w http.ResponseWriter, r *http.Request) {
	since := r.URL.Query().Get("since")
	d, err := ParseSince(since)
	if err != nil || since == "" {
		since, d = "7d", 7*24*time.Hour
	}
	story := r.URL.Query().Get("story")
	now := p.cfg.Now()
	rep, err := Build(r.Context(), p.cfg.Source, Request{Since: now.Add(-d), Until: now, Story: story, Limit: 25,
		Location: p.cfg.Location, Title: p.cfg.Title})
	if err != nil {
		p.cfg.Logger.Error("insights page", "err", err)
		http.Error(w, "the insights could not be read from the database", http.StatusInternalServerError)
		return
	}
	data := pageData{Report: rep, Story: story, TextOff: TextOff,
		Questions: questionsChart(rep), Declines: declineChart(rep), Feedback: feedbackChart(rep)}
	for _, pr := range periods {
		data.Periods = append(data.Periods, option{Value: pr.value, Label: pr.label, Selected: pr.value == since})
	}
	var ids []string
	if p.cfg.Stories != nil {
		ids = p.cfg.Stories()
	} else {
		for _, s := range rep.Stories {
			if s.Story != "" {
				ids = append(ids, s.Story)
			}
		}
	}
	for _, id := range ids {
		label := id
		if p.cfg.Title != nil {
			if t := p.cfg.Title(id); t != "" {
				label = t
			}
		}
		data.StoryOptions = append(data.StoryOptions, option{Value: id, Label: label, Selected: id == story})
	}
	p.render(w, http.StatusOK, "page", data)
}

func (p *Page) render(w http.ResponseWriter, status int, name string, data any) {
	var buf bytes.Buffer
	if err := pageTemplates.ExecuteTemplate(&buf, name, data); err != nil {
		p.cfg.Logger.Error("insights page: template", "template", name, "err", err)
		http.Error(w, "the page could not be drawn", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// ParseSince reads a period such as "7d", "36h" or "90m": a number of
// days, or a Go duration.
func ParseSince(s string) (time.Duration, error) {
	if n, ok := strings.CutSuffix(s, "d"); ok {
		days, err := strconv.Atoi(n)
		if err != nil || days <= 0 {
			return 0, fmt.Errorf("%q: want a number of days such as 7d, or a duration such as 36h", s)
		}
		return time.Duration(days) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%q: want a number of days such as 7d, or a duration such as 36h", s)
	}
	return d, nil
}
