package main_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/graph/storetest"
	"github.com/stakemap/stakemap/internal/demo"
)

// TestHostileLoad measures, on loopback against the built binary, what
// issue #9 asked of the service, each against a baseline of the same run:
//
//   - eight viewers asking at once, again and again, for the heaviest maps
//     of a large workspace (scaled dependency maps, full stakeholder maps,
//     scaled grids): the peak resident memory of the server and its render
//     workers together, against the same processes idle;
//   - meanwhile, small maps of another workspace: their latency, against
//     the same maps without the load;
//   - a brokers request on a 20,000-person workspace that the client gives
//     up on: how long the server keeps using CPU, against the CPU it used
//     while the client waited.
//
// It takes a few minutes: set STAKEMAP_LOAD=1 to run it. It fails when a
// target is missed (1 GiB, 1 s, 1 s).
func TestHostileLoad(t *testing.T) {
	if os.Getenv("STAKEMAP_LOAD") == "" {
		t.Skip("set STAKEMAP_LOAD=1 to run the load measurements (a few minutes)")
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "load.db")
	mustRun(t, dir, nil, "demo", "--db", db)
	heavy := storetest.Generate(21, 2000, 300, 8000)
	crowd := storetest.Generate(22, 20000, 50, 200000)
	for _, b := range []any{heavy, crowd} {
		file := filepath.Join(dir, "ws.json")
		data, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, data, 0o600); err != nil {
			t.Fatal(err)
		}
		mustRun(t, dir, nil, "import", "--db", db, file)
	}

	srv := startServer(t, dir, db)
	base := srv.url + "/api/v1/workspaces/"
	if load, err := os.ReadFile("/proc/loadavg"); err == nil {
		// Figures from a shared machine mean little without this.
		t.Logf("%d CPUs, load average %s", runtime.NumCPU(), strings.Join(strings.Fields(string(load))[:3], " "))
	}
	t.Run("Maps", func(t *testing.T) { hostileMaps(t, srv, base, heavy.Workspace.ID) })
	t.Run("Brokers", func(t *testing.T) { abandonedBrokers(t, srv, base, crowd) })
}

// hostileMaps has eight viewers ask for heavy maps of one workspace while
// small maps of another are asked for one by one.
func hostileMaps(t *testing.T, srv *server, base, heavy string) {

	// Small maps of the demo workspace: each request different, so that
	// no cache answers it.
	var smallMaps []string
	for _, tr := range []string{"ai-basis", "klantgericht", "leiderschap", "omgevingswet", "onboarding", "privacy-bewustzijn", "veiligheidscultuur", "wijkgericht"} {
		for _, kind := range []string{"grid", "stakeholders"} {
			for _, v := range []string{"lang=nl&anonymize=false", "lang=en&anonymize=false", "lang=nl&anonymize=true", "lang=en&anonymize=true"} {
				smallMaps = append(smallMaps, fmt.Sprintf("%s%s/maps/%s.svg?trajectory=%s&%s", base, demo.ID, kind, tr, v))
			}
		}
	}
	get(t.Context(), base+demo.ID+"/maps/dependencies.svg") // the first map of a worker loads fonts and code
	idleRSS := srv.rss(t)
	baseline := latencies(t, smallMaps[:16])
	t.Logf("baseline: idle RSS of server and workers %d MiB; small maps alone: median %s, max %s",
		idleRSS>>20, median(baseline), slices.Max(baseline))

	// Eight hostile viewers, each its own stream of heavy maps.
	ctx, stop := context.WithCancel(t.Context())
	var wg sync.WaitGroup
	var served, refused, unavailable, other atomic.Int32
	for v := range 8 {
		wg.Go(func() {
			for i := 0; ctx.Err() == nil; i++ {
				scale := strconv.FormatFloat(1+float64(v%4)*0.75+float64(i)*0.01, 'f', 2, 64)
				var u string
				switch v % 4 {
				case 0, 1:
					u = fmt.Sprintf("%s%s/maps/dependencies.png?scale=%s", base, heavy, scale)
				case 2:
					u = fmt.Sprintf("%s%s/maps/stakeholders.png?full=true&scale=%s", base, heavy, scale)
				default:
					u = fmt.Sprintf("%s%s/maps/grid.png?scale=%s&anonymize=%t", base, heavy, scale, i%2 == 0)
				}
				switch status := get(ctx, u); {
				case status == http.StatusOK:
					served.Add(1)
				case status == http.StatusBadRequest:
					refused.Add(1)
				case status == http.StatusServiceUnavailable:
					unavailable.Add(1)
				case ctx.Err() == nil:
					other.Add(1)
				}
			}
		})
	}
	var peak atomic.Int64
	sampling := make(chan struct{})
	go func() {
		defer close(sampling)
		for ctx.Err() == nil {
			peak.Store(max(peak.Load(), srv.rss(t)))
			time.Sleep(50 * time.Millisecond)
		}
	}()
	// Small maps while the heavy ones run, spread over a minute and a half.
	var loaded []time.Duration
	for _, u := range smallMaps[16:] {
		time.Sleep(2 * time.Second)
		loaded = append(loaded, latencies(t, []string{u})...)
	}
	stop()
	wg.Wait()
	<-sampling
	slices.Sort(loaded)
	t.Logf("hostile load: %d heavy maps served, %d refused (400), %d unavailable (503), %d other", served.Load(), refused.Load(), unavailable.Load(), other.Load())
	t.Logf("peak RSS of server and workers %d MiB (idle %d MiB); small maps of another workspace: median %s (alone %s), p95 %s, max %s (alone %s)",
		peak.Load()>>20, idleRSS>>20, median(loaded), median(baseline), loaded[len(loaded)*95/100], slices.Max(loaded), slices.Max(baseline))
	if peak.Load() > 1<<30 {
		t.Errorf("peak RSS %d MiB, more than 1 GiB", peak.Load()>>20)
	}
	if m := slices.Max(loaded); m > time.Second {
		t.Errorf("a small map took %s under load, more than 1 s", m)
	}

}

