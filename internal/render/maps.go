package render

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/analysis"
	"github.com/stakemap/stakemap/internal/locale"
)

// summaryKeep is how many stakeholders a summarised stakeholder map on an
// auto page shows; above summaryTrajectories trajectories a summary shows
// the active ones.
const (
	summaryKeep         = 60
	summaryTrajectories = 12
)

// Longest names drawn in full; longer ones end in "…" so that one long
// title cannot widen a map past its page.
const (
	maxNameRunes  = 40
	maxTitleRunes = 44
)

// fixedPage reports whether the map is drawn on a page of fixed size.
func (m *mapper) fixedPage() bool { return m.req.Page != PageAuto }

// portrait reports whether the page is taller than wide.
func (m *mapper) portrait() bool {
	s, ok := pageSizes[m.req.Page]
	return ok && s[1] > s[0]
}

// firstGuess is how many items to try on a fixed page before any layout
// says more: a generous estimate of what a page holds at the smallest
// readable text, items rows high, in columns.
func (m *mapper) firstGuess(rowHeight float64, columns int) int {
	s, ok := pageSizes[m.req.Page]
	if !ok {
		return 0
	}
	usable := (s[1] - 120) / (minTextPt / 10)
	if s[1] > s[0] {
		usable *= 0.7 // the legend takes the bottom of a portrait page
	}
	return max(1, int(1.2*float64(columns)*usable/rowHeight))
}

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
	var candidates []graph.Stakeholder
	for _, s := range b.Stakeholders {
		if req.Trajectory == "" {
			influence[s.ID] = max(influence[s.ID], s.Influence)
			candidates = append(candidates, s)
		} else if _, ok := influence[s.ID]; ok {
			candidates = append(candidates, s)
		}
	}
	total := len(candidates)
	m.total = total

	// What is drawn: a slice of everyone in unit order (a part), or the
	// most important stakeholders with the rest counted per unit (a
	// summary), or everyone.
	hidden := map[string][]graph.Stakeholder{} // unit → stakeholders counted, not drawn
	shown := candidates
	continuedUnit := "\x00" // the unit a part starts in the middle of
	limit := m.sel.limit
	if limit == 0 && m.fixedPage() {
		columns := 2
		if m.portrait() {
			columns = 1
		}
		limit = m.firstGuess(50, columns)
	}
	if limit == 0 && !req.Full && total > SummaryThreshold {
		limit = summaryKeep
	}
	if m.sel.part > 0 {
		ordered := slices.Clone(candidates)
		order := map[string]int{}
		for i, u := range unitsOf(candidates, nil) {
			order[u] = i
		}
		slices.SortStableFunc(ordered, func(x, y graph.Stakeholder) int {
			return cmp.Or(cmp.Compare(order[x.Unit], order[y.Unit]), cmp.Compare(m.shName(x, true), m.shName(y, true)), cmp.Compare(x.ID, y.ID))
		})
		from := min(m.sel.from, len(ordered))
		end := len(ordered)
		if limit > 0 {
			end = min(end, from+limit)
		}
		shown = ordered[from:end]
		if from > 0 && from < len(ordered) && ordered[from-1].Unit == ordered[from].Unit {
			continuedUnit = ordered[from].Unit
		}
		if req.Trajectory == "" {
			// A part of the workspace map shows the trajectories its
			// stakeholders hold stakes in.
			onPart := map[string]bool{}
			for _, s := range shown {
				onPart[s.ID] = true
			}
			linked := map[string]bool{}
			for _, s := range stakes {
				if onPart[s.Stakeholder] {
					linked[s.Trajectory] = true
				}
			}
			trajs = slices.DeleteFunc(trajs, func(t graph.Trajectory) bool { return !linked[t.ID] })
		}
	} else if limit > 0 && limit < total {
		ranked := slices.Clone(candidates)
		slices.SortStableFunc(ranked, func(x, y graph.Stakeholder) int {
			return cmp.Or(-cmp.Compare(boolInt(keyRole[x.ID]), boolInt(keyRole[y.ID])),
				-cmp.Compare(influence[x.ID], influence[y.ID]), -cmp.Compare(x.Interest, y.Interest), cmp.Compare(x.ID, y.ID))
		})
		keep := map[string]bool{}
		for _, s := range ranked[:limit] {
			keep[s.ID] = true
		}
		shown = nil
		for _, s := range candidates {
			if keep[s.ID] {
				shown = append(shown, s)
			} else {
				hidden[s.Unit] = append(hidden[s.Unit], s)
			}
		}
		m.note = m.t(
			fmt.Sprintf("Samenvatting: %d van de %d belanghebbenden getoond (sponsors, eigenaren en wie de meeste invloed heeft); de overige %d zijn per afdeling geteld.", len(shown), total, total-len(shown)),
			fmt.Sprintf("Summary: %d of %d stakeholders shown (sponsors, owners and the most influential); the other %d are counted per unit.", len(shown), total, total-len(shown)))
		if m.fixedPage() {
			m.note += " " + m.t("Iedereen: de kaart in delen (deel 1, 2, …).", "Everyone: the map in parts (part 1, 2, …).")
		} else {
			m.note += " " + m.t("Vraag de volledige kaart op met de optie full (traag).", "Ask for the full map with the full option (slow).")
		}
	}
	m.shown = len(shown)

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
		m.note += " " + m.t(fmt.Sprintf("Alleen actieve trajecten getoond (%d niet actief weggelaten).", left),
			fmt.Sprintf("Only active trajectories shown (%d inactive left out).", left))
	}
	keepT := map[string]bool{}
	for _, t := range trajs {
		keepT[t.ID] = true
	}
	stakes = slices.DeleteFunc(stakes, func(s graph.Stake) bool { return !keepT[s.Trajectory] })
	if m.note != "" {
		m.notes = append(m.notes, m.note)
	}

	m.heading(m.t("Belanghebbenden", "Stakeholders"), "")
	m.header("LR")
	w := m.w
	w.line("  graph %s;", attrs("nodesep", "0.16", "ranksep", "0.9", "splines", "true"))

	// The trajectories (and the empty slots of missing roles) form the
	// middle rank; units alternate left and right of it (on a portrait
	// page they all go left, so that the map is narrow enough).
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
		size, margin := 15, "0.2,0.12"
		if req.Trajectory == "" && m.fixedPage() {
			size, margin = 13, "0.12,0.06"
		}
		label := fmt.Sprintf(`<<FONT POINT-SIZE="%d"><B>%s</B></FONT><BR/><FONT POINT-SIZE="11">%s</FONT>>`, size, wrapLabel(t.Name, 26), esc(m.word(statusNames, t.Status)))
		w.line("  %s %s;", id, attrs("shape", "box", "style", "rounded,filled", "fillcolor", fill, "fontcolor", font,
			"color", fill, "label", label, "margin", margin))
		m.nodeCount++
	}
	w.line("  { rank=same; %s %s }", centre, strings.Join(middle, " "))

	units := unitsOf(shown, hidden)
	// A whole-workspace map on a page names people only, so that it
	// stays an overview; a trajectory's map also gives their titles.
	compact := req.Trajectory == "" && m.fixedPage()
	// On a page, the units of a summary of which nobody is drawn are
	// counted together in one box, so that many small units do not take
	// the page's height.
	var rest []string
	if m.fixedPage() && len(hidden) > 0 {
		drawn := map[string]bool{}
		for _, s := range shown {
			drawn[s.Unit] = true
		}
		for _, u := range units {
			if !drawn[u] {
				rest = append(rest, u)
			}
		}
		if len(rest) < 2 {
			rest = nil
		}
		units = slices.DeleteFunc(units, func(u string) bool { return slices.Contains(rest, u) })
	}
	restHeight := 0.0
	if len(rest) > 0 {
		restHeight = 30 + 15*float64(len(rest))
	}
	place := m.placeUnits(units, shown, hidden, compact, restHeight)
	for ui, u := range units {
		w.line("  subgraph cluster_%d {", ui+1)
		label := ellipsis(u, maxNameRunes)
		if label == "" {
			label = m.t("Zonder afdeling", "No unit")
		}
		if u == continuedUnit {
			label += m.t(" (vervolg)", " (continued)")
		}
		w.line("    graph %s;", attrs("label", "<<B>"+esc(label)+"</B>>", "fontsize", "13", "style", "rounded,filled",
			"fillcolor", "#F4F4F4", "color", "#C8C8C8", "labeljust", "l", "margin", "10"))
		for _, s := range shown {
			if s.Unit != u {
				continue
			}
			m.stakeholderNode(s, influence[s.ID], unengaged[s.ID], compact)
		}
		if hs := hidden[u]; len(hs) > 0 {
			id := w.id("hidden:" + u)
			key := 0
			for _, s := range hs {
				if influence[s.ID] >= req.High {
					key++
				}
			}
			label := "<" + esc(m.others(len(hs))) + `<BR/><FONT POINT-SIZE="10">` + esc(m.t(fmt.Sprintf("waarvan %d met veel invloed", key), fmt.Sprintf("%d of them highly influential", key))) + "</FONT>>"
			if compact {
				label = "<" + esc(m.others(len(hs))) + " " + esc(m.t(fmt.Sprintf("(%d met veel invloed)", key), fmt.Sprintf("(%d highly influential)", key))) + ">"
			}
			w.line("    %s %s;", id, attrs("shape", "box", "style", "rounded,dashed", "color", mutedColour, "fontcolor", "#444444", "fontsize", "11",
				"label", label, "margin", "0.1,0.04"))
			m.nodeCount++
		}
		w.line("  }")
	}
	if len(rest) > 0 {
		var lines []string
		var people []graph.Stakeholder
		for _, u := range rest {
			key := 0
			for _, s := range hidden[u] {
				if influence[s.ID] >= req.High {
					key++
				}
			}
			people = append(people, hidden[u]...)
			name := ellipsis(cmp.Or(u, m.t("Zonder afdeling", "No unit")), maxNameRunes)
			lines = append(lines, esc(fmt.Sprintf("%s: %d", name, len(hidden[u])))+esc(m.t(fmt.Sprintf(" (%d met veel invloed)", key), fmt.Sprintf(" (%d highly influential)", key))))
		}
		hidden[restUnit] = people
		w.line("  %s %s;", w.id("hidden:"+restUnit), attrs("shape", "box", "style", "rounded,dashed", "color", mutedColour, "fontcolor", "#444444", "fontsize", "11",
			"label", "<<B>"+esc(m.t("Overige afdelingen", "Other units"))+`</B><BR ALIGN="LEFT"/>`+strings.Join(lines, `<BR ALIGN="LEFT"/>`)+`<BR ALIGN="LEFT"/>>`, "margin", "0.12,0.06"))
		m.nodeCount++
		units = append(units, restUnit)
	}
	side := func(unit string) bool { return place[unit].right }
	minlen := func(unit string) string { return strconv.Itoa(place[unit].column + 1) }

	// Stake edges point from the stakeholder to the trajectory; on the
	// right-hand side they are laid out reversed so the trajectory stays in
	// the middle.
	edge := func(shID, tID string, right bool, a ...string) {
		from, to := w.id("s:"+shID), w.id("t:"+tID)
		a = append(a, "minlen", minlen(m.sh[shID].Unit))
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
	roles := map[string]bool{}
	for _, s := range stakes {
		if !isShown[s.Stakeholder] {
			continue
		}
		linked[s.Stakeholder] = true
		roles[s.Role] = true
		right := side(m.sh[s.Stakeholder].Unit)
		role := m.word(roleNames, s.Role)
		look := roleLooks[s.Role]
		a := []string{"color", look.colour, "penwidth", strconv.FormatFloat(look.width, 'f', -1, 64), "fontcolor", look.font, "fontsize", strconv.Itoa(look.size)}
		if look.bold {
			a = append(a, "label", "<<B>"+esc(role)+"</B>>")
		} else {
			a = append(a, "label", role)
		}
		edge(s.Stakeholder, s.Trajectory, right, a...)
	}
	// Stakeholders without a stake on the map, and the counts of those
	// not drawn, hang invisibly on a trajectory (the one most of them
	// hold stakes in, else the middle one; the centre when there is
	// none), so that they stay on their unit's side and near it.
	middleID := centre
	if len(middle) > 0 {
		middleID = middle[len(middle)/2]
	}
	anchor := func(people []graph.Stakeholder) string {
		count := map[string]int{}
		for _, s := range stakes {
			for _, p := range people {
				if p.ID == s.Stakeholder {
					count[s.Trajectory]++
				}
			}
		}
		best, id := 0, middleID
		for _, t := range trajs {
			if count[t.ID] > best {
				best, id = count[t.ID], w.id("t:"+t.ID)
			}
		}
		return id
	}
	hang := func(node, unit string, people []graph.Stakeholder) {
		if side(unit) {
			w.line("  %s -> %s [style=invis, minlen=%s];", anchor(people), node, minlen(unit))
		} else {
			w.line("  %s -> %s [style=invis, minlen=%s];", node, anchor(people), minlen(unit))
		}
	}
	for _, s := range shown {
		if !linked[s.ID] {
			hang(w.id("s:"+s.ID), s.Unit, nil)
		}
	}
	for _, u := range units {
		if len(hidden[u]) > 0 {
			hang(w.id("hidden:"+u), u, hidden[u])
		}
	}

	// Missing sponsors and owners get an empty, dashed slot.
	slots := false
	for _, t := range trajs {
		for _, role := range missing[t.ID] {
			slots = true
			id := w.id("missing:" + role + ":" + t.ID)
			text := m.t("ontbreekt", "missing")
			w.line("  %s %s;", id, attrs("shape", "box", "style", "rounded,dashed,bold", "color", okVermilion, "fontcolor", "#B04A00",
				"label", "<<B>"+esc(m.word(roleNames, role))+"?</B><BR/>"+`<FONT POINT-SIZE="10">`+esc(text)+"</FONT>>", "width", "1.3"))
			m.nodeCount++
			w.line("  %s -> %s %s;", id, w.id("t:"+t.ID), attrs("style", "dashed", "color", okVermilion, "penwidth", "2",
				"label", m.word(roleNames, role), "fontcolor", "#B04A00"))
		}
	}

	// Influence among the stakeholders shown, light, so the roles stand
	// out; left out of a whole-workspace map on a page, where it is the
	// tangle that makes the map unreadable.
	influences := false
	if req.Trajectory != "" || !m.fixedPage() {
		for _, in := range b.Influences {
			if isShown[in.From] && isShown[in.To] {
				influences = true
				w.line("  %s -> %s %s;", w.id("s:"+in.From), w.id("s:"+in.To), attrs("color", influenceColour, "style", "dashed",
					"constraint", "false", "penwidth", strconv.FormatFloat(0.6+in.Strength, 'f', 1, 64), "arrowsize", "0.5"))
			}
		}
	}

	// The legend explains what this map shows.
	m.legend = m.attitudeLegend()
	for _, r := range []string{"sponsor", "owner", "learner"} {
		if !roles[r] {
			continue
		}
		look := roleLooks[r]
		m.legend = append(m.legend, legendRow{line: &lineSample{colour: look.colour, width: look.width, arrow: true}, text: m.word(roleNames, r)})
	}
	if roles["contributor"] || roles["expert"] || roles["informed"] {
		look := roleLooks["contributor"]
		m.legend = append(m.legend, legendRow{line: &lineSample{colour: look.colour, width: look.width, arrow: true},
			text: m.word(roleNames, "contributor") + ", " + m.word(roleNames, "expert") + ", " + m.word(roleNames, "informed")})
	}
	if influences {
		m.legend = append(m.legend, legendRow{line: &lineSample{colour: influenceColour, width: 1.1, dash: "dashed", arrow: true}, text: m.t("invloed", "influence")})
	}
	active, inactive := false, false
	for _, t := range trajs {
		active = active || graph.IsActive(t.Status)
		inactive = inactive || !graph.IsActive(t.Status)
	}
	if active {
		m.legend = append(m.legend, legendRow{swatch: &swatch{fill: "#1F4E79", stroke: "#1F4E79", width: 1, rounded: true}, text: m.t("traject (actief)", "trajectory (active)")})
	}
	if inactive {
		m.legend = append(m.legend, legendRow{swatch: &swatch{fill: "#A6B8CC", stroke: "#A6B8CC", width: 1, rounded: true}, text: m.t("traject (niet actief)", "trajectory (not active)")})
	}
	if slices.ContainsFunc(shown, func(s graph.Stakeholder) bool { return unengaged[s.ID] }) {
		m.legend = append(m.legend, legendRow{swatch: &swatch{fill: "#FFFFFF", stroke: inkColour, width: 1, rounded: true, double: true},
			text: m.t("dubbele rand: sleutelfiguur zonder recent contact met L&D", "double border: key stakeholder without recent contact with L&D") + " (" + m.severity(graph.CodeUnengagedKeyStakeholder) + ")"})
	}
	if slots {
		m.legend = append(m.legend, legendRow{swatch: &swatch{fill: "#FFFFFF", stroke: okVermilion, width: 2, dash: "dashed", rounded: true},
			text: m.t("ontbrekende sponsor of eigenaar", "missing sponsor or owner") + " (" + m.severity(graph.CodeMissingSponsor) + ")"})
	}
	m.legend = append(m.legend, legendRow{text: m.t("Grootte van de naam: invloed", "Size of the name: influence")})
	if len(hidden) > 0 {
		m.legend = append(m.legend, legendRow{swatch: &swatch{fill: "#FFFFFF", stroke: mutedColour, width: 1, dash: "dashed", rounded: true},
			text: m.t("niet getoonde belanghebbenden, geteld", "stakeholders counted, not drawn")})
	}
	if len(trajs) == 0 && len(shown) == 0 {
		m.noteNode("empty", m.t("Deze werkruimte heeft nog geen belanghebbenden.", "This workspace has no stakeholders yet."))
	}
	w.line("}")
	return nil
}

