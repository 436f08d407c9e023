package bundle

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// colKind says how a spreadsheet cell is read.
type colKind int

const (
	kText   colKind = iota // text as written
	kInt                   // a whole number
	kOptInt                // a whole number, or empty for "not set"
	kFloat                 // a number; a decimal comma is accepted
	kBool                  // ja/nee, yes/no, true/false, 1/0
	kList                  // items separated by ; or ,
	kDate                  // a date, written out as YYYY-MM-DD
	kEnum                  // one of a list, in English or Dutch
)

// column maps one field of an entry to the headers it may have.
type column struct {
	field   string
	kind    colKind
	enum    map[string]string // normalized English or Dutch value → canonical value
	aliases []string          // normalized headers besides the field's own name
}

// sheet describes one array of the bundle as a spreadsheet sheet or CSV
// file.
type sheet struct {
	array   string
	names   []string // normalized sheet and file names besides the array's own
	columns []column
}

func col(field string, kind colKind, aliases ...string) column {
	return column{field: field, kind: kind, aliases: aliases}
}

func enumCol(field string, enum map[string]string, aliases ...string) column {
	return column{field: field, kind: kEnum, enum: enum, aliases: aliases}
}

// enumOf builds an enum table from the canonical values and Dutch (or
// other) synonyms, keyed by normalized spelling.
func enumOf(canonical []string, synonyms map[string]string) map[string]string {
	m := make(map[string]string, len(canonical)+len(synonyms))
	for _, c := range canonical {
		m[normalizeName(c)] = c
	}
	for k, v := range synonyms {
		m[normalizeName(k)] = v
	}
	return m
}

