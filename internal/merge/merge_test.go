package merge_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/bundle"
	"github.com/stakemap/stakemap/internal/merge"
)

// files makes a CSV folder of name, content pairs.
func files(pairs ...string) fstest.MapFS {
	fsys := fstest.MapFS{}
	for i := 0; i+1 < len(pairs); i += 2 {
		fsys[pairs[i]] = &fstest.MapFile{Data: []byte(pairs[i+1])}
	}
	return fsys
}

func input(t *testing.T, pairs ...string) *merge.Input {
	t.Helper()
	in, err := bundle.ReadInputFS(files(pairs...))
	if err != nil {
		t.Fatalf("ReadInputFS: %v", err)
	}
	return in
}

// workspace is what stakemap holds before the imports below.
func workspace(t *testing.T) *graph.Bundle {
	t.Helper()
	b, err := bundle.ReadCSVFS(files(
		"workspace.csv", "id,name,language\nw,W,nl\n",
		"stakeholders.csv", "id,name,level,influence,interest,attitude,notes\n"+
			"jan,Jan de Vries,executive,5,3,neutral,\n"+
			"piet,Piet Jansen,management,3,4,supporter,belt liever\n"+
			"els,Els Bakker,employee,2,5,champion,\n",
		"trajectories.csv", "id,name,status\nai,AI basis,running\nlead,Leiderschap,planned\n",
		"stakes.csv", "stakeholder,trajectory,role\njan,ai,sponsor\npiet,ai,owner\nels,lead,learner\n",
		"reportsTo.csv", "from,to\nels,piet\npiet,jan\n",
		"engagements.csv", "id,date,channel,with,about\nc1,2026-09-12,meeting,jan; piet,ai\n",
	), bundle.Options{})
	if err != nil {
		t.Fatalf("workspace: %v", err)
	}
	return b
}

func build(t *testing.T, current *graph.Bundle, in *merge.Input, opt merge.Options) *merge.Plan {
	t.Helper()
	if opt.Mode == "" {
		opt.Mode = merge.ModeMerge
	}
	p, err := merge.Build(current, in, opt)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	return p
}

func stakeholder(t *testing.T, b *graph.Bundle, id string) graph.Stakeholder {
	t.Helper()
	for _, s := range b.Stakeholders {
		if s.ID == id {
			return s
		}
	}
	t.Fatalf("no stakeholder %s in %v", id, b.Stakeholders)
	return graph.Stakeholder{}
}

func stakeKeys(b *graph.Bundle) []string {
	var out []string
	for _, s := range b.Stakes {
		out = append(out, s.Stakeholder+"/"+s.Trajectory+"/"+s.Role)
	}
	return out
}

func TestIDsFromNames(t *testing.T) {
	in := input(t,
		"werkruimte.csv", "ID;Naam\nz;Zandvoorde\n",
		"belanghebbenden.csv", "Naam;Niveau;Invloed;Belang\nJan de Vries;directie;5;3\nJan de Vries;medewerker;1;2\nDr. Anouk Brouwer-Smit;directie;4;5\n",
		"trajecten.csv", "Naam;Status\nAI basis;lopend\n",
		"rollen.csv", "Belanghebbende;Traject;Rol\nDR. ANOUK brouwer smit;ai basis;sponsor\n")
	p := build(t, nil, in, merge.Options{Mode: merge.ModeReplace})
	var ids []string
	for _, s := range p.Bundle.Stakeholders {
		ids = append(ids, s.ID)
	}
	if want := []string{"dr-anouk-brouwer-smit", "jan-de-vries", "jan-de-vries-2"}; !slices.Equal(ids, want) {
		t.Fatalf("ids %v, want %v", ids, want)
	}
	if got := stakeKeys(p.Bundle); !slices.Equal(got, []string{"dr-anouk-brouwer-smit/ai-basis/sponsor"}) {
		t.Fatalf("stakes %v", got)
	}
}

