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
	// AddMember gives a person a role by e-mail, making their account
	// (with this workspace's role only) when there is none, and returns
	// its initial password then.
	AddMember(ctx context.Context, by access.Principal, ws string, m access.NewMember) (access.Member, string, error)
	RemoveMember(ctx context.Context, by access.Principal, ws, account string) error
}

// membersData is the members page: who has which role, and the account
// just made with its initial password, shown once.
type membersData struct {
	List    []access.Member
	Made    *access.Member
	Initial string
}

// membersPage lists who has which role on the workspace, for its admins:
// give someone (by e-mail) a role, change it, take it away.
func (s *Server) membersPage(w http.ResponseWriter, r *http.Request, v *view) {
	f := newForm()
	f.Values["role"] = access.RoleViewer
	s.showMembers(w, r, v, f, http.StatusOK)
}

func (s *Server) showMembers(w http.ResponseWriter, r *http.Request, v *view, f *form, status int) {
	s.showMembersMade(w, r, v, f, nil, "", status)
}

func (s *Server) showMembersMade(w http.ResponseWriter, r *http.Request, v *view, f *form, made *access.Member, initial string, status int) {
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
	v.Title, v.Nav, v.Data = v.T("mb.title"), "members", membersData{List: list, Made: made, Initial: initial}
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
	} else if !strings.Contains(account, "@") {
		c.bad("account", v.T("p.email"))
	}
	role := c.enum("role", "accessrole", true)
	name := c.text("name", graph.MaxShortText, false, false)
	if f.Bad() {
		s.showMembers(w, r, v, f, refused)
		return
	}
	var m access.Member
	var initial string
	if f.V("change") != "" {
		// A role changed in the list: the account exists.
		m, err = ms.SetMember(r.Context(), v.P, v.WS.ID, account, role)
	} else {
		m, initial, err = ms.AddMember(r.Context(), v.P, v.WS.ID, access.NewMember{Email: account, Name: name, Role: role, Lang: v.lang})
	}
	switch {
	case err == nil && initial != "":
		// The initial password is shown on this answer only.
		s.showMembersMade(w, r, v, newForm(), &m, initial, http.StatusOK)
		return
	case err == nil:
		seeOther(w, r, withFlash(v.U("members"), "saved"))
		return
	case errors.Is(err, graph.ErrNotFound):
		c.bad("account", v.T("mb.noaccount", account))
	case errors.Is(err, access.ErrForbidden):
		s.fail(w, v, errForbidden)
		return
	case errors.Is(err, graph.ErrInvalid):
		memberProblems(v, c, err)
	default:
		s.fail(w, v, err)
		return
	}
	s.showMembers(w, r, v, f, refused)
}

// memberProblems puts access's problems next to the members form's
// fields, in the person's language.
func memberProblems(v *view, c checker, err error) {
	ve, _ := errors.AsType[*graph.ValidationError](err)
	for _, p := range ve.Problems {
		field := map[string]string{"email": "account", "role": "role", "name": "name"}[p.Field]
		if field == "" {
			field = "account"
		}
		c.bad(field, access.Message(graph.Invalid([]graph.Problem{p}), v.lang))
	}
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
