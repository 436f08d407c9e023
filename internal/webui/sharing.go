package webui

import (
	"cmp"
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/access"
)

// Sharing makes, lists and revokes a workspace's share links;
// access.Service provides it. Without it the pages offer no sharing.
type Sharing interface {
	// CreateShareLink makes a link (editors) and returns its URL, shown
	// this once.
	CreateShareLink(ctx context.Context, by access.Principal, ws string, req access.ShareLinkRequest) (access.NewShareLink, error)
	// ShareLinks lists a workspace's links with their use (editors).
	ShareLinks(ctx context.Context, by access.Principal, ws string) ([]access.ShareLink, error)
	// RevokeShareLink revokes a link (its maker, or an admin).
	RevokeShareLink(ctx context.Context, by access.Principal, ws, id string) error
}

// sharing returns the sign-in's share-link side, when it has one.
func (s *Server) sharing() (Sharing, bool) {
	sh, ok := s.cfg.Auth.(Sharing)
	return sh, ok
}

// shareChoice is one thing the share form offers to share.
type shareChoice struct {
	Value, Label string
	Checked      bool
}

type shareFormData struct {
	Choices []shareChoice
	// Params carry the map's options through the form unchanged.
	Params url.Values
	// Unique lists titles only one person shown has: they identify
	// someone even on an anonymised map.
	Unique  []string
	MaxDate string
	// Made is the link just made, shown once.
	Made *madeLink
}

// madeLink is a link just made: its address and, for a map, its images.
type madeLink struct {
	URL, What, Expires string
	Anonymous          bool
	Images             []download
}

// shareParamKeys are the map options a share form carries.
var shareParamKeys = []string{"trajectory", "from", "to", "mode", "k", "lang"}

// shareNew shows the share form. ?target= says what the person came to
// share ("map:grid", "trajectory:<id>", "workspace"), the other
// parameters the map's options; the workspace can always be chosen.
func (s *Server) shareNew(w http.ResponseWriter, r *http.Request, v *view) {
	if _, ok := s.sharing(); !ok {
		s.fail(w, v, graph.ErrNotFound)
		return
	}
	q := r.URL.Query()
	f := newForm()
	f.Values["target"] = cmp.Or(q.Get("target"), access.TargetWorkspace)
	for _, k := range shareParamKeys {
		f.Values[k] = q.Get(k)
	}
	f.Values["expiresAt"] = v.Date(s.today().AddDate(0, 0, access.DefaultShareDays).Format(time.DateOnly))
	if q.Get("anonymize") != "false" {
		f.Values["anonymize"] = "on"
	}
	s.showShareForm(w, r, v, f, nil, http.StatusOK)
}

func (s *Server) today() time.Time {
	now := s.cfg.Now().UTC()
	return time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
}

func (s *Server) showShareForm(w http.ResponseWriter, r *http.Request, v *view, f *form, made *madeLink, status int) {
	d, err := s.load(r.Context(), v.WS.ID)
	if err != nil {
		s.fail(w, v, err)
		return
	}
	target := f.V("target")
	sd := shareFormData{Params: url.Values{}, Made: made,
		MaxDate: v.Date(s.today().AddDate(0, 0, access.MaxShareDays).Format(time.DateOnly))}
	for _, k := range shareParamKeys {
		if val := f.V(k); val != "" {
			sd.Params.Set(k, val)
		}
	}
	kind, id, _ := strings.Cut(target, ":")
	switch kind {
	case access.TargetMap:
		sd.Choices = append(sd.Choices, shareChoice{Value: target, Label: s.mapLabel(v, d, id, f.V("trajectory"), f.V("from"), f.V("to"))})
	case access.TargetTrajectory:
		if t := d.trajs[id]; t != nil {
			sd.Choices = append(sd.Choices, shareChoice{Value: target, Label: v.T("sh.what.trajectory", t.Name)})
		}
	}
	sd.Choices = append(sd.Choices, shareChoice{Value: access.TargetWorkspace, Label: v.T("sh.what.workspace", v.WS.Name)})
	for i := range sd.Choices {
		sd.Choices[i].Checked = sd.Choices[i].Value == target
	}
	if !slices.ContainsFunc(sd.Choices, func(c shareChoice) bool { return c.Checked }) {
		sd.Choices[0].Checked = true
	}
	sd.Unique = uniqueTitles(d, shownPeople(d, target, f.V("trajectory"), f.V("from"), f.V("to")))
	v.Forms = map[string]*form{"share": f}
	v.Title, v.Nav, v.Data = v.T("sh.title"), "shares", sd
	s.render(w, v, "share_new", status)
}

