package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/access"
	"github.com/stakemap/stakemap/internal/history"
)

// History, time travel and the person's rights (DESIGN §10): the routes
// …/history, …/snapshots, …/compare, the workspace settings, the
// personal-data export and erasure, and the at parameter on every read of
// a workspace.

func historyRoutes(s *Server) []route {
	ws := api + "/workspaces/:ws"
	return []route{
		{method: "GET", path: ws + "/history", access: accessWorkspace, role: RoleViewer, tag: "history", summary: "What changed, by whom: events newest first, filtered and paged", query: []string{"kind", "id", "since", "until", "limit", "cursor"}, status: 200, resp: "History", handler: s.history},
		{method: "GET", path: ws + "/snapshots", access: accessWorkspace, role: RoleViewer, tag: "history", summary: "Named snapshots, oldest first", status: 200, resp: "SnapshotList", handler: s.listSnapshots},
		{method: "POST", path: ws + "/snapshots", access: accessWorkspace, role: RoleEditor, tag: "history", summary: "Name the current state", body: "SnapshotRequest", status: 201, resp: "Snapshot", handler: s.createSnapshot},
		{method: "GET", path: ws + "/compare", access: accessWorkspace, role: RoleViewer, tag: "history", summary: "What differs between two states (from, to: snapshot id, RFC 3339 instant or date)", query: []string{"from", "to", "high", "window", "lang"}, status: 200, resp: "Comparison", handler: s.compare},
		{method: "PATCH", path: ws, access: accessWorkspace, role: RoleAdmin, tag: "workspaces", summary: "Set the workspace's name, language, ldUnit and retentionMonths", body: "WorkspaceSettings", status: 200, resp: "WorkspaceSettings", handler: s.patchWorkspace},
		{method: "GET", path: ws + "/stakeholders/:id/personal-data", access: accessWorkspace, role: RoleViewer, tag: "personal data", summary: "Everything held about one person, history included (GDPR art. 15)", status: 200, resp: "PersonalData", handler: s.personalData},
		{method: "GET", path: ws + "/calendar.ics", access: accessWorkspace, role: RoleViewer, tag: "history", summary: "Contacts due (contactEvery) and trajectory reviews as an iCalendar feed; names=true names people", query: []string{"names", "lang"}, status: 200, content: []string{"text/calendar"}, handler: s.calendarFeed},
		{method: "POST", path: ws + "/calendar-feeds", access: accessWorkspace, role: RoleViewer, tag: "history", summary: "Make a secret calendar feed URL to subscribe to (shown once)", body: "CalendarFeedRequest", status: 201, resp: "NewCalendarFeed", handler: s.createCalendarFeed},
		{method: "GET", path: ws + "/calendar-feeds", access: accessWorkspace, role: RoleViewer, tag: "history", summary: "Your calendar feeds of the workspace (admins: all)", status: 200, resp: "CalendarFeedList", handler: s.listCalendarFeeds},
		{method: "DELETE", path: ws + "/calendar-feeds/:id", access: accessWorkspace, role: RoleViewer, tag: "history", summary: "Revoke a calendar feed (its maker or an admin)", status: 204, handler: s.revokeCalendarFeed},
		{method: "GET", path: "/calendar/:file", tag: "history", summary: "A calendar feed by its secret URL (for calendar providers)", status: 200, content: []string{"text/calendar"}, handler: s.publicCalendarFeed},
		{method: "POST", path: ws + "/stakeholders/:id/erase", access: accessWorkspace, role: RoleAdmin, tag: "personal data", summary: "Erase a person from current data, history and snapshots (GDPR art. 17)", status: 200, resp: "Erasure", handler: s.erase},
	}
}

// noAtRoutes are the workspace reads that take no at: they are about
// history themselves.
var noAtRoutes = []string{"/history", "/snapshots", "/compare", "/personal-data"}

// takesAt reports whether a route reads a workspace and so answers at a
// past point when asked.
func takesAt(r route) bool {
	if r.method != http.MethodGet || r.access != accessWorkspace {
		return false
	}
	for _, suffix := range noAtRoutes {
		if strings.HasSuffix(r.path, suffix) {
			return false
		}
	}
	return true
}

type pastKey struct{}

