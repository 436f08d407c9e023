package storetest

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"github.com/stakemap/stakemap/graph"
)

// Generate returns a valid, realistic workspace with the given numbers of
// stakeholders, trajectories and relationships, the same for the same
// arguments. It exercises every field and enum value of every kind (stake
// overrides, tags, notes, dates, enabler owners, engagements with shared
// results, dependency cycles, …), so tests and benchmarks of other
// packages meet the shapes real data has. (AddRhythms adds the second
// round's contact rhythms and L&D unit.) Goals, enablers and engagements are sized
// from the stakeholder and trajectory counts. The relationship count is met
// exactly unless the nodes allow fewer distinct relationships. The bundle
// is returned with defaults applied and in canonical order.
func Generate(seed int64, stakeholders, trajectories, relationships int) *graph.Bundle {
	g := generator{r: rand.New(rand.NewPCG(uint64(seed), 0x5eed57a4e)), seed: seed}
	return g.bundle(max(stakeholders, 0), max(trajectories, 0), max(relationships, 0))
}

type generator struct {
	r    *rand.Rand
	seed int64
	b    graph.Bundle
}

var (
	firstNames = []string{"Anouk", "Bram", "Chantal", "Daan", "Eva", "Femke", "Gijs", "Hanna", "Ilse", "Jeroen", "Kim", "Lotte", "Maarten", "Noor", "Olivier", "Pieter", "Roos", "Sanne", "Thijs", "Vera", "Willem", "Yara", "Zoë", "Alex", "Sam", "Priya", "Mohammed", "Fatima", "Emma", "Lucas"}
	lastNames  = []string{"de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker", "Brouwer", "de Wit", "Dijkstra", "Smits", "El Amrani", "Yılmaz", "Peeters", "Claes", "Janssens", "Maes"}
	unitNames  = []string{"Financiën", "HR", "IT", "Zorg", "Sociaal Domein", "Communicatie", "Inkoop", "Juridische Zaken", "Operations", "Sales", "Marketing", "Facilitair", "Klantcontact", "Ruimte", "Onderwijs", "Data & Analytics"}
	titles     = map[string][]string{
		"board":      {"Bestuurder", "Board member", "Voorzitter RvB", "Wethouder"},
		"executive":  {"CFO", "CIO", "Directeur", "Chief People Officer", "Gemeentesecretaris"},
		"management": {"Teamleider", "Afdelingshoofd", "Manager", "Programmamanager"},
		"employee":   {"Medewerker", "Adviseur", "Beleidsmedewerker", "Specialist", "Consulent"},
		"external":   {"Consultant", "Leverancier", "Ondernemingsraad", "Toezichthouder"},
	}
	topics   = []string{"AI-basisvaardigheden", "Leiderschap", "Feedbackcultuur", "Data-geletterdheid", "Klantgericht werken", "Onboarding", "Veilig werken", "Hybride samenwerken", "Projectmatig werken", "Duurzaamheid", "Inclusie", "Digitale weerbaarheid"}
	goalText = []string{"Digitale overheid", "Wendbare organisatie", "Goed werkgeverschap", "Financieel gezond", "Excellente dienstverlening", "Duurzame bedrijfsvoering", "Data-gedreven sturen", "Veilige organisatie"}
	tagWords = []string{"ai", "budget", "change", "key-user", "mentor", "or", "pilot", "sceptic", "union", "works-council"}
)

var baseDate = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func (g *generator) date(fromDays, toDays int) string {
	return baseDate.AddDate(0, 0, fromDays+g.r.IntN(toDays-fromDays+1)).Format(time.DateOnly)
}

func (g *generator) pick(xs []string) string { return xs[g.r.IntN(len(xs))] }

// chance reports true with probability p.
func (g *generator) chance(p float64) bool { return g.r.Float64() < p }

func idf(prefix string, n int) func(int) string {
	width := len(strconv.Itoa(n))
	return func(i int) string { return fmt.Sprintf("%s%0*d", prefix, width, i+1) }
}

func ptr(i int) *int { return &i }