// restUnit stands for the units counted together on a page.
const restUnit = "\x01rest"

// unitPlace is where a unit's cluster goes: left or right of the
// trajectories, in the column next to them (0) or further out.
type unitPlace struct {
	right  bool
	column int
}

// placeUnits spreads the units over the two sides of the trajectories (on
// a portrait page all go left), balancing their estimated heights, and on
// a fixed page stacks a side in further columns when it would be taller
// than the page can show at readable size.
func (m *mapper) placeUnits(units []string, shown []graph.Stakeholder, hidden map[string][]graph.Stakeholder, compact bool, restHeight float64) map[string]unitPlace {
	person := 36.0
	if compact {
		person = 25
	}
	height := map[string]float64{}
	for _, u := range units {
		height[u] = 36
	}
	for _, s := range shown {
		height[s.Unit] += person + 12
	}
	for u := range hidden {
		if _, ok := height[u]; ok {
			height[u] += 30 + 12
		}
	}
	if restHeight > 0 {
		units = append(slices.Clone(units), restUnit)
		height[restUnit] = restHeight
	}
	sides := 2
	if m.portrait() {
		sides = 1
	}
	var side [2][]string
	var total [2]float64
	for _, u := range units {
		k := 0
		if sides == 2 && total[1] < total[0] {
			k = 1
		}
		side[k] = append(side[k], u)
		total[k] += height[u] + 10
	}
	// How tall and how many columns wide a side may be at the smallest
	// readable text, the legend and the title taken off the page.
	maxH, maxColumns := math.Inf(1), 1
	if s, ok := pageSizes[m.req.Page]; ok {
		zoom := minTextPt / 10
		maxH = (s[1] - 130) / zoom
		width := (s[0] - 2*pageMargin - 220) / zoom
		if m.portrait() {
			maxH *= 0.7
			width = (s[0] - 2*pageMargin) / zoom
		}
		maxColumns = max(1, int((width-200)/float64(sides)/240))
	}
	place := map[string]unitPlace{}
	for k := range sides {
		columns := min(maxColumns, max(1, int(math.Ceil(total[k]/maxH))))
		per := total[k] / float64(columns)
		col, h := 0, 0.0
		for _, u := range side[k] {
			if h > 0 && h+height[u]/2 > per && col < columns-1 {
				col, h = col+1, 0
			}
			place[u] = unitPlace{right: k == 1, column: col}
			h += height[u] + 10
		}
	}
	return place
}

