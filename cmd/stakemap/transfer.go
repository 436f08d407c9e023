package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"
	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/bundle"
	"github.com/stakemap/stakemap/internal/demo"
	"github.com/stakemap/stakemap/internal/merge"
)

func init() {
	register(newImportCmd)
	register(newExportCmd)
	register(newDemoCmd)
}

func newImportCmd() *cobra.Command {
	var (
		ws                    graph.Workspace
		mode, prefer          string
		dryRun, asJSON, prune bool
	)
	cmd := &cobra.Command{
		Use:   "import FILE",
		Short: "Merge a spreadsheet into a workspace, or replace a workspace with a stakemap/v1 document",
		Long: `Import reads an .xlsx workbook, a folder of CSV files, one CSV file or a
stakemap/v1 JSON document (- for standard input) and writes it into a
workspace, all or nothing: a file with any problem changes nothing, and every
problem is listed (entry, field, value, reason; for spreadsheets the sheet,
row and column, in the sheet's language).

--mode merge (the default for spreadsheets) adds and updates and removes
nothing, except that a roles sheet decides the roles of each (stakeholder,
trajectory) pair it mentions and a hierarchy sheet the managers of each
person it mentions; --prune also removes what the workbook's sheets lack.
Rows without an id column are matched by name, contact rows by date, people
and channel; names work wherever a reference is expected. --mode replace (the
default for JSON) makes the workspace exactly what the file says.

A workbook exported by stakemap remembers the values it was exported with: a
cell left as it was keeps what stakemap has now, and a field changed both in
the workbook and in stakemap since is a conflict. With conflicts nothing is
written unless --prefer sheet or --prefer stakemap says which side wins.

--dry-run shows the differences sheet by sheet and writes nothing; with
--json it prints the compare document plus "conflicts".`,
		Example: `  stakemap import --dry-run register.xlsx
  stakemap import --workspace oostvoorde register.xlsx
  stakemap import --prefer sheet oostvoorde.xlsx
  stakemap import oostvoorde.json
  stakemap import --workspace oostvoorde --name "Gemeente Oostvoorde" stakeholders/`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path := args[0]
			isJSON := path == "-" || strings.EqualFold(filepath.Ext(path), ".json")
			if mode == "" {
				mode = string(merge.ModeMerge)
				if isJSON {
					mode = string(merge.ModeReplace)
				}
			}
			opt := merge.Options{Mode: merge.Mode(mode), Prune: prune, Prefer: prefer, Workspace: ws}
			if err := opt.Check(); err != nil {
				return err
			}
			if isJSON && opt.Mode == merge.ModeReplace && !dryRun && !asJSON {
				return importDocument(cmd, path, ws)
			}
			in, err := readInput(cmd, path)
			if err != nil {
				return fmt.Errorf("import %s: %w", path, err)
			}
			store, err := openBackend(cmd.Context())
			if err != nil {
				return err
			}
			defer store.Close()
			if opt.Workspace.ID == "" && (in.Workspace == nil || in.Workspace.Workspace.ID == "") {
				if opt.Workspace.ID, err = resolveWorkspace(cmd.Context(), store, ""); err != nil {
					return fmt.Errorf("import %s: %w (or add a workspace sheet)", path, err)
				}
			}
			ctx := graph.WithActor(cmd.Context(), graph.ActorCLI)
			im := &merge.Importer{Store: store}
			rep, err := im.Import(ctx, merge.Request{Input: in, Options: opt, DryRun: dryRun})
			if rep != nil {
				if asJSON {
					enc := json.NewEncoder(cmd.OutOrStdout())
					enc.SetIndent("", "  ")
					if werr := enc.Encode(rep); werr != nil {
						return werr
					}
				} else {
					lang := rep.After.Workspace.Language
					if werr := bundle.DescribeReport(cmd.OutOrStdout(), rep, lang); werr != nil {
						return werr
					}
				}
			}
			if err != nil {
				return fmt.Errorf("import %s: %w", path, err)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&ws.ID, "workspace", "", "workspace id: supplies or overrides the file's workspace id")
	cmd.Flags().StringVar(&ws.Name, "name", "", "workspace name: supplies or overrides the file's")
	cmd.Flags().StringVar(&ws.Language, "language", "", "workspace language, nl or en: supplies or overrides the file's")
	cmd.Flags().StringVar(&mode, "mode", "", "merge or replace (default: merge for spreadsheets, replace for JSON)")
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "show what the import would change and write nothing")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the result as the compare document plus conflicts")
	cmd.Flags().BoolVar(&prune, "prune", false, "merge mode: also remove what the workbook's sheets lack")
	cmd.Flags().StringVar(&prefer, "prefer", "", "settle conflicts: sheet or stakemap")
	return cmd
}

