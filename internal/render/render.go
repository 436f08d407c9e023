// Package render draws stakemap's maps: stakeholder maps, power–interest
// grids, influence paths and dependency maps, as SVG, PNG, PDF or their
// Graphviz DOT source.
//
// Graphviz (go-graphviz, compiled to WebAssembly) lays the maps out and
// writes SVG. Its own PNG output is wrong and its PDF output fails, so PNG
// and PDF are painted here from Graphviz's layout (its json output with
// drawing operations) by one pure-Go painter, with an embedded font, so
// that the three formats look the same on every machine.
//
// Graphviz's WebAssembly module cannot be shared between goroutines, never
// gives memory back and cannot be interrupted. A Renderer therefore runs
// layouts in a small pool of worker processes (this same binary started
// with a hidden subcommand that calls ServeWorker), recycles each worker
// after a number of layouts, kills one whose render outlives its deadline,
// and replaces one that dies. Results are cached by a content hash of their
// inputs, which doubles as the HTTP ETag.
package render

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"time"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/lru"
)

// Map kinds.
const (
	KindStakeholders = "stakeholders"
	KindGrid         = "grid"
	KindPath         = "path"
	KindDependencies = "dependencies"
)

// Kinds lists the map kinds.
var Kinds = []string{KindStakeholders, KindGrid, KindPath, KindDependencies}

// Output formats.
const (
	FormatSVG = "svg"
	FormatPNG = "png"
	FormatPDF = "pdf"
	FormatDOT = "dot"
)

// Formats lists the output formats.
var Formats = []string{FormatSVG, FormatPNG, FormatPDF, FormatDOT}

var contentTypes = map[string]string{
	FormatSVG: "image/svg+xml",
	FormatPNG: "image/png",
	FormatPDF: "application/pdf",
	FormatDOT: "text/vnd.graphviz; charset=utf-8",
}

// SummaryThreshold is the number of stakeholders above which a stakeholder
// map is summarised (the key stakeholders shown, the others counted per
// unit) unless Request.Full asks for everything: Graphviz takes seconds to
// minutes on clustered maps much larger than this.
const SummaryThreshold = 150

// Request asks for one map of one workspace snapshot.
type Request struct {
	// Bundle is the workspace snapshot; it is read, never changed.
	Bundle *graph.Bundle
	// Kind is one of Kinds.
	Kind string
	// Format is one of Formats.
	Format string
	// Trajectory narrows a stakeholders or grid map to one trajectory;
	// empty: the whole workspace.
	Trajectory string
	// From, To, Mode (shortest|strongest, default strongest) and K (number
	// of alternative paths, default 1) select the paths of a path map.
	From, To, Mode string
	K              int
	// Lang is nl or en; empty: the workspace's language.
	Lang string
	// Anonymize shows persons by title and unit only: no names or person
	// ids anywhere in the output.
	Anonymize bool
	// Page is the page the map is drawn on, one of Pages (default slide):
	// the same for SVG, PNG and PDF, so that the three look alike.
	Page string
	// Scale multiplies a PNG's pixels, 1–4 (0 means 1): a slide is
	// 1920 × 1080 pixels at scale 1.
	Scale float64
	// Part asks for part N (1, 2, …) of a map too large for its page,
	// sliced so that every part is readable; 0 is the whole map,
	// summarised where it would not be readable. Fixed pages only.
	Part int
	// Context also draws, on a path map, the people next to the paths in
	// the influence network (at most 40); by default only the paths.
	Context bool
	// Full draws every stakeholder of a large workspace on an auto page
	// instead of a summary; it can take a long time (see SummaryThreshold).
	Full bool
	// AsOf (YYYY-MM-DD, default today in UTC) and High (default 4) are the
	// parameters of the findings a stakeholder map highlights.
	AsOf string
	High int
}

// Result is a rendered map.
type Result struct {
	// Data is the file's content; it is shared with the cache, so callers
	// must not modify it.
	Data []byte
	// ContentType is its MIME type.
	ContentType string
	// Key is the content hash of the render's inputs (hex): equal keys mean
	// byte-identical Data, so it serves as an HTTP ETag.
	Key string
	// FileName is a suggested file name, e.g. stakeholders-ai-basis.png.
	FileName string
	// Note says what a summarised map leaves out, or which part a part
	// is; empty otherwise.
	Note string
	// Parts is the number of parts the whole map is sliced into when a
	// part was asked for; 0 otherwise.
	Parts int
}

