package merge

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/analysis"
)

// ErrUnsettled is returned, wrapped, when an import has conflicts and no
// preference says which side wins: nothing is written. It is a
// graph.ErrConflict.
var ErrUnsettled = fmt.Errorf("%w: changed both in the sheet and in stakemap", graph.ErrConflict)

// Report answers an import or its dry run: the compare document of DESIGN
// §10 from the workspace as it is to the workspace as the import makes it,
// plus the conflicts.
type Report struct {
	graph.Comparison
	Conflicts []Conflict `json:"conflicts"`
	// Workspace is the id of the workspace imported into.
	Workspace string `json:"workspace"`
	// Revision is the workspace's revision the plan was made on ("" for a
	// workspace that does not exist yet); pass it back as
	// Request.Revision to apply exactly what a dry run showed.
	Revision string `json:"revision"`
	Mode     Mode   `json:"mode"`
	DryRun   bool   `json:"dryRun"`
	// Applied says whether the import was written (false for a dry run,
	// for unsettled conflicts, and when there was nothing to change).
	Applied bool `json:"applied"`
	// WorkspaceChanged says whether the workspace's own fields (name,
	// language, L&D unit) change.
	WorkspaceChanged bool `json:"workspaceChanged"`
	// Before and After are the workspace before and after, for showing
	// the differences with names.
	Before *graph.Bundle `json:"-"`
	After  *graph.Bundle `json:"-"`
}

// Request is one import.
type Request struct {
	Input *Input
	Options
	// DryRun computes the report and writes nothing.
	DryRun bool
	// Revision, when set, must be the workspace's current revision (the
	// one a dry run reported): the import then applies exactly what that
	// dry run showed, or fails with graph.ErrStale.
	Revision string
}

// Importer runs imports against a store: it reads the workspace, merges
// the input into it and writes the result only if the workspace has not
// changed meanwhile, so that no concurrent edit is overwritten unseen.
type Importer struct {
	Store graph.Store
	// Now gives the date findings are computed for; nil: time.Now.
	Now func() time.Time
}

// attempts bounds how often an import is planned again after the
// workspace changed under it.
const attempts = 3

// Import plans the request and, unless it is a dry run or has unsettled
// conflicts, writes it. Errors: ErrInvalid (every problem of the input),
// ErrUnsettled (with the report), graph.ErrStale (Request.Revision is not
// current, or the workspace kept changing).
func (im *Importer) Import(ctx context.Context, req Request) (*Report, error) {
	if err := req.Options.Check(); err != nil {
		return nil, err
	}
	ws := req.Workspace.ID
	if ws == "" && req.Input.Workspace != nil {
		ws = req.Input.Workspace.Workspace.ID
	}
	if ws == "" {
		lang := req.Input.Lang
		return nil, graph.Invalid([]graph.Problem{{Entry: Say(lang, "werkruimte", "workspace"), Field: "id", Reason: Say(lang,
			"is verplicht: voeg een blad Werkruimte toe met id en naam, of kies de werkruimte",
			"is required: add a workspace sheet with id and name, or choose the workspace")}})
	}
	req.Workspace.ID = ws
	for try := 1; ; try++ {
		rep, plan, err := im.plan(ctx, ws, req)
		if err != nil {
			return nil, err
		}
		if req.DryRun {
			return rep, nil
		}
		if len(rep.Conflicts) > 0 && req.Prefer == "" {
			return rep, fmt.Errorf("import %s: %d conflicts (choose which side wins): %w", ws, len(rep.Conflicts), ErrUnsettled)
		}
		if rep.Revision != "" && rep.Empty() && !rep.WorkspaceChanged {
			return rep, nil // nothing to change: no write, no history
		}
		pre := graph.Precondition{Revision: rep.Revision, Absent: rep.Revision == ""}
		err = im.Store.ImportBundle(ctx, plan.Bundle, pre)
		if err == nil {
			rep.Applied = true
			return rep, nil
		}
		if !errors.Is(err, graph.ErrStale) || req.Revision != "" || try == attempts {
			return nil, fmt.Errorf("import %s: %w", ws, err)
		}
	}
}

// plan reads the workspace and merges the input into it.
func (im *Importer) plan(ctx context.Context, ws string, req Request) (*Report, *Plan, error) {
	// The revision is read before the export: a change in between makes
	// the write's precondition fail rather than go unseen.
	rev, err := im.Store.Revision(ctx, ws)
	var current *graph.Bundle
	switch {
	case errors.Is(err, graph.ErrNotFound):
		rev = ""
	case err != nil:
		return nil, nil, fmt.Errorf("import %s: %w", ws, err)
	default:
		if current, err = im.Store.ExportBundle(ctx, ws); err != nil {
			return nil, nil, fmt.Errorf("import %s: %w", ws, err)
		}
	}
	if req.Revision != "" && req.Revision != rev {
		return nil, nil, fmt.Errorf("import %s: the workspace changed since the dry run (revision %s, not %s): %w", ws, rev, req.Revision, graph.ErrStale)
	}
	plan, err := Build(current, req.Input, req.Options)
	if err != nil {
		return nil, nil, err
	}
	before := current
	if before == nil {
		before = &graph.Bundle{Format: graph.Format, Workspace: graph.Workspace{ID: ws}}
		before.ApplyDefaults()
	}
	cmp, err := graph.Compare(before, plan.Bundle)
	if err != nil {
		return nil, nil, fmt.Errorf("import %s: %w", ws, err)
	}
	now := time.Now
	if im.Now != nil {
		now = im.Now
	}
	at := now().UTC()
	params := graph.FindingParams{AsOf: at.Format(time.DateOnly)}
	fb, err := analysis.Findings(ctx, before, params)
	if err != nil {
		return nil, nil, fmt.Errorf("import %s: %w", ws, err)
	}
	fa, err := analysis.Findings(ctx, plan.Bundle, params)
	if err != nil {
		return nil, nil, fmt.Errorf("import %s: %w", ws, err)
	}
	cmp.Findings.New, cmp.Findings.Resolved = graph.CompareFindings(fb, fa)
	cmp.From.At = at.Format(time.RFC3339)
	cmp.To.At = cmp.From.At
	conflicts := plan.Conflicts
	if conflicts == nil {
		conflicts = []Conflict{}
	}
	rep := &Report{Comparison: *cmp, Conflicts: conflicts, Workspace: ws, Revision: rev, Mode: req.Mode, DryRun: req.DryRun,
		WorkspaceChanged: before.Workspace != plan.Bundle.Workspace, Before: before, After: plan.Bundle}
	return rep, plan, nil
}
