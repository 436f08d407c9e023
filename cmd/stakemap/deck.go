package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/render"
)

func init() { register(newDeckCmd) }

// parsePaths reads --path values FROM:TO.
func parsePaths(values []string) ([]render.PathEnds, error) {
	var ps []render.PathEnds
	var problems []graph.Problem
	for _, v := range values {
		from, to, ok := strings.Cut(v, ":")
		if !ok || from == "" || to == "" || strings.Contains(to, ":") {
			problems = append(problems, graph.Problem{Field: "path", Value: v, Reason: "must be FROM:TO, two stakeholder ids"})
			continue
		}
		ps = append(ps, render.PathEnds{From: from, To: to})
	}
	if len(problems) > 0 {
		return nil, graph.Invalid(problems)
	}
	return ps, nil
}

func newDeckCmd() *cobra.Command {
	var (
		wsFlag, out string
		paths       []string
		req         render.DeckRequest
	)
	cmd := &cobra.Command{
		Use:   "deck",
		Short: "Make a PowerPoint deck: overview, maps and findings per trajectory",
		Long: `Deck writes a 16:9 PowerPoint deck (.pptx) of a workspace: a title slide, an
overview (counts and the most severe findings), then for every trajectory
three slides (its stakeholder map, its power–interest grid, and its findings
with advice as editable text, most severe first), a slide per --path, and
the dependency map. The speaker notes explain each finding's definition.

By default the deck covers every active trajectory; --trajectory (repeated)
picks trajectories in that order, --all takes every trajectory, active
first. The deck opens in PowerPoint, Keynote, Google Slides and LibreOffice
Impress.`,
		Example: `  stakemap deck -o oostvoorde.pptx
  stakemap deck --trajectory ai-basis --trajectory leiderschap --path ld-adviseur:controller
  stakemap deck --all --lang en --anonymize -o deck-en.pptx`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var err error
			if req.Paths, err = parsePaths(paths); err != nil {
				return fmt.Errorf("deck: %w", err)
			}
			if req.Lang != "" && req.Lang != graph.LangNL && req.Lang != graph.LangEN {
				return fmt.Errorf("deck: %w", graph.Invalid([]graph.Problem{{Field: "lang", Value: req.Lang, Reason: "must be one of nl, en"}}))
			}
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
			if req.Bundle, err = backend.ExportBundle(ctx, ws); err != nil {
				return fmt.Errorf("deck: read workspace %s: %w", ws, err)
			}
			// A one-off command runs Graphviz in-process, as render does.
			r, err := render.NewRenderer(render.Options{InProcess: true, CacheEntries: -1, Timeout: time.Hour})
			if err != nil {
				return err
			}
			defer r.Close()
			start := time.Now()
			res, err := r.Deck(ctx, req)
			if err != nil {
				return err
			}
			return writeRendered(cmd, "deck", out, res, start)
		},
	}
	f := cmd.Flags()
	f.StringVar(&wsFlag, "workspace", "", "workspace id (may be left out when the store holds one workspace)")
	f.StringArrayVar(&req.Trajectories, "trajectory", nil, "trajectory id to present (repeat for more); default: every active one")
	f.StringArrayVar(&paths, "path", nil, "influence path FROM:TO to present (repeat for more)")
	f.BoolVar(&req.All, "all", false, "present every trajectory, active ones first")
	f.StringVar(&req.Lang, "lang", "", "nl or en; default: the workspace's language")
	f.BoolVar(&req.Anonymize, "anonymize", false, "show persons by title and unit only, for decks shown outside the team")
	f.StringVar(&req.AsOf, "as-of", "", "date YYYY-MM-DD of the findings; default today")
	f.IntVar(&req.High, "high", 0, "threshold 1-5 for high influence and interest; default 4")
	f.StringVarP(&out, "output", "o", "", "output file; - for standard output; default deck-<workspace>.pptx in the current directory")
	return cmd
}
