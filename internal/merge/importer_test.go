package merge_test

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/bundle"
	"github.com/stakemap/stakemap/internal/embedded"
	"github.com/stakemap/stakemap/internal/merge"
)

// fixture reads a workbook LibreOffice wrote (see
// internal/bundle/testdata/libreoffice/LEESMIJ.txt).
func fixture(t *testing.T, name string) *merge.Input {
	t.Helper()
	in, err := bundle.ReadInput(filepath.Join("..", "bundle", "testdata", "libreoffice", name))
	if err != nil {
		t.Fatalf("ReadInput(%s): %v", name, err)
	}
	return in
}

func openStore(t *testing.T) *embedded.Store {
	t.Helper()
	s, err := embedded.Open(filepath.Join(t.TempDir(), "stakemap.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func importer(s graph.Store) *merge.Importer {
	return &merge.Importer{Store: s, Now: func() time.Time { return time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC) }}
}

func get(t *testing.T, s graph.Store, id string) graph.Stakeholder {
	t.Helper()
	sh, _, err := graph.Get[graph.Stakeholder](t.Context(), s, "zandvoorde", id)
	if err != nil {
		t.Fatalf("get %s: %v", id, err)
	}
	return sh
}

// TestConsultantRegister imports the register a consultant keeps in
// LibreOffice (no ids, names in the relationship sheets, Dutch values,
// date cells) into an empty store, then again: the second import changes
// nothing, so contacts are never duplicated.
func TestConsultantRegister(t *testing.T) {
	s := openStore(t)
	im := importer(s)
	in := fixture(t, "register.xlsx")
	dry, err := im.Import(t.Context(), merge.Request{Input: in, Options: merge.Options{Mode: merge.ModeMerge}, DryRun: true})
	if err != nil {
		t.Fatalf("dry run: %v", err)
	}
	if _, err := s.Workspace(t.Context(), "zandvoorde"); !errors.Is(err, graph.ErrNotFound) {
		t.Fatalf("a dry run wrote: %v", err)
	}
	if len(dry.Nodes.Added) != 7+2+1+2 || len(dry.Relations.Added) != 6+2+3+1 || dry.Applied {
		t.Fatalf("dry run: %d nodes, %d relations added, applied %v", len(dry.Nodes.Added), len(dry.Relations.Added), dry.Applied)
	}
	rep, err := im.Import(t.Context(), merge.Request{Input: in, Options: merge.Options{Mode: merge.ModeMerge}})
	if err != nil || !rep.Applied {
		t.Fatalf("import: %v (applied %v)", err, rep != nil && rep.Applied)
	}
	b, err := s.ExportBundle(t.Context(), "zandvoorde")
	if err != nil {
		t.Fatal(err)
	}
	if b.Workspace.LDUnit != "HR Opleidingen" || b.Workspace.Name != "Gemeente Zandvoorde" {
		t.Errorf("workspace %+v", b.Workspace)
	}
	sanne := get(t, s, "sanne-ozturk")
	if sanne.Level != "management" || sanne.Name != "Sanne Öztürk" {
		t.Errorf("sanne %+v", sanne)
	}
	if jan := get(t, s, "jan-de-vries"); jan.ContactEvery != 60 || jan.Level != "executive" {
		t.Errorf("jan %+v", jan)
	}
	traj, _, err := graph.Get[graph.Trajectory](t.Context(), s, "zandvoorde", "klantgericht-werken")
	if err != nil || traj.Start != "2026-09-01" || traj.ReviewBy != "2026-12-15" || traj.Status != "running" {
		t.Errorf("trajectory %+v, %v", traj, err)
	}
	found := false
	for _, st := range b.Stakes {
		if st == (graph.Stake{Stakeholder: "sanne-ozturk", Trajectory: "klantgericht-werken", Role: "learner"}) {
			found = true
		}
	}
	if !found {
		t.Errorf("the stake typed as \"Sanne Ozturk\", \"klantgericht werken\" is missing: %v", b.Stakes)
	}
	if len(b.Engagements) != 2 || b.Engagements[0].ID != "2026-09-12" || strings.Join(b.Engagements[0].With, ",") != "jan-de-vries,peter-janssen" {
		t.Errorf("engagements %+v", b.Engagements)
	}
	again, err := im.Import(t.Context(), merge.Request{Input: fixture(t, "register.xlsx"), Options: merge.Options{Mode: merge.ModeMerge}})
	if err != nil || !again.Empty() || again.Applied {
		t.Fatalf("importing the register again: %v, %d added, applied %v", err, len(again.Nodes.Added), again.Applied)
	}
}

// TestEditedExport imports stakemap's own export after LibreOffice saved
// it (unchanged: no differences) and after a consultant edited it in
// LibreOffice while stakemap changed too: edits made in stakemap
// meanwhile survive, a field changed on both sides is a conflict, and
// nothing is written until a preference settles it.
func TestEditedExport(t *testing.T) {
	ctx := t.Context()
	s := openStore(t)
	im := importer(s)
	if _, err := im.Import(ctx, merge.Request{Input: fixture(t, "register.xlsx"), Options: merge.Options{Mode: merge.ModeMerge}}); err != nil {
		t.Fatal(err)
	}
	// Edits made in stakemap after the export: one the sheet does not
	// touch, one on a field the sheet changes too.
	jan := get(t, s, "jan-de-vries")
	jan.Notes = "belt liever dan te mailen"
	marco := get(t, s, "marco-pieters")
	marco.Influence = 5
	for _, n := range []graph.Node{jan, marco} {
		if _, err := s.UpdateNode(ctx, "zandvoorde", n, 0); err != nil {
			t.Fatal(err)
		}
	}

	saved, err := im.Import(ctx, merge.Request{Input: fixture(t, "export-opgeslagen.xlsx"), Options: merge.Options{Mode: merge.ModeMerge}})
	if err != nil || !saved.Empty() || len(saved.Conflicts) != 0 {
		t.Fatalf("the unchanged export, saved by LibreOffice: %v, %+v", err, saved)
	}

	req := merge.Request{Input: fixture(t, "export-bewerkt.xlsx"), Options: merge.Options{Mode: merge.ModeMerge}, DryRun: true}
	dry, err := im.Import(ctx, req)
	if err != nil {
		t.Fatalf("dry run: %v", err)
	}
	if len(dry.Conflicts) != 1 || dry.Conflicts[0].ID != "marco-pieters" || dry.Conflicts[0].Field != "influence" ||
		string(dry.Conflicts[0].Base) != "4" || string(dry.Conflicts[0].Sheet) != "3" || string(dry.Conflicts[0].Stakemap) != "5" {
		t.Fatalf("conflicts %+v", dry.Conflicts)
	}
	var changed []string
	for _, c := range dry.Nodes.Changed {
		for f := range c.Fields {
			changed = append(changed, c.ID+"."+f)
		}
	}
	if strings.Join(changed, " ") != "peter-janssen.attitude" {
		t.Errorf("changed %v, want only peter-janssen.attitude (jan's notes must survive)", changed)
	}
	if len(dry.Nodes.Added) != 1 || dry.Nodes.Added[0].ID != "fatima-bakker" {
		t.Errorf("added %+v", dry.Nodes.Added)
	}
	if len(dry.Relations.Added) != 1 || dry.Relations.Added[0].Key["role"] != "owner" ||
		len(dry.Relations.Removed) != 1 || dry.Relations.Removed[0].Key["role"] != "sponsor" {
		t.Errorf("roles: added %+v, removed %+v", dry.Relations.Added, dry.Relations.Removed)
	}

	rev, _ := s.Revision(ctx, "zandvoorde")
	req.DryRun = false
	if _, err := im.Import(ctx, req); !errors.Is(err, merge.ErrUnsettled) {
		t.Fatalf("import with conflicts = %v, want ErrUnsettled", err)
	}
	if now, _ := s.Revision(ctx, "zandvoorde"); now != rev {
		t.Fatalf("an import with unsettled conflicts wrote")
	}

	req.Prefer = merge.PreferStakemap
	req.Revision = dry.Revision
	rep, err := im.Import(ctx, req)
	if err != nil || !rep.Applied {
		t.Fatalf("import preferring stakemap: %v", err)
	}
	if m := get(t, s, "marco-pieters"); m.Influence != 5 {
		t.Errorf("marco's influence %d, want stakemap's 5", m.Influence)
	}
	if j := get(t, s, "jan-de-vries"); j.Notes != "belt liever dan te mailen" {
		t.Errorf("jan's notes %q: the import undid an edit made in stakemap", j.Notes)
	}
	if p := get(t, s, "peter-janssen"); p.Attitude != "champion" {
		t.Errorf("peter %q, want champion from the sheet", p.Attitude)
	}
	again, err := im.Import(ctx, merge.Request{Input: fixture(t, "export-bewerkt.xlsx"), Options: merge.Options{Mode: merge.ModeMerge, Prefer: merge.PreferStakemap}})
	if err != nil || !again.Empty() {
		t.Errorf("importing the edited export again: %v; %+v", err, again.Nodes)
	}
}

// TestImportIsConditional proves a dry run's revision guards the write:
// a change made after the dry run makes the import fail instead of
// overwriting it.
func TestImportIsConditional(t *testing.T) {
	ctx := t.Context()
	s := openStore(t)
	im := importer(s)
	if _, err := im.Import(ctx, merge.Request{Input: fixture(t, "register.xlsx"), Options: merge.Options{Mode: merge.ModeMerge}}); err != nil {
		t.Fatal(err)
	}
	dry, err := im.Import(ctx, merge.Request{Input: fixture(t, "export-bewerkt.xlsx"), Options: merge.Options{Mode: merge.ModeMerge, Prefer: merge.PreferSheet}, DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	els := get(t, s, "els-verbeek")
	els.Notes = "meanwhile"
	if _, err := s.UpdateNode(ctx, "zandvoorde", els, 0); err != nil {
		t.Fatal(err)
	}
	_, err = im.Import(ctx, merge.Request{Input: fixture(t, "export-bewerkt.xlsx"), Options: merge.Options{Mode: merge.ModeMerge, Prefer: merge.PreferSheet}, Revision: dry.Revision})
	if !errors.Is(err, graph.ErrStale) {
		t.Fatalf("import after a change = %v, want ErrStale", err)
	}
	if p := get(t, s, "peter-janssen"); p.Attitude != "supporter" {
		t.Errorf("a stale import wrote: peter is %s", p.Attitude)
	}
}

func TestRegisterErrors(t *testing.T) {
	_, err := importer(openStore(t)).Import(t.Context(), merge.Request{Input: fixture(t, "register-fouten.xlsx"),
		Options: merge.Options{Mode: merge.ModeMerge, Workspace: graph.Workspace{ID: "zandvoorde", Name: "Zandvoorde"}}, DryRun: true})
	ve, ok := errors.AsType[*graph.ValidationError](err)
	if !ok {
		t.Fatalf("import = %v, want the problems", err)
	}
	want := []string{
		`blad Belanghebbenden rij 4: kolom Niveau "managment": bedoelt u "management"? Toegestaan: bestuur, directie, management, medewerker, extern`,
		`blad Belanghebbenden rij 4: kolom Houding "voorstandr": bedoelt u "voorstander"? Toegestaan: kampioen, voorstander, neutraal, criticus, blokkeerder, onbekend`,
		`blad Belanghebbenden rij 5: kolom Invloed "hoog": moet een geheel getal van 1 tot en met 5 zijn`,
		`blad Trajecten rij 2: kolom Herzien op "31-9-2026": september heeft 30 dagen`,
		`blad Rollen rij 2: kolom Belanghebbende "Peter Jansen": is geen bekende belanghebbende: bedoelt u "Peter Janssen"?`,
		`blad Rollen rij 3: kolom Rol "sponsr": bedoelt u "sponsor"? Toegestaan: sponsor, eigenaar, lerende, bijdrager, expert, geïnformeerd`,
		`blad Rollen rij 3: kolom Traject "Klantgericht": is geen bekend traject`,
		`blad Contactmomenten rij 2: kolom Datum "29-2-2027": 2027 is geen schrikkeljaar: februari heeft 28 dagen`,
	}
	var got []string
	for _, p := range ve.Problems {
		got = append(got, p.String())
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