func (g *generator) bundle(ns, nt, nr int) *graph.Bundle {
	g.b.Format = graph.Format
	lang := graph.LangNL
	if g.seed%2 != 0 {
		lang = graph.LangEN
	}
	g.b.Workspace = graph.Workspace{ID: "gen-" + strconv.FormatUint(uint64(g.seed), 36), Name: fmt.Sprintf("Generated organisation %d", g.seed), Language: lang}

	g.stakeholders(ns)
	g.trajectories(nt)
	ng, ne := 0, 0
	if nt > 0 {
		ng = max(1, min(nt/8, 200))
		ne = max(1, min(nt/4, 500))
	}
	g.goals(ng)
	g.enablers(ne)
	g.engagements(max(0, ns/4))
	g.relations(nr)

	b := &g.b
	b.ApplyDefaults()
	b.Canonicalize()
	return b
}

func (g *generator) stakeholders(n int) {
	id := idf("s", n)
	nUnits := max(1, min(len(unitNames)*4, n/40))
	units := make([]string, nUnits)
	for i := range units {
		units[i] = unitNames[i%len(unitNames)]
		if i >= len(unitNames) {
			units[i] += " " + strconv.Itoa(i/len(unitNames)+1)
		}
	}
	for i := range n {
		s := graph.Stakeholder{ID: id(i), Name: g.pick(firstNames) + " " + g.pick(lastNames)}
		// A realistic pyramid: few board members and executives, a layer of
		// managers, many employees, a margin of outsiders.
		switch p := g.r.Float64(); {
		case i == 0 || p < 0.01:
			s.Level, s.Kind = "board", "person"
		case p < 0.05:
			s.Level, s.Kind = "executive", "person"
		case p < 0.25:
			s.Level, s.Kind = "management", "person"
		case p < 0.92:
			s.Level, s.Kind = "employee", "person"
			if g.chance(0.05) {
				s.Kind = "group"
				s.Name = "Team " + g.pick(topics)
			}
		default:
			s.Level = "external"
			s.Kind = "external"
			if g.chance(0.3) {
				s.Kind = "unit"
				s.Name = "Afdeling " + g.pick(unitNames)
			}
		}
		if s.Kind == "person" && g.chance(0.95) {
			s.Title = g.pick(titles[s.Level])
		}
		if s.Level != "external" || g.chance(0.2) {
			s.Unit = units[g.r.IntN(len(units))]
		}
		base := map[string]int{"board": 5, "executive": 4, "management": 3, "employee": 2, "external": 2}[s.Level]
		s.Influence = min(5, max(1, base+g.r.IntN(3)-1))
		s.Interest = 1 + g.r.IntN(5)
		s.Attitude = graph.Attitudes[g.r.IntN(len(graph.Attitudes))]
		if g.chance(0.2) {
			s.Notes = "Gesprek gevoerd over " + g.pick(topics) + "; wil graag meedenken."
		}
		if g.chance(0.3) {
			tags := []string{g.pick(tagWords)}
			if g.chance(0.4) {
				tags = append(tags, g.pick(tagWords))
			}
			slices.Sort(tags)
			s.Tags = slices.Compact(tags)
		}
		g.b.Stakeholders = append(g.b.Stakeholders, s)
	}
}

// AddRhythms gives some of a generated bundle's insiders a contact rhythm
// (contactEvery) and the workspace an L&D unit (ldUnit), the same for the
// same seed. It is separate from Generate so that every bundle Generate
// made before these fields existed stays as it was.
func AddRhythms(b *graph.Bundle, seed int64) {
	r := rand.New(rand.NewPCG(uint64(seed), 0xc0ffee))
	every := []int{14, 30, 60, 90, 180, 365}
	for i := range b.Stakeholders {
		s := &b.Stakeholders[i]
		if s.Level != "external" && r.Float64() < 0.15 {
			s.ContactEvery = every[r.IntN(len(every))]
		}
		if b.Workspace.LDUnit == "" && s.Unit != "" && s.Level != "external" && r.Float64() < 0.5 {
			b.Workspace.LDUnit = s.Unit
		}
	}
}

func (g *generator) trajectories(n int) {
	id := idf("t", n)
	for i := range n {
		t := graph.Trajectory{ID: id(i), Name: g.pick(topics) + " " + strconv.Itoa(i+1)}
		t.Status = graph.TrajectoryStatus[g.r.IntN(len(graph.TrajectoryStatus))]
		if g.chance(0.7) {
			t.Purpose = "Medewerkers versterken in " + g.pick(topics)
		}
		if g.chance(0.8) {
			t.Start = g.date(-400, 200)
			if g.chance(0.8) {
				start, _ := time.Parse(time.DateOnly, t.Start)
				t.End = start.AddDate(0, 0, 30+g.r.IntN(300)).Format(time.DateOnly)
			}
		}
		if g.chance(0.6) {
			t.ReviewBy = g.date(-200, 300)
		}
		if g.chance(0.6) {
			t.Measure = "Gedragsverandering gemeten met 360-feedback na " + strconv.Itoa(3+g.r.IntN(9)) + " maanden"
		}
		g.b.Trajectories = append(g.b.Trajectories, t)
	}
}

