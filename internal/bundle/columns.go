package bundle

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/stakemap/stakemap/graph"
)

// colKind says how a spreadsheet cell is read.
type colKind int

const (
	kText   colKind = iota // text as written
	kInt                   // a whole number from 1 to 5
	kOptInt                // a whole number from 1 to 5, or empty for "not set"
	kDays                  // a whole number of days, or empty for "not set"
	kFloat                 // a number; a decimal comma is accepted
	kBool                  // ja/nee, yes/no, true/false, 1/0
	kList                  // items separated by ; or ,
	kDate                  // a date, written out as YYYY-MM-DD
	kEnum                  // one of a list, in English or Dutch
)

// enum is an enumerated field's values: canonical (English) and as a
// Dutch sheet shows them, plus the synonyms people type.
type enum struct {
	canonical []string
	dutch     []string          // Dutch display value of each canonical value
	lookup    map[string]string // normalized English or Dutch spelling → canonical value
}

// display returns the values as a sheet in lang shows them.
func (e *enum) display(lang string) []string {
	if lang == graph.LangEN {
		return e.canonical
	}
	return e.dutch
}

// show returns how a sheet in lang writes the canonical value v.
func (e *enum) show(v, lang string) string {
	if lang == graph.LangEN {
		return v
	}
	for i, c := range e.canonical {
		if c == v {
			return e.dutch[i]
		}
	}
	return v
}

// column maps one field of an entry to the headers it may have.
type column struct {
	field   string
	kind    colKind
	enum    *enum
	nl      string   // the Dutch header stakemap writes
	aliases []string // normalized headers besides the field's own name
	width   float64  // column width when written
}

// sheet describes one array of the bundle as a spreadsheet sheet or CSV
// file.
type sheet struct {
	array   string
	nl      string   // the Dutch sheet name stakemap writes
	names   []string // normalized sheet and file names besides the array's own
	columns []column
}

func col(field string, kind colKind, nl string, width float64, aliases ...string) column {
	return column{field: field, kind: kind, nl: nl, width: width, aliases: append([]string{normalizeName(nl)}, aliases...)}
}

func enumCol(field string, e *enum, nl string, width float64, aliases ...string) column {
	c := col(field, kEnum, nl, width, aliases...)
	c.enum = e
	return c
}

// enumOf builds an enum from the canonical values, their Dutch display
// values and further synonyms, keyed by normalized spelling.
func enumOf(canonical, dutch []string, synonyms map[string]string) *enum {
	m := make(map[string]string, 2*len(canonical)+len(synonyms))
	for i, c := range canonical {
		m[normalizeName(c)] = c
		m[normalizeName(dutch[i])] = c
	}
	for k, v := range synonyms {
		m[normalizeName(k)] = v
	}
	return &enum{canonical: canonical, dutch: dutch, lookup: m}
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
	stakeholderKinds = enumOf(graph.StakeholderKinds, []string{"persoon", "groep", "eenheid", "extern"}, map[string]string{
		"afdeling": "unit", "externe": "external",
	})
	levels = enumOf(graph.Levels, []string{"bestuur", "directie", "management", "medewerker", "extern"}, map[string]string{
		"raad van bestuur": "board", "bestuurder": "board", "directielid": "executive", "leidinggevende": "management", "manager": "management",
		"teamleider": "management", "afdelingshoofd": "management",
	})
	attitudes = enumOf(graph.Attitudes, []string{"kampioen", "voorstander", "neutraal", "criticus", "blokkeerder", "onbekend"}, map[string]string{
		"ambassadeur": "champion", "kritisch": "critic", "sceptisch": "critic", "tegenstander": "blocker", "weet niet": "unknown",
	})
	trajectoryStatus = enumOf(graph.TrajectoryStatus, []string{"idee", "gepland", "lopend", "afgerond", "gestopt"}, map[string]string{
		"loopt": "running", "actief": "running", "in uitvoering": "running", "in voorbereiding": "planned", "klaar": "done", "stopgezet": "stopped",
	})
	enablerKinds = enumOf(graph.EnablerKinds, []string{"systeem", "proces", "hr-instrument", "beleid", "budget", "overig"}, map[string]string{
		"anders": "other",
	})
	enablerStatus = enumOf(graph.EnablerStatus, []string{"ontbreekt", "gepland", "gereed"}, map[string]string{
		"ontbrekend": "missing", "klaar": "ready", "aanwezig": "ready",
	})
	channels = enumOf(graph.Channels, []string{"overleg", "presentatie", "workshop", "rapportage", "nieuwsbrief", "informeel", "overig"}, map[string]string{
		"vergadering": "meeting", "gesprek": "meeting", "bijeenkomst": "meeting", "rapport": "report", "verslag": "report", "anders": "other",
	})
	roles = enumOf(graph.Roles, []string{"sponsor", "eigenaar", "lerende", "bijdrager", "expert", "geïnformeerd"}, map[string]string{
		"opdrachtgever": "sponsor", "proceseigenaar": "owner", "deelnemer": "learner", "deskundige": "expert", "te informeren": "informed",
	})
	languages = enumOf(graph.Languages, []string{"nl", "en"}, map[string]string{
		"nederlands": "nl", "dutch": "nl", "engels": "en", "english": "en",
	})
)

