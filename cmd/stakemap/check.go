package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/bundle"
	"github.com/stakemap/stakemap/internal/embedded"
)

func init() {
	register(newCheckCmd)
	register(newSalvageCmd)
}

// errDamaged makes check and salvage exit 1 after they have said what is
// wrong; its text is printed like any error's.
var errDamaged = errors.New("the database file is damaged")

// embeddedOnly refuses --neo4j-uri for the commands about the file.
func embeddedOnly(cmd string) error {
	if backendFlags.neo4jURI != "" {
		return graph.Invalid([]graph.Problem{{Field: "--neo4j-uri", Value: backendFlags.neo4jURI,
			Reason: cmd + " works on the embedded database file (--db); Neo4j checks its own store (neo4j-admin database check)"}})
	}
	return nil
}

func newCheckCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "check",
		Short: "Verify the database file: exit 1 and say what is wrong when it is damaged",
		Long: `Check reads the whole embedded database file without changing it: its meta
pages and length, every page of every bucket (bbolt's consistency check), and
every workspace decoded and validated as an export reads it. It prints what
is wrong and exits 1 when the file is damaged, 0 when it is sound.

It also lists stored values that break the text limits (names, titles and
units over 200 characters, notes over 10,000, control characters, …): they
were stored before the limits, stay readable and exportable, and an import
refuses them until they are fixed. They alone do not make check fail.`,
		Example: `  stakemap check --db stakemap.db`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := embeddedOnly("check"); err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if _, err := os.Stat(backendFlags.db); err != nil {
				return fmt.Errorf("check: %w", err)
			}
			var r embedded.Report
			if s, err := embedded.OpenReadOnly(backendFlags.db); err != nil {
				if !errors.Is(err, graph.ErrCorrupt) {
					return err
				}
				// Say first what is wrong with the file as a whole, when
				// that is why it does not open.
				if ferr := embedded.CheckFile(backendFlags.db); ferr != nil {
					err = ferr
				}
				r.Damage = []string{err.Error()}
			} else {
				r, err = s.Check(cmd.Context())
				s.Close()
				if err != nil {
					return fmt.Errorf("check %s: %w", backendFlags.db, err)
				}
			}
			for _, line := range r.TextLimits {
				fmt.Fprintf(out, "text limit: %s\n", line)
			}
			if len(r.Damage) > 0 {
				for _, line := range r.Damage {
					fmt.Fprintf(out, "damage: %s\n", line)
				}
				problems := fmt.Sprintf("%d problems", len(r.Damage))
				if len(r.Damage) == 1 {
					problems = "1 problem"
				}
				return fmt.Errorf("%w: %s: %s (see above); 'stakemap salvage -o DIR' exports the workspaces that can still be read", errDamaged, backendFlags.db, problems)
			}
			fmt.Fprintf(out, "%s is sound: workspaces: %d", backendFlags.db, r.Workspaces)
			if n := len(r.TextLimits); n > 0 {
				fmt.Fprintf(out, ", %d stored values break the text limits (listed above; an import refuses them until they are fixed)", n)
			}
			fmt.Fprintln(out, ".")
			return nil
		},
	}
}

func newSalvageCmd() *cobra.Command {
	var dir string
	cmd := &cobra.Command{
		Use:   "salvage -o DIR",
		Short: "Export every workspace a damaged database file still holds, naming what could not be read",
		Long: `Salvage opens the embedded database file read-only, even when it is cut short
or damaged, and writes each workspace that can still be read completely and
validly as DIR/<workspace>.json, a stakemap/v1 document that imports back.
It names every workspace it could not read and why, and exits 1 when there
was one; nothing is written for such a workspace, never half of one.`,
		Example: `  stakemap salvage --db broken.db -o rescued/
  stakemap import rescued/oostvoorde.json --db new.db`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := embeddedOnly("salvage"); err != nil {
				return err
			}
			if dir == "" {
				return graph.Invalid([]graph.Problem{{Field: "-o", Value: dir, Reason: "must name the folder to write the workspaces to"}})
			}
			s, err := embedded.OpenReadOnly(backendFlags.db)
			if err != nil {
				return err
			}
			defer s.Close()
			ctx := cmd.Context()
			ids, err := s.WorkspaceIDs(ctx)
			if err != nil {
				return fmt.Errorf("salvage %s: %w", backendFlags.db, err)
			}
			if err := os.MkdirAll(dir, 0o700); err != nil {
				return fmt.Errorf("salvage: %w", err)
			}
			out := cmd.OutOrStdout()
			// Damage to the file as a whole (a meta page, its length) can
			// mean that the newest changes are gone although every
			// workspace reads: say so, and do not call the salvage whole.
			fileErr := embedded.CheckFile(backendFlags.db)
			if fileErr != nil {
				fmt.Fprintf(out, "damage: %v\n", fileErr)
			}
			var lost []string
			for _, id := range ids {
				b, err := s.ExportBundle(ctx, id)
				if err == nil {
					path := filepath.Join(dir, id+".json")
					err = writeOutput(path, nil, func(w io.Writer) error { return bundle.Encode(w, b) })
					if err == nil {
						fmt.Fprintf(out, "saved %s: %d stakeholders, %d trajectories\n", path, len(b.Stakeholders), len(b.Trajectories))
						continue
					}
				}
				if ctx.Err() != nil {
					return ctx.Err()
				}
				fmt.Fprintf(out, "lost workspace %s: %v\n", id, err)
				lost = append(lost, id)
			}
			if len(lost) > 0 {
				return fmt.Errorf("%w: %s: saved %d of %d workspaces into %s; could not read %v", errDamaged, backendFlags.db, len(ids)-len(lost), len(ids), dir, lost)
			}
			if fileErr != nil {
				return fmt.Errorf("%w: %s: saved all %d workspaces it still holds into %s, but the latest changes may be missing (see above)", errDamaged, backendFlags.db, len(ids), dir)
			}
			fmt.Fprintf(out, "saved all %d workspaces into %s\n", len(ids), dir)
			return nil
		},
	}
	cmd.Flags().StringVarP(&dir, "output", "o", "", "folder to write one stakemap/v1 JSON file per workspace into")
	return cmd
}
