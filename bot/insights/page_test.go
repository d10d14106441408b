package insights_test

import (
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/storybot/storybot/bot/insights"
)

const testToken = "s3cret-admin-token"

func newPage(t *testing.T, token string) *insights.Page {
	t.Helper()
	return insights.NewPage(insights.PageConfig{Source: newsroom(), Token: token, Now: func() time.Time { return t0 },
		Title: func(id string) string {
			if id == "rubio" {
				return "Rubio–Lavrov meeting put on hold"
			}
			return ""
		}})
}

// get requests path from h with the given headers and returns the
// response and its body.
func get(t *testing.T, h http.Handler, method, path string, body io.Reader, header map[string]string) (*http.Response, string) {
	t.Helper()
	req := httptest.NewRequest(method, path, body)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	res := rec.Result()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

func TestThePageIsOnlyForAdmins(t *testing.T) {
	form := "application/x-www-form-urlencoded"
	tests := []struct {
		name     string
		token    string
		method   string
		path     string
		body     string
		header   map[string]string
		status   int
		bodyHas  string
		noCookie bool
	}{
		{name: "with no admin token configured the page does not exist", token: "", method: "GET", path: "/insights",
			header: map[string]string{"Authorization": "Bearer anything"}, status: 404},
		{name: "a request with no token gets the login form", token: testToken, method: "GET", path: "/insights",
			status: 401, bodyHas: `name="token"`},
		{name: "a wrong bearer token is refused", token: testToken, method: "GET", path: "/insights",
			header: map[string]string{"Authorization": "Bearer wrong"}, status: 401, bodyHas: "not right"},
		{name: "the right bearer token shows the page", token: testToken, method: "GET", path: "/insights",
			header: map[string]string{"Authorization": "Bearer " + testToken}, status: 200, bodyHas: "What readers asked"},
		{name: "a forged cookie is refused", token: testToken, method: "GET", path: "/insights",
			header: map[string]string{"Cookie": insights.CookieName + "=" + testToken}, status: 401},
		{name: "a wrong token typed into the form is refused", token: testToken, method: "POST", path: "/insights/login",
			body: "token=nope", header: map[string]string{"Content-Type": form}, status: 401, bodyHas: "not right", noCookie: true},
		{name: "the login form is posted, not fetched", token: testToken, method: "GET", path: "/insights/login", status: 405},
		{name: "other paths under the page do not exist", token: testToken, method: "GET", path: "/insights/secret",
			header: map[string]string{"Authorization": "Bearer " + testToken}, status: 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, body := get(t, newPage(t, tt.token), tt.method, tt.path, strings.NewReader(tt.body), tt.header)
			if res.StatusCode != tt.status {
				t.Fatalf("status %d, want %d; body:\n%s", res.StatusCode, tt.status, body)
			}
			if !strings.Contains(body, tt.bodyHas) {
				t.Fatalf("body lacks %q:\n%s", tt.bodyHas, body)
			}
			if strings.Contains(body, testToken) {
				t.Fatal("the body repeats the admin token")
			}
			if tt.noCookie && len(res.Cookies()) > 0 {
				t.Fatalf("cookies set: %v", res.Cookies())
			}
		})
	}
}

func TestSigningInSetsAStrictHttpOnlyCookieThatOpensThePage(t *testing.T) {
	p := newPage(t, testToken)
	res, _ := get(t, p, "POST", "/insights/login", strings.NewReader(url.Values{"token": {testToken}}.Encode()),
		map[string]string{"Content-Type": "application/x-www-form-urlencoded", "X-Forwarded-Proto": "https"})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/insights" {
		t.Fatalf("status %d, location %q", res.StatusCode, res.Header.Get("Location"))
	}
	cs := res.Cookies()
	if len(cs) != 1 {
		t.Fatalf("cookies %v", cs)
	}
	c := cs[0]
	if !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || !c.Secure || c.Path != "/insights" {
		t.Fatalf("cookie %s: want HttpOnly, SameSite=Strict, Secure behind https, Path=/insights", c)
	}
	if strings.Contains(c.Value, testToken) {
		t.Fatal("the cookie holds the token itself")
	}
	res, body := get(t, p, "GET", "/insights", nil, map[string]string{"Cookie": c.Name + "=" + c.Value})
	if res.StatusCode != 200 || !strings.Contains(body, "What readers asked") {
		t.Fatalf("with the cookie: status %d", res.StatusCode)
	}
}

func TestThePageEscapesQuestionsAndDrawsItsCharts(t *testing.T) {
	res, body := get(t, newPage(t, testToken), "GET", "/insights?since=7d", nil, map[string]string{"Authorization": "Bearer " + testToken})
	if res.StatusCode != 200 {
		t.Fatalf("status %d", res.StatusCode)
	}
	t.Run("a question holding a script tag is shown as text", func(t *testing.T) {
		if strings.Contains(body, "<script>") {
			t.Fatal("the page holds a <script> tag")
		}
		if !strings.Contains(body, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; what about the ceasefire?") {
			t.Fatal("the escaped question is not on the page")
		}
	})
	t.Run("the page forbids scripts outright", func(t *testing.T) {
		if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "script-src") {
			t.Fatalf("Content-Security-Policy %q", csp)
		}
	})
	t.Run("three charts are inline SVG, well-formed, with boxes of non-zero size", func(t *testing.T) {
		svgs := regexp.MustCompile(`(?s)<svg .*?</svg>`).FindAllString(body, -1)
		if len(svgs) != 3 {
			t.Fatalf("%d inline SVGs, want 3", len(svgs))
		}
		for i, s := range svgs {
			var doc struct {
				XMLName  xml.Name
				Polyline []struct {
					Points string `xml:"points,attr"`
				} `xml:"polyline"`
			}
			if err := xml.Unmarshal([]byte(s), &doc); err != nil {
				t.Fatalf("chart %d is not well-formed XML: %v\n%s", i, err, s)
			}
			if doc.XMLName.Local != "svg" {
				t.Fatalf("chart %d root %q", i, doc.XMLName.Local)
			}
			sizes := regexp.MustCompile(`<rect [^>]*width="([0-9.]+)" height="([0-9.]+)"`).FindAllStringSubmatch(s, -1)
			if i != 1 && len(sizes) == 0 {
				t.Fatalf("chart %d has no bars", i)
			}
			for _, m := range sizes {
				if m[1] == "0.0" || m[2] == "0.0" {
					t.Fatalf("chart %d has an empty box: %s", i, m[0])
				}
			}
			if i == 1 && (len(doc.Polyline) != 1 || doc.Polyline[0].Points == "") {
				t.Fatal("the decline-rate chart has no line")
			}
		}
	})
	t.Run("both tables list their questions", func(t *testing.T) {
		for _, want := range []string{`id="unanswered"`, "who will host the summit", "¶4 of rubio", "Rubio–Lavrov meeting put on hold",
			`name="viewport"`} {
			if !strings.Contains(body, want) {
				t.Errorf("page lacks %q", want)
			}
		}
	})
}

func TestThePageWithQuestionTextOffShowsOnlyCounts(t *testing.T) {
	src := newsroom()
	src.textOff = true
	p := insights.NewPage(insights.PageConfig{Source: src, Token: testToken, Now: func() time.Time { return t0 }})
	_, body := get(t, p, "GET", "/insights", nil, map[string]string{"Authorization": "Bearer " + testToken})
	if !strings.Contains(body, "only the counts are shown") || strings.Contains(body, `id="unanswered"`) {
		t.Fatal("the page does not say only counts are shown")
	}
}