// mapLabel says which map a map link shows, in the person's words.
func (s *Server) mapLabel(v *view, d *wsData, kind, traj, from, to string) string {
	of := v.WS.Name
	if t := d.trajs[traj]; t != nil {
		of = t.Name
	}
	if kind == "path" && from != "" && to != "" {
		of = d.Label(from) + " → " + d.Label(to)
	}
	return v.T("sh.what.map", v.Enum("map", kind), of)
}

// shownPeople lists the persons a link to target would show: everyone
// with a stake on its trajectory, or everyone.
func shownPeople(d *wsData, target, traj, from, to string) []*graph.Stakeholder {
	kind, id, _ := strings.Cut(target, ":")
	if kind == access.TargetTrajectory {
		traj = id
	} else if kind != access.TargetMap {
		traj = ""
	}
	var out []*graph.Stakeholder
	switch {
	case kind == access.TargetMap && id == "path":
		for _, pid := range []string{from, to} {
			if p := d.people[pid]; p != nil {
				out = append(out, p)
			}
		}
	case traj != "":
		seen := map[string]bool{}
		for _, st := range d.stakesOn[traj] {
			if p := d.people[st.Stakeholder]; p != nil && !seen[p.ID] {
				seen[p.ID] = true
				out = append(out, p)
			}
		}
	default:
		for i := range d.B.Stakeholders {
			out = append(out, &d.B.Stakeholders[i])
		}
	}
	return out
}

// uniqueTitles returns the titles (with unit) that only one person among
// shown has in the whole workspace: on an anonymised map they still say
// who it is.
func uniqueTitles(d *wsData, shown []*graph.Stakeholder) []string {
	count := map[string]int{}
	key := func(p *graph.Stakeholder) string { return graph.FoldName(p.Title) + "\x00" + graph.FoldName(p.Unit) }
	for _, p := range d.B.Stakeholders {
		if p.Kind == "person" && p.Title != "" {
			count[key(&p)]++
		}
	}
	var out []string
	for _, p := range shown {
		if p.Kind == "person" && p.Title != "" && count[key(p)] == 1 {
			out = append(out, strings.TrimSuffix(p.Title+", "+p.Unit, ", "))
		}
	}
	slices.SortFunc(out, func(a, b string) int { return cmp.Compare(graph.FoldName(a), graph.FoldName(b)) })
	return slices.Compact(out)
}

// shareCreate makes the link and shows it, once: the page answers the
// POST itself (a reload asks to post again rather than showing the
// secret from history).
func (s *Server) shareCreate(w http.ResponseWriter, r *http.Request, v *view) {
	sh, ok := s.sharing()
	if !ok {
		s.fail(w, v, graph.ErrNotFound)
		return
	}
	f, err := posted(r)
	if err != nil {
		s.fail(w, v, err)
		return
	}
	c := checker{v.tr, f}
	req := access.ShareLinkRequest{Target: f.V("target")}
	anonymize := f.Checked("anonymize")
	req.Anonymize = &anonymize
	if exp := c.date("expiresAt", true); exp != "" {
		d, _ := time.Parse(time.DateOnly, exp)
		switch today := s.today(); {
		case d.Before(today):
			c.bad("expiresAt", v.T("sh.past"))
		case d.After(today.AddDate(0, 0, access.MaxShareDays)):
			c.bad("expiresAt", v.T("sh.toolate", access.MaxShareDays, v.Date(today.AddDate(0, 0, access.MaxShareDays).Format(time.DateOnly))))
		}
		req.ExpiresAt = exp
	}
	if kind, _, _ := strings.Cut(req.Target, ":"); kind == access.TargetMap {
		p := access.ShareParams{Trajectory: f.V("trajectory"), From: f.V("from"), To: f.V("to"), Mode: f.V("mode"), Lang: f.V("lang")}
		if k := f.V("k"); k != "" {
			p.K, _ = strconv.Atoi(k)
		}
		req.Params = &p
	}
	if f.Bad() {
		s.showShareForm(w, r, v, f, nil, refused)
		return
	}
	link, err := sh.CreateShareLink(r.Context(), v.P, v.WS.ID, req)
	switch {
	case errors.Is(err, access.ErrForbidden):
		s.fail(w, v, errForbidden)
		return
	case errors.Is(err, graph.ErrInvalid):
		f.Error = access.Message(err, v.lang)
		s.showShareForm(w, r, v, f, nil, refused)
		return
	case err != nil:
		s.fail(w, v, err)
		return
	}
	base := s.origin(r) + link.URL
	made := &madeLink{URL: base, Expires: v.Date(link.ExpiresAt), Anonymous: link.Anonymize}
	if strings.HasPrefix(link.Target, access.TargetMap+":") && s.cfg.Renderer != nil {
		for _, format := range mapFormats {
			made.Images = append(made.Images, download{Label: strings.ToUpper(format), Href: base + "." + format})
		}
	}
	s.showShareForm(w, r, v, f, made, http.StatusOK)
}

