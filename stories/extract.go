package stories

import (
	"bytes"
	"fmt"
	"net/netip"
	"net/url"
	"strings"
	"time"
	"unicode"

	readability "codeberg.org/readeck/go-readability/v2"
	"go.yaml.in/yaml/v3"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/text/unicode/norm"

	"github.com/storybot/storybot/knowledge"
)

// article is what storybot keeps of a web page.
type article struct {
	title   string
	authors []string
	outlet  string
	date    time.Time // publication date; zero when the page gives none
	fetched time.Time // when it was fetched, for the id when date is zero
	url     string
	blocks  []string // paragraphs in order; headings start with "## "
}

// extract finds the article in an HTML page with readability.
func extract(page []byte, pageURL *url.URL, now time.Time) (*article, error) {
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNoArticle, err)
	}
	p := readability.NewParser()
	// Readability falls back to any text on the page; a page that is not
	// "probably readerable" (too little paragraph text) is a front page,
	// a login wall or an error page, not a story.
	if !p.CheckDocument(doc) {
		return nil, ErrNoArticle
	}
	appName := metaContent(doc, "application-name") // before readability prunes the document
	art, err := p.ParseDocument(doc, pageURL)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNoArticle, err)
	}
	if art.Node == nil {
		return nil, ErrNoArticle
	}
	a := &article{
		title:   knowledge.CleanText(art.Title()),
		outlet:  knowledge.CleanText(art.SiteName()),
		fetched: now,
		url:     pageURL.String(),
	}
	if a.outlet == "" {
		a.outlet = knowledge.CleanText(appName)
	}
	if a.outlet == "" {
		a.outlet = hostOutlet(pageURL)
	}
	a.title = stripSiteName(a.title, a.outlet)
	a.authors = splitByline(art.Byline(), a.outlet)
	if t, err := art.PublishedTime(); err == nil {
		a.date = t
	} else if t, err := art.ModifiedTime(); err == nil {
		a.date = t
	}
	for i, b := range blocksOf(art.Node) {
		// Readability often keeps the headline as the first heading.
		if i == 0 && strings.HasPrefix(b, "## ") && strings.EqualFold(strings.TrimPrefix(b, "## "), a.title) {
			continue
		}
		a.blocks = append(a.blocks, b)
	}
	if len(a.blocks) == 0 {
		return nil, ErrNoArticle
	}
	if a.title == "" {
		a.title = a.blocks[0]
	}
	return a, nil
}

// metaContent returns the content of the page's <meta name=name>, or "".
func metaContent(doc *html.Node, name string) string {
	for n := range doc.Descendants() {
		if n.Type != html.ElementNode || n.DataAtom != atom.Meta {
			continue
		}
		var key, content string
		for _, at := range n.Attr {
			switch strings.ToLower(at.Key) {
			case "name", "property":
				key = strings.ToLower(at.Val)
			case "content":
				content = at.Val
			}
		}
		if key == name && strings.TrimSpace(content) != "" {
			return content
		}
	}
	return ""
}

// hostOutlet names the outlet after the page's host when the page names
// no site: "reuters.com" for www.reuters.com. An address is no outlet.
func hostOutlet(u *url.URL) string {
	host := u.Hostname()
	if _, err := netip.ParseAddr(host); err == nil || host == "localhost" {
		return ""
	}
	return strings.TrimPrefix(host, "www.")
}

// titleSeparators join a headline and the site's name in page titles.
var titleSeparators = []string{" - ", " | ", " – ", " — ", " · ", " :: "}

// stripSiteName drops the site's name that pages append to a headline
// ("Tram line approved - Reuters") when it is the outlet's name.
func stripSiteName(title, site string) string {
	if site == "" {
		return title
	}
	for _, sep := range titleSeparators {
		head, tail, ok := cutLast(title, sep)
		if ok && strings.TrimSpace(head) != "" && strings.EqualFold(strings.TrimSpace(tail), site) {
			return strings.TrimSpace(head)
		}
	}
	return title
}

// cutLast splits s around the last sep.
func cutLast(s, sep string) (before, after string, found bool) {
	i := strings.LastIndex(s, sep)
	if i < 0 {
		return s, "", false
	}
	return s[:i], s[i+len(sep):], true
}

// splitByline turns "By Jane Doe and John Roe, CNN" into the authors'
// names, leaving out the outlet and anything that is not a name (dates,
// "Updated 5:01 PM EDT").
func splitByline(byline, outlet string) []string {
	b := knowledge.CleanText(byline)
	if len(b) >= 3 && strings.EqualFold(b[:3], "by ") {
		b = b[3:]
	}
	var out []string
	for _, part := range strings.Split(b, ",") {
		for _, n := range strings.Split(part, " and ") {
			n = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(n), "and "))
			if n == "" || len(n) > 60 || strings.EqualFold(n, outlet) || strings.ContainsAny(n, "0123456789|@") {
				continue
			}
			out = append(out, n)
		}
	}
	return out
}

