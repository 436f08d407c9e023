package merge_test

import (
	"bytes"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/graph/storetest"
	"github.com/stakemap/stakemap/internal/bundle"
	"github.com/stakemap/stakemap/internal/embedded"
	"github.com/stakemap/stakemap/internal/merge"
)

// BenchmarkImport10k measures a dry run and a merge of a workbook of
// 10,000 stakeholders (stakemap's own export of a generated workspace,
// with one cell changed) against a baseline measured in the same run: a
// plain excelize read of every sheet of the same file. peak-MB is the
// highest heap in use seen while the step ran.
func BenchmarkImport10k(b *testing.B) {
	src := storetest.Generate(7, 10000, 300, 40000)
	var buf bytes.Buffer
	if err := bundle.WriteXLSX(&buf, src); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	b.Logf("workbook: %.1f MB, %d stakeholders, %d relationships", float64(len(data))/(1<<20), len(src.Stakeholders),
		len(src.Stakes)+len(src.Influences)+len(src.ReportsTo)+len(src.Supports)+len(src.DependsOn))
	store, err := embedded.Open(filepath.Join(b.TempDir(), "stakemap.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	if err := store.ImportBundle(b.Context(), src, graph.Precondition{}); err != nil {
		b.Fatal(err)
	}
	im := &merge.Importer{Store: store}

	b.Run("baseline-excelize-read", func(b *testing.B) {
		peak := watchHeap(b)
		for b.Loop() {
			f, err := excelize.OpenReader(bytes.NewReader(data))
			if err != nil {
				b.Fatal(err)
			}
			for _, name := range f.GetSheetList() {
				if _, err := f.GetRows(name, excelize.Options{RawCellValue: true}); err != nil {
					b.Fatal(err)
				}
			}
			f.Close()
		}
		peak()
	})
	b.Run("dry-run", func(b *testing.B) {
		peak := watchHeap(b)
		for b.Loop() {
			in, err := bundle.ReadInputFrom(bytes.NewReader(data), "w.xlsx")
			if err != nil {
				b.Fatal(err)
			}
			rep, err := im.Import(b.Context(), merge.Request{Input: in, Options: merge.Options{Mode: merge.ModeMerge}, DryRun: true})
			if err != nil || !rep.Empty() {
				b.Fatalf("dry run: %v", err)
			}
		}
		peak()
	})
	b.Run("merge", func(b *testing.B) {
		peak := watchHeap(b)
		for i := 0; b.Loop(); i++ {
			in, err := bundle.ReadInputFrom(bytes.NewReader(data), "w.xlsx")
			if err != nil {
				b.Fatal(err)
			}
			// One changed cell, so that every merge writes.
			n := in.Nodes[i%len(in.Nodes)]
			if sh, ok := n.Node.(graph.Stakeholder); ok {
				sh.Notes = "bench " + time.Now().String()
				in.Nodes[i%len(in.Nodes)].Node = sh
			}
			rep, err := im.Import(b.Context(), merge.Request{Input: in, Options: merge.Options{Mode: merge.ModeMerge, Prefer: merge.PreferSheet}})
			if err != nil || !rep.Applied {
				b.Fatalf("merge: %v", err)
			}
		}
		peak()
	})
}

// watchHeap samples the heap in use while a benchmark runs and reports
// the highest value seen as peak-MB when the returned function is called,
// and the CPU time per operation as cpu-ms/op: on a shared machine the
// wall time says more about the neighbours than about the code.
func watchHeap(b *testing.B) func() {
	runtime.GC()
	cpu0 := cpuTime()
	var peak atomic.Uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		var ms runtime.MemStats
		for {
			select {
			case <-done:
				return
			case <-t.C:
				runtime.ReadMemStats(&ms)
				if v := ms.HeapInuse + ms.StackInuse; v > peak.Load() {
					peak.Store(v)
				}
			}
		}
	})
	return func() {
		close(done)
		wg.Wait()
		b.ReportMetric(float64(peak.Load())/(1<<20), "peak-MB")
		b.ReportMetric(float64((cpuTime()-cpu0).Milliseconds())/float64(b.N), "cpu-ms/op")
	}
}

// cpuTime is the CPU time the process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