// readInput reads a file for a merging import or a dry run: standard input
// is a stakemap/v1 document.
func readInput(cmd *cobra.Command, path string) (*merge.Input, error) {
	if path == "-" {
		return bundle.ReadInputFrom(cmd.InOrStdin(), "stdin.json")
	}
	return bundle.ReadInput(path)
}

// importDocument replaces a workspace with a stakemap/v1 document, as
// import always did: straight through, with progress on large files.
func importDocument(cmd *cobra.Command, path string, ws graph.Workspace) error {
	start := time.Now()
	b, err := readBundle(cmd.Context(), path, ws, cmd.ErrOrStderr())
	if err != nil {
		return err
	}
	progress(cmd.ErrOrStderr(), "writing workspace %s: %d stakeholders, %d trajectories, %d relationships",
		b.Workspace.ID, len(b.Stakeholders), len(b.Trajectories), relationCount(b))
	store, err := openBackend(cmd.Context())
	if err != nil {
		return err
	}
	defer store.Close()
	if err := store.ImportBundle(graph.WithActor(cmd.Context(), graph.ActorCLI), b, graph.Precondition{}); err != nil {
		return fmt.Errorf("import %s: %w", path, err)
	}
	progress(cmd.ErrOrStderr(), "imported workspace %s in %s", b.Workspace.ID, time.Since(start).Round(time.Millisecond))
	return nil
}

// readBundle reads a bundle from a JSON file (or stdin), a CSV folder or an
// XLSX workbook, reporting progress on large JSON files. The workspace
// fields that are set fill in or override the file's before validation.
func readBundle(ctx context.Context, path string, ws graph.Workspace, progressTo io.Writer) (*graph.Bundle, error) {
	opt := bundle.Options{Workspace: ws}
	var (
		b   *graph.Bundle
		err error
	)
	if path == "-" {
		b, err = bundle.DecodeWith(os.Stdin, opt)
	} else if fi, statErr := os.Stat(path); statErr != nil {
		return nil, fmt.Errorf("import %s: %w", path, statErr)
	} else if fi.Mode().IsRegular() && strings.EqualFold(filepath.Ext(path), ".json") {
		b, err = decodeFile(ctx, path, fi.Size(), opt, progressTo)
	} else {
		b, err = bundle.ReadPath(path, opt)
	}
	if err != nil {
		return nil, fmt.Errorf("import %s: %w", path, err)
	}
	return b, nil
}

// progressEvery is how often decodeFile reports how far it has read; files
// smaller than progressMin are read without a word.
const (
	progressEvery = time.Second
	progressMin   = 8 << 20
)

func decodeFile(ctx context.Context, path string, size int64, opt bundle.Options, progressTo io.Writer) (*graph.Bundle, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if size < progressMin {
		return bundle.DecodeWith(f, opt)
	}
	cr := &countingReader{r: f}
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(progressEvery)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-t.C:
				n := cr.n.Load()
				progress(progressTo, "reading %s: %d%% (%s of %s)", filepath.Base(path), n*100/size, mib(n), mib(size))
			}
		}
	}()
	progress(progressTo, "reading %s (%s)", filepath.Base(path), mib(size))
	b, err := bundle.DecodeWith(cr, opt)
	close(done)
	return b, err
}

