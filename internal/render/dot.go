package render

import (
	"bytes"
	"fmt"
	"html"
	"strconv"
	"strings"

	"github.com/stakemap/stakemap/graph"
)

// Every map uses the Helvetica metrics Graphviz has built in; the painter
// draws with Liberation Sans, which has the same metrics, so labels fit
// the shapes Graphviz sized for them.
const fontName = "Helvetica"

// Colour-blind-safe palette (Okabe & Ito), used for attitudes and paths.
const (
	okOrange    = "#E69F00"
	okSkyBlue   = "#56B4E9"
	okGreen     = "#009E73"
	okYellow    = "#F0E442"
	okBlue      = "#0072B2"
	okVermilion = "#D55E00"
	okPurple    = "#CC79A7"
	inkColour   = "#222222"
	mutedColour = "#8C8C8C"
)

// attitudeFill is the fill colour of each attitude; unknown is white with a
// dashed border, so the map reads without colour too.
var attitudeFill = map[string]string{
	"champion":  okGreen,
	"supporter": okSkyBlue,
	"neutral":   "#E0E0E0",
	"critic":    okOrange,
	"blocker":   okVermilion,
	"unknown":   "#FFFFFF",
}

var attitudes = []string{"champion", "supporter", "neutral", "critic", "blocker", "unknown"}

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
	w         *dotWriter
	engine    string
	nodeCount int
	note      string
	sh        map[string]graph.Stakeholder
	traj      map[string]graph.Trajectory
	names     map[string]string
}

func newMapper(req Request, b *graph.Bundle) *mapper {
	m := &mapper{req: req, b: b, w: &dotWriter{ids: map[string]string{}}, engine: "dot",
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
	return m
}

func (m *mapper) t(nl, en string) string {
	if m.req.Lang == graph.LangEN {
		return en
	}
	return nl
}

// anonymous reports whether a stakeholder is shown without its name:
// everyone but groups and units when the request anonymises.
func (m *mapper) anonymous(s graph.Stakeholder) bool {
	return m.req.Anonymize && s.Kind != "group" && s.Kind != "unit"
}

var levelNames = map[string][2]string{
	"board":      {"Bestuur", "Board"},
	"executive":  {"Directie", "Executive"},
	"management": {"Management", "Management"},
	"employee":   {"Medewerker", "Employee"},
	"external":   {"Extern", "External"},
}

// shName is how a stakeholder is named on a map: its name, or its title
// (or level) and unit when anonymised.
func (m *mapper) shName(s graph.Stakeholder) string {
	if !m.anonymous(s) {
		if s.Name != "" {
			return s.Name
		}
		return s.ID
	}
	title := s.Title
	if title == "" {
		l := levelNames[s.Level]
		title = m.t(l[0], l[1])
		if title == "" {
			title = m.t("Persoon", "Person")
		}
	}
	if s.Unit != "" {
		return title + ", " + s.Unit
	}
	return title
}

// shSub is the second line of a stakeholder's label: title (and unit when
// not shown by a cluster).
func (m *mapper) shSub(s graph.Stakeholder, withUnit bool) string {
	if m.anonymous(s) {
		if withUnit {
			return ""
		}
		return s.Unit
	}
	parts := []string{}
	if s.Title != "" {
		parts = append(parts, s.Title)
	}
	if withUnit && s.Unit != "" {
		parts = append(parts, s.Unit)
	}
	return strings.Join(parts, " · ")
}

// name shows any node id: stakeholders by shName, others by their name.
func (m *mapper) name(id string) string {
	if s, ok := m.sh[id]; ok {
		return m.shName(s)
	}
	if n := m.names[id]; n != "" {
		return n
	}
	return id
}

var attitudeNames = map[string][2]string{
	"champion":  {"Voorvechter", "Champion"},
	"supporter": {"Voorstander", "Supporter"},
	"neutral":   {"Neutraal", "Neutral"},
	"critic":    {"Criticus", "Critic"},
	"blocker":   {"Tegenstander", "Blocker"},
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
	"running": {"loopt", "running"},
	"done":    {"afgerond", "done"},
	"stopped": {"gestopt", "stopped"},
	"missing": {"ontbreekt", "missing"},
	"ready":   {"gereed", "ready"},
}

func (m *mapper) word(table map[string][2]string, key string) string {
	if v, ok := table[key]; ok {
		return m.t(v[0], v[1])
	}
	return key
}

// header opens the graph with the defaults every map shares: white
// background, Helvetica, a title at the top.
func (m *mapper) header(title, rankdir string) {
	w := m.w
	w.line("digraph G {")
	w.line("  graph %s;", attrs("fontname", fontName, "bgcolor", "white", "pad", "0.3", "rankdir", rankdir,
		"label", "<<FONT POINT-SIZE=\"22\"><B>"+esc(title)+"</B></FONT>>", "labelloc", "t", "labeljust", "l",
		"fontcolor", inkColour, "outputorder", "edgesfirst", "newrank", "true"))
	w.line("  node %s;", attrs("fontname", fontName, "fontsize", "12", "fontcolor", inkColour, "color", inkColour, "penwidth", "1"))
	w.line("  edge %s;", attrs("fontname", fontName, "fontsize", "11", "fontcolor", inkColour, "color", "#555555", "arrowsize", "0.7"))
}

// legendRow is one entry of a legend: a swatch (fill colour, or "" for a
// line sample) and its text.
type legendRow struct {
	fill, border, line, text string
}

// legend writes an HTML-table legend node.
func (m *mapper) legend(key string, rows []legendRow) string {
	id := m.w.id(key)
	var b strings.Builder
	b.WriteString(`<<TABLE BORDER="1" COLOR="#BBBBBB" CELLBORDER="0" CELLSPACING="4" CELLPADDING="3" BGCOLOR="white">`)
	fmt.Fprintf(&b, `<TR><TD COLSPAN="2" ALIGN="LEFT"><B>%s</B></TD></TR>`, esc(m.t("Legenda", "Legend")))
	for _, r := range rows {
		switch {
		case r.fill != "":
			border := r.border
			if border == "" {
				border = inkColour
			}
			fmt.Fprintf(&b, `<TR><TD BGCOLOR="%s" BORDER="1" COLOR="%s" WIDTH="26" HEIGHT="16" FIXEDSIZE="TRUE"> </TD><TD ALIGN="LEFT">%s</TD></TR>`, r.fill, border, esc(r.text))
		case r.line != "":
			fmt.Fprintf(&b, `<TR><TD><FONT COLOR="%s"><B>——</B></FONT></TD><TD ALIGN="LEFT">%s</TD></TR>`, r.line, esc(r.text))
		default:
			fmt.Fprintf(&b, `<TR><TD COLSPAN="2" ALIGN="LEFT"><FONT POINT-SIZE="10">%s</FONT></TD></TR>`, esc(r.text))
		}
	}
	b.WriteString(`</TABLE>>`)
	m.w.line("  %s %s;", id, attrs("shape", "plain", "label", b.String(), "fontsize", "11"))
	m.nodeCount++
	return id
}

func (m *mapper) attitudeLegend() []legendRow {
	var rows []legendRow
	for _, a := range attitudes {
		border := ""
		if a == "unknown" {
			border = mutedColour
		}
		rows = append(rows, legendRow{fill: attitudeFill[a], border: border, text: m.word(attitudeNames, a)})
	}
	return rows
}

// noteNode writes a text note (what a summary leaves out, why a map is
// empty) as a plain node.
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
func (m *mapper) strength(x float64) string {
	s := strconv.FormatFloat(x, 'f', 2, 64)
	if m.req.Lang != graph.LangEN {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}
