package render

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"strconv"

	"github.com/stakemap/stakemap/graph"
)

// layoutFunc runs one Graphviz job: the Renderer passes its worker pool, a
// process that draws on its own its in-process Graphviz.
type layoutFunc func(ctx context.Context, j layoutJob) ([]byte, error)

// selection says which part of a map's content to draw: at most limit
// items (0: all) from item from on. Part 0 is the whole map, summarised
// to fit its page; part N ≥ 1 the N-th slice of everything, in a fixed
// order, sized to fit. What an item is depends on the kind: a stakeholder,
// an entry of every grid cell, a path, a trajectory.
type selection struct {
	part, from, limit int
}

// drawing is a finished map.
type drawing struct {
	data  []byte
	note  string
	parts int
}

// maxFitTries bounds the layouts spent on fitting one map or part to its
// page; maxParts bounds the parts of one map.
const (
	maxFitTries = 6
	maxParts    = 500
)

// attempt is one layout of a map, measured and placed on its page.
type attempt struct {
	m             *mapper
	dot           []byte
	out           []byte // Graphviz's svg or json
	layout        *gvLayout
	w, h, minFont float64
	comp          composition
	partNo        int
}

// drawPage builds the requested map, lays it out, fits it to its page
// (summarising or slicing it into parts until its smallest text is large
// enough) and writes it in the requested format. maxNodes bounds the size
// of what Graphviz is given.
func drawPage(ctx context.Context, req Request, b *graph.Bundle, lay layoutFunc, maxNodes int) (drawing, error) {
	output := "json"
	if req.Format == FormatSVG || req.Format == FormatDOT {
		output = "svg"
	}
	try := func(sel selection, partNo int) (*attempt, error) {
		m, err := buildMap(ctx, req, b, sel)
		if err != nil {
			return nil, err
		}
		if m.nodeCount > maxNodes {
			return nil, fmt.Errorf("render %s map: %d nodes, more than the limit of %d: %w", req.Kind, m.nodeCount, maxNodes, ErrTooLarge)
		}
		a := &attempt{m: m, dot: bytes.Clone(m.w.Bytes()), partNo: partNo}
		if req.Format == FormatDOT && req.Page == PageAuto {
			// Nothing to fit: the source is the answer.
			return a, nil
		}
		a.out, err = lay(ctx, layoutJob{Engine: m.engine, Output: output, DOT: a.dot})
		if err != nil {
			return nil, err
		}
		if output == "svg" {
			a.w, a.h, a.minFont, err = svgSize(a.out)
		} else if a.layout, err = readLayout(a.out); err == nil {
			a.w, a.h, a.minFont = a.layout.size()
		}
		if err != nil {
			return nil, err
		}
		// While fitting, a part is noted as "part N of N": the same lines
		// as the final note, whose total is not known yet.
		return a, a.place(req, partNo, max(partNo, 1))
	}
	// fit shrinks a selection until its map fits the page.
	fit := func(sel selection) (*attempt, error) {
		a, err := try(sel, sel.part)
		for n := 1; err == nil && !a.comp.fits(req.Page) && n < maxFitTries; n++ {
			next, ok := shrink(sel, a)
			if !ok {
				break
			}
			sel = next
			a, err = try(sel, sel.part)
		}
		return a, err
	}

	var a *attempt
	parts := 0
	if req.Part == 0 {
		var err error
		if a, err = fit(selection{}); err != nil {
			return drawing{}, err
		}
	} else {
		from, guess := 0, 0
		for parts < maxParts {
			parts++
			p, err := fit(selection{part: parts, from: from, limit: guess})
			if err != nil {
				return drawing{}, err
			}
			if parts == req.Part {
				a = p
			}
			guess = max(p.m.shown, 1)
			from += guess
			if from >= p.m.total {
				break
			}
		}
		if a == nil {
			return drawing{}, fmt.Errorf("render: %w", graph.Invalid([]graph.Problem{{Field: "part", Value: strconv.Itoa(req.Part),
				Reason: fmt.Sprintf("this map has %d part(s) on a %s page", parts, req.Page)}}))
		}
		if err := a.place(req, req.Part, parts); err != nil {
			return drawing{}, err
		}
	}

	d := drawing{note: a.m.note, parts: parts}
	if a.partNo > 0 {
		d.note = joinNote(partNote(a.m, a.partNo, parts), d.note)
	}
	var err error
	switch req.Format {
	case FormatDOT:
		d.data = a.dot
	case FormatSVG:
		d.data, err = composeSVG(a.comp, a.m.title, a.out)
	default:
		px := pxPerPt * req.Scale
		if req.Page == PageAuto {
			px = autoWidthPx / a.comp.w * req.Scale
		}
		d.data, err = paint(a.comp, a.layout, req.Format, px, req.Scale)
	}
	if err != nil {
		return drawing{}, fmt.Errorf("render %s map as %s: %w", req.Kind, req.Format, err)
	}
	return d, nil
}

// place composes the attempt's page, with the note of part partNo of
// partOf when it is a part.
func (a *attempt) place(req Request, partNo, partOf int) error {
	notes := a.m.notes
	if partNo > 0 {
		notes = append([]string{partNote(a.m, partNo, partOf)}, notes...)
	}
	var err error
	a.comp, err = compose(req.Page, a.m.title, notes, a.m.legend, req.Lang, a.w, a.h, a.minFont)
	return err
}

// shrink picks a smaller selection for a map that did not fit: fewer
// items, in proportion to how much too small its text came out.
func shrink(sel selection, a *attempt) (selection, bool) {
	shown := a.m.shown
	if shown <= 1 || a.comp.minText <= 0 {
		return sel, false
	}
	ratio := minTextPt / a.comp.minText
	next := int(float64(shown) / math.Pow(ratio, 1.5))
	sel.limit = max(1, min(shown-1, next))
	return sel, true
}

func partNote(m *mapper, n, of int) string {
	return m.t(fmt.Sprintf("Deel %d van %d", n, of), fmt.Sprintf("Part %d of %d", n, of)) + partWhat(m)
}

// partWhat says how a map is sliced into parts.
func partWhat(m *mapper) string {
	switch m.req.Kind {
	case KindStakeholders:
		return m.t(": belanghebbenden per afdeling", ": stakeholders by unit")
	case KindGrid:
		return m.t(": vervolg van de volle vakken", ": the full cells continued")
	case KindPath:
		return m.t(": paden op volgorde", ": paths in order")
	case KindChanges:
		return m.t(": verschuivingen op volgorde", ": changes in order")
	}
	return m.t(": trajecten op volgorde", ": trajectories in order")
}

func joinNote(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + ". " + b
}

// buildMap writes the DOT source of the requested map and what its page
// shows around it.
func buildMap(ctx context.Context, req Request, b *graph.Bundle, sel selection) (*mapper, error) {
	m := newMapper(req, b, sel)
	var err error
	switch req.Kind {
	case KindStakeholders:
		err = m.stakeholders(ctx)
	case KindGrid:
		err = m.grid()
	case KindPath:
		err = m.path(ctx)
	case KindDependencies:
		err = m.dependencies(ctx)
	case KindChanges:
		err = m.changes()
	}
	if err != nil {
		return nil, err
	}
	return m, nil
}
