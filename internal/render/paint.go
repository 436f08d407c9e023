package render

// The painter turns Graphviz's json layout (which carries xdot drawing
// operations: _draw_, _ldraw_, _hdraw_, …) into PNG and PDF.
//
// Why tdewolff/canvas: one drawing is handed to two renderers (its
// rasterizer for PNG, its PDF writer for PDF), so the two formats cannot
// drift apart; it is pure Go, draws Bézier paths, dashes and embedded
// TrueType text with subsetting, and is already a dependency. Drawing with
// golang.org/x/image/vector plus a separate PDF library would mean two
// painters to keep in step.

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"image/color"
	"image/png"
	"math"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/tdewolff/canvas"
	"github.com/tdewolff/canvas/renderers/pdf"
	"github.com/tdewolff/canvas/renderers/rasterizer"
)

// Liberation Sans has the metrics of Helvetica/Arial, which Graphviz uses
// to size labels, and covers the Dutch diacritics (SIL Open Font License,
// see font/LICENSE).
var (
	//go:embed font/LiberationSans-Regular.ttf
	fontRegular []byte
	//go:embed font/LiberationSans-Bold.ttf
	fontBold []byte
)

var (
	fontOnce   sync.Once
	fontFamily *canvas.FontFamily
	fontErr    error
)

func family() (*canvas.FontFamily, error) {
	fontOnce.Do(func() {
		f := canvas.NewFontFamily("Liberation Sans")
		if err := f.LoadFont(fontRegular, 0, canvas.FontRegular); err != nil {
			fontErr = fmt.Errorf("load embedded font: %w", err)
			return
		}
		if err := f.LoadFont(fontBold, 0, canvas.FontBold); err != nil {
			fontErr = fmt.Errorf("load embedded bold font: %w", err)
			return
		}
		fontFamily = f
	})
	return fontFamily, fontErr
}

// mmPerPt converts points to canvas millimetres.
const mmPerPt = 25.4 / 72

// autoWidthPx is the width of a PNG of a natural-size (auto) page at
// scale 1: a full-HD slide's width.
const autoWidthPx = 1920

type gvOp struct {
	Op       string      `json:"op"`
	Color    string      `json:"color"`
	Style    string      `json:"style"`
	Size     float64     `json:"size"`
	Face     string      `json:"face"`
	Fontchar int         `json:"fontchar"`
	Pt       []float64   `json:"pt"`
	Align    string      `json:"align"`
	Width    float64     `json:"width"`
	Text     string      `json:"text"`
	Rect     []float64   `json:"rect"`
	Points   [][]float64 `json:"points"`
}

type gvObject struct {
	Name   string `json:"name"`
	Draw   []gvOp `json:"_draw_"`
	LDraw  []gvOp `json:"_ldraw_"`
	HDraw  []gvOp `json:"_hdraw_"`
	TDraw  []gvOp `json:"_tdraw_"`
	HLDraw []gvOp `json:"_hldraw_"`
	TLDraw []gvOp `json:"_tldraw_"`
	Nodes  []int  `json:"nodes"`
	Subs   []int  `json:"subgraphs"`
}

type gvLayout struct {
	gvObject
	BB       string     `json:"bb"`
	SubCount int        `json:"_subgraph_cnt"`
	Objects  []gvObject `json:"objects"`
	Edges    []gvObject `json:"edges"`

	x0, y0, x1, y1 float64 // bb, parsed
}

// readLayout reads Graphviz's json layout.
func readLayout(js []byte) (*gvLayout, error) {
	var l gvLayout
	if err := json.Unmarshal(js, &l); err != nil {
		return nil, fmt.Errorf("read graphviz layout: %w", err)
	}
	if _, err := fmt.Sscanf(l.BB, "%g,%g,%g,%g", &l.x0, &l.y0, &l.x1, &l.y1); err != nil {
		return nil, fmt.Errorf("read graphviz bounding box %q: %w", l.BB, err)
	}
	return &l, nil
}

// size is the layout's size as Graphviz's SVG gives it (its viewBox), and
// the smallest text in it.
func (l *gvLayout) size() (w, h, minFont float64) {
	minFont = math.Inf(1)
	visit := func(ops []gvOp) {
		for _, o := range ops {
			if o.Op == "F" && o.Size > 0 {
				minFont = min(minFont, o.Size)
			}
		}
	}
	l.each(visit)
	return l.x1 - l.x0 + 2*mapPad, l.y1 - l.y0 + 2*mapPad, minFont
}