// Options configure a Renderer. Zero values mean the defaults.
type Options struct {
	// Workers is the number of render worker processes (default 2).
	Workers int
	// RecycleAfter is the number of layouts after which a worker is
	// replaced by a fresh one, bounding its memory (default 200).
	RecycleAfter int
	// Timeout bounds one render when the request's context has no earlier
	// deadline (default 30s).
	Timeout time.Duration
	// CacheEntries and CacheBytes bound the render cache (defaults 256
	// entries, 64 MiB); CacheEntries < 0 turns caching off.
	CacheEntries int
	CacheBytes   int64
	// MaxNodes refuses maps with more nodes than this (default 3000).
	MaxNodes int
	// WorkerCommand is the worker's argv (default: this executable with
	// the argument "render-worker"); WorkerEnv is added to its environment.
	WorkerCommand []string
	WorkerEnv     []string
	// InProcess runs Graphviz in this process instead of worker processes:
	// fine for a one-off command, not for a server (no deadline, memory
	// that only grows).
	InProcess bool
}

// ErrTooLarge is returned for a map with more nodes than Options.MaxNodes.
var ErrTooLarge = errors.New("map too large")

// ErrTimeout is returned for a render that outlives its deadline; the
// worker doing it is killed and other renders go on.
var ErrTimeout = errors.New("map rendering took too long")

// Renderer renders maps; it is safe for concurrent use.
type Renderer struct {
	opts  Options
	pool  *pool
	cache *lru.Cache[Result] // nil: caching off
}

// NewRenderer returns a Renderer; call Close to stop its workers.
func NewRenderer(opts Options) (*Renderer, error) {
	if opts.Workers <= 0 {
		opts.Workers = 2
	}
	if opts.RecycleAfter <= 0 {
		opts.RecycleAfter = 200
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 30 * time.Second
	}
	if opts.CacheEntries == 0 {
		opts.CacheEntries = 256
	}
	if opts.CacheBytes <= 0 {
		opts.CacheBytes = 64 << 20
	}
	if opts.MaxNodes <= 0 {
		opts.MaxNodes = 3000
	}
	r := &Renderer{opts: opts}
	if opts.CacheEntries > 0 {
		r.cache = lru.New(opts.CacheEntries, opts.CacheBytes, func(res Result) int64 { return int64(len(res.Data)) })
	}
	if !opts.InProcess {
		argv := opts.WorkerCommand
		if len(argv) == 0 {
			exe, err := os.Executable()
			if err != nil {
				return nil, fmt.Errorf("render: find own executable for the workers: %w", err)
			}
			argv = []string{exe, "render-worker"}
		}
		r.pool = newPool(argv, opts.WorkerEnv, opts.Workers, opts.RecycleAfter)
	}
	return r, nil
}

// Close stops the worker processes; renders after Close fail.
func (r *Renderer) Close() error {
	if r.pool != nil {
		r.pool.close()
	}
	return nil
}

// keyVersion changes whenever the drawing code changes what it draws, so
// that stale cache entries and ETags are not reused across versions.
const keyVersion = "stakemap-render-2"

// normalize checks a request and fills in its defaults; it returns the
// canonical copy of the bundle the map is drawn from.
func normalize(req *Request) (*graph.Bundle, error) {
	var ps []graph.Problem
	bad := func(field, value, reason string) {
		ps = append(ps, graph.Problem{Field: field, Value: value, Reason: reason})
	}
	if req.Bundle == nil {
		return nil, errors.New("render: request has no workspace snapshot")
	}
	if !slices.Contains(Kinds, req.Kind) {
		bad("kind", req.Kind, fmt.Sprintf("must be one of %v", Kinds))
	}
	if !slices.Contains(Formats, req.Format) {
		bad("format", req.Format, fmt.Sprintf("must be one of %v", Formats))
	}
	if req.Lang == "" {
		req.Lang = req.Bundle.Workspace.Language
	}
	if req.Lang != graph.LangEN {
		req.Lang = graph.LangNL
	}
	if req.AsOf == "" {
		req.AsOf = time.Now().UTC().Format(time.DateOnly)
	} else if !graph.ValidDate(req.AsOf) {
		bad("asOf", req.AsOf, "must be a date YYYY-MM-DD")
	}
	if req.High == 0 {
		req.High = graph.DefaultHigh
	} else if req.High < 1 || req.High > 5 {
		bad("high", strconv.Itoa(req.High), "must be a whole number from 1 to 5")
	}
	if req.Page == "" {
		req.Page = PageSlide
	} else if !slices.Contains(Pages, req.Page) {
		bad("page", req.Page, fmt.Sprintf("must be one of %v", Pages))
	}
	if req.Scale == 0 {
		req.Scale = 1
	} else if !(req.Scale >= 1 && req.Scale <= 4) {
		bad("scale", strconv.FormatFloat(req.Scale, 'g', -1, 64), "must be from 1 to 4 (times the page's pixels)")
	}
	if req.Part < 0 {
		bad("part", strconv.Itoa(req.Part), "must be 1 or more (0: the whole map)")
	} else if req.Part > 0 && req.Page == PageAuto {
		bad("part", strconv.Itoa(req.Part), "parts need a fixed page (slide, a4 or a4-landscape)")
	}
	if req.Kind == KindPath {
		q := graph.PathQuery{From: req.From, To: req.To, Mode: req.Mode, K: req.K}
		if err := q.Normalize(); err != nil {
			if ve, ok := errors.AsType[*graph.ValidationError](err); ok {
				ps = append(ps, ve.Problems...)
			}
		}
		req.Mode, req.K = q.Mode, q.K
	} else {
		req.From, req.To, req.Mode, req.K, req.Context = "", "", "", 0, false
	}
	if req.Kind == KindPath || req.Kind == KindDependencies {
		req.Trajectory = ""
	}
	if req.Format != FormatPNG {
		req.Scale = 1
	}
	if req.Page != PageAuto {
		req.Full = false
	}
	if len(ps) > 0 {
		return nil, fmt.Errorf("render: %w", graph.Invalid(ps))
	}
	b := canonicalCopy(req.Bundle)
	if req.Trajectory != "" && !slices.ContainsFunc(b.Trajectories, func(t graph.Trajectory) bool { return t.ID == req.Trajectory }) {
		return nil, fmt.Errorf("render: trajectory %q: %w", req.Trajectory, graph.ErrNotFound)
	}
	return b, nil
}

