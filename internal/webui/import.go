package webui

import (
	"bytes"
	"cmp"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"path"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/merge"
)

// pendingImports keeps checked uploads between "Check" and "Apply", so the
// person need not upload the file twice. It holds a few per service and
// forgets them after a while. Applying passes the revision the check was
// made on, so an import applied after someone else changed the workspace
// fails instead of writing something other than what was shown.
type pendingImports struct {
	mu   sync.Mutex
	max  int
	ttl  time.Duration
	byID map[string]*pendingImport
}

type pendingImport struct {
	ws, owner string
	in        *merge.Input
	opt       merge.Options
	rev       string
	at        time.Time
}

func newPendingImports(max int, ttl time.Duration) *pendingImports {
	return &pendingImports{max: max, ttl: ttl, byID: map[string]*pendingImport{}}
}

func (p *pendingImports) put(pi *pendingImport) string {
	var raw [16]byte
	rand.Read(raw[:])
	id := hex.EncodeToString(raw[:])
	p.mu.Lock()
	defer p.mu.Unlock()
	p.expire(pi.at)
	for len(p.byID) >= p.max {
		var oldest string
		for k, x := range p.byID {
			if oldest == "" || x.at.Before(p.byID[oldest].at) {
				oldest = k
			}
		}
		delete(p.byID, oldest)
	}
	p.byID[id] = pi
	return id
}

// get returns a pending import of this workspace and person.
func (p *pendingImports) get(id, ws, owner string, now time.Time) *pendingImport {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.expire(now)
	pi := p.byID[id]
	if pi == nil || pi.ws != ws || pi.owner != owner {
		return nil
	}
	return pi
}

func (p *pendingImports) drop(id string) {
	p.mu.Lock()
	delete(p.byID, id)
	p.mu.Unlock()
}

func (p *pendingImports) expire(now time.Time) {
	for k, x := range p.byID {
		if now.Sub(x.at) > p.ttl {
			delete(p.byID, k)
		}
	}
}

func owner(v *view) string { return v.P.Via + "/" + v.P.AccountID + "/" + v.P.TokenID }

type changeLine struct{ Kind, Name, Fields string }

type conflictLine struct{ What, Field, Base, Sheet, Stakemap string }

type importData struct {
	Enabled, Export   bool
	Checked           bool
	Pending           string
	Mode              string
	Added, Changed    []changeLine
	Removed           []changeLine
	Rels              [3]int
	NewF, GoneF       int
	Conflicts         []conflictLine
	Problems          []string
	Empty, WsChanged  bool
	MergeMode, Pruned bool
}

func (s *Server) importPage(w http.ResponseWriter, r *http.Request, v *view) {
	f := newForm()
	f.Values["mode"] = "auto"
	s.showImport(w, v, importData{}, f, http.StatusOK)
}

func (s *Server) showImport(w http.ResponseWriter, v *view, d importData, f *form, status int) {
	d.Enabled, d.Export = s.cfg.ReadInput != nil, s.cfg.WriteBundle != nil
	v.Forms = map[string]*form{"import": f}
	title := v.T("im.title")
	if !v.CanEdit {
		title = v.T("nav.export")
	}
	v.Title, v.Nav, v.Data = title, "import", d
	s.render(w, v, "import", status)
}

// importModes are the choices of the import form: "auto" merges a
// spreadsheet and replaces the workspace with a stakemap/v1 document, as
// the command line does.
var importModes = []string{"auto", string(merge.ModeMerge), string(merge.ModeReplace)}

