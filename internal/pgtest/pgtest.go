// Package pgtest gives tests a PostgreSQL database of their own: a fresh
// schema in the server named by STORYBOT_TEST_POSTGRES_URL, dropped when
// the test ends. Without the variable, or with a server that does not
// answer, the test is skipped with one line saying so.
package pgtest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// EnvVar names the PostgreSQL server the tests use.
const EnvVar = "STORYBOT_TEST_POSTGRES_URL"

// Require skips tb, with one line naming EnvVar, unless a PostgreSQL
// server is configured and answers.
func Require(tb testing.TB) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, conn := connect(ctx, tb)
	conn.Close(context.Background())
}

// connect returns EnvVar's URL and a connection to it, or skips tb with
// one line when it is unset or the server does not answer.
func connect(ctx context.Context, tb testing.TB) (string, *pgx.Conn) {
	tb.Helper()
	base := os.Getenv(EnvVar)
	if base == "" {
		tb.Skip("PostgreSQL cases skipped: " + EnvVar + " is not set")
	}
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		tb.Skipf("PostgreSQL cases skipped: %s is not reachable: %v", EnvVar, err)
	}
	return base, conn
}

// URL returns a connection URL whose search_path is a new, empty schema,
// or skips tb when no PostgreSQL server is configured or reachable.
func URL(tb testing.TB) string {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	base, conn := connect(ctx, tb)
	defer conn.Close(context.Background())
	schema := fmt.Sprintf("storybot_test_%d_%d", time.Now().UnixNano(), rand.N(1_000_000))
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		tb.Fatalf("creating schema: %v", err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, base)
		if err != nil {
			tb.Logf("dropping schema %s: %v", schema, err)
			return
		}
		defer conn.Close(context.Background())
		if _, err := conn.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			tb.Logf("dropping schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatalf("%s: %v", EnvVar, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
