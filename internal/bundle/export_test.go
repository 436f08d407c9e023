package bundle_test

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/bundle"
	"github.com/stakemap/stakemap/internal/demo"
	"github.com/stakemap/stakemap/internal/merge"
)

func exportDemo(t *testing.T, lang string) (*graph.Bundle, []byte) {
	t.Helper()
	b, err := demo.Bundle()
	if err != nil {
		t.Fatal(err)
	}
	b.Workspace.Language = lang
	var buf bytes.Buffer
	if err := bundle.WriteXLSX(&buf, b); err != nil {
		t.Fatalf("WriteXLSX: %v", err)
	}
	return b, buf.Bytes()
}

// TestWriteXLSXDutch checks the export a Dutch client gets: Dutch sheet
// names, headers and values, date cells, widths, a bold frozen header,
// rows by name and a drop-down on every enumerated column.
func TestWriteXLSXDutch(t *testing.T) {
	_, data := exportDemo(t, graph.LangNL)
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	wantSheets := []string{"Werkruimte", "Belanghebbenden", "Trajecten", "Doelen", "Randvoorwaarden", "Rollen", "Invloed", "Hiërarchie", "Ondersteunt", "Afhankelijkheden", "Contactmomenten", "stakemap-base"}
	if got := f.GetSheetList(); !slices.Equal(got, wantSheets) {
		t.Fatalf("sheets %v", got)
	}
	rows, err := f.GetRows("Belanghebbenden")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"Naam", "Soort", "Functie", "Afdeling", "Niveau", "Invloed", "Belang", "Houding", "Contact elke (dagen)", "Labels", "Notities", "ID"}; !slices.Equal(rows[0], want) {
		t.Errorf("headers %v", rows[0])
	}
	var names []string
	for _, r := range rows[1:] {
		names = append(names, strings.ToLower(r[0]))
		if !slices.Contains([]string{"kampioen", "voorstander", "neutraal", "criticus", "blokkeerder", "onbekend"}, r[7]) {
			t.Errorf("attitude %q is not Dutch", r[7])
		}
	}
	if !slices.IsSorted(names) {
		t.Errorf("rows are not by name: %v", names)
	}
	// A real date cell: a number shown with a day-first format.
	cell := "A2"
	raw, _ := f.GetCellValue("Contactmomenten", cell, excelize.Options{RawCellValue: true})
	if !regexp.MustCompile(`^\d{5}$`).MatchString(raw) {
		t.Errorf("date cell holds %q, not a date number", raw)
	}
	if typ, _ := f.GetCellType("Contactmomenten", cell); typ == excelize.CellTypeInlineString || typ == excelize.CellTypeSharedString {
		t.Errorf("date cell is text")
	}
	styleID, _ := f.GetCellStyle("Contactmomenten", cell)
	if st, _ := f.GetStyle(styleID); st == nil || st.CustomNumFmt == nil || *st.CustomNumFmt != "d-m-yyyy" {
		t.Errorf("date cell style %+v", st)
	}
	headerStyle, _ := f.GetCellStyle("Belanghebbenden", "A1")
	if st, _ := f.GetStyle(headerStyle); st == nil || st.Font == nil || !st.Font.Bold {
		t.Errorf("header is not bold")
	}
	if w, _ := f.GetColWidth("Belanghebbenden", "K"); w < 30 {
		t.Errorf("notes column is %v wide", w)
	}
	for _, sheet := range wantSheets[:11] {
		p, err := f.GetPanes(sheet)
		if err != nil || !p.Freeze || p.YSplit != 1 {
			t.Errorf("%s: header not frozen: %+v", sheet, p)
		}
	}
	drops := map[string]string{}
	for _, sheet := range wantSheets[:11] {
		dvs, err := f.GetDataValidations(sheet)
		if err != nil {
			t.Fatal(err)
		}
		for _, dv := range dvs {
			drops[sheet+" "+dv.Sqref] = dv.Formula1
		}
	}
	for key, list := range map[string]string{
		"Werkruimte C2:C1048576":      `"nl,en"`,
		"Belanghebbenden B2:B1048576": `"persoon,groep,eenheid,extern"`,
		"Belanghebbenden E2:E1048576": `"bestuur,directie,management,medewerker,extern"`,
		"Belanghebbenden H2:H1048576": `"kampioen,voorstander,neutraal,criticus,blokkeerder,onbekend"`,
		"Trajecten C2:C1048576":       `"idee,gepland,lopend,afgerond,gestopt"`,
		"Randvoorwaarden B2:B1048576": `"systeem,proces,hr-instrument,beleid,budget,overig"`,
		"Randvoorwaarden C2:C1048576": `"ontbreekt,gepland,gereed"`,
		"Rollen C2:C1048576":          `"sponsor,eigenaar,lerende,bijdrager,expert,geïnformeerd"`,
		"Contactmomenten B2:B1048576": `"overleg,presentatie,workshop,rapportage,nieuwsbrief,informeel,overig"`,
		"Contactmomenten F2:F1048576": `"ja,nee"`,
	} {
		if drops[key] != list {
			t.Errorf("drop-down %s = %q, want %q", key, drops[key], list)
		}
	}
	if len(drops) != 10 {
		t.Errorf("%d drop-downs, want 10: %v", len(drops), drops)
	}
	if !regexp.MustCompile(`<sheet name="stakemap-base"[^>]*state="veryHidden"`).MatchString(workbookXML(t, data)) {
		t.Errorf("the base sheet is not very hidden")
	}
}

