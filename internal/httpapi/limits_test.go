package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/demo"
	"github.com/stakemap/stakemap/internal/httpapi"
)

// TestMapLimits: a map request over a limit is refused naming the
// parameter, before anything is drawn or by the renderer that owns the
// limit.
func TestMapLimits(t *testing.T) {
	e := newEnv(t, withRenderer(newRealRenderer(t)))
	base := "/api/v1/workspaces/" + demo.ID
	for _, tc := range []struct{ name, path, field, value string }{
		{"ScaleOverFour", "/maps/grid.png?scale=8", "scale", "8"},
		{"ScaleNotPositive", "/maps/grid.png?scale=0", "scale", "0"},
		{"KOverTwenty", "/maps/path.svg?from=a&to=b&k=21", "k", "21"},
		{"PathsKOverTwenty", "/paths?from=a&to=b&k=21", "k", "21"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := e.with(t)
			d := e.expect(e.do("GET", base+tc.path, e.viewer, nil), http.StatusBadRequest).apiError(t)
			if i := slices.IndexFunc(d.Fields, func(f httpapi.FieldError) bool { return f.Field == tc.field }); i < 0 || d.Fields[i].Value != tc.value {
				t.Errorf("fields %+v: want %s=%s", d.Fields, tc.field, tc.value)
			}
		})
	}
}

// TestMapUnavailableSaysWhenToRetry: a render past its deadline, or no
// renderer free, is a 503 with Retry-After.
func TestMapUnavailableSaysWhenToRetry(t *testing.T) {
	e := newEnv(t, withRenderer(httpapi.RendererFunc(func(context.Context, *graph.Bundle, httpapi.MapRequest) (httpapi.MapResult, error) {
		return httpapi.MapResult{}, fmt.Errorf("%w: map rendering took too long", httpapi.ErrUnavailable)
	})))
	r := e.expect(e.do("GET", "/api/v1/workspaces/"+demo.ID+"/maps/grid.png", e.viewer, nil), http.StatusServiceUnavailable)
	if r.header.Get("Retry-After") == "" {
		t.Error("503 without Retry-After")
	}
}

// TestMapsInFlightPerWorkspace: a client asking for many maps of one
// workspace at once gets 503 beyond the limit instead of tying up an
// export of the workspace per request; other workspaces are not affected.
func TestMapsInFlightPerWorkspace(t *testing.T) {
	release := make(chan struct{})
	var mu sync.Mutex
	started := 0
	e := newEnv(t, withRenderer(httpapi.RendererFunc(func(ctx context.Context, b *graph.Bundle, req httpapi.MapRequest) (httpapi.MapResult, error) {
		if b.Workspace.ID == demo.ID {
			mu.Lock()
			started++
			mu.Unlock()
			<-release
		}
		return httpapi.MapResult{Data: []byte("<svg/>"), ContentType: "image/svg+xml", Key: req.Lang + fmt.Sprint(req.K)}, nil
	})))
	base := "/api/v1/workspaces/" + demo.ID + "/maps/"
	var wg sync.WaitGroup
	statuses := make(chan int, httpapi.MapsInFlight)
	for i := range httpapi.MapsInFlight {
		wg.Go(func() {
			// Different requests, so that none is served from the cache.
			statuses <- e.do("GET", fmt.Sprintf("%spath.svg?from=a&to=b&k=%d", base, 1+i%graph.MaxK)+map[bool]string{true: "&lang=en", false: "&lang=nl"}[i >= graph.MaxK], e.viewer, nil).status
		})
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(time.Millisecond) {
		mu.Lock()
		n := started
		mu.Unlock()
		if n == httpapi.MapsInFlight {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("only %d of %d maps reached the renderer", n, httpapi.MapsInFlight)
		}
	}
	r := e.expect(e.do("GET", base+"grid.svg", e.viewer, nil), http.StatusServiceUnavailable)
	if r.header.Get("Retry-After") == "" {
		t.Error("503 without Retry-After")
	}
	e.expect(e.do("GET", "/api/v1/workspaces/other/maps/grid.svg", e.foreign, nil), http.StatusOK)
	close(release)
	wg.Wait()
	close(statuses)
	for s := range statuses {
		if s != http.StatusOK {
			t.Errorf("a map within the limit answered %d", s)
		}
	}
	e.expect(e.do("GET", base+"grid.svg", e.viewer, nil), http.StatusOK)
}

// TestLeavingClientCancelsTheRender: the renderer's context ends when the
// client goes away.
func TestLeavingClientCancelsTheRender(t *testing.T) {
	gone := make(chan error, 1)
	e := newEnv(t, withRenderer(httpapi.RendererFunc(func(ctx context.Context, _ *graph.Bundle, _ httpapi.MapRequest) (httpapi.MapResult, error) {
		select {
		case <-ctx.Done():
			gone <- ctx.Err()
		case <-time.After(time.Minute):
			gone <- nil
		}
		return httpapi.MapResult{}, ctx.Err()
	})))
	ctx, cancel := context.WithCancel(t.Context())
	req, err := http.NewRequestWithContext(ctx, "GET", e.srv.URL+"/api/v1/workspaces/"+demo.ID+"/maps/stakeholders.png", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+e.viewer)
	go func() {
		time.Sleep(200 * time.Millisecond)
		cancel()
	}()
	if res, err := e.srv.Client().Do(req); err == nil {
		res.Body.Close()
		t.Fatalf("the request finished with %d", res.StatusCode)
	}
	if err := <-gone; err == nil {
		t.Fatal("the renderer's context did not end when the client left")
	}
}

// slowBrokers is a backend whose brokers take as long as they are let.
type slowBrokers struct{ graph.Backend }

func (slowBrokers) Brokers(ctx context.Context, _ string, _ int) ([]graph.Broker, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

// TestAnalysisDeadline: an analysis past the service's analysis deadline
// is stopped and answered 503 with Retry-After.
func TestAnalysisDeadline(t *testing.T) {
	e := newEnv(t, func(c *httpapi.Config) {
		c.Backend = slowBrokers{c.Backend}
		c.AnalysisTimeout = 200 * time.Millisecond
	})
	r := e.expect(e.do("GET", "/api/v1/workspaces/"+demo.ID+"/brokers", e.viewer, nil), http.StatusServiceUnavailable)
	if r.header.Get("Retry-After") == "" {
		t.Error("503 without Retry-After")
	}
}
