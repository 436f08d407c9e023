package neo4jstore

import (
	"context"
	"fmt"
	"slices"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/analysis"
)

// findingCodes lists the finding codes in the order the design presents
// them; each is also the name of its statement in cypher.go.
var findingCodes = []string{
	graph.CodeMissingSponsor, graph.CodeMissingOwner, graph.CodeMissingLearnerVoice,
	graph.CodeSponsorWithoutMandate, graph.CodeSingleOwner, graph.CodeOpposedOwner, graph.CodeWeakSponsor,
	graph.CodeUnengagedKeyStakeholder, graph.CodeAttitudeUnknown, graph.CodeResultsNotShared,
	graph.CodeGoalWithoutTrajectory, graph.CodeInvisibleUnit, graph.CodeContactDue,
	graph.CodeNoStrategicGoal, graph.CodeNoImpactMeasure, graph.CodeReviewOverdue, graph.CodeBlocked,
	graph.CodeDependencyCycle,
}

// pick returns the parameters the named statement uses, taken from all;
// a parameter the statement needs but all lacks is an error.
func pick(name string, all params) (params, error) {
	p := params{}
	for _, k := range statementParams(cypher(name)) {
		v, ok := all[k]
		if !ok {
			return nil, fmt.Errorf("statement %s needs parameter $%s", name, k)
		}
		p[k] = v
	}
	return p, nil
}

// Findings runs the finding statements of the requested groups on one
// consistent view of the workspace (see consistentRead) and words each
// finding with graph.DescribeWithRoles.
func (s *Store) Findings(ctx context.Context, ws string, p graph.FindingParams) ([]graph.Finding, error) {
	if err := p.Normalize(); err != nil {
		return nil, op("Findings", ws, err)
	}
	r, err := consistentRead(ctx, s, ws, func(tx neo4j.ManagedTransaction, w graph.Workspace) (findingsRead, error) {
		return readFindings(ctx, tx, w, p)
	})
	if err != nil {
		return nil, op("Findings", ws, err)
	}
	graph.SortFindings(r.findings)
	lang := p.Lang
	if lang == "" {
		lang = r.lang
	}
	name := func(id string) string {
		if n := r.names[id]; n != "" {
			return n
		}
		return id
	}
	roles := func(trajectory, stakeholder string) []string {
		rs := slices.Clone(r.roles[[2]string{trajectory, stakeholder}])
		slices.Sort(rs)
		return slices.Compact(rs)
	}
	for i := range r.findings {
		r.findings[i].Message = graph.DescribeWithRoles(r.findings[i], lang, name, roles)
		r.findings[i].Severity = graph.SeverityOf(r.findings[i].Code)
	}
	return r.findings, nil
}

// findingsRead is what Findings reads in its transaction.
type findingsRead struct {
	findings []graph.Finding
	lang     string
	names    map[string]string
	roles    map[[2]string][]string // (trajectory, stakeholder) → roles, for opposed-owner
}

// readFindings runs the finding statements of the groups p asks for and
// reads what their messages need, in tx; p is normalised.
func readFindings(ctx context.Context, tx neo4j.ManagedTransaction, w graph.Workspace, p graph.FindingParams) (findingsRead, error) {
	ws := w.ID
	all := params{"workspace": ws, "asOf": p.AsOf, "high": int64(p.High), "window": int64(p.Window)}
	res := findingsRead{lang: w.Language, findings: []graph.Finding{}}
	opposed := false
	for _, code := range findingCodes {
		if p.Only != "" && graph.CodeGroups[code] != p.Only {
			continue
		}
		fs, err := runFinding(ctx, tx, code, all)
		if err != nil {
			return findingsRead{}, err
		}
		opposed = opposed || (code == graph.CodeOpposedOwner && len(fs) > 0)
		res.findings = append(res.findings, fs...)
	}
	var err error
	if res.names, err = names(ctx, tx, ws); err != nil {
		return findingsRead{}, err
	}
	if opposed {
		stakes, err := listRelations(ctx, tx, ws, graph.RelStake)
		if err != nil {
			return findingsRead{}, err
		}
		res.roles = map[[2]string][]string{}
		for _, rel := range stakes {
			st := rel.(graph.Stake)
			k := [2]string{st.Trajectory, st.Stakeholder}
			res.roles[k] = append(res.roles[k], st.Role)
		}
	}
	return res, nil
}

