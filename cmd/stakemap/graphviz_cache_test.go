package main_test

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
)

// Graphviz runs as WebAssembly whose compilation is cached on disk. These
// tests damage that cache the ways a machine does (another user's cache,
// truncated files, no write permission, no room to write) and run the
// binary as a user would: no command may fail because of the cache, and a
// map is still drawn.

// nobody is the account the tests switch to when they run as root, since
// root reads and writes everything whatever its owner or mode.
const nobody = 65534

// cacheEnv is the environment of one run: the system temp folder, the
// home and cache folders, nothing else of the caller's that could steer
// the cache.
func cacheEnv(tmp, home string, extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if slices.Contains([]string{"TMPDIR", "HOME", "XDG_CACHE_HOME", "GODEBUG"}, name) ||
			strings.HasPrefix(name, "STAKEMAP_") || strings.HasPrefix(name, "NEO4J_") {
			continue
		}
		env = append(env, kv)
	}
	return append(env, append([]string{"TMPDIR=" + tmp, "HOME=" + home, "XDG_CACHE_HOME=" + filepath.Join(home, ".cache")}, extra...)...)
}

type runSpec struct {
	bin  string // default: bin
	dir  string
	env  []string
	uid  int // 0: the test's own user
	wrap []string
	args []string
}

func runWith(t *testing.T, s runSpec) result {
	t.Helper()
	exe := s.bin
	if exe == "" {
		exe = bin
	}
	argv := append(slices.Clone(s.wrap), append([]string{exe}, s.args...)...)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir, cmd.Env = s.dir, s.env
	if s.uid != 0 {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(s.uid), Gid: uint32(s.uid)}}
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := errors.AsType[*exec.ExitError](err); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("run %v: %v", argv, err)
	}
	return result{out.String(), errb.String(), code}
}

// openTree makes a folder that another account can enter and read, and
// removes it (whatever its modes became) when the test ends.
func openTree(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "stakemap-gvcache")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err == nil && d.IsDir() {
				os.Chmod(p, 0o755)
			}
			return nil
		})
		os.RemoveAll(dir)
	})
	return dir
}

func mkdirs(t *testing.T, paths ...string) {
	t.Helper()
	for _, p := range paths {
		if err := os.MkdirAll(p, 0o755); err != nil {
			t.Fatal(err)
		}
	}
}

// chownTree hands a folder and everything in it to uid.
func chownTree(t *testing.T, root string, uid int) {
	t.Helper()
	err := filepath.WalkDir(root, func(p string, _ fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, uid, uid)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// cacheFiles lists the regular files under the given folders.
func cacheFiles(t *testing.T, roots ...string) []string {
	t.Helper()
	var files []string
	for _, root := range roots {
		filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err == nil && d.Type().IsRegular() {
				files = append(files, p)
			}
			return nil
		})
	}
	return files
}

