package embedded_test

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/graph/storetest"
	"github.com/stakemap/stakemap/internal/embedded"
)

// The benchmark workspace: 10,000 stakeholders, 1,000 trajectories and
// 100,000 relationships, the size the embedded backend is specified for.
const benchStakeholders, benchTrajectories, benchRelationships = 10_000, 1_000, 100_000

var benchData = sync.OnceValues(func() (*graph.Bundle, []byte) {
	b := storetest.Generate(1, benchStakeholders, benchTrajectories, benchRelationships)
	data, err := json.Marshal(b)
	if err != nil {
		panic(err)
	}
	return b, data
})

// BenchmarkImport imports the benchmark workspace into a fresh file,
// including the validation and the synced commit. Compare it with
// BenchmarkBaselineJSONDecode: reading the same workspace's JSON.
func BenchmarkImport(b *testing.B) {
	bundle, _ := benchData()
	dir := b.TempDir()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		path := filepath.Join(dir, strconv.Itoa(i)+".db")
		s, err := embedded.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if err := s.ImportBundle(b.Context(), bundle, graph.Precondition{}); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		s.Close()
		os.Remove(path)
		b.StartTimer()
	}
}

// BenchmarkExport reads the whole benchmark workspace back. Compare it
// with BenchmarkBaselineJSONEncode: writing the same workspace as JSON.
func BenchmarkExport(b *testing.B) {
	bundle, _ := benchData()
	s, err := embedded.Open(filepath.Join(b.TempDir(), "export.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if err := s.ImportBundle(b.Context(), bundle, graph.Precondition{}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.ExportBundle(b.Context(), bundle.Workspace.ID); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBaselineJSONDecode decodes the benchmark workspace's stakemap/v1
// document with encoding/json: the cost of merely reading what is imported.
func BenchmarkBaselineJSONDecode(b *testing.B) {
	_, data := benchData()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		var out graph.Bundle
		if err := json.Unmarshal(data, &out); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBaselineJSONEncode encodes the benchmark workspace with
// encoding/json: the cost of merely writing what is exported.
func BenchmarkBaselineJSONEncode(b *testing.B) {
	bundle, data := benchData()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := json.Marshal(bundle); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPeakMemory measures the peak resident memory (Linux VmHWM) of
// a fresh process that reads the benchmark workspace's JSON file and
// imports it into a new file, against the same process that only reads
// and decodes the file. Resident memory counts everything: the Go heap at
// its high-water mark, the runtime, and the pages of the database file
// mapped while committing.
func BenchmarkPeakMemory(b *testing.B) {
	if runtime.GOOS != "linux" {
		b.Skip("peak memory is read from /proc/self/status, which only Linux has")
	}
	_, data := benchData()
	dir := b.TempDir()
	jsonPath := filepath.Join(dir, "bench.json")
	if err := os.WriteFile(jsonPath, data, 0o600); err != nil {
		b.Fatal(err)
	}
	peak := func(job string) float64 {
		dbPath := filepath.Join(dir, "peak.db")
		os.Remove(dbPath)
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), childEnv+"="+job, childJSONEnv+"="+jsonPath, childDBEnv+"="+dbPath)
		cmd.Stderr = os.Stderr
		out, err := cmd.Output()
		if err != nil {
			b.Fatalf("child %s: %v", job, err)
		}
		var kb float64
		if _, err := fmt.Sscanf(strings.TrimSpace(string(out)), "VmHWM: %f kB", &kb); err != nil {
			b.Fatalf("child %s printed %q: %v", job, out, err)
		}
		return kb / 1024
	}
	var decode, imp float64
	for b.Loop() {
		decode = max(decode, peak("decode"))
		imp = max(imp, peak("decode+import"))
	}
	b.ReportMetric(decode, "decode-peak-MB")
	b.ReportMetric(imp, "import-peak-MB")
}
