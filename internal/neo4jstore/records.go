package neo4jstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/stakemap/stakemap/graph"
)

// CreateRecord adds a record at version 1. A record of a workspace is
// created under the workspace's lock, so a delete of the workspace
// running at the same time either sees it and deletes it, or makes it
// fail with ErrNotFound.
func (s *Store) CreateRecord(ctx context.Context, r graph.Record) (int64, error) {
	if err := graph.Invalid(graph.ValidateRecord(r)); err != nil {
		return 0, op("CreateRecord", r.Kind, err)
	}
	_, err := writeTx(ctx, s, func(tx neo4j.ManagedTransaction) (struct{}, error) {
		if r.Workspace != "" {
			recs, err := run(ctx, tx, stWorkspaceLock, params{"workspace": r.Workspace})
			if err != nil {
				return struct{}{}, err
			}
			if len(recs) == 0 {
				return struct{}{}, notFound("workspace", r.Workspace)
			}
		}
		_, err := run(ctx, tx, stRecordCreate, params{"kind": r.Kind, "id": r.ID, "workspace": r.Workspace,
			"owner": r.Owner, "data": string(r.Data)})
		return struct{}{}, err
	})
	if err != nil {
		if errors.Is(err, graph.ErrConflict) {
			err = fmt.Errorf("%s %q exists: %w", r.Kind, r.ID, graph.ErrConflict)
		}
		return 0, op("CreateRecord", r.Kind, err)
	}
	return 1, nil
}

// UpdateRecord replaces a record's data when version is current (or 0).
func (s *Store) UpdateRecord(ctx context.Context, r graph.Record, version int64) (int64, error) {
	if err := graph.Invalid(graph.ValidateRecord(r)); err != nil {
		return 0, op("UpdateRecord", r.Kind, err)
	}
	next, err := writeTx(ctx, s, func(tx neo4j.ManagedTransaction) (int64, error) {
		recs, err := run(ctx, tx, stRecordLock, params{"kind": r.Kind, "id": r.ID})
		if err != nil {
			return 0, err
		}
		if len(recs) == 0 {
			return 0, notFound(r.Kind, r.ID)
		}
		ws, err := str(recs[0], "workspace")
		if err != nil {
			return 0, err
		}
		owner, err := str(recs[0], "owner")
		if err != nil {
			return 0, err
		}
		stored, err := asInt("version", get(recs[0], "version"))
		if err != nil {
			return 0, err
		}
		var ps []graph.Problem
		if ws != r.Workspace {
			ps = append(ps, graph.Problem{Field: "workspace", Value: r.Workspace, Reason: "cannot change (it is " + ws + ")"})
		}
		if owner != r.Owner {
			ps = append(ps, graph.Problem{Field: "owner", Value: r.Owner, Reason: "cannot change"})
		}
		if err := graph.Invalid(ps); err != nil {
			return 0, err
		}
		if version != 0 && version != stored {
			return 0, fmt.Errorf("%s %q is at version %d, not %d: %w", r.Kind, r.ID, stored, version, graph.ErrStale)
		}
		_, err = run(ctx, tx, stRecordUpdate, params{"kind": r.Kind, "id": r.ID, "data": string(r.Data), "version": stored + 1})
		return stored + 1, err
	})
	if err != nil {
		return 0, op("UpdateRecord", r.Kind, err)
	}
	return next, nil
}

func decodeRecord(rec *neo4j.Record) (graph.Record, error) {
	var r graph.Record
	var err error
	if r.Kind, err = str(rec, "kind"); err != nil {
		return r, err
	}
	if r.ID, err = str(rec, "id"); err != nil {
		return r, err
	}
	if r.Workspace, err = str(rec, "workspace"); err != nil {
		return r, err
	}
	if r.Owner, err = str(rec, "owner"); err != nil {
		return r, err
	}
	data, err := str(rec, "data")
	if err != nil {
		return r, err
	}
	if !json.Valid([]byte(data)) {
		return r, fmt.Errorf("record %s %q: data is not JSON", r.Kind, r.ID)
	}
	r.Data = json.RawMessage(data)
	r.Version, err = asInt("version", get(rec, "version"))
	return r, err
}

// Record returns one record.
func (s *Store) Record(ctx context.Context, kind, id string) (graph.Record, error) {
	r, err := readTx(ctx, s, func(tx neo4j.ManagedTransaction) (graph.Record, error) {
		recs, err := run(ctx, tx, stRecordGet, params{"kind": kind, "id": id})
		if err != nil {
			return graph.Record{}, err
		}
		if len(recs) == 0 {
			return graph.Record{}, notFound(kind, id)
		}
		return decodeRecord(recs[0])
	})
	return r, op("Record", kind, err)
}

// Records returns the records q selects, sorted by kind and id.
func (s *Store) Records(ctx context.Context, q graph.RecordQuery) ([]graph.Record, error) {
	if err := graph.Invalid(graph.ValidateRecordQuery(q)); err != nil {
		return nil, op("Records", q.Kind, err)
	}
	out, err := readTx(ctx, s, func(tx neo4j.ManagedTransaction) ([]graph.Record, error) {
		recs, err := run(ctx, tx, stRecordList, params{"kind": q.Kind, "workspace": q.Workspace, "owner": q.Owner})
		if err != nil {
			return nil, err
		}
		out := make([]graph.Record, 0, len(recs))
		for _, rec := range recs {
			r, err := decodeRecord(rec)
			if err != nil {
				return nil, err
			}
			out = append(out, r)
		}
		return out, nil
	})
	if err != nil {
		return nil, op("Records", q.Kind, err)
	}
	// Cypher orders strings by code point; sort again in Go's byte order
	// (the same for UTF-8) so both backends answer in one order.
	graph.SortRecords(out)
	return out, nil
}

// DeleteRecord removes one record.
func (s *Store) DeleteRecord(ctx context.Context, kind, id string) error {
	_, err := writeTx(ctx, s, func(tx neo4j.ManagedTransaction) (struct{}, error) {
		recs, err := run(ctx, tx, stRecordDelete, params{"kind": kind, "id": id})
		if err != nil {
			return struct{}{}, err
		}
		if n, _ := asInt("removed", get(recs[0], "removed")); n == 0 {
			return struct{}{}, notFound(kind, id)
		}
		return struct{}{}, nil
	})
	return op("DeleteRecord", kind, err)
}

// DeleteRecords removes the records q selects.
func (s *Store) DeleteRecords(ctx context.Context, q graph.RecordQuery) (int, error) {
	if q.Empty() {
		return 0, op("DeleteRecords", "", graph.Invalid([]graph.Problem{{Field: "query", Reason: "must select something: deleting every record is never meant"}}))
	}
	if err := graph.Invalid(graph.ValidateRecordQuery(q)); err != nil {
		return 0, op("DeleteRecords", q.Kind, err)
	}
	n, err := writeTx(ctx, s, func(tx neo4j.ManagedTransaction) (int64, error) {
		recs, err := run(ctx, tx, stRecordDeleteMany, params{"kind": q.Kind, "workspace": q.Workspace, "owner": q.Owner})
		if err != nil {
			return 0, err
		}
		return asInt("removed", get(recs[0], "removed"))
	})
	if err != nil {
		return 0, op("DeleteRecords", q.Kind, err)
	}
	return int(n), nil
}
