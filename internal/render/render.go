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
// gives memory back and cannot be interrupted, and painting a large PNG
// takes hundreds of megabytes. A Renderer therefore runs every render job
// whole (the map built from the workspace, laid out and painted) in a
// small pool of worker processes: this same binary started with a hidden
// subcommand that calls ServeWorker. A job has one deadline for all of
// it, after which its worker is killed; a worker may use a bounded amount
// of memory, is recycled after a number of jobs or when it has grown, and
// is replaced when it dies. Jobs wait in one queue per workspace, served
// in turn, and one workspace's jobs never hold every worker, so a heavy
// workspace cannot starve the others. Results are cached by a content hash
// of their inputs, which doubles as the HTTP ETag.
package render

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
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
var Kinds = []string{KindStakeholders, KindGrid, KindPath, KindDependencies, KindChanges}

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

// Limits of one PNG: a request may multiply its page's pixels by at most
// MaxScale, and no PNG has more than MaxPixels pixels (4 bytes each while
// it is painted).
const (
	MaxScale  = 4
	MaxPixels = 40_000_000
)

// SummaryThreshold is the number of stakeholders above which a stakeholder
// map is summarised (the key stakeholders shown, the others counted per
// unit) unless Request.Full asks for everything: Graphviz takes seconds to
// minutes on clustered maps much larger than this.
const SummaryThreshold = 150

// Request asks for one map of one workspace snapshot.
type Request struct {
	// Bundle is the workspace snapshot; it is read, never changed.
	Bundle *graph.Bundle
	// Before is the earlier state a changes map compares Bundle with; the
	// other kinds ignore it.
	Before *graph.Bundle
	// Since names the earlier state of a changes map on the map (a
	// snapshot's name such as "MT 12 november", or a date); empty: not
	// named.
	Since string
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
	// Scale multiplies a PNG's pixels, 1–MaxScale (0 means 1): a slide is
	// 1920 × 1080 pixels at scale 1. A scale that would give more than
	// MaxPixels is refused.
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
	// Workers is the number of jobs that run at once, each in its own
	// worker process (default 2); one more process is kept loaded as a
	// spare.
	Workers int
	// PerWorkspace is the most workers the jobs of one workspace may hold
	// at once (default: Workers−1, at least 1), so that another
	// workspace's job finds a free worker.
	PerWorkspace int
	// MaxWaiting is the most jobs of one workspace that may wait for a
	// worker (default 16); more are refused with ErrBusy.
	MaxWaiting int
	// RecycleAfter is the number of jobs after which a worker is replaced
	// by a fresh one, bounding its memory (default 200).
	RecycleAfter int
	// Timeout bounds one job, from the moment a worker takes it to the
	// last byte: building the map, layout and painting (default 30s;
	// starting a worker does not count). The worker of a job past its
	// deadline is killed.
	Timeout time.Duration
	// QueueTimeout bounds the wait for a worker (default: Timeout).
	QueueTimeout time.Duration
	// WorkerMemory bounds the memory one worker process may take (default
	// 512 MiB): on Linux its data segment, which holds everything it
	// allocates, is limited to this, and a job that needs more fails
	// with ErrOutOfMemory. A worker that holds more than half of it after
	// a job is replaced.
	WorkerMemory int64
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
	// InProcess runs every job in this process instead of worker
	// processes: fine for a one-off command, not for a server (no
	// deadline that can stop Graphviz, memory that only grows).
	InProcess bool
	// Handlers run the job kinds besides JobMap when InProcess; worker
	// processes get theirs from ServeWorker.
	Handlers map[string]Handler
}

// ErrTooLarge is returned for a map with more nodes than Options.MaxNodes.
var ErrTooLarge = errors.New("map too large")

// ErrTimeout is returned for a render that outlives its deadline; the
// worker doing it is killed and other renders go on.
var ErrTimeout = errors.New("map rendering took too long")

// ErrOutOfMemory is returned for a job that needed more memory than a
// worker may use (Options.WorkerMemory); its worker is replaced.
var ErrOutOfMemory = errors.New("the map needs more memory than a render worker may use")

// ErrBusy is returned for a job that found no worker in time, or that
// would have made its workspace's queue too long.
var ErrBusy = errors.New("all map renderers are busy")

// A Job is one piece of work for a render worker: a map (see Render), or
// another kind of drawing the worker was given a Handler for, such as a
// slide deck. Jobs share the workers' queue and limits.
type Job struct {
	// Workspace is the workspace the job draws: jobs are queued and
	// shared out per workspace.
	Workspace string
	// Kind selects the handler: JobMap or a kind given to ServeWorker
	// (and to Options.Handlers for InProcess).
	Kind string
	// Payload is the handler's request, as JSON, so that new options
	// travel without changes to the protocol.
	Payload []byte
}

