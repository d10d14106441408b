package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/storybot/storybot/internal/pgtest"
	"github.com/storybot/storybot/internal/slacktest"
)

// buildStorybot builds the storybot binary once per test run.
var buildStorybot = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "storybot-bin")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "storybot")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
})

// process is `storybot serve` running as a real process.
type process struct {
	cmd  *exec.Cmd
	addr string
	logs *syncBuffer
	done chan error
}

var listeningRe = regexp.MustCompile(`"msg":"http server listening","addr":"([^"]+)"`)

// startProcess runs the binary with env and waits until it listens.
func startProcess(t *testing.T, env []string) *process {
	t.Helper()
	bin, err := buildStorybot()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "serve")
	cmd.Env = env
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &process{cmd: cmd, logs: &syncBuffer{}, done: make(chan error, 1)}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			p.logs.Write([]byte(line + "\n"))
			if m := listeningRe.FindStringSubmatch(line); m != nil {
				select {
				case addr <- m[1]:
				default:
				}
			}
		}
		io.Copy(io.Discard, stderr)
		p.done <- cmd.Wait()
	}()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
		}
	})
	select {
	case p.addr = <-addr:
	case <-time.After(30 * time.Second):
		t.Fatalf("storybot did not listen:\n%s", p.logs)
	}
	return p
}

// waitReady polls /readyz until 200: readiness is a state.
func (p *process) waitReady(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get("http://" + p.addr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("storybot never ready:\n%s", p.logs)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// stop sends sig and waits for the process to exit.
func (p *process) stop(t *testing.T, sig os.Signal) error {
	t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-p.done:
		return err
	case <-time.After(30 * time.Second):
		t.Fatalf("storybot did not exit after %v:\n%s", sig, p.logs)
		return nil
	}
}

// A burst of Slack events over HTTP to a real storybot process, stopped
// with SIGTERM (or killed) part-way: every event it acknowledged is
// answered exactly once, by it or by the next start on the same file.
func TestEveryAcknowledgedEventIsAnsweredOnceAcrossARestart(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	tests := []struct {
		name string
		sig  os.Signal
	}{
		// A thread reply Slack accepted in the instant before its
		// delivered marker was written is found in the thread by its
		// metadata when the job is tried again, so kill -9 too is
		// exactly once.
		{"SIGTERM during a burst", syscall.SIGTERM},
		{"kill -9 during a burst", syscall.SIGKILL},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := slacktest.New(t)
			// A job left running by a killed process is worked again after
			// rescue_after (once the new process leads River's maintenance).
			conf := filepath.Join(t.TempDir(), "storybot.yaml")
			if err := os.WriteFile(conf, []byte("queue:\n  job_timeout: 2s\n  rescue_after: 3s\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			env := []string{"STORYBOT_CONFIG=" + conf,
				"SLACK_BOT_TOKEN=" + slacktest.BotToken, "SLACK_SIGNING_SECRET=" + slacktest.SigningSecret,
				"SLACK_API_URL=" + fake.URL(), "STORYBOT_HTTP_ADDR=127.0.0.1:0",
				"STORYBOT_DB=" + filepath.Join(t.TempDir(), "storybot.db"), "HOME=" + t.TempDir(),
			}
			answered := map[string]int{}
			var mu sync.Mutex
			stopDrain := make(chan struct{})
			var drain sync.WaitGroup
			drain.Go(func() {
				for {
					select {
					case p := <-fake.Posts():
						mu.Lock()
						answered[p.ThreadTS]++
						mu.Unlock()
					case <-stopDrain:
						return
					}
				}
			})
			p1 := startProcess(t, env)
			p1.waitReady(t)

			const events, clients, stopAfter = 500, 50, 200
			acked := make([]bool, events)
			threads := make([]string, events)
			var ackedN sync.WaitGroup
			ackedN.Add(stopAfter)
			var once sync.Once
			var count int
			next := make(chan int)
			var wg sync.WaitGroup
			client := &http.Client{Timeout: 5 * time.Second}
			for range clients {
				wg.Go(func() {
					for i := range next {
						threads[i] = fake.NextTS()
						body, _ := json.Marshal(slacktest.EventCallback(fmt.Sprintf("EvP%d", i),
							slacktest.Mention("C1", "U1", "<@UBOT> why was the Rubio-Lavrov meeting put on hold?", threads[i], "")))
						req, _ := slacktest.NewSignedRequest("http://"+p1.addr+"/slack/events", "application/json", body,
							slacktest.SigningSecret, time.Now())
						resp, err := client.Do(req)
						if err != nil {
							continue // refused once shutdown began: not acknowledged
						}
						resp.Body.Close()
						if resp.StatusCode == http.StatusOK {
							mu.Lock()
							acked[i] = true
							count++
							if count <= stopAfter {
								ackedN.Done()
							}
							mu.Unlock()
						}
					}
				})
			}
			go func() {
				for i := range events {
					next <- i
				}
				close(next)
			}()
			ackedN.Wait()
			once.Do(func() {
				err := p1.stop(t, tt.sig)
				if tt.sig == syscall.SIGTERM && err != nil {
					t.Errorf("exit after SIGTERM: %v\n%s", err, p1.logs)
				}
			})
			wg.Wait()
			mu.Lock()
			byFirst := len(answered)
			mu.Unlock()

			p2 := startProcess(t, env)
			p2.waitReady(t)
			want := ackedThreads(acked, threads)
			waitAnswered(t, &mu, answered, want, 60*time.Second, func() string {
				return "first process:\n" + tail(p1.logs.String()) + "\nsecond process:\n" + tail(p2.logs.String())
			})
			if err := p2.stop(t, syscall.SIGTERM); err != nil {
				t.Errorf("second process exit: %v", err)
			}
			close(stopDrain)
			drain.Wait()
			twice := answeredTwice(answered, want)
			t.Logf("%s: %d of %d events acknowledged, %d answered before the stop, all answered after the restart; %d answered more than once; %d replies found posted by the first process and not posted again",
				tt.name, len(want), events, byFirst, twice, strings.Count(p2.logs.String(), foundPosted))
			if twice > 0 {
				t.Errorf("%d acknowledged events answered more than once", twice)
			}
		})
	}
}

