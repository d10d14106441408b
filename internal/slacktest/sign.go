package slacktest

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"
)

// Sign computes Slack's request signature (v0) of body sent at ts with
// secret, returning the X-Slack-Request-Timestamp and X-Slack-Signature
// header values.
func Sign(secret string, ts time.Time, body []byte) (timestamp, signature string) {
	timestamp = strconv.FormatInt(ts.Unix(), 10)
	m := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(m, "v0:%s:%s", timestamp, body)
	return timestamp, "v0=" + hex.EncodeToString(m.Sum(nil))
}

// SignRequest sets r's Slack signature headers as if Slack had sent it at
// ts signed with secret. It reads r.Body and puts it back.
func SignRequest(r *http.Request, secret string, ts time.Time) error {
	var body []byte
	if r.Body != nil {
		var err error
		if body, err = io.ReadAll(r.Body); err != nil {
			return fmt.Errorf("read request body to sign: %w", err)
		}
		r.Body.Close()
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.ContentLength = int64(len(body))
	tsv, sig := Sign(secret, ts, body)
	r.Header.Set("X-Slack-Request-Timestamp", tsv)
	r.Header.Set("X-Slack-Signature", sig)
	return nil
}

// NewSignedRequest builds a POST of body to target with contentType,
// signed with secret at ts, the way Slack delivers HTTP-mode requests.
func NewSignedRequest(target, contentType string, body []byte, secret string, ts time.Time) (*http.Request, error) {
	r, err := http.NewRequest(http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("build signed request: %w", err)
	}
	r.Header.Set("Content-Type", contentType)
	if err := SignRequest(r, secret, ts); err != nil {
		return nil, err
	}
	return r, nil
}
