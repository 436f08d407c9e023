package render_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/graph/storetest"
	"github.com/stakemap/stakemap/internal/render"
)

// TestOtherJobKindsRunInTheQueue: a job of another kind than a map (a
// deck, say) runs in a worker like a map, and an unknown kind is refused.
func TestOtherJobKindsRunInTheQueue(t *testing.T) {
	for _, inProcess := range []bool{false, true} {
		t.Run(map[bool]string{false: "Workers", true: "InProcess"}[inProcess], func(t *testing.T) {
			opts := render.Options{InProcess: inProcess, Handlers: testJobs}
			var r *render.Renderer
			if inProcess {
				var err error
				if r, err = render.NewRenderer(opts); err != nil {
					t.Fatal(err)
				}
				defer r.Close()
			} else {
				r = newRenderer(t, opts)
			}
			out, err := r.Run(t.Context(), render.Job{Workspace: "w", Kind: "echo", Payload: []byte(`{"slides":3}`)})
			if err != nil || string(out.Data) != `{"slides":3}` || out.ContentType != "text/plain" {
				t.Fatalf("echo job: %q %q %v", out.Data, out.ContentType, err)
			}
			if _, err := r.Run(t.Context(), render.Job{Workspace: "w", Kind: "nope"}); err == nil || !strings.Contains(err.Error(), "nope") {
				t.Errorf("unknown job kind: err = %v", err)
			}
		})
	}
}

// TestPaintingHappensInTheLimitedWorker: a PNG that needs more memory than
// a worker may use fails with ErrOutOfMemory instead of growing the
// serving process, and the next map is drawn by a fresh worker.
func TestPaintingHappensInTheLimitedWorker(t *testing.T) {
	if testing.Short() {
		t.Skip("paints a large PNG")
	}
	// What a worker holds once it has drawn a small map differs between
	// builds (the race detector's is larger): the limit leaves 100 MiB
	// above it, too little for the 150 MB image below.
	probe := newRenderer(t, render.Options{Workers: 1, CacheEntries: -1})
	mustRender(t, probe, render.Request{Bundle: demoBundle(t), Kind: render.KindGrid, Format: "png"})
	idle, _ := render.WorkerPIDs(probe)
	base := 0
	for _, pid := range idle {
		base = max(base, vmDataKB(t, pid))
	}
	probe.Close()
	r := newRenderer(t, render.Options{Workers: 1, CacheEntries: -1, WorkerMemory: int64(base+100<<10) << 10})
	big := storetest.Generate(5, 600, 40, 1800)
	before := rssKB(t, os.Getpid())
	// About 36 megapixels (at its natural size: a slide page is never so
	// large): within the pixel budget, not within 150 MiB.
	_, err := r.Render(t.Context(), render.Request{Bundle: big, Kind: render.KindDependencies, Format: "png", Page: render.PageAuto, Scale: 2.4, AsOf: day()})
	if !errors.Is(err, render.ErrOutOfMemory) {
		t.Fatalf("err = %v, want ErrOutOfMemory", err)
	}
	if grown := rssKB(t, os.Getpid()) - before; grown > 100<<10 {
		t.Errorf("the serving process grew by %d KB while a worker painted", grown)
	}
	mustRender(t, r, render.Request{Bundle: demoBundle(t), Kind: render.KindGrid, Format: "png"})
}

// TestPixelBudget: an asked-for scale that would pass 40 megapixels is
// refused naming scale; so is a scale above 4.
func TestPixelBudget(t *testing.T) {
	r := newRenderer(t, render.Options{CacheEntries: -1})
	big := storetest.Generate(5, 600, 40, 1800)
	for _, tc := range []struct {
		name  string
		req   render.Request
		value string
	}{
		{"OverMaxScale", render.Request{Bundle: demoBundle(t), Kind: render.KindGrid, Format: "png", Scale: 4.5}, "4.5"},
		{"OverMaxPixels", render.Request{Bundle: big, Kind: render.KindDependencies, Format: "png", Page: render.PageAuto, Scale: 4, AsOf: day()}, "4"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := r.Render(t.Context(), tc.req)
			ve, ok := errors.AsType[*graph.ValidationError](err)
			if !ok || len(ve.Problems) != 1 || ve.Problems[0].Field != "scale" || ve.Problems[0].Value != tc.value {
				t.Fatalf("err = %v, want ErrInvalid naming scale %s", err, tc.value)
			}
		})
	}
}

