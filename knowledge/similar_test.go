package knowledge

import "testing"

func TestQuestionSimilarity(t *testing.T) {
	const floor = 0.6 // the grouping floor the insights use
	tests := []struct {
		name string
		a, b string
		same bool
	}{
		{"a rewording that names the meeting's sides is the same question",
			"Why was the meeting put on hold?", "why was the Rubio-Lavrov meeting put on hold", true},
		{"the same question in other case and punctuation is the same question",
			"WHO WON THE ELECTION", "who won the election?!", true},
		{"a synonym keeps a question the same",
			"who won the election", "who won the vote", true},
		{"a question about someone else is a different question",
			"Where will Trump meet Putin?", "Where will Trump meet Zelensky?", false},
		{"questions with no topic word in common are different",
			"Why was the meeting put on hold?", "Who is Peskov?", false},
		{"two places are different questions",
			"What about Gaza?", "What about Ukraine?", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := QuestionSimilarity(tt.a, tt.b)
			if back := QuestionSimilarity(tt.b, tt.a); back != s {
				t.Errorf("not symmetric: %.3f one way, %.3f the other", s, back)
			}
			if s < 0 || s > 1 {
				t.Fatalf("similarity %.3f outside [0, 1]", s)
			}
			if got := s >= floor; got != tt.same {
				t.Fatalf("QuestionSimilarity(%q, %q) = %.2f; same question: %v, want %v", tt.a, tt.b, s, got, tt.same)
			}
		})
	}
}
