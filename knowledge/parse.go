package knowledge

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// ErrBadStory is wrapped by every error about a story file's content.
var ErrBadStory = errors.New("bad story file")

// Parse reads a story file. name is the file name: its base without the
// extension becomes the story id, and a .md extension selects Markdown
// (optional YAML front matter with title, date, authors, outlet, url).
//
// The plain format is a header line such as
//
//	date 2025-10-21 By Kristen Holmes, Jennifer Hansler, CNN
//
// followed by paragraphs separated by blank lines. Paragraph N is the Nth
// block after the header, counted from 1; that number is the public
// citation (¶N) and never depends on what the block contains.
func Parse(name string, data []byte) (*Story, error) {
	base := filepath.Base(name)
	id := strings.TrimSuffix(base, filepath.Ext(base))
	if id == "" {
		return nil, fmt.Errorf("story %q: empty id: %w", name, ErrBadStory)
	}
	if !utf8.Valid(data) {
		line := 1 + bytes.Count(data[:firstInvalid(data)], []byte("\n"))
		return nil, fmt.Errorf("story %s: line %d: not UTF-8 text: %w", name, line, ErrBadStory)
	}
	text := strings.TrimPrefix(string(data), "\ufeff")
	text = strings.ReplaceAll(text, "\r\n", "\n")
	if strings.TrimSpace(text) == "" {
		return nil, fmt.Errorf("story %s: empty file: %w", name, ErrBadStory)
	}
	s := &Story{ID: id, Path: name}
	sum := sha256.Sum256([]byte(text))
	s.Hash = hex.EncodeToString(sum[:8])

	lineOffset := 0
	isMD := strings.EqualFold(filepath.Ext(base), ".md") || strings.EqualFold(filepath.Ext(base), ".markdown")
	if isMD {
		fm, rest, lines, err := splitFrontMatter(text)
		if err != nil {
			return nil, fmt.Errorf("story %s: front matter: %v: %w", name, err, ErrBadStory)
		}
		if fm != nil {
			applyFrontMatter(s, fm)
		}
		text, lineOffset = rest, lines
	}
	blocks := splitBlocks(text)
	for i := range blocks {
		blocks[i].line += lineOffset
	}
	if !isMD && len(blocks) > 0 {
		first := blocks[0]
		headerLine, rest, _ := strings.Cut(first.text, "\n")
		if looksLikeHeader(headerLine) {
			parseHeader(s, headerLine)
			if strings.TrimSpace(rest) != "" {
				blocks[0] = block{text: strings.TrimSpace(rest), line: first.line + 1}
			} else {
				blocks = blocks[1:]
			}
		}
	}
	if len(blocks) == 0 {
		return nil, fmt.Errorf("story %s: no paragraphs after the header: %w", name, ErrBadStory)
	}
	for i, b := range blocks {
		p := Paragraph{N: i + 1, Text: b.text, Line: b.line, Kind: classify(b.text, isMD)}
		p.Sentences = splitSentences(p.Text)
		s.Paragraphs = append(s.Paragraphs, p)
	}
	if !hasContent(s) {
		return nil, fmt.Errorf("story %s: no content paragraphs: %w", name, ErrBadStory)
	}
	finishMetadata(s)
	sc := scratchPool.Get().(*scratch)
	st := sc.read(s)
	analyse(s, st)
	s.index = indexStory(s, st)
	scratchPool.Put(sc)
	return s, nil
}

// storyText is a story's paragraphs read once for the analysis and the
// index to share.
type storyText struct {
	// toks[i] are the tokens of s.Paragraphs[i], nil but for content.
	toks [][]token
	// runs[i][j] are the word runs of sentence j of s.Paragraphs[i], nil
	// but for content and notes.
	runs [][][]wrun
}

