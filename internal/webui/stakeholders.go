package webui

import (
	"cmp"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/stakemap/stakemap/graph"
)

// RegisterPageSize is how many people the register shows on a page.
const RegisterPageSize = 50

type personRow struct {
	*graph.Stakeholder
	LevelLabel, AttitudeLabel, LastContact string
}

type sortLink struct {
	Key, Label, Href, Sort string // Sort: aria-sort value
}

type registerData struct {
	Rows                []personRow
	Shown, Total, All   int
	Page, Pages         int
	Prev, Next          string
	Q, Unit, Level, Att string
	Quadrant            string
	Units               []string
	Columns             []sortLink
	Filtered            bool
}

// registerColumns are the register's columns, in order; each sorts.
var registerColumns = []struct{ key, label string }{
	{"name", "f.name"}, {"title", "f.title"}, {"unit", "f.unit"}, {"level", "f.level"},
	{"influence", "f.influence"}, {"interest", "f.interest"}, {"attitude", "f.attitude"}, {"contact", "f.lastContact"},
}

func (s *Server) stakeholderList(w http.ResponseWriter, r *http.Request, v *view) {
	ctx := r.Context()
	d, err := s.load(ctx, v.WS.ID)
	if err != nil {
		s.fail(w, v, err)
		return
	}
	q := r.URL.Query()
	rd := registerData{Q: strings.TrimSpace(q.Get("q")), Unit: q.Get("unit"), Level: q.Get("level"),
		Att: q.Get("attitude"), Quadrant: q.Get("quadrant"), All: len(d.B.Stakeholders)}
	rd.Filtered = rd.Q != "" || rd.Unit != "" || rd.Level != "" || rd.Att != "" || rd.Quadrant != ""
	inQuadrant := map[string]bool{}
	if slices.Contains(graph.Quadrants, rd.Quadrant) {
		g, err := s.store.Grid(ctx, v.WS.ID, "", 0)
		if err != nil {
			s.fail(w, v, err)
			return
		}
		for _, id := range g.Quadrants[rd.Quadrant] {
			inQuadrant[id] = true
		}
	}
	units := map[string]bool{}
	needle := graph.FoldName(rd.Q)
	var rows []personRow
	for i := range d.B.Stakeholders {
		p := &d.B.Stakeholders[i]
		if p.Unit != "" {
			units[p.Unit] = true
		}
		switch {
		case rd.Unit != "" && p.Unit != rd.Unit,
			rd.Level != "" && p.Level != rd.Level,
			rd.Att != "" && p.Attitude != rd.Att,
			rd.Quadrant != "" && !inQuadrant[p.ID]:
			continue
		}
		if needle != "" && !strings.Contains(d.folded[p.ID].all, needle) {
			continue
		}
		rows = append(rows, personRow{Stakeholder: p, LevelLabel: v.Enum("level", p.Level),
			AttitudeLabel: v.Enum("attitude", p.Attitude), LastContact: d.lastContact[p.ID]})
	}
	for u := range units {
		rd.Units = append(rd.Units, u)
	}
	slices.Sort(rd.Units)

	key, desc := q.Get("sort"), q.Get("desc") == "1"
	if !slices.ContainsFunc(registerColumns, func(c struct{ key, label string }) bool { return c.key == key }) {
		key = "name"
	}
	slices.SortStableFunc(rows, func(a, b personRow) int {
		fa, fb := d.folded[a.ID], d.folded[b.ID]
		var c int
		switch key {
		case "title":
			c = cmp.Compare(fa.title, fb.title)
		case "unit":
			c = cmp.Compare(fa.unit, fb.unit)
		case "level":
			c = cmp.Compare(slices.Index(graph.Levels, a.Level), slices.Index(graph.Levels, b.Level))
		case "influence":
			c = cmp.Compare(a.Influence, b.Influence)
		case "interest":
			c = cmp.Compare(a.Interest, b.Interest)
		case "attitude":
			c = cmp.Compare(slices.Index(graph.Attitudes, a.Attitude), slices.Index(graph.Attitudes, b.Attitude))
		case "contact":
			c = cmp.Compare(a.LastContact, b.LastContact)
		}
		if desc {
			c = -c
		}
		return cmp.Or(c, cmp.Compare(fa.name, fb.name), cmp.Compare(a.ID, b.ID))
	})
	for i := range rows {
		rows[i].LastContact = v.Date(rows[i].LastContact)
	}

	rd.Total = len(rows)
	rd.Pages = max(1, (rd.Total+RegisterPageSize-1)/RegisterPageSize)
	rd.Page, _ = strconv.Atoi(q.Get("page"))
	rd.Page = min(max(rd.Page, 1), rd.Pages)
	start := (rd.Page - 1) * RegisterPageSize
	rd.Rows = rows[min(start, len(rows)):min(start+RegisterPageSize, len(rows))]
	rd.Shown = len(rd.Rows)
	link := func(change map[string]string) string {
		nq := url.Values{}
		for k, vs := range q {
			if k != "ok" && len(vs) > 0 && vs[0] != "" {
				nq.Set(k, vs[0])
			}
		}
		for k, val := range change {
			if val == "" {
				nq.Del(k)
			} else {
				nq.Set(k, val)
			}
		}
		if len(nq) == 0 {
			return v.U("stakeholders")
		}
		return v.U("stakeholders") + "?" + nq.Encode()
	}
	if rd.Page > 1 {
		rd.Prev = link(map[string]string{"page": strconv.Itoa(rd.Page - 1)})
	}
	if rd.Page < rd.Pages {
		rd.Next = link(map[string]string{"page": strconv.Itoa(rd.Page + 1)})
	}
	for _, c := range registerColumns {
		sl := sortLink{Key: c.key, Label: v.T(c.label), Href: link(map[string]string{"sort": c.key, "desc": "", "page": ""})}
		if c.key == key {
			sl.Sort = "ascending"
			if desc {
				sl.Sort = "descending"
			} else {
				sl.Href = link(map[string]string{"sort": c.key, "desc": "1", "page": ""})
			}
		}
		rd.Columns = append(rd.Columns, sl)
	}
	v.Title, v.Nav, v.Data = v.T("reg.title"), "register", rd
	s.render(w, v, "stakeholders", http.StatusOK)
}

