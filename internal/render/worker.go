package render

import (
	"bufio"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/stakemap/stakemap/graph"
)

// The render worker protocol: once it has loaded Graphviz and limited its
// memory, the worker writes the frame "ready"; then the parent writes one
// request frame at a time on the worker's stdin and reads two response
// frames from its stdout. A frame is a big-endian u32 length and that
// many bytes.
//
//	start:    frame("ready")
//	request:  frame(JSON wireRequest)
//	response: frame(JSON wireReply) frame(output bytes)
//
// The request carries the job's kind and its payload as JSON, so that a
// new option of a map, or a new kind of job, needs no change here. The
// worker runs whole jobs, so that everything that cannot be trusted with
// the serving process (Graphviz's memory that only grows and its calls
// that cannot be interrupted, the painter's large images) happens in a
// process the parent can limit, recycle and kill.

// maxFrame bounds a frame so that a confused peer cannot make the other
// side allocate without limit; it is above the largest workspace snapshot
// (64 MB as JSON) and the largest PNG.
const maxFrame = 256 << 20

// envWorkerMemory passes Options.WorkerMemory to the worker processes.
const envWorkerMemory = "STAKEMAP_RENDER_WORKER_MEMORY"

// readyFrame is the worker's first frame.
const readyFrame = "ready"

// startTimeout bounds how long a worker may take to start and load
// Graphviz (a second or two when it must compile it, on a busy machine
// more).
const startTimeout = time.Minute

type wireRequest struct {
	Kind    string          `json:"kind"`
	Payload json.RawMessage `json:"payload"`
}

type wireReply struct {
	Error       *wireError `json:"error,omitempty"`
	ContentType string     `json:"contentType,omitempty"`
	FileName    string     `json:"fileName,omitempty"`
	Note        string     `json:"note,omitempty"`
	Parts       int        `json:"parts,omitempty"`
	// Retire asks the parent not to give this worker another job: its
	// Graphviz module may be left in a bad state.
	Retire bool `json:"retire,omitempty"`
}

// wireError carries a job's error to the parent with what the parent
// needs to answer it: its kind (the sentinel it wrapped) and, for bad
// input, every problem.
type wireError struct {
	Kind     string          `json:"kind"`
	Message  string          `json:"message"`
	Problems []graph.Problem `json:"problems,omitempty"`
}

// The kinds of wireError.
const (
	wireInvalid  = "invalid"
	wireNotFound = "not-found"
	wireTooLarge = "too-large"
	wireLayout   = "layout"
	wireOther    = "other"
)

func toWire(err error) *wireError {
	we := &wireError{Kind: wireOther, Message: err.Error()}
	switch {
	case errors.Is(err, graph.ErrInvalid):
		we.Kind = wireInvalid
		if ve, ok := errors.AsType[*graph.ValidationError](err); ok {
			we.Problems = ve.Problems
		}
	case errors.Is(err, graph.ErrNotFound):
		we.Kind = wireNotFound
	case errors.Is(err, ErrTooLarge):
		we.Kind = wireTooLarge
	case errors.Is(err, errLayout):
		we.Kind = wireLayout
	}
	return we
}

// remoteError is a job's error as the worker reported it: its text, and
// the error it wrapped for errors.Is and errors.AsType.
type remoteError struct {
	msg   string
	cause error
}

func (e *remoteError) Error() string { return e.msg }
func (e *remoteError) Unwrap() error { return e.cause }

func (we *wireError) err() error {
	var cause error
	switch we.Kind {
	case wireInvalid:
		cause = graph.ErrInvalid
		if len(we.Problems) > 0 {
			cause = graph.Invalid(we.Problems)
		}
	case wireNotFound:
		cause = graph.ErrNotFound
	case wireTooLarge:
		cause = ErrTooLarge
	case wireLayout:
		cause = errLayout
	}
	return &remoteError{msg: we.Message, cause: cause}
}

