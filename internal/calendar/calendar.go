// Package calendar writes a workspace's contact rhythm and trajectory
// reviews as an iCalendar feed (RFC 5545) that Outlook, Google Calendar
// and Apple Calendar can subscribe to: one all-day event per stakeholder
// whose contact (contactEvery) falls due, and one per active trajectory's
// review date.
package calendar

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/locale"
)

// Options shape a feed.
type Options struct {
	// AsOf is the day the feed is made for: the last contact counted is on
	// or before it, and a contact never had is due on it. Zero: today, UTC.
	AsOf time.Time
	// Stamp is the DTSTAMP of every event; zero: now.
	Stamp time.Time
	// Names puts people's names in the events; otherwise they are named by
	// title and unit, because the calendar provider fetches the feed and
	// keeps a copy.
	Names bool
	// Lang is nl or en; empty: the workspace's language.
	Lang string
}

// Event is one entry of the feed, before it is written.
type Event struct {
	UID         string
	Date        time.Time // an all-day event on this date
	Summary     string
	Description string
}

// Events lists the feed's entries in date order, then by UID.
func Events(b *graph.Bundle, o Options) []Event {
	o = o.normalize(b)
	nl := o.Lang != graph.LangEN
	t := func(dutch, english string) string {
		if nl {
			return dutch
		}
		return english
	}
	last := map[string]string{}
	asOf := o.AsOf.Format(time.DateOnly)
	for _, e := range b.Engagements {
		if e.Date > asOf {
			continue
		}
		for _, id := range e.With {
			if e.Date > last[id] {
				last[id] = e.Date
			}
		}
	}
	var out []Event
	for _, s := range b.Stakeholders {
		if s.ContactEvery <= 0 {
			continue
		}
		due := o.AsOf
		desc := t("Nog geen contact vastgelegd", "No contact logged yet")
		if l, ok := last[s.ID]; ok {
			if d, err := time.Parse(time.DateOnly, l); err == nil {
				due = d.AddDate(0, 0, s.ContactEvery)
				desc = t("Laatste contact ", "Last contact ") + locale.Date(o.Lang, l)
			}
		}
		desc += fmt.Sprintf(t("; contact elke %d dagen", "; contact every %d days"), s.ContactEvery)
		out = append(out, Event{
			UID:         uid(b.Workspace.ID, "contact", s.ID),
			Date:        due,
			Summary:     t("Contact: ", "Contact: ") + label(s, o.Names),
			Description: desc,
		})
	}
	for _, tr := range b.Trajectories {
		if tr.ReviewBy == "" || (tr.Status != "planned" && tr.Status != "running") {
			continue
		}
		d, err := time.Parse(time.DateOnly, tr.ReviewBy)
		if err != nil {
			continue
		}
		out = append(out, Event{
			UID:         uid(b.Workspace.ID, "review", tr.ID),
			Date:        d,
			Summary:     t("Review leertraject: ", "Trajectory review: ") + tr.Name,
			Description: tr.Purpose,
		})
	}
	// What is overdue moves to the feed's day, saying since when: a
	// calendar shows today and what is coming, and an event left on its
	// past date is never seen. The provider refetches the feed, so it
	// moves along until it is done.
	for i, e := range out {
		if e.Date.Before(o.AsOf) {
			out[i].Summary = t("Achterstallig — ", "Overdue — ") + e.Summary
			since := t("Was aan de beurt op ", "Was due on ") + locale.Date(o.Lang, e.Date.Format(time.DateOnly))
			out[i].Description = strings.TrimSuffix(since+". "+e.Description, " ")
			out[i].Date = o.AsOf
		}
	}
	slices.SortFunc(out, func(a, b Event) int {
		if c := a.Date.Compare(b.Date); c != 0 {
			return c
		}
		return strings.Compare(a.UID, b.UID)
	})
	return out
}

func (o Options) normalize(b *graph.Bundle) Options {
	if o.AsOf.IsZero() {
		o.AsOf = time.Now()
	}
	y, m, d := o.AsOf.UTC().Date()
	o.AsOf = time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	if o.Stamp.IsZero() {
		o.Stamp = time.Now()
	}
	if o.Lang == "" {
		o.Lang = b.Workspace.Language
	}
	return o
}

// label names a stakeholder: by name when asked, else by title and unit
// (or level), never by id, for ids are often made from names.
func label(s graph.Stakeholder, names bool) string {
	if names {
		return s.Name
	}
	var parts []string
	if s.Title != "" {
		parts = append(parts, s.Title)
	}
	if s.Unit != "" {
		parts = append(parts, s.Unit)
	}
	if len(parts) == 0 {
		return "stakeholder (" + s.Level + ")"
	}
	return strings.Join(parts, ", ")
}

// uid is stable for the same entry, so a calendar updates an event whose
// date moves, and opaque, so it does not carry the id (often a name).
func uid(ws, what, id string) string {
	h := sha256.Sum256([]byte(ws + "\x00" + what + "\x00" + id))
	return what + "-" + hex.EncodeToString(h[:12]) + "@stakemap"
}

// Feed writes the iCalendar document of the workspace.
func Feed(b *graph.Bundle, o Options) []byte {
	o = o.normalize(b)
	var w writer
	w.line("BEGIN:VCALENDAR")
	w.line("VERSION:2.0")
	w.line("PRODID:-//stakemap//stakemap//" + strings.ToUpper(o.Lang))
	w.line("CALSCALE:GREGORIAN")
	w.line("METHOD:PUBLISH")
	w.prop("X-WR-CALNAME", "stakemap: "+b.Workspace.Name)
	stamp := o.Stamp.UTC().Format("20060102T150405Z")
	for _, e := range Events(b, o) {
		w.line("BEGIN:VEVENT")
		w.line("UID:" + e.UID)
		w.line("DTSTAMP:" + stamp)
		w.line("DTSTART;VALUE=DATE:" + e.Date.Format("20060102"))
		w.line("DTEND;VALUE=DATE:" + e.Date.AddDate(0, 0, 1).Format("20060102"))
		w.prop("SUMMARY", e.Summary)
		if e.Description != "" {
			w.prop("DESCRIPTION", e.Description)
		}
		w.line("TRANSP:TRANSPARENT")
		w.line("END:VEVENT")
	}
	w.line("END:VCALENDAR")
	return w.buf.Bytes()
}

// writer writes content lines: CRLF-terminated, folded at 75 octets.
type writer struct{ buf bytes.Buffer }

func (w *writer) prop(name, text string) { w.line(name + ":" + Escape(text)) }

// line writes one content line, folded so that no physical line exceeds
// 75 octets, never inside a UTF-8 sequence (RFC 5545 §3.1).
func (w *writer) line(s string) {
	limit := 75
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		w.buf.WriteString(s[:cut])
		w.buf.WriteString("\r\n ")
		s = s[cut:]
		limit = 74 // the leading space counts
	}
	w.buf.WriteString(s)
	w.buf.WriteString("\r\n")
}

// Escape escapes a TEXT value (RFC 5545 §3.3.11): backslash, semicolon,
// comma and line breaks.
func Escape(s string) string {
	r := strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\r\n", `\n`, "\n", `\n`, "\r", `\n`)
	return r.Replace(s)
}
