package webui

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/analysis"
)

// wsData is one workspace as the pages read it: the exported bundle with
// indexes by id. It is shared between requests (cached by revision), so
// nothing may change it; a write clones the bundle first.
type wsData struct {
	B     *graph.Bundle
	Rev   string
	names *graph.NameIndex // every node by id and name
	// people: stakeholders by folded name, for the type-ahead lists.
	people      map[string]*graph.Stakeholder
	trajs       map[string]*graph.Trajectory
	goals       map[string]*graph.Goal
	enablers    map[string]*graph.Enabler
	stakesBy    map[string][]graph.Stake // by stakeholder
	stakesOn    map[string][]graph.Stake // by trajectory
	lastContact map[string]string        // stakeholder → latest engagement date
	contactsOf  map[string][]*graph.Engagement
	// folded holds each stakeholder's name, title, unit and id as FoldName
	// forms, and peopleNames their names sorted, for search, sorting and
	// the type-ahead lists: computed once per revision, not per request.
	folded      map[string]foldedPerson
	peopleNames []string
	// labels tells apart people who share a name: "Fatima El Amrani
	// (Adviseur, HR)" for each of them, and byLabel finds them back by
	// what the type-ahead inserted or a person typed that way (folded).
	labels  map[string]string
	byLabel map[string]string
	// units maps each unit's folded form to its spellings, for "did you
	// mean the existing one" when a new spelling differs in case or
	// accents only.
	units map[string][]string
}

type foldedPerson struct{ name, title, unit, all string }

// load reads a workspace for a page: from the cache when nothing changed
// since the last read.
func (s *Server) load(ctx context.Context, ws string) (*wsData, error) {
	rev, err := s.store.Revision(ctx, ws)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", ws, err)
	}
	key := ws + "\x00" + rev
	if d, ok := s.cache.Get(key); ok {
		return d, nil
	}
	b, err := s.store.ExportBundle(ctx, ws)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", ws, err)
	}
	d := index(b, rev)
	s.cache.Put(key, d)
	return d, nil
}

func index(b *graph.Bundle, rev string) *wsData {
	d := &wsData{B: b, Rev: rev, names: graph.NewNameIndex(),
		people: map[string]*graph.Stakeholder{}, trajs: map[string]*graph.Trajectory{},
		goals: map[string]*graph.Goal{}, enablers: map[string]*graph.Enabler{},
		stakesBy: map[string][]graph.Stake{}, stakesOn: map[string][]graph.Stake{},
		lastContact: map[string]string{}, contactsOf: map[string][]*graph.Engagement{}}
	for i := range b.Stakeholders {
		p := &b.Stakeholders[i]
		d.people[p.ID] = p
		d.names.Add(p.ID, p.Name)
	}
	for i := range b.Trajectories {
		t := &b.Trajectories[i]
		d.trajs[t.ID] = t
		d.names.Add(t.ID, t.Name)
	}
	for i := range b.Goals {
		g := &b.Goals[i]
		d.goals[g.ID] = g
		d.names.Add(g.ID, g.Name)
	}
	for i := range b.Enablers {
		e := &b.Enablers[i]
		d.enablers[e.ID] = e
		d.names.Add(e.ID, e.Name)
	}
	for _, st := range b.Stakes {
		d.stakesBy[st.Stakeholder] = append(d.stakesBy[st.Stakeholder], st)
		d.stakesOn[st.Trajectory] = append(d.stakesOn[st.Trajectory], st)
	}
	for i := range b.Engagements {
		e := &b.Engagements[i]
		d.names.Add(e.ID, e.ID)
		for _, w := range e.With {
			d.contactsOf[w] = append(d.contactsOf[w], e)
			if e.Date > d.lastContact[w] {
				d.lastContact[w] = e.Date
			}
		}
	}
	for _, es := range d.contactsOf {
		slices.SortFunc(es, newestFirst)
	}
	d.folded = make(map[string]foldedPerson, len(b.Stakeholders))
	byName := make([]*graph.Stakeholder, len(b.Stakeholders))
	for i := range b.Stakeholders {
		p := &b.Stakeholders[i]
		f := foldedPerson{name: graph.FoldName(p.Name), title: graph.FoldName(p.Title), unit: graph.FoldName(p.Unit)}
		f.all = f.name + " " + f.title + " " + f.unit + " " + p.ID
		d.folded[p.ID] = f
		byName[i] = p
	}
	slices.SortFunc(byName, func(a, b *graph.Stakeholder) int { return cmp.Compare(d.folded[a.ID].name, d.folded[b.ID].name) })
	d.labelPeople(byName)
	for _, p := range byName {
		d.peopleNames = append(d.peopleNames, d.Label(p.ID))
	}
	d.peopleNames = slices.Compact(d.peopleNames)
	d.units = map[string][]string{}
	for _, u := range unitsOf(d) {
		f := graph.FoldName(u)
		d.units[f] = append(d.units[f], u)
	}
	return d
}

