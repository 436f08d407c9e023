package webui

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/stakemap/stakemap/graph"
)

// MaxK bounds the alternatives a person may ask for (DESIGN §14).
const MaxK = 20

type pathView struct {
	Steps    []relRow
	Hops     int
	Strength string
}

type pathsData struct {
	Asked  bool
	Paths  []pathView
	People []string
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
				pv := pathView{Hops: p.Hops, Strength: v.Num(p.Strength)}
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
