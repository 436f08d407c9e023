package access

import (
	"cmp"
	"crypto/sha256"
	"fmt"
	"slices"

	"github.com/stakemap/stakemap/graph"
)

// What a share link shows. A link never shows a stakeholder's notes or
// an engagement's summary: they are the team's own judgements and
// minutes. A trajectory link shows that trajectory, the stakeholders
// with a stake on it, their stakes, the goals it supports, what it
// depends on and the engagements about it, and nothing of the rest. An
// anonymised link also hides who the persons are: their names become
// title and unit, their ids neutral ones (p-1, p-2, … in an order
// unrelated to their names), and their tags are dropped. Groups and
// units keep their names, as on anonymised maps. Viewers, editors and
// admins, who are members of the workspace, see everything in it.

// MapParams are the options of the map a map link shows, in the ids of
// the view's bundle. Nothing of the request that asks for the image
// changes them.
type MapParams struct {
	Kind       string
	Trajectory string
	From, To   string
	Mode       string
	K          int
	Lang       string
	Anonymize  bool
}

// ShareView is what a share link shows of a workspace.
type ShareView struct {
	Link ShareLink
	// Bundle is the part of the workspace the link shows, reduced as
	// described above. For a map link it is what the map is drawn from:
	// show the map, not the bundle.
	Bundle *graph.Bundle
	// Map is set for a map link.
	Map *MapParams
}

// View reduces a workspace, as exported, to what the link shows.
// graph.ErrNotFound: the link's trajectory (or a person or trajectory
// its map names) no longer exists; answer 404 (or 410) as for a link
// that no longer works.
func (l ShareLink) View(b *graph.Bundle) (ShareView, error) {
	v := ShareView{Link: l, Bundle: b.Clone()}
	c := v.Bundle
	for i := range c.Stakeholders {
		c.Stakeholders[i].Notes = ""
	}
	for i := range c.Engagements {
		c.Engagements[i].Summary = ""
	}
	has := func(kind graph.Kind, id string) bool {
		found := false
		c.Nodes(func(_ string, _ int, n graph.Node) {
			found = found || (n.NodeKind() == kind && n.NodeID() == id)
		})
		return found
	}
	switch l.TargetKind() {
	case TargetTrajectory:
		if !has(graph.KindTrajectory, l.TargetID()) {
			return ShareView{}, fmt.Errorf("share link: trajectory %q: %w", l.TargetID(), graph.ErrNotFound)
		}
		onlyTrajectory(c, l.TargetID())
	case TargetMap:
		m := &MapParams{Kind: l.TargetID(), Anonymize: l.Anonymize, Lang: c.Workspace.Language}
		if p := l.Params; p != nil {
			m.Trajectory, m.From, m.To, m.Mode, m.K = p.Trajectory, p.From, p.To, p.Mode, p.K
			if p.Lang != "" {
				m.Lang = p.Lang
			}
		}
		for _, e := range []struct {
			kind graph.Kind
			id   string
		}{{graph.KindTrajectory, m.Trajectory}, {graph.KindStakeholder, m.From}, {graph.KindStakeholder, m.To}} {
			if e.id != "" && !has(e.kind, e.id) {
				return ShareView{}, fmt.Errorf("share link: %s %q: %w", e.kind, e.id, graph.ErrNotFound)
			}
		}
		v.Map = m
	}
	if l.Anonymize {
		rename := anonymize(c)
		if v.Map != nil {
			v.Map.From, v.Map.To = cmp.Or(rename[v.Map.From], v.Map.From), cmp.Or(rename[v.Map.To], v.Map.To)
		}
	}
	c.Canonicalize()
	return v, nil
}

