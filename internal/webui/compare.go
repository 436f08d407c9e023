package webui

import (
	"context"
	"errors"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/history"
)

// The compare view, "Sinds het laatste MT-overleg" (DESIGN §10, §13): the
// workspace at one point against another — a snapshot or a date, by
// default the latest snapshot (else 30 days back) against now — with what
// was added, removed and changed, the findings new and resolved, and the
// changes map. Snapshots are made and listed here.

func init() { flashKeys["cmp.snapmade"] = true }

// defaultCompareDays is how far back the compare view looks when the
// workspace has no snapshot yet.
const defaultCompareDays = 30

// cmpLine is one entity in the comparison.
type cmpLine struct {
	Subject, Link, Kind string
	Fields              []fieldChange
}

type snapView struct{ ID, Name, When, Link string }

type compareData struct {
	From, To                         string
	Added, Removed, Changed          []cmpLine
	RelAdded, RelRemoved, RelChanged []cmpLine
	NewF, GoneF                      []findingView
	Empty, Shown                     bool
	MapSVG, MapPNG                   string
	Snapshots                        []snapView
}

// comparePoints reads the two points of the compare form. It fills in
// the defaults and puts problems next to their fields; ok is false when
// there are any.
func (s *Server) comparePoints(r *http.Request, v *view, hs history.Store, snaps []graph.Snapshot, f *form) (from, to history.Point, ok bool) {
	ctx := r.Context()
	c := checker{v.tr, f}
	isSnap := func(id string) bool {
		return slices.ContainsFunc(snaps, func(sn graph.Snapshot) bool { return sn.ID == id })
	}
	var fromRaw, toRaw string
	switch {
	case f.V("fromDate") != "":
		if day := c.date("fromDate", false); day != "" {
			// From the day the workspace began: from its beginning.
			start := dayStart(day)
			if began, ok := historyBegins(ctx, hs, v.WS.ID); ok && start.Before(began) && began.Before(start.AddDate(0, 0, 1)) {
				start = began
			}
			fromRaw = start.UTC().Format(time.RFC3339Nano)
		}
		f.Values["from"] = ""
	case f.V("from") != "":
		if !isSnap(f.V("from")) {
			c.bad("from", v.T("cmp.nosnap"))
		}
		fromRaw = f.V("from")
	case len(snaps) > 0:
		fromRaw = snaps[len(snaps)-1].ID
		f.Values["from"] = fromRaw
	default:
		start := dayStart(s.cfg.Now().In(displayZone).AddDate(0, 0, -defaultCompareDays).Format(time.DateOnly))
		if began, ok := historyBegins(ctx, hs, v.WS.ID); ok && start.Before(began) {
			start = began
		}
		fromRaw = start.UTC().Format(time.RFC3339Nano)
		f.Values["fromDate"] = v.Date(start.In(displayZone).Format(time.DateOnly))
	}
	switch {
	case f.V("toDate") != "":
		if day := c.date("toDate", false); day != "" {
			end := dayStart(day).AddDate(0, 0, 1).Add(-time.Nanosecond)
			if now := s.cfg.Now(); end.After(now) {
				end = now
			}
			toRaw = end.UTC().Format(time.RFC3339Nano)
		}
		f.Values["to"] = ""
	case f.V("to") != "":
		if !isSnap(f.V("to")) {
			c.bad("to", v.T("cmp.nosnap"))
		}
		toRaw = f.V("to")
	}
	if f.Bad() {
		return from, to, false
	}
	from, err := history.Resolve(ctx, hs, v.WS.ID, "from", fromRaw)
	if err != nil {
		pointProblem(v, c, fromField(f), err)
		return from, to, false
	}
	to = history.Point{Raw: "now", At: s.cfg.Now().UTC()}
	if toRaw != "" {
		if to, err = history.Resolve(ctx, hs, v.WS.ID, "to", toRaw); err != nil {
			pointProblem(v, c, toField(f), err)
			return from, to, false
		}
	}
	if from.At.After(to.At) {
		c.bad(toField(f), v.T("cmp.order"))
		return from, to, false
	}
	return from, to, true
}

func fromField(f *form) string {
	if f.V("fromDate") != "" {
		return "fromDate"
	}
	return "from"
}

func toField(f *form) string {
	if f.V("toDate") != "" {
		return "toDate"
	}
	return "to"
}

// historyBegins is the earliest instant the workspace can be read at: that
// of its oldest workspace event (its creation, or the oldest kept after a
// retention purge). Few events are about the workspace itself.
func historyBegins(ctx context.Context, hs history.Store, ws string) (time.Time, bool) {
	es, err := hs.Events(ctx, ws, graph.EventQuery{Kind: graph.KindWorkspace})
	if err != nil || len(es) == 0 {
		return time.Time{}, false
	}
	at, err := time.Parse(time.RFC3339Nano, es[len(es)-1].At)
	return at, err == nil
}

