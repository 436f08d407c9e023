package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"sync"
	"time"

	"github.com/spf13/cobra"
	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/access"
	"github.com/stakemap/stakemap/internal/embedded"
	"github.com/stakemap/stakemap/internal/history"
	"github.com/stakemap/stakemap/internal/httpapi"
)

// History on the command line (DESIGN §10): history, snapshot, compare,
// person export, erase, compact, and --at on every read.

func init() {
	register(newHistoryCmd)
	register(newSnapshotCmd)
	register(newCompareCmd)
	register(newPersonCmd)
	register(newEraseCmd)
	register(newCompactCmd)
}

// historyOf returns the backend's history, or an error naming the backend.
func historyOf(b graph.Backend) (history.Store, error) {
	h, ok := b.(graph.History)
	if !ok {
		return nil, fmt.Errorf("this backend (%T) keeps no history", b)
	}
	return struct {
		graph.Store
		graph.History
	}{b, h}, nil
}

// openHistory opens the backend and resolves the workspace, for the
// commands below; the caller closes the backend.
func openHistory(ctx context.Context, wsFlag string) (graph.Backend, history.Store, string, error) {
	if backendFlags.at != "" {
		return nil, nil, "", graph.Invalid([]graph.Problem{{Field: "at", Value: backendFlags.at,
			Reason: "is for reading a workspace as it was; history takes --since and --until, compare --from and --to"}})
	}
	b, err := openRawBackend(ctx)
	if err != nil {
		return nil, nil, "", err
	}
	hs, err := historyOf(b)
	if err == nil {
		var ws string
		if ws, err = resolveWorkspace(ctx, b, wsFlag); err == nil {
			return b, hs, ws, nil
		}
	}
	b.Close()
	return nil, nil, "", err
}

// parseInstant reads --since or --until: an RFC 3339 instant, or a date
// meaning its first (since) or last (until) moment, UTC.
func parseInstant(flag, v string, endOfDay bool) (time.Time, error) {
	t, ok := history.Instant(v, endOfDay)
	if !ok {
		return t, graph.Invalid([]graph.Problem{{Field: flag, Value: v, Reason: "must be an RFC 3339 instant or a date YYYY-MM-DD"}})
	}
	return t, nil
}

func newHistoryCmd() *cobra.Command {
	var (
		ws, since, until string
		q                graph.EventQuery
		asJSON           bool
	)
	cmd := &cobra.Command{
		Use:   "history",
		Short: "What changed in a workspace, by whom (newest first)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			var err error
			if q.Since, err = parseInstant("since", since, false); err != nil {
				return err
			}
			if q.Until, err = parseInstant("until", until, true); err != nil {
				return err
			}
			if q.Limit < 0 {
				return graph.Invalid([]graph.Problem{{Field: "limit", Value: strconv.Itoa(q.Limit), Reason: "must be 0 (all) or more"}})
			}
			b, hs, id, err := openHistory(ctx, ws)
			if err != nil {
				return err
			}
			defer b.Close()
			events, err := hs.Events(ctx, id, q)
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(cmd.OutOrStdout(), httpapi.HistoryPage{Events: events})
			}
			tw := newTable(cmd.OutOrStdout())
			fmt.Fprintln(tw, "SEQ\tAT\tACTOR\tACTION\tKIND\tID")
			for _, e := range events {
				subject := e.ID
				if e.Key != nil {
					k, _ := graph.RelKindOfCompare(e.Kind)
					key, _ := graph.KeyOfMap(k, e.Key)
					subject = graph.DescribeRelation(k, key)
				}
				fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", e.Seq, e.At, e.Actor, e.Action, e.Kind, subject)
			}
			return tw.Flush()
		},
	}
	f := cmd.Flags()
	f.StringVar(&ws, "workspace", "", "workspace id (needed when the store holds several)")
	f.StringVar(&q.Kind, "kind", "", "only events of this kind: workspace, stakeholder, …, stake, influence, …")
	f.StringVar(&q.ID, "id", "", "only events about this id (a node, or an end of a relationship)")
	f.StringVar(&since, "since", "", "only events from this instant or date on")
	f.StringVar(&until, "until", "", "only events up to this instant or date")
	f.IntVar(&q.Limit, "limit", 0, "at most this many events (0: all)")
	f.BoolVar(&asJSON, "json", false, `print {"events": [...]}`)
	return cmd
}

