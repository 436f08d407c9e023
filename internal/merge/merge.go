package merge

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"

	"github.com/stakemap/stakemap/graph"
)

// Mode says what an import does with what the input does not mention.
type Mode string

// The import modes of DESIGN §12.
const (
	// ModeMerge adds and updates and removes nothing, except that a roles
	// sheet decides the roles of each (stakeholder, trajectory) pair it
	// mentions and a hierarchy sheet the managers of each person it
	// mentions; with Prune it also removes what the input lacks.
	ModeMerge Mode = "merge"
	// ModeReplace makes the workspace exactly what the input says.
	ModeReplace Mode = "replace"
)

// Which side wins a conflict (Options.Prefer).
const (
	PreferSheet    = "sheet"
	PreferStakemap = "stakemap"
)

// Options tune a merge.
type Options struct {
	Mode Mode
	// Prune removes, in merge mode, the nodes and relationships of every
	// sheet the input has that the sheet lacks.
	Prune bool
	// Prefer settles conflicts: PreferSheet or PreferStakemap; empty
	// leaves them unsettled, and the plan may not be written.
	Prefer string
	// Workspace's non-empty fields override the input's workspace.
	Workspace graph.Workspace
}

// Check refuses an unknown mode or preference, naming the option.
func (o Options) Check() error {
	var ps []graph.Problem
	if o.Mode != ModeMerge && o.Mode != ModeReplace {
		ps = append(ps, graph.Problem{Field: "mode", Value: string(o.Mode), Reason: "must be merge or replace"})
	}
	if o.Prefer != "" && o.Prefer != PreferSheet && o.Prefer != PreferStakemap {
		ps = append(ps, graph.Problem{Field: "prefer", Value: o.Prefer, Reason: "must be sheet or stakemap"})
	}
	if o.Prune && o.Mode == ModeReplace {
		ps = append(ps, graph.Problem{Field: "prune", Value: "true", Reason: "applies to merge mode only: replace removes everything the input lacks anyway"})
	}
	return graph.Invalid(ps)
}

// Conflict is a field changed both in the sheet and in stakemap since the
// workbook was exported, to different values (DESIGN §12). A node or
// relationship removed on one side and changed on the other is a conflict
// too: its removed side is null.
type Conflict struct {
	// Kind is a node kind (stakeholder, …), a relationship's compare kind
	// (stake, …) or "workspace".
	Kind string `json:"kind"`
	// ID names a node or the workspace; Key a relationship.
	ID  string            `json:"id,omitempty"`
	Key map[string]string `json:"key,omitempty"`
	// Field is the field's JSON name.
	Field string `json:"field"`
	// Base is the value the workbook was exported with; Sheet the value in
	// the sheet now; Stakemap the value stakemap holds now. null: absent.
	Base     json.RawMessage `json:"base"`
	Sheet    json.RawMessage `json:"sheet"`
	Stakemap json.RawMessage `json:"stakemap"`
	// Row names the sheet row, as problems name it.
	Row string `json:"row,omitempty"`
}

// Plan is what an import would make of a workspace.
type Plan struct {
	// Bundle is the workspace after the import: valid, canonical.
	Bundle *graph.Bundle
	// Conflicts lists every field changed on both sides; a plan with
	// conflicts may be written only with Options.Prefer set.
	Conflicts []Conflict
}

type nodeKey struct {
	kind graph.Kind
	id   string
}

type relKey struct {
	kind graph.RelKind
	key  graph.RelKey
}

// maxProblems bounds the problems reported: past it the input is most
// likely not a workspace.
const maxProblems = 1000

