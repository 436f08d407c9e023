package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/locale"
)

func init() {
	register(newAnalyzeCmd)
	register(newGridCmd)
	register(newPathCmd)
	register(newBrokersCmd)
}

// analysisRun is what the four analysis commands share: the backend, the
// workspace they work on, the language of their table and, for tables, the
// names to show next to ids.
type analysisRun struct {
	backend graph.Backend
	ws      graph.Workspace
	lang    string
	names   map[string]string
}

// openAnalysis opens the backend and resolves the workspace. lang is the
// --lang flag; empty means the workspace's language. The caller closes
// run.backend.
func openAnalysis(ctx context.Context, wsFlag, lang string, table bool) (*analysisRun, error) {
	if lang != "" && lang != graph.LangNL && lang != graph.LangEN {
		return nil, graph.Invalid([]graph.Problem{{Field: "lang", Value: lang, Reason: "must be one of nl, en"}})
	}
	backend, err := openBackend(ctx)
	if err != nil {
		return nil, err
	}
	run := &analysisRun{backend: backend}
	fail := func(err error) (*analysisRun, error) {
		backend.Close()
		return nil, err
	}
	id, err := resolveWorkspace(ctx, backend, wsFlag)
	if err != nil {
		return fail(err)
	}
	if run.ws, err = backend.Workspace(ctx, id); err != nil {
		return fail(fmt.Errorf("workspace %q: %w", id, err))
	}
	run.lang = lang
	if run.lang == "" {
		run.lang = run.ws.Language
	}
	if run.lang != graph.LangEN {
		run.lang = graph.LangNL
	}
	if table {
		b, err := backend.ExportBundle(ctx, id)
		if err != nil {
			return fail(fmt.Errorf("workspace %q: %w", id, err))
		}
		run.names = map[string]string{}
		b.Nodes(func(_ string, _ int, n graph.Node) {
			if n.NodeKind() != graph.KindEngagement {
				run.names[n.NodeID()] = graph.NodeName(n)
			}
		})
	}
	return run, nil
}

// t picks the Dutch or the English text.
func (r *analysisRun) t(nl, en string) string {
	if r.lang == graph.LangEN {
		return en
	}
	return nl
}

// label shows an id with its name: "Carla Fontein (cfo)".
func (r *analysisRun) label(id string) string {
	if n := r.names[id]; n != "" && n != id {
		return n + " (" + id + ")"
	}
	return id
}

// writeJSON prints one indented JSON document.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

func newTable(w io.Writer) *tabwriter.Writer { return tabwriter.NewWriter(w, 0, 0, 2, ' ', 0) }

