// Package merge combines what a spreadsheet or document says about a
// workspace with what stakemap holds now (DESIGN §12): it gives rows
// without an id one from their name, resolves names typed where a
// reference is expected, matches rows to the nodes and relationships they
// mean, and merges them field by field — against the values a stakemap
// workbook was exported with, when it carries them, so that edits made in
// stakemap meanwhile survive and a field changed on both sides is a
// conflict rather than a silent overwrite.
//
// The package knows no file format: internal/bundle reads files into an
// Input. Every message about a row speaks the language of its sheet and
// names the sheet, the row as the spreadsheet numbers it and the column as
// headed.
package merge

import (
	"fmt"
	"strings"

	"github.com/stakemap/stakemap/graph"
)

// Input is a workspace as a spreadsheet or document states it: node rows
// whose id may be missing, references that may be names, and what was
// found wrong while reading the cells.
type Input struct {
	// Lang is the language of the input as a whole (nl or en): messages
	// not about one sheet use it.
	Lang string
	// Workspace is the workspace row, or nil when the input has none.
	Workspace *WorkspaceRow
	// Nodes and Relations are the rows in input order.
	Nodes     []NodeRow
	Relations []RelationRow
	// Arrays lists the bundle arrays (stakeholders, stakes, …) the input
	// has a sheet for: pruning and the authority of a roles or hierarchy
	// sheet apply to those only.
	Arrays map[string]bool
	// Base holds the values a stakemap workbook was exported with, or nil.
	Base *graph.Bundle
	// Problems were found while reading cells; they are reported with the
	// rest and make the input fail.
	Problems []Located
}

// Table is one sheet (or CSV file, or array of a document) of an input.
type Table struct {
	// Name names the table in messages: `blad Belanghebbenden`,
	// `belanghebbenden.csv`, `stakeholders`.
	Name string
	// Array is the bundle array the table holds.
	Array string
	// Lang is the language of its sheet name and headers (nl or en).
	Lang string
	// Order is the table's place in the input, for reading order.
	Order int
	// Headers maps a field to its column header as written; a field
	// without a column is absent.
	Headers map[string]string
	// Allowed lists, for each enumerated field, its values as the sheet
	// writes them, for messages in the sheet's language.
	Allowed map[string][]string
	// Document is set for a stakemap/v1 document: entries are named
	// `stakeholders[3]`, not by row.
	Document bool
}

// Row says where an entry came from and which of its fields the input
// states.
type Row struct {
	Table *Table
	// Num is the spreadsheet's row number (1-based, header is row 1), or
	// the entry's index in a document.
	Num int
	// Empty lists the fields whose column is there but whose cell is
	// empty: they state "nothing" rather than a value.
	Empty []string
	// Bad lists the fields whose cell could not be read (reported in
	// Input.Problems): they state nothing, and are not reported again.
	Bad []string
}

// WorkspaceRow is the workspace as the input states it.
type WorkspaceRow struct {
	Row
	Workspace graph.Workspace
}

// NodeRow is one node as the input states it. Its id may be empty, and
// references in it (an enabler's owner, an engagement's with and about)
// may be names.
type NodeRow struct {
	Row
	Node graph.Node
}

// RelationRow is one relationship as the input states it; its ends may be
// names.
type RelationRow struct {
	Row
	Relation graph.Relation
}

// Located is a problem with the place it sorts at, so that problems are
// reported in reading order: table by table, row by row.
type Located struct {
	graph.Problem
	Order, Num int
}

// Given reports whether the row states field: its column is there and the
// cell is not empty.
func (r Row) Given(field string) bool {
	if r.Table == nil || r.Table.Document {
		return true
	}
	if _, ok := r.Table.Headers[field]; !ok {
		return false
	}
	for _, e := range r.Empty {
		if e == field {
			return false
		}
	}
	return true
}

// HasColumn reports whether the row's table has a column for field.
func (r Row) HasColumn(field string) bool {
	if r.Table == nil || r.Table.Document {
		return true
	}
	_, ok := r.Table.Headers[field]
	return ok
}

// allowed returns the values the row's sheet writes for an enumerated
// field.
func (r Row) allowed(field string) ([]string, bool) {
	if r.Table == nil {
		return nil, false
	}
	v, ok := r.Table.Allowed[field]
	return v, ok
}

// Lang is the language of the row's sheet.
func (r Row) Lang() string {
	if r.Table == nil || r.Table.Lang == "" {
		return graph.LangEN
	}
	return r.Table.Lang
}

// Entry names the row in messages: `blad Belanghebbenden rij 5`,
// `stakeholders.csv row 5`, `stakeholders[3]`.
func (r Row) Entry() string {
	if r.Table == nil {
		return ""
	}
	if r.Table.Document {
		return fmt.Sprintf("%s[%d]", r.Table.Array, r.Num)
	}
	return fmt.Sprintf("%s %s %d", r.Table.Name, Say(r.Lang(), "rij", "row"), r.Num)
}

// Column names the column of field in messages (`kolom Houding`), or the
// field itself when the table has no column for it.
func (r Row) Column(field string) string {
	base, _, _ := strings.Cut(field, "[")
	if r.Table == nil || r.Table.Document {
		return field
	}
	if h, ok := r.Table.Headers[base]; ok {
		return Say(r.Lang(), "kolom ", "column ") + h
	}
	return field + Say(r.Lang(), " (geen kolom)", " (no column)")
}

// Problem is a problem about field of this row, in the row's language.
func (r Row) Problem(field, value, reason string) Located {
	order := 0
	if r.Table != nil {
		order = r.Table.Order
	}
	return Located{Problem: graph.Problem{Entry: r.Entry(), Field: r.Column(field), Value: value, Reason: reason}, Order: order, Num: r.Num}
}

// Say picks the Dutch or the English text by language; anything but en is
// Dutch, the default workspace language.
func Say(lang, nl, en string) string {
	if lang == graph.LangEN {
		return en
	}
	return nl
}