type planner struct {
	in       *Input
	opt      Options
	problems []Located
	// rows are the input's rows, copied so that their addresses stay.
	nodeRows []NodeRow
	relRows  []RelationRow
	bad      map[*Row]map[string]bool
	nodeRow  map[nodeKey]*Row
	relRow   map[relKey]*Row
	nodes    map[nodeKey]graph.Node
	rels     map[relKey]graph.Relation
	baseN    map[nodeKey]graph.Node
	baseR    map[relKey]graph.Relation
	confl    []Conflict
	// fromSheet marks the relationships and nodes the input states, which
	// a removal never cascades into: a row that names a removed node is
	// an error, not a silent loss.
	sheetNode map[nodeKey]bool
	sheetRel  map[relKey]bool
	// result is the merged bundle being validated.
	result *graph.Bundle
}

// Build merges in into current (nil: the workspace does not exist yet)
// as opt says. It fails with a *graph.ValidationError listing every
// problem, each located by sheet, row and column in the sheet's language.
func Build(current *graph.Bundle, in *Input, opt Options) (*Plan, error) {
	if err := opt.Check(); err != nil {
		return nil, err
	}
	exists := current != nil
	if current == nil {
		current = &graph.Bundle{}
	}
	nn := len(current.Stakeholders) + len(current.Trajectories) + len(current.Goals) + len(current.Enablers) + len(current.Engagements) + len(in.Nodes)
	nr := len(current.Stakes) + len(current.Influences) + len(current.ReportsTo) + len(current.Supports) + len(current.DependsOn) + len(in.Relations)
	p := &planner{in: in, opt: opt, bad: map[*Row]map[string]bool{}, nodeRow: make(map[nodeKey]*Row, len(in.Nodes)), relRow: make(map[relKey]*Row, len(in.Relations)),
		nodes: make(map[nodeKey]graph.Node, nn), rels: make(map[relKey]graph.Relation, nr), baseN: map[nodeKey]graph.Node{}, baseR: map[relKey]graph.Relation{},
		sheetNode: make(map[nodeKey]bool, len(in.Nodes)), sheetRel: make(map[relKey]bool, len(in.Relations))}
	p.problems = append(p.problems, in.Problems...)
	p.nodeRows = slices.Clone(in.Nodes)
	p.relRows = slices.Clone(in.Relations)
	for i := range p.nodeRows {
		p.markBad(&p.nodeRows[i].Row, p.nodeRows[i].Row.Bad...)
	}
	for i := range p.relRows {
		p.markBad(&p.relRows[i].Row, p.relRows[i].Row.Bad...)
	}

	cur := make(map[nodeKey]graph.Node, nn)
	current.Nodes(func(_ string, _ int, n graph.Node) {
		n = graph.NormalizeNode(n)
		cur[nodeKey{n.NodeKind(), n.NodeID()}] = n
	})
	curRels := make(map[relKey]graph.Relation, nr)
	current.Relations(func(_ string, _ int, r graph.Relation) { curRels[relKey{r.RelKind(), r.Key()}] = r })
	// The base says what the workbook's own workspace held when it was
	// exported: it means nothing for a workspace that does not exist yet,
	// nor for another workspace the workbook is imported into.
	if in.Base != nil && (!exists || in.Base.Workspace.ID != targetID(current, in, opt)) {
		shallow := *in
		shallow.Base = nil
		in = &shallow
		p.in = in
	}
	if in.Base != nil && opt.Mode == ModeMerge {
		in.Base.Nodes(func(_ string, _ int, n graph.Node) {
			n = graph.NormalizeNode(n)
			p.baseN[nodeKey{n.NodeKind(), n.NodeID()}] = n
		})
		in.Base.Relations(func(_ string, _ int, r graph.Relation) { p.baseR[relKey{r.RelKind(), r.Key()}] = r })
	}

	p.assignIDs(current)
	res := newResolver()
	for i := range p.nodeRows {
		if n := p.nodeRows[i].Node; n.NodeID() != "" {
			res.add(n, false)
		}
	}
	if opt.Mode == ModeMerge {
		current.Nodes(func(_ string, _ int, n graph.Node) { res.add(n, true) })
	}
	p.resolveRefs(res)
	p.assignEngagementIDs(current)

	if opt.Mode == ModeMerge {
		maps.Copy(p.nodes, cur)
		maps.Copy(p.rels, curRels)
	}
	ws := p.workspace(current)
	p.mergeNodes(cur)
	p.mergeRelations(curRels)
	if opt.Mode == ModeMerge {
		p.removeUnmentioned(cur, curRels)
	}

	b := p.assemble(ws)
	if err := p.validate(b); err != nil {
		return nil, err
	}
	sortConflicts(p.confl)
	return &Plan{Bundle: b, Conflicts: p.confl}, nil
}

