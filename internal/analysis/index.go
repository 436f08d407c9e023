// Package analysis computes stakemap's analyses in Go: the findings, the
// power–interest grid, influence paths and brokers. The functions work on a
// *graph.Bundle snapshot; Engine serves them for any graph.Store, caching
// the prepared indexes per workspace revision.
//
// Every analysis follows the exact definitions of the project's design, so
// that the embedded and the Neo4j backend give the same answers. Where the
// design leaves a case open this package decides it as documented here:
//
//   - A path query from a stakeholder to itself has exactly one answer, the
//     path of zero hops [from] with strength 1: the empty product, and the
//     only simple path that starts and ends there.
//   - Stakes, influences and engagements that refer to ids missing from the
//     bundle are ignored (a validated bundle has none).
//   - A stakeholder without an attitude counts as "unknown", the default.
//   - Influence strengths above 1 (refused by validation) count as 1, so
//     that a longer path is never stronger than its prefix.
package analysis

import (
	"slices"
	"sync"

	"github.com/stakemap/stakemap/graph"
)

// index is a bundle prepared for the analyses: lookups, per-node lists and
// the influence network. It is read-only once built, except for the lazily
// computed parts guarded by their sync.Once or memo, so one index serves
// concurrent queries.
type index struct {
	b     *graph.Bundle
	nodes map[string]nodeInfo // trajectories, goals and enablers by id

	sh    []graph.Stakeholder // sorted by id, duplicates dropped
	shIdx map[string]int32
	tr    []graph.Trajectory // sorted by id, duplicates dropped
	trIdx map[string]int32

	stakesByTr        [][]graph.Stake // per trajectory, stakes with a known stakeholder
	stakeShIdx        [][]int32       // parallel to stakesByTr: the stakeholder index
	maxStakeInfluence []int           // per stakeholder: highest effective influence over all its stakes (0: none)
	dates             [][]string      // per stakeholder: dates of its engagements, sorted
	sharedAbout       map[string]bool // trajectories with an engagement whose results were shared
	units             []unit          // sorted by name
	goalsOf           map[string]int  // trajectory id → number of goals it supports
	goalTrs           map[string][]string
	dependsOn         map[string][]string // trajectory id → what it depends on

	netOnce sync.Once
	net     network // built on first use: the findings do not need it

	cycles memo[[][]string] // dependency cycles, on first use
	btw    memo[[]float64]  // betweenness, rounded, on first use
}

type unit struct {
	name    string
	members []int32
}

