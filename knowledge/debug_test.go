package knowledge

import (
	"os"
	"strconv"
	"testing"
)

// TestDebugQuery prints how a question is read and ranked — its terms
// with their stand-ins, the best sentences and the decision's features —
// the first thing to look at when an answer surprises:
//
//	STORYBOT_Q="question" STORYBOT_STORIES=dir go test ./knowledge -run TestDebugQuery -v
func TestDebugQuery(t *testing.T) {
	q := os.Getenv("STORYBOT_Q")
	if q == "" {
		t.Skip("set STORYBOT_Q")
	}
	lib, err := LoadDefault()
	if dir := os.Getenv("STORYBOT_STORIES"); dir != "" {
		lib, err = LoadDir(dir)
	}
	if err != nil {
		t.Fatal(err)
	}
	sn := lib.snap.Load()
	qr := sn.parseQuery(q, AskOptions{})
	t.Logf("kind %d quote %v speakers %v corrected %v focus %v", qr.kind, qr.quote, qr.speakers, qr.corrected, qr.focus)
	vocabulary.RLock()
	terms := vocabulary.terms
	vocabulary.RUnlock()
	for _, x := range qr.terms {
		var alts []string
		for _, a := range x.alts {
			alts = append(alts, terms[a.id]+":"+strconv.FormatFloat(a.strength, 'g', 2, 64))
		}
		t.Logf("  %-14s idf %.2f w %.2f name %v known %v ctx %v alts %v", x.lower, x.idf, x.weight, x.name, x.known, x.ctx, alts)
	}
	ranked := sn.rank(qr, "")
	for _, i := range qr.proper {
		t.Logf("  proper %q", qr.toks[i].Word)
	}
	if len(ranked) > 0 {
		si := sn.docs[ranked[0].doc].story
		m, st := sn.storyMissing(si, qr)
		t.Logf("  top story %s missing %d strange %d unknownNames %d", sn.stories[si].ID, m, st, qr.unknownNames)
	}
	for i, r := range ranked[:min(6, len(ranked))] {
		c := sn.citation(r)
		t.Logf("#%d %.3f bm25 %.2f sc %.2f pc %.2f ¶%d %.90s", i, r.score, r.bm25, r.sentCov, r.paraCov, c.Paragraph, c.Quote)
	}
	e := sn.explain(qr, ranked, AskOptions{})
	t.Logf("features %v decline %.2f", e.Features, e.Decline)
	// STORYBOT_P=N breaks down paragraph ¶N's score by question word: its
	// own BM25 contribution and what it inherits from the lead.
	if n, err := strconv.Atoi(os.Getenv("STORYBOT_P")); err == nil && len(ranked) > 0 {
		si := sn.docs[ranked[0].doc].story
		for d := range sn.docs {
			if sn.docs[d].story != si || sn.stories[si].Paragraphs[sn.docs[d].pix.para].N != n {
				continue
			}
			lead := sn.leadDoc[si]
			t.Logf("¶%d leadScore %.2f", n, sn.leadScore(qr, int32(d), sn.focusKinds(qr), sn.leadInheritance(nil, qr, si)))
			for _, x := range qr.terms {
				own := sn.termScore(x, int32(d), false)
				inh := 0.0
				if int32(d) != lead && sn.leadWord(x, si) {
					inh = rankLead * sn.termScore(x, lead, true)
				}
				t.Logf("  %-14s own %.2f lead %.2f leadWord %v", x.lower, own, inh, sn.leadWord(x, si))
			}
		}
	}
	for _, r := range ranked {
		if c := sn.citation(r); os.Getenv("STORYBOT_P") == strconv.Itoa(c.Paragraph) {
			t.Logf("  ¶%d sentence %.3f sc %.2f pc %.2f bm25 %.2f %.70s", c.Paragraph, r.score, r.sentCov, r.paraCov, r.bm25, c.Quote)
		}
	}
}

// TestDebugMisses prints, for each corpus training question, the question
// words no story matches (strength < 0.5) with their rarity.
func TestDebugMisses(t *testing.T) {
	if os.Getenv("STORYBOT_MISSES") == "" {
		t.Skip("set STORYBOT_MISSES=1")
	}
	for _, s := range trainingSets(t) {
		if s.name == "library" {
			continue
		}
		sn := s.lib.snap.Load()
		for _, q := range s.qs {
			qr := sn.parseQuery(q.Q, AskOptions{})
			ranked := sn.rank(qr, "")
			var miss []string
			for _, x := range qr.terms {
				inLib := 0.0
				for _, a := range x.alts {
					inLib = max(inLib, a.strength)
				}
				top := 0.0
				if len(ranked) > 0 {
					top = matchStrength(x, sn.docs[ranked[0].doc].pix.has)
				}
				if top < 0.5 {
					miss = append(miss, x.lower+"("+strconv.FormatFloat(inLib, 'f', 1, 64)+","+strconv.Itoa(lexRank(x.lower))+")")
				}
			}
			label := "A"
			if len(q.Gold) == 0 {
				label = "U"
			}
			t.Logf("%s %-8s %v  %.60s", label, q.Kind, miss, q.Q)
		}
	}
}
