package knowledge

type snapshot struct {
	stories []*Story
	byID    map[string]int
}

func newSnapshot(stories []*Story) *snapshot {
	sn := &snapshot{stories: stories, byID: map[string]int{}}
	for i, s := range stories {
		sn.byID[s.ID] = i
	}
	return sn
}

// Parse parses a story file.
func Parse(name string, data []byte) (*Story, error) { return &Story{ID: name}, nil }

// Ask answers a question.
func (l *Library) Ask(q string, opts AskOptions) (Answer, error) { return Answer{Question: q}, nil }

// Quotes lists quotes.
func (l *Library) Quotes(q string) QuoteResult { return QuoteResult{Query: q} }

// Retrieve returns passages.
func (l *Library) Retrieve(q string, k int) []Passage { return nil }

// KeyPoints returns key sentences.
func (l *Library) KeyPoints(id string, n int) []Citation { return nil }

// SpeakerNames lists speakers.
func (l *Library) SpeakerNames() []string { return nil }
