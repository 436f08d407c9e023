package httpapi_test

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/bundle"
	"github.com/stakemap/stakemap/internal/demo"
	"github.com/stakemap/stakemap/internal/httpapi"
)

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

func withImport() envOption {
	return func(c *httpapi.Config) { c.ReadInput = bundle.ReadInputFrom }
}

// importReport is the dry run's document: the compare document of DESIGN
// §10 plus conflicts.
type importReport struct {
	From      map[string]string `json:"from"`
	To        map[string]string `json:"to"`
	Nodes     graph.NodeChanges `json:"nodes"`
	Relations struct {
		Added   []graph.RelationRef `json:"added"`
		Removed []graph.RelationRef `json:"removed"`
	} `json:"relations"`
	Findings  graph.FindingChanges `json:"findings"`
	Conflicts []map[string]any     `json:"conflicts"`
	Revision  string               `json:"revision"`
	Applied   bool                 `json:"applied"`
}

func (e *env) exportXLSX(edit func(f *excelize.File)) []byte {
	e.t.Helper()
	b, err := e.store.ExportBundle(e.t.Context(), demo.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := bundle.WriteXLSX(&buf, b); err != nil {
		e.t.Fatal(err)
	}
	if edit == nil {
		return buf.Bytes()
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		e.t.Fatal(err)
	}
	edit(f)
	out, err := f.WriteToBuffer()
	if err != nil {
		e.t.Fatal(err)
	}
	return out.Bytes()
}

// setAttitude sets the Houding cell of the stakeholder named name.
func setAttitude(t testing.TB, f *excelize.File, name, attitude string) {
	rows, err := f.GetRows("Belanghebbenden")
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range rows {
		if r[0] == name {
			if err := f.SetCellValue("Belanghebbenden", "H"+strconv.Itoa(i+1), attitude); err != nil {
				t.Fatal(err)
			}
			return
		}
	}
	t.Fatalf("no row for %s", name)
}

func TestImportRoute(t *testing.T) {
	e := newEnv(t, withImport())
	path := "/api/v1/workspaces/" + demo.ID + "/import"
	first := e.demo.Stakeholders[0]

	t.Run("unchanged export", func(t *testing.T) {
		e := e.with(t)
		var rep importReport
		e.expect(e.do("POST", path+"?dryRun=true", e.editor, e.exportXLSX(nil), "Content-Type", xlsxType), http.StatusOK).json(t, &rep)
		if len(rep.Nodes.Added)+len(rep.Nodes.Changed)+len(rep.Nodes.Removed) != 0 || rep.Conflicts == nil || len(rep.Conflicts) != 0 || rep.Applied {
			t.Fatalf("report %+v", rep)
		}
	})

	t.Run("CSV without ids: dry run, then apply what it showed", func(t *testing.T) {
		e := e.with(t)
		csv := "Naam;Houding\n" + first.Name + ";blokkeerder\n"
		var rep importReport
		e.expect(e.do("POST", path+"?dryRun=true", e.editor, csv, "Content-Type", "text/csv"), http.StatusOK).json(t, &rep)
		if len(rep.Nodes.Changed) != 1 || rep.Nodes.Changed[0].ID != first.ID || string(rep.Nodes.Changed[0].Fields["attitude"].To) != `"blocker"` {
			t.Fatalf("dry run %+v", rep.Nodes)
		}
		if sh, _, _ := graph.Get[graph.Stakeholder](t.Context(), e.store, demo.ID, first.ID); sh.Attitude == "blocker" {
			t.Fatal("a dry run wrote")
		}
		var applied importReport
		e.expect(e.do("POST", path, e.editor, csv, "Content-Type", "text/csv", "If-Match", `"`+rep.Revision+`"`), http.StatusOK).json(t, &applied)
		if sh, _, _ := graph.Get[graph.Stakeholder](t.Context(), e.store, demo.ID, first.ID); sh.Attitude != "blocker" || !applied.Applied {
			t.Fatalf("applied %v, attitude %s", applied.Applied, sh.Attitude)
		}
		e.expect(e.do("POST", path, e.editor, "Naam;Houding\n"+first.Name+";neutraal\n", "Content-Type", "text/csv", "If-Match", `"`+rep.Revision+`"`), http.StatusPreconditionFailed)
	})

	t.Run("conflict", func(t *testing.T) {
		e := e.with(t)
		workbook := e.exportXLSX(func(f *excelize.File) { setAttitude(t, f, first.Name, "kampioen") })
		sh, _, _ := graph.Get[graph.Stakeholder](t.Context(), e.store, demo.ID, first.ID)
		sh.Attitude = "critic"
		if _, err := e.store.UpdateNode(t.Context(), demo.ID, sh, 0); err != nil {
			t.Fatal(err)
		}
		d := e.expect(e.do("POST", path, e.editor, workbook, "Content-Type", xlsxType), http.StatusConflict).apiError(t)
		if d.Code != httpapi.CodeConflict || len(d.Fields) != 1 || d.Fields[0].Field != "attitude" {
			t.Fatalf("conflict error %+v", d)
		}
		var rep importReport
		e.expect(e.do("POST", path+"?prefer=sheet", e.editor, workbook, "Content-Type", xlsxType), http.StatusOK).json(t, &rep)
		if len(rep.Conflicts) != 1 || !rep.Applied {
			t.Fatalf("report %+v", rep)
		}
		if sh, _, _ := graph.Get[graph.Stakeholder](t.Context(), e.store, demo.ID, first.ID); sh.Attitude != "champion" {
			t.Fatalf("attitude %s, want the sheet's champion", sh.Attitude)
		}
	})

	t.Run("refusals", func(t *testing.T) {
		e := e.with(t)
		csv := "Naam;Houding\n" + first.Name + ";voorstandr\n"
		d := e.expect(e.do("POST", path, e.editor, csv, "Content-Type", "text/csv"), http.StatusBadRequest).apiError(t)
		if len(d.Fields) != 1 || !strings.HasPrefix(d.Fields[0].Reason, `bedoelt u "voorstander"?`) {
			t.Errorf("near miss: %+v", d.Fields)
		}
		e.expect(e.do("POST", path, e.viewer, csv, "Content-Type", "text/csv"), http.StatusForbidden)
		e.expect(e.do("POST", path, e.foreign, csv, "Content-Type", "text/csv"), http.StatusNotFound)
		e.expect(e.do("POST", path, e.editor, csv, "Content-Type", "application/pdf"), http.StatusUnsupportedMediaType)
		e.expect(e.do("POST", path+"?mode=upsert", e.editor, csv, "Content-Type", "text/csv"), http.StatusBadRequest)
		e.expect(e.do("POST", path, e.editor, "ID;Naam\nother;Other\n", "Content-Type", "text/csv"), http.StatusBadRequest)
		e.expect(e.do("POST", path, e.editor, []byte("PK\x03\x04odsmimetypeapplication/vnd.oasis.opendocument.spreadsheet"), "Content-Type", "application/vnd.oasis.opendocument.spreadsheet"), http.StatusBadRequest)
	})

	t.Run("stakemap/v1 document replaces by default", func(t *testing.T) {
		e := e.with(t)
		b, _ := e.store.ExportBundle(t.Context(), demo.ID)
		var doc bytes.Buffer
		if err := bundle.Encode(&doc, b); err != nil {
			t.Fatal(err)
		}
		var rep importReport
		e.expect(e.do("POST", path+"?dryRun=true", e.editor, doc.Bytes()), http.StatusOK).json(t, &rep)
		if len(rep.Nodes.Changed)+len(rep.Nodes.Removed) != 0 {
			t.Fatalf("report %+v", rep.Nodes)
		}
	})
}
