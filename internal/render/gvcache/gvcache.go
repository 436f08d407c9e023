// Package gvcache gives Graphviz's WebAssembly module a compilation cache
// that cannot stop the program.
//
// go-graphviz compiles its WebAssembly module in a package init, with the
// compiled code cached in $TMPDIR/go-graphviz, and panics when the cache
// fails: a cache left by another user, a truncated cache file, a folder it
// may not write or a full disk ended every stakemap command, even --help.
// This package's init runs before go-graphviz's (Go initialises packages
// in import-path order among those whose imports are ready, and this one
// imports only packages wazero imports too; a test of the built binary
// checks the order). It checks a cache folder of the user's own, drops
// every cache file that is not exactly as a stakemap process left it, and
// points $TMPDIR there for go-graphviz; when the folder cannot be trusted
// or written, it points $TMPDIR at a path where go-graphviz cannot create
// its cache, so that Graphviz is compiled afresh (a second or so) instead.
// Settle, called once go-graphviz is loaded, restores $TMPDIR and records
// the cache files as they are now.
//
// The imports are kept to what wazero, go-graphviz's runtime, imports:
// anything else could be initialised after go-graphviz.
package gvcache

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// EnvCache names the environment variable that sets the cache folder; the
// value "off" turns the cache off. Default: stakemap/graphviz in the
// user's cache folder (os.UserCacheDir).
const EnvCache = "STAKEMAP_GRAPHVIZ_CACHE"

// minFree is the room a cache folder must have before go-graphviz may
// write to it: a few times the size of one compiled module (about 6 MB).
const minFree = 64 << 20

const (
	manifestName = "manifest"
	subdir       = "go-graphviz" // the folder go-graphviz makes in $TMPDIR
)

// entry is a cache file as recorded in the manifest.
type entry struct {
	size int64
	sum  string // sha256, hex
}

var state struct {
	dir     string           // the cache folder; "" when there is none
	reason  string           // why there is no cache
	checked map[string]entry // the files found good, by path below dir
	tmpdir  string           // $TMPDIR as it was
	hadTmp  bool
	settled bool
}

func init() {
	state.tmpdir, state.hadTmp = os.LookupEnv("TMPDIR")
	dir, files, err := prepare()
	if err != nil {
		state.reason = err.Error()
		// os.Stat and os.Mkdir of <this>/go-graphviz both fail, which
		// makes go-graphviz run without a cache.
		os.Setenv("TMPDIR", filepath.Join(os.DevNull, "no-graphviz-cache"))
		return
	}
	state.dir, state.checked = dir, files
	os.Setenv("TMPDIR", dir)
}

// Dir returns the cache folder Graphviz uses, or "" and the reason when it
// runs without a cache.
func Dir() (dir, reason string) { return state.dir, state.reason }

// Settle restores $TMPDIR and records the cache files go-graphviz left, so
// that the next start can tell them from damaged ones. Call it once
// go-graphviz is loaded (from the init of a package that imports it); a
// failure to record only costs a recompilation at the next start.
func Settle() {
	if state.settled {
		return
	}
	state.settled = true
	if state.hadTmp {
		os.Setenv("TMPDIR", state.tmpdir)
	} else {
		os.Unsetenv("TMPDIR")
	}
	if state.dir == "" {
		return
	}
	now := map[string]entry{}
	changed := false
	walkErr := walk(state.dir, func(rel string, size int64) error {
		if old, ok := state.checked[rel]; ok && old.size == size {
			now[rel] = old
			return nil
		}
		sum, err := hashFile(filepath.Join(state.dir, rel))
		if err != nil {
			return err
		}
		now[rel] = entry{size, sum}
		changed = true
		return nil
	})
	if walkErr != nil || (!changed && len(now) == len(state.checked)) {
		return
	}
	_ = writeManifest(state.dir, now)
}

