package webui

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/stakemap/stakemap/graph"
)

// pendingImports keeps checked uploads between "Check" and "Apply", so the
// person need not upload the file twice. It holds a few per service and
// forgets them after a while; each remembers the revision it was checked
// against, so that applying it after someone else changed the workspace
// fails instead of overwriting their change.
type pendingImports struct {
	mu   sync.Mutex
	max  int
	ttl  time.Duration
	byID map[string]*pendingImport
}

type pendingImport struct {
	ws, rev, owner string
	b              *graph.Bundle
	at             time.Time
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

// take returns and forgets a pending import of this workspace and person.
func (p *pendingImports) take(id, ws, owner string, now time.Time) *pendingImport {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.expire(now)
	pi := p.byID[id]
	if pi == nil || pi.ws != ws || pi.owner != owner {
		return nil
	}
	delete(p.byID, id)
	return pi
}

func (p *pendingImports) expire(now time.Time) {
	for k, x := range p.byID {
		if now.Sub(x.at) > p.ttl {
			delete(p.byID, k)
		}
	}
}

type changeLine struct{ Kind, Name, Fields string }

type importData struct {
	Enabled, Export bool
	Checked         bool
	Pending         string
	Added, Changed  []changeLine
	Removed         []changeLine
	Rels            [3]int
	Problems        []string
	Empty           bool
}

func (s *Server) importPage(w http.ResponseWriter, r *http.Request, v *view) {
	s.showImport(w, v, importData{}, newForm(), http.StatusOK)
}

func (s *Server) showImport(w http.ResponseWriter, v *view, d importData, f *form, status int) {
	d.Enabled, d.Export = s.cfg.ReadBundle != nil, s.cfg.WriteBundle != nil
	v.Forms = map[string]*form{"import": f}
	v.Title, v.Nav, v.Data = v.T("im.title"), "import", d
	s.render(w, v, "import", status)
}

// importCheck reads the uploaded file and shows what it would change,
// writing nothing: the comparison of the workspace now with the file.
func (s *Server) importCheck(w http.ResponseWriter, r *http.Request, v *view) {
	ctx := r.Context()
	f := newForm()
	if s.cfg.ReadBundle == nil {
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
	file, hdr, err := r.FormFile("file")
	if err != nil {
		f.Errors["file"] = v.T("p.file")
		s.showImport(w, v, importData{}, f, refused)
		return
	}
	defer file.Close()
	b, err := s.cfg.ReadBundle(hdr.Filename, file, v.WS)
	if err != nil {
		d := importData{}
		if ve, ok := errors.AsType[*graph.ValidationError](err); ok {
			for _, p := range ve.Problems[:min(len(ve.Problems), 50)] {
				d.Problems = append(d.Problems, p.String())
			}
			f.Errors["file"] = v.T("im.problems", len(ve.Problems))
		} else {
			f.Errors["file"] = v.T("im.unreadable", err.Error())
		}
		s.showImport(w, v, d, f, refused)
		return
	}
	b.Workspace.ID = v.WS.ID
	cur, err := s.load(ctx, v.WS.ID)
	if err != nil {
		s.fail(w, v, err)
		return
	}
	cmp, err := graph.Compare(cur.B, b)
	if err != nil {
		s.fail(w, v, err)
		return
	}
	d := importData{Checked: true, Empty: cmp.Empty()}
	names := index(b, "")
	for _, n := range cmp.Nodes.Added {
		d.Added = append(d.Added, changeLine{Kind: v.Enum("nodekind", string(n.Kind)), Name: names.Name(n.ID)})
	}
	for _, n := range cmp.Nodes.Removed {
		d.Removed = append(d.Removed, changeLine{Kind: v.Enum("nodekind", string(n.Kind)), Name: cur.Name(n.ID)})
	}
	for _, n := range cmp.Nodes.Changed {
		var fields []string
		for k, fc := range n.Fields {
			fields = append(fields, fmt.Sprintf("%s: %s → %s", v.T("f."+k), showValue(v, k, fc.From), showValue(v, k, fc.To)))
		}
		slices.Sort(fields)
		d.Changed = append(d.Changed, changeLine{Kind: v.Enum("nodekind", string(n.Kind)), Name: cur.Name(n.ID), Fields: strings.Join(fields, "; ")})
	}
	d.Rels = [3]int{len(cmp.Relations.Added), len(cmp.Relations.Changed), len(cmp.Relations.Removed)}
	d.Pending = s.pending.put(&pendingImport{ws: v.WS.ID, rev: cur.Rev, owner: v.P.AccountID + "/" + v.P.TokenID + "/" + v.P.Via, b: b, at: s.cfg.Now()})
	s.showImport(w, v, d, f, http.StatusOK)
}

// importApply writes a checked import, unless the workspace changed since
// it was checked.
func (s *Server) importApply(w http.ResponseWriter, r *http.Request, v *view) {
	f, err := posted(r)
	if err != nil {
		s.fail(w, v, err)
		return
	}
	pi := s.pending.take(f.V("pending"), v.WS.ID, v.P.AccountID+"/"+v.P.TokenID+"/"+v.P.Via, s.cfg.Now())
	if pi == nil {
		f.Errors["file"] = v.T("im.expired")
		s.showImport(w, v, importData{}, f, refused)
		return
	}
	if err := s.store.ImportBundle(r.Context(), pi.b, graph.Precondition{Revision: pi.rev}); err != nil {
		switch {
		case errors.Is(err, graph.ErrStale):
			f.Error = v.T("err.stale")
			s.showImport(w, v, importData{}, f, refused)
		case errors.Is(err, graph.ErrInvalid):
			f.Errors["file"] = v.T("p.other", err.Error())
			s.showImport(w, v, importData{}, f, refused)
		default:
			s.fail(w, v, err)
		}
		return
	}
	seeOther(w, r, withFlash(v.U("import"), "im.applied"))
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
	}
	return string(raw)
}
