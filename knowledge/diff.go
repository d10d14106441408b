package knowledge

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
)

// Version is one stored state of a story's text, as the store keeps it to
// say later what changed. Paragraphs are the paragraph texts in order, so
// Paragraphs[i] is ¶(i+1) of that version.
type Version struct {
	Story           string
	Hash            string
	Paragraphs      []string
	ParagraphHashes []string
	// FirstSeen is when storybot first saw the story with this text.
	FirstSeen time.Time
}

// NewVersion returns the current version of s; FirstSeen is left zero for
// the caller (the store) to fill in.
func NewVersion(s *Story) Version {
	paras := ParagraphTexts(s)
	return Version{Story: s.ID, Hash: VersionHash(paras), Paragraphs: paras, ParagraphHashes: ParagraphHashes(paras)}
}

// ParagraphTexts returns the texts of s's paragraphs in order, so that
// index i holds ¶(i+1).
func ParagraphTexts(s *Story) []string {
	out := make([]string, len(s.Paragraphs))
	for i, p := range s.Paragraphs {
		out[i] = p.Text
	}
	return out
}

// ParagraphHash identifies a paragraph's text. Whitespace is normalised
// first, so re-wrapping a paragraph does not count as a change.
func ParagraphHash(text string) string {
	sum := sha256.Sum256([]byte(normalizeParagraph(text)))
	return hex.EncodeToString(sum[:8])
}

// ParagraphHashes hashes each paragraph with ParagraphHash.
func ParagraphHashes(paragraphs []string) []string {
	out := make([]string, len(paragraphs))
	for i, p := range paragraphs {
		out[i] = ParagraphHash(p)
	}
	return out
}

// VersionHash identifies a story version by its paragraphs, in order. The
// header (title, byline) does not take part: a version is about the text
// that can be quoted.
func VersionHash(paragraphs []string) string {
	h := sha256.New()
	for _, p := range paragraphs {
		h.Write([]byte(ParagraphHash(p)))
		h.Write([]byte{'\n'})
	}
	return hex.EncodeToString(h.Sum(nil)[:8])
}

func normalizeParagraph(text string) string {
	return strings.Join(strings.Fields(text), " ")
}

// ChangeKind says how a paragraph differs between two versions.
type ChangeKind int

// Change kinds.
const (
	ChangeAdded   ChangeKind = iota + 1 // a paragraph only the new version has
	ChangeEdited                        // a paragraph reworded: similar, not equal
	ChangeRemoved                       // a paragraph only the old version had
)

// String names the kind: "added", "edited" or "removed".
func (k ChangeKind) String() string {
	switch k {
	case ChangeAdded:
		return "added"
	case ChangeEdited:
		return "edited"
	case ChangeRemoved:
		return "removed"
	}
	return "unknown"
}

