package embedded_test

import (
	"fmt"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/graph/storetest"
	"github.com/stakemap/stakemap/internal/analysis"
	"github.com/stakemap/stakemap/internal/embedded"
	"github.com/stakemap/stakemap/internal/history"
)

// histStore is the embedded store as time travel needs it.
type histStore struct{ *embedded.Store }

// historyWorkspace builds the benchmark workspace of the history targets:
// the 10,000-stakeholder workspace, imported (one event per entity, about
// 115,000 events), then changed by ten imports of 1,000 attitude changes
// each. It returns the store, the instant before the changes and the
// number of events.
func historyWorkspace(b *testing.B, path string, record bool) (*embedded.Store, time.Time, int) {
	b.Helper()
	embedded.SetRecording(record)
	defer embedded.SetRecording(true)
	base, _ := benchData()
	bundle := base.Clone()
	storetest.AddRhythms(bundle, 1)
	s, err := embedded.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	ctx := b.Context()
	if err := s.ImportBundle(ctx, bundle, graph.Precondition{}); err != nil {
		b.Fatal(err)
	}
	mid := time.Now()
	time.Sleep(time.Millisecond)
	attitudes := []string{"champion", "supporter", "neutral", "critic", "blocker"}
	for round := range 10 {
		for i := range 1000 {
			s := &bundle.Stakeholders[(round*1000+i*7)%len(bundle.Stakeholders)]
			s.Attitude = attitudes[(round+i)%len(attitudes)]
		}
		if err := s.ImportBundle(ctx, bundle, graph.Precondition{}); err != nil {
			b.Fatal(err)
		}
	}
	es, err := s.Events(ctx, bundle.Workspace.ID, graph.EventQuery{})
	if err != nil {
		b.Fatal(err)
	}
	return s, mid, len(es)
}

// cpuTime is the process's CPU time so far (user and system).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// timeOf runs fn n times and returns the median duration.
func timeOf(b *testing.B, n int, fn func()) time.Duration {
	b.Helper()
	ds := make([]time.Duration, n)
	for i := range ds {
		start := time.Now()
		fn()
		ds[i] = time.Since(start)
	}
	for i := range ds {
		for j := i + 1; j < len(ds); j++ {
			if ds[j] < ds[i] {
				ds[i], ds[j] = ds[j], ds[i]
			}
		}
	}
	return ds[n/2]
}

// BenchmarkHistoryTargets measures the targets of DESIGN §10's history on
// the benchmark workspace with its events, each against its baseline in
// the same run, and reports the ratios:
//   - at-read-x: reading the workspace at an instant before the last
//     10,000 changes, against reading it now (target ≤ 3);
//   - at-findings-x: the findings at that instant against now (≤ 3);
//   - compare-ms: comparing the two instants with findings (≤ 500);
//   - file-x: the file with its history against the same data without
//     (≤ 3, after compaction of both);
//   - write-x: one node update with its event against one without (≤ 1.5).
func BenchmarkHistoryTargets(b *testing.B) {
	dir := b.TempDir()
	s, mid, events := historyWorkspace(b, filepath.Join(dir, "history.db"), true)
	defer s.Close()
	ctx := b.Context()
	base, _ := benchData()
	ws := base.Workspace.ID
	hs := histStore{s}
	at := history.Point{Raw: "mid", At: mid}

	for b.Loop() {
		now := timeOf(b, 5, func() {
			if _, err := s.ExportBundle(ctx, ws); err != nil {
				b.Fatal(err)
			}
		})
		past := timeOf(b, 5, func() {
			if _, err := history.State(ctx, hs, ws, at); err != nil {
				b.Fatal(err)
			}
		})
		b.ReportMetric(float64(past)/float64(now), "at-read-x")

		asOf := time.Now().UTC().Format(time.DateOnly)
		findNow := timeOf(b, 3, func() {
			// A fresh engine each time: no cached snapshot, as after a write.
			if _, err := analysis.New(s).Findings(ctx, ws, graph.FindingParams{AsOf: asOf}); err != nil {
				b.Fatal(err)
			}
		})
		findPast := timeOf(b, 3, func() {
			f, err := history.Freeze(ctx, hs, ws, at)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := f.Findings(ctx, ws, graph.FindingParams{AsOf: asOf}); err != nil {
				b.Fatal(err)
			}
		})
		b.ReportMetric(float64(findPast)/float64(findNow), "at-findings-x")

		cpu0 := cpuTime()
		cmp := timeOf(b, 3, func() {
			if _, err := history.Compare(ctx, hs, ws, at, history.Now(), history.CompareParams{}); err != nil {
				b.Fatal(err)
			}
		})
		b.ReportMetric(float64(cmp.Milliseconds()), "compare-ms")
		// CPU time per compare: on a machine shared with other work the
		// wall time says more about the neighbours than about compare.
		b.ReportMetric(float64((cpuTime()-cpu0).Milliseconds())/3, "compare-cpu-ms")
	}
	b.ReportMetric(float64(events), "events")

	// Writes: the same update with and without its event, alternating.
	var with, without time.Duration
	st := base.Stakeholders[0]
	for i := range 40 {
		st.Notes = fmt.Sprint("note ", i)
		embedded.SetRecording(i%2 == 0)
		start := time.Now()
		if _, err := s.UpdateNode(ctx, ws, st, 0); err != nil {
			b.Fatal(err)
		}
		if i%2 == 0 {
			with += time.Since(start)
		} else {
			without += time.Since(start)
		}
	}
	embedded.SetRecording(true)
	b.ReportMetric(float64(with)/float64(without), "write-x")

	// File size, both compacted so that free pages do not count.
	s.Close()
	plain, _, _ := historyWorkspace(b, filepath.Join(dir, "plain.db"), false)
	plain.Close()
	_, withSize, err := embedded.Compact(filepath.Join(dir, "history.db"))
	if err != nil {
		b.Fatal(err)
	}
	_, plainSize, err := embedded.Compact(filepath.Join(dir, "plain.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(withSize)/float64(plainSize), "file-x")
	b.ReportMetric(float64(withSize)/(1<<20), "file-MiB")
}
