package render

import (
	"bytes"
	"cmp"
	"fmt"
	"html"
	"slices"
	"strconv"
	"strings"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/locale"
)

// Every map uses the Helvetica metrics Graphviz has built in; the painter
// draws with Liberation Sans, which has the same metrics, so labels fit
// the shapes Graphviz sized for them.
const fontName = "Helvetica"

// Colour-blind-safe palette (Okabe & Ito), used for roles and paths.
const (
	okOrange    = "#E69F00"
	okSkyBlue   = "#56B4E9"
	okGreen     = "#009E73"
	okBlue      = "#0072B2"
	okVermilion = "#D55E00"
	okPurple    = "#CC79A7"
	inkColour   = "#222222"
	mutedColour = "#8C8C8C"
)

// attitudeLook is how an attitude is drawn. The fills get darker from
// champion to blocker (Rec. 601 luma 0.87, 0.72, 0.58, 0.43, 0.28; unknown
// is white), so that the order survives a greyscale print; the border
// pattern is a second cue: solid for positive and neutral, dashed for
// critical and opposed, dotted for unknown, bold at both ends.
type attitudeLook struct {
	fill, font string
	border     string // solid, dashed or dotted
	width      float64
}

var attitudeLooks = map[string]attitudeLook{
	"champion":  {"#C8EAD9", inkColour, "solid", 2.5},
	"supporter": {"#8FC3E7", inkColour, "solid", 1},
	"neutral":   {"#949494", inkColour, "solid", 1},
	"critic":    {"#B45C0F", "#FFFFFF", "dashed", 1.5},
	"blocker":   {"#9A2521", "#FFFFFF", "dashed", 3},
	"unknown":   {"#FCFCFC", inkColour, "dotted", 2}, // a hair off white: the page is white
}

var attitudes = []string{"champion", "supporter", "neutral", "critic", "blocker", "unknown"}

// lookOf is an attitude's look; an attitude the map does not know is drawn
// as unknown.
func lookOf(attitude string) attitudeLook {
	if l, ok := attitudeLooks[attitude]; ok {
		return l
	}
	return attitudeLooks["unknown"]
}

// borderColour is the border of attitude boxes: ink, so that the pattern
// shows in a greyscale print.
func (l attitudeLook) borderColour() string { return inkColour }

// dotWriter writes a DOT source. Node ids are neutral (n1, n2, …), handed
// out in the order the map asks for them, so no id or name of a person
// reaches the source through an id.
type dotWriter struct {
	bytes.Buffer
	ids map[string]string
}

func (w *dotWriter) id(key string) string {
	if id, ok := w.ids[key]; ok {
		return id
	}
	id := "n" + strconv.Itoa(len(w.ids)+1)
	w.ids[key] = id
	return id
}

func (w *dotWriter) line(format string, args ...any) {
	fmt.Fprintf(w, format, args...)
	w.WriteByte('\n')
}

// quote makes a DOT double-quoted string.
func quote(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\r", "")
	return `"` + r.Replace(s) + `"`
}

// esc escapes text for a Graphviz HTML-like label.
func esc(s string) string { return html.EscapeString(s) }

// attrs formats an attribute list; values are quoted unless they are an
// HTML-like label (starting with "<").
func attrs(kv ...string) string {
	var b strings.Builder
	b.WriteByte('[')
	for i := 0; i+1 < len(kv); i += 2 {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(kv[i])
		b.WriteByte('=')
		v := kv[i+1]
		if strings.HasPrefix(v, "<") && strings.HasSuffix(v, ">") {
			b.WriteString(v)
		} else {
			b.WriteString(quote(v))
		}
	}
	b.WriteByte(']')
	return b.String()
}

