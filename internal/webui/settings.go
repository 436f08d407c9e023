package webui

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

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
	if hs := s.hist(); hs != nil {
		st, err := hs.HistoryState(r.Context(), v.WS.ID)
		if err != nil {
			s.fail(w, v, err)
			return
		}
		f.Values["retentionMonths"] = strconv.Itoa(st.Settings.RetentionMonths)
	}
	s.showSettings(w, v, d, f, http.StatusOK)
}

func (s *Server) showSettings(w http.ResponseWriter, v *view, d *wsData, f *form, status int) {
	v.Forms = map[string]*form{"settings": f}
	v.Title, v.Nav, v.Data = v.T("s.title"), "settings", settingsData{personFormData: personFormData{Units: unitsOf(d)}, Retention: s.hist() != nil}
	s.render(w, v, "settings", status)
}

type settingsData struct {
	personFormData
	// Retention: the backend keeps history, so it has a retention period.
	Retention bool
}

// settingsSave changes the workspace's name, language, L&D unit and, where
// history is kept, how long (retentionMonths), on condition that nothing
// changed since the form was shown. A backend without history changes a
// workspace only as a whole, so there the workspace is written back as it
// was read.
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
	hs := s.hist()
	var set graph.Settings
	if hs != nil {
		st, err := hs.HistoryState(ctx, v.WS.ID)
		if err != nil {
			s.fail(w, v, err)
			return
		}
		set = st.Settings // a form without the field leaves it as it is
		if raw := strings.TrimSpace(f.V("retentionMonths")); raw != "" {
			n, err := strconv.Atoi(raw)
			if err != nil || n < 0 || n > graph.MaxRetentionMonths {
				c.bad("retentionMonths", v.T("p.months", graph.MaxRetentionMonths))
			}
			set.RetentionMonths = n
		}
	}
	if f.Bad() {
		s.showSettings(w, v, d, f, refused)
		return
	}
	if d.Rev != f.V("version") {
		f.Error, f.Stale = v.T("err.stale"), true
		s.showSettings(w, v, d, f, refused)
		return
	}
	pre := graph.Precondition{Revision: d.Rev}
	if hs != nil {
		err = hs.UpdateWorkspace(ctx, ws, set, pre)
	} else {
		b := d.B.Clone()
		b.Workspace = ws
		err = s.store.ImportBundle(ctx, b, pre)
	}
	if err != nil {
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
