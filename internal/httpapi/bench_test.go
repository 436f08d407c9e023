package httpapi_test

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/graph/storetest"
	"github.com/stakemap/stakemap/internal/bundle"
	"github.com/stakemap/stakemap/internal/demo"
	"github.com/stakemap/stakemap/internal/httpapi"
)

// The speed target: reading one stakeholder through the whole service
// (token check, access log, metrics, store read, ETag) runs at no less
// than half the rate of a bare gin handler that returns the same JSON.
// Both run over real loopback TCP with keep-alive in the same benchmark
// run; compare their ns/op.

func benchGet(b *testing.B, url, token string) {
	b.Helper()
	if token != "" {
		benchGetWith(b, url, "Authorization", "Bearer "+token)
		return
	}
	benchGetWith(b, url, "", "")
}

// benchGetWith reads url in parallel with one header set (when name is
// not empty).
func benchGetWith(b *testing.B, url, name, value string) {
	b.Helper()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		req, err := http.NewRequest("GET", url, nil)
		if err != nil {
			b.Error(err)
			return
		}
		if name != "" {
			req.Header.Set(name, value)
		}
		for pb.Next() {
			res, err := client.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusOK {
				b.Errorf("status %d", res.StatusCode)
				return
			}
		}
	})
}

func BenchmarkGetStakeholder(b *testing.B) {
	e := newEnv(b, func(c *httpapi.Config) { c.Logger = slog.New(slog.NewTextHandler(io.Discard, nil)) })
	benchGet(b, e.srv.URL+"/api/v1/workspaces/"+demo.ID+"/stakeholders/"+e.demo.Stakeholders[0].ID, e.viewer)
}

// BenchmarkGetStakeholderSession is the same read by a person signed in:
// the session, account and memberships are read from the store on every
// request, so a sign-out or a lost role counts at once.
func BenchmarkGetStakeholderSession(b *testing.B) {
	e := newEnv(b, func(c *httpapi.Config) { c.Logger = slog.New(slog.NewTextHandler(io.Discard, nil)) })
	cookie := e.signIn("vera@example.org", demo.ID, httpapi.RoleViewer)
	benchGetWith(b, e.srv.URL+"/api/v1/workspaces/"+demo.ID+"/stakeholders/"+e.demo.Stakeholders[0].ID, "Cookie", cookie)
}

func BenchmarkBaselineBareGin(b *testing.B) {
	sh := demoStakeholder(b)
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.GET("/api/v1/workspaces/:ws/stakeholders/:id", func(c *gin.Context) { c.JSON(http.StatusOK, sh) })
	srv := httptest.NewServer(r)
	defer srv.Close()
	benchGet(b, srv.URL+"/api/v1/workspaces/"+demo.ID+"/stakeholders/"+sh.ID, "")
}

func demoStakeholder(tb testing.TB) graph.Stakeholder {
	b, err := demo.Bundle()
	if err != nil {
		tb.Fatal(err)
	}
	return b.Stakeholders[0]
}

func BenchmarkCachedMap(b *testing.B) {
	e := newEnv(b, withRenderer(newRealRenderer(b)))
	url := e.srv.URL + "/api/v1/workspaces/" + demo.ID + "/maps/stakeholders.svg"
	e.expect(e.do("GET", "/api/v1/workspaces/"+demo.ID+"/maps/stakeholders.svg", e.viewer, nil), http.StatusOK)
	benchGet(b, url, e.viewer)
}

// The in-process pair measures the handlers alone (no sockets, no
// client), where the service's own overhead is most visible.

func benchServe(b *testing.B, h http.Handler, url, token string) {
	b.Helper()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		req := httptest.NewRequest("GET", url, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		for pb.Next() {
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			if w.Code != http.StatusOK {
				b.Errorf("status %d", w.Code)
				return
			}
		}
	})
}

func BenchmarkHandlerGetStakeholder(b *testing.B) {
	e := newEnv(b, func(c *httpapi.Config) { c.Logger = slog.New(slog.NewTextHandler(io.Discard, nil)) })
	benchServe(b, e.api.Handler(), "/api/v1/workspaces/"+demo.ID+"/stakeholders/"+e.demo.Stakeholders[0].ID, e.viewer)
}

func BenchmarkHandlerBaselineBareGin(b *testing.B) {
	sh := demoStakeholder(b)
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.GET("/api/v1/workspaces/:ws/stakeholders/:id", func(c *gin.Context) { c.JSON(http.StatusOK, sh) })
	benchServe(b, r, "/api/v1/workspaces/"+demo.ID+"/stakeholders/"+sh.ID, "")
}

// The strict-body pair: decoding a generated workspace of about 3 MB
// through the guard that refuses invalid UTF-8 and duplicate keys, and
// without it, in the same run; the guard's cost is the difference of
// their ns/op (compare MB/s).

func benchDecodeBundle(b *testing.B, guard bool) {
	var doc bytes.Buffer
	if err := bundle.Encode(&doc, storetest.Generate(1, 5000, 100, 15000)); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(doc.Len()))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		var r io.Reader = bytes.NewReader(doc.Bytes())
		if guard {
			r = httpapi.GuardJSON(r)
		}
		if _, err := bundle.Decode(r); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeBundleGuarded(b *testing.B) { benchDecodeBundle(b, true) }

func BenchmarkDecodeBundlePlain(b *testing.B) { benchDecodeBundle(b, false) }
