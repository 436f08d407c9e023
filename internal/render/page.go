package render

// A map is drawn on a page: a title (and notes) at the top, the legend at
// the side (or, on a portrait page, at the bottom) and the map scaled into
// the rest. Graphviz lays out the map only; the page around it is drawn
// here, in the same few primitives for SVG and for the PNG/PDF painter, so
// that a slide's title and legend keep their size whatever the map's.

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// Page sizes.
const (
	// PageSlide is a 16:9 slide: 960 × 540 pt, a PNG of 1920 × 1080 px.
	PageSlide = "slide"
	// PageA4 is an A4 sheet upright, PageA4Landscape on its side.
	PageA4          = "a4"
	PageA4Landscape = "a4-landscape"
	// PageAuto is the map's natural size (round one's maps).
	PageAuto = "auto"
)

// Pages lists the page sizes; the first is the default.
var Pages = []string{PageSlide, PageA4, PageA4Landscape, PageAuto}

// pageSizes are the fixed pages in points (1/72 inch).
var pageSizes = map[string][2]float64{
	PageSlide:       {960, 540},
	PageA4:          {595.28, 841.89},
	PageA4Landscape: {841.89, 595.28},
}

const (
	// pxPerPt is a fixed page's PNG resolution at scale 1: a slide of
	// 960 pt is 1920 px wide.
	pxPerPt = 2.0
	// minTextPt is the smallest text a fixed page may carry: 7 pt is
	// 14 px on a 1920 × 1080 slide.
	minTextPt = 7.0
	// maxUpscale bounds how much a small map is enlarged to fill a page.
	maxUpscale = 1.6
	// mapPad is the padding Graphviz puts around a map, in points.
	mapPad = 4.0
	// pageMargin is the white border of a page, in points.
	pageMargin = 20.0
	// gap separates the map from the legend.
	gap = 14.0
)

// Sizes of the page's own text, in points; all at or above minTextPt.
const (
	titleSize  = 20.0
	noteSize   = 10.5
	legendSize = 10.0
	legendHead = 11.0
	legendRowH = 15.0
)

// legendRow is one entry of a legend: a sample drawn as on the map (a box
// or a line) and its text, or text alone.
type legendRow struct {
	swatch *swatch
	line   *lineSample
	text   string
}

// swatch is a box as the map draws it.
type swatch struct {
	fill, stroke string
	width        float64
	dash         string // "", solid, dashed or dotted
	rounded      bool
	double       bool
}

// lineSample is an edge as the map draws it.
type lineSample struct {
	colour string
	width  float64
	dash   string
	arrow  bool
}

// primKind is one of the drawing primitives of the page.
type primKind int

const (
	primRect primKind = iota
	primPoly          // filled and/or stroked closed polygon
	primLine          // open polyline
	primText
)

// prim is a drawing primitive in page points, y pointing down.
type prim struct {
	kind         primKind
	x, y, w, h   float64 // rect; text: baseline start (anchor l), centre (c) or end (r)
	r            float64 // rect corner radius
	pts          [][2]float64
	fill, stroke string
	width        float64
	dash         string
	text         string
	size         float64
	bold         bool
	anchor       byte // l, c or r
}

// composition places a laid-out map on a page.
type composition struct {
	w, h       float64 // the page, in points
	header     []prim
	legend     []prim
	mapX, mapY float64 // top-left of the map's box on the page
	mapScale   float64
	mapW, mapH float64 // the map's own size (its SVG viewBox)
	minText    float64 // the smallest text on the page, in points as printed
}

// fits reports whether the page's smallest text is large enough.
func (c composition) fits(page string) bool {
	return page == PageAuto || c.minText >= minTextPt-1e-6
}

