package webui

import (
	"cmp"
	"errors"
	"net/http"
	"slices"

	"github.com/stakemap/stakemap/graph"
)

type roleRow struct {
	Trajectory, TrajectoryName, Role, RoleLabel string
}

type relRow struct {
	ID, Name, Strength string
	Raw                float64
}

type personData struct {
	Person               *graph.Stakeholder
	Version              int64
	Roles                []roleRow
	Trajs                []*graph.Trajectory
	Out, In              []relRow
	Managers, Reports    []relRow
	Contacts             []contactView
	Findings             []findingView
	People, Units        []string
	ContactLink, DelLink string
	Rhythm               rhythmView
	Rights               bool // the backend keeps history: export and erase
}

// showStakeholder renders a person's page; forms holds the forms that were
// posted and refused, the others are filled from what is stored.
func (s *Server) stakeholderShow(w http.ResponseWriter, r *http.Request, v *view) {
	s.showStakeholder(w, r, v, r.PathValue("id"), nil, http.StatusOK)
}

func (s *Server) showStakeholder(w http.ResponseWriter, r *http.Request, v *view, id string, forms map[string]*form, status int) {
	ctx := r.Context()
	p, ver, err := graph.Get[graph.Stakeholder](ctx, s.store, v.WS.ID, id)
	if err != nil {
		s.fail(w, v, err)
		return
	}
	d, fs, err := s.loadFindings(ctx, v)
	if err != nil {
		s.fail(w, v, err)
		return
	}
	pd := personData{Person: &p, Version: ver, Units: unitsOf(d)}
	for _, st := range d.stakesBy[id] {
		pd.Roles = append(pd.Roles, roleRow{Trajectory: st.Trajectory, TrajectoryName: d.Name(st.Trajectory), Role: st.Role, RoleLabel: v.Enum("role", st.Role)})
	}
	slices.SortFunc(pd.Roles, func(a, b roleRow) int {
		return cmp.Or(cmp.Compare(graph.FoldName(a.TrajectoryName), graph.FoldName(b.TrajectoryName)),
			cmp.Compare(slices.Index(graph.Roles, a.Role), slices.Index(graph.Roles, b.Role)))
	})
	for i := range d.B.Trajectories {
		pd.Trajs = append(pd.Trajs, &d.B.Trajectories[i])
	}
	slices.SortFunc(pd.Trajs, func(a, b *graph.Trajectory) int { return cmp.Compare(graph.FoldName(a.Name), graph.FoldName(b.Name)) })
	for _, in := range d.B.Influences {
		switch id {
		case in.From:
			pd.Out = append(pd.Out, relRow{ID: in.To, Name: d.Label(in.To), Strength: v.Num(in.Strength), Raw: in.Strength})
		case in.To:
			pd.In = append(pd.In, relRow{ID: in.From, Name: d.Label(in.From), Strength: v.Num(in.Strength), Raw: in.Strength})
		}
	}
	for _, rt := range d.B.ReportsTo {
		switch id {
		case rt.From:
			pd.Managers = append(pd.Managers, relRow{ID: rt.To, Name: d.Label(rt.To)})
		case rt.To:
			pd.Reports = append(pd.Reports, relRow{ID: rt.From, Name: d.Label(rt.From)})
		}
	}
	for _, e := range d.contactsOf[id] {
		pd.Contacts = append(pd.Contacts, viewContact(v, d, e))
	}
	var mine []graph.Finding
	for _, f := range fs {
		if about(f, id) {
			mine = append(mine, f)
		}
	}
	pd.Findings = viewFindings(v, d, mine)
	pd.People = peopleNames(d)
	pd.ContactLink = v.U("contacts") + "?with=" + urlQuery(p.ID)
	pd.DelLink = v.U("stakeholders", id, "delete")
	pd.Rhythm, pd.Rights = rhythmOf(v, d, &p), s.hist() != nil

	all := map[string]*form{"person": stakeholderValues(p, ver)}
	if pf := forms["person"]; pf != nil {
		all["person"] = pf
	}
	for k, f := range forms {
		if k != "person" {
			all[k] = f
		}
	}
	if _, ok := all["influence"]; !ok {
		f := newForm()
		f.Values["strength"] = v.Num(graph.DefaultStrength)
		f.Values["direction"] = "out"
		all["influence"] = f
	}
	v.Forms = all
	v.Title, v.Nav, v.Data = p.Name, "register", pd
	s.render(w, v, "stakeholder", status)
}

// peopleNames lists every stakeholder's name, for the type-ahead lists.
func peopleNames(d *wsData) []string { return d.peopleNames }

// relationFailed shows a refused relationship form on the page it came
// from, with the problem next to the field it concerns; it reports false
// for an error that is not the person's to fix.
func relationFailed(t tr, f *form, field string, err error) bool {
	c := checker{t, f}
	switch {
	case errors.Is(err, graph.ErrConflict):
		f.Error = t.T("err.relexists")
	case errors.Is(err, graph.ErrNotFound):
		f.Error = t.T("err.gone")
	case c.problems(err):
		if len(f.Errors) > 0 && f.Errors[field] == "" {
			for _, msg := range f.Errors {
				f.Errors[field] = msg
				break
			}
		}
	default:
		return false
	}
	return true
}

// relList is one list of related people on a person's page, with the
// form that removes an entry.
type relList struct {
	V            *view
	Rows         []relRow
	Action, Self string
	Out          bool // this person is the relationship's from
}

// Rel prepares a list of related people: kind "out"/"in" (influences) or
// "manager"/"report" (reporting line).
func (v *view) Rel(rows []relRow, kind string) relList {
	self := ""
	if pd, ok := v.Data.(personData); ok {
		self = pd.Person.ID
	}
	l := relList{V: v, Rows: rows, Self: self, Out: kind == "out" || kind == "manager"}
	if kind == "out" || kind == "in" {
		l.Action = v.U("stakeholders", self, "influences", "remove")
	} else {
		l.Action = v.U("stakeholders", self, "manager", "remove")
	}
	return l
}