// labelPeople gives each person who shares a name with another a label
// that tells them apart: their title and unit, or their id when those do
// not. people is sorted by folded name.
func (d *wsData) labelPeople(people []*graph.Stakeholder) {
	d.labels, d.byLabel = map[string]string{}, map[string]string{}
	for start := 0; start < len(people); {
		end := start + 1
		for end < len(people) && d.folded[people[end].ID].name == d.folded[people[start].ID].name {
			end++
		}
		group := people[start:end]
		start = end
		if len(group) < 2 {
			continue
		}
		// Every way of writing a person that only they have in the group
		// finds them: "(title, unit)", "(title)", "(unit)", "(id)". They
		// are compared folded, made from the forms index folded already
		// (FoldName of "a, b" is FoldName(a)+" "+FoldName(b)).
		type variant struct{ text, folded string }
		variants := map[string][]variant{}
		seen := map[string]int{}
		for _, p := range group {
			f := d.folded[p.ID]
			var vs []variant
			add := func(text, folded string) {
				if folded != "" && !slices.ContainsFunc(vs, func(v variant) bool { return v.folded == folded }) {
					vs = append(vs, variant{text, folded})
				}
			}
			if f.title != "" && f.unit != "" {
				add(p.Title+", "+p.Unit, f.title+" "+f.unit)
			}
			add(p.Title, f.title)
			add(p.Unit, f.unit)
			add(p.ID, graph.FoldName(p.ID))
			variants[p.ID] = vs
			for _, x := range vs {
				seen[x.folded]++
			}
		}
		for _, p := range group {
			f := d.folded[p.ID]
			extra := ""
			for _, x := range variants[p.ID] {
				if seen[x.folded] == 1 {
					if extra == "" {
						extra = x.text // the first unique one reads best
					}
					d.byLabel[f.name+" "+x.folded] = p.ID
				}
			}
			if extra == "" {
				extra = p.ID
			}
			d.labels[p.ID] = p.Name + " (" + extra + ")"
			d.byLabel[graph.FoldName(d.labels[p.ID])] = p.ID
		}
	}
}

// Label returns what to show for an id where a name could be ambiguous:
// a person's name with their title and unit when another person has the
// same name, else the name (see Name).
func (d *wsData) Label(id string) string {
	if l, ok := d.labels[id]; ok {
		return l
	}
	return d.Name(id)
}

// sameName returns the people whose name folds like name, except the one
// with id except.
func (d *wsData) sameName(name, except string) []*graph.Stakeholder {
	f := graph.FoldName(name)
	var out []*graph.Stakeholder
	for i := range d.B.Stakeholders {
		p := &d.B.Stakeholders[i]
		if p.ID != except && d.folded[p.ID].name == f {
			out = append(out, p)
		}
	}
	return out
}

// otherSpelling returns the existing spelling of a unit that differs from
// unit in case or accents only, or "".
func (d *wsData) otherSpelling(unit string) string {
	for _, u := range d.units[graph.FoldName(unit)] {
		if u != unit {
			return u
		}
	}
	return ""
}

func newestFirst(a, b *graph.Engagement) int {
	return cmp.Or(cmp.Compare(b.Date, a.Date), cmp.Compare(b.ID, a.ID))
}

// Name returns what to show for an id: the node's name, or the id itself
// (a unit name, or a node deleted meanwhile).
func (d *wsData) Name(id string) string {
	if n := d.names.Name(id); n != "" {
		return n
	}
	return id
}

// Kind returns the kind of node an id belongs to, or "".
func (d *wsData) Kind(id string) graph.Kind {
	switch {
	case d.people[id] != nil:
		return graph.KindStakeholder
	case d.trajs[id] != nil:
		return graph.KindTrajectory
	case d.goals[id] != nil:
		return graph.KindGoal
	case d.enablers[id] != nil:
		return graph.KindEnabler
	}
	return ""
}

// resolve finds the node a person typed (an id or a name) among the kinds
// wanted, or says what is wrong in t's language: unknown (with "did you
// mean"), ambiguous (with the candidates), or of the wrong kind.
func (d *wsData) resolve(t tr, typed string, want ...graph.Kind) (string, string) {
	typed = strings.TrimSpace(typed)
	if typed == "" {
		return "", t.T("p.required")
	}
	if id, ok := d.byLabel[graph.FoldName(typed)]; ok && slices.Contains(want, d.Kind(id)) {
		return id, ""
	}
	id, ambiguous, suggestions := d.names.Resolve(typed)
	if id != "" && !slices.Contains(want, d.Kind(id)) {
		// An id or name of another kind: look among the wanted kinds only.
		id, ambiguous, suggestions = "", nil, nil
	}
	switch {
	case id != "":
		return id, ""
	case len(ambiguous) > 0:
		var names []string
		for _, a := range ambiguous {
			if slices.Contains(want, d.Kind(a)) {
				names = append(names, d.Label(a))
			}
		}
		if len(names) == 1 {
			return ambiguous[slices.IndexFunc(ambiguous, func(a string) bool { return slices.Contains(want, d.Kind(a)) })], ""
		}
		if len(names) > 1 {
			return "", t.T("p.ambiguous", typed, strings.Join(names, "; "))
		}
	}
	var near []string
	for _, sgt := range suggestions {
		if rid, _, _ := d.names.Resolve(sgt); rid != "" && slices.Contains(want, d.Kind(rid)) {
			near = append(near, sgt)
		}
	}
	if len(near) == 0 {
		// The names index suggests among every kind; ask again among the
		// wanted kinds, so that "did you mean" never offers a goal for a
		// person.
		near = graph.Suggest(typed, d.namesOf(want...))
	}
	if len(near) > 0 {
		return "", t.T("p.didyoumean", typed, strings.Join(near[:min(3, len(near))], ", "))
	}
	return "", t.T("p.unknown", typed)
}