func TestDamagedGraphvizCache(t *testing.T) {
	root := os.Geteuid() == 0
	base := openTree(t)
	// A copy of the binary that the other account may run too.
	exe := filepath.Join(base, "stakemap")
	data, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(exe, data, 0o755); err != nil {
		t.Fatal(err)
	}
	// One demo database, made without any cache, that every case copies.
	seed := filepath.Join(base, "seed")
	mkdirs(t, seed, filepath.Join(seed, "tmp"), filepath.Join(seed, "home"))
	if r := runWith(t, runSpec{dir: seed, env: cacheEnv(filepath.Join(seed, "tmp"), filepath.Join(seed, "home")), args: []string{"demo"}}); r.code != 0 {
		t.Fatalf("demo: exit %d\n%s", r.code, r.stderr)
	}
	demoDB, err := os.ReadFile(filepath.Join(seed, "stakemap.db"))
	if err != nil {
		t.Fatal(err)
	}

	type layout struct{ work, tmp, home string }
	newLayout := func(t *testing.T, name string) layout {
		d := filepath.Join(base, name)
		l := layout{filepath.Join(d, "work"), filepath.Join(d, "tmp"), filepath.Join(d, "home")}
		mkdirs(t, l.work, l.tmp, l.home)
		if err := os.WriteFile(filepath.Join(l.work, "stakemap.db"), demoDB, 0o644); err != nil {
			t.Fatal(err)
		}
		return l
	}
	// warm runs the binary once so that every cache it uses is written.
	warm := func(t *testing.T, l layout) {
		if r := runWith(t, runSpec{dir: l.work, env: cacheEnv(l.tmp, l.home), args: []string{"--help"}}); r.code != 0 {
			t.Fatalf("warming the cache: exit %d\n%s", r.code, r.stderr)
		}
		if len(cacheFiles(t, l.tmp, l.home)) == 0 {
			t.Fatalf("warming wrote no cache file under %s or %s", l.tmp, l.home)
		}
	}

	tests := []struct {
		name string
		// setup damages the cache and returns how the commands run.
		setup func(t *testing.T, l layout) runSpec
	}{
		{"ForeignCache", func(t *testing.T, l layout) runSpec {
			// The shared temp folder, and even the cache folder, hold a
			// cache that belongs to somebody else.
			warm(t, l)
			if !root {
				// Without root no other account is at hand; a folder this
				// user may not read looks the same to the program.
				for _, f := range cacheFiles(t, l.tmp, l.home) {
					os.Chmod(filepath.Dir(f), 0o000)
				}
				return runSpec{dir: l.work, env: cacheEnv(l.tmp, l.home)}
			}
			chownTree(t, l.work, nobody)
			return runSpec{dir: l.work, env: cacheEnv(l.tmp, l.home), uid: nobody}
		}},
		{"TruncatedCache", func(t *testing.T, l layout) runSpec {
			warm(t, l)
			for _, f := range cacheFiles(t, l.tmp, l.home) {
				st, err := os.Stat(f)
				if err != nil {
					t.Fatal(err)
				}
				if err := os.Truncate(f, st.Size()/2); err != nil {
					t.Fatal(err)
				}
			}
			return runSpec{dir: l.work, env: cacheEnv(l.tmp, l.home)}
		}},
		{"UnwritableCache", func(t *testing.T, l layout) runSpec {
			// Cache folders that exist, can be read, hold nothing and may
			// not be written (a read-only mount, another user's folders).
			warm(t, l)
			for _, f := range cacheFiles(t, l.tmp, l.home) {
				os.Remove(f)
			}
			if !root {
				filepath.WalkDir(l.tmp, func(p string, d fs.DirEntry, err error) error {
					if err == nil && d.IsDir() && p != l.tmp {
						os.Chmod(p, 0o555)
					}
					return nil
				})
				filepath.WalkDir(l.home, func(p string, d fs.DirEntry, err error) error {
					if err == nil && d.IsDir() {
						os.Chmod(p, 0o555)
					}
					return nil
				})
				return runSpec{dir: l.work, env: cacheEnv(l.tmp, l.home)}
			}
			filepath.WalkDir(l.tmp, func(p string, d fs.DirEntry, err error) error {
				if err == nil && d.IsDir() {
					os.Chmod(p, 0o755)
				}
				return nil
			})
			chownTree(t, l.work, nobody)
			return runSpec{dir: l.work, env: cacheEnv(l.tmp, l.home), uid: nobody}
		}},
		{"DiskFull", func(t *testing.T, l layout) runSpec {
			// A file-size limit below the size of a cache entry fails the
			// cache's writes as a full disk does.
			prlimit, err := exec.LookPath("prlimit")
			if err != nil {
				if os.Getenv("CI") == "true" {
					t.Fatal("prlimit (Debian package util-linux) is missing")
				}
				t.Skip("prlimit (Debian package util-linux) is missing")
			}
			return runSpec{dir: l.work, env: cacheEnv(l.tmp, l.home), wrap: []string{prlimit, "--fsize=1048576"}}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := newLayout(t, tt.name)
			spec := tt.setup(t, l)
			spec.bin = exe
			for _, args := range [][]string{
				{"--help"},
				{"render", "--kind", "grid", "--format", "svg", "-o", "-"},
			} {
				s := spec
				s.args = args
				r := runWith(t, s)
				if r.code != 0 || strings.Contains(r.stderr, "panic") || strings.Contains(r.stderr, "goroutine ") {
					t.Fatalf("stakemap %s: exit %d\n%s", strings.Join(args, " "), r.code, firstLines(r.stderr, 12))
				}
				if args[0] == "render" && !strings.Contains(r.stdout, "<svg") {
					t.Errorf("render drew no SVG; stderr:\n%s", firstLines(r.stderr, 12))
				}
			}
		})
	}
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	return strings.Join(lines[:min(n, len(lines))], "\n")
}

// TestGraphvizCacheCheckedFirst: the package that checks the cache must be
// initialised before go-graphviz compiles its module. Go orders package
// initialisation by import path among the packages whose imports are
// ready, so this rests on import paths and imports: the runtime's own
// trace of the initialisation shows the order.
func TestGraphvizCacheCheckedFirst(t *testing.T) {
	dir := t.TempDir()
	r := runWith(t, runSpec{dir: dir, env: cacheEnv(dir, dir, "GODEBUG=inittrace=1"), args: []string{"--help"}})
	if r.code != 0 {
		t.Fatalf("--help: exit %d\n%s", r.code, firstLines(r.stderr, 12))
	}
	var order []string
	for line := range strings.Lines(r.stderr) {
		if f := strings.Fields(line); len(f) > 1 && f[0] == "init" {
			order = append(order, f[1])
		}
	}
	checker := slices.Index(order, "github.com/stakemap/stakemap/internal/render/gvcache")
	graphviz := slices.Index(order, "github.com/goccy/go-graphviz/internal/wasm")
	if checker < 0 || graphviz < 0 {
		t.Fatalf("init trace lacks the cache checker (%d) or go-graphviz (%d):\n%s", checker, graphviz, firstLines(r.stderr, 20))
	}
	if checker > graphviz {
		t.Errorf("go-graphviz was initialised before the cache was checked (init order %d > %d)", checker, graphviz)
	}
}