// runFinding runs one finding statement. The dependency-cycle statement
// returns the dependencies between trajectories; Go lists the cycles.
func runFinding(ctx context.Context, tx neo4j.ManagedTransaction, code string, all params) ([]graph.Finding, error) {
	p, err := pick(code, all)
	if err != nil {
		return nil, err
	}
	recs, err := run(ctx, tx, code, p)
	if err != nil {
		return nil, err
	}
	var out []graph.Finding
	if code == graph.CodeDependencyCycle {
		edges, err := decodeEdges(recs, false)
		if err != nil {
			return nil, err
		}
		cycles, err := dependencyCycles(ctx, edges)
		if err != nil {
			return nil, err
		}
		for _, cyc := range cycles {
			out = append(out, graph.Finding{Code: code, Subject: cyc[0], Related: cyc})
		}
		return out, nil
	}
	for _, r := range recs {
		subject, err := str(r, "subject")
		if err != nil {
			return nil, err
		}
		related, err := asStrings("related", get(r, "related"))
		if err != nil {
			return nil, err
		}
		if related == nil {
			related = []string{}
		}
		slices.Sort(related)
		out = append(out, graph.Finding{Code: code, Subject: subject, Related: slices.Compact(related)})
	}
	return out, nil
}

// dependencyCycles lists the elementary cycles of fetched dependencies
// with the analysis code both backends share, bounded the same way
// (analysis.MaxCycles) and stopped by ctx.
func dependencyCycles(ctx context.Context, edges []edge) ([][]string, error) {
	b := &graph.Bundle{DependsOn: make([]graph.DependsOn, len(edges))}
	for i, e := range edges {
		b.DependsOn[i] = graph.DependsOn{Trajectory: e.from, On: e.to}
	}
	return analysis.DependencyCycles(ctx, b)
}

