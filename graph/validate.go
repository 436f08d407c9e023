package graph

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Allowed values of the enumerated fields, in the order the docs list them.
var (
	StakeholderKinds = []string{"person", "group", "unit", "external"}
	Levels           = []string{"board", "executive", "management", "employee", "external"}
	Attitudes        = []string{"champion", "supporter", "neutral", "critic", "blocker", "unknown"}
	TrajectoryStatus = []string{"idea", "planned", "running", "done", "stopped"}
	EnablerKinds     = []string{"system", "process", "hr-instrument", "policy", "budget", "other"}
	EnablerStatus    = []string{"missing", "planned", "ready"}
	Channels         = []string{"meeting", "presentation", "workshop", "report", "newsletter", "informal", "other"}
	Roles            = []string{"sponsor", "owner", "learner", "contributor", "expert", "informed"}
	Languages        = []string{LangNL, LangEN}
)

// IDPattern is the regular expression every id matches (DESIGN §2), for
// documents that describe ids, such as the API's OpenAPI schemas.
const IDPattern = `^[a-z0-9][a-z0-9._-]{0,63}$`

var idPattern = regexp.MustCompile(IDPattern)

// ValidID reports whether id is a well-formed slug.
func ValidID(id string) bool { return idPattern.MatchString(id) }

// ValidDate reports whether s is a calendar date written YYYY-MM-DD.
func ValidDate(s string) bool {
	if len(s) != 10 {
		return false
	}
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}

// IsActive reports whether a trajectory status counts as active for the
// analyses: planned or running.
func IsActive(status string) bool { return status == "planned" || status == "running" }

// ApplyDefaults fills the fields a document may leave out with their
// documented defaults. It changes nothing that is set.
func (w *Workspace) ApplyDefaults() {
	if w.Language == "" {
		w.Language = LangNL
	}
}

// ApplyDefaults fills kind (person) and attitude (unknown) when empty.
func (s *Stakeholder) ApplyDefaults() {
	if s.Kind == "" {
		s.Kind = "person"
	}
	if s.Attitude == "" {
		s.Attitude = "unknown"
	}
}

// ApplyDefaults fills status (idea) when empty.
func (t *Trajectory) ApplyDefaults() {
	if t.Status == "" {
		t.Status = "idea"
	}
}

// ApplyDefaults fills kind (other) and status (missing) when empty.
func (e *Enabler) ApplyDefaults() {
	if e.Kind == "" {
		e.Kind = "other"
	}
	if e.Status == "" {
		e.Status = "missing"
	}
}

// ApplyDefaults fills channel (other) and makes About an empty list rather
// than null.
func (e *Engagement) ApplyDefaults() {
	if e.Channel == "" {
		e.Channel = "other"
	}
	if e.About == nil {
		e.About = []string{}
	}
	if e.With == nil {
		e.With = []string{}
	}
}

// problems collects the problems of one entry.
type problems struct {
	entry string
	list  []Problem
}

func (p *problems) add(field, value, reason string) {
	p.list = append(p.list, Problem{Entry: p.entry, Field: field, Value: value, Reason: reason})
}

func (p *problems) id(field, v string) {
	switch {
	case v == "":
		p.add(field, v, "is required")
	case !ValidID(v):
		p.add(field, v, "is not a valid id: use 1–64 characters a–z, 0–9, '.', '_' or '-', starting with a letter or digit")
	}
}

// Text limits of DESIGN §2, in characters (runes).
const (
	MaxShortText = 200    // name, title, unit
	MaxLongText  = 10_000 // notes, summary, purpose, measure, note
	MaxTags      = 50
	MaxTagText   = 64
)

