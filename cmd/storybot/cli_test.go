package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/storybot/storybot/internal/openaitest"
)

// runCLI runs storybot in-process with the given stdin and environment.
func runCLI(t *testing.T, stdin string, vars map[string]string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, env{
		stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb,
		getenv: func(k string) string { return vars[k] },
	})
	return out.String(), errb.String(), code
}

func seedParagraphs(t *testing.T) map[int]string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "knowledge", "seed", "2025-10-21-rubio-lavrov-meeting-tabled.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var blocks []string
	for _, b := range strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n\n") {
		if strings.TrimSpace(b) != "" {
			blocks = append(blocks, strings.Join(strings.Fields(b), " "))
		}
	}
	out := map[int]string{}
	for i, b := range blocks[1:] {
		out[i+1] = b
	}
	return out
}

func TestAskJSONKeepsTheContract(t *testing.T) {
	paras := seedParagraphs(t)
	in := "Why was the Rubio-Lavrov meeting put on hold?\nWhat did Volodymyr Zelensky say about the summit?\nWho wrote this story?\n"
	out, errOut, code := runCLI(t, in, nil, "ask", "--json", "-")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d JSON lines for 3 questions:\n%s", len(lines), out)
	}
	type cite struct {
		Story     string `json:"story"`
		Paragraph int    `json:"paragraph"`
		Quote     string `json:"quote"`
	}
	var got []struct {
		Question  string `json:"question"`
		Abstained bool   `json:"abstained"`
		Mode      string `json:"mode"`
		Text      string `json:"text"`
		Citations []cite `json:"citations"`
	}
	for _, l := range lines {
		var v struct {
			Question  string `json:"question"`
			Abstained bool   `json:"abstained"`
			Mode      string `json:"mode"`
			Text      string `json:"text"`
			Citations []cite `json:"citations"`
		}
		if err := json.Unmarshal([]byte(l), &v); err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
		got = append(got, v)
	}
	t.Run("an answerable question cites the right paragraph verbatim", func(t *testing.T) {
		a := got[0]
		if a.Abstained || a.Mode != "quote" || len(a.Citations) == 0 || a.Citations[0].Paragraph != 4 {
			t.Fatalf("got %+v", a)
		}
		for _, c := range a.Citations {
			if !strings.Contains(paras[c.Paragraph], strings.Join(strings.Fields(c.Quote), " ")) {
				t.Errorf("¶%d quote not verbatim: %q", c.Paragraph, c.Quote)
			}
			if c.Story != "2025-10-21-rubio-lavrov-meeting-tabled" {
				t.Errorf("story id %q", c.Story)
			}
		}
	})
	t.Run("an unanswerable question abstains with no citations", func(t *testing.T) {
		if a := got[1]; !a.Abstained || len(a.Citations) != 0 || a.Citations == nil && !strings.Contains(lines[1], `"citations":[]`) {
			t.Fatalf("got %+v (%s)", a, lines[1])
		}
	})
	t.Run("a question about the story itself is answered from the byline", func(t *testing.T) {
		if a := got[2]; a.Abstained || !strings.Contains(a.Text, "Kristen Holmes") {
			t.Fatalf("got %+v", a)
		}
	})
}

func TestQuoteJSONListsASpeakersWords(t *testing.T) {
	out, _, code := runCLI(t, "Peskov\nPutin\nbattle line\n", nil, "quote", "--json", "-")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	var res []struct {
		Query  string `json:"query"`
		Quotes []struct {
			Speaker   string `json:"speaker"`
			Paragraph int    `json:"paragraph"`
			Quote     string `json:"quote"`
		} `json:"quotes"`
		Note string `json:"note"`
	}
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var v = struct {
			Query  string `json:"query"`
			Quotes []struct {
				Speaker   string `json:"speaker"`
				Paragraph int    `json:"paragraph"`
				Quote     string `json:"quote"`
			} `json:"quotes"`
			Note string `json:"note"`
		}{}
		if err := json.Unmarshal([]byte(l), &v); err != nil {
			t.Fatal(err)
		}
		res = append(res, v)
	}
	if len(res) != 3 {
		t.Fatalf("%d results", len(res))
	}
	if q := res[0].Quotes; len(q) != 1 || q[0].Paragraph != 9 || q[0].Speaker != "Dmitry Peskov" {
		t.Errorf("Peskov: %+v", q)
	}
	if len(res[1].Quotes) != 0 || res[1].Note == "" {
		t.Errorf("Putin is never quoted, got %+v", res[1])
	}
	if q := res[2].Quotes; len(q) == 0 || q[0].Paragraph != 19 {
		t.Errorf("battle line: %+v", q)
	}
}