// origin is the scheme and host people reach the service at: the
// configured external address, or the one this request came to.
func (s *Server) origin(r *http.Request) string {
	if s.cfg.ExternalURL != "" {
		if u, err := url.Parse(s.cfg.ExternalURL); err == nil && u.Host != "" {
			return u.Scheme + "://" + u.Host
		}
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// shareRow is one link on the shared-links page.
type shareRow struct {
	ID, What, Created, Expires, LastAccess, State string
	Count                                         int64
	Anonymous, Active, CanRevoke                  bool
}

// shareList is the workspace's shared links for its editors: what each
// shows, how often it was opened and when last, until when it works,
// anonymised or not, with a button to revoke it.
func (s *Server) shareList(w http.ResponseWriter, r *http.Request, v *view) {
	sh, ok := s.sharing()
	if !ok {
		s.fail(w, v, graph.ErrNotFound)
		return
	}
	ctx := r.Context()
	links, err := sh.ShareLinks(ctx, v.P, v.WS.ID)
	if err != nil {
		if errors.Is(err, access.ErrForbidden) {
			err = errForbidden
		}
		s.fail(w, v, err)
		return
	}
	d, err := s.load(ctx, v.WS.ID)
	if err != nil {
		s.fail(w, v, err)
		return
	}
	today := s.today().Format(time.DateOnly)
	rows := make([]shareRow, 0, len(links))
	for _, l := range links {
		row := shareRow{ID: l.ID, Created: v.Date(l.Created.In(displayZone).Format(time.DateOnly)), Expires: v.Date(l.ExpiresAt),
			Count: l.AccessCount, Anonymous: l.Anonymize,
			CanRevoke: !l.Revoked && (v.IsAdmin || (l.CreatedBy != "" && l.CreatedBy == string(v.P.Actor())))}
		if l.LastAccess != nil {
			row.LastAccess = v.Date(l.LastAccess.UTC().Format(time.DateOnly))
		}
		switch {
		case l.Revoked:
			row.State = v.T("sh.revoked")
		case l.ExpiresAt < today:
			row.State = v.T("sh.expired")
		default:
			row.State, row.Active = v.T("sh.active"), true
		}
		switch l.TargetKind() {
		case access.TargetMap:
			var p access.ShareParams
			if l.Params != nil {
				p = *l.Params
			}
			row.What = s.mapLabel(v, d, l.TargetID(), p.Trajectory, p.From, p.To)
		case access.TargetTrajectory:
			row.What = v.T("sh.what.trajectory", d.Name(l.TargetID()))
		default:
			row.What = v.T("sh.what.workspace", v.WS.Name)
		}
		rows = append(rows, row)
	}
	v.Title, v.Nav, v.Data = v.T("sh.list"), "shares", rows
	s.render(w, v, "share_links", http.StatusOK)
}

// shareRevoke revokes a link: from then on it answers 410 Gone.
func (s *Server) shareRevoke(w http.ResponseWriter, r *http.Request, v *view) {
	sh, ok := s.sharing()
	if !ok {
		s.fail(w, v, graph.ErrNotFound)
		return
	}
	err := sh.RevokeShareLink(r.Context(), v.P, v.WS.ID, r.FormValue("id"))
	switch {
	case errors.Is(err, access.ErrForbidden):
		s.fail(w, v, errForbidden)
	case err != nil:
		s.fail(w, v, err)
	default:
		seeOther(w, r, withFlash(v.U("share-links"), "sh.revokedok"))
	}
}