// TestDeadlineCoversPainting: a grid whose one name had a million
// characters (stored before names were limited) cost minutes of painting
// and gigabytes in the serving process. Maps now shorten long names, so
// such a map is quick; a PNG of 36 megapixels still takes seconds to
// paint, and the whole render ends at its deadline (or its worker's memory
// limit) and the next map is drawn.
func TestDeadlineCoversPainting(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for a deadline")
	}
	b := demoBundle(t)
	b.Stakeholders[0].Name = strings.Repeat("x", 1_000_000)
	quick := newRenderer(t, render.Options{Workers: 1, CacheEntries: -1})
	for _, page := range []string{render.PageSlide, render.PageAuto} {
		res := mustRender(t, quick, render.Request{Bundle: b, Kind: render.KindGrid, Format: "png", Page: page})
		if len(res.Data) > 4<<20 {
			t.Errorf("%s: the grid with a million-character name is %d bytes", page, len(res.Data))
		}
	}
	quick.Close()
	// Painting 36 megapixels takes several CPU-seconds; a small map is
	// laid out in a fraction of one, even on a busy machine.
	r := newRenderer(t, render.Options{Workers: 1, Timeout: 2 * time.Second, CacheEntries: -1})
	big := storetest.Generate(5, 600, 40, 1800)
	before := rssKB(t, os.Getpid())
	_, err := r.Render(t.Context(), render.Request{Bundle: big, Kind: render.KindDependencies, Format: "png", Page: render.PageAuto, Scale: 2.4, AsOf: day()})
	if !errors.Is(err, render.ErrTimeout) && !errors.Is(err, render.ErrOutOfMemory) {
		t.Fatalf("err = %v, want ErrTimeout or ErrOutOfMemory", err)
	}
	if grown := rssKB(t, os.Getpid()) - before; grown > 100<<10 {
		t.Errorf("the serving process grew by %d KB", grown)
	}
	mustRender(t, r, render.Request{Bundle: demoBundle(t), Kind: render.KindGrid, Format: "svg"})
}

// vmDataKB reads the size of a process's data segment, which the worker's
// memory limit bounds.
func vmDataKB(tb testing.TB, pid int) int {
	tb.Helper()
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		tb.Skipf("no /proc: %v", err)
	}
	for line := range strings.Lines(string(data)) {
		if v, ok := strings.CutPrefix(line, "VmData:"); ok {
			kb, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
			if err != nil {
				tb.Fatalf("VmData of %d: %q", pid, v)
			}
			return kb
		}
	}
	tb.Fatalf("no VmData for %d", pid)
	return 0
}

// TestAbandonedRenderStops: when the client gives up, its render fails
// with the context's error and its worker process is gone.
func TestAbandonedRenderStops(t *testing.T) {
	r := newRenderer(t, render.Options{Workers: 1, CacheEntries: -1, Handlers: testJobs})
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() {
		_, err := r.Run(ctx, render.Job{Workspace: "w", Kind: "sleep", Payload: []byte("60000")})
		done <- err
	}()
	var pid int
	for range 5000 {
		if _, busy := render.WorkerPIDs(r); len(busy) > 0 {
			pid = busy[0]
			break
		}
		time.Sleep(time.Millisecond)
	}
	if pid == 0 {
		t.Fatal("never saw a busy worker")
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("worker %d still there after its job was abandoned (kill 0: %v)", pid, err)
	}
}

// TestQueueSharesWorkersBetweenWorkspaces: one workspace's jobs hold at
// most its share of the workers, the others wait in line; another
// workspace's job runs at once; a full line is refused with ErrBusy; the
// waiting and the running jobs end when their callers give up.
func TestQueueSharesWorkersBetweenWorkspaces(t *testing.T) {
	r := newRenderer(t, render.Options{Workers: 2, MaxWaiting: 3, Handlers: testJobs})
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var wg sync.WaitGroup
	var finished atomic.Int32
	errs := make(chan error, 4)
	for range 4 { // one runs, three wait
		wg.Go(func() {
			_, err := r.Run(ctx, render.Job{Workspace: "a", Kind: "sleep", Payload: []byte("60000")})
			finished.Add(1)
			errs <- err
		})
	}
	for deadline := time.Now().Add(20 * time.Second); render.Waiting(r)["a"] < 3; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("workspace a's jobs never lined up: %v", render.Waiting(r))
		}
	}
	if _, busy := render.WorkerPIDs(r); len(busy) > 1 {
		t.Errorf("workspace a holds %d workers, more than its share of 1", len(busy))
	}
	if _, err := r.Run(ctx, render.Job{Workspace: "a", Kind: "echo", Payload: []byte("1")}); !errors.Is(err, render.ErrBusy) {
		t.Errorf("a fifth job of a full line: err = %v, want ErrBusy", err)
	}
	out, err := r.Run(ctx, render.Job{Workspace: "b", Kind: "echo", Payload: []byte(`"b"`)})
	if err != nil || string(out.Data) != `"b"` {
		t.Fatalf("workspace b's job: %q %v", out.Data, err)
	}
	if n := finished.Load(); n != 0 {
		t.Errorf("%d of workspace a's jobs ended before b's ran", n)
	}
	cancel()
	wg.Wait()
	close(errs)
	for err := range errs {
		if !errors.Is(err, context.Canceled) {
			t.Errorf("job of a after its caller gave up: %v", err)
		}
	}
	if n := render.Waiting(r)["a"]; n != 0 {
		t.Errorf("%d given-up jobs still wait", n)
	}
}