func TestNamesThatDoNotResolve(t *testing.T) {
	in := input(t,
		"werkruimte.csv", "ID;Naam\nz;Zandvoorde\n",
		"belanghebbenden.csv", "Naam;Niveau;Invloed;Belang\nJan de Vries;directie;5;3\nJan de Vries;medewerker;1;2\nPeter Janssen;management;3;3\n",
		"trajecten.csv", "Naam\nAI basis\n",
		"rollen.csv", "Belanghebbende;Traject;Rol\nJan de Vries;AI basis;sponsor\nPeter Jansen;AI basis;eigenaar\nPeter Janssen;AI;eigenaar\n")
	_, err := merge.Build(nil, in, merge.Options{Mode: merge.ModeReplace})
	ve, ok := errors.AsType[*graph.ValidationError](err)
	if !ok {
		t.Fatalf("Build = %v, want a validation error", err)
	}
	want := []graph.Problem{
		{Entry: "rollen.csv rij 2", Field: "kolom Belanghebbende", Value: "Jan de Vries"},
		{Entry: "rollen.csv rij 3", Field: "kolom Belanghebbende", Value: "Peter Jansen"},
		{Entry: "rollen.csv rij 4", Field: "kolom Traject", Value: "AI"},
	}
	if len(ve.Problems) != len(want) {
		t.Fatalf("problems:\n%v\nwant %d", err, len(want))
	}
	for i, w := range want {
		g := ve.Problems[i]
		if g.Entry != w.Entry || g.Field != w.Field || g.Value != w.Value {
			t.Errorf("problem %d = %s, want %s %s %q", i, g, w.Entry, w.Field, w.Value)
		}
	}
	if r := ve.Problems[0].Reason; !strings.Contains(r, "jan-de-vries") || !strings.Contains(r, "jan-de-vries-2") {
		t.Errorf("ambiguous name: %q does not name both candidates", r)
	}
	if r := ve.Problems[1].Reason; !strings.Contains(r, `bedoelt u "Peter Janssen"?`) {
		t.Errorf("unknown name: %q does not suggest Peter Janssen", r)
	}
}

