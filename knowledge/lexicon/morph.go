package lexicon

import (
	"slices"
	"strings"
)

// rule is one of WordNet's morphy detachment rules: a word ending in suffix
// may be an inflection of the word with that suffix replaced by ending.
type rule struct{ suffix, ending string }

// The rules of WordNet's morphy(7WN), per part of speech, in its order.
// Doubled consonants (stopped, running) are not a rule: WordNet lists them
// among the irregular forms.
var (
	nounRules = []rule{{"s", ""}, {"ses", "s"}, {"xes", "x"}, {"zes", "z"}, {"ches", "ch"}, {"shes", "sh"}, {"men", "man"}, {"ies", "y"}}
	verbRules = []rule{{"s", ""}, {"ies", "y"}, {"es", "e"}, {"es", ""}, {"ed", "e"}, {"ed", ""}, {"ing", "e"}, {"ing", ""}}
	adjRules  = []rule{{"er", ""}, {"est", ""}, {"er", "e"}, {"est", "e"}}
)

// posOrder is the preference among parts of speech when a form has lemmas
// in several: a question's "tabled" or "cancelled" is an event (a verb)
// more often than a thing.
var posOrder = []struct {
	bit   uint8
	rules []rule
}{{posVerb, verbRules}, {posNoun, nounRules}, {posAdj, adjRules}, {posAdv, nil}}

// Lemma returns the dictionary form of a lower-case word form: irregular
// forms from WordNet's exception lists (cancelled→cancel, chosen→choose,
// children→child), else WordNet's morphy detachment rules checked against
// the lemma list (tabled→table, meetings→meeting, postponing→postpone).
// Returns the word itself when it is already a lemma or unknown. When
// several parts of speech give different lemmas it prefers verb, then
// noun, then adjective; see LemmasOf for all.
//
// Precisely: the parts of speech are tried in that order, and in each an
// irregular form listed for it wins unless the word is itself a lemma of
// that part of speech. So chosen→choose and rose→rise even though "chosen"
// and "rose" are nouns, while better, found and saw stay as they are (each
// is also a lemma of the part of speech of its exception). Detachment
// rules are tried only for a word that is no lemma at all: meeting stays
// meeting, and leaves→leave (verb) rather than leaf.
func Lemma(word string) string {
	lx := get()
	if lx == nil {
		return word
	}
	id, known := lx.lookup(word)
	var bits uint8
	from, to := 0, 0
	if known {
		bits = lx.pos[id]
		from, to = lx.exceptions(id)
	}
	for _, p := range posOrder {
		if bits&p.bit == 0 {
			for i := from; i < to; i++ {
				if lx.excPos[i] == p.bit {
					return lx.word(lx.excBase[i])
				}
			}
		}
		if bits == 0 {
			for _, r := range p.rules {
				if l, ok := lx.detach(word, r, p.bit); ok {
					return l
				}
			}
		}
	}
	return word
}

// LemmasOf returns every distinct lemma a word form may have (all parts of
// speech), the word itself first if it is a lemma, then the others in the
// order verb, noun, adjective, adverb: LemmasOf("better") is [better good
// well], LemmasOf("meeting") is [meeting meet]. It returns nil for a word
// that is neither a lemma nor an inflection of one.
//
// Per part of speech this is WordNet's morphy: a form listed as irregular
// gives its listed bases; any other gives what the detachment rules make
// of it that is a lemma of that part of speech.
func LemmasOf(word string) []string {
	lx := get()
	if lx == nil {
		return nil
	}
	var out []string
	add := func(l string) {
		for _, o := range out {
			if o == l {
				return
			}
		}
		out = append(out, l)
	}
	id, known := lx.lookup(word)
	var from, to int
	if known {
		if lx.pos[id] != 0 {
			add(lx.word(id))
		}
		from, to = lx.exceptions(id)
	}
	for _, p := range posOrder {
		irregular := false
		for i := from; i < to; i++ {
			if lx.excPos[i] == p.bit {
				add(lx.word(lx.excBase[i]))
				irregular = true
			}
		}
		if irregular {
			continue
		}
		for _, r := range p.rules {
			if l, ok := lx.detach(word, r, p.bit); ok {
				add(l)
			}
		}
	}
	return out
}

// InWordNet reports whether the word is a WordNet lemma (any part of
// speech) or an inflection of one, regular or irregular.
func InWordNet(word string) bool {
	lx := get()
	if lx == nil {
		return false
	}
	if id, ok := lx.lookup(word); ok {
		if lx.pos[id] != 0 {
			return true
		}
		if from, to := lx.exceptions(id); from < to {
			return true
		}
	}
	for _, p := range posOrder {
		for _, r := range p.rules {
			if _, ok := lx.detach(word, r, p.bit); ok {
				return true
			}
		}
	}
	return false
}

