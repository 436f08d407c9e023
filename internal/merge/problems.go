package merge

import (
	"cmp"
	"errors"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/stakemap/stakemap/graph"
)

var entryRef = regexp.MustCompile(`\b([a-zA-Z]+)\[(\d+)\]( "(?:[^"\\]|\\.)*")?`)

// validate checks the merged workspace and reports every problem, its own
// and those found earlier, at the row, column and language it came from.
func (p *planner) validate(b *graph.Bundle) error {
	p.result = b
	if ve, ok := errors.AsType[*graph.ValidationError](b.Validate()); ok {
		for _, pr := range ve.Problems {
			if l, ok := p.locate(b, pr); ok {
				p.problems = append(p.problems, l)
			}
		}
	}
	if len(p.problems) == 0 {
		return nil
	}
	slices.SortStableFunc(p.problems, func(a, b Located) int { return cmp.Or(cmp.Compare(a.Order, b.Order), cmp.Compare(a.Num, b.Num)) })
	ps := make([]graph.Problem, 0, min(len(p.problems), maxProblems+1))
	for i, l := range p.problems {
		if i == maxProblems {
			ps = append(ps, graph.Problem{Entry: Say(p.in.Lang, "invoer", "input"), Field: Say(p.in.Lang, "problemen", "problems"), Value: strconv.Itoa(maxProblems),
				Reason: Say(p.in.Lang, "te veel problemen: gestopt met lezen; is dit het goede bestand?", "too many problems: stopped reading; is this the right file?")})
			break
		}
		ps = append(ps, l.Problem)
	}
	return graph.Invalid(ps)
}

// stakemapOrder sorts problems about stakemap's own data after the rows.
const stakemapOrder = 1 << 30

// locate turns a problem of the merged bundle (`stakeholders[3] "x"`) into
// one about the row it came from, or about stakemap's data when no row
// states the entity. ok is false for a problem already reported.
func (p *planner) locate(b *graph.Bundle, pr graph.Problem) (Located, bool) {
	if pr.Entry == "" && pr.Field == "format" {
		return Located{}, false // set by the merge itself
	}
	if pr.Entry == "workspace" {
		if wr := p.in.Workspace; wr != nil {
			return p.onRow(&wr.Row, pr), true
		}
		lang := p.in.Lang
		return Located{Problem: graph.Problem{Entry: Say(lang, "werkruimte", "workspace"), Field: pr.Field, Value: pr.Value,
			Reason: translate(pr.Reason, lang) + Say(lang, " (voeg een blad Werkruimte toe met id, naam en taal, of geef de werkruimte als optie)",
				" (add a workspace sheet with id, name and language, or give the workspace as an option)")}, Order: -1}, true
	}
	m := entryRef.FindStringSubmatch(pr.Entry)
	if m == nil {
		return Located{Problem: pr, Order: stakemapOrder}, true
	}
	i, _ := strconv.Atoi(m[2])
	row, name := p.rowAt(b, m[1], i)
	if row == nil {
		lang := p.in.Lang
		pr.Entry = Say(lang, "in stakemap: ", "in stakemap: ") + name
		pr.Reason = p.rewriteRefs(b, translate(pr.Reason, lang))
		return Located{Problem: pr, Order: stakemapOrder}, true
	}
	if pr.Field == m[1] { // a duplicate relationship: the whole row
		pr.Field = "*"
	}
	if p.isBad(row, pr.Field) {
		return Located{}, false
	}
	return p.onRow(row, pr), true
}

func (p *planner) onRow(row *Row, pr graph.Problem) Located {
	lang := row.Lang()
	field, _, _ := strings.Cut(pr.Field, "[")
	reason := translate(pr.Reason, lang)
	value := pr.Value
	if field != "*" && !row.Given(field) && (value == "" || value == "0") && !strings.HasPrefix(pr.Reason, "is required") {
		// The value is a default or zero the cell never held.
		value = ""
		reason = Say(lang, "is verplicht: ", "is required: ") + reason
	}
	if allowed, ok := row.allowed(field); ok && strings.Contains(pr.Reason, "must be one of") {
		reason = Say(lang, "kies uit ", "choose one of ") + strings.Join(allowed, ", ")
		if value == "" {
			reason = Say(lang, "is verplicht: ", "is required: ") + reason
		}
	}
	reason = p.rewriteRefsRow(reason)
	if field == "*" {
		l := row.Problem("", value, reason)
		l.Field = Say(lang, "rij", "row")
		return l
	}
	return row.Problem(pr.Field, value, reason)
}

