package webui

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"

	"github.com/stakemap/stakemap/graph"
)

func urlQuery(s string) string { return url.QueryEscape(s) }

// replaceStake changes a stake whose key changes (a new role) or whose
// values change (influence and interest on the grid). The store has no
// update for relationships, so it removes and adds; the new stake is
// validated first, and when adding fails the old one is put back.
func (s *Server) replaceStake(ctx context.Context, ws string, old, new graph.Stake) error {
	if ps := graph.ValidateRelation(new, ""); len(ps) > 0 {
		return graph.Invalid(ps)
	}
	if err := s.store.RemoveRelation(ctx, ws, graph.RelStake, old.Key()); err != nil {
		return fmt.Errorf("change role: %w", err)
	}
	if err := s.store.AddRelation(ctx, ws, new); err != nil {
		if rerr := s.store.AddRelation(ctx, ws, old); rerr != nil {
			return fmt.Errorf("change role: %w (and restoring the old role failed: %w)", err, rerr)
		}
		return fmt.Errorf("change role: %w", err)
	}
	return nil
}

// pageForm reads a form posted on the page of the node in the path, of
// kind k, and the workspace it applies to.
func (s *Server) pageForm(w http.ResponseWriter, r *http.Request, v *view, k graph.Kind) (*form, *wsData, bool) {
	f, d, ok := s.postedLoad(w, r, v)
	if !ok {
		return nil, nil, false
	}
	if d.Kind(r.PathValue("id")) != k {
		s.fail(w, v, graph.ErrNotFound)
		return nil, nil, false
	}
	return f, d, true
}

// postedLoad reads a posted form and the workspace it is about; on
// failure it has shown the error page.
func (s *Server) postedLoad(w http.ResponseWriter, r *http.Request, v *view) (*form, *wsData, bool) {
	f, err := posted(r)
	if err != nil {
		s.fail(w, v, err)
		return nil, nil, false
	}
	d, err := s.load(r.Context(), v.WS.ID)
	if err != nil {
		s.fail(w, v, err)
		return nil, nil, false
	}
	return f, d, true
}

// personForm reads a relationship form on a person's page and the
// workspace it applies to.
func (s *Server) personForm(w http.ResponseWriter, r *http.Request, v *view) (*form, *wsData, bool) {
	return s.pageForm(w, r, v, graph.KindStakeholder)
}

// pageDone ends a form on the page of the node in the path, under page:
// back to that page at the form on success, or an error page when the
// failure is not the form's. It reports whether the response is written;
// when not, the caller shows the page again with the form's problem.
func (s *Server) pageDone(w http.ResponseWriter, r *http.Request, v *view, page, name string, f *form, field string, err error) bool {
	if err == nil && !f.Bad() {
		seeOther(w, r, withFlash(v.U(page, r.PathValue("id")), "saved")+"#"+name)
		return true
	}
	if err != nil && !relationFailed(v.tr, f, field, err) {
		s.fail(w, v, err)
		return true
	}
	return false
}

// personDone ends a relationship form on a person's page: back to the page
// on success, or the page again with the form's problem.
func (s *Server) personDone(w http.ResponseWriter, r *http.Request, v *view, name string, f *form, field string, err error) {
	if s.pageDone(w, r, v, "stakeholders", name, f, field, err) {
		return
	}
	s.showStakeholder(w, r, v, r.PathValue("id"), map[string]*form{name: f}, refused)
}

func (s *Server) personRoleAdd(w http.ResponseWriter, r *http.Request, v *view) {
	f, d, ok := s.personForm(w, r, v)
	if !ok {
		return
	}
	c := checker{v.tr, f}
	traj, problem := d.resolve(v.tr, f.V("trajectory"), graph.KindTrajectory)
	if problem != "" {
		c.bad("trajectory", problem)
	}
	role := c.enum("role", "role", true)
	var err error
	if !f.Bad() {
		err = s.store.AddRelation(r.Context(), v.WS.ID, graph.Stake{Stakeholder: r.PathValue("id"), Trajectory: traj, Role: role})
	}
	s.personDone(w, r, v, "roles", f, "role", err)
}

// findStake returns the stored stake with the key, keeping its own
// influence and interest.
func findStake(d *wsData, person, traj, role string) (graph.Stake, bool) {
	i := slices.IndexFunc(d.stakesBy[person], func(st graph.Stake) bool { return st.Trajectory == traj && st.Role == role })
	if i < 0 {
		return graph.Stake{}, false
	}
	return d.stakesBy[person][i], true
}

