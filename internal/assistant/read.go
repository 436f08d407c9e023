package assistant

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/access"
)

// The arguments of the read tools use the API's names (DESIGN §15).

type findingsArgs struct {
	Workspace  string `json:"workspace,omitempty" jsonschema:"the workspace: its id or name; may be left out when you can read only one"`
	AsOf       string `json:"asOf,omitempty" jsonschema:"the date the analysis looks from, YYYY-MM-DD; default today"`
	High       int    `json:"high,omitempty" jsonschema:"a value on the 1-5 scales at or above this is high; default 4"`
	Window     int    `json:"window,omitempty" jsonschema:"days an engagement counts as recent; default 90"`
	Only       string `json:"only,omitempty" jsonschema:"one group only: co-ownership, visibility or strategy"`
	Trajectory string `json:"trajectory,omitempty" jsonschema:"only findings about this trajectory (id or name)"`
}

type gridArgs struct {
	Workspace  string `json:"workspace,omitempty" jsonschema:"the workspace: its id or name; may be left out when you can read only one"`
	Trajectory string `json:"trajectory,omitempty" jsonschema:"the trajectory (id or name); empty: every stakeholder by their own values"`
	High       int    `json:"high,omitempty" jsonschema:"a value at or above this is high; default 4"`
}

type pathArgs struct {
	Workspace string `json:"workspace,omitempty" jsonschema:"the workspace: its id or name; may be left out when you can read only one"`
	From      string `json:"from" jsonschema:"where the paths start: a stakeholder's id or name"`
	To        string `json:"to" jsonschema:"whom the paths reach: a stakeholder's id or name"`
	Mode      string `json:"mode,omitempty" jsonschema:"strongest (default: highest product of strengths) or shortest (fewest steps)"`
	K         int    `json:"k,omitempty" jsonschema:"how many alternative paths, 1-20; default 1"`
	MaxHops   int    `json:"maxHops,omitempty" jsonschema:"longest path in steps, 1-20; default 6"`
}

type brokersArgs struct {
	Workspace string `json:"workspace,omitempty" jsonschema:"the workspace: its id or name; may be left out when you can read only one"`
	Top       int    `json:"top,omitempty" jsonschema:"how many brokers; default 10"`
}

type findArgs struct {
	Workspace string `json:"workspace,omitempty" jsonschema:"the workspace: its id or name; may be left out when you can read only one"`
	Q         string `json:"q,omitempty" jsonschema:"text to look for in id, name, title and unit (case and accents ignored)"`
	Unit      string `json:"unit,omitempty" jsonschema:"only this unit (department), as written"`
	Level     string `json:"level,omitempty" jsonschema:"only this level: board, executive, management, employee or external"`
	Attitude  string `json:"attitude,omitempty" jsonschema:"only this attitude: champion, supporter, neutral, critic, blocker or unknown"`
	Quadrant  string `json:"quadrant,omitempty" jsonschema:"only this quadrant of the workspace's power-interest grid: manage-closely, keep-satisfied, keep-informed or monitor"`
}

type stakeholderArg struct {
	Workspace string `json:"workspace,omitempty" jsonschema:"the workspace: its id or name; may be left out when you can read only one"`
	ID        string `json:"id" jsonschema:"the stakeholder: id or name"`
}

// The answers of the analysis tools are the CLI's --json documents.

type workspacesOut struct {
	Workspaces []graph.Workspace `json:"workspaces"`
}

type findingsOut struct {
	Findings []graph.Finding `json:"findings"`
}

type gridOut struct {
	Quadrants map[string][]string `json:"quadrants"`
}

type pathsOut struct {
	Paths []graph.Path `json:"paths"`
}

type brokersOut struct {
	Brokers []graph.Broker `json:"brokers"`
}

type stakeholdersOut struct {
	Stakeholders []graph.Stakeholder `json:"stakeholders"`
	Total        int                 `json:"total"`
}