func (g *generator) goals(n int) {
	id := idf("g", n)
	for i := range n {
		gl := graph.Goal{ID: id(i), Name: goalText[i%len(goalText)]}
		if i >= len(goalText) {
			gl.Name += " " + strconv.Itoa(i/len(goalText)+1)
		}
		if g.chance(0.6) {
			gl.Horizon = strconv.Itoa(2026 + g.r.IntN(5))
		}
		g.b.Goals = append(g.b.Goals, gl)
	}
}

func (g *generator) enablers(n int) {
	id := idf("en", n)
	kinds := []string{"LMS", "Competentieprofiel", "Opleidingsbudget", "Roosterbeleid", "Gesprekscyclus", "Mentorprogramma"}
	for i := range n {
		e := graph.Enabler{ID: id(i), Name: g.pick(kinds) + " " + strconv.Itoa(i+1)}
		e.Kind = graph.EnablerKinds[g.r.IntN(len(graph.EnablerKinds))]
		e.Status = graph.EnablerStatus[g.r.IntN(len(graph.EnablerStatus))]
		if len(g.b.Stakeholders) > 0 && g.chance(0.7) {
			e.Owner = g.b.Stakeholders[g.r.IntN(len(g.b.Stakeholders))].ID
		}
		g.b.Enablers = append(g.b.Enablers, e)
	}
}

func (g *generator) engagements(n int) {
	if len(g.b.Stakeholders) == 0 {
		return
	}
	id := idf("e", n)
	for i := range n {
		e := graph.Engagement{ID: id(i), Date: g.date(-365, 30)}
		e.Channel = graph.Channels[g.r.IntN(len(graph.Channels))]
		for range 1 + g.r.IntN(4) {
			e.With = append(e.With, g.b.Stakeholders[g.r.IntN(len(g.b.Stakeholders))].ID)
		}
		slices.Sort(e.With)
		e.With = slices.Compact(e.With)
		if len(g.b.Trajectories) > 0 {
			for range g.r.IntN(3) {
				e.About = append(e.About, g.b.Trajectories[g.r.IntN(len(g.b.Trajectories))].ID)
			}
			slices.Sort(e.About)
			e.About = slices.Compact(e.About)
		}
		if g.chance(0.7) {
			e.Summary = "Besproken: " + g.pick(topics)
		}
		e.ResultsShared = g.chance(0.3)
		g.b.Engagements = append(g.b.Engagements, e)
	}
}

