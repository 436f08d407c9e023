package assistant

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/google/jsonschema-go/jsonschema"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/access"
)

type logContactArgs struct {
	Workspace     string   `json:"workspace,omitempty" jsonschema:"the workspace: its id or name; may be left out when you can read only one"`
	Date          string   `json:"date,omitempty" jsonschema:"the date of the contact, YYYY-MM-DD (or DD-MM-YYYY); default today"`
	With          []string `json:"with" jsonschema:"the stakeholders L&D met: ids or names, at least one"`
	About         []string `json:"about,omitempty" jsonschema:"the trajectories it was about: ids or names"`
	Channel       string   `json:"channel,omitempty" jsonschema:"meeting, presentation, workshop, report, newsletter, informal or other; default meeting"`
	Summary       string   `json:"summary,omitempty" jsonschema:"what was discussed and agreed"`
	ResultsShared bool     `json:"resultsShared,omitempty" jsonschema:"true when L&D shared results of the trajectories"`
}

type setAttitudeArgs struct {
	Workspace string `json:"workspace,omitempty" jsonschema:"the workspace: its id or name; may be left out when you can read only one"`
	ID        string `json:"id" jsonschema:"the stakeholder: id or name"`
	Attitude  string `json:"attitude" jsonschema:"champion, supporter, neutral, critic, blocker or unknown"`
}

type setRoleArgs struct {
	Workspace   string `json:"workspace,omitempty" jsonschema:"the workspace: its id or name; may be left out when you can read only one"`
	Stakeholder string `json:"stakeholder" jsonschema:"the stakeholder: id or name"`
	Trajectory  string `json:"trajectory" jsonschema:"the trajectory: id or name"`
	Role        string `json:"role" jsonschema:"sponsor, owner, learner, contributor, expert or informed; the stakeholder's other roles on this trajectory are replaced; none removes every role"`
}

// writeOut says what a write changed and what it did to the findings.
type writeOut struct {
	// Changed is the compare document of the write: nodes and
	// relationships added, removed and changed, field by field.
	Changed graph.NodeChanges     `json:"nodes"`
	Rels    graph.RelationChanges `json:"relations"`
	// Settled are the findings the write resolved; New those it caused.
	Settled []graph.Finding `json:"settled"`
	New     []graph.Finding `json:"new"`
}

// rawSchema describes T for a tool's output; a json.RawMessage (a field's
// before and after value, an event's entity) is any JSON value, which the
// inference would take for a byte array.
func rawSchema[T any]() *jsonschema.Schema {
	s, err := jsonschema.For[T](&jsonschema.ForOptions{TypeSchemas: map[reflect.Type]*jsonschema.Schema{
		reflect.TypeFor[json.RawMessage](): {},
	}})
	if err != nil {
		panic(err) // a fixed type: fails on every run or never
	}
	return s
}

// roleNone removes every role of a stakeholder on a trajectory.
const roleNone = "none"

