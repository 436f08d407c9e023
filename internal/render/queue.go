package render

import (
	"context"
	"fmt"
	"slices"
	"sync"
)

// queue shares the worker slots between workspaces: each workspace's jobs
// wait in their own line, the lines are served in turn (round robin), and
// one workspace holds at most perWS slots at once. With two workers and
// the default perWS of one, a workspace that floods the renderer with
// slow maps holds one worker, and every other workspace finds the other:
// a second workspace waits at most for one job to end, not for the whole
// line of the first.
type queue struct {
	mu      sync.Mutex
	free    int // slots not in use
	perWS   int
	maxWait int
	running map[string]int
	lines   map[string][]*waiter
	turn    []string // workspaces with waiting jobs, in serving order
}

type waiter struct {
	ws      string
	ready   chan struct{} // closed when the job has a slot
	granted bool
}

func newQueue(slots, perWS, maxWait int) *queue {
	return &queue{free: slots, perWS: perWS, maxWait: maxWait, running: map[string]int{}, lines: map[string][]*waiter{}}
}

// acquire waits for a slot for a job of workspace ws, and returns the
// function that gives it back. It fails with ErrBusy at once when ws has
// maxWait jobs waiting already, and with ctx's error when ctx ends first.
func (q *queue) acquire(ctx context.Context, ws string) (release func(), err error) {
	q.mu.Lock()
	if len(q.lines[ws]) >= q.maxWait {
		q.mu.Unlock()
		return nil, fmt.Errorf("%w: %d maps of this workspace are waiting already", ErrBusy, q.maxWait)
	}
	w := &waiter{ws: ws, ready: make(chan struct{})}
	if len(q.lines[ws]) == 0 {
		q.turn = append(q.turn, ws)
	}
	q.lines[ws] = append(q.lines[ws], w)
	q.dispatch()
	q.mu.Unlock()

	release = func() {
		q.mu.Lock()
		q.running[ws]--
		if q.running[ws] == 0 {
			delete(q.running, ws)
		}
		q.free++
		q.dispatch()
		q.mu.Unlock()
	}
	select {
	case <-w.ready:
		return release, nil
	case <-ctx.Done():
	}
	q.mu.Lock()
	if w.granted {
		// The slot came as the context ended: hand it on.
		q.mu.Unlock()
		release()
		return nil, ctx.Err()
	}
	line := q.lines[ws]
	q.lines[ws] = slices.DeleteFunc(line, func(x *waiter) bool { return x == w })
	if len(q.lines[ws]) == 0 {
		delete(q.lines, ws)
		q.turn = slices.DeleteFunc(q.turn, func(x string) bool { return x == ws })
	}
	q.mu.Unlock()
	return nil, ctx.Err()
}

// dispatch gives free slots to waiting jobs: the first job of the first
// workspace in turn that is below its share; a served workspace goes to
// the back of the turn. Called with q.mu held.
func (q *queue) dispatch() {
	for q.free > 0 {
		i := slices.IndexFunc(q.turn, func(ws string) bool { return q.running[ws] < q.perWS })
		if i < 0 {
			return
		}
		ws := q.turn[i]
		w := q.lines[ws][0]
		q.lines[ws] = q.lines[ws][1:]
		q.turn = slices.Delete(q.turn, i, i+1)
		if len(q.lines[ws]) > 0 {
			q.turn = append(q.turn, ws)
		} else {
			delete(q.lines, ws)
		}
		q.running[ws]++
		q.free--
		w.granted = true
		close(w.ready)
	}
}

// waiting returns the number of jobs waiting per workspace (for tests and
// metrics).
func (q *queue) waiting() map[string]int {
	q.mu.Lock()
	defer q.mu.Unlock()
	out := map[string]int{}
	for ws, line := range q.lines {
		out[ws] = len(line)
	}
	return out
}
