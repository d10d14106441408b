package bot

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"text/template"
	"unicode"
	"unicode/utf8"

	"github.com/storybot/storybot/knowledge"
)

//go:embed prompts/*.tmpl
var promptFS embed.FS

var prompts = template.Must(template.ParseFS(promptFS, "prompts/*.tmpl"))

// notInStory is what the prompt tells the LLM to answer when the
// paragraphs do not answer the question.
const notInStory = "NOT IN STORY"

func (h *Handler) summaryAvailable() bool {
	return h.cfg.LLM != nil && !h.llmDisabled.Load()
}

func (h *Handler) wantSummary(mode Mode) bool {
	switch mode {
	case ModeSummary, ModeAuto:
		return h.summaryAvailable()
	}
	return false
}

// promptPassage is a paragraph as the prompt shows it.
type promptPassage struct {
	Label string // "¶4", or "S2 ¶4" when several stories are in the prompt
	Text  string
	Story string
	N     int
}

// summarize asks the LLM for a cited summary of the retrieved paragraphs
// and checks it before anyone sees it. Whatever goes wrong, the user gets
// an answer: the quote-mode reply, with a note saying why.
//
// step, if set, is told each stage as it happens (see Step): the
// paragraphs retrieved, the LLM writing, and the verdict of the checks.
func (h *Handler) summarize(ctx context.Context, q string, ask knowledge.AskOptions, fallback Reply, partial func(string), step func(Step)) Reply {
	if step == nil {
		step = func(Step) {}
	}
	passages, err := h.cfg.Library.Retrieve(q, h.cfg.MaxPromptParagraphs, ask)
	if err != nil || len(passages) == 0 {
		return fallback
	}
	pp := labelPassages(passages)
	step(retrievedStep(pp))
	key := h.cacheKey(q, ask, passages)
	if r, ok := h.cache.get(key); ok {
		step(Step{ID: StepSummarise, Title: "Summarised earlier", Status: StepDone})
		if partial != nil {
			partial(r.Text)
		}
		if r.Checked != "" {
			step(Step{ID: StepCheck, Title: r.Checked, Status: StepDone})
		}
		return r
	}
	var sys, user bytes.Buffer
	if err := prompts.ExecuteTemplate(&sys, "system.tmpl", nil); err != nil {
		h.log.Error("prompt template", "err", err)
		return fallback
	}
	data := struct {
		Passages []promptPassage
		Question string
		Context  string
	}{pp, defuseQuestion(q), defuseQuestion(ask.Context)}
	if err := prompts.ExecuteTemplate(&user, "user.tmpl", data); err != nil {
		h.log.Error("prompt template", "err", err)
		return fallback
	}

	ctx, cancel := context.WithTimeout(ctx, h.cfg.LLMTimeout)
	defer cancel()
	step(Step{ID: StepSummarise, Title: "Summarising", Status: StepRunning})
	var stream func(string)
	if partial != nil {
		var mu sync.Mutex
		shown := ""
		stream = func(text string) {
			// Only sentences that pass the checks are ever shown, so an
			// invented quote never flashes up while the answer streams.
			checked, _ := h.verify(completeSentences(text), pp)
			mu.Lock()
			defer mu.Unlock()
			if checked != "" && checked != shown {
				shown = checked
				partial(checked + " …")
			}
		}
	}
	comp, err := h.cfg.LLM.Complete(ctx, CompletionRequest{System: sys.String(), User: user.String()}, stream)
	if h.cfg.Observer != nil {
		h.cfg.Observer.LLMCall(err, comp.PromptTokens, comp.CompletionTokens)
	}
	if err != nil {
		step(Step{ID: StepSummarise, Title: "Summary unavailable: answering with the story's own words", Status: StepFailed})
		if errors.Is(err, ErrLLMAuth) {
			if h.llmDisabled.CompareAndSwap(false, true) {
				h.log.Error("the LLM rejected the API key: set OPENAI_API_KEY (llm.api_key) correctly; answering in quote mode until the configuration changes", "err", err)
			}
		} else {
			h.log.Warn("LLM summary failed; answering in quote mode", "err", err)
		}
		fallback.Note = "quoted from the story (the summary service was unavailable)"
		return fallback
	}
	model := comp.Model
	if model == "" {
		model = h.cfg.Model
	}
	h.log.Info("LLM summary", "model", model, "prompt_tokens", comp.PromptTokens, "completion_tokens", comp.CompletionTokens)
	step(Step{ID: StepSummarise, Title: "Summarised by " + model, Status: StepDone})

	text := strings.TrimSpace(comp.Text)
	if strings.Contains(strings.ToUpper(text), notInStory) {
		r := fallback
		r.Abstained = true
		r.Quotes = nil
		r.Mode = ModeSummary
		r.Model = model
		r.Text = "The story doesn't say."
		r.Note = fmt.Sprintf("checked by %s against the story; nothing was guessed", model)
		h.cache.put(key, r)
		return r
	}
	step(Step{ID: StepCheck, Title: "Checking citations against the story", Status: StepRunning})
	audit := checkQuotations(text, pp)
	checked, cites := h.verify(text, pp)
	if checked == "" {
		step(Step{ID: StepCheck, Title: audit.Title() + ": nothing left to show, answering with the story's own words",
			Status: StepFailed, Details: audit.Details()})
		h.log.Warn("LLM summary failed verification; answering in quote mode", "model", model)
		fallback.Note = "quoted from the story (the summary could not be checked against the story)"
		return fallback
	}
	r := Reply{Kind: KindAnswer, Question: q, Text: checked, Mode: ModeSummary, Model: model,
		Note: fmt.Sprintf("summary by %s, checked against the story", model), Checked: audit.Title()}
	step(Step{ID: StepCheck, Title: audit.Title(), Status: StepDone, Details: audit.Details()})
	for _, c := range cites {
		r.Quotes = append(r.Quotes, h.quote(c.Story, c.Paragraph, c.Quote, c.Speaker))
	}
	r.Source = h.sourceOf(r.Quotes, nil)
	h.cache.put(key, r)
	return r
}

