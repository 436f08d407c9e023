package webui

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"time"
	_ "time/tzdata" // the display zone must exist where the binary runs without a zoneinfo

	"github.com/stakemap/stakemap/graph"
)

// What changed, in words a person reads: the history page and the compare
// view both describe entities, relationships and field changes through
// these helpers, in the person's language and number and date format.

// displayZone is the zone in which the pages show instants: the users are
// in the Netherlands and Flanders, which keep the same time.
var displayZone = func() *time.Location {
	if z, err := time.LoadLocation("Europe/Amsterdam"); err == nil {
		return z
	}
	return time.UTC
}()

// When shows an instant (RFC 3339) as people write it, to the minute, in
// the display zone: 12-11-2026 14:03 in Dutch, 2026-11-12 14:03 in English.
func (t tr) When(at string) string {
	x, err := time.Parse(time.RFC3339Nano, at)
	if err != nil {
		return at
	}
	x = x.In(displayZone)
	if t.lang == graph.LangEN {
		return x.Format("2006-01-02 15:04")
	}
	return x.Format("02-01-2006 15:04")
}

// namer finds what to call an id: its name in the states at hand, else a
// name seen in the events being shown, else "erased" for an erased
// person, else the id itself.
type namer struct {
	t      tr
	states []*wsData
	seen   map[string]string
}

func (n *namer) name(id string) string {
	for _, d := range n.states {
		if d != nil && d.names.Has(id) {
			return d.Label(id) // namesakes with their title and unit
		}
	}
	if s := n.seen[id]; s != "" {
		return s
	}
	if strings.HasPrefix(id, "erased-") {
		return n.t.T("h.erased")
	}
	return id
}

// learn keeps the name an event's before or after gives its node.
func (n *namer) learn(id string, raws ...json.RawMessage) {
	if id == "" || n.seen[id] != "" {
		return
	}
	for _, raw := range raws {
		var x struct{ Name string }
		if json.Unmarshal(raw, &x) == nil && x.Name != "" {
			if n.seen == nil {
				n.seen = map[string]string{}
			}
			n.seen[id] = x.Name
			return
		}
	}
}

// idFields hold ids (or lists of ids) of nodes: shown as names.
var idFields = map[string]bool{"with": true, "about": true, "owner": true, "stakeholder": true, "trajectory": true,
	"goal": true, "on": true, "from": true, "to": true}

// fieldOrder is the order in which a change's fields are listed: as the
// forms and sheets show them.
var fieldOrder = []string{"name", "kind", "title", "unit", "level", "influence", "interest", "attitude", "contactEvery",
	"tags", "notes", "purpose", "status", "start", "end", "reviewBy", "measure", "date", "channel", "with", "about",
	"summary", "resultsShared", "owner", "role", "strength", "note", "language", "ldUnit", "retentionMonths"}

// fieldLabel names a field as the forms do (the spreadsheet headers).
func (n *namer) fieldLabel(field string) string {
	if _, ok := catalogue["f."+field]; ok {
		return n.t.T("f." + field)
	}
	return field
}

// value shows one field's value of an entity of a kind: enumerated
// values in the person's language, ids as names, dates and numbers their
// way, nothing as a dash.
func (n *namer) value(kind, field string, raw json.RawMessage) string {
	var x any
	if err := json.Unmarshal(raw, &x); err != nil || x == nil {
		return "—"
	}
	enum := field
	if kind == string(graph.KindEnabler) && (field == "kind" || field == "status") {
		enum = "e" + field
	}
	switch x := x.(type) {
	case string:
		switch {
		case idFields[field]:
			return n.name(x)
		case enumLabels[enum] != nil:
			return n.t.Enum(enum, x)
		case graph.ValidDate(x):
			return n.t.Date(x)
		}
		return x
	case float64:
		return n.t.Num(x)
	case bool:
		if x {
			return n.t.T("yes")
		}
		return n.t.T("no")
	case []any:
		parts := make([]string, 0, len(x))
		for _, e := range x {
			s, _ := e.(string)
			if idFields[field] {
				s = n.name(s)
			}
			parts = append(parts, s)
		}
		if len(parts) == 0 {
			return "—"
		}
		return strings.Join(parts, ", ")
	}
	return string(raw)
}

// fieldChange is one field's change in words: "Houding: criticus →
// voorstander".
type fieldChange struct{ Label, From, To string }

// String is the change as one phrase.
func (c fieldChange) String() string { return c.Label + ": " + c.From + " → " + c.To }

// changes lists the fields that differ, in the forms' order.
func (n *namer) changes(kind string, fields map[string]graph.FieldChange) []fieldChange {
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, byFieldOrder)
	out := make([]fieldChange, 0, len(keys))
	for _, k := range keys {
		fc := fields[k]
		out = append(out, fieldChange{Label: n.fieldLabel(k), From: n.value(kind, k, fc.From), To: n.value(kind, k, fc.To)})
	}
	return out
}

