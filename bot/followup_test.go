package bot

import "testing"

func TestIsFollowUpTellsQuestionsThatStandAloneFromOnesThatLeanOnTheThread(t *testing.T) {
	tests := []struct {
		name string
		q    string
		want bool
	}{
		{"a question naming two people stands alone", "is lavrov loyal to putin?", false},
		{"a question naming a summit stands alone", "how long did the anchorage summit last", false},
		{"a question naming a phone call stands alone", "when did rubio and lavrov talk on the phone", false},
		{"a question whose pronoun refers back within it stands alone", "Did Peskov say that he would meet Rubio?", false},
		{"that before a noun is a determiner, not a reference", "Why was that meeting put on hold?", false},
		{"that starting a clause is not a reference", "Did the Kremlin say that the summit was off?", false},
		{"a question about the story itself stands alone", "Who wrote this story?", false},
		{"a bare why is a follow-up", "why?", true},
		{"and why is a follow-up", "and why?", true},
		{"a question starting with and continues the thread", "and what did Peskov say?", true},
		{"what about someone is an ellipsis", "what about Peskov?", true},
		{"a leading ellipsis continues the thread", "…and after that?", true},
		{"who said that points back", "who said that?", true},
		{"a he with nobody named before it points back", "what did he say next?", true},
		{"a she with nobody named before it points back", "what did she say?", true},
		{"an it with nothing named before it points back", "how long did it last?", true},
		{"what does that mean points back", "what does that mean?", true},
		{"a short question with no content word is a follow-up", "what else?", true},
		{"tell me more is a follow-up", "tell me more", true},
		{"who else was there is a follow-up", "who else was there?", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := isFollowUp(tt.q); got != tt.want {
				t.Errorf("isFollowUp(%q) = %v, want %v", tt.q, got, tt.want)
			}
		})
	}
}