// labelPassages names each paragraph the way the LLM must cite it.
func labelPassages(ps []knowledge.Passage) []promptPassage {
	var stories []string
	for _, p := range ps {
		if !slices.Contains(stories, p.Story) {
			stories = append(stories, p.Story)
		}
	}
	out := make([]promptPassage, len(ps))
	for i, p := range ps {
		label := "¶" + strconv.Itoa(p.Paragraph)
		if len(stories) > 1 {
			label = "S" + strconv.Itoa(slices.Index(stories, p.Story)+1) + " " + label
		}
		out[i] = promptPassage{Label: label, Text: p.Text, Story: p.Story, N: p.Paragraph}
	}
	return out
}

// defuseQuestion keeps a question from closing the prompt's markers.
func defuseQuestion(s string) string {
	r := strings.NewReplacer("<<<", "‹‹‹", ">>>", "›››", "QUESTION>>>", "QUESTION›››")
	return r.Replace(s)
}

func (h *Handler) cacheKey(q string, ask knowledge.AskOptions, ps []knowledge.Passage) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(q))
	b.WriteString("|" + ask.Story + "|" + strings.ToLower(ask.Context))
	for _, p := range ps {
		hash := ""
		if s := h.cfg.Library.Story(p.Story); s != nil {
			hash = s.Hash
		}
		fmt.Fprintf(&b, "|%s@%s#%d", p.Story, hash, p.Paragraph)
	}
	return b.String()
}

// completeSentences drops a trailing sentence that is still being written.
func completeSentences(text string) string {
	spans := knowledge.SplitSentences(text)
	if len(spans) == 0 {
		return ""
	}
	last := strings.TrimSpace(text[spans[len(spans)-1].Start:])
	if strings.HasSuffix(last, "]") || strings.HasSuffix(last, ".") {
		return text
	}
	return text[:spans[len(spans)-1].Start]
}

var markerRe = regexp.MustCompile(`\[([^\[\]]{0,80})\]`)
var paraRefRe = regexp.MustCompile(`(?:\b(S\d+)\s*)?¶\s*(\d+)`)

// verify keeps the LLM's sentences that cite paragraphs from the prompt
// and whose quoted words are exactly in a cited paragraph; a quote found
// with different punctuation or spacing is replaced by the story's exact
// bytes. It returns the checked text and, for each cited paragraph, the
// verbatim sentence that paragraph contributes.
func (h *Handler) verify(text string, pp []promptPassage) (string, []knowledge.Citation) {
	var kept []string
	type cited struct {
		p     promptPassage
		words []string
	}
	var order []cited
	for _, sp := range knowledge.SplitSentences(text) {
		sent := strings.TrimSpace(text[sp.Start:sp.End])
		refs, ok := sentenceRefs(sent, pp)
		if !ok || len(refs) == 0 {
			continue
		}
		fixed, ok := checkQuotes(sent, refs)
		if !ok {
			continue
		}
		kept = append(kept, fixed)
		for _, r := range refs {
			i := slices.IndexFunc(order, func(c cited) bool { return c.p.Story == r.Story && c.p.N == r.N })
			if i < 0 {
				order = append(order, cited{p: r})
				i = len(order) - 1
			}
			order[i].words = append(order[i].words, strings.Fields(strings.ToLower(markerRe.ReplaceAllString(fixed, "")))...)
		}
	}
	var cites []knowledge.Citation
	for _, c := range order {
		if cite, ok := h.bestSentence(c.p, c.words); ok {
			cites = append(cites, cite)
		}
	}
	return strings.Join(kept, " "), cites
}

