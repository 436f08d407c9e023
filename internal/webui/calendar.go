package webui

import (
	"context"
	"errors"
	"net/http"
	"net/netip"
	"net/url"
	"strings"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/access"
)

// The calendar link on the account page (DESIGN §10): a secret feed URL
// of one workspace that Outlook or Google Calendar subscribes to, with
// people named by title and unit unless the person asks for names; shown
// once, copied with a button, revocable.

// CalendarFeeds makes, lists and revokes a person's calendar feed URLs;
// access.Service provides it.
type CalendarFeeds interface {
	CreateCalendarFeed(ctx context.Context, by access.Principal, ws string, names bool) (access.NewCalendarFeed, error)
	CalendarFeeds(ctx context.Context, by access.Principal, ws string) ([]access.CalendarFeed, error)
	RevokeCalendarFeed(ctx context.Context, by access.Principal, ws, id string) error
}

type feedRow struct {
	ID, WS, WSName, Created string
	Names                   bool
}

// calendarRows lists the person's feeds of every workspace they may see.
func (s *Server) calendarRows(ctx context.Context, v *view, p access.Principal, wss []accountWorkspace) []feedRow {
	var out []feedRow
	for _, ws := range wss {
		fs, err := s.cfg.Calendar.CalendarFeeds(ctx, p, ws.ID)
		if err != nil {
			s.log.Error("webui: calendar feeds", "workspace", ws.ID, "err", err)
			continue
		}
		for _, f := range fs {
			if f.Owner != p.AccountID {
				continue // an admin sees everyone's; the account page is one's own
			}
			out = append(out, feedRow{ID: f.ID, WS: ws.ID, WSName: ws.Name, Created: v.Date(f.Created.UTC().Format("2006-01-02")), Names: f.Names})
		}
	}
	return out
}

// calendarCreate makes a feed URL and shows it once on the account page.
func (s *Server) calendarCreate(w http.ResponseWriter, r *http.Request) {
	_, p, v, ok := s.accountSetup(w, r)
	if !ok {
		return
	}
	if s.cfg.Calendar == nil {
		s.fail(w, v, graph.ErrNotFound)
		return
	}
	f, err := posted(r)
	if err != nil {
		s.fail(w, v, err)
		return
	}
	ws := f.V("workspace")
	if !p.Can(ws, access.RoleViewer) {
		f.Errors["workspace"] = v.T("p.required")
		s.showAccount(w, r, map[string]*form{"calendar": f}, "", refused)
		return
	}
	feed, err := s.cfg.Calendar.CreateCalendarFeed(r.Context(), p, ws, f.Checked("names"))
	switch {
	case errors.Is(err, access.ErrForbidden):
		f.Errors["workspace"] = v.T("err.forbidden.text")
		s.showAccount(w, r, map[string]*form{"calendar": f}, "", refused)
		return
	case err != nil:
		s.fail(w, v, err)
		return
	}
	// The secret is shown once, on this answer; a reload forgets it.
	shown := newForm()
	shown.Values["url"] = s.absolute(r, feed.URL)
	if host, local := unreachableHost(shown.Values["url"]); host != "" {
		key := "cal.private"
		if local {
			key = "cal.local"
		}
		shown.Values["warn"] = v.T(key, host)
	}
	s.showAccount(w, r, map[string]*form{"calendar": shown}, "", http.StatusOK)
}

// calendarRevoke revokes one of the person's feeds.
func (s *Server) calendarRevoke(w http.ResponseWriter, r *http.Request) {
	_, p, v, ok := s.accountSetup(w, r)
	if !ok {
		return
	}
	if s.cfg.Calendar == nil {
		s.fail(w, v, graph.ErrNotFound)
		return
	}
	if err := s.cfg.Calendar.RevokeCalendarFeed(r.Context(), p, r.FormValue("workspace"), r.FormValue("id")); err != nil &&
		!errors.Is(err, graph.ErrNotFound) {
		if errors.Is(err, access.ErrForbidden) {
			err = graph.ErrNotFound
		}
		s.fail(w, v, err)
		return
	}
	seeOther(w, r, withFlash("/account", "cal.revoked"))
}

// absolute makes a path of this service into the URL a calendar provider
// fetches: under the configured external address, else the request's.
func (s *Server) absolute(r *http.Request, path string) string {
	if base := strings.TrimSuffix(s.cfg.ExternalURL, "/"); base != "" {
		return base + path
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + path
}

// unreachableHost returns the host of a URL that Outlook's and Google's
// servers cannot fetch from — this computer (local), or an address of a
// private network or a name without a domain — or "" for one they may.
func unreachableHost(raw string) (host string, local bool) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", false
	}
	host = u.Hostname()
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return host, true
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		switch {
		case ip.IsLoopback() || ip.IsUnspecified():
			return host, true
		case ip.IsPrivate() || ip.IsLinkLocalUnicast():
			return host, false
		}
		return "", false
	}
	if !strings.Contains(host, ".") || strings.HasSuffix(strings.ToLower(host), ".local") || strings.HasSuffix(strings.ToLower(host), ".internal") {
		return host, false
	}
	return "", false
}

func init() { flashKeys["cal.revoked"] = true }
