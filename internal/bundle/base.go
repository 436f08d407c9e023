package bundle

import (
	"encoding/json"
	"fmt"
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

// baseRows lays a canonical bundle out as base rows: the mark, then one
// row per entry with its array and its JSON, split over cells as needed.
func baseRows(b *graph.Bundle) ([][]any, error) {
	rows := [][]any{{baseMark, b.Workspace.ID}}
	add := func(array string, v any) error {
		data, err := json.Marshal(v)
		if err != nil {
			return err
		}
		row := []any{array}
		for _, chunk := range chunks(string(data), maxCellChars) {
			row = append(row, chunk)
		}
		rows = append(rows, row)
		return nil
	}
	if err := add("workspace", b.Workspace); err != nil {
		return nil, err
	}
	var err error
	b.Nodes(func(array string, _ int, n graph.Node) {
		if err == nil {
			err = add(array, n)
		}
	})
	b.Relations(func(array string, _ int, r graph.Relation) {
		if err == nil {
			err = add(array, r)
		}
	})
	return rows, err
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
	bad := func(row int, reason string) *graph.Problem {
		return &graph.Problem{Entry: "sheet " + baseSheet, Field: fmt.Sprintf("row %d", row), Reason: "is damaged (" + reason + "): " +
			"this hidden sheet holds the values the workbook was exported with; delete the sheet to import without them / " +
			"dit verborgen blad bevat de waarden van de export; verwijder het blad om zonder die waarden te importeren"}
	}
	if len(rows) == 0 || len(rows[0]) == 0 || rows[0][0] != baseMark {
		return nil, bad(1, "no "+baseMark+" mark")
	}
	b := &graph.Bundle{Format: graph.Format}
	for i, row := range rows[1:] {
		if len(row) < 2 {
			if blank([][]string{row}) {
				continue
			}
			return nil, bad(i+2, "no value")
		}
		data := []byte(strings.Join(row[1:], ""))
		var err error
		switch row[0] {
		case "workspace":
			err = json.Unmarshal(data, &b.Workspace)
		case "stakeholders":
			err = appendJSON(data, &b.Stakeholders)
		case "trajectories":
			err = appendJSON(data, &b.Trajectories)
		case "goals":
			err = appendJSON(data, &b.Goals)
		case "enablers":
			err = appendJSON(data, &b.Enablers)
		case "engagements":
			err = appendJSON(data, &b.Engagements)
		case "stakes":
			err = appendJSON(data, &b.Stakes)
		case "influences":
			err = appendJSON(data, &b.Influences)
		case "reportsTo":
			err = appendJSON(data, &b.ReportsTo)
		case "supports":
			err = appendJSON(data, &b.Supports)
		case "dependsOn":
			err = appendJSON(data, &b.DependsOn)
		default:
			return nil, bad(i+2, "unknown array "+row[0])
		}
		if err != nil {
			return nil, bad(i+2, err.Error())
		}
	}
	b.ApplyDefaults()
	return b, nil
}

func appendJSON[T any](data []byte, list *[]T) error {
	var v T
	if err := json.Unmarshal(data, &v); err != nil {
		return err
	}
	*list = append(*list, v)
	return nil
}
