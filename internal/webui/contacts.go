package webui

import (
	"errors"
	"net/http"
	"slices"
	"strconv"

	"github.com/stakemap/stakemap/graph"
)

type contactView struct {
	ID, Date, ChannelLabel, Summary string
	With, About                     []relRow
	ResultsShared                   bool
}

func viewContact(v *view, d *wsData, e *graph.Engagement) contactView {
	c := contactView{ID: e.ID, Date: v.Date(e.Date), ChannelLabel: v.Enum("channel", e.Channel), Summary: e.Summary, ResultsShared: e.ResultsShared}
	for _, id := range e.With {
		c.With = append(c.With, relRow{ID: id, Name: d.Label(id)})
	}
	for _, id := range e.About {
		c.About = append(c.About, relRow{ID: id, Name: d.Name(id)})
	}
	return c
}

type contactData struct {
	Recent            []contactView
	People, TrajNames []string
}

// contactPage shows the contact form, today's date filled in, and the
// latest contacts. ?with= and ?about= fill in names, so that a finding or
// a person's page can link straight to the right form.
func (s *Server) contactPage(w http.ResponseWriter, r *http.Request, v *view) {
	d, err := s.load(r.Context(), v.WS.ID)
	if err != nil {
		s.fail(w, v, err)
		return
	}
	f := newForm()
	q := r.URL.Query()
	// Links carry ids (names can be shared); the form shows the labels
	// people recognise, which it reads back as the same people.
	f.Values = map[string]string{"date": v.Date(v.Today), "channel": "meeting", "with": d.labelList(q.Get("with")),
		"about": d.labelList(q.Get("about")), "resultsShared": q.Get("resultsShared")}
	s.showContacts(w, r, v, f, http.StatusOK)
}

// contactsShown is how many of the latest contacts the page lists.
const contactsShown = 20

func (s *Server) showContacts(w http.ResponseWriter, r *http.Request, v *view, f *form, status int) {
	d, err := s.load(r.Context(), v.WS.ID)
	if err != nil {
		s.fail(w, v, err)
		return
	}
	cd := contactData{People: peopleNames(d), TrajNames: d.namesOf(graph.KindTrajectory)}
	es := make([]*graph.Engagement, 0, len(d.B.Engagements))
	for i := range d.B.Engagements {
		es = append(es, &d.B.Engagements[i])
	}
	slices.SortFunc(es, newestFirst)
	for _, e := range es[:min(contactsShown, len(es))] {
		cd.Recent = append(cd.Recent, viewContact(v, d, e))
	}
	v.Title, v.Nav, v.Data = v.T("c.title"), "contacts", cd
	v.Forms = map[string]*form{"contact": f}
	s.render(w, v, "contacts", status)
}

// contactSave logs a contact and goes to the overview, where the findings
// it settles are gone; the overview says how many it settled.
func (s *Server) contactSave(w http.ResponseWriter, r *http.Request, v *view) {
	ctx := r.Context()
	f, d, ok := s.postedLoad(w, r, v)
	if !ok {
		return
	}
	c := checker{v.tr, f}
	e := graph.Engagement{
		Date:          c.date("date", true),
		Channel:       c.enum("channel", "channel", true),
		Summary:       c.text("summary", graph.MaxLongText, true, false),
		ResultsShared: f.Checked("resultsShared"),
	}
	var problem string
	if e.With, problem = d.resolveList(v.tr, f.V("with"), graph.KindStakeholder); problem != "" {
		c.bad("with", problem)
	} else if len(e.With) == 0 {
		c.bad("with", v.T("p.required"))
	}
	if e.About, problem = d.resolveList(v.tr, f.V("about"), graph.KindTrajectory); problem != "" {
		c.bad("about", problem)
	}
	if f.Bad() {
		s.showContacts(w, r, v, f, refused)
		return
	}
	before, err := s.findings(ctx, v, d)
	if err != nil {
		s.fail(w, v, err)
		return
	}
	e.ID = graph.NewID("", e.Date, d.taken)
	if _, err := s.store.CreateNode(ctx, v.WS.ID, e); err != nil {
		switch {
		case errors.Is(err, graph.ErrConflict):
			f.Error = v.T("err.stale")
			s.showContacts(w, r, v, f, refused)
		case c.problems(err):
			s.showContacts(w, r, v, f, refused)
		default:
			s.fail(w, v, err)
		}
		return
	}
	// The workspace as written, read once: the overview this redirects
	// to finds it and its findings in the cache.
	_, now, err := s.loadFindings(ctx, v)
	if err != nil {
		s.fail(w, v, err)
		return
	}
	settled := 0
	for _, b := range before {
		if !slices.ContainsFunc(now, func(a graph.Finding) bool {
			return a.Code == b.Code && a.Subject == b.Subject && slices.Equal(a.Related, b.Related)
		}) {
			settled++
		}
	}
	seeOther(w, r, withFlash(v.U(), "ov.logged")+"&settled="+strconv.Itoa(settled))
}
