package httpapi

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/stakemap/stakemap/graph"
)

// Query parameters are described once, here: the route middleware checks
// every request's parameters against these specs, the handlers read
// ranges from them, and the OpenAPI document is written from them, so
// what is refused, what is read and what is documented cannot differ.

// paramSpec describes one query parameter.
type paramSpec struct {
	typ    string   // "string", "integer", "number" or "boolean"
	lo, hi float64  // inclusive range of an integer or number, when hi > lo
	openLo bool     // lo itself is excluded (a strength in (0, 1])
	enum   []string // allowed values of a string
	date   bool     // a date YYYY-MM-DD
	def    string   // the default, for the document
	doc    string
}

func intSpec(lo, hi int, def, doc string) paramSpec {
	return paramSpec{typ: "integer", lo: float64(lo), hi: float64(hi), def: def, doc: doc}
}

func enumSpec(values []string, doc string) paramSpec {
	return paramSpec{typ: "string", enum: values, doc: doc}
}

var boolSpec = func(doc string) paramSpec { return paramSpec{typ: "boolean", def: "false", doc: doc} }

// paramSpecs holds the query parameters by name; "tag.name" overrides a
// name for the routes of one tag (the kind filter of stakeholders and of
// enablers differ).
var paramSpecs = map[string]paramSpec{
	"limit":             intSpec(1, 1000, "100", "page size"),
	"offset":            intSpec(0, 1<<30, "0", "items to skip"),
	"q":                 {typ: "string", doc: "case-insensitive text search"},
	"asOf":              {typ: "string", date: true, doc: "date YYYY-MM-DD the analyses look from (default: today, UTC)"},
	"high":              intSpec(1, 5, "4", "a value on the 1–5 scales at or above this is high"),
	"window":            intSpec(1, graph.MaxWindow, "90", "days an engagement counts as recent"),
	"only":              enumSpec(graph.Groups, "one group of findings"),
	"lang":              enumSpec(graph.Languages, "language of messages and maps (default: the workspace's)"),
	"trajectory":        {typ: "string", doc: "trajectory id"},
	"from":              {typ: "string", doc: "stakeholder id"},
	"to":                {typ: "string", doc: "stakeholder id"},
	"mode":              {typ: "string", enum: []string{graph.ModeShortest, graph.ModeStrongest}, def: graph.ModeStrongest, doc: "path ranking"},
	"k":                 intSpec(1, graph.MaxK, "1", "number of alternative paths"),
	"maxHops":           intSpec(1, graph.MaxMaxHops, "6", "longest path, in edges"),
	"hierarchyStrength": {typ: "number", lo: 0, hi: 1, openLo: true, def: "0.5", doc: "strength of a reports-to edge, greater than 0 and at most 1"},
	"top":               intSpec(1, graph.MaxTop, "10", "number of brokers"),
	"anonymize":         boolSpec("names replaced by title and unit"),
	"full":              boolSpec("draw every stakeholder of a large workspace instead of the summary (slow)"),
	"scale":             {typ: "number", lo: 1, hi: 4, def: "1", doc: "multiplies a PNG's pixels (a slide is 1920 × 1080 at 1); a PNG has at most 40 megapixels (the renderer's limits, checked there too)"},
	"page":              {typ: "string", enum: mapPages, def: "slide", doc: "page the map is drawn on: a 16:9 slide, A4 upright or on its side, or auto (the map's natural size)"},
	"part":              intSpec(1, 1000, "", "part N of a map too large for its page, on a fixed page; X-Map-Parts gives the number of parts"),
	"context":           boolSpec("a path map also draws the people next to the paths"),
	"all":               boolSpec("every trajectory, active ones first, when no trajectory is named"),
	"maps.trajectory":   {typ: "string", doc: "trajectory id; for a deck several, separated by commas"},
	"path":              {typ: "string", doc: "influence paths FROM:TO, several separated by commas"},
	"download":          boolSpec("Content-Disposition: attachment"),

	// The import of a workbook, CSV or stakemap/v1 file.
	"workspaces.mode": enumSpec([]string{"merge", "replace"}, "merge (the default for spreadsheets) adds and updates; replace (the default for stakemap/v1 JSON) makes the workspace the file"),
	"dryRun":          boolSpec("answer what the import would change and write nothing"),
	"prefer":          enumSpec([]string{"sheet", "stakemap"}, "which side wins a field changed both in the file and in stakemap since the export"),
	"prune":           boolSpec("merge also removes what the file's sheets lack"),

	// List filters of the node collections.
	"stakeholders.kind":   enumSpec(graph.StakeholderKinds, "stakeholder kind"),
	"unit":                {typ: "string", doc: "unit (department) name"},
	"level":               enumSpec(graph.Levels, "level"),
	"attitude":            enumSpec(graph.Attitudes, "attitude"),
	"tag":                 {typ: "string", doc: "one of the stakeholder's tags"},
	"trajectories.status": enumSpec(graph.TrajectoryStatus, "trajectory status"),
	"enablers.kind":       enumSpec(graph.EnablerKinds, "enabler kind"),
	"enablers.status":     enumSpec(graph.EnablerStatus, "enabler status"),
	"owner":               {typ: "string", doc: "owner's stakeholder id"},
	"channel":             enumSpec(graph.Channels, "channel"),
	"with":                {typ: "string", doc: "a stakeholder id the engagement was with"},
	"about":               {typ: "string", doc: "a trajectory id the engagement was about"},
	"resultsShared":       boolSpec("whether results were shared"),

	// History and time travel.
	"at":           {typ: "string", doc: "read the workspace as it was: a snapshot id, an RFC 3339 instant, or a date YYYY-MM-DD (end of that day, UTC)"},
	"history.kind": enumSpec(eventKinds(), "event kind: workspace, a node kind or a relationship kind"),
	"history.id":   {typ: "string", doc: "events about this id: a node, or an end of a relationship"},
	"since":        {typ: "string", doc: "events from this RFC 3339 instant, or from the start of this date"},
	"until":        {typ: "string", doc: "events up to this RFC 3339 instant, or to the end of this date"},
	"cursor":       {typ: "string", doc: "next of the previous page"},
	"history.from": {typ: "string", doc: "the earlier state: a snapshot id, an RFC 3339 instant or a date (end of that day, UTC)"},
	"history.to":   {typ: "string", doc: "the later state, like from (default: now)"},
	"names":        boolSpec("name people instead of title and unit"),

	// Key fields of the relationship collections.
	"stakeholder": {typ: "string", doc: "stakeholder id"},
	"role":        enumSpec(graph.Roles, "role of the stake"),
	"goal":        {typ: "string", doc: "goal id"},
	"on":          {typ: "string", doc: "id of the trajectory or enabler depended on"},
}