// pointProblem words a refused point for people: before the workspace
// existed, before the retention period, or not a point at all.
func pointProblem(v *view, c checker, field string, err error) {
	switch {
	case errors.Is(err, graph.ErrGone):
		c.bad(field, v.T("cmp.gone"))
	case errors.Is(err, graph.ErrNotFound):
		c.bad(field, v.T("cmp.before"))
	default:
		c.bad(field, v.T("p.date"))
	}
}

func (s *Server) comparePage(w http.ResponseWriter, r *http.Request, v *view) {
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
	snaps, err := hs.Snapshots(ctx, v.WS.ID)
	if err != nil {
		s.fail(w, v, err)
		return
	}
	q := r.URL.Query()
	f := newForm()
	for _, k := range []string{"from", "fromDate", "to", "toDate"} {
		f.Values[k] = strings.TrimSpace(q.Get(k))
	}
	cd := compareData{}
	for i := len(snaps) - 1; i >= 0; i-- {
		sn := snaps[i]
		cd.Snapshots = append(cd.Snapshots, snapView{ID: sn.ID, Name: sn.Name, When: v.When(sn.At),
			Link: v.U("compare") + "?" + url.Values{"from": {sn.ID}}.Encode()})
	}
	if from, to, ok := s.comparePoints(r, v, hs, snaps, f); ok {
		c, a, b, err := history.CompareStates(ctx, hs, v.WS.ID, from, to, history.CompareParams{Lang: v.lang, Zone: displayZone})
		switch {
		case errors.Is(err, graph.ErrNotFound), errors.Is(err, graph.ErrGone):
			// A point before the workspace began or before what is kept.
			pointProblem(v, checker{v.tr, f}, fromField(f), err)
		case err != nil:
			s.fail(w, v, err)
			return
		default:
			s.showComparison(v, d, from, to, index(a, ""), index(b, ""), c, &cd)
		}
	}
	if _, ok := v.Forms["snapshot"]; !ok {
		v.Forms = map[string]*form{"snapshot": newForm()}
	}
	v.Forms["compare"] = f
	v.Title, v.Nav, v.Data = v.T("cmp.title"), "history", cd
	s.render(w, v, "compare", http.StatusOK)
}

// showComparison fills the compare view's data: the two points, the
// comparison in words, and the changes map's links.
func (s *Server) showComparison(v *view, d *wsData, from, to history.Point, a, b *wsData, c *graph.Comparison, cd *compareData) {
	cd.Shown = true
	cd.From, cd.To = pointLabel(v, from), pointLabel(v, to)
	if to.Raw == "now" {
		cd.To = v.T("cmp.now", v.When(to.String()))
	}
	s.describeComparison(v, d, a, b, c, cd)
	params := url.Values{"from": {from.String()}, "to": {to.String()}, "lang": {v.lang}}
	if from.Snapshot != nil {
		params.Set("from", from.Snapshot.ID)
	}
	if s.cfg.Renderer != nil && !c.Empty() {
		cd.MapSVG = v.U("compare", "changes.svg") + "?" + params.Encode()
		params.Set("download", "1")
		cd.MapPNG = v.U("compare", "changes.png") + "?" + params.Encode()
	}
}

// pointLabel names a point: the snapshot's name and when it was taken, or
// the instant.
func pointLabel(v *view, p history.Point) string {
	if p.Snapshot != nil {
		return p.Snapshot.Name + " (" + v.When(p.Snapshot.At) + ")"
	}
	return v.When(p.String())
}

// describeComparison puts a comparison into words: names of what was
// removed from the earlier state, of the rest from the later one.
func (s *Server) describeComparison(v *view, d, a, b *wsData, c *graph.Comparison, cd *compareData) {
	later := &namer{t: v.tr, states: []*wsData{b, a}}
	earlier := &namer{t: v.tr, states: []*wsData{a, b}}
	line := func(n *namer, ref graph.NodeRef) cmpLine {
		return cmpLine{Subject: n.node(string(ref.Kind), ref.ID), Kind: v.Enum("nodekind", string(ref.Kind)), Link: v.link(d, string(ref.Kind), ref.ID)}
	}
	for _, ref := range c.Nodes.Added {
		cd.Added = append(cd.Added, line(later, ref))
	}
	for _, ref := range c.Nodes.Removed {
		cd.Removed = append(cd.Removed, line(earlier, ref))
	}
	for _, ch := range c.Nodes.Changed {
		l := line(later, graph.NodeRef{Kind: ch.Kind, ID: ch.ID})
		l.Fields = later.changes(string(ch.Kind), ch.Fields)
		cd.Changed = append(cd.Changed, l)
	}
	for _, r := range c.Relations.Added {
		cd.RelAdded = append(cd.RelAdded, cmpLine{Subject: later.relation(r.Kind, r.Key), Kind: v.Enum("eventkind", r.Kind)})
	}
	for _, r := range c.Relations.Removed {
		cd.RelRemoved = append(cd.RelRemoved, cmpLine{Subject: earlier.relation(r.Kind, r.Key), Kind: v.Enum("eventkind", r.Kind)})
	}
	for _, r := range c.Relations.Changed {
		cd.RelChanged = append(cd.RelChanged, cmpLine{Subject: later.relation(r.Kind, r.Key), Kind: v.Enum("eventkind", r.Kind),
			Fields: later.changes(r.Kind, r.Fields)})
	}
	cd.NewF = viewFindings(v, b, c.Findings.New)
	cd.GoneF = viewFindings(v, a, c.Findings.Resolved)
	for i := range cd.GoneF {
		cd.GoneF[i].Fix = "" // settled: nothing to fix
	}
	cd.Empty = c.Empty() && len(cd.NewF) == 0 && len(cd.GoneF) == 0
}

