package history_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/graph/storetest"
	"github.com/stakemap/stakemap/internal/embedded"
	"github.com/stakemap/stakemap/internal/history"
)

func open(t *testing.T) *embedded.Store {
	t.Helper()
	s, err := embedded.Open(filepath.Join(t.TempDir(), "h.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// TestRandomHistory makes random changes of every kind and checks, for
// every recorded point, that the state rebuilt at it is the state that
// was exported then, and that Compare's shortcut (diffing only what the
// events between touched) equals comparing the two whole states.
func TestRandomHistory(t *testing.T) {
	ctx := t.Context()
	s := open(t)
	r := rand.New(rand.NewPCG(7, 11))
	b := storetest.Generate(3, 40, 6, 120)
	storetest.AddRhythms(b, 3)
	ws := b.Workspace.ID
	if err := s.ImportBundle(ctx, b, graph.Precondition{}); err != nil {
		t.Fatal(err)
	}
	type mark struct {
		p     history.Point
		state *graph.Bundle
	}
	var marks []mark
	attitudes := []string{"champion", "supporter", "neutral", "critic", "blocker", "unknown"}
	for step := range 60 {
		cur, err := s.ExportBundle(ctx, ws)
		if err != nil {
			t.Fatal(err)
		}
		if step%6 == 0 {
			sn, err := s.CreateSnapshot(ctx, ws, graph.Snapshot{Name: fmt.Sprint("s", step)})
			if err != nil {
				t.Fatal(err)
			}
			p, err := history.Resolve(ctx, s, ws, "at", sn.ID)
			if err != nil {
				t.Fatal(err)
			}
			marks = append(marks, mark{p, cur})
		} else if step%5 == 0 {
			marks = append(marks, mark{history.Point{Raw: "instant", At: time.Now()}, cur})
			time.Sleep(time.Millisecond)
		}
		switch op := r.IntN(6); {
		case op == 0 && len(cur.Stakeholders) > 5: // delete a stakeholder with its cascade
			id := cur.Stakeholders[r.IntN(len(cur.Stakeholders))].ID
			if err := s.DeleteNode(ctx, ws, graph.KindStakeholder, id, 0); err != nil {
				t.Fatal(err)
			}
		case op == 1: // a new stakeholder with a stake
			id := fmt.Sprint("new-", step)
			if _, err := s.CreateNode(ctx, ws, graph.Stakeholder{ID: id, Name: "New " + id, Level: "management", Influence: 4, Interest: 3}); err != nil {
				t.Fatal(err)
			}
			if err := s.AddRelation(ctx, ws, graph.Stake{Stakeholder: id, Trajectory: cur.Trajectories[0].ID, Role: "owner"}); err != nil {
				t.Fatal(err)
			}
		case op == 2 && len(cur.Influences) > 0: // remove a relationship
			in := cur.Influences[r.IntN(len(cur.Influences))]
			if err := s.RemoveRelation(ctx, ws, graph.RelInfluence, in.Key()); err != nil {
				t.Fatal(err)
			}
		case op == 3: // import with changes, removals and additions
			nb := cur.Clone()
			for i := range nb.Stakeholders {
				if r.IntN(4) == 0 {
					nb.Stakeholders[i].Attitude = attitudes[r.IntN(len(attitudes))]
				}
			}
			if len(nb.Stakes) > 2 {
				nb.Stakes = nb.Stakes[1:]
			}
			nb.Goals = append(nb.Goals, graph.Goal{ID: fmt.Sprint("goal-", step), Name: "Goal"})
			nb.Workspace.Name = fmt.Sprint("Renamed ", step)
			if err := s.ImportBundle(ctx, nb, graph.Precondition{}); err != nil {
				t.Fatal(err)
			}
		default: // update a stakeholder
			st := cur.Stakeholders[r.IntN(len(cur.Stakeholders))]
			st.Attitude, st.ContactEvery = attitudes[r.IntN(len(attitudes))], 30*r.IntN(3)
			if _, err := s.UpdateNode(ctx, ws, st, 0); err != nil {
				t.Fatal(err)
			}
		}
	}
	for i, m := range marks {
		got, err := history.State(ctx, s, ws, m.p)
		if err != nil {
			t.Fatal(err)
		}
		if g, w := jsonOf(t, got), jsonOf(t, m.state); g != w {
			t.Errorf("mark %d (%s): rebuilt state differs from the state exported then", i, m.p.Raw)
		}
	}
	now := history.Now()
	for i := range marks {
		for _, to := range []history.Point{now, marks[min(i+2, len(marks)-1)].p} {
			from := marks[i].p
			if from.At.After(to.At) {
				continue
			}
			fast, err := history.Compare(ctx, s, ws, from, to, history.CompareParams{})
			if err != nil {
				t.Fatal(err)
			}
			a, err := history.State(ctx, s, ws, from)
			if err != nil {
				t.Fatal(err)
			}
			b, err := history.State(ctx, s, ws, to)
			if err != nil {
				t.Fatal(err)
			}
			whole, err := history.CompareBundles(ctx, a, b, from, to, history.CompareParams{})
			if err != nil {
				t.Fatal(err)
			}
			if f, w := jsonOf(t, fast), jsonOf(t, whole); f != w {
				t.Errorf("compare %s → %s: the shortcut differs from comparing whole states:\n%s\n%s", from.Raw, to.Raw, f, w)
			}
			if fast.Empty() && jsonOf(t, a) != jsonOf(t, b) {
				t.Errorf("compare %s → %s found nothing, but the states differ", from.Raw, to.Raw)
			}
		}
	}
}

// TestResolve checks the forms at takes and its refusals.
func TestResolve(t *testing.T) {
	ctx := t.Context()
	s := open(t)
	if err := s.CreateWorkspace(ctx, graph.Workspace{ID: "w", Name: "W"}); err != nil {
		t.Fatal(err)
	}
	sn, err := s.CreateSnapshot(ctx, "w", graph.Snapshot{Name: "MT"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		raw  string
		want string // the instant, RFC 3339, or the error it matches
		err  error
	}{
		{raw: "2026-11-01", want: "2026-11-01T23:59:59.999999999Z"},
		{raw: "2026-11-01T09:00:00+01:00", want: "2026-11-01T08:00:00.000000000Z"},
		{raw: "2026-11-01T09:00:00.5Z", want: "2026-11-01T09:00:00.500000000Z"},
		{raw: sn.ID, want: sn.At},
		{raw: "nope", err: graph.ErrNotFound},
		{raw: "31-9-2026", err: graph.ErrInvalid},
		{raw: "2026-09-31", err: graph.ErrInvalid},
		{raw: "", err: graph.ErrInvalid},
		{raw: "Not An Id!", err: graph.ErrInvalid},
	} {
		p, err := history.Resolve(ctx, s, "w", "at", tc.raw)
		if tc.err != nil {
			if !errors.Is(err, tc.err) {
				t.Errorf("Resolve(%q) = %v, want %v", tc.raw, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("Resolve(%q): %v", tc.raw, err)
			continue
		}
		if got := p.String(); got != tc.want {
			t.Errorf("Resolve(%q) = %s, want %s", tc.raw, got, tc.want)
		}
	}
}

// TestRetain checks that the retention run purges only workspaces with a
// retention period, and only what is older than it.
func TestRetain(t *testing.T) {
	ctx := t.Context()
	s := open(t)
	for _, id := range []string{"keep", "short"} {
		if err := s.CreateWorkspace(ctx, graph.Workspace{ID: id, Name: id}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateNode(ctx, id, graph.Goal{ID: "g", Name: "G"}); err != nil {
			t.Fatal(err)
		}
	}
	w, _ := s.Workspace(ctx, "short")
	if err := s.UpdateWorkspace(ctx, w, graph.Settings{RetentionMonths: 1}, graph.Precondition{}); err != nil {
		t.Fatal(err)
	}
	if n, err := history.Retain(ctx, s, time.Now()); err != nil || n != 0 {
		t.Errorf("Retain now = %d, %v; want nothing older than a month", n, err)
	}
	// Two months on, everything of "short" is past its month.
	n, err := history.Retain(ctx, s, time.Now().AddDate(0, 2, 0))
	if err != nil {
		t.Fatal(err)
	}
	if n != 3 {
		t.Errorf("Retain two months on purged %d events, want the 3 of short", n)
	}
	for ws, want := range map[string]int{"keep": 2, "short": 0} {
		es, err := s.Events(ctx, ws, graph.EventQuery{})
		if err != nil {
			t.Fatal(err)
		}
		if len(es) != want {
			t.Errorf("%s has %d events left, want %d", ws, len(es), want)
		}
	}
}
