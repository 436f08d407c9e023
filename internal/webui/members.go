package webui

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/access"
)

// Members is what the members page needs from sign-in; access.Service
// provides it. Without it (--no-auth) the page is not there.
type Members interface {
	Members(ctx context.Context, by access.Principal, ws string) ([]access.Member, error)
	SetMember(ctx context.Context, by access.Principal, ws, account, role string) (access.Member, error)
	RemoveMember(ctx context.Context, by access.Principal, ws, account string) error
}

// membersPage lists who has which role on the workspace, for its admins:
// give someone (by e-mail) a role, change it, take it away.
func (s *Server) membersPage(w http.ResponseWriter, r *http.Request, v *view) {
	f := newForm()
	f.Values["role"] = access.RoleViewer
	s.showMembers(w, r, v, f, http.StatusOK)
}

func (s *Server) showMembers(w http.ResponseWriter, r *http.Request, v *view, f *form, status int) {
	ms, ok := s.cfg.Auth.(Members)
	if !ok {
		s.fail(w, v, graph.ErrNotFound)
		return
	}
	list, err := ms.Members(r.Context(), v.P, v.WS.ID)
	if err != nil {
		s.fail(w, v, err)
		return
	}
	slices.SortFunc(list, func(a, b access.Member) int {
		return strings.Compare(strings.ToLower(a.Email), strings.ToLower(b.Email))
	})
	v.Forms = map[string]*form{"member": f}
	v.Title, v.Nav, v.Data = v.T("mb.title"), "members", list
	s.render(w, v, "members", status)
}

func (s *Server) memberSet(w http.ResponseWriter, r *http.Request, v *view) {
	ms, ok := s.cfg.Auth.(Members)
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
	account := strings.TrimSpace(f.V("account"))
	if account == "" {
		c.bad("account", v.T("p.required"))
	}
	role := c.enum("role", "accessrole", true)
	if !f.Bad() {
		_, err = ms.SetMember(r.Context(), v.P, v.WS.ID, account, role)
		switch {
		case err == nil:
			seeOther(w, r, withFlash(v.U("members"), "saved"))
			return
		case errors.Is(err, graph.ErrNotFound):
			c.bad("account", v.T("mb.noaccount", account))
		case errors.Is(err, access.ErrForbidden):
			s.fail(w, v, errForbidden)
			return
		case !c.problems(err):
			s.fail(w, v, err)
			return
		}
	}
	s.showMembers(w, r, v, f, refused)
}

func (s *Server) memberRemove(w http.ResponseWriter, r *http.Request, v *view) {
	ms, ok := s.cfg.Auth.(Members)
	if !ok {
		s.fail(w, v, graph.ErrNotFound)
		return
	}
	err := ms.RemoveMember(r.Context(), v.P, v.WS.ID, r.FormValue("account"))
	if err != nil && !errors.Is(err, graph.ErrNotFound) {
		if errors.Is(err, access.ErrForbidden) {
			err = errForbidden
		}
		s.fail(w, v, err)
		return
	}
	seeOther(w, r, withFlash(v.U("members"), "deleted"))
}
