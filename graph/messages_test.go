package graph_test

import (
	"strings"
	"testing"

	"github.com/stakemap/stakemap/graph"
)

func TestDescribe(t *testing.T) {
	names := map[string]string{"veilig": "Veiligheidscultuur", "cfo": "Carla Fontein", "lms": "Nieuw LMS"}
	name := func(id string) string { return names[id] }
	t.Run("OK/example", func(t *testing.T) {
		f := graph.Finding{Code: graph.CodeSponsorWithoutMandate, Subject: "veilig", Related: []string{}}
		if got, want := graph.Describe(f, graph.LangNL, name), "Traject Veiligheidscultuur heeft geen sponsor op directieniveau: vraag een directielid het traject te dragen."; got != want {
			t.Errorf("got %q, want %q", got, want)
		}
		if got := graph.Describe(f, graph.LangEN, name); !strings.HasPrefix(got, "Trajectory Veiligheidscultuur has no sponsor at board or executive level") {
			t.Errorf("English: got %q", got)
		}
	})
	t.Run("OK/every code", func(t *testing.T) {
		for code := range graph.CodeGroups {
			f := graph.Finding{Code: code, Subject: "veilig", Related: []string{"cfo", "lms"}}
			if code == graph.CodeDependencyCycle {
				f.Related = []string{"veilig", "lms"} // a cycle starts at its subject
			}
			nl, en := graph.Describe(f, graph.LangNL, name), graph.Describe(f, graph.LangEN, name)
			if nl == en || nl == "" || en == "" || strings.Contains(nl+en, "%!") || strings.HasPrefix(nl, code) {
				t.Errorf("%s: nl %q, en %q", code, nl, en)
			}
			want := "Veiligheidscultuur"
			if code == graph.CodeInvisibleUnit {
				want = "veilig" // a unit name, shown as it is
			}
			if !strings.Contains(nl, want) || !strings.Contains(en, want) {
				t.Errorf("%s: messages do not name %s: %q / %q", code, want, nl, en)
			}
			if code == graph.CodeBlocked && !strings.Contains(nl, "Carla Fontein en Nieuw LMS") {
				t.Errorf("blocked: related not listed by name: %q", nl)
			}
		}
	})
	t.Run("OK/nil name shows ids", func(t *testing.T) {
		got := graph.Describe(graph.Finding{Code: graph.CodeDependencyCycle, Subject: "a", Related: []string{"a", "b"}}, graph.LangEN, nil)
		if !strings.Contains(got, "a → b → a") {
			t.Errorf("got %q", got)
		}
	})
}

func TestDescribeOpposedOwnerNamesRoles(t *testing.T) {
	names := map[string]string{"t": "Veiligheidscultuur", "jan": "Jan", "piet": "Piet"}
	name := func(id string) string { return names[id] }
	held := map[string][]string{"jan": {"sponsor"}, "piet": {"owner", "sponsor"}}
	roles := func(tr, s string) []string {
		if tr != "t" {
			t.Errorf("roles asked for trajectory %q", tr)
		}
		return held[s]
	}
	tests := []struct {
		name    string
		related []string
		lang    string
		roles   func(string, string) []string
		want    string
	}{
		{"OK/one nl", []string{"jan"}, graph.LangNL, roles, "Bij traject Veiligheidscultuur staat Jan (sponsor) kritisch of afwijzend tegenover het traject"},
		{"OK/two en", []string{"jan", "piet"}, graph.LangEN, roles, "On trajectory Veiligheidscultuur, Jan (sponsor) and Piet (sponsor and owner) are critical"},
		{"OK/two nl", []string{"jan", "piet"}, graph.LangNL, roles, "staan Jan (sponsor) en Piet (sponsor en eigenaar) kritisch"},
		{"OK/roles unknown", []string{"piet"}, graph.LangNL, nil, "Piet (sponsor of eigenaar) kritisch"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := graph.Finding{Code: graph.CodeOpposedOwner, Subject: "t", Related: tc.related}
			if got := graph.DescribeWithRoles(f, tc.lang, name, tc.roles); !strings.Contains(got, tc.want) {
				t.Errorf("got %q, want it to contain %q", got, tc.want)
			}
		})
	}
}
