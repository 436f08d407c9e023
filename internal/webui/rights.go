package webui

import (
	"encoding/json"
	"mime"
	"net/http"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/history"
)

// The person's rights on a person's page, for admins (GDPR/AVG): download
// everything held about them (art. 15), and erase them from current data,
// history and snapshots (art. 17) after a confirmation that says so.

// personalData downloads the art. 15 export as a JSON file.
func (s *Server) personalData(w http.ResponseWriter, r *http.Request, v *view) {
	hs := s.hist()
	if hs == nil {
		s.fail(w, v, graph.ErrNotFound)
		return
	}
	id := r.PathValue("id")
	pd, err := history.PersonalDataOf(r.Context(), hs, hs, v.WS.ID, id)
	if err != nil {
		s.fail(w, v, err)
		return
	}
	data, err := json.MarshalIndent(pd, "", "  ")
	if err != nil {
		s.fail(w, v, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": "personal-data-" + id + ".json"}))
	w.Write(data)
}

func init() { flashKeys["er.done"] = true }

type eraseData struct {
	Name, Action, Back string
}

// eraseConfirm asks before erasing: what goes, and that it cannot be
// undone.
func (s *Server) eraseConfirm(w http.ResponseWriter, r *http.Request, v *view) {
	s.showErase(w, r, v, newForm(), http.StatusOK)
}

func (s *Server) showErase(w http.ResponseWriter, r *http.Request, v *view, f *form, status int) {
	if s.hist() == nil {
		s.fail(w, v, graph.ErrNotFound)
		return
	}
	p, _, err := graph.Get[graph.Stakeholder](r.Context(), s.store, v.WS.ID, r.PathValue("id"))
	if err != nil {
		s.fail(w, v, err)
		return
	}
	v.Forms = map[string]*form{"erase": f}
	v.Title, v.Nav = v.T("er.title", p.Name), "register"
	v.Data = eraseData{Name: p.Name, Action: v.U("stakeholders", p.ID, "erase"), Back: v.U("stakeholders", p.ID)}
	s.render(w, v, "erase", status)
}

// erase erases the person once the admin has ticked that they understand
// it is for good; the share links that named them are revoked.
func (s *Server) erase(w http.ResponseWriter, r *http.Request, v *view) {
	hs := s.hist()
	if hs == nil {
		s.fail(w, v, graph.ErrNotFound)
		return
	}
	f, err := posted(r)
	if err != nil {
		s.fail(w, v, err)
		return
	}
	if !f.Checked("understood") {
		f.Errors["understood"] = v.T("er.tick")
		s.showErase(w, r, v, f, refused)
		return
	}
	if _, err := history.Erase(r.Context(), hs, s.cfg.Links, v.WS.ID, r.PathValue("id")); err != nil {
		s.fail(w, v, err)
		return
	}
	// A shared image drawn before the erasure may show the name: draw
	// every one again.
	s.shareCache.clear()
	seeOther(w, r, withFlash(v.U("stakeholders"), "er.done"))
}

// clear forgets every drawn image.
func (c *shareImages) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.m)
}
