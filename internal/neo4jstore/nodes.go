package neo4jstore

import (
	"bytes"
	"context"
	"fmt"
	"slices"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/stakemap/stakemap/graph"
)

// labels maps each node kind to its label: the only labels the backend
// writes besides Node and Workspace.
var labels = map[graph.Kind]string{
	graph.KindStakeholder: "Stakeholder",
	graph.KindTrajectory:  "Trajectory",
	graph.KindGoal:        "Goal",
	graph.KindEnabler:     "Enabler",
	graph.KindEngagement:  "Engagement",
}

// createStatements names the statement that creates nodes of each kind.
var createStatements = map[graph.Kind]string{
	graph.KindStakeholder: stCreateStakeholders,
	graph.KindTrajectory:  stCreateTrajectories,
	graph.KindGoal:        stCreateGoals,
	graph.KindEnabler:     stCreateEnablers,
	graph.KindEngagement:  stCreateEngagements,
}

func kindOfLabels(ls []string) (graph.Kind, bool) {
	for k, l := range labels {
		if slices.Contains(ls, l) {
			return k, true
		}
	}
	return "", false
}

func badKind(kind graph.Kind) error {
	return graph.Invalid([]graph.Problem{{Field: "kind", Value: string(kind), Reason: "is not a node kind"}})
}

func checkVersion(kind graph.Kind, id string, stored, want int64) error {
	if want != 0 && want != stored {
		return fmt.Errorf("%s %q is at version %d, not %d: %w", kind, id, stored, want, graph.ErrStale)
	}
	return nil
}

// encodeNode returns the properties of a node as stored: every field of
// the kind plus workspace and version. An engagement's with and about are
// relationships, written by linkEngagements.
func encodeNode(ws string, n graph.Node, version int64) map[string]any {
	p := map[string]any{"workspace": ws, "id": n.NodeID(), "version": version}
	switch x := n.(type) {
	case graph.Stakeholder:
		p["name"], p["kind"], p["title"], p["unit"] = x.Name, x.Kind, x.Title, x.Unit
		p["level"], p["attitude"], p["notes"] = x.Level, x.Attitude, x.Notes
		p["influence"], p["interest"] = int64(x.Influence), int64(x.Interest)
		if len(x.Tags) > 0 {
			p["tags"] = slices.Clone(x.Tags)
		}
		if x.ContactEvery != 0 {
			p["contactEvery"] = int64(x.ContactEvery)
		}
	case graph.Trajectory:
		p["name"], p["purpose"], p["status"] = x.Name, x.Purpose, x.Status
		p["start"], p["end"], p["reviewBy"], p["measure"] = x.Start, x.End, x.ReviewBy, x.Measure
	case graph.Goal:
		p["name"], p["horizon"] = x.Name, x.Horizon
	case graph.Enabler:
		p["name"], p["kind"], p["status"], p["owner"] = x.Name, x.Kind, x.Status, x.Owner
	case graph.Engagement:
		p["date"], p["channel"], p["summary"], p["resultsShared"] = x.Date, x.Channel, x.Summary, x.ResultsShared
	}
	return p
}

// decodeNode rebuilds a node of a kind from its stored properties and, for
// an engagement, the ids it is with and about.
func decodeNode(kind graph.Kind, p map[string]any, with, about []string) (graph.Node, int64, error) {
	var errs []error
	s := func(key string) string {
		v, err := asString(key, p[key])
		if err != nil {
			errs = append(errs, err)
		}
		return v
	}
	i := func(key string) int {
		v, err := asInt(key, p[key])
		if err != nil {
			errs = append(errs, err)
		}
		return int(v)
	}
	version, err := asInt("version", p["version"])
	if err != nil {
		errs = append(errs, err)
	}
	var n graph.Node
	switch kind {
	case graph.KindStakeholder:
		tags, err := asStrings("tags", p["tags"])
		if err != nil {
			errs = append(errs, err)
		}
		n = graph.Stakeholder{ID: s("id"), Name: s("name"), Kind: s("kind"), Title: s("title"), Unit: s("unit"),
			Level: s("level"), Influence: i("influence"), Interest: i("interest"), Attitude: s("attitude"),
			Notes: s("notes"), Tags: tags, ContactEvery: i("contactEvery")}
	case graph.KindTrajectory:
		n = graph.Trajectory{ID: s("id"), Name: s("name"), Purpose: s("purpose"), Status: s("status"),
			Start: s("start"), End: s("end"), ReviewBy: s("reviewBy"), Measure: s("measure")}
	case graph.KindGoal:
		n = graph.Goal{ID: s("id"), Name: s("name"), Horizon: s("horizon")}
	case graph.KindEnabler:
		n = graph.Enabler{ID: s("id"), Name: s("name"), Kind: s("kind"), Status: s("status"), Owner: s("owner")}
	case graph.KindEngagement:
		shared, _ := p["resultsShared"].(bool)
		with, about = slices.Clone(with), slices.Clone(about)
		slices.Sort(with)
		slices.Sort(about)
		if with == nil {
			with = []string{}
		}
		if about == nil {
			about = []string{}
		}
		n = graph.Engagement{ID: s("id"), Date: s("date"), Channel: s("channel"), With: with, About: about,
			Summary: s("summary"), ResultsShared: shared}
	default:
		return nil, 0, badKind(kind)
	}
	if len(errs) > 0 {
		return nil, 0, fmt.Errorf("%s %v: stored data is not stakemap's: %v", kind, p["id"], errs)
	}
	return n, version, nil
}