// scratch holds a storyText's memory: it is dropped once the story is
// indexed, so Parse reuses it.
type scratch struct {
	toks []token
	runs []wrun
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

// read tokenises the content paragraphs of s and finds the word runs of
// the sentences of its content and notes.
func (sc *scratch) read(s *Story) storyText {
	toks, runs := sc.toks[:0], sc.runs[:0]
	tokEnds := make([]int, len(s.Paragraphs))
	nsent := 0
	for i, p := range s.Paragraphs {
		if p.Kind == KindContent {
			toks = appendTokens(toks, p.Text)
		}
		tokEnds[i] = len(toks)
		if p.Kind == KindContent || p.Kind == KindNote {
			nsent += len(p.Sentences)
		}
	}
	runEnds := make([]int, 0, nsent)
	for _, p := range s.Paragraphs {
		if p.Kind != KindContent && p.Kind != KindNote {
			continue
		}
		for _, sp := range p.Sentences {
			runs = wordRuns(p.Text[sp.Start:sp.End], runs)
			runEnds = append(runEnds, len(runs))
		}
	}
	sc.toks, sc.runs = toks, runs
	// Sliced once all are in, as appending may move them.
	st := storyText{toks: make([][]token, len(s.Paragraphs)), runs: make([][][]wrun, len(s.Paragraphs))}
	sentRuns := make([][]wrun, nsent)
	start, k, rstart := 0, 0, 0
	for i, p := range s.Paragraphs {
		if p.Kind == KindContent {
			st.toks[i] = toks[start:tokEnds[i]:tokEnds[i]]
		}
		start = tokEnds[i]
		if p.Kind != KindContent && p.Kind != KindNote {
			continue
		}
		st.runs[i] = sentRuns[k : k+len(p.Sentences) : k+len(p.Sentences)]
		for range p.Sentences {
			sentRuns[k] = runs[rstart:runEnds[k]:runEnds[k]]
			rstart = runEnds[k]
			k++
		}
	}
	return st
}

func firstInvalid(data []byte) int {
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return len(data)
}

type block struct {
	text string
	line int
}

// splitBlocks splits text into blank-line-separated blocks, trimmed, with
// the line each starts on.
func splitBlocks(text string) []block {
	var out []block
	var cur []string
	start := 0
	flush := func() {
		if len(cur) > 0 {
			out = append(out, block{text: strings.TrimSpace(strings.Join(cur, "\n")), line: start})
			cur = nil
		}
	}
	for i, line := range strings.Split(text, "\n") {
		if strings.TrimSpace(line) == "" {
			flush()
			continue
		}
		if len(cur) == 0 {
			start = i + 1
		}
		cur = append(cur, line)
	}
	flush()
	return out
}

var (
	isoDateRe = regexp.MustCompile(`\b(\d{4})-(\d{2})-(\d{2})\b`)
	// dateHeaderRe is "date 2025-10-21 …", "date: Oct 21, 2025 …" or a
	// bare ISO date: "date" must be followed by a date, so a first
	// paragraph such as "Date night at the White House …" is not a header.
	dateHeaderRe = regexp.MustCompile(`(?i)^\s*(date\s*:?\s*(\d|(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d)|\d{4}-\d{2}-\d{2}\b)`)
	bylineRe     = regexp.MustCompile(`(?i)^\s*by\s+(.*)$`)
)

// bylineParticles are the lower-case words a byline's names may contain.
var bylineParticles = toSet(`and & for of de da del della der van von la le al bin`)

// looksLikeHeader reports whether a story's first line is a header rather
// than the first paragraph: it is short and starts with a date ("date
// 2025-10-21", an ISO date) or is a byline ("By Maria Chen, Reuters").
func looksLikeHeader(line string) bool {
	if len(line) >= 400 {
		return false
	}
	if dateHeaderRe.MatchString(line) {
		return true
	}
	m := bylineRe.FindStringSubmatch(line)
	return m != nil && isByline(m[1])
}

// isByline reports whether the words after "By" are names: every word
// capitalised but for particles ("and", "van"), so "By the time the
// council voted, …" opening a story without a header stays paragraph 1.
func isByline(names string) bool {
	words := strings.FieldsFunc(names, func(r rune) bool { return unicode.IsSpace(r) || r == ',' || r == ';' })
	if len(words) == 0 {
		return false
	}
	for _, w := range words {
		if _, ok := bylineParticles[w]; ok {
			continue
		}
		r, _ := utf8.DecodeRuneInString(w)
		if !unicode.IsUpper(r) {
			return false
		}
	}
	return true
}

// parseHeader reads "date 2025-10-21 By A, B, CNN".
func parseHeader(s *Story, line string) {
	rest := strings.TrimSpace(line)
	if m := isoDateRe.FindStringSubmatchIndex(rest); m != nil {
		if d, err := time.Parse("2006-01-02", rest[m[0]:m[1]]); err == nil {
			s.Date = d
		}
		rest = strings.TrimSpace(rest[:m[0]] + " " + rest[m[1]:])
	}
	rest = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(trimPrefixFold(rest, "date")), ":"))
	rest = strings.TrimSpace(trimPrefixFold(rest, "by"))
	if rest == "" {
		return
	}
	var names []string
	for _, n := range strings.Split(rest, ",") {
		n = strings.TrimSpace(n)
		n = strings.TrimSpace(trimPrefixFold(n, "and "))
		if n != "" {
			names = append(names, n)
		}
	}
	// " and " inside the last author ("A and B") splits too.
	var authors []string
	for _, n := range names {
		for _, part := range strings.Split(n, " and ") {
			if part = strings.TrimSpace(part); part != "" {
				authors = append(authors, part)
			}
		}
	}
	if len(authors) > 1 && looksLikeOutlet(authors[len(authors)-1]) {
		s.Outlet = authors[len(authors)-1]
		authors = authors[:len(authors)-1]
	} else if len(authors) == 1 && looksLikeOutlet(authors[0]) {
		s.Outlet = authors[0]
		authors = nil
	}
	s.Authors = authors
}

