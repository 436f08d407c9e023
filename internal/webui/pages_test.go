package webui_test

import (
	"net/http"
	"testing"

	"github.com/stakemap/stakemap/internal/demo"
)

// TestEveryPageRenders opens every page of the demo workspace in Dutch and
// English and checks the labels a person reads there.
func TestEveryPageRenders(t *testing.T) {
	e := newEnv(t)
	ws := "/w/" + demo.ID
	traj := e.demo.Trajectories[0]
	person := e.demo.Stakeholders[0]
	pages := []struct {
		path   string
		nl, en []string
	}{
		{ws, []string{"Overzicht", "Bevindingen", "Gedeeld eigenaarschap", "Alle trajecten"}, []string{"Overview", "Findings", "Co-ownership", "All trajectories"}},
		{ws + "/stakeholders", []string{"Register van belanghebbenden", "Naam", "Functie", "Afdeling", "Niveau", "Invloed", "Belang", "Houding", "Laatste contact"}, []string{"Stakeholder register", "Name", "Title", "Unit", "Level", "Influence", "Interest", "Attitude", "Last contact"}},
		{ws + "/stakeholders/new", []string{"Nieuwe belanghebbende", "Opslaan"}, []string{"New stakeholder", "Save"}},
		{ws + "/stakeholders/" + person.ID, []string{person.Name, "Rollen op trajecten", "Rapportagelijn", "Opslaan"}, []string{"Roles on trajectories", "Reporting line", "Save"}},
		{ws + "/trajectories", []string{"Leertrajecten"}, []string{"Learning trajectories"}},
		{ws + "/trajectories/" + traj.ID, []string{traj.Name, "Macht-belangmatrix", "Rollen", "sponsor", "eigenaar", "lerende"}, []string{"Power–interest grid", "Roles", "owner", "learner"}},
		{ws + "/contacts", []string{"Datum", "Kanaal", "Met", "Over", "Samenvatting", "Resultaten gedeeld", "Opslaan"}, []string{"Date", "Channel", "With", "About", "Summary", "Results shared", "Save"}},
		{ws + "/findings", []string{"Bevindingen", "Zichtbaarheid"}, []string{"Findings", "Visibility"}},
		{ws + "/paths", []string{"Via wie bereik ik"}, []string{"Through whom do I reach"}},
		{ws + "/import", []string{"Importeren en exporteren"}, []string{"Import and export"}},
		{ws + "/settings", []string{"Instellingen van de werkruimte", "L&amp;D-afdeling"}, []string{"Workspace settings", "L&amp;D unit"}},
	}
	nl, en := e.signIn(adminMail), e.signIn(adminMail)
	expect(t, en.post("/lang", map[string][]string{"lang": {"en"}, "next": {"/"}}), http.StatusSeeOther)
	for _, p := range pages {
		t.Run(p.path, func(t *testing.T) {
			expect(t, nl.get(p.path), http.StatusOK).has(t, p.nl...)
			r := expect(t, en.get(p.path), http.StatusOK)
			r.has(t, p.en...)
			r.has(t, `lang="en"`)
		})
	}
}