func byFieldOrder(a, b string) int {
	ia, ib := slices.Index(fieldOrder, a), slices.Index(fieldOrder, b)
	if ia < 0 {
		ia = len(fieldOrder)
	}
	if ib < 0 {
		ib = len(fieldOrder)
	}
	if ia != ib {
		return ia - ib
	}
	return strings.Compare(a, b)
}

// diff compares an event's before and after field by field; a field
// absent on one side is null there. Key fields of a relationship are left
// out: they name it and never change.
func diff(before, after json.RawMessage, skip map[string]string) map[string]graph.FieldChange {
	var a, b map[string]json.RawMessage
	_ = json.Unmarshal(before, &a)
	_ = json.Unmarshal(after, &b)
	out := map[string]graph.FieldChange{}
	for k, v := range a {
		if _, key := skip[k]; key || k == "id" {
			continue
		}
		if w, ok := b[k]; !ok || !sameJSON(v, w) {
			out[k] = graph.FieldChange{From: v, To: orNull(b[k])}
		}
	}
	for k, w := range b {
		if _, key := skip[k]; key || k == "id" {
			continue
		}
		if _, ok := a[k]; !ok {
			out[k] = graph.FieldChange{From: json.RawMessage("null"), To: w}
		}
	}
	return out
}

func sameJSON(a, b json.RawMessage) bool {
	var ca, cb bytes.Buffer
	if json.Compact(&ca, a) != nil || json.Compact(&cb, b) != nil {
		return bytes.Equal(a, b)
	}
	return bytes.Equal(ca.Bytes(), cb.Bytes())
}

func orNull(raw json.RawMessage) json.RawMessage {
	if raw == nil {
		return json.RawMessage("null")
	}
	return raw
}

// relation describes a relationship by its compare kind and key: "Ruud
// Smit als sponsor op AI-basisvaardigheden".
func (n *namer) relation(kind string, key map[string]string) string {
	switch kind {
	case "stake":
		return n.t.T("rel.stake", n.name(key["stakeholder"]), n.t.Enum("role", key["role"]), n.name(key["trajectory"]))
	case "influence":
		return n.t.T("rel.influence", n.name(key["from"]), n.name(key["to"]))
	case "reportsTo":
		return n.t.T("rel.reportsTo", n.name(key["from"]), n.name(key["to"]))
	case "supports":
		return n.t.T("rel.supports", n.name(key["trajectory"]), n.name(key["goal"]))
	case "dependsOn":
		return n.t.T("rel.dependsOn", n.name(key["trajectory"]), n.name(key["on"]))
	}
	return kind
}

// node describes a node: its name, or for a contact its date and channel.
func (n *namer) node(kind, id string, raws ...json.RawMessage) string {
	if kind == string(graph.KindEngagement) {
		for _, raw := range raws {
			var e struct {
				Date, Channel string
				With, About   []string
			}
			if json.Unmarshal(raw, &e) == nil && e.Date != "" {
				return n.contact(e.Date, e.Channel, e.With, e.About)
			}
		}
		if d := n.engagement(id); d != "" {
			return d
		}
		return n.t.Enum("nodekind", kind)
	}
	return n.name(id)
}

// contact describes a contact: "Contact van 01-12-2026 (overleg) met Ruud
// Smit, Noor Bos".
func (n *namer) contact(date, channel string, with, about []string) string {
	s := n.t.T("h.contact", n.t.Date(date), n.t.Enum("channel", channel))
	if len(with) > 0 {
		s += " " + n.t.T("h.contactwith", n.list(with))
	}
	if len(about) > 0 {
		s += " " + n.t.T("h.contactabout", n.list(about))
	}
	return s
}

// list names ids, separated by commas; "" for none.
func (n *namer) list(ids []string) string {
	names := make([]string, len(ids))
	for i, id := range ids {
		names[i] = n.name(id)
	}
	return strings.Join(names, ", ")
}

// engagement describes a contact found in the states at hand.
func (n *namer) engagement(id string) string {
	for _, d := range n.states {
		if d == nil {
			continue
		}
		for i := range d.B.Engagements {
			if e := &d.B.Engagements[i]; e.ID == id {
				return n.contact(e.Date, e.Channel, e.With, e.About)
			}
		}
	}
	return ""
}

// link is where a node can be seen now, or "" when it is gone.
func (v *view) link(d *wsData, kind, id string) string {
	switch {
	case kind == string(graph.KindStakeholder) && d.people[id] != nil:
		return v.U("stakeholders", id)
	case kind == string(graph.KindTrajectory) && d.trajs[id] != nil:
		return v.U("trajectories", id)
	}
	return ""
}