func workbookXML(t *testing.T, data []byte) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	r, err := zr.Open("xl/workbook.xml")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	x, _ := io.ReadAll(r)
	return string(x)
}

func TestWriteXLSXEnglish(t *testing.T) {
	_, data := exportDemo(t, graph.LangEN)
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); got[1] != "stakeholders" || got[10] != "engagements" {
		t.Fatalf("sheets %v", got)
	}
	rows, _ := f.GetRows("stakeholders")
	if rows[0][0] != "name" || !slices.Contains(graph.Attitudes, rows[1][7]) {
		t.Errorf("row %v", rows[:2])
	}
	if d, _ := f.GetCellValue("engagements", "A2"); !regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`).MatchString(d) {
		t.Errorf("English date %q", d)
	}
}

// TestExportImportsBackUnchanged imports the export back in both modes:
// replace gives the same workspace, and merge into the workspace it came
// from changes nothing and finds no conflict.
func TestExportImportsBackUnchanged(t *testing.T) {
	cases := generated(t)
	b, err := demo.Bundle()
	if err != nil {
		t.Fatal(err)
	}
	cases["demo"] = b
	for name, b := range cases {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := bundle.WriteXLSX(&buf, b); err != nil {
				t.Fatal(err)
			}
			for _, mode := range []merge.Mode{merge.ModeReplace, merge.ModeMerge} {
				in, err := bundle.ReadInputFrom(bytes.NewReader(buf.Bytes()), "w.xlsx")
				if err != nil {
					t.Fatal(err)
				}
				p, err := merge.Build(b, in, merge.Options{Mode: mode})
				if err != nil {
					t.Fatalf("%s: %v", mode, err)
				}
				c, err := graph.Compare(b, p.Bundle)
				if err != nil {
					t.Fatal(err)
				}
				if !c.Empty() || len(p.Conflicts) != 0 || !bytes.Equal(encode(t, p.Bundle), encode(t, b)) {
					t.Errorf("%s: the export does not import back unchanged: %+v %+v", mode, c.Nodes, c.Relations)
				}
			}
		})
	}
}

// TestExportOpensInLibreOffice has LibreOffice open the Dutch export and
// save it as a flat OpenDocument file, then looks there for every sheet
// and every drop-down list, as LibreOffice understood them.
func TestExportOpensInLibreOffice(t *testing.T) {
	soffice := tool(t, "soffice")
	_, data := exportDemo(t, graph.LangNL)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "oostvoorde.xlsx"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(t.Context(), soffice, "--headless", "-env:UserInstallation=file://"+filepath.Join(dir, "profile"),
		"--convert-to", "fods", "--outdir", dir, filepath.Join(dir, "oostvoorde.xlsx"))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	fods, err := os.ReadFile(filepath.Join(dir, "oostvoorde.fods"))
	if err != nil {
		t.Fatalf("LibreOffice wrote nothing: %v", err)
	}
	doc := string(fods)
	for _, sheet := range []string{"Werkruimte", "Belanghebbenden", "Trajecten", "Rollen", "Hiërarchie", "Contactmomenten"} {
		if !strings.Contains(doc, `table:name="`+sheet+`"`) {
			t.Errorf("LibreOffice shows no sheet %s", sheet)
		}
	}
	// Each drop-down is a content validation that lists the values, and a
	// cell of the column refers to it.
	validations := map[string]string{}
	for _, m := range regexp.MustCompile(`<table:content-validation table:name="([^"]+)" table:condition="of:cell-content-is-in-list\(([^)]*)\)"`).FindAllStringSubmatch(doc, -1) {
		validations[strings.ReplaceAll(m[2], "&quot;", `"`)] = m[1]
	}
	for _, list := range []string{
		`"kampioen";"voorstander";"neutraal";"criticus";"blokkeerder";"onbekend"`,
		`"bestuur";"directie";"management";"medewerker";"extern"`,
		`"sponsor";"eigenaar";"lerende";"bijdrager";"expert";"geïnformeerd"`,
		`"idee";"gepland";"lopend";"afgerond";"gestopt"`,
		`"overleg";"presentatie";"workshop";"rapportage";"nieuwsbrief";"informeel";"overig"`,
	} {
		name, ok := validations[list]
		if !ok {
			t.Errorf("LibreOffice has no drop-down %s; it has %v", list, validations)
			continue
		}
		if !strings.Contains(doc, `table:content-validation-name="`+name+`"`) {
			t.Errorf("no cell uses the drop-down %s", list)
		}
	}
}

