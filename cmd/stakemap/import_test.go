package main_test

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// registerFile is the consultant's registerFile LibreOffice wrote: no ids, names
// in the relationship sheets, Dutch values.
var registerFile, _ = filepath.Abs(filepath.Join("..", "..", "internal", "bundle", "testdata", "libreoffice", "register.xlsx"))

func TestImportDryRunAndMerge(t *testing.T) {
	dir := t.TempDir()
	r := mustRun(t, dir, nil, "import", "--dry-run", "--json", registerFile)
	var rep struct {
		Nodes     struct{ Added []map[string]string } `json:"nodes"`
		Relations struct{ Added []any }               `json:"relations"`
		Findings  struct{ New []any }                 `json:"findings"`
		Conflicts []any                               `json:"conflicts"`
		Mode      string                              `json:"mode"`
		Applied   bool                                `json:"applied"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("--json printed no report: %v\n%s", err, r.stdout)
	}
	if len(rep.Nodes.Added) != 12 || len(rep.Relations.Added) != 12 || rep.Conflicts == nil || rep.Mode != "merge" || rep.Applied || len(rep.Findings.New) == 0 {
		t.Fatalf("dry run report %+v", rep)
	}
	if x := run(t, dir, nil, "export", "--workspace", "zandvoorde"); x.code == 0 {
		t.Fatalf("a dry run wrote the workspace")
	}
	if out := mustRun(t, dir, nil, "import", registerFile).stdout; !strings.Contains(out, "Belanghebbenden: 7 toegevoegd, 0 gewijzigd, 0 verwijderd") {
		t.Errorf("import printed:\n%s", out)
	}
	if out := mustRun(t, dir, nil, "import", "--dry-run", registerFile).stdout; !strings.Contains(out, "Geen verschillen.") {
		t.Errorf("importing the registerFile again would change:\n%s", out)
	}
	for flag, args := range map[string][]string{"mode": {"--mode", "upsert"}, "prefer": {"--prefer", "mine"}, "prune": {"--mode", "replace", "--prune"}} {
		if x := run(t, dir, nil, append(append([]string{"import"}, args...), registerFile)...); x.code != 2 || !strings.Contains(x.stderr, flag) {
			t.Errorf("import %v: exit %d, %s", args, x.code, x.stderr)
		}
	}
}
