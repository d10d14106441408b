package knowledge

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestFocusIsTheThingAsked checks which words of a question are read as
// the thing it asks for: the head of the noun phrase after "what" or
// "which", the verb whose object "how much" or "who did" asks for. The
// abstention features look for these words in the answer, and the
// ranking weighs them more.
func TestFocusIsTheThingAsked(t *testing.T) {
	sn := seedSnapshot(t)
	tests := []struct {
		q    string
		want []string
	}{
		{"Which prison was he serving time in?", []string{"prison"}},
		{"What was the Senate vote count on his confirmation?", []string{"count"}},
		{"What is the annual salary of the director?", []string{"salary"}},
		{"How many wind turbines were installed in 2008?", []string{"turbines"}},
		{"How many named storms did NOAA forecast?", []string{"storms"}},
		{"What rocket launched the spacecraft?", []string{"rocket"}},
		{"Which Energy Secretary announced the funding?", []string{"secretary", "energy"}},
		{"From which U.S. bases will the troops deploy?", []string{"bases"}},
		{"How many co-conspirators were charged?", []string{"conspirators"}},
		{"How many of the fish populations were still overfished?", []string{"populations"}},
		{"How many fisheries inspectors completed the training?", []string{"inspectors"}},             // a plural modifier before a noun-only word
		{"How many Montana Department of Transportation projects were rigged?", []string{"projects"}}, // "of" inside a name
		{"How much did the New Horizons mission cost?", []string{"cost"}},
		{"How much does the Census Bureau spend on estimates?", []string{"spend"}},
		{"Who did Rick Spinrad succeed as administrator?", []string{"succeed"}},
		{"Who was the director of the National Hurricane Center?", []string{"director"}},
		{"Who administered the oath of office?", []string{"oath"}},
		{"Who will lead the US side?", []string{"lead", "side"}},
		{"Who is going to head the US side?", []string{"head", "side"}}, // "is going to" is "will"
		{"Which organization's mission operators re-established contact?", []string{"operators"}},
		{"Roughly how much distance had the probe covered?", []string{"distance"}},
		{"When the Secret Service questioned the man who menaced Obama, did he take it back?", nil},
		{"How old was he?", nil},
		{"How many states share in the money?", []string{"states"}},
		{"What kinds of work will the grants pay for?", []string{"work"}},
		{"Which arms dealer sold the rifle?", []string{"dealer"}},                  // "arms" is a lemma of its own, not only a plural
		{"How many more U.S. troops is the Pentagon sending?", []string{"troops"}}, // a comparative counts the noun after it
		{"whats the top speed of the probe", []string{"speed"}},                    // "whats" is "what's"
	}
	for _, tt := range tests {
		t.Run(tt.q+" asks about "+join(tt.want), func(t *testing.T) {
			qr := sn.parseQuery(tt.q, AskOptions{})
			got := termWords(qr, qr.focus)
			if !slices.Equal(got, tt.want) {
				t.Errorf("focus = %q, want %q", got, tt.want)
			}
		})
	}
}

func join(ws []string) string {
	if len(ws) == 0 {
		return "nothing in particular"
	}
	out := ws[0]
	for _, w := range ws[1:] {
		out += " and " + w
	}
	return out
}

// TestTheQuestionTypeIsReadFromItsGrammar checks that "which judge" is
// read as asking for a person and "which town" for a place, as "who" and
// "where" are, so that the sentence naming one is preferred; and that the
// first question word decides the type: a clause later in the question
// that opens with "when", "where" or "why" does not.
func TestTheQuestionTypeIsReadFromItsGrammar(t *testing.T) {
	sn := seedSnapshot(t)
	for _, tt := range []struct {
		q    string
		want queryKind
	}{
		{"Which federal judge sentenced him?", qWho},
		{"Which prosecutor handled the case?", qWho},
		{"which commerce secretary praised him?", qWho}, // a noun before a person is still a person
		{"Which Texas towns did the tour visit?", qWhere},
		{"What rocket launched the spacecraft?", qOther},
		{"What social media site did Trump post on?", qOther}, // a site, but not a place
		{"What did the judge say about the case?", qOther},    // a quote question keeps its reading
		{"Which official commented on the finding?", qWho},    // who said it
		{"Who was the acting administrator when the report came out?", qWho},
		{"Who was in charge where the summit was held?", qWho},
		{"Which prison was he in when he wrote the letters?", qOther},
		{"Who explained why the meeting was called off?", qWho},
		{"When did Rubio and Lavrov speak?", qWhen},
		{"Who knows how many troops there are?", qHowMany},
	} {
		t.Run(tt.q, func(t *testing.T) {
			if got := sn.parseQuery(tt.q, AskOptions{}).kind; got != tt.want {
				t.Errorf("kind = %d, want %d", got, tt.want)
			}
		})
	}
}