func newSnapshotCmd() *cobra.Command {
	var (
		ws     string
		sn     graph.Snapshot
		list   bool
		asJSON bool
	)
	cmd := &cobra.Command{
		Use:   "snapshot",
		Short: "Name the workspace's current state (--name), or list the names (--list)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			b, hs, id, err := openHistory(ctx, ws)
			if err != nil {
				return err
			}
			defer b.Close()
			if list {
				all, err := hs.Snapshots(ctx, id)
				if err != nil {
					return err
				}
				if asJSON {
					return writeJSON(cmd.OutOrStdout(), map[string]any{"snapshots": all})
				}
				tw := newTable(cmd.OutOrStdout())
				fmt.Fprintln(tw, "ID\tAT\tNAME")
				for _, s := range all {
					fmt.Fprintf(tw, "%s\t%s\t%s\n", s.ID, s.At, s.Name)
				}
				return tw.Flush()
			}
			made, err := hs.CreateSnapshot(ctx, id, sn)
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(cmd.OutOrStdout(), made)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "snapshot %s (%s) at %s\n", made.ID, made.Name, made.At)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&ws, "workspace", "", "workspace id (needed when the store holds several)")
	f.StringVar(&sn.Name, "name", "", `name of the snapshot, e.g. "MT november"`)
	f.StringVar(&sn.ID, "id", "", "id of the snapshot (default: made from the name)")
	f.BoolVar(&list, "list", false, "list the snapshots instead")
	f.BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func newCompareCmd() *cobra.Command {
	var (
		ws, from, to string
		p            history.CompareParams
		asJSON       bool
	)
	cmd := &cobra.Command{
		Use:   "compare",
		Short: "What differs between two states of a workspace: nodes, relationships, findings",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if from == "" {
				return graph.Invalid([]graph.Problem{{Field: "from", Reason: "is required: a snapshot id, an RFC 3339 instant or a date"}})
			}
			b, hs, id, err := openHistory(ctx, ws)
			if err != nil {
				return err
			}
			defer b.Close()
			fp, tp, err := history.ResolveRange(ctx, hs, id, from, to)
			if err != nil {
				return err
			}
			c, err := history.Compare(ctx, hs, id, fp, tp, p)
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(cmd.OutOrStdout(), c)
			}
			return printComparison(cmd.OutOrStdout(), c)
		},
	}
	f := cmd.Flags()
	f.StringVar(&ws, "workspace", "", "workspace id (needed when the store holds several)")
	f.StringVar(&from, "from", "", "the earlier state: snapshot id, RFC 3339 instant or date (end of that day, UTC)")
	f.StringVar(&to, "to", "", "the later state (default now)")
	f.IntVar(&p.High, "high", 0, "threshold on the 1–5 scales for the findings (default 4)")
	f.IntVar(&p.Window, "window", 0, "days an engagement counts as recent (default 90)")
	f.StringVar(&p.Lang, "lang", "", "language of the findings' messages: nl or en")
	f.BoolVar(&asJSON, "json", false, "print the compare document")
	return cmd
}

func printComparison(w io.Writer, c *graph.Comparison) error {
	fmt.Fprintf(w, "from %s to %s\n", c.From.At, c.To.At)
	for _, n := range c.Nodes.Added {
		fmt.Fprintf(w, "+ %s %s\n", n.Kind, n.ID)
	}
	for _, n := range c.Nodes.Removed {
		fmt.Fprintf(w, "- %s %s\n", n.Kind, n.ID)
	}
	for _, n := range c.Nodes.Changed {
		for name, fc := range n.Fields {
			fmt.Fprintf(w, "~ %s %s %s: %s → %s\n", n.Kind, n.ID, name, fc.From, fc.To)
		}
	}
	for _, r := range c.Relations.Added {
		fmt.Fprintf(w, "+ %s %v\n", r.Kind, r.Key)
	}
	for _, r := range c.Relations.Removed {
		fmt.Fprintf(w, "- %s %v\n", r.Kind, r.Key)
	}
	for _, r := range c.Relations.Changed {
		fmt.Fprintf(w, "~ %s %v %d field(s)\n", r.Kind, r.Key, len(r.Fields))
	}
	for _, f := range c.Findings.New {
		fmt.Fprintf(w, "new finding: %s %s\n", f.Code, f.Subject)
	}
	for _, f := range c.Findings.Resolved {
		fmt.Fprintf(w, "resolved: %s %s\n", f.Code, f.Subject)
	}
	if c.Empty() && len(c.Findings.New)+len(c.Findings.Resolved) == 0 {
		fmt.Fprintln(w, "no differences")
	}
	return nil
}

func newPersonCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "person",
		Short: "The rights of the people in a workspace (GDPR/AVG)",
	}
	var ws, id, out string
	export := &cobra.Command{
		Use:   "export",
		Short: "Everything held about one person, history included, as JSON (art. 15)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			b, hs, wsID, err := openHistory(ctx, ws)
			if err != nil {
				return err
			}
			defer b.Close()
			pd, err := history.PersonalDataOf(ctx, b, hs, wsID, id)
			if err != nil {
				return fmt.Errorf("person %q: %w", id, err)
			}
			return writeOutput(out, cmd.OutOrStdout(), func(w io.Writer) error { return writeJSON(w, pd) })
		},
	}
	f := export.Flags()
	f.StringVar(&ws, "workspace", "", "workspace id (needed when the store holds several)")
	f.StringVar(&id, "id", "", "the stakeholder's id")
	f.StringVarP(&out, "output", "o", "", "write to this file instead of standard output")
	_ = export.MarkFlagRequired("id")
	cmd.AddCommand(export)
	return cmd
}

func newEraseCmd() *cobra.Command {
	var ws, id string
	cmd := &cobra.Command{
		Use:   "erase",
		Short: "Erase a person from current data, history and snapshots (art. 17); then run compact",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			b, hs, wsID, err := openHistory(ctx, ws)
			if err != nil {
				return err
			}
			defer b.Close()
			links, err := access.New(ctx, access.Config{Store: b})
			if err != nil {
				return err
			}
			out, err := history.Erase(ctx, hs, links, wsID, id)
			if err != nil {
				return err
			}
			alias, revoked := out.Alias, out.Revoked
			fmt.Fprintf(cmd.OutOrStdout(), "erased; history names them %s now; %d share link(s) revoked\n", alias, revoked)
			if _, ok := b.(embeddedBackend); ok {
				fmt.Fprintln(cmd.ErrOrStderr(), "run 'stakemap compact' so that no free page of the file still holds them")
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&ws, "workspace", "", "workspace id (needed when the store holds several)")
	f.StringVar(&id, "id", "", "the stakeholder's id")
	_ = cmd.MarkFlagRequired("id")
	return cmd
}

func newCompactCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "compact",
		Short: "Rewrite the database file without its free pages (after an erasure)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if backendFlags.neo4jURI != "" {
				return errors.New("compact is for the embedded file; for Neo4j see the README (backups, transaction logs)")
			}
			before, after, err := embedded.Compact(backendFlags.db)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "compacted %s: %d → %d bytes\n", backendFlags.db, before, after)
			return nil
		},
	}
}

// atBackend answers every read of a workspace as it was at one point
// (--at), freezing each workspace on first use; it refuses writes.
type atBackend struct {
	graph.Backend
	hs history.Store
	at string

	mu     sync.Mutex
	frozen map[string]*history.Frozen
}

func (a *atBackend) past(ctx context.Context, ws string) (*history.Frozen, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if f := a.frozen[ws]; f != nil {
		return f, nil
	}
	p, err := history.Resolve(ctx, a.hs, ws, "at", a.at)
	if err != nil {
		return nil, err
	}
	f, err := history.Freeze(ctx, a.hs, ws, p)
	if err != nil {
		return nil, err
	}
	a.frozen[ws] = f
	return f, nil
}

func (a *atBackend) readOnly() error {
	return graph.Invalid([]graph.Problem{{Field: "at", Value: a.at, Reason: "reads the past: leave --at out to change anything"}})
}

func (a *atBackend) Workspace(ctx context.Context, id string) (graph.Workspace, error) {
	f, err := a.past(ctx, id)
	if err != nil {
		return graph.Workspace{}, err
	}
	return f.Workspace(ctx, id)
}

func (a *atBackend) Node(ctx context.Context, ws string, kind graph.Kind, id string) (graph.Node, int64, error) {
	f, err := a.past(ctx, ws)
	if err != nil {
		return nil, 0, err
	}
	return f.Node(ctx, ws, kind, id)
}

func (a *atBackend) Nodes(ctx context.Context, ws string, kind graph.Kind) ([]graph.Node, error) {
	f, err := a.past(ctx, ws)
	if err != nil {
		return nil, err
	}
	return f.Nodes(ctx, ws, kind)
}