// compose lays out a page around a map of mapW × mapH points whose
// smallest text is mapFont points.
func compose(page, title string, notes []string, legend []legendRow, lang string, mapW, mapH, mapFont float64) (composition, error) {
	fam, err := family()
	if err != nil {
		return composition{}, err
	}
	measure := func(s string, size float64, bold bool) float64 { return textWidthPt(fam, s, size, bold) }
	c := composition{mapW: mapW, mapH: mapH}
	size, fixed := pageSizes[page]
	legendText := legendHeading(lang)

	if !fixed {
		// Natural size: the map at 1:1, the legend beside it.
		lg, lw, lh := layoutLegend(legendText, legend, measure, 300, math.Inf(1))
		// A title is no wider than the map and legend (or 600 pt): a name
		// stored before names were limited can be a million characters.
		title = ellipsisWidth(title, titleSize, max(mapW+gap+lw, 600), measure)
		tw := measure(title, titleSize, true)
		c.mapScale = 1
		noteW := max(tw, mapW+gap+lw)
		var hdr []prim
		hdr, hh := layoutHeader(title, notes, measure, noteW, pageMargin, pageMargin)
		c.w = pageMargin*2 + max(tw, mapW+gap+lw)
		c.h = pageMargin*2 + hh + max(mapH, lh)
		c.header = hdr
		c.mapX, c.mapY = pageMargin, pageMargin+hh
		c.legend = offset(lg, pageMargin+mapW+gap, pageMargin+hh)
		c.minText = min(mapFont, legendSize, noteSize)
		return c, nil
	}

	c.w, c.h = size[0], size[1]
	inner := c.w - 2*pageMargin
	hdr, hh := layoutHeader(ellipsisWidth(title, titleSize, inner, measure), notes, measure, inner, pageMargin, pageMargin)
	c.header = hdr
	top := pageMargin + hh
	availH := c.h - pageMargin - top
	var areaW, areaH float64
	legendScale := 1.0
	if c.w >= c.h {
		// Landscape: the legend is a column on the right.
		lg, lw, lh := layoutLegend(legendText, legend, measure, min(210, inner*0.25), math.Inf(1))
		if lh > availH {
			legendScale = availH / lh
		}
		c.legend = scalePrims(lg, legendScale, c.w-pageMargin-lw*legendScale, top)
		areaW, areaH = inner-lw*legendScale-gap, availH
	} else {
		// Portrait: the legend runs in columns along the bottom.
		lg, _, lh := layoutLegend(legendText, legend, measure, (inner-gap)/2, availH*0.3)
		c.legend = offset(lg, pageMargin, c.h-pageMargin-lh)
		areaW, areaH = inner, availH-lh-gap
	}
	s := min(areaW/mapW, areaH/mapH, maxUpscale)
	c.mapScale = s
	c.mapX = pageMargin + (areaW-mapW*s)/2
	c.mapY = top + (areaH-mapH*s)/2
	c.minText = min(mapFont*s, legendSize*legendScale, noteSize)
	if len(notes) == 0 {
		c.minText = min(mapFont*s, legendSize*legendScale)
	}
	return c, nil
}

// mapAreaWidth is the width a fixed page gives its map, as compose
// works it out (the legend at its widest); +Inf for a natural-size page.
func mapAreaWidth(page string) float64 {
	size, fixed := pageSizes[page]
	if !fixed {
		return math.Inf(1)
	}
	inner := size[0] - 2*pageMargin
	if size[0] >= size[1] {
		return inner - min(210, inner*0.25) - gap
	}
	return inner
}

func legendHeading(lang string) string {
	if lang == "en" {
		return "Legend"
	}
	return "Legenda"
}

// layoutHeader sets the title and the notes under it, wrapped to width,
// from (x, y); it returns the primitives and the height they take.
func layoutHeader(title string, notes []string, measure func(string, float64, bool) float64, width, x, y float64) ([]prim, float64) {
	var ps []prim
	h := titleSize
	ps = append(ps, prim{kind: primText, x: x, y: y + titleSize*0.8, text: title, size: titleSize, bold: true, fill: inkColour, anchor: 'l'})
	h += 4
	for _, n := range notes {
		for _, l := range wrapWidth(n, noteSize, width, measure) {
			h += noteSize * 1.3
			ps = append(ps, prim{kind: primText, x: x, y: y + h - noteSize*0.3, text: l, size: noteSize, fill: "#444444", anchor: 'l'})
		}
	}
	return ps, h + 10
}

