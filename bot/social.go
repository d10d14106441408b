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
	// reaction is a laugh or a surprise ("lol", "wow"): nothing to answer.
	reaction
	// aboutBot asks what the bot is or can do ("what can you do?").
	aboutBot
	// nothing holds no word at all ("?", "🤔").
	nothing
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
	"lol": reaction, "haha": reaction, "hah": reaction, "lmao": reaction, "wow": reaction,
	"interesting": reaction, "hmm": reaction, "huh": reaction, "oh": reaction, "ah": reaction,
	"omg": reaction, "yikes": reaction, "whoa": reaction,
}

// aboutBotQuestions are the ways people ask a bot what it is: the whole
// message, lower-case, without its punctuation.
var aboutBotQuestions = wordSet(`what_can_you_do what_can_u_do what_do_you_do who_are_you who_are_u what_are_you
what_is_storybot what_is_this_bot what's_storybot what's_this_bot how_does_this_work how_does_storybot_work
how_do_you_work how_do_i_use_you how_do_i_use_this how_do_i_use_storybot are_you_a_bot help_me
what_can_i_ask what_can_i_ask_you what_should_i_ask`)

// fillerWords may stand in a social message beside the words that make it.
var fillerWords = wordSet(`you so much very a lot for the that this it is was good all there see
again really that's it's i we guys everyone bot storybot`)

// socialKind returns what kind of social message text is, or notSocial
// when any of its words asks or says something ("thanks, and why?").
func socialKind(text string) social {
	words := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\''
	})
	if len(words) == 0 {
		if strings.IndexFunc(text, unicode.IsSymbol) >= 0 {
			return reaction // "👍", "😂"
		}
		return nothing
	}
	if aboutBotQuestions[strings.Join(words, "_")] {
		return aboutBot
	}
	if strings.ContainsRune(text, '?') {
		return notSocial
	}
	kind := notSocial
	if len(words) > 8 {
		return notSocial
	}
	for _, w := range words {
		if k, ok := socialWords[w]; ok {
			// Thanks outrank a greeting ("hi, thanks"), a farewell both;
			// a laugh beside them is no more than that.
			if kind == notSocial || kind == reaction || k == thanks || k == farewell && kind != thanks {
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
	case reaction:
		return Reply{Kind: KindHelp, Text: "Ask me anything else about the story — I quote it word for word."}
	case aboutBot:
		hint := h.hint()
		hint.Text = "I'm storybot: I answer questions about the news stories I follow, quoting them word " +
			"for word with ¶ citations, and I say so when a story doesn't answer. " + hint.Text
		return hint
	case nothing:
		hint := h.hint()
		hint.Text = "What would you like to know? " + hint.Text
		return hint
	default:
		return Reply{Kind: KindHelp, Text: "Glad that helped. Ask me anything else about the story."}
	}
}
