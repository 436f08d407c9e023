package webui

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/access"
)

// Forms are read into one graph type each, checked field by field in the
// person's language, then checked once more with graph's own validation
// (the rules the API applies), whose remaining problems are shown next to
// their fields too. What was typed is kept in the form for the page to
// show again.

// posted reads a form body into a form state.
func posted(r *http.Request) (*form, error) {
	if err := r.ParseForm(); err != nil {
		return nil, err
	}
	f := newForm()
	for k, vs := range r.PostForm {
		f.Values[k] = strings.Join(vs, ", ")
	}
	return f, nil
}

// checker adds problems to a form in the view's language.
type checker struct {
	t tr
	f *form
}

func (c checker) bad(field, msg string) {
	if _, ok := c.f.Errors[field]; !ok {
		c.f.Errors[field] = msg
	}
}

// text returns a text field, trimmed, reporting one that is required and
// empty or breaks graph's text limits.
func (c checker) text(field string, max int, long, required bool) string {
	v := strings.TrimSpace(c.f.V(field))
	if required && v == "" {
		c.bad(field, c.t.T("p.required"))
		return v
	}
	if graph.TextProblem(v, max, long) != "" {
		if n := utf8.RuneCountInString(v); n > max {
			c.bad(field, c.t.T("p.toolong", n, max))
		} else {
			c.bad(field, c.t.T("p.text"))
		}
	}
	return v
}

func (c checker) enum(field, enum string, required bool) string {
	v := strings.TrimSpace(c.f.V(field))
	if v == "" && !required {
		return ""
	}
	if !slices.Contains(enumValues[enum], v) {
		if v == "" {
			c.bad(field, c.t.T("p.required"))
		} else {
			c.bad(field, c.t.T("p.oneof", c.t.EnumList(enum, enumValues[enum])))
		}
	}
	return v
}

// scale reads a 1–5 value; optional ones may be empty (0).
func (c checker) scale(field string, required bool) int {
	v := strings.TrimSpace(c.f.V(field))
	if v == "" && !required {
		return 0
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 5 {
		c.bad(field, c.t.T("p.scale"))
		return 0
	}
	return n
}

// date reads a date as typed (30-11-2026 or 2026-11-30) into YYYY-MM-DD.
func (c checker) date(field string, required bool) string {
	v := strings.TrimSpace(c.f.V(field))
	if v == "" {
		if required {
			c.bad(field, c.t.T("p.required"))
		}
		return ""
	}
	d, problem := c.t.parseDate(v)
	if problem != "" {
		c.bad(field, problem)
	}
	return d
}

func (c checker) id(field string) string {
	v := strings.TrimSpace(c.f.V(field))
	if v != "" && !graph.ValidID(v) {
		c.bad(field, c.t.T("p.id"))
	}
	return v
}

// problems puts graph's problems next to their fields; a field that has a
// problem already keeps the first, which is worded for people.
func (c checker) problems(err error) bool {
	ve, ok := errors.AsType[*graph.ValidationError](err)
	if !ok {
		return false
	}
	for _, p := range ve.Problems {
		field, _, _ := strings.Cut(p.Field, "[")
		c.bad(field, problemSentence(p.Reason, c.t.lang))
	}
	return true
}

// problemSentence words a problem's reason, a fragment such as "is
// required" or "must be a date", as a sentence that stands next to its
// field: "Dit is verplicht.", "This must be a date."
func problemSentence(reason, lang string) string {
	r := strings.TrimSpace(access.Reason(reason, lang))
	if r == "" {
		return r
	}
	subject := "Dit "
	if lang == "en" {
		subject = "This "
	}
	first, _, _ := strings.Cut(r, " ")
	switch first {
	case "is", "moet", "mag", "heeft", "must", "may", "needs", "cannot", "has":
		r = subject + r
	default:
		rs := []rune(r)
		r = string(unicode.ToUpper(rs[0])) + string(rs[1:])
	}
	if !strings.ContainsAny(r[len(r)-1:], ".!?:") {
		r += "."
	}
	return r
}

// stakeholderForm reads the person form.
func stakeholderForm(t tr, f *form) graph.Stakeholder {
	c := checker{t, f}
	s := graph.Stakeholder{
		ID:        c.id("id"),
		Name:      c.text("name", graph.MaxShortText, false, true),
		Kind:      c.enum("kind", "kind", true),
		Title:     c.text("title", graph.MaxShortText, false, false),
		Unit:      c.text("unit", graph.MaxShortText, false, false),
		Level:     c.enum("level", "level", true),
		Influence: c.scale("influence", true),
		Interest:  c.scale("interest", true),
		Attitude:  c.enum("attitude", "attitude", true),
		Notes:     c.text("notes", graph.MaxLongText, true, false),
	}
	if v := strings.TrimSpace(f.V("contactEvery")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 365 {
			c.bad("contactEvery", t.T("p.days"))
		}
		s.ContactEvery = n
	}
	for tag := range strings.SplitSeq(f.V("tags"), ",") {
		if tag = strings.TrimSpace(tag); tag != "" && !slices.Contains(s.Tags, tag) {
			s.Tags = append(s.Tags, tag)
		}
	}
	for _, tag := range s.Tags {
		if graph.TextProblem(tag, graph.MaxTagText, false) != "" {
			c.bad("tags", t.T("p.toolong", utf8.RuneCountInString(tag), graph.MaxTagText))
		}
	}
	if len(s.Tags) > graph.MaxTags {
		c.bad("tags", t.T("p.toolong", len(s.Tags), graph.MaxTags))
	}
	return s
}

// stakeholderValues fills a form with a stored person, for editing.
func stakeholderValues(p graph.Stakeholder, version int64) *form {
	f := newForm()
	f.Values = map[string]string{
		"id": p.ID, "name": p.Name, "kind": p.Kind, "title": p.Title, "unit": p.Unit, "level": p.Level,
		"influence": strconv.Itoa(p.Influence), "interest": strconv.Itoa(p.Interest), "attitude": p.Attitude,
		"notes": p.Notes, "tags": strings.Join(p.Tags, ", "), "version": strconv.FormatInt(version, 10),
	}
	if p.ContactEvery > 0 {
		f.Values["contactEvery"] = strconv.Itoa(p.ContactEvery)
	}
	return f
}

// trajectoryForm reads the trajectory form.
func trajectoryForm(t tr, f *form) graph.Trajectory {
	c := checker{t, f}
	return graph.Trajectory{
		ID:       c.id("id"),
		Name:     c.text("name", graph.MaxShortText, false, true),
		Purpose:  c.text("purpose", graph.MaxLongText, true, false),
		Status:   c.enum("status", "status", true),
		Start:    c.date("start", false),
		End:      c.date("end", false),
		ReviewBy: c.date("reviewBy", false),
		Measure:  c.text("measure", graph.MaxLongText, true, false),
	}
}

func trajectoryValues(t tr, x graph.Trajectory, version int64) *form {
	f := newForm()
	f.Values = map[string]string{
		"id": x.ID, "name": x.Name, "purpose": x.Purpose, "status": x.Status, "start": t.Date(x.Start),
		"end": t.Date(x.End), "reviewBy": t.Date(x.ReviewBy), "measure": x.Measure,
		"version": strconv.FormatInt(version, 10),
	}
	return f
}

// version reads the hidden version field: the version the person's edit
// is based on, so that a change made meanwhile is never overwritten.
func version(f *form) int64 {
	n, err := strconv.ParseInt(f.V("version"), 10, 64)
	if err != nil || n < 1 {
		return -1 // never current: a form without a version cannot overwrite
	}
	return n
}
