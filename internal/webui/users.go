package webui

import (
	"cmp"
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/access"
)

// Users is what the users page needs from sign-in; access.Service
// provides it. Only service admins reach the page.
type Users interface {
	Accounts(ctx context.Context, by access.Principal) ([]access.Account, error)
	// CreateAccountWithFirstPassword and ResetPassword return a first
	// password, shown once, that the person replaces at sign-in.
	CreateAccountWithFirstPassword(ctx context.Context, by access.Principal, a access.NewAccount) (access.Account, string, error)
	RemoveAccount(ctx context.Context, by access.Principal, ref string) error
	ResetPassword(ctx context.Context, by access.Principal, ref string) (string, error)
}

type userRow struct {
	access.Account
	RoleLabel, Workspaces string
	Self                  bool
}

type usersData struct {
	List []userRow
	// Made names the account that just got a password (new or reset),
	// shown once with it.
	Made, Initial string
}

// usersSetup checks that the request is a service admin's and that
// sign-in keeps accounts.
func (s *Server) usersSetup(w http.ResponseWriter, r *http.Request) (Users, *view, bool) {
	p, ok := s.signedIn(w, r)
	if !ok {
		return nil, nil, false
	}
	v := s.newView(r, p, nil)
	us, ok := s.cfg.Auth.(Users)
	if !ok || p.AccountID == "" && p.Via != access.ViaLocal {
		s.fail(w, v, graph.ErrNotFound)
		return nil, nil, false
	}
	if p.Global != access.RoleAdmin {
		s.fail(w, v, errForbidden)
		return nil, nil, false
	}
	if r.Method == http.MethodPost {
		r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	}
	return us, v, true
}

// usersPage lists every account for service admins: make one (its
// first password shown once), give one a new password, remove one.
func (s *Server) usersPage(w http.ResponseWriter, r *http.Request) {
	us, v, ok := s.usersSetup(w, r)
	if !ok {
		return
	}
	s.showUsers(w, r, us, v, newForm(), usersData{}, http.StatusOK)
}

func (s *Server) showUsers(w http.ResponseWriter, r *http.Request, us Users, v *view, f *form, ud usersData, status int) {
	list, err := us.Accounts(r.Context(), v.P)
	if err != nil {
		if errors.Is(err, access.ErrForbidden) {
			err = errForbidden
		}
		s.fail(w, v, err)
		return
	}
	for _, a := range list {
		row := userRow{Account: a, RoleLabel: v.Enum("accessrole", a.Role), Self: a.ID == v.P.AccountID}
		var ws []string
		for id, role := range a.Workspaces {
			ws = append(ws, id+" ("+v.Enum("accessrole", role)+")")
		}
		slices.Sort(ws)
		row.Workspaces = strings.Join(ws, ", ")
		ud.List = append(ud.List, row)
	}
	slices.SortFunc(ud.List, func(a, b userRow) int { return cmp.Compare(strings.ToLower(a.Email), strings.ToLower(b.Email)) })
	v.Forms = map[string]*form{"user": f}
	v.Title, v.Data = v.T("u.title"), ud
	s.render(w, v, "users", status)
}

// userCreate makes an account with a first password to hand over.
func (s *Server) userCreate(w http.ResponseWriter, r *http.Request) {
	us, v, ok := s.usersSetup(w, r)
	if !ok {
		return
	}
	f, err := posted(r)
	if err != nil {
		s.fail(w, v, err)
		return
	}
	c := checker{v.tr, f}
	email := strings.TrimSpace(f.V("email"))
	if email == "" {
		c.bad("email", v.T("p.required"))
	}
	name := c.text("name", graph.MaxShortText, false, false)
	role := c.enum("role", "accessrole", false)
	if f.Bad() {
		s.showUsers(w, r, us, v, f, usersData{}, refused)
		return
	}
	a, initial, err := us.CreateAccountWithFirstPassword(r.Context(), v.P, access.NewAccount{Email: email, Name: name, Role: role})
	switch {
	case err == nil:
		s.showUsers(w, r, us, v, newForm(), usersData{Made: a.Name + " (" + a.Email + ")", Initial: initial}, http.StatusOK)
		return
	case errors.Is(err, graph.ErrConflict):
		c.bad("email", v.T("u.exists"))
	case errors.Is(err, graph.ErrInvalid):
		ve, _ := errors.AsType[*graph.ValidationError](err)
		for _, p := range ve.Problems {
			field := p.Field
			if field != "name" && field != "role" {
				field = "email"
			}
			c.bad(field, access.Message(graph.Invalid([]graph.Problem{p}), v.lang))
		}
	default:
		s.fail(w, v, err)
		return
	}
	s.showUsers(w, r, us, v, f, usersData{}, refused)
}

// userPassword gives an account a new first password (someone forgot
// theirs): shown once, and every session of the account ends.
func (s *Server) userPassword(w http.ResponseWriter, r *http.Request) {
	us, v, ok := s.usersSetup(w, r)
	if !ok {
		return
	}
	account := r.FormValue("account")
	initial, err := us.ResetPassword(r.Context(), v.P, account)
	if err != nil {
		s.fail(w, v, err)
		return
	}
	s.showUsers(w, r, us, v, newForm(), usersData{Made: account, Initial: initial}, http.StatusOK)
}

// userConfirmRemove asks before an account goes.
func (s *Server) userConfirmRemove(w http.ResponseWriter, r *http.Request) {
	_, v, ok := s.usersSetup(w, r)
	if !ok {
		return
	}
	account := r.URL.Query().Get("account")
	v.Title = v.T("u.remove")
	v.Data = confirmData{Question: v.T("u.remove.q", account), Action: "/users/remove?" + url.Values{"account": {account}}.Encode(), Back: "/users"}
	s.render(w, v, "confirm", http.StatusOK)
}

// userRemove removes an account with its sessions, tokens and
// memberships.
func (s *Server) userRemove(w http.ResponseWriter, r *http.Request) {
	us, v, ok := s.usersSetup(w, r)
	if !ok {
		return
	}
	account := r.FormValue("account")
	err := us.RemoveAccount(r.Context(), v.P, account)
	switch {
	case err == nil:
		setFlash(w, r, v.T("deleted.who", account))
		seeOther(w, r, "/users")
	case errors.Is(err, graph.ErrInvalid):
		f := newForm()
		f.Error = access.Message(err, v.lang)
		s.showUsers(w, r, us, v, f, usersData{}, refused)
	default:
		s.fail(w, v, err)
	}
}