// targetID is the id of the workspace the input goes into.
func targetID(current *graph.Bundle, in *Input, opt Options) string {
	switch {
	case opt.Workspace.ID != "":
		return opt.Workspace.ID
	case in.Workspace != nil && in.Workspace.Workspace.ID != "":
		return in.Workspace.Workspace.ID
	}
	return current.Workspace.ID
}

func (p *planner) markBad(r *Row, fields ...string) {
	if len(fields) == 0 {
		return
	}
	m := p.bad[r]
	if m == nil {
		m = map[string]bool{}
		p.bad[r] = m
	}
	for _, f := range fields {
		base, _, _ := strings.Cut(f, "[")
		m[base] = true
	}
}

func (p *planner) isBad(r *Row, field string) bool {
	base, _, _ := strings.Cut(field, "[")
	return p.bad[r][base] || p.bad[r]["*"]
}

func (p *planner) problem(r *Row, field, value, reason string) {
	p.problems = append(p.problems, r.Problem(field, value, reason))
	p.markBad(r, field)
}

// assignIDs gives every node row without an id (engagements apart) the id
// of the one node of its kind that stakemap holds under that name, or else
// a new id made from the name.
func (p *planner) assignIDs(current *graph.Bundle) {
	taken := map[string]bool{}
	current.Nodes(func(_ string, _ int, n graph.Node) { taken[n.NodeID()] = true })
	claimed := map[string]int{} // id → index of the row that has it
	for i := range p.nodeRows {
		if id := p.nodeRows[i].Node.NodeID(); id != "" {
			taken[id] = true
			if _, ok := claimed[id]; !ok {
				claimed[id] = i
			}
		}
	}
	byName := map[graph.Kind]map[string][]string{}
	current.Nodes(func(_ string, _ int, n graph.Node) {
		f := graph.FoldName(graph.NodeName(n))
		if f == "" {
			return
		}
		m := byName[n.NodeKind()]
		if m == nil {
			m = map[string][]string{}
			byName[n.NodeKind()] = m
		}
		m[f] = append(m[f], n.NodeID())
	})
	isTaken := func(id string) bool { return taken[id] }
	for i := range p.nodeRows {
		nr := &p.nodeRows[i]
		if nr.Node.NodeID() != "" || nr.Node.NodeKind() == graph.KindEngagement {
			continue
		}
		lang := nr.Lang()
		name := graph.NodeName(nr.Node)
		if strings.TrimSpace(name) == "" {
			p.markBad(&nr.Row, "id") // validation says the name is required
			continue
		}
		var id string
		switch ids := byName[nr.Node.NodeKind()][graph.FoldName(name)]; {
		case len(ids) > 1:
			p.problem(&nr.Row, "name", name, Say(lang,
				"past bij meer dan één "+kindNoun(nr.Node.NodeKind(), lang)+" in stakemap ("+strings.Join(ids, ", ")+"): voeg een kolom id toe",
				"matches more than one "+kindNoun(nr.Node.NodeKind(), lang)+" in stakemap ("+strings.Join(ids, ", ")+"): add an id column"))
			p.markBad(&nr.Row, "id")
			continue
		case len(ids) == 1:
			id = ids[0]
			if j, ok := claimed[id]; ok && j != i {
				p.problem(&nr.Row, "name", name, Say(lang,
					fmt.Sprintf("is dezelfde %s (%s) als %s: geef de rijen een id of een andere naam", kindNoun(nr.Node.NodeKind(), lang), id, p.nodeRows[j].Entry()),
					fmt.Sprintf("is the same %s (%s) as %s: give the rows ids or different names", kindNoun(nr.Node.NodeKind(), lang), id, p.nodeRows[j].Entry())))
				p.markBad(&nr.Row, "id")
				continue
			}
		default:
			id = graph.NewID(name, "", isTaken)
		}
		taken[id] = true
		claimed[id] = i
		nr.Node = withID(nr.Node, id)
	}
}