func (t *tools) registerWrite(s *mcp.Server) {
	write := func() *mcp.ToolAnnotations {
		return &mcp.ToolAnnotations{DestructiveHint: ptr(false), IdempotentHint: false, OpenWorldHint: ptr(false)}
	}
	outSchema := rawSchema[writeOut]()

	mcp.AddTool(s, &mcp.Tool{Name: "log_contact", OutputSchema: outSchema, Title: "Log a contact",
		Description: "Records a contact between L&D and stakeholders (an engagement): date, with whom, about which trajectories, channel, summary, and whether results were shared. Answers what was added and which findings it settled (for example a key stakeholder without recent contact). Needs the editor role.",
		Annotations: write()},
		func(ctx context.Context, req *mcp.CallToolRequest, a logContactArgs) (*mcp.CallToolResult, writeOut, error) {
			c, err := t.begin(ctx, req, a.Workspace, access.RoleEditor)
			if err != nil {
				return nil, writeOut{}, err
			}
			defer c.done()
			s, err := t.snapshot(ctx, c)
			if err != nil {
				return nil, writeOut{}, err
			}
			e := graph.Engagement{Date: a.Date, Channel: a.Channel, Summary: a.Summary, ResultsShared: a.ResultsShared, With: []string{}, About: []string{}}
			if e.Date == "" {
				e.Date = time.Now().UTC().Format(time.DateOnly)
			} else if d, ok := dayFirst(e.Date); ok {
				e.Date = d
			}
			if e.Channel == "" {
				e.Channel = "meeting"
			}
			if err := oneOf("channel", e.Channel, graph.Channels); err != nil {
				return nil, writeOut{}, err
			}
			if len(a.With) == 0 {
				return nil, writeOut{}, errors.New("with: name at least one stakeholder")
			}
			var errs []error
			for _, w := range a.With {
				id, err := s.person(w)
				if err != nil {
					errs = append(errs, err)
					continue
				}
				if !slices.Contains(e.With, id) {
					e.With = append(e.With, id)
				}
			}
			for _, ab := range a.About {
				id, err := s.trajectory(ab)
				if err != nil {
					errs = append(errs, err)
					continue
				}
				if !slices.Contains(e.About, id) {
					e.About = append(e.About, id)
				}
			}
			if err := errors.Join(errs...); err != nil {
				return nil, writeOut{}, err
			}
			e.ID = graph.NewID(e.Date, "", func(id string) bool { return s.people.Has(id) || s.trjs.Has(id) || taken(s.b, id) })
			out, err := t.change(ctx, c, s.b, func(ctx context.Context) error {
				_, err := c.be.CreateNode(ctx, c.ws.ID, e)
				return err
			})
			if err != nil {
				return nil, writeOut{}, err
			}
			return text(fmt.Sprintf("Logged contact %s on %s with %s.%s", e.ID, e.Date, strings.Join(names(s.people, e.With), ", "), settledText(out))), out, nil
		})

	mcp.AddTool(s, &mcp.Tool{Name: "set_attitude", OutputSchema: outSchema, Title: "Set a stakeholder's attitude",
		Description: "Changes where a stakeholder stands towards the learning trajectories: champion, supporter, neutral, critic, blocker or unknown. Refused when someone else changed the stakeholder at the same moment. Answers what changed and which findings it settled. Needs the editor role.",
		Annotations: write()},
		func(ctx context.Context, req *mcp.CallToolRequest, a setAttitudeArgs) (*mcp.CallToolResult, writeOut, error) {
			c, err := t.begin(ctx, req, a.Workspace, access.RoleEditor)
			if err != nil {
				return nil, writeOut{}, err
			}
			defer c.done()
			if a.Attitude == "" {
				return nil, writeOut{}, errors.New("attitude: give one of " + strings.Join(graph.Attitudes, ", "))
			}
			if err := oneOf("attitude", a.Attitude, graph.Attitudes); err != nil {
				return nil, writeOut{}, err
			}
			s, err := t.snapshot(ctx, c)
			if err != nil {
				return nil, writeOut{}, err
			}
			id, err := s.person(a.ID)
			if err != nil {
				return nil, writeOut{}, err
			}
			out, err := t.change(ctx, c, s.b, func(ctx context.Context) error {
				// Read with its version and write with that version: a change
				// someone made in between makes the write fail (ErrStale)
				// instead of being overwritten, as If-Match does in the API.
				p, version, err := graph.Get[graph.Stakeholder](ctx, c.be, c.ws.ID, id)
				if err != nil {
					return err
				}
				p.Attitude = a.Attitude
				_, err = c.be.UpdateNode(ctx, c.ws.ID, p, version)
				return err
			})
			if err != nil {
				return nil, writeOut{}, err
			}
			return text(fmt.Sprintf("%s is now %s.%s", s.people.Name(id), a.Attitude, settledText(out))), out, nil
		})

	mcp.AddTool(s, &mcp.Tool{Name: "set_role", OutputSchema: outSchema, Title: "Set a stakeholder's role on a trajectory",
		Description: "Makes a stakeholder the sponsor, owner, learner, contributor, expert or informed party of a trajectory, replacing their other roles on it (role none removes them all). Answers what changed and which findings it settled, for example a missing sponsor. Needs the editor role.",
		Annotations: write()},
		func(ctx context.Context, req *mcp.CallToolRequest, a setRoleArgs) (*mcp.CallToolResult, writeOut, error) {
			c, err := t.begin(ctx, req, a.Workspace, access.RoleEditor)
			if err != nil {
				return nil, writeOut{}, err
			}
			defer c.done()
			if a.Role != roleNone {
				if a.Role == "" {
					return nil, writeOut{}, errors.New("role: give one of " + strings.Join(graph.Roles, ", ") + " or none")
				}
				if err := oneOf("role", a.Role, graph.Roles); err != nil {
					return nil, writeOut{}, err
				}
			}
			s, err := t.snapshot(ctx, c)
			if err != nil {
				return nil, writeOut{}, err
			}
			who, err := s.person(a.Stakeholder)
			if err != nil {
				return nil, writeOut{}, err
			}
			traj, err := s.trajectory(a.Trajectory)
			if err != nil {
				return nil, writeOut{}, err
			}
			out, err := t.change(ctx, c, s.b, func(ctx context.Context) error {
				return setRole(ctx, c.be, c.ws.ID, who, traj, a.Role)
			})
			if err != nil {
				return nil, writeOut{}, err
			}
			return text(fmt.Sprintf("%s's role on %s: %s.%s", s.people.Name(who), s.trjs.Name(traj), a.Role, settledText(out))), out, nil
		})
}