func TestBadInputIsRefusedClearly(t *testing.T) {
	long := strings.Repeat("a", 2001)
	tests := []struct {
		name   string
		args   []string
		code   int
		errHas string
	}{
		{"an empty question prints usage", []string{"ask", ""}, exitUsage, "usage"},
		{"no question at all prints usage", []string{"ask"}, exitUsage, "usage"},
		{"an over-long question is an error", []string{"ask", long}, exitUsage, "longer than 2000"},
		{"a missing stories folder is named", []string{"ask", "--stories", "/no/such/dir", "why?"}, exitUsage, "/no/such/dir"},
		{"an unknown command prints usage", []string{"frobnicate"}, exitUsage, "unknown command"},
		{"an unknown mode is refused", []string{"ask", "--mode", "poetry", "why?"}, exitUsage, "--mode"},
		{"an unknown chat mode is refused", []string{"chat", "--mode", "poetry"}, exitUsage, "--mode"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errOut, code := runCLI(t, "", nil, tt.args...)
			if code != tt.code || !strings.Contains(errOut, tt.errHas) {
				t.Fatalf("exit %d, stderr %q; want exit %d mentioning %q", code, errOut, tt.code, tt.errHas)
			}
		})
	}
}

func TestStoriesFolderReplacesTheEmbeddedStory(t *testing.T) {
	dir := t.TempDir()
	story := "date 2026-03-02 By Ana Ruiz, Daily Planet\n\nThe city council voted 7-2 on Monday to close the old bridge.\n\n“We had no choice,” Mayor Lena Ortiz said.\n"
	if err := os.WriteFile(filepath.Join(dir, "bridge.txt"), []byte(story), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, code := runCLI(t, "", nil, "stories", "--json", "--stories", dir)
	if code != 0 || !strings.Contains(out, `"id":"bridge"`) || strings.Contains(out, "rubio") {
		t.Fatalf("exit %d: %s", code, out)
	}
	out, _, _ = runCLI(t, "", nil, "quote", "--stories", dir, "--json", "Ortiz")
	if !strings.Contains(out, "We had no choice") || !strings.Contains(out, `"story":"bridge"`) {
		t.Fatalf("quote Ortiz: %s", out)
	}
}

func TestChatAnswersOneReplyPerLineFromAPipe(t *testing.T) {
	in := strings.Join([]string{
		"Why was the Rubio-Lavrov meeting put on hold?",
		"/quote Peskov",
		"/stories",
		"/digest",
		"/help",
		"What did Volodymyr Zelensky say?",
		"/quit",
		"this line comes after quit and is never answered",
	}, "\n")
	out, errOut, code := runCLI(t, in, nil, "chat")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{
		"divergent expectations", "[¶4]",
		"You cannot postpone what has not been scheduled", "Dmitry Peskov [¶9]",
		"I know 1 story",
		"Key points",
		"quote <who or topic>",
		"doesn't say",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("chat output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "never answered") {
		t.Error("a line after /quit was answered")
	}
}

func TestAskSummaryModeUsesTheConfiguredLLM(t *testing.T) {
	srv := openaitest.New(t)
	srv.Reply(`A White House official said the meeting "has been put on hold for the time being" [¶4].`)
	vars := map[string]string{"OPENAI_MODEL": "fake-model", "OPENAI_BASE_URL": srv.URL(), "OPENAI_API_KEY": "sk-test"}
	out, errOut, code := runCLI(t, "", vars, "ask", "--json", "--mode", "summary", "Why was the Rubio-Lavrov meeting put on hold?")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var got struct {
		Mode      string `json:"mode"`
		Text      string `json:"text"`
		Citations []struct {
			Paragraph int    `json:"paragraph"`
			Quote     string `json:"quote"`
		} `json:"citations"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	paras := seedParagraphs(t)
	if got.Mode != "summary" || len(got.Citations) == 0 || got.Citations[0].Paragraph != 4 ||
		!strings.Contains(paras[4], got.Citations[0].Quote) {
		t.Fatalf("got %+v", got)
	}
	t.Run("quote mode ignores the LLM", func(t *testing.T) {
		out, _, _ := runCLI(t, "", vars, "ask", "--json", "--mode", "quote", "Why was the Rubio-Lavrov meeting put on hold?")
		if !strings.Contains(out, `"mode":"quote"`) {
			t.Fatalf("got %s", out)
		}
	})
}

func TestTextOutputReadsAsEnglish(t *testing.T) {
	dir := t.TempDir()
	story := "date 2026-03-02 By Ana Ruiz, Daily Planet\n\nThe city council voted 7-2 on Monday to close the old bridge.\n\n“We had no choice,” Mayor Lena Ortiz said.\n"
	if err := os.WriteFile(filepath.Join(dir, "bridge.txt"), []byte(story), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"one quotation is counted in the singular", []string{"stories", "--stories", dir}, "2 paragraphs, 1 quotation\n"},
		{"an anonymous source is quoted with its article", []string{"quote", "European diplomat"}, "A European diplomat, quoted:"},
		{"an institution is quoted with its article", []string{"quote", "Kremlin"}, "The Kremlin, quoted:"},
		{"a person is quoted by name", []string{"quote", "Peskov"}, "Dmitry Peskov, quoted:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, code := runCLI(t, "", nil, tt.args...)
			if code != exitOK || !strings.Contains(out, tt.want) {
				t.Errorf("exit %d, stdout:\n%s%s\nwant it to contain %q", code, out, errOut, tt.want)
			}
		})
	}
}

func TestAskExplainSaysWhy(t *testing.T) {
	t.Run("the text names the decision and the features behind it", func(t *testing.T) {
		out, errOut, code := runCLI(t, "", nil, "ask", "--explain", "What will the weather be like in Budapest next week?")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		for _, want := range []string{"Why: ", "P(the stories do not answer)", "miss_story", "bias"} {
			if !strings.Contains(out, want) {
				t.Errorf("output lacks %q:\n%s", want, out)
			}
		}
	})
	t.Run("the JSON carries the probability, the threshold and every feature", func(t *testing.T) {
		out, _, code := runCLI(t, "", nil, "ask", "--json", "--explain", "Why was the Rubio-Lavrov meeting put on hold?")
		if code != 0 {
			t.Fatalf("exit %d", code)
		}
		var v struct {
			Abstained bool `json:"abstained"`
			Why       *struct {
				Decline, Threshold float64
				Features           []struct{ Name string }
			} `json:"why"`
		}
		if err := json.Unmarshal([]byte(out), &v); err != nil {
			t.Fatal(err)
		}
		if v.Why == nil || v.Why.Threshold == 0 || len(v.Why.Features) == 0 || v.Abstained != (v.Why.Decline >= v.Why.Threshold) {
			t.Errorf("why %+v (abstained %v)", v.Why, v.Abstained)
		}
	})
	t.Run("without --explain the JSON has no why", func(t *testing.T) {
		out, _, _ := runCLI(t, "", nil, "ask", "--json", "Why was the Rubio-Lavrov meeting put on hold?")
		if strings.Contains(out, `"why"`) {
			t.Errorf("why without --explain: %s", out)
		}
	})
}