func TestMerge(t *testing.T) {
	tests := []struct {
		name  string
		files []string
		opt   merge.Options
		check func(t *testing.T, before, after *graph.Bundle)
	}{
		{"matches by name and adds, removes nothing", []string{
			"belanghebbenden.csv", "Naam;Houding;Functie;Notities;Niveau;Invloed;Belang\npiet jansen;kampioen;Manager;;;;\nNoor Visser;;;nieuw;medewerker;2;2\n",
		}, merge.Options{}, func(t *testing.T, before, after *graph.Bundle) {
			p := stakeholder(t, after, "piet")
			if p.Attitude != "champion" || p.Title != "Manager" || p.Notes != "belt liever" || p.Influence != 3 {
				t.Errorf("piet merged wrongly: %+v (an empty cell must not clear notes)", p)
			}
			if len(after.Stakeholders) != 4 || stakeholder(t, after, "noor-visser").Notes != "nieuw" {
				t.Errorf("stakeholders %v", after.Stakeholders)
			}
			if len(after.Stakes) != 3 || len(after.Engagements) != 1 {
				t.Errorf("merge removed something: %v", stakeKeys(after))
			}
		}},
		{"a roles sheet decides the roles of the pairs it names", []string{
			"rollen.csv", "Belanghebbende;Traject;Rol\nJan de Vries;AI basis;eigenaar\nEls Bakker;AI basis;lerende\n",
		}, merge.Options{}, func(t *testing.T, before, after *graph.Bundle) {
			want := []string{"els/ai/learner", "els/lead/learner", "jan/ai/owner", "piet/ai/owner"}
			if got := stakeKeys(after); !slices.Equal(got, want) {
				t.Errorf("stakes %v, want %v", got, want)
			}
		}},
		{"a hierarchy sheet decides the managers of the people it names", []string{
			"hierarchie.csv", "Medewerker;Leidinggevende\nEls Bakker;Jan de Vries\n",
		}, merge.Options{}, func(t *testing.T, before, after *graph.Bundle) {
			if len(after.ReportsTo) != 2 || after.ReportsTo[0] != (graph.ReportsTo{From: "els", To: "jan"}) || after.ReportsTo[1] != (graph.ReportsTo{From: "piet", To: "jan"}) {
				t.Errorf("reportsTo %v", after.ReportsTo)
			}
		}},
		{"contact rows without an id match by date, people and channel", []string{
			"contactmomenten.csv", "Datum;Kanaal;Met;Over;Samenvatting\n12-9-2026;overleg;\"Piet Jansen; Jan de Vries\";ai;besproken\n13-9-2026;overleg;Jan de Vries;;nieuw\n",
		}, merge.Options{}, func(t *testing.T, before, after *graph.Bundle) {
			if len(after.Engagements) != 2 || after.Engagements[1].ID != "c1" || after.Engagements[1].Summary != "besproken" || after.Engagements[0].ID != "2026-09-13" {
				t.Errorf("engagements %+v", after.Engagements)
			}
		}},
		{"prune removes what the sheets lack, and what pointed at it", []string{
			"belanghebbenden.csv", "ID;Naam\njan;Jan de Vries\npiet;Piet Jansen\n",
		}, merge.Options{Prune: true}, func(t *testing.T, before, after *graph.Bundle) {
			if len(after.Stakeholders) != 2 || len(after.Trajectories) != 2 {
				t.Errorf("pruned wrongly: %v, %v", after.Stakeholders, after.Trajectories)
			}
			want := []string{"jan/ai/sponsor", "piet/ai/owner"}
			if got := stakeKeys(after); !slices.Equal(got, want) || len(after.ReportsTo) != 1 {
				t.Errorf("cascade: stakes %v, reportsTo %v", got, after.ReportsTo)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := workspace(t)
			p := build(t, before, input(t, tt.files...), tt.opt)
			tt.check(t, before, p.Bundle)
			if len(p.Conflicts) != 0 {
				t.Errorf("conflicts without a base: %v", p.Conflicts)
			}
		})
	}
}

// TestMergeAgainstBase merges an edited export against the values it was
// exported with: a field the sheet left alone keeps stakemap's newer
// value; a field changed on both sides is a conflict.
func TestMergeAgainstBase(t *testing.T) {
	exported := workspace(t)
	in := input(t, "belanghebbenden.csv", "ID;Naam;Niveau;Invloed;Belang;Houding;Notities\n"+
		"jan;Jan de Vries;directie;4;3;neutraal;\n"+ // influence 5 → 4 in the sheet
		"piet;Piet Jansen;management;3;4;voorstander;belt liever\n"+ // as exported
		"els;Els Bakker;medewerker;2;5;criticus;\n") // attitude changed in the sheet
	in.Base = exported
	now := exported.Clone()
	for i := range now.Stakeholders {
		switch now.Stakeholders[i].ID {
		case "jan":
			now.Stakeholders[i].Influence = 2 // changed in stakemap too: a conflict
		case "piet":
			now.Stakeholders[i].Notes = "belt liever niet" // changed in stakemap only: kept
		case "els":
			now.Stakeholders[i].Influence = 2
		}
	}
	for _, tt := range []struct {
		prefer  string
		jan     int
		written bool
	}{{"", 2, false}, {merge.PreferStakemap, 2, true}, {merge.PreferSheet, 4, true}} {
		t.Run("prefer="+tt.prefer, func(t *testing.T) {
			p := build(t, now, in, merge.Options{Prefer: tt.prefer})
			if len(p.Conflicts) != 1 {
				t.Fatalf("conflicts %+v, want one", p.Conflicts)
			}
			c := p.Conflicts[0]
			if c.Kind != "stakeholder" || c.ID != "jan" || c.Field != "influence" || string(c.Base) != "5" || string(c.Sheet) != "4" || string(c.Stakemap) != "2" || c.Row != "belanghebbenden.csv rij 2" {
				t.Errorf("conflict %+v", c)
			}
			if got := stakeholder(t, p.Bundle, "jan").Influence; got != tt.jan {
				t.Errorf("jan's influence %d, want %d", got, tt.jan)
			}
			if got := stakeholder(t, p.Bundle, "piet").Notes; got != "belt liever niet" {
				t.Errorf("piet's notes %q: an edit made in stakemap was undone", got)
			}
			if got := stakeholder(t, p.Bundle, "els").Attitude; got != "critic" {
				t.Errorf("els's attitude %q: the sheet's change was lost", got)
			}
		})
	}
}

func TestMergeAgainstBaseRemovals(t *testing.T) {
	exported := workspace(t)
	now := exported.Clone()
	now.Stakeholders = append(now.Stakeholders, graph.Stakeholder{ID: "new", Name: "Nieuw", Level: "employee", Influence: 1, Interest: 1})
	now.Stakeholders = slices.DeleteFunc(now.Stakeholders, func(s graph.Stakeholder) bool { return s.ID == "els" })
	now.Stakes = slices.DeleteFunc(now.Stakes, func(s graph.Stake) bool { return s.Stakeholder == "els" })
	now.ReportsTo = slices.DeleteFunc(now.ReportsTo, func(r graph.ReportsTo) bool { return r.From == "els" })
	// The sheet lacks piet (deleted in the sheet) and still has els as
	// exported (deleted in stakemap since).
	in := input(t, "belanghebbenden.csv", "ID;Naam;Niveau;Invloed;Belang;Houding\n"+
		"jan;Jan de Vries;directie;5;3;neutraal\nels;Els Bakker;medewerker;2;5;kampioen\n")
	in.Base = exported
	p := build(t, now, in, merge.Options{Prune: true})
	var ids []string
	for _, s := range p.Bundle.Stakeholders {
		ids = append(ids, s.ID)
	}
	// piet goes (deleted in the sheet), els stays deleted, new stays (the
	// workbook never saw it).
	if want := []string{"jan", "new"}; !slices.Equal(ids, want) {
		t.Fatalf("stakeholders %v, want %v", ids, want)
	}
	if len(p.Conflicts) != 0 {
		t.Fatalf("conflicts %+v", p.Conflicts)
	}
}

func TestReplaceIgnoresStakemap(t *testing.T) {
	in := input(t, "werkruimte.csv", "ID;Naam\nw;W\n", "belanghebbenden.csv", "Naam;Niveau;Invloed;Belang\nPiet Jansen;management;3;4\n")
	p := build(t, workspace(t), in, merge.Options{Mode: merge.ModeReplace})
	if len(p.Bundle.Stakeholders) != 1 || p.Bundle.Stakeholders[0].ID != "piet" || len(p.Bundle.Trajectories) != 0 {
		t.Fatalf("replace gave %+v (a row without id keeps the id of the node of its name)", p.Bundle.Stakeholders)
	}
}

func TestOptionsCheck(t *testing.T) {
	for _, o := range []merge.Options{{Mode: "upsert"}, {Mode: merge.ModeMerge, Prefer: "mine"}, {Mode: merge.ModeReplace, Prune: true}} {
		if err := o.Check(); !errors.Is(err, graph.ErrInvalid) {
			t.Errorf("Check(%+v) = %v, want ErrInvalid", o, err)
		}
	}
}

// TestEveryValidationReasonIsTranslated keeps the Dutch translations in
// step with graph's validation: every reason it gives for a sheet row of a
// Dutch sheet must come out in Dutch.
func TestEveryValidationReasonIsTranslated(t *testing.T) {
	long := strings.Repeat("x", graph.MaxShortText+1)
	in := input(t,
		"werkruimte.csv", "ID;Naam\nw;W\n",
		"belanghebbenden.csv", "ID;Naam;Niveau;Invloed;Belang;Contact elke (dagen);Labels;Functie\n"+
			"a;A;bestuur;9;3;400;;"+long+"\nb;B\u202e;bestuur;3;3;;;\nBad Id;C;bestuur;3;3;;;\nt;Dubbel;bestuur;3;3;;;\nctl;D\x01;bestuur;3;3;;;\n",
		"trajecten.csv", "ID;Naam;Begin;Einde\nt;T;2026-05-01;2026-04-01\nu;;;\n",
		"invloed.csv", "Van;Op;Sterkte\na;a;2\n",
		"hierarchie.csv", "Medewerker;Leidinggevende\nb;b\n",
		"afhankelijkheden.csv", "Traject;Hangt af van\nu;u\n",
		"contactmomenten.csv", "ID;Datum;Met;Over\ne;2026-01-01;\"a; a\";a\n",
	)
	_, err := merge.Build(nil, in, merge.Options{Mode: merge.ModeReplace})
	ve, ok := errors.AsType[*graph.ValidationError](err)
	if !ok {
		t.Fatalf("Build = %v", err)
	}
	english := []string{"must", "refers to", "contains a", "already used", "is required", "is not", "is the same", "duplicates", "is before", "at most", "characters", "listed twice"}
	for _, p := range ve.Problems {
		for _, e := range english {
			if strings.Contains(p.Reason, e) {
				t.Errorf("untranslated (%q): %s", e, p)
			}
		}
	}
	if len(ve.Problems) < 12 {
		t.Errorf("only %d problems; the test input should break more rules:\n%v", len(ve.Problems), err)
	}
}