// timeTravel serves a read with ?at= from the workspace as it was then:
// it takes at off the query (so the handler sees only its own
// parameters) and puts the past state in the request's context, where
// pastAware finds it. Writes refuse at.
func (s *Server) timeTravel(r route) gin.HandlerFunc {
	reads := takesAt(r)
	return func(c *gin.Context) {
		q := c.Request.URL.Query()
		vs, ok := q["at"]
		if !ok {
			c.Next()
			return
		}
		if !reads {
			fail(c, badParam("at", strings.Join(vs, ","), "reads the past and is only for reads of a workspace"))
			return
		}
		if len(vs) != 1 {
			fail(c, badParam("at", strings.Join(vs, ","), "may be given once"))
			return
		}
		if s.hist == nil {
			fail(c, newError(http.StatusNotImplemented, CodeUnavailable, "this backend keeps no history"))
			return
		}
		ctx := c.Request.Context()
		ws := c.Param("ws")
		p, err := history.Resolve(ctx, s.hist, ws, "at", vs[0])
		if err != nil {
			fail(c, err)
			return
		}
		frozen, err := history.Freeze(ctx, s.historyStore(), ws, p)
		if err != nil {
			fail(c, err)
			return
		}
		q.Del("at")
		c.Request.URL.RawQuery = q.Encode()
		c.Request = c.Request.WithContext(context.WithValue(ctx, pastKey{}, frozen))
		c.Next()
	}
}

func (s *Server) historyStore() history.Store {
	return struct {
		graph.Store
		graph.History
	}{s.cfg.Backend, s.hist}
}

// pastAware is the service's backend: a read whose context holds a past
// state (see timeTravel) reads that state, every other call goes to the
// real backend.
type pastAware struct{ graph.Backend }

func past(ctx context.Context) *history.Frozen {
	f, _ := ctx.Value(pastKey{}).(*history.Frozen)
	return f
}

func (p pastAware) Workspace(ctx context.Context, id string) (graph.Workspace, error) {
	if f := past(ctx); f != nil {
		return f.Workspace(ctx, id)
	}
	return p.Backend.Workspace(ctx, id)
}

func (p pastAware) Node(ctx context.Context, ws string, kind graph.Kind, id string) (graph.Node, int64, error) {
	if f := past(ctx); f != nil {
		return f.Node(ctx, ws, kind, id)
	}
	return p.Backend.Node(ctx, ws, kind, id)
}

func (p pastAware) Nodes(ctx context.Context, ws string, kind graph.Kind) ([]graph.Node, error) {
	if f := past(ctx); f != nil {
		return f.Nodes(ctx, ws, kind)
	}
	return p.Backend.Nodes(ctx, ws, kind)
}

func (p pastAware) Relations(ctx context.Context, ws string, kind graph.RelKind) ([]graph.Relation, error) {
	if f := past(ctx); f != nil {
		return f.Relations(ctx, ws, kind)
	}
	return p.Backend.Relations(ctx, ws, kind)
}

func (p pastAware) ExportBundle(ctx context.Context, ws string) (*graph.Bundle, error) {
	if f := past(ctx); f != nil {
		return f.ExportBundle(ctx, ws)
	}
	return p.Backend.ExportBundle(ctx, ws)
}

func (p pastAware) Revision(ctx context.Context, ws string) (string, error) {
	if f := past(ctx); f != nil {
		return f.Revision(ctx, ws)
	}
	return p.Backend.Revision(ctx, ws)
}

func (p pastAware) Findings(ctx context.Context, ws string, fp graph.FindingParams) ([]graph.Finding, error) {
	if f := past(ctx); f != nil {
		return f.Findings(ctx, ws, fp)
	}
	return p.Backend.Findings(ctx, ws, fp)
}

func (p pastAware) Grid(ctx context.Context, ws, trajectory string, high int) (graph.Grid, error) {
	if f := past(ctx); f != nil {
		return f.Grid(ctx, ws, trajectory, high)
	}
	return p.Backend.Grid(ctx, ws, trajectory, high)
}

func (p pastAware) Paths(ctx context.Context, ws string, q graph.PathQuery) ([]graph.Path, error) {
	if f := past(ctx); f != nil {
		return f.Paths(ctx, ws, q)
	}
	return p.Backend.Paths(ctx, ws, q)
}

func (p pastAware) Brokers(ctx context.Context, ws string, top int) ([]graph.Broker, error) {
	if f := past(ctx); f != nil {
		return f.Brokers(ctx, ws, top)
	}
	return p.Backend.Brokers(ctx, ws, top)
}

