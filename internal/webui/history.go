package webui

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/history"
)

// The history page (DESIGN §10, §13): what changed, by whom and when,
// newest first, in words; filtered by kind, by the person or trajectory
// it concerns and by period; a page at a time.

// ActorNames names the accounts that made changes, for the history;
// access.Service provides it. A sign-in without it shows accounts by id.
type ActorNames interface {
	ActorNames(ctx context.Context, ids []string) (map[string]string, error)
}

// historyPage is how many events one page of the history shows.
const historyPage = 50

// eventKinds are the kinds the history can be filtered by, in the order
// the filter offers them.
var eventKinds = []string{"stakeholder", "trajectory", "engagement", "stake", "influence", "reportsTo", "goal",
	"supports", "enabler", "dependsOn", graph.KindWorkspace}

// eventLine is one event as the page shows it: "Ruud Smit: Houding:
// criticus → voorstander, door Anouk de Vries, 12-11-2026 14:03".
type eventLine struct {
	Subject, Link, Kind string
	What                string
	Fields              []fieldChange
	Actor, When, At     string
}

type historyData struct {
	Events      []eventLine
	Next, First string
	Filtered    bool
	Names       []string
}

// hist is the backend's history, or nil for a backend that keeps none.
func (s *Server) hist() history.Store {
	h, ok := s.store.(graph.History)
	if !ok {
		return nil
	}
	return struct {
		graph.Store
		graph.History
	}{s.store, h}
}

func (s *Server) historyPage(w http.ResponseWriter, r *http.Request, v *view) {
	hs := s.hist()
	if hs == nil {
		s.fail(w, v, graph.ErrNotFound)
		return
	}
	ctx := r.Context()
	d, err := s.load(ctx, v.WS.ID)
	if err != nil {
		s.fail(w, v, err)
		return
	}
	q := r.URL.Query()
	f := newForm()
	for _, k := range []string{"kind", "who", "since", "until"} {
		f.Values[k] = strings.TrimSpace(q.Get(k))
	}
	c := checker{v.tr, f}
	eq := graph.EventQuery{Limit: historyPage + 1}
	if k := f.V("kind"); k != "" {
		if !slices.Contains(eventKinds, k) {
			c.bad("kind", v.T("p.oneof", v.EnumList("eventkind", eventKinds)))
		}
		eq.Kind = k
	}
	if who := f.V("who"); who != "" {
		eq.ID = s.historySubject(v, d, c, who)
	}
	if day := c.date("since", false); day != "" {
		eq.Since = dayStart(day)
	}
	if day := c.date("until", false); day != "" {
		eq.Until = dayStart(day).AddDate(0, 0, 1).Add(-time.Nanosecond)
	}
	if !eq.Since.IsZero() && !eq.Until.IsZero() && eq.Since.After(eq.Until) {
		c.bad("until", v.T("h.order"))
	}
	if n, err := strconv.ParseInt(q.Get("before"), 10, 64); err == nil && n > 0 {
		eq.Before = n
	}
	hd := historyData{Filtered: f.V("kind") != "" || f.V("who") != "" || f.V("since") != "" || f.V("until") != "",
		Names: slices.Clone(d.peopleNames)} // d is shared: never append to its lists
	for _, t := range d.B.Trajectories {
		hd.Names = append(hd.Names, t.Name)
	}
	if !f.Bad() {
		var events []graph.Event
		if eq.ID != "" {
			events, err = history.EventsAbout(ctx, hs, v.WS.ID, eq)
		} else {
			events, err = hs.Events(ctx, v.WS.ID, eq)
		}
		if err != nil {
			s.fail(w, v, err)
			return
		}
		if len(events) > historyPage {
			events = events[:historyPage]
			next := url.Values{}
			for k, val := range f.Values {
				if val != "" {
					next.Set(k, val)
				}
			}
			next.Set("before", strconv.FormatInt(events[len(events)-1].Seq, 10))
			hd.Next = v.U("history") + "?" + next.Encode()
		}
		if eq.Before > 0 {
			first := url.Values{}
			for k, val := range f.Values {
				if val != "" {
					first.Set(k, val)
				}
			}
			hd.First = v.U("history") + "?" + first.Encode()
		}
		hd.Events = s.eventLines(ctx, v, d, events)
	}
	v.Forms = map[string]*form{"history": f}
	v.Title, v.Nav, v.Data = v.T("h.title"), "history", hd
	s.render(w, v, "history", http.StatusOK)
}

