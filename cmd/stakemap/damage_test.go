package main_test

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The fault tests damage copies of a real database file the ways files get
// damaged (cut short, a meta page overwritten, bytes flipped or a page
// zeroed inside the tree, emptied) and run the commands on them as a user
// would. Whatever the damage: no crash (panic, SIGBUS, exit 2), an error
// that names the file, and every document an export or salvage wrote
// imports back.

// damage is one way to damage a database file.
type damage struct {
	name string
	do   func(data []byte) []byte
}

// boltLayout reads the page size and the number of pages in use from the
// newer valid meta page of a sound bbolt file.
func boltLayout(t *testing.T, data []byte) (pageSize, pages int) {
	t.Helper()
	meta := func(off int) (ps, pgs, txid uint64) {
		m := data[off+16:]
		return uint64(binary.NativeEndian.Uint32(m[8:])), binary.NativeEndian.Uint64(m[40:]), binary.NativeEndian.Uint64(m[48:])
	}
	ps, pgs, tx0 := meta(0)
	_, pgs1, tx1 := meta(int(ps))
	if tx1 > tx0 {
		pgs = pgs1
	}
	if ps != 4096 || pgs < 8 || int(pgs*ps) > len(data) {
		t.Fatalf("unexpected layout: page size %d, %d pages, file %d bytes", ps, pgs, len(data))
	}
	return int(ps), int(pgs)
}

func damages(t *testing.T, data []byte, flips int) []damage {
	ps, pages := boltLayout(t, data)
	end := ps * pages
	zero := func(from, to int) func([]byte) []byte {
		return func(d []byte) []byte {
			clear(d[from:to])
			return d
		}
	}
	list := []damage{
		{"empty", func([]byte) []byte { return nil }},
		{"truncated-8k", func(d []byte) []byte { return d[:8192] }},
		{"truncated-half", func(d []byte) []byte { return d[:end/2] }},
		{"truncated-last-page", func(d []byte) []byte { return d[:end-ps] }},
		{"meta0-zeroed", zero(0, ps)},
		{"meta1-zeroed", zero(ps, 2*ps)},
		{"metas-zeroed", zero(0, 2*ps)},
		{"not-a-database", func([]byte) []byte { return []byte(`{"format": "stakemap/v1"}`) }},
	}
	r := rand.New(rand.NewPCG(9, uint64(len(data))))
	for i := range flips {
		seed := r.Uint64()
		if i%4 == 3 {
			page := 2 + int(seed%uint64(pages-2))
			list = append(list, damage{fmt.Sprintf("page-%d-zeroed", page), zero(page*ps, (page+1)*ps)})
			continue
		}
		list = append(list, damage{fmt.Sprintf("flips-%x", seed), func(d []byte) []byte {
			fr := rand.New(rand.NewPCG(seed, 1))
			for range 1 + fr.IntN(8) {
				d[2*ps+fr.IntN(end-2*ps)] ^= byte(1 + fr.IntN(255))
			}
			return d
		}})
	}
	return list
}

// crashed reports the signs of a crash in a command's output.
func crashed(r result) string {
	if r.code != 0 && r.code != 1 {
		return fmt.Sprintf("exit %d", r.code)
	}
	for _, sign := range []string{"panic:", "SIGBUS", "SIGSEGV", "fatal error", "goroutine "} {
		if strings.Contains(r.stderr, sign) {
			return sign
		}
	}
	return ""
}

func TestDamagedFiles(t *testing.T) {
	dir := t.TempDir()
	base := filepath.Join(dir, "base.db")
	mustRun(t, dir, nil, "--db", base, "demo")
	data, err := os.ReadFile(base)
	if err != nil {
		t.Fatal(err)
	}
	flips := 28
	if testing.Short() {
		flips = 8
	}
	var exported, differed int
	original := mustRun(t, dir, nil, "--db", base, "export", "--workspace", "oostvoorde").stdout
	for _, dm := range damages(t, data, flips) {
		t.Run(dm.name, func(t *testing.T) {
			work := t.TempDir()
			db := filepath.Join(work, "damaged-"+dm.name+".db")
			if err := os.WriteFile(db, dm.do(append([]byte(nil), data...)), 0o600); err != nil {
				t.Fatal(err)
			}
			importsBack := func(what, doc string) {
				t.Helper()
				r := run(t, work, nil, "--db", filepath.Join(work, "fresh.db"), "import", doc)
				if r.code != 0 {
					t.Errorf("%s wrote %s, which does not import back: %s", what, doc, r.stderr)
				}
			}
			failsWell := func(what string, r result) {
				t.Helper()
				if sign := crashed(r); sign != "" {
					t.Fatalf("%s crashed (%s):\n%s", what, sign, r.stderr)
				}
				if r.code == 1 && !strings.Contains(r.stderr, filepath.Base(db)) {
					t.Errorf("%s failed without naming the file:\n%s", what, r.stderr)
				}
			}

			out := filepath.Join(work, "export.json")
			exp := run(t, work, nil, "--db", db, "export", "--workspace", "oostvoorde", "-o", out)
			failsWell("export", exp)
			if exp.code == 0 {
				importsBack("export", out)
				doc, _ := os.ReadFile(out)
				exported++
				if string(doc) != original {
					differed++
				}
			}

			chk := run(t, work, nil, "--db", db, "check")
			failsWell("check", chk)
			if exp.code != 0 && chk.code == 0 {
				t.Errorf("export failed but check calls the file sound:\n%s%s", exp.stderr, chk.stdout)
			}

			saved := filepath.Join(work, "saved")
			slv := run(t, work, nil, "--db", db, "salvage", "-o", saved)
			failsWell("salvage", slv)
			docs, _ := filepath.Glob(filepath.Join(saved, "*.json"))
			for _, doc := range docs {
				importsBack("salvage", doc)
			}
			if slv.code == 0 && len(docs) != 1 {
				t.Errorf("salvage succeeded but saved %d workspaces", len(docs))
			}
		})
	}
	// Not every damage is detectable (bbolt pages carry no checksums): a
	// flipped byte inside a name is a different, valid name.
	t.Logf("%d damaged files exported with exit 0 (each imported back), %d of them with other content than the sound file", exported, differed)
}

