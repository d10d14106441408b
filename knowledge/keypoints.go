package knowledge

import (
	"cmp"
	"math"
	"slices"
)

// KeyPoints returns the n sentences (3–5 makes a good digest) that best
// cover a story, verbatim and cited, in story order. Sentences are ranked
// by centrality: a PageRank over the graph whose edges are the rarity-
// weighted word overlap between sentences, so a sentence that shares much
// with the rest of the story ranks high.
func (l *Library) KeyPoints(storyID string, n int) []Citation {
	sn := l.snap.Load()
	i, ok := sn.byID[storyID]
	if !ok {
		return nil
	}
	return sn.keyPoints(i, n)
}

// keyPoints is KeyPoints for the snapshot's story i.
func (sn *snapshot) keyPoints(i, n int) []Citation {
	if n <= 0 {
		return nil
	}
	s := sn.stories[i]
	type node struct {
		para, sent int
		terms      []uint32
	}
	var nodes []node
	for pi, p := range s.index.paras {
		for si, sx := range p.sents {
			if len(sx.terms) < 6 {
				continue // too short to stand alone
			}
			nodes = append(nodes, node{pi, si, sx.terms})
		}
	}
	if len(nodes) == 0 {
		return nil
	}
	idf := map[uint32]float64{}
	for _, nd := range nodes {
		for _, t := range nd.terms {
			if _, ok := idf[t]; !ok {
				idf[t] = sn.idf(t, true)
			}
		}
	}
	m := len(nodes)
	w := make([][]float64, m)
	out := make([]float64, m)
	for a := range nodes {
		w[a] = make([]float64, m)
		for b := range nodes {
			if a == b {
				continue
			}
			shared := 0.0
			for _, t := range nodes[a].terms {
				if slices.Contains(nodes[b].terms, t) {
					shared += idf[t]
				}
			}
			if shared > 0 {
				w[a][b] = shared / (math.Log(float64(len(nodes[a].terms))+1) + math.Log(float64(len(nodes[b].terms))+1))
				out[a] += w[a][b]
			}
		}
	}
	rank := make([]float64, m)
	for a := range rank {
		rank[a] = 1 / float64(m)
	}
	const damping = 0.85
	for iter := 0; iter < 30; iter++ {
		next := make([]float64, m)
		for b := range nodes {
			sum := 0.0
			for a := range nodes {
				if w[a][b] > 0 && out[a] > 0 {
					sum += rank[a] * w[a][b] / out[a]
				}
			}
			next[b] = (1-damping)/float64(m) + damping*sum
		}
		rank = next
	}
	// The lead paragraph carries a news story's point; favour early sentences.
	order := make([]int, m)
	for a := range order {
		order[a] = a
		rank[a] *= 1 + 0.5/float64(1+nodes[a].para)
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(rank[b], rank[a]) })
	var picked []int
	perPara := map[int]bool{}
	for _, a := range order {
		if len(picked) == n {
			break
		}
		if perPara[nodes[a].para] {
			continue // one sentence per paragraph keeps the digest varied
		}
		perPara[nodes[a].para] = true
		picked = append(picked, a)
	}
	slices.Sort(picked)
	var cites []Citation
	for _, a := range picked {
		nd := nodes[a]
		pix := s.index.paras[nd.para]
		p := &s.Paragraphs[pix.para]
		sx := pix.sents[nd.sent]
		cites = append(cites, Citation{Story: s.ID, Paragraph: p.N, Quote: p.Text[sx.span.Start:sx.span.End],
			Speaker: sx.speaker, Start: sx.span.Start, End: sx.span.End})
	}
	return cites
}