// each calls f with every list of drawing operations, in the order
// Graphviz's SVG draws them: the graph, its clusters, then edges
// (outputorder=edgesfirst), then nodes.
func (l *gvLayout) each(f func([]gvOp)) {
	f(l.Draw)
	f(l.LDraw)
	for i := 0; i < l.SubCount && i < len(l.Objects); i++ {
		f(l.Objects[i].Draw)
		f(l.Objects[i].LDraw)
	}
	for _, e := range l.Edges {
		for _, ops := range [][]gvOp{e.Draw, e.HDraw, e.TDraw, e.LDraw, e.HLDraw, e.TLDraw} {
			f(ops)
		}
	}
	for i := l.SubCount; i < len(l.Objects); i++ {
		f(l.Objects[i].Draw)
		f(l.Objects[i].LDraw)
	}
}

// paint draws a page with a map laid out by Graphviz (l) as PNG or PDF.
// pxPerPt is the PNG's resolution, scale the multiplier the request asked
// for (for the error when the PNG would be too large).
func paint(c composition, l *gvLayout, format string, pxPerPt, scale float64) ([]byte, error) {
	fam, err := family()
	if err != nil {
		return nil, err
	}
	cv := canvas.New(c.w*mmPerPt, c.h*mmPerPt)
	ctx := canvas.NewContext(cv)
	ctx.SetFillColor(canvas.White)
	ctx.SetStrokeColor(canvas.Transparent)
	ctx.DrawPath(0, 0, canvas.Rectangle(c.w*mmPerPt, c.h*mmPerPt))

	pg := &painter{ctx: ctx, fam: fam, k: 1, tf: func(x, y float64) (float64, float64) { return x * mmPerPt, (c.h - y) * mmPerPt }}
	pg.prims(c.header)
	mp := &painter{ctx: ctx, fam: fam, k: c.mapScale, tf: func(x, y float64) (float64, float64) {
		px := c.mapX + c.mapScale*(x-l.x0+mapPad)
		py := c.mapY + c.mapScale*(l.y1-y+mapPad)
		return px * mmPerPt, (c.h - py) * mmPerPt
	}}
	l.each(mp.ops)
	pg.prims(c.legend)

	var buf bytes.Buffer
	switch format {
	case FormatPNG:
		// The pixel budget is checked before the image is allocated: the
		// natural-size page at scale 1 is lowered to fit it, a scale asked
		// for that passes it refused.
		if px := c.w * c.h * pxPerPt * pxPerPt; px > MaxPixels {
			if scale == 1 {
				pxPerPt = math.Sqrt(MaxPixels / (c.w * c.h))
			} else {
				return nil, tooManyPixels(scale, px)
			}
		}
		img := rasterizer.Draw(cv, canvas.DPMM(pxPerPt/mmPerPt), canvas.DefaultColorSpace)
		enc := png.Encoder{CompressionLevel: png.BestSpeed}
		if err := enc.Encode(&buf, img); err != nil {
			return nil, fmt.Errorf("encode png: %w", err)
		}
	case FormatPDF:
		r := pdf.New(&buf, cv.W, cv.H, &pdf.Options{Compress: true, SubsetFonts: true})
		cv.RenderTo(outlineText{r})
		if err := r.Close(); err != nil {
			return nil, fmt.Errorf("write pdf: %w", err)
		}
		return stableDate(buf.Bytes()), nil
	default:
		return nil, fmt.Errorf("paint: format %q is not png or pdf", format)
	}
	return buf.Bytes(), nil
}

// outlineText draws text as glyph outlines instead of embedded fonts. The
// font writer of the PDF library stamps the current time into every
// embedded font (the head table's modified date, inside a compressed
// stream), which would make two renders of one map differ; outlines are
// also drawn the same by every PDF viewer. The price: the PDF's text
// cannot be selected or searched.
type outlineText struct{ *pdf.PDF }

func (o outlineText) RenderText(text *canvas.Text, m canvas.Matrix) {
	text.RenderAsPath(o, m, canvas.DefaultResolution)
}

// RenderPath works around the PDF writer scaling dash lengths by the
// stroke's width instead of by the view (millimetres to points): dashes
// are handed over divided by the width, so that they come out as long as
// on the PNG and in the SVG.
func (o outlineText) RenderPath(path *canvas.Path, style canvas.Style, m canvas.Matrix) {
	if style.IsDashed() && style.StrokeWidth > 0 && m.IsSimilarity() {
		k := 1 / style.StrokeWidth
		style.DashOffset, style.Dashes = canvas.ScaleDash(k, style.DashOffset, style.Dashes)
	}
	o.PDF.RenderPath(path, style, m)
}

