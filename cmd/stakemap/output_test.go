package main_test

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestExportIntoPipesAndLinks: -o on a pipe or a device (/dev/null is
// one) writes into it and leaves it what it was; replacing it with a
// regular file, as an atomic write does, once turned a machine's
// /dev/null into a file. A symbolic link keeps pointing at its file.
func TestExportIntoPipesAndLinks(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "s.db")
	mustRun(t, dir, nil, "--db", db, "demo")

	fifo := filepath.Join(dir, "pipe")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	got := make(chan string, 1)
	go func() {
		f, err := os.Open(fifo)
		if err != nil {
			got <- err.Error()
			return
		}
		defer f.Close()
		data, _ := io.ReadAll(f)
		got <- string(data)
	}()
	mustRun(t, dir, nil, "--db", db, "export", "--workspace", "oostvoorde", "-o", fifo)
	select {
	case doc := <-got:
		if !strings.Contains(doc, `"format": "stakemap/v1"`) {
			t.Errorf("the pipe got %.80q, want the document", doc)
		}
	case <-time.After(30 * time.Second):
		// Its reader waits for ever on a pipe that was replaced.
		t.Error("nothing was written into the pipe")
	}
	if fi, err := os.Lstat(fifo); err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("after the export the pipe is %v, %v", fi.Mode(), err)
	}

	target := filepath.Join(dir, "real.json")
	link := filepath.Join(dir, "link.json")
	if err := os.WriteFile(target, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	mustRun(t, dir, nil, "--db", db, "export", "--workspace", "oostvoorde", "-o", link)
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("after the export the link is %v, %v", fi.Mode(), err)
	}
	if data, _ := os.ReadFile(target); !strings.Contains(string(data), `"format": "stakemap/v1"`) {
		t.Errorf("the link's file holds %.80q, want the document", data)
	}
}