// blockAtoms are the elements that end a paragraph.
var blockAtoms = map[atom.Atom]bool{
	atom.Address: true, atom.Article: true, atom.Aside: true, atom.Blockquote: true, atom.Dd: true,
	atom.Details: true, atom.Div: true, atom.Dl: true, atom.Dt: true, atom.Footer: true, atom.Form: true,
	atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true,
	atom.Header: true, atom.Hr: true, atom.Li: true, atom.Main: true, atom.Nav: true, atom.Ol: true,
	atom.P: true, atom.Pre: true, atom.Section: true, atom.Table: true, atom.Tbody: true, atom.Td: true,
	atom.Tfoot: true, atom.Th: true, atom.Thead: true, atom.Tr: true, atom.Ul: true,
}

// skipAtoms hold nothing a reader would quote: captions, media, controls.
var skipAtoms = map[atom.Atom]bool{
	atom.Button: true, atom.Figcaption: true, atom.Figure: true, atom.Iframe: true, atom.Img: true,
	atom.Noscript: true, atom.Picture: true, atom.Script: true, atom.Style: true, atom.Svg: true,
	atom.Template: true, atom.Video: true, atom.Audio: true, atom.Select: true, atom.Input: true,
	atom.Textarea: true,
}

// boilerplate are lines pages put between paragraphs that readability
// may leave in.
var boilerplate = map[string]bool{
	"advertisement": true, "ad": true, "sponsored": true, "story continues below advertisement": true,
	"article continues below advertisement": true, "continue reading": true, "read more": true,
}

// blocksOf flattens readability's cleaned article into paragraphs: each
// run of inline content between block elements becomes one paragraph,
// with whitespace collapsed; headings are marked with "## ".
func blocksOf(root *html.Node) []string {
	var out []string
	var run strings.Builder
	flush := func(prefix string) {
		t := knowledge.CleanText(run.String())
		run.Reset()
		if t == "" || boilerplate[strings.ToLower(t)] {
			return
		}
		out = append(out, prefix+t)
	}
	var inline func(n *html.Node)
	inline = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			run.WriteString(n.Data)
		case html.ElementNode:
			if skipAtoms[n.DataAtom] {
				return
			}
			if n.DataAtom == atom.Br {
				run.WriteByte(' ')
				return
			}
			for c := range n.ChildNodes() {
				inline(c)
			}
		}
	}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		for c := range n.ChildNodes() {
			switch {
			case c.Type == html.ElementNode && skipAtoms[c.DataAtom]:
			case c.Type == html.ElementNode && blockAtoms[c.DataAtom]:
				flush("")
				if isHeading(c.DataAtom) {
					inline(c)
					flush("## ")
					continue
				}
				walk(c)
				flush("")
			case c.Type == html.ElementNode && hasBlockChild(c):
				// An inline element wrapping blocks (<a><p>…</p></a>).
				walk(c)
			default:
				inline(c)
			}
		}
	}
	walk(root)
	flush("")
	return out
}

func isHeading(a atom.Atom) bool {
	switch a {
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		return true
	}
	return false
}

func hasBlockChild(n *html.Node) bool {
	for d := range n.Descendants() {
		if d.Type == html.ElementNode && blockAtoms[d.DataAtom] {
			return true
		}
	}
	return false
}

// id is the story id: the publication date (or the fetch date when the
// page gives none) and a slug of the title.
func (a *article) id() string {
	d := a.date
	if d.IsZero() {
		d = a.fetched
	}
	slug := slugify(a.title)
	if slug == "" {
		slug = "story"
	}
	return d.Format("2006-01-02") + "-" + slug
}

// slugify lower-cases s, drops accents and joins its words with hyphens,
// keeping at most eight words and 60 bytes.
func slugify(s string) string {
	var b strings.Builder
	words, dash := 0, false
	for _, r := range norm.NFKD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if dash && b.Len() > 0 {
				if words == 8 || b.Len() >= 60 {
					return b.String()
				}
				b.WriteByte('-')
			}
			if dash || b.Len() == 0 {
				words++
			}
			dash = false
			b.WriteRune(unicode.ToLower(r))
		case r == '\'' || r == '’':
			// "Trump's" → "trumps", not "trump-s".
		default:
			dash = true
		}
	}
	return b.String()
}

// frontMatter is the YAML header of a saved story: what knowledge.Parse
// reads from a Markdown story file.
type frontMatter struct {
	Title   string   `yaml:"title"`
	Date    string   `yaml:"date,omitempty"`
	Authors []string `yaml:"authors,omitempty"`
	Outlet  string   `yaml:"outlet,omitempty"`
	URL     string   `yaml:"url"`
}

// markdown renders the article as a storybot Markdown story: YAML front
// matter, then one paragraph per block separated by blank lines. Markdown
// rather than the plain format because front matter keeps the title and
// the source URL, which the plain header line cannot.
func (a *article) markdown() []byte {
	fm := frontMatter{Title: a.title, Authors: a.authors, Outlet: a.outlet, URL: a.url}
	if !a.date.IsZero() {
		fm.Date = a.date.Format("2006-01-02")
	}
	head, err := yaml.Marshal(fm)
	if err != nil {
		// Marshalling a struct of strings cannot fail.
		panic(err)
	}
	var b bytes.Buffer
	b.WriteString("---\n")
	b.Write(head)
	b.WriteString("---\n")
	for _, p := range a.blocks {
		b.WriteString("\n")
		b.WriteString(p)
		b.WriteString("\n")
	}
	return b.Bytes()
}
