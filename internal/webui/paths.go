package webui

import (
	"cmp"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/stakemap/stakemap/graph"
)

// MaxK bounds the alternatives a person may ask for (DESIGN §14).
const MaxK = 20

type pathView struct {
	Steps          []relRow
	Hops           int
	Strength, Word string
}

type pathsData struct {
	Asked  bool
	Paths  []pathView
	People []string
	// LD names L&D's own people, whom a path usually starts from.
	LD     []string
	MapURL string
	// Share opens the share form for the path map.
	Share string
}

// pathsPage answers "through whom do I reach …?": the form is a GET, so a
// question can be bookmarked and shared.
func (s *Server) pathsPage(w http.ResponseWriter, r *http.Request, v *view) {
	ctx := r.Context()
	d, err := s.load(ctx, v.WS.ID)
	if err != nil {
		s.fail(w, v, err)
		return
	}
	q := r.URL.Query()
	f := newForm()
	f.Values = map[string]string{"from": q.Get("from"), "to": q.Get("to"), "mode": q.Get("mode"), "k": q.Get("k")}
	if f.Values["mode"] == "" {
		f.Values["mode"] = graph.ModeStrongest
	}
	if f.Values["k"] == "" {
		f.Values["k"] = "3"
	}
	pd := pathsData{People: peopleNames(d)}
	ld := ldPeople(v.WS, d)
	for _, p := range ld {
		pd.LD = append(pd.LD, d.Label(p.ID))
	}
	if !q.Has("from") && len(ld) > 0 {
		f.Values["from"] = d.Label(ld[0].ID)
	}
	status := http.StatusOK
	if q.Has("from") || q.Has("to") {
		pd.Asked = true
		c := checker{v.tr, f}
		from, problem := d.resolve(v.tr, f.V("from"), graph.KindStakeholder)
		if problem != "" {
			c.bad("from", problem)
		}
		to, problem := d.resolve(v.tr, f.V("to"), graph.KindStakeholder)
		if problem != "" {
			c.bad("to", problem)
		}
		mode := c.enum("mode", "mode", true)
		k, kerr := strconv.Atoi(strings.TrimSpace(f.V("k")))
		if kerr != nil || k < 1 || k > MaxK {
			c.bad("k", v.T("p.k"))
		}
		if !f.Bad() {
			paths, err := s.store.Paths(ctx, v.WS.ID, graph.PathQuery{From: from, To: to, Mode: mode, K: k})
			switch {
			case errors.Is(err, graph.ErrInvalid):
				c.problems(err)
			case err != nil:
				s.fail(w, v, err)
				return
			}
			for _, p := range paths {
				pv := pathView{Hops: p.Hops, Strength: v.Num(p.Strength), Word: v.T(strengthWord(p.Strength))}
				for _, id := range p.Nodes {
					pv.Steps = append(pv.Steps, relRow{ID: id, Name: d.Label(id)})
				}
				pd.Paths = append(pd.Paths, pv)
			}
			if s.cfg.Renderer != nil && len(paths) > 0 {
				q := url.Values{"from": {from}, "to": {to}, "mode": {mode}, "k": {strconv.Itoa(k)}, "lang": {v.lang}}
				pd.MapURL = v.U("maps", "path.svg") + "?" + q.Encode()
				if v.CanShare {
					q.Set("target", "map:path")
					pd.Share = v.U("share") + "?" + q.Encode()
				}
			}
		}
		if f.Bad() {
			status = refused
		}
	}
	v.Forms = map[string]*form{"path": f}
	v.Title, v.Nav, v.Data = v.T("pa.title"), "paths", pd
	s.render(w, v, "paths", status)
}

// strengthWord says in words how strong a path is: its strength is the
// product of its steps' strengths, so two good steps (0,8 × 0,8) are
// still strong and a detour through weak ties is weak.
func strengthWord(x float64) string {
	switch {
	case x >= 0.5:
		return "pa.strong"
	case x >= 0.2:
		return "pa.fair"
	}
	return "pa.weak"
}

// ldPeople lists L&D's own people, most influential first: the persons in
// the workspace's L&D unit, and those whose tags or title say L&D. A path
// question usually starts from one of them.
func ldPeople(ws graph.Workspace, d *wsData) []*graph.Stakeholder {
	unit := graph.FoldName(ws.LDUnit)
	var out []*graph.Stakeholder
	for i := range d.B.Stakeholders {
		p := &d.B.Stakeholders[i]
		if p.Kind != "person" {
			continue
		}
		is := unit != "" && d.folded[p.ID].unit == unit
		// Folded, "L&D" is "l d" and "Leren & Ontwikkelen" "leren
		// ontwikkelen"; words are matched whole.
		words := " " + d.folded[p.ID].title + " "
		for _, t := range p.Tags {
			words += " " + graph.FoldName(t) + " "
		}
		for _, w := range []string{" l d ", " ld ", " l o ", " lno ", " leren ontwikkelen ", " leren en ontwikkelen ", " learning ", " opleiding ", " opleidingen "} {
			is = is || strings.Contains(words, w)
		}
		if is {
			out = append(out, p)
		}
	}
	slices.SortStableFunc(out, func(a, b *graph.Stakeholder) int {
		return cmp.Or(cmp.Compare(b.Influence, a.Influence), cmp.Compare(d.folded[a.ID].name, d.folded[b.ID].name))
	})
	return out
}