// ServeWorker runs the render worker loop on r and w (the worker process's
// stdin and stdout) until r ends: it runs JobMap and JobDeck jobs and
// those of the kinds in handlers. The stakemap binary runs it for its hidden
// render-worker subcommand; tests run it from TestMain. It first limits
// this process's memory as its parent asked.
func ServeWorker(r io.Reader, w io.Writer, handlers map[string]Handler) error {
	if v := os.Getenv(envWorkerMemory); v != "" {
		limit, err := strconv.ParseInt(v, 10, 64)
		if err != nil || limit <= 0 {
			return fmt.Errorf("render worker: %s=%q is not a number of bytes", envWorkerMemory, v)
		}
		if err := limitMemory(limit); err != nil {
			return fmt.Errorf("render worker: limit memory: %w", err)
		}
		// The collector works harder well before the hard limit, so that
		// garbage does not end a job that would fit.
		debug.SetMemoryLimit(limit * 3 / 4)
	}
	br := bufio.NewReader(r)
	bw := bufio.NewWriter(w)
	if err := writeFrames(bw, []byte(readyFrame)); err != nil {
		return fmt.Errorf("render worker: %w", err)
	}
	for {
		frame, err := readFrame(br)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("render worker: %w", err)
		}
		reply, out := serveJob(frame, handlers)
		head, err := json.Marshal(reply)
		if err != nil {
			return fmt.Errorf("render worker: %w", err)
		}
		if err := writeFrames(bw, head, out); err != nil {
			return fmt.Errorf("render worker: %w", err)
		}
		// Give the memory of a large job back before the next, and before
		// the parent looks at this worker's size.
		debug.FreeOSMemory()
	}
}

// serveJob runs one job; a panic in it becomes its error and retires the
// worker.
func serveJob(frame []byte, handlers map[string]Handler) (reply wireReply, out []byte) {
	defer func() {
		if v := recover(); v != nil {
			reply = wireReply{Error: &wireError{Kind: wireOther, Message: fmt.Sprintf("render worker: job failed: %v", v)}, Retire: true}
			out = nil
		}
	}()
	var req wireRequest
	if err := json.Unmarshal(frame, &req); err != nil {
		return wireReply{Error: toWire(fmt.Errorf("render worker: read request: %w", err))}, nil
	}
	h := handlers[req.Kind]
	switch req.Kind {
	case JobMap:
		h = mapHandler
	case JobDeck:
		h = deckHandler
	}
	if h == nil {
		return wireReply{Error: toWire(fmt.Errorf("render worker: no handler for %q jobs", req.Kind))}, nil
	}
	o, err := h(context.Background(), req.Payload)
	if err != nil {
		// Graphviz keeps state from a failed call (error texts, sometimes
		// worse): the next job gets a fresh module.
		return wireReply{Error: toWire(err), Retire: errors.Is(err, errLayout)}, nil
	}
	return wireReply{ContentType: o.ContentType, FileName: o.FileName, Note: o.Note, Parts: o.Parts}, o.Data
}

func writeFrames(w *bufio.Writer, frames ...[]byte) error {
	for _, f := range frames {
		if len(f) > maxFrame {
			return fmt.Errorf("frame of %d bytes is too large", len(f))
		}
		var hdr [4]byte
		binary.BigEndian.PutUint32(hdr[:], uint32(len(f)))
		w.Write(hdr[:])
		w.Write(f)
	}
	return w.Flush()
}

func readFrame(r *bufio.Reader) ([]byte, error) {
	var hdr [4]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return nil, err
	}
	n := binary.BigEndian.Uint32(hdr[:])
	if n > maxFrame {
		return nil, fmt.Errorf("bad frame length %d", n)
	}
	buf := make([]byte, n)
	if _, err := io.ReadFull(r, buf); err != nil {
		return nil, fmt.Errorf("read frame: %w", err)
	}
	return buf, nil
}

// errWorkerDied marks a worker that went away in the middle of a job.
var errWorkerDied = errors.New("render worker died")

// lastWords keeps the start of what a worker wrote to its standard error
// (a Go runtime's fatal error comes first, its goroutine dump after):
// enough to tell that it ran out of memory, never a growing log.
type lastWords struct {
	mu  sync.Mutex
	buf []byte
}

const lastWordsSize = 2 << 10

func (t *lastWords) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if n := lastWordsSize - len(t.buf); n > 0 {
		t.buf = append(t.buf, p[:min(n, len(p))]...)
	}
	return len(p), nil
}

func (t *lastWords) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
}

// worker is one running render-worker process.
type worker struct {
	cmd     *exec.Cmd
	in      *bufio.Writer
	inClose io.Closer
	out     *bufio.Reader
	stderr  *lastWords
	jobs    int
}

// kill ends the process at once and reaps it.
func (w *worker) kill() {
	_ = w.cmd.Process.Kill()
	_ = w.cmd.Wait()
}

// stop lets the process end on its own (end of input) and reaps it, killing
// it if it does not go within a second.
func (w *worker) stop() {
	_ = w.inClose.Close()
	done := make(chan struct{})
	go func() { _ = w.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(time.Second):
		_ = w.cmd.Process.Kill()
		<-done
	}
}