// rowAt returns the row that states entry i of array in b, or nil and the
// entity's name for messages.
func (p *planner) rowAt(b *graph.Bundle, array string, i int) (*Row, string) {
	var nk *nodeKey
	var rk *relKey
	switch array {
	case "stakeholders":
		if i < len(b.Stakeholders) {
			nk = &nodeKey{graph.KindStakeholder, b.Stakeholders[i].ID}
		}
	case "trajectories":
		if i < len(b.Trajectories) {
			nk = &nodeKey{graph.KindTrajectory, b.Trajectories[i].ID}
		}
	case "goals":
		if i < len(b.Goals) {
			nk = &nodeKey{graph.KindGoal, b.Goals[i].ID}
		}
	case "enablers":
		if i < len(b.Enablers) {
			nk = &nodeKey{graph.KindEnabler, b.Enablers[i].ID}
		}
	case "engagements":
		if i < len(b.Engagements) {
			nk = &nodeKey{graph.KindEngagement, b.Engagements[i].ID}
		}
	case "stakes":
		if i < len(b.Stakes) {
			rk = &relKey{graph.RelStake, b.Stakes[i].Key()}
		}
	case "influences":
		if i < len(b.Influences) {
			rk = &relKey{graph.RelInfluence, b.Influences[i].Key()}
		}
	case "reportsTo":
		if i < len(b.ReportsTo) {
			rk = &relKey{graph.RelReportsTo, b.ReportsTo[i].Key()}
		}
	case "supports":
		if i < len(b.Supports) {
			rk = &relKey{graph.RelSupports, b.Supports[i].Key()}
		}
	case "dependsOn":
		if i < len(b.DependsOn) {
			rk = &relKey{graph.RelDependsOn, b.DependsOn[i].Key()}
		}
	}
	switch {
	case nk != nil:
		if r := p.nodeRow[*nk]; r != nil {
			return r, ""
		}
		return nil, graph.EntryName(nk.kind, nk.id)
	case rk != nil:
		if r := p.relRow[*rk]; r != nil {
			return r, ""
		}
		return nil, string(rk.kind) + " " + describeKey(*rk)
	}
	return nil, array + "[" + strconv.Itoa(i) + "]"
}

// rewriteRefs names the entries a reason mentions (`stakeholders[3]
// "x"`) by their rows.
func (p *planner) rewriteRefs(b *graph.Bundle, reason string) string {
	return entryRef.ReplaceAllStringFunc(reason, func(ref string) string {
		m := entryRef.FindStringSubmatch(ref)
		i, _ := strconv.Atoi(m[2])
		if row, name := p.rowAt(b, m[1], i); row != nil {
			return row.Entry()
		} else if name != "" {
			return name
		}
		return ref
	})
}

// rewriteRefsRow is rewriteRefs for a reason about a row, on the bundle
// being validated.
func (p *planner) rewriteRefsRow(reason string) string {
	if p.result == nil || !entryRef.MatchString(reason) {
		return reason
	}
	return p.rewriteRefs(p.result, reason)
}

