package graph

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Event is one recorded change of a workspace (DESIGN §10): which change,
// when, by whom, and the entity as it was before and after. A node event
// has Kind (a node kind) and ID; a relationship event has Kind (the
// compare kind: stake, influence, …) and Key; a workspace event has Kind
// "workspace" and the workspace id. Before is null for a creation, After
// for a deletion.
type Event struct {
	Seq    int64             `json:"seq"`
	At     string            `json:"at"`
	Actor  Actor             `json:"actor"`
	Action string            `json:"action"`
	Kind   string            `json:"kind"`
	ID     string            `json:"id,omitempty"`
	Key    map[string]string `json:"key,omitempty"`
	Before json.RawMessage   `json:"before"`
	After  json.RawMessage   `json:"after"`
}

// Event actions.
const (
	ActionCreate = "create"
	ActionUpdate = "update"
	ActionDelete = "delete"
	// ActionErase records that a person was erased (GDPR art. 17); the
	// event names only the alias and holds no personal data.
	ActionErase = "erase"
)

// KindWorkspace is the Kind of events about the workspace itself.
const KindWorkspace = "workspace"

// ActorSystem is recorded for changes made without a known actor, such as
// a retention purge; it is never guessed for a write that lacks one.
const ActorSystem Actor = "system"

// EventTime is the layout of Event.At: RFC 3339 in UTC with all nine
// digits of nanoseconds, so that events within one second keep their
// order and instants compare as text (stores filter them so).
const EventTime = "2006-01-02T15:04:05.000000000Z07:00"

// EventQuery filters and pages a workspace's history. Zero values filter
// nothing.
type EventQuery struct {
	// Kind keeps events of that kind (a node kind, a compare kind of
	// relationships, or "workspace").
	Kind string
	// ID keeps events about that id: a node's id, or an id in a
	// relationship's key.
	ID string
	// Since and Until keep events with Since ≤ at ≤ Until.
	Since, Until time.Time
	// Before keeps events with a seq below it: the paging cursor.
	Before int64
	// After keeps events with a seq above it.
	After int64
	// Limit caps the number of events; 0 means no cap.
	Limit int
}

// EventNames reports whether an event is about id: its id, or an id in
// its relationship key.
func EventNames(e Event, id string) bool {
	if e.ID == id {
		return true
	}
	for _, v := range e.Key {
		if v == id {
			return true
		}
	}
	return false
}

// Match reports whether e passes the query's filters (not its paging).
func (q EventQuery) Match(e Event) bool {
	if q.Kind != "" && e.Kind != q.Kind {
		return false
	}
	if q.ID != "" && !EventNames(e, q.ID) {
		return false
	}
	if q.Before > 0 && e.Seq >= q.Before || e.Seq <= q.After {
		return false
	}
	if !q.Since.IsZero() || !q.Until.IsZero() {
		at, err := time.Parse(time.RFC3339Nano, e.At)
		if err != nil {
			return false
		}
		if !q.Since.IsZero() && at.Before(q.Since) || !q.Until.IsZero() && at.After(q.Until) {
			return false
		}
	}
	return true
}

// Snapshot is a named point in a workspace's history: reading at its id
// reads the workspace as it was when it was taken.
type Snapshot struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	At   string `json:"at"`
	// Seq is the last event the snapshot includes.
	Seq int64 `json:"-"`
}

// Settings are a workspace's settings kept outside the stakemap/v1
// document.
type Settings struct {
	// RetentionMonths purges history and snapshots older than that many
	// months; 0 keeps them for ever.
	RetentionMonths int `json:"retentionMonths"`
}

// MaxRetentionMonths bounds RetentionMonths (100 years).
const MaxRetentionMonths = 1200

// HistoryState says how far a workspace's history reaches.
type HistoryState struct {
	// LastSeq is the seq of the newest event (0: none yet).
	LastSeq int64
	// Created is when the workspace came into being (empty when unknown,
	// for a workspace older than its history).
	Created string
	// PurgedBefore is the instant before which events were purged (empty:
	// none were).
	PurgedBefore string
	// Settings are the workspace's settings.
	Settings Settings
}

// History is the event log, snapshots, settings and erasure of a Store.
// Every write method of the Store records its events in the same
// transaction as the change, with the actor of graph.ActorOf(ctx).
type History interface {
	// Events lists a workspace's events newest first, filtered by q, and
	// ErrNotFound for an unknown workspace.
	Events(ctx context.Context, ws string, q EventQuery) ([]Event, error)
	// HistoryState returns how far a workspace's history reaches, or
	// ErrNotFound.
	HistoryState(ctx context.Context, ws string) (HistoryState, error)
	// CreateSnapshot names the workspace's current state. An empty id
	// gets one made from the name. ErrNotFound: no such workspace;
	// ErrConflict: the id is taken; ErrInvalid: bad name or id.
	CreateSnapshot(ctx context.Context, ws string, s Snapshot) (Snapshot, error)
	// Snapshots lists a workspace's snapshots, oldest first.
	Snapshots(ctx context.Context, ws string) ([]Snapshot, error)
	// UpdateWorkspace sets the workspace's name, language, ldUnit and
	// settings, recording the change. ErrNotFound, ErrInvalid, and
	// ErrStale when pre does not hold.
	UpdateWorkspace(ctx context.Context, w Workspace, s Settings, pre Precondition) error
	// EraseStakeholder removes a stakeholder as DeleteNode does and
	// rewrites every event so that they become alias (erased-<n>), keeping
	// only kind and attitude unknown; it records one erase event and
	// returns the alias. ErrNotFound: no such stakeholder.
	EraseStakeholder(ctx context.Context, ws, id string) (alias string, err error)
	// PurgeHistory removes events and snapshots from before the instant,
	// returning how many events went. ErrNotFound: no such workspace.
	PurgeHistory(ctx context.Context, ws string, before time.Time) (int, error)
}

