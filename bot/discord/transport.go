package discord

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// restTimeout bounds one REST call when no client is given.
const restTimeout = 30 * time.Second

// httpClient returns the client for REST calls: base (or a default), with
// its transport wrapped to send discord.com requests to apiURL when set.
// discordgo builds every URL from package-level endpoint variables;
// rewriting at the transport keeps those untouched, so two adapters (or
// tests) in one process can point at different servers.
func httpClient(base *http.Client, apiURL string) (*http.Client, error) {
	c := &http.Client{Timeout: restTimeout}
	if base != nil {
		c = new(http.Client)
		*c = *base
	}
	if apiURL == "" {
		return c, nil
	}
	u, err := url.Parse(strings.TrimSpace(apiURL))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("API URL %q: want http(s)://host[:port][/prefix]", apiURL)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, errors.New("API URL: no query or fragment allowed")
	}
	next := c.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	c.Transport = &hostRewriter{scheme: u.Scheme, host: u.Host, prefix: strings.TrimRight(u.Path, "/"), next: next}
	return c, nil
}

// hostRewriter sends requests for discord.com to another host, keeping
// the path (under an optional prefix), query, headers and body.
type hostRewriter struct {
	scheme, host, prefix string
	next                 http.RoundTripper
}

func (t *hostRewriter) RoundTrip(r *http.Request) (*http.Response, error) {
	h := strings.ToLower(r.URL.Hostname())
	if h != "discord.com" && h != "discordapp.com" {
		return t.next.RoundTrip(r)
	}
	r = r.Clone(r.Context())
	r.URL.Scheme, r.URL.Host, r.Host = t.scheme, t.host, t.host
	if t.prefix != "" {
		r.URL.Path = t.prefix + r.URL.Path
		if r.URL.RawPath != "" {
			r.URL.RawPath = t.prefix + r.URL.RawPath
		}
	}
	return t.next.RoundTrip(r)
}

// redactURL drops interaction tokens from a REST URL before it is logged:
// they let anyone answer as the bot for 15 minutes.
func redactURL(raw string) string {
	parts := strings.Split(raw, "/")
	for i, p := range parts {
		if (p == "webhooks" || p == "interactions") && i+2 < len(parts) {
			parts[i+2] = "…"
		}
	}
	return strings.Join(parts, "/")
}