// historySubject finds the id a typed name stands for: a person,
// trajectory, goal or enabler of now, or an id typed as such (someone
// deleted or erased since).
func (s *Server) historySubject(v *view, d *wsData, c checker, typed string) string {
	id, problem := d.resolve(v.tr, typed, graph.KindStakeholder, graph.KindTrajectory, graph.KindGoal, graph.KindEnabler)
	if problem == "" {
		return id
	}
	if graph.ValidID(typed) {
		return typed
	}
	c.bad("who", problem)
	return ""
}

// dayStart is the first moment of a date in the display zone.
func dayStart(day string) time.Time {
	t, _ := time.ParseInLocation(time.DateOnly, day, displayZone)
	return t
}

// eventLines puts events into words.
func (s *Server) eventLines(ctx context.Context, v *view, d *wsData, events []graph.Event) []eventLine {
	n := &namer{t: v.tr, states: []*wsData{d}}
	var accounts []string
	for _, e := range events {
		if e.ID != "" && e.Kind != graph.KindWorkspace {
			n.learn(e.ID, e.After, e.Before)
		}
		if id, ok := strings.CutPrefix(string(e.Actor), "account:"); ok {
			accounts = append(accounts, id)
		}
	}
	names := map[string]string{}
	if an, ok := s.cfg.Auth.(ActorNames); ok && len(accounts) > 0 {
		var err error
		if names, err = an.ActorNames(ctx, accounts); err != nil {
			s.log.Error("webui: actor names", "err", err)
		}
	}
	out := make([]eventLine, 0, len(events))
	for _, e := range events {
		l := eventLine{Actor: actorName(v, e.Actor, names), When: v.When(e.At), At: e.At}
		switch {
		case e.Kind == graph.KindWorkspace:
			l.Subject, l.Kind = v.T("h.workspace"), v.Enum("eventkind", e.Kind)
		case e.Key != nil:
			l.Subject, l.Kind = n.relation(e.Kind, e.Key), v.Enum("eventkind", e.Kind)
		default:
			l.Subject, l.Kind, l.Link = n.node(e.Kind, e.ID, e.After, e.Before), v.Enum("eventkind", e.Kind), v.link(d, e.Kind, e.ID)
		}
		switch e.Action {
		case graph.ActionCreate:
			l.What = v.T("h.created")
		case graph.ActionDelete:
			l.What = v.T("h.deleted")
		case graph.ActionErase:
			l.What = v.T("h.erasedact")
		default:
			l.Fields = n.changes(e.Kind, diff(e.Before, e.After, e.Key))
			if len(l.Fields) == 0 {
				l.What = v.T("h.updated")
			}
		}
		out = append(out, l)
	}
	return out
}

// actorName says who made a change: an account's name, a token by its
// name, the command line, or the service itself.
func actorName(v *view, a graph.Actor, accounts map[string]string) string {
	s := string(a)
	switch {
	case a == graph.ActorCLI:
		return v.T("h.cli")
	case a == graph.ActorSystem:
		return v.T("h.system")
	case a == "":
		return v.T("h.unknown")
	}
	if id, ok := strings.CutPrefix(s, "account:"); ok {
		if n := accounts[id]; n != "" {
			return n
		}
		return v.T("h.account", id)
	}
	if name, ok := strings.CutPrefix(s, "token:"); ok {
		return v.T("h.token", name)
	}
	return s
}

// EventKinds lists the kinds the history can be filtered by.
func (v *view) EventKinds() []string { return eventKinds }
