package neo4jstore

import (
	"context"
	"fmt"
	"slices"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/stakemap/stakemap/graph"
)

// relStatements names the add, remove and list statements of each
// relationship kind.
var relStatements = map[graph.RelKind]struct{ add, remove, list string }{
	graph.RelStake:     {stStakeAdd, stStakeRemove, stStakeList},
	graph.RelInfluence: {stInfluenceAdd, stInfluenceRemove, stInfluenceList},
	graph.RelReportsTo: {stReportsToAdd, stReportsToRemove, stReportsToList},
	graph.RelSupports:  {stSupportsAdd, stSupportsRemove, stSupportsList},
	graph.RelDependsOn: {stDependsOnAdd, stDependsOnRemove, stDependsOnList},
}

func badRelKind(kind graph.RelKind) error {
	return graph.Invalid([]graph.Problem{{Field: "kind", Value: string(kind), Reason: "is not a relationship kind"}})
}

func optInt(p *int) any {
	if p == nil {
		return nil
	}
	return int64(*p)
}

// encodeRel returns the row an add statement takes for r.
func encodeRel(r graph.Relation) map[string]any {
	k := r.Key()
	row := map[string]any{"source": k.A, "target": k.B}
	switch x := r.(type) {
	case graph.Stake:
		row["role"], row["interest"], row["influence"] = x.Role, optInt(x.Interest), optInt(x.Influence)
	case graph.Influence:
		row["strength"] = x.Strength
	case graph.DependsOn:
		row["note"] = x.Note
	}
	return row
}

// addRelations writes relationships of one kind in batches and returns
// how many were new.
func addRelations(ctx context.Context, tx neo4j.ManagedTransaction, ws string, kind graph.RelKind, rs []graph.Relation) (int64, error) {
	var created int64
	for chunk := range slices.Chunk(rs, batchSize) {
		rows := make([]map[string]any, len(chunk))
		for i, r := range chunk {
			rows[i] = encodeRel(r)
		}
		recs, err := run(ctx, tx, relStatements[kind].add, params{"workspace": ws, "rows": rows})
		if err != nil {
			return 0, err
		}
		for _, r := range recs {
			n, err := asInt("created", get(r, "created"))
			if err != nil {
				return 0, err
			}
			created += n
		}
	}
	return created, nil
}

// AddRelation adds a relationship whose ends exist.
func (s *Store) AddRelation(ctx context.Context, ws string, r graph.Relation) error {
	if r == nil {
		return op("AddRelation", ws, badRelKind(""))
	}
	r = graph.RelationValue(r)
	kind, key := r.RelKind(), r.Key()
	subject := ws + "/" + graph.DescribeRelation(kind, key)
	if _, ok := relStatements[kind]; !ok {
		return op("AddRelation", subject, badRelKind(kind))
	}
	if err := graph.Invalid(graph.ValidateRelation(r, "")); err != nil {
		return op("AddRelation", subject, err)
	}
	_, err := writeTx(ctx, s, func(tx neo4j.ManagedTransaction) (struct{}, error) {
		if _, err := touch(ctx, tx, ws); err != nil {
			return struct{}{}, err
		}
		look, err := lookup(ctx, tx, ws, []string{key.A, key.B})
		if err != nil {
			return struct{}{}, err
		}
		if err := graph.Invalid(graph.RelationRefProblems(r, "", look)); err != nil {
			return struct{}{}, err
		}
		n, err := addRelations(ctx, tx, ws, kind, []graph.Relation{r})
		if err != nil {
			return struct{}{}, err
		}
		if n == 0 {
			return struct{}{}, fmt.Errorf("%s exists: %w", graph.DescribeRelation(kind, key), graph.ErrConflict)
		}
		return struct{}{}, record(ctx, tx, ws, graph.RelationEvent(nil, r))
	})
	return op("AddRelation", subject, err)
}