func newAnalyzeCmd() *cobra.Command {
	var (
		wsFlag, lang string
		asJSON       bool
		p            graph.FindingParams
	)
	cmd := &cobra.Command{
		Use:   "analyze",
		Short: "List what is missing: co-ownership, visibility and strategy findings",
		Long: `Analyze runs the checks of a stakeholder analysis over a workspace and lists
each finding with advice: trajectories without a sponsor, owner or learners'
voice, key stakeholders L&D has not met recently, units L&D never reaches,
trajectories linked to no goal, without an impact measure, blocked or
overdue for review, and dependency cycles. It exits 0 whenever it ran,
whatever it found.`,
		Example: `  stakemap analyze --workspace oostvoorde
  stakemap analyze --only co-ownership --as-of 2026-09-30 --lang en
  stakemap analyze --high 5 --window 60 --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			p.Lang = lang
			if err := p.Normalize(); err != nil {
				return fmt.Errorf("analyze: %w", err)
			}
			run, err := openAnalysis(cmd.Context(), wsFlag, lang, !asJSON)
			if err != nil {
				return err
			}
			defer run.backend.Close()
			fs, err := run.backend.Findings(cmd.Context(), run.ws.ID, p)
			if err != nil {
				return fmt.Errorf("analyze %s: %w", run.ws.ID, err)
			}
			if fs == nil {
				fs = []graph.Finding{}
			}
			out := cmd.OutOrStdout()
			if asJSON {
				return writeJSON(out, struct {
					Findings []graph.Finding `json:"findings"`
				}{fs})
			}
			if len(fs) == 0 {
				_, err := fmt.Fprintln(out, run.t("Geen bevindingen in "+run.ws.Name+" op "+p.AsOf+".", "No findings in "+run.ws.Name+" as of "+p.AsOf+"."))
				return err
			}
			// Grouped, most severe first within a group, one finding per
			// paragraph: the advice is a sentence and reads badly in a
			// table column. The JSON keeps the contract order.
			graph.SortFindingsBySeverity(fs)
			count := map[string]int{}
			for _, group := range graph.Groups {
				first := true
				for _, f := range fs {
					if graph.CodeGroups[f.Code] != group {
						continue
					}
					if first {
						title := groupNames[group][0]
						if run.lang == graph.LangEN {
							title = groupNames[group][1]
						}
						fmt.Fprintf(out, "%s\n%s\n", title, strings.Repeat("=", len([]rune(title))))
						first = false
					}
					subject := run.label(f.Subject)
					if f.Code == graph.CodeInvisibleUnit {
						subject = f.Subject // a unit name, not an id
					}
					count[f.Severity]++
					fmt.Fprintf(out, "%-6s  %s  %s", run.t(severityNames[f.Severity][0], severityNames[f.Severity][1]), f.Code, subject)
					if len(f.Related) > 0 {
						fmt.Fprintf(out, "  [%s]", strings.Join(f.Related, ", "))
					}
					fmt.Fprintf(out, "\n    %s\n", f.Message)
				}
				if !first {
					fmt.Fprintln(out)
				}
			}
			var bySeverity []string
			for _, sev := range graph.Severities {
				if count[sev] > 0 {
					bySeverity = append(bySeverity, fmt.Sprintf("%d %s", count[sev], run.t(severityNames[sev][0], severityNames[sev][1])))
				}
			}
			_, err = fmt.Fprintf(out, "%s\n", run.t(
				fmt.Sprintf("%d bevindingen (%s) in %s op %s.", len(fs), strings.Join(bySeverity, ", "), run.ws.Name, p.AsOf),
				fmt.Sprintf("%d findings (%s) in %s as of %s.", len(fs), strings.Join(bySeverity, ", "), run.ws.Name, p.AsOf)))
			return err
		},
	}
	f := cmd.Flags()
	f.StringVar(&wsFlag, "workspace", "", "workspace id (may be left out when the store holds one workspace)")
	f.StringVar(&p.AsOf, "as-of", "", "date the analysis looks from, YYYY-MM-DD (default today, UTC)")
	f.IntVar(&p.High, "high", graph.DefaultHigh, "a value on the 1–5 scales at or above this is high")
	f.IntVar(&p.Window, "window", graph.DefaultWindow, "days an engagement counts as recent")
	f.StringVar(&p.Only, "only", "", "one group only: co-ownership, visibility or strategy")
	f.StringVar(&lang, "lang", "", "language of advice and headers, nl or en (default: the workspace's)")
	f.BoolVar(&asJSON, "json", false, `print one JSON document {"findings": [...]}`)
	return cmd
}

// groupNames are the finding group headings of the analyze output.
var groupNames = map[string][2]string{
	graph.GroupCoOwnership: {"Mede-eigenaarschap", "Co-ownership"},
	graph.GroupVisibility:  {"Zichtbaarheid", "Visibility"},
	graph.GroupStrategy:    {"Strategie en afhankelijkheden", "Strategy and dependencies"},
}

// severityNames are the severities as the analyze table shows them.
var severityNames = map[string][2]string{
	graph.SeverityHigh:   {"hoog", "high"},
	graph.SeverityMedium: {"middel", "medium"},
	graph.SeverityLow:    {"laag", "low"},
}

// quadrantNames are the quadrant headings of the grid table.
var quadrantNames = map[string][2]string{
	graph.QuadrantManageClosely: {"nauw betrekken", "manage closely"},
	graph.QuadrantKeepSatisfied: {"tevreden houden", "keep satisfied"},
	graph.QuadrantKeepInformed:  {"informeren", "keep informed"},
	graph.QuadrantMonitor:       {"monitoren", "monitor"},
}

func newGridCmd() *cobra.Command {
	var (
		wsFlag, trajectory, lang string
		high                     int
		asJSON                   bool
	)
	cmd := &cobra.Command{
		Use:   "grid",
		Short: "Place stakeholders in the power–interest grid (Mendelow)",
		Long: `Grid sorts stakeholders into four quadrants by influence and interest:
manage-closely (both high), keep-satisfied (influence high), keep-informed
(interest high) and monitor. With --trajectory it places the stakeholders
with a stake on that trajectory by their values there; otherwise every
stakeholder of the workspace by its own values.`,
		Example: `  stakemap grid --workspace oostvoorde
  stakemap grid --trajectory ai-basis --high 3 --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			run, err := openAnalysis(cmd.Context(), wsFlag, lang, !asJSON)
			if err != nil {
				return err
			}
			defer run.backend.Close()
			g, err := run.backend.Grid(cmd.Context(), run.ws.ID, trajectory, high)
			if err != nil {
				return fmt.Errorf("grid %s: %w", run.ws.ID, err)
			}
			for _, q := range graph.Quadrants {
				if g.Quadrants == nil {
					g.Quadrants = map[string][]string{}
				}
				if g.Quadrants[q] == nil {
					g.Quadrants[q] = []string{}
				}
			}
			out := cmd.OutOrStdout()
			if asJSON {
				return writeJSON(out, g)
			}
			tw := newTable(out)
			fmt.Fprintln(tw, run.t("KWADRANT\tCODE\tBELANGHEBBENDE", "QUADRANT\tCODE\tSTAKEHOLDER"))
			for _, q := range graph.Quadrants {
				name := quadrantNames[q][0]
				if run.lang == graph.LangEN {
					name = quadrantNames[q][1]
				}
				if len(g.Quadrants[q]) == 0 {
					fmt.Fprintf(tw, "%s\t%s\t-\n", name, q)
				}
				for i, id := range g.Quadrants[q] {
					if i == 0 {
						fmt.Fprintf(tw, "%s\t%s\t%s\n", name, q, run.label(id))
					} else {
						fmt.Fprintf(tw, "\t\t%s\n", run.label(id))
					}
				}
			}
			return tw.Flush()
		},
	}
	f := cmd.Flags()
	f.StringVar(&wsFlag, "workspace", "", "workspace id (may be left out when the store holds one workspace)")
	f.StringVar(&trajectory, "trajectory", "", "trajectory id; empty: the whole workspace")
	f.IntVar(&high, "high", graph.DefaultHigh, "a value on the 1–5 scales at or above this is high")
	f.StringVar(&lang, "lang", "", "language of the headers, nl or en (default: the workspace's)")
	f.BoolVar(&asJSON, "json", false, `print one JSON document {"quadrants": {...}}`)
	return cmd
}