// The PDF writer stamps the current time as CreationDate; blanking it in
// place (same length, so the cross-reference offsets stay right) makes the
// same map give the same bytes.
var creationDate = regexp.MustCompile(`/CreationDate ?\([^)]*\)`)

func stableDate(b []byte) []byte {
	return creationDate.ReplaceAllFunc(b, func(m []byte) []byte {
		return bytes.Repeat([]byte(" "), len(m))
	})
}

// painter draws Graphviz drawing operations or the page's primitives on a
// canvas. tf maps a point to canvas millimetres; k scales line widths,
// dashes and text (the map's scale on the page).
type painter struct {
	ctx    *canvas.Context
	fam    *canvas.FontFamily
	tf     func(x, y float64) (float64, float64)
	k      float64
	pen    color.RGBA
	fill   color.RGBA
	width  float64
	dashes []float64
	size   float64
	bold   bool
}

func (p *painter) ops(ops []gvOp) {
	if len(ops) == 0 {
		return
	}
	// Each attribute list starts from Graphviz's defaults.
	p.pen, p.fill = color.RGBA{0, 0, 0, 255}, color.RGBA{0, 0, 0, 255}
	p.width, p.dashes, p.size, p.bold = 1, nil, 14, false
	for _, o := range ops {
		switch o.Op {
		case "c":
			p.pen = parseColour(o.Color)
		case "C":
			p.fill = parseColour(o.Color)
		case "S":
			p.style(o.Style)
		case "F":
			p.size = o.Size
		case "t":
			p.bold = o.Fontchar&1 != 0
		case "T":
			if len(o.Pt) == 2 {
				x, y := p.tf(o.Pt[0], o.Pt[1])
				p.text(x, y, o.Text, p.size*p.k, p.bold, p.pen, o.Align)
			}
		case "E", "e":
			if len(o.Rect) == 4 {
				x, y := p.tf(o.Rect[0], o.Rect[1])
				p.shape(canvas.Ellipse(o.Rect[2]*mmPerPt*p.k, o.Rect[3]*mmPerPt*p.k).Translate(x, y), o.Op == "E")
			}
		case "P", "p", "L":
			path := &canvas.Path{}
			for i, q := range o.Points {
				x, y := p.tf(q[0], q[1])
				if i == 0 {
					path.MoveTo(x, y)
				} else {
					path.LineTo(x, y)
				}
			}
			if o.Op != "L" {
				path.Close()
			}
			p.shape(path, o.Op == "P")
		case "B", "b":
			if len(o.Points) < 4 {
				continue
			}
			path := &canvas.Path{}
			x, y := p.tf(o.Points[0][0], o.Points[0][1])
			path.MoveTo(x, y)
			for i := 1; i+2 < len(o.Points); i += 3 {
				ax, ay := p.tf(o.Points[i][0], o.Points[i][1])
				bx, by := p.tf(o.Points[i+1][0], o.Points[i+1][1])
				cx, cy := p.tf(o.Points[i+2][0], o.Points[i+2][1])
				path.CubeTo(ax, ay, bx, by, cx, cy)
			}
			// Graphviz's json output marks filled Béziers "B" and open ones
			// (edges, unfilled rounded boxes) "b".
			if o.Op == "B" {
				path.Close()
			}
			p.shape(path, o.Op == "B")
		}
	}
}

// style applies an xdot style. Graphviz's json writer can append stray
// bytes to the style of an HTML table cell ("dashed(…"), so only the name
// before the parenthesis counts, except for setlinewidth's argument.
func (p *painter) style(s string) {
	if v, ok := strings.CutPrefix(s, "setlinewidth("); ok {
		if w, err := strconv.ParseFloat(strings.TrimSuffix(v, ")"), 64); err == nil {
			p.width = w
		}
		return
	}
	name, _, _ := strings.Cut(s, "(")
	switch name {
	case "dashed":
		p.dashes = dashed
	case "dotted":
		p.dashes = dotted
	case "solid":
		p.dashes = nil
	case "bold":
		p.width = 2
	}
}

