package webui

import (
	"time"

	"github.com/stakemap/stakemap/graph"
)

// rhythmView is a person's contact rhythm as their page shows it: the last
// contact, and for someone with a rhythm (contactEvery) the day the next
// one is due, counted as the contact-due finding and the calendar feed
// count it (the last contact on or before today plus N days; today when
// there was none).
type rhythmView struct {
	Last, Next string
	Every      int
	Due        bool
}

func rhythmOf(v *view, d *wsData, p *graph.Stakeholder) rhythmView {
	var last string
	for _, e := range d.contactsOf[p.ID] { // newest first
		if e.Date <= v.Today {
			last = e.Date
			break
		}
	}
	r := rhythmView{Last: v.Date(last), Every: p.ContactEvery}
	if p.ContactEvery <= 0 {
		return r
	}
	next := v.Today
	if t, err := time.Parse(time.DateOnly, last); err == nil {
		next = t.AddDate(0, 0, p.ContactEvery).Format(time.DateOnly)
	}
	r.Next, r.Due = v.Date(next), last == "" || next < v.Today
	return r
}
