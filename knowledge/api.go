package knowledge

import "errors"

// MaxQuestionLen is the longest question, in bytes, that Ask accepts.
const MaxQuestionLen = 2000

// Errors returned for questions the library will not try to answer.
var (
	ErrEmptyQuestion   = errors.New("empty question")
	ErrQuestionTooLong = errors.New("question longer than 2000 characters")
)

// Citation is a verbatim span of a story given as evidence. Quote is
// exactly Story.Paragraph(Paragraph).Text[Start:End].
type Citation struct {
	Story     string `json:"story"`
	Paragraph int    `json:"paragraph"`
	Quote     string `json:"quote"`
	Speaker   string `json:"speaker,omitempty"`
	Start     int    `json:"-"`
	End       int    `json:"-"`
}

// Answer is the library's reply to a question in quote mode.
type Answer struct {
	Question string
	// Abstained is true when the stories do not say; Text then says so and
	// Closest, if set, names the nearest passage (not an answer).
	Abstained bool
	// Text is the readable answer: verbatim sentences with [¶N] markers,
	// followed by notes such as resolved dates.
	Text      string
	Citations []Citation
	Closest   *Citation
	// Meta is true when the question was about the story itself (author,
	// date, outlet) and was answered from its header.
	Meta bool
	// Overview is true when the question asked what a story is about
	// ("tl;dr?", "catch me up on the summit") and was answered with its
	// key points.
	Overview bool
	// Hedged is true when the question was answered with low confidence:
	// Text then opens by saying the passage may not answer it.
	Hedged bool
	// Why holds the features and probability behind the decision to
	// answer or decline (zero for header and "what did X say" answers).
	Why Explanation
}

// AskOptions tune a question.
type AskOptions struct {
	// Context is earlier text of the conversation (a thread's previous
	// question); its names and topic words help retrieval but count less
	// than the question's own words.
	Context string
	// MaxCitations caps the sentences in the answer (default 3).
	MaxCitations int
	// Story restricts the search to one story id; empty searches all.
	Story string
	// Strictness overrides the abstention threshold, the probability
	// that the stories do not answer above which a question is declined
	// (AbstainStrict, AbstainNormal, AbstainLenient); zero means
	// AbstainNormal.
	Strictness float64
}

// Passage is a retrieved paragraph with its relevance score, for prompts.
type Passage struct {
	Story     string
	Paragraph int
	Text      string
	Score     float64
}

// QuoteResult lists quotations for a speaker or topic query.
type QuoteResult struct {
	Query string
	// Speaker is the canonical speaker the query named, if it named one.
	Speaker string
	Quotes  []Quote
	// Note explains an empty or partial result, e.g. that a person is
	// mentioned in the story but never quoted.
	Note string
}