// mapper builds one map of one snapshot.
type mapper struct {
	req       Request
	b         *graph.Bundle
	sel       selection
	w         *dotWriter
	engine    string
	nodeCount int
	sh        map[string]graph.Stakeholder
	traj      map[string]graph.Trajectory
	names     map[string]string
	// anon holds the anonymised names of persons, without and with their
	// unit (see anonymousNames).
	anon, anonInUnit map[string]string
	// namesakes counts the people of each folded name (see shWho).
	namesakes map[string]int

	// What the page around the map shows.
	title  string
	notes  []string
	legend []legendRow
	note   string // what a summary or part leaves out, for Result.Note
	shown  int    // items the map shows (stakeholders, cell entries, paths, trajectories)
	total  int    // items there are
}

func newMapper(req Request, b *graph.Bundle, sel selection) *mapper {
	m := &mapper{req: req, b: b, sel: sel, w: &dotWriter{ids: map[string]string{}}, engine: "dot",
		sh: map[string]graph.Stakeholder{}, traj: map[string]graph.Trajectory{}, names: map[string]string{}}
	for _, s := range b.Stakeholders {
		m.sh[s.ID] = s
	}
	for _, t := range b.Trajectories {
		m.traj[t.ID] = t
		m.names[t.ID] = t.Name
	}
	for _, g := range b.Goals {
		m.names[g.ID] = g.Name
	}
	for _, e := range b.Enablers {
		m.names[e.ID] = e.Name
	}
	if req.Anonymize {
		m.anon, m.anonInUnit = anonymousNames(b, req.Lang)
	}
	return m
}

func (m *mapper) t(nl, en string) string {
	if m.req.Lang == graph.LangEN {
		return en
	}
	return nl
}

// number formats a number in the map's language: 0,30 or 0.30.
func (m *mapper) number(x float64, decimals int) string {
	return locale.Number(m.req.Lang, x, decimals)
}

var levelNames = map[string][2]string{
	"board":      {"Bestuur", "Board"},
	"executive":  {"Directie", "Executive"},
	"management": {"Management", "Management"},
	"employee":   {"Medewerker", "Employee"},
	"external":   {"Extern", "External"},
}

// anonymous reports whether a stakeholder is shown without its name:
// everyone but groups and units.
func anonymous(s graph.Stakeholder) bool { return s.Kind != "group" && s.Kind != "unit" }

// external reports whether a stakeholder belongs to another organisation.
func external(s graph.Stakeholder) bool { return s.Kind == "external" || s.Level == "external" }

// anonymousNames names the persons of an anonymised map: by title (or
// level) and unit, externals as "Externe partij 1, 2, …" in id order, and
// persons who would share a name numbered "(1)", "(2)", … so that the map
// still tells them apart. inUnit leaves the unit out, for maps that draw
// the unit around the person.
func anonymousNames(b *graph.Bundle, lang string) (full, inUnit map[string]string) {
	t := func(nl, en string) string {
		if lang == graph.LangEN {
			return en
		}
		return nl
	}
	full, inUnit = map[string]string{}, map[string]string{}
	ext := 0
	for _, s := range b.Stakeholders { // sorted by id
		if !anonymous(s) {
			continue
		}
		if external(s) {
			ext++
			name := t("Externe partij ", "External party ") + strconv.Itoa(ext)
			full[s.ID], inUnit[s.ID] = name, name
			continue
		}
		title := s.Title
		if title == "" {
			l, ok := levelNames[s.Level]
			title = t(l[0], l[1])
			if !ok {
				title = t("Persoon", "Person")
			}
		}
		inUnit[s.ID] = title
		full[s.ID] = title
		if s.Unit != "" {
			full[s.ID] = title + ", " + s.Unit
		}
	}
	for _, names := range []map[string]string{full, inUnit} {
		number(b, names)
	}
	return full, inUnit
}