// Clock stamps events; backends use time.Now unless a test sets another.
type Clock func() time.Time

// Stamp returns the at of an event made now, never earlier than last (the
// at of the previous event), so that at never decreases with seq even
// when the wall clock steps back.
func Stamp(now time.Time, last string) string {
	now = now.UTC()
	if prev, err := time.Parse(time.RFC3339Nano, last); err == nil && now.Before(prev) {
		now = prev
	}
	return now.Format(EventTime)
}

// ErrGone is what an at before the retention cut-off gives: that past is
// no longer kept. The HTTP layer answers 410.
var ErrGone = errors.New("gone: purged by the retention period")

// ErasedAlias is the id an erased person gets in history: erased-<n>.
func ErasedAlias(n int64) string { return fmt.Sprintf("erased-%d", n) }

// ErasureEvent is the audit record of an erasure: who erased whom (by
// alias only) and when, with no personal data.
func ErasureEvent(alias string) Event {
	return Event{Action: ActionErase, Kind: string(KindStakeholder), ID: alias, Before: null, After: null}
}

// SettingsEvent is the event of a workspace's fields or settings
// changing: before and after hold the workspace with its settings.
func SettingsEvent(oldW, newW Workspace, oldS, newS Settings) Event {
	e := WorkspaceEvent(&oldW, &newW)
	e.Before, e.After = withSettings(oldW, oldS), withSettings(newW, newS)
	return e
}

func withSettings(w Workspace, s Settings) json.RawMessage {
	type both struct {
		Workspace
		Settings
	}
	return EventJSON(both{w, s})
}

// ValidateSettings checks a workspace's settings.
func ValidateSettings(s Settings) []Problem {
	if s.RetentionMonths < 0 || s.RetentionMonths > MaxRetentionMonths {
		return []Problem{{Entry: "workspace", Field: "retentionMonths", Value: fmt.Sprint(s.RetentionMonths),
			Reason: fmt.Sprintf("must be a whole number of months from 0 (keep for ever) to %d", MaxRetentionMonths)}}
	}
	return nil
}

// ValidateSnapshot checks a snapshot to be created: a name of at most 200
// characters, and an id, when given, that is a slug and no date.
func ValidateSnapshot(s Snapshot) []Problem {
	var ps []Problem
	if strings.TrimSpace(s.Name) == "" {
		ps = append(ps, Problem{Entry: "snapshot", Field: "name", Value: s.Name, Reason: "is required"})
	} else if reason := TextProblem(s.Name, 200, false); reason != "" {
		ps = append(ps, Problem{Entry: "snapshot", Field: "name", Value: s.Name, Reason: reason})
	}
	if s.ID != "" && (!ValidID(s.ID) || looksLikeInstant(s.ID)) {
		ps = append(ps, Problem{Entry: "snapshot", Field: "id", Value: s.ID, Reason: "must be a slug (a-z, 0-9, . _ -) that does not look like a date"})
	}
	return ps
}

func looksLikeInstant(id string) bool { return LooksLikeTime(id) }

// LooksLikeTime reports whether s was meant as a date or an instant: it
// starts with a digit and holds only digits and the punctuation of dates
// and times. Snapshot ids never look so, so an at like 31-9-2026 is a bad
// date, not an unknown snapshot.
func LooksLikeTime(s string) bool {
	if s == "" || s[0] < '0' || s[0] > '9' {
		return false
	}
	return strings.Trim(s, "0123456789-:.TtZz+") == ""
}

// SnapshotID makes a snapshot's id from its name, as node ids are made
// (a slug, then -2, …), never one that reads as a date, so that an at
// naming it is never taken for a date.
func SnapshotID(name string, taken func(string) bool) string {
	return NewID(name, "snapshot", func(id string) bool { return taken(id) || looksLikeInstant(id) })
}

// SortSnapshots orders snapshots oldest first, then by id.
func SortSnapshots(s []Snapshot) {
	slices.SortFunc(s, func(a, b Snapshot) int {
		return cmp.Or(cmp.Compare(a.Seq, b.Seq), cmp.Compare(a.At, b.At), cmp.Compare(a.ID, b.ID))
	})
}
