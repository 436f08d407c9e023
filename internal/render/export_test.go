package render

import (
	"context"
	"image/color"
)

// WorkerPIDs lists the process ids of a Renderer's idle and busy workers.
func WorkerPIDs(r *Renderer) (idle, busy []int) { return r.pool.pids() }

// Waiting returns the number of jobs waiting per workspace.
func Waiting(r *Renderer) map[string]int { return r.queue.waiting() }

// WorkersStarted counts the worker processes a Renderer has started.
func WorkersStarted(r *Renderer) int {
	r.pool.mu.Lock()
	defer r.pool.mu.Unlock()
	return r.pool.started
}

// Layout exposes the Graphviz layout to tests.
var Layout = func(engine, output string, dot []byte) ([]byte, error) {
	return layoutInProcess(context.Background(), layoutJob{Engine: engine, Output: output, DOT: dot})
}

// EnvWorkerMemory is the environment variable that carries
// Options.WorkerMemory to a worker.
const EnvWorkerMemory = envWorkerMemory

// TextWidth is the painter's width in points of text at size.
func TextWidth(text string, size float64, bold bool) float64 {
	fam, err := family()
	if err != nil {
		panic(err)
	}
	return textWidthPt(fam, text, size, bold)
}

// AttitudeFill is the fill colour of an attitude's boxes.
func AttitudeFill(attitude string) color.RGBA { return parseColour(lookOf(attitude).fill) }

// BuildDeck makes a deck with draw standing in for the map renderer, so
// that tests of the deck's slides need not draw every map.
func BuildDeck(ctx context.Context, req DeckRequest, draw func(Request) ([]byte, error)) ([]byte, error) {
	b, err := normalizeDeck(&req)
	if err != nil {
		return nil, err
	}
	return buildDeck(ctx, req, b, func(_ context.Context, r Request) ([]byte, error) { return draw(r) })
}