// stakeholderOut is everything about one person an assistant needs to
// advise on them.
type stakeholderOut struct {
	Stakeholder graph.Stakeholder  `json:"stakeholder"`
	Roles       []graph.Stake      `json:"roles"`
	InfluenceOn []graph.Influence  `json:"influenceOn"`
	InfluenceBy []graph.Influence  `json:"influencedBy"`
	ReportsTo   []string           `json:"reportsTo"`
	Reports     []string           `json:"reports"`
	Contacts    []graph.Engagement `json:"lastContacts"`
	Findings    []graph.Finding    `json:"findings"`
}

// maxContacts is how many of a person's latest contacts get_stakeholder
// lists.
const maxContacts = 10

// snapshot is one read of a workspace with indexes for names.
type snapshot struct {
	b            *graph.Bundle
	people, trjs *graph.NameIndex
}

func (t *tools) snapshot(ctx context.Context, c *call) (*snapshot, error) {
	b, err := c.be.ExportBundle(ctx, c.ws.ID)
	if err != nil {
		return nil, err
	}
	s := &snapshot{b: b, people: graph.NewNameIndex(), trjs: graph.NewNameIndex()}
	for _, p := range b.Stakeholders {
		s.people.Add(p.ID, p.Name)
	}
	for _, tr := range b.Trajectories {
		s.trjs.Add(tr.ID, tr.Name)
	}
	return s, nil
}

// person resolves a typed stakeholder id or name.
func (s *snapshot) person(typed string) (string, error) {
	id, amb, sug := s.people.Resolve(typed)
	if id == "" {
		return "", unresolved("stakeholder", typed, amb, sug, s.people)
	}
	return id, nil
}

// trajectory resolves a typed trajectory id or name.
func (s *snapshot) trajectory(typed string) (string, error) {
	id, amb, sug := s.trjs.Resolve(typed)
	if id == "" {
		return "", unresolved("trajectory", typed, amb, sug, s.trjs)
	}
	return id, nil
}

