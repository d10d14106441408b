package main

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// unitFile is a systemd unit: section → key → values (keys may repeat).
type unitFile map[string]map[string][]string

// parseUnit reads a systemd unit file the way systemd does for the parts
// storybot's unit uses: [Section] headers, Key=Value lines, # and ;
// comments. Anything else is an error, as systemd would warn about it.
func parseUnit(t *testing.T, path string) unitFile {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	u := unitFile{}
	section := ""
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, ";"):
		case strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]"):
			section = strings.Trim(line, "[]")
			u[section] = map[string][]string{}
		case strings.Contains(line, "=") && section != "":
			k, v, _ := strings.Cut(line, "=")
			u[section][k] = append(u[section][k], v)
		default:
			t.Fatalf("%s:%d: not a unit file line: %q", path, n, line)
		}
	}
	return u
}

func TestSystemdUnitRunsServeAsAnUnprivilegedUser(t *testing.T) {
	u := parseUnit(t, filepath.Join("..", "..", "deploy", "storybot.service"))
	for _, s := range []string{"Unit", "Service", "Install"} {
		if u[s] == nil {
			t.Errorf("no [%s] section", s)
		}
	}
	svc := u["Service"]
	if exec := strings.Join(svc["ExecStart"], ""); !strings.Contains(exec, "storybot serve") {
		t.Errorf("ExecStart = %q, want it to run storybot serve", exec)
	}
	if user := strings.Join(svc["User"], ""); user == "" || user == "root" {
		t.Errorf("User = %q, want an unprivileged user", user)
	}
	if sig := strings.Join(svc["KillSignal"], ""); sig != "" && sig != "SIGTERM" && sig != "SIGINT" {
		t.Errorf("KillSignal = %q: storybot shuts down gracefully only on SIGTERM or SIGINT", sig)
	}
	for _, env := range svc["Environment"] {
		k, v, _ := strings.Cut(env, "=")
		if strings.Contains(k, "TOKEN") && !strings.HasSuffix(k, "_FILE") || strings.HasPrefix(v, "xox") {
			t.Errorf("the unit sets a secret inline (%s); use *_FILE with LoadCredential", k)
		}
	}
}

func TestDockerfileBuildsAStaticBinaryForANonRootUser(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	var from, user, volume []string
	for _, line := range strings.Split(string(data), "\n") {
		fields := strings.Fields(line)
		if len(fields) == 0 || strings.HasPrefix(fields[0], "#") {
			continue
		}
		switch strings.ToUpper(fields[0]) {
		case "FROM":
			from = append(from, line)
		case "USER":
			user = append(user, fields[1])
		case "VOLUME":
			volume = append(volume, line)
		}
	}
	if len(from) < 2 {
		t.Errorf("want a multi-stage build, got FROM lines %q", from)
	}
	if len(user) == 0 || strings.HasPrefix(user[len(user)-1], "root") || user[len(user)-1] == "0" {
		t.Errorf("the final image must run as a non-root user; USER lines %q", user)
	}
	if !strings.Contains(string(data), "CGO_ENABLED=0") {
		t.Errorf("the binary is not built static (CGO_ENABLED=0)")
	}
	vols := strings.Join(volume, " ")
	for _, v := range []string{"/stories", "/data"} {
		if !strings.Contains(vols, v) {
			t.Errorf("no volume for %s", v)
		}
	}
}