// fatal returns the first line of a dead worker's last words that says
// why it died (the Go runtime's "fatal error: …", a thread it could not
// start, the race detector's allocator, a panic), or "".
func (w *worker) fatal() string {
	for line := range strings.Lines(w.stderr.String()) {
		if strings.HasPrefix(line, "fatal error: ") || strings.HasPrefix(line, "panic: ") ||
			strings.Contains(line, "pthread_create failed") || strings.Contains(line, "failed to allocate") {
			return strings.TrimSpace(line)
		}
	}
	return ""
}

// outOfMemory reports whether a dead worker hit its memory limit: the Go
// runtime then ends with "fatal error: out of memory", "fatal error:
// runtime: cannot allocate memory" or the like, depending on where it was;
// the C library fails to start a thread, whose stack counts against the
// same limit ("pthread_create failed: Resource temporarily unavailable");
// or, in a build with the race detector, its allocator "failed to
// allocate".
func (w *worker) outOfMemory() bool {
	f := w.fatal()
	for _, s := range []string{"out of memory", "cannot allocate memory", "pthread_create failed", "failed to allocate"} {
		if strings.Contains(f, s) {
			return true
		}
	}
	return false
}

// pool keeps the worker processes: it starts one when no idle one is left
// (the queue bounds how many run), recycles one after recycleAfter jobs or
// when it holds more than recycleRSS bytes (Graphviz's memory only grows),
// kills one whose job outlives its context, and replaces one that dies.
// A worker that goes is replaced at once in the background, so that the
// next job finds one that has loaded Graphviz already.
type pool struct {
	argv         []string
	env          []string
	size         int // most processes at once
	recycleAfter int
	recycleRSS   int64
	mu           sync.Mutex
	idle         []*worker
	busy         map[*worker]bool
	starting     int // spares being started
	closed       bool
	started      int // workers started so far, for tests and metrics
}

func newPool(argv, env []string, size, recycleAfter int, recycleRSS int64) *pool {
	return &pool{argv: argv, env: env, size: size, recycleAfter: recycleAfter, recycleRSS: recycleRSS, busy: map[*worker]bool{}}
}

// replenish starts a spare worker in the background when the pool has
// fewer processes than its size.
func (p *pool) replenish() {
	p.mu.Lock()
	if p.closed || len(p.idle)+len(p.busy)+p.starting >= p.size {
		p.mu.Unlock()
		return
	}
	p.starting++
	p.mu.Unlock()
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
		defer cancel()
		w, err := p.start(ctx)
		p.mu.Lock()
		p.starting--
		if err == nil && !p.closed && len(p.idle)+len(p.busy) < p.size {
			p.idle = append(p.idle, w)
			w = nil
		}
		p.mu.Unlock()
		if w != nil {
			w.stop()
		}
	}()
}

// warm starts workers in the background until the pool is full.
func (p *pool) warm() {
	for range p.size {
		p.replenish()
	}
}

// start starts a worker and waits until it is ready for jobs.
func (p *pool) start(ctx context.Context) (*worker, error) {
	cmd := exec.Command(p.argv[0], p.argv[1:]...)
	cmd.Env = append(os.Environ(), p.env...)
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	stderr := &lastWords{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start render worker %s: %w", p.argv[0], err)
	}
	p.mu.Lock()
	p.started++
	p.mu.Unlock()
	w := &worker{cmd: cmd, in: bufio.NewWriter(in), inClose: in, out: bufio.NewReader(out), stderr: stderr}
	ready := make(chan error, 1)
	go func() {
		f, err := readFrame(w.out)
		if err == nil && string(f) != readyFrame {
			err = fmt.Errorf("first frame %.20q is not %q", f, readyFrame)
		}
		ready <- err
	}()
	select {
	case err := <-ready:
		if err != nil {
			w.kill()
			if w.outOfMemory() {
				return nil, fmt.Errorf("start render worker: its memory limit (%s) is too small to start it", p.memory())
			}
			if f := w.fatal(); f != "" {
				err = fmt.Errorf("%v (%s)", err, f)
			}
			return nil, fmt.Errorf("start render worker: %w", err)
		}
		return w, nil
	case <-ctx.Done():
		w.kill()
		<-ready
		return nil, ctx.Err()
	}
}

// memory is the workers' memory limit as their environment says it.
func (p *pool) memory() string {
	for _, kv := range p.env {
		if v, ok := strings.CutPrefix(kv, envWorkerMemory+"="); ok {
			if n, err := strconv.ParseInt(v, 10, 64); err == nil {
				return strconv.FormatInt(n>>20, 10) + " MiB"
			}
		}
	}
	return "none"
}

// get returns an idle worker, or starts one when none is idle; ctx bounds
// the start.
func (p *pool) get(ctx context.Context) (*worker, error) {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil, errClosed
	}
	var w *worker
	if n := len(p.idle); n > 0 {
		w, p.idle = p.idle[n-1], p.idle[:n-1]
	}
	p.mu.Unlock()
	if w != nil {
		return w, nil
	}
	ctx, cancel := context.WithTimeout(ctx, startTimeout)
	defer cancel()
	return p.start(ctx)
}

