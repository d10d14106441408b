package bot

import (
	"strings"
	"unicode"

	"github.com/storybot/storybot/knowledge"
)

// SpeakerPhrase is how a sentence names the speaker a quote query found:
// a person by name ("Dmitry Peskov"), and anyone else — an anonymous
// source, an institution, a document — with the article the stories
// themselves put before it ("a European diplomat", "the Kremlin"), so
// that "What a European diplomat said:" reads as English. It is "" when
// the query named no speaker.
func SpeakerPhrase(lib *knowledge.Library, res knowledge.QuoteResult) string {
	name := res.Speaker
	if name == "" || lib == nil {
		return name
	}
	var stories []*knowledge.Story
	for _, q := range res.Quotes {
		if s := lib.Story(q.Story); s != nil && !containsStory(stories, s) {
			stories = append(stories, s)
		}
	}
	for _, s := range stories {
		for _, sp := range s.Speakers {
			if sp.Name == name && sp.Person {
				return name
			}
		}
	}
	counts := map[string]int{}
	lname := strings.ToLower(name)
	for _, s := range stories {
		for _, p := range s.Paragraphs {
			text := strings.ToLower(p.Text)
			for from := 0; ; {
				i := strings.Index(text[from:], lname)
				if i < 0 {
					break
				}
				at := from + i
				from = at + len(lname)
				before := strings.TrimRightFunc(text[:at], unicode.IsSpace)
				if len(before) == len(text[:at]) && at > 0 {
					continue // inside a word
				}
				// The article, just before the name or before one
				// adjective: "a European diplomat", "a brief … readout".
				fields := strings.Fields(before)
				for k := len(fields) - 1; k >= 0 && k >= len(fields)-2; k-- {
					if w := fields[k]; w == "a" || w == "an" || w == "the" {
						counts[w]++
						break
					}
				}
			}
		}
	}
	best := ""
	for _, art := range []string{"the", "a", "an"} {
		if counts[art] > counts[best] {
			best = art
		}
	}
	if best == "" {
		// A description ends in a common noun ("European diplomat");
		// a proper name does not.
		words := strings.Fields(name)
		last := []rune(words[len(words)-1])
		if !unicode.IsLower(last[0]) {
			return name
		}
		best = "a"
		if strings.ContainsRune("aeiouAEIOU", []rune(name)[0]) {
			best = "an"
		}
	}
	return best + " " + name
}

func containsStory(list []*knowledge.Story, s *knowledge.Story) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