// detach applies one rule to word and returns the result if it is a lemma
// of the given part of speech. The result is the vocabulary's own string,
// so a successful lookup allocates nothing.
func (lx *lexicon) detach(word string, r rule, pos uint8) (string, bool) {
	stem, ok := strings.CutSuffix(word, r.suffix)
	if !ok || stem == "" {
		return "", false
	}
	id, ok := lx.lookup2(stem, r.ending)
	if !ok || lx.pos[id]&pos == 0 {
		return "", false
	}
	return lx.word(id), true
}

// POS is a set of parts of speech, as WordNet assigns them.
type POS uint8

// The parts of speech of a POS set.
const (
	Noun POS = posNoun
	Verb POS = posVerb
	Adj  POS = posAdj
	Adv  POS = posAdv
)

// PartsOfSpeech returns the parts of speech a word form may have: those
// of the word itself when it is a lemma, and of each lemma it inflects,
// regularly or irregularly. "launched" is only a verb, "towns" only a
// noun, "count" both; an unknown word has none. The answer engine uses it
// to find where the noun a question asks about ends ("which prison was",
// "what rocket launched").
func PartsOfSpeech(word string) POS {
	lx := get()
	if lx == nil {
		return 0
	}
	var out POS
	id, known := lx.lookup(word)
	from, to := 0, 0
	if known {
		out = POS(lx.pos[id])
		from, to = lx.exceptions(id)
	}
	for i := from; i < to; i++ {
		out |= POS(lx.excPos[i])
	}
	for _, p := range posOrder {
		for _, r := range p.rules {
			if _, ok := lx.detach(word, r, p.bit); ok {
				out |= POS(p.bit)
			}
		}
	}
	return out
}

// Inflections returns the inflected forms of a lemma: its irregular ones
// from WordNet's exception lists (go → went, gone; child → children;
// swing → swung) and the regular ones morphy's rules would take back to
// it, for each part of speech the lemma has (fast → faster, fastest;
// meeting → meetings; postpone → postponed, postponing). A regular form
// is made whether or not English uses it ("goed"): the caller keeps the
// ones a text has. An index of stems finds "fastest" from "fast" no more
// than Lemma finds "fast" from "fastest" for a question.
func Inflections(lemma string) []string {
	lx := get()
	if lx == nil {
		return nil
	}
	id, ok := lx.lookup(lemma)
	if !ok || lx.pos[id] == 0 {
		return nil
	}
	var out []string
	add := func(f string) {
		if f != lemma && !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	rev := lx.irregularForms()
	for _, f := range rev[id] {
		add(lx.word(f))
	}
	bits := lx.pos[id]
	for _, p := range posOrder {
		if bits&p.bit == 0 {
			continue
		}
		for _, r := range p.rules {
			stem, ok := strings.CutSuffix(lemma, r.ending)
			if !ok || r.ending == "" && r.suffix == "es" && !strings.HasSuffix(lemma, "s") && !strings.HasSuffix(lemma, "x") &&
				!strings.HasSuffix(lemma, "z") && !strings.HasSuffix(lemma, "ch") && !strings.HasSuffix(lemma, "sh") && !strings.HasSuffix(lemma, "o") {
				continue // "es" follows a sibilant or an o ("passes", "goes"), not "meetinges"
			}
			if r.suffix == "ies" && (r.ending != "y" || len(stem) == 0) {
				continue
			}
			sibilant := strings.HasSuffix(lemma, "s") || strings.HasSuffix(lemma, "x") || strings.HasSuffix(lemma, "z") ||
				strings.HasSuffix(lemma, "ch") || strings.HasSuffix(lemma, "sh")
			if r.ending == "" && (strings.HasSuffix(lemma, "e") && strings.ContainsAny(r.suffix[:1], "ei") || r.suffix == "s" && sibilant) {
				continue // "postponed", not "postponeed"; "passes", not "passs"
			}
			add(stem + r.suffix)
		}
	}
	return out
}

// irregularForms maps a lemma's id to the ids of its irregular forms,
// the exception lists read backwards, built on first use.
func (lx *lexicon) irregularForms() map[uint32][]uint32 {
	lx.revOnce.Do(func() {
		lx.rev = make(map[uint32][]uint32, len(lx.excForm))
		for i, f := range lx.excForm {
			b := lx.excBase[i]
			if !slices.Contains(lx.rev[b], f) {
				lx.rev[b] = append(lx.rev[b], f)
			}
		}
	})
	return lx.rev
}
