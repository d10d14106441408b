package knowledge

import (
	"regexp"
	"strings"
)

// This file answers a reader who asks what a story is about rather than
// asking something in it — "tl;dr?", "what's this about", "catch me up
// on the Budapest summit" — with the story's key points, verbatim and
// cited, as /digest gives them. Searched as a question, such a request
// matches nothing in particular and was declined ("The story doesn't
// say"), the least useful answer a news bot can give to "what happened?".

var (
	// overviewRe is a request for the gist with nothing more: the whole
	// question, after an opener such as "so" or "hey".
	overviewRe = regexp.MustCompile(`^(?:(?:so|ok|okay|hey|hi|yo|and|well|um|sorry),? )*(?:` +
		`(?:what'?s|what is|whats) (?:this|it|this story|the story|this article|the article|the news|the gist|the latest|going on|new|happening)(?: all)?(?: about)?` +
		`|what (?:is|was) (?:this|it|the story|this story) (?:all )?about` +
		`|what (?:happened|has happened|is happening)` +
		`|(?:can you |could you |pls |please )?(?:summari[sz]e|sum up|recap)(?: (?:this|it|the story|this story|the article|for me))*` +
		`|(?:give me |i need |got )?(?:a |the )?(?:summary|gist|rundown|recap|tl;?dr|tldr|short version|highlights|key points)` +
		`|catch me up|fill me in|bring me up to speed|any (?:news|updates?)` +
		`)(?: (?:please|pls|thanks|thx))?[?!. ]*$`)
	// overviewOnRe is the same request about a topic the reader names:
	// "what's the latest on the summit", "catch me up on the bridge vote".
	overviewOnRe = regexp.MustCompile(`^(?:(?:so|ok|okay|hey|hi|yo|and|well),? )*(?:` +
		`(?:what'?s|what is|whats) (?:the latest|new|going on|the deal|the story|the news|happening|up)` +
		`|what (?:happened|is happening|is going on)` +
		`|(?:can you |could you |pls |please )?(?:summari[sz]e|sum up|recap)` +
		`|(?:give me |i need )?(?:a |the )?(?:summary|gist|rundown|recap|tl;?dr|tldr|short version|highlights|key points)` +
		`|catch me up|fill me in|bring me up to speed|update me|any (?:news|updates?)` +
		`) (?:on|with|about|re|regarding|of|for|at)? ?(.+?)[?!. ]*$`)
)

var (
	curlyQuotes = strings.NewReplacer("’", "'", "‘", "'")
	// gistOpeners may open a request for the gist ("ok so tl;dr?").
	gistOpeners = toSet(`so ok okay hey hi yo and well um sorry`)
	// gistStarts are the words a request for the gist starts with, after
	// its openers; a question starting otherwise skips the patterns.
	gistStarts = toSet(`what's whats summarize summarise sum recap can could pls please give i got a the ` +
		`summary gist rundown tl;dr tldr short highlights key catch fill bring update any news updates`)
	// gistAfterWhat are the words after "what" in one.
	gistAfterWhat = toSet(`is was happened has`)
)

// mayAskForGist reports, cheaply, whether the lower-case start of a
// question starts as a request for the gist can: every question passes
// here, and nearly all are ruled out by their first words.
func mayAskForGist(lower string) bool {
	lower = curlyQuotes.Replace(lower)
	w, rest, _ := strings.Cut(lower, " ")
	for {
		if _, ok := gistOpeners[strings.TrimRight(w, ",.!")]; !ok || rest == "" {
			break
		}
		w, rest, _ = strings.Cut(rest, " ")
	}
	w = strings.TrimRight(w, "?!.")
	if w == "what" {
		second, _, _ := strings.Cut(rest, " ")
		_, ok := gistAfterWhat[strings.TrimRight(second, "?!.")]
		return ok
	}
	_, ok := gistStarts[w]
	return ok
}

// maxOverviewLen bounds the length of a request for the gist, in bytes.
const maxOverviewLen = 120

// maxOverviewTopic bounds the words of a topic an overview request may
// name: "what happened with the rubio lavrov meeting" asks for the gist,
// "what happened to Toledo's tap water ten years before the grants" asks
// something in particular, and is searched as a question.
const maxOverviewTopic = 5

// AsksForGist reports whether q asks what a story is about without
// naming it ("tl;dr?", "what's going on?"): in a thread, the thread says
// which story, so a chat adapter passes its context along.
func AsksForGist(q string) bool {
	topic, ok := overviewTopic(q)
	return ok && topic == ""
}

// overviewTopic reports whether q asks for the gist of a story, and the
// topic it names, if any.
func overviewTopic(q string) (topic string, ok bool) {
	// Every question passes here: most are longer than a request for the
	// gist can be, or lack all of its words, and skip the patterns.
	if len(q) > maxOverviewLen {
		return "", false
	}
	q = strings.TrimSpace(q)
	if !mayAskForGist(strings.ToLower(q[:min(len(q), 24)])) {
		return "", false
	}
	lower := curlyQuotes.Replace(strings.ToLower(q))
	if overviewRe.MatchString(lower) {
		return "", true
	}
	m := overviewOnRe.FindStringSubmatch(lower)
	if m == nil {
		return "", false
	}
	topic = strings.TrimSpace(m[1])
	words := 0
	for _, w := range strings.Fields(topic) {
		if !isStop(w) {
			words++
		}
	}
	if words == 0 || words > maxOverviewTopic || strings.ContainsAny(topic, "?") {
		return "", false
	}
	return topic, true
}

// answerOverview answers a request for the gist with the key points of
// the story it is about: the story asked for (AskOptions.Story), the one
// story of the library, or the story that best matches the topic named or,
// with none named, the thread's context; failing all, the first key point
// of each story.
func (sn *snapshot) answerOverview(q string, opts AskOptions) (Answer, bool) {
	topic, ok := overviewTopic(q)
	if !ok || len(sn.stories) == 0 {
		return Answer{}, false
	}
	n := opts.MaxCitations
	if n <= 0 {
		n = 3
	}
	// In a thread, "tl;dr?" is about the story the thread is about.
	about := topic
	if about == "" {
		about = opts.Context
	}
	stories := []int{}
	switch i, named := sn.byID[opts.Story]; {
	case named:
		stories = append(stories, i)
	case len(sn.stories) == 1:
		stories = append(stories, 0)
	case about != "":
		qr := sn.parseQuery(about, AskOptions{})
		ranked := sn.rank(qr, "")
		if len(ranked) == 0 || coverage(qr.terms, func(id uint32) bool { return sn.storyHas(sn.docs[ranked[0].doc].story, id) }) < 0.5 {
			if topic != "" {
				return Answer{}, false // searched as a question, it is answered or declined as one
			}
			for i := range sn.stories { // a thread about none of them
				stories = append(stories, i)
			}
			n = 1
			break
		}
		stories = append(stories, sn.docs[ranked[0].doc].story)
	default:
		for i := range sn.stories {
			stories = append(stories, i)
		}
		n = 1
	}
	a := Answer{Question: q, Overview: true}
	var text []string
	for _, i := range stories {
		for _, c := range sn.keyPoints(i, n) {
			a.Citations = append(a.Citations, c)
			text = append(text, c.Quote+" "+sn.marker(c))
		}
	}
	if len(a.Citations) == 0 {
		return Answer{}, false
	}
	a.Text = strings.Join(text, "\n")
	if notes := sn.dateNotes(a.Citations); notes != "" {
		a.Text += "\n" + notes
	}
	return a, true
}
