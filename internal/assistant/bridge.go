package assistant

import (
	"context"
	"fmt"
	"net/http"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// Bridge returns a server that offers the tools and resource templates of
// a remote stakemap server (connected as remote) and forwards every call
// to it. stakemap mcp --url serves it over stdio, so that a desktop
// assistant can work beside a running stakemap serve, which holds the
// database file, with the rights of the caller's token.
func Bridge(ctx context.Context, remote *mcp.ClientSession, version string) (*mcp.Server, error) {
	s := mcp.NewServer(&mcp.Implementation{Name: "stakemap", Title: "stakemap stakeholder analyses", Version: version}, &mcp.ServerOptions{
		Instructions: instructions,
	})
	for tool, err := range remote.Tools(ctx, nil) {
		if err != nil {
			return nil, fmt.Errorf("list the server's tools: %w", err)
		}
		name := tool.Name
		s.AddTool(tool, func(ctx context.Context, req *mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			return remote.CallTool(ctx, &mcp.CallToolParams{Name: name, Arguments: req.Params.Arguments})
		})
	}
	for tmpl, err := range remote.ResourceTemplates(ctx, nil) {
		if err != nil {
			return nil, fmt.Errorf("list the server's resources: %w", err)
		}
		s.AddResourceTemplate(tmpl, func(ctx context.Context, req *mcp.ReadResourceRequest) (*mcp.ReadResourceResult, error) {
			return remote.ReadResource(ctx, &mcp.ReadResourceParams{URI: req.Params.URI})
		})
	}
	return s, nil
}

// BearerClient is an HTTP client that sends token as a bearer token on
// every request, for connecting to /mcp of a running server.
func BearerClient(token string) *http.Client {
	return &http.Client{Transport: bearerTransport{token: token, next: http.DefaultTransport}}
}

type bearerTransport struct {
	token string
	next  http.RoundTripper
}

func (b bearerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.token)
	return b.next.RoundTrip(r)
}
