package graph_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/stakemap/stakemap/graph"
)

// TestParameterBounds checks that every numeric analysis parameter is
// bounded the same way for every backend: the last value inside each bound
// is accepted, the first outside is refused naming the field and value.
func TestParameterBounds(t *testing.T) {
	tests := []struct {
		name  string
		check func() error
		field string // "" when the value is accepted
		value string
	}{
		{"OK/window 3650", func() error { p := graph.FindingParams{AsOf: "2026-01-01", Window: 3650}; return p.Normalize() }, "", ""},
		{"ErrInvalid/window 3651", func() error { p := graph.FindingParams{AsOf: "2026-01-01", Window: 3651}; return p.Normalize() }, "window", "3651"},
		{"ErrInvalid/window huge", func() error { p := graph.FindingParams{AsOf: "2026-01-01", Window: 1 << 40}; return p.Normalize() }, "window", "1099511627776"},
		{"ErrInvalid/window negative", func() error { p := graph.FindingParams{AsOf: "2026-01-01", Window: -1}; return p.Normalize() }, "window", "-1"},
		{"ErrInvalid/high 6", func() error { p := graph.FindingParams{AsOf: "2026-01-01", High: 6}; return p.Normalize() }, "high", "6"},
		{"OK/k 20", func() error { q := graph.PathQuery{From: "a", To: "b", K: 20}; return q.Normalize() }, "", ""},
		{"ErrInvalid/k 21", func() error { q := graph.PathQuery{From: "a", To: "b", K: 21}; return q.Normalize() }, "k", "21"},
		{"OK/maxHops 20", func() error { q := graph.PathQuery{From: "a", To: "b", MaxHops: 20}; return q.Normalize() }, "", ""},
		{"ErrInvalid/maxHops 21", func() error { q := graph.PathQuery{From: "a", To: "b", MaxHops: 21}; return q.Normalize() }, "maxHops", "21"},
		{"OK/top 10000", func() error { _, err := graph.NormalizeTop(10000); return err }, "", ""},
		{"ErrInvalid/top 10001", func() error { _, err := graph.NormalizeTop(10001); return err }, "top", "10001"},
		{"ErrInvalid/top -1", func() error { _, err := graph.NormalizeTop(-1); return err }, "top", "-1"},
		{"OK/high 5", func() error { _, err := graph.NormalizeHigh(5); return err }, "", ""},
		{"ErrInvalid/high 0 is the default, -1 is not", func() error { _, err := graph.NormalizeHigh(-1); return err }, "high", "-1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.check()
			if tc.field == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			ve, isVE := errors.AsType[*graph.ValidationError](err)
			if !errors.Is(err, graph.ErrInvalid) || !isVE {
				t.Fatalf("got %v, want ErrInvalid", err)
			}
			if p := ve.Problems[0]; p.Field != tc.field || p.Value != tc.value || !strings.Contains(p.Reason, "from") {
				t.Errorf("problem %+v, want field %s value %s with the allowed range", p, tc.field, tc.value)
			}
		})
	}
	if top, _ := graph.NormalizeTop(0); top != graph.DefaultTop {
		t.Errorf("top 0 gives %d, want the default", top)
	}
	if high, _ := graph.NormalizeHigh(0); high != graph.DefaultHigh {
		t.Errorf("high 0 gives %d, want the default", high)
	}
}

func TestPathQueryLimits(t *testing.T) {
	tests := []struct {
		name      string
		q         graph.PathQuery
		wantField string // "" when the query is fine
	}{
		{"Defaults", graph.PathQuery{From: "a", To: "b"}, ""},
		{"KAtLimit", graph.PathQuery{From: "a", To: "b", K: 20}, ""},
		{"KOverLimit", graph.PathQuery{From: "a", To: "b", K: 21}, "k"},
		{"KNegative", graph.PathQuery{From: "a", To: "b", K: -1}, "k"},
		{"HopsAtLimit", graph.PathQuery{From: "a", To: "b", MaxHops: 20}, ""},
		{"HopsOverLimit", graph.PathQuery{From: "a", To: "b", MaxHops: 21}, "maxHops"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.q.Normalize()
			if tt.wantField == "" {
				if err != nil {
					t.Fatalf("Normalize: %v", err)
				}
				return
			}
			ve, ok := errors.AsType[*graph.ValidationError](err)
			if !ok || !errors.Is(err, graph.ErrInvalid) {
				t.Fatalf("Normalize: %v, want a validation error", err)
			}
			if len(ve.Problems) != 1 || ve.Problems[0].Field != tt.wantField {
				t.Errorf("problems %+v, want one naming %s", ve.Problems, tt.wantField)
			}
		})
	}
}
