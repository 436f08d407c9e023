package main_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestUserCommands: add, list, set-password and remove, as an operator
// runs them; passwords come from standard input only.
func TestUserCommands(t *testing.T) {
	dir := t.TempDir()
	mustRun(t, dir, nil, "demo")
	mustRun(t, dir, []byte("kx7-Wq2!pass\n"), "user", "add", "ann@example.org", "--name", "Ann de Vries",
		"--member", "oostvoorde=editor", "--password-stdin")
	mustRun(t, dir, nil, "user", "add", "it@example.org", "--role", "admin")

	if r := run(t, dir, []byte("password\n"), "user", "add", "bob@example.org", "--password-stdin"); r.code != 2 || !strings.Contains(r.stderr, "most common") {
		t.Errorf("common password: exit %d, %s", r.code, r.stderr)
	}
	if r := run(t, dir, nil, "user", "add", "ann@example.org"); r.code == 0 || !strings.Contains(r.stderr, "has an account already") {
		t.Errorf("second account of an address: exit %d, %s", r.code, r.stderr)
	}
	if r := run(t, dir, nil, "user", "add", "x@example.org", "--member", "nowhere=editor"); r.code == 0 || !strings.Contains(r.stderr, "nowhere") {
		t.Errorf("member of a workspace that does not exist: exit %d, %s", r.code, r.stderr)
	}
	if r := run(t, dir, nil, "user", "set-password", "ann@example.org"); r.code != 2 || !strings.Contains(r.stderr, "standard input") {
		t.Errorf("set-password without input: exit %d, %s", r.code, r.stderr)
	}
	mustRun(t, dir, []byte("another-Pass-1\n"), "user", "set-password", "ann@example.org")

	var list struct {
		Users []struct {
			Email, Name, Role string
			Password          bool
			Workspaces        map[string]string
		}
	}
	if err := json.Unmarshal([]byte(mustRun(t, dir, nil, "user", "list", "--json").stdout), &list); err != nil {
		t.Fatal(err)
	}
	if len(list.Users) != 2 || list.Users[0].Email != "ann@example.org" || list.Users[0].Workspaces["oostvoorde"] != "editor" ||
		!list.Users[0].Password || list.Users[1].Role != "admin" || list.Users[1].Password {
		t.Errorf("user list %+v", list)
	}
	table := mustRun(t, dir, nil, "user", "list").stdout
	if !strings.Contains(table, "oostvoorde=editor") || !strings.Contains(table, "single sign-on") {
		t.Errorf("table:\n%s", table)
	}
	mustRun(t, dir, nil, "user", "remove", "ann@example.org")
	if r := run(t, dir, nil, "user", "remove", "ann@example.org"); r.code == 0 || !strings.Contains(r.stderr, "not found") {
		t.Errorf("removing twice: exit %d, %s", r.code, r.stderr)
	}
	if data, _ := os.ReadFile(dir + "/stakemap.db"); bytes.Contains(data, []byte("kx7-Wq2!pass")) || bytes.Contains(data, []byte("another-Pass-1")) {
		t.Error("the database file holds a password in the clear")
	}
}

// TestServeRefusesShortAdminToken: a STAKEMAP_ADMIN_TOKEN shorter than
// 32 characters stops serve at once with a message; so does an admin
// password shorter than 12.
func TestServeRefusesBadAdminSettings(t *testing.T) {
	for _, env := range [][]string{
		{"STAKEMAP_ADMIN_TOKEN=only-twenty-characters"},
		{"STAKEMAP_ADMIN_EMAIL=it@example.org", "STAKEMAP_ADMIN_PASSWORD=short-pass1"},
	} {
		dir := t.TempDir()
		cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0")
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "STAKEMAP_DB=", "NEO4J_URI=")
		cmd.Env = append(cmd.Env, env...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		done := make(chan error, 1)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			ee, ok := errors.AsType[*exec.ExitError](err)
			name := strings.SplitN(env[len(env)-1], "=", 2)[0]
			if !ok || ee.ExitCode() != 2 || !strings.Contains(stderr.String(), name) {
				t.Errorf("%v: %v, %s", env, err, stderr.String())
			}
		case <-time.After(20 * time.Second):
			_ = cmd.Process.Kill()
			<-done
			t.Errorf("%v: serve started anyway", env)
		}
	}
}