// decodeNodeRecord decodes a row of node-get or node-list.
func decodeNodeRecord(kind graph.Kind, r *neo4j.Record) (graph.Node, int64, error) {
	props, _ := get(r, "props").(map[string]any)
	with, err := asStrings("withIds", get(r, "withIds"))
	if err != nil {
		return nil, 0, err
	}
	about, err := asStrings("aboutIds", get(r, "aboutIds"))
	if err != nil {
		return nil, 0, err
	}
	return decodeNode(kind, props, with, about)
}

// lookup resolves ids against the nodes stored in the workspace, in tx.
func lookup(ctx context.Context, tx neo4j.ManagedTransaction, ws string, ids []string) (graph.Lookup, error) {
	kinds := map[string]graph.Kind{}
	if len(ids) > 0 {
		recs, err := run(ctx, tx, stNodeKinds, params{"workspace": ws, "ids": ids})
		if err != nil {
			return nil, err
		}
		for _, r := range recs {
			id, err := str(r, "id")
			if err != nil {
				return nil, err
			}
			ls, err := asStrings("labels", get(r, "labels"))
			if err != nil {
				return nil, err
			}
			if k, ok := kindOfLabels(ls); ok {
				kinds[id] = k
			}
		}
	}
	return func(id string) (graph.Kind, bool) {
		k, ok := kinds[id]
		return k, ok
	}, nil
}

// createNodes writes nodes of one kind at a version and the links of
// engagements, in batches.
func createNodes(ctx context.Context, tx neo4j.ManagedTransaction, ws string, kind graph.Kind, nodes []graph.Node, version int64) error {
	for chunk := range slices.Chunk(nodes, batchSize) {
		rows := make([]map[string]any, len(chunk))
		for i, n := range chunk {
			rows[i] = encodeNode(ws, n, version)
		}
		if _, err := run(ctx, tx, createStatements[kind], params{"rows": rows}); err != nil {
			return err
		}
	}
	if kind == graph.KindEngagement {
		return linkEngagements(ctx, tx, ws, nodes)
	}
	return nil
}

// linkEngagements writes the WITH and ABOUT relationships of engagements.
func linkEngagements(ctx context.Context, tx neo4j.ManagedTransaction, ws string, nodes []graph.Node) error {
	var with, about []map[string]any
	for _, n := range nodes {
		e := n.(graph.Engagement)
		for _, id := range e.With {
			with = append(with, map[string]any{"engagement": e.ID, "target": id})
		}
		for _, id := range e.About {
			about = append(about, map[string]any{"engagement": e.ID, "target": id})
		}
	}
	for chunk := range slices.Chunk(with, batchSize) {
		if _, err := run(ctx, tx, stEngagementLinkWith, params{"workspace": ws, "rows": chunk}); err != nil {
			return err
		}
	}
	for chunk := range slices.Chunk(about, batchSize) {
		if _, err := run(ctx, tx, stEngagementLinkAbout, params{"workspace": ws, "rows": chunk}); err != nil {
			return err
		}
	}
	return nil
}

// batchSize bounds the rows of one UNWIND: big enough to make a bundle
// import few round trips, small enough to keep each message modest.
const batchSize = 1000