// needHistory answers 501 when the backend keeps no history.
func (s *Server) needHistory(c *gin.Context) bool {
	if s.hist == nil {
		fail(c, newError(http.StatusNotImplemented, CodeUnavailable, "this backend keeps no history"))
		return false
	}
	return true
}

// HistoryPage is the answer of …/history.
type HistoryPage struct {
	Events []graph.Event `json:"events"`
	// Next is the cursor of the next page, or empty on the last one.
	Next string `json:"next"`
}

// queryInstant reads a since or until parameter: an RFC 3339 instant, or
// a date meaning its first (since) or last (until) moment, UTC.
func queryInstant(c *gin.Context, name string, endOfDay bool) (time.Time, error) {
	v := c.Query(name)
	t, ok := history.Instant(v, endOfDay)
	if !ok {
		return time.Time{}, badParam(name, v, "must be an RFC 3339 instant (2026-11-01T09:00:00Z) or a date (2026-11-01)")
	}
	return t, nil
}

func (s *Server) history(c *gin.Context) {
	if !s.needHistory(c) {
		return
	}
	if err := checkQuery(c, []string{"kind", "id", "since", "until", "limit", "cursor"}); err != nil {
		fail(c, err)
		return
	}
	q := graph.EventQuery{Kind: c.Query("kind"), ID: c.Query("id")}
	if q.Kind != "" && !validEventKind(q.Kind) {
		fail(c, badParam("kind", q.Kind, "must be workspace, a node kind (stakeholder, trajectory, goal, enabler, engagement) or a relationship kind (stake, influence, reportsTo, supports, dependsOn)"))
		return
	}
	var err error
	if q.Since, err = queryInstant(c, "since", false); err != nil {
		fail(c, err)
		return
	}
	if q.Until, err = queryInstant(c, "until", true); err != nil {
		fail(c, err)
		return
	}
	if !q.Since.IsZero() && !q.Until.IsZero() && q.Since.After(q.Until) {
		fail(c, badParam("since", c.Query("since"), "is after until ("+c.Query("until")+")"))
		return
	}
	limit, err := queryInt(c, "limit", 100, 1, 1000)
	if err != nil {
		fail(c, err)
		return
	}
	if cur := c.Query("cursor"); cur != "" {
		n, err := strconv.ParseInt(cur, 10, 64)
		if err != nil || n < 1 {
			fail(c, badParam("cursor", cur, "must be the next value of a previous page"))
			return
		}
		q.Before = n
	}
	q.Limit = limit + 1
	events, err := s.hist.Events(c.Request.Context(), c.Param("ws"), q)
	if err != nil {
		fail(c, err)
		return
	}
	page := HistoryPage{Events: events}
	if len(events) > limit {
		page.Events = events[:limit]
		page.Next = strconv.FormatInt(events[limit-1].Seq, 10)
	}
	c.JSON(http.StatusOK, page)
}

// eventKinds lists the kinds of events: the workspace, the node kinds and
// the relationship kinds as comparisons name them.
func eventKinds() []string {
	out := []string{graph.KindWorkspace}
	for _, k := range graph.Kinds {
		out = append(out, string(k))
	}
	for _, k := range graph.RelKinds {
		out = append(out, graph.CompareKind(k))
	}
	return out
}

func validEventKind(k string) bool {
	if k == graph.KindWorkspace {
		return true
	}
	if _, ok := graph.RelKindOfCompare(k); ok {
		return true
	}
	for _, nk := range graph.Kinds {
		if string(nk) == k {
			return true
		}
	}
	return false
}

func (s *Server) listSnapshots(c *gin.Context) {
	if !s.needHistory(c) {
		return
	}
	if err := checkQuery(c, nil); err != nil {
		fail(c, err)
		return
	}
	list, err := s.hist.Snapshots(c.Request.Context(), c.Param("ws"))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"snapshots": list})
}

// SnapshotRequest names a snapshot to take; id is optional.
type SnapshotRequest struct {
	ID   string `json:"id,omitempty"`
	Name string `json:"name"`
}

