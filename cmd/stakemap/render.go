package main

import (
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"
	"github.com/stakemap/stakemap/internal/render"
)

func init() {
	register(newRenderCmd)
	register(newRenderWorkerCmd)
}

func newRenderCmd() *cobra.Command {
	var (
		wsFlag, out string
		req         render.Request
	)
	cmd := &cobra.Command{
		Use:   "render",
		Short: "Render a map (stakeholders, grid, path, dependencies) as SVG, PNG, PDF or DOT",
		Long: `Render draws one map of a workspace for a slide or a report.

Kinds: stakeholders (one --trajectory or the whole workspace: stakeholders by
unit, colour by attitude, roles on the edges, findings marked), grid (the
power–interest grid), path (influence paths --from --to, --mode, --k) and
dependencies (trajectories, enablers and goals; blocked ones marked) and
changes (the grid with arrows from where people stood at --from to where
they stand at --to, default now; attitude shifts coloured).
Formats: svg, png, pdf and dot (the Graphviz source).

Every map is drawn on a page (--page): slide (the default, 16:9: a PNG of
1920 × 1080 pixels, a PDF page and SVG of 960 × 540 pt), a4, a4-landscape,
or auto (the map's natural size). On a fixed page no text is smaller than
14 pixels of a 1920 × 1080 slide: a map that would need smaller text is
summarised (the key stakeholders drawn, the others counted per unit; full
grid cells counted; fewer paths or trajectories), and --part N draws the
N-th of the parts that together show everything. On an auto page a
workspace map with more than 150 stakeholders is summarised; --full draws
everyone, which can take minutes for very large workspaces.`,
		Example: `  stakemap render --kind stakeholders --trajectory ai-basis --format png
  stakemap render --kind grid --format pdf --anonymize -o grid.pdf
  stakemap render --kind path --from ld-adviseur --to cfo --k 3 --format svg -o -
  stakemap render --kind stakeholders --page a4-landscape --part 2 --format pdf
  stakemap render --kind changes --from mt-november --format png -o since-november.png`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			backend, err := openBackend(ctx)
			if err != nil {
				return err
			}
			defer backend.Close()
			ws, err := resolveWorkspace(ctx, backend, wsFlag)
			if err != nil {
				return err
			}
			b, err := backend.ExportBundle(ctx, ws)
			if err != nil {
				return fmt.Errorf("render: read workspace %s: %w", ws, err)
			}
			if req.AsOf == "" {
				req.AsOf = atDate(backend, ws)
			}
			if req.Kind == render.KindChanges {
				if req.Before, b, req.Since, err = changesStates(ctx, backend, ws, req.From, req.To); err != nil {
					return err
				}
			}
			if req.Full && len(b.Stakeholders) > render.SummaryThreshold {
				progress(cmd.ErrOrStderr(), "warning: --full draws all %d stakeholders; this can take minutes", len(b.Stakeholders))
			}
			// A one-off command runs Graphviz in-process: no worker to start,
			// and Ctrl-C ends the whole process anyway.
			r, err := render.NewRenderer(render.Options{InProcess: true, CacheEntries: -1, Timeout: time.Hour})
			if err != nil {
				return err
			}
			defer r.Close()
			req.Bundle = b
			start := time.Now()
			res, err := r.Render(ctx, req)
			if err != nil {
				return err
			}
			if res.Parts > 0 {
				progress(cmd.ErrOrStderr(), "part %d of %d", req.Part, res.Parts)
			}
			if res.Note != "" {
				progress(cmd.ErrOrStderr(), "%s", res.Note)
			}
			return writeRendered(cmd, "render", out, res, start)
		},
	}
	f := cmd.Flags()
	f.StringVar(&wsFlag, "workspace", "", "workspace id (may be left out when the store holds one workspace)")
	f.StringVar(&req.Kind, "kind", render.KindStakeholders, "map kind: stakeholders, grid, path or dependencies")
	f.StringVar(&req.Format, "format", render.FormatSVG, "svg, png, pdf or dot")
	f.StringVarP(&out, "output", "o", "", "output file; - for standard output; default: a name from the map, in the current directory")
	f.StringVar(&req.Trajectory, "trajectory", "", "trajectory id (stakeholders and grid maps); empty: the whole workspace")
	f.StringVar(&req.From, "from", "", "path map: stakeholder the paths start at; changes map: the earlier state (snapshot id, instant or date)")
	f.StringVar(&req.To, "to", "", "path map: stakeholder the paths end at; changes map: the later state (default now)")
	f.StringVar(&req.Mode, "mode", "", "path map: shortest or strongest (default strongest)")
	f.IntVar(&req.K, "k", 0, "path map: number of alternative paths (default 1)")
	f.BoolVar(&req.Anonymize, "anonymize", false, "show persons by title and unit only, for slides shown outside the team")
	f.StringVar(&req.Lang, "lang", "", "nl or en; default: the workspace's language")
	f.StringVar(&req.Page, "page", render.PageSlide, "page: slide, a4, a4-landscape or auto (the map's natural size)")
	f.IntVar(&req.Part, "part", 0, "draw part N of a map too large for its page (fixed pages); 0: the whole map, summarised")
	f.Float64Var(&req.Scale, "scale", 1, "PNG only: multiply the page's pixels, 1-4 (a slide is 1920 × 1080 at 1)")
	f.BoolVar(&req.Context, "context", false, "path map: also draw the people next to the paths")
	f.BoolVar(&req.Full, "full", false, "auto page: draw every stakeholder of a large workspace instead of a summary (slow)")
	f.StringVar(&req.AsOf, "as-of", "", "date YYYY-MM-DD of the findings the map marks; default today")
	f.IntVar(&req.High, "high", 0, "threshold 1-5 for high influence; default 4")
	return cmd
}

// renderJobs are the kinds of render jobs besides maps (a slide deck, say):
// a command's file adds its kind here, and then the render workers run it
// and serve's renderer queues it with the maps (Renderer.Run).
var renderJobs = map[string]render.Handler{}

// newRenderWorkerCmd is the hidden command a map server starts its render
// workers with: it speaks the render package's protocol on stdin/stdout.
func newRenderWorkerCmd() *cobra.Command {
	return &cobra.Command{
		Use:    "render-worker",
		Short:  "Internal: map rendering worker (builds, lays out and paints maps)",
		Hidden: true,
		Args:   cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return render.ServeWorker(os.Stdin, os.Stdout, renderJobs)
		},
	}
}

// writeRendered writes what a render or deck command made to out ("-":
// standard output; empty: the file name the result suggests) and says on
// standard error what it wrote and how long the command took since start.
func writeRendered(cmd *cobra.Command, what, out string, res render.Result, start time.Time) error {
	if out == "-" {
		_, err := cmd.OutOrStdout().Write(res.Data)
		return err
	}
	if out == "" {
		out = res.FileName
	}
	if err := os.WriteFile(out, res.Data, 0o644); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	progress(cmd.ErrOrStderr(), "wrote %s (%d bytes) in %s", out, len(res.Data), time.Since(start).Round(time.Millisecond))
	return nil
}
