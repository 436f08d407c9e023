package webui

import (
	"errors"
	"net/http"

	"github.com/stakemap/stakemap/graph"
)

func (s *Server) settingsPage(w http.ResponseWriter, r *http.Request, v *view) {
	d, err := s.load(r.Context(), v.WS.ID)
	if err != nil {
		s.fail(w, v, err)
		return
	}
	f := newForm()
	f.Values = map[string]string{"name": v.WS.Name, "language": v.WS.Language, "ldUnit": v.WS.LDUnit, "version": d.Rev}
	s.showSettings(w, v, d, f, http.StatusOK)
}

func (s *Server) showSettings(w http.ResponseWriter, v *view, d *wsData, f *form, status int) {
	v.Forms = map[string]*form{"settings": f}
	v.Title, v.Nav, v.Data = v.T("s.title"), "settings", personFormData{Units: unitsOf(d)}
	s.render(w, v, "settings", status)
}

// settingsSave changes the workspace's name, language and L&D unit. The
// store changes a workspace only as a whole, so the workspace is written
// back as it was read, on condition that nothing changed since the form
// was shown.
func (s *Server) settingsSave(w http.ResponseWriter, r *http.Request, v *view) {
	ctx := r.Context()
	f, err := posted(r)
	if err != nil {
		s.fail(w, v, err)
		return
	}
	d, err := s.load(ctx, v.WS.ID)
	if err != nil {
		s.fail(w, v, err)
		return
	}
	c := checker{v.tr, f}
	ws := graph.Workspace{ID: v.WS.ID, Name: c.text("name", graph.MaxShortText, false, true),
		Language: c.enum("language", "language", true), LDUnit: c.text("ldUnit", graph.MaxShortText, false, false)}
	if f.Bad() {
		s.showSettings(w, v, d, f, refused)
		return
	}
	if d.Rev != f.V("version") {
		f.Error, f.Stale = v.T("err.stale"), true
		s.showSettings(w, v, d, f, refused)
		return
	}
	b := d.B.Clone()
	b.Workspace = ws
	if err := s.store.ImportBundle(ctx, b, graph.Precondition{Revision: d.Rev}); err != nil {
		switch {
		case errors.Is(err, graph.ErrStale):
			f.Error, f.Stale = v.T("err.stale"), true
			s.showSettings(w, v, d, f, refused)
		case c.problems(err):
			s.showSettings(w, v, d, f, refused)
		default:
			s.fail(w, v, err)
		}
		return
	}
	seeOther(w, r, withFlash(v.U("settings"), "saved"))
}
