package neo4jstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/stakemap/stakemap/graph"
)

// The history half of the backend only stores and lists records: events,
// snapshots and settings. Rebuilding the past happens in Go
// (internal/history), the same way for every backend.

var _ graph.History = (*Store)(nil)

// now stamps events; a var so that tests of the package can step it.
var now = time.Now

// startHistory begins a new workspace's history, dropping any left from a
// workspace of the same id, and returns the creation instant.
func startHistory(ctx context.Context, tx neo4j.ManagedTransaction, ws string) error {
	if err := dropHistory(ctx, tx, ws); err != nil {
		return err
	}
	_, err := run(ctx, tx, stHistoryStart, params{"workspace": ws, "at": graph.Stamp(now(), "")})
	return err
}

// dropHistory deletes a workspace's events, snapshots and history record.
func dropHistory(ctx context.Context, tx neo4j.ManagedTransaction, ws string) error {
	if _, err := run(ctx, tx, stEventDrop, params{"workspace": ws}); err != nil {
		return err
	}
	if _, err := run(ctx, tx, stSnapshotDrop, params{"workspace": ws}); err != nil {
		return err
	}
	_, err := run(ctx, tx, stHistoryDrop, params{"workspace": ws})
	return err
}

// record appends events inside the write transaction of their change,
// stamping seq, at and actor.
func record(ctx context.Context, tx neo4j.ManagedTransaction, ws string, events ...graph.Event) error {
	if len(events) == 0 {
		return nil
	}
	recs, err := run(ctx, tx, stHistoryReserve, params{"workspace": ws, "count": int64(len(events))})
	if err != nil {
		return err
	}
	if len(recs) != 1 {
		return fmt.Errorf("%s: no sequence", stHistoryReserve)
	}
	first, err := asInt("first", get(recs[0], "first"))
	if err != nil {
		return err
	}
	last, err := str(recs[0], "last")
	if err != nil {
		return err
	}
	at := graph.Stamp(now(), last)
	actor := string(graph.ActorOf(ctx))
	for chunk := range slices.Chunk(events, batchSize) {
		rows := make([]map[string]any, len(chunk))
		for i, e := range chunk {
			e.Seq = first
			first++
			rows[i] = eventRow(e)
			rows[i]["actor"] = actor
		}
		if _, err := run(ctx, tx, stEventAppend, params{"workspace": ws, "at": at, "lastSeq": first - 1, "rows": rows}); err != nil {
			return err
		}
	}
	return nil
}

// eventRow is the stored form of an event's changeable parts.
func eventRow(e graph.Event) map[string]any {
	key, keyIDs := "", []string{}
	if e.Key != nil {
		data, _ := json.Marshal(e.Key)
		key = string(data)
		for _, v := range e.Key {
			keyIDs = append(keyIDs, v)
		}
		slices.Sort(keyIDs)
	}
	return map[string]any{"seq": e.Seq, "action": e.Action, "kind": e.Kind, "id": e.ID, "key": key,
		"keyIds": keyIDs, "before": string(orNull(e.Before)), "after": string(orNull(e.After))}
}

func orNull(raw json.RawMessage) json.RawMessage {
	if len(raw) == 0 {
		return json.RawMessage("null")
	}
	return raw
}

func decodeEvent(r *neo4j.Record) (graph.Event, error) {
	var e graph.Event
	var err error
	if e.Seq, err = asInt("seq", get(r, "seq")); err != nil {
		return e, err
	}
	var actor, key, before, after string
	for _, f := range []struct {
		name string
		dst  *string
	}{{"at", &e.At}, {"actor", &actor}, {"action", &e.Action}, {"kind", &e.Kind}, {"id", &e.ID},
		{"key", &key}, {"before", &before}, {"after", &after}} {
		if *f.dst, err = str(r, f.name); err != nil {
			return e, err
		}
	}
	e.Actor = graph.Actor(actor)
	if key != "" {
		if err := json.Unmarshal([]byte(key), &e.Key); err != nil {
			return e, fmt.Errorf("event %d key: %w", e.Seq, err)
		}
	}
	e.Before, e.After = orNull(json.RawMessage(before)), orNull(json.RawMessage(after))
	return e, nil
}