// importCheck reads the uploaded file and shows what importing it would
// change, conflicts included, writing nothing (the dry run of DESIGN §12).
func (s *Server) importCheck(w http.ResponseWriter, r *http.Request, v *view) {
	f := newForm()
	if s.cfg.ReadInput == nil {
		s.fail(w, v, graph.ErrNotFound)
		return
	}
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			f.Errors["file"] = v.T("im.toolarge", MaxUpload>>20)
		} else {
			f.Errors["file"] = v.T("p.file")
		}
		s.showImport(w, v, importData{}, f, refused)
		return
	}
	defer r.MultipartForm.RemoveAll()
	for _, k := range []string{"mode", "prune"} {
		f.Values[k] = r.FormValue(k)
	}
	mode := cmp.Or(f.V("mode"), "auto")
	if !slices.Contains(importModes, mode) {
		f.Errors["mode"] = v.T("p.oneof", strings.Join(importModes, ", "))
	}
	file, hdr, err := r.FormFile("file")
	if err != nil {
		f.Errors["file"] = v.T("p.file")
		s.showImport(w, v, importData{}, f, refused)
		return
	}
	defer file.Close()
	in, err := s.cfg.ReadInput(file, path.Base(strings.ReplaceAll(hdr.Filename, "\\", "/")), v.lang)
	if err != nil {
		d := importData{}
		ve, ok := errors.AsType[*graph.ValidationError](err)
		switch {
		case ok && len(ve.Problems) == 1 && ve.Problems[0].Field == "file":
			// The file as a whole could not be opened: the reader's
			// words (a zip library's) are not the person's language.
			f.Errors["file"] = v.T("im.unreadable")
		case ok:
			for _, p := range ve.Problems[:min(len(ve.Problems), 50)] {
				d.Problems = append(d.Problems, p.String())
			}
			f.Errors["file"] = v.T("im.problems", len(ve.Problems))
		default:
			// What the reader says (a zip or CSV library's words) is not
			// the person's language: say what to do instead.
			f.Errors["file"] = v.T("im.unreadable")
		}
		s.showImport(w, v, d, f, refused)
		return
	}
	if in.Workspace != nil && in.Workspace.Workspace.ID != "" && in.Workspace.Workspace.ID != v.WS.ID {
		// A workbook of one client must not land in another's workspace.
		f.Errors["file"] = v.T("im.otherws", in.Workspace.Workspace.ID, v.WS.ID)
		s.showImport(w, v, importData{}, f, refused)
		return
	}
	opt := merge.Options{Mode: merge.Mode(mode), Prune: f.Checked("prune"), Workspace: graph.Workspace{ID: v.WS.ID}}
	if mode == "auto" {
		opt.Mode = merge.ModeMerge
		if strings.EqualFold(path.Ext(hdr.Filename), ".json") {
			opt.Mode = merge.ModeReplace
		}
	}
	if opt.Mode == merge.ModeReplace {
		opt.Prune = false
	}
	if f.Bad() {
		s.showImport(w, v, importData{}, f, refused)
		return
	}
	im := &merge.Importer{Store: s.store}
	rep, err := im.Import(r.Context(), merge.Request{Input: in, Options: opt, DryRun: true})
	if err != nil {
		if c := (checker{v.tr, f}); !errors.Is(err, graph.ErrInvalid) || !c.problems(err) {
			s.fail(w, v, err)
			return
		}
		d := importData{}
		if ve, ok := errors.AsType[*graph.ValidationError](err); ok {
			for _, p := range ve.Problems[:min(len(ve.Problems), 50)] {
				d.Problems = append(d.Problems, p.String())
			}
		}
		f.Errors = map[string]string{"file": v.T("im.problems", len(d.Problems))}
		s.showImport(w, v, d, f, refused)
		return
	}
	d := reportData(v, rep)
	d.Pending = s.pending.put(&pendingImport{ws: v.WS.ID, owner: owner(v), in: in, opt: opt, rev: rep.Revision, at: s.cfg.Now()})
	s.showImport(w, v, d, f, http.StatusOK)
}

// reportData shows a dry run's report with names, in the person's
// language.
func reportData(v *view, rep *merge.Report) importData {
	before, after := index(orEmpty(rep.Before), ""), index(orEmpty(rep.After), "")
	d := importData{Checked: true, Empty: rep.Empty() && !rep.WorkspaceChanged, WsChanged: rep.WorkspaceChanged,
		Mode: v.T("im.mode." + string(rep.Mode)), MergeMode: rep.Mode == merge.ModeMerge,
		NewF: len(rep.Findings.New), GoneF: len(rep.Findings.Resolved)}
	for _, n := range rep.Nodes.Added {
		d.Added = append(d.Added, changeLine{Kind: v.Enum("nodekind", string(n.Kind)), Name: after.Label(n.ID)})
	}
	for _, n := range rep.Nodes.Removed {
		d.Removed = append(d.Removed, changeLine{Kind: v.Enum("nodekind", string(n.Kind)), Name: before.Label(n.ID)})
	}
	for _, n := range rep.Nodes.Changed {
		var fields []string
		for k, fc := range n.Fields {
			fields = append(fields, fmt.Sprintf("%s: %s → %s", v.T("f."+k), showValue(v, k, fc.From), showValue(v, k, fc.To)))
		}
		slices.Sort(fields)
		d.Changed = append(d.Changed, changeLine{Kind: v.Enum("nodekind", string(n.Kind)), Name: before.Label(n.ID), Fields: strings.Join(fields, "; ")})
	}
	d.Rels = [3]int{len(rep.Relations.Added), len(rep.Relations.Changed), len(rep.Relations.Removed)}
	for _, c := range rep.Conflicts {
		what := before.Label(c.ID)
		if c.Key != nil {
			var parts []string
			for _, k := range []string{"stakeholder", "from", "trajectory", "to", "goal", "on", "role"} {
				if id, ok := c.Key[k]; ok {
					parts = append(parts, before.Label(id))
				}
			}
			what = strings.Join(parts, " → ")
		}
		d.Conflicts = append(d.Conflicts, conflictLine{What: what, Field: v.T("f." + c.Field),
			Base: showValue(v, c.Field, c.Base), Sheet: showValue(v, c.Field, c.Sheet), Stakemap: showValue(v, c.Field, c.Stakemap)})
	}
	return d
}

func orEmpty(b *graph.Bundle) *graph.Bundle {
	if b == nil {
		return &graph.Bundle{}
	}
	return b
}

