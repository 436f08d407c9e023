// Command benchserver serves the demo workspace through the full HTTP
// service and, beside it, a bare gin handler that returns the same
// stakeholder JSON, so that a load generator such as wrk can compare the
// two on loopback in the same run:
//
//	go run ./internal/httpapi/benchserver
//	wrk -t2 -c32 -d15s --latency -H "Authorization: Bearer $TOKEN" $SERVICE_URL
//	wrk -t2 -c32 -d15s --latency $BASELINE_URL
//
// It prints the token and the URLs, and stops on SIGINT or SIGTERM.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/gin-gonic/gin"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/access"
	"github.com/stakemap/stakemap/internal/analysis"
	"github.com/stakemap/stakemap/internal/demo"
	"github.com/stakemap/stakemap/internal/embedded"
	"github.com/stakemap/stakemap/internal/httpapi"
	"github.com/stakemap/stakemap/internal/render"
)

type backend struct {
	*embedded.Store
	*analysis.Engine
}

type renderer struct{ r *render.Renderer }

func (m renderer) RenderMap(ctx context.Context, b *graph.Bundle, req httpapi.MapRequest) (httpapi.MapResult, error) {
	res, err := m.r.Render(ctx, render.Request{Bundle: b, Kind: req.Kind, Format: req.Format, Trajectory: req.Trajectory,
		From: req.From, To: req.To, Mode: req.Mode, K: req.K, Lang: req.Lang, Anonymize: req.Anonymize, Scale: req.Scale})
	if err != nil {
		return httpapi.MapResult{}, err
	}
	return httpapi.MapResult{Data: res.Data, ContentType: res.ContentType, Key: res.Key, FileName: res.FileName}, nil
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "benchserver:", err)
		os.Exit(1)
	}
}

func run() error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	dir, err := os.MkdirTemp("", "stakemap-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	st, err := embedded.Open(filepath.Join(dir, "bench.db"))
	if err != nil {
		return err
	}
	defer st.Close()
	b, err := demo.Bundle()
	if err != nil {
		return err
	}
	if err := st.ImportBundle(ctx, b, graph.Precondition{}); err != nil {
		return err
	}
	be := backend{st, analysis.New(st)}
	acc, err := access.New(ctx, access.Config{Store: be})
	if err != nil {
		return err
	}
	token, _, err := acc.CreateToken(ctx, access.Principal{Via: access.ViaLocal}, access.TokenRequest{Workspace: demo.ID, Role: access.RoleViewer})
	if err != nil {
		return err
	}
	rr, err := render.NewRenderer(render.Options{InProcess: true})
	if err != nil {
		return err
	}
	defer rr.Close()
	// Access logs go to a file, as a service's would go to a journal.
	logFile, err := os.Create(filepath.Join(dir, "access.log"))
	if err != nil {
		return err
	}
	defer logFile.Close()
	api, err := httpapi.New(httpapi.Config{Backend: be, Access: acc,
		Renderer: renderer{rr}, Logger: slog.New(slog.NewTextHandler(logFile, nil))})
	if err != nil {
		return err
	}

	sh := b.Stakeholders[0]
	bare := gin.New()
	bare.GET("/api/v1/workspaces/:ws/stakeholders/:id", func(c *gin.Context) { c.JSON(http.StatusOK, sh) })

	lnAPI, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	lnBare, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	path := "/api/v1/workspaces/" + demo.ID + "/stakeholders/" + sh.ID
	fmt.Printf("TOKEN=%s\nSERVICE_URL=http://%s%s\nBASELINE_URL=http://%s%s\nMAP_URL=http://%s/api/v1/workspaces/%s/maps/stakeholders.svg\n",
		token, lnAPI.Addr(), path, lnBare.Addr(), path, lnAPI.Addr(), demo.ID)
	quiet := slog.New(slog.DiscardHandler)
	errc := make(chan error, 2)
	go func() { errc <- httpapi.Serve(ctx, lnAPI, api.Handler(), quiet) }()
	go func() { errc <- httpapi.Serve(ctx, lnBare, bare, quiet) }()
	if err := <-errc; err != nil {
		return err
	}
	return <-errc
}
