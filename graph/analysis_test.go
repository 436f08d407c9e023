package graph_test

import (
	"errors"
	"testing"

	"github.com/stakemap/stakemap/graph"
)

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
