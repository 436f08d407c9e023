package bundle

import (
	"encoding/json"
	"strings"
	"unicode/utf8"

	"github.com/stakemap/stakemap/graph"
)

// baseSheet is the very hidden sheet in which a workbook stakemap writes
// keeps the values it was exported with (DESIGN §12): on re-import, a
// field whose cell still holds its base value is one the sheet did not
// change. It needs no history and works across installations.
const baseSheet = "stakemap-base"

// baseMark heads the base sheet: its format and version.
const baseMark = "stakemap/base/v1"

// maxCellChars keeps each cell of the base sheet under Excel's limit of
// 32,767 characters; longer entries are split over the following cells.
const maxCellChars = 30000

// baseRows lays a canonical bundle out as the base sheet: the mark and
// the workspace id, then the bundle as one stakemap/v1 document, split
// over the cells of column A. A few long cells read many times faster than
// a row per entry.
func baseRows(b *graph.Bundle) ([][]any, error) {
	data, err := json.Marshal(b)
	if err != nil {
		return nil, err
	}
	rows := [][]any{{baseMark, b.Workspace.ID}}
	for _, chunk := range chunks(string(data), maxCellChars) {
		rows = append(rows, []any{chunk})
	}
	return rows, nil
}

// chunks splits s into pieces of at most n characters, on character
// boundaries.
func chunks(s string, n int) []string {
	var out []string
	for utf8.RuneCountInString(s) > n {
		i, k := 0, 0
		for k < n {
			_, size := utf8.DecodeRuneInString(s[i:])
			i += size
			k++
		}
		out = append(out, s[:i])
		s = s[i:]
	}
	return append(out, s)
}

// readBase reads the base sheet back into the bundle it was written from.
// A damaged base sheet is a problem: merging against wrong base values
// would silently undo edits.
func readBase(rows [][]string) (*graph.Bundle, *graph.Problem) {
	bad := func(reason string) *graph.Problem {
		return &graph.Problem{Entry: "sheet " + baseSheet, Field: "sheet", Reason: "is damaged (" + reason + "): " +
			"this hidden sheet holds the values the workbook was exported with; delete the sheet to import without them / " +
			"dit verborgen blad bevat de waarden van de export; verwijder het blad om zonder die waarden te importeren"}
	}
	if len(rows) == 0 || len(rows[0]) == 0 || rows[0][0] != baseMark {
		return nil, bad("no " + baseMark + " mark")
	}
	var doc strings.Builder
	for _, row := range rows[1:] {
		if len(row) > 0 {
			doc.WriteString(row[0])
		}
	}
	b := &graph.Bundle{}
	if err := json.Unmarshal([]byte(doc.String()), b); err != nil {
		return nil, bad(err.Error())
	}
	if len(rows[0]) < 2 || b.Workspace.ID != rows[0][1] {
		return nil, bad("its workspace is not the one it names")
	}
	b.ApplyDefaults()
	return b, nil
}