// foundPosted is logged when a retried job finds in Slack a reply an
// earlier try posted, and skips it.
const foundPosted = "found the reply an earlier try posted"

// ackedThreads lists the threads of the events the service acknowledged.
func ackedThreads(acked []bool, threads []string) []string {
	var want []string
	for i, ok := range acked {
		if ok {
			want = append(want, threads[i])
		}
	}
	return want
}

// waitAnswered waits until every thread of want has an answer, failing
// after timeout with what logs returns.
func waitAnswered(t *testing.T, mu *sync.Mutex, answered map[string]int, want []string, timeout time.Duration, logs func() string) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		mu.Lock()
		missing := 0
		for _, th := range want {
			if answered[th] == 0 {
				missing++
			}
		}
		mu.Unlock()
		if missing == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d acknowledged events never answered\n%s", missing, len(want), logs())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// answeredTwice counts the threads of want answered more than once.
func answeredTwice(answered map[string]int, want []string) int {
	twice := 0
	for _, th := range want {
		if answered[th] > 1 {
			twice++
		}
	}
	return twice
}

func tail(s string) string {
	if len(s) > 4000 {
		return "…" + s[len(s)-4000:]
	}
	return s
}

// Two real `serve` replicas on one PostgreSQL database behind a
// round-robin proxy (here, the client takes turns and moves on when a
// replica is gone): every event acknowledged by either is answered once;
// with one replica killed mid-burst, the other finishes its jobs.
func TestTwoReplicasOnOnePostgreSQLAnswerEachEventOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	tests := []struct {
		name string
		kill bool
	}{
		{"both replicas up", false},
		{"one replica killed mid-burst", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dbURL := pgtest.URL(t)
			fake := slacktest.New(t)
			conf := filepath.Join(t.TempDir(), "storybot.yaml")
			if err := os.WriteFile(conf, []byte("queue:\n  job_timeout: 2s\n  rescue_after: 3s\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			env := []string{"STORYBOT_CONFIG=" + conf, "STORYBOT_DATABASE_URL=" + dbURL,
				"SLACK_BOT_TOKEN=" + slacktest.BotToken, "SLACK_SIGNING_SECRET=" + slacktest.SigningSecret,
				"SLACK_API_URL=" + fake.URL(), "STORYBOT_HTTP_ADDR=127.0.0.1:0", "HOME=" + t.TempDir()}
			var mu sync.Mutex
			answered := map[string]int{}
			stopDrain := make(chan struct{})
			var drain sync.WaitGroup
			drain.Go(func() {
				for {
					select {
					case p := <-fake.Posts():
						mu.Lock()
						answered[p.ThreadTS]++
						mu.Unlock()
					case <-stopDrain:
						return
					}
				}
			})
			replicas := []*process{
				startProcess(t, append(env, "STORYBOT_DB="+filepath.Join(t.TempDir(), "a.db"))),
				startProcess(t, append(env, "STORYBOT_DB="+filepath.Join(t.TempDir(), "b.db"))),
			}
			for _, r := range replicas {
				r.waitReady(t)
			}
			const events, clients, killAfter = 1000, 50, 300
			threads := make([]string, events)
			acked := make([]bool, events)
			var dead sync.Map // replicas killed
			count := 0
			var killOnce sync.Once
			next := make(chan int)
			var wg sync.WaitGroup
			client := &http.Client{Timeout: 5 * time.Second}
			for range clients {
				wg.Go(func() {
					for i := range next {
						threads[i] = fake.NextTS()
						body, _ := json.Marshal(slacktest.EventCallback(fmt.Sprintf("EvR%d", i),
							slacktest.Mention("C1", "U1", "<@UBOT> why was the Rubio-Lavrov meeting put on hold?", threads[i], "")))
						for try := range 2 { // round robin; on to the next replica if this one is gone
							r := replicas[(i+try)%2]
							if _, gone := dead.Load(r); gone {
								continue
							}
							req, _ := slacktest.NewSignedRequest("http://"+r.addr+"/slack/events", "application/json", body,
								slacktest.SigningSecret, time.Now())
							resp, err := client.Do(req)
							if err != nil {
								continue
							}
							resp.Body.Close()
							if resp.StatusCode == http.StatusOK {
								mu.Lock()
								acked[i] = true
								count++
								n := count
								mu.Unlock()
								if tt.kill && n == killAfter {
									killOnce.Do(func() {
										dead.Store(replicas[0], true)
										replicas[0].stop(t, syscall.SIGKILL)
									})
								}
								break
							}
						}
					}
				})
			}
			for i := range events {
				next <- i
			}
			close(next)
			wg.Wait()

			want := ackedThreads(acked, threads)
			waitAnswered(t, &mu, answered, want, 90*time.Second, func() string { return tail(replicas[1].logs.String()) })
			for _, r := range replicas {
				if _, gone := dead.Load(r); !gone {
					if err := r.stop(t, syscall.SIGTERM); err != nil {
						t.Errorf("replica exit: %v", err)
					}
				}
			}
			close(stopDrain)
			drain.Wait()
			twice := answeredTwice(answered, want)
			t.Logf("%s: %d of %d events acknowledged, all answered; %d answered more than once; %d replies found posted by the killed replica and not posted again",
				tt.name, len(want), events, twice, strings.Count(replicas[1].logs.String(), foundPosted))
			if twice > 0 {
				t.Errorf("%d acknowledged events answered more than once", twice)
			}
		})
	}
}