// TestQueueTimeout: a job that finds no worker within QueueTimeout fails
// with ErrBusy.
func TestQueueTimeout(t *testing.T) {
	r := newRenderer(t, render.Options{Workers: 1, QueueTimeout: 300 * time.Millisecond, Handlers: testJobs})
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var wg sync.WaitGroup
	defer wg.Wait()
	wg.Go(func() { r.Run(ctx, render.Job{Workspace: "a", Kind: "sleep", Payload: []byte("60000")}) })
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(time.Millisecond) {
		if _, busy := render.WorkerPIDs(r); len(busy) == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the first job never started")
		}
	}
	if _, err := r.Run(ctx, render.Job{Workspace: "b", Kind: "echo", Payload: []byte("1")}); !errors.Is(err, render.ErrBusy) {
		t.Errorf("err = %v, want ErrBusy", err)
	}
	cancel()
}

// TestQueueServesWorkspacesInTurn: with one worker, waiting workspaces
// are served in turn, not in the order their jobs came.
func TestQueueServesWorkspacesInTurn(t *testing.T) {
	r := newRenderer(t, render.Options{Workers: 1, Handlers: testJobs})
	var order []string
	var mu sync.Mutex
	var wg sync.WaitGroup
	// A job that holds the worker until every other job waits.
	hold, release := context.WithCancel(t.Context())
	defer release()
	wg.Go(func() { r.Run(hold, render.Job{Workspace: "a", Kind: "sleep", Payload: []byte("60000")}) })
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(time.Millisecond) {
		if _, busy := render.WorkerPIDs(r); len(busy) == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the first job never started")
		}
	}
	submit := func(ws string, want int) {
		wg.Go(func() {
			if _, err := r.Run(t.Context(), render.Job{Workspace: ws, Kind: "echo", Payload: []byte("1")}); err != nil {
				t.Error(err)
			}
			mu.Lock()
			order = append(order, ws)
			mu.Unlock()
		})
		for deadline := time.Now().Add(10 * time.Second); render.Waiting(r)[ws] < want; time.Sleep(time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("job of %s never lined up", ws)
			}
		}
	}
	for i, ws := range []string{"a", "a", "a", "b", "c"} {
		submit(ws, []int{1, 2, 3, 1, 1}[i])
	}
	release()
	wg.Wait()
	if got := strings.Join(order, ""); got != "abcaa" {
		t.Errorf("served in the order %s, want abcaa", got)
	}
}

// TestHeavyWorkspaceDoesNotStarveOthers is the reproduction: four
// full maps of a large workspace, each of which runs to its deadline,
// used to hold both workers, so that another workspace's small map waited
// for them. Now it is drawn while the heavy ones still run.
func TestHeavyWorkspaceDoesNotStarveOthers(t *testing.T) {
	if testing.Short() {
		t.Skip("draws full maps of a large workspace")
	}
	r := newRenderer(t, render.Options{Workers: 2, Timeout: 60 * time.Second, CacheEntries: -1})
	heavy := storetest.Generate(5, 1500, 10, 4000)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var wg sync.WaitGroup
	var finished atomic.Int32
	for i := range 4 {
		wg.Go(func() {
			r.Render(ctx, render.Request{Bundle: heavy, Kind: render.KindStakeholders, Format: "svg", Full: true, High: 1 + i, AsOf: day()})
			finished.Add(1)
		})
	}
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if _, busy := render.WorkerPIDs(r); len(busy) > 0 && render.Waiting(r)[heavy.Workspace.ID] == 3 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the heavy maps never lined up: %v", render.Waiting(r))
		}
	}
	small := demoBundle(t)
	if small.Workspace.ID == heavy.Workspace.ID {
		t.Fatal("the two workspaces share an id")
	}
	mustRender(t, r, render.Request{Bundle: small, Kind: render.KindGrid, Format: "svg"})
	if n := finished.Load(); n != 0 {
		t.Errorf("%d heavy maps ended before the small one of another workspace was drawn", n)
	}
	cancel()
	wg.Wait()
}