// errClosed is returned for renders after Close.
var errClosed = errors.New("renderer is closed")

// run runs one job on a worker, with timeout from the moment the worker
// takes it (starting a worker does not count). A worker found dead before
// it took the job is replaced and the job given to a fresh one; a worker
// that dies during the job fails it (ErrOutOfMemory when it ran out of
// memory), since the same job would most likely kill the next one too; a
// job that outlives its time or ctx has its worker killed and fails with
// ErrTimeout or ctx's error.
func (p *pool) run(ctx context.Context, timeout time.Duration, j Job) (Output, error) {
	frame, err := json.Marshal(wireRequest{Kind: j.Kind, Payload: j.Payload})
	if err != nil {
		return Output{}, fmt.Errorf("render: encode the job: %w", err)
	}
	for try := 0; ; try++ {
		w, err := p.get(ctx)
		if err != nil {
			return Output{}, err
		}
		jctx, cancel := context.WithTimeoutCause(ctx, timeout, ErrTimeout)
		out, taken, err := p.runOn(jctx, w, frame)
		cancel()
		if err == nil || taken || try > 0 || ctx.Err() != nil {
			return out, err
		}
	}
}

// runOn runs a job on worker w; taken reports whether the worker got the
// whole request before it failed.
func (p *pool) runOn(ctx context.Context, w *worker, frame []byte) (_ Output, taken bool, _ error) {
	p.mu.Lock()
	p.busy[w] = true
	p.mu.Unlock()
	gone := false // w was stopped or killed
	defer func() {
		p.mu.Lock()
		delete(p.busy, w)
		p.mu.Unlock()
		if gone {
			p.replenish()
		}
	}()

	type result struct {
		reply wireReply
		data  []byte
		sent  bool
		err   error
	}
	done := make(chan result, 1)
	go func() {
		if err := writeFrames(w.in, frame); err != nil {
			done <- result{err: fmt.Errorf("%w: %v", errWorkerDied, err)}
			return
		}
		var r result
		r.sent = true
		head, err := readFrame(w.out)
		if err == nil {
			r.data, err = readFrame(w.out)
		}
		if err == nil {
			err = json.Unmarshal(head, &r.reply)
		}
		if err != nil {
			r.err = fmt.Errorf("%w: %v", errWorkerDied, err)
		}
		done <- r
	}()
	select {
	case r := <-done:
		if r.err != nil {
			w.kill()
			gone = true
			if w.outOfMemory() {
				return Output{}, r.sent, ErrOutOfMemory
			}
			if f := w.fatal(); f != "" {
				return Output{}, r.sent, fmt.Errorf("%w (%s)", r.err, f)
			}
			return Output{}, r.sent, r.err
		}
		if r.reply.Retire {
			w.stop()
			gone = true
		} else {
			gone = !p.release(w)
		}
		if r.reply.Error != nil {
			return Output{}, true, r.reply.Error.err()
		}
		return Output{Data: r.data, ContentType: r.reply.ContentType, FileName: r.reply.FileName, Note: r.reply.Note, Parts: r.reply.Parts}, true, nil
	case <-ctx.Done():
		w.kill()
		gone = true
		<-done
		return Output{}, true, context.Cause(ctx)
	}
}

// release puts a worker back, or stops it when it has done its share,
// grown too large or is one too many; it reports false when a replacement
// should be started.
func (p *pool) release(w *worker) bool {
	w.jobs++
	rss, known := residentBytes(w.cmd.Process.Pid)
	p.mu.Lock()
	// A job that found no idle worker while a spare was starting started
	// one more: the pool shrinks back to its size here.
	full := len(p.idle)+len(p.busy) > p.size
	if p.closed || full || w.jobs >= p.recycleAfter || (known && rss > p.recycleRSS) {
		p.mu.Unlock()
		w.stop()
		return full
	}
	p.idle = append(p.idle, w)
	p.mu.Unlock()
	return true
}

// pids lists the process ids of the idle and the busy workers (for tests
// and metrics).
func (p *pool) pids() (idle, busy []int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, w := range p.idle {
		idle = append(idle, w.cmd.Process.Pid)
	}
	for w := range p.busy {
		busy = append(busy, w.cmd.Process.Pid)
	}
	return idle, busy
}

func (p *pool) close() {
	p.mu.Lock()
	p.closed = true
	idle := p.idle
	p.idle = nil
	p.mu.Unlock()
	for _, w := range idle {
		w.stop()
	}
}
