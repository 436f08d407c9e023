package graph_test

import (
	"slices"
	"testing"

	"github.com/stakemap/stakemap/graph"
)

func TestSlug(t *testing.T) {
	for _, tc := range []struct{ name, want string }{
		{"Jan de Vries", "jan-de-vries"},
		{"  Anouk  Brouwer-Smit ", "anouk-brouwer-smit"},
		{"Zoë Çelik", "zoe-celik"},
		{"Dr. José Núñez", "dr-jose-nunez"},
		{"Afdeling P&O", "afdeling-p-o"},
		{"日本", ""},
		{"", ""},
	} {
		if got := graph.Slug(tc.name); got != tc.want {
			t.Errorf("Slug(%q) = %q, want %q", tc.name, got, tc.want)
		}
		if got := graph.Slug(tc.name); got != "" && !graph.ValidID(got) {
			t.Errorf("Slug(%q) = %q is not a valid id", tc.name, got)
		}
	}
	long := graph.Slug("Een heel erg lange naam die veel langer is dan vierenzestig tekens in totaal")
	if !graph.ValidID(long) || len(long) > 60 {
		t.Errorf("long slug %q", long)
	}
}

func TestNewID(t *testing.T) {
	taken := map[string]bool{"jan-de-vries": true, "jan-de-vries-2": true}
	if got := graph.NewID("Jan de Vries", "", func(id string) bool { return taken[id] }); got != "jan-de-vries-3" {
		t.Errorf("got %q", got)
	}
	if got := graph.NewID("", "2026-11-30", func(string) bool { return false }); got != "2026-11-30" {
		t.Errorf("fallback: got %q", got)
	}
}

func TestSuggest(t *testing.T) {
	for _, tc := range []struct {
		typed string
		cands []string
		want  []string
	}{
		{"voorstandr", []string{"kampioen", "voorstander", "neutraal"}, []string{"voorstander"}},
		{"managment", []string{"bestuur", "directie", "management"}, []string{"management"}},
		{"Peter Jansen", []string{"Piet Jansen", "Peter Janssen", "Anouk Brouwer"}, []string{"Peter Janssen"}},
		{"Petr Jansen", []string{"Piet Jansen", "Peter Janssen"}, []string{"Piet Jansen", "Peter Janssen"}},
		{"ja", []string{"jan"}, []string{"jan"}},
		{"xyz", []string{"kampioen"}, []string{}},
	} {
		got := graph.Suggest(tc.typed, tc.cands)
		if !slices.Equal(got, tc.want) {
			t.Errorf("Suggest(%q) = %q, want %q", tc.typed, got, tc.want)
		}
	}
}

func TestNameIndex(t *testing.T) {
	x := graph.NewNameIndex()
	x.Add("cfo", "Peter Janssen")
	x.Add("pj2", "Peter Janssen")
	x.Add("anouk", "Anouk Brouwer")
	for _, tc := range []struct {
		typed, id     string
		amb, suggests []string
	}{
		{"anouk", "anouk", nil, nil},
		{"ANOUK BROUWER", "anouk", nil, nil},
		{"Anouk Bröuwer", "anouk", nil, nil},
		{"Peter Janssen", "", []string{"cfo", "pj2"}, nil},
		{"Anouk Brouer", "", nil, []string{"Anouk Brouwer"}},
	} {
		id, amb, sug := x.Resolve(tc.typed)
		if id != tc.id || !slices.Equal(amb, tc.amb) || !slices.Equal(sug, tc.suggests) && len(tc.suggests)+len(sug) > 0 {
			t.Errorf("Resolve(%q) = %q %q %q, want %q %q %q", tc.typed, id, amb, sug, tc.id, tc.amb, tc.suggests)
		}
	}
}

func TestDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		d    int
	}{{"", "", 0}, {"abc", "", 3}, {"kitten", "sitting", 3}, {"zoë", "zoe", 1}} {
		if got := graph.Distance(tc.a, tc.b); got != tc.d {
			t.Errorf("Distance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.d)
		}
	}
}
