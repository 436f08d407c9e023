package render_test

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/demo"
	"github.com/stakemap/stakemap/internal/render"
)

// workerEnv makes the test binary act as a render worker: the pool starts
// this same binary with it set.
const workerEnv = "STAKEMAP_RENDER_TEST_WORKER"

func TestMain(m *testing.M) {
	if os.Getenv(workerEnv) == "1" {
		if err := render.ServeWorker(os.Stdin, os.Stdout, testJobs); err != nil {
			os.Stderr.WriteString(err.Error() + "\n")
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// testJobs are job kinds besides maps, as a deck would be: "echo" answers
// its payload, "sleep" waits the milliseconds its payload says (or until
// its worker is killed), so that the queue can be tested with jobs of a
// known length.
var testJobs = map[string]render.Handler{
	"echo": func(_ context.Context, p []byte) (render.Output, error) {
		return render.Output{Data: p, ContentType: "text/plain"}, nil
	},
	"sleep": func(ctx context.Context, p []byte) (render.Output, error) {
		ms, err := strconv.Atoi(string(p))
		if err != nil {
			return render.Output{}, err
		}
		select {
		case <-time.After(time.Duration(ms) * time.Millisecond):
		case <-ctx.Done():
		}
		return render.Output{Data: p}, nil
	},
}

// newRenderer returns a pooled Renderer whose workers are this test binary.
func newRenderer(tb testing.TB, opts render.Options) *render.Renderer {
	tb.Helper()
	opts.WorkerCommand = []string{os.Args[0]}
	if raceEnabled && opts.WorkerMemory == 0 {
		// A deck's maps fit the default 512 MiB; with the race detector's
		// shadow memory they may not. Tests of the cap set their own.
		opts.WorkerMemory = 2 << 30
	}
	opts.WorkerEnv = append(opts.WorkerEnv, workerEnv+"=1")
	r, err := render.NewRenderer(opts)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { r.Close() })
	return r
}

// asOf is the date the demo workspace is built for, so that findings (and
// thus maps) do not change with the day the tests run.
var asOf = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

func demoBundle(tb testing.TB) *graph.Bundle {
	tb.Helper()
	b, err := demo.BundleAt(asOf)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}