// assignEngagementIDs gives every engagement row without an id the id of
// the engagement stakemap holds with the same date, people and channel, so
// that importing a contact log again never duplicates it, or else a new id
// made from its date.
func (p *planner) assignEngagementIDs(current *graph.Bundle) {
	key := func(e graph.Engagement) string {
		e.ApplyDefaults()
		with := slices.Clone(e.With)
		slices.Sort(with)
		return e.Date + "\x00" + e.Channel + "\x00" + strings.Join(with, "\x00")
	}
	byKey := map[string][]string{}
	for _, e := range current.Engagements {
		byKey[key(e)] = append(byKey[key(e)], e.ID)
	}
	taken := map[string]bool{}
	current.Nodes(func(_ string, _ int, n graph.Node) { taken[n.NodeID()] = true })
	used := map[string]bool{}
	for _, nr := range p.nodeRows {
		if id := nr.Node.NodeID(); id != "" {
			taken[id] = true
			used[id] = true
		}
	}
	for i := range p.nodeRows {
		nr := &p.nodeRows[i]
		e, ok := nr.Node.(graph.Engagement)
		if !ok || e.ID != "" {
			continue
		}
		if !graph.ValidDate(e.Date) {
			p.markBad(&nr.Row, "id") // the date is reported
			continue
		}
		id := ""
		for _, c := range byKey[key(e)] {
			if !used[c] {
				id = c
				break
			}
		}
		if id == "" {
			id = graph.NewID("", e.Date, func(id string) bool { return taken[id] })
		}
		taken[id], used[id] = true, true
		nr.Node = withID(e, id)
	}
}

// resolveRefs turns names in reference cells into ids.
func (p *planner) resolveRefs(res *resolver) {
	for i := range p.nodeRows {
		nr := &p.nodeRows[i]
		nr.Node = refsOfNode(nr.Node, func(field, v string, g refGroup) string {
			if p.isBad(&nr.Row, field) {
				return v
			}
			id, reason := res.resolve(v, g, nr.Lang())
			if reason != "" {
				p.problem(&nr.Row, field, v, reason)
				return v
			}
			return id
		})
	}
	for i := range p.relRows {
		rr := &p.relRows[i]
		rr.Relation = refsOfRelation(rr.Relation, func(field, v string, g refGroup) string {
			if v == "" || p.isBad(&rr.Row, field) {
				return v
			}
			id, reason := res.resolve(v, g, rr.Lang())
			if reason != "" {
				p.problem(&rr.Row, field, v, reason)
				return v
			}
			return id
		})
	}
}

// workspace merges the workspace row and the options into the current
// workspace.
func (p *planner) workspace(current *graph.Bundle) graph.Workspace {
	ws := current.Workspace
	if p.opt.Mode == ModeReplace || ws.ID == "" {
		ws = graph.Workspace{}
	}
	if wr := p.in.Workspace; wr != nil {
		s := wr.Workspace
		switch {
		case ws.ID == "":
			ws = s
		case p.in.Base != nil && p.opt.Mode == ModeMerge:
			out, _ := p.threeWay(&wr.Row, "workspace", ws.ID, nil, fieldsOf(s), fieldsOf(p.in.Base.Workspace), fieldsOf(ws), true)
			_ = json.Unmarshal(encodeFields(out), &ws)
		default:
			out := p.overlay(&wr.Row, fieldsOf(ws), fieldsOf(s))
			_ = json.Unmarshal(encodeFields(out), &ws)
		}
	}
	o := p.opt.Workspace
	if o.ID != "" {
		ws.ID = o.ID
	}
	if o.Name != "" {
		ws.Name = o.Name
	}
	if o.Language != "" {
		ws.Language = o.Language
	}
	if o.LDUnit != "" {
		ws.LDUnit = o.LDUnit
	}
	return ws
}