// layoutLegend sets a legend at (0, 0) at most maxW wide; rows that do not
// fit under maxH flow into further columns. It returns the primitives and
// the size they take.
func layoutLegend(heading string, rows []legendRow, measure func(string, float64, bool) float64, maxW, maxH float64) ([]prim, float64, float64) {
	if len(rows) == 0 {
		return nil, 0, 0
	}
	const pad, sw, textX = 8.0, 26.0, 34.0
	// Lay the rows out in one column first, then break it where it gets
	// taller than maxH.
	type placed struct {
		ps []prim
		h  float64
	}
	var items []placed
	colW := 0.0
	for _, r := range rows {
		var ps []prim
		tx := textX
		if r.swatch == nil && r.line == nil {
			tx = 0
		}
		lines := wrapWidth(r.text, legendSize, maxW-2*pad-tx, measure)
		h := max(legendRowH, float64(len(lines))*legendSize*1.25+3)
		mid := legendRowH / 2
		switch {
		case r.swatch != nil:
			ps = append(ps, swatchPrims(*r.swatch, 0, mid-6.5, sw, 13)...)
		case r.line != nil:
			l := r.line
			w := min(l.width, 4)
			end := sw
			if l.arrow {
				end = sw - 5
				ps = append(ps, prim{kind: primPoly, pts: [][2]float64{{sw - 6, mid - 3}, {sw, mid}, {sw - 6, mid + 3}}, fill: l.colour, stroke: l.colour, width: 1})
			}
			ps = append(ps, prim{kind: primLine, pts: [][2]float64{{0, mid}, {end, mid}}, stroke: l.colour, width: w, dash: l.dash})
		}
		for i, line := range lines {
			y := legendSize*1.25*float64(i) + mid + legendSize*0.35
			ps = append(ps, prim{kind: primText, x: tx, y: y, text: line, size: legendSize, fill: inkColour, anchor: 'l'})
			colW = max(colW, tx+measure(line, legendSize, false))
		}
		items = append(items, placed{ps, h})
	}
	headH := legendHead + 8
	colW = max(colW, measure(heading, legendHead, true))
	var out []prim
	x, y, height, width := pad, pad+headH, 0.0, 0.0
	for _, it := range items {
		if y+it.h > maxH-pad && y > pad+headH {
			x += colW + 16
			y = pad + headH
		}
		out = append(out, offset(it.ps, x, y)...)
		y += it.h
		height = max(height, y)
		width = max(width, x+colW)
	}
	width += pad
	height += pad - 2
	frame := prim{kind: primRect, x: 0, y: 0, w: width, h: height, fill: "#FFFFFF", stroke: "#BBBBBB", width: 1}
	head := prim{kind: primText, x: pad, y: pad + legendHead*0.85, text: heading, size: legendHead, bold: true, fill: inkColour, anchor: 'l'}
	return append([]prim{frame, head}, out...), width, height
}

// swatchPrims draws a box as the map draws it, w × h at (x, y).
func swatchPrims(s swatch, x, y, w, h float64) []prim {
	r := 0.0
	if s.rounded {
		r = 3
	}
	width := min(s.width, 3)
	if width == 0 {
		width = 1
	}
	dash := s.dash
	if dash == "solid" {
		dash = ""
	}
	ps := []prim{{kind: primRect, x: x, y: y, w: w, h: h, r: r, fill: s.fill, stroke: s.stroke, width: width, dash: dash}}
	if s.double {
		ps = append(ps, prim{kind: primRect, x: x - 2.5, y: y - 2.5, w: w + 5, h: h + 5, r: r + 2, stroke: s.stroke, width: width, dash: dash})
	}
	return ps
}

