package webui

import (
	"net/http"
	"slices"

	"github.com/stakemap/stakemap/graph"
)

type overviewData struct {
	Stakeholders, Trajectories, Active, Contacts, Findings int
	BySeverity                                             []severityCount
	Groups                                                 []findingGroup
	More                                                   []int
	Recent                                                 []contactView
	Trajs                                                  []trajView
}

type severityCount struct {
	Label string
	Sev   string
	N     int
}

// overviewPerGroup is how many findings of a group the overview shows; the
// findings page shows them all.
const overviewPerGroup = 8

func (s *Server) overview(w http.ResponseWriter, r *http.Request, v *view) {
	d, fs, err := s.loadFindings(r.Context(), v)
	if err != nil {
		s.fail(w, v, err)
		return
	}
	od := overviewData{Stakeholders: len(d.B.Stakeholders), Trajectories: len(d.B.Trajectories),
		Contacts: len(d.B.Engagements), Findings: len(fs)}
	for _, sev := range graph.Severities {
		n := 0
		for _, f := range fs {
			if graph.SeverityOf(f.Code) == sev {
				n++
			}
		}
		od.BySeverity = append(od.BySeverity, severityCount{Label: v.T("sev." + sev), Sev: sev, N: n})
	}
	od.Groups = groupFindings(v, d, fs)
	od.More = make([]int, len(od.Groups))
	for i := range od.Groups {
		if n := len(od.Groups[i].List); n > overviewPerGroup {
			od.More[i] = n - overviewPerGroup
			od.Groups[i].List = od.Groups[i].List[:overviewPerGroup]
		}
	}
	recent := make([]*graph.Engagement, 0, len(d.B.Engagements))
	for i := range d.B.Engagements {
		recent = append(recent, &d.B.Engagements[i])
	}
	slices.SortFunc(recent, newestFirst)
	for _, e := range recent[:min(6, len(recent))] {
		od.Recent = append(od.Recent, viewContact(v, d, e))
	}
	od.Trajs = viewTrajectories(v, d, fs)
	for _, t := range d.B.Trajectories {
		if graph.IsActive(t.Status) {
			od.Active++
		}
	}
	v.Title, v.Nav, v.Data = v.T("ov.title"), "overview", od
	s.render(w, v, "overview", http.StatusOK)
}
