package access_test

import (
	"testing"

	"github.com/stakemap/stakemap/internal/access"
)

func TestActorNames(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	anouk := f.account("anouk.devries@example.org", "long enough password")
	named, err := f.svc.CreateAccount(ctx, f.local, access.NewAccount{Email: "ruud@example.org", Name: "Ruud Redacteur", Password: "long enough password"})
	if err != nil {
		t.Fatal(err)
	}
	got, err := f.svc.ActorNames(ctx, []string{anouk, named.ID, anouk, "no-such-account"})
	if err != nil {
		t.Fatal(err)
	}
	// An account made without a name is named after its address.
	want := map[string]string{anouk: "anouk.devries", named.ID: "Ruud Redacteur"}
	if len(got) != len(want) {
		t.Errorf("got %v, want %v", got, want)
	}
	for id, name := range want {
		if got[id] != name {
			t.Errorf("%s: %q, want %q", id, got[id], name)
		}
	}
}

func TestShortName(t *testing.T) {
	for _, tc := range []struct{ name, email, want string }{
		{"Anouk de Vries", "anouk@example.org", "Anouk de Vries"},
		{" ", "anouk@example.org", "anouk@…"},
		{"", "no-address", "no-address"},
	} {
		if got := access.ShortName(tc.name, tc.email); got != tc.want {
			t.Errorf("ShortName(%q, %q) = %q, want %q", tc.name, tc.email, got, tc.want)
		}
	}
}