func (t *tools) registerRead(s *mcp.Server) {
	mcp.AddTool(s, &mcp.Tool{Name: "list_workspaces", Title: "List workspaces",
		Description: "Lists the workspaces (one per organisation) you can read, with their id, name and language.",
		Annotations: readOnly()},
		func(ctx context.Context, req *mcp.CallToolRequest, _ struct{}) (*mcp.CallToolResult, workspacesOut, error) {
			p, err := t.cfg.Principal(ctx, headerOf(req))
			if err != nil {
				return nil, workspacesOut{}, fmt.Errorf("not signed in: %w", err)
			}
			be, closeBe, err := t.cfg.Open(ctx)
			if err != nil {
				return nil, workspacesOut{}, err
			}
			defer closeBe()
			all, err := visible(ctx, be, p)
			if err != nil {
				return nil, workspacesOut{}, err
			}
			return text(fmt.Sprintf("%d workspaces: %s", len(all), workspaceList(all))), workspacesOut{Workspaces: all}, nil
		})

	mcp.AddTool(s, &mcp.Tool{Name: "find_stakeholders", Title: "Find stakeholders",
		Description: "Finds stakeholders by text, unit, level, attitude or power-interest quadrant. Returns them with their influence and interest (1-5), level, unit and attitude.",
		Annotations: readOnly()},
		func(ctx context.Context, req *mcp.CallToolRequest, a findArgs) (*mcp.CallToolResult, stakeholdersOut, error) {
			c, err := t.begin(ctx, req, a.Workspace, access.RoleViewer)
			if err != nil {
				return nil, stakeholdersOut{}, err
			}
			defer c.done()
			for _, chk := range []struct {
				field, v string
				allowed  []string
			}{
				{"level", a.Level, graph.Levels}, {"attitude", a.Attitude, graph.Attitudes}, {"quadrant", a.Quadrant, graph.Quadrants},
			} {
				if err := oneOf(chk.field, chk.v, chk.allowed); err != nil {
					return nil, stakeholdersOut{}, err
				}
			}
			s, err := t.snapshot(ctx, c)
			if err != nil {
				return nil, stakeholdersOut{}, err
			}
			inQuadrant := map[string]bool{}
			if a.Quadrant != "" {
				g, err := c.be.Grid(ctx, c.ws.ID, "", 0)
				if err != nil {
					return nil, stakeholdersOut{}, err
				}
				for _, id := range g.Quadrants[a.Quadrant] {
					inQuadrant[id] = true
				}
			}
			q := graph.FoldName(a.Q)
			out := stakeholdersOut{Stakeholders: []graph.Stakeholder{}}
			for _, p := range s.b.Stakeholders {
				if (a.Unit != "" && graph.FoldName(p.Unit) != graph.FoldName(a.Unit)) || (a.Level != "" && p.Level != a.Level) ||
					(a.Attitude != "" && p.Attitude != a.Attitude) || (a.Quadrant != "" && !inQuadrant[p.ID]) {
					continue
				}
				if q != "" && !strings.Contains(graph.FoldName(strings.Join([]string{p.ID, p.Name, p.Title, p.Unit}, " ")), q) {
					continue
				}
				out.Stakeholders = append(out.Stakeholders, p)
			}
			out.Total = len(out.Stakeholders)
			names := make([]string, 0, min(len(out.Stakeholders), 20))
			for _, p := range out.Stakeholders[:min(len(out.Stakeholders), 20)] {
				names = append(names, fmt.Sprintf("%s (%s, %s)", p.Name, p.ID, orDash(p.Title)))
			}
			summary := fmt.Sprintf("%d stakeholders found", out.Total)
			if len(names) > 0 {
				summary += ": " + strings.Join(names, "; ")
			}
			return text(summary), out, nil
		})

	mcp.AddTool(s, &mcp.Tool{Name: "get_stakeholder", Title: "Get one stakeholder",
		Description: "Everything about one stakeholder: their fields, roles on trajectories, whom they influence and who influences them (with strength), reporting line, their last contacts with L&D and the findings about them.",
		Annotations: readOnly()},
		func(ctx context.Context, req *mcp.CallToolRequest, a stakeholderArg) (*mcp.CallToolResult, stakeholderOut, error) {
			c, err := t.begin(ctx, req, a.Workspace, access.RoleViewer)
			if err != nil {
				return nil, stakeholderOut{}, err
			}
			defer c.done()
			s, err := t.snapshot(ctx, c)
			if err != nil {
				return nil, stakeholderOut{}, err
			}
			id, err := s.person(a.ID)
			if err != nil {
				return nil, stakeholderOut{}, err
			}
			fs, err := c.be.Findings(ctx, c.ws.ID, graph.FindingParams{})
			if err != nil {
				return nil, stakeholderOut{}, err
			}
			out := aboutPerson(s.b, id, fs)
			return text(fmt.Sprintf("%s (%s): %s, %s; influence %d, interest %d, attitude %s; %d roles, %d findings",
				out.Stakeholder.Name, id, orDash(out.Stakeholder.Title), orDash(out.Stakeholder.Unit),
				out.Stakeholder.Influence, out.Stakeholder.Interest, out.Stakeholder.Attitude, len(out.Roles), len(out.Findings))), out, nil
		})

	mcp.AddTool(s, &mcp.Tool{Name: "findings", Title: "Findings of the analyses",
		Description: "What is missing in a workspace, with advice: trajectories without sponsor, owner or learners' voice (co-ownership), key stakeholders and units L&D has not reached (visibility), trajectories without goal, measure or review, blocked or in a dependency cycle (strategy). Each finding has code, severity (high, medium, low), subject, related ids and a message in the workspace language.",
		Annotations: readOnly()},
		func(ctx context.Context, req *mcp.CallToolRequest, a findingsArgs) (*mcp.CallToolResult, findingsOut, error) {
			c, err := t.begin(ctx, req, a.Workspace, access.RoleViewer)
			if err != nil {
				return nil, findingsOut{}, err
			}
			defer c.done()
			traj := ""
			if a.Trajectory != "" {
				s, err := t.snapshot(ctx, c)
				if err != nil {
					return nil, findingsOut{}, err
				}
				if traj, err = s.trajectory(a.Trajectory); err != nil {
					return nil, findingsOut{}, err
				}
			}
			fs, err := c.be.Findings(ctx, c.ws.ID, graph.FindingParams{AsOf: a.AsOf, High: a.High, Window: a.Window, Only: a.Only})
			if err != nil {
				return nil, findingsOut{}, err
			}
			if traj != "" {
				fs = slices.DeleteFunc(fs, func(f graph.Finding) bool { return f.Subject != traj && !slices.Contains(f.Related, traj) })
			}
			if fs == nil {
				fs = []graph.Finding{}
			}
			return text(findingsText(fs)), findingsOut{Findings: fs}, nil
		})

	mcp.AddTool(s, &mcp.Tool{Name: "grid", Title: "Power-interest grid",
		Description: "Places stakeholders in the power-interest grid (Mendelow): manage-closely, keep-satisfied, keep-informed, monitor. For a trajectory: everyone with a stake on it by their effective values; without: every stakeholder by their own values.",
		Annotations: readOnly()},
		func(ctx context.Context, req *mcp.CallToolRequest, a gridArgs) (*mcp.CallToolResult, gridOut, error) {
			c, err := t.begin(ctx, req, a.Workspace, access.RoleViewer)
			if err != nil {
				return nil, gridOut{}, err
			}
			defer c.done()
			traj := ""
			if a.Trajectory != "" {
				s, err := t.snapshot(ctx, c)
				if err != nil {
					return nil, gridOut{}, err
				}
				if traj, err = s.trajectory(a.Trajectory); err != nil {
					return nil, gridOut{}, err
				}
			}
			g, err := c.be.Grid(ctx, c.ws.ID, traj, a.High)
			if err != nil {
				return nil, gridOut{}, err
			}
			var parts []string
			for _, q := range graph.Quadrants {
				parts = append(parts, fmt.Sprintf("%s: %s", q, orDash(strings.Join(g.Quadrants[q], ", "))))
			}
			return text(strings.Join(parts, "\n")), gridOut{Quadrants: g.Quadrants}, nil
		})

	mcp.AddTool(s, &mcp.Tool{Name: "influence_paths", Title: "Influence paths",
		Description: "Through whom can one stakeholder (usually L&D) reach another? Returns the best paths on the influence network (influence relations and reporting lines): strongest by the product of strengths, or shortest by steps; k alternatives.",
		Annotations: readOnly()},
		func(ctx context.Context, req *mcp.CallToolRequest, a pathArgs) (*mcp.CallToolResult, pathsOut, error) {
			c, err := t.begin(ctx, req, a.Workspace, access.RoleViewer)
			if err != nil {
				return nil, pathsOut{}, err
			}
			defer c.done()
			s, err := t.snapshot(ctx, c)
			if err != nil {
				return nil, pathsOut{}, err
			}
			from, err := s.person(a.From)
			if err != nil {
				return nil, pathsOut{}, err
			}
			to, err := s.person(a.To)
			if err != nil {
				return nil, pathsOut{}, err
			}
			ps, err := c.be.Paths(ctx, c.ws.ID, graph.PathQuery{From: from, To: to, Mode: a.Mode, K: a.K, MaxHops: a.MaxHops})
			if err != nil {
				return nil, pathsOut{}, err
			}
			if ps == nil {
				ps = []graph.Path{}
			}
			lines := []string{fmt.Sprintf("%d paths from %s to %s", len(ps), s.people.Name(from), s.people.Name(to))}
			for _, p := range ps {
				names := make([]string, len(p.Nodes))
				for i, id := range p.Nodes {
					names[i] = s.people.Name(id)
				}
				lines = append(lines, fmt.Sprintf("%s (%d steps, strength %g)", strings.Join(names, " → "), p.Hops, p.Strength))
			}
			return text(strings.Join(lines, "\n")), pathsOut{Paths: ps}, nil
		})

	mcp.AddTool(s, &mcp.Tool{Name: "brokers", Title: "Brokers",
		Description: "The people influence flows through: betweenness centrality on the influence network, highest first. Involve them early.",
		Annotations: readOnly()},
		func(ctx context.Context, req *mcp.CallToolRequest, a brokersArgs) (*mcp.CallToolResult, brokersOut, error) {
			c, err := t.begin(ctx, req, a.Workspace, access.RoleViewer)
			if err != nil {
				return nil, brokersOut{}, err
			}
			defer c.done()
			bs, err := c.be.Brokers(ctx, c.ws.ID, a.Top)
			if err != nil {
				return nil, brokersOut{}, err
			}
			if bs == nil {
				bs = []graph.Broker{}
			}
			s, err := t.snapshot(ctx, c)
			if err != nil {
				return nil, brokersOut{}, err
			}
			parts := make([]string, len(bs))
			for i, b := range bs {
				parts[i] = fmt.Sprintf("%s (%s) %.1f", s.people.Name(b.ID), b.ID, b.Score)
			}
			return text(fmt.Sprintf("%d brokers: %s", len(bs), strings.Join(parts, ", "))), brokersOut{Brokers: bs}, nil
		})
}

