// Command blevebase is the plain-BM25 baseline storybot's answers are
// compared with, in the storybot CLI's JSON contract, so that
// ../shared/eval/score.py scores it as it scores storybot:
//
//	go build -o /tmp/blevebase . && python3 ../../../shared/eval/score.py --bin /tmp/blevebase --library DIR --questions Q
//
// `blevebase ask --json [--stories DIR] -` indexes every paragraph of the
// stories in DIR with bleve's English analyzer and answers each question
// line with the three best paragraphs for a match query; it never
// declines. It is a module of its own so that storybot does not depend
// on bleve.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
)

type cite struct {
	Story     string `json:"story"`
	Paragraph int    `json:"paragraph"`
	Quote     string `json:"quote"`
}

func main() {
	if len(os.Args) < 2 || os.Args[1] != "ask" {
		fmt.Fprintln(os.Stderr, "usage: blevebase ask --json [--stories DIR] -")
		os.Exit(2)
	}
	fs := flag.NewFlagSet("ask", flag.ExitOnError)
	fs.Bool("json", true, "")
	dir := fs.String("stories", "", "")
	fs.Parse(os.Args[2:])
	files, _ := filepath.Glob(filepath.Join(*dir, "*.txt"))
	im := bleve.NewIndexMapping()
	dm := bleve.NewDocumentMapping()
	f := bleve.NewTextFieldMapping()
	f.Analyzer = en.AnalyzerName
	dm.AddFieldMappingsAt("text", f)
	im.DefaultMapping = dm
	im.ScoringModel = "bm25"
	idx, err := bleve.NewMemOnly(im)
	if err != nil {
		panic(err)
	}
	paras := map[string]cite{}
	split := regexp.MustCompile(`\n\s*\n`)
	for _, p := range files {
		b, _ := os.ReadFile(p)
		id := strings.TrimSuffix(filepath.Base(p), ".txt")
		var blocks []string
		for _, blk := range split.Split(string(b), -1) {
			if strings.TrimSpace(blk) != "" {
				blocks = append(blocks, strings.TrimSpace(blk))
			}
		}
		for i, blk := range blocks[1:] {
			key := id + "#" + strconv.Itoa(i+1)
			paras[key] = cite{id, i + 1, blk}
			idx.Index(key, map[string]any{"text": blk})
		}
	}
	sc := bufio.NewScanner(os.Stdin)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	enc := json.NewEncoder(os.Stdout)
	for sc.Scan() {
		q := sc.Text()
		req := bleve.NewSearchRequestOptions(bleve.NewMatchQuery(q), 3, 0, false)
		res, err := idx.Search(req)
		var cs []cite
		if err == nil {
			for _, h := range res.Hits {
				cs = append(cs, paras[h.ID])
			}
		}
		enc.Encode(map[string]any{"question": q, "abstained": false, "citations": cs, "text": ""})
	}
}