// JobMap is the kind of the jobs Render runs: the payload is a map job
// with the request, the workspace snapshot and the node limit.
const JobMap = "map"

// Output is what a job produced.
type Output struct {
	Data        []byte
	ContentType string
	FileName    string
	// Note says what the drawing leaves out; empty otherwise.
	Note string
	// Parts is the number of parts of a map when a part was asked for.
	Parts int
}

// A Handler runs one kind of job in a worker process. ctx ends when the
// parent gives up on the job, but the parent also kills a worker whose
// job outlives its deadline, so a handler need not watch it.
type Handler func(ctx context.Context, payload []byte) (Output, error)

// Renderer renders maps; it is safe for concurrent use.
type Renderer struct {
	opts  Options
	pool  *pool
	queue *queue
	cache *lru.Cache[Result] // nil: caching off
}

// NewRenderer returns a Renderer; call Close to stop its workers.
func NewRenderer(opts Options) (*Renderer, error) {
	if opts.Workers <= 0 {
		opts.Workers = 2
	}
	if opts.PerWorkspace <= 0 {
		opts.PerWorkspace = max(1, opts.Workers-1)
	}
	if opts.MaxWaiting <= 0 {
		opts.MaxWaiting = 16
	}
	if opts.RecycleAfter <= 0 {
		opts.RecycleAfter = 200
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 30 * time.Second
	}
	if opts.QueueTimeout <= 0 {
		opts.QueueTimeout = opts.Timeout
	}
	if opts.WorkerMemory <= 0 {
		opts.WorkerMemory = 512 << 20
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
		env := append(slices.Clone(opts.WorkerEnv), envWorkerMemory+"="+strconv.FormatInt(opts.WorkerMemory, 10))
		// One process more than the queue lets work: when a worker is
		// killed, the next job of its workspace takes an idle one, and the
		// spare keeps another workspace's map from waiting for a worker to
		// load Graphviz.
		r.pool = newPool(argv, env, opts.Workers+1, opts.RecycleAfter, opts.WorkerMemory/2)
		r.queue = newQueue(opts.Workers, opts.PerWorkspace, opts.MaxWaiting)
		// Started now, so that the first maps do not wait for Graphviz to
		// load.
		r.pool.warm()
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
const keyVersion = "stakemap-render-3"

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
	normalizeReading(req.Bundle, &req.Lang, &req.AsOf, &req.High, bad)
	if req.Page == "" {
		req.Page = PageSlide
	} else if !slices.Contains(Pages, req.Page) {
		bad("page", req.Page, fmt.Sprintf("must be one of %v", Pages))
	}
	if req.Scale == 0 {
		req.Scale = 1
	} else if !(req.Scale >= 1 && req.Scale <= MaxScale) {
		bad("scale", strconv.FormatFloat(req.Scale, 'g', -1, 64), fmt.Sprintf("must be from 1 to %d (times the page's pixels)", MaxScale))
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
	if req.Kind != KindChanges {
		req.Before = nil
	} else if req.Before == nil {
		bad("from", "", "is required for a changes map: the earlier state")
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
	if req.Before != nil {
		req.Before = canonicalCopy(req.Before)
	}
	if req.Trajectory != "" && !slices.ContainsFunc(b.Trajectories, func(t graph.Trajectory) bool { return t.ID == req.Trajectory }) {
		return nil, fmt.Errorf("render: trajectory %q: %w", req.Trajectory, graph.ErrNotFound)
	}
	return b, nil
}

// normalizeReading fills in what a map and a deck of b are read with
// when not given: the language (the workspace's; Dutch unless English),
// the date of the findings (today, UTC) and the threshold of the 1–5
// scales; it reports through bad what is wrong with those given.
func normalizeReading(b *graph.Bundle, lang, asOf *string, high *int, bad func(field, value, reason string)) {
	if *lang == "" {
		*lang = b.Workspace.Language
	}
	if *lang != graph.LangEN {
		*lang = graph.LangNL
	}
	if *asOf == "" {
		*asOf = time.Now().UTC().Format(time.DateOnly)
	} else if !graph.ValidDate(*asOf) {
		bad("asOf", *asOf, "must be a date YYYY-MM-DD")
	}
	if *high == 0 {
		*high = graph.DefaultHigh
	} else if *high < 1 || *high > 5 {
		bad("high", strconv.Itoa(*high), "must be a whole number from 1 to 5")
	}
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
	opts.Bundle, opts.Before = nil, nil
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
	if req.Before != nil {
		if err := json.NewEncoder(h).Encode(req.Before); err != nil {
			return "", fmt.Errorf("render: hash earlier snapshot: %w", err)
		}
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
// bad parameters, a PNG over MaxPixels or dependencies with too many
// cycles, ErrNotFound for an unknown trajectory or stakeholder,
// ErrTooLarge, ErrTimeout, ErrBusy, the context's error when ctx ends
// first, or a failure of the renderer itself.
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
	var out Output
	if r.pool == nil {
		out, err = draw(ctx, req, b, r.opts.MaxNodes)
	} else {
		req.Bundle = b
		// Encoded once a worker is free, so that waiting jobs do not hold
		// a copy of their snapshot as JSON too.
		out, err = r.run(ctx, b.Workspace.ID, JobMap, func() ([]byte, error) {
			return json.Marshal(mapJob{Request: req, MaxNodes: r.opts.MaxNodes})
		})
	}
	if err != nil {
		return Result{}, fmt.Errorf("render %s map as %s: %w", req.Kind, req.Format, err)
	}
	res := Result{Data: out.Data, ContentType: out.ContentType, Key: key, FileName: out.FileName, Note: out.Note, Parts: out.Parts}
	if r.cache != nil {
		r.cache.Put(key, res)
	}
	return res, nil
}

// Run runs one job on a worker: it waits its workspace's turn for a free
// worker (at most QueueTimeout), then gives the job Timeout to finish.
// Errors: ErrBusy, ErrTimeout, ErrOutOfMemory, the context's error when
// ctx ends first (the worker is then stopped), or the handler's error.
func (r *Renderer) Run(ctx context.Context, j Job) (Output, error) {
	return r.run(ctx, j.Workspace, j.Kind, func() ([]byte, error) { return j.Payload, nil })
}

// run is Run with the payload made once the job has a worker.
func (r *Renderer) run(ctx context.Context, ws, kind string, payload func() ([]byte, error)) (Output, error) {
	if r.pool == nil {
		h := r.opts.Handlers[kind]
		switch kind {
		case JobMap:
			h = mapHandler
		case JobDeck:
			h = deckHandler
		}
		if h == nil {
			return Output{}, fmt.Errorf("render: no handler for %q jobs", kind)
		}
		p, err := payload()
		if err != nil {
			return Output{}, fmt.Errorf("render: encode the job: %w", err)
		}
		return h(ctx, p)
	}
	qctx, cancel := context.WithTimeoutCause(ctx, r.opts.QueueTimeout, ErrBusy)
	release, err := r.queue.acquire(qctx, ws)
	cancel()
	switch {
	case errors.Is(err, ErrBusy):
		return Output{}, err
	case err != nil && ctx.Err() == nil:
		return Output{}, fmt.Errorf("%w: no worker free within %s, try again later", ErrBusy, r.opts.QueueTimeout)
	case err != nil:
		return Output{}, context.Cause(ctx)
	}
	defer release()
	p, err := payload()
	if err != nil {
		return Output{}, fmt.Errorf("render: encode the job: %w", err)
	}
	out, err := r.pool.run(ctx, r.opts.Timeout, Job{Workspace: ws, Kind: kind, Payload: p})
	switch {
	case err == nil:
		return out, nil
	case ctx.Err() != nil:
		return Output{}, context.Cause(ctx)
	case errors.Is(err, ErrTimeout):
		return Output{}, fmt.Errorf("%w (limit %s); the map is too large or complex, try a summary or one trajectory", ErrTimeout, r.opts.Timeout)
	}
	return Output{}, err
}

// mapJob is the payload of a JobMap job.
type mapJob struct {
	Request  Request
	MaxNodes int
}

// mapHandler runs a map job: the worker's side of Render.
func mapHandler(ctx context.Context, payload []byte) (Output, error) {
	var j mapJob
	if err := json.Unmarshal(payload, &j); err != nil {
		return Output{}, fmt.Errorf("render: read the map job: %w", err)
	}
	b, err := normalize(&j.Request)
	if err != nil {
		return Output{}, err
	}
	return draw(ctx, j.Request, b, j.MaxNodes)
}

// draw renders one map in this process, from a normalised request and its
// canonical snapshot b: built, laid out, fitted to its page and painted
// (see drawPage).
func draw(ctx context.Context, req Request, b *graph.Bundle, maxNodes int) (Output, error) {
	d, err := drawPage(ctx, req, b, layoutInProcess, maxNodes)
	if err != nil {
		return Output{}, err
	}
	return Output{Data: d.data, ContentType: contentTypes[req.Format], FileName: fileName(req), Note: d.note, Parts: d.parts}, nil
}

// tooManyPixels is the error for a PNG scale that would pass MaxPixels.
func tooManyPixels(scale, pixels float64) error {
	most := math.Floor(scale*math.Sqrt(MaxPixels/pixels)*100) / 100
	return graph.Invalid([]graph.Problem{{Field: "scale", Value: strconv.FormatFloat(scale, 'g', -1, 64),
		Reason: fmt.Sprintf("this map would be %.0f megapixels at this scale, more than %d: ask for a scale of at most %s",
			pixels/1e6, MaxPixels/1_000_000, strconv.FormatFloat(most, 'f', -1, 64))}})
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