func (p *planner) mergeNodes(cur map[nodeKey]graph.Node) {
	for i := range p.nodeRows {
		nr := &p.nodeRows[i]
		n := graph.NormalizeNode(nr.Node)
		k := nodeKey{n.NodeKind(), n.NodeID()}
		if k.id == "" {
			p.nodes[k] = n // only to be validated: its name is missing
			p.nodeRow[k] = &nr.Row
			continue
		}
		if prev, dup := p.nodeRow[k]; dup {
			p.problem(&nr.Row, "id", k.id, Say(nr.Lang(), "staat ook in "+prev.Entry()+": elke id één rij", "is in "+prev.Entry()+" too: one row per id"))
			continue
		}
		p.nodeRow[k] = &nr.Row
		p.sheetNode[k] = true
		c, hasC := cur[k]
		b, hasB := p.baseN[k]
		switch {
		case p.opt.Mode == ModeReplace || (!hasC && !hasB):
			p.nodes[k] = n
		case hasB && reflect.DeepEqual(n, b), !hasB && reflect.DeepEqual(n, c):
			// As exported, or as stakemap has it: stakemap's version
			// stands. Most rows of a re-imported workbook take this path.
		case hasB:
			var fc map[string]json.RawMessage
			if hasC {
				fc = fieldsOf(c)
			}
			out, keep := p.threeWay(&nr.Row, string(k.kind), k.id, nil, fieldsOf(n), fieldsOf(b), fc, hasC)
			if keep {
				p.nodes[k] = decodeNode(k.kind, out, n)
			}
		default:
			p.nodes[k] = decodeNode(k.kind, p.overlay(&nr.Row, fieldsOf(c), fieldsOf(n)), n)
		}
	}
}

func (p *planner) mergeRelations(cur map[relKey]graph.Relation) {
	for i := range p.relRows {
		rr := &p.relRows[i]
		r := rr.Relation
		k := relKey{r.RelKind(), r.Key()}
		if prev, dup := p.relRow[k]; dup {
			l := rr.Problem("", describeKey(k), Say(rr.Lang(), "staat ook in "+prev.Entry(), "is in "+prev.Entry()+" too"))
			l.Field = Say(rr.Lang(), "rij", "row")
			p.problems = append(p.problems, l)
			p.markBad(&rr.Row, "*")
			continue
		}
		p.relRow[k] = &rr.Row
		p.sheetRel[k] = true
		c, hasC := cur[k]
		b, hasB := p.baseR[k]
		switch {
		case p.opt.Mode == ModeReplace || (!hasC && !hasB):
			p.rels[k] = r
		case hasB && reflect.DeepEqual(r, b), !hasB && reflect.DeepEqual(r, c):
		case hasB:
			var fc map[string]json.RawMessage
			if hasC {
				fc = fieldsOf(c)
			}
			out, keep := p.threeWay(&rr.Row, graph.CompareKind(k.kind), "", graph.KeyMap(k.kind, k.key), fieldsOf(r), fieldsOf(b), fc, hasC)
			if keep {
				p.rels[k] = decodeRelation(k.kind, out, r)
			}
		default:
			p.rels[k] = decodeRelation(k.kind, p.overlay(&rr.Row, fieldsOf(c), fieldsOf(r)), r)
		}
	}
}