// MarshalText makes ChangeKind read as its name in JSON.
func (k ChangeKind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// UnmarshalText reads a name written by MarshalText.
func (k *ChangeKind) UnmarshalText(b []byte) error {
	for _, c := range []ChangeKind{ChangeAdded, ChangeEdited, ChangeRemoved} {
		if c.String() == string(b) {
			*k = c
			return nil
		}
	}
	return fmt.Errorf("unknown change kind %q", b)
}

// Change is one paragraph-level difference between two versions. Old and
// New are paragraph numbers (¶N, 1-based) in the old and the new version;
// New is 0 for a removed paragraph and Old is 0 for an added one. New is
// the citation into the new version.
type Change struct {
	Kind    ChangeKind `json:"kind"`
	Old     int        `json:"old,omitempty"`
	New     int        `json:"new,omitempty"`
	OldText string     `json:"old_text,omitempty"`
	NewText string     `json:"new_text,omitempty"`
	// Similarity is the word overlap of an edited paragraph with what it
	// was (0–1).
	Similarity float64 `json:"similarity,omitempty"`
}

// EditThreshold is the least word overlap (Dice coefficient over word
// multisets) at which an unmatched new paragraph counts as an edit of an
// unmatched old one rather than as a removal plus an addition.
const EditThreshold = 0.5

// Diff compares two versions of a story given as paragraph texts, matching
// paragraphs by content, not position: a paragraph that moved or whose
// neighbours changed is not a change. Equal paragraphs (after whitespace
// normalisation) match first; of the rest, the most similar pairs at or
// above EditThreshold are edits; what remains is added or removed. The
// changes come in the order of the new version, each removal placed after
// the paragraph that preceded it.
func Diff(old, new []string) []Change {
	oldHash, newHash := ParagraphHashes(old), ParagraphHashes(new)
	// Equal paragraphs pair up in order, so duplicates match one to one.
	queue := map[string][]int{}
	for i, h := range oldHash {
		queue[h] = append(queue[h], i)
	}
	oldTo := make([]int, len(old)) // old index → new index, or -1
	newTo := make([]int, len(new))
	for i := range oldTo {
		oldTo[i] = -1
	}
	for j, h := range newHash {
		newTo[j] = -1
		if q := queue[h]; len(q) > 0 {
			newTo[j], oldTo[q[0]] = q[0], j
			queue[h] = q[1:]
		}
	}

	// Edits: the most similar unmatched pairs first.
	type pair struct {
		i, j int
		sim  float64
	}
	var pairs []pair
	bags := map[int]map[string]int{}
	bag := func(text string) map[string]int {
		m := map[string]int{}
		for _, w := range words(text) {
			m[w]++
		}
		return m
	}
	for j := range new {
		if newTo[j] >= 0 {
			continue
		}
		nb := bag(new[j])
		for i := range old {
			if oldTo[i] >= 0 {
				continue
			}
			ob, ok := bags[i]
			if !ok {
				ob = bag(old[i])
				bags[i] = ob
			}
			if sim := dice(ob, nb); sim >= EditThreshold {
				pairs = append(pairs, pair{i, j, sim})
			}
		}
	}
	slices.SortStableFunc(pairs, func(a, b pair) int {
		if c := cmp.Compare(b.sim, a.sim); c != 0 {
			return c
		}
		// Ties go to the pair closest in position.
		return cmp.Compare(abs(a.i-a.j), abs(b.i-b.j))
	})
	var changes []Change
	for _, p := range pairs {
		if oldTo[p.i] >= 0 || newTo[p.j] >= 0 {
			continue
		}
		oldTo[p.i], newTo[p.j] = p.j, p.i
		changes = append(changes, Change{Kind: ChangeEdited, Old: p.i + 1, New: p.j + 1, OldText: old[p.i],
			NewText: new[p.j], Similarity: p.sim})
	}
	for j := range new {
		if newTo[j] < 0 {
			changes = append(changes, Change{Kind: ChangeAdded, New: j + 1, NewText: new[j]})
		}
	}
	// A removed paragraph sorts after the new position of the nearest
	// old paragraph before it that survived.
	anchor := map[int]int{}
	for i := range old {
		if oldTo[i] >= 0 {
			continue
		}
		a := 0
		for k := i - 1; k >= 0; k-- {
			if oldTo[k] >= 0 {
				a = oldTo[k] + 1
				break
			}
		}
		anchor[i+1] = a
		changes = append(changes, Change{Kind: ChangeRemoved, Old: i + 1, OldText: old[i]})
	}
	pos := func(c Change) (int, int) {
		if c.Kind == ChangeRemoved {
			return anchor[c.Old], 1
		}
		return c.New, 0
	}
	slices.SortStableFunc(changes, func(a, b Change) int {
		pa, ta := pos(a)
		pb, tb := pos(b)
		if c := cmp.Compare(pa, pb); c != 0 {
			return c
		}
		if c := cmp.Compare(ta, tb); c != 0 {
			return c
		}
		return cmp.Compare(a.Old, b.Old)
	})
	return changes
}

// NewSentences returns the sentences of paragraph n of s that do not
// appear (whitespace aside) in oldText: what an edit added. Each span is
// a sentence of the paragraph, so it can be quoted verbatim.
func (s *Story) NewSentences(n int, oldText string) []Span {
	p := s.Paragraph(n)
	if p == nil {
		return nil
	}
	was := normalizeParagraph(oldText)
	var out []Span
	for _, sp := range p.Sentences {
		if !strings.Contains(was, normalizeParagraph(p.Text[sp.Start:sp.End])) {
			out = append(out, sp)
		}
	}
	return out
}

// words splits text into lower-case words for similarity.
func words(text string) []string {
	return strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

// dice is the Dice coefficient of two word multisets.
func dice(a, b map[string]int) float64 {
	na, nb, shared := 0, 0, 0
	for w, c := range a {
		na += c
		shared += min(c, b[w])
	}
	for _, c := range b {
		nb += c
	}
	if na+nb == 0 {
		return 1
	}
	return 2 * float64(shared) / float64(na+nb)
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