// sheets lists the arrays of a bundle in bundle order with their English
// and Dutch sheet names and column headers, in the order stakemap writes
// them: names first, ids last.
var sheets = []sheet{
	{array: "workspace", nl: "Werkruimte", names: []string{"werkruimte", "organisatie"}, columns: []column{
		col("id", kText, "ID", 16), col("name", kText, "Naam", 32), enumCol("language", languages, "Taal", 8),
		col("ldUnit", kText, "L&D-afdeling", 24, "ldunit", "lnd", "ldafdeling", "afdelinglenod"),
	}},
	{array: "stakeholders", nl: "Belanghebbenden", names: []string{"belanghebbenden"}, columns: []column{
		col("name", kText, "Naam", 28), enumCol("kind", stakeholderKinds, "Soort", 12, "type"),
		col("title", kText, "Functie", 28, "titel"), col("unit", kText, "Afdeling", 22, "eenheid"),
		enumCol("level", levels, "Niveau", 14), col("influence", kInt, "Invloed", 9, "macht"),
		col("interest", kInt, "Belang", 9, "interesse"), enumCol("attitude", attitudes, "Houding", 14),
		col("contactEvery", kDays, "Contact elke (dagen)", 12, "contactritme", "contactelke", "contactfrequentie", "contactfrequentiedagen"),
		col("tags", kList, "Labels", 20), col("notes", kText, "Notities", 40, "notitie", "opmerkingen"),
		col("id", kText, "ID", 20),
	}},
	{array: "trajectories", nl: "Trajecten", names: []string{"trajecten", "leertrajecten", "programmas"}, columns: []column{
		col("name", kText, "Naam", 30), col("purpose", kText, "Doel", 36, "doelstelling"),
		enumCol("status", trajectoryStatus, "Status", 12), col("start", kDate, "Begin", 12, "startdatum", "begindatum"),
		col("end", kDate, "Einde", 12, "eind", "einddatum"), col("reviewBy", kDate, "Herzien op", 12, "herzien", "evaluatie", "evaluatiedatum"),
		col("measure", kText, "Meting", 36, "effectmeting", "impactmeting"), col("id", kText, "ID", 20),
	}},
	{array: "goals", nl: "Doelen", names: []string{"doelen", "doelstellingen"}, columns: []column{
		col("name", kText, "Naam", 32), col("horizon", kText, "Termijn", 16), col("id", kText, "ID", 20),
	}},
	{array: "enablers", nl: "Randvoorwaarden", names: []string{"randvoorwaarden", "voorwaarden"}, columns: []column{
		col("name", kText, "Naam", 30), enumCol("kind", enablerKinds, "Soort", 14, "type"),
		enumCol("status", enablerStatus, "Status", 12), col("owner", kText, "Eigenaar", 26), col("id", kText, "ID", 20),
	}},
	{array: "stakes", nl: "Rollen", names: []string{"rollen", "betrokkenheid", "rolverdeling", "roles"}, columns: []column{
		col("stakeholder", kText, "Belanghebbende", 28, "persoon"), col("trajectory", kText, "Traject", 28, "leertraject"),
		enumCol("role", roles, "Rol", 14), col("interest", kOptInt, "Belang", 9), col("influence", kOptInt, "Invloed", 9),
	}},
	{array: "influences", nl: "Invloed", names: []string{"invloed", "beinvloeding", "invloedsrelaties"}, columns: []column{
		col("from", kText, "Van", 28), col("to", kText, "Op", 28, "naar"), col("strength", kFloat, "Sterkte", 9),
	}},
	{array: "reportsTo", nl: "Hiërarchie", names: []string{"hierarchie", "rapporteertaan", "organigram", "rapportagelijnen", "hierarchy"}, columns: []column{
		col("from", kText, "Medewerker", 28, "van"), col("to", kText, "Leidinggevende", 28, "naar", "manager"),
	}},
	{array: "supports", nl: "Ondersteunt", names: []string{"ondersteunt", "bijdragen"}, columns: []column{
		col("trajectory", kText, "Traject", 30, "leertraject"), col("goal", kText, "Doel", 30),
	}},
	{array: "dependsOn", nl: "Afhankelijkheden", names: []string{"afhankelijkheden", "afhankelijkvan"}, columns: []column{
		col("trajectory", kText, "Traject", 30, "leertraject"), col("on", kText, "Hangt af van", 30, "op", "van", "afhankelijkvan"),
		col("note", kText, "Toelichting", 36, "notitie"),
	}},
	{array: "engagements", nl: "Contactmomenten", names: []string{"contactmomenten", "contacten", "contactlog", "gesprekken", "contacts"}, columns: []column{
		col("date", kDate, "Datum", 12), enumCol("channel", channels, "Kanaal", 14, "vorm"),
		col("with", kList, "Met", 30, "deelnemers", "wie"), col("about", kList, "Over", 30, "traject", "trajecten"), col("summary", kText, "Samenvatting", 40),
		col("resultsShared", kBool, "Resultaten gedeeld", 10, "resultaatgedeeld"), col("id", kText, "ID", 20),
	}},
}

