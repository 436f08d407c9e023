package render

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sync"
	"time"
)

// The render worker protocol: the parent writes one request frame at a
// time on the worker's stdin and reads one response frame from its stdout.
//
//	request:  u32 length | u8 len | engine | u8 len | output | DOT source
//	response: u8 status (0 ok, 1 error) | u32 length | output or message
//
// Lengths are big-endian. The worker does nothing but Graphviz layouts, so
// everything Graphviz cannot be trusted with (memory that only grows, no
// cancellation, a module that a bad call kills) stays in a process that
// the parent can recycle or kill.

// maxFrame bounds a frame so that a confused peer cannot make the other
// side allocate without limit.
const maxFrame = 256 << 20

// ServeWorker runs the render worker loop on r and w (the worker process's
// stdin and stdout) until r ends. The stakemap binary runs it for its
// hidden render-worker subcommand; tests run it from TestMain.
func ServeWorker(r io.Reader, w io.Writer) error {
	br := bufio.NewReader(r)
	bw := bufio.NewWriter(w)
	ctx := context.Background()
	for {
		j, err := readRequest(br)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("render worker: %w", err)
		}
		out, lerr := layoutInProcess(ctx, j)
		if err := writeResponse(bw, out, lerr); err != nil {
			return fmt.Errorf("render worker: %w", err)
		}
	}
}

func writeRequest(w *bufio.Writer, j layoutJob) error {
	n := 2 + len(j.Engine) + len(j.Output) + len(j.DOT)
	if len(j.Engine) > 255 || len(j.Output) > 255 || n > maxFrame {
		return fmt.Errorf("request of %d bytes is too large", n)
	}
	var hdr [4]byte
	binary.BigEndian.PutUint32(hdr[:], uint32(n))
	w.Write(hdr[:])
	w.WriteByte(byte(len(j.Engine)))
	w.WriteString(j.Engine)
	w.WriteByte(byte(len(j.Output)))
	w.WriteString(j.Output)
	w.Write(j.DOT)
	return w.Flush()
}

func readRequest(r *bufio.Reader) (layoutJob, error) {
	var hdr [4]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return layoutJob{}, err
	}
	n := binary.BigEndian.Uint32(hdr[:])
	if n > maxFrame || n < 2 {
		return layoutJob{}, fmt.Errorf("bad request length %d", n)
	}
	buf := make([]byte, n)
	if _, err := io.ReadFull(r, buf); err != nil {
		return layoutJob{}, fmt.Errorf("read request: %w", err)
	}
	var j layoutJob
	rest := buf
	field := func() (string, bool) {
		if len(rest) < 1 || len(rest) < 1+int(rest[0]) {
			return "", false
		}
		s := string(rest[1 : 1+int(rest[0])])
		rest = rest[1+int(rest[0]):]
		return s, true
	}
	var ok1, ok2 bool
	j.Engine, ok1 = field()
	j.Output, ok2 = field()
	if !ok1 || !ok2 {
		return layoutJob{}, errors.New("malformed request")
	}
	j.DOT = rest
	return j, nil
}

func writeResponse(w *bufio.Writer, out []byte, lerr error) error {
	status := byte(0)
	if lerr != nil {
		status, out = 1, []byte(lerr.Error())
	}
	var hdr [5]byte
	hdr[0] = status
	binary.BigEndian.PutUint32(hdr[1:], uint32(len(out)))
	w.Write(hdr[:])
	w.Write(out)
	return w.Flush()
}

// errWorkerDied marks a worker that went away in the middle of a job.
var errWorkerDied = errors.New("render worker died")

func readResponse(r *bufio.Reader) ([]byte, error) {
	var hdr [5]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return nil, fmt.Errorf("%w: %v", errWorkerDied, err)
	}
	n := binary.BigEndian.Uint32(hdr[1:])
	if n > maxFrame {
		return nil, fmt.Errorf("%w: bad response length %d", errWorkerDied, n)
	}
	buf := make([]byte, n)
	if _, err := io.ReadFull(r, buf); err != nil {
		return nil, fmt.Errorf("%w: %v", errWorkerDied, err)
	}
	if hdr[0] != 0 {
		return nil, fmt.Errorf("%w: %s", errLayout, buf)
	}
	return buf, nil
}

