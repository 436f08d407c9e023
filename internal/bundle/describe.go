package bundle

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/merge"
)

// DescribeReport writes an import's report for people, sheet by sheet in
// lang, with the sheets' names, headers and values: what is added (+),
// changed (~, field: before → after) and removed (-), the conflicts, and
// the findings that appear or go.
func DescribeReport(w io.Writer, rep *merge.Report, lang string) error {
	p := &printer{w: w, lang: lang, rep: rep}
	say := func(nl, en string) string { return merge.Say(lang, nl, en) }
	mode := say("samenvoegen", "merge")
	if rep.Mode == merge.ModeReplace {
		mode = say("vervangen", "replace")
	}
	switch {
	case rep.DryRun:
		p.printf("%s %s (%s): %s\n", say("Proefimport in werkruimte", "Dry run into workspace"), rep.Workspace, mode, say("er is niets geschreven.", "nothing was written."))
	case rep.Applied:
		p.printf("%s %s (%s).\n", say("Geïmporteerd in werkruimte", "Imported into workspace"), rep.Workspace, mode)
	case len(rep.Conflicts) > 0:
		p.printf("%s %s (%s): %s\n", say("Import in werkruimte", "Import into workspace"), rep.Workspace, mode, say("niet geschreven wegens conflicten.", "not written because of conflicts."))
	default:
		p.printf("%s %s (%s): %s\n", say("Import in werkruimte", "Import into workspace"), rep.Workspace, mode, say("niets te veranderen.", "nothing to change."))
	}
	if rep.WorkspaceChanged {
		p.workspace()
	}
	for i := range sheets[1:] {
		p.sheet(&sheets[i+1])
	}
	if rep.Empty() && !rep.WorkspaceChanged {
		p.printf("%s\n", say("Geen verschillen.", "No differences."))
	}
	if n := len(rep.Conflicts); n > 0 {
		p.printf("%s (%d): %s\n", say("Conflicten", "Conflicts"), n, say(
			"gewijzigd in het blad én in stakemap sinds de export; er wordt niets geschreven zonder --prefer sheet (het blad wint) of --prefer stakemap (stakemap wint)",
			"changed in the sheet and in stakemap since the export; nothing is written without --prefer sheet (the sheet wins) or --prefer stakemap (stakemap wins)"))
		for _, c := range rep.Conflicts {
			p.conflict(c)
		}
	}
	if f := rep.Findings; len(f.New)+len(f.Resolved) > 0 {
		p.printf("%s: %d %s, %d %s\n", say("Bevindingen", "Findings"), len(f.New), say("nieuw", "new"), len(f.Resolved), say("opgelost", "resolved"))
		for _, x := range f.New {
			p.printf("  + %s\n", graph.Describe(x, lang, p.name))
		}
		for _, x := range f.Resolved {
			p.printf("  - %s\n", graph.Describe(x, lang, p.name))
		}
	}
	return p.err
}

type printer struct {
	w    io.Writer
	lang string
	rep  *merge.Report
	err  error
}

func (p *printer) printf(format string, args ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format, args...)
	}
}

// name returns the name of a node, from after the import or else before.
func (p *printer) name(id string) string {
	for _, b := range []*graph.Bundle{p.rep.After, p.rep.Before} {
		if b == nil {
			continue
		}
		var name string
		b.Nodes(func(_ string, _ int, n graph.Node) {
			if name == "" && n.NodeID() == id {
				name = nodeLabel(n)
			}
		})
		if name != "" {
			return name
		}
	}
	return id
}

func nodeLabel(n graph.Node) string {
	if e, ok := n.(graph.Engagement); ok {
		return e.Date
	}
	return graph.NodeName(n)
}

// label names a node as "Name (id)", an engagement by its date and
// people: "12-9-2026 met Peter Janssen, Jan de Vries (2026-09-12)".
func (p *printer) label(id string) string {
	if e, ok := p.engagement(id); ok {
		date := e.Date
		if t, err := time.Parse(time.DateOnly, e.Date); err == nil && p.lang != graph.LangEN {
			date = t.Format("2-1-2006")
		}
		names := make([]string, len(e.With))
		for i, w := range e.With {
			names[i] = p.name(w)
		}
		return date + merge.Say(p.lang, " met ", " with ") + strings.Join(names, ", ") + " (" + id + ")"
	}
	if n := p.name(id); n != id {
		return n + " (" + id + ")"
	}
	return id
}

// engagement finds an engagement after the import, or else before.
func (p *printer) engagement(id string) (graph.Engagement, bool) {
	for _, b := range []*graph.Bundle{p.rep.After, p.rep.Before} {
		if b == nil {
			continue
		}
		for _, e := range b.Engagements {
			if e.ID == id {
				return e, true
			}
		}
	}
	return graph.Engagement{}, false
}

func (p *printer) workspace() {
	b, a := p.rep.Before.Workspace, p.rep.After.Workspace
	s := &sheets[0]
	var parts []string
	fb, _ := fieldMap(b)
	fa, _ := fieldMap(a)
	for j := range s.columns {
		c := &s.columns[j]
		if fmt.Sprint(fb[c.field]) != fmt.Sprint(fa[c.field]) {
			parts = append(parts, fmt.Sprintf("%s: %s → %s", c.header(p.lang), p.show(c, "workspace", fb[c.field]), p.show(c, "workspace", fa[c.field])))
		}
	}
	p.printf("%s\n  ~ %s\n", s.name(p.lang), strings.Join(parts, "; "))
}