func (s *Server) createSnapshot(c *gin.Context) {
	if !s.needHistory(c) {
		return
	}
	if err := checkQuery(c, nil); err != nil {
		fail(c, err)
		return
	}
	var req SnapshotRequest
	if err := bindJSON(c, &req, DefaultBodyLimit); err != nil {
		fail(c, err)
		return
	}
	sn, err := s.hist.CreateSnapshot(c.Request.Context(), c.Param("ws"), graph.Snapshot{ID: req.ID, Name: req.Name})
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, sn)
}

func (s *Server) compare(c *gin.Context) {
	if !s.needHistory(c) {
		return
	}
	if err := checkQuery(c, []string{"from", "to", "high", "window", "lang"}); err != nil {
		fail(c, err)
		return
	}
	high, err := queryInt(c, "high", 0, 1, 5)
	if err != nil {
		fail(c, err)
		return
	}
	window, err := queryInt(c, "window", 0, 1, 36500)
	if err != nil {
		fail(c, err)
		return
	}
	lang := c.Query("lang")
	if lang != "" && lang != graph.LangNL && lang != graph.LangEN {
		fail(c, badParam("lang", lang, "must be nl or en"))
		return
	}
	ctx, ws := c.Request.Context(), c.Param("ws")
	if _, ok := c.GetQuery("from"); !ok {
		fail(c, badParam("from", "", "is required: a snapshot id, an RFC 3339 instant or a date"))
		return
	}
	from, err := history.Resolve(ctx, s.hist, ws, "from", c.Query("from"))
	if err != nil {
		fail(c, err)
		return
	}
	to := history.Now()
	if v, ok := c.GetQuery("to"); ok {
		if to, err = history.Resolve(ctx, s.hist, ws, "to", v); err != nil {
			fail(c, err)
			return
		}
	}
	cmp, err := history.Compare(ctx, s.historyStore(), ws, from, to, history.CompareParams{High: high, Window: window, Lang: lang})
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, cmp)
}

// WorkspaceSettings is the body and answer of PATCH …/workspaces/{ws}:
// the workspace's own fields plus the settings kept outside the
// stakemap/v1 document. Absent fields stay as they are.
type WorkspaceSettings struct {
	ID              string  `json:"id,omitempty"`
	Name            *string `json:"name,omitempty"`
	Language        *string `json:"language,omitempty"`
	LDUnit          *string `json:"ldUnit,omitempty"`
	RetentionMonths *int    `json:"retentionMonths,omitempty"`
}

func (s *Server) patchWorkspace(c *gin.Context) {
	if !s.needHistory(c) {
		return
	}
	if err := checkQuery(c, nil); err != nil {
		fail(c, err)
		return
	}
	var req WorkspaceSettings
	if err := bindJSON(c, &req, DefaultBodyLimit, "application/merge-patch+json"); err != nil {
		fail(c, err)
		return
	}
	ctx, ws := c.Request.Context(), c.Param("ws")
	if req.ID != "" && req.ID != ws {
		fail(c, badParam("id", req.ID, "differs from the workspace in the path ("+ws+"): a workspace cannot be renamed"))
		return
	}
	pre := graph.Precondition{Exists: true}
	if h := strings.TrimSpace(c.GetHeader("If-Match")); h != "" && h != "*" {
		pre.Revision = strings.Trim(h, `"`)
	}
	// Read and write under one revision: a change in between makes the
	// write fail rather than undo it.
	for range 3 {
		w, err := s.store.Workspace(ctx, ws)
		if err != nil {
			fail(c, err)
			return
		}
		st, err := s.hist.HistoryState(ctx, ws)
		if err != nil {
			fail(c, err)
			return
		}
		rev, err := s.store.Revision(ctx, ws)
		if err != nil {
			fail(c, err)
			return
		}
		if pre.Revision != "" && pre.Revision != rev {
			fail(c, graph.ErrStale)
			return
		}
		set := st.Settings
		if req.Name != nil {
			w.Name = *req.Name
		}
		if req.Language != nil {
			w.Language = *req.Language
		}
		if req.LDUnit != nil {
			w.LDUnit = *req.LDUnit
		}
		if req.RetentionMonths != nil {
			set.RetentionMonths = *req.RetentionMonths
		}
		err = s.hist.UpdateWorkspace(ctx, w, set, graph.Precondition{Revision: rev})
		if errors.Is(err, graph.ErrStale) && pre.Revision == "" {
			continue
		}
		if err != nil {
			fail(c, err)
			return
		}
		if rev, err := s.store.Revision(ctx, ws); err == nil {
			c.Header("ETag", `"`+rev+`"`)
		}
		c.JSON(http.StatusOK, WorkspaceSettings{ID: w.ID, Name: &w.Name, Language: &w.Language, LDUnit: &w.LDUnit, RetentionMonths: &set.RetentionMonths})
		return
	}
	fail(c, graph.ErrStale)
}

