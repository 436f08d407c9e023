package webui

import (
	"cmp"
	"context"
	"errors"
	"net/http"
	"slices"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/access"
)

// Accounts is what the account page needs from sign-in; access.Service
// provides it. A sign-in without it (--no-auth) has no account page.
type Accounts interface {
	ChangePassword(ctx context.Context, p access.Principal, current, next string) error
	PersonalTokens(ctx context.Context, p access.Principal) ([]access.Token, error)
	CreateToken(ctx context.Context, by access.Principal, req access.TokenRequest) (string, access.Token, error)
	RevokeToken(ctx context.Context, by access.Principal, id string) error
	SignOutEverywhere(ctx context.Context, p access.Principal) error
}

// accountWorkspace is a workspace the person may open, with a label that
// names their role there.
type accountWorkspace struct {
	graph.Workspace
	Label string
}

type tokenRow struct {
	ID, Name, Workspace, Role, Expires, LastUsed string
}

type accountData struct {
	Tokens   []tokenRow
	NewToken string
	// Workspaces are those the person may open; TopRole is their
	// strongest role in any, the most a token can be given.
	Workspaces []accountWorkspace
	TopRole    string
	// Feeds are the person's calendar feeds; HasCalendar: the service
	// makes them.
	Feeds       []feedRow
	HasCalendar bool
	// First: the person signed in with a first password an admin handed
	// over, and the page offers only choosing their own; Next is the page
	// they were going to, for after.
	First bool
	Next  string
}

// account shows the person's page: change the password, personal tokens
// for scripts, sign out everywhere.
func (s *Server) account(w http.ResponseWriter, r *http.Request) {
	s.showAccount(w, r, nil, "", http.StatusOK)
}

func (s *Server) accountSetup(w http.ResponseWriter, r *http.Request) (Accounts, access.Principal, *view, bool) {
	p, ok := s.signedIn(w, r)
	if !ok {
		return nil, p, nil, false
	}
	v := s.newView(r, p, nil)
	acc, ok := s.cfg.Auth.(Accounts)
	if !ok || p.AccountID == "" {
		s.fail(w, v, graph.ErrNotFound)
		return nil, p, nil, false
	}
	if r.Method == http.MethodPost {
		r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	}
	return acc, p, v, true
}

