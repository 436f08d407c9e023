// Package history answers questions about a workspace's past from the
// events its store records (DESIGN §10): the state at an instant or a
// snapshot (time travel), and the comparison of two such states. It works
// the same on every backend: a backend only stores and lists events, and
// the past is rebuilt here, in Go, by undoing the events after the
// instant asked for, newest first, on the current state.
package history

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/stakemap/stakemap/graph"
)

// Store is what time travel needs of a backend.
type Store interface {
	graph.Store
	graph.History
}

// Point is a resolved "at": an instant, or a snapshot (which also has the
// instant it was taken).
type Point struct {
	// Raw is the at as given.
	Raw string
	// At is the instant; for a date, the end of that day (UTC).
	At time.Time
	// Snapshot is the snapshot Raw named, if it named one.
	Snapshot *graph.Snapshot
}

// Date is the UTC date of the point: the asOf an analysis at that point
// defaults to.
func (p Point) Date() string { return p.At.UTC().Format(time.DateOnly) }

// Name is what a map calls the point: its snapshot's name, else the at as
// given.
func (p Point) Name() string {
	if p.Snapshot != nil {
		return p.Snapshot.Name
	}
	return p.Raw
}

// String is the point's instant in RFC 3339, as a comparison names it.
func (p Point) String() string { return p.At.UTC().Format(graph.EventTime) }

// Error is a refusal that people read: an at before the workspace
// existed or before the retention cut-off, or an unknown snapshot. Msg
// says why in words; Err is the sentinel it matches (graph.ErrNotFound or
// graph.ErrGone).
type Error struct {
	Msg string
	Err error
}

func (e *Error) Error() string { return e.Msg }

// Unwrap returns the sentinel.
func (e *Error) Unwrap() error { return e.Err }

func refuse(sentinel error, format string, args ...any) error {
	return &Error{Msg: fmt.Sprintf(format, args...), Err: sentinel}
}

// errAt is a bad at: 400 naming the parameter.
func errAt(field, value, reason string) error {
	return graph.Invalid([]graph.Problem{{Field: field, Value: value, Reason: reason}})
}

// Resolve turns an at (a snapshot id, an RFC 3339 instant, or a date
// YYYY-MM-DD meaning the end of that day, UTC) into a Point. field names
// the parameter in errors. An unknown snapshot is ErrNotFound.
func Resolve(ctx context.Context, s graph.History, ws, field, raw string) (Point, error) {
	raw = strings.TrimSpace(raw)
	p := Point{Raw: raw}
	if raw == "" {
		return p, errAt(field, raw, "is empty: give a snapshot id, an RFC 3339 instant or a date YYYY-MM-DD")
	}
	if d, err := time.Parse(time.DateOnly, raw); err == nil {
		p.At = d.Add(24*time.Hour - time.Nanosecond)
		return p, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, raw); err == nil {
		p.At = t.UTC()
		return p, nil
	}
	if !graph.ValidID(raw) || graph.LooksLikeTime(raw) {
		return p, errAt(field, raw, "is neither a snapshot id, an RFC 3339 instant (2026-11-01T09:00:00Z) nor a date (2026-11-01)")
	}
	snaps, err := s.Snapshots(ctx, ws)
	if err != nil {
		return p, err
	}
	for _, sn := range snaps {
		if sn.ID == raw {
			at, err := time.Parse(time.RFC3339Nano, sn.At)
			if err != nil {
				return p, fmt.Errorf("snapshot %q: %w", sn.ID, err)
			}
			p.At, p.Snapshot = at, &sn
			return p, nil
		}
	}
	return p, refuse(graph.ErrNotFound, "%s %q: workspace %q has no snapshot with that id", field, raw, ws)
}

// Now is the point of the current state.
func Now() Point {
	return Point{Raw: "now", At: time.Now().UTC()}
}

// ResolveRange resolves the two points of a comparison, from and to, as
// Resolve does; an empty to is now.
func ResolveRange(ctx context.Context, s graph.History, ws, from, to string) (Point, Point, error) {
	fp, err := Resolve(ctx, s, ws, "from", from)
	if err != nil {
		return fp, Point{}, err
	}
	if to == "" {
		return fp, Now(), nil
	}
	tp, err := Resolve(ctx, s, ws, "to", to)
	return fp, tp, err
}