// TestYesOrNoQuestionsPreferTheSentenceThatSaysNo checks that a question
// opening with an auxiliary is read as yes-or-no, and that the sentence
// saying something did not happen answers it.
func TestYesOrNoQuestionsPreferTheSentenceThatSaysNo(t *testing.T) {
	lib, err := LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		q    string
		para int
	}{
		{"did they reach an agreement in anchorage", 17},
		{"Is Rubio likely to recommend that the Putin-Trump meeting move forward?", 16},
	} {
		t.Run(tt.q, func(t *testing.T) {
			if !lib.snap.Load().parseQuery(tt.q, AskOptions{}).yesNo {
				t.Error("not read as a yes-or-no question")
			}
			a, err := lib.Ask(tt.q, AskOptions{})
			if err != nil || a.Abstained || len(a.Citations) == 0 || a.Citations[0].Paragraph != tt.para {
				t.Errorf("answer %q, want ¶%d first", a.Text, tt.para)
			}
		})
	}
	for _, s := range []string{"Ended without a deal.", "He would not retract it.", "They didn't agree."} {
		if !negated(tokenize(s)) {
			t.Errorf("negated(%q) = false", s)
		}
	}
	if negated(tokenize("They agreed to meet.")) {
		t.Error(`negated("They agreed to meet.") = true`)
	}
}

// TestNumbersTakeNoNeighbours checks that a number word is not stood in
// for by the numbers GloVe puts beside it ("two" by "three").
func TestNumbersTakeNoNeighbours(t *testing.T) {
	lib, err := LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	qr := lib.snap.Load().parseQuery("Is the meeting between the two top diplomats still on?", AskOptions{})
	for _, x := range qr.terms {
		if x.lower != "two" {
			continue
		}
		for _, a := range x.alts {
			if a.vec {
				t.Errorf("two has a GloVe stand-in of strength %.2f", a.strength)
			}
		}
	}
}

// TestSumsAndWordsAreReadFromGrammar checks two readings that a word
// alone would get wrong: "how many" asks for a count even with a word of
// money in it ("charged"), and "call" asks for someone's words only as a
// verb ("another call" is a phone call).
func TestSumsAndWordsAreReadFromGrammar(t *testing.T) {
	sn := seedSnapshot(t)
	for _, tt := range []struct {
		q            string
		money, quote bool
	}{
		{"How many co-conspirators were charged?", false, false},
		{"How many people were paid?", false, false},
		{"How much was he charged?", true, false},
		{"How much did the tour cost?", true, false},
		{"How many dollars did the tour cost?", true, false},
		{"what is nasa's budget for next year", true, false},
		{"could the two top diplomats have another call soon", false, false},
		{"when was the phone call", false, false},
		{"was the meeting called off", false, false},
		{"what did Peskov call the summit", false, true},
		{"what did Peskov say", false, true},
	} {
		t.Run(tt.q, func(t *testing.T) {
			qr := sn.parseQuery(tt.q, AskOptions{})
			if qr.money != tt.money || qr.quote != tt.quote {
				t.Errorf("money, quote = %v, %v; want %v, %v", qr.money, qr.quote, tt.money, tt.quote)
			}
		})
	}
}

// seedSnapshot returns the snapshot of the embedded seed story.
func seedSnapshot(t *testing.T) *snapshot {
	t.Helper()
	lib, err := LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	return lib.snap.Load()
}

// TestAcronymsSpellNames checks that an acronym is read as the name a
// story writes out, from initials or beginnings of its words.
func TestAcronymsSpellNames(t *testing.T) {
	tests := []struct {
		acronym, name string
		want          int // words of the name it spells, 0 for none
	}{
		{"nhc", "national hurricane center", 3},
		{"noaa", "national oceanic and atmospheric administration", 5},
		{"doe", "department of energy", 3},
		{"de", "department of energy", 3},
		{"centcom", "central command area", 2},
		{"epa", "environmental protection agency", 3},
		{"nasa", "national hurricane center", 0},
		{"nh", "national", 0},                       // one word is no acronym
		{"of", "of the people", 0},                  // nor does a name start with a small word
		{"nhco", "national hurricane center of", 0}, // nor end with one
	}
	for _, tt := range tests {
		t.Run(tt.acronym+" for "+tt.name, func(t *testing.T) {
			if got := acronymOf(tt.acronym, strings.Fields(tt.name)); got != tt.want {
				t.Errorf("acronymOf = %d, want %d", got, tt.want)
			}
		})
	}
}

