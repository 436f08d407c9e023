package main_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// bin is the stakemap binary built once for all tests: the commands are
// tested as a user runs them, exit codes and messages included.
var bin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "stakemap-cli")
	if err != nil {
		panic(err)
	}
	bin = filepath.Join(dir, "stakemap")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		os.Stderr.Write(out)
		panic("go build: " + err.Error())
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

type result struct {
	stdout, stderr string
	code           int
}

// run runs the binary in dir with a clean backend environment.
func run(t *testing.T, dir string, stdin []byte, args ...string) result {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "STAKEMAP_DB=", "NEO4J_URI=")
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := errors.AsType[*exec.ExitError](err); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("run %v: %v", args, err)
	}
	return result{out.String(), errb.String(), code}
}

func mustRun(t *testing.T, dir string, stdin []byte, args ...string) result {
	t.Helper()
	r := run(t, dir, stdin, args...)
	if r.code != 0 {
		t.Fatalf("stakemap %s: exit %d\n%s", strings.Join(args, " "), r.code, r.stderr)
	}
	return r
}

func TestDemoExportImportRoundTrip(t *testing.T) {
	dir := t.TempDir()
	mustRun(t, dir, nil, "demo")
	if _, err := os.Stat(filepath.Join(dir, "stakemap.db")); err != nil {
		t.Fatalf("demo did not write the default database file: %v", err)
	}
	first := mustRun(t, dir, nil, "export", "--workspace", "oostvoorde").stdout

	// Into a second file by way of a file on disk, then out again.
	file := filepath.Join(dir, "oostvoorde.json")
	mustRun(t, dir, nil, "export", "-o", file) // the only workspace: no --workspace needed
	mustRun(t, dir, nil, "import", "--db", "copy.db", file)
	second := mustRun(t, dir, nil, "export", "--db", "copy.db", "--workspace", "oostvoorde").stdout
	if first != second {
		t.Fatalf("export → import → export changed the document")
	}
	onDisk, _ := os.ReadFile(file)
	if string(onDisk) != first {
		t.Fatalf("export -o wrote other bytes than export to stdout")
	}
}

func TestImportRefusesBadBundleWhole(t *testing.T) {
	dir := t.TempDir()
	mustRun(t, dir, nil, "demo")
	before := mustRun(t, dir, nil, "export").stdout

	var doc map[string]any
	if err := json.Unmarshal([]byte(before), &doc); err != nil {
		t.Fatal(err)
	}
	st := doc["stakeholders"].([]any)
	st[0].(map[string]any)["influence"] = 7
	st[1].(map[string]any)["attitude"] = "enthusiast"
	st[2].(map[string]any)["id"] = "Bad ID"
	doc["engagements"].([]any)[0].(map[string]any)["with"] = []any{}
	doc["engagements"].([]any)[1].(map[string]any)["date"] = "2026-13-01"
	doc["influences"] = append(doc["influences"].([]any),
		map[string]any{"from": "cio", "to": "cio", "strength": 0.5},
		map[string]any{"from": "cio", "to": "nobody-here", "strength": 0.5})
	bad, _ := json.Marshal(doc)

	r := run(t, dir, bad, "import", "-")
	if r.code == 0 {
		t.Fatalf("import of a bad bundle succeeded")
	}
	for _, want := range []string{`"7"`, `"enthusiast"`, `"Bad ID"`, "with", `"2026-13-01"`, "itself", `"nobody-here"`} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("error does not name %s:\n%s", want, r.stderr)
		}
	}
	if after := mustRun(t, dir, nil, "export").stdout; after != before {
		t.Errorf("a refused import changed the workspace")
	}
}

func TestFailuresExitNonZeroWithMessage(t *testing.T) {
	dir := t.TempDir()
	mustRun(t, dir, nil, "demo")
	truncated := filepath.Join(dir, "truncated.json")
	os.WriteFile(truncated, []byte(`{"format": "stakemap/v1", "workspace": {"id": "x"`), 0o600)
	empty := filepath.Join(dir, "empty.json")
	os.WriteFile(empty, nil, 0o600)

	tests := []struct {
		name string
		args []string
		want string
	}{
		{"UnknownWorkspace", []string{"export", "--workspace", "nowhere"}, "nowhere"},
		{"MissingFile", []string{"import", "no-such-file.json"}, "no-such-file.json"},
		{"TruncatedJSON", []string{"import", truncated}, "truncated.json"},
		{"EmptyFile", []string{"import", empty}, "empty.json"},
		{"UnknownCommand", []string{"frobnicate"}, "frobnicate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run(t, dir, nil, tt.args...)
			if r.code == 0 {
				t.Fatalf("exit 0, want a failure")
			}
			if !strings.Contains(r.stderr, tt.want) {
				t.Errorf("stderr does not name %q:\n%s", tt.want, r.stderr)
			}
		})
	}
}

func TestDBFromEnvironment(t *testing.T) {
	dir := t.TempDir()
	cmd := exec.Command(bin, "demo")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "STAKEMAP_DB="+filepath.Join(dir, "env.db"), "NEO4J_URI=")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("demo: %v\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(dir, "env.db")); err != nil {
		t.Fatalf("STAKEMAP_DB was not used: %v", err)
	}
}

func TestSpreadsheetExportImportRoundTrip(t *testing.T) {
	dir := t.TempDir()
	mustRun(t, dir, nil, "demo")
	want := mustRun(t, dir, nil, "export").stdout
	tests := []struct{ format, out string }{
		{"xlsx", "oostvoorde.xlsx"},
		{"csv", "oostvoorde-csv"},
	}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			mustRun(t, dir, nil, "export", "--format", tt.format, "-o", tt.out)
			db := tt.format + ".db"
			mustRun(t, dir, nil, "import", "--db", db, tt.out)
			if got := mustRun(t, dir, nil, "export", "--db", db).stdout; got != want {
				t.Errorf("export --format %s → import → export changed the document", tt.format)
			}
		})
	}
	if r := run(t, dir, nil, "export", "--format", "csv"); r.code != 2 || !strings.Contains(r.stderr, "folder") {
		t.Errorf("csv export without a folder: exit %d, %q", r.code, r.stderr)
	}
}