// personFormData is what the new-person form needs besides the form.
type personFormData struct {
	Units []string
}

func unitsOf(d *wsData) []string {
	seen := map[string]bool{}
	var out []string
	for _, p := range d.B.Stakeholders {
		if p.Unit != "" && !seen[p.Unit] {
			seen[p.Unit] = true
			out = append(out, p.Unit)
		}
	}
	slices.Sort(out)
	return out
}

func (s *Server) stakeholderNew(w http.ResponseWriter, r *http.Request, v *view) {
	f := newForm()
	f.Values = map[string]string{"kind": "person", "level": "employee", "influence": "3", "interest": "3", "attitude": "unknown"}
	s.showStakeholderNew(w, r, v, f, http.StatusOK)
}

func (s *Server) showStakeholderNew(w http.ResponseWriter, r *http.Request, v *view, f *form, status int) {
	d, err := s.load(r.Context(), v.WS.ID)
	if err != nil {
		s.fail(w, v, err)
		return
	}
	v.Title, v.Nav = v.T("reg.newtitle"), "register"
	v.Forms = map[string]*form{"person": f}
	v.Data = personFormData{Units: unitsOf(d)}
	s.render(w, v, "stakeholder_new", status)
}

// stakeholderCreate adds a person; the id is made from the name unless the
// person typed one.
func (s *Server) stakeholderCreate(w http.ResponseWriter, r *http.Request, v *view) {
	ctx := r.Context()
	f, d, ok := s.postedLoad(w, r, v)
	if !ok {
		return
	}
	p := stakeholderForm(v.tr, f)
	if f.Bad() || askBeforeSaving(v, d, f, &p, nil) {
		s.showStakeholderNew(w, r, v, f, refused)
		return
	}
	if p.ID == "" {
		p.ID = graph.NewID(p.Name, "", d.taken)
	}
	if _, err := s.store.CreateNode(ctx, v.WS.ID, p); err != nil {
		c := checker{v.tr, f}
		switch {
		case errors.Is(err, graph.ErrConflict):
			c.bad("id", v.T("err.exists"))
		case !c.problems(err):
			s.fail(w, v, err)
			return
		}
		s.showStakeholderNew(w, r, v, f, refused)
		return
	}
	seeOther(w, r, withFlash(v.U("stakeholders", p.ID), "saved"))
}

