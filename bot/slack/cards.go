package slack

import (
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"

	slackapi "github.com/slack-go/slack"

	"github.com/storybot/storybot/bot"
)

// Native feedback ids. Like the button ids they are part of the protocol
// with messages already posted.
const (
	nativeFeedbackBlockID = "storybot_native_feedback"
	actionNativeFeedback  = "storybot_feedback"
	// The two buttons of a feedback_buttons element share its action id;
	// their values say which was clicked, then carry what encodeFeedback
	// packs.
	feedbackUpPrefix   = "up:"
	feedbackDownPrefix = "down:"
)

// Card limits: Slack's, and ours for a card that reads at a glance.
const (
	maxCardTitle = 150  // a card title, in characters
	maxCardBody  = 3000 // a card body
	maxCards     = 10   // cards in a carousel
)

// citationCards renders each distinct cited paragraph as a card: the
// story's headline, outlet and date, the quoted sentence and "¶4", linked
// to the source when the story has a URL. Several cards go in one
// carousel. All story text is escaped, as in render.
func citationCards(quotes []bot.Quote) []slackapi.Block {
	var cards []*slackapi.CardBlock
	seen := map[string]bool{}
	for _, q := range quotes {
		text := strings.TrimSpace(q.Text)
		key := q.Story + "#" + strconv.Itoa(q.Paragraph)
		if text == "" || seen[key] {
			continue
		}
		seen[key] = true
		if len(cards) == maxCards {
			break
		}
		cards = append(cards, citationCard(q))
	}
	switch len(cards) {
	case 0:
		return nil
	case 1:
		return []slackapi.Block{cards[0]}
	}
	return []slackapi.Block{slackapi.NewCarouselBlock(cards...)}
}

func citationCard(q bot.Quote) *slackapi.CardBlock {
	title := strings.TrimSpace(q.Headline)
	if title == "" {
		title = q.Story
	}
	var sub []string
	if q.Outlet != "" {
		sub = append(sub, q.Outlet)
	}
	if !q.Date.IsZero() {
		sub = append(sub, q.Date.Format("2006-01-02"))
	}
	body := "> " + escape(strings.Join(strings.Fields(q.Text), " "))
	if q.Speaker != "" {
		body += "\n— *" + escape(q.Speaker) + "*"
	}
	para := "¶" + strconv.Itoa(q.Paragraph)
	if u, ok := linkURL(q.URL); ok {
		para = "<" + u + "|" + para + " · source>"
	}
	card := slackapi.NewCardBlock().
		WithTitle(slackapi.NewTextBlockObject(slackapi.PlainTextType, truncateRunesN(title, maxCardTitle), false, false)).
		WithBody(mrkdwn(truncateEscaped(body, maxCardBody))).
		WithSubtext(mrkdwn(para))
	if len(sub) > 0 {
		card.WithSubtitle(slackapi.NewTextBlockObject(slackapi.PlainTextType, truncateRunesN(strings.Join(sub, " · "), maxCardTitle), false, false))
	}
	return card
}