// tool returns the path of an outside program, skipping the test when it
// is missing, except under CI=true, where it fails.
func tool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is missing: CI installs it (libreoffice-calc-nogui)", name)
		}
		t.Skipf("%s is missing: install LibreOffice to run this test", name)
	}
	return p
}

// TestReadLibreOfficeRegister reads the register a consultant typed in
// LibreOffice, on its own (as a replacing import does).
func TestReadLibreOfficeRegister(t *testing.T) {
	b, err := bundle.ReadPath(filepath.Join("testdata", "libreoffice", "register.xlsx"), bundle.Options{})
	if err != nil {
		t.Fatalf("ReadPath: %v", err)
	}
	checkGolden(t, "libreoffice-register.json", encode(t, b))
}

func TestODSIsRefusedWithAdvice(t *testing.T) {
	_, err := bundle.ReadInput(filepath.Join("testdata", "libreoffice", "register.ods"))
	if !errors.Is(err, graph.ErrInvalid) || !strings.Contains(err.Error(), "Opslaan als") || !strings.Contains(err.Error(), "Save As") {
		t.Fatalf("ReadInput(.ods) = %v, want advice to save as .xlsx in Dutch and English", err)
	}
}

func TestDescribeReport(t *testing.T) {
	current, err := bundle.ReadPath(filepath.Join("testdata", "libreoffice", "register.xlsx"), bundle.Options{})
	if err != nil {
		t.Fatal(err)
	}
	in, err := bundle.ReadInput(filepath.Join("testdata", "libreoffice", "export-bewerkt.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := merge.Build(current, in, merge.Options{Mode: merge.ModeMerge})
	if err != nil {
		t.Fatal(err)
	}
	c, err := graph.Compare(current, p.Bundle)
	if err != nil {
		t.Fatal(err)
	}
	rep := &merge.Report{Comparison: *c, Workspace: "zandvoorde", Mode: merge.ModeMerge, DryRun: true, Before: current, After: p.Bundle,
		Conflicts: []merge.Conflict{{Kind: "stakeholder", ID: "marco-pieters", Field: "attitude", Base: []byte(`"critic"`), Sheet: []byte(`"blocker"`), Stakemap: []byte(`"neutral"`), Row: "blad Belanghebbenden rij 7"}}}
	var out bytes.Buffer
	if err := bundle.DescribeReport(&out, rep, graph.LangNL); err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{
		"Proefimport in werkruimte zandvoorde (samenvoegen): er is niets geschreven.",
		"Belanghebbenden: 1 toegevoegd, 2 gewijzigd, 0 verwijderd",
		"  + Fatima Bakker (fatima-bakker)",
		"  ~ Marco Pieters (marco-pieters): Invloed: 4 → 3",
		"  ~ Peter Janssen (peter-janssen): Houding: voorstander → kampioen",
		"Rollen: 1 toegevoegd, 0 gewijzigd, 1 verwijderd",
		"  + Jan de Vries → Klantgericht werken (eigenaar)",
		"  - Jan de Vries → Klantgericht werken (sponsor)",
		"  ! Belanghebbenden, Marco Pieters (marco-pieters), Houding: bij export criticus, in het blad blokkeerder, in stakemap neutraal [blad Belanghebbenden rij 7]",
	} {
		if !strings.Contains(out.String(), line+"\n") {
			t.Errorf("no line %q in:\n%s", line, out.String())
		}
	}
}

func TestReadDatesAsPeopleWriteThem(t *testing.T) {
	fsys := csvFS(
		"contactmomenten.csv", "ID;Datum;Met\n"+
			"e1;12 september 2026;a\ne2;3 okt. 2026;a\ne3;1 Mar 2027;a\ne4;12/9/2026;a\ne5;2026-09-12T10:00;a\n",
	)
	b, err := bundle.ReadCSVFS(fsys, bundle.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range b.Engagements {
		got = append(got, e.Date)
	}
	if want := []string{"2026-09-12", "2026-10-03", "2027-03-01", "2026-09-12", "2026-09-12"}; !slices.Equal(got, want) {
		t.Fatalf("dates %v, want %v", got, want)
	}
	_, err = bundle.ReadCSVFS(csvFS("contactmomenten.csv", "ID;Datum;Met\na;31 september 2026;a\nb;30-2-2028;a\nc;12-13-2026;a\nd;volgende week;a\n"), bundle.Options{})
	for _, want := range []string{"september heeft 30 dagen", "februari heeft 29 dagen", "er is geen maand 13", "is geen datum"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("no %q in %v", want, err)
		}
	}
}
