package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/storybot/storybot/bot/digest"
	"github.com/storybot/storybot/config"
	"github.com/storybot/storybot/knowledge"
	"github.com/storybot/storybot/store"
)

func TestDigestPrintsKeyPointsQuotesAndDates(t *testing.T) {
	out, errOut, code := runCLI(t, "", map[string]string{"STORYBOT_DB": filepath.Join(t.TempDir(), "none.db")}, "digest")
	if code != exitOK {
		t.Fatalf("code %d: %s", code, errOut)
	}
	for _, want := range []string{"Daily digest —", "Dates:", "Key points", "[¶1]"} {
		if !strings.Contains(out, want) {
			t.Errorf("digest lacks %q:\n%s", want, out)
		}
	}
}

func TestDigestJSONSaysWhatChangedSince(t *testing.T) {
	dir, file := storiesDir(t)
	db := filepath.Join(t.TempDir(), "storybot.db")
	// The version of two days ago, as serve would have recorded it.
	lib, err := knowledge.LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.RecordLibrary(context.Background(), lib, time.Now().Add(-48*time.Hour)); err != nil {
		t.Fatal(err)
	}
	st.Close()
	updateSeed(t, file)

	out, errOut, code := runCLI(t, "", nil, "digest", "--json", "--since", "24h", "--db", db, "--stories", dir, "--story", seedName)
	if code != exitOK {
		t.Fatalf("code %d: %s", code, errOut)
	}
	var d digestJSON
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if len(d.Stories) != 1 {
		t.Fatalf("%d stories", len(d.Stories))
	}
	sd := d.Stories[0]
	if sd.Status != digest.StatusUpdated || len(sd.Changes) != 3 || len(sd.KeyPoints) < 3 || len(sd.KeyPoints) > 5 {
		t.Errorf("story digest %+v", sd)
	}
	if !strings.Contains(out, `"kind":"edited"`) {
		t.Errorf("change kinds are not named in JSON:\n%s", out)
	}
	t.Run("an unknown story is bad input, named once", func(t *testing.T) {
		_, errOut, code := runCLI(t, "", nil, "digest", "--db", db, "--stories", dir, "--story", "nope")
		if code != exitUsage || errOut != "storybot digest: no story \"nope\" (stories: "+seedName+")\n" {
			t.Errorf("code %d: %q", code, errOut)
		}
	})
}

func TestDigestSpecsComeFromTheConfig(t *testing.T) {
	specs, err := digestSpecs([]config.DigestConfig{
		{Name: "am", Platform: "slack", Channel: "C1", Time: "08:00", Timezone: "Europe/Budapest", Mode: "summary"},
		{Name: "bad", Platform: "slack", Channel: "C1", Time: "08:00", Timezone: "Mars/Olympus"},
	})
	if err == nil || !strings.Contains(err.Error(), "digests[1].timezone") {
		t.Errorf("err = %v", err)
	}
	if len(specs) != 1 || specs[0].Location.String() != "Europe/Budapest" || !specs[0].Request.SkipUnchanged || specs[0].Request.Mode != "summary" {
		t.Errorf("specs %+v", specs)
	}
}