// removeUnmentioned removes, in merge mode, the stakes of the pairs a
// roles sheet mentions and the reporting lines of the people a hierarchy
// sheet mentions that the sheet does not hold, and with Prune every node
// and relationship of a sheet the input has that the sheet lacks. A
// workbook with a base removes only what it had when exported: what
// stakemap gained since was never in the sheet to be deleted from it.
func (p *planner) removeUnmentioned(cur map[nodeKey]graph.Node, curRels map[relKey]graph.Relation) {
	pairs := map[[2]string]bool{}
	froms := map[string]bool{}
	for k := range p.sheetRel {
		switch k.kind {
		case graph.RelStake:
			pairs[[2]string{k.key.A, k.key.B}] = true
		case graph.RelReportsTo:
			froms[k.key.A] = true
		}
	}
	relKeys := slices.SortedFunc(maps.Keys(curRels), compareRelKeys)
	for _, k := range relKeys {
		if p.sheetRel[k] {
			continue
		}
		authoritative := (k.kind == graph.RelStake && pairs[[2]string{k.key.A, k.key.B}]) ||
			(k.kind == graph.RelReportsTo && froms[k.key.A]) ||
			(p.opt.Prune && p.in.Arrays[string(k.kind)])
		if !authoritative {
			continue
		}
		b, hasB := p.baseR[k]
		if p.removable(graph.CompareKind(k.kind), "", graph.KeyMap(k.kind, k.key), curRels[k], b, hasB) {
			delete(p.rels, k)
		}
	}
	if !p.opt.Prune {
		return
	}
	removed := map[string]bool{}
	nodeKeys := slices.SortedFunc(maps.Keys(cur), func(a, b nodeKey) int { return cmp.Or(cmp.Compare(a.kind, b.kind), cmp.Compare(a.id, b.id)) })
	for _, k := range nodeKeys {
		if p.sheetNode[k] || !p.in.Arrays[graph.ArrayOf(k.kind)] {
			continue
		}
		b, hasB := p.baseN[k]
		if p.removable(string(k.kind), k.id, nil, cur[k], b, hasB) {
			delete(p.nodes, k)
			removed[k.id] = true
		}
	}
	p.cascade(removed)
}

// removable decides whether a node or relationship the sheet lacks goes.
// Without a base it does; with one it goes only if the workbook had it and
// stakemap has not changed it since (changed: a conflict).
func (p *planner) removable(kind, id string, key map[string]string, c, b any, hasB bool) bool {
	if p.in.Base == nil {
		return true
	}
	if !hasB {
		return false
	}
	fc, fb := fieldsOf(c), fieldsOf(b)
	for _, f := range unionKeys(fc, fb) {
		if !bytes.Equal(fc[f], fb[f]) {
			p.confl = append(p.confl, Conflict{Kind: kind, ID: id, Key: key, Field: f, Base: orNull(fb[f]), Sheet: null, Stakemap: orNull(fc[f])})
			return p.opt.Prefer == PreferSheet
		}
	}
	return true
}

// cascade removes what pointed at removed nodes, as deleting them one by
// one would: their relationships, their places in engagements (an
// engagement left with nobody goes too) and their enablers' ownership.
// Rows of the input are left alone, so that validation reports them.
func (p *planner) cascade(removed map[string]bool) {
	if len(removed) == 0 {
		return
	}
	for k := range p.rels {
		if !p.sheetRel[k] && (removed[k.key.A] || removed[k.key.B]) {
			delete(p.rels, k)
		}
	}
	for k, n := range p.nodes {
		if p.sheetNode[k] {
			continue
		}
		switch x := n.(type) {
		case graph.Engagement:
			with := slices.DeleteFunc(slices.Clone(x.With), func(id string) bool { return removed[id] })
			about := slices.DeleteFunc(slices.Clone(x.About), func(id string) bool { return removed[id] })
			if len(with) == 0 {
				delete(p.nodes, k)
				continue
			}
			x.With, x.About = with, about
			p.nodes[k] = x
		case graph.Enabler:
			if removed[x.Owner] {
				x.Owner = ""
				p.nodes[k] = x
			}
		}
	}
}