// CreateNode adds a node (defaults applied) at the version of the write.
func (s *Store) CreateNode(ctx context.Context, ws string, n graph.Node) (int64, error) {
	if n = graph.NormalizeNode(n); n == nil {
		return 0, op("CreateNode", ws, badKind(""))
	}
	subject := ws + "/" + n.NodeID()
	if _, ok := labels[n.NodeKind()]; !ok {
		return 0, op("CreateNode", subject, badKind(n.NodeKind()))
	}
	if err := graph.Invalid(graph.ValidateNode(n, "")); err != nil {
		return 0, op("CreateNode", subject, err)
	}
	version, err := writeTx(ctx, s, func(tx neo4j.ManagedTransaction) (int64, error) {
		seq, err := touch(ctx, tx, ws)
		if err != nil {
			return 0, err
		}
		look, err := lookup(ctx, tx, ws, append([]string{n.NodeID()}, graph.References(n)...))
		if err != nil {
			return 0, err
		}
		if k, taken := look(n.NodeID()); taken {
			return 0, fmt.Errorf("id %q is taken by a %s: %w", n.NodeID(), k, graph.ErrConflict)
		}
		if err := graph.Invalid(graph.NodeRefProblems(n, "", look)); err != nil {
			return 0, err
		}
		if err := createNodes(ctx, tx, ws, n.NodeKind(), []graph.Node{n}, seq); err != nil {
			return 0, err
		}
		return seq, record(ctx, tx, ws, graph.NodeEvent(nil, n))
	})
	if err != nil {
		return 0, op("CreateNode", subject, err)
	}
	return version, nil
}

// getNode reads a node of a kind in tx: ErrNotFound when the id is absent
// or of another kind.
func getNode(ctx context.Context, tx neo4j.ManagedTransaction, ws string, kind graph.Kind, id string) (graph.Node, int64, error) {
	label, ok := labels[kind]
	if !ok {
		return nil, 0, badKind(kind)
	}
	recs, err := run(ctx, tx, stNodeGet, params{"workspace": ws, "id": id, "label": label})
	if err != nil {
		return nil, 0, err
	}
	if len(recs) == 0 {
		return nil, 0, notFound(string(kind), id)
	}
	return decodeNodeRecord(kind, recs[0])
}

// Node returns the node of that kind and id with its version.
func (s *Store) Node(ctx context.Context, ws string, kind graph.Kind, id string) (graph.Node, int64, error) {
	type result struct {
		n graph.Node
		v int64
	}
	r, err := readTx(ctx, s, func(tx neo4j.ManagedTransaction) (result, error) {
		if _, _, err := workspace(ctx, tx, ws); err != nil {
			return result{}, err
		}
		n, v, err := getNode(ctx, tx, ws, kind, id)
		return result{n, v}, err
	})
	if err != nil {
		return nil, 0, op("Node", ws+"/"+id, err)
	}
	return r.n, r.v, nil
}

// UpdateNode replaces a node when version is current (or 0), checked
// inside the write transaction, and returns the new version.
func (s *Store) UpdateNode(ctx context.Context, ws string, n graph.Node, version int64) (int64, error) {
	if n = graph.NormalizeNode(n); n == nil {
		return 0, op("UpdateNode", ws, badKind(""))
	}
	subject := ws + "/" + n.NodeID()
	if _, ok := labels[n.NodeKind()]; !ok {
		return 0, op("UpdateNode", subject, badKind(n.NodeKind()))
	}
	if err := graph.Invalid(graph.ValidateNode(n, "")); err != nil {
		return 0, op("UpdateNode", subject, err)
	}
	next, err := writeTx(ctx, s, func(tx neo4j.ManagedTransaction) (int64, error) {
		next, err := touch(ctx, tx, ws)
		if err != nil {
			return 0, err
		}
		old, stored, err := getNode(ctx, tx, ws, n.NodeKind(), n.NodeID())
		if err != nil {
			return 0, err
		}
		if err := checkVersion(n.NodeKind(), n.NodeID(), stored, version); err != nil {
			return 0, err
		}
		look, err := lookup(ctx, tx, ws, graph.References(n))
		if err != nil {
			return 0, err
		}
		if err := graph.Invalid(graph.NodeRefProblems(n, "", look)); err != nil {
			return 0, err
		}
		_, err = run(ctx, tx, stNodeUpdate, params{"workspace": ws, "id": n.NodeID(), "label": labels[n.NodeKind()],
			"props": encodeNode(ws, n, next)})
		if err != nil {
			return 0, err
		}
		if n.NodeKind() == graph.KindEngagement {
			if _, err := run(ctx, tx, stEngagementUnlink, params{"workspace": ws, "id": n.NodeID()}); err != nil {
				return 0, err
			}
			if err := linkEngagements(ctx, tx, ws, []graph.Node{n}); err != nil {
				return 0, err
			}
		}
		if e := graph.NodeEvent(old, n); !bytes.Equal(e.Before, e.After) {
			if err := record(ctx, tx, ws, e); err != nil {
				return 0, err
			}
		}
		return next, nil
	})
	if err != nil {
		return 0, op("UpdateNode", subject, err)
	}
	return next, nil
}

