package analysis

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/stakemap/stakemap/graph"
)

// Grid places stakeholders in the power–interest grid: for a trajectory,
// each stakeholder with a stake on it by its highest effective influence and
// interest there; for trajectory "", every stakeholder by its own values.
// high 0 means the default. Unknown trajectory: ErrNotFound; bad high:
// ErrInvalid.
func Grid(b *graph.Bundle, trajectory string, high int) (graph.Grid, error) {
	high, err := normalizeHigh(high)
	if err != nil {
		return graph.Grid{}, err
	}
	return prepare(b).grid(trajectory, high)
}

func normalizeHigh(high int) (int, error) {
	if high == 0 {
		return graph.DefaultHigh, nil
	}
	if high < 1 || high > 5 {
		return 0, fmt.Errorf("grid: %w", graph.Invalid([]graph.Problem{{
			Field: "high", Value: strconv.Itoa(high), Reason: "must be a whole number from 1 to 5",
		}}))
	}
	return high, nil
}

func (ix *index) grid(trajectory string, high int) (graph.Grid, error) {
	g := graph.Grid{Quadrants: make(map[string][]string, len(graph.Quadrants))}
	for _, q := range graph.Quadrants {
		g.Quadrants[q] = []string{}
	}
	place := func(id string, influence, interest int) {
		q := graph.QuadrantMonitor
		switch {
		case influence >= high && interest >= high:
			q = graph.QuadrantManageClosely
		case influence >= high:
			q = graph.QuadrantKeepSatisfied
		case interest >= high:
			q = graph.QuadrantKeepInformed
		}
		g.Quadrants[q] = append(g.Quadrants[q], id)
	}
	if trajectory == "" {
		for _, s := range ix.sh {
			place(s.ID, s.Influence, s.Interest)
		}
		return g, nil
	}
	ti, ok := ix.trIdx[trajectory]
	if !ok {
		return graph.Grid{}, fmt.Errorf("grid: trajectory %q: %w", trajectory, graph.ErrNotFound)
	}
	type values struct{ influence, interest int }
	best := map[int32]values{}
	for i, st := range ix.stakesByTr[ti] {
		si := ix.stakeShIdx[ti][i]
		v, seen := best[si]
		inf, int_ := st.EffectiveInfluence(ix.sh[si]), st.EffectiveInterest(ix.sh[si])
		if !seen || inf > v.influence {
			v.influence = inf
		}
		if !seen || int_ > v.interest {
			v.interest = int_
		}
		best[si] = v
	}
	for si, v := range best {
		place(ix.sh[si].ID, v.influence, v.interest)
	}
	for _, q := range graph.Quadrants {
		slices.Sort(g.Quadrants[q])
	}
	return g, nil
}
