package analysis

import (
	"fmt"
	"slices"

	"github.com/stakemap/stakemap/graph"
)

// Grid places stakeholders in the power–interest grid: for a trajectory,
// each stakeholder with a stake on it by its highest effective influence and
// interest there; for trajectory "", every stakeholder by its own values.
// high 0 means the default. Unknown trajectory: ErrNotFound; bad high:
// ErrInvalid.
func Grid(b *graph.Bundle, trajectory string, high int) (graph.Grid, error) {
	high, err := graph.NormalizeHigh(high)
	if err != nil {
		return graph.Grid{}, fmt.Errorf("grid: %w", err)
	}
	// Straight from the bundle: a grid needs only stakeholders and stakes,
	// not the whole index.
	g := newGrid()
	if trajectory == "" {
		for _, s := range uniqueSorted(b.Stakeholders, func(s graph.Stakeholder) string { return s.ID }) {
			g.place(s.ID, s.Influence, s.Interest, high)
		}
		return graph.Grid(g), nil
	}
	if !slices.ContainsFunc(b.Trajectories, func(t graph.Trajectory) bool { return t.ID == trajectory }) {
		return graph.Grid{}, fmt.Errorf("grid: trajectory %q: %w", trajectory, graph.ErrNotFound)
	}
	var stakes []graph.Stake
	for _, st := range b.Stakes {
		if st.Trajectory == trajectory {
			stakes = append(stakes, st)
		}
	}
	// Look up only the stakeholders these stakes name.
	who := make(map[string]graph.Stakeholder, len(stakes))
	found := make(map[string]bool, len(stakes))
	for _, st := range stakes {
		found[st.Stakeholder] = false
	}
	for _, s := range b.Stakeholders {
		if done, wanted := found[s.ID]; wanted && !done {
			found[s.ID] = true
			who[s.ID] = s
		}
	}
	var shs []graph.Stakeholder
	var onTr []graph.Stake
	for _, st := range stakes {
		if s, ok := who[st.Stakeholder]; ok {
			shs = append(shs, s)
			onTr = append(onTr, st)
		}
	}
	g.placeStakes(onTr, shs, high)
	return graph.Grid(g), nil
}

// gridOf is a grid being filled.
type gridOf graph.Grid

func newGrid() gridOf {
	g := gridOf{Quadrants: make(map[string][]string, len(graph.Quadrants))}
	for _, q := range graph.Quadrants {
		g.Quadrants[q] = []string{}
	}
	return g
}

// place puts a stakeholder in its quadrant.
func (g gridOf) place(id string, influence, interest, high int) {
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

// placeStakes places the stakeholders of one trajectory's stakes (shs[i]
// holds stakes[i]) by their highest effective influence and interest.
func (g gridOf) placeStakes(stakes []graph.Stake, shs []graph.Stakeholder, high int) {
	type values struct{ influence, interest int }
	best := map[string]values{}
	for i, st := range stakes {
		v, seen := best[shs[i].ID]
		inf, in := st.EffectiveInfluence(shs[i]), st.EffectiveInterest(shs[i])
		if !seen || inf > v.influence {
			v.influence = inf
		}
		if !seen || in > v.interest {
			v.interest = in
		}
		best[shs[i].ID] = v
	}
	for id, v := range best {
		g.place(id, v.influence, v.interest, high)
	}
	for _, q := range graph.Quadrants {
		slices.Sort(g.Quadrants[q])
	}
}

func (ix *index) grid(trajectory string, high int) (graph.Grid, error) {
	g := newGrid()
	if trajectory == "" {
		for _, s := range ix.sh {
			g.place(s.ID, s.Influence, s.Interest, high)
		}
		return graph.Grid(g), nil
	}
	ti, ok := ix.trIdx[trajectory]
	if !ok {
		return graph.Grid{}, fmt.Errorf("grid: trajectory %q: %w", trajectory, graph.ErrNotFound)
	}
	shs := make([]graph.Stakeholder, len(ix.stakesByTr[ti]))
	for i, si := range ix.stakeShIdx[ti] {
		shs[i] = ix.sh[si]
	}
	g.placeStakes(ix.stakesByTr[ti], shs, high)
	return graph.Grid(g), nil
}