// aboutPerson gathers what get_stakeholder answers from one snapshot.
func aboutPerson(b *graph.Bundle, id string, fs []graph.Finding) stakeholderOut {
	out := stakeholderOut{Roles: []graph.Stake{}, InfluenceOn: []graph.Influence{}, InfluenceBy: []graph.Influence{},
		ReportsTo: []string{}, Reports: []string{}, Contacts: []graph.Engagement{}, Findings: []graph.Finding{}}
	for _, p := range b.Stakeholders {
		if p.ID == id {
			out.Stakeholder = p
		}
	}
	for _, st := range b.Stakes {
		if st.Stakeholder == id {
			out.Roles = append(out.Roles, st)
		}
	}
	for _, in := range b.Influences {
		if in.From == id {
			out.InfluenceOn = append(out.InfluenceOn, in)
		}
		if in.To == id {
			out.InfluenceBy = append(out.InfluenceBy, in)
		}
	}
	for _, r := range b.ReportsTo {
		if r.From == id {
			out.ReportsTo = append(out.ReportsTo, r.To)
		}
		if r.To == id {
			out.Reports = append(out.Reports, r.From)
		}
	}
	for _, e := range b.Engagements {
		if slices.Contains(e.With, id) {
			out.Contacts = append(out.Contacts, e)
		}
	}
	slices.SortStableFunc(out.Contacts, func(x, y graph.Engagement) int { return strings.Compare(y.Date, x.Date) })
	out.Contacts = out.Contacts[:min(len(out.Contacts), maxContacts)]
	for _, f := range fs {
		if f.Subject == id || slices.Contains(f.Related, id) {
			out.Findings = append(out.Findings, f)
		}
	}
	return out
}