// looksLikeOutlet reports whether a byline item is an organisation rather
// than a person: a single word ("CNN", "Reuters") or an acronym.
func looksLikeOutlet(n string) bool {
	f := strings.Fields(n)
	if len(f) == 1 {
		return true
	}
	upper := 0
	for _, r := range n {
		if unicode.IsUpper(r) {
			upper++
		}
	}
	return upper >= 3 && upper*2 >= len([]rune(strings.ReplaceAll(n, " ", "")))
}

func trimPrefixFold(s, prefix string) string {
	if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		rest := s[len(prefix):]
		if prefix[len(prefix)-1] == ' ' || rest == "" || !isWordByte(rest[0]) {
			return rest
		}
	}
	return s
}

func isWordByte(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9'
}

var (
	wireRe      = regexp.MustCompile(`(?i)^(the[- ])?[a-z]+[- ]wire$|^[A-Za-z]+(-[A-Za-z]+){2,}$`)
	copyrightRe = regexp.MustCompile(`(?i)(©|™|\(c\)\s*\d{4}|all rights reserved|copyright \d{4})`)
	noteRe      = regexp.MustCompile(`(?i)^(this (story|article|report|post|piece) (has been|was|is being) (updated|corrected|revised)|editor['’]s note|correction:|update:|updated:|clarification:)`)
)

// classify recognises blocks that are not the story's content: wire tags,
// copyright lines and editor's notes keep their numbers but are never
// cited as content.
func classify(text string, md bool) Kind {
	t := strings.TrimSpace(text)
	switch {
	case md && strings.HasPrefix(t, "#"):
		return KindHeading
	case mayBeWireTag(t) && wireRe.MatchString(t):
		return KindWire
	case len(t) < 300 && mayBeCopyright(t) && copyrightRe.MatchString(t):
		return KindCopyright
	case len(t) < 400 && noteRe.MatchString(t):
		return KindNote
	}
	return KindContent
}

// mayBeWireTag is false for text wireRe cannot match: it matches only
// ASCII letters, hyphens and spaces (and, folding case, two non-ASCII
// letters, which this leaves to it).
func mayBeWireTag(t string) bool {
	for i := 0; i < len(t); i++ {
		b := t[i]
		if b < 0x80 && b != ' ' && b != '-' && !(b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z') {
			return false
		}
	}
	return true
}

