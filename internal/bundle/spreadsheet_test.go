package bundle_test

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/xuri/excelize/v2"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/bundle"
)

// TestReadCSVDutch reads a folder as Dutch Excel writes it (semicolons,
// byte order marks, CRLF, one file in Windows-1252, Dutch names, headers,
// enum values, dates and decimal commas) and pins the resulting document.
func TestReadCSVDutch(t *testing.T) {
	b, err := bundle.ReadCSV(filepath.Join("testdata", "csv-nl"), bundle.Options{})
	if err != nil {
		t.Fatalf("ReadCSV: %v", err)
	}
	checkGolden(t, "csv-nl.json", encode(t, b))
}

func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	golden := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("result differs from %s:\n%s", golden, diffLines(want, got))
	}
}

// csvFS is a valid folder of CSV files to break one file of.
func csvFS(replace ...string) fstest.MapFS {
	fsys := fstest.MapFS{
		"workspace.csv":    {Data: []byte("id,name\nw,W\n")},
		"stakeholders.csv": {Data: []byte("id,name,level,influence,interest\na,A,board,5,4\nb,B,employee,2,3\n")},
		"trajectories.csv": {Data: []byte("id,name,status\nt,T,running\n")},
	}
	for i := 0; i+1 < len(replace); i += 2 {
		if replace[i+1] == "" {
			delete(fsys, replace[i])
			continue
		}
		fsys[replace[i]] = &fstest.MapFile{Data: []byte(replace[i+1])}
	}
	return fsys
}

func TestReadCSVBadInput(t *testing.T) {
	tests := []struct {
		name string
		fsys fstest.MapFS
		opt  bundle.Options
		want []want
	}{
		{"cell problems", csvFS("belanghebbenden.csv", "Naam;ID;Niveau;Invloed;Belang;Houding\nA;a;bestuur;hoog;4;fan\nB;b;directie;;9;neutraal\n", "stakeholders.csv", ""), bundle.Options{}, []want{
			{"belanghebbenden.csv rij 2", "kolom Invloed", "hoog"},
			{"belanghebbenden.csv rij 2", "kolom Houding", "fan"},
			{"belanghebbenden.csv rij 3", "kolom Invloed", ""},
			{"belanghebbenden.csv rij 3", "kolom Belang", "9"},
		}},
		{"references, duplicates and dates", csvFS(
			"stakes.csv", "stakeholder,trajectory,role\na,t,sponsor\nghost,t,eigenaar\na,t,sponsor\n",
			"engagements.csv", "id;date;channel;with;about;resultsShared\ne1;31-9-2026;overleg;;t;misschien\ne2;2026-01-02;brief;a;b;ja\na;2026-01-02;;a;;\n",
			"reportsTo.csv", "from,to\nb,b\n",
		), bundle.Options{}, []want{
			{"stakes.csv row 3", "column stakeholder", "ghost"},
			{"stakes.csv row 4", "row", "a → t (sponsor)"},
			{"engagements.csv row 2", "column date", "31-9-2026"},
			{"engagements.csv row 2", "column with", ""},
			{"engagements.csv row 2", "column resultsShared", "misschien"},
			{"engagements.csv row 3", "column channel", "brief"},
			{"engagements.csv row 3", "column about", "b"},
			{"engagements.csv row 4", "column id", "a"},
			{"reportsTo.csv row 2", "column to", "b"},
		}},
		{"unknown and missing columns", csvFS("stakeholders.csv", "id,name,colour,level,influence\na,A,red,board,5\n"), bundle.Options{}, []want{
			{"stakeholders.csv row 1", "column colour", "colour"},
			{"stakeholders.csv row 2", "interest (no column)", ""},
		}},
		{"unknown file and duplicate sheet", csvFS("people.csv", "id\nx\n", "belanghebbenden.csv", "id,name,level,influence,interest\nc,C,board,5,4\n"), bundle.Options{}, []want{
			{"people.csv", "sheet", "people"},
			{"stakeholders.csv", "sheet", "stakeholders"},
		}},
		{"no workspace", csvFS("workspace.csv", ""), bundle.Options{}, []want{{"workspace", "id", ""}, {"workspace", "name", ""}}},
		{"bad workspace option", csvFS(), bundle.Options{Workspace: graph.Workspace{ID: "Bad Id", Language: "fr"}}, []want{
			{"workspace.csv row 2", "column id", "Bad Id"},
			{"workspace.csv row 2", "language (no column)", "fr"},
		}},
		{"not CSV", csvFS("stakeholders.csv", "id,name\n\"a,A\n", "trajectories.csv", "id,name,status\nt,T,busy\n"), bundle.Options{}, []want{
			{"stakeholders.csv line 2", "column 6", ""},
			{"trajectories.csv row 2", "column status", "busy"},
		}},
		{"too many problems", csvFS("stakeholders.csv", "id,name,level,influence,interest\n"+strings.Repeat("a,A,board,hoog,veel\n", 600)), bundle.Options{}, []want{
			{"stakeholders.csv row 2", "column influence", "hoog"},
			{"input", "problems", "1000"},
		}},
		{"empty folder", fstest.MapFS{"notes.txt": {Data: []byte("x")}}, bundle.Options{}, []want{{"folder", "files", ""}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := bundle.ReadCSVFS(tt.fsys, tt.opt)
			requireProblems(t, b, err, tt.want)
		})
	}
}