func findingsText(fs []graph.Finding) string {
	if len(fs) == 0 {
		return "No findings."
	}
	sorted := slices.Clone(fs)
	graph.SortFindingsBySeverity(sorted)
	lines := []string{fmt.Sprintf("%d findings, most severe first:", len(fs))}
	for _, f := range sorted {
		lines = append(lines, fmt.Sprintf("[%s] %s %s: %s", f.Severity, f.Code, f.Subject, f.Message))
	}
	return strings.Join(lines, "\n")
}

func oneOf(field, v string, allowed []string) error {
	if v == "" || slices.Contains(allowed, v) {
		return nil
	}
	msg := fmt.Sprintf("%s %q is not one of %s", field, v, strings.Join(allowed, ", "))
	if s := graph.Suggest(v, allowed); len(s) > 0 {
		msg += fmt.Sprintf("; did you mean %q?", s[0])
	}
	return graph.Invalid([]graph.Problem{{Field: field, Value: v, Reason: msg}})
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func headerOf(req *mcp.CallToolRequest) http.Header {
	if req != nil && req.Extra != nil {
		return req.Extra.Header
	}
	return nil
}

// text is a tool result whose content is a short text for people; the SDK
// adds the structured JSON document.
func text(s string) *mcp.CallToolResult {
	return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: s}}}
}

func readOnly() *mcp.ToolAnnotations {
	return &mcp.ToolAnnotations{ReadOnlyHint: true, OpenWorldHint: ptr(false)}
}

func ptr[T any](v T) *T { return &v }
