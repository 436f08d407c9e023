package webui

import (
	"cmp"
	"errors"
	"net/http"
	"slices"
	"strconv"

	"github.com/stakemap/stakemap/graph"
)

type trajView struct {
	*graph.Trajectory
	StatusLabel string
	People      int
	Findings    int
}

// viewTrajectories lists trajectories for the overview and the list page:
// active ones first, then by name.
func viewTrajectories(v *view, d *wsData, fs []graph.Finding) []trajView {
	out := make([]trajView, 0, len(d.B.Trajectories))
	for i := range d.B.Trajectories {
		t := &d.B.Trajectories[i]
		tv := trajView{Trajectory: t, StatusLabel: v.Enum("status", t.Status)}
		seen := map[string]bool{}
		for _, st := range d.stakesOn[t.ID] {
			seen[st.Stakeholder] = true
		}
		tv.People = len(seen)
		for _, f := range fs {
			if f.Subject == t.ID {
				tv.Findings++
			}
		}
		out = append(out, tv)
	}
	slices.SortFunc(out, func(a, b trajView) int {
		return cmp.Or(-cmp.Compare(b2i(graph.IsActive(a.Status)), b2i(graph.IsActive(b.Status))),
			cmp.Compare(graph.FoldName(a.Name), graph.FoldName(b.Name)))
	})
	return out
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (s *Server) trajectoryList(w http.ResponseWriter, r *http.Request, v *view) {
	d, fs, err := s.loadFindings(r.Context(), v)
	if err != nil {
		s.fail(w, v, err)
		return
	}
	v.Title, v.Nav, v.Data = v.T("t.title"), "traj", viewTrajectories(v, d, fs)
	s.render(w, v, "trajectories", http.StatusOK)
}

func (s *Server) trajectoryNew(w http.ResponseWriter, r *http.Request, v *view) {
	f := newForm()
	f.Values["status"] = "idea"
	s.showTrajectoryNew(w, v, f, http.StatusOK)
}

func (s *Server) showTrajectoryNew(w http.ResponseWriter, v *view, f *form, status int) {
	v.Title, v.Nav = v.T("t.newtitle"), "traj"
	v.Forms = map[string]*form{"traj": f}
	s.render(w, v, "trajectory_new", status)
}

func (s *Server) trajectoryCreate(w http.ResponseWriter, r *http.Request, v *view) {
	ctx := r.Context()
	f, d, ok := s.postedLoad(w, r, v)
	if !ok {
		return
	}
	t := trajectoryForm(v.tr, f)
	if t.ID == "" && t.Name != "" {
		t.ID = graph.NewID(t.Name, "", d.taken)
	}
	if f.Bad() {
		s.showTrajectoryNew(w, v, f, refused)
		return
	}
	if _, err := s.store.CreateNode(ctx, v.WS.ID, t); err != nil {
		c := checker{v.tr, f}
		switch {
		case errors.Is(err, graph.ErrConflict):
			c.bad("id", v.T("err.exists"))
		case !c.problems(err):
			s.fail(w, v, err)
			return
		}
		s.showTrajectoryNew(w, v, f, refused)
		return
	}
	seeOther(w, r, withFlash(v.U("trajectories", t.ID), "saved"))
}

type slot struct {
	Role, RoleLabel string
	People          []relRow
}

type stakeRow struct {
	ID, Name, Roles     string
	Influence, Interest int
}

type chip struct {
	ID, Name            string
	Influence, Interest int
}

type gridCell struct {
	Influence, Interest int
	Label               string
	Chips               []chip
	Quadrant            string
}

type depRow struct {
	ID, Name, Kind, Status, Note string
	Trajectory                   bool
}

type trajectoryData struct {
	T                  *graph.Trajectory
	Version            int64
	Slots              []slot
	Everyone           []stakeRow
	Rows               [][]gridCell
	Chips              []chip
	Goals, Deps        []depRow
	GoalNames, OnNames []string
	Findings           []findingView
	People             []string
	MapURL             string
}

// The roles panel always shows these, with an empty slot where one is
// missing: the co-ownership of a trajectory at a glance.
var panelRoles = []string{"sponsor", "owner", "learner"}

func (s *Server) trajectoryShow(w http.ResponseWriter, r *http.Request, v *view) {
	s.showTrajectory(w, r, v, r.PathValue("id"), nil, http.StatusOK)
}

func (s *Server) showTrajectory(w http.ResponseWriter, r *http.Request, v *view, id string, forms map[string]*form, status int) {
	ctx := r.Context()
	t, ver, err := graph.Get[graph.Trajectory](ctx, s.store, v.WS.ID, id)
	if err != nil {
		s.fail(w, v, err)
		return
	}
	d, fs, err := s.loadFindings(ctx, v)
	if err != nil {
		s.fail(w, v, err)
		return
	}
	td := trajectoryData{T: &t, Version: ver, People: peopleNames(d)}
	// Everyone with a stake, whatever the role, placed by the highest
	// effective values among their stakes (as the grid analysis does).
	td.Slots, td.Everyone = rolesOf(v, d, id)
	for infl := 5; infl >= 1; infl-- {
		var row []gridCell
		for intr := 1; intr <= 5; intr++ {
			c := gridCell{Influence: infl, Interest: intr, Label: v.T("t.grid.cell", infl, intr), Quadrant: quadrantOf(infl, intr)}
			for _, p := range td.Everyone {
				if p.Influence == infl && p.Interest == intr {
					c.Chips = append(c.Chips, chip{ID: p.ID, Name: p.Name, Influence: infl, Interest: intr})
				}
			}
			row = append(row, c)
		}
		td.Rows = append(td.Rows, row)
	}
	for _, p := range td.Everyone {
		td.Chips = append(td.Chips, chip{ID: p.ID, Name: p.Name, Influence: p.Influence, Interest: p.Interest})
	}
	for _, sp := range d.B.Supports {
		if sp.Trajectory == id {
			td.Goals = append(td.Goals, depRow{ID: sp.Goal, Name: d.Name(sp.Goal)})
		}
	}
	for _, dep := range d.B.DependsOn {
		if dep.Trajectory != id {
			continue
		}
		row := depRow{ID: dep.On, Name: d.Name(dep.On), Note: dep.Note}
		if x := d.trajs[dep.On]; x != nil {
			row.Trajectory, row.Kind, row.Status = true, v.T("f.trajectory"), v.Enum("status", x.Status)
		} else if e := d.enablers[dep.On]; e != nil {
			row.Kind, row.Status = v.Enum("ekind", e.Kind), v.Enum("estatus", e.Status)
		}
		td.Deps = append(td.Deps, row)
	}
	td.GoalNames = d.namesOf(graph.KindGoal)
	td.OnNames = d.namesOf(graph.KindTrajectory, graph.KindEnabler)
	var mine []graph.Finding
	for _, f := range fs {
		if about(f, id) {
			mine = append(mine, f)
		}
	}
	td.Findings = viewFindings(v, d, mine)
	if s.cfg.Renderer != nil {
		td.MapURL = v.U("maps", "stakeholders.svg") + "?trajectory=" + urlQuery(id) + "&lang=" + v.lang
	}

	all := map[string]*form{"traj": trajectoryValues(v.tr, t, ver)}
	if len(td.Chips) > 0 {
		g := newForm()
		first := td.Chips[0]
		g.Values = map[string]string{"stakeholder": first.ID, "influence": strconv.Itoa(first.Influence), "interest": strconv.Itoa(first.Interest)}
		all["grid"] = g
	}
	for k, f := range forms {
		all[k] = f
	}
	v.Forms = all
	v.Title, v.Nav, v.Data = t.Name, "traj", td
	s.render(w, v, "trajectory", status)
}

// quadrantOf places values on the grid with the default threshold.
func quadrantOf(influence, interest int) string {
	hi, hn := influence >= graph.DefaultHigh, interest >= graph.DefaultHigh
	switch {
	case hi && hn:
		return graph.QuadrantManageClosely
	case hi:
		return graph.QuadrantKeepSatisfied
	case hn:
		return graph.QuadrantKeepInformed
	}
	return graph.QuadrantMonitor
}

func (s *Server) trajectorySave(w http.ResponseWriter, r *http.Request, v *view) {
	ctx := r.Context()
	id := r.PathValue("id")
	f, err := posted(r)
	if err != nil {
		s.fail(w, v, err)
		return
	}
	f.Values["id"] = id
	t := trajectoryForm(v.tr, f)
	if f.Bad() {
		s.showTrajectory(w, r, v, id, map[string]*form{"traj": f}, refused)
		return
	}
	if _, err := s.store.UpdateNode(ctx, v.WS.ID, t, version(f)); err != nil {
		switch {
		case errors.Is(err, graph.ErrStale):
			f.Error, f.Stale = v.T("err.stale"), true
			s.showTrajectory(w, r, v, id, map[string]*form{"traj": f}, refused)
		case errors.Is(err, graph.ErrNotFound):
			s.fail(w, v, err)
		case (checker{v.tr, f}).problems(err):
			s.showTrajectory(w, r, v, id, map[string]*form{"traj": f}, refused)
		default:
			s.fail(w, v, err)
		}
		return
	}
	seeOther(w, r, withFlash(v.U("trajectories", id), "saved")+"#details")
}

func (s *Server) trajectoryConfirmDelete(w http.ResponseWriter, r *http.Request, v *view) {
	t, ver, err := graph.Get[graph.Trajectory](r.Context(), s.store, v.WS.ID, r.PathValue("id"))
	if err != nil {
		s.fail(w, v, err)
		return
	}
	v.Title, v.Nav = v.T("t.delete"), "traj"
	v.Data = confirmData{Question: v.T("t.delete.q", t.Name), Action: v.U("trajectories", t.ID, "delete"),
		Back: v.U("trajectories", t.ID), Version: ver}
	s.render(w, v, "confirm", http.StatusOK)
}

func (s *Server) trajectoryDelete(w http.ResponseWriter, r *http.Request, v *view) {
	deleteNode(s, w, r, v, "trajectories", func(t graph.Trajectory) string { return t.Name }, s.showTrajectory)
}

// trajForm reads a form on a trajectory's page.
func (s *Server) trajForm(w http.ResponseWriter, r *http.Request, v *view) (*form, *wsData, bool) {
	return s.pageForm(w, r, v, graph.KindTrajectory)
}

func (s *Server) trajDone(w http.ResponseWriter, r *http.Request, v *view, name string, f *form, field string, err error) {
	if s.pageDone(w, r, v, "trajectories", name, f, field, err) {
		return
	}
	id := r.PathValue("id")
	if r.Header.Get("X-Stakemap-Fetch") != "" {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("X-Stakemap-Refused", "1")
		w.WriteHeader(refused)
		msg := f.Error
		for _, e := range f.Errors {
			msg += " " + e
		}
		w.Write([]byte(msg))
		return
	}
	s.showTrajectory(w, r, v, id, map[string]*form{name: f}, refused)
}

func (s *Server) trajectoryRoleAdd(w http.ResponseWriter, r *http.Request, v *view) {
	f, d, ok := s.trajForm(w, r, v)
	if !ok {
		return
	}
	c := checker{v.tr, f}
	who, problem := d.resolve(v.tr, f.V("stakeholder"), graph.KindStakeholder)
	if problem != "" {
		c.bad("stakeholder", problem)
	}
	role := c.enum("role", "role", true)
	var err error
	if !f.Bad() {
		err = s.store.AddRelation(r.Context(), v.WS.ID, graph.Stake{Stakeholder: who, Trajectory: r.PathValue("id"), Role: role})
	}
	s.trajDone(w, r, v, "roles", f, "stakeholder", err)
}

func (s *Server) trajectoryRoleRemove(w http.ResponseWriter, r *http.Request, v *view) {
	f, _, ok := s.trajForm(w, r, v)
	if !ok {
		return
	}
	err := s.store.RemoveRelation(r.Context(), v.WS.ID, graph.RelStake, graph.RelKey{A: f.V("stakeholder"), B: r.PathValue("id"), C: f.V("role")})
	s.trajDone(w, r, v, "roles", f, "stakeholder", err)
}

// gridMove places a person on this trajectory's grid: their influence and
// interest for this trajectory become the stakes' own values, so their
// values elsewhere stay as they are.
func (s *Server) gridMove(w http.ResponseWriter, r *http.Request, v *view) {
	f, d, ok := s.trajForm(w, r, v)
	if !ok {
		return
	}
	c := checker{v.tr, f}
	infl, intr := c.scale("influence", true), c.scale("interest", true)
	who := f.V("stakeholder")
	id := r.PathValue("id")
	var mine []graph.Stake
	for _, st := range d.stakesOn[id] {
		if st.Stakeholder == who {
			mine = append(mine, st)
		}
	}
	if len(mine) == 0 {
		c.bad("stakeholder", v.T("p.unknown", who))
	}
	var err error
	if !f.Bad() {
		for _, old := range mine {
			nw := old
			nw.Influence, nw.Interest = &infl, &intr
			if err = s.replaceStake(r.Context(), v.WS.ID, old, nw); err != nil {
				break
			}
		}
	}
	s.trajDone(w, r, v, "grid", f, "stakeholder", err)
}

func (s *Server) goalLink(w http.ResponseWriter, r *http.Request, v *view) {
	f, d, ok := s.trajForm(w, r, v)
	if !ok {
		return
	}
	goal, problem := d.resolve(v.tr, f.V("goal"), graph.KindGoal)
	if problem != "" {
		checker{v.tr, f}.bad("goal", problem)
	}
	var err error
	if !f.Bad() {
		err = s.store.AddRelation(r.Context(), v.WS.ID, graph.Supports{Trajectory: r.PathValue("id"), Goal: goal})
	}
	s.trajDone(w, r, v, "goals", f, "goal", err)
}

func (s *Server) goalUnlink(w http.ResponseWriter, r *http.Request, v *view) {
	f, _, ok := s.trajForm(w, r, v)
	if !ok {
		return
	}
	err := s.store.RemoveRelation(r.Context(), v.WS.ID, graph.RelSupports, graph.RelKey{A: r.PathValue("id"), B: f.V("goal")})
	s.trajDone(w, r, v, "goals", f, "goal", err)
}

func (s *Server) dependencyAdd(w http.ResponseWriter, r *http.Request, v *view) {
	f, d, ok := s.trajForm(w, r, v)
	if !ok {
		return
	}
	c := checker{v.tr, f}
	on, problem := d.resolve(v.tr, f.V("on"), graph.KindTrajectory, graph.KindEnabler)
	if problem != "" {
		c.bad("on", problem)
	} else if on == r.PathValue("id") {
		c.bad("on", v.T("p.self"))
	}
	note := c.text("note", graph.MaxLongText, true, false)
	var err error
	if !f.Bad() {
		err = s.store.AddRelation(r.Context(), v.WS.ID, graph.DependsOn{Trajectory: r.PathValue("id"), On: on, Note: note})
	}
	s.trajDone(w, r, v, "dependencies", f, "on", err)
}

func (s *Server) dependencyRemove(w http.ResponseWriter, r *http.Request, v *view) {
	f, _, ok := s.trajForm(w, r, v)
	if !ok {
		return
	}
	err := s.store.RemoveRelation(r.Context(), v.WS.ID, graph.RelDependsOn, graph.RelKey{A: r.PathValue("id"), B: f.V("on")})
	s.trajDone(w, r, v, "dependencies", f, "on", err)
}

// itoa is strconv.Itoa, short for the handlers that set headers.
func itoa(i int) string { return strconv.Itoa(i) }
