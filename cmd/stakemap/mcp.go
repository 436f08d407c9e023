package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"runtime/debug"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/spf13/cobra"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/access"
	"github.com/stakemap/stakemap/internal/assistant"
	"github.com/stakemap/stakemap/internal/embedded"
	"github.com/stakemap/stakemap/internal/render"
)

func init() { register(newMCPCmd) }

func newMCPCmd() *cobra.Command {
	var url string
	cmd := &cobra.Command{
		Use:   "mcp",
		Short: "Serve the analyses to an AI assistant (Model Context Protocol over stdio)",
		Long: `Mcp lets an AI assistant (Claude Desktop, VS Code, ChatGPT with connectors, …)
ask stakeholder-analysis questions with real answers: missing co-owners,
invisible units, the strongest path to the CFO, who the brokers are; and,
for editors, log a contact, set an attitude or a role.

It speaks the Model Context Protocol on standard input and output, so an
assistant starts it as a local server. By default it works on the local
database (or Neo4j) with every right, like every other command. While
stakemap serve holds the database file, --url talks to the running server
instead, with the rights of the token in STAKEMAP_TOKEN.`,
		Example: `  stakemap mcp --db /data/stakemap.db
  STAKEMAP_TOKEN=smk_… stakemap mcp --url http://127.0.0.1:8080`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if url != "" {
				return serveMCPBridge(ctx, url, os.Getenv("STAKEMAP_TOKEN"))
			}
			renderer, err := render.NewRenderer(render.Options{Workers: 1, Handlers: renderJobs})
			if err != nil {
				return err
			}
			defer renderer.Close()
			local := access.Principal{Via: access.ViaLocal, Global: access.RoleAdmin}
			s, err := assistant.New(assistant.Config{
				Open:      openForCall,
				Principal: func(context.Context, http.Header) (access.Principal, error) { return local, nil },
				Maps:      assistantMaps{renderer},
				Version:   version(),
			})
			if err != nil {
				return err
			}
			return runStdio(ctx, s)
		},
	}
	cmd.Flags().StringVar(&url, "url", "", "talk to a running stakemap serve at this address instead of opening the database (token from STAKEMAP_TOKEN)")
	return cmd
}

// openForCall opens the backend for one tool call, so that stakemap mcp
// holds the database file only while a tool runs and the other commands
// can use it in between. A file held by stakemap serve gets a hint.
func openForCall(ctx context.Context) (graph.Backend, func() error, error) {
	be, err := openBackend(ctx)
	if errors.Is(err, embedded.ErrInUse) {
		return nil, nil, fmt.Errorf("%w (while stakemap serve runs, start stakemap mcp with --url and a token)", err)
	}
	if err != nil {
		return nil, nil, err
	}
	return be, be.Close, nil
}

// runStdio serves s on standard input and output until the client goes
// away or the process is interrupted.
func runStdio(ctx context.Context, s *mcp.Server) error {
	err := s.Run(ctx, &mcp.StdioTransport{})
	if err == nil || errors.Is(err, context.Canceled) || strings.Contains(err.Error(), "EOF") {
		return nil
	}
	return fmt.Errorf("mcp: %w", err)
}

// serveMCPBridge forwards stdio to the /mcp endpoint of a running server.
func serveMCPBridge(ctx context.Context, base, token string) error {
	if token == "" {
		return fmt.Errorf("mcp --url: set STAKEMAP_TOKEN to an API token of that server: %w", graph.ErrInvalid)
	}
	endpoint := strings.TrimRight(base, "/") + "/mcp"
	client := mcp.NewClient(&mcp.Implementation{Name: "stakemap-bridge", Version: version()}, nil)
	remote, err := client.Connect(ctx, &mcp.StreamableClientTransport{Endpoint: endpoint, HTTPClient: assistant.BearerClient(token)}, nil)
	if err != nil {
		return fmt.Errorf("mcp --url: cannot reach %s: %w", endpoint, err)
	}
	defer remote.Close()
	s, err := assistant.Bridge(ctx, remote, version())
	if err != nil {
		return fmt.Errorf("mcp --url %s: %w", endpoint, err)
	}
	return runStdio(ctx, s)
}

// assistantMaps adapts the render package to the assistant's maps.
type assistantMaps struct{ r *render.Renderer }

func (m assistantMaps) RenderMap(ctx context.Context, b *graph.Bundle, req assistant.MapRequest) ([]byte, error) {
	res, err := m.r.Render(ctx, render.Request{Bundle: b, Kind: req.Kind, Format: req.Format, Trajectory: req.Trajectory,
		From: req.From, To: req.To, Mode: req.Mode, K: req.K, Lang: req.Lang, Anonymize: req.Anonymize})
	if err != nil {
		return nil, err
	}
	return res.Data, nil
}

// version is the module version the binary was built from, or "dev".
func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}
