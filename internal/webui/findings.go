package webui

import (
	"net/http"
	"net/url"
	"slices"

	"github.com/stakemap/stakemap/graph"
)

// findingView is a finding as the pages show it: most severe first, with
// a link to the place where it is fixed.
type findingView struct {
	graph.Finding
	Label, SeverityLabel, SubjectName, Fix, FixLabel string
	// Who tells apart a person the finding is about from another with
	// the same name (their title and unit), or is "".
	Who string
}

// findingGroup is the findings of one group, ordered by severity.
type findingGroup struct {
	Group, Label string
	List         []findingView
}

// fixFor says where a finding is fixed: a missing sponsor on the
// trajectory's roles panel, an overdue contact in the contact form with the
// person filled in, an invisible unit in the register filtered by it.
func fixFor(v *view, d *wsData, f graph.Finding) string {
	switch f.Code {
	case graph.CodeMissingSponsor, graph.CodeMissingOwner, graph.CodeMissingLearnerVoice,
		graph.CodeSponsorWithoutMandate, graph.CodeSingleOwner, graph.CodeOpposedOwner, graph.CodeWeakSponsor:
		return v.U("trajectories", f.Subject) + "#roles"
	case graph.CodeNoImpactMeasure, graph.CodeReviewOverdue:
		return v.U("trajectories", f.Subject) + "#details"
	case graph.CodeNoStrategicGoal:
		return v.U("trajectories", f.Subject) + "#goals"
	case graph.CodeBlocked:
		return v.U("trajectories", f.Subject) + "#dependencies"
	case graph.CodeDependencyCycle:
		return v.U("trajectories", f.Subject) + "#dependencies"
	case graph.CodeResultsNotShared:
		return v.U("contacts") + "?" + url.Values{"about": {f.Subject}, "resultsShared": {"on"}}.Encode()
	case graph.CodeUnengagedKeyStakeholder, graph.CodeContactDue:
		// The id, not the name: two people may share a name, and the
		// contact form shows the id as the person's label.
		return v.U("contacts") + "?" + url.Values{"with": {f.Subject}}.Encode()
	case graph.CodeAttitudeUnknown:
		return v.U("stakeholders", f.Subject) + "#details"
	case graph.CodeInvisibleUnit:
		return v.U("stakeholders") + "?" + url.Values{"unit": {f.Subject}}.Encode()
	case graph.CodeGoalWithoutTrajectory:
		return v.U("trajectories")
	}
	return ""
}

func viewFindings(v *view, d *wsData, fs []graph.Finding) []findingView {
	sorted := slices.Clone(fs)
	graph.SortFindingsBySeverity(sorted)
	out := make([]findingView, len(sorted))
	for i, f := range sorted {
		f.Severity = graph.SeverityOf(f.Code)
		out[i] = findingView{Finding: f, Label: v.Enum("code", f.Code), SeverityLabel: v.T("sev." + f.Severity),
			SubjectName: d.Label(f.Subject), FixLabel: v.T("fix")}
		if v.CanEdit {
			out[i].Fix = fixFor(v, d, f)
		}
		if out[i].SubjectName != d.Name(f.Subject) {
			out[i].Who = out[i].SubjectName
		}
	}
	return out
}

// groupFindings splits findings into the three groups of the contract, in
// the contract's order, each most severe first.
func groupFindings(v *view, d *wsData, fs []graph.Finding) []findingGroup {
	all := viewFindings(v, d, fs)
	out := make([]findingGroup, 0, len(graph.Groups))
	for _, g := range graph.Groups {
		grp := findingGroup{Group: g, Label: v.T("grp." + g)}
		for _, f := range all {
			if graph.CodeGroups[f.Code] == g {
				grp.List = append(grp.List, f)
			}
		}
		out = append(out, grp)
	}
	return out
}

type findingsData struct {
	Groups []findingGroup
	Total  int
}

func (s *Server) findingsPage(w http.ResponseWriter, r *http.Request, v *view) {
	d, fs, err := s.loadFindings(r.Context(), v)
	if err != nil {
		s.fail(w, v, err)
		return
	}
	v.Title, v.Nav = v.T("fi.title"), "findings"
	v.Data = findingsData{Groups: groupFindings(v, d, fs), Total: len(fs)}
	s.render(w, v, "findings", http.StatusOK)
}