// names maps the ids of the workspace's named nodes to their names.
func names(ctx context.Context, tx neo4j.ManagedTransaction, ws string) (map[string]string, error) {
	recs, err := run(ctx, tx, stNodeNames, params{"workspace": ws})
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(recs))
	for _, r := range recs {
		id, err := str(r, "id")
		if err != nil {
			return nil, err
		}
		if out[id], err = str(r, "name"); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func decodeEdges(recs []*neo4j.Record, withStrength bool) ([]edge, error) {
	out := make([]edge, 0, len(recs))
	for _, r := range recs {
		var e edge
		var err error
		if e.from, err = str(r, "source"); err != nil {
			return nil, err
		}
		if e.to, err = str(r, "target"); err != nil {
			return nil, err
		}
		if withStrength {
			if e.strength, err = asFloat("strength", get(r, "strength")); err != nil {
				return nil, err
			}
		}
		out = append(out, e)
	}
	return out, nil
}

// Grid places stakeholders in the power–interest grid, computed by the
// grid statements.
func (s *Store) Grid(ctx context.Context, ws, trajectory string, high int) (graph.Grid, error) {
	high, err := graph.NormalizeHigh(high)
	if err != nil {
		return graph.Grid{}, op("Grid", ws, err)
	}
	g := graph.Grid{Quadrants: make(map[string][]string, len(graph.Quadrants))}
	for _, q := range graph.Quadrants {
		g.Quadrants[q] = []string{}
	}
	placed, err := consistentRead(ctx, s, ws, func(tx neo4j.ManagedTransaction, _ graph.Workspace) ([][2]string, error) {
		var recs []*neo4j.Record
		var err error
		if trajectory == "" {
			recs, err = run(ctx, tx, stGridWorkspace, params{"workspace": ws, "high": int64(high)})
		} else {
			if _, _, err := getNode(ctx, tx, ws, graph.KindTrajectory, trajectory); err != nil {
				return nil, err
			}
			recs, err = run(ctx, tx, stGridTrajectory, params{"workspace": ws, "trajectory": trajectory, "high": int64(high)})
		}
		if err != nil {
			return nil, err
		}
		out := make([][2]string, 0, len(recs))
		for _, r := range recs {
			id, err := str(r, "id")
			if err != nil {
				return nil, err
			}
			q, err := str(r, "quadrant")
			if err != nil {
				return nil, err
			}
			out = append(out, [2]string{id, q})
		}
		return out, nil
	})
	if err != nil {
		return graph.Grid{}, op("Grid", ws, err)
	}
	for _, p := range placed {
		list, ok := g.Quadrants[p[1]]
		if !ok {
			return graph.Grid{}, op("Grid", ws, fmt.Errorf("statement returned unknown quadrant %q", p[1]))
		}
		g.Quadrants[p[1]] = append(list, p[0])
	}
	for _, q := range graph.Quadrants {
		slices.Sort(g.Quadrants[q])
	}
	return g, nil
}

// stakeholderExists reports ErrNotFound when id is not a stakeholder of ws.
func stakeholderExists(ctx context.Context, tx neo4j.ManagedTransaction, ws, field, id string) error {
	look, err := lookup(ctx, tx, ws, []string{id})
	if err != nil {
		return err
	}
	if k, ok := look(id); !ok || k != graph.KindStakeholder {
		return fmt.Errorf("%s: stakeholder %q: %w", field, id, graph.ErrNotFound)
	}
	return nil
}

// Paths fetches the influence network with the paths statement and finds
// the best simple paths in Go.
func (s *Store) Paths(ctx context.Context, ws string, q graph.PathQuery) ([]graph.Path, error) {
	if err := q.Normalize(); err != nil {
		return nil, op("Paths", ws, err)
	}
	edges, err := consistentRead(ctx, s, ws, func(tx neo4j.ManagedTransaction, _ graph.Workspace) ([]edge, error) {
		if err := stakeholderExists(ctx, tx, ws, "from", q.From); err != nil {
			return nil, err
		}
		if err := stakeholderExists(ctx, tx, ws, "to", q.To); err != nil {
			return nil, err
		}
		recs, err := run(ctx, tx, stPaths, params{"workspace": ws, "hierarchyStrength": q.HierarchyStrength})
		if err != nil {
			return nil, err
		}
		return decodeEdges(recs, true)
	})
	if err != nil {
		return nil, op("Paths", ws, err)
	}
	ps, err := finishPaths(ctx, edges, q)
	if err != nil {
		return nil, op("Paths", ws, err)
	}
	return ps, nil
}

// finishPaths ranks the paths of a fetched influence network with the
// analysis code both backends share.
func finishPaths(ctx context.Context, edges []edge, q graph.PathQuery) ([]graph.Path, error) {
	return analysis.Paths(ctx, networkBundle(edges, q.From, q.To), q)
}

// networkBundle turns a fetched influence network (one edge per ordered
// pair, reporting lines already given their strength) into the bundle the
// analysis code reads: its stakeholders and one influence per edge.
func networkBundle(edges []edge, ids ...string) *graph.Bundle {
	b := &graph.Bundle{Influences: make([]graph.Influence, len(edges))}
	seen := map[string]bool{}
	add := func(id string) {
		if !seen[id] {
			seen[id] = true
			b.Stakeholders = append(b.Stakeholders, graph.Stakeholder{ID: id})
		}
	}
	for _, id := range ids {
		add(id)
	}
	for i, e := range edges {
		add(e.from)
		add(e.to)
		b.Influences[i] = graph.Influence{From: e.from, To: e.to, Strength: e.strength}
	}
	return b
}

// Brokers fetches the influence network with the brokers statement and
// ranks stakeholders by betweenness centrality computed in Go.
func (s *Store) Brokers(ctx context.Context, ws string, top int) ([]graph.Broker, error) {
	top, err := graph.NormalizeTop(top)
	if err != nil {
		return nil, op("Brokers", ws, err)
	}
	type network struct {
		ids     []string
		targets map[string][]string
	}
	nw, err := consistentRead(ctx, s, ws, func(tx neo4j.ManagedTransaction, _ graph.Workspace) (network, error) {
		recs, err := run(ctx, tx, stBrokers, params{"workspace": ws})
		if err != nil {
			return network{}, err
		}
		nw := network{targets: make(map[string][]string, len(recs))}
		for _, r := range recs {
			id, err := str(r, "id")
			if err != nil {
				return network{}, err
			}
			ts, err := asStrings("targets", get(r, "targets"))
			if err != nil {
				return network{}, err
			}
			nw.ids = append(nw.ids, id)
			nw.targets[id] = ts
		}
		return nw, nil
	})
	if err != nil {
		return nil, op("Brokers", ws, err)
	}
	bs, err := rankBrokers(ctx, nw.ids, nw.targets, top)
	if err != nil {
		return nil, op("Brokers", ws, err)
	}
	return bs, nil
}

// rankBrokers ranks the stakeholders of a fetched network (each id with
// the ids it has an edge to) by betweenness, with the analysis code both
// backends share. Betweenness is unweighted: every edge counts one step.
func rankBrokers(ctx context.Context, ids []string, targets map[string][]string, top int) ([]graph.Broker, error) {
	var edges []edge
	for _, id := range ids {
		for _, t := range targets[id] {
			edges = append(edges, edge{from: id, to: t, strength: 1})
		}
	}
	return analysis.Brokers(ctx, networkBundle(edges, ids...), top)
}
