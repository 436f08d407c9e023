package render

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/tdewolff/canvas"

	"github.com/stakemap/stakemap/graph"
)

// KindChanges is the map of what moved between two states of a workspace
// (Request.Before and Request.Bundle): the power–interest grid with an
// arrow from where each person stood to where they stand now, coloured by
// the shift in attitude. The slide for "since last month".
const KindChanges = "changes"

// changesKeep bounds how many people a changes map draws: the most
// influential of those who moved or changed attitude.
const changesKeep = 40

// Cell geometry of the changes grid, in points.
const (
	changesCellW  = 190.0
	changesSlotH  = 26.0
	changesMargin = 14.0
)

// attitudeRank orders attitudes from most to least favourable; unknown
// has no place in the order.
var attitudeRank = map[string]int{"champion": 0, "supporter": 1, "neutral": 2, "critic": 3, "blocker": 4}

// shift is one person's move between the two states.
type shift struct {
	id             string
	now, then      graph.Stakeholder
	hasNow, hasThe bool
	from, to       [2]int // (influence, interest) then and now
}

// positions gives each stakeholder's place in the grid: its own values, or
// on a trajectory the highest effective values among its stakes there
// (absent: not on the map).
func positions(b *graph.Bundle, trajectory string) map[string][2]int {
	out := map[string][2]int{}
	if trajectory == "" {
		for _, s := range b.Stakeholders {
			out[s.ID] = [2]int{clamp(s.Influence), clamp(s.Interest)}
		}
		return out
	}
	sh := map[string]graph.Stakeholder{}
	for _, s := range b.Stakeholders {
		sh[s.ID] = s
	}
	for _, st := range b.Stakes {
		s, ok := sh[st.Stakeholder]
		if st.Trajectory != trajectory || !ok {
			continue
		}
		p := out[s.ID]
		out[s.ID] = [2]int{max(p[0], clamp(st.EffectiveInfluence(s))), max(p[1], clamp(st.EffectiveInterest(s)))}
	}
	return out
}