// RemoveRelation removes the relationship of that kind and key.
func (s *Store) RemoveRelation(ctx context.Context, ws string, kind graph.RelKind, key graph.RelKey) error {
	subject := ws + "/" + graph.DescribeRelation(kind, key)
	st, ok := relStatements[kind]
	if !ok {
		return op("RemoveRelation", subject, badRelKind(kind))
	}
	_, err := writeTx(ctx, s, func(tx neo4j.ManagedTransaction) (struct{}, error) {
		if _, err := touch(ctx, tx, ws); err != nil {
			return struct{}{}, err
		}
		old, err := relationAt(ctx, tx, ws, kind, key)
		if err != nil {
			return struct{}{}, err
		}
		p := params{"workspace": ws, "source": key.A, "target": key.B}
		if kind == graph.RelStake {
			p["role"] = key.C
		}
		recs, err := run(ctx, tx, st.remove, p)
		if err != nil {
			return struct{}{}, err
		}
		var removed int64
		if len(recs) > 0 {
			if removed, err = asInt("removed", get(recs[0], "removed")); err != nil {
				return struct{}{}, err
			}
		}
		if removed == 0 || old == nil {
			return struct{}{}, fmt.Errorf("%s: %w", graph.DescribeRelation(kind, key), graph.ErrNotFound)
		}
		return struct{}{}, record(ctx, tx, ws, graph.RelationEvent(old, nil))
	})
	return op("RemoveRelation", subject, err)
}

// Relations lists the relationships of one kind in canonical order.
func (s *Store) Relations(ctx context.Context, ws string, kind graph.RelKind) ([]graph.Relation, error) {
	if _, ok := relStatements[kind]; !ok {
		return nil, op("Relations", ws+"/"+string(kind), badRelKind(kind))
	}
	out, err := readTx(ctx, s, func(tx neo4j.ManagedTransaction) ([]graph.Relation, error) {
		if _, _, err := workspace(ctx, tx, ws); err != nil {
			return nil, err
		}
		return listRelations(ctx, tx, ws, kind)
	})
	if err != nil {
		return nil, op("Relations", ws+"/"+string(kind), err)
	}
	return out, nil
}

func listRelations(ctx context.Context, tx neo4j.ManagedTransaction, ws string, kind graph.RelKind) ([]graph.Relation, error) {
	recs, err := run(ctx, tx, relStatements[kind].list, params{"workspace": ws})
	if err != nil {
		return nil, err
	}
	out := make([]graph.Relation, 0, len(recs))
	for _, rec := range recs {
		r, err := decodeRel(kind, rec)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b graph.Relation) int {
		ka, kb := a.Key(), b.Key()
		switch {
		case ka.Less(kb):
			return -1
		case kb.Less(ka):
			return 1
		}
		return 0
	})
	return out, nil
}

func decodeRel(kind graph.RelKind, rec *neo4j.Record) (graph.Relation, error) {
	src, err := str(rec, "source")
	if err != nil {
		return nil, err
	}
	dst, err := str(rec, "target")
	if err != nil {
		return nil, err
	}
	switch kind {
	case graph.RelStake:
		role, err := str(rec, "role")
		if err != nil {
			return nil, err
		}
		st := graph.Stake{Stakeholder: src, Trajectory: dst, Role: role}
		for key, dst := range map[string]**int{"interest": &st.Interest, "influence": &st.Influence} {
			v := get(rec, key)
			if v == nil {
				continue
			}
			n, err := asInt(key, v)
			if err != nil {
				return nil, err
			}
			i := int(n)
			*dst = &i
		}
		return st, nil
	case graph.RelInfluence:
		strength, err := asFloat("strength", get(rec, "strength"))
		if err != nil {
			return nil, err
		}
		return graph.Influence{From: src, To: dst, Strength: strength}, nil
	case graph.RelReportsTo:
		return graph.ReportsTo{From: src, To: dst}, nil
	case graph.RelSupports:
		return graph.Supports{Trajectory: src, Goal: dst}, nil
	case graph.RelDependsOn:
		note, err := str(rec, "note")
		if err != nil {
			return nil, err
		}
		return graph.DependsOn{Trajectory: src, On: dst, Note: note}, nil
	}
	return nil, badRelKind(kind)
}
