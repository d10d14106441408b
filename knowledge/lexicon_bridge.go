package knowledge

import (
	"math"

	"github.com/storybot/storybot/knowledge/lexicon"
)

// The lexicon's calls the answer engine makes, in one place.
var (
	lexLemmas          = lexicon.LemmasOf
	lexRelated         = lexicon.Related
	lexInflections     = lexicon.Inflections
	lexSimilar         = lexicon.Similar
	lexRank            = lexicon.Rank
	lexInWordNet       = lexicon.InWordNet
	lexPOS             = lexicon.PartsOfSpeech
	lexClassOf         = lexicon.ClassOf
	lexKindsOf         = lexicon.KindsOf
	lexIsKindOf        = lexicon.IsKindOf
	lexIsFirstlyKindOf = lexicon.IsFirstlyKindOf
	lexSimilarity      = func(a, b string) (float64, bool) {
		c, ok := lexicon.Similarity(a, b)
		return float64(c), ok
	}
)

// Parts of speech, as lexPOS returns them.
const (
	lexNoun = lexicon.Noun
	lexVerb = lexicon.Verb
	lexAdj  = lexicon.Adj
	lexAdv  = lexicon.Adv
)

func logRank(r int) float64 { return math.Log(float64(r)) }