// mayBeCopyright is false for text copyrightRe cannot match.
func mayBeCopyright(t string) bool {
	if strings.Contains(t, "©") || strings.Contains(t, "™") || oddFold(t) {
		return true
	}
	lower := strings.ToLower(t)
	return strings.Contains(lower, "(c)") || strings.Contains(lower, "all rights reserved") || strings.Contains(lower, "copyright ")
}

func hasContent(s *Story) bool {
	for _, p := range s.Paragraphs {
		if p.Kind == KindContent {
			return true
		}
	}
	return false
}

var datelineRe = regexp.MustCompile(`^\s*(?:[A-Z][A-Za-z .,'-]{0,40}\s)?\(([A-Za-z][A-Za-z0-9 .&'-]{0,30})\)\s*[—–-]+\s*`)

// finishMetadata fills in what the header did not give: the outlet from a
// dateline such as "(CNN) —", the title from the first sentence of ¶1.
func finishMetadata(s *Story) {
	var first *Paragraph
	for i := range s.Paragraphs {
		if s.Paragraphs[i].Kind == KindContent {
			first = &s.Paragraphs[i]
			break
		}
	}
	if first == nil {
		return
	}
	if s.Outlet == "" {
		if m := datelineRe.FindStringSubmatch(first.Text); m != nil {
			s.Outlet = m[1]
		}
	}
	if s.Title == "" {
		for _, p := range s.Paragraphs {
			if p.Kind == KindHeading {
				s.Title = strings.TrimSpace(strings.TrimLeft(p.Text, "# "))
				return
			}
		}
		t := first.Text
		if len(first.Sentences) > 0 {
			t = first.Sentence(0)
		}
		if m := datelineRe.FindStringIndex(t); m != nil {
			t = t[m[1]:]
		}
		s.Title = strings.TrimSpace(t)
	}
}

// splitFrontMatter separates "---\nyaml\n---\n" from a Markdown body and
// reports how many lines it took.
func splitFrontMatter(text string) (map[string]any, string, int, error) {
	if !strings.HasPrefix(text, "---\n") {
		return nil, text, 0, nil
	}
	end := strings.Index(text[4:], "\n---")
	if end < 0 {
		return nil, text, 0, errors.New("no closing ---")
	}
	raw := text[4 : 4+end]
	rest := text[4+end+4:]
	if nl := strings.IndexByte(rest, '\n'); nl >= 0 {
		rest = rest[nl+1:]
	} else {
		rest = ""
	}
	fm := map[string]any{}
	if err := yaml.Unmarshal([]byte(raw), &fm); err != nil {
		return nil, "", 0, err
	}
	lines := strings.Count(text[:len(text)-len(rest)], "\n")
	return fm, rest, lines, nil
}

func applyFrontMatter(s *Story, fm map[string]any) {
	str := func(keys ...string) string {
		for _, k := range keys {
			switch v := fm[k].(type) {
			case string:
				return strings.TrimSpace(v)
			case time.Time:
				return v.Format("2006-01-02")
			}
		}
		return ""
	}
	s.Title = str("title", "headline")
	s.Outlet = str("outlet", "publisher", "source", "site")
	s.URL = str("url", "link", "source_url")
	if d := str("date", "published"); d != "" {
		if m := isoDateRe.FindString(d); m != "" {
			if t, err := time.Parse("2006-01-02", m); err == nil {
				s.Date = t
			}
		}
	}
	for _, k := range []string{"authors", "author", "byline"} {
		switch v := fm[k].(type) {
		case string:
			for _, a := range strings.Split(v, ",") {
				if a = strings.TrimSpace(a); a != "" {
					s.Authors = append(s.Authors, a)
				}
			}
		case []any:
			for _, a := range v {
				if as, ok := a.(string); ok && strings.TrimSpace(as) != "" {
					s.Authors = append(s.Authors, strings.TrimSpace(as))
				}
			}
		}
		if len(s.Authors) > 0 {
			break
		}
	}
}
