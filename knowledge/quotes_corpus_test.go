package knowledge_test

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/storybot/storybot/knowledge"
)

// corpusQuoteQuery is one line of a corpus quotes.jsonl file: the quotes
// of who must include every must span, and no quote attributed to who may
// hold a mustnot span.
type corpusQuoteQuery struct {
	ID      string   `json:"id"`
	Who     string   `json:"who"`
	Must    []string `json:"must"`
	MustNot []string `json:"mustnot"`
}

func readCorpusQuoteQueries(t *testing.T, path string) []corpusQuoteQuery {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []corpusQuoteQuery
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var q corpusQuoteQuery
		if err := json.Unmarshal(sc.Bytes(), &q); err != nil {
			t.Fatalf("%s:%d: %v", path, n, err)
		}
		out = append(out, q)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// foldSpace folds runs of white space to one space, as the scorer does.
func foldSpace(s string) string { return strings.Join(strings.Fields(s), " ") }

// TestQuotesCorpus runs every quote query of the public-domain corpus
// (testdata/corpus) against its story loaded alone, and checks them as
// the scorer does: each must span is among the quotations listed for
// who, no mustnot span is among those attributed to who, and every
// quotation is its paragraph's text at its span.
func TestQuotesCorpus(t *testing.T) {
	dir := filepath.Join("testdata", "corpus")
	files, err := filepath.Glob(filepath.Join(dir, "questions", "*.quotes.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	queries := 0
	for _, qf := range files {
		id := strings.TrimSuffix(filepath.Base(qf), ".quotes.jsonl")
		qqs := readCorpusQuoteQueries(t, qf)
		queries += len(qqs)
		t.Run(id, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(dir, "stories", id+".txt"))
			if err != nil {
				t.Fatal(err)
			}
			tmp := t.TempDir()
			if err := os.WriteFile(filepath.Join(tmp, id+".txt"), data, 0o644); err != nil {
				t.Fatal(err)
			}
			lib, err := knowledge.LoadDir(tmp)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range lib.Stories() {
				for _, q := range s.Quotes {
					if p := s.Paragraph(q.Paragraph); p == nil || p.Text[q.Span.Start:q.Span.End] != q.Text {
						t.Errorf("quotation %q is not ¶%d's text at %v", q.Text, q.Paragraph, q.Span)
					}
				}
			}
			for _, qq := range qqs {
				res := lib.Quotes(qq.Who)
				who := strings.ToLower(qq.Who)
				var got, mine []string
				for _, q := range res.Quotes {
					got = append(got, foldSpace(q.Text))
					sp := strings.ToLower(q.Speaker)
					if strings.Contains(sp, who) || strings.Contains(who, sp) { // as the scorer does, "" included
						mine = append(mine, foldSpace(q.Text))
					}
				}
				for _, m := range qq.Must {
					if !slices.ContainsFunc(got, func(g string) bool { return strings.Contains(g, foldSpace(m)) }) {
						t.Errorf("%s: quote %s lists no quotation holding %q; got %q (note %q)", qq.ID, qq.Who, m, got, res.Note)
					}
				}
				for _, bad := range qq.MustNot {
					if slices.ContainsFunc(mine, func(g string) bool { return strings.Contains(g, foldSpace(bad)) }) {
						t.Errorf("%s: %q is attributed to %s", qq.ID, bad, qq.Who)
					}
				}
			}
		})
	}
	if len(files) != 12 || queries != 15 {
		t.Errorf("%d quote files with %d queries, want 12 with 15", len(files), queries)
	}
}
