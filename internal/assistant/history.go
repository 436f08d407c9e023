package assistant

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/access"
	"github.com/stakemap/stakemap/internal/history"
)

type historyArgs struct {
	Workspace string `json:"workspace,omitempty" jsonschema:"the workspace: its id or name; may be left out when you can read only one"`
	Kind      string `json:"kind,omitempty" jsonschema:"only changes of this kind: stakeholder, trajectory, goal, enabler, engagement, stake, influence, reportsTo, supports, dependsOn or workspace"`
	ID        string `json:"id,omitempty" jsonschema:"only changes about this node (id or name of a stakeholder or trajectory, or any id)"`
	Since     string `json:"since,omitempty" jsonschema:"from this instant (RFC 3339) or date (YYYY-MM-DD)"`
	Until     string `json:"until,omitempty" jsonschema:"up to this instant or date (the end of that day)"`
	Limit     int    `json:"limit,omitempty" jsonschema:"how many changes, 1-1000; default 100"`
	Cursor    string `json:"cursor,omitempty" jsonschema:"the next value of a previous answer, for the following page"`
}

type compareArgs struct {
	Workspace string `json:"workspace,omitempty" jsonschema:"the workspace: its id or name; may be left out when you can read only one"`
	From      string `json:"from" jsonschema:"the earlier state: a snapshot id, an RFC 3339 instant, or a date YYYY-MM-DD (the end of that day, UTC)"`
	To        string `json:"to,omitempty" jsonschema:"the later state, as from; default now"`
	High      int    `json:"high,omitempty" jsonschema:"threshold of the findings on each side; default 4"`
	Window    int    `json:"window,omitempty" jsonschema:"days an engagement counts as recent on each side; default 90"`
}

// historyOut is the API's history page: events newest first and the
// cursor of the next page ("" when there is none).
type historyOut struct {
	Events []graph.Event `json:"events"`
	Next   string        `json:"next"`
}

// historyStore is the backend's history, when it keeps one.
func historyStore(be graph.Backend) (history.Store, error) {
	hs, ok := be.(history.Store)
	if !ok {
		return nil, errors.New("this backend keeps no history")
	}
	return hs, nil
}

func (t *tools) registerHistory(s *mcp.Server) {
	mcp.AddTool(s, &mcp.Tool{Name: "history", Title: "What changed",
		Description: "The recorded changes of a workspace, newest first: who changed what and when, with each entity before and after. Filter by kind, by node (id or name) and by period; page with cursor.",
		Annotations: readOnly(), OutputSchema: rawSchema[historyOut]()},
		func(ctx context.Context, req *mcp.CallToolRequest, a historyArgs) (*mcp.CallToolResult, historyOut, error) {
			c, err := t.begin(ctx, req, a.Workspace, access.RoleViewer)
			if err != nil {
				return nil, historyOut{}, err
			}
			defer c.done()
			hs, err := historyStore(c.be)
			if err != nil {
				return nil, historyOut{}, err
			}
			q := graph.EventQuery{Kind: a.Kind}
			if a.ID != "" {
				q.ID = a.ID
				if s, err := t.snapshot(ctx, c); err == nil {
					if id, _, _ := s.people.Resolve(a.ID); id != "" {
						q.ID = id
					} else if id, _, _ := s.trjs.Resolve(a.ID); id != "" {
						q.ID = id
					}
				}
			}
			if q.Since, err = instant("since", a.Since, false); err != nil {
				return nil, historyOut{}, err
			}
			if q.Until, err = instant("until", a.Until, true); err != nil {
				return nil, historyOut{}, err
			}
			limit := a.Limit
			if limit == 0 {
				limit = 100
			}
			if limit < 1 || limit > 1000 {
				return nil, historyOut{}, fmt.Errorf("limit %d: must be from 1 to 1000", limit)
			}
			if a.Cursor != "" {
				n, err := strconv.ParseInt(a.Cursor, 10, 64)
				if err != nil || n < 1 {
					return nil, historyOut{}, fmt.Errorf("cursor %q: give the next value of a previous answer", a.Cursor)
				}
				q.Before = n
			}
			q.Limit = limit + 1
			events, err := hs.Events(ctx, c.ws.ID, q)
			if err != nil {
				return nil, historyOut{}, err
			}
			out := historyOut{Events: events}
			if out.Events == nil {
				out.Events = []graph.Event{}
			}
			if len(events) > limit {
				out.Events = events[:limit]
				out.Next = strconv.FormatInt(events[limit-1].Seq, 10)
			}
			lines := []string{fmt.Sprintf("%d changes, newest first:", len(out.Events))}
			for _, e := range out.Events[:min(len(out.Events), 30)] {
				what := e.ID
				if what == "" {
					what = fmt.Sprint(e.Key)
				}
				lines = append(lines, fmt.Sprintf("%s %s %s %s by %s", e.At, e.Action, e.Kind, what, e.Actor))
			}
			return text(strings.Join(lines, "\n")), out, nil
		})

	mcp.AddTool(s, &mcp.Tool{Name: "compare", Title: "Compare two moments",
		Description: "What changed between two states of a workspace (for example since the last management-team meeting): nodes and relationships added, removed and changed field by field, and the findings that are new or resolved, each side analysed as of its own date.",
		Annotations: readOnly(), OutputSchema: rawSchema[graph.Comparison]()},
		func(ctx context.Context, req *mcp.CallToolRequest, a compareArgs) (*mcp.CallToolResult, *graph.Comparison, error) {
			c, err := t.begin(ctx, req, a.Workspace, access.RoleViewer)
			if err != nil {
				return nil, nil, err
			}
			defer c.done()
			hs, err := historyStore(c.be)
			if err != nil {
				return nil, nil, err
			}
			if a.From == "" {
				return nil, nil, errors.New("from: give a snapshot id, an instant or a date")
			}
			from, to, err := history.ResolveRange(ctx, hs, c.ws.ID, a.From, a.To)
			if err != nil {
				return nil, nil, err
			}
			cmp, err := history.Compare(ctx, hs, c.ws.ID, from, to, history.CompareParams{High: a.High, Window: a.Window})
			if err != nil {
				return nil, nil, err
			}
			return text(fmt.Sprintf("From %s to %s: %d nodes added, %d removed, %d changed; %d relationships added, %d removed, %d changed; %d findings new, %d resolved.",
				cmp.From.At, cmp.To.At, len(cmp.Nodes.Added), len(cmp.Nodes.Removed), len(cmp.Nodes.Changed),
				len(cmp.Relations.Added), len(cmp.Relations.Removed), len(cmp.Relations.Changed),
				len(cmp.Findings.New), len(cmp.Findings.Resolved))), cmp, nil
		})
}

// instant reads a since/until argument: an RFC 3339 instant, or a date
// (its start, or with endOfDay its end).
func instant(field, v string, endOfDay bool) (time.Time, error) {
	t, ok := history.Instant(v, endOfDay)
	if !ok {
		return time.Time{}, fmt.Errorf("%s %q: give an RFC 3339 instant (2026-11-01T09:00:00Z) or a date (2026-11-01)", field, v)
	}
	return t, nil
}
