package httpapi_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stakemap/stakemap/internal/httpapi"
)

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestServeDrainsInFlightRequests: cancelling Serve's context lets a
// running request finish with its full answer before Serve returns, and
// refuses new connections.
func TestServeDrainsInFlightRequests(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	started, release := make(chan struct{}), make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-release
		io.WriteString(w, "finished")
	})
	ctx, cancel := context.WithCancel(t.Context())
	served := make(chan error, 1)
	go func() { served <- httpapi.Serve(ctx, ln, h, slog.New(slog.DiscardHandler)) }()

	got := make(chan string, 1)
	go func() {
		res, err := http.Get("http://" + ln.Addr().String() + "/")
		if err != nil {
			got <- "error: " + err.Error()
			return
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		got <- string(b)
	}()
	<-started
	cancel()
	select {
	case err := <-served:
		t.Fatalf("Serve returned before the request finished: %v", err)
	case <-time.After(100 * time.Millisecond):
	}
	if _, err := net.DialTimeout("tcp", ln.Addr().String(), time.Second); err == nil {
		t.Error("new connections still accepted while draining")
	}
	close(release)
	if body := <-got; body != "finished" {
		t.Errorf("in-flight request got %q", body)
	}
	if err := <-served; err != nil {
		t.Errorf("Serve: %v", err)
	}
}

func TestIsLoopback(t *testing.T) {
	for addr, want := range map[string]bool{
		"127.0.0.1:8080": true, "localhost:80": true, "[::1]:8080": true, "127.1.2.3:1": true,
		":8080": false, "0.0.0.0:8080": false, "192.168.1.5:80": false, "[::]:80": false, "example.org:80": false, "nonsense": false,
	} {
		if got := httpapi.IsLoopback(addr); got != want {
			t.Errorf("IsLoopback(%q) = %v", addr, got)
		}
	}
}

func TestHealthReadyMetrics(t *testing.T) {
	e := newEnv(t)
	e.expect(e.do("GET", "/healthz", "", nil), http.StatusOK)
	e.expect(e.do("GET", "/readyz", "", nil), http.StatusOK)
	e.expect(e.do("GET", "/api/v1/workspaces", e.viewer, nil), http.StatusOK)
	r := e.expect(e.do("GET", "/metrics", "", nil), http.StatusOK)
	if !strings.Contains(string(r.body), `stakemap_http_requests_total{method="GET",route="/api/v1/workspaces",status="200"} 1`) {
		t.Errorf("metrics lack the request counter:\n%.2000s", r.body)
	}
	e.store.Close()
	r = e.expect(e.do("GET", "/readyz", "", nil), http.StatusServiceUnavailable)
	if r.apiError(t).Code != "unavailable" {
		t.Errorf("readyz body %s", r.body)
	}
	e.expect(e.do("GET", "/healthz", "", nil), http.StatusOK)
}

func TestUnknownRoutesUseTheErrorShape(t *testing.T) {
	e := newEnv(t)
	r := e.expect(e.do("GET", "/api/v1/nothing", e.admin, nil), http.StatusNotFound)
	r.apiError(t)
	r = e.expect(e.do("POST", "/healthz", "", nil), http.StatusMethodNotAllowed)
	r.apiError(t)
}
