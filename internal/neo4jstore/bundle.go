package neo4jstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/stakemap/stakemap/graph"
)

func nodesOf[T graph.Node](list []T) []graph.Node {
	out := make([]graph.Node, len(list))
	for i, n := range list {
		out[i] = n
	}
	return out
}

func relsOf[T graph.Relation](list []T) []graph.Relation {
	out := make([]graph.Relation, len(list))
	for i, r := range list {
		out[i] = r
	}
	return out
}

// ImportBundle validates b in Go and, when it is valid, replaces the
// workspace with it in one write transaction: the workspace node is locked
// (created if needed), its previous contents deleted and the bundle
// written in batched UNWIND statements. Any failure rolls everything back.
// Every node gets the version of the import, which no node of the
// workspace had before, so a caller holding an old version cannot
// overwrite imported data.
func (s *Store) ImportBundle(ctx context.Context, b *graph.Bundle, pre graph.Precondition) error {
	if b == nil {
		return op("ImportBundle", "", graph.Invalid([]graph.Problem{{Field: "bundle", Reason: "is missing"}}))
	}
	c := b.Clone()
	c.ApplyDefaults()
	ws := c.Workspace.ID
	if err := c.Validate(); err != nil {
		return op("ImportBundle", ws, err)
	}
	c.Canonicalize()
	for i := range c.Engagements {
		c.Engagements[i] = graph.NormalizeNode(c.Engagements[i]).(graph.Engagement)
	}
	write := func() error {
		_, err := writeTx(ctx, s, func(tx neo4j.ManagedTransaction) (struct{}, error) {
			if err := checkPrecondition(ctx, tx, ws, pre); err != nil {
				return struct{}{}, err
			}
			// The old state, read inside the write, gives one event per
			// changed entity.
			var before *graph.Bundle
			old, _, err := workspace(ctx, tx, ws)
			switch {
			case errors.Is(err, graph.ErrNotFound):
				if err := startHistory(ctx, tx, ws); err != nil {
					return struct{}{}, err
				}
			case err != nil:
				return struct{}{}, err
			default:
				if before, err = exportBundle(ctx, tx, old); err != nil {
					return struct{}{}, err
				}
				before.ApplyDefaults()
			}
			if err := importBundle(ctx, tx, c); err != nil {
				return struct{}{}, err
			}
			return struct{}{}, record(ctx, tx, ws, graph.DiffBundles(before, c)...)
		})
		return err
	}
	err := write()
	if errors.Is(err, errGone) {
		// A DeleteWorkspace committed while the import waited for the
		// workspace's lock: the import creates the workspace afresh, as it
		// does on the embedded backend, where the two are serialised. Its
		// precondition is checked again against the deleted workspace.
		err = write()
	}
	return op("ImportBundle", ws, err)
}

func importBundle(ctx context.Context, tx neo4j.ManagedTransaction, c *graph.Bundle) error {
	ws := c.Workspace.ID
	recs, err := run(ctx, tx, stWorkspaceMerge, params{"workspace": ws, "name": c.Workspace.Name, "language": c.Workspace.Language, "ldUnit": c.Workspace.LDUnit})
	if err != nil {
		return err
	}
	if len(recs) == 0 {
		return errors.New("workspace-merge returned nothing")
	}
	version, err := writeSeq(ctx, tx, ws, recs[0])
	if err != nil {
		return err
	}
	if _, err := run(ctx, tx, stWorkspaceClear, params{"workspace": ws}); err != nil {
		return err
	}
	nodes := []struct {
		kind graph.Kind
		list []graph.Node
	}{
		{graph.KindStakeholder, nodesOf(c.Stakeholders)},
		{graph.KindTrajectory, nodesOf(c.Trajectories)},
		{graph.KindGoal, nodesOf(c.Goals)},
		{graph.KindEnabler, nodesOf(c.Enablers)},
		{graph.KindEngagement, nodesOf(c.Engagements)},
	}
	for _, n := range nodes {
		if err := createNodes(ctx, tx, ws, n.kind, n.list, version); err != nil {
			return err
		}
	}
	rels := []struct {
		kind graph.RelKind
		list []graph.Relation
	}{
		{graph.RelStake, relsOf(c.Stakes)},
		{graph.RelInfluence, relsOf(c.Influences)},
		{graph.RelReportsTo, relsOf(c.ReportsTo)},
		{graph.RelSupports, relsOf(c.Supports)},
		{graph.RelDependsOn, relsOf(c.DependsOn)},
	}
	for _, r := range rels {
		n, err := addRelations(ctx, tx, ws, r.kind, r.list)
		if err != nil {
			return err
		}
		// A validated bundle has no duplicates and every end exists, so
		// anything short of all means the write went wrong.
		if n != int64(len(r.list)) {
			return fmt.Errorf("%s: wrote %d of %d relationships", r.kind, n, len(r.list))
		}
	}
	return ctx.Err()
}

// ExportBundle reads the whole workspace on one consistent view of it
// (see consistentRead).
func (s *Store) ExportBundle(ctx context.Context, ws string) (*graph.Bundle, error) {
	b, err := consistentRead(ctx, s, ws, func(tx neo4j.ManagedTransaction, w graph.Workspace) (*graph.Bundle, error) {
		return exportBundle(ctx, tx, w)
	})
	if err != nil {
		return nil, op("ExportBundle", ws, err)
	}
	b.ApplyDefaults()
	b.Canonicalize()
	return b, nil
}

func exportBundle(ctx context.Context, tx neo4j.ManagedTransaction, w graph.Workspace) (*graph.Bundle, error) {
	ws := w.ID
	b := &graph.Bundle{Format: graph.Format, Workspace: w}
	if err := exportNodes(ctx, tx, ws, &b.Stakeholders); err != nil {
		return nil, err
	}
	if err := exportNodes(ctx, tx, ws, &b.Trajectories); err != nil {
		return nil, err
	}
	if err := exportNodes(ctx, tx, ws, &b.Goals); err != nil {
		return nil, err
	}
	if err := exportNodes(ctx, tx, ws, &b.Enablers); err != nil {
		return nil, err
	}
	if err := exportNodes(ctx, tx, ws, &b.Engagements); err != nil {
		return nil, err
	}
	if err := exportRels(ctx, tx, ws, &b.Stakes); err != nil {
		return nil, err
	}
	if err := exportRels(ctx, tx, ws, &b.Influences); err != nil {
		return nil, err
	}
	if err := exportRels(ctx, tx, ws, &b.ReportsTo); err != nil {
		return nil, err
	}
	if err := exportRels(ctx, tx, ws, &b.Supports); err != nil {
		return nil, err
	}
	if err := exportRels(ctx, tx, ws, &b.DependsOn); err != nil {
		return nil, err
	}
	return b, nil
}

func exportNodes[T graph.Node](ctx context.Context, tx neo4j.ManagedTransaction, ws string, out *[]T) error {
	var zero T
	ns, err := listNodes(ctx, tx, ws, zero.NodeKind())
	if err != nil {
		return err
	}
	list := make([]T, len(ns))
	for i, n := range ns {
		list[i] = n.(T)
	}
	*out = list
	return nil
}

func exportRels[T graph.Relation](ctx context.Context, tx neo4j.ManagedTransaction, ws string, out *[]T) error {
	var zero T
	rs, err := listRelations(ctx, tx, ws, zero.RelKind())
	if err != nil {
		return err
	}
	list := make([]T, len(rs))
	for i, r := range rs {
		list[i] = r.(T)
	}
	*out = list
	return nil
}