// prepare builds the index of a bundle. It does not modify b.
func prepare(b *graph.Bundle) *index {
	ix := &index{
		b:           b,
		nodes:       make(map[string]nodeInfo, len(b.Trajectories)+len(b.Goals)+len(b.Enablers)),
		shIdx:       make(map[string]int32, len(b.Stakeholders)),
		trIdx:       make(map[string]int32, len(b.Trajectories)),
		sharedAbout: map[string]bool{},
		goalsOf:     map[string]int{},
		goalTrs:     map[string][]string{},
		dependsOn:   map[string][]string{},
	}
	// Trajectories, goals and enablers by id, in bundle order so that the
	// first node with an id wins; stakeholders are found through shIdx.
	// (Bundle.Nodes would box every node into an interface.)
	put := func(id string, info nodeInfo) {
		if _, ok := ix.nodes[id]; !ok {
			ix.nodes[id] = info
		}
	}
	for _, t := range b.Trajectories {
		put(t.ID, nodeInfo{kind: graph.KindTrajectory, name: t.Name, status: t.Status})
	}
	for _, g := range b.Goals {
		put(g.ID, nodeInfo{kind: graph.KindGoal, name: g.Name})
	}
	for _, e := range b.Enablers {
		put(e.ID, nodeInfo{kind: graph.KindEnabler, name: e.Name, status: e.Status})
	}

	ix.sh = uniqueSorted(b.Stakeholders, func(s graph.Stakeholder) string { return s.ID })
	for i, s := range ix.sh {
		ix.shIdx[s.ID] = int32(i)
	}
	ix.tr = uniqueSorted(b.Trajectories, func(t graph.Trajectory) string { return t.ID })
	for i, t := range ix.tr {
		ix.trIdx[t.ID] = int32(i)
	}

	ix.stakesByTr = make([][]graph.Stake, len(ix.tr))
	ix.stakeShIdx = make([][]int32, len(ix.tr))
	ix.maxStakeInfluence = make([]int, len(ix.sh))
	for _, st := range b.Stakes {
		si, ok1 := ix.shIdx[st.Stakeholder]
		ti, ok2 := ix.trIdx[st.Trajectory]
		if !ok1 || !ok2 {
			continue
		}
		ix.stakesByTr[ti] = append(ix.stakesByTr[ti], st)
		ix.stakeShIdx[ti] = append(ix.stakeShIdx[ti], si)
		if v := st.EffectiveInfluence(ix.sh[si]); v > ix.maxStakeInfluence[si] {
			ix.maxStakeInfluence[si] = v
		}
	}

	ix.dates = make([][]string, len(ix.sh))
	for _, e := range b.Engagements {
		for _, w := range e.With {
			if si, ok := ix.shIdx[w]; ok {
				ix.dates[si] = append(ix.dates[si], e.Date)
			}
		}
		if e.ResultsShared {
			for _, a := range e.About {
				ix.sharedAbout[a] = true
			}
		}
	}
	for _, d := range ix.dates {
		slices.Sort(d)
	}

	// Units L&D should reach: those of its own organisation (not external
	// parties) except L&D's own unit, with only their internal members.
	byUnit := map[string][]int32{}
	for i, s := range ix.sh {
		if s.Unit != "" && s.Unit != b.Workspace.LDUnit && s.Kind != "external" && s.Level != "external" {
			byUnit[s.Unit] = append(byUnit[s.Unit], int32(i))
		}
	}
	for name, m := range byUnit {
		ix.units = append(ix.units, unit{name: name, members: m})
	}
	slices.SortFunc(ix.units, func(a, b unit) int {
		if a.name < b.name {
			return -1
		}
		if a.name > b.name {
			return 1
		}
		return 0
	})

	seenSup := map[graph.RelKey]bool{}
	for _, s := range b.Supports {
		if seenSup[s.Key()] {
			continue
		}
		seenSup[s.Key()] = true
		ix.goalsOf[s.Trajectory]++
		ix.goalTrs[s.Goal] = append(ix.goalTrs[s.Goal], s.Trajectory)
	}
	seenDep := map[graph.RelKey]bool{}
	for _, d := range b.DependsOn {
		if seenDep[d.Key()] {
			continue
		}
		seenDep[d.Key()] = true
		ix.dependsOn[d.Trajectory] = append(ix.dependsOn[d.Trajectory], d.On)
	}

	return ix
}

// network returns the influence network, building it on first use.
func (ix *index) network() *network {
	ix.netOnce.Do(func() { ix.net = buildNetwork(len(ix.sh), ix.shIdx, ix.b) })
	return &ix.net
}

// nodeInfo is what the findings need to know of any node by id.
type nodeInfo struct {
	kind   graph.Kind
	name   string
	status string // trajectories and enablers
}

// uniqueSorted returns the entries sorted by id with later duplicates of an
// id dropped, as Bundle.Lookup does ("the first node wins").
func uniqueSorted[T any](in []T, id func(T) string) []T {
	out := make([]T, 0, len(in))
	seen := make(map[string]bool, len(in))
	for _, v := range in {
		if !seen[id(v)] {
			seen[id(v)] = true
			out = append(out, v)
		}
	}
	slices.SortStableFunc(out, func(a, b T) int {
		x, y := id(a), id(b)
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	})
	return out
}

// name returns the name to show for an id, or the id itself.
func (ix *index) name(id string) string {
	if si, ok := ix.shIdx[id]; ok && ix.sh[si].Name != "" {
		return ix.sh[si].Name
	}
	if n := ix.nodes[id].name; n != "" {
		return n
	}
	return id
}

// language is the workspace language, nl when unset.
func (ix *index) language() string {
	if ix.b.Workspace.Language == graph.LangEN {
		return graph.LangEN
	}
	return graph.LangNL
}