// importApply writes a checked import exactly as it was shown: when the
// workspace changed since, nothing is written and the person checks again;
// conflicts need a choice of which side wins.
func (s *Server) importApply(w http.ResponseWriter, r *http.Request, v *view) {
	f, err := posted(r)
	if err != nil {
		s.fail(w, v, err)
		return
	}
	id := f.V("pending")
	pi := s.pending.get(id, v.WS.ID, owner(v), s.cfg.Now())
	if pi == nil {
		f.Errors["file"] = v.T("im.expired")
		s.showImport(w, v, importData{}, f, refused)
		return
	}
	opt := pi.opt
	if p := f.V("prefer"); p == merge.PreferSheet || p == merge.PreferStakemap {
		opt.Prefer = p
	}
	im := &merge.Importer{Store: s.store}
	rep, err := im.Import(r.Context(), merge.Request{Input: pi.in, Options: opt, Revision: pi.rev})
	switch {
	case errors.Is(err, merge.ErrUnsettled):
		d := reportData(v, rep)
		d.Pending = id
		f.Error = v.T("im.choose")
		s.showImport(w, v, d, f, refused)
		return
	case errors.Is(err, graph.ErrStale):
		s.pending.drop(id)
		f.Error = v.T("im.stale")
		s.showImport(w, v, importData{}, f, refused)
		return
	case errors.Is(err, graph.ErrInvalid):
		s.pending.drop(id)
		d := importData{}
		if ve, ok := errors.AsType[*graph.ValidationError](err); ok {
			for _, p := range ve.Problems[:min(len(ve.Problems), 50)] {
				d.Problems = append(d.Problems, p.String())
			}
		}
		f.Errors["file"] = v.T("im.problems", len(d.Problems))
		s.showImport(w, v, d, f, refused)
		return
	case err != nil:
		s.fail(w, v, err)
		return
	}
	s.pending.drop(id)
	// The page after the redirect says what was written, so that the
	// person need not remember the check they confirmed.
	setFlash(w, r, v.T("im.applied", len(rep.Nodes.Added), len(rep.Nodes.Changed), len(rep.Nodes.Removed),
		len(rep.Relations.Added)+len(rep.Relations.Changed)+len(rep.Relations.Removed),
		len(rep.Findings.New), len(rep.Findings.Resolved)))
	seeOther(w, r, v.U("import"))
}

// export writes the workspace as a workbook or a stakemap/v1 document.
func (s *Server) export(w http.ResponseWriter, r *http.Request, v *view) {
	format := strings.TrimPrefix(r.PathValue("file"), v.WS.ID+".")
	types := map[string]string{"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "json": "application/json"}
	if s.cfg.WriteBundle == nil || types[format] == "" {
		s.fail(w, v, graph.ErrNotFound)
		return
	}
	d, err := s.load(r.Context(), v.WS.ID)
	if err != nil {
		s.fail(w, v, err)
		return
	}
	var buf bytes.Buffer
	if err := s.cfg.WriteBundle(&buf, d.B.Clone(), format); err != nil {
		s.fail(w, v, fmt.Errorf("export %s: %w", v.WS.ID, err))
		return
	}
	w.Header().Set("Content-Type", types[format])
	w.Header().Set("Content-Disposition", `attachment; filename="`+v.WS.ID+"."+format+`"`)
	w.Header().Set("Cache-Control", "no-store")
	w.Write(buf.Bytes())
}

// template writes an empty workbook of this workspace in the person's
// language — every sheet with its headers, a frozen header row and a
// drop-down list for every column of fixed values — for a register
// started in Excel to import without surprises.
func (s *Server) template(w http.ResponseWriter, r *http.Request, v *view) {
	if s.cfg.WriteBundle == nil {
		s.fail(w, v, graph.ErrNotFound)
		return
	}
	b := &graph.Bundle{Workspace: graph.Workspace{ID: v.WS.ID, Name: v.WS.Name, Language: v.lang, LDUnit: v.WS.LDUnit}}
	var buf bytes.Buffer
	if err := s.cfg.WriteBundle(&buf, b, "xlsx"); err != nil {
		s.fail(w, v, fmt.Errorf("template of %s: %w", v.WS.ID, err))
		return
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="`+v.T("im.template.file")+`"`)
	w.Header().Set("Cache-Control", "no-store")
	w.Write(buf.Bytes())
}

// showValue shows a field value of a comparison as people read it: text
// without quotes, enumerated values in the person's language, dates their
// way, nothing as a dash.
func showValue(v *view, field string, raw json.RawMessage) string {
	var x any
	if err := json.Unmarshal(raw, &x); err != nil || x == nil {
		return "—"
	}
	switch x := x.(type) {
	case string:
		if _, ok := enumValues[field]; ok {
			return v.Enum(field, x)
		}
		if graph.ValidDate(x) {
			return v.Date(x)
		}
		return x
	case float64:
		return v.Num(x)
	case bool:
		if x {
			return "✓"
		}
		return "✗"
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = fmt.Sprint(e)
		}
		return strings.Join(parts, ", ")
	}
	return string(raw)
}
