package render

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/analysis"
)

// summaryKeep is how many stakeholders a summarised stakeholder map shows;
// above summaryTrajectories trajectories a summary shows the active ones.
const (
	summaryKeep         = 60
	summaryTrajectories = 12
)

// stakeholders draws the stakeholder map of one trajectory or of the whole
// workspace: stakeholders clustered by unit on both sides of the
// trajectories, coloured by attitude, sized by influence, with the roles on
// the stake edges and the findings marked.
func (m *mapper) stakeholders(ctx context.Context) error {
	req, b := m.req, m.b
	findings, err := analysis.Findings(ctx, b, graph.FindingParams{AsOf: req.AsOf, High: req.High, Lang: req.Lang})
	if err != nil {
		return fmt.Errorf("render: findings: %w", err)
	}
	unengaged := map[string]bool{}
	missing := map[string][]string{} // trajectory → missing roles
	for _, f := range findings {
		switch f.Code {
		case graph.CodeUnengagedKeyStakeholder:
			unengaged[f.Subject] = true
		case graph.CodeMissingSponsor:
			missing[f.Subject] = append(missing[f.Subject], "sponsor")
		case graph.CodeMissingOwner:
			missing[f.Subject] = append(missing[f.Subject], "owner")
		}
	}

	// Which trajectories and stakeholders the map is about.
	var trajs []graph.Trajectory
	for _, t := range b.Trajectories {
		if req.Trajectory == "" || t.ID == req.Trajectory {
			trajs = append(trajs, t)
		}
	}
	var stakes []graph.Stake
	influence := map[string]int{} // highest effective influence on the map
	keyRole := map[string]bool{}
	for _, s := range b.Stakes {
		if req.Trajectory != "" && s.Trajectory != req.Trajectory {
			continue
		}
		sh, ok := m.sh[s.Stakeholder]
		if !ok {
			continue
		}
		stakes = append(stakes, s)
		influence[s.Stakeholder] = max(influence[s.Stakeholder], s.EffectiveInfluence(sh))
		if s.Role == "sponsor" || s.Role == "owner" {
			keyRole[s.Stakeholder] = true
		}
	}
	var shown []graph.Stakeholder
	for _, s := range b.Stakeholders {
		if req.Trajectory == "" {
			influence[s.ID] = max(influence[s.ID], s.Influence)
			shown = append(shown, s)
		} else if _, ok := influence[s.ID]; ok {
			shown = append(shown, s)
		}
	}

	// A large map is summarised: the most influential stakeholders (and
	// every sponsor and owner) are drawn, the rest counted per unit.
	hidden := map[string][]graph.Stakeholder{} // unit → hidden stakeholders
	total := len(shown)
	if len(shown) > SummaryThreshold && !req.Full {
		ranked := slices.Clone(shown)
		slices.SortStableFunc(ranked, func(x, y graph.Stakeholder) int {
			return cmp.Or(-cmp.Compare(boolInt(keyRole[x.ID]), boolInt(keyRole[y.ID])),
				-cmp.Compare(influence[x.ID], influence[y.ID]), -cmp.Compare(x.Interest, y.Interest), cmp.Compare(x.ID, y.ID))
		})
		keep := map[string]bool{}
		for _, s := range ranked[:summaryKeep] {
			keep[s.ID] = true
		}
		var kept []graph.Stakeholder
		for _, s := range shown {
			if keep[s.ID] {
				kept = append(kept, s)
			} else {
				hidden[s.Unit] = append(hidden[s.Unit], s)
			}
		}
		shown = kept
		m.note = m.t(
			fmt.Sprintf("Samenvatting: %d van de %d belanghebbenden getoond (sponsors, eigenaren en de meeste invloed); de overige %d zijn per afdeling geteld. Vraag de volledige kaart op met de optie full (traag).", len(shown), total, total-len(shown)),
			fmt.Sprintf("Summary: %d of %d stakeholders shown (sponsors, owners and the most influential); the other %d are counted per unit. Ask for the full map with the full option (slow).", len(shown), total, total-len(shown)))
	}

	// A summary of a workspace with many trajectories shows the active
	// ones only: each trajectory is a row of the middle column.
	if len(hidden) > 0 && len(trajs) > summaryTrajectories {
		var active []graph.Trajectory
		for _, t := range trajs {
			if graph.IsActive(t.Status) {
				active = append(active, t)
			}
		}
		left := len(trajs) - len(active)
		trajs = active
		keepT := map[string]bool{}
		for _, t := range trajs {
			keepT[t.ID] = true
		}
		stakes = slices.DeleteFunc(stakes, func(s graph.Stake) bool { return !keepT[s.Trajectory] })
		m.note += " " + m.t(fmt.Sprintf("Alleen actieve trajecten getoond (%d niet actief weggelaten).", left),
			fmt.Sprintf("Only active trajectories shown (%d inactive left out).", left))
	}

	title := m.t("Belanghebbenden", "Stakeholders") + " — "
	if req.Trajectory != "" {
		title += m.traj[req.Trajectory].Name
	} else {
		title += b.Workspace.Name
	}
	m.header(title, "LR")
	w := m.w
	w.line("  graph %s;", attrs("nodesep", "0.18", "ranksep", "1.3", "splines", "true"))

	// The trajectories (and the empty slots of missing roles) form the
	// middle rank; units alternate left and right of it.
	centre := w.id("centre")
	w.line("  %s %s;", centre, attrs("shape", "point", "style", "invis", "width", "0.01"))
	var middle []string
	for _, t := range trajs {
		id := w.id("t:" + t.ID)
		middle = append(middle, id)
		fill, font := "#1F4E79", "white"
		if !graph.IsActive(t.Status) {
			fill, font = "#A6B8CC", inkColour
		}
		label := fmt.Sprintf(`<<FONT POINT-SIZE="16"><B>%s</B></FONT><BR/><FONT POINT-SIZE="11">%s</FONT>>`, esc(t.Name), esc(m.word(statusNames, t.Status)))
		w.line("  %s %s;", id, attrs("shape", "box", "style", "rounded,filled", "fillcolor", fill, "fontcolor", font,
			"color", fill, "label", label, "margin", "0.25,0.15"))
		m.nodeCount++
	}
	w.line("  { rank=same; %s %s }", centre, strings.Join(middle, " "))

	units := unitsOf(shown, hidden)
	side := map[string]bool{} // unit → right of the trajectories
	for i, u := range units {
		side[u] = i%2 == 1
	}
	for ui, u := range units {
		w.line("  subgraph cluster_%d {", ui+1)
		label := u
		if label == "" {
			label = m.t("Zonder afdeling", "No unit")
		}
		w.line("    graph %s;", attrs("label", "<<B>"+esc(label)+"</B>>", "fontsize", "14", "style", "rounded,filled",
			"fillcolor", "#F7F7F7", "color", "#C8C8C8", "labeljust", "l", "margin", "12"))
		for _, s := range shown {
			if s.Unit != u {
				continue
			}
			m.stakeholderNode(s, influence[s.ID], unengaged[s.ID])
		}
		if hs := hidden[u]; len(hs) > 0 {
			id := w.id("hidden:" + u)
			key := 0
			for _, s := range hs {
				if influence[s.ID] >= req.High {
					key++
				}
			}
			text := m.t(fmt.Sprintf("+ %d anderen", len(hs)), fmt.Sprintf("+ %d others", len(hs)))
			sub := m.t(fmt.Sprintf("waarvan %d met veel invloed", key), fmt.Sprintf("%d of them highly influential", key))
			w.line("    %s %s;", id, attrs("shape", "box", "style", "rounded,dashed", "color", mutedColour, "fontcolor", "#555555",
				"label", "<"+esc(text)+`<BR/><FONT POINT-SIZE="10">`+esc(sub)+"</FONT>>"))
			m.nodeCount++
		}
		w.line("  }")
	}

	// Stake edges point from the stakeholder to the trajectory; on the
	// right-hand side they are laid out reversed so the trajectory stays in
	// the middle.
	edge := func(shID, tID string, right bool, a ...string) {
		from, to := w.id("s:"+shID), w.id("t:"+tID)
		if right {
			w.line("  %s -> %s %s;", to, from, attrs(append(a, "dir", "back")...))
		} else {
			w.line("  %s -> %s %s;", from, to, attrs(a...))
		}
	}
	isShown := map[string]bool{}
	for _, s := range shown {
		isShown[s.ID] = true
	}
	linked := map[string]bool{}
	for _, s := range stakes {
		if !isShown[s.Stakeholder] {
			continue
		}
		linked[s.Stakeholder] = true
		right := side[m.sh[s.Stakeholder].Unit]
		role := m.word(roleNames, s.Role)
		switch s.Role {
		case "sponsor":
			edge(s.Stakeholder, s.Trajectory, right, "color", okBlue, "penwidth", "3", "label", "<<B>"+esc(role)+"</B>>", "fontcolor", okBlue)
		case "owner":
			edge(s.Stakeholder, s.Trajectory, right, "color", okPurple, "penwidth", "3", "label", "<<B>"+esc(role)+"</B>>", "fontcolor", "#9E4F7E")
		case "learner":
			edge(s.Stakeholder, s.Trajectory, right, "color", inkColour, "penwidth", "1.5", "label", role)
		default:
			edge(s.Stakeholder, s.Trajectory, right, "color", "#A0A0A0", "penwidth", "1", "label", role, "fontcolor", "#707070", "fontsize", "9")
		}
	}
	// Stakeholders without a stake on the map hang on the centre, invisibly,
	// so that they stay on their unit's side.
	for _, s := range shown {
		if linked[s.ID] {
			continue
		}
		if side[s.Unit] {
			w.line("  %s -> %s [style=invis];", centre, w.id("s:"+s.ID))
		} else {
			w.line("  %s -> %s [style=invis];", w.id("s:"+s.ID), centre)
		}
	}
	for _, u := range units {
		if len(hidden[u]) == 0 {
			continue
		}
		if side[u] {
			w.line("  %s -> %s [style=invis];", centre, w.id("hidden:"+u))
		} else {
			w.line("  %s -> %s [style=invis];", w.id("hidden:"+u), centre)
		}
	}

	// Missing sponsors and owners get an empty, dashed slot.
	for _, t := range trajs {
		for _, role := range missing[t.ID] {
			id := w.id("missing:" + role + ":" + t.ID)
			text := m.t("ontbreekt", "missing")
			w.line("  %s %s;", id, attrs("shape", "box", "style", "rounded,dashed,bold", "color", okVermilion, "fontcolor", okVermilion,
				"label", "<<B>"+esc(m.word(roleNames, role))+"?</B><BR/>"+`<FONT POINT-SIZE="10">`+esc(text)+"</FONT>>", "width", "1.4"))
			m.nodeCount++
			w.line("  %s -> %s %s;", id, w.id("t:"+t.ID), attrs("style", "dashed", "color", okVermilion, "penwidth", "2",
				"label", m.word(roleNames, role), "fontcolor", okVermilion))
		}
	}

	// Influence among the stakeholders shown, light, so the roles stand out.
	for _, in := range b.Influences {
		if isShown[in.From] && isShown[in.To] {
			w.line("  %s -> %s %s;", w.id("s:"+in.From), w.id("s:"+in.To), attrs("color", "#B8B8B8", "style", "dashed",
				"constraint", "false", "penwidth", strconv.FormatFloat(0.6+in.Strength, 'f', 1, 64), "arrowsize", "0.5"))
		}
	}

	rows := m.attitudeLegend()
	rows = append(rows,
		legendRow{line: okBlue, text: m.word(roleNames, "sponsor")},
		legendRow{line: okPurple, text: m.word(roleNames, "owner")},
		legendRow{line: inkColour, text: m.word(roleNames, "learner")},
		legendRow{line: "#B8B8B8", text: m.t("invloed (gestippeld)", "influence (dashed)")},
		legendRow{text: m.t("Grootte: invloed · dubbele rand: veel invloed,", "Size: influence · double border: high influence,")},
		legendRow{text: m.t("geen recent contact met L&D", "no recent contact with L&D")},
		legendRow{text: m.t("Rode stippelrand: ontbrekende sponsor of eigenaar", "Red dashed box: missing sponsor or owner")},
	)
	leg := m.legend("legend", rows)
	w.line("  %s -> %s [style=invis];", centre, leg)
	if m.note != "" {
		note := m.noteNode("note", wrap(m.note, 70)...)
		w.line("  %s -> %s [style=invis];", centre, note)
	}
	if len(trajs) == 0 && len(shown) == 0 {
		m.noteNode("empty", m.t("Deze werkruimte heeft nog geen belanghebbenden.", "This workspace has no stakeholders yet."))
	}
	w.line("}")
	return nil
}