// threeWay merges one entity field by field against its base: a field
// the sheet left as exported keeps stakemap's value; a field changed in
// the sheet takes the sheet's value unless stakemap changed it too, to
// something else (a conflict). fc is nil when stakemap no longer has the
// entity; keep says whether it is in the result.
func (p *planner) threeWay(r *Row, kind, id string, key map[string]string, fs, fb, fc map[string]json.RawMessage, hasC bool) (out map[string]json.RawMessage, keep bool) {
	var changed []string
	for _, f := range unionKeys(fs, fb) {
		if f == "id" || !r.HasColumn(f) || p.isBad(r, f) || isKeyField(kind, f) {
			continue
		}
		if !bytes.Equal(fs[f], fb[f]) {
			changed = append(changed, f)
		}
	}
	conflict := func(f string, c json.RawMessage) {
		p.confl = append(p.confl, Conflict{Kind: kind, ID: id, Key: key, Field: f, Base: orNull(fb[f]), Sheet: orNull(fs[f]), Stakemap: orNull(c), Row: r.Entry()})
	}
	if !hasC {
		// Removed in stakemap since the export: stays removed unless the
		// sheet changed it too.
		for _, f := range changed {
			conflict(f, nil)
		}
		return fs, len(changed) > 0 && p.opt.Prefer == PreferSheet
	}
	out = maps.Clone(fc)
	for _, f := range changed {
		c := fc[f]
		if !bytes.Equal(c, fb[f]) && !bytes.Equal(c, fs[f]) {
			conflict(f, c)
			if p.opt.Prefer != PreferSheet {
				continue
			}
		}
		setField(out, f, fs[f])
	}
	return out, true
}

// overlay sets the fields the row states (column there, cell not empty)
// on stakemap's current values: without a base, an empty cell cannot say
// whether it was cleared, and merge removes nothing.
func (p *planner) overlay(r *Row, fc, fs map[string]json.RawMessage) map[string]json.RawMessage {
	out := maps.Clone(fc)
	for f, v := range fs {
		if f != "id" && r.Given(f) && !p.isBad(r, f) {
			out[f] = v
		}
	}
	return out
}

func (p *planner) assemble(ws graph.Workspace) *graph.Bundle {
	b := &graph.Bundle{Format: graph.Format, Workspace: ws}
	for _, n := range p.nodes {
		b.AddNode(n)
	}
	for _, r := range p.rels {
		b.AddRelation(r)
	}
	b.ApplyDefaults()
	b.Canonicalize()
	return b
}

func sortConflicts(cs []Conflict) {
	slices.SortStableFunc(cs, func(a, b Conflict) int {
		return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.ID, b.ID), cmp.Compare(keyString(a.Key), keyString(b.Key)), cmp.Compare(a.Field, b.Field))
	})
}

func keyString(m map[string]string) string {
	keys := slices.Sorted(maps.Keys(m))
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(m[k])
		b.WriteByte(0)
	}
	return b.String()
}

func compareRelKeys(a, b relKey) int {
	return cmp.Or(cmp.Compare(a.kind, b.kind), cmp.Compare(a.key.A, b.key.A), cmp.Compare(a.key.B, b.key.B), cmp.Compare(a.key.C, b.key.C))
}

func describeKey(k relKey) string {
	if k.key.C != "" {
		return k.key.A + " → " + k.key.B + " (" + k.key.C + ")"
	}
	return k.key.A + " → " + k.key.B
}

// isKeyField reports whether f is a key field of the relationship compare
// kind: those identify it and never differ.
func isKeyField(kind, f string) bool {
	rk, ok := graph.RelKindOfCompare(kind)
	if !ok {
		return false
	}
	_, has := graph.KeyMap(rk, graph.RelKey{})[f]
	return has
}