// relations spends the relationship budget: a reporting hierarchy, some
// supports and dependencies (with cycles), then stakes and influences.
func (g *generator) relations(n int) {
	b := &g.b
	ns, nt := len(b.Stakeholders), len(b.Trajectories)
	seen := map[graph.RelKey]bool{}
	add := func(r graph.Relation) bool {
		k := r.Key()
		k.C = string(r.RelKind()) + "\x00" + k.C
		if seen[k] {
			return false
		}
		seen[k] = true
		switch r := r.(type) {
		case graph.Stake:
			b.Stakes = append(b.Stakes, r)
		case graph.Influence:
			b.Influences = append(b.Influences, r)
		case graph.ReportsTo:
			b.ReportsTo = append(b.ReportsTo, r)
		case graph.Supports:
			b.Supports = append(b.Supports, r)
		case graph.DependsOn:
			b.DependsOn = append(b.DependsOn, r)
		}
		n--
		return true
	}
	rank := map[string]int{"board": 0, "executive": 1, "management": 2, "employee": 3}

	// ReportsTo: each person reports to someone one level up, seen in order
	// so the hierarchy is a forest.
	if ns > 1 {
		var byRank [4][]string
		for _, s := range b.Stakeholders {
			if r, ok := rank[s.Level]; ok && s.Kind == "person" {
				byRank[r] = append(byRank[r], s.ID)
			}
		}
		budget := min(n/6, ns-1)
		for r := 1; r < 4 && budget > 0; r++ {
			up := byRank[r-1]
			if len(up) == 0 {
				continue
			}
			for _, id := range byRank[r] {
				if budget == 0 {
					break
				}
				if add(graph.ReportsTo{From: id, To: up[g.r.IntN(len(up))]}) {
					budget--
				}
			}
		}
	}

	// Supports: most trajectories serve one or two goals; some serve none.
	if nt > 0 && len(b.Goals) > 0 {
		budget := min(n/20, nt*2)
		for i := 0; budget > 0 && i < nt*3; i++ {
			t := b.Trajectories[i%nt]
			if i < nt && g.chance(0.2) {
				continue
			}
			if add(graph.Supports{Trajectory: t.ID, Goal: b.Goals[g.r.IntN(len(b.Goals))].ID}) {
				budget--
			}
		}
	}

	// DependsOn: on enablers and on other trajectories, with a few cycles.
	if nt > 0 {
		budget := min(n/25, nt*3)
		note := func() string {
			if g.chance(0.4) {
				return "Nodig vóór de start"
			}
			return ""
		}
		for c := 0; c+2 < nt && budget >= 3 && c < 9; c += 3 {
			// Cycles of length 2 and 3 among the first trajectories.
			ids := []string{b.Trajectories[c].ID, b.Trajectories[c+1].ID, b.Trajectories[c+2].ID}
			length := 2 + c/3%2
			for j := range length {
				if add(graph.DependsOn{Trajectory: ids[j], On: ids[(j+1)%length], Note: note()}) {
					budget--
				}
			}
		}
		for tries := 0; budget > 0 && tries < budget*10; tries++ {
			t := b.Trajectories[g.r.IntN(nt)].ID
			on := ""
			if len(b.Enablers) > 0 && g.chance(0.6) {
				on = b.Enablers[g.r.IntN(len(b.Enablers))].ID
			} else if nt > 1 {
				// Depending on a later trajectory only keeps other cycles out.
				i := g.r.IntN(nt)
				if b.Trajectories[i].ID <= t {
					continue
				}
				on = b.Trajectories[i].ID
			}
			if on != "" && add(graph.DependsOn{Trajectory: t, On: on, Note: note()}) {
				budget--
			}
		}
	}

	// The rest: stakes and influences, about half each.
	if ns == 0 {
		return
	}
	weights := map[string]float64{"sponsor": 0.06, "owner": 0.06, "learner": 0.4, "contributor": 0.2, "expert": 0.1, "informed": 0.18}
	role := func() string {
		p := g.r.Float64()
		for _, r := range graph.Roles {
			if p -= weights[r]; p < 0 {
				return r
			}
		}
		return "informed"
	}
	stakesLeft := 0
	if nt > 0 {
		stakesLeft = n / 2
		if ns < 2 {
			stakesLeft = n
		}
	}
	// Every trajectory gets a sponsor from the top, roughly, so findings stay
	// a realistic minority.
	for _, t := range b.Trajectories {
		if stakesLeft == 0 || g.chance(0.15) {
			continue
		}
		s := b.Stakeholders[g.r.IntN(max(1, ns/20))]
		if add(graph.Stake{Stakeholder: s.ID, Trajectory: t.ID, Role: "sponsor"}) {
			stakesLeft--
		}
	}
	for tries := 0; stakesLeft > 0 && tries < stakesLeft*10; tries++ {
		st := graph.Stake{Stakeholder: b.Stakeholders[g.r.IntN(ns)].ID, Trajectory: b.Trajectories[g.r.IntN(nt)].ID, Role: role()}
		if g.chance(0.15) {
			st.Influence = ptr(1 + g.r.IntN(5))
		}
		if g.chance(0.15) {
			st.Interest = ptr(1 + g.r.IntN(5))
		}
		if add(st) {
			stakesLeft--
		}
	}
	if ns < 2 {
		return
	}
	for tries, budget := 0, n; n > 0 && tries < budget*10; tries++ {
		in := graph.Influence{From: b.Stakeholders[g.r.IntN(ns)].ID, To: b.Stakeholders[g.r.IntN(ns)].ID}
		if in.From == in.To {
			continue
		}
		if g.chance(0.3) {
			in.Strength = graph.DefaultStrength
		} else {
			in.Strength = float64(1+g.r.IntN(10)) / 10
		}
		add(in)
	}
}