// sentenceRefs returns the prompt paragraphs a sentence cites; ok is false
// when it cites one that was not in the prompt.
func sentenceRefs(sent string, pp []promptPassage) ([]promptPassage, bool) {
	var refs []promptPassage
	for _, m := range markerRe.FindAllStringSubmatch(sent, -1) {
		inner := m[1]
		if !strings.Contains(inner, "¶") {
			continue
		}
		for _, r := range paraRefRe.FindAllStringSubmatch(inner, -1) {
			n, _ := strconv.Atoi(r[2])
			found := false
			for _, p := range pp {
				if p.N == n && (r[1] == "" || strings.HasPrefix(p.Label, r[1]+" ")) {
					if !slices.ContainsFunc(refs, func(x promptPassage) bool { return x.Story == p.Story && x.N == p.N }) {
						refs = append(refs, p)
					}
					found = true
					if r[1] == "" {
						break
					}
				}
			}
			if !found {
				return nil, false
			}
		}
	}
	return refs, true
}

// checkQuotes verifies every quoted span of sent against the cited
// paragraphs, substituting the exact story text when only punctuation or
// spacing differed.
func checkQuotes(sent string, refs []promptPassage) (string, bool) {
	spans := knowledge.QuotedSpans(sent)
	if len(spans) == 0 {
		return sent, true
	}
	var b strings.Builder
	last := 0
	for _, sp := range spans {
		inner := strings.TrimSpace(sent[sp.Start:sp.End])
		inner = strings.TrimRight(inner, ",")
		if utf8.RuneCountInString(inner) < 2 {
			continue
		}
		exact := ""
		for _, r := range refs {
			if strings.Contains(r.Text, inner) {
				exact = inner
				break
			}
			if e, ok := findFolded(r.Text, inner); ok {
				exact = e
				break
			}
		}
		if exact == "" {
			return "", false
		}
		if exact != inner {
			start := sp.Start + strings.Index(sent[sp.Start:sp.End], inner)
			b.WriteString(sent[last:start])
			b.WriteString(exact)
			last = start + len(inner)
		}
	}
	b.WriteString(sent[last:])
	return b.String(), true
}

// fold maps text to a comparison form: curly quotes and apostrophes to
// straight ones, dashes to hyphens, runs of space to one space. It returns
// the folded runes and, for each, the byte offset it came from.
func fold(s string) ([]rune, []int) {
	var out []rune
	var offs []int
	space := false
	for i, r := range s {
		switch r {
		case '’', '‘', '`', '´':
			r = '\''
		case '“', '”', '„':
			r = '"'
		case '—', '–', '‐':
			r = '-'
		}
		if unicode.IsSpace(r) {
			if space {
				continue
			}
			space = true
			r = ' '
		} else {
			space = false
		}
		out = append(out, unicode.ToLower(r))
		offs = append(offs, i)
	}
	return out, offs
}

// findFolded finds needle in hay ignoring case, quote style and spacing,
// and returns the matching bytes of hay exactly as they are.
func findFolded(hay, needle string) (string, bool) {
	h, hoff := fold(hay)
	n, _ := fold(needle)
	if len(n) == 0 {
		return "", false
	}
	for i := 0; i+len(n) <= len(h); i++ {
		if slices.Equal(h[i:i+len(n)], n) {
			start := hoff[i]
			end := len(hay)
			if i+len(n) < len(hoff) {
				end = hoff[i+len(n)]
			}
			return strings.TrimSpace(hay[start:end]), true
		}
	}
	return "", false
}

// bestSentence picks the sentence of a cited paragraph that shares the
// most words with the summary sentences citing it.
func (h *Handler) bestSentence(p promptPassage, words []string) (knowledge.Citation, bool) {
	s := h.cfg.Library.Story(p.Story)
	if s == nil {
		return knowledge.Citation{}, false
	}
	para := s.Paragraph(p.N)
	if para == nil || len(para.Sentences) == 0 {
		return knowledge.Citation{}, false
	}
	set := map[string]bool{}
	for _, w := range words {
		set[strings.Trim(w, `.,;:!?"“”’'()`)] = true
	}
	best, bestScore := 0, -1
	for i := range para.Sentences {
		score := 0
		for _, w := range strings.Fields(strings.ToLower(para.Sentence(i))) {
			if len(w) > 3 && set[strings.Trim(w, `.,;:!?"“”’'()`)] {
				score++
			}
		}
		if score > bestScore {
			best, bestScore = i, score
		}
	}
	sp := para.Sentences[best]
	speaker := ""
	for _, q := range s.Quotes {
		if q.Paragraph == p.N && q.Span.Start < sp.End && q.Span.End > sp.Start {
			speaker = q.Speaker
			break
		}
	}
	return knowledge.Citation{Story: s.ID, Paragraph: p.N, Quote: para.Text[sp.Start:sp.End], Speaker: speaker,
		Start: sp.Start, End: sp.End}, true
}