// canonicalCopy copies the bundle's arrays and sorts them, leaving the
// caller's snapshot untouched, so that the same content always gives the
// same map whatever order it came in.
func canonicalCopy(in *graph.Bundle) *graph.Bundle {
	b := in.Clone()
	b.Canonicalize()
	return b
}

// keyOf hashes everything a render depends on.
func keyOf(req Request, b *graph.Bundle) (string, error) {
	h := sha256.New()
	opts := req
	opts.Bundle = nil
	head, err := json.Marshal(struct {
		V   string
		Req Request
	}{keyVersion, opts})
	if err != nil {
		return "", err
	}
	h.Write(head)
	if err := json.NewEncoder(h).Encode(b); err != nil {
		return "", fmt.Errorf("render: hash snapshot: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// Key returns the cache key (and ETag) the request's Result would carry,
// without rendering; it fails where Render would fail on bad parameters.
func (r *Renderer) Key(req Request) (string, error) {
	b, err := normalize(&req)
	if err != nil {
		return "", err
	}
	return keyOf(req, b)
}

// Render draws one map. Errors: ErrInvalid (a *graph.ValidationError) for
// bad parameters, ErrNotFound for an unknown trajectory or stakeholder,
// ErrTooLarge, ErrTimeout, or a failure of the renderer itself.
func (r *Renderer) Render(ctx context.Context, req Request) (Result, error) {
	b, err := normalize(&req)
	if err != nil {
		return Result{}, err
	}
	key, err := keyOf(req, b)
	if err != nil {
		return Result{}, err
	}
	if r.cache != nil {
		if res, ok := r.cache.Get(key); ok {
			return res, nil
		}
	}
	d, err := draw(ctx, req, b, r.layout, r.opts.MaxNodes)
	if err != nil {
		return Result{}, err
	}
	res := Result{Data: d.data, ContentType: contentTypes[req.Format], Key: key, FileName: fileName(req), Note: d.note, Parts: d.parts}
	if r.cache != nil {
		r.cache.Put(key, res)
	}
	return res, nil
}

// layout runs a Graphviz job under the render deadline.
func (r *Renderer) layout(ctx context.Context, j layoutJob) ([]byte, error) {
	if r.pool == nil {
		return layoutInProcess(ctx, j)
	}
	ctx, cancel := context.WithTimeoutCause(ctx, r.opts.Timeout, ErrTimeout)
	defer cancel()
	out, err := r.pool.run(ctx, j)
	if err != nil && ctx.Err() != nil {
		cause := context.Cause(ctx)
		if errors.Is(cause, context.DeadlineExceeded) || errors.Is(cause, ErrTimeout) {
			return nil, fmt.Errorf("%w (limit %s); the map is too large or complex, try a summary or one trajectory", ErrTimeout, r.opts.Timeout)
		}
		return nil, cause
	}
	return out, err
}

func fileName(req Request) string {
	name := req.Kind
	switch {
	case req.Kind == KindPath && !req.Anonymize:
		name += "-" + req.From + "-" + req.To
	case req.Trajectory != "":
		name += "-" + req.Trajectory
	default:
		name += "-" + req.Bundle.Workspace.ID
	}
	if req.Part > 0 {
		name += "-part" + strconv.Itoa(req.Part)
	}
	if req.Anonymize {
		name += "-anon"
	}
	return name + "." + req.Format
}

// svgFonts names the fonts with Helvetica's metrics after Helvetica in the
// SVG: a viewer without Helvetica would otherwise fall back to a wider
// sans-serif font whose text overflows the shapes Graphviz sized.
func svgFonts(svg []byte) []byte {
	return bytes.ReplaceAll(svg, []byte(`font-family="Helvetica,sans-Serif"`),
		[]byte(`font-family="Helvetica,Arial,'Liberation Sans',sans-serif"`))
}
