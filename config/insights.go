package config

import (
	"fmt"
	"net/url"
	"strings"
	"time"
)

// weekdays are the names insights[].weekday takes.
var weekdays = []string{"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}

// Weekday returns the day of the week the post goes out.
func (ic InsightsConfig) Weekday() (time.Weekday, bool) {
	w := strings.ToLower(strings.TrimSpace(ic.WeekdayName))
	for d := time.Sunday; d <= time.Saturday; d++ {
		if name := strings.ToLower(d.String()); w == name || (len(w) == 3 && w == name[:3]) {
			return d, true
		}
	}
	return 0, false
}

// validateInsights checks the weekly insights posts, the admin token and
// the public URL, reporting each problem through bad.
func (c Config) validateInsights(bad func(key, format string, args ...any)) {
	names := map[string]bool{}
	for i, ic := range c.Insights {
		key := fmt.Sprintf("insights[%d]", i)
		c.validatePost(bad, key, "insights post", ic.Name, ic.Platform, ic.Channel, names)
		if _, ok := ic.Weekday(); !ok {
			bad(key+".weekday", "%q: want a day of the week (%s)", ic.WeekdayName, strings.Join(weekdays, ", "))
		}
		if !validClock(ic.Time) {
			bad(key+".time", "%q: want HH:MM (24-hour)", ic.Time)
		}
		if ic.Timezone == "" {
			bad(key+".timezone", "required (an IANA name such as Europe/Budapest)")
		} else if _, err := time.LoadLocation(ic.Timezone); err != nil {
			bad(key+".timezone", "unknown time zone %q", ic.Timezone)
		}
	}
	if t := c.Admin.Token; t != "" && len(t) < 16 {
		bad("admin.token", "too short: use at least 16 characters (openssl rand -hex 24)")
	}
	if u := c.HTTP.PublicURL; u != "" {
		if pu, err := url.Parse(u); err != nil || (pu.Scheme != "http" && pu.Scheme != "https") || pu.Host == "" {
			bad("http.public_url", "%q: want an http(s) URL such as https://bot.example.com", u)
		}
	}
}