// heading titles a map "what — trajectory" (or the workspace's name for
// the whole workspace) and puts the as-of line before its notes, naming
// the workspace on a trajectory's map; since, when not empty, names the
// earlier state of a changes map in front of it.
func (m *mapper) heading(what, since string) {
	ws, of := "", m.b.Workspace.Name
	if t := m.req.Trajectory; t != "" {
		ws, of = m.b.Workspace.Name, m.traj[t].Name
	}
	m.title = what + " — " + of
	line := m.asOfLine("")
	if since != "" {
		line = m.t("Sinds ", "Since ") + since + " · " + strings.ToLower(line[:1]) + line[1:]
	}
	if ws != "" {
		line = ws + " · " + line
	}
	m.notes = append([]string{line}, m.notes...)
}

// asOfLine says what the map shows and when: "Gemeente Oostvoorde ·
// stand van 1 november 2026".
func (m *mapper) asOfLine(workspace string) string {
	line := m.t("Stand van ", "As of ") + locale.Date(m.req.Lang, m.req.AsOf)
	if workspace != "" {
		line = workspace + " · " + line
	}
	return line
}

// roleLook is how a stake edge of a role is drawn.
type roleLook struct {
	colour, font string
	width        float64
	size         int
	bold         bool
}

var roleLooks = map[string]roleLook{
	"sponsor":     {okBlue, okBlue, 3, 12, true},
	"owner":       {okPurple, "#9E4F7E", 3, 12, true},
	"learner":     {inkColour, inkColour, 1.5, 11, false},
	"contributor": {"#A0A0A0", "#666666", 1, 10, false},
	"expert":      {"#A0A0A0", "#666666", 1, 10, false},
	"informed":    {"#A0A0A0", "#666666", 1, 10, false},
}