// translations turn graph's validation reasons into Dutch. Each pattern
// matches one reason of graph/validate.go or graph/bundle.go; a test
// checks that every reason validation gives is matched.
var translations = []struct {
	re *regexp.Regexp
	nl string
}{
	{regexp.MustCompile(`^is required$`), "is verplicht"},
	{regexp.MustCompile(`^is required: a date YYYY-MM-DD$`), "is verplicht: een datum (dd-mm-jjjj)"},
	{regexp.MustCompile(`^is required: must be one of (.*)$`), "is verplicht: kies uit $1"},
	{regexp.MustCompile(`^is not a valid id: .*$`), "is geen geldige id: gebruik 1–64 tekens a–z, 0–9, '.', '_' of '-', te beginnen met een letter of cijfer"},
	{regexp.MustCompile(`^must be one of (.*)$`), "moet een van deze waarden zijn: $1"},
	{regexp.MustCompile(`^must be a whole number from 1 to 5$`), "moet een geheel getal van 1 tot en met 5 zijn"},
	{regexp.MustCompile(`^is not a date: write YYYY-MM-DD$`), "is geen datum: schrijf dd-mm-jjjj of jjjj-mm-dd"},
	{regexp.MustCompile(`^is not valid UTF-8 text$`), "is geen geldige UTF-8-tekst"},
	{regexp.MustCompile(`^contains a control character \((U\+[0-9A-F]+)\): only long texts may hold tabs and line breaks$`), "bevat een stuurteken ($1): alleen lange teksten mogen tabs en regeleinden bevatten"},
	{regexp.MustCompile(`^contains a control character \((U\+[0-9A-F]+)\)$`), "bevat een stuurteken ($1)"},
	{regexp.MustCompile(`^contains a bidirectional control character \((U\+[0-9A-F]+)\)$`), "bevat een teken dat de schrijfrichting omkeert ($1)"},
	{regexp.MustCompile(`^contains a byte order mark \(U\+FEFF\)$`), "bevat een byte-order-mark (U+FEFF)"},
	{regexp.MustCompile(`^is (\d+) characters long; at most (\d+) are allowed$`), "is $1 tekens lang; hooguit $2 zijn toegestaan"},
	{regexp.MustCompile(`^at most (\d+) tags are allowed$`), "hooguit $1 labels zijn toegestaan"},
	{regexp.MustCompile(`^must be a whole number of days from 1 to 365, or empty for no rhythm$`), "moet een geheel aantal dagen van 1 tot en met 365 zijn, of leeg voor geen ritme"},
	{regexp.MustCompile(`^is before start (.*)$`), "ligt vóór de begindatum $1"},
	{regexp.MustCompile(`^must name at least one stakeholder$`), "moet minstens één belanghebbende noemen"},
	{regexp.MustCompile(`^is listed twice$`), "staat er twee keer in"},
	{regexp.MustCompile(`^is the same as from: a stakeholder cannot influence itself$`), "is dezelfde als van: een belanghebbende kan zichzelf niet beïnvloeden"},
	{regexp.MustCompile(`^is the same as from: a stakeholder cannot report to itself$`), "is dezelfde als van: een belanghebbende kan niet aan zichzelf rapporteren"},
	{regexp.MustCompile(`^must be greater than 0 and at most 1$`), "moet groter dan 0 en hooguit 1 zijn"},
	{regexp.MustCompile(`^is the trajectory itself: a trajectory cannot depend on itself$`), "is het traject zelf: een traject kan niet van zichzelf afhangen"},
	{regexp.MustCompile(`^refers to no (.*) in this workspace$`), "verwijst naar geen bestaande $1 in deze werkruimte"},
	{regexp.MustCompile(`^refers to a (\w+); it must be a (.*)$`), "verwijst naar een $1; het moet een $2 zijn"},
	{regexp.MustCompile(`^is already used by (.*): ids are unique across all kinds$`), "wordt al gebruikt door $1: een id is uniek over alle soorten"},
	{regexp.MustCompile(`^duplicates (.*)$`), "staat al in $1"},
}

var kindWords = strings.NewReplacer("stakeholder", "belanghebbende", "trajectory", "traject", "goal", "doel",
	"enabler", "randvoorwaarde", "engagement", "contactmoment", " or ", " of ")

// translate gives a validation reason in lang; a reason no pattern knows
// stays English.
func translate(reason, lang string) string {
	if lang == graph.LangEN {
		return reason
	}
	for _, t := range translations {
		if m := t.re.FindStringSubmatchIndex(reason); m != nil {
			out := string(t.re.ExpandString(nil, t.nl, reason, m))
			if strings.HasPrefix(t.nl, "verwijst") {
				out = kindWords.Replace(out)
			}
			return out
		}
	}
	return reason
}