// shape fills (when filled) and strokes a path with the current pen. Dash
// lengths do not grow with the line width, as in Graphviz's SVG.
func (p *painter) shape(path *canvas.Path, filled bool) {
	if filled && p.fill.A > 0 {
		p.ctx.SetFillColor(p.fill)
	} else {
		p.ctx.SetFillColor(canvas.Transparent)
	}
	if p.pen.A > 0 && p.width > 0 {
		p.ctx.SetStrokeColor(p.pen)
		p.ctx.SetStrokeWidth(p.width * mmPerPt * p.k)
		if p.dashes != nil {
			d := make([]float64, len(p.dashes))
			for i, v := range p.dashes {
				d[i] = v * mmPerPt * p.k
			}
			p.ctx.SetDashes(0, d...)
		} else {
			p.ctx.SetDashes(0)
		}
	} else {
		p.ctx.SetStrokeColor(canvas.Transparent)
	}
	p.ctx.DrawPath(0, 0, path)
}

// text writes a line of text with its baseline at (x, y) mm, aligned
// (l, c or r) there.
func (p *painter) text(x, y float64, s string, size float64, bold bool, colour color.RGBA, align string) {
	if strings.TrimSpace(s) == "" || size <= 0 {
		return
	}
	style := canvas.FontRegular
	if bold {
		style = canvas.FontBold
	}
	// Only regular and bold are embedded: italic text is drawn upright.
	face := p.fam.Face(size, colour, style)
	w := face.TextWidth(s)
	switch align {
	case "c":
		x -= w / 2
	case "r":
		x -= w
	}
	p.ctx.DrawText(x, y, canvas.NewTextLine(face, s, canvas.Left))
}

// prims draws the page's own primitives.
func (p *painter) prims(ps []prim) {
	for _, q := range ps {
		p.pen, p.fill = parseColour(colourOr(q.stroke, "none")), parseColour(colourOr(q.fill, "none"))
		p.width, p.dashes = q.width, nil
		if q.stroke == "" {
			p.width = 0
		}
		switch q.dash {
		case "dashed":
			p.dashes = dashed
		case "dotted":
			p.dashes = dotted
		}
		switch q.kind {
		case primRect:
			x, y := p.tf(q.x, q.y+q.h)
			p.shape(canvas.RoundedRectangle(q.w*mmPerPt, q.h*mmPerPt, q.r*mmPerPt).Translate(x, y), true)
		case primPoly, primLine:
			path := &canvas.Path{}
			for i, pt := range q.pts {
				x, y := p.tf(pt[0], pt[1])
				if i == 0 {
					path.MoveTo(x, y)
				} else {
					path.LineTo(x, y)
				}
			}
			if q.kind == primPoly {
				path.Close()
			}
			p.shape(path, q.kind == primPoly)
		case primText:
			x, y := p.tf(q.x, q.y)
			p.text(x, y, q.text, q.size, q.bold, parseColour(colourOr(q.fill, inkColour)), string(q.anchor))
		}
	}
}

var namedColours = map[string]color.RGBA{
	"black": {0, 0, 0, 255}, "white": {255, 255, 255, 255}, "transparent": {}, "none": {},
	"red": {255, 0, 0, 255}, "blue": {0, 0, 255, 255}, "gray": {192, 192, 192, 255}, "grey": {192, 192, 192, 255},
	"lightgrey": {211, 211, 211, 255}, "lightgray": {211, 211, 211, 255},
}

// parseColour reads Graphviz colours: #rrggbb, #rrggbbaa, or a few names.
func parseColour(s string) color.RGBA {
	s = strings.ToLower(strings.TrimSpace(s))
	if c, ok := namedColours[s]; ok {
		return c
	}
	if strings.HasPrefix(s, "#") && (len(s) == 7 || len(s) == 9) {
		v, err := strconv.ParseUint(s[1:], 16, 32)
		if err == nil {
			if len(s) == 7 {
				return color.RGBA{uint8(v >> 16), uint8(v >> 8), uint8(v), 255}
			}
			// Premultiplied, as color.RGBA wants.
			a := uint32(v & 0xff)
			pm := func(c uint32) uint8 { return uint8(c * a / 255) }
			return color.RGBA{pm(uint32(v >> 24 & 0xff)), pm(uint32(v >> 16 & 0xff)), pm(uint32(v >> 8 & 0xff)), uint8(a)}
		}
	}
	return color.RGBA{0, 0, 0, 255}
}

// textWidthPt is the width in points the painter gives a text.
func textWidthPt(fam *canvas.FontFamily, text string, size float64, bold bool) float64 {
	style := canvas.FontRegular
	if bold {
		style = canvas.FontBold
	}
	return fam.Face(size, canvas.Black, style).TextWidth(text) / mmPerPt
}