// PersonalData is the art. 15 answer: everything held about one person.
type PersonalData = history.PersonalData

// PersonalDataOf collects everything a store holds about one stakeholder
// (see history.PersonalDataOf).
func PersonalDataOf(ctx context.Context, st graph.Store, h graph.History, ws, id string) (*PersonalData, error) {
	return history.PersonalDataOf(ctx, st, h, ws, id)
}

func (s *Server) personalData(c *gin.Context) {
	if !s.needHistory(c) {
		return
	}
	if err := checkQuery(c, nil); err != nil {
		fail(c, err)
		return
	}
	pd, err := PersonalDataOf(c.Request.Context(), s.store, s.hist, c.Param("ws"), c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="personal-data.json"`)
	c.Header("Cache-Control", "no-store")
	data, err := json.MarshalIndent(pd, "", "  ")
	if err != nil {
		fail(c, err)
		return
	}
	c.Data(http.StatusOK, "application/json", data)
}

// Erasure is the answer of …/erase: the alias the person has in history
// now, and how many share links naming them were revoked.
type Erasure = history.Erasure

func (s *Server) erase(c *gin.Context) {
	if !s.needHistory(c) {
		return
	}
	if err := checkQuery(c, nil); err != nil {
		fail(c, err)
		return
	}
	var links history.Links
	if s.access != nil {
		links = s.access
	}
	out, err := history.Erase(c.Request.Context(), s.historyStore(), links, c.Param("ws"), c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, out)
}

// historySchemas adds the OpenAPI schemas of the history routes. The raw
// JSON values of events and comparisons are any JSON value.
func historySchemas(ss schemaSet) {
	for _, v := range []any{HistoryPage{}, graph.Snapshot{}, SnapshotRequest{}, graph.Comparison{}, WorkspaceSettings{}, PersonalData{}, Erasure{},
		CalendarFeedRequest{}, access.NewCalendarFeed{}, access.CalendarFeed{}} {
		ss.schemaOf(reflect.TypeOf(v))
	}
	anyValue := map[string]any{"description": "any JSON value; null when absent"}
	for name, fields := range map[string][]string{"Event": {"before", "after"}, "FieldChange": {"from", "to"}} {
		if m, ok := ss[name].(map[string]any); ok {
			props := m["properties"].(map[string]any)
			for _, f := range fields {
				props[f] = anyValue
			}
		}
	}
	ss["SnapshotList"] = wrap("snapshots", map[string]any{"type": "array", "items": ref("Snapshot")})
	ss["CalendarFeedList"] = wrap("feeds", map[string]any{"type": "array", "items": ref("CalendarFeed")})
	ss["History"] = ref("HistoryPage")
}

// atParam documents the at parameter of every read of a workspace.
var atParam = map[string]any{"name": "at", "in": "query",
	"description": "read the workspace as it was: a snapshot id, an RFC 3339 instant, or a date YYYY-MM-DD (end of that day, UTC); 404 before the workspace existed, 410 before the retention cut-off",
	"schema":      map[string]any{"type": "string"}}

// changesMap draws the changes map between the points req.From (required)
// and req.To (default now).
func (s *Server) changesMap(ctx context.Context, req MapRequest) (MapResult, error) {
	if s.hist == nil {
		return MapResult{}, newError(http.StatusNotImplemented, CodeUnavailable, "this backend keeps no history")
	}
	if req.From == "" {
		return MapResult{}, badParam("from", "", "is required for a changes map: a snapshot id, an RFC 3339 instant or a date")
	}
	from, to, err := history.ResolveRange(ctx, s.hist, req.Workspace, req.From, req.To)
	if err != nil {
		return MapResult{}, err
	}
	a, b, err := history.States(ctx, s.historyStore(), req.Workspace, from, to)
	if err != nil {
		return MapResult{}, err
	}
	req.Before, req.Since = a, from.Name()
	return s.cfg.Renderer.RenderMap(ctx, b, req)
}
