package graph_test

import (
	"encoding/json"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/graph/storetest"
)

// TestCompareMatchesCanonicalJSON checks the field-by-field comparison
// against its definition: the canonical JSON of each side, with absent and
// empty fields null. Random edits of a generated workspace exercise every
// field type (text, lists, numbers, optional numbers, booleans).
func TestCompareMatchesCanonicalJSON(t *testing.T) {
	a := storetest.Generate(5, 60, 8, 200)
	storetest.AddRhythms(a, 5)
	b := a.Clone()
	r := rand.New(rand.NewPCG(1, 2))
	for i := range b.Stakeholders {
		s := &b.Stakeholders[i]
		switch r.IntN(6) {
		case 0:
			s.Tags = nil
		case 1:
			s.Tags = append(s.Tags, "extra")
		case 2:
			s.Notes, s.Title = "", "New title"
		case 3:
			s.ContactEvery = 0
		case 4:
			s.Influence = 1 + r.IntN(5)
		}
	}
	for i := range b.Stakes {
		if r.IntN(3) == 0 {
			v := 1 + r.IntN(5)
			b.Stakes[i].Influence = &v
		} else if r.IntN(3) == 0 {
			b.Stakes[i].Interest = nil
		}
	}
	for i := range b.Engagements {
		if r.IntN(3) == 0 {
			b.Engagements[i].ResultsShared = !b.Engagements[i].ResultsShared
			b.Engagements[i].About = nil
		}
	}
	for i := range b.Influences {
		if r.IntN(4) == 0 {
			b.Influences[i].Strength = 0.25
		}
	}
	c, err := graph.Compare(a, b)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Nodes.Changed) == 0 || len(c.Relations.Changed) == 0 {
		t.Fatal("no changes found: the test proves nothing")
	}
	// The definition: canonical JSON fields, compared one by one.
	want := map[key]map[string]graph.FieldChange{}
	index := func(bd *graph.Bundle) map[key]any {
		m := map[key]any{}
		bd.Nodes(func(_ string, _ int, n graph.Node) { m[key{string(n.NodeKind()), n.NodeID()}] = graph.NormalizeNode(n) })
		bd.Relations(func(_ string, _ int, rel graph.Relation) {
			k := rel.Key()
			m[key{graph.CompareKind(rel.RelKind()), k.A + "|" + k.B + "|" + k.C}] = rel
		})
		return m
	}
	ia, ib := index(a), index(b)
	keyFields := map[string][]string{"stake": {"stakeholder", "trajectory", "role"}, "influence": {"from", "to"},
		"reportsTo": {"from", "to"}, "supports": {"trajectory", "goal"}, "dependsOn": {"trajectory", "on"}}
	for k, va := range ia {
		fa, _ := graph.CanonicalFields(va)
		fb, _ := graph.CanonicalFields(ib[k])
		diff := map[string]graph.FieldChange{}
		for _, f := range union(fa, fb) {
			if f == "id" || slices.Contains(keyFields[k.kind], f) {
				continue
			}
			if string(fa[f]) != string(fb[f]) {
				diff[f] = graph.FieldChange{From: orNull(fa[f]), To: orNull(fb[f])}
			}
		}
		if len(diff) > 0 {
			want[k] = diff
		}
	}
	got := map[key]map[string]graph.FieldChange{}
	for _, n := range c.Nodes.Changed {
		got[key{string(n.Kind), n.ID}] = n.Fields
	}
	for _, rc := range c.Relations.Changed {
		rk, _ := graph.RelKindOfCompare(rc.Kind)
		k, _ := graph.KeyOfMap(rk, rc.Key)
		got[key{rc.Kind, k.A + "|" + k.B + "|" + k.C}] = rc.Fields
	}
	g, _ := json.Marshal(flatten(got))
	w, _ := json.Marshal(flatten(want))
	if string(g) != string(w) {
		t.Errorf("field changes differ from the canonical JSON definition:\ngot  %s\nwant %s", g, w)
	}
}

type key struct{ kind, id string }

func flatten(m map[key]map[string]graph.FieldChange) map[string]map[string]graph.FieldChange {
	out := map[string]map[string]graph.FieldChange{}
	for k, v := range m {
		out[k.kind+"/"+k.id] = v
	}
	return out
}

func union(a, b map[string]json.RawMessage) []string {
	var out []string
	for k := range a {
		out = append(out, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			out = append(out, k)
		}
	}
	return out
}

func orNull(v json.RawMessage) json.RawMessage {
	if v == nil {
		return json.RawMessage("null")
	}
	return v
}