// worker is one running render-worker process.
type worker struct {
	cmd     *exec.Cmd
	in      *bufio.Writer
	inClose io.Closer
	out     *bufio.Reader
	renders int
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

// pool hands layout jobs to a bounded set of worker processes. A worker is
// recycled after recycleAfter jobs (Graphviz's memory only grows), killed
// when a job outlives its context, and replaced when it dies.
type pool struct {
	argv         []string
	env          []string
	recycleAfter int
	slots        chan struct{} // one token per worker that may run
	mu           sync.Mutex
	idle         []*worker
	busy         map[*worker]bool
	closed       bool
	started      int // workers started so far, for tests and metrics
}

func newPool(argv, env []string, workers, recycleAfter int) *pool {
	p := &pool{argv: argv, env: env, recycleAfter: recycleAfter, slots: make(chan struct{}, workers), busy: map[*worker]bool{}}
	for range workers {
		p.slots <- struct{}{}
	}
	return p
}

func (p *pool) start() (*worker, error) {
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
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start render worker %s: %w", p.argv[0], err)
	}
	p.mu.Lock()
	p.started++
	p.mu.Unlock()
	return &worker{cmd: cmd, in: bufio.NewWriter(in), inClose: in, out: bufio.NewReader(out)}, nil
}

// errClosed is returned for renders after Close.
var errClosed = errors.New("renderer is closed")

// run lays out one job on a worker. A worker that dies during the job is
// replaced and the job tried once more on a fresh one; a job that outlives
// ctx has its worker killed and fails with ctx's error.
func (p *pool) run(ctx context.Context, j layoutJob) ([]byte, error) {
	if err := j.check(); err != nil {
		return nil, err
	}
	select {
	case <-p.slots:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { p.slots <- struct{}{} }()
	var lastErr error
	for range 2 {
		out, err := p.runOnce(ctx, j)
		if err == nil || !errors.Is(err, errWorkerDied) || ctx.Err() != nil {
			return out, err
		}
		lastErr = err
	}
	return nil, lastErr
}

func (p *pool) runOnce(ctx context.Context, j layoutJob) ([]byte, error) {
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
	if w == nil {
		var err error
		if w, err = p.start(); err != nil {
			return nil, err
		}
	}
	p.mu.Lock()
	p.busy[w] = true
	p.mu.Unlock()
	defer func() {
		p.mu.Lock()
		delete(p.busy, w)
		p.mu.Unlock()
	}()

	type reply struct {
		out []byte
		err error
	}
	done := make(chan reply, 1)
	go func() {
		if err := writeRequest(w.in, j); err != nil {
			done <- reply{nil, fmt.Errorf("%w: %v", errWorkerDied, err)}
			return
		}
		out, err := readResponse(w.out)
		done <- reply{out, err}
	}()
	select {
	case r := <-done:
		if r.err != nil && errors.Is(r.err, errWorkerDied) {
			w.kill()
			return nil, r.err
		}
		if r.err != nil {
			// Graphviz keeps state from a failed call (error texts,
			// sometimes worse): start the next job on a fresh module.
			w.stop()
			return nil, r.err
		}
		p.release(w)
		return r.out, nil
	case <-ctx.Done():
		w.kill()
		<-done
		return nil, ctx.Err()
	}
}

// release puts a worker back, or stops it when it has done its share.
func (p *pool) release(w *worker) {
	w.renders++
	p.mu.Lock()
	if p.closed || w.renders >= p.recycleAfter {
		p.mu.Unlock()
		w.stop()
		return
	}
	p.idle = append(p.idle, w)
	p.mu.Unlock()
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
