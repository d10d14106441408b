package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/storybot/storybot/internal/discordtest"
	"github.com/storybot/storybot/internal/openaitest"
	"github.com/storybot/storybot/internal/slacktest"
	"github.com/storybot/storybot/store"
)

// syncBuffer is a log sink the service and the test can share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// served is a `storybot serve` running in-process.
type served struct {
	addr string
	db   string // the SQLite file
	logs *syncBuffer
	stop context.CancelFunc
	code chan int
}

// startServe runs `storybot serve` with vars as its environment and waits
// until its HTTP server listens.
func startServe(t *testing.T, vars map[string]string) *served {
	t.Helper()
	vars["STORYBOT_HTTP_ADDR"] = "127.0.0.1:0"
	if vars["STORYBOT_DB"] == "" {
		vars["STORYBOT_DB"] = filepath.Join(t.TempDir(), "storybot.db")
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &served{logs: &syncBuffer{}, stop: cancel, code: make(chan int, 1), db: vars["STORYBOT_DB"]}
	listening := make(chan string, 1)
	go func() {
		s.code <- run(ctx, []string{"serve"}, env{
			stdin: strings.NewReader(""), stdout: io.Discard, stderr: s.logs,
			getenv:   func(k string) string { return vars[k] },
			onListen: func(addr string) { listening <- addr },
		})
	}()
	select {
	case s.addr = <-listening:
	case code := <-s.code:
		t.Fatalf("serve exited %d before listening:\n%s", code, s.logs)
	case <-time.After(10 * time.Second):
		t.Fatalf("serve did not listen within 10s:\n%s", s.logs)
	}
	t.Cleanup(func() {
		cancel()
		select {
		case <-s.code:
		case <-time.After(20 * time.Second):
			t.Errorf("serve did not stop")
		}
	})
	return s
}

// get fetches a path from the service's HTTP server.
func (s *served) get(t *testing.T, path string) (int, string) {
	t.Helper()
	resp, err := http.Get("http://" + s.addr + path)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// waitReady polls /readyz until it answers 200; readiness is a state the
// service reaches, not a moment, so polling is the honest way to see it.
func (s *served) waitReady(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		code, body := s.get(t, "/readyz")
		if code == http.StatusOK {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("/readyz still %d: %s\nlogs:\n%s", code, body, s.logs)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// exit stops the service as SIGTERM does and returns its exit code.
func (s *served) exit(t *testing.T) int {
	t.Helper()
	s.stop()
	select {
	case code := <-s.code:
		s.code <- code // for the cleanup
		return code
	case <-time.After(20 * time.Second):
		t.Fatalf("serve did not exit after shutdown began:\n%s", s.logs)
		return -1
	}
}

func slackVars(fake *slacktest.Server) map[string]string {
	return map[string]string{
		"SLACK_BOT_TOKEN": slacktest.BotToken,
		"SLACK_APP_TOKEN": slacktest.AppToken,
		"SLACK_API_URL":   fake.URL(),
	}
}

func TestServeWithoutAnyPlatformPointsAtChat(t *testing.T) {
	_, errOut, code := runCLI(t, "", map[string]string{}, "serve")
	if code != exitUsage {
		t.Errorf("exit %d, want %d", code, exitUsage)
	}
	if !strings.Contains(errOut, "storybot chat") {
		t.Errorf("the refusal does not point at storybot chat:\n%s", errOut)
	}
}

func TestServeRefusesABadConfigurationNamingEveryKey(t *testing.T) {
	_, errOut, code := runCLI(t, "", map[string]string{
		"SLACK_BOT_TOKEN": "not-a-bot-token", "SLACK_APP_TOKEN": "not-an-app-token", "STORYBOT_LOG_LEVEL": "loud",
	}, "serve")
	if code != exitUsage {
		t.Errorf("exit %d, want %d", code, exitUsage)
	}
	for _, key := range []string{"slack.bot_token", "slack.app_token", "logging.level"} {
		if !strings.Contains(errOut, key) {
			t.Errorf("the error does not name %s:\n%s", key, errOut)
		}
	}
	if strings.Contains(errOut, "not-a-bot-token") {
		t.Errorf("the error repeats a secret:\n%s", errOut)
	}
}

func TestServeAnswersSlackAndReportsHealthReadinessAndMetrics(t *testing.T) {
	fake := slacktest.New(t)
	s := startServe(t, slackVars(fake))

	if code, _ := s.get(t, "/healthz"); code != http.StatusOK {
		t.Errorf("/healthz = %d", code)
	}
	<-fake.Connections()
	s.waitReady(t)

	fake.SendEvent("Ev1", slacktest.Mention("C1", "U1", "<@UBOT> why was the Rubio-Lavrov meeting put on hold?", fake.NextTS(), ""))
	select {
	case post := <-fake.Posts():
		if !strings.Contains(post.AllText(), "¶4") {
			t.Errorf("the answer does not cite ¶4:\n%s", post.AllText())
		}
		if post.ThreadTS == "" {
			t.Errorf("the answer was not posted in the mention's thread")
		}
		value, ok := post.ButtonValue("storybot_helpful")
		if !ok {
			t.Fatalf("the answer has no 👍 button")
		}
		fake.SendBlockAction(slacktest.BlockAction{ChannelID: "C1", UserID: "U2", MessageTS: post.TS,
			BlockID: "storybot_feedback", ActionID: "storybot_helpful", Value: value, ResponseURL: fake.ResponseURL()})
		select {
		case <-fake.Responses(): // the thank-you, sent after the click is stored
		case <-time.After(10 * time.Second):
			t.Fatalf("the 👍 click was not acknowledged:\n%s", s.logs)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("no answer posted:\n%s", s.logs)
	}

	s.waitMetrics(t, `storybot_questions_total{mode="quote",platform="slack"} 1`)
	if code := s.exit(t); code != exitOK {
		t.Errorf("exit %d after shutdown, want 0:\n%s", code, s.logs)
	}
	if strings.Contains(s.logs.String(), slacktest.BotToken) || strings.Contains(s.logs.String(), slacktest.AppToken) {
		t.Errorf("a token appears in the log:\n%s", s.logs)
	}

	st, err := store.Open(context.Background(), s.db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if helpful, unhelpful, err := st.FeedbackCounts(context.Background(), time.Time{}); err != nil || helpful != 1 || unhelpful != 0 {
		t.Errorf("stored feedback 👍%d 👎%d (%v), want the one 👍", helpful, unhelpful, err)
	}
	if top, err := st.TopQuestions(context.Background(), time.Time{}, "", 5); err != nil || len(top) != 1 {
		t.Errorf("question log %q (%v), want the one question", top, err)
	}
}

func TestServeFinishesAnLLMAnswerInFlightWhenTerminated(t *testing.T) {
	fake := slacktest.New(t)
	llm := openaitest.New(t)
	arrived, release := make(chan struct{}), make(chan struct{})
	llm.Push(openaitest.Behaviour{
		Text:    "The meeting was put on hold because Rubio and Lavrov had divergent expectations [¶4].",
		Arrived: arrived, Release: release,
	})
	vars := slackVars(fake)
	vars["OPENAI_MODEL"] = "fake-model"
	vars["OPENAI_BASE_URL"] = llm.URL()
	vars["OPENAI_API_KEY"] = "sk-planted-secret-never-logged"
	s := startServe(t, vars)
	<-fake.Connections()
	s.waitReady(t)

	fake.SendEvent("Ev1", slacktest.Mention("C1", "U1", "<@UBOT> why was the meeting put on hold?", fake.NextTS(), ""))
	select {
	case <-arrived:
	case <-time.After(10 * time.Second):
		t.Fatalf("the question never reached the LLM:\n%s", s.logs)
	}
	s.stop() // SIGTERM: no new events, but the answer in flight must finish
	close(release)

	var final string
	timeout := time.After(15 * time.Second)
	for final == "" {
		select {
		case m := <-fake.Posts():
			final = finalAnswer(m.AllText())
		case m := <-fake.Updates():
			final = finalAnswer(m.AllText())
		case <-timeout:
			t.Fatalf("the answer in flight was not delivered after SIGTERM:\n%s", s.logs)
		}
	}
	if !strings.Contains(final, "summary by fake-model") {
		t.Errorf("the delivered answer is not the LLM's summary (it fell back?):\n%s", final)
	}
	if code := s.exit(t); code != exitOK {
		t.Errorf("exit %d after SIGTERM, want 0", code)
	}
	if strings.Contains(s.logs.String(), "sk-planted-secret-never-logged") {
		t.Errorf("the LLM key appears in the log")
	}
}

// finalAnswer returns text when it is a finished answer (one that says
// how it was made), not a placeholder or a partial stream.
func finalAnswer(text string) string {
	if strings.Contains(text, "checked against the story") || strings.Contains(text, "quoted from the story") {
		return text
	}
	return ""
}

func grepLines(s, substr string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, substr) && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

func TestServeRunsSlackAndDiscordAtOnce(t *testing.T) {
	sf := slacktest.New(t)
	df := discordtest.New(t)
	release := df.HoldReady()
	vars := slackVars(sf)
	vars["DISCORD_TOKEN"] = discordtest.Token
	vars["DISCORD_APP_ID"] = discordtest.AppID
	vars["DISCORD_API_URL"] = df.URL()
	s := startServe(t, vars)

	<-sf.Connections()
	<-df.Identifies()
	if code, body := s.get(t, "/readyz"); code != http.StatusServiceUnavailable || !strings.Contains(body, "discord: not connected") {
		t.Errorf("/readyz with Discord not connected = %d %q, want 503 naming discord", code, body)
	}
	release()
	<-df.Connections()
	<-df.Commands() // registered at start-up
	s.waitReady(t)

	sf.SendEvent("Ev1", slacktest.Mention("C1", "U1", "<@UBOT> why was the Rubio-Lavrov meeting put on hold?", sf.NextTS(), ""))
	df.SendMessage(discordtest.Mention("why was the Rubio-Lavrov meeting put on hold?"))
	select {
	case post := <-sf.Posts():
		if !strings.Contains(post.AllText(), "¶4") {
			t.Errorf("the Slack answer does not cite ¶4:\n%s", post.AllText())
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("no Slack answer:\n%s", s.logs)
	}
	select {
	case m := <-df.Messages():
		if !strings.Contains(m.Text(), "¶4") {
			t.Errorf("the Discord answer does not cite ¶4:\n%s", m.Text())
		}
		if !m.NoMentions() {
			t.Errorf("the Discord answer may ping people: %s", m.Body)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("no Discord answer:\n%s", s.logs)
	}

	// An answer is counted once its delivery returned, just after the
	// fake saw it.
	s.waitMetrics(t, `storybot_questions_total{mode="quote",platform="slack"} 1`,
		`storybot_questions_total{mode="quote",platform="discord"} 1`)
	if code := s.exit(t); code != exitOK {
		t.Errorf("exit %d, want 0", code)
	}
	for _, secret := range []string{slacktest.BotToken, slacktest.AppToken, discordtest.Token} {
		if strings.Contains(s.logs.String(), secret) {
			t.Errorf("the log contains the token %q", secret)
		}
	}
}

func TestServeAdminAddsAStoryFromChatAndItIsAnsweredAtOnce(t *testing.T) {
	page, err := os.ReadFile(filepath.Join("..", "..", "stories", "testdata", "article.html"))
	if err != nil {
		t.Fatal(err)
	}
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(page)
	}))
	defer site.Close()

	dir := t.TempDir()
	seed, _ := os.ReadFile(filepath.Join("..", "..", "knowledge", "seed", "2025-10-21-rubio-lavrov-meeting-tabled.txt"))
	os.WriteFile(filepath.Join(dir, "2025-10-21-rubio-lavrov-meeting-tabled.txt"), seed, 0o644)
	cfgPath := filepath.Join(t.TempDir(), "storybot.yaml")
	os.WriteFile(cfgPath, []byte("stories:\n  dir: "+dir+"\n  allow_private_urls: true\n  rescan_interval: 1h\nadmins:\n  - slack:UADMIN\n"), 0o600)

	sf := slacktest.New(t)
	vars := slackVars(sf)
	vars["STORYBOT_CONFIG"] = cfgPath
	s := startServe(t, vars)
	<-sf.Connections()

	ask := func(user, text string) string {
		t.Helper()
		sf.SendEvent("Ev-"+sf.NextTS(), slacktest.Mention("C1", user, "<@UBOT> "+text, sf.NextTS(), ""))
		select {
		case post := <-sf.Posts():
			return post.AllText()
		case <-time.After(15 * time.Second):
			t.Fatalf("no answer to %q:\n%s", text, s.logs)
			return ""
		}
	}
	if got := ask("USOMEONE", "story add "+site.URL+"/news/bridge"); strings.Contains(got, "Danube") || !strings.Contains(strings.ToLower(got), "admin") {
		t.Errorf("a non-admin's story add was not refused politely:\n%s", got)
	}
	if got := ask("UADMIN", "story add "+site.URL+"/news/bridge"); !strings.Contains(got, "2025-11-04-") {
		t.Fatalf("the admin's story add did not report the new story:\n%s", got)
	}
	got := ask("U1", "how much did the bridge repairs cost?")
	if !strings.Contains(got, "4.2 million euros") {
		t.Errorf("the added story is not answered from:\n%s", got)
	}
	if _, err := os.Stat(filepath.Join(dir, "2025-10-21-rubio-lavrov-meeting-tabled.txt")); err != nil {
		t.Errorf("the seed story file went missing: %v", err)
	}
}

func TestServeKeepsSlackUpWhenDiscordRefusesTheIntent(t *testing.T) {
	sf := slacktest.New(t)
	df := discordtest.New(t)
	df.DisableMessageContentIntent()
	vars := slackVars(sf)
	vars["DISCORD_TOKEN"] = discordtest.Token
	vars["DISCORD_APP_ID"] = discordtest.AppID
	vars["DISCORD_API_URL"] = df.URL()
	s := startServe(t, vars)
	<-sf.Connections()
	<-df.Identifies() // answered with the 4014 close
	// The adapter's failure is a state the service reaches; wait for its
	// log line, bounded.
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(s.logs.String(), "stopped for good"); {
		if time.Now().After(deadline) {
			t.Fatalf("the Discord failure was never logged:\n%s", s.logs)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if !strings.Contains(s.logs.String(), "Message Content") {
		t.Errorf("no log line names the Message Content intent:\n%s", s.logs)
	}

	sf.SendEvent("Ev1", slacktest.Mention("C1", "U1", "<@UBOT> why was the Rubio-Lavrov meeting put on hold?", sf.NextTS(), ""))
	select {
	case <-sf.Posts():
	case <-time.After(10 * time.Second):
		t.Fatalf("Slack stopped answering when Discord failed:\n%s", s.logs)
	}
	if code, body := s.get(t, "/readyz"); code != http.StatusServiceUnavailable || !strings.Contains(body, "discord") {
		t.Errorf("/readyz = %d %q, want 503 naming discord", code, body)
	}
	if code := s.exit(t); code != exitOK {
		t.Errorf("exit %d after shutdown, want 0", code)
	}
}

func TestServeExitsWhenItsOnlyPlatformFailsForGood(t *testing.T) {
	df := discordtest.New(t)
	df.DisableMessageContentIntent()
	s := startServe(t, map[string]string{
		"DISCORD_TOKEN": discordtest.Token, "DISCORD_APP_ID": discordtest.AppID, "DISCORD_API_URL": df.URL(),
	})
	select {
	case code := <-s.code:
		s.code <- code
		if code != exitErr {
			t.Errorf("exit %d, want %d", code, exitErr)
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("serve kept running with no platform left:\n%s", s.logs)
	}
}

func TestServeFinishesADiscordLLMAnswerInFlightWhenTerminated(t *testing.T) {
	df := discordtest.New(t)
	llm := openaitest.New(t)
	arrived, release := make(chan struct{}), make(chan struct{})
	llm.Push(openaitest.Behaviour{
		Text:    "The meeting was put on hold because Rubio and Lavrov had divergent expectations [¶4].",
		Arrived: arrived, Release: release,
	})
	s := startServe(t, map[string]string{
		"DISCORD_TOKEN": discordtest.Token, "DISCORD_APP_ID": discordtest.AppID, "DISCORD_API_URL": df.URL(),
		"OPENAI_MODEL": "fake-model", "OPENAI_BASE_URL": llm.URL(),
	})
	<-df.Connections()
	df.SendMessage(discordtest.Mention("why was the meeting put on hold?"))
	select {
	case <-arrived:
	case <-time.After(10 * time.Second):
		t.Fatalf("the question never reached the LLM:\n%s", s.logs)
	}
	s.stop()
	close(release)
	timeout := time.After(15 * time.Second)
	for done := false; !done; {
		select {
		case m := <-df.Messages():
			done = strings.Contains(m.Text(), "summary by fake-model")
		case m := <-df.Edits():
			done = strings.Contains(m.Text(), "summary by fake-model")
		case <-timeout:
			t.Fatalf("the Discord answer in flight was not delivered after SIGTERM:\n%s", s.logs)
		}
	}
	if code := s.exit(t); code != exitOK {
		t.Errorf("exit %d after SIGTERM, want 0", code)
	}
}

func TestServeMountsSlackHTTPModeOnItsServer(t *testing.T) {
	fake := slacktest.New(t)
	s := startServe(t, map[string]string{
		"SLACK_BOT_TOKEN": slacktest.BotToken, "SLACK_SIGNING_SECRET": slacktest.SigningSecret, "SLACK_API_URL": fake.URL(),
	})
	s.waitReady(t)
	body := []byte(`{"token":"x","challenge":"storybot-challenge","type":"url_verification"}`)
	post := func(secret string, at time.Time) (int, string) {
		req, err := slacktest.NewSignedRequest("http://"+s.addr+"/slack/events", "application/json", body, secret, at)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		out, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(out)
	}
	if code, out := post(slacktest.SigningSecret, time.Now()); code != http.StatusOK || !strings.Contains(out, "storybot-challenge") {
		t.Errorf("url_verification = %d %q, want the challenge back", code, out)
	}
	if code, _ := post("not-the-signing-secret", time.Now()); code != http.StatusUnauthorized {
		t.Errorf("a badly signed request got %d, want 401", code)
	}
	if code, _ := post(slacktest.SigningSecret, time.Now().Add(-10*time.Minute)); code != http.StatusUnauthorized {
		t.Errorf("a stale request got %d, want 401", code)
	}
}

func TestServeMountsDiscordInteractionsOnItsServer(t *testing.T) {
	df := discordtest.New(t)
	keys := discordtest.NewKeyPair(t)
	s := startServe(t, map[string]string{
		"DISCORD_APP_ID": discordtest.AppID, "DISCORD_PUBLIC_KEY": keys.PublicKeyHex(), "DISCORD_API_URL": df.URL(),
	})
	s.waitReady(t)
	url := "http://" + s.addr + "/discord/interactions"
	do := func(req *http.Request) (int, string) {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		out, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(out)
	}
	if code, out := do(keys.NewSignedRequest(t, url, discordtest.Ping())); code != http.StatusOK || !strings.Contains(out, `"type":1`) {
		t.Errorf("PING = %d %q, want PONG", code, out)
	}
	stale := keys.NewSignedRequestBody(t, url, []byte(`{"type":1}`), time.Now().Add(-10*time.Minute))
	if code, _ := do(stale); code != http.StatusUnauthorized {
		t.Errorf("a stale interaction got %d, want 401", code)
	}
	other := discordtest.NewKeyPair(t)
	if code, _ := do(other.NewSignedRequest(t, url, discordtest.Ping())); code != http.StatusUnauthorized {
		t.Errorf("an interaction signed with another key got %d, want 401", code)
	}
}

// waitLog polls the service's log for substr, bounded: a log line is a
// state the service reaches, not a moment.
func (s *served) waitLog(t *testing.T, substr string) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(s.logs.String(), substr); {
		if time.Now().After(deadline) {
			t.Fatalf("the log never said %q:\n%s", substr, s.logs)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// A Slack Web API that is unreachable when serve starts is tried again,
// with the pause logged, and /readyz says not ready until Slack is back,
// then ready.
func TestServeStartsSlackAgainWhenItWasUnreachableAtStart(t *testing.T) {
	for _, mode := range []string{"Socket Mode", "HTTP mode"} {
		t.Run(mode, func(t *testing.T) {
			fake := slacktest.New(t)
			restore := fake.Unavailable()
			vars := slackVars(fake)
			if mode == "HTTP mode" {
				delete(vars, "SLACK_APP_TOKEN")
				vars["SLACK_SIGNING_SECRET"] = slacktest.SigningSecret
			}
			s := startServe(t, vars)
			if method := <-fake.Refused(); method != "auth.test" {
				t.Errorf("the first refused call is %s, want auth.test", method)
			}
			s.waitLog(t, "starting it again")
			if code, body := s.get(t, "/readyz"); code != http.StatusServiceUnavailable || !strings.Contains(body, "slack: not connected (starting again") {
				t.Errorf("/readyz while Slack is unreachable = %d %q, want 503 saying slack is being started again", code, body)
			}
			if strings.Contains(s.logs.String(), "stopped for good") {
				t.Errorf("a Slack unreachable for a moment was given up:\n%s", s.logs)
			}
			restore()
			s.waitReady(t)
			if code := s.exit(t); code != exitOK {
				t.Errorf("exit %d, want 0", code)
			}
		})
	}
}

// A token Slack refuses is not retried: serve stops that platform for
// good, and with no other platform left it exits.
func TestServeDoesNotRetryATokenSlackRefuses(t *testing.T) {
	fake := slacktest.New(t)
	vars := slackVars(fake)
	vars["SLACK_BOT_TOKEN"] = "xoxb-not-the-fakes-token"
	s := startServe(t, vars)
	select {
	case code := <-s.code:
		s.code <- code
		if code != exitErr {
			t.Errorf("exit %d, want %d", code, exitErr)
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("serve kept running with a refused token:\n%s", s.logs)
	}
	if !strings.Contains(s.logs.String(), "invalid_auth") || strings.Contains(s.logs.String(), "starting it again") {
		t.Errorf("want one invalid_auth failure and no retry:\n%s", s.logs)
	}
}