// number appends (1), (2), … to names that several stakeholders share; in
// inUnit names only stakeholders of the same unit count as sharing.
func number(b *graph.Bundle, names map[string]string) {
	type key struct{ unit, name string }
	groups := map[key][]string{}
	for _, s := range b.Stakeholders {
		if n, ok := names[s.ID]; ok {
			k := key{s.Unit, n}
			groups[k] = append(groups[k], s.ID)
		}
	}
	for _, ids := range groups {
		if len(ids) < 2 {
			continue
		}
		slices.Sort(ids)
		for i, id := range ids {
			names[id] += " (" + strconv.Itoa(i+1) + ")"
		}
	}
}

// shName is how a stakeholder is named on a map: its name, or when the map
// is anonymised its title (or level), with its unit unless the map draws
// the unit around it (inUnit).
func (m *mapper) shName(s graph.Stakeholder, inUnit bool) string {
	if m.req.Anonymize && anonymous(s) {
		if inUnit {
			return m.anonInUnit[s.ID]
		}
		return m.anon[s.ID]
	}
	return cmp.Or(s.Name, s.ID)
}

// shSub is the second line of a stakeholder's label: its title, and its
// unit when the map does not draw the unit around it. An anonymised name
// already says both, so it gets none, except an external party's title.
func (m *mapper) shSub(s graph.Stakeholder, inUnit bool) string {
	if m.req.Anonymize && anonymous(s) {
		if external(s) {
			return s.Title
		}
		return ""
	}
	parts := []string{}
	if s.Title != "" && !strings.EqualFold(s.Title, s.Name) {
		parts = append(parts, s.Title)
	}
	if !inUnit && s.Unit != "" && !strings.Contains(strings.ToLower(s.Title), strings.ToLower(s.Unit)) {
		parts = append(parts, s.Unit)
	}
	return strings.Join(parts, " · ")
}

// shWho is shName on a map that shows names without titles: a person
// whose name another person in the workspace shares gets their title (or
// unit) after it, so that two Fatima El Amrani's can be told apart.
func (m *mapper) shWho(s graph.Stakeholder) string {
	name := m.shName(s, false)
	if m.req.Anonymize && anonymous(s) {
		return name
	}
	if m.namesakes == nil {
		m.namesakes = map[string]int{}
		for _, o := range m.b.Stakeholders {
			m.namesakes[graph.FoldName(o.Name)]++
		}
	}
	if m.namesakes[graph.FoldName(s.Name)] > 1 {
		if tell := cmp.Or(s.Title, s.Unit); tell != "" {
			name += " (" + tell + ")"
		}
	}
	return name
}

// name shows any node id: stakeholders by shWho, others by their name.
func (m *mapper) name(id string) string {
	if s, ok := m.sh[id]; ok {
		return m.shWho(s)
	}
	if n := m.names[id]; n != "" {
		return n
	}
	return id
}

var attitudeNames = map[string][2]string{
	"champion":  {"Kampioen", "Champion"},
	"supporter": {"Voorstander", "Supporter"},
	"neutral":   {"Neutraal", "Neutral"},
	"critic":    {"Criticus", "Critic"},
	"blocker":   {"Blokkeerder", "Blocker"},
	"unknown":   {"Onbekend", "Unknown"},
}

var roleNames = map[string][2]string{
	"sponsor":     {"sponsor", "sponsor"},
	"owner":       {"eigenaar", "owner"},
	"learner":     {"lerende", "learner"},
	"contributor": {"bijdrager", "contributor"},
	"expert":      {"expert", "expert"},
	"informed":    {"geïnformeerd", "informed"},
}

var statusNames = map[string][2]string{
	"idea":    {"idee", "idea"},
	"planned": {"gepland", "planned"},
	"running": {"lopend", "running"},
	"done":    {"afgerond", "done"},
	"stopped": {"gestopt", "stopped"},
	"missing": {"ontbreekt", "missing"},
	"ready":   {"gereed", "ready"},
}

var severityNames = map[string][2]string{
	graph.SeverityHigh:   {"hoog", "high"},
	graph.SeverityMedium: {"middel", "medium"},
	graph.SeverityLow:    {"laag", "low"},
}

