package webui_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/graph/storetest"
)

// BenchmarkPages measures the server time of every page of a 1,000-person
// workspace over loopback, with the bare JSON read of the same workspace
// (export and encode, what an API client's read costs) as the baseline of
// the same run. Each sub-benchmark reports its p95 in milliseconds and its
// ratio to the baseline's p95:
//
//	go test -run '^$' -bench Pages -benchtime 200x ./internal/webui/
func BenchmarkPages(b *testing.B) {
	e := newEnv(b)
	big := storetest.Generate(11, 1000, 40, 3000)
	big.Workspace.ID, big.Workspace.Name, big.Workspace.Language = "groot", "Groot Ziekenhuis", "nl"
	ctx := context.Background()
	if err := e.store.ImportBundle(ctx, big, graph.Precondition{}); err != nil {
		b.Fatal(err)
	}
	bare := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		bu, err := e.store.ExportBundle(r.Context(), "groot")
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(bu)
	}))
	defer bare.Close()
	c := e.signIn(adminMail)
	person, traj := big.Stakeholders[500].ID, big.Trajectories[3].ID
	pages := []struct{ name, path string }{
		{"overview", "/w/groot"},
		{"register", "/w/groot/stakeholders"},
		{"register-filtered", "/w/groot/stakeholders?q=jansen&level=management&sort=influence&desc=1"},
		{"register-quadrant", "/w/groot/stakeholders?quadrant=manage-closely&page=2"},
		{"person", "/w/groot/stakeholders/" + person},
		{"trajectories", "/w/groot/trajectories"},
		{"trajectory", "/w/groot/trajectories/" + traj},
		{"contacts", "/w/groot/contacts"},
		{"findings", "/w/groot/findings"},
		{"paths", "/w/groot/paths?" + url.Values{"from": {big.Stakeholders[1].Name}, "to": {big.Stakeholders[900].Name}, "k": {"3"}, "mode": {"strongest"}}.Encode()},
		{"import", "/w/groot/import"},
	}
	measure := func(b *testing.B, do func() int) time.Duration {
		var ds []time.Duration
		for b.Loop() {
			start := time.Now()
			if status := do(); status != http.StatusOK && status != http.StatusSeeOther {
				b.Fatalf("status %d", status)
			}
			ds = append(ds, time.Since(start))
		}
		slices.Sort(ds)
		p95 := ds[min(len(ds)-1, len(ds)*95/100)]
		b.ReportMetric(float64(p95.Microseconds())/1000, "p95-ms")
		return p95
	}
	var base time.Duration
	b.Run("baseline-json", func(b *testing.B) {
		base = measure(b, func() int {
			res, err := http.Get(bare.URL)
			if err != nil {
				b.Fatal(err)
			}
			res.Body.Close()
			return res.StatusCode
		})
	})
	ratio := func(b *testing.B, p95 time.Duration) {
		if base > 0 {
			b.ReportMetric(float64(p95)/float64(base), "x-baseline")
		}
	}
	for _, p := range pages {
		b.Run(p.name, func(b *testing.B) {
			ratio(b, measure(b, func() int { return c.get(p.path).status }))
		})
	}
	// Logging a contact, then the overview with the updated findings: the
	// loop a consultant lives in.
	b.Run("log-contact+overview", func(b *testing.B) {
		n := 0
		ratio(b, measure(b, func() int {
			n++
			r := c.post("/w/groot/contacts", url.Values{"date": {"1-12-2026"}, "channel": {"meeting"},
				"with": {big.Stakeholders[n%len(big.Stakeholders)].ID}, "summary": {fmt.Sprintf("gesprek %d", n)}})
			if r.status != http.StatusSeeOther || !strings.Contains(r.location, "ok=ov.logged") {
				b.Fatalf("save: %d %s", r.status, r.location)
			}
			return c.get(r.location).status
		}))
	})
}
