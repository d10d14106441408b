package bot

import (
	"strings"
	"unicode"
)

// social is the kind of a message that is manners, not a question: a
// greeting, thanks, a farewell or an acknowledgement. Answering "thanks!"
// with a paragraph of the story is the mark of a bot that does not listen.
type social int

const (
	notSocial social = iota
	greeting
	thanks
	farewell
	acknowledgement
)

// socialWords are the words such messages are made of, each with the kind
// it gives the message; words of no kind ("you", "so", "much") may fill
// one but not make it.
var socialWords = map[string]social{
	"hi": greeting, "hello": greeting, "hey": greeting, "hiya": greeting, "howdy": greeting,
	"morning": greeting, "afternoon": greeting, "evening": greeting, "yo": greeting,
	"thanks": thanks, "thank": thanks, "thx": thanks, "ty": thanks, "cheers": thanks,
	"appreciate": thanks, "appreciated": thanks, "grateful": thanks,
	"bye": farewell, "goodbye": farewell, "later": farewell, "cya": farewell, "night": farewell,
	"ok": acknowledgement, "okay": acknowledgement, "cool": acknowledgement, "great": acknowledgement,
	"nice": acknowledgement, "perfect": acknowledgement, "awesome": acknowledgement,
	"got": acknowledgement, "understood": acknowledgement, "gotcha": acknowledgement,
	"helpful": acknowledgement, "useful": acknowledgement,
}

// fillerWords may stand in a social message beside the words that make it.
var fillerWords = wordSet(`you so much very a lot for the that this it is was good all there see
again really that's it's i we guys everyone bot storybot`)

// socialKind returns what kind of social message text is, or notSocial
// when any of its words asks or says something ("thanks, and why?").
func socialKind(text string) social {
	if strings.ContainsRune(text, '?') {
		return notSocial
	}
	kind := notSocial
	words := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && r != '\''
	})
	if len(words) == 0 || len(words) > 8 {
		return notSocial
	}
	for _, w := range words {
		if k, ok := socialWords[w]; ok {
			// Thanks outrank a greeting ("hi, thanks"), a farewell both.
			if kind == notSocial || k == thanks || k == farewell && kind != thanks {
				kind = k
			}
			continue
		}
		if !fillerWords[w] {
			return notSocial
		}
	}
	return kind
}

// socialReply is the answer to a social message: a word in kind, and for
// a greeting, what the bot can do.
func (h *Handler) socialReply(kind social) Reply {
	switch kind {
	case greeting:
		hint := h.hint()
		hint.Text = "Hi! " + hint.Text
		return hint
	case thanks:
		return Reply{Kind: KindHelp, Text: "You're welcome — ask me anything else about the story."}
	case farewell:
		return Reply{Kind: KindHelp, Text: "Bye — I'm here when you have another question about the story."}
	default:
		return Reply{Kind: KindHelp, Text: "Glad that helped. Ask me anything else about the story."}
	}
}