// offset moves primitives by (dx, dy).
func offset(ps []prim, dx, dy float64) []prim { return scalePrims(ps, 1, dx, dy) }

// scalePrims scales primitives by s about the origin, then moves them.
func scalePrims(ps []prim, s, dx, dy float64) []prim {
	out := make([]prim, len(ps))
	for i, p := range ps {
		p.x, p.y, p.w, p.h, p.r = p.x*s+dx, p.y*s+dy, p.w*s, p.h*s, p.r*s
		p.width *= s
		p.size *= s
		pts := make([][2]float64, len(p.pts))
		for j, q := range p.pts {
			pts[j] = [2]float64{q[0]*s + dx, q[1]*s + dy}
		}
		p.pts = pts
		out[i] = p
	}
	return out
}

// wrapWidth breaks text into lines no wider than width at size. A line's
// width is taken as its words' widths plus its spaces', each word measured
// once: measuring every growing line again costs quadratic time in the
// text shaper.
func wrapWidth(text string, size, width float64, measure func(string, float64, bool) float64) []string {
	var lines []string
	space := measure(" ", size, false)
	cur, curW := "", 0.0
	for _, word := range strings.Fields(text) {
		w := measure(word, size, false)
		if cur != "" && curW+space+w > width {
			lines = append(lines, cur)
			cur, curW = "", 0
		}
		if cur == "" {
			cur, curW = word, w
		} else {
			cur, curW = cur+" "+word, curW+space+w
		}
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	return lines
}

// ellipsisWidth shortens text with "…" until it is no wider than width.
func ellipsisWidth(text string, size, width float64, measure func(string, float64, bool) float64) string {
	if measure(text, size, true) <= width {
		return text
	}
	r := []rune(text)
	for len(r) > 1 && measure(string(r)+"…", size, true) > width {
		r = r[:len(r)-1]
	}
	return strings.TrimSpace(string(r)) + "…"
}

// The font the page's own text is written in; the same as Graphviz's SVG
// asks for after svgFonts.
const svgFontFamily = `Helvetica,Arial,'Liberation Sans',sans-serif`

var (
	svgOpen     = regexp.MustCompile(`(?s)<svg\b[^>]*>`)
	svgViewBox  = regexp.MustCompile(`viewBox="([-\d. ]+)"`)
	svgFontSize = regexp.MustCompile(`font-size="([\d.]+)"`)
)

// svgSize reads the viewBox size and the smallest font size of a Graphviz
// SVG.
func svgSize(svg []byte) (w, h, minFont float64, err error) {
	open := svgOpen.Find(svg)
	m := svgViewBox.FindSubmatch(open)
	if m == nil {
		return 0, 0, 0, errors.New("graphviz svg has no viewBox")
	}
	f := strings.Fields(string(m[1]))
	if len(f) != 4 {
		return 0, 0, 0, fmt.Errorf("graphviz svg viewBox %q", m[1])
	}
	w, _ = strconv.ParseFloat(f[2], 64)
	h, _ = strconv.ParseFloat(f[3], 64)
	minFont = math.Inf(1)
	for _, fm := range svgFontSize.FindAllSubmatch(svg, -1) {
		if v, err := strconv.ParseFloat(string(fm[1]), 64); err == nil && v > 0 {
			minFont = min(minFont, v)
		}
	}
	return w, h, minFont, nil
}

// composeSVG writes the page as SVG, with Graphviz's SVG of the map inside.
func composeSVG(c composition, title string, gv []byte) ([]byte, error) {
	open := svgOpen.FindIndex(gv)
	end := bytes.LastIndex(gv, []byte("</svg>"))
	if open == nil || end < open[1] {
		return nil, errors.New("graphviz svg has no root element")
	}
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="no"?>` + "\n")
	fmt.Fprintf(&b, `<svg width="%spt" height="%spt" viewBox="0 0 %s %s" xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">`+"\n",
		num(c.w), num(c.h), num(c.w), num(c.h))
	fmt.Fprintf(&b, "<title>%s</title>\n", esc(title))
	fmt.Fprintf(&b, `<rect x="0" y="0" width="%s" height="%s" fill="white"/>`+"\n", num(c.w), num(c.h))
	b.WriteString(`<g id="header">` + "\n")
	writePrims(&b, c.header)
	b.WriteString("</g>\n")
	fmt.Fprintf(&b, `<g id="map" transform="translate(%s %s) scale(%s)">`+"\n", num(c.mapX), num(c.mapY), strconv.FormatFloat(c.mapScale, 'f', 6, 64))
	b.Write(svgDashed(svgFonts(bytes.TrimSpace(gv[open[1]:end]))))
	b.WriteString("\n</g>\n")
	b.WriteString(`<g id="legend">` + "\n")
	writePrims(&b, c.legend)
	b.WriteString("</g>\n</svg>\n")
	return b.Bytes(), nil
}