func newPathCmd() *cobra.Command {
	var (
		wsFlag, lang string
		asJSON       bool
		q            graph.PathQuery
	)
	cmd := &cobra.Command{
		Use:   "path",
		Short: "Find influence paths: through whom can one stakeholder reach another?",
		Long: `Path searches the influence network (influences with their strength, and
reporting lines both ways with --hierarchy-strength) for simple paths from
--from to --to of at most --max-hops steps. A path's strength is the product
of its steps' strengths. --mode strongest (the default) ranks by strength,
then fewer hops; --mode shortest by hops, then strength; --k asks for that
many alternatives. No path is an answer, not an error. From a stakeholder to
itself the answer is the path of zero hops.`,
		Example: `  stakemap path --from ld-manager --to cfo
  stakemap path --from ld-manager --to cfo --mode shortest --k 3 --max-hops 4
  stakemap path --from ld-manager --to cfo --hierarchy-strength 0.8 --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := q.Normalize(); err != nil {
				return fmt.Errorf("path: %w", err)
			}
			run, err := openAnalysis(cmd.Context(), wsFlag, lang, !asJSON)
			if err != nil {
				return err
			}
			defer run.backend.Close()
			ps, err := run.backend.Paths(cmd.Context(), run.ws.ID, q)
			if err != nil {
				return fmt.Errorf("path %s: %w", run.ws.ID, err)
			}
			if ps == nil {
				ps = []graph.Path{}
			}
			out := cmd.OutOrStdout()
			if asJSON {
				return writeJSON(out, struct {
					Paths []graph.Path `json:"paths"`
				}{ps})
			}
			if len(ps) == 0 {
				_, err := fmt.Fprintln(out, run.t(
					fmt.Sprintf("Geen pad van %s naar %s in hoogstens %d stappen.", run.label(q.From), run.label(q.To), q.MaxHops),
					fmt.Sprintf("No path from %s to %s within %d hops.", run.label(q.From), run.label(q.To), q.MaxHops)))
				return err
			}
			tw := newTable(out)
			fmt.Fprintln(tw, run.t("#\tSTAPPEN\tSTERKTE\tPAD", "#\tHOPS\tSTRENGTH\tPATH"))
			for i, p := range ps {
				names := make([]string, len(p.Nodes))
				for j, id := range p.Nodes {
					names[j] = run.label(id)
				}
				fmt.Fprintf(tw, "%d\t%d\t%s\t%s\n", i+1, p.Hops, locale.Number(run.lang, p.Strength, 2), strings.Join(names, " → "))
			}
			return tw.Flush()
		},
	}
	f := cmd.Flags()
	f.StringVar(&wsFlag, "workspace", "", "workspace id (may be left out when the store holds one workspace)")
	f.StringVar(&q.From, "from", "", "stakeholder id to start from (required)")
	f.StringVar(&q.To, "to", "", "stakeholder id to reach (required)")
	f.StringVar(&q.Mode, "mode", graph.ModeStrongest, "strongest or shortest")
	f.IntVar(&q.K, "k", graph.DefaultK, "number of alternative paths, 1–20")
	f.IntVar(&q.MaxHops, "max-hops", graph.DefaultMaxHops, "longest path in steps, 1–20")
	f.Float64Var(&q.HierarchyStrength, "hierarchy-strength", graph.DefaultHierarchyStrength, "strength of a reporting line, in (0, 1]")
	f.StringVar(&lang, "lang", "", "language of the headers, nl or en (default: the workspace's)")
	f.BoolVar(&asJSON, "json", false, `print one JSON document {"paths": [...]}`)
	return cmd
}

func newBrokersCmd() *cobra.Command {
	var (
		wsFlag, lang string
		top          int
		asJSON       bool
	)
	cmd := &cobra.Command{
		Use:   "brokers",
		Short: "Rank stakeholders who connect others in the influence network",
		Long: `Brokers ranks stakeholders by betweenness centrality on the influence network
(influences and reporting lines, direction kept, every step counting one):
for every ordered pair of stakeholders, each one strictly between them on a
shortest path gets its share of those paths. Brokers are the people through
whom influence flows; ties are ordered by id.`,
		Example: `  stakemap brokers --workspace oostvoorde
  stakemap brokers --top 5 --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if top < 0 {
				return graph.Invalid([]graph.Problem{{Field: "top", Value: strconv.Itoa(top), Reason: "must be a positive whole number"}})
			}
			run, err := openAnalysis(cmd.Context(), wsFlag, lang, !asJSON)
			if err != nil {
				return err
			}
			defer run.backend.Close()
			bs, err := run.backend.Brokers(cmd.Context(), run.ws.ID, top)
			if err != nil {
				return fmt.Errorf("brokers %s: %w", run.ws.ID, err)
			}
			if bs == nil {
				bs = []graph.Broker{}
			}
			out := cmd.OutOrStdout()
			if asJSON {
				return writeJSON(out, struct {
					Brokers []graph.Broker `json:"brokers"`
				}{bs})
			}
			tw := newTable(out)
			fmt.Fprintln(tw, run.t("#\tBELANGHEBBENDE\tSCORE", "#\tSTAKEHOLDER\tSCORE"))
			for i, b := range bs {
				// Rounded for people; --json keeps the contract's six decimals.
				fmt.Fprintf(tw, "%d\t%s\t%s\n", i+1, run.label(b.ID), locale.Number(run.lang, b.Score, 1))
			}
			return tw.Flush()
		},
	}
	f := cmd.Flags()
	f.StringVar(&wsFlag, "workspace", "", "workspace id (may be left out when the store holds one workspace)")
	f.IntVar(&top, "top", graph.DefaultTop, "how many stakeholders to list")
	f.StringVar(&lang, "lang", "", "language of the headers, nl or en (default: the workspace's)")
	f.BoolVar(&asJSON, "json", false, `print one JSON document {"brokers": [...]}`)
	return cmd
}