func (s *Server) personRoleChange(w http.ResponseWriter, r *http.Request, v *view) {
	f, d, ok := s.personForm(w, r, v)
	if !ok {
		return
	}
	c := checker{v.tr, f}
	newRole := c.enum("newRole", "role", true)
	old, found := findStake(d, r.PathValue("id"), f.V("trajectory"), f.V("role"))
	var err error
	switch {
	case !found:
		err = graph.ErrNotFound
	case !f.Bad() && newRole != old.Role:
		nw := old
		nw.Role = newRole
		err = s.replaceStake(r.Context(), v.WS.ID, old, nw)
	}
	s.personDone(w, r, v, "roles", f, "newRole", err)
}

func (s *Server) personRoleRemove(w http.ResponseWriter, r *http.Request, v *view) {
	f, _, ok := s.personForm(w, r, v)
	if !ok {
		return
	}
	err := s.store.RemoveRelation(r.Context(), v.WS.ID, graph.RelStake, graph.RelKey{A: r.PathValue("id"), B: f.V("trajectory"), C: f.V("role")})
	s.personDone(w, r, v, "roles", f, "role", err)
}

// influenceAdd records who sways whom: direction "out" means this person
// influences the other, "in" the other way round.
func (s *Server) influenceAdd(w http.ResponseWriter, r *http.Request, v *view) {
	f, d, ok := s.personForm(w, r, v)
	if !ok {
		return
	}
	c := checker{v.tr, f}
	id := r.PathValue("id")
	other, problem := d.resolve(v.tr, f.V("other"), graph.KindStakeholder)
	if problem != "" {
		c.bad("other", problem)
	} else if other == id {
		c.bad("other", v.T("p.self"))
	}
	strength, perr := parseFloat(f.V("strength"))
	if f.V("strength") == "" {
		strength, perr = graph.DefaultStrength, nil
	}
	if perr != nil || !(strength > 0 && strength <= 1) {
		c.bad("strength", v.T("p.strength"))
	}
	in := graph.Influence{From: id, To: other, Strength: strength}
	if f.V("direction") == "in" {
		in.From, in.To = other, id
	}
	var err error
	if !f.Bad() {
		err = s.store.AddRelation(r.Context(), v.WS.ID, in)
	}
	s.personDone(w, r, v, "influence", f, "other", err)
}

func (s *Server) influenceRemove(w http.ResponseWriter, r *http.Request, v *view) {
	f, _, ok := s.personForm(w, r, v)
	if !ok {
		return
	}
	err := s.removeOwn(r, v, f, graph.RelInfluence)
	s.personDone(w, r, v, "influence", f, "other", err)
}

func (s *Server) managerSet(w http.ResponseWriter, r *http.Request, v *view) {
	f, d, ok := s.personForm(w, r, v)
	if !ok {
		return
	}
	c := checker{v.tr, f}
	id := r.PathValue("id")
	manager, problem := d.resolve(v.tr, f.V("manager"), graph.KindStakeholder)
	if problem != "" {
		c.bad("manager", problem)
	} else if manager == id {
		c.bad("manager", v.T("p.self"))
	}
	var err error
	if !f.Bad() {
		err = s.store.AddRelation(r.Context(), v.WS.ID, graph.ReportsTo{From: id, To: manager})
	}
	s.personDone(w, r, v, "manager", f, "manager", err)
}

func (s *Server) managerRemove(w http.ResponseWriter, r *http.Request, v *view) {
	f, _, ok := s.personForm(w, r, v)
	if !ok {
		return
	}
	err := s.removeOwn(r, v, f, graph.RelReportsTo)
	if errors.Is(err, graph.ErrNotFound) {
		err = fmt.Errorf("remove manager: %w", err)
	}
	s.personDone(w, r, v, "manager", f, "manager", err)
}

// removeOwn removes the relationship of kind k between the posted from and
// to, one of whom must be the person of the page.
func (s *Server) removeOwn(r *http.Request, v *view, f *form, k graph.RelKind) error {
	id := r.PathValue("id")
	from, to := f.V("from"), f.V("to")
	if from != id && to != id {
		return graph.ErrNotFound
	}
	return s.store.RemoveRelation(r.Context(), v.WS.ID, k, graph.RelKey{A: from, B: to})
}