// TestServeOnDamagedFiles starts serve on damaged files: it refuses a file
// it cannot open, naming it, and otherwise answers every request, with an
// error where the data is damaged, without dying.
func TestServeOnDamagedFiles(t *testing.T) {
	if testing.Short() {
		t.Skip("starts servers")
	}
	dir := t.TempDir()
	base := filepath.Join(dir, "base.db")
	mustRun(t, dir, nil, "--db", base, "demo")
	data, err := os.ReadFile(base)
	if err != nil {
		t.Fatal(err)
	}
	all := damages(t, data, 12)
	picked := []damage{all[1], all[0]} // truncated-8k, empty: refused at start
	for _, dm := range all {
		if strings.HasPrefix(dm.name, "flips-") || strings.HasSuffix(dm.name, "-zeroed") && strings.HasPrefix(dm.name, "page-") {
			picked = append(picked, dm)
		}
	}
	listening := regexp.MustCompile(`listening.*addr=(\S+)`)
	failed := 0 // requests answered with an error: the damage was reached
	for _, dm := range picked {
		t.Run(dm.name, func(t *testing.T) {
			work := t.TempDir()
			db := filepath.Join(work, "damaged.db")
			if err := os.WriteFile(db, dm.do(append([]byte(nil), data...)), 0o600); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(bin, "--db", db, "serve", "--no-auth", "--addr", "127.0.0.1:0")
			cmd.Dir = work
			cmd.Env = append(os.Environ(), "STAKEMAP_DB=", "NEO4J_URI=")
			stderr, err := cmd.StderrPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			var log strings.Builder
			addr := make(chan string, 1)
			done := make(chan error, 1)
			go func() {
				sc := bufio.NewScanner(stderr)
				for sc.Scan() {
					log.WriteString(sc.Text() + "\n")
					if m := listening.FindStringSubmatch(sc.Text()); m != nil {
						addr <- m[1]
					}
				}
				done <- cmd.Wait()
			}()
			select {
			case err := <-done:
				// Refused at start: exit 1 naming the file, no crash.
				if sign := crashed(result{stderr: log.String(), code: cmd.ProcessState.ExitCode()}); sign != "" || err == nil {
					t.Fatalf("serve ended (%v, %s):\n%s", err, sign, log.String())
				}
				if !strings.Contains(log.String(), db) {
					t.Errorf("serve refused the file without naming it:\n%s", log.String())
				}
				return
			case a := <-addr:
				client := &http.Client{Timeout: 30 * time.Second}
				for _, path := range []string{"/api/v1/workspaces", "/api/v1/workspaces/oostvoorde/bundle",
					"/api/v1/workspaces/oostvoorde/findings", "/api/v1/workspaces/oostvoorde/stakeholders", "/api/v1/workspaces/oostvoorde/bundle"} {
					resp, err := client.Get("http://" + a + path)
					if err != nil {
						t.Fatalf("GET %s: %v (the server died?)\n%s", path, err, log.String())
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					switch resp.StatusCode {
					case 200, 404:
					case 500:
						failed++
					default:
						t.Errorf("GET %s: status %d", path, resp.StatusCode)
					}
				}
				cmd.Process.Signal(syscall.SIGTERM)
				select {
				case err := <-done:
					if err != nil {
						t.Errorf("serve did not stop cleanly: %v\n%s", err, log.String())
					}
				case <-time.After(30 * time.Second):
					cmd.Process.Kill()
					t.Fatalf("serve did not stop on SIGTERM")
				}
				if sign := crashed(result{stderr: log.String()}); sign != "" {
					t.Errorf("serve logged a crash (%s):\n%s", sign, log.String())
				}
			case <-time.After(60 * time.Second):
				cmd.Process.Kill()
				t.Fatalf("serve neither listened nor stopped:\n%s", log.String())
			}
		})
	}
	if failed == 0 {
		t.Error("no request met the damage, so the test proves nothing: damage other pages")
	}
	t.Logf("%d requests on damaged files answered 500 while the server kept serving", failed)
}
