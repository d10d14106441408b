package discordtest

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strconv"
	"testing"
	"time"
)

// KeyPair is an application's Ed25519 key pair: Discord signs interaction
// requests with the private key, the bot checks them with the public one.
type KeyPair struct {
	Public  ed25519.PublicKey
	Private ed25519.PrivateKey
}

// NewKeyPair makes a fresh key pair.
func NewKeyPair(t testing.TB) KeyPair {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatalf("discordtest: ed25519 key: %v", err)
	}
	return KeyPair{Public: pub, Private: priv}
}

// PublicKeyHex is the public key as the developer portal shows it (and
// DISCORD_PUBLIC_KEY holds it).
func (k KeyPair) PublicKeyHex() string { return hex.EncodeToString(k.Public) }

// Sign sets the X-Signature-Ed25519 and X-Signature-Timestamp headers of
// r for body, signed at time at, as Discord does.
func (k KeyPair) Sign(r *http.Request, body []byte, at time.Time) {
	ts := strconv.FormatInt(at.Unix(), 10)
	sig := ed25519.Sign(k.Private, append([]byte(ts), body...))
	r.Header.Set("X-Signature-Ed25519", hex.EncodeToString(sig))
	r.Header.Set("X-Signature-Timestamp", ts)
}

// NewSignedRequest returns a POST of interaction i to url, signed now.
func (k KeyPair) NewSignedRequest(t testing.TB, url string, i InteractionEvent) *http.Request {
	t.Helper()
	body, err := json.Marshal(i.Payload())
	if err != nil {
		t.Fatalf("discordtest: encode interaction: %v", err)
	}
	return k.NewSignedRequestBody(t, url, body, time.Now())
}

// NewSignedRequestBody returns a POST of body to url signed at time at.
func (k KeyPair) NewSignedRequestBody(t testing.TB, url string, body []byte, at time.Time) *http.Request {
	t.Helper()
	r, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		t.Fatalf("discordtest: request: %v", err)
	}
	r.Header.Set("Content-Type", "application/json")
	k.Sign(r, body, at)
	return r
}
