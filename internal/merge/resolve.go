package merge

import (
	"fmt"
	"slices"
	"strings"

	"github.com/stakemap/stakemap/graph"
)

// refGroup names the node kinds a reference may point at.
type refGroup int

const (
	refStakeholder refGroup = iota
	refTrajectory
	refGoal
	refTrajectoryOrEnabler
	refGroups
)

func (g refGroup) kinds() []graph.Kind {
	switch g {
	case refStakeholder:
		return []graph.Kind{graph.KindStakeholder}
	case refTrajectory:
		return []graph.Kind{graph.KindTrajectory}
	case refGoal:
		return []graph.Kind{graph.KindGoal}
	}
	return []graph.Kind{graph.KindTrajectory, graph.KindEnabler}
}

// noun names what a reference of the group must name, in lang.
func (g refGroup) noun(lang string) string {
	switch g {
	case refStakeholder:
		return Say(lang, "belanghebbende", "stakeholder")
	case refTrajectory:
		return Say(lang, "traject", "trajectory")
	case refGoal:
		return Say(lang, "doel", "goal")
	}
	return Say(lang, "traject of randvoorwaarde", "trajectory or enabler")
}

// unknownNL names what a reference of the group must name, in Dutch,
// with the adjective "bekend" inflected as the noun wants it.
func (g refGroup) unknownNL() string {
	switch g {
	case refStakeholder:
		return "bekende belanghebbende"
	case refTrajectory:
		return "bekend traject"
	case refGoal:
		return "bekend doel"
	}
	return "bekend traject of bekende randvoorwaarde"
}

// resolver turns what people typed in a reference cell into an id: the id
// itself, or a name, compared as graph.FoldName forms.
type resolver struct {
	// primary indexes the names of the result (the input's names first,
	// then stakemap's); fallback the names stakemap holds now, so that a
	// sheet may still use a name it renames elsewhere.
	primary, fallback [refGroups]*graph.NameIndex
	kindOf            map[string]graph.Kind
	// known holds the folded names of each group, to tell a name that
	// resolves from one that does not before asking an index, which
	// looks for suggestions among every name.
	known [refGroups]map[string]bool
	// suggestions is how many more unknown names get "did you mean":
	// each costs a pass over every name.
	suggestions int
}

// maxSuggestions bounds the unknown names that get suggestions, so that a
// wrong file of thousands of rows fails fast.
const maxSuggestions = 100

func newResolver() *resolver {
	r := &resolver{kindOf: map[string]graph.Kind{}, suggestions: maxSuggestions}
	for g := range refGroups {
		r.primary[g] = graph.NewNameIndex()
		r.fallback[g] = graph.NewNameIndex()
		r.known[g] = map[string]bool{}
	}
	return r
}

// add records a node of the result; old says it is stakemap's current
// version (indexed as a fallback too).
func (r *resolver) add(n graph.Node, old bool) {
	name := graph.NodeName(n)
	if _, ok := r.kindOf[n.NodeID()]; !ok {
		r.kindOf[n.NodeID()] = n.NodeKind()
	}
	for g := range refGroups {
		if !slices.Contains(g.kinds(), n.NodeKind()) {
			continue
		}
		r.primary[g].Add(n.NodeID(), name)
		r.known[g][graph.FoldName(name)] = true
		if old {
			r.fallback[g].Add(n.NodeID(), name)
		}
	}
}

// resolve returns the id typed means in group g. An id of another kind is
// returned as it is, for validation to say what it is; an unknown or
// ambiguous name gives a reason in lang.
func (r *resolver) resolve(typed string, g refGroup, lang string) (id, reason string) {
	typed = strings.TrimSpace(typed)
	if typed == "" {
		return "", ""
	}
	_, isID := r.kindOf[typed]
	_, isLowerID := r.kindOf[strings.ToLower(typed)]
	if !isID && !isLowerID && !r.known[g][graph.FoldName(typed)] {
		if r.suggestions == 0 {
			return "", Say(lang, "is geen "+g.unknownNL(), "names no "+g.noun(lang)+" in this workspace")
		}
		r.suggestions--
	}
	id, ambiguous, suggestions := r.primary[g].Resolve(typed)
	if id != "" {
		return id, ""
	}
	if len(ambiguous) == 0 {
		if id, amb, _ := r.fallback[g].Resolve(typed); id != "" {
			return id, ""
		} else if len(amb) > 0 {
			ambiguous = amb
		}
	}
	if len(ambiguous) > 0 {
		names := make([]string, len(ambiguous))
		for i, a := range ambiguous {
			names[i] = fmt.Sprintf("%q (%s)", r.primary[g].Name(a), a)
		}
		return "", Say(lang,
			"past bij meer dan één "+g.noun(lang)+": "+strings.Join(names, ", ")+"; schrijf de id",
			"matches more than one "+g.noun(lang)+": "+strings.Join(names, ", ")+"; write the id")
	}
	if _, ok := r.kindOf[typed]; ok {
		return typed, "" // a node of another kind: validation names it
	}
	if _, ok := r.kindOf[strings.ToLower(typed)]; ok {
		return strings.ToLower(typed), ""
	}
	reason = Say(lang, "is geen "+g.unknownNL(), "names no "+g.noun(lang)+" in this workspace")
	if len(suggestions) > 0 {
		quoted := make([]string, min(len(suggestions), 3))
		for i := range quoted {
			quoted[i] = fmt.Sprintf("%q", suggestions[i])
		}
		reason += Say(lang, ": bedoelt u "+strings.Join(quoted, " of ")+"?", ": did you mean "+strings.Join(quoted, " or ")+"?")
	}
	return "", reason
}

// refs calls fn for every reference field of a node or relationship, with
// its field name (with[1]), current value and group; fn returns the value
// to keep.
func refsOfNode(n graph.Node, fn func(field, v string, g refGroup) string) graph.Node {
	switch x := n.(type) {
	case graph.Enabler:
		if x.Owner != "" {
			x.Owner = fn("owner", x.Owner, refStakeholder)
		}
		return x
	case graph.Engagement:
		x.With = slices.Clone(x.With)
		for i, v := range x.With {
			x.With[i] = fn(fmt.Sprintf("with[%d]", i), v, refStakeholder)
		}
		x.About = slices.Clone(x.About)
		for i, v := range x.About {
			x.About[i] = fn(fmt.Sprintf("about[%d]", i), v, refTrajectory)
		}
		return x
	}
	return n
}

func refsOfRelation(r graph.Relation, fn func(field, v string, g refGroup) string) graph.Relation {
	switch x := r.(type) {
	case graph.Stake:
		x.Stakeholder = fn("stakeholder", x.Stakeholder, refStakeholder)
		x.Trajectory = fn("trajectory", x.Trajectory, refTrajectory)
		return x
	case graph.Influence:
		x.From = fn("from", x.From, refStakeholder)
		x.To = fn("to", x.To, refStakeholder)
		return x
	case graph.ReportsTo:
		x.From = fn("from", x.From, refStakeholder)
		x.To = fn("to", x.To, refStakeholder)
		return x
	case graph.Supports:
		x.Trajectory = fn("trajectory", x.Trajectory, refTrajectory)
		x.Goal = fn("goal", x.Goal, refGoal)
		return x
	case graph.DependsOn:
		x.Trajectory = fn("trajectory", x.Trajectory, refTrajectory)
		x.On = fn("on", x.On, refTrajectoryOrEnabler)
		return x
	}
	return r
}