// truncateRunesN shortens s to at most n characters, with an ellipsis.
func truncateRunesN(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

// nativeFeedbackBlock is Slack's own 👍/👎 (feedback_buttons in a
// context_actions block) for an answer. Each button's value says which it
// is and carries the question and answer, so a click is recorded like a
// click on our own buttons.
func nativeFeedbackBlock(r bot.Reply) slackapi.Block {
	value := encodeFeedback(r.Question, feedbackAnswer(r))
	for len(feedbackDownPrefix)+len(value) > maxButtonValue {
		// encodeFeedback leaves no room for the prefix only at the limit.
		q, a, _ := decodeFeedback(value)
		value = marshalFeedback(feedbackValue{Q: q, A: truncateRunes(a, len(a)-16)})
	}
	up := slackapi.NewFeedbackButton(slackapi.NewTextBlockObject(slackapi.PlainTextType, "Helpful", false, false),
		feedbackUpPrefix+value).WithAccessibilityLabel("Mark this answer as helpful")
	down := slackapi.NewFeedbackButton(slackapi.NewTextBlockObject(slackapi.PlainTextType, "Not helpful", false, false),
		feedbackDownPrefix+value).WithAccessibilityLabel("Mark this answer as not helpful")
	return slackapi.NewContextActionsBlock(nativeFeedbackBlockID,
		slackapi.NewFeedbackButtonsBlockElement(actionNativeFeedback, up, down))
}

// feedbackOf reads a click on either kind of feedback button: ok is false
// for actions that are not feedback at all.
func feedbackOf(act *slackapi.BlockAction) (helpful bool, question, answer string, ok bool, err error) {
	if act == nil {
		return false, "", "", false, nil
	}
	value := act.Value
	switch act.ActionID {
	case actionHelpful, actionNotHelpful:
		helpful = act.ActionID == actionHelpful
	case actionNativeFeedback:
		switch {
		case strings.HasPrefix(value, feedbackUpPrefix):
			helpful, value = true, value[len(feedbackUpPrefix):]
		case strings.HasPrefix(value, feedbackDownPrefix):
			value = value[len(feedbackDownPrefix):]
		default:
			return false, "", "", true, errBadFeedbackValue
		}
	default:
		return false, "", "", false, nil
	}
	question, answer, err = decodeFeedback(value)
	return helpful, question, answer, true, err
}

// assistantRender renders a reply posted whole in an assistant thread: the
// usual blocks, with Slack's own feedback buttons instead of ours when
// native is set.
func assistantRender(r bot.Reply, native bool) []outMessage {
	msgs := render(r, renderOptions{feedback: !native})
	answerLike := r.Kind == bot.KindAnswer || r.Kind == bot.KindQuotes
	if native && answerLike && len(msgs) > 0 {
		last := &msgs[len(msgs)-1]
		if len(last.Blocks) < maxBlocks {
			last.Blocks = append(last.Blocks, nativeFeedbackBlock(r))
		} else {
			msgs = append(msgs, outMessage{Text: "(continued)", Blocks: []slackapi.Block{nativeFeedbackBlock(r)}})
		}
	}
	return msgs
}

// streamFinalBlocks are the blocks a streamed summary stops with: its
// citation cards, the small print, and Slack's feedback buttons.
func streamFinalBlocks(r bot.Reply) []slackapi.Block {
	blocks := citationCards(r.Quotes)
	var els []slackapi.MixedElement
	if how := r.HowMade(); how != "" {
		els = append(els, mrkdwn("_"+truncateEscaped(escape(how), maxContextText)+"_"))
	}
	if note := strings.TrimSpace(r.Note); note != "" {
		els = append(els, mrkdwn("_"+truncateEscaped(escape(note), maxContextText)+"_"))
	}
	if len(els) > 0 {
		blocks = append(blocks, contextBlock(els...))
	}
	return append(blocks, nativeFeedbackBlock(r))
}

// plainSources is the plain-text fallback for the cards, at the end of a
// streamed answer's text: "Sources: ¶4 · CNN · 2025-10-21; ¶9 · CNN ·
// 2025-10-21". Clients that do not draw cards, and notifications, still
// carry every citation.
func plainSources(quotes []bot.Quote) string {
	seen := map[string]bool{}
	var parts []string
	for _, q := range quotes {
		c := q.Citation()
		if seen[c] || strings.TrimSpace(q.Text) == "" {
			continue
		}
		seen[c] = true
		parts = append(parts, c)
	}
	if len(parts) == 0 {
		return ""
	}
	return "Sources: " + strings.Join(parts, "; ")
}

// errBadFeedbackValue is a native feedback click whose value we did not make.
var errBadFeedbackValue = errors.New("feedback value: neither up nor down")
