package webui

import (
	"encoding/json"
	"mime"
	"net/http"
	"strconv"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/history"
)

// The person's rights on a person's page, for admins (GDPR/AVG): download
// everything held about them (art. 15), and erase them from current data,
// history and snapshots (art. 17) after a confirmation that says so.

// personalDataOf reads the art. 15 export of the page's person, or shows
// why it cannot.
func (s *Server) personalDataOf(w http.ResponseWriter, r *http.Request, v *view) (*history.PersonalData, bool) {
	hs := s.hist()
	if hs == nil {
		s.fail(w, v, graph.ErrNotFound)
		return nil, false
	}
	pd, err := history.PersonalDataOf(r.Context(), hs, hs, v.WS.ID, r.PathValue("id"))
	if err != nil {
		s.fail(w, v, err)
		return nil, false
	}
	return pd, true
}

// personalData downloads the art. 15 export as a JSON file.
func (s *Server) personalData(w http.ResponseWriter, r *http.Request, v *view) {
	pd, ok := s.personalDataOf(w, r, v)
	if !ok {
		return
	}
	id := pd.Stakeholder.ID
	data, err := json.MarshalIndent(pd, "", "  ")
	if err != nil {
		s.fail(w, v, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": v.T("er.file") + id + ".json"}))
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

// personalDataView is the art. 15 export as a person reads it.
type personalDataView struct {
	Name, Download, Back string
	Fields               []fieldChange // Label and To: the field and its value
	Relations            []string
	Contacts             []contactLine
	Events               []eventLine
}

type contactLine struct{ What, About, Summary string }

// personalDataPage shows the art. 15 export in the person's language and
// date format, to print or save as PDF for the person who asked; the
// JSON download is the same data for machines (art. 20).
func (s *Server) personalDataPage(w http.ResponseWriter, r *http.Request, v *view) {
	pd, ok := s.personalDataOf(w, r, v)
	if !ok {
		return
	}
	ctx, id := r.Context(), pd.Stakeholder.ID
	d, err := s.load(ctx, v.WS.ID)
	if err != nil {
		s.fail(w, v, err)
		return
	}
	n := &namer{t: v.tr, states: []*wsData{d}}
	pv := personalDataView{Name: pd.Stakeholder.Name, Back: v.U("stakeholders", id),
		Download: v.U("stakeholders", id, "personal-data")}
	raw, err := json.Marshal(pd.Stakeholder)
	if err != nil {
		s.fail(w, v, err)
		return
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		s.fail(w, v, err)
		return
	}
	for _, f := range fieldOrder {
		if val, ok := fields[f]; ok && f != "id" {
			pv.Fields = append(pv.Fields, fieldChange{Label: n.fieldLabel(f), To: n.value(string(graph.KindStakeholder), f, val)})
		}
	}
	for _, st := range pd.Stakes {
		line := n.relation("stake", map[string]string{"stakeholder": st.Stakeholder, "role": st.Role, "trajectory": st.Trajectory})
		// Values on this trajectory only are data about the person too.
		if st.Influence != nil || st.Interest != nil {
			num := func(p *int) string {
				if p == nil {
					return "—"
				}
				return strconv.Itoa(*p)
			}
			line += " " + v.T("er.stakevalues", num(st.Influence), num(st.Interest))
		}
		pv.Relations = append(pv.Relations, line)
	}
	for _, in := range pd.Influences {
		pv.Relations = append(pv.Relations, n.relation("influence", map[string]string{"from": in.From, "to": in.To}))
	}
	for _, rt := range pd.ReportsTo {
		pv.Relations = append(pv.Relations, n.relation("reportsTo", map[string]string{"from": rt.From, "to": rt.To}))
	}
	for _, en := range pd.Enablers {
		pv.Relations = append(pv.Relations, v.T("er.owns", n.t.Enum("nodekind", string(graph.KindEnabler)), en.Name))
	}
	for _, e := range pd.Engagements {
		c := contactLine{What: n.contact(e.Date, e.Channel, e.With, nil), About: n.list(e.About), Summary: e.Summary}
		pv.Contacts = append(pv.Contacts, c)
	}
	pv.Events = s.eventLines(ctx, v, d, pd.History)
	v.Title, v.Nav, v.Data = v.T("er.readtitle", pd.Stakeholder.Name), "register", pv
	s.render(w, v, "personal_data", http.StatusOK)
}