func (m *mapper) word(table map[string][2]string, key string) string {
	if v, ok := table[key]; ok {
		return m.t(v[0], v[1])
	}
	return key
}

// severity names the severity of a finding code for the legend.
func (m *mapper) severity(code string) string {
	return m.t("ernst: ", "severity: ") + m.word(severityNames, graph.SeverityOf(code))
}

// header opens the graph with the defaults every map shares. The title and
// the legend are drawn around the map by the page (see page.go), so that
// they keep their size on a slide whatever the map's size.
func (m *mapper) header(rankdir string) {
	w := m.w
	w.line("digraph G {")
	w.line("  graph %s;", attrs("fontname", fontName, "bgcolor", "white", "pad", strconv.FormatFloat(mapPad/72, 'f', -1, 64), "rankdir", rankdir,
		"outputorder", "edgesfirst", "newrank", "true"))
	w.line("  node %s;", attrs("fontname", fontName, "fontsize", "12", "fontcolor", inkColour, "color", inkColour, "penwidth", "1"))
	w.line("  edge %s;", attrs("fontname", fontName, "fontsize", "11", "fontcolor", inkColour, "color", "#555555", "arrowsize", "0.7"))
}

// nodeStyle is the Graphviz style of an attitude box.
func (l attitudeLook) nodeStyle(shape string) []string {
	style := shape + ",filled"
	if l.border != "solid" {
		style += "," + l.border
	}
	return []string{"style", style, "fillcolor", l.fill, "fontcolor", l.font, "color", l.borderColour(),
		"penwidth", strconv.FormatFloat(l.width, 'f', -1, 64)}
}

// attitudeLegend explains the attitude boxes: one swatch each, then how
// to read them without colour.
func (m *mapper) attitudeLegend() []legendRow {
	var rows []legendRow
	for _, a := range attitudes {
		l := attitudeLooks[a]
		rows = append(rows, legendRow{swatch: &swatch{fill: l.fill, stroke: l.borderColour(), width: l.width, dash: l.border, rounded: true},
			text: m.word(attitudeNames, a)})
	}
	return append(rows, legendRow{text: m.t(
		"Houding: hoe donkerder, hoe negatiever; rand doorgetrokken: positief of neutraal, gestreept: kritisch of tegen, gestippeld: onbekend",
		"Attitude: the darker, the more negative; solid border: positive or neutral, dashed: critical or opposed, dotted: unknown")})
}

// noteNode writes a text note (why a map is empty) as a plain node.
func (m *mapper) noteNode(key string, lines ...string) string {
	id := m.w.id(key)
	for i, l := range lines {
		lines[i] = esc(l)
	}
	m.w.line("  %s %s;", id, attrs("shape", "box", "style", "rounded,dashed", "color", mutedColour,
		"fontsize", "12", "label", "<"+strings.Join(lines, `<BR ALIGN="LEFT"/>`)+`<BR ALIGN="LEFT"/>>`, "margin", "0.2,0.1"))
	m.nodeCount++
	return id
}

// strength formats a path or edge strength in the map's language.
func (m *mapper) strength(x float64) string { return m.number(x, 2) }

// hops says "1 stap", "2 stappen".
func (m *mapper) hops(n int) string {
	if n == 1 {
		return m.t("1 stap", "1 hop")
	}
	return m.t(strconv.Itoa(n)+" stappen", strconv.Itoa(n)+" hops")
}

// others says "+ 1 andere", "+ 5 anderen".
func (m *mapper) others(n int) string {
	if n == 1 {
		return m.t("+ 1 andere", "+ 1 other")
	}
	return m.t(fmt.Sprintf("+ %d anderen", n), fmt.Sprintf("+ %d others", n))
}

// ellipsis shortens a text to at most n runes, so that one very long name
// cannot widen a grid column past the page.
func ellipsis(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return strings.TrimSpace(string(r[:n-1])) + "…"
}