// name returns the sheet's name in lang.
func (s *sheet) name(lang string) string {
	if lang == graph.LangEN {
		return s.array
	}
	return s.nl
}

// header returns the column's header in lang.
func (c *column) header(lang string) string {
	if lang == graph.LangEN {
		return c.field
	}
	return c.nl
}

// sheetFor returns the sheet a sheet or file name stands for, and whether
// the name is Dutch.
func sheetFor(name string) (*sheet, bool, bool) {
	n := normalizeName(name)
	for i := range sheets {
		s := &sheets[i]
		if n == normalizeName(s.array) {
			return s, false, true
		}
		for _, a := range s.names {
			if n == a {
				return s, true, true
			}
		}
	}
	return nil, false, false
}

// columnFor returns the column a header stands for and the language the
// header is in: en for the field's own name, nl for a Dutch one, "" for a
// header both languages write (Status, ID).
func (s *sheet) columnFor(header string) (c *column, lang string, ok bool) {
	n := normalizeName(header)
	for i := range s.columns {
		c := &s.columns[i]
		if n == normalizeName(c.field) {
			if n == normalizeName(c.nl) {
				return c, "", true
			}
			return c, graph.LangEN, true
		}
	}
	for i := range s.columns {
		c := &s.columns[i]
		for _, a := range c.aliases {
			if n == a {
				return c, graph.LangNL, true
			}
		}
	}
	return nil, "", false
}
