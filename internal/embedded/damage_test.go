package embedded_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/graph/storetest"
	"github.com/stakemap/stakemap/internal/embedded"
)

// TestDamagedCopies damages many copies of a real file in place (bytes
// flipped and pages zeroed inside the tree) and reads each as every
// command would, in this process: a fault or panic that escaped the store
// would kill the test binary. Every workspace that exports must import
// back; every failure must match graph.ErrCorrupt and name the file; and
// check must find damage wherever a read failed.
func TestDamagedCopies(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	base := filepath.Join(dir, "base.db")
	s, err := embedded.Open(base)
	if err != nil {
		t.Fatal(err)
	}
	for seed := range int64(2) {
		b := storetest.Generate(seed, 150, 12, 700)
		storetest.AddRhythms(b, seed)
		if err := s.ImportBundle(ctx, b, graph.Precondition{}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(base)
	if err != nil {
		t.Fatal(err)
	}
	const pageSize = 4096
	pages := len(data) / pageSize
	target, err := embedded.Open(filepath.Join(dir, "target.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer target.Close()

	copies := 100
	if testing.Short() {
		copies = 30
	}
	r := rand.New(rand.NewPCG(21, 22))
	counts := map[string]int{}
	for i := range copies {
		d := bytes.Clone(data)
		if i%3 == 0 {
			p := 2 + r.IntN(pages-2)
			clear(d[p*pageSize : (p+1)*pageSize])
		} else {
			for range 1 + r.IntN(16) {
				d[2*pageSize+r.IntN(len(d)-2*pageSize)] ^= byte(1 + r.IntN(255))
			}
		}
		path := filepath.Join(dir, fmt.Sprintf("copy-%03d.db", i))
		if err := os.WriteFile(path, d, 0o600); err != nil {
			t.Fatal(err)
		}
		damaged := func(what string, err error) {
			t.Helper()
			if !errors.Is(err, graph.ErrCorrupt) && !errors.Is(err, graph.ErrNotFound) && !strings.Contains(err.Error(), "not a stakemap database") {
				t.Errorf("copy %d: %s: %v is not reported as damage", i, what, err)
			}
			if errors.Is(err, graph.ErrCorrupt) && !strings.Contains(err.Error(), path) {
				t.Errorf("copy %d: %s: %v does not name the file", i, what, err)
			}
		}
		s, err := embedded.Open(path)
		if err != nil {
			damaged("Open", err)
			counts["refused at open"]++
			os.Remove(path)
			continue
		}
		ids, err := s.WorkspaceIDs(ctx)
		if err != nil {
			damaged("WorkspaceIDs", err)
		}
		failed, textLimits := err != nil, false
		for _, id := range ids {
			b, err := s.ExportBundle(ctx, id)
			if err != nil {
				damaged("ExportBundle", err)
				failed = true
				counts["workspace unreadable"]++
				continue
			}
			if err := target.ImportBundle(ctx, b, graph.Precondition{}); err != nil {
				// The one refusal allowed: text breaking the text limits,
				// exportable by design and listed by check.
				ve, ok := errors.AsType[*graph.ValidationError](err)
				if !ok || slices.ContainsFunc(ve.Problems, func(p graph.Problem) bool { return !p.TextLimit() }) {
					t.Errorf("copy %d: workspace %s exported but does not import back: %v", i, id, err)
				}
				counts["exported with text beyond the limits"]++
				textLimits = true
			}
			counts["workspace exported"]++
		}
		// Reads of single records go the same guarded way.
		if _, err := graph.List[graph.Stakeholder](ctx, s, "gen-0"); err != nil {
			damaged("Nodes", err)
		}
		rep, err := s.Check(ctx)
		if err != nil {
			t.Fatalf("copy %d: Check: %v", i, err)
		}
		if failed && len(rep.Damage) == 0 {
			t.Errorf("copy %d: reads failed but Check finds no damage", i)
		}
		if textLimits && len(rep.TextLimits) == 0 {
			t.Errorf("copy %d: an import refused text that Check does not list", i)
		}
		if len(rep.Damage) > 0 {
			counts["check found damage"]++
		}
		s.Close()
		os.Remove(path)
	}
	t.Logf("%d damaged copies: %v", copies, counts)
	if counts["workspace unreadable"] == 0 || counts["workspace exported"] == 0 {
		t.Errorf("the damage never (or always) made a workspace unreadable: %v", counts)
	}
}

// TestDiskFull imports into a file on a tmpfs too small for it, in a
// mount namespace of its own (root only): the import fails with
// graph.ErrStorageFull, which also matches syscall.ENOSPC, and what the
// file held before stays intact and readable.
func TestDiskFull(t *testing.T) {
	dir := t.TempDir()
	unshare, err := exec.LookPath("unshare")
	if err == nil && os.Geteuid() != 0 {
		err = errors.New("mounting a tmpfs needs root")
	}
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("the disk-full test needs unshare(1) and root: %v", err)
		}
		t.Skipf("the disk-full test needs unshare(1) and root: %v", err)
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(unshare, "-m", "sh", "-c", `mount -t tmpfs -o size=1m tmpfs "$1" && exec "$2" -test.run='^$'`, "sh", dir, exe)
	cmd.Env = append(os.Environ(), childEnv+"=diskfull", childDBEnv+"="+filepath.Join(dir, "stakemap.db"))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	for _, want := range []string{"full=true enospc=true", "intact=true", "is full"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("child output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(string(out), "half-written") {
		t.Errorf("the failed import left something behind:\n%s", out)
	}
}

// TestErrorsLogWithoutIDs checks that the store's errors, which name
// workspaces and nodes for the caller, log through slog and graph.LogText
// without them: the ids are personal data's keys.
func TestErrorsLogWithoutIDs(t *testing.T) {
	ctx := t.Context()
	s := mustOpen(t)
	if err := s.CreateWorkspace(ctx, graph.Workspace{ID: "df", Name: "DF"}); err != nil {
		t.Fatal(err)
	}
	_, err := s.CreateNode(ctx, "df", graph.Engagement{ID: "d274", Date: "2026-01-01", With: []string{"jan-de-vries"}})
	if err == nil || !strings.Contains(err.Error(), "jan-de-vries") {
		t.Fatalf("the caller's error should name what is wrong: %v", err)
	}
	_, _, err2 := s.Node(ctx, "df", graph.KindStakeholder, "jan-de-vries")
	// slog asks the error itself for its value (LogValue); an error that
	// wraps it is logged safely with graph.LogText.
	for _, e := range []error{err, err2} {
		var buf bytes.Buffer
		slog.New(slog.NewJSONHandler(&buf, nil)).Error("request failed", "err", e)
		line := buf.String()
		if !strings.Contains(line, `"op":"embedded.`) || !strings.Contains(line, `"kind":"`) {
			t.Errorf("log line lacks the operation or kind: %s", line)
		}
		for _, id := range []string{"df", "d274", "jan-de-vries"} {
			if strings.Contains(line, id) {
				t.Errorf("log line names %s: %s", id, line)
			}
		}
	}
	wrapped := fmt.Errorf("handler: %w", err2)
	if got := graph.LogText(wrapped); got != "embedded.Node: not-found" {
		t.Errorf("LogText = %q", got)
	}
}

// soundFile writes a store of one generated workspace (stakeholders and
// influences) and opens it with bbolt, to find pages to damage.
func soundFile(t *testing.T, stakeholders, influences int) (string, *bolt.DB) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "sound.db")
	s, err := embedded.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.ImportBundle(t.Context(), storetest.Generate(1, stakeholders, 12, influences), graph.Precondition{}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	return path, db
}

// TestCheckHugeOverflow sets the overflow count in the header of a page of
// the tree to two billion: bbolt's own checker would mark that many pages
// as reachable, one map entry each, and run out of memory. Check must
// report the damage instead, naming the file.
func TestCheckHugeOverflow(t *testing.T) {
	path, db := soundFile(t, 150, 700)
	var root uint64
	db.View(func(tx *bolt.Tx) error {
		root = uint64(tx.Bucket([]byte("workspaces")).RootPage())
		return nil
	})
	pageSize := db.Info().PageSize
	db.Close()
	if root == 0 {
		t.Fatal("the workspaces bucket is inline: no page to damage")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// A page header: id (8 bytes), flags (2), count (2), overflow (4).
	binary.LittleEndian.PutUint32(data[int(root)*pageSize+12:], 2_000_000_000)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	if damage := checkDamage(t, path); !strings.Contains(damage, path) {
		t.Errorf("check found no damage naming the file: %v", damage)
	}
}

// checkDamage opens a file as stakemap check does and returns what check
// (or the refusal to open it) says is damaged, one line each.
func checkDamage(t *testing.T, path string) string {
	t.Helper()
	s, err := embedded.OpenReadOnly(path)
	if err != nil {
		if !errors.Is(err, graph.ErrCorrupt) {
			t.Fatalf("open: %v", err)
		}
		return err.Error()
	}
	defer s.Close()
	r, err := s.Check(t.Context())
	if err != nil {
		t.Fatalf("check: %v", err)
	}
	return strings.Join(r.Damage, "\n")
}

// TestCheckUnsafePages damages the pages bbolt's own checker reads on a
// goroutine where a fault cannot be caught — a branch key, a leaf value,
// the freelist's length and overflow — each pointing far outside its
// page. Check must report the damage, naming the file, rather than kill
// the process or run out of memory.
func TestCheckUnsafePages(t *testing.T) {
	sound, db := soundFile(t, 1500, 7000)
	first := map[string]int{} // the first page of each type
	db.View(func(tx *bolt.Tx) error {
		for id := 2; id < int(tx.Size())/db.Info().PageSize; id++ {
			p, err := tx.Page(id)
			if err == nil && p != nil && first[p.Type] == 0 {
				first[p.Type] = id
			}
		}
		return nil
	})
	pageSize := db.Info().PageSize
	db.Close()
	for _, typ := range []string{"branch", "leaf", "freelist"} {
		if first[typ] == 0 {
			t.Fatalf("no %s page to damage: %v", typ, first)
		}
	}
	data, err := os.ReadFile(sound)
	if err != nil {
		t.Fatal(err)
	}
	// A page header: id (8 bytes), flags (2), count (2), overflow (4);
	// then elements of 16 bytes.
	at := func(typ string, off int) int { return first[typ]*pageSize + off }
	for _, c := range []struct {
		name, want string
		damage     func(d []byte)
	}{
		{"branch key", "lies outside the page", func(d []byte) { binary.LittleEndian.PutUint32(d[at("branch", 16+4):], 1<<31) }},
		// Within the memory map: the walk reads past the page unharmed.
		{"leaf value", "lies outside the page", func(d []byte) { binary.LittleEndian.PutUint32(d[at("leaf", 16+12):], uint32(3*pageSize)) }},
		{"freelist length", "claims", func(d []byte) {
			binary.LittleEndian.PutUint16(d[at("freelist", 10):], 0xFFFF)
			binary.LittleEndian.PutUint64(d[at("freelist", 16):], 1<<40)
		}},
		{"freelist overflow", "overflow pages", func(d []byte) { binary.LittleEndian.PutUint32(d[at("freelist", 12):], 2_000_000_000) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "damaged.db")
			d := slices.Clone(data)
			c.damage(d)
			if err := os.WriteFile(path, d, 0o600); err != nil {
				t.Fatal(err)
			}
			if damage := checkDamage(t, path); !strings.Contains(damage, path) || !strings.Contains(damage, c.want) {
				t.Errorf("check found %v, want damage naming the file and saying %q", damage, c.want)
			}
		})
	}
}
