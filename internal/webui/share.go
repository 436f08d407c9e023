package webui

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/access"
)

// ShareLinks finds a share link by its secret; access.Service provides it.
// A sign-in without it serves no /s/ pages.
type ShareLinks interface {
	// ShareLink returns the link of a secret: access.ErrBadCredentials for
	// an unknown or revoked one, access.ErrGone for an expired one.
	ShareLink(ctx context.Context, secret string) (access.ShareLink, error)
}

// shareImageEvery is how often an image behind a link is drawn again at
// most (DESIGN §9): people embed them in intranet pages that many open.
const shareImageEvery = time.Minute

type shareImage struct {
	res  MapResult
	etag string
	at   time.Time
}

// shareImages keeps the latest drawing of each link's image, a bounded
// number of them.
type shareImages struct {
	mu  sync.Mutex
	max int
	m   map[string]shareImage
}

func (c *shareImages) get(key string, now time.Time) (shareImage, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	im, ok := c.m[key]
	if !ok || now.Sub(im.at) > shareImageEvery {
		return shareImage{}, false
	}
	return im, true
}

func (c *shareImages) put(key string, res MapResult, now time.Time) shareImage {
	sum := sha256.Sum256(res.Data)
	im := shareImage{res: res, etag: `"` + hex.EncodeToString(sum[:16]) + `"`, at: now}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= c.max {
		for k, im := range c.m {
			if now.Sub(im.at) > shareImageEvery || len(c.m) >= c.max {
				delete(c.m, k)
			}
		}
	}
	c.m[key] = im
	return im
}

type shareData struct {
	Title, Kind, Image string
	Anonymous          bool
	Trajectories       []trajView
	Slots              []slot
	Everyone           []stakeRow
	ExpiresAt          string
}

// share serves /s/<secret> (a read-only page) and /s/<secret>.svg|.png|.pdf
// (the link's image). A link reaches only what it was made for; no query
// parameter widens it. An unknown link is 404, a revoked or expired one
// 410 Gone.
func (s *Server) share(w http.ResponseWriter, r *http.Request) {
	v := s.newView(r, access.Principal{}, nil)
	links, ok := s.cfg.Auth.(ShareLinks)
	if !ok {
		s.fail(w, v, graph.ErrNotFound)
		return
	}
	secret, format, image := strings.Cut(r.PathValue("secret"), ".")
	if image && !slices.Contains(mapFormats, format) {
		s.fail(w, v, graph.ErrNotFound)
		return
	}
	ctx := r.Context()
	link, err := links.ShareLink(ctx, secret)
	if err != nil {
		// A link that never existed is 404; one that was revoked or ran
		// out is 410, so that an intranet page's owner sees why its
		// image went.
		if errors.Is(err, access.ErrBadCredentials) {
			err = graph.ErrNotFound
		}
		if image && (errors.Is(err, graph.ErrNotFound) || errors.Is(err, access.ErrGone)) {
			status := http.StatusNotFound
			if errors.Is(err, access.ErrGone) {
				status = http.StatusGone
			}
			w.Header().Set("Cache-Control", "no-store")
			http.Error(w, v.T("err.linkgone.text"), status)
			return
		}
		s.fail(w, v, err)
		return
	}
	d, err := s.load(ctx, link.Workspace)
	if err != nil {
		s.fail(w, v, err)
		return
	}
	sv, err := link.View(d.B)
	if err != nil {
		s.fail(w, v, err)
		return
	}
	if lang := sv.Bundle.Workspace.Language; v.P.Lang == "" && (lang == graph.LangNL || lang == graph.LangEN) {
		if _, err := r.Cookie(langCookie); err != nil {
			v.tr = tr{lang: lang}
		}
	}
	if image {
		s.shareImage(w, r, v, secret, format, sv)
		return
	}
	sd := shareData{Anonymous: link.Anonymize, ExpiresAt: v.Date(link.ExpiresAt)}
	if s.cfg.Renderer != nil {
		sd.Image = "/s/" + secret + ".svg"
	}
	vd := index(sv.Bundle, d.Rev)
	switch {
	case sv.Map != nil:
		sd.Kind, sd.Title = "map", v.T("m."+sv.Map.Kind)
	case link.TargetKind() == "trajectory":
		t := vd.trajs[link.TargetID()]
		if t == nil {
			s.fail(w, v, graph.ErrNotFound)
			return
		}
		sd.Kind, sd.Title = "trajectory", t.Name
		sd.Slots, sd.Everyone = rolesOf(v, vd, t.ID)
	default:
		sd.Kind, sd.Title = "workspace", sv.Bundle.Workspace.Name
		sd.Trajectories = viewTrajectories(v, vd, nil)
	}
	v.Title, v.Data = sd.Title, sd
	w.Header().Set("X-Robots-Tag", "noindex")
	s.render(w, v, "share", http.StatusOK)
}