// influenceColour draws influence edges, light so that roles stand out.
const influenceColour = "#B0B0B0"

// stakeholderNode writes one stakeholder: fill and border by attitude,
// name size by influence, a double border when the stakeholder is key and
// unengaged.
func (m *mapper) stakeholderNode(s graph.Stakeholder, influence int, unengaged, compact bool) {
	id := m.w.id("s:" + s.ID)
	size := 11 + float64(max(influence, 1))
	if compact {
		size = 11 + 0.5*float64(max(influence, 1))
	}
	var label strings.Builder
	fmt.Fprintf(&label, `<<FONT POINT-SIZE="%s"><B>%s</B></FONT>`, strconv.FormatFloat(size, 'f', 1, 64), esc(ellipsis(m.shName(s, true), maxNameRunes)))
	if sub := m.shSub(s, true); sub != "" && !compact {
		fmt.Fprintf(&label, `<BR/><FONT POINT-SIZE="10">%s</FONT>`, esc(ellipsis(sub, maxTitleRunes)))
	}
	if unengaged && !compact {
		fmt.Fprintf(&label, `<BR/><FONT POINT-SIZE="10"><I>%s</I></FONT>`, esc(m.t("geen recent contact", "no recent contact")))
	}
	label.WriteString(">")
	a := append(lookOf(s.Attitude).nodeStyle("rounded"), "shape", "box", "label", label.String(), "margin", "0.12,0.06")
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

// wrapLabel breaks a name into HTML-label lines of about width runes,
// shortened first to three such lines.
func wrapLabel(name string, width int) string {
	var lines []string
	for _, l := range wrap(ellipsis(name, 3*width), width) {
		lines = append(lines, esc(l))
	}
	return strings.Join(lines, "<BR/>")
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

// gridCellMax is how many stakeholders one grid cell lists on an auto page
// before it counts the rest.
const gridCellMax = 8

// Sizes of a grid entry, in points.
const (
	gridEntryH    = 20.0
	gridEntryFont = 11
)

// grid draws the power–interest grid as one HTML table: influence rows
// 5..1, interest columns 1..5, tinted by quadrant, each stakeholder a
// box in its (influence, interest) cell, drawn as on the other maps. A
// table cannot overlap its cells, so stakeholders sharing a cell never
// overlap. An item of the grid is one entry of every cell: a summary lists
// the first few of each cell, part N the next few.
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
	count, fullest := 0, 0
	for _, q := range graph.Quadrants {
		for _, id := range g.Quadrants[q] {
			s := m.sh[id]
			c := [2]int{clamp(infl[id]), clamp(inte[id])}
			cells[c] = append(cells[c], s)
			count++
			fullest = max(fullest, len(cells[c]))
		}
	}
	name := func(s graph.Stakeholder) string { return ellipsis(m.shWho(s), 34) }
	for c := range cells {
		slices.SortFunc(cells[c], func(x, y graph.Stakeholder) int {
			return cmp.Or(cmp.Compare(name(x), name(y)), cmp.Compare(x.ID, y.ID))
		})
	}
	// How many entries a cell lists: all on an auto page up to
	// gridCellMax; on a fixed page what the selection allows, first
	// guessed from the page's height.
	limit := m.sel.limit
	if limit == 0 {
		limit = gridCellMax
		if m.fixedPage() {
			limit = m.firstGuess(gridEntryH+3, 1) / 4
		}
	}
	limit = max(1, limit)
	from := 0
	if m.sel.part > 0 {
		from = m.sel.from
	}
	m.total, m.shown = fullest, min(limit, fullest)
	if m.sel.part == 0 && fullest > limit {
		m.note = m.t(fmt.Sprintf("Volle vakken tonen %d namen en tellen de rest.", limit), fmt.Sprintf("Full cells show %d names and count the rest.", limit))
		if m.fixedPage() {
			m.note += " " + m.t("Iedereen: de matrix in delen (deel 1, 2, …).", "Everyone: the grid in parts (part 1, 2, …).")
		}
		m.notes = append(m.notes, m.note)
	}

	m.heading(m.t("Invloed en belang", "Power and interest"), "")

	// The grid is laid out here, every box pinned where it belongs, and
	// Graphviz (neato) only draws it: a table cannot give its entries the
	// dashed and dotted borders of the attitudes (Graphviz's json writer
	// garbles the style of HTML table cells), and fixed positions make
	// the grid's size known before it is drawn. Every entry has the same
	// size, wide enough for the widest name in the painter's font.
	fam, err := family()
	if err != nil {
		return err
	}
	// Entries are as wide as the widest name. A namesake's title may
	// widen them only as far as a fixed page allows without its smallest
	// text (the counts, 10 pt) falling under minTextPt: beyond that it is
	// cut, for a grid scaled down would be unreadable for everyone.
	entryW, whoW := 90.0, 0.0
	for _, ss := range cells {
		for _, s := range ss {
			entryW = max(entryW, textWidthPt(fam, ellipsis(m.shName(s, false), 34), gridEntryFont, false)+14)
			whoW = max(whoW, textWidthPt(fam, name(s), gridEntryFont, false)+14)
		}
	}
	label := func(s graph.Stakeholder) string {
		l := name(s)
		for n := utf8.RuneCountInString(l); n > 8 && textWidthPt(fam, l, gridEntryFont, false)+14 > entryW; n-- {
			l = ellipsis(name(s), n)
		}
		return l
	}
	const (
		pad, spacing, titleH, numberH = 6.0, 3.0, 26.0, 22.0
		entryStep                     = gridEntryH + 4
	)
	high := req.High
	labelW := math.Ceil(max(textWidthPt(fam, m.t("Invloed", "Influence"), 12, true), 30) + 10)
	widest := (0.95*mapAreaWidth(req.Page)*10/minTextPt-labelW-6*spacing)/5 - 2*pad // 5 % for the drawing's own margins
	entryW = math.Ceil(max(entryW, min(whoW, widest)))
	colW := entryW + 2*pad
	colX := func(j int) float64 { return labelW + spacing + float64(j-1)*(colW+spacing) } // left edge of column j

	// Rows from the top: a title row, influence 5 down to high, a title
	// row, high-1 down to 1, the interest numbers and the axis name.
	entries := func(i, j int) (list []graph.Stakeholder, rest int) {
		ss := cells[[2]int{i, j}]
		if from < len(ss) {
			list = ss[from:min(len(ss), from+limit)]
		}
		return list, max(0, len(ss)-from-len(list))
	}
	rowH := func(i int) float64 {
		h := 36.0
		for j := 1; j <= 5; j++ {
			list, rest := entries(i, j)
			n := float64(len(list))
			if rest > 0 {
				n++
			}
			h = max(h, 2*pad+n*entryStep-4)
		}
		return h
	}
	type row struct {
		title      bool
		left, righ string
		i          int
		top, h     float64
	}
	var rows []row
	y := 0.0
	add := func(r row) {
		r.top = y
		rows = append(rows, r)
		y += r.h + spacing
	}
	add(row{title: true, left: graph.QuadrantKeepSatisfied, righ: graph.QuadrantManageClosely, h: titleH})
	for i := 5; i >= high; i-- {
		add(row{i: i, h: rowH(i)})
	}
	add(row{title: true, left: graph.QuadrantMonitor, righ: graph.QuadrantKeepInformed, h: titleH})
	for i := high - 1; i >= 1; i-- {
		add(row{i: i, h: rowH(i)})
	}
	numbersTop := y
	height := numbersTop + numberH + 20

	m.header("TB")
	m.engine = "neato"
	w := m.w
	w.line("  graph %s;", attrs("overlap", "true", "splines", "false"))
	w.line("  node %s;", attrs("fixedsize", "true", "shape", "box"))
	// pin writes a node of w × h points whose top-left corner is at (x,
	// top), in points from the grid's top-left corner. Its default label
	// is a space: the Graphviz that draws in-process prints the node's id
	// (n1, n2, …) for an empty one.
	pin := func(key string, x, top, bw, bh float64, a ...string) {
		pos := fmt.Sprintf("%s,%s!", inch(x+bw/2), inch(height-top-bh/2))
		w.line("  %s %s;", w.id(key), attrs(append([]string{"pos", pos, "width", inch(bw), "height", inch(bh), "label", " "}, a...)...))
		m.nodeCount++
	}
	text := func(key string, x, top, bh float64, s string, size int, bold bool, align byte) {
		tw := textWidthPt(fam, s, float64(size), bold) + 2
		switch align {
		case 'c':
			x -= tw / 2
		case 'r':
			x -= tw
		}
		label := esc(s)
		if bold {
			label = "<B>" + label + "</B>"
		}
		// Graphviz sizes the text itself (its estimate of a glyph such as
		// "↑" can be wider than the font's); the centre stays where the
		// painter's font puts it.
		pin(key, x, top, tw, bh, "shape", "plaintext", "fixedsize", "false", "margin", "0", "fontsize", strconv.Itoa(size), "label", "<"+label+">")
	}
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
	others := false
	// The tinted cells first, so that they lie under everything else.
	for ri, r := range rows {
		if r.title {
			for _, q := range []struct {
				name      string
				from, end int
			}{{r.left, 1, high - 1}, {r.righ, high, 5}} {
				if q.end < q.from {
					continue
				}
				x := colX(q.from)
				pin(fmt.Sprintf("title:%d:%s", ri, q.name), x, r.top, colX(q.end+1)-spacing-x, r.h,
					"style", "filled", "fillcolor", quadrantTint[q.name], "color", quadrantTint[q.name])
			}
			continue
		}
		for j := 1; j <= 5; j++ {
			tint := quadrantTint[quadrant(r.i, j)]
			pin(fmt.Sprintf("cell:%d:%d", r.i, j), colX(j), r.top, colW, r.h, "style", "filled", "fillcolor", tint, "color", tint)
		}
	}
	for ri, r := range rows {
		if r.title {
			for _, q := range []struct {
				name      string
				from, end int
			}{{r.left, 1, high - 1}, {r.righ, high, 5}} {
				if q.end < q.from {
					continue
				}
				text(fmt.Sprintf("titletext:%d:%s", ri, q.name), colX(q.from)+pad, r.top, r.h, m.word(quadrantNames, q.name), 14, true, 'l')
			}
			continue
		}
		text(fmt.Sprintf("row:%d", r.i), labelW-6, r.top, min(r.h, 30), strconv.Itoa(r.i), 13, true, 'r')
		for j := 1; j <= 5; j++ {
			list, rest := entries(r.i, j)
			top := r.top + pad
			for _, s := range list {
				l := lookOf(s.Attitude)
				pin("s:"+s.ID, colX(j)+pad, top, entryW, gridEntryH, append(l.nodeStyle("rounded"),
					"label", label(s), "fontsize", strconv.Itoa(gridEntryFont))...)
				top += entryStep
			}
			if rest > 0 {
				others = true
				text(fmt.Sprintf("others:%d:%d", r.i, j), colX(j)+pad, top, gridEntryH, m.others(rest), 10, false, 'l')
			}
		}
	}
	// The axes: influence up the left, interest along the bottom.
	text("axis:influence", labelW-6, 0, 16, m.t("Invloed", "Influence"), 12, true, 'r')
	text("axis:up", labelW-6-textWidthPt(fam, m.t("Invloed", "Influence"), 12, true)/2, 16, 12, "↑", 12, true, 'c')
	for j := 1; j <= 5; j++ {
		text(fmt.Sprintf("col:%d", j), colX(j)+colW/2, numbersTop, numberH, strconv.Itoa(j), 13, true, 'c')
	}
	text("axis:interest", colX(1)+pad, numbersTop+numberH, 18, m.t("Belang →", "Interest →"), 12, true, 'l')
	if count == 0 {
		text("empty", colX(1)+pad, titleH+spacing+pad, 18, m.t("Geen belanghebbenden om te plaatsen.", "No stakeholders to place."), 12, false, 'l')
	}
	w.line("}")

	m.legend = m.attitudeLegend()
	m.legend = append(m.legend, legendRow{text: m.t(
		fmt.Sprintf("Rijen: invloed 1–5, kolommen: belang 1–5; vanaf %d is hoog.", high),
		fmt.Sprintf("Rows: influence 1–5, columns: interest 1–5; %d and up is high.", high))})
	if req.Trajectory != "" {
		m.legend = append(m.legend, legendRow{text: m.t("Waarden op dit traject (de hoogste per persoon).", "Values on this trajectory (each person's highest).")})
	}
	if others {
		m.legend = append(m.legend, legendRow{text: m.t("+ n anderen: niet getoond in dit vak", "+ n others: not shown in this cell")})
	}
	return nil
}

// inch writes points as the inches Graphviz reads sizes and neato
// positions in.
func inch(pt float64) string { return strconv.FormatFloat(pt/72, 'f', 4, 64) }

func clamp(v int) int { return min(max(v, 1), 5) }

// pathColours tell the alternative paths apart.
var pathColours = []string{okBlue, okOrange, okGreen, okPurple, okVermilion, okSkyBlue}

// path draws the best influence paths from one stakeholder to another and
// the people on them; with Context also their direct neighbours in the
// influence network. An item is a path.
func (m *mapper) path(ctx context.Context) error {
	req, b := m.req, m.b
	all, err := analysis.Paths(ctx, b, graph.PathQuery{From: req.From, To: req.To, Mode: req.Mode, K: req.K})
	if err != nil {
		return fmt.Errorf("render: %w", err)
	}
	m.total = len(all)
	first := 0
	paths := all
	if m.sel.part > 0 {
		first = min(m.sel.from, len(all))
	}
	end := len(all)
	if m.sel.limit > 0 {
		end = min(end, first+m.sel.limit)
	}
	paths = all[first:end]
	m.shown = len(paths)
	if m.sel.part == 0 && len(paths) < len(all) {
		m.note = m.t(fmt.Sprintf("Paden 1–%d van %d getoond; de andere: de kaart in delen (deel 1, 2, …).", len(paths), len(all)),
			fmt.Sprintf("Paths 1–%d of %d shown; the others: the map in parts (part 1, 2, …).", len(paths), len(all)))
		m.notes = append(m.notes, m.note)
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
	if req.Context {
		// The paths' people and their direct neighbours in the influence
		// network, at most maxContext of them.
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
	}

	m.title = m.t("Invloedspaden", "Influence paths") + " — " + m.name(req.From) + " → " + m.name(req.To)
	mode := m.t("sterkste", "strongest")
	if req.Mode == graph.ModeShortest {
		mode = m.t("kortste", "shortest")
	}
	m.notes = append([]string{m.asOfLine(b.Workspace.Name) + " · " + m.t("de ", "the ") + strconv.Itoa(len(all)) + " " + mode + " " + m.t("paden", "paths")}, m.notes...)
	if len(all) == 1 {
		m.notes[0] = m.asOfLine(b.Workspace.Name) + " · " + m.t("het "+mode+" pad", "the "+mode+" path")
	}
	// A long path runs down a fixed page rather than across it: a slide
	// is too narrow for seven people side by side at readable size.
	rankdir, longest := "LR", 0
	for _, p := range paths {
		longest = max(longest, p.Hops)
	}
	if m.fixedPage() && (longest >= 4 || m.portrait()) {
		rankdir = "TB"
	}
	m.header(rankdir)
	w := m.w
	w.line("  graph %s;", attrs("nodesep", "0.3", "ranksep", "0.5"))
	attitudesShown := false
	for _, s := range b.Stakeholders {
		if !show[s.ID] {
			continue
		}
		look := lookOf(s.Attitude)
		a := append(look.nodeStyle("rounded"), "shape", "box",
			"label", "<<B>"+esc(ellipsis(m.shName(s, false), maxNameRunes))+"</B>"+subLine(ellipsis(m.shSub(s, false), maxTitleRunes))+">", "margin", "0.12,0.06")
		attitudesShown = true
		if !on[s.ID] {
			a = append(a, "fontsize", "11")
		}
		if s.ID == req.From || s.ID == req.To {
			a = append(a, "peripheries", "2")
		}
		w.line("  %s %s;", w.id("s:"+s.ID), attrs(a...))
		m.nodeCount++
	}
	pathEdge := map[[2]string]bool{}
	for _, p := range paths {
		for k := 0; k+1 < len(p.Nodes); k++ {
			pathEdge[[2]string{p.Nodes[k], p.Nodes[k+1]}] = true
		}
	}
	contextEdges, reporting := false, false
	if req.Context {
		for _, in := range b.Influences {
			if show[in.From] && show[in.To] && !pathEdge[[2]string{in.From, in.To}] {
				contextEdges = true
				w.line("  %s -> %s %s;", w.id("s:"+in.From), w.id("s:"+in.To), attrs("color", influenceColour, "penwidth", "1"))
			}
		}
		for _, r := range b.ReportsTo {
			if show[r.From] && show[r.To] {
				reporting = true
				w.line("  %s -> %s %s;", w.id("s:"+r.From), w.id("s:"+r.To), attrs("color", influenceColour, "style", "dotted", "arrowhead", "none", "penwidth", "1.5"))
			}
		}
	}
	strengths := edgeStrengths(b)
	for i, p := range paths {
		n := first + i + 1
		c := pathColours[(n-1)%len(pathColours)]
		width := max(4-0.6*float64(n-1), 1.5)
		for k := 0; k+1 < len(p.Nodes); k++ {
			x, y := p.Nodes[k], p.Nodes[k+1]
			w.line("  %s -> %s %s;", w.id("s:"+x), w.id("s:"+y), attrs("color", c, "penwidth", strconv.FormatFloat(width, 'f', 1, 64),
				"label", "<<B>"+strconv.Itoa(n)+"</B>: "+m.strength(strengths[[2]string{x, y}])+">", "fontcolor", c, "fontsize", "11"))
		}
		m.legend = append(m.legend, legendRow{line: &lineSample{colour: c, width: width, arrow: true}, text: m.t(
			fmt.Sprintf("Pad %d: sterkte %s, %s", n, m.strength(p.Strength), m.hops(p.Hops)),
			fmt.Sprintf("Path %d: strength %s, %s", n, m.strength(p.Strength), m.hops(p.Hops)))})
	}
	if len(all) == 0 {
		m.legend = append(m.legend, legendRow{text: m.t("Geen pad gevonden.", "No path found.")})
	}
	m.legend = append(m.legend, legendRow{text: m.t(
		"Sterkte van een pad: het product van de sterktes van zijn stappen; bij elke stap staan het pad en de sterkte van de stap.",
		"A path's strength is the product of its steps' strengths; each step shows the path and the step's strength.")})
	m.legend = append(m.legend, legendRow{swatch: &swatch{fill: "#FFFFFF", stroke: inkColour, width: 1, rounded: true, double: true}, text: m.t("begin en eind", "start and end")})
	if contextEdges {
		m.legend = append(m.legend, legendRow{line: &lineSample{colour: influenceColour, width: 1, arrow: true}, text: m.t("andere invloed", "other influence")})
	}
	if reporting {
		m.legend = append(m.legend, legendRow{line: &lineSample{colour: influenceColour, width: 1.5, dash: "dotted"}, text: m.t("rapportagelijn", "reporting line")})
	}
	if attitudesShown {
		m.legend = append(m.legend, m.attitudeLegend()...)
	}
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
// dependency cycles are marked. An item is a trajectory, active ones
// first.
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
	ordered := slices.Clone(b.Trajectories)
	slices.SortStableFunc(ordered, func(x, y graph.Trajectory) int {
		return -cmp.Compare(boolInt(graph.IsActive(x.Status)), boolInt(graph.IsActive(y.Status)))
	})
	m.total = len(ordered)
	first := 0
	if m.sel.part > 0 {
		first = min(m.sel.from, len(ordered))
	}
	end := len(ordered)
	if m.sel.limit > 0 {
		end = min(end, first+m.sel.limit)
	}
	chunk := ordered[first:end]
	m.shown = len(chunk)
	if m.sel.part == 0 && len(chunk) < len(ordered) {
		m.note = m.t(fmt.Sprintf("%d van de %d trajecten getoond (actieve eerst); de andere: de kaart in delen (deel 1, 2, …).", len(chunk), len(ordered)),
			fmt.Sprintf("%d of %d trajectories shown (active first); the others: the map in parts (part 1, 2, …).", len(chunk), len(ordered)))
		m.notes = append(m.notes, m.note)
	}
	// What the chosen trajectories need and serve; goals nobody serves
	// show on the first part.
	inChunk := map[string]bool{}
	for _, t := range chunk {
		inChunk[t.ID] = true
	}
	show := map[string]bool{}
	for id := range inChunk {
		show[id] = true
	}
	for _, d := range b.DependsOn {
		if inChunk[d.Trajectory] {
			show[d.On] = true
		}
	}
	served := map[string]bool{}
	for _, s := range b.Supports {
		served[s.Goal] = true
		if inChunk[s.Trajectory] {
			show[s.Goal] = true
		}
	}
	firstPart := m.sel.part <= 1
	for _, g := range b.Goals {
		if !served[g.ID] && firstPart {
			show[g.ID] = true
		}
	}
	if m.sel.part == 0 && m.sel.limit == 0 {
		for _, e := range b.Enablers {
			show[e.ID] = true
		}
	}

	m.title = m.t("Afhankelijkheden", "Dependencies") + " — " + b.Workspace.Name
	m.notes = append([]string{m.asOfLine("")}, m.notes...)
	m.header("LR")
	w := m.w
	w.line("  graph %s;", attrs("nodesep", "0.12", "ranksep", "0.7"))
	blocked := false
	for _, t := range b.Trajectories {
		if !show[t.ID] {
			continue
		}
		label := "<<B>" + wrapLabel(t.Name, 26) + "</B>" + subLine(m.word(statusNames, t.Status))
		a := []string{"shape", "box", "style", "rounded,filled", "fillcolor", "#DCE6F2", "margin", "0.14,0.07"}
		if !graph.IsActive(t.Status) {
			a[5] = "#F2F2F2"
		}
		if !inChunk[t.ID] {
			a = append(a, "color", mutedColour)
		}
		if len(blockedBy[t.ID]) > 0 {
			blocked = true
			label += `<BR/><FONT POINT-SIZE="10" COLOR="#B04A00"><B>` + esc(m.t("GEBLOKKEERD", "BLOCKED")) + `</B></FONT>`
			a = append(a, "color", okVermilion, "penwidth", "3")
		}
		w.line("  %s %s;", w.id(t.ID), attrs(append(a, "label", label+">")...))
		m.nodeCount++
	}
	for _, e := range b.Enablers {
		if !show[e.ID] {
			continue
		}
		label := "<<B>" + wrapLabel(e.Name, 26) + "</B>" + subLine(m.word(statusNames, e.Status))
		w.line("  %s %s;", w.id(e.ID), attrs("shape", "box", "style", "filled", "fillcolor", cmp.Or(enablerFill[e.Status], "#FFFFFF"), "label", label+">", "margin", "0.12,0.06"))
		m.nodeCount++
	}
	for _, g := range b.Goals {
		if !show[g.ID] {
			continue
		}
		w.line("  %s %s;", w.id(g.ID), attrs("shape", "ellipse", "style", "filled", "fillcolor", "#FFF6CC", "label", "<<B>"+wrapLabel(g.Name, 24)+"</B>>", "margin", "0.04,0.02"))
		m.nodeCount++
	}
	cycle := false
	for _, d := range b.DependsOn {
		if !inChunk[d.Trajectory] {
			continue
		}
		a := []string{"color", inkColour, "penwidth", "1.5"}
		if slices.Contains(blockedBy[d.Trajectory], d.On) {
			a = []string{"color", okVermilion, "penwidth", "2.5"}
		}
		if inCycle[[2]string{d.Trajectory, d.On}] {
			cycle = true
			a = []string{"color", okPurple, "penwidth", "3", "label", m.t("kring", "cycle"), "fontcolor", "#9E4F7E"}
		}
		w.line("  %s -> %s %s;", w.id(d.Trajectory), w.id(d.On), attrs(a...))
	}
	for _, s := range b.Supports {
		if inChunk[s.Trajectory] {
			w.line("  %s -> %s %s;", w.id(s.Trajectory), w.id(s.Goal), attrs("color", okBlue, "style", "dashed", "penwidth", "1.5"))
		}
	}
	m.legend = []legendRow{
		{swatch: &swatch{fill: "#DCE6F2", stroke: inkColour, width: 1, rounded: true}, text: m.t("traject (actief)", "trajectory (active)")},
		{swatch: &swatch{fill: "#F2F2F2", stroke: inkColour, width: 1, rounded: true}, text: m.t("traject (niet actief)", "trajectory (not active)")},
		{swatch: &swatch{fill: enablerFill["missing"], stroke: inkColour, width: 1}, text: m.t("randvoorwaarde: ontbreekt", "enabler: missing")},
		{swatch: &swatch{fill: enablerFill["planned"], stroke: inkColour, width: 1}, text: m.t("randvoorwaarde: gepland", "enabler: planned")},
		{swatch: &swatch{fill: enablerFill["ready"], stroke: inkColour, width: 1}, text: m.t("randvoorwaarde: gereed", "enabler: ready")},
		{swatch: &swatch{fill: "#FFF6CC", stroke: inkColour, width: 1, rounded: true}, text: m.t("strategisch doel", "strategic goal")},
		{line: &lineSample{colour: inkColour, width: 1.5, arrow: true}, text: m.t("hangt af van", "depends on")},
		{line: &lineSample{colour: okBlue, width: 1.5, dash: "dashed", arrow: true}, text: m.t("ondersteunt doel", "supports goal")},
	}
	if blocked {
		m.legend = append(m.legend,
			legendRow{swatch: &swatch{fill: "#DCE6F2", stroke: okVermilion, width: 3, rounded: true}, text: m.t("geblokkeerd", "blocked") + " (" + m.severity(graph.CodeBlocked) + ")"},
			legendRow{line: &lineSample{colour: okVermilion, width: 2.5, arrow: true}, text: m.t("blokkeert: nog niet gereed", "blocks: not ready yet")})
	}
	if cycle {
		m.legend = append(m.legend, legendRow{line: &lineSample{colour: okPurple, width: 3, arrow: true}, text: m.t("kringafhankelijkheid", "dependency cycle") + " (" + m.severity(graph.CodeDependencyCycle) + ")"})
	}
	if len(b.Trajectories)+len(b.Enablers)+len(b.Goals) == 0 {
		m.noteNode("empty", m.t("Nog geen trajecten, randvoorwaarden of doelen.", "No trajectories, enablers or goals yet."))
	}
	w.line("}")
	return nil
}
