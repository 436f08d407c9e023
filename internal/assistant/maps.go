package assistant

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/access"
)

type renderArgs struct {
	Workspace  string `json:"workspace,omitempty" jsonschema:"the workspace: its id or name; may be left out when you can read only one"`
	Kind       string `json:"kind" jsonschema:"stakeholders, grid, path or dependencies"`
	Trajectory string `json:"trajectory,omitempty" jsonschema:"for stakeholders and grid maps: one trajectory (id or name); empty: the whole workspace"`
	From       string `json:"from,omitempty" jsonschema:"for a path map: where the paths start (id or name)"`
	To         string `json:"to,omitempty" jsonschema:"for a path map: whom they reach (id or name)"`
	Mode       string `json:"mode,omitempty" jsonschema:"for a path map: strongest (default) or shortest"`
	K          int    `json:"k,omitempty" jsonschema:"for a path map: how many paths, 1-20"`
	Lang       string `json:"lang,omitempty" jsonschema:"nl or en; default the workspace's language"`
	Anonymize  bool   `json:"anonymize,omitempty" jsonschema:"show persons by title and unit instead of names, for slides shown outside the team"`
}

// mapKinds are the kinds render_map draws.
var mapKinds = []string{"stakeholders", "grid", "path", "dependencies"}

func (t *tools) registerMaps(s *mcp.Server) {
	if t.cfg.Maps == nil {
		return
	}
	mcp.AddTool(s, &mcp.Tool{Name: "render_map", Title: "Draw a map",
		Description: "Draws a map of the workspace as a PNG image for slides (16:9), with its SVG as a resource: a trajectory's or the workspace's stakeholder map, a power-interest grid, influence paths between two people, or the dependencies of trajectories.",
		Annotations: readOnly()},
		func(ctx context.Context, req *mcp.CallToolRequest, a renderArgs) (*mcp.CallToolResult, any, error) {
			c, err := t.begin(ctx, req, a.Workspace, access.RoleViewer)
			if err != nil {
				return nil, nil, err
			}
			defer c.done()
			if a.Kind == "" {
				return nil, nil, fmt.Errorf("kind: give one of %s", strings.Join(mapKinds, ", "))
			}
			if err := oneOf("kind", a.Kind, mapKinds); err != nil {
				return nil, nil, err
			}
			if err := oneOf("lang", a.Lang, graph.Languages); err != nil {
				return nil, nil, err
			}
			s, err := t.snapshot(ctx, c)
			if err != nil {
				return nil, nil, err
			}
			mr := MapRequest{Kind: a.Kind, Mode: a.Mode, K: a.K, Lang: a.Lang, Anonymize: a.Anonymize}
			if a.Trajectory != "" {
				if mr.Trajectory, err = s.trajectory(a.Trajectory); err != nil {
					return nil, nil, err
				}
			}
			if a.Kind == "path" {
				if mr.From, err = s.person(a.From); err != nil {
					return nil, nil, err
				}
				if mr.To, err = s.person(a.To); err != nil {
					return nil, nil, err
				}
			}
			mr.Format = "png"
			png, err := t.cfg.Maps.RenderMap(ctx, s.b, mr)
			if err != nil {
				return nil, nil, err
			}
			mr.Format = "svg"
			svg, err := t.cfg.Maps.RenderMap(ctx, s.b, mr)
			if err != nil {
				return nil, nil, err
			}
			uri := mapURI(c.ws.ID, mr)
			return &mcp.CallToolResult{Content: []mcp.Content{
				&mcp.ImageContent{Data: png, MIMEType: "image/png"},
				&mcp.EmbeddedResource{Resource: &mcp.ResourceContents{URI: uri, MIMEType: "image/svg+xml", Text: string(svg)}},
				&mcp.TextContent{Text: fmt.Sprintf("The %s map of %s (PNG, and its SVG as %s).", a.Kind, c.ws.Name, uri)},
			}}, nil, nil
		})
}

// mapURI names a map as a resource: stakemap://workspaces/{ws}/maps/{kind}.svg?….
func mapURI(ws string, mr MapRequest) string {
	q := url.Values{}
	for k, v := range map[string]string{"trajectory": mr.Trajectory, "from": mr.From, "to": mr.To, "mode": mr.Mode, "lang": mr.Lang} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if mr.K > 0 {
		q.Set("k", fmt.Sprint(mr.K))
	}
	if mr.Anonymize {
		q.Set("anonymize", "true")
	}
	u := "stakemap://workspaces/" + ws + "/maps/" + mr.Kind + "." + mr.Format
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return u
}

// registerResources offers each workspace's stakemap/v1 document and its
// findings, so an assistant can read before it asks.
func (t *tools) registerResources(s *mcp.Server) {
	s.AddResourceTemplate(&mcp.ResourceTemplate{Name: "workspace", Title: "A workspace as a stakemap/v1 document",
		URITemplate: "stakemap://workspaces/{workspace}/bundle", MIMEType: "application/json",
		Description: "Every stakeholder, trajectory, goal, enabler, role, influence, reporting line and contact of one workspace."},
		func(ctx context.Context, req *mcp.ReadResourceRequest) (*mcp.ReadResourceResult, error) {
			return t.readResource(ctx, req, "bundle")
		})
	s.AddResourceTemplate(&mcp.ResourceTemplate{Name: "findings", Title: "The findings of a workspace",
		URITemplate: "stakemap://workspaces/{workspace}/findings", MIMEType: "application/json",
		Description: "What is missing in the workspace today, as {\"findings\": [...]}."},
		func(ctx context.Context, req *mcp.ReadResourceRequest) (*mcp.ReadResourceResult, error) {
			return t.readResource(ctx, req, "findings")
		})
}

func (t *tools) readResource(ctx context.Context, req *mcp.ReadResourceRequest, what string) (*mcp.ReadResourceResult, error) {
	uri := req.Params.URI
	rest, ok := strings.CutPrefix(uri, "stakemap://workspaces/")
	ws, tail, ok2 := strings.Cut(rest, "/")
	if !ok || !ok2 || tail != what {
		return nil, mcp.ResourceNotFoundError(uri)
	}
	var header http.Header
	if req.Extra != nil {
		header = req.Extra.Header
	}
	p, err := t.cfg.Principal(ctx, header)
	if err != nil {
		return nil, fmt.Errorf("not signed in: %w", err)
	}
	if !p.Can(ws, access.RoleViewer) {
		return nil, mcp.ResourceNotFoundError(uri)
	}
	be, closeBe, err := t.cfg.Open(ctx)
	if err != nil {
		return nil, err
	}
	defer closeBe()
	var v any
	switch what {
	case "bundle":
		b, err := be.ExportBundle(ctx, ws)
		if err != nil {
			return nil, mcp.ResourceNotFoundError(uri)
		}
		v = b
	case "findings":
		fs, err := be.Findings(ctx, ws, graph.FindingParams{})
		if err != nil {
			return nil, mcp.ResourceNotFoundError(uri)
		}
		v = findingsOut{Findings: fs}
	}
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return nil, err
	}
	return &mcp.ReadResourceResult{Contents: []*mcp.ResourceContents{{URI: uri, MIMEType: "application/json", Text: string(data)}}}, nil
}

func (t *tools) register(s *mcp.Server) {
	t.registerRead(s)
	t.registerHistory(s)
	if !t.cfg.ReadOnly {
		t.registerWrite(s)
	}
	t.registerMaps(s)
	t.registerResources(s)
}
