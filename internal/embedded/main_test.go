package embedded_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/graph/storetest"
	"github.com/stakemap/stakemap/internal/embedded"
)

// The tests re-run their own binary as a child process to crash it on
// purpose and to measure its memory. childEnv selects the child's job.
const (
	childEnv     = "STAKEMAP_EMBEDDED_TEST_CHILD"
	childDBEnv   = "STAKEMAP_EMBEDDED_TEST_DB"
	childSizeEnv = "STAKEMAP_EMBEDDED_TEST_SIZE" // "seed,stakeholders,trajectories,relationships"
	childJSONEnv = "STAKEMAP_EMBEDDED_TEST_JSON"
)

func TestMain(m *testing.M) {
	if job := os.Getenv(childEnv); job != "" {
		if err := runChild(job); err != nil {
			fmt.Fprintln(os.Stderr, "child:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func runChild(job string) error {
	ctx := context.Background()
	switch job {
	case "import":
		// Import a generated bundle into the file, saying when it starts,
		// so that the parent can kill us in the middle.
		var seed int64
		var ns, nt, nr int
		if _, err := fmt.Sscanf(os.Getenv(childSizeEnv), "%d,%d,%d,%d", &seed, &ns, &nt, &nr); err != nil {
			return fmt.Errorf("%s: %w", childSizeEnv, err)
		}
		b := storetest.Generate(seed, ns, nt, nr)
		b.Workspace.ID = crashWorkspace
		s, err := embedded.Open(os.Getenv(childDBEnv))
		if err != nil {
			return err
		}
		fmt.Println("importing")
		if err := s.ImportBundle(ctx, b, graph.Precondition{}); err != nil {
			return err
		}
		fmt.Println("imported")
		return s.Close()
	case "writes":
		// Create nodes one by one, acknowledging each after CreateNode
		// returns, until the parent kills us.
		s, err := embedded.Open(os.Getenv(childDBEnv))
		if err != nil {
			return err
		}
		if err := s.CreateWorkspace(ctx, graph.Workspace{ID: crashWorkspace, Name: "Writes"}); err != nil {
			return err
		}
		for i := 0; ; i++ {
			g := graph.Goal{ID: fmt.Sprintf("g%06d", i), Name: "Goal"}
			if _, err := s.CreateNode(ctx, crashWorkspace, g); err != nil {
				return err
			}
			fmt.Println(g.ID)
		}
	case "diskfull":
		// Run by TestDiskFull inside a mount namespace with a tiny tmpfs:
		// a small workspace fits, a large import does not.
		s, err := embedded.Open(os.Getenv(childDBEnv))
		if err != nil {
			return err
		}
		small := storetest.Generate(1, 10, 2, 20)
		if err := s.ImportBundle(ctx, small, graph.Precondition{}); err != nil {
			return fmt.Errorf("small import: %w", err)
		}
		big := storetest.Generate(2, 3000, 200, 30000)
		err = s.ImportBundle(ctx, big, graph.Precondition{})
		fmt.Printf("full=%v enospc=%v\n", errors.Is(err, graph.ErrStorageFull), errors.Is(err, syscall.ENOSPC))
		fmt.Printf("message=%v\n", err)
		// What was there before is still there, and reads.
		b, err := s.ExportBundle(ctx, small.Workspace.ID)
		fmt.Printf("intact=%v\n", err == nil && len(b.Stakeholders) == len(small.Stakeholders))
		if _, err := s.ExportBundle(ctx, big.Workspace.ID); !errors.Is(err, graph.ErrNotFound) {
			fmt.Printf("half-written=%v\n", err)
		}
		return s.Close()
	case "open":
		// Open a file the parent holds, and report what Open said.
		s, err := embedded.Open(os.Getenv(childDBEnv))
		if err == nil {
			s.Close()
			return fmt.Errorf("opened a file in use")
		}
		fmt.Println(err)
		return nil
	case "decode", "decode+import":
		// Read a stakemap/v1 file as the CLI would, and import it when
		// asked: the parent reads our peak resident memory.
		data, err := os.ReadFile(os.Getenv(childJSONEnv))
		if err != nil {
			return err
		}
		var b graph.Bundle
		if err := json.Unmarshal(data, &b); err != nil {
			return err
		}
		data = nil
		if job == "decode+import" {
			s, err := embedded.Open(os.Getenv(childDBEnv))
			if err != nil {
				return err
			}
			if err := s.ImportBundle(ctx, &b, graph.Precondition{}); err != nil {
				return err
			}
			if err := s.Close(); err != nil {
				return err
			}
		}
		runtime.KeepAlive(&b)
		return printPeakRSS()
	}
	return fmt.Errorf("unknown job %q", job)
}

const crashWorkspace = "crash"

// printPeakRSS prints the process's peak resident set size as Linux keeps
// it for the current program image (VmHWM). The rusage a parent gets from
// wait is no good here: on Linux it also counts the memory the process had
// before exec, that is the parent's.
func printPeakRSS() error {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return err
	}
	for line := range strings.Lines(string(status)) {
		if strings.HasPrefix(line, "VmHWM:") {
			fmt.Print(line)
			return nil
		}
	}
	return fmt.Errorf("no VmHWM in /proc/self/status")
}

func sizeEnv(seed int64, ns, nt, nr int) string {
	return childSizeEnv + "=" + strconv.FormatInt(seed, 10) + "," + strconv.Itoa(ns) + "," + strconv.Itoa(nt) + "," + strconv.Itoa(nr)
}