func (d *wsData) namesOf(kinds ...graph.Kind) []string {
	var out []string
	for _, k := range kinds {
		switch k {
		case graph.KindStakeholder:
			for _, p := range d.B.Stakeholders {
				out = append(out, p.Name)
			}
		case graph.KindTrajectory:
			for _, t := range d.B.Trajectories {
				out = append(out, t.Name)
			}
		case graph.KindGoal:
			for _, g := range d.B.Goals {
				out = append(out, g.Name)
			}
		case graph.KindEnabler:
			for _, e := range d.B.Enablers {
				out = append(out, e.Name)
			}
		}
	}
	return out
}

// resolveList resolves a comma-separated list of names or ids; problems
// are joined into one message.
func (d *wsData) resolveList(t tr, typed string, want ...graph.Kind) ([]string, string) {
	var ids, bad []string
	for _, part := range splitList(typed) {
		if strings.TrimSpace(part) == "" {
			continue
		}
		id, problem := d.resolve(t, part, want...)
		if problem != "" {
			bad = append(bad, problem)
			continue
		}
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	return ids, strings.Join(bad, " ")
}

// taken reports whether an id is used by a node of any kind.
func (d *wsData) taken(id string) bool { return d.names.Has(id) }

// findings returns the findings as of today in the page's language, from
// the cache when nothing changed. They are worked out from the workspace
// the page has read already (the same analyses the backends run, with the
// same results by contract), so that a page after a write reads the
// workspace once, not once for itself and once more for the analyses.
func (s *Server) findings(ctx context.Context, v *view, d *wsData) ([]graph.Finding, error) {
	key := "f\x00" + v.WS.ID + "\x00" + d.Rev + "\x00" + v.lang + "\x00" + v.Today
	if f, ok := s.findingCache.Get(key); ok {
		return f, nil
	}
	fs, err := analysis.Findings(ctx, d.B, graph.FindingParams{AsOf: v.Today, Lang: v.lang})
	if err != nil {
		return nil, fmt.Errorf("findings of %s: %w", v.WS.ID, err)
	}
	s.findingCache.Put(key, fs)
	return fs, nil
}

// loadFindings reads a workspace for a page and its findings as of today.
func (s *Server) loadFindings(ctx context.Context, v *view) (*wsData, []graph.Finding, error) {
	d, err := s.load(ctx, v.WS.ID)
	if err != nil {
		return nil, nil, err
	}
	fs, err := s.findings(ctx, v, d)
	if err != nil {
		return nil, nil, err
	}
	return d, fs, nil
}

// about reports whether a finding names id as its subject or among its
// related ids.
func about(f graph.Finding, id string) bool {
	return f.Subject == id || slices.Contains(f.Related, id)
}

// size estimates the memory a cached workspace takes, for the cache's
// bound: about half a kilobyte per entry with its indexes.
func (d *wsData) size() int64 {
	b := d.B
	n := len(b.Stakeholders) + len(b.Trajectories) + len(b.Goals) + len(b.Enablers) + len(b.Engagements) +
		len(b.Stakes) + len(b.Influences) + len(b.ReportsTo) + len(b.Supports) + len(b.DependsOn)
	return int64(n+1) * 512
}

// splitList splits a comma-separated list of names, leaving commas
// inside parentheses alone: "Fatima El Amrani (Adviseur, HR), Ruud Smit"
// is two people.
func splitList(s string) []string {
	var out []string
	depth, start := 0, 0
	for i, r := range s {
		switch r {
		case '(':
			depth++
		case ')':
			depth = max(0, depth-1)
		case ',':
			if depth == 0 {
				out = append(out, s[start:i])
				start = i + 1
			}
		}
	}
	return append(out, s[start:])
}

// labelList shows a comma-separated list of ids (a prefilled link's)
// as the labels people recognise; what is no id stays as it is.
func (d *wsData) labelList(s string) string {
	parts := splitList(s)
	for i, p := range parts {
		p = strings.TrimSpace(p)
		if d.Kind(p) != "" {
			p = d.Label(p)
		}
		parts[i] = p
	}
	return strings.Join(slices.DeleteFunc(parts, func(p string) bool { return p == "" }), ", ")
}