// TextProblem says what is wrong with a text value, or "" when it may be
// stored: valid UTF-8 of at most max characters, with no NUL, C0 control
// (tab and newline only where long is set), C1 control, bidirectional
// control or byte order mark. Such characters hide or reorder what people
// read, so they are refused rather than cleaned.
func TextProblem(v string, max int, long bool) string {
	if !utf8.ValidString(v) {
		return "is not valid UTF-8 text"
	}
	n := 0
	for _, r := range v {
		n++
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			if !long {
				return fmt.Sprintf("contains a control character (U+%04X): only long texts may hold tabs and line breaks", r)
			}
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f):
			return fmt.Sprintf("contains a control character (U+%04X)", r)
		case (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069):
			return fmt.Sprintf("contains a bidirectional control character (U+%04X)", r)
		case r == 0xfeff:
			return "contains a byte order mark (U+FEFF)"
		}
	}
	if n > max {
		return fmt.Sprintf("is %d characters long; at most %d are allowed", n, max)
	}
	return ""
}

// text reports a text field that breaks the limits of TextProblem. The
// value is quoted only up to 60 characters: echoing a megabyte back helps
// nobody.
func (p *problems) text(field, v string, max int, long bool) {
	if reason := TextProblem(v, max, long); reason != "" {
		p.add(field, clip(v), reason)
		// Text that is not UTF-8 never came through JSON, as every value
		// stored before the limits did: it is damage, not an old value.
		p.list[len(p.list)-1].textLimit = utf8.ValidString(v)
	}
}

func clip(v string) string {
	if !utf8.ValidString(v) {
		v = strings.ToValidUTF8(v, "\uFFFD")
	}
	if utf8.RuneCountInString(v) <= 60 {
		return v
	}
	r := []rune(v)
	return string(r[:57]) + "…"
}

func (p *problems) required(field, v string) {
	if strings.TrimSpace(v) == "" {
		p.add(field, v, "is required")
	}
}

func (p *problems) oneOf(field, v string, allowed []string) {
	if !slices.Contains(allowed, v) {
		reason := "must be one of " + strings.Join(allowed, ", ")
		if v == "" {
			reason = "is required: " + reason
		}
		p.add(field, v, reason)
	}
}

func (p *problems) scale(field string, v int) {
	if v < 1 || v > 5 {
		p.add(field, strconv.Itoa(v), "must be a whole number from 1 to 5")
	}
}

func (p *problems) date(field, v string, optional bool) {
	if v == "" {
		if !optional {
			p.add(field, v, "is required: a date YYYY-MM-DD")
		}
		return
	}
	if !ValidDate(v) {
		p.add(field, v, "is not a date: write YYYY-MM-DD")
	}
}

// EntryName is how problems name a node outside a bundle, e.g.
// `stakeholder "cfo"`.
func EntryName(k Kind, id string) string { return fmt.Sprintf("%s %q", k, id) }

// ValidateWorkspace returns the problems of a workspace on its own.
func ValidateWorkspace(w Workspace) []Problem {
	p := problems{entry: "workspace"}
	p.id("id", w.ID)
	p.required("name", w.Name)
	p.text("name", w.Name, MaxShortText, false)
	p.oneOf("language", w.Language, Languages)
	p.text("ldUnit", w.LDUnit, MaxShortText, false)
	return p.list
}