func kindNoun(k graph.Kind, lang string) string {
	switch k {
	case graph.KindStakeholder:
		return Say(lang, "belanghebbende", "stakeholder")
	case graph.KindTrajectory:
		return Say(lang, "traject", "trajectory")
	case graph.KindGoal:
		return Say(lang, "doel", "goal")
	case graph.KindEnabler:
		return Say(lang, "randvoorwaarde", "enabler")
	}
	return Say(lang, "contactmoment", "engagement")
}

var null = json.RawMessage("null")

func orNull(v json.RawMessage) json.RawMessage {
	if v == nil {
		return null
	}
	return v
}

// fieldsOf is graph.CanonicalFields, which cannot fail for the domain's
// own types.
func fieldsOf(v any) map[string]json.RawMessage {
	m, err := graph.CanonicalFields(v)
	if err != nil {
		panic(fmt.Sprintf("merge: canonical fields of %T: %v", v, err))
	}
	return m
}

func setField(m map[string]json.RawMessage, f string, v json.RawMessage) {
	if v == nil {
		delete(m, f)
		return
	}
	m[f] = v
}

func encodeFields(m map[string]json.RawMessage) []byte {
	data, err := json.Marshal(m)
	if err != nil {
		panic(fmt.Sprintf("merge: encode fields: %v", err))
	}
	return data
}

// decodeNode builds a node of kind from canonical fields; like (the sheet's
// version) is returned if they do not decode, which cannot happen for
// fields taken from nodes of that kind.
func decodeNode(kind graph.Kind, m map[string]json.RawMessage, like graph.Node) graph.Node {
	data := encodeFields(m)
	var err error
	var n graph.Node
	switch kind {
	case graph.KindStakeholder:
		var v graph.Stakeholder
		err = json.Unmarshal(data, &v)
		n = v
	case graph.KindTrajectory:
		var v graph.Trajectory
		err = json.Unmarshal(data, &v)
		n = v
	case graph.KindGoal:
		var v graph.Goal
		err = json.Unmarshal(data, &v)
		n = v
	case graph.KindEnabler:
		var v graph.Enabler
		err = json.Unmarshal(data, &v)
		n = v
	case graph.KindEngagement:
		var v graph.Engagement
		err = json.Unmarshal(data, &v)
		n = v
	}
	if err != nil || n == nil {
		return like
	}
	return graph.NormalizeNode(n)
}

func decodeRelation(kind graph.RelKind, m map[string]json.RawMessage, like graph.Relation) graph.Relation {
	data := encodeFields(m)
	var err error
	var r graph.Relation
	switch kind {
	case graph.RelStake:
		var v graph.Stake
		err = json.Unmarshal(data, &v)
		r = v
	case graph.RelInfluence:
		var v graph.Influence
		err = json.Unmarshal(data, &v)
		r = v
	case graph.RelReportsTo:
		var v graph.ReportsTo
		err = json.Unmarshal(data, &v)
		r = v
	case graph.RelSupports:
		var v graph.Supports
		err = json.Unmarshal(data, &v)
		r = v
	case graph.RelDependsOn:
		var v graph.DependsOn
		err = json.Unmarshal(data, &v)
		r = v
	}
	if err != nil || r == nil {
		return like
	}
	return r
}

func withID(n graph.Node, id string) graph.Node {
	switch x := n.(type) {
	case graph.Stakeholder:
		x.ID = id
		return x
	case graph.Trajectory:
		x.ID = id
		return x
	case graph.Goal:
		x.ID = id
		return x
	case graph.Enabler:
		x.ID = id
		return x
	case graph.Engagement:
		x.ID = id
		return x
	}
	return n
}

func unionKeys(a, b map[string]json.RawMessage) []string {
	keys := make([]string, 0, len(a)+len(b))
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}
