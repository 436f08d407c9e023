package storetest_test

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/graph/storetest"
)

func relCount(b *graph.Bundle) int {
	return len(b.Stakes) + len(b.Influences) + len(b.ReportsTo) + len(b.Supports) + len(b.DependsOn)
}

func TestGenerateValidAndExact(t *testing.T) {
	tests := []struct {
		name       string
		s, t, r    int
		wantExactR bool
	}{
		{"Tiny", 3, 2, 5, true},
		{"Small", 200, 30, 2000, true},
		{"Medium", 1000, 100, 10000, true},
		{"Empty", 0, 0, 0, true},
		{"NoTrajectories", 10, 0, 20, true},
		{"Saturated", 2, 1, 1000, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := storetest.Generate(7, tc.s, tc.t, tc.r)
			if err := b.Validate(); err != nil {
				t.Fatalf("generated bundle is invalid: %v", err)
			}
			if len(b.Stakeholders) != tc.s || len(b.Trajectories) != tc.t {
				t.Errorf("got %d stakeholders, %d trajectories; want %d, %d", len(b.Stakeholders), len(b.Trajectories), tc.s, tc.t)
			}
			if got := relCount(b); tc.wantExactR && got != tc.r {
				t.Errorf("got %d relationships, want %d", got, tc.r)
			} else if got > tc.r {
				t.Errorf("got %d relationships, more than the %d asked", got, tc.r)
			}
			// Canonical and defaults applied: doing it again changes nothing.
			c := *b
			c.ApplyDefaults()
			c.Canonicalize()
			if !reflect.DeepEqual(&c, b) {
				t.Error("generated bundle is not canonical")
			}
		})
	}
}

func TestGenerateDeterministic(t *testing.T) {
	a, _ := json.Marshal(storetest.Generate(42, 300, 40, 3000))
	b, _ := json.Marshal(storetest.Generate(42, 300, 40, 3000))
	c, _ := json.Marshal(storetest.Generate(43, 300, 40, 3000))
	if string(a) != string(b) {
		t.Error("same seed gave different bundles")
	}
	if string(a) == string(c) {
		t.Error("different seeds gave the same bundle")
	}
}

// TestGenerateCoverage checks that a mid-sized bundle uses every enum value
// and every optional field, so consumers' tests see all shapes.
func TestGenerateCoverage(t *testing.T) {
	b := storetest.Generate(1, 2000, 200, 20000)
	seen := map[string]bool{}
	mark := func(field, v string) { seen[field+"="+v] = true }
	for _, s := range b.Stakeholders {
		mark("kind", s.Kind)
		mark("level", s.Level)
		mark("attitude", s.Attitude)
		mark("title", boolStr(s.Title != ""))
		mark("unit", boolStr(s.Unit != ""))
		mark("notes", boolStr(s.Notes != ""))
		mark("tags", boolStr(len(s.Tags) > 0))
		mark("influence", string(rune('0'+s.Influence)))
		mark("interest", string(rune('0'+s.Interest)))
	}
	for _, tr := range b.Trajectories {
		mark("status", tr.Status)
		mark("start", boolStr(tr.Start != ""))
		mark("end", boolStr(tr.End != ""))
		mark("reviewBy", boolStr(tr.ReviewBy != ""))
		mark("measure", boolStr(tr.Measure != ""))
		mark("purpose", boolStr(tr.Purpose != ""))
	}
	for _, g := range b.Goals {
		mark("horizon", boolStr(g.Horizon != ""))
	}
	for _, e := range b.Enablers {
		mark("enabler-kind", e.Kind)
		mark("enabler-status", e.Status)
		mark("owner", boolStr(e.Owner != ""))
	}
	for _, e := range b.Engagements {
		mark("channel", e.Channel)
		mark("about", boolStr(len(e.About) > 0))
		mark("resultsShared", boolStr(e.ResultsShared))
		mark("summary", boolStr(e.Summary != ""))
	}
	for _, s := range b.Stakes {
		mark("role", s.Role)
		mark("stake-influence", boolStr(s.Influence != nil))
		mark("stake-interest", boolStr(s.Interest != nil))
	}
	for _, d := range b.DependsOn {
		mark("note", boolStr(d.Note != ""))
	}
	var want []string
	for _, list := range []struct {
		field string
		vals  []string
	}{
		{"kind", graph.StakeholderKinds}, {"level", graph.Levels}, {"attitude", graph.Attitudes},
		{"status", graph.TrajectoryStatus}, {"enabler-kind", graph.EnablerKinds},
		{"enabler-status", graph.EnablerStatus}, {"channel", graph.Channels}, {"role", graph.Roles},
		{"influence", []string{"1", "2", "3", "4", "5"}}, {"interest", []string{"1", "2", "3", "4", "5"}},
	} {
		for _, v := range list.vals {
			want = append(want, list.field+"="+v)
		}
	}
	for _, f := range []string{"title", "unit", "notes", "tags", "start", "end", "reviewBy", "measure", "purpose", "horizon", "owner", "about", "resultsShared", "summary", "stake-influence", "stake-interest", "note"} {
		want = append(want, f+"=yes", f+"=no")
	}
	for _, w := range want {
		if !seen[w] {
			t.Errorf("generated bundle never has %s", w)
		}
	}
	if len(b.Influences) == 0 || len(b.ReportsTo) == 0 || len(b.Supports) == 0 || len(b.DependsOn) == 0 {
		t.Errorf("a relationship kind is missing: %d influences, %d reportsTo, %d supports, %d dependsOn",
			len(b.Influences), len(b.ReportsTo), len(b.Supports), len(b.DependsOn))
	}
	if !hasCycle(b) {
		t.Error("dependsOn has no cycle")
	}
}

func boolStr(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func hasCycle(b *graph.Bundle) bool {
	next := map[string][]string{}
	for _, d := range b.DependsOn {
		next[d.Trajectory] = append(next[d.Trajectory], d.On)
	}
	state := map[string]int{}
	var visit func(string) bool
	visit = func(n string) bool {
		switch state[n] {
		case 1:
			return true
		case 2:
			return false
		}
		state[n] = 1
		for _, m := range next[n] {
			if visit(m) {
				return true
			}
		}
		state[n] = 2
		return false
	}
	for n := range next {
		if visit(n) {
			return true
		}
	}
	return false
}