func TestReadCSVOptionsSupplyWorkspace(t *testing.T) {
	b, err := bundle.ReadCSVFS(csvFS("workspace.csv", ""), bundle.Options{Workspace: graph.Workspace{ID: "acme", Name: "Acme"}})
	if err != nil {
		t.Fatalf("ReadCSVFS: %v", err)
	}
	if b.Workspace != (graph.Workspace{ID: "acme", Name: "Acme", Language: "nl"}) {
		t.Fatalf("workspace = %+v", b.Workspace)
	}
	b, err = bundle.ReadCSVFS(csvFS(), bundle.Options{Workspace: graph.Workspace{Name: "Other"}})
	if err != nil {
		t.Fatalf("ReadCSVFS: %v", err)
	}
	if b.Workspace.ID != "w" || b.Workspace.Name != "Other" {
		t.Fatalf("the option must override only the name: %+v", b.Workspace)
	}
}

// workbook builds an .xlsx file from sheets of rows.
func workbook(t *testing.T, sheets map[string][][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	first := true
	for name, rows := range sheets {
		if first {
			if err := f.SetSheetName(f.GetSheetName(0), name); err != nil {
				t.Fatal(err)
			}
			first = false
		} else if _, err := f.NewSheet(name); err != nil {
			t.Fatal(err)
		}
		for r, row := range rows {
			cell, _ := excelize.CoordinatesToCellName(1, r+1)
			if err := f.SetSheetRow(name, cell, &row); err != nil {
				t.Fatal(err)
			}
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestReadXLSXDutch(t *testing.T) {
	data := workbook(t, map[string][][]any{
		"Werkruimte":      {{"Id", "Naam", "Taal"}, {"acme", "Acme BV", "engels"}},
		"Belanghebbenden": {{"ID", "Naam", "Niveau", "Invloed", "Belang", "Houding", "Labels"}, {"cfo", "Carla", "Directie", 5, 2, "Voorstander", "a; b"}},
		"Trajecten":       {{"id", "naam", "status", "herzien op"}, {"t", "T", "Lopend", 46357}},
		"Betrokkenheid":   {{"Belanghebbende", "Traject", "Rol", "Invloed"}, {"cfo", "t", "Opdrachtgever", 4.0}},
		"Contactmomenten": {{"ID", "Datum", "Met", "Over", "Resultaten gedeeld"}, {"e1", "2026-11-02", "cfo", "t", true}},
		"Blad2":           {},
	})
	b, err := bundle.ReadXLSX(bytes.NewReader(data), bundle.Options{})
	if err != nil {
		t.Fatalf("ReadXLSX: %v", err)
	}
	if b.Workspace.Language != "en" || b.Stakeholders[0].Level != "executive" || b.Stakeholders[0].Attitude != "supporter" ||
		len(b.Stakeholders[0].Tags) != 2 || b.Trajectories[0].Status != "running" || b.Trajectories[0].ReviewBy != "2026-12-01" ||
		b.Stakes[0].Role != "sponsor" || b.Stakes[0].Influence == nil || *b.Stakes[0].Influence != 4 || !b.Engagements[0].ResultsShared {
		t.Fatalf("workbook read wrongly:\n%s", encode(t, b))
	}
}

func TestReadXLSXBadInput(t *testing.T) {
	data := workbook(t, map[string][][]any{
		"workspace":       {{"id", "name"}, {"w", "W"}, {"x", "X"}},
		"Belanghebbenden": {{"ID", "Naam", "Niveau", "Invloed", "Belang"}, {"a", "A", "bestuur", "veel", 2}, {"b", "B", "baas", 3, 3}},
		"Instructies":     {{"Vul de bladen in"}},
	})
	b, err := bundle.ReadXLSX(bytes.NewReader(data), bundle.Options{})
	requireProblems(t, b, err, []want{
		{"sheet workspace row 3", "row", ""},
		{"blad Belanghebbenden rij 2", "kolom Invloed", "veel"},
		{"blad Belanghebbenden rij 3", "kolom Niveau", "baas"},
		{"sheet Instructies", "sheet", "Instructies"},
	})

	b, err = bundle.ReadXLSX(strings.NewReader("PK\x03\x04 not really a zip"), bundle.Options{})
	requireProblems(t, b, err, []want{{"workbook", "file", ""}})
}

func TestReadPathDetectsFormat(t *testing.T) {
	dir := t.TempDir()
	src := storeBundle(t)
	jsonDoc := encode(t, src)
	var xlsx bytes.Buffer
	if err := bundle.WriteXLSX(&xlsx, src); err != nil {
		t.Fatal(err)
	}
	csvDir := filepath.Join(dir, "csv")
	if err := os.Mkdir(csvDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := bundle.WriteCSV(csvDir, src); err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{
		"w.json":        jsonDoc,
		"w.export":      append([]byte("\ufeff\n "), jsonDoc...),
		"w.xlsx":        xlsx.Bytes(),
		"workbook.data": xlsx.Bytes(),
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{"w.json", "w.export", "w.xlsx", "workbook.data", "csv"} {
		t.Run(name, func(t *testing.T) {
			b, err := bundle.ReadPath(filepath.Join(dir, name), bundle.Options{})
			if err != nil {
				t.Fatalf("ReadPath: %v", err)
			}
			if got := encode(t, b); !bytes.Equal(got, jsonDoc) {
				t.Fatalf("ReadPath(%s) differs:\n%s", name, diffLines(jsonDoc, got))
			}
		})
	}
	t.Run("single CSV file", func(t *testing.T) {
		b, err := bundle.ReadPath(filepath.Join(csvDir, "belanghebbenden.csv"), bundle.Options{Workspace: graph.Workspace{ID: "one", Name: "One"}})
		if err != nil {
			t.Fatalf("ReadPath: %v", err)
		}
		if len(b.Stakeholders) != len(src.Stakeholders) || len(b.Trajectories) != 0 || b.Workspace.ID != "one" {
			t.Fatalf("single file read wrongly: %d stakeholders, %d trajectories, workspace %q", len(b.Stakeholders), len(b.Trajectories), b.Workspace.ID)
		}
	})
	t.Run("JSON with workspace option", func(t *testing.T) {
		b, err := bundle.ReadPath(filepath.Join(dir, "w.json"), bundle.Options{Workspace: graph.Workspace{ID: "renamed"}})
		if err != nil || b.Workspace.ID != "renamed" {
			t.Fatalf("ReadPath = %v, %v", b, err)
		}
	})
	t.Run("unknown", func(t *testing.T) {
		name := filepath.Join(dir, "notes.txt")
		if err := os.WriteFile(name, []byte("hello"), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := bundle.ReadPath(name, bundle.Options{}); err == nil || !strings.Contains(err.Error(), "unknown format") {
			t.Fatalf("ReadPath(notes.txt) = %v, want an unknown format error", err)
		}
		if _, err := bundle.ReadPath(filepath.Join(dir, "missing.json"), bundle.Options{}); !os.IsNotExist(err) {
			t.Fatalf("ReadPath(missing) = %v, want not-exist", err)
		}
	})
}

func storeBundle(t *testing.T) *graph.Bundle {
	t.Helper()
	return generated(t)["small"]
}

func TestReadCSVMissingFolder(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "nope")
	_, err := bundle.ReadCSV(dir, bundle.Options{})
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), dir) {
		t.Fatalf("ReadCSV(missing) = %v, want an error naming %s", err, dir)
	}
}