// svgDashed gives Graphviz's dashed lines the page's dash pattern.
func svgDashed(svg []byte) []byte {
	return bytes.ReplaceAll(svg, []byte(`stroke-dasharray="5,2"`), []byte(`stroke-dasharray="`+svgDashes["dashed"]+`"`))
}

// num writes a coordinate with at most two decimals.
func num(x float64) string { return strconv.FormatFloat(math.Round(x*100)/100, 'f', -1, 64) }

// The dash patterns of dashed and dotted lines, in points. Graphviz's
// own dashes (5,2) are too dense to tell from a solid line in a greyscale
// print, so the SVG's are replaced by these (see composeSVG) and the
// painter draws the same.
var (
	dashed = []float64{6, 4}
	dotted = []float64{1, 5}
)

var svgDashes = map[string]string{"dashed": "6,4", "dotted": "1,5"}

func writePrims(b *bytes.Buffer, ps []prim) {
	paint := func(p prim) string {
		s := ` fill="` + colourOr(p.fill, "none") + `"`
		if p.stroke != "" && p.width > 0 {
			s += ` stroke="` + p.stroke + `" stroke-width="` + num(p.width) + `"`
			if d := svgDashes[p.dash]; d != "" {
				s += ` stroke-dasharray="` + d + `"`
			}
		} else {
			s += ` stroke="none"`
		}
		return s
	}
	for _, p := range ps {
		switch p.kind {
		case primRect:
			r := ""
			if p.r > 0 {
				r = ` rx="` + num(p.r) + `"`
			}
			fmt.Fprintf(b, `<rect x="%s" y="%s" width="%s" height="%s"%s%s/>`+"\n", num(p.x), num(p.y), num(p.w), num(p.h), r, paint(p))
		case primPoly, primLine:
			var pts []string
			for _, q := range p.pts {
				pts = append(pts, num(q[0])+","+num(q[1]))
			}
			tag := "polygon"
			if p.kind == primLine {
				tag = "polyline"
				p.fill = ""
			}
			fmt.Fprintf(b, `<%s points="%s"%s/>`+"\n", tag, strings.Join(pts, " "), paint(p))
		case primText:
			anchor := map[byte]string{'l': "start", 'c': "middle", 'r': "end"}[p.anchor]
			weight := ""
			if p.bold {
				weight = ` font-weight="bold"`
			}
			fmt.Fprintf(b, `<text text-anchor="%s" x="%s" y="%s" font-family="%s" font-size="%s"%s fill="%s">%s</text>`+"\n",
				anchor, num(p.x), num(p.y), svgFontFamily, num(p.size), weight, colourOr(p.fill, inkColour), esc(p.text))
		}
	}
}

func colourOr(c, def string) string {
	if c == "" {
		return def
	}
	return c
}
