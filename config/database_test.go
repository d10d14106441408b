package config

import (
	"slices"
	"strings"
	"testing"
)

func TestTheDatabaseURLIsASecret(t *testing.T) {
	const withPassword = "postgres://storybot:planted-db-password@db:5432/storybot"
	base := map[string]string{"SLACK_BOT_TOKEN": botToken, "SLACK_APP_TOKEN": appToken}
	with := func(extra map[string]string) map[string]string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	urlFile := writeFile(t, "dburl", withPassword+"\n")
	tests := []struct {
		name       string
		yaml       string
		env        map[string]string
		wantErr    string
		wantURL    string
		wantInShow string
	}{
		{"a URL with a password from the environment is used and shown without it", "", with(map[string]string{"STORYBOT_DATABASE_URL": withPassword}), "",
			withPassword, "url: postgres://storybot@db:5432/storybot # password: (set, from STORYBOT_DATABASE_URL); not shown"},
		{"a URL read from STORYBOT_DATABASE_URL_FILE is used and shown without its password", "", with(map[string]string{"STORYBOT_DATABASE_URL_FILE": urlFile}), "",
			withPassword, "named by STORYBOT_DATABASE_URL_FILE); not shown"},
		{"a URL read from database.url_file is used", "database:\n  url_file: " + urlFile + "\n", base, "",
			withPassword, "named by database.url_file); not shown"},
		{"a URL without a password may be written in the file", "database:\n  url: postgres://storybot@db/storybot\n", base, "",
			"postgres://storybot@db/storybot", "url: postgres://storybot@db/storybot\n"},
		{"a URL with a password written in the file is refused", "database:\n  url: " + withPassword + "\n", base,
			"database.url: a password does not belong in the config file", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := ""
			if tt.yaml != "" {
				path = writeFile(t, "c.yaml", tt.yaml)
			}
			c, err := Load(path, envOf(tt.env))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Load error = %v, want one containing %q", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), "planted-db-password") {
					t.Errorf("the error repeats the password: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.Database.URL != tt.wantURL {
				t.Errorf("database.url = %q, want %q", c.Database.URL, tt.wantURL)
			}
			b, err := c.Show(envOf(tt.env))
			if err != nil {
				t.Fatal(err)
			}
			out := string(b)
			if strings.Contains(out, "planted-db-password") {
				t.Errorf("show prints the database password:\n%s", out)
			}
			if !strings.Contains(out, tt.wantInShow) {
				t.Errorf("show lacks %q:\n%s", tt.wantInShow, out)
			}
			if URLPassword(c.Database.URL) != "" && !slices.Contains(c.Secrets(), "planted-db-password") {
				t.Errorf("Secrets() = %d values, without the database password, so logs would not scrub it", len(c.Secrets()))
			}
			shown := writeFile(t, "shown.yaml", out)
			if _, err := Load(shown, envOf(base)); err != nil {
				t.Errorf("config check refuses what show wrote: %v", err)
			}
		})
	}
}