// prepare returns the checked cache folder and its good files, with every
// other cache file removed, or an error saying why no cache can be used.
func prepare() (string, map[string]entry, error) {
	dir := os.Getenv(EnvCache)
	switch dir {
	case "off":
		return "", nil, errors.New("turned off by " + EnvCache)
	case "":
		base, err := os.UserCacheDir()
		if err != nil {
			return "", nil, err
		}
		dir = filepath.Join(base, "stakemap", "graphviz")
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", nil, err
	}
	if err := ownFolder(dir); err != nil {
		return "", nil, err
	}
	if err := roomToWrite(dir); err != nil {
		return "", nil, err
	}
	want := readManifest(dir)
	good := map[string]entry{}
	err = walkTree(dir, func(path string, d fs.DirEntry) error {
		rel, _ := filepath.Rel(dir, path)
		if d.IsDir() {
			return ownFolder(path)
		}
		info, err := os.Lstat(path)
		if err != nil {
			return err
		}
		if !info.Mode().IsRegular() {
			return errors.New(path + " is not a regular file")
		}
		if err := ownedBySelf(info); err != nil {
			return err
		}
		if strings.HasSuffix(rel, ".tmp") {
			return nil // another process writing an entry; never read
		}
		if e, ok := want[rel]; ok && e.size == info.Size() {
			if sum, err := hashFile(path); err == nil && sum == e.sum {
				good[rel] = e
				return nil
			}
		}
		return os.Remove(path)
	})
	if err != nil {
		return "", nil, err
	}
	return dir, good, nil
}

// walkTree calls fn for every folder and file below dir/go-graphviz,
// folders before what they hold.
func walkTree(dir string, fn func(path string, d fs.DirEntry) error) error {
	root := filepath.Join(dir, subdir)
	if _, err := os.Lstat(root); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return fn(path, d)
	})
}

// walk calls fn for every finished cache file with its path below dir.
func walk(dir string, fn func(rel string, size int64) error) error {
	return walkTree(dir, func(path string, d fs.DirEntry) error {
		if d.IsDir() || strings.HasSuffix(path, ".tmp") {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		return fn(rel, info.Size())
	})
}

func hashFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// The manifest has one line per cache file: sha256, size and the path
// below the cache folder, separated by spaces. A line that does not parse
// is ignored, so a damaged manifest only costs a recompilation.
func readManifest(dir string) map[string]entry {
	data, err := os.ReadFile(filepath.Join(dir, manifestName))
	if err != nil {
		return nil
	}
	m := map[string]entry{}
	for line := range bytes.Lines(data) {
		f := strings.SplitN(strings.TrimSuffix(string(line), "\n"), " ", 3)
		if len(f) != 3 || len(f[0]) != 2*sha256.Size {
			continue
		}
		size, err := strconv.ParseInt(f[1], 10, 64)
		if err != nil || size < 0 {
			continue
		}
		m[filepath.FromSlash(f[2])] = entry{size, f[0]}
	}
	return m
}

// writeManifest replaces the manifest in one rename, so that a reader
// sees the old one or the new one.
func writeManifest(dir string, files map[string]entry) error {
	var b strings.Builder
	for rel, e := range files {
		b.WriteString(e.sum + " " + strconv.FormatInt(e.size, 10) + " " + filepath.ToSlash(rel) + "\n")
	}
	f, err := os.CreateTemp(dir, manifestName+".*")
	if err != nil {
		return err
	}
	_, err = f.WriteString(b.String())
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), filepath.Join(dir, manifestName))
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return err
}

// ownFolder checks that path is a real folder of this user that nobody
// else may write into and that this user may write into.
func ownFolder(path string) error {
	info, err := os.Lstat(path)
	if err != nil {
		return err
	}
	if !info.IsDir() {
		return errors.New(path + " is not a folder")
	}
	if info.Mode().Perm()&0o022 != 0 {
		return errors.New(path + " may be written by others")
	}
	if err := ownedBySelf(info); err != nil {
		return err
	}
	return writable(path)
}