// ValidateNode returns the problems a node has on its own, without looking
// at what it refers to. entry names it in the problems; when empty, the
// node's kind and id are used.
func ValidateNode(n Node, entry string) []Problem {
	if entry == "" {
		entry = EntryName(n.NodeKind(), n.NodeID())
	}
	p := problems{entry: entry}
	p.id("id", n.NodeID())
	switch n := n.(type) {
	case Stakeholder:
		p.required("name", n.Name)
		p.text("name", n.Name, MaxShortText, false)
		p.oneOf("kind", n.Kind, StakeholderKinds)
		p.text("title", n.Title, MaxShortText, false)
		p.text("unit", n.Unit, MaxShortText, false)
		p.oneOf("level", n.Level, Levels)
		p.scale("influence", n.Influence)
		p.scale("interest", n.Interest)
		p.oneOf("attitude", n.Attitude, Attitudes)
		p.text("notes", n.Notes, MaxLongText, true)
		if len(n.Tags) > MaxTags {
			p.add("tags", strconv.Itoa(len(n.Tags))+" tags", fmt.Sprintf("at most %d tags are allowed", MaxTags))
			p.list[len(p.list)-1].textLimit = true
		}
		for i, t := range n.Tags {
			p.required(fmt.Sprintf("tags[%d]", i), t)
			p.text(fmt.Sprintf("tags[%d]", i), t, MaxTagText, false)
		}
		if n.ContactEvery < 0 || n.ContactEvery > 365 {
			p.add("contactEvery", strconv.Itoa(n.ContactEvery), "must be a whole number of days from 1 to 365, or empty for no rhythm")
		}
	case Trajectory:
		p.required("name", n.Name)
		p.text("name", n.Name, MaxShortText, false)
		p.text("purpose", n.Purpose, MaxLongText, true)
		p.text("measure", n.Measure, MaxLongText, true)
		p.oneOf("status", n.Status, TrajectoryStatus)
		p.date("start", n.Start, true)
		p.date("end", n.End, true)
		p.date("reviewBy", n.ReviewBy, true)
		if ValidDate(n.Start) && ValidDate(n.End) && n.End < n.Start {
			p.add("end", n.End, "is before start "+n.Start)
		}
	case Goal:
		p.required("name", n.Name)
		p.text("name", n.Name, MaxShortText, false)
		p.text("horizon", n.Horizon, MaxShortText, false)
	case Enabler:
		p.required("name", n.Name)
		p.text("name", n.Name, MaxShortText, false)
		p.oneOf("kind", n.Kind, EnablerKinds)
		p.oneOf("status", n.Status, EnablerStatus)
		if n.Owner != "" {
			p.id("owner", n.Owner)
		}
	case Engagement:
		p.date("date", n.Date, false)
		p.oneOf("channel", n.Channel, Channels)
		p.text("summary", n.Summary, MaxLongText, true)
		if len(n.With) == 0 {
			p.add("with", "", "must name at least one stakeholder")
		}
		for i, id := range n.With {
			p.id(fmt.Sprintf("with[%d]", i), id)
		}
		for i, id := range n.About {
			p.id(fmt.Sprintf("about[%d]", i), id)
		}
		dupes(&p, "with", n.With)
		dupes(&p, "about", n.About)
	default:
		p.add("kind", fmt.Sprintf("%T", n), "is not a node kind")
	}
	return p.list
}

func dupes(p *problems, field string, ids []string) {
	seen := make(map[string]bool, len(ids))
	for i, id := range ids {
		if seen[id] {
			p.add(fmt.Sprintf("%s[%d]", field, i), id, "is listed twice")
		}
		seen[id] = true
	}
}

// ValidateRelation returns the problems a relationship has on its own,
// without looking at what it refers to.
func ValidateRelation(r Relation, entry string) []Problem {
	if entry == "" {
		entry = string(r.RelKind())
	}
	p := problems{entry: entry}
	switch r := r.(type) {
	case Stake:
		p.id("stakeholder", r.Stakeholder)
		p.id("trajectory", r.Trajectory)
		p.oneOf("role", r.Role, Roles)
		if r.Interest != nil {
			p.scale("interest", *r.Interest)
		}
		if r.Influence != nil {
			p.scale("influence", *r.Influence)
		}
	case Influence:
		p.id("from", r.From)
		p.id("to", r.To)
		if r.From != "" && r.From == r.To {
			p.add("to", r.To, "is the same as from: a stakeholder cannot influence itself")
		}
		if !(r.Strength > 0 && r.Strength <= 1) {
			p.add("strength", strconv.FormatFloat(r.Strength, 'g', -1, 64), "must be greater than 0 and at most 1")
		}
	case ReportsTo:
		p.id("from", r.From)
		p.id("to", r.To)
		if r.From != "" && r.From == r.To {
			p.add("to", r.To, "is the same as from: a stakeholder cannot report to itself")
		}
	case Supports:
		p.id("trajectory", r.Trajectory)
		p.id("goal", r.Goal)
	case DependsOn:
		p.id("trajectory", r.Trajectory)
		p.id("on", r.On)
		if r.Trajectory != "" && r.Trajectory == r.On {
			p.add("on", r.On, "is the trajectory itself: a trajectory cannot depend on itself")
		}
		p.text("note", r.Note, MaxLongText, true)
	default:
		p.add("kind", fmt.Sprintf("%T", r), "is not a relationship kind")
	}
	return p.list
}

