package webui

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/stakemap/stakemap/graph"
)

// settingsData is the settings page: the units to pick the L&D unit
// from, and whether the store keeps history (and so a retention period).
type settingsData struct {
	Units     []string
	Retention bool
}

func (s *Server) settingsPage(w http.ResponseWriter, r *http.Request, v *view) {
	ctx := r.Context()
	d, err := s.load(ctx, v.WS.ID)
	if err != nil {
		s.fail(w, v, err)
		return
	}
	f := newForm()
	f.Values = map[string]string{"name": v.WS.Name, "language": v.WS.Language, "ldUnit": v.WS.LDUnit, "version": d.Rev}
	if h, ok := s.store.(graph.History); ok {
		st, err := h.HistoryState(ctx, v.WS.ID)
		if err != nil {
			s.fail(w, v, err)
			return
		}
		f.Values["retentionMonths"] = strconv.Itoa(st.Settings.RetentionMonths)
	}
	s.showSettings(w, v, d, f, http.StatusOK)
}

func (s *Server) showSettings(w http.ResponseWriter, v *view, d *wsData, f *form, status int) {
	_, retention := s.store.(graph.History)
	v.Forms = map[string]*form{"settings": f}
	v.Title, v.Nav, v.Data = v.T("s.title"), "settings", settingsData{Units: unitsOf(d), Retention: retention}
	s.render(w, v, "settings", status)
}

// settingsSave changes the workspace's name, language, L&D unit and
// retention period through the store's own settings write, on condition
// that nothing changed since the form was shown. A store without history
// changes a workspace only as a whole: then the workspace is written back
// as it was read, with the new fields, on the same condition.
func (s *Server) settingsSave(w http.ResponseWriter, r *http.Request, v *view) {
	ctx := r.Context()
	f, d, ok := s.postedLoad(w, r, v)
	if !ok {
		return
	}
	c := checker{v.tr, f}
	ws := graph.Workspace{ID: v.WS.ID, Name: c.text("name", graph.MaxShortText, false, true),
		Language: c.enum("language", "language", true), LDUnit: c.text("ldUnit", graph.MaxShortText, false, false)}
	var set graph.Settings
	h, hasHistory := s.store.(graph.History)
	if hasHistory {
		n, err := strconv.Atoi(strings.TrimSpace(f.V("retentionMonths")))
		if strings.TrimSpace(f.V("retentionMonths")) == "" {
			n, err = 0, nil
		}
		if err != nil || n < 0 || n > graph.MaxRetentionMonths {
			c.bad("retentionMonths", v.T("s.retention.bad", graph.MaxRetentionMonths))
		}
		set.RetentionMonths = n
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
	var err error
	if hasHistory {
		err = h.UpdateWorkspace(ctx, ws, set, pre)
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