// stakeholderNode writes one stakeholder: fill by attitude, size by
// influence, a double border when the stakeholder is key and unengaged.
func (m *mapper) stakeholderNode(s graph.Stakeholder, influence int, unengaged bool) {
	id := m.w.id("s:" + s.ID)
	size := 10 + 1.5*float64(max(influence, 1))
	var label strings.Builder
	fmt.Fprintf(&label, `<<FONT POINT-SIZE="%s"><B>%s</B></FONT>`, strconv.FormatFloat(size, 'f', 1, 64), esc(m.shName(s)))
	if sub := m.shSub(s, false); sub != "" {
		fmt.Fprintf(&label, `<BR/><FONT POINT-SIZE="10">%s</FONT>`, esc(sub))
	}
	if unengaged {
		fmt.Fprintf(&label, `<BR/><FONT POINT-SIZE="9"><I>%s</I></FONT>`, esc(m.t("geen recent contact", "no recent contact")))
	}
	label.WriteString(">")
	style := "rounded,filled"
	colour := inkColour
	if s.Attitude == "unknown" || attitudeFill[s.Attitude] == "" {
		style += ",dashed"
		colour = "#555555"
	}
	a := []string{"shape", "box", "style", style, "fillcolor", cmp.Or(attitudeFill[s.Attitude], "#FFFFFF"), "color", colour,
		"penwidth", strconv.FormatFloat(0.6+0.3*float64(influence), 'f', 1, 64), "label", label.String(), "margin", "0.14,0.07"}
	if unengaged {
		a = append(a, "peripheries", "2")
	}
	m.w.line("    %s %s;", id, attrs(a...))
	m.nodeCount++
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// unitsOf lists the units of the stakeholders, sorted, "" (no unit) last.
func unitsOf(shown []graph.Stakeholder, hidden map[string][]graph.Stakeholder) []string {
	set := map[string]bool{}
	for _, s := range shown {
		set[s.Unit] = true
	}
	for u := range hidden {
		set[u] = true
	}
	var units []string
	for u := range set {
		units = append(units, u)
	}
	slices.SortFunc(units, func(a, b string) int {
		if (a == "") != (b == "") {
			return boolInt(a == "") - boolInt(b == "")
		}
		return cmp.Compare(a, b)
	})
	return units
}

// wrap breaks text into lines of at most width runes at spaces.
func wrap(text string, width int) []string {
	var lines []string
	var cur []string
	n := 0
	for _, word := range strings.Fields(text) {
		l := len([]rune(word))
		if n > 0 && n+1+l > width {
			lines = append(lines, strings.Join(cur, " "))
			cur, n = nil, 0
		}
		if n > 0 {
			n++
		}
		cur = append(cur, word)
		n += l
	}
	if len(cur) > 0 {
		lines = append(lines, strings.Join(cur, " "))
	}
	return lines
}

// Quadrant tints: light, so the grid prints well.
var quadrantTint = map[string]string{
	graph.QuadrantManageClosely: "#FBE3D2",
	graph.QuadrantKeepSatisfied: "#DCEBF7",
	graph.QuadrantKeepInformed:  "#DDF0E6",
	graph.QuadrantMonitor:       "#EFEFEF",
}

var quadrantNames = map[string][2]string{
	graph.QuadrantManageClosely: {"Nauw betrekken", "Manage closely"},
	graph.QuadrantKeepSatisfied: {"Tevreden houden", "Keep satisfied"},
	graph.QuadrantKeepInformed:  {"Informeren", "Keep informed"},
	graph.QuadrantMonitor:       {"Monitoren", "Monitor"},
}

// gridCellMax is how many stakeholders one grid cell lists before it
// counts the rest.
const gridCellMax = 8

// grid draws the power–interest grid as one HTML table: influence rows
// 5..1, interest columns 1..5, tinted by quadrant, each stakeholder a
// coloured cell in its (influence, interest) cell. A table cannot overlap
// its cells, so stakeholders sharing a cell never overlap.
func (m *mapper) grid() error {
	req, b := m.req, m.b
	g, err := analysis.Grid(b, req.Trajectory, req.High)
	if err != nil {
		return fmt.Errorf("render: %w", err)
	}
	// Values by which each stakeholder is placed: effective values on the
	// trajectory (the highest among its stakes), or its own.
	infl, inte := map[string]int{}, map[string]int{}
	if req.Trajectory != "" {
		for _, s := range b.Stakes {
			sh, ok := m.sh[s.Stakeholder]
			if s.Trajectory != req.Trajectory || !ok {
				continue
			}
			infl[sh.ID] = max(infl[sh.ID], s.EffectiveInfluence(sh))
			inte[sh.ID] = max(inte[sh.ID], s.EffectiveInterest(sh))
		}
	} else {
		for _, s := range b.Stakeholders {
			infl[s.ID], inte[s.ID] = s.Influence, s.Interest
		}
	}
	cells := map[[2]int][]graph.Stakeholder{}
	count := 0
	for _, q := range graph.Quadrants {
		for _, id := range g.Quadrants[q] {
			s := m.sh[id]
			c := [2]int{clamp(infl[id]), clamp(inte[id])}
			cells[c] = append(cells[c], s)
			count++
		}
	}
	// Every entry gets the same fixed size, wide enough for the widest
	// name in the painter's font: otherwise Graphviz stretches the entries
	// of a sparse cell to the height of its row.
	fam, err := family()
	if err != nil {
		return err
	}
	entryW := 100.0
	for _, ss := range cells {
		for _, s := range ss {
			entryW = max(entryW, textWidthPt(fam, m.shName(s), 11, false)+12)
		}
	}
	entryW = math.Ceil(entryW)
	for c := range cells {
		slices.SortFunc(cells[c], func(x, y graph.Stakeholder) int {
			return cmp.Or(cmp.Compare(m.shName(x), m.shName(y)), cmp.Compare(x.ID, y.ID))
		})
	}

	title := m.t("Invloed en belang", "Power and interest") + " — "
	if req.Trajectory != "" {
		title += m.traj[req.Trajectory].Name
	} else {
		title += b.Workspace.Name
	}
	m.header(title, "TB")
	high := req.High
	quadrant := func(i, j int) string {
		switch {
		case i >= high && j >= high:
			return graph.QuadrantManageClosely
		case i >= high:
			return graph.QuadrantKeepSatisfied
		case j >= high:
			return graph.QuadrantKeepInformed
		}
		return graph.QuadrantMonitor
	}
	var t strings.Builder
	t.WriteString(`<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="3" CELLPADDING="6" BGCOLOR="white">`)
	titleRow := func(left, right string) {
		t.WriteString(`<TR><TD></TD>`)
		for _, q := range []struct {
			name string
			span int
		}{{left, high - 1}, {right, 6 - high}} {
			if q.span <= 0 {
				continue
			}
			n := quadrantNames[q.name]
			label := "<B>" + esc(m.t(n[0], n[1])) + "</B>"
			if req.Lang != graph.LangEN {
				label += ` <FONT POINT-SIZE="11" COLOR="#555555">(` + esc(n[1]) + `)</FONT>`
			}
			fmt.Fprintf(&t, `<TD COLSPAN="%d" BGCOLOR="%s" ALIGN="LEFT"><FONT POINT-SIZE="15">%s</FONT></TD>`, q.span, quadrantTint[q.name], label)
		}
		t.WriteString(`</TR>`)
	}
	row := func(i int) {
		fmt.Fprintf(&t, `<TR><TD ALIGN="RIGHT"><FONT POINT-SIZE="13"><B>%d</B></FONT></TD>`, i)
		for j := 1; j <= 5; j++ {
			fmt.Fprintf(&t, `<TD BGCOLOR="%s" WIDTH="%g" HEIGHT="56" VALIGN="TOP">`, quadrantTint[quadrant(i, j)], entryW+12)
			ss := cells[[2]int{i, j}]
			if len(ss) > 0 {
				t.WriteString(`<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="3" CELLPADDING="3">`)
				for k, s := range ss {
					if k == gridCellMax {
						fmt.Fprintf(&t, `<TR><TD BORDER="0"><FONT POINT-SIZE="10">%s</FONT></TD></TR>`, esc(m.t(fmt.Sprintf("+ %d anderen", len(ss)-k), fmt.Sprintf("+ %d others", len(ss)-k))))
						break
					}
					fmt.Fprintf(&t, `<TR><TD BGCOLOR="%s" COLOR="%s" FIXEDSIZE="TRUE" WIDTH="%g" HEIGHT="20"><FONT POINT-SIZE="11">%s</FONT></TD></TR>`,
						cmp.Or(attitudeFill[s.Attitude], "#FFFFFF"), inkColour, entryW, esc(m.shName(s)))
				}
				t.WriteString(`</TABLE>`)
			} else {
				t.WriteString(" ")
			}
			t.WriteString(`</TD>`)
		}
		t.WriteString(`</TR>`)
	}
	titleRow(graph.QuadrantKeepSatisfied, graph.QuadrantManageClosely)
	for i := 5; i >= high; i-- {
		row(i)
	}
	titleRow(graph.QuadrantMonitor, graph.QuadrantKeepInformed)
	for i := high - 1; i >= 1; i-- {
		row(i)
	}
	t.WriteString(`<TR><TD></TD>`)
	for j := 1; j <= 5; j++ {
		fmt.Fprintf(&t, `<TD><FONT POINT-SIZE="13"><B>%d</B></FONT></TD>`, j)
	}
	t.WriteString(`</TR>`)
	fmt.Fprintf(&t, `<TR><TD></TD><TD COLSPAN="5"><FONT POINT-SIZE="13">%s</FONT></TD></TR>`,
		esc(m.t("Belang →   (rijen: invloed ↑)", "Interest →   (rows: influence ↑)")))
	// The attitude legend closes the table.
	t.WriteString(`<TR><TD></TD><TD COLSPAN="5"><TABLE BORDER="0" CELLSPACING="4" CELLPADDING="3"><TR>`)
	fmt.Fprintf(&t, `<TD><B>%s:</B></TD>`, esc(m.t("Houding", "Attitude")))
	for _, a := range attitudes {
		fmt.Fprintf(&t, `<TD BGCOLOR="%s" BORDER="1" COLOR="%s">%s</TD>`, attitudeFill[a], inkColour, esc(m.word(attitudeNames, a)))
	}
	t.WriteString(`</TR></TABLE></TD></TR></TABLE>>`)
	m.w.line("  %s %s;", m.w.id("grid"), attrs("shape", "plain", "label", t.String()))
	m.nodeCount = count + 1
	if count == 0 {
		m.noteNode("empty", m.t("Geen belanghebbenden om te plaatsen.", "No stakeholders to place."))
	}
	m.w.line("}")
	return nil
}

func clamp(v int) int { return min(max(v, 1), 5) }

// pathColours tell the alternative paths apart.
var pathColours = []string{okBlue, okOrange, okGreen, okPurple, okVermilion, okSkyBlue}

// path draws the best influence paths from one stakeholder to another on
// the network around them.
func (m *mapper) path(ctx context.Context) error {
	req, b := m.req, m.b
	paths, err := analysis.Paths(ctx, b, graph.PathQuery{From: req.From, To: req.To, Mode: req.Mode, K: req.K})
	if err != nil {
		return fmt.Errorf("render: %w", err)
	}
	// The map shows the paths' nodes and their direct neighbours in the
	// influence network, at most maxContext of them.
	const maxContext = 40
	adj := map[string][]string{}
	for _, in := range b.Influences {
		adj[in.From] = append(adj[in.From], in.To)
		adj[in.To] = append(adj[in.To], in.From)
	}
	for _, r := range b.ReportsTo {
		adj[r.From] = append(adj[r.From], r.To)
		adj[r.To] = append(adj[r.To], r.From)
	}
	on := map[string]bool{req.From: true, req.To: true}
	for _, p := range paths {
		for _, n := range p.Nodes {
			on[n] = true
		}
	}
	show := map[string]bool{}
	for n := range on {
		show[n] = true
	}
	var around []string
	for n := range on {
		for _, x := range adj[n] {
			if !show[x] && !slices.Contains(around, x) {
				around = append(around, x)
			}
		}
	}
	slices.Sort(around)
	for _, x := range around[:min(len(around), maxContext)] {
		show[x] = true
	}

	title := m.t("Invloedspaden", "Influence paths") + " — " + m.name(req.From) + " → " + m.name(req.To)
	m.header(title, "LR")
	w := m.w
	w.line("  graph %s;", attrs("nodesep", "0.3", "ranksep", "0.9"))
	for _, s := range b.Stakeholders {
		if !show[s.ID] {
			continue
		}
		a := []string{"shape", "box", "style", "rounded,filled", "fillcolor", cmp.Or(attitudeFill[s.Attitude], "#FFFFFF"),
			"label", "<<B>" + esc(m.shName(s)) + "</B>" + subLine(m.shSub(s, true)) + ">", "margin", "0.14,0.07"}
		if !on[s.ID] {
			a = append(a, "color", mutedColour, "fontcolor", "#444444", "fontsize", "11")
		} else {
			a = append(a, "penwidth", "2")
		}
		if s.ID == req.From || s.ID == req.To {
			a = append(a, "peripheries", "2", "penwidth", "2.5")
		}
		w.line("  %s %s;", w.id("s:"+s.ID), attrs(a...))
		m.nodeCount++
	}
	for _, in := range b.Influences {
		if show[in.From] && show[in.To] {
			w.line("  %s -> %s %s;", w.id("s:"+in.From), w.id("s:"+in.To), attrs("color", "#BBBBBB", "penwidth", "1"))
		}
	}
	for _, r := range b.ReportsTo {
		if show[r.From] && show[r.To] {
			w.line("  %s -> %s %s;", w.id("s:"+r.From), w.id("s:"+r.To), attrs("color", "#BBBBBB", "style", "dotted", "arrowhead", "none"))
		}
	}
	strengths := edgeStrengths(b)
	rows := []legendRow{}
	for i, p := range paths {
		c := pathColours[i%len(pathColours)]
		for k := 0; k+1 < len(p.Nodes); k++ {
			x, y := p.Nodes[k], p.Nodes[k+1]
			w.line("  %s -> %s %s;", w.id("s:"+x), w.id("s:"+y), attrs("color", c, "penwidth", strconv.FormatFloat(max(4-0.6*float64(i), 1.5), 'f', 1, 64),
				"label", "<<B>"+strconv.Itoa(i+1)+"</B>: "+m.strength(strengths[[2]string{x, y}])+">", "fontcolor", c))
		}
		rows = append(rows, legendRow{line: c, text: m.t(
			fmt.Sprintf("Pad %d: sterkte %s, %d stap(pen)", i+1, m.strength(p.Strength), p.Hops),
			fmt.Sprintf("Path %d: strength %s, %d hop(s)", i+1, m.strength(p.Strength), p.Hops))})
	}
	if len(paths) == 0 {
		rows = append(rows, legendRow{text: m.t("Geen pad gevonden.", "No path found.")})
	}
	rows = append(rows,
		legendRow{text: m.t("Sterkte van een pad: product van de sterktes van zijn stappen", "Path strength: product of its steps' strengths")},
		legendRow{text: m.t("Grijs: invloed · gestippeld: rapportagelijn", "Grey: influence · dotted: reporting line")},
	)
	rows = append(rows, m.attitudeLegend()...)
	m.legend("legend", rows)
	w.line("}")
	return nil
}

// edgeStrengths is the strength of every edge of the influence network, as
// the path analysis counts it: the strongest of an Influence and the
// hierarchy's default strength for a reporting line.
func edgeStrengths(b *graph.Bundle) map[[2]string]float64 {
	s := map[[2]string]float64{}
	for _, r := range b.ReportsTo {
		for _, k := range [][2]string{{r.From, r.To}, {r.To, r.From}} {
			s[k] = max(s[k], graph.DefaultHierarchyStrength)
		}
	}
	for _, in := range b.Influences {
		k := [2]string{in.From, in.To}
		s[k] = max(s[k], in.Strength)
	}
	return s
}

func subLine(s string) string {
	if s == "" {
		return ""
	}
	return `<BR/><FONT POINT-SIZE="10">` + esc(s) + `</FONT>`
}

var enablerFill = map[string]string{"missing": "#F6C9A8", "planned": "#F7F0B0", "ready": "#BFE6D5"}

// dependencies draws trajectories, the enablers and trajectories they
// depend on, and the goals they support; blocked trajectories and
// dependency cycles are marked.
func (m *mapper) dependencies(ctx context.Context) error {
	req, b := m.req, m.b
	findings, err := analysis.Findings(ctx, b, graph.FindingParams{AsOf: req.AsOf, High: req.High, Lang: req.Lang, Only: graph.GroupStrategy})
	if err != nil {
		return fmt.Errorf("render: findings: %w", err)
	}
	blockedBy := map[string][]string{}
	inCycle := map[[2]string]bool{}
	for _, f := range findings {
		switch f.Code {
		case graph.CodeBlocked:
			blockedBy[f.Subject] = f.Related
		case graph.CodeDependencyCycle:
			for i, id := range f.Related {
				inCycle[[2]string{id, f.Related[(i+1)%len(f.Related)]}] = true
			}
		}
	}
	m.header(m.t("Afhankelijkheden", "Dependencies")+" — "+b.Workspace.Name, "LR")
	w := m.w
	w.line("  graph %s;", attrs("nodesep", "0.3", "ranksep", "1.1"))
	for _, t := range b.Trajectories {
		label := "<<B>" + esc(t.Name) + "</B>" + subLine(m.word(statusNames, t.Status))
		a := []string{"shape", "box", "style", "rounded,filled", "fillcolor", "#DCE6F2", "margin", "0.16,0.08"}
		if !graph.IsActive(t.Status) {
			a[5] = "#F2F2F2"
		}
		if len(blockedBy[t.ID]) > 0 {
			label += `<BR/><FONT POINT-SIZE="10" COLOR="` + okVermilion + `"><B>` + esc(m.t("GEBLOKKEERD", "BLOCKED")) + `</B></FONT>`
			a = append(a, "color", okVermilion, "penwidth", "3")
		}
		w.line("  %s %s;", w.id(t.ID), attrs(append(a, "label", label+">")...))
		m.nodeCount++
	}
	for _, e := range b.Enablers {
		label := "<<B>" + esc(e.Name) + "</B>" + subLine(m.word(statusNames, e.Status))
		w.line("  %s %s;", w.id(e.ID), attrs("shape", "box", "style", "filled", "fillcolor", cmp.Or(enablerFill[e.Status], "#FFFFFF"), "label", label+">", "margin", "0.14,0.07"))
		m.nodeCount++
	}
	for _, g := range b.Goals {
		w.line("  %s %s;", w.id(g.ID), attrs("shape", "ellipse", "style", "filled", "fillcolor", "#FFF6CC", "label", "<<B>"+esc(g.Name)+"</B>>"))
		m.nodeCount++
	}
	for _, d := range b.DependsOn {
		a := []string{"color", inkColour, "penwidth", "1.5"}
		if slices.Contains(blockedBy[d.Trajectory], d.On) {
			a = []string{"color", okVermilion, "penwidth", "2.5"}
		}
		if inCycle[[2]string{d.Trajectory, d.On}] {
			a = []string{"color", okPurple, "penwidth", "3", "label", m.t("kring", "cycle"), "fontcolor", okPurple}
		}
		w.line("  %s -> %s %s;", w.id(d.Trajectory), w.id(d.On), attrs(a...))
	}
	for _, s := range b.Supports {
		w.line("  %s -> %s %s;", w.id(s.Trajectory), w.id(s.Goal), attrs("color", okBlue, "style", "dashed", "penwidth", "1.5"))
	}
	m.legend("legend", []legendRow{
		{fill: "#DCE6F2", text: m.t("Traject (actief)", "Trajectory (active)")},
		{fill: "#F2F2F2", text: m.t("Traject (niet actief)", "Trajectory (not active)")},
		{fill: enablerFill["missing"], text: m.t("Randvoorwaarde: ontbreekt", "Enabler: missing")},
		{fill: enablerFill["planned"], text: m.t("Randvoorwaarde: gepland", "Enabler: planned")},
		{fill: enablerFill["ready"], text: m.t("Randvoorwaarde: gereed", "Enabler: ready")},
		{fill: "#FFF6CC", text: m.t("Strategisch doel", "Strategic goal")},
		{line: inkColour, text: m.t("hangt af van", "depends on")},
		{line: okVermilion, text: m.t("blokkeert (nog niet gereed)", "blocks (not ready yet)")},
		{line: okPurple, text: m.t("kringafhankelijkheid", "dependency cycle")},
		{line: okBlue, text: m.t("ondersteunt doel (gestreept)", "supports goal (dashed)")},
	})
	if len(b.Trajectories)+len(b.Enablers)+len(b.Goals) == 0 {
		m.noteNode("empty", m.t("Nog geen trajecten, randvoorwaarden of doelen.", "No trajectories, enablers or goals yet."))
	}
	w.line("}")
	return nil
}