type countingReader struct {
	r io.Reader
	n atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

func mib(n int64) string { return fmt.Sprintf("%.1f MB", float64(n)/(1<<20)) }

func progress(w io.Writer, format string, args ...any) {
	fmt.Fprintf(w, format+"\n", args...)
}

func relationCount(b *graph.Bundle) int {
	return len(b.Stakes) + len(b.Influences) + len(b.ReportsTo) + len(b.Supports) + len(b.DependsOn)
}

func newExportCmd() *cobra.Command {
	var ws, out, format string
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Write a workspace as a canonical stakemap/v1 JSON document, an XLSX workbook or CSV files",
		Long: `Export writes the whole workspace as one stakemap/v1 document: arrays sorted,
defaults filled in, so that export, import and export again give the same
bytes. It writes to standard output unless -o names a file; a file is
replaced only when the whole document has been written.

With --format xlsx it writes a workbook in the workspace's language (Dutch
sheet names, headers and values for a Dutch workspace) with date cells, a
frozen header row and a drop-down list on every enumerated column, and with
--format csv one CSV file per array into the folder -o names: both import
back unchanged and serve as templates for filling in a map in a
spreadsheet. A workbook remembers the values it was exported with, so that
importing it back keeps what was changed in stakemap meanwhile.`,
		Example: `  stakemap export --workspace oostvoorde -o oostvoorde.json
  stakemap export --db team.db --workspace oostvoorde > backup.json
  stakemap export --format xlsx -o oostvoorde.xlsx
  stakemap export --format csv -o oostvoorde-csv/`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if format != "json" && format != "xlsx" && format != "csv" {
				return graph.Invalid([]graph.Problem{{Field: "--format", Value: format, Reason: "must be json, xlsx or csv"}})
			}
			if format == "csv" && (out == "" || out == "-") {
				return graph.Invalid([]graph.Problem{{Field: "-o", Value: out, Reason: "must name a folder for --format csv"}})
			}
			store, err := openBackend(cmd.Context())
			if err != nil {
				return err
			}
			defer store.Close()
			id, err := resolveWorkspace(cmd.Context(), store, ws)
			if err != nil {
				return err
			}
			b, err := store.ExportBundle(cmd.Context(), id)
			if err != nil {
				return fmt.Errorf("export %s: %w", id, err)
			}
			switch format {
			case "xlsx":
				return writeOutput(out, cmd.OutOrStdout(), func(w io.Writer) error { return bundle.WriteXLSX(w, b) })
			case "csv":
				if err := os.MkdirAll(out, 0o700); err != nil {
					return fmt.Errorf("export %s: %w", out, err)
				}
				return bundle.WriteCSV(out, b)
			}
			return writeOutput(out, cmd.OutOrStdout(), func(w io.Writer) error { return bundle.Encode(w, b) })
		},
	}
	cmd.Flags().StringVar(&ws, "workspace", "", "workspace id (may be left out when the store holds one workspace)")
	cmd.Flags().StringVarP(&out, "output", "o", "", "file (or, for csv, folder) to write; empty or - for standard output")
	cmd.Flags().StringVar(&format, "format", "json", "json, xlsx or csv")
	return cmd
}

// resolveWorkspace returns the flag's workspace, or the only workspace of
// the store when the flag is empty.
func resolveWorkspace(ctx context.Context, store graph.Store, flag string) (string, error) {
	if flag != "" {
		return flag, nil
	}
	all, err := store.Workspaces(ctx)
	if err != nil {
		return "", err
	}
	switch len(all) {
	case 0:
		return "", fmt.Errorf("the store holds no workspace: import one, or load the demo with 'stakemap demo'")
	case 1:
		return all[0].ID, nil
	}
	ids := make([]string, len(all))
	for i, w := range all {
		ids[i] = w.ID
	}
	return "", fmt.Errorf("the store holds %d workspaces (%s): choose one with --workspace", len(all), strings.Join(ids, ", "))
}

// writeOutput writes to stdout, or to the file path by way of a temporary
// file in the same folder, so that a failed write never leaves half a file
// where a good one was. A path that is no regular file (/dev/null,
// /dev/stdout, a pipe) is written to, never replaced, and a symbolic link
// keeps pointing at the file it names.
func writeOutput(path string, stdout io.Writer, write func(io.Writer) error) error {
	if path == "" || path == "-" {
		return write(stdout)
	}
	if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() {
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
		if err := write(f); err != nil {
			f.Close()
			return fmt.Errorf("write %s: %w", path, err)
		}
		if err := f.Close(); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
		return nil
	}
	if real, err := filepath.EvalSymlinks(path); err == nil {
		path = real
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name()) // no-op after a successful rename
	if err := write(tmp); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

func newDemoCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "demo",
		Short: "Load the demo workspace (Gemeente Oostvoorde), replacing it if it exists",
		Long: `Demo loads Gemeente Oostvoorde, a fictitious Dutch municipality with about
forty stakeholders, eight learning trajectories and the gaps a stakeholder
analysis should find. Its dates are moved to today, so that recent
engagements and overdue reviews stay what they were meant to be.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			b, err := demo.Bundle()
			if err != nil {
				return err
			}
			store, err := openBackend(cmd.Context())
			if err != nil {
				return err
			}
			defer store.Close()
			if err := store.ImportBundle(cmd.Context(), b, graph.Precondition{}); err != nil {
				return fmt.Errorf("load demo: %w", err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Loaded workspace %s (%s): %d stakeholders, %d trajectories.\nNext: stakemap analyze --workspace %s\n",
				b.Workspace.ID, b.Workspace.Name, len(b.Stakeholders), len(b.Trajectories), b.Workspace.ID)
			return nil
		},
	}
}