// askBeforeSaving puts the questions a person form asks before it saves
// on the form, and reports whether there are any: a name another person
// has already (two people may share a name, but often it is the same
// person twice), and a unit that differs from an existing one in case or
// accents only ("Sociaal domein" beside "Sociaal Domein" would make a
// second unit). A person answers by ticking the box or picking the
// spelling, and saves again. old is the person as stored, when editing:
// what did not change is not asked about again.
func askBeforeSaving(v *view, d *wsData, f *form, p *graph.Stakeholder, old *graph.Stakeholder) bool {
	ask := false
	self := ""
	if old != nil {
		self = old.ID
	}
	if pick := f.V("unitPick"); pick != "" && graph.FoldName(pick) == graph.FoldName(p.Unit) {
		p.Unit = pick
		f.Values["unit"] = pick
	} else if other := d.otherSpelling(p.Unit); other != "" && (old == nil || old.Unit != p.Unit) {
		f.Notes["unit"] = v.T("p.unitspelling", p.Unit, other)
		f.Values["unitExisting"] = other
		ask = true
	}
	renamed := old == nil || graph.FoldName(old.Name) != graph.FoldName(p.Name)
	if same := d.sameName(p.Name, self); renamed && len(same) > 0 && !f.Checked("sameName") {
		names := make([]string, len(same))
		for i, o := range same {
			names[i] = o.Name
			if who := strings.Trim(o.Title+", "+o.Unit, ", "); who != "" {
				names[i] += " (" + who + ")"
			}
		}
		f.Notes["name"] = v.T("p.samename", strings.Join(names, "; "))
		ask = true
	}
	return ask
}

// stakeholderSave stores the edit form of a person's page, based on the
// version the person read: when someone else saved meanwhile, nothing is
// written and the page says so, keeping what was typed.
func (s *Server) stakeholderSave(w http.ResponseWriter, r *http.Request, v *view) {
	ctx := r.Context()
	id := r.PathValue("id")
	f, d, ok := s.postedLoad(w, r, v)
	if !ok {
		return
	}
	f.Values["id"] = id
	p := stakeholderForm(v.tr, f)
	if f.Bad() || askBeforeSaving(v, d, f, &p, d.people[id]) {
		s.showStakeholder(w, r, v, id, map[string]*form{"person": f}, refused)
		return
	}
	if _, err := s.store.UpdateNode(ctx, v.WS.ID, p, version(f)); err != nil {
		c := checker{v.tr, f}
		switch {
		case errors.Is(err, graph.ErrStale):
			f.Error, f.Stale = v.T("err.stale"), true
			s.showStakeholder(w, r, v, id, map[string]*form{"person": f}, refused)
			return
		case errors.Is(err, graph.ErrNotFound):
			s.fail(w, v, err)
			return
		case !c.problems(err):
			s.fail(w, v, err)
			return
		}
		s.showStakeholder(w, r, v, id, map[string]*form{"person": f}, refused)
		return
	}
	seeOther(w, r, withFlash(v.U("stakeholders", id), "saved"))
}

func (s *Server) stakeholderConfirmDelete(w http.ResponseWriter, r *http.Request, v *view) {
	p, ver, err := graph.Get[graph.Stakeholder](r.Context(), s.store, v.WS.ID, r.PathValue("id"))
	if err != nil {
		s.fail(w, v, err)
		return
	}
	v.Title, v.Nav = v.T("p.delete"), "register"
	v.Data = confirmData{Question: v.T("p.delete.q", p.Name), Action: v.U("stakeholders", p.ID, "delete"),
		Back: v.U("stakeholders", p.ID), Version: ver}
	s.render(w, v, "confirm", http.StatusOK)
}

// confirmData is the confirmation page of a delete.
type confirmData struct {
	Question, Action, Back string
	Version                int64
}

func (s *Server) stakeholderDelete(w http.ResponseWriter, r *http.Request, v *view) {
	deleteNode(s, w, r, v, "stakeholders", func(p graph.Stakeholder) string { return p.Name }, s.showStakeholder)
}

// deleteNode deletes the node of type T in the path at the version the
// confirmation posted, then goes to the list under page; a stale version
// shows the node's page again (through show) with the delete form's
// problem. nameOf names the node in the flash message.
func deleteNode[T graph.Node](s *Server, w http.ResponseWriter, r *http.Request, v *view, page string, nameOf func(T) string,
	show func(http.ResponseWriter, *http.Request, *view, string, map[string]*form, int)) {
	f, err := posted(r)
	if err != nil {
		s.fail(w, v, err)
		return
	}
	id := r.PathValue("id")
	n, _, err := graph.Get[T](r.Context(), s.store, v.WS.ID, id)
	if err != nil {
		s.fail(w, v, err)
		return
	}
	if err := s.store.DeleteNode(r.Context(), v.WS.ID, n.NodeKind(), id, version(f)); err != nil {
		if errors.Is(err, graph.ErrStale) {
			f.Error, f.Stale = v.T("err.stale"), true
			show(w, r, v, id, map[string]*form{"delete": f}, refused)
			return
		}
		s.fail(w, v, err)
		return
	}
	setFlash(w, r, v.T("deleted.who", nameOf(n)))
	seeOther(w, r, v.U(page))
}