// setRole gives a stakeholder exactly one role (or none) on a trajectory,
// keeping the interest and influence a stake on that pair carried. The new
// role is added before the others are removed, so that a failure half-way
// never leaves the person with no role at all.
func setRole(ctx context.Context, be graph.Backend, ws, who, traj, role string) error {
	rels, err := be.Relations(ctx, ws, graph.RelStake)
	if err != nil {
		return err
	}
	keep := graph.Stake{Stakeholder: who, Trajectory: traj, Role: role}
	has := false
	var others []graph.Stake
	for _, r := range rels {
		st := r.(graph.Stake)
		if st.Stakeholder != who || st.Trajectory != traj {
			continue
		}
		if st.Role == role {
			has = true
			continue
		}
		if keep.Interest == nil && keep.Influence == nil {
			keep.Interest, keep.Influence = st.Interest, st.Influence
		}
		others = append(others, st)
	}
	if role != roleNone && !has {
		if err := be.AddRelation(ctx, ws, keep); err != nil {
			return err
		}
	}
	for _, st := range others {
		if err := be.RemoveRelation(ctx, ws, graph.RelStake, st.Key()); err != nil && !errors.Is(err, graph.ErrNotFound) {
			return err
		}
	}
	return nil
}

// change runs a write and compares the workspace and its findings before
// and after it, so the answer says what the write did.
func (t *tools) change(ctx context.Context, c *call, before *graph.Bundle, write func(context.Context) error) (writeOut, error) {
	ctx = access.NewContext(ctx, c.p)
	was, err := c.be.Findings(ctx, c.ws.ID, graph.FindingParams{})
	if err != nil {
		return writeOut{}, err
	}
	if err := write(ctx); err != nil {
		if errors.Is(err, graph.ErrStale) {
			return writeOut{}, errors.New("someone changed this at the same moment; read it again and retry")
		}
		return writeOut{}, err
	}
	after, err := c.be.ExportBundle(ctx, c.ws.ID)
	if err != nil {
		return writeOut{}, err
	}
	is, err := c.be.Findings(ctx, c.ws.ID, graph.FindingParams{})
	if err != nil {
		return writeOut{}, err
	}
	cmp, err := graph.Compare(before, after)
	if err != nil {
		return writeOut{}, err
	}
	added, resolved := graph.CompareFindings(was, is)
	return writeOut{Changed: cmp.Nodes, Rels: cmp.Relations, Settled: resolved, New: added}, nil
}

func settledText(out writeOut) string {
	var b strings.Builder
	if len(out.Settled) > 0 {
		fmt.Fprintf(&b, " Settled %d findings:", len(out.Settled))
		for _, f := range out.Settled {
			fmt.Fprintf(&b, " %s %s;", f.Code, f.Subject)
		}
	}
	if len(out.New) > 0 {
		fmt.Fprintf(&b, " New findings:")
		for _, f := range out.New {
			fmt.Fprintf(&b, " %s %s;", f.Code, f.Subject)
		}
	}
	return strings.TrimSuffix(b.String(), ";")
}

func names(x *graph.NameIndex, ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = x.Name(id)
	}
	return out
}

// taken reports whether any node of the bundle has the id.
func taken(b *graph.Bundle, id string) bool {
	found := false
	b.Nodes(func(_ string, _ int, n graph.Node) { found = found || n.NodeID() == id })
	return found
}

// dayFirst reads a Dutch day-first date (30-11-2026, 30/11/2026) as
// YYYY-MM-DD.
func dayFirst(s string) (string, bool) {
	for _, layout := range []string{"2-1-2006", "2/1/2006", "2.1.2006"} {
		if d, err := time.Parse(layout, s); err == nil {
			return d.Format(time.DateOnly), true
		}
	}
	return "", false
}
