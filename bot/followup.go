package bot

import (
	"strings"
	"unicode"
)

// isFollowUp reports whether a question leans on the conversation before
// it, so that only then the thread's earlier questions are mixed into its
// search. A question that names its own subject ("is Lavrov loyal to
// Putin?") is answered as if asked alone: mixing in an unrelated earlier
// question only pulls the answer towards that question's paragraphs.
//
// A question is a follow-up when it
//   - continues the conversation: it starts with "and", "but", "also",
//     "or", "plus", "then", "what about", "how about", or an ellipsis;
//   - has no content word at all ("why?", "who said that?", "tell me
//     more", "what else?");
//   - uses a pronoun (he, she, it, they, that, …) with no content word
//     before it in the message that it could refer to ("what did he say
//     next?", "how long did it last?").
func isFollowUp(q string) bool {
	q = strings.TrimSpace(q)
	if strings.HasPrefix(q, "...") || strings.HasPrefix(q, "…") {
		return true
	}
	words := questionWords(q)
	if len(words) == 0 {
		return false
	}
	if continuations[words[0]] {
		return true
	}
	if len(words) > 1 && (words[0] == "what" || words[0] == "how") && words[1] == "about" {
		return true
	}
	sawContent := false
	for i, w := range words {
		switch {
		case personalPronouns[w]:
			if !sawContent {
				return true
			}
		case demonstratives[w]:
			// "that" before a content word is a determiner or starts a
			// clause ("that meeting", "said that Rubio …"); on its own
			// ("who said that?", "what does that mean?") it points back.
			if !sawContent && (i == len(words)-1 || !isContent(words[i+1])) {
				return true
			}
		case w == "there" && i == len(words)-1:
			if !sawContent {
				return true
			}
		case isContent(w):
			sawContent = true
		}
	}
	return !sawContent
}

// questionWords splits q into lower-case words, dropping punctuation and
// a possessive "'s".
func questionWords(q string) []string {
	fields := strings.FieldsFunc(strings.ToLower(q), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\'' && r != '’' && r != '-'
	})
	out := fields[:0]
	for _, f := range fields {
		f = strings.TrimSuffix(strings.TrimSuffix(f, "'s"), "’s")
		f = strings.Trim(f, "'’-")
		if f != "" {
			out = append(out, f)
		}
	}
	return out
}

// isContent reports whether w can name what a question is about: a word
// that is not a function word, a pronoun or one of the generic verbs and
// adverbs every question uses.
func isContent(w string) bool {
	if personalPronouns[w] || demonstratives[w] || functionWords[w] || continuations[w] {
		return false
	}
	for _, r := range w {
		if unicode.IsDigit(r) {
			return true
		}
	}
	return len(w) > 1
}

// continuations start a message that carries on from the one before.
var continuations = wordSet(`and but also or plus then`)

// personalPronouns stand for someone or something named earlier.
var personalPronouns = wordSet(`he him his himself she her hers herself it its itself they them their theirs
themselves former latter`)

// demonstratives point back when they stand alone.
var demonstratives = wordSet(`this that these those`)

// functionWords carry no subject of their own: question words,
// auxiliaries, articles, prepositions, conjunctions, first and second
// person pronouns, and the verbs and adverbs of asking and telling.
var functionWords = wordSet(`
a an the some any each every all both either neither no not nor none
who whom whose what which when where why how whatever whoever
is am are was were be been being do does did done doing have has had having
will would shall should can could may might must ought
i me my mine myself we us our ours ourselves you your yours yourself yourselves
one ones someone something anyone anything everyone everything nobody nothing
to of in on at by for with about from into onto over under after before since until
than as like between through during without within against among upon off out up down
if so too very just only even still yet again already ever never always also else
more most less least much many few other another same such own
here there now then next later first last soon ago
say says said saying tell tells told telling ask asks asked mean means meant
think thinks thought know knows knew happen happens happened happening
do go goes went come came get got make made give gave take took want wanted
really exactly actually about ok okay please thanks thank yes yeah
true right correct wrong sure possible long
`)

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}