// changesMap draws the changes map of the compare view: the grid with an
// arrow from where each person stood to where they stand.
func (s *Server) changesMap(w http.ResponseWriter, r *http.Request, v *view) {
	hs := s.hist()
	format, ok := strings.CutPrefix(r.PathValue("file"), "changes.")
	if hs == nil || s.cfg.Renderer == nil || !ok || (format != "svg" && format != "png") {
		s.fail(w, v, graph.ErrNotFound)
		return
	}
	ctx, q := r.Context(), r.URL.Query()
	from, err := history.Resolve(ctx, hs, v.WS.ID, "from", q.Get("from"))
	if err != nil {
		http.Error(w, v.T("err.notfound.text"), http.StatusNotFound)
		return
	}
	to := history.Point{Raw: "now", At: s.cfg.Now().UTC()}
	if raw := q.Get("to"); raw != "" {
		if to, err = history.Resolve(ctx, hs, v.WS.ID, "to", raw); err != nil {
			http.Error(w, v.T("err.notfound.text"), http.StatusNotFound)
			return
		}
	}
	a, b, err := history.States(ctx, hs, v.WS.ID, from, to)
	if err != nil {
		http.Error(w, v.T("err.notfound.text"), http.StatusNotFound)
		return
	}
	lang := q.Get("lang")
	if !slices.Contains(graph.Languages, lang) {
		lang = v.lang
	}
	// Named and dated as the person sees the points: a snapshot by its
	// name, an instant by its date in Dutch time.
	req := MapRequest{Kind: "changes", Format: format, Lang: lang, Before: a, Attachment: q.Get("download") == "1",
		Since: tr{lang}.Date(from.At.In(displayZone).Format(time.DateOnly)), AsOf: to.At.In(displayZone).Format(time.DateOnly)}
	if from.Snapshot != nil {
		req.Since = from.Snapshot.Name
	}
	res, err := s.cfg.Renderer.RenderMap(ctx, b, req)
	if err != nil {
		s.log.Error("webui: render changes map", "format", format, "err", err)
		http.Error(w, v.T("err.internal.text"), http.StatusServiceUnavailable)
		return
	}
	h := w.Header()
	h.Set("Content-Type", res.ContentType)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, no-cache")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:")
	if req.Attachment {
		name := tr{lang}.T("cmp.file") + "." + format
		if from.Snapshot != nil {
			name = tr{lang}.T("cmp.filesince") + from.Snapshot.ID + "." + format
		}
		h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	}
	w.Write(res.Data)
}

// snapshotCreate names the workspace's current state ("MT 12 november"),
// then shows the compare view, which compares from it from now on.
func (s *Server) snapshotCreate(w http.ResponseWriter, r *http.Request, v *view) {
	hs := s.hist()
	if hs == nil {
		s.fail(w, v, graph.ErrNotFound)
		return
	}
	f, err := posted(r)
	if err != nil {
		s.fail(w, v, err)
		return
	}
	c := checker{v.tr, f}
	name := c.text("name", 200, false, true)
	if !f.Bad() {
		_, err := hs.CreateSnapshot(r.Context(), v.WS.ID, graph.Snapshot{Name: name})
		switch {
		case err == nil:
			seeOther(w, r, withFlash(v.U("compare"), "cmp.snapmade"))
			return
		case errors.Is(err, graph.ErrConflict):
			c.bad("name", v.T("err.exists"))
		case !c.problems(err):
			s.fail(w, v, err)
			return
		}
	}
	v.Forms = map[string]*form{"snapshot": f}
	r.URL.RawQuery = ""
	s.comparePage(w, r, v)
}

// SnapshotOptions lists the snapshots for the compare form's drop-downs,
// newest first.
func (v *view) SnapshotOptions(name, field, blank string) fieldView {
	fv := v.Field(name, field, "cmp."+field)
	fv.Options = append(fv.Options, option{Value: "", Label: v.T(blank), Selected: fv.Value == ""})
	if cd, ok := v.Data.(compareData); ok {
		for _, sn := range cd.Snapshots {
			fv.Options = append(fv.Options, option{Value: sn.ID, Label: sn.Name + " (" + sn.When + ")", Selected: fv.Value == sn.ID})
		}
	}
	return fv
}
