package knowledge

import (
	"cmp"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/kljensen/snowball/english"
)

// token is a word of a text with its byte offsets.
type token struct {
	Start, End int
	Word       string // the word as written, apostrophes folded to '
	Lower      string // Word in lower case
	Term       string // normalised search term (lower-case, lemmatised, stemmed)
	Cap        bool   // starts with an upper-case letter
}

// tokenize splits text into word tokens. Hyphenated compounds become their
// parts ("Rubio-Lavrov" → Rubio, Lavrov) and possessive 's is dropped, so
// "Russia’s" and "Russia" are one term.
func tokenize(text string) []token {
	// News prose averages a word per six or seven bytes; sizing for that
	// saves most of the slice's regrowth.
	return appendTokens(make([]token, 0, 1+len(text)/7), text)
}

// appendTokens appends the tokens of text to out.
func appendTokens(out []token, text string) []token {
	i := 0
	for i < len(text) {
		if c := text[i]; c < utf8.RuneSelf {
			if !isASCIIAlnum(c) {
				i++
				continue
			}
		} else if r, size := utf8.DecodeRuneInString(text[i:]); !isWordRune(r) {
			i += size
			continue
		}
		start := i
		curly := false // the word holds a ’
		for i < len(text) {
			var r rune
			size := 1
			if c := text[i]; c < utf8.RuneSelf {
				if isASCIIAlnum(c) {
					i++
					continue
				}
				r = rune(c)
			} else {
				r, size = utf8.DecodeRuneInString(text[i:])
				if isWordRune(r) {
					i += size
					continue
				}
			}
			// An apostrophe inside a word (don't, who’s) keeps the word whole.
			if (r == '\'' || r == '’') && i+size < len(text) {
				next, _ := utf8.DecodeRuneInString(text[i+size:])
				if unicode.IsLetter(next) {
					curly = curly || r == '’'
					i += size
					continue
				}
			}
			break
		}
		word := text[start:i]
		if curly {
			word = strings.ReplaceAll(word, "’", "'")
		}
		end := i
		if n := len(word); n >= 2 && word[n-2] == '\'' && (word[n-1] == 's' || word[n-1] == 'S') {
			word = word[:len(word)-2]
			// End stops before the possessive so a name's span is the name.
			end -= len("s")
			if strings.HasSuffix(text[:end], "’") {
				end -= len("’")
			} else {
				end--
			}
		}
		first, _ := utf8.DecodeRuneInString(word)
		w := wordForms(word)
		out = append(out, token{Start: start, End: end, Word: word, Lower: w.lower, Term: w.term, Cap: unicode.IsUpper(first)})
	}
	return out
}

func isASCIIAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// tokensIn returns the tokens of toks, the tokens of a paragraph, that
// lie in the paragraph's bytes [start, end). Their offsets stay the
// paragraph's. Where start and end are sentence or quotation-mark
// boundaries, with no word running across them, these are the tokens
// tokenize finds in the paragraph's text[start:end], shifted by start, so
// a paragraph is tokenised once for all its sentences and quotations.
func tokensIn(toks []token, start, end int) []token {
	lo, _ := slices.BinarySearchFunc(toks, start, func(t token, off int) int { return cmp.Compare(t.Start, off) })
	hi := lo
	for hi < len(toks) && toks[hi].End <= end {
		hi++
	}
	return toks[lo:hi:hi]
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// normTerm maps a word to its index term: lower-case, irregular verb forms
// to their lemma, then the Snowball (Porter2) English stem.
func normTerm(word string) string {
	return wordForms(word).term
}

// forms are a word's lower-case form and index term.
type forms struct{ lower, term string }

// wordForms returns the lower-case form and the index term of a word.
func wordForms(word string) forms {
	// Stemming is the bulk of indexing time and news prose repeats its
	// words, so terms are remembered for the life of the process, by the
	// word as written, like the vocabulary of index terms; so is the
	// lower-case form, which the analysis asks for of every word.
	termCache.RLock()
	f, ok := termCache.m[word]
	termCache.RUnlock()
	if ok {
		return f
	}
	f = forms{lower: strings.ToLower(word), term: stemWord(word)}
	termCache.Lock()
	// Bounded, because questions from chat bring words no story has:
	// past the cap new words are stemmed each time instead.
	if len(termCache.m) < maxTermCache {
		f = forms{lower: strings.Clone(f.lower), term: strings.Clone(f.term)}
		termCache.m[strings.Clone(word)] = f
	}
	termCache.Unlock()
	return f
}

// maxTermCache caps the stem cache: far more than the distinct word forms
// of a large news library, and a few tens of MiB at most.
const maxTermCache = 1 << 20

func stemWord(word string) string {
	w := strings.ToLower(word)
	if l, ok := irregular[w]; ok {
		w = l
	}
	if len(w) <= 2 {
		return w
	}
	return english.Stem(w, true)
}

// termCache maps a word as written to its lower-case form and index term.
var termCache = struct {
	sync.RWMutex
	m map[string]forms
}{m: map[string]forms{}}

// isStop reports whether a lower-cased word carries no topic on its own.
func isStop(lower string) bool {
	if _, ok := stopwords[lower]; ok {
		return true
	}
	return false
}

// stopwords are function words plus the question words and auxiliaries a
// question is built from.
var stopwords = toSet(`a about above after again against all am an and any are aren't as at be because been
before being below between both but by can can't cannot could couldn't did didn't do does doesn't doing don't
down during each few for from further had hadn't has hasn't have haven't having he he'd he'll he's her here
here's hers herself him himself his how how's i i'd i'll i'm i've if in into is isn't it it's its itself let's
me more most mustn't my myself no nor not of off on once only or other ought our ours ourselves out over own
same shan't she she'd she'll she's should shouldn't so some such than that that's the their theirs them
themselves then there there's these they they'd they'll they're they've this those through to too under until
up very was wasn't we we'd we'll we're we've were weren't what what's when when's where where's which while who
who's whom why why's with won't would wouldn't you you'd you'll you're you've your yours yourself yourselves
also just will shall may might must ever yet still already s t whose like get got getting anything something
one ones thing things tell me please story article report piece does say says said instead supposed
actually really exactly currently far anyway ago else kind sort way ways much many lot lots`)

// frameWords are question words that say what kind of answer is wanted
// rather than what it is about: "How did X respond to Y" asks what X said
// about Y, "Where is it supposed to take place" asks for a place.
var frameWords = map[queryKind][]string{
	qWhere:   {"take", "place", "located", "location", "held", "happen", "venue", "site"},
	qWhen:    {"time", "date", "day", "happen", "occur", "take", "place"},
	qHowLong: {"long", "last", "take", "time", "durat"},
	qHowMany: {"number"},
	qWhy:     {"reason"},
}

// speechFrame are verbs of saying and thinking; in a question they ask
// for someone's words or view, which the quote cue handles.
var speechFrame = toSet(`say said says tell told respond responded responds react reacted reply replied think
thought thinks feel felt comment commented mention mentioned view`)

// irregular maps irregular verb forms to their lemma so "wrote" finds
// "write" and "led" finds "lead"; Snowball handles regular inflection.
var irregular = map[string]string{
	"said": "say", "says": "say", "told": "tell", "wrote": "write", "written": "write", "led": "lead",
	"met": "meet", "spoke": "speak", "spoken": "speak", "went": "go", "gone": "go", "took": "take",
	"taken": "take", "gave": "give", "given": "give", "began": "begin", "begun": "begin", "held": "hold",
	"thought": "think", "brought": "bring", "bought": "buy", "sought": "seek", "left": "leave",
	"lost": "lose", "won": "win", "ran": "run", "came": "come", "became": "become", "saw": "see",
	"seen": "see", "knew": "know", "known": "know", "felt": "feel", "kept": "keep", "made": "make",
	"sent": "send", "built": "build", "fought": "fight", "fell": "fall", "fallen": "fall", "rose": "rise",
	"risen": "rise", "struck": "strike", "chose": "choose", "chosen": "choose", "drove": "drive",
	"driven": "drive", "flew": "fly", "flown": "fly", "grew": "grow", "grown": "grow", "paid": "pay",
	"sold": "sell", "stood": "stand", "understood": "understand", "withdrew": "withdraw",
	"withdrawn": "withdraw", "broke": "break", "broken": "break", "dealt": "deal", "meant": "mean",
	"died": "die", "dead": "die", "death": "die", "deaths": "die", "heard": "hear", "found": "find",
	"hid": "hide", "hidden": "hide", "shot": "shoot", "slept": "sleep", "spent": "spend", "swore": "swear",
	"sworn": "swear", "taught": "teach", "threw": "throw", "thrown": "throw", "woke": "wake", "wore": "wear",
	"worn": "wear", "froze": "freeze", "frozen": "freeze", "forgot": "forget", "forgotten": "forget",
	"got": "get", "gotten": "get", "had": "have", "has": "have", "did": "do", "done": "do", "was": "be",
	"were": "be", "been": "be", "is": "be", "are": "be", "am": "be", "bound": "bind", "sank": "sink",
	"sunk": "sink", "rang": "ring", "rung": "ring", "men": "man", "women": "woman",
	"children": "child", "people": "person", "leaders": "leader", "talks": "talk",
}

func toSet(words string) map[string]struct{} {
	m := map[string]struct{}{}
	for _, w := range strings.Fields(words) {
		m[w] = struct{}{}
	}
	return m
}

// titleWords are words that form people's titles and roles rather than
// their names; they let "Kremlin spokesperson Dmitry Peskov" split into a
// title and a name.
var titleWords = toSet(`president vice secretary state minister prime foreign defense defence interior finance
chancellor king queen prince princess pope senator sen. sen rep rep. representative gov gov. governor mayor general
gen gen. chief director ambassador spokesman spokeswoman spokesperson judge justice speaker leader commissioner
chairman chairwoman chair ceo dr dr. mr mr. mrs mrs. ms ms. sir lord deputy press adviser advisor aide envoy
officer official lt col sgt capt captain colonel lieutenant sergeant admiral marshal premier president-elect
first lady attorney counsel counterpart head executive founder analyst correspondent reporter editor professor prof prof.
the former acting interim then current top senior junior assistant associate national security white house
of for`)

// speechVerbs are the verbs that introduce or attribute speech.
var speechVerbs = toSet(`said says say told tells wrote writes added adds asked explained explains noted
stated continued continues argued argues insisted insists posted tweeted warned warns replied replies
declared declares described describes announced announces acknowledged acknowledges conceded concedes
claimed stressed stresses emphasized emphasizes emphasised emphasises urged urges called saying adding
according`)

// participles attribute speech to the sentence's subject rather than to
// the words right before them ("The Kremlin ..., saying it “…”").
var participles = toSet(`saying adding telling writing describing calling noting arguing insisting warning
explaining stressing claiming`)

// pronouns that stand for an earlier speaker.
var pronouns = toSet(`he she they it i we`)
