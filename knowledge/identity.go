package knowledge

import (
	"regexp"
	"strings"
)

// This file answers "who is Lavrov?": a reader asking who someone the
// story names is wants the sentence that introduces them. News writing
// gives a person's full name and role at first mention ("Rubio and his
// Russian counterpart Sergey Lavrov"); searched as an ordinary question,
// the name alone matches every sentence that mentions them equally, and
// the answer was whichever ranked first.

// whoIsRe is "who is X", "who's X", "who was X", with X the rest.
var whoIsRe = regexp.MustCompile(`^(?:so |and |ok |wait )?(?:who(?:'s|’s| is| was)|whos|who exactly is|remind me who) (.+?)[?!. ]*$`)

// answerIdentity answers "who is X" for a person X a story names: the
// sentence of their first mention and, if it lacks the role the story
// gives them, the first sentence that has it.
func (sn *snapshot) answerIdentity(q string, opts AskOptions) (Answer, bool) {
	// Every question passes here; only one that opens with "who" (after
	// a word or two) runs the pattern.
	if len(q) > 60 || !strings.Contains(strings.ToLower(q[:min(len(q), 16)]), "who") {
		return Answer{}, false
	}
	m := whoIsRe.FindStringSubmatch(strings.ToLower(q))
	if m == nil {
		return Answer{}, false
	}
	words := strings.Fields(strings.Trim(m[1], " "))
	if len(words) == 0 || len(words) > 3 {
		return Answer{}, false
	}
	surname := words[len(words)-1]
	for i, s := range sn.stories {
		if opts.Story != "" && s.ID != opts.Story {
			continue
		}
		full, ok := s.Mentions[surname]
		if !ok || !containsWords(strings.ToLower(full), words) {
			continue
		}
		title := ""
		for _, sp := range s.Speakers {
			if sp.Person && sp.Name == full {
				title = sp.Title
			}
		}
		a := Answer{Question: q}
		first := sn.firstSentenceWith(i, func(text string) bool { return strings.Contains(text, full) || containsName(text, surname) })
		if first == nil {
			continue
		}
		a.Citations = append(a.Citations, *first)
		if title != "" && !strings.Contains(first.Quote, title) {
			if c := sn.firstSentenceWith(i, func(text string) bool { return strings.Contains(text, title) && containsName(text, surname) }); c != nil && *c != *first {
				a.Citations = append(a.Citations, *c)
			}
		}
		var text []string
		for _, c := range a.Citations {
			text = append(text, c.Quote+" "+sn.marker(c))
		}
		a.Text = strings.Join(text, " ")
		if notes := sn.dateNotes(a.Citations); notes != "" {
			a.Text += "\n" + notes
		}
		return a, true
	}
	return Answer{}, false
}

// firstSentenceWith returns the first sentence of story i, in story order,
// whose text satisfies ok.
func (sn *snapshot) firstSentenceWith(i int, ok func(string) bool) *Citation {
	s := sn.stories[i]
	for _, pix := range s.index.paras {
		p := &s.Paragraphs[pix.para]
		for _, sx := range pix.sents {
			if text := p.Text[sx.span.Start:sx.span.End]; ok(text) {
				return &Citation{Story: s.ID, Paragraph: p.N, Quote: text, Speaker: sx.speaker, Start: sx.span.Start, End: sx.span.End}
			}
		}
	}
	return nil
}

// containsWords reports whether every word is a word of the lower-case
// name.
func containsWords(name string, words []string) bool {
	fields := strings.Fields(name)
	for _, w := range words {
		found := false
		for _, f := range fields {
			if strings.Trim(f, ".,") == w {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// containsName reports whether text names the lower-case surname as a
// capitalised word.
func containsName(text, surname string) bool {
	for _, t := range tokenize(text) {
		if t.Cap && t.Lower == surname {
			return true
		}
	}
	return false
}