// rolesOf is a trajectory's roles panel and everyone with a stake on it.
func rolesOf(v *view, d *wsData, id string) ([]slot, []stakeRow) {
	var slots []slot
	for _, role := range panelRoles {
		sl := slot{Role: role, RoleLabel: v.Enum("role", role)}
		for _, st := range d.stakesOn[id] {
			if st.Role == role {
				sl.People = append(sl.People, relRow{ID: st.Stakeholder, Name: d.Label(st.Stakeholder)})
			}
		}
		slots = append(slots, sl)
	}
	byPerson := map[string]*stakeRow{}
	var order []string
	for _, st := range d.stakesOn[id] {
		p := d.people[st.Stakeholder]
		if p == nil {
			continue
		}
		row, ok := byPerson[p.ID]
		if !ok {
			row = &stakeRow{ID: p.ID, Name: d.Label(p.ID)}
			byPerson[p.ID] = row
			order = append(order, p.ID)
		}
		if row.Roles != "" {
			row.Roles += ", "
		}
		row.Roles += v.Enum("role", st.Role)
		row.Influence = max(row.Influence, st.EffectiveInfluence(*p))
		row.Interest = max(row.Interest, st.EffectiveInterest(*p))
	}
	var rows []stakeRow
	for _, pid := range order {
		rows = append(rows, *byPerson[pid])
	}
	slices.SortFunc(rows, func(a, b stakeRow) int { return cmp.Compare(graph.FoldName(a.Name), graph.FoldName(b.Name)) })
	return slots, rows
}

// shareImage draws a link's image from what the link shows: its map, or
// the stakeholder map of its trajectory or workspace.
func (s *Server) shareImage(w http.ResponseWriter, r *http.Request, v *view, secret, format string, sv access.ShareView) {
	if s.cfg.Renderer == nil {
		s.fail(w, v, graph.ErrNotFound)
		return
	}
	req := MapRequest{Kind: "stakeholders", Format: format, Lang: v.lang, Anonymize: sv.Link.Anonymize, AsOf: v.Today}
	if m := sv.Map; m != nil {
		req = MapRequest{Kind: m.Kind, Format: format, Trajectory: m.Trajectory, From: m.From, To: m.To, Mode: m.Mode, K: m.K,
			Lang: cmp.Or(m.Lang, v.lang), Anonymize: m.Anonymize, AsOf: v.Today}
	} else if sv.Link.TargetKind() == "trajectory" {
		req.Trajectory = sv.Link.TargetID()
	}
	key := secret + "." + format
	now := s.cfg.Now()
	im, ok := s.shareCache.get(key, now)
	if !ok {
		res, err := s.cfg.Renderer.RenderMap(r.Context(), sv.Bundle, req)
		if err != nil {
			if errors.Is(err, graph.ErrInvalid) || errors.Is(err, graph.ErrNotFound) {
				s.fail(w, v, graph.ErrNotFound)
				return
			}
			s.log.Error("webui: render a shared map", "format", format, "err", err)
			http.Error(w, v.T("err.internal.text"), http.StatusServiceUnavailable)
			return
		}
		im = s.shareCache.put(key, res, now)
	}
	h := w.Header()
	// Browsers and proxies ask again every time (a 304 while the map is
	// unchanged), so that a revoked or expired link's image is gone at
	// once, not a minute later.
	h.Set("Cache-Control", "no-cache")
	h.Set("ETag", im.etag)
	if match := r.Header.Get("If-None-Match"); match != "" && strings.Contains(match, im.etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	res := im.res
	h.Set("Content-Type", res.ContentType)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:")
	h.Set("X-Robots-Tag", "noindex")
	w.Write(res.Data)
}