func (s *Server) showAccount(w http.ResponseWriter, r *http.Request, forms map[string]*form, newToken string, status int) {
	acc, p, v, ok := s.accountSetup(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	ts, err := acc.PersonalTokens(ctx, p)
	if err != nil {
		s.fail(w, v, err)
		return
	}
	ad := accountData{NewToken: newToken, First: p.MustChangePassword}
	if ad.First {
		// "after", not "next": the form's new password is "next".
		ad.Next = safeNext(cmp.Or(r.URL.Query().Get("after"), r.PostFormValue("after")))
	}
	for _, t := range ts {
		row := tokenRow{ID: t.ID, Name: t.Name, Workspace: t.Workspace, Role: v.Enum("accessrole", t.Role), Expires: v.Date(t.ExpiresAt)}
		if t.LastUsedAt != nil {
			row.LastUsed = v.Date(t.LastUsedAt.UTC().Format("2006-01-02"))
		}
		ad.Tokens = append(ad.Tokens, row)
	}
	all, err := s.store.Workspaces(ctx)
	if err != nil {
		s.fail(w, v, err)
		return
	}
	for _, ws := range all {
		if p.Can(ws.ID, access.RoleViewer) {
			role := p.Role(ws.ID)
			ad.Workspaces = append(ad.Workspaces, accountWorkspace{ws, ws.Name + " (" + v.Enum("accessrole", role) + ")"})
			if access.RoleRank(role) > access.RoleRank(ad.TopRole) {
				ad.TopRole = role
			}
		}
	}
	if ad.HasCalendar = s.cfg.Calendar != nil; ad.HasCalendar {
		ad.Feeds = s.calendarRows(ctx, v, p, ad.Workspaces)
	}
	v.Forms = map[string]*form{}
	for k, f := range forms {
		v.Forms[k] = f
	}
	if _, ok := v.Forms["token"]; !ok {
		f := newForm()
		f.Values["role"] = access.RoleViewer
		v.Forms["token"] = f
	}
	v.Title, v.Data = v.T("a.title"), ad
	s.render(w, v, "account", status)
}

func (s *Server) accountPassword(w http.ResponseWriter, r *http.Request) {
	acc, p, v, ok := s.accountSetup(w, r)
	if !ok {
		return
	}
	f, err := posted(r)
	if err != nil {
		s.fail(w, v, err)
		return
	}
	c := checker{v.tr, f}
	current, next := f.V("current"), f.V("next")
	if current == "" {
		c.bad("current", v.T("p.required"))
	}
	if next == "" {
		c.bad("next", v.T("p.required"))
	}
	f.Values = map[string]string{} // passwords are never sent back
	if !f.Bad() {
		err = acc.ChangePassword(r.Context(), p, current, next)
		if ve, ok := errors.AsType[*graph.ValidationError](err); ok {
			for _, pr := range ve.Problems {
				field := "next"
				if pr.Field == "current" {
					field = "current"
				}
				c.bad(field, problemSentence(pr.Reason, v.lang))
			}
		} else if err != nil {
			s.fail(w, v, err)
			return
		}
	}
	if f.Bad() {
		s.showAccount(w, r, map[string]*form{"password": f}, "", refused)
		return
	}
	if p.MustChangePassword {
		// The first password is replaced: on to where they were going.
		setFlash(w, r, v.T("a.firstdone"))
		seeOther(w, r, safeNext(r.PostFormValue("after")))
		return
	}
	seeOther(w, r, withFlash("/account", "saved"))
}

func (s *Server) accountTokenCreate(w http.ResponseWriter, r *http.Request) {
	acc, p, v, ok := s.accountSetup(w, r)
	if !ok {
		return
	}
	f, err := posted(r)
	if err != nil {
		s.fail(w, v, err)
		return
	}
	c := checker{v.tr, f}
	req := access.TokenRequest{Name: c.text("name", 64, false, false), Workspace: f.V("workspace"), Role: f.V("role")}
	if !slices.Contains(access.Roles, req.Role) {
		c.bad("role", v.T("p.oneof", v.EnumList("accessrole", access.Roles)))
	}
	if f.V("expiresAt") != "" {
		req.ExpiresAt = c.date("expiresAt", false)
	}
	if !f.Bad() {
		secret, _, err := acc.CreateToken(r.Context(), p, req)
		switch {
		case err == nil:
			// The secret is shown once, on this answer; a reload forgets it.
			s.showAccount(w, r, nil, secret, http.StatusOK)
			return
		case errors.Is(err, access.ErrForbidden) && p.Role(req.Workspace) != "":
			c.bad("role", v.T("a.tokenrole", v.Enum("accessrole", p.Role(req.Workspace))))
		case errors.Is(err, access.ErrForbidden):
			c.bad("workspace", v.T("err.forbidden.text"))
		case !c.problems(err):
			s.fail(w, v, err)
			return
		}
	}
	s.showAccount(w, r, map[string]*form{"token": f}, "", refused)
}

func (s *Server) accountTokenRevoke(w http.ResponseWriter, r *http.Request) {
	acc, p, v, ok := s.accountSetup(w, r)
	if !ok {
		return
	}
	if err := acc.RevokeToken(r.Context(), p, r.FormValue("id")); err != nil && !errors.Is(err, graph.ErrNotFound) {
		s.fail(w, v, err)
		return
	}
	seeOther(w, r, withFlash("/account", "saved"))
}

// accountSignOutEverywhere ends every session of the person, this one too.
func (s *Server) accountSignOutEverywhere(w http.ResponseWriter, r *http.Request) {
	acc, p, v, ok := s.accountSetup(w, r)
	if !ok {
		return
	}
	if err := acc.SignOutEverywhere(r.Context(), p); err != nil {
		s.fail(w, v, err)
		return
	}
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}
