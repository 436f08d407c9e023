package render

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/goccy/go-graphviz"
)

// Graphviz runs as one WebAssembly module per process: every call into it
// is serialised by this mutex, because concurrent calls corrupt the
// module's memory. The module is created once and kept, since creating it
// costs far more than a layout.
var (
	gvMu  sync.Mutex
	gvCtx *graphviz.Graphviz
)

// Only these engines and output formats ever reach Graphviz: an unknown
// format string corrupts the module for the next call.
var (
	allowedEngines = []string{"dot", "neato"}
	allowedOutputs = []string{"svg", "json"}
)

// errLayout marks a failure of Graphviz itself.
var errLayout = errors.New("graphviz layout failed")

// layoutJob is one call into Graphviz: lay out a DOT source with an engine
// and write one output format.
type layoutJob struct {
	Engine string
	Output string
	DOT    []byte
}

func (j layoutJob) check() error {
	if !slices.Contains(allowedEngines, j.Engine) {
		return fmt.Errorf("layout engine %q is not one of %v", j.Engine, allowedEngines)
	}
	if !slices.Contains(allowedOutputs, j.Output) {
		return fmt.Errorf("layout output %q is not one of %v", j.Output, allowedOutputs)
	}
	return nil
}

// layoutInProcess runs a job in this process's Graphviz module. It cannot be
// cancelled: the context only reaches the module's host calls.
func layoutInProcess(ctx context.Context, j layoutJob) ([]byte, error) {
	if err := j.check(); err != nil {
		return nil, err
	}
	gvMu.Lock()
	defer gvMu.Unlock()
	if gvCtx == nil {
		g, err := graphviz.New(ctx)
		if err != nil {
			return nil, fmt.Errorf("start graphviz: %w", err)
		}
		gvCtx = g
	}
	g, err := graphviz.ParseBytes(j.DOT)
	if err != nil {
		// Graphviz's parse messages can carry text of earlier inputs, so
		// they are not passed on.
		return nil, fmt.Errorf("%w: the generated map source did not parse", errLayout)
	}
	defer g.Close()
	var buf bytes.Buffer
	gvCtx.SetLayout(graphviz.Layout(j.Engine))
	if err := gvCtx.Render(ctx, g, graphviz.Format(j.Output), &buf); err != nil {
		return nil, fmt.Errorf("%w: %s %s: %v", errLayout, j.Engine, j.Output, err)
	}
	if buf.Len() == 0 {
		return nil, fmt.Errorf("%w: %s %s gave no output", errLayout, j.Engine, j.Output)
	}
	return buf.Bytes(), nil
}