// sheet prints the changes of one sheet.
func (p *printer) sheet(s *sheet) {
	var lines []string
	kind, isNode := nodeKindOf(s.array)
	if isNode {
		for _, r := range p.rep.Nodes.Added {
			if r.Kind == kind {
				lines = append(lines, "  + "+p.label(r.ID))
			}
		}
		for _, c := range p.rep.Nodes.Changed {
			if c.Kind == kind {
				lines = append(lines, "  ~ "+p.label(c.ID)+": "+p.fields(s, c.Fields))
			}
		}
		for _, r := range p.rep.Nodes.Removed {
			if r.Kind == kind {
				lines = append(lines, "  - "+p.label(r.ID))
			}
		}
	} else {
		rk := graph.CompareKind(graph.RelKind(s.array))
		for _, r := range p.rep.Relations.Added {
			if r.Kind == rk {
				lines = append(lines, "  + "+p.relation(s, r.Key))
			}
		}
		for _, c := range p.rep.Relations.Changed {
			if c.Kind == rk {
				lines = append(lines, "  ~ "+p.relation(s, c.Key)+": "+p.fields(s, c.Fields))
			}
		}
		for _, r := range p.rep.Relations.Removed {
			if r.Kind == rk {
				lines = append(lines, "  - "+p.relation(s, r.Key))
			}
		}
	}
	if len(lines) == 0 {
		return
	}
	var added, changed, removed int
	for _, l := range lines {
		switch l[2] {
		case '+':
			added++
		case '~':
			changed++
		default:
			removed++
		}
	}
	p.printf("%s: %d %s, %d %s, %d %s\n", s.name(p.lang), added, merge.Say(p.lang, "toegevoegd", "added"),
		changed, merge.Say(p.lang, "gewijzigd", "changed"), removed, merge.Say(p.lang, "verwijderd", "removed"))
	for _, l := range lines {
		p.printf("%s\n", l)
	}
}

// relation names a relationship by the names it joins: "Jan de Vries —
// AI-basis (eigenaar)".
func (p *printer) relation(s *sheet, key map[string]string) string {
	var parts []string
	var role string
	for j := range s.columns {
		c := &s.columns[j]
		v, ok := key[c.field]
		if !ok {
			continue
		}
		if c.kind == kEnum {
			role = c.enum.show(v, p.lang)
			continue
		}
		parts = append(parts, p.name(v))
	}
	out := strings.Join(parts, " → ")
	if role != "" {
		out += " (" + role + ")"
	}
	return out
}

// fields lists changed fields as "Houding: criticus → voorstander".
func (p *printer) fields(s *sheet, fields map[string]graph.FieldChange) string {
	var parts []string
	for j := range s.columns {
		c := &s.columns[j]
		fc, ok := fields[c.field]
		if !ok {
			continue
		}
		parts = append(parts, fmt.Sprintf("%s: %s → %s", c.header(p.lang), p.showRaw(c, s.array, fc.From), p.showRaw(c, s.array, fc.To)))
	}
	return strings.Join(parts, "; ")
}

func (p *printer) conflict(c merge.Conflict) {
	var s *sheet
	if c.Kind == "workspace" {
		s = &sheets[0]
	} else if k, ok := graph.RelKindOfCompare(c.Kind); ok {
		s, _, _ = sheetFor(string(k))
	} else {
		s, _, _ = sheetFor(graph.ArrayOf(graph.Kind(c.Kind)))
	}
	what := p.label(c.ID)
	if c.Key != nil {
		what = p.relation(s, c.Key)
	}
	header := c.Field
	var col *column
	for j := range s.columns {
		if s.columns[j].field == c.Field {
			col = &s.columns[j]
			header = col.header(p.lang)
		}
	}
	show := func(raw json.RawMessage) string {
		if col == nil {
			return string(raw)
		}
		return p.showRaw(col, s.array, raw)
	}
	p.printf("  ! %s, %s, %s: %s %s, %s %s, %s %s", s.name(p.lang), what, header,
		merge.Say(p.lang, "bij export", "exported"), show(c.Base), merge.Say(p.lang, "in het blad", "in the sheet"), show(c.Sheet),
		merge.Say(p.lang, "in stakemap", "in stakemap"), show(c.Stakemap))
	if c.Row != "" {
		p.printf(" [%s]", c.Row)
	}
	p.printf("\n")
}

// showRaw shows a canonical JSON value as the sheet writes it.
func (p *printer) showRaw(c *column, array string, raw json.RawMessage) string {
	if len(raw) == 0 || string(raw) == "null" {
		return merge.Say(p.lang, "(leeg)", "(empty)")
	}
	var v any
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return string(raw)
	}
	return p.show(c, array, v)
}

func (p *printer) show(c *column, array string, v any) string {
	if v == nil {
		return merge.Say(p.lang, "(leeg)", "(empty)")
	}
	cell := cellFor(c, array, v, p.name, p.lang)
	switch x := cell.(type) {
	case time.Time:
		if p.lang == graph.LangEN {
			return x.Format(time.DateOnly)
		}
		return x.Format("2-1-2006")
	case string:
		if x == "" {
			return merge.Say(p.lang, "(leeg)", "(empty)")
		}
		return x
	}
	return fmt.Sprint(cell)
}

func nodeKindOf(array string) (graph.Kind, bool) {
	for _, k := range graph.Kinds {
		if graph.ArrayOf(k) == array {
			return k, true
		}
	}
	return "", false
}
