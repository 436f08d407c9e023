package main_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestHistoryCommands runs the history commands as a user does: a change
// by import is recorded as cli, compare names it, --at reads the past,
// and erase plus compact leave no trace of the person in the file.
func TestHistoryCommands(t *testing.T) {
	dir := t.TempDir()
	mustRun(t, dir, nil, "demo")
	mustRun(t, dir, nil, "snapshot", "--name", "MT november")
	out := mustRun(t, dir, nil, "export").stdout
	var b map[string]any
	if err := json.Unmarshal([]byte(out), &b); err != nil {
		t.Fatal(err)
	}
	var name string
	for _, s := range b["stakeholders"].([]any) {
		m := s.(map[string]any)
		if m["id"] == "dir-ruimte" {
			m["attitude"], name = "supporter", m["name"].(string)
		}
	}
	data, _ := json.Marshal(b)
	if err := os.WriteFile(filepath.Join(dir, "b.json"), data, 0o600); err != nil {
		t.Fatal(err)
	}
	mustRun(t, dir, nil, "import", "b.json")

	var h struct {
		Events []struct {
			Seq                     int64
			Actor, Action, Kind, ID string
		} `json:"events"`
	}
	if err := json.Unmarshal([]byte(mustRun(t, dir, nil, "history", "--limit", "1", "--json").stdout), &h); err != nil {
		t.Fatal(err)
	}
	if len(h.Events) != 1 || h.Events[0].Actor != "cli" || h.Events[0].ID != "dir-ruimte" || h.Events[0].Action != "update" {
		t.Errorf("history = %+v", h.Events)
	}
	cmp := mustRun(t, dir, nil, "compare", "--from", "mt-november", "--json").stdout
	if !strings.Contains(cmp, `"attitude": {`) || !strings.Contains(cmp, `"from": "critic"`) {
		t.Errorf("compare does not name the attitude change:\n%s", cmp)
	}
	grid := mustRun(t, dir, nil, "export", "--at", "mt-november").stdout
	if !strings.Contains(grid, `"attitude": "critic"`) {
		t.Error("export --at the snapshot does not show the old attitude")
	}
	if r := run(t, dir, nil, "grid", "--at", "2000-01-01"); r.code == 0 || !strings.Contains(r.stderr, "did not exist yet") {
		t.Errorf("grid --at before the workspace: exit %d, %s", r.code, r.stderr)
	}
	if r := run(t, dir, nil, "compare", "--from", "2030-01-01", "--to", "2029-01-01"); r.code != 2 {
		t.Errorf("compare with from after to: exit %d, %s", r.code, r.stderr)
	}
	if r := run(t, dir, nil, "import", "--at", "mt-november", "b.json"); r.code == 0 {
		t.Error("import --at changed the past")
	}

	pd := mustRun(t, dir, nil, "person", "export", "--id", "dir-ruimte").stdout
	if !strings.Contains(pd, name) || !strings.Contains(pd, `"history"`) {
		t.Fatalf("person export lacks the person or their history")
	}
	if r := run(t, dir, nil, "erase", "--id", "nobody"); r.code == 0 {
		t.Error("erasing an unknown person succeeded")
	}
	mustRun(t, dir, nil, "erase", "--id", "dir-ruimte")
	mustRun(t, dir, nil, "compact")
	raw, err := os.ReadFile(filepath.Join(dir, "stakemap.db"))
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range []string{name, "Directeur Ruimte", "dir-ruimte"} {
		if strings.Contains(string(raw), x) {
			t.Errorf("after erase and compact the file still holds %q", x)
		}
	}
}