// specFor returns the spec of a query parameter of the routes of tag.
func specFor(tag, name string) paramSpec {
	if p, ok := paramSpecs[tag+"."+name]; ok {
		return p
	}
	if p, ok := paramSpecs[name]; ok {
		return p
	}
	return paramSpec{typ: "string"}
}

// check returns the reason a value breaks the spec, or "".
func (p paramSpec) check(v string) string {
	switch p.typ {
	case "integer":
		n, err := strconv.Atoi(v)
		if err != nil || float64(n) < p.lo || float64(n) > p.hi {
			return fmt.Sprintf("must be a whole number from %s to %s", num(p.lo), num(p.hi))
		}
	case "number":
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f < p.lo || f > p.hi || (p.openLo && f == p.lo) {
			if p.openLo {
				return fmt.Sprintf("must be a number greater than %s and at most %s", num(p.lo), num(p.hi))
			}
			return fmt.Sprintf("must be a number from %s to %s", num(p.lo), num(p.hi))
		}
	case "boolean":
		if _, err := strconv.ParseBool(v); err != nil {
			return "must be true or false"
		}
	}
	if len(p.enum) > 0 && !slices.Contains(p.enum, v) {
		return "must be one of " + strings.Join(p.enum, ", ")
	}
	if p.date && !graph.ValidDate(v) {
		return "is not a date: write YYYY-MM-DD"
	}
	return ""
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// checkParams refuses a request whose query has a parameter the route does
// not declare, a parameter given twice, or a value its spec does not allow,
// naming the parameter and the value. An empty value counts as absent.
func checkParams(r route) gin.HandlerFunc {
	return func(c *gin.Context) {
		for name, vs := range c.Request.URL.Query() {
			if !slices.Contains(r.query, name) {
				reason := "is not a parameter of this route"
				if len(r.query) > 0 {
					reason += "; allowed: " + strings.Join(r.query, ", ")
				}
				fail(c, badParam(name, strings.Join(vs, ","), reason))
				return
			}
			if len(vs) > 1 {
				fail(c, badParam(name, strings.Join(vs, ","), "may be given once"))
				return
			}
			if vs[0] == "" {
				continue
			}
			if reason := specFor(r.tag, name).check(vs[0]); reason != "" {
				fail(c, badParam(name, vs[0], reason))
				return
			}
		}
		c.Next()
	}
}

// intQuery reads a whole-number parameter within its spec's range; def
// when it is absent or empty.
func intQuery(c *gin.Context, name string, def int) (int, error) {
	p := paramSpecs[name]
	return queryInt(c, name, def, int(p.lo), int(p.hi))
}