// Lookup tells the kind of the node with an id, and whether it exists.
type Lookup func(id string) (Kind, bool)

// refs collects problems of references that do not resolve to a node of
// one of the wanted kinds.
func (p *problems) ref(field, id string, look Lookup, want ...Kind) {
	if id == "" || !ValidID(id) {
		return // already reported as a malformed id
	}
	k, ok := look(id)
	if !ok {
		names := make([]string, len(want))
		for i, w := range want {
			names[i] = string(w)
		}
		p.add(field, id, "refers to no "+strings.Join(names, " or ")+" in this workspace")
		return
	}
	if !slices.Contains(want, k) {
		p.add(field, id, fmt.Sprintf("refers to a %s; it must be a %s", k, joinKinds(want)))
	}
}

func joinKinds(ks []Kind) string {
	s := make([]string, len(ks))
	for i, k := range ks {
		s[i] = string(k)
	}
	return strings.Join(s, " or ")
}

// NodeRefProblems returns the problems of a node's references: each must
// name an existing node of the right kind.
func NodeRefProblems(n Node, entry string, look Lookup) []Problem {
	if entry == "" {
		entry = EntryName(n.NodeKind(), n.NodeID())
	}
	p := problems{entry: entry}
	switch n := n.(type) {
	case Enabler:
		if n.Owner != "" {
			p.ref("owner", n.Owner, look, KindStakeholder)
		}
	case Engagement:
		for i, id := range n.With {
			p.ref(fmt.Sprintf("with[%d]", i), id, look, KindStakeholder)
		}
		for i, id := range n.About {
			p.ref(fmt.Sprintf("about[%d]", i), id, look, KindTrajectory)
		}
	}
	return p.list
}

// RelationRefProblems returns the problems of a relationship's ends: each
// must name an existing node of the right kind.
func RelationRefProblems(r Relation, entry string, look Lookup) []Problem {
	if entry == "" {
		entry = string(r.RelKind())
	}
	p := problems{entry: entry}
	switch r := r.(type) {
	case Stake:
		p.ref("stakeholder", r.Stakeholder, look, KindStakeholder)
		p.ref("trajectory", r.Trajectory, look, KindTrajectory)
	case Influence:
		p.ref("from", r.From, look, KindStakeholder)
		p.ref("to", r.To, look, KindStakeholder)
	case ReportsTo:
		p.ref("from", r.From, look, KindStakeholder)
		p.ref("to", r.To, look, KindStakeholder)
	case Supports:
		p.ref("trajectory", r.Trajectory, look, KindTrajectory)
		p.ref("goal", r.Goal, look, KindGoal)
	case DependsOn:
		p.ref("trajectory", r.Trajectory, look, KindTrajectory)
		p.ref("on", r.On, look, KindTrajectory, KindEnabler)
	}
	return p.list
}

// References lists the ids a node refers to. A store uses it to refuse
// deleting nothing and to clean up after a delete.
func References(n Node) []string {
	switch n := n.(type) {
	case Enabler:
		if n.Owner != "" {
			return []string{n.Owner}
		}
	case Engagement:
		return append(slices.Clone(n.With), n.About...)
	}
	return nil
}

// Ends returns the two node ids a relationship joins.
func Ends(r Relation) (string, string) {
	k := r.Key()
	return k.A, k.B
}