// listEvents runs event-list; needle, when set, keeps events whose before
// or after holds it.
func listEvents(ctx context.Context, tx neo4j.ManagedTransaction, ws string, q graph.EventQuery, needle string) ([]graph.Event, error) {
	since, until, limit := "", "", int64(math.MaxInt32)
	if !q.Since.IsZero() {
		since = q.Since.UTC().Format(graph.EventTime)
	}
	if !q.Until.IsZero() {
		until = q.Until.UTC().Format(graph.EventTime)
	}
	if q.Limit > 0 {
		limit = int64(q.Limit)
	}
	recs, err := run(ctx, tx, stEventList, params{"workspace": ws, "after": q.After, "before": q.Before,
		"kind": q.Kind, "id": q.ID, "since": since, "until": until, "needle": needle, "limit": limit})
	if err != nil {
		return nil, err
	}
	out := make([]graph.Event, 0, len(recs))
	for _, r := range recs {
		e, err := decodeEvent(r)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// Events lists a workspace's events newest first.
func (s *Store) Events(ctx context.Context, ws string, q graph.EventQuery) ([]graph.Event, error) {
	out, err := readTx(ctx, s, func(tx neo4j.ManagedTransaction) ([]graph.Event, error) {
		if _, _, err := workspace(ctx, tx, ws); err != nil {
			return nil, err
		}
		return listEvents(ctx, tx, ws, q, "")
	})
	if err != nil {
		return nil, op("Events", ws, err)
	}
	return out, nil
}

type historyRecord struct {
	state  graph.HistoryState
	erased int64
}

func historyState(ctx context.Context, tx neo4j.ManagedTransaction, ws string) (historyRecord, error) {
	var h historyRecord
	recs, err := run(ctx, tx, stHistoryState, params{"workspace": ws})
	if err != nil {
		return h, err
	}
	if len(recs) == 0 {
		return h, notFound("workspace", ws)
	}
	r := recs[0]
	if h.state.Created, err = str(r, "created"); err != nil {
		return h, err
	}
	if h.state.PurgedBefore, err = str(r, "purged"); err != nil {
		return h, err
	}
	if h.state.LastSeq, err = asInt("lastSeq", get(r, "lastSeq")); err != nil {
		return h, err
	}
	if h.erased, err = asInt("erased", get(r, "erased")); err != nil {
		return h, err
	}
	settings, err := str(r, "settings")
	if err != nil {
		return h, err
	}
	if settings != "" {
		if err := json.Unmarshal([]byte(settings), &h.state.Settings); err != nil {
			return h, fmt.Errorf("settings: %w", err)
		}
	}
	return h, nil
}

func setHistory(ctx context.Context, tx neo4j.ManagedTransaction, ws string, h historyRecord) error {
	data, err := json.Marshal(h.state.Settings)
	if err != nil {
		return err
	}
	_, err = run(ctx, tx, stHistorySet, params{"workspace": ws, "settings": string(data), "erased": h.erased})
	return err
}

// HistoryState says how far a workspace's history reaches.
func (s *Store) HistoryState(ctx context.Context, ws string) (graph.HistoryState, error) {
	h, err := readTx(ctx, s, func(tx neo4j.ManagedTransaction) (historyRecord, error) {
		return historyState(ctx, tx, ws)
	})
	return h.state, op("HistoryState", ws, err)
}

func listSnapshots(ctx context.Context, tx neo4j.ManagedTransaction, ws string) ([]graph.Snapshot, error) {
	recs, err := run(ctx, tx, stSnapshotList, params{"workspace": ws})
	if err != nil {
		return nil, err
	}
	out := make([]graph.Snapshot, 0, len(recs))
	for _, r := range recs {
		var sn graph.Snapshot
		if sn.ID, err = str(r, "id"); err != nil {
			return nil, err
		}
		if sn.Name, err = str(r, "name"); err != nil {
			return nil, err
		}
		if sn.At, err = str(r, "at"); err != nil {
			return nil, err
		}
		if sn.Seq, err = asInt("seq", get(r, "seq")); err != nil {
			return nil, err
		}
		out = append(out, sn)
	}
	graph.SortSnapshots(out)
	return out, nil
}

// Snapshots lists a workspace's snapshots, oldest first.
func (s *Store) Snapshots(ctx context.Context, ws string) ([]graph.Snapshot, error) {
	out, err := readTx(ctx, s, func(tx neo4j.ManagedTransaction) ([]graph.Snapshot, error) {
		if _, _, err := workspace(ctx, tx, ws); err != nil {
			return nil, err
		}
		return listSnapshots(ctx, tx, ws)
	})
	if err != nil {
		return nil, op("Snapshots", ws, err)
	}
	return out, nil
}

// CreateSnapshot names the current state.
func (s *Store) CreateSnapshot(ctx context.Context, ws string, sn graph.Snapshot) (graph.Snapshot, error) {
	if err := graph.Invalid(graph.ValidateSnapshot(sn)); err != nil {
		return sn, op("CreateSnapshot", ws, err)
	}
	out, err := writeTx(ctx, s, func(tx neo4j.ManagedTransaction) (graph.Snapshot, error) {
		sn := sn
		// Locking the workspace orders the snapshot among the writes.
		if err := checkPrecondition(ctx, tx, ws, graph.Precondition{Exists: true}); errors.Is(err, graph.ErrStale) {
			return sn, notFound("workspace", ws)
		} else if err != nil {
			return sn, err
		}
		list, err := listSnapshots(ctx, tx, ws)
		if err != nil {
			return sn, err
		}
		taken := func(id string) bool {
			return slices.ContainsFunc(list, func(x graph.Snapshot) bool { return x.ID == id })
		}
		if sn.ID == "" {
			sn.ID = graph.SnapshotID(sn.Name, taken)
		} else if taken(sn.ID) {
			return sn, fmt.Errorf("snapshot %q exists: %w", sn.ID, graph.ErrConflict)
		}
		h, err := historyState(ctx, tx, ws)
		if err != nil {
			return sn, err
		}
		last := ""
		if n := len(list); n > 0 {
			last = list[n-1].At
		}
		sn.Seq = h.state.LastSeq
		sn.At = graph.Stamp(now(), last)
		_, err = run(ctx, tx, stSnapshotCreate, params{"workspace": ws, "id": sn.ID, "name": sn.Name, "at": sn.At, "seq": sn.Seq})
		return sn, err
	})
	if err != nil {
		return sn, op("CreateSnapshot", ws, err)
	}
	return out, nil
}

// UpdateWorkspace sets the workspace's fields and settings.
func (s *Store) UpdateWorkspace(ctx context.Context, w graph.Workspace, set graph.Settings, pre graph.Precondition) error {
	w.ApplyDefaults()
	ps := append(graph.ValidateWorkspace(w), graph.ValidateSettings(set)...)
	if err := graph.Invalid(ps); err != nil {
		return op("UpdateWorkspace", w.ID, err)
	}
	_, err := writeTx(ctx, s, func(tx neo4j.ManagedTransaction) (struct{}, error) {
		if err := checkPrecondition(ctx, tx, w.ID, pre); err != nil {
			return struct{}{}, err
		}
		old, _, err := workspace(ctx, tx, w.ID)
		if err != nil {
			return struct{}{}, err
		}
		h, err := historyState(ctx, tx, w.ID)
		if err != nil {
			return struct{}{}, err
		}
		if old == w && h.state.Settings == set {
			return struct{}{}, nil
		}
		if _, err := run(ctx, tx, stWorkspaceUpdate, params{"workspace": w.ID, "name": w.Name, "language": w.Language, "ldUnit": w.LDUnit}); err != nil {
			return struct{}{}, err
		}
		oldSet := h.state.Settings
		h.state.Settings = set
		if err := setHistory(ctx, tx, w.ID, h); err != nil {
			return struct{}{}, err
		}
		return struct{}{}, record(ctx, tx, w.ID, graph.SettingsEvent(old, w, oldSet, set))
	})
	return op("UpdateWorkspace", w.ID, err)
}

// PurgeHistory removes events and snapshots from before the instant.
func (s *Store) PurgeHistory(ctx context.Context, ws string, before time.Time) (int, error) {
	n, err := writeTx(ctx, s, func(tx neo4j.ManagedTransaction) (int64, error) {
		if _, _, err := workspace(ctx, tx, ws); err != nil {
			return 0, err
		}
		cut := before.UTC().Format(graph.EventTime)
		if _, err := run(ctx, tx, stSnapshotPurge, params{"workspace": ws, "before": cut}); err != nil {
			return 0, err
		}
		if _, err := run(ctx, tx, stHistoryPurged, params{"workspace": ws, "before": cut}); err != nil {
			return 0, err
		}
		recs, err := run(ctx, tx, stEventPurge, params{"workspace": ws, "before": cut})
		if err != nil || len(recs) == 0 {
			return 0, err
		}
		return asInt("purged", get(recs[0], "purged"))
	})
	return int(n), op("PurgeHistory", ws, err)
}

// deleteEvents returns the events of deleting n: its relationships, the
// engagements and enablers that lose their reference to it (an engagement
// left with nobody is deleted), then n itself. It reads what it needs
// before the delete runs.
func deleteEvents(ctx context.Context, tx neo4j.ManagedTransaction, ws string, n graph.Node) ([]graph.Event, error) {
	id := n.NodeID()
	var events []graph.Event
	recs, err := run(ctx, tx, stNodeRelations, params{"workspace": ws, "id": id})
	if err != nil {
		return nil, err
	}
	for _, r := range recs {
		typ, err := str(r, "type")
		if err != nil {
			return nil, err
		}
		kind, ok := relTypes[typ]
		if !ok {
			return nil, fmt.Errorf("relationship type %q", typ)
		}
		rel, err := decodeRel(kind, r)
		if err != nil {
			return nil, err
		}
		events = append(events, graph.RelationEvent(rel, nil))
	}
	refs, err := run(ctx, tx, stNodeReferrers, params{"workspace": ws, "id": id})
	if err != nil {
		return nil, err
	}
	for _, r := range refs {
		rid, err := str(r, "id")
		if err != nil {
			return nil, err
		}
		kind, err := str(r, "kind")
		if err != nil {
			return nil, err
		}
		old, _, err := getNode(ctx, tx, ws, graph.Kind(kind), rid)
		if err != nil {
			return nil, err
		}
		var after graph.Node
		switch x := old.(type) {
		case graph.Enabler:
			x.Owner = ""
			after = x
		case graph.Engagement:
			x.With = slices.DeleteFunc(slices.Clone(x.With), func(s string) bool { return s == id })
			x.About = slices.DeleteFunc(slices.Clone(x.About), func(s string) bool { return s == id })
			if len(x.With) > 0 {
				after = x
			}
		}
		events = append(events, graph.NodeEvent(old, after))
	}
	return append(events, graph.NodeEvent(n, nil)), nil
}

// relTypes maps the relationship types of Neo4j to their kinds.
var relTypes = map[string]graph.RelKind{
	"STAKE": graph.RelStake, "INFLUENCES": graph.RelInfluence, "REPORTS_TO": graph.RelReportsTo,
	"SUPPORTS": graph.RelSupports, "DEPENDS_ON": graph.RelDependsOn,
}

// EraseStakeholder deletes a person as DeleteNode does and rewrites the
// workspace's events so that only erased-<n>, its kind and attitude
// unknown remain. Neo4j keeps the old values in its transaction logs and
// backups: the README says what the operator must do about them.
func (s *Store) EraseStakeholder(ctx context.Context, ws, id string) (string, error) {
	alias, err := writeTx(ctx, s, func(tx neo4j.ManagedTransaction) (string, error) {
		seq, err := touch(ctx, tx, ws)
		if err != nil {
			return "", err
		}
		n, _, err := getNode(ctx, tx, ws, graph.KindStakeholder, id)
		if err != nil {
			return "", err
		}
		h, err := historyState(ctx, tx, ws)
		if err != nil {
			return "", err
		}
		var alias string
		for {
			h.erased++
			alias = graph.ErasedAlias(h.erased)
			look, err := lookup(ctx, tx, ws, []string{alias})
			if err != nil {
				return "", err
			}
			if _, taken := look(alias); !taken {
				break
			}
		}
		events, err := deleteNode(ctx, tx, ws, n, seq)
		if err != nil {
			return "", err
		}
		past, err := listEvents(ctx, tx, ws, graph.EventQuery{}, strconv.Quote(id))
		if err != nil {
			return "", err
		}
		var rows []map[string]any
		for _, e := range past {
			changed, err := graph.EraseFromEvent(&e, id, alias)
			if err != nil {
				return "", err
			}
			if changed {
				rows = append(rows, eventRow(e))
			}
		}
		for chunk := range slices.Chunk(rows, batchSize) {
			if _, err := run(ctx, tx, stEventRewrite, params{"workspace": ws, "rows": chunk}); err != nil {
				return "", err
			}
		}
		for i := range events {
			if _, err := graph.EraseFromEvent(&events[i], id, alias); err != nil {
				return "", err
			}
		}
		if err := setHistory(ctx, tx, ws, h); err != nil {
			return "", err
		}
		return alias, record(ctx, tx, ws, append(events, graph.ErasureEvent(alias))...)
	})
	return alias, op("EraseStakeholder", ws, err)
}

// relationAt reads the relationship of a kind and key, or nil.
func relationAt(ctx context.Context, tx neo4j.ManagedTransaction, ws string, kind graph.RelKind, key graph.RelKey) (graph.Relation, error) {
	recs, err := run(ctx, tx, stNodeRelations, params{"workspace": ws, "id": key.A})
	if err != nil {
		return nil, err
	}
	for _, r := range recs {
		typ, err := str(r, "type")
		if err != nil {
			return nil, err
		}
		if relTypes[typ] != kind {
			continue
		}
		rel, err := decodeRel(kind, r)
		if err != nil {
			return nil, err
		}
		if rel.Key() == key {
			return rel, nil
		}
	}
	return nil, nil
}