// TestAnAcronymFindsTheNameItStandsFor checks that a question naming an
// agency by an acronym the story never uses is answered from the
// paragraph that spells it out, not declined for an unknown name.
func TestAnAcronymFindsTheNameItStandsFor(t *testing.T) {
	lib, err := LoadDir(filepath.Join("testdata", "corpus", "stories"))
	if err != nil {
		t.Fatal(err)
	}
	a, err := lib.Ask("Where will the 300 additional troops headed to CENTCOM deploy from?", AskOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if a.Abstained || len(a.Citations) == 0 || a.Citations[0].Story != "2023-10-31-pentagon-300-troops-centcom" || a.Citations[0].Paragraph != 1 {
		t.Errorf("got %+v, want the Pentagon story's ¶1", a.Citations)
	}
}

// TestAWordFindsItsOtherForms checks that a question word matches the
// forms of it a story uses that a stemmer does not join to it: "fast"
// finds "fastest" ("the fastest spacecraft ever launched") and "large"
// "largest".
func TestAWordFindsItsOtherForms(t *testing.T) {
	lib, err := LoadDir(filepath.Join("testdata", "corpus", "stories"))
	if err != nil {
		t.Fatal(err)
	}
	sn := lib.snap.Load()
	for _, tt := range []struct{ word, form string }{
		{"fast", "fastest"},
		{"large", "largest"},
	} {
		t.Run(tt.word+" finds "+tt.form, func(t *testing.T) {
			if normTerm(tt.word) == normTerm(tt.form) {
				t.Fatalf("%q and %q share a stem; the test needs forms the stemmer keeps apart", tt.word, tt.form)
			}
			qr := sn.parseQuery("how "+tt.word+" was it", AskOptions{})
			id, ok := lookupTerm(normTerm(tt.form))
			if !ok {
				t.Fatalf("no term for %q", tt.form)
			}
			for _, x := range qr.terms {
				if x.lower == tt.word && slices.ContainsFunc(x.alts, func(a alt) bool { return a.id == id && a.strength >= 1 }) {
					return
				}
			}
			t.Errorf("%q has no stand-in %q", tt.word, tt.form)
		})
	}
}

// TestLooserWordNetLinksRankButDoNotDecide checks that a word WordNet
// links to a question word more loosely than a synonym ("recover" for
// "save") stands in for it when the vectors agree on the sense, and that
// the decision to answer does not count it as the word itself.
func TestLooserWordNetLinksRankButDoNotDecide(t *testing.T) {
	lib, err := LoadDir(filepath.Join("testdata", "corpus", "stories"))
	if err != nil {
		t.Fatal(err)
	}
	sn := lib.snap.Load()
	qr := sn.parseQuery("who did the ranger try to save", AskOptions{})
	id, ok := lookupTerm(normTerm("recover"))
	if !ok {
		t.Fatal("no term for recover")
	}
	for _, x := range qr.terms {
		if x.lower != "save" {
			continue
		}
		i := slices.IndexFunc(x.alts, func(a alt) bool { return a.id == id })
		if i < 0 {
			t.Fatalf("save has no stand-in recover: %+v", x.alts)
		}
		if x.alts[i].exact() {
			t.Errorf("recover counts as save itself for the decision to answer")
		}
		return
	}
	t.Fatal("no question word save")
}

// TestYesNoAsksAboutItsVerb checks the predicate read from a yes-or-no
// question: the verb after its subject, the subject running on through
// its prepositional phrases; a verb the subject's phrase took ("did the
// council vote") is still the verb; "was there any X" asks about X.
func TestYesNoAsksAboutItsVerb(t *testing.T) {
	sn := seedSnapshot(t)
	tests := []struct {
		q    string
		want []string
	}{
		{"Was Haskell barred from bidding on federal contracts?", []string{"barred"}},
		{"Did the fishery management council vote to protect the reef?", []string{"vote"}},
		{"Were any American soldiers injured in the strikes?", []string{"injured"}},
		{"Did the lawyer for the defendant plan to appeal?", []string{"plan"}},
		{"Was there any opposition in the Senate?", []string{"opposition"}},
		{"Has Russia agreed to a ceasefire?", []string{"agreed"}},
		{"Did the boat pass?", []string{"pass"}},
		{"Who was barred from bidding?", nil}, // a wh-question has a focus, not a predicate
	}
	for _, tt := range tests {
		t.Run(tt.q+" asks about "+join(tt.want), func(t *testing.T) {
			qr := sn.parseQuery(tt.q, AskOptions{})
			got := termWords(qr, qr.predicate)
			if !slices.Equal(got, tt.want) {
				t.Errorf("predicate = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestGoingToIsTheFuture checks that "going" in "going to <verb>" is read
// as the future, not as a word of the question, wherever its "be" stands:
// "where's the summit going to be" asks where the summit will be.
func TestGoingToIsTheFuture(t *testing.T) {
	sn := seedSnapshot(t)
	for _, q := range []string{"where's the summit going to be", "is the summit going to happen?", "who is going to head the US side?"} {
		t.Run(q, func(t *testing.T) {
			for _, x := range sn.parseQuery(q, AskOptions{}).terms {
				if x.lower == "going" {
					t.Errorf("%q searches for %q", q, x.lower)
				}
			}
		})
	}
}

// termWords returns the lower-case words of the question terms at idx.
func termWords(qr query, idx []int) []string {
	var out []string
	for _, k := range idx {
		out = append(out, qr.terms[k].lower)
	}
	return out
}
