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

// mmPerPt converts Graphviz points to canvas millimetres.
const mmPerPt = 25.4 / 72

// minWidthPx is the default PNG width: a full-HD slide.
const minWidthPx = 1920

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
}

// paint draws a json layout as PNG or PDF. scale is pixels per point for
// PNG, 0 for the default.
func paint(js []byte, format string, scale float64) ([]byte, error) {
	var l gvLayout
	if err := json.Unmarshal(js, &l); err != nil {
		return nil, fmt.Errorf("read graphviz layout: %w", err)
	}
	var x0, y0, x1, y1 float64
	if _, err := fmt.Sscanf(l.BB, "%g,%g,%g,%g", &x0, &y0, &x1, &y1); err != nil {
		return nil, fmt.Errorf("read graphviz bounding box %q: %w", l.BB, err)
	}
	fam, err := family()
	if err != nil {
		return nil, err
	}
	// Graphviz adds pad around bb in its SVG; do the same so the formats
	// have the same size.
	const pad = 0.3 * 72
	wpt, hpt := x1-x0+2*pad, y1-y0+2*pad
	c := canvas.New(wpt*mmPerPt, hpt*mmPerPt)
	ctx := canvas.NewContext(c)
	p := &painter{ctx: ctx, fam: fam, dx: pad - x0, dy: pad - y0}
	ctx.SetFillColor(canvas.White)
	ctx.SetStrokeColor(canvas.Transparent)
	ctx.DrawPath(0, 0, canvas.Rectangle(wpt*mmPerPt, hpt*mmPerPt))

	// The same order as Graphviz's SVG: the graph, its clusters, then
	// edges (outputorder=edgesfirst), then nodes.
	p.ops(l.Draw)
	p.ops(l.LDraw)
	for i := 0; i < l.SubCount && i < len(l.Objects); i++ {
		p.ops(l.Objects[i].Draw)
		p.ops(l.Objects[i].LDraw)
	}
	for _, e := range l.Edges {
		for _, ops := range [][]gvOp{e.Draw, e.HDraw, e.TDraw, e.LDraw, e.HLDraw, e.TLDraw} {
			p.ops(ops)
		}
	}
	for i := l.SubCount; i < len(l.Objects); i++ {
		p.ops(l.Objects[i].Draw)
		p.ops(l.Objects[i].LDraw)
	}

	var buf bytes.Buffer
	switch format {
	case FormatPNG:
		// The pixel budget is checked before the image is allocated: an
		// automatic scale is lowered to fit it, an asked-for one refused.
		if scale == 0 {
			scale = min(minWidthPx/wpt, math.Sqrt(MaxPixels/(wpt*hpt)))
		} else if px := wpt * hpt * scale * scale; px > MaxPixels {
			return nil, tooManyPixels(scale, px)
		}
		img := rasterizer.Draw(c, canvas.DPMM(scale/mmPerPt), canvas.DefaultColorSpace)
		enc := png.Encoder{CompressionLevel: png.BestSpeed}
		if err := enc.Encode(&buf, img); err != nil {
			return nil, fmt.Errorf("encode png: %w", err)
		}
	case FormatPDF:
		r := pdf.New(&buf, c.W, c.H, &pdf.Options{Compress: true, SubsetFonts: true})
		c.RenderTo(outlineText{r})
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
	text.RenderAsPath(o.PDF, m, canvas.DefaultResolution)
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

type painter struct {
	ctx    *canvas.Context
	fam    *canvas.FontFamily
	dx, dy float64
	pen    color.RGBA
	fill   color.RGBA
	width  float64
	dashes []float64
	size   float64
	bold   bool
}

func (p *painter) pt(x, y float64) (float64, float64) {
	return (x + p.dx) * mmPerPt, (y + p.dy) * mmPerPt
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
			p.text(o)
		case "E", "e":
			if len(o.Rect) == 4 {
				x, y := p.pt(o.Rect[0], o.Rect[1])
				p.shape(canvas.Ellipse(o.Rect[2]*mmPerPt, o.Rect[3]*mmPerPt).Translate(x, y), o.Op == "E")
			}
		case "P", "p", "L":
			path := &canvas.Path{}
			for i, q := range o.Points {
				x, y := p.pt(q[0], q[1])
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
			x, y := p.pt(o.Points[0][0], o.Points[0][1])
			path.MoveTo(x, y)
			for i := 1; i+2 < len(o.Points); i += 3 {
				ax, ay := p.pt(o.Points[i][0], o.Points[i][1])
				bx, by := p.pt(o.Points[i+1][0], o.Points[i+1][1])
				cx, cy := p.pt(o.Points[i+2][0], o.Points[i+2][1])
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

func (p *painter) style(s string) {
	switch {
	case s == "dashed":
		p.dashes = []float64{5, 2}
	case s == "dotted":
		p.dashes = []float64{1, 5}
	case s == "solid":
		p.dashes = nil
	case s == "bold":
		p.width = 2
	case strings.HasPrefix(s, "setlinewidth("):
		if v, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimPrefix(s, "setlinewidth("), ")"), 64); err == nil {
			p.width = v
		}
	}
}

// shape fills (when filled) and strokes a path with the current pen.
func (p *painter) shape(path *canvas.Path, filled bool) {
	if filled && p.fill.A > 0 {
		p.ctx.SetFillColor(p.fill)
	} else {
		p.ctx.SetFillColor(canvas.Transparent)
	}
	if p.pen.A > 0 && p.width > 0 {
		p.ctx.SetStrokeColor(p.pen)
		p.ctx.SetStrokeWidth(p.width * mmPerPt)
		if p.dashes != nil {
			d := make([]float64, len(p.dashes))
			for i, v := range p.dashes {
				d[i] = v * mmPerPt * max(p.width, 1)
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

func (p *painter) text(o gvOp) {
	if len(o.Pt) != 2 || strings.TrimSpace(o.Text) == "" {
		return
	}
	style := canvas.FontRegular
	if p.bold {
		style = canvas.FontBold
	}
	// Only regular and bold are embedded: italic text is drawn upright.
	face := p.fam.Face(p.size, p.pen, style)
	w := face.TextWidth(o.Text)
	x, y := p.pt(o.Pt[0], o.Pt[1])
	switch o.Align {
	case "c":
		x -= w / 2
	case "r":
		x -= w
	}
	p.ctx.DrawText(x, y, canvas.NewTextLine(face, o.Text, canvas.Left))
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