func (a *atBackend) Relations(ctx context.Context, ws string, kind graph.RelKind) ([]graph.Relation, error) {
	f, err := a.past(ctx, ws)
	if err != nil {
		return nil, err
	}
	return f.Relations(ctx, ws, kind)
}

func (a *atBackend) ExportBundle(ctx context.Context, ws string) (*graph.Bundle, error) {
	f, err := a.past(ctx, ws)
	if err != nil {
		return nil, err
	}
	return f.ExportBundle(ctx, ws)
}

func (a *atBackend) Revision(ctx context.Context, ws string) (string, error) {
	f, err := a.past(ctx, ws)
	if err != nil {
		return "", err
	}
	return f.Revision(ctx, ws)
}

func (a *atBackend) Findings(ctx context.Context, ws string, p graph.FindingParams) ([]graph.Finding, error) {
	f, err := a.past(ctx, ws)
	if err != nil {
		return nil, err
	}
	return f.Findings(ctx, ws, p)
}

func (a *atBackend) Grid(ctx context.Context, ws, trajectory string, high int) (graph.Grid, error) {
	f, err := a.past(ctx, ws)
	if err != nil {
		return graph.Grid{}, err
	}
	return f.Grid(ctx, ws, trajectory, high)
}

func (a *atBackend) Paths(ctx context.Context, ws string, q graph.PathQuery) ([]graph.Path, error) {
	f, err := a.past(ctx, ws)
	if err != nil {
		return nil, err
	}
	return f.Paths(ctx, ws, q)
}

func (a *atBackend) Brokers(ctx context.Context, ws string, top int) ([]graph.Broker, error) {
	f, err := a.past(ctx, ws)
	if err != nil {
		return nil, err
	}
	return f.Brokers(ctx, ws, top)
}

func (a *atBackend) CreateWorkspace(context.Context, graph.Workspace) error { return a.readOnly() }

func (a *atBackend) DeleteWorkspace(context.Context, string, graph.Precondition) error {
	return a.readOnly()
}

func (a *atBackend) CreateNode(context.Context, string, graph.Node) (int64, error) {
	return 0, a.readOnly()
}

func (a *atBackend) UpdateNode(context.Context, string, graph.Node, int64) (int64, error) {
	return 0, a.readOnly()
}

func (a *atBackend) DeleteNode(context.Context, string, graph.Kind, string, int64) error {
	return a.readOnly()
}

func (a *atBackend) AddRelation(context.Context, string, graph.Relation) error { return a.readOnly() }

func (a *atBackend) RemoveRelation(context.Context, string, graph.RelKind, graph.RelKey) error {
	return a.readOnly()
}

func (a *atBackend) ImportBundle(context.Context, *graph.Bundle, graph.Precondition) error {
	return a.readOnly()
}

// withAt wraps b in an atBackend when --at is set.
func withAt(b graph.Backend) (graph.Backend, error) {
	if backendFlags.at == "" {
		return b, nil
	}
	hs, err := historyOf(b)
	if err != nil {
		return nil, err
	}
	return &atBackend{Backend: b, hs: hs, at: backendFlags.at, frozen: map[string]*history.Frozen{}}, nil
}

// changesStates reads the two states of a changes map: from (required)
// and to (default now), each a snapshot id, an instant or a date.
func changesStates(ctx context.Context, b graph.Backend, ws, from, to string) (before, after *graph.Bundle, since string, err error) {
	hs, err := historyOf(b)
	if err != nil {
		return nil, nil, "", err
	}
	if from == "" {
		return nil, nil, "", graph.Invalid([]graph.Problem{{Field: "from", Reason: "is required for a changes map: a snapshot id, an RFC 3339 instant or a date"}})
	}
	fp, tp, err := history.ResolveRange(ctx, hs, ws, from, to)
	if err != nil {
		return nil, nil, "", err
	}
	before, after, err = history.States(ctx, hs, ws, fp, tp)
	return before, after, fp.Name(), err
}

// atDate is the date of the --at point a workspace was read at, the asOf
// its findings default to; empty without --at.
func atDate(b graph.Backend, ws string) string {
	ab, ok := b.(*atBackend)
	if !ok {
		return ""
	}
	ab.mu.Lock()
	defer ab.mu.Unlock()
	if f := ab.frozen[ws]; f != nil {
		return f.Point().Date()
	}
	return ""
}