// normalizeName folds a header, sheet name or enum value for matching:
// lower case, accents dropped, only letters and digits kept, so that
// "Resultaten gedeeld", "resultaten_gedeeld" and "ResultatenGedeeld" match.
func normalizeName(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			// a combining accent: geïnformeerd → geinformeerd
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

var (
	stakeholderKinds = enumOf([]string{"person", "group", "unit", "external"}, map[string]string{
		"persoon": "person", "groep": "group", "eenheid": "unit", "afdeling": "unit", "extern": "external", "externe": "external",
	})
	levels = enumOf([]string{"board", "executive", "management", "employee", "external"}, map[string]string{
		"bestuur": "board", "raad van bestuur": "board", "directie": "executive", "leidinggevende": "management",
		"manager": "management", "medewerker": "employee", "extern": "external",
	})
	attitudes = enumOf([]string{"champion", "supporter", "neutral", "critic", "blocker", "unknown"}, map[string]string{
		"kampioen": "champion", "ambassadeur": "champion", "voorstander": "supporter", "neutraal": "neutral",
		"criticus": "critic", "kritisch": "critic", "blokkeerder": "blocker", "tegenstander": "blocker", "onbekend": "unknown",
	})
	trajectoryStatus = enumOf([]string{"idea", "planned", "running", "done", "stopped"}, map[string]string{
		"idee": "idea", "gepland": "planned", "lopend": "running", "loopt": "running", "actief": "running",
		"afgerond": "done", "klaar": "done", "gestopt": "stopped", "stopgezet": "stopped",
	})
	enablerKinds = enumOf([]string{"system", "process", "hr-instrument", "policy", "budget", "other"}, map[string]string{
		"systeem": "system", "proces": "process", "beleid": "policy", "overig": "other", "anders": "other",
	})
	enablerStatus = enumOf([]string{"missing", "planned", "ready"}, map[string]string{
		"ontbreekt": "missing", "ontbrekend": "missing", "gepland": "planned", "gereed": "ready", "klaar": "ready", "aanwezig": "ready",
	})
	channels = enumOf([]string{"meeting", "presentation", "workshop", "report", "newsletter", "informal", "other"}, map[string]string{
		"overleg": "meeting", "vergadering": "meeting", "gesprek": "meeting", "presentatie": "presentation",
		"rapport": "report", "rapportage": "report", "verslag": "report", "nieuwsbrief": "newsletter",
		"informeel": "informal", "overig": "other", "anders": "other",
	})
	roles = enumOf([]string{"sponsor", "owner", "learner", "contributor", "expert", "informed"}, map[string]string{
		"opdrachtgever": "sponsor", "eigenaar": "owner", "lerende": "learner", "deelnemer": "learner",
		"bijdrager": "contributor", "deskundige": "expert", "geïnformeerd": "informed",
	})
	languages = enumOf([]string{"nl", "en"}, map[string]string{
		"nederlands": "nl", "dutch": "nl", "engels": "en", "english": "en",
	})
)

// sheets lists the arrays of a bundle in bundle order with their English
// and Dutch sheet names and column headers (normalized).
var sheets = []sheet{
	{array: "workspace", names: []string{"werkruimte", "organisatie"}, columns: []column{
		col("id", kText), col("name", kText, "naam"), enumCol("language", languages, "taal"),
	}},
	{array: "stakeholders", names: []string{"belanghebbenden"}, columns: []column{
		col("id", kText), col("name", kText, "naam"), enumCol("kind", stakeholderKinds, "soort", "type"),
		col("title", kText, "functie", "titel"), col("unit", kText, "afdeling", "eenheid"),
		enumCol("level", levels, "niveau"), col("influence", kInt, "invloed", "macht"),
		col("interest", kInt, "belang", "interesse"), enumCol("attitude", attitudes, "houding"),
		col("notes", kText, "notities", "notitie", "opmerkingen"), col("tags", kList, "labels"),
	}},
	{array: "trajectories", names: []string{"trajecten", "leertrajecten"}, columns: []column{
		col("id", kText), col("name", kText, "naam"), col("purpose", kText, "doel", "doelstelling"),
		enumCol("status", trajectoryStatus), col("start", kDate, "begin", "startdatum", "begindatum"),
		col("end", kDate, "einde", "eind", "einddatum"), col("reviewBy", kDate, "herzien", "herzienop", "evaluatie", "evaluatiedatum"),
		col("measure", kText, "meting", "effectmeting", "impactmeting"),
	}},
	{array: "goals", names: []string{"doelen", "doelstellingen"}, columns: []column{
		col("id", kText), col("name", kText, "naam"), col("horizon", kText, "termijn"),
	}},
	{array: "enablers", names: []string{"randvoorwaarden", "voorwaarden"}, columns: []column{
		col("id", kText), col("name", kText, "naam"), enumCol("kind", enablerKinds, "soort", "type"),
		enumCol("status", enablerStatus), col("owner", kText, "eigenaar"),
	}},
	{array: "stakes", names: []string{"betrokkenheid", "rollen"}, columns: []column{
		col("stakeholder", kText, "belanghebbende"), col("trajectory", kText, "traject", "leertraject"),
		enumCol("role", roles, "rol"), col("interest", kOptInt, "belang"), col("influence", kOptInt, "invloed"),
	}},
	{array: "influences", names: []string{"invloed", "beinvloeding"}, columns: []column{
		col("from", kText, "van"), col("to", kText, "naar", "op"), col("strength", kFloat, "sterkte"),
	}},
	{array: "reportsTo", names: []string{"rapporteertaan", "hierarchie"}, columns: []column{
		col("from", kText, "van", "medewerker"), col("to", kText, "naar", "leidinggevende", "manager"),
	}},
	{array: "supports", names: []string{"ondersteunt", "bijdragen"}, columns: []column{
		col("trajectory", kText, "traject", "leertraject"), col("goal", kText, "doel"),
	}},
	{array: "dependsOn", names: []string{"afhankelijkheden", "afhankelijkvan"}, columns: []column{
		col("trajectory", kText, "traject", "leertraject"), col("on", kText, "op", "van"),
		col("note", kText, "notitie", "toelichting"),
	}},
	{array: "engagements", names: []string{"contactmomenten", "contacten"}, columns: []column{
		col("id", kText), col("date", kDate, "datum"), enumCol("channel", channels, "kanaal", "vorm"),
		col("with", kList, "met"), col("about", kList, "over"), col("summary", kText, "samenvatting"),
		col("resultsShared", kBool, "resultatengedeeld", "resultaatgedeeld"),
	}},
}

// sheetFor returns the sheet a sheet or file name stands for.
func sheetFor(name string) (*sheet, bool) {
	n := normalizeName(name)
	for i := range sheets {
		s := &sheets[i]
		if n == normalizeName(s.array) {
			return s, true
		}
		for _, a := range s.names {
			if n == a {
				return s, true
			}
		}
	}
	return nil, false
}

// columnFor returns the column a header stands for.
func (s *sheet) columnFor(header string) (*column, bool) {
	n := normalizeName(header)
	for i := range s.columns {
		c := &s.columns[i]
		if n == normalizeName(c.field) {
			return c, true
		}
		for _, a := range c.aliases {
			if n == a {
				return c, true
			}
		}
	}
	return nil, false
}
