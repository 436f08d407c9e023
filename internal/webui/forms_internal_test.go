package webui

import "testing"

// TestProblemSentence: a reason fragment stands next to its field as a
// sentence in the person's language.
func TestProblemSentence(t *testing.T) {
	for _, c := range []struct{ reason, lang, want string }{
		{"is required", "nl", "Dit is verplicht."},
		{"is required", "en", "This is required."},
		{"is not your current password", "nl", "Dit is niet uw huidige wachtwoord."},
		{"must have at least 12 characters", "nl", "Dit moet minstens 12 tekens hebben."},
		{"must be one of viewer, editor", "nl", "Dit moet een van deze zijn: viewer, editor."},
		{"you cannot remove your own account: ask another admin", "nl", "Dat kunt u niet bij uw eigen account: vraag een andere beheerder."},
		{"unknown stakeholder 'x'", "en", "Unknown stakeholder 'x'."},
		{"is the same person?", "en", "This is the same person?"},
		{"", "nl", ""},
	} {
		if got := problemSentence(c.reason, c.lang); got != c.want {
			t.Errorf("problemSentence(%q, %s) = %q, want %q", c.reason, c.lang, got, c.want)
		}
	}
}