// Instant reads a since or until bound of a list of events: an RFC 3339
// instant, or a date YYYY-MM-DD meaning its first moment or, with
// endOfDay, its last (UTC). Empty is the zero time; ok is false when raw
// is neither, and the caller says so in its own words.
func Instant(raw string, endOfDay bool) (t time.Time, ok bool) {
	if raw == "" {
		return time.Time{}, true
	}
	if d, err := time.Parse(time.DateOnly, raw); err == nil {
		if endOfDay {
			d = d.Add(24*time.Hour - time.Nanosecond)
		}
		return d, true
	}
	t, err := time.Parse(time.RFC3339Nano, raw)
	return t, err == nil
}

// Cutoff is the instant before which a workspace's past is no longer kept:
// the later of the last purge and the retention period counted back from
// now. Zero when everything is kept.
func Cutoff(st graph.HistoryState, now time.Time) time.Time {
	var cut time.Time
	if st.PurgedBefore != "" {
		if t, err := time.Parse(time.RFC3339Nano, st.PurgedBefore); err == nil {
			cut = t
		}
	}
	if m := st.Settings.RetentionMonths; m > 0 {
		if t := now.UTC().AddDate(0, -m, 0); t.After(cut) {
			cut = t
		}
	}
	return cut
}

// check refuses a point before the workspace existed (ErrNotFound) or
// before the retention cut-off (ErrGone).
func check(ws string, p Point, st graph.HistoryState) error {
	if st.Created != "" {
		if created, err := time.Parse(time.RFC3339Nano, st.Created); err == nil && p.At.Before(created) {
			return refuse(graph.ErrNotFound, "workspace %q did not exist yet at %s: it was created at %s", ws, p.Raw, st.Created)
		}
	}
	if cut := Cutoff(st, time.Now()); !cut.IsZero() && p.At.Before(cut) {
		return refuse(graph.ErrGone, "workspace %q at %s: history before %s is no longer kept (retention period)", ws, p.Raw, cut.Format(graph.EventTime))
	}
	return nil
}

// maxTries bounds the retries of a read when writes keep landing between
// its reads.
const maxTries = 5

// read returns the current state and the events after the earliest of
// the points, newest first, checking every point against the history's
// reach. It reads the state and the events in separate calls and retries
// when a write landed in between, so it needs no transaction spanning
// both.
func read(ctx context.Context, s Store, ws string, earliest Point, points ...Point) (*graph.Bundle, []graph.Event, error) {
	for range maxTries {
		st, err := s.HistoryState(ctx, ws)
		if err != nil {
			return nil, nil, err
		}
		for _, p := range append([]Point{earliest}, points...) {
			if err := check(ws, p, st); err != nil {
				return nil, nil, err
			}
		}
		b, err := s.ExportBundle(ctx, ws)
		if err != nil {
			return nil, nil, err
		}
		q := graph.EventQuery{Since: earliest.At.Add(time.Nanosecond)}
		if earliest.Snapshot != nil {
			q = graph.EventQuery{After: earliest.Snapshot.Seq}
		}
		events, err := s.Events(ctx, ws, q)
		if err != nil {
			return nil, nil, err
		}
		again, err := s.HistoryState(ctx, ws)
		if err != nil {
			return nil, nil, err
		}
		if again.LastSeq == st.LastSeq {
			return b, events, nil
		}
	}
	return nil, nil, fmt.Errorf("workspace %q: it kept changing while being read; try again: %w", ws, graph.ErrConflict)
}

// State returns the workspace as it was at p: the current state with
// every later event undone.
func State(ctx context.Context, s Store, ws string, p Point) (*graph.Bundle, error) {
	b, events, err := read(ctx, s, ws, p)
	if err != nil {
		return nil, err
	}
	if err := Undo(b, events); err != nil {
		return nil, fmt.Errorf("workspace %q at %s: %w", ws, p.Raw, err)
	}
	return b, nil
}

// errNoWorkspace is what undoing a workspace's creation gives: the state
// asked for is from before the workspace existed.
var errNoWorkspace = refuse(graph.ErrNotFound, "the workspace did not exist yet")

// Undo turns b back by the events, given newest first: each entity is set
// to its before (or removed when there was none). The result is in
// canonical order.
func Undo(b *graph.Bundle, events []graph.Event) error {
	if len(events) == 0 {
		return nil
	}
	d := newDelta()
	for _, e := range events {
		if err := d.undo(e); err != nil {
			return err
		}
	}
	if d.gone {
		return errNoWorkspace
	}
	*b = *d.apply(b)
	return nil
}