// DeleteNode removes a node with its relationships. Engagements it was in
// or about and enablers it owned lose the reference and get the version
// of the write; an engagement left with nobody is deleted.
func (s *Store) DeleteNode(ctx context.Context, ws string, kind graph.Kind, id string, version int64) error {
	_, err := writeTx(ctx, s, func(tx neo4j.ManagedTransaction) (struct{}, error) {
		seq, err := touch(ctx, tx, ws)
		if err != nil {
			return struct{}{}, err
		}
		n, stored, err := getNode(ctx, tx, ws, kind, id)
		if err != nil {
			return struct{}{}, err
		}
		if err := checkVersion(kind, id, stored, version); err != nil {
			return struct{}{}, err
		}
		events, err := deleteNode(ctx, tx, ws, n, seq)
		if err != nil {
			return struct{}{}, err
		}
		return struct{}{}, record(ctx, tx, ws, events...)
	})
	return op("DeleteNode", ws+"/"+id, err)
}

// deleteNode removes n with what it takes along and returns the events of
// every change.
func deleteNode(ctx context.Context, tx neo4j.ManagedTransaction, ws string, n graph.Node, seq int64) ([]graph.Event, error) {
	id := n.NodeID()
	events, err := deleteEvents(ctx, tx, ws, n)
	if err != nil {
		return nil, err
	}
	recs, err := run(ctx, tx, stNodeTouchEngagements, params{"workspace": ws, "id": id, "version": seq})
	if err != nil {
		return nil, err
	}
	touched := make([]string, 0, len(recs))
	for _, r := range recs {
		eid, err := str(r, "id")
		if err != nil {
			return nil, err
		}
		touched = append(touched, eid)
	}
	if _, err := run(ctx, tx, stNodeReleaseEnablers, params{"workspace": ws, "id": id, "version": seq}); err != nil {
		return nil, err
	}
	if _, err := run(ctx, tx, stNodeDelete, params{"workspace": ws, "id": id}); err != nil {
		return nil, err
	}
	if len(touched) > 0 {
		if _, err := run(ctx, tx, stEngagementDeleteEmpty, params{"workspace": ws, "ids": touched}); err != nil {
			return nil, err
		}
	}
	return events, nil
}

// Nodes lists the nodes of one kind sorted by id.
func (s *Store) Nodes(ctx context.Context, ws string, kind graph.Kind) ([]graph.Node, error) {
	if _, ok := labels[kind]; !ok {
		return nil, op("Nodes", ws+"/"+string(kind), badKind(kind))
	}
	out, err := readTx(ctx, s, func(tx neo4j.ManagedTransaction) ([]graph.Node, error) {
		if _, _, err := workspace(ctx, tx, ws); err != nil {
			return nil, err
		}
		return listNodes(ctx, tx, ws, kind)
	})
	if err != nil {
		return nil, op("Nodes", ws+"/"+string(kind), err)
	}
	return out, nil
}

func listNodes(ctx context.Context, tx neo4j.ManagedTransaction, ws string, kind graph.Kind) ([]graph.Node, error) {
	recs, err := run(ctx, tx, stNodeList, params{"workspace": ws, "label": labels[kind]})
	if err != nil {
		return nil, err
	}
	out := make([]graph.Node, 0, len(recs))
	for _, r := range recs {
		n, _, err := decodeNodeRecord(kind, r)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	// Cypher orders strings by code point, as Go does for these ASCII
	// ids; sorting again keeps the promise whatever the collation.
	slices.SortFunc(out, func(a, b graph.Node) int {
		switch {
		case a.NodeID() < b.NodeID():
			return -1
		case a.NodeID() > b.NodeID():
			return 1
		}
		return 0
	})
	return out, nil
}