// onlyTrajectory keeps of c what a link to trajectory t shows.
func onlyTrajectory(c *graph.Bundle, t string) {
	people := map[string]bool{}
	c.Stakes = slices.DeleteFunc(c.Stakes, func(s graph.Stake) bool { return s.Trajectory != t })
	for _, s := range c.Stakes {
		people[s.Stakeholder] = true
	}
	keep := map[string]bool{t: true}
	c.Supports = slices.DeleteFunc(c.Supports, func(s graph.Supports) bool { return s.Trajectory != t })
	for _, s := range c.Supports {
		keep[s.Goal] = true
	}
	c.DependsOn = slices.DeleteFunc(c.DependsOn, func(d graph.DependsOn) bool { return d.Trajectory != t })
	for _, d := range c.DependsOn {
		keep[d.On] = true
	}
	c.Stakeholders = slices.DeleteFunc(c.Stakeholders, func(s graph.Stakeholder) bool { return !people[s.ID] })
	c.Trajectories = slices.DeleteFunc(c.Trajectories, func(x graph.Trajectory) bool { return !keep[x.ID] })
	c.Goals = slices.DeleteFunc(c.Goals, func(g graph.Goal) bool { return !keep[g.ID] })
	c.Enablers = slices.DeleteFunc(c.Enablers, func(e graph.Enabler) bool { return !keep[e.ID] })
	for i := range c.Enablers {
		if !people[c.Enablers[i].Owner] {
			c.Enablers[i].Owner = ""
		}
	}
	c.Influences = slices.DeleteFunc(c.Influences, func(r graph.Influence) bool { return !people[r.From] || !people[r.To] })
	c.ReportsTo = slices.DeleteFunc(c.ReportsTo, func(r graph.ReportsTo) bool { return !people[r.From] || !people[r.To] })
	c.Engagements = slices.DeleteFunc(c.Engagements, func(e graph.Engagement) bool { return !slices.Contains(e.About, t) })
	for i := range c.Engagements {
		e := &c.Engagements[i]
		e.About = []string{t}
		e.With = slices.DeleteFunc(e.With, func(id string) bool { return !people[id] })
	}
	c.Engagements = slices.DeleteFunc(c.Engagements, func(e graph.Engagement) bool { return len(e.With) == 0 })
}

// anonymize gives persons neutral ids and names (see above) and returns
// the new id of every renamed stakeholder.
func anonymize(c *graph.Bundle) map[string]string {
	var persons []string
	for _, s := range c.Stakeholders {
		if s.Kind != "group" && s.Kind != "unit" {
			persons = append(persons, s.ID)
		}
	}
	// Ids are slugs of names: numbering in id order would tell the
	// alphabetical order of the names.
	slices.SortFunc(persons, func(a, b string) int {
		ha, hb := sha256.Sum256([]byte(a)), sha256.Sum256([]byte(b))
		return cmp.Or(slices.Compare(ha[:], hb[:]), cmp.Compare(a, b))
	})
	rename := make(map[string]string, len(persons))
	taken := map[string]bool{}
	c.Nodes(func(_ string, _ int, n graph.Node) { taken[n.NodeID()] = true })
	n := 0
	for _, id := range persons {
		var next string
		for {
			n++
			next = fmt.Sprintf("p-%d", n)
			if !taken[next] {
				break
			}
		}
		rename[id] = next
	}
	to := func(id string) string { return cmp.Or(rename[id], id) }
	en := c.Workspace.Language == graph.LangEN
	for i := range c.Stakeholders {
		s := &c.Stakeholders[i]
		if _, ok := rename[s.ID]; !ok {
			continue
		}
		s.Name = anonymousName(*s, en)
		s.ID = to(s.ID)
		s.Tags = nil
	}
	for i := range c.Stakes {
		c.Stakes[i].Stakeholder = to(c.Stakes[i].Stakeholder)
	}
	for i := range c.Influences {
		c.Influences[i].From, c.Influences[i].To = to(c.Influences[i].From), to(c.Influences[i].To)
	}
	for i := range c.ReportsTo {
		c.ReportsTo[i].From, c.ReportsTo[i].To = to(c.ReportsTo[i].From), to(c.ReportsTo[i].To)
	}
	for i := range c.Enablers {
		c.Enablers[i].Owner = to(c.Enablers[i].Owner)
	}
	for i := range c.Engagements {
		for j, id := range c.Engagements[i].With {
			c.Engagements[i].With[j] = to(id)
		}
	}
	return rename
}

var levelNames = map[string][2]string{
	"board":      {"Bestuur", "Board"},
	"executive":  {"Directie", "Executive"},
	"management": {"Management", "Management"},
	"employee":   {"Medewerker", "Employee"},
	"external":   {"Extern", "External"},
}

// anonymousName names a person by title (or level) and unit, as an
// anonymised map does.
func anonymousName(s graph.Stakeholder, en bool) string {
	pick := func(l [2]string) string {
		if en {
			return l[1]
		}
		return l[0]
	}
	title := s.Title
	if title == "" {
		title = pick(levelNames[s.Level])
		if title == "" {
			title = pick([2]string{"Persoon", "Person"})
		}
	}
	if s.Unit != "" {
		return title + ", " + s.Unit
	}
	return title
}
