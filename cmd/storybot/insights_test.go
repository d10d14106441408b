package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/storybot/storybot/bot"
	"github.com/storybot/storybot/internal/slacktest"
	"github.com/storybot/storybot/store"
)

const seedStory = "2025-10-21-rubio-lavrov-meeting-tabled"

// fillQuestionLog writes a few days of questions and clicks into a new
// database and returns its path.
func fillQuestionLog(t *testing.T, opts ...store.Option) string {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "storybot.db")
	st, err := store.Open(ctx, path, opts...)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Now()
	closest := &bot.Quote{Story: seedStory, Paragraph: 4, Text: "However, that anticipated meeting … has been put on hold"}
	for i, q := range []struct {
		text     string
		declined bool
		ago      time.Duration
	}{
		{"Why was the meeting put on hold?", false, 50 * time.Hour},
		{"why was the meeting put on hold", false, 30 * time.Hour},
		{"Why was the Rubio-Lavrov meeting put on hold?", false, 2 * time.Hour},
		{"Who will pay for the summit?", true, 3 * time.Hour},
		{"who will pay for the summit", true, time.Hour},
		{"What did Peskov say?", false, 10 * 24 * time.Hour}, // before the period
	} {
		r := bot.QuestionRecord{At: now.Add(-q.ago), Platform: bot.PlatformSlack, Channel: "C1", Question: q.text,
			Mode: bot.ModeQuote, Abstained: q.declined, Latency: time.Duration(20+10*i) * time.Millisecond, Stories: []string{seedStory}}
		if q.declined {
			r.Closest = closest
		}
		if err := st.LogQuestion(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.RecordFeedback(ctx, bot.Feedback{At: now.Add(-time.Hour), Platform: bot.PlatformSlack, Channel: "C1", User: "U1",
		MessageID: "m1", Question: "Why was the meeting put on hold?", Helpful: true}); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestTheInsightsCommand(t *testing.T) {
	db := fillQuestionLog(t)
	t.Run("the text report groups rewordings and lists what was not answered", func(t *testing.T) {
		out, errOut, code := runCLI(t, "", nil, "insights", "--db", db)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		for _, want := range []string{
			"All stories: 5 asked · 3 answered · 2 declined (40%) · 👍 1 👎 0",
			"  President Donald Trump’s hopes for a quick meeting with Russian President…\n", // the story's title, cut
			"3× ",
			"Asked, not answered\n  2× who will pay for the summit\n      closest: ¶4 of " + seedStory,
		} {
			if !strings.Contains(out, want) {
				t.Errorf("output lacks %q:\n%s", want, out)
			}
		}
		if strings.Contains(out, "Peskov") {
			t.Errorf("a question from before the period:\n%s", out)
		}
	})
	t.Run("--json prints one object with the same counts", func(t *testing.T) {
		out, errOut, code := runCLI(t, "", nil, "insights", "--json", "--since", "30d", "--db", db)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		var got struct {
			TextKept bool `json:"text_kept"`
			Total    struct{ Asked, Declined int }
			Top      []struct {
				Question string
				Count    int
			} `json:"top_questions"`
			Unanswered []struct {
				Closest struct{ Paragraph int }
			}
		}
		if err := json.Unmarshal([]byte(out), &got); err != nil || strings.Count(strings.TrimSpace(out), "\n") != 0 {
			t.Fatalf("not one JSON object on one line (%v):\n%s", err, out)
		}
		if !got.TextKept || got.Total.Asked != 6 || got.Total.Declined != 2 || len(got.Unanswered) != 1 || got.Unanswered[0].Closest.Paragraph != 4 {
			t.Fatalf("JSON %+v", got)
		}
	})
	t.Run("--story keeps one story's questions", func(t *testing.T) {
		out, _, code := runCLI(t, "", nil, "insights", "--db", db, "--story", "another-story")
		if code != 0 || !strings.Contains(out, "All stories: 0 asked") {
			t.Fatalf("exit %d:\n%s", code, out)
		}
	})
	t.Run("with question text off only the counts are printed, and it says so", func(t *testing.T) {
		out, _, code := runCLI(t, "", nil, "insights", "--db", fillQuestionLog(t, store.WithQuestionText(false)))
		if code != 0 || !strings.Contains(out, "only the counts are shown") || strings.Contains(out, "summit") {
			t.Fatalf("exit %d:\n%s", code, out)
		}
	})
	t.Run("a bad period is a usage error", func(t *testing.T) {
		if _, errOut, code := runCLI(t, "", nil, "insights", "--db", db, "--since", "fortnight"); code != exitUsage {
			t.Fatalf("exit %d: %s", code, errOut)
		}
	})
	t.Run("without a database it says where it looked", func(t *testing.T) {
		t.Chdir(t.TempDir())
		_, errOut, code := runCLI(t, "", nil, "insights")
		if code != exitErr || !strings.Contains(errOut, "no database") {
			t.Fatalf("exit %d: %s", code, errOut)
		}
	})
}

// getWith fetches a path from the service with a bearer token.
func (s *served) getWith(t *testing.T, path, token string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, "http://"+s.addr+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func TestServeShowsInsightsToAdminsOnly(t *testing.T) {
	const token = "planted-admin-token-for-insights"
	t.Run("without an admin token the page does not exist", func(t *testing.T) {
		s := startServe(t, slackVars(slacktest.New(t)))
		if code, _ := s.getWith(t, "/insights", token); code != http.StatusNotFound {
			t.Fatalf("/insights = %d, want 404", code)
		}
	})
	t.Run("with one, a declined question shows on the page with the passage the bot named", func(t *testing.T) {
		fake := slacktest.New(t)
		vars := slackVars(fake)
		vars["STORYBOT_ADMIN_TOKEN"] = token
		s := startServe(t, vars)
		if code, body := s.get(t, "/insights"); code != http.StatusUnauthorized || !strings.Contains(body, `name="token"`) {
			t.Fatalf("/insights without the token = %d, want 401 and the login form", code)
		}
		<-fake.Connections()
		s.waitReady(t)
		fake.SendEvent("Ev1", slacktest.Mention("C1", "U1", "<@UBOT> what is the capital of Peru?", fake.NextTS(), ""))
		select {
		case <-fake.Posts():
		case <-time.After(10 * time.Second):
			t.Fatalf("no answer posted:\n%s", s.logs)
		}
		// The question is logged once the answer is delivered: a state the
		// service reaches, so the page is polled for it.
		deadline := time.Now().Add(10 * time.Second)
		for {
			code, body := s.getWith(t, "/insights", token)
			if code == http.StatusOK && strings.Contains(body, "what is the capital of Peru?") {
				if !strings.Contains(body, "¶") {
					t.Errorf("the declined question names no passage")
				}
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("/insights = %d without the question:\n%s\nlogs:\n%s", code, body, s.logs)
			}
			time.Sleep(20 * time.Millisecond)
		}
		if strings.Contains(s.logs.String(), token) {
			t.Error("the admin token appears in the log")
		}
	})
}