// abandonedBrokers asks for the brokers of a large workspace and gives up.
func abandonedBrokers(t *testing.T, srv *server, base string, crowd *graph.Bundle) {
	// Brokers on the large workspace (betweenness takes minutes there):
	// the client gives up once the server has computed at half a core or
	// more for a second (the machine may be shared).
	bctx, giveUp := context.WithCancel(t.Context())
	answered := make(chan int, 1)
	go func() { answered <- get(bctx, base+crowd.Workspace.ID+"/brokers") }()
	const tick = 100 * time.Millisecond
	var busy []time.Duration // CPU per tick
	last := srv.cpu(t)
	for busyTicks := 0; busyTicks < 10; {
		time.Sleep(tick)
		now := srv.cpu(t)
		busy = append(busy, now-last)
		if now-last >= tick/2 {
			busyTicks++
		}
		last = now
		select {
		case status := <-answered:
			t.Fatalf("brokers answered %d before the client gave up", status)
		default:
		}
		if len(busy) > 1200 {
			t.Fatal("the server never computed brokers")
		}
	}
	rate := (busy[len(busy)-1] + busy[len(busy)-2] + busy[len(busy)-3] + busy[len(busy)-4] + busy[len(busy)-5]) * 2
	giveUp()
	<-answered
	gaveUp := time.Now()
	cpuAtGiveUp := srv.cpu(t)
	last = cpuAtGiveUp
	quietAt := time.Duration(-1)
	for time.Since(gaveUp) < 5*time.Second {
		time.Sleep(tick)
		now := srv.cpu(t)
		if now-last < tick/10 && quietAt < 0 {
			quietAt = time.Since(gaveUp) - tick
		}
		last = now
	}
	t.Logf("brokers on %d people, %d influences: the server used %s of CPU per second while the client waited; after the client gave up it used %s more, and was idle %s after",
		len(crowd.Stakeholders), len(crowd.Influences), rate.Round(10*time.Millisecond), (last - cpuAtGiveUp).Round(10*time.Millisecond), max(quietAt, 0).Round(100*time.Millisecond))
	if quietAt < 0 || quietAt > time.Second {
		t.Errorf("the server kept using CPU for %s after the client gave up", quietAt)
	}
}

type server struct {
	cmd *exec.Cmd
	url string
}

func startServer(t *testing.T, dir, db string) *server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(bin, "serve", "--no-auth", "--addr", addr, "--db", db)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "STAKEMAP_DB=", "NEO4J_URI=")
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
	})
	s := &server{cmd: cmd, url: "http://" + addr}
	for deadline := time.Now().Add(30 * time.Second); get(t.Context(), s.url+"/healthz") != http.StatusOK; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the server did not start")
		}
	}
	return s
}

// rss is the resident memory of the server and every process it started.
func (s *server) rss(t *testing.T) int64 {
	var total int64
	for _, pid := range family(s.cmd.Process.Pid) {
		data, err := os.ReadFile(fmt.Sprintf("/proc/%d/statm", pid))
		if err != nil {
			continue // gone meanwhile
		}
		if f := strings.Fields(string(data)); len(f) > 1 {
			pages, _ := strconv.ParseInt(f[1], 10, 64)
			total += pages * int64(os.Getpagesize())
		}
	}
	return total
}

// cpu is the CPU time the server process has used (user and system).
func (s *server) cpu(t *testing.T) time.Duration {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", s.cmd.Process.Pid))
	if err != nil {
		t.Fatal(err)
	}
	// The fields after the command name, which is in parentheses.
	f := strings.Fields(string(data[strings.LastIndexByte(string(data), ')')+2:]))
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime+stime) * time.Second / 100 // USER_HZ
}

// family lists pid and its descendants.
func family(pid int) []int {
	parent := map[int]int{}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		data, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		f := strings.Fields(string(data[strings.LastIndexByte(string(data), ')')+2:]))
		if pp, err := strconv.Atoi(f[1]); err == nil {
			parent[p] = pp
		}
	}
	out := []int{pid}
	for changed := true; changed; {
		changed = false
		for p, pp := range parent {
			if slices.Contains(out, pp) && !slices.Contains(out, p) {
				out = append(out, p)
				changed = true
			}
		}
	}
	return out
}

func get(ctx context.Context, url string) int {
	req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
	if err != nil {
		return 0
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode
}

// latencies gets each URL in turn and returns how long each took; every
// one must succeed.
func latencies(t *testing.T, urls []string) []time.Duration {
	t.Helper()
	var out []time.Duration
	for _, u := range urls {
		start := time.Now()
		if status := get(t.Context(), u); status != http.StatusOK {
			t.Fatalf("GET %s: %d", u, status)
		}
		out = append(out, time.Since(start))
	}
	return out
}

func median(ds []time.Duration) time.Duration {
	s := slices.Sorted(slices.Values(ds))
	return s[len(s)/2].Round(time.Millisecond)
}
