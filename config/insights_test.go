package config

import (
	"strings"
	"testing"
	"time"
)

func TestInsightsPostsAreChecked(t *testing.T) {
	slackEnv := map[string]string{"SLACK_BOT_TOKEN": botToken, "SLACK_APP_TOKEN": appToken}
	tests := []struct {
		name    string
		yaml    string
		env     map[string]string
		wantErr []string // keys named; none means valid
	}{
		{name: "a complete weekly post is valid", env: slackEnv,
			yaml: "insights:\n  - {name: editors, platform: slack, channel: C1, weekday: monday, time: \"09:00\", timezone: Europe/Budapest}\n"},
		{name: "a weekday may be written short", env: slackEnv,
			yaml: "insights:\n  - {name: editors, platform: slack, channel: C1, weekday: Fri, time: \"17:30\", timezone: UTC}\n"},
		{name: "every bad key of a post is named", env: slackEnv,
			yaml:    "insights:\n  - {name: editors, platform: irc, weekday: someday, time: \"9am\", timezone: Mars/Base}\n",
			wantErr: []string{"insights[0].platform", "insights[0].channel", "insights[0].weekday", "insights[0].time", "insights[0].timezone"}},
		{name: "a post to a platform that is not configured is refused",
			yaml:    "insights:\n  - {name: editors, platform: slack, channel: C1, weekday: monday, time: \"09:00\", timezone: UTC}\n",
			wantErr: []string{"insights[0].platform: slack is not configured"}},
		{name: "two posts may not share a name", env: slackEnv,
			yaml: "insights:\n  - {name: e, platform: slack, channel: C1, weekday: monday, time: \"09:00\", timezone: UTC}\n" +
				"  - {name: e, platform: slack, channel: C2, weekday: friday, time: \"09:00\", timezone: UTC}\n",
			wantErr: []string{"insights[1].name"}},
		{name: "the admin token does not belong in the file",
			yaml: "admin:\n  token: 0123456789abcdef0123\n", wantErr: []string{"admin.token: secrets do not belong in the config file"}},
		{name: "a short admin token is refused", env: map[string]string{"STORYBOT_ADMIN_TOKEN": "short"},
			wantErr: []string{"admin.token: too short"}},
		{name: "the public URL must be an http(s) URL", yaml: "http:\n  public_url: bot.example.com\n",
			wantErr: []string{"http.public_url"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(writeFile(t, "storybot.yaml", tt.yaml), envOf(tt.env))
			if len(tt.wantErr) == 0 {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("accepted")
			}
			for _, k := range tt.wantErr {
				if !strings.Contains(err.Error(), k) {
					t.Errorf("error does not name %s:\n%v", k, err)
				}
			}
		})
	}
}

func TestTheAdminTokenComesFromTheEnvironmentOrAFileAndIsNeverShown(t *testing.T) {
	const token = "planted-admin-token-0123456789"
	tests := []struct {
		name string
		yaml string
		env  map[string]string
		from string
	}{
		{name: "from STORYBOT_ADMIN_TOKEN", env: map[string]string{"STORYBOT_ADMIN_TOKEN": token}, from: "from STORYBOT_ADMIN_TOKEN"},
		{name: "from the file admin.token_file names", yaml: "admin:\n  token_file: FILE\n", from: "named by admin.token_file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			secret := writeFile(t, "token", token+"\n")
			c, err := Load(writeFile(t, "storybot.yaml", strings.ReplaceAll(tt.yaml, "FILE", secret)), envOf(tt.env))
			if err != nil {
				t.Fatal(err)
			}
			if c.Admin.Token != token {
				t.Fatalf("admin token %q", c.Admin.Token)
			}
			shown, err := c.Show(envOf(tt.env))
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(shown), token) || !strings.Contains(string(shown), tt.from) {
				t.Fatalf("config show:\n%s", shown)
			}
		})
	}
	if _, ok := (InsightsConfig{WeekdayName: "Sunday"}).Weekday(); !ok {
		t.Error("Sunday is not a weekday")
	}
	if d, _ := (InsightsConfig{WeekdayName: "wed"}).Weekday(); d != time.Wednesday {
		t.Errorf("wed is %s", d)
	}
}