// changes draws the changes map: neato with every node pinned, so the grid
// is exact and the arrows run straight from the old place to the new.
func (m *mapper) changes() error {
	req, before := m.req, m.req.Before
	if before == nil {
		return fmt.Errorf("render: a changes map needs the earlier state: %w", graph.Invalid([]graph.Problem{{Field: "from", Reason: "is required for a changes map"}}))
	}
	then, now := positions(before, req.Trajectory), positions(m.b, req.Trajectory)
	thenSh := map[string]graph.Stakeholder{}
	for _, s := range before.Stakeholders {
		thenSh[s.ID] = s
	}
	var moved []shift
	unchanged := 0
	ids := map[string]bool{}
	for id := range then {
		ids[id] = true
	}
	for id := range now {
		ids[id] = true
	}
	for id := range ids {
		sh := shift{id: id}
		sh.from, sh.hasThe = then[id]
		sh.to, sh.hasNow = now[id]
		sh.then, sh.now = thenSh[id], m.sh[id]
		if sh.hasThe && sh.hasNow && sh.from == sh.to && sh.then.Attitude == sh.now.Attitude {
			unchanged++
			continue
		}
		moved = append(moved, sh)
	}
	weight := func(s shift) int { return max(s.from[0], s.to[0]) }
	slices.SortFunc(moved, func(a, b shift) int { return cmp.Or(-cmp.Compare(weight(a), weight(b)), cmp.Compare(a.id, b.id)) })
	// An item of this map is a shift, the most influential first: a page
	// too small for all of them shows the first (or part N the next).
	m.total = len(moved)
	keep := changesKeep
	if m.sel.limit > 0 {
		keep = m.sel.limit
	}
	first := 0
	if m.sel.part > 0 {
		first = min(m.sel.from, len(moved))
	}
	moved = moved[first:]
	left := 0
	if len(moved) > keep {
		left = len(moved) - keep
		moved = moved[:keep]
	}
	m.shown = len(moved)
	slices.SortFunc(moved, func(a, b shift) int { return cmp.Compare(a.id, b.id) })

	// Slots: every cell stacks what it holds, people now and where people
	// were, so that nothing overlaps.
	type item struct {
		s     shift
		ghost bool
	}
	cells := map[[2]int][]item{}
	for _, s := range moved {
		if s.hasThe && (!s.hasNow || s.from != s.to) {
			cells[s.from] = append(cells[s.from], item{s, true})
		}
		if s.hasNow {
			cells[s.to] = append(cells[s.to], item{s, false})
		}
	}
	rows := 2
	for _, its := range cells {
		rows = max(rows, len(its))
	}
	cellH := float64(rows)*changesSlotH + 2*changesMargin
	x := func(interest int) float64 { return float64(interest-1) * changesCellW }
	y := func(influence int) float64 { return float64(influence-1) * cellH }

	m.heading(m.t("Verschuivingen", "Changes"), req.Since)
	m.engine = "neato"
	w := m.w
	w.line("digraph G {")
	w.line("  graph %s;", attrs("fontname", fontName, "bgcolor", "white", "pad", strconv.FormatFloat(mapPad/72, 'f', -1, 64), "inputscale", "72", "splines", "false",
		"outputorder", "nodesfirst", "fontcolor", inkColour))
	w.line("  node %s;", attrs("fontname", fontName, "fontsize", "11", "fontcolor", inkColour, "color", inkColour, "penwidth", "1", "shape", "box", "style", "filled"))
	w.line("  edge %s;", attrs("penwidth", "2.2", "arrowsize", "0.8"))

	// Quadrant backgrounds, named above the grid (upper quadrants) and
	// below it (lower ones), and the axes' numbers.
	fam, err := family()
	if err != nil {
		return err
	}
	high := req.High
	quad := func(key, name string, i0, i1, j0, j1 int) {
		if i1 < i0 || j1 < j0 {
			return
		}
		wd, ht := float64(j1-j0+1)*changesCellW, float64(i1-i0+1)*cellH
		cx, cy := x(j0)+wd/2-changesCellW/2, y(i0)+ht/2-cellH/2
		w.line("  %s %s;", w.id(key), attrs("pos", fmt.Sprintf("%.1f,%.1f!", cx, cy), "fixedsize", "true", "width", fmt.Sprintf("%.3f", (wd-4)/72), "height", fmt.Sprintf("%.3f", (ht-4)/72),
			// Translucent, so that the arrows under the quadrant show in
			// every format (the painter draws nodes after edges).
			"fillcolor", quadrantTint[name]+"B0", "color", quadrantTint[name]+"B0", "label", " "))
		n := quadrantNames[name]
		text := m.t(n[0], n[1])
		ly := y(5) + cellH/2 + 14
		if i0 == 1 {
			ly = y(1) - cellH/2 - 34
		}
		tw := textWidthPt(fam, text, 13, true) + 12
		w.line("  %s %s;", w.id(key+":name"), attrs("pos", fmt.Sprintf("%.1f,%.1f!", cx, ly), "shape", "plaintext", "style", "", "fixedsize", "true",
			"width", fmt.Sprintf("%.3f", tw/72), "height", "0.3", "label", "<<B>"+esc(text)+"</B>>", "fontsize", "13"))
		m.nodeCount += 2
	}
	quad("q:mc", graph.QuadrantManageClosely, high, 5, high, 5)
	quad("q:ks", graph.QuadrantKeepSatisfied, high, 5, 1, high-1)
	quad("q:ki", graph.QuadrantKeepInformed, 1, high-1, high, 5)
	quad("q:mo", graph.QuadrantMonitor, 1, high-1, 1, high-1)
	for i := 1; i <= 5; i++ {
		w.line("  %s %s;", w.id(fmt.Sprint("ax:i", i)), attrs("pos", fmt.Sprintf("%.1f,%.1f!", x(1)-changesCellW/2-18, y(i)), "shape", "plaintext", "style", "", "label", fmt.Sprint(i), "fontsize", "13", "width", "0.3", "height", "0.3"))
		w.line("  %s %s;", w.id(fmt.Sprint("ax:j", i)), attrs("pos", fmt.Sprintf("%.1f,%.1f!", x(i), y(1)-cellH/2-14), "shape", "plaintext", "style", "", "label", fmt.Sprint(i), "fontsize", "13", "width", "0.3", "height", "0.3"))
		m.nodeCount += 2
	}
	w.line("  %s %s;", w.id("ax:i"), attrs("pos", fmt.Sprintf("%.1f,%.1f!", x(1)-changesCellW/2-18, y(5)+cellH/2+12), "shape", "plaintext", "style", "", "label", m.t("Invloed ↑", "Influence ↑"), "fontsize", "13", "width", "1", "height", "0.3"))
	w.line("  %s %s;", w.id("ax:j"), attrs("pos", fmt.Sprintf("%.1f,%.1f!", x(5)+changesCellW/2-30, y(1)-cellH/2-14), "shape", "plaintext", "style", "", "label", m.t("Belang →", "Interest →"), "fontsize", "13", "width", "1", "height", "0.3"))
	m.nodeCount += 2

	// People: where they stand now (filled with their attitude now) and
	// where they stood (dashed, their attitude then).
	boxW := changesCellW - 16
	for c, its := range cells {
		for k, it := range its {
			px := x(c[1])
			py := y(c[0]) + cellH/2 - changesMargin - changesSlotH/2 - float64(k)*changesSlotH
			s, key := it.s.now, "now:"+it.s.id
			look := lookOf(s.Attitude)
			style, fill, font, width := "filled", look.fill, look.font, look.width
			if look.border != "solid" {
				style += "," + look.border
			}
			label := m.shWho(s)
			if it.ghost {
				s, key = it.s.then, "then:"+it.s.id
				style, fill, font, width = "dashed,filled", "#FFFFFF", "#555555", 1
				label = m.shWho(s)
				if !it.s.hasNow {
					label += " " + m.t("(weg)", "(gone)")
				}
			} else if !it.s.hasThe {
				label += " " + m.t("(nieuw)", "(new)")
			} else if it.s.then.Attitude != s.Attitude {
				label += " (" + m.t("was ", "was ") + strings.ToLower(m.word(attitudeNames, it.s.then.Attitude)) + ")"
			}
			label = fitText(fam, label, boxW-8)
			border := inkColour
			if it.ghost {
				border = mutedColour
			}
			w.line("  %s %s;", w.id(key), attrs("pos", fmt.Sprintf("%.1f,%.1f!", px, py), "fixedsize", "true", "width", fmt.Sprintf("%.3f", boxW/72), "height", fmt.Sprintf("%.3f", (changesSlotH-5)/72),
				"style", style, "fillcolor", fill, "fontcolor", font, "penwidth", strconv.FormatFloat(width, 'f', -1, 64), "color", border, "label", label))
			m.nodeCount++
		}
	}
	// Arrows, and the attitude shift of people who stayed in place.
	for _, s := range moved {
		if !s.hasThe || !s.hasNow {
			continue
		}
		colour := shiftColour(s.then.Attitude, s.now.Attitude)
		if s.from != s.to {
			w.line("  %s -> %s %s;", w.id("then:"+s.id), w.id("now:"+s.id), attrs("color", colour))
		} else {
			w.line("  %s %s;", w.id("now:"+s.id), attrs("penwidth", "3", "color", colour))
		}
	}

	// Legend.
	m.legend = []legendRow{
		{line: &lineSample{colour: okGreen, width: 2.2, arrow: true}, text: m.t("houding verbeterd", "attitude improved")},
		{line: &lineSample{colour: okVermilion, width: 2.2, arrow: true}, text: m.t("houding verslechterd", "attitude worsened")},
		{line: &lineSample{colour: mutedColour, width: 2.2, arrow: true}, text: m.t("alleen verschoven", "moved only")},
		{swatch: &swatch{fill: "#FFFFFF", stroke: mutedColour, width: 1, dash: "dashed"}, text: m.t("grijs gestreept: waar iemand stond", "grey dashes: where someone stood")},
	}
	m.legend = append(m.legend, m.attitudeLegend()...)
	m.legend = append(m.legend, legendRow{text: m.t(fmt.Sprintf("%d ongewijzigd", unchanged), fmt.Sprintf("%d unchanged", unchanged))})
	w.line("}")
	if left > 0 && m.sel.part == 0 {
		m.note = m.t(fmt.Sprintf("%d van de %d verschuivingen getoond (de meeste invloed); + %d anderen.", len(moved), len(moved)+left, left),
			fmt.Sprintf("%d of %d changes shown (the most influential); + %d others.", len(moved), len(moved)+left, left))
		m.notes = append(m.notes, m.note)
	}
	return nil
}

// shiftColour colours an attitude shift: better green, worse vermilion,
// otherwise grey (also to or from unknown).
func shiftColour(from, to string) string {
	a, okA := attitudeRank[from]
	b, okB := attitudeRank[to]
	switch {
	case !okA || !okB || a == b:
		return mutedColour
	case b < a:
		return okGreen
	}
	return okVermilion
}

// fitText shortens a label to fit a width in points, with an ellipsis.
func fitText(fam *canvas.FontFamily, s string, width float64) string {
	if textWidthPt(fam, s, 11, false) <= width {
		return s
	}
	r := []rune(s)
	for n := len(r) - 1; n > 0; n-- {
		t := strings.TrimSpace(string(r[:n])) + "…"
		if textWidthPt(fam, t, 11, false) <= width {
			return t
		}
	}
	return "…"
}
