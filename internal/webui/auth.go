package webui

import (
	"errors"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/access"
)

// langCookie keeps the language a person picked with the switch in the
// header, for people whose account names none.
const langCookie = "stakemap_lang"

// language picks the page language: the account's, else the one picked
// with the switch, else the workspace's, else what the browser asks for
// (Dutch when it asks for neither).
func language(r *http.Request, p access.Principal, ws *graph.Workspace) string {
	if p.Lang == graph.LangNL || p.Lang == graph.LangEN {
		return p.Lang
	}
	if c, err := r.Cookie(langCookie); err == nil && (c.Value == graph.LangNL || c.Value == graph.LangEN) {
		return c.Value
	}
	if ws != nil && (ws.Language == graph.LangNL || ws.Language == graph.LangEN) {
		return ws.Language
	}
	return browserLang(r.Header.Get("Accept-Language"))
}

// browserLang returns en or nl, whichever Accept-Language names first.
func browserLang(h string) string {
	for part := range strings.SplitSeq(h, ",") {
		tag, _, _ := strings.Cut(strings.TrimSpace(part), ";")
		base, _, _ := strings.Cut(strings.ToLower(tag), "-")
		if base == graph.LangNL || base == graph.LangEN {
			return base
		}
	}
	return graph.LangNL
}

func (s *Server) newView(r *http.Request, p access.Principal, ws *graph.Workspace) *view {
	v := &view{tr: tr{lang: language(r, p, ws)}, P: p, Path: pagePath(r),
		Today: s.cfg.Now().In(displayZone).Format(time.DateOnly), HasMaps: s.cfg.Renderer != nil}
	_, v.HasMembers = s.cfg.Auth.(Members)
	_, v.HasHistory = s.store.(graph.History)
	if _, ok := s.cfg.Auth.(Users); ok && p.Global == access.RoleAdmin && p.AccountID != "" {
		v.HasUsers = true
	}
	if ws != nil {
		v.WS, v.HasWS = *ws, true
		v.CanEdit = p.Can(ws.ID, access.RoleEditor)
		v.IsAdmin = p.Can(ws.ID, access.RoleAdmin)
		_, sharing := s.cfg.Auth.(Sharing)
		v.CanShare = v.CanEdit && sharing
	}
	if r.Method == http.MethodGet {
		if text := takeFlash(r); text != "" {
			v.Flash, v.flashTaken = text, true
		}
	}
	if k := r.URL.Query().Get("ok"); flashKeys[k] {
		v.Flash = v.T(k)
		if n, err := strconv.Atoi(r.URL.Query().Get("settled")); err == nil && n > 0 && k == "ov.logged" {
			v.Flash += " " + v.T("ov.resolved", n)
		}
	}
	return v
}

// firstPasswordPaths are the pages open to someone signed in with a first
// password an admin handed over: choosing their own (signing out needs no
// sign-in).
var firstPasswordPaths = map[string]bool{"GET /account": true, "POST /account/password": true}

// signedIn returns the principal of the request, or sends a person who is
// not signed in to the sign-in page (and back here afterwards), and one
// signed in with a first password to choosing their own.
func (s *Server) signedIn(w http.ResponseWriter, r *http.Request) (access.Principal, bool) {
	p, err := s.cfg.Auth.Authenticate(r)
	if err == nil && p.MustChangePassword && !firstPasswordPaths[r.Method+" "+r.URL.Path] {
		// An admin has seen this password: nothing is read or written
		// with it but the person's own password.
		target := "/account"
		if r.Method == http.MethodGet && r.URL.Path != "/" {
			// Where the person was going, for after.
			target += "?after=" + url.QueryEscape(r.URL.RequestURI())
		}
		http.Redirect(w, r, target+"#pw-h", http.StatusSeeOther)
		return p, false
	}
	if err == nil {
		return p, true
	}
	if !errors.Is(err, access.ErrUnauthenticated) && !errors.Is(err, access.ErrBadCredentials) {
		s.fail(w, s.newView(r, access.Principal{}, nil), err)
		return p, false
	}
	next := r.URL.RequestURI()
	if r.Method != http.MethodGet {
		next = r.URL.Path
	}
	http.Redirect(w, r, "/login?next="+url.QueryEscape(next), http.StatusSeeOther)
	return p, false
}

// wsHandler serves a page of one workspace; v already carries the
// workspace, the person and their language.
type wsHandler func(w http.ResponseWriter, r *http.Request, v *view)

// inWorkspace wraps a workspace page: sign-in, then the workspace (404 when
// it does not exist or the person has no role on it, so that nobody learns
// which other clients the service holds), then the role the page needs.
func (s *Server) inWorkspace(role string, h wsHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p, ok := s.signedIn(w, r)
		if !ok {
			return
		}
		id := r.PathValue("ws")
		if !p.Can(id, access.RoleViewer) {
			s.fail(w, s.newView(r, p, nil), graph.ErrNotFound)
			return
		}
		ws, err := s.store.Workspace(r.Context(), id)
		if err != nil {
			s.fail(w, s.newView(r, p, nil), err)
			return
		}
		v := s.newView(r, p, &ws)
		if !p.Can(id, role) {
			s.fail(w, v, errForbidden)
			return
		}
		if r.Method == http.MethodPost {
			limit := int64(maxForm)
			if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
				limit = MaxUpload + 1<<20
			}
			r.Body = http.MaxBytesReader(w, r.Body, limit)
		}
		h(w, r.WithContext(access.NewContext(r.Context(), p)), v)
	}
}

// home lists the workspaces the person may see; with only one, it opens
// it (a service admin reaches the list, to start another, with ?list=1).
func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	p, ok := s.signedIn(w, r)
	if !ok {
		return
	}
	all, err := s.store.Workspaces(r.Context())
	v := s.newView(r, p, nil)
	if err != nil {
		s.fail(w, v, err)
		return
	}
	var mine []graph.Workspace
	for _, ws := range all {
		if p.Can(ws.ID, access.RoleViewer) {
			mine = append(mine, ws)
		}
	}
	if len(mine) == 1 && r.URL.Query().Get("list") == "" {
		http.Redirect(w, r, "/w/"+url.PathEscape(mine[0].ID), http.StatusSeeOther)
		return
	}
	v.Title, v.Data = v.T("ws.title"), workspacesData{List: mine, CanCreate: p.Global == access.RoleAdmin}
	if v.Forms == nil {
		f := newForm()
		f.Values["language"] = v.lang
		v.Forms = map[string]*form{"ws": f}
	}
	s.render(w, v, "workspaces", http.StatusOK)
}

type workspacesData struct {
	List      []graph.Workspace
	CanCreate bool
}

// createWorkspace lets a global admin start a workspace for a new client
// from the browser; the id is made from the name unless one is typed.
func (s *Server) createWorkspace(w http.ResponseWriter, r *http.Request) {
	p, ok := s.signedIn(w, r)
	if !ok {
		return
	}
	v := s.newView(r, p, nil)
	if p.Global != access.RoleAdmin {
		s.fail(w, v, errForbidden)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	f, err := posted(r)
	if err != nil {
		s.fail(w, v, err)
		return
	}
	c := checker{v.tr, f}
	ws := graph.Workspace{ID: c.id("id"), Name: c.text("name", graph.MaxShortText, false, true), Language: c.enum("language", "language", true)}
	if ws.ID == "" && ws.Name != "" {
		all, err := s.store.Workspaces(r.Context())
		if err != nil {
			s.fail(w, v, err)
			return
		}
		ws.ID = graph.NewID(ws.Name, "", func(id string) bool {
			return slices.ContainsFunc(all, func(x graph.Workspace) bool { return x.ID == id })
		})
	}
	if !f.Bad() {
		err = s.store.CreateWorkspace(access.NewContext(r.Context(), p), ws)
		switch {
		case err == nil:
			seeOther(w, r, "/w/"+url.PathEscape(ws.ID)+"/stakeholders")
			return
		case errors.Is(err, graph.ErrConflict):
			c.bad("id", v.T("err.exists"))
		case !c.problems(err):
			s.fail(w, v, err)
			return
		}
	}
	v.Forms = map[string]*form{"ws": f}
	all, err := s.store.Workspaces(r.Context())
	if err != nil {
		s.fail(w, v, err)
		return
	}
	v.Title, v.Data = v.T("ws.title"), workspacesData{List: all, CanCreate: true}
	s.render(w, v, "workspaces", refused)
}

// safeNext returns where to go after signing in: a path on this site,
// never another site ("//evil.example" or "/\evil" included).
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Host != "" || u.Scheme != "" {
		return "/"
	}
	return next
}

type loginData struct {
	Next string
	OIDC bool
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	v := s.newView(r, access.Principal{}, nil)
	s.showLogin(w, r, v, newForm(), http.StatusOK)
}

func (s *Server) showLogin(w http.ResponseWriter, r *http.Request, v *view, f *form, status int) {
	o, ok := s.cfg.Auth.(OIDC)
	v.Title = v.T("login.title")
	v.Data = loginData{Next: safeNext(r.FormValue("next")), OIDC: ok && o.OIDCEnabled()}
	v.Forms = map[string]*form{"login": f}
	s.render(w, v, "login", status)
}

// login signs a person in: 303 to where they were going with the session
// cookie, or the form again with the e-mail kept and a message that does
// not say whether the address has an account.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	v := s.newView(r, access.Principal{}, nil)
	f := newForm()
	f.Values["email"] = strings.TrimSpace(r.PostFormValue("email"))
	password := r.PostFormValue("password")
	if f.Values["email"] == "" {
		f.Errors["email"] = v.T("p.required")
	}
	if password == "" {
		f.Errors["password"] = v.T("p.required")
	}
	if f.Bad() {
		s.showLogin(w, r, v, f, refused)
		return
	}
	client, _, _ := net.SplitHostPort(r.RemoteAddr)
	cookie, _, err := s.cfg.Auth.SignIn(r.Context(), f.Values["email"], password, client)
	if err != nil {
		if te, ok := errors.AsType[*access.ThrottledError](err); ok {
			f.Error = v.T("login.throttled", int(te.RetryAfter.Seconds()+0.5))
			w.Header().Set("Retry-After", itoa(int(te.RetryAfter.Seconds()+0.5)))
			s.showLogin(w, r, v, f, refused)
			return
		}
		if errors.Is(err, access.ErrBadCredentials) || errors.Is(err, access.ErrThrottled) {
			f.Error = v.T("login.bad")
			s.showLogin(w, r, v, f, refused)
			return
		}
		s.fail(w, v, err)
		return
	}
	http.SetCookie(w, cookie)
	http.Redirect(w, r, safeNext(r.PostFormValue("next")), http.StatusSeeOther)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	cookie, err := s.cfg.Auth.SignOut(r.Context(), r)
	if err != nil && !errors.Is(err, access.ErrUnauthenticated) && !errors.Is(err, access.ErrBadCredentials) {
		s.fail(w, s.newView(r, access.Principal{}, nil), err)
		return
	}
	if cookie != nil {
		http.SetCookie(w, cookie)
	}
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// switchLang keeps the picked language in a cookie and goes back.
func (s *Server) switchLang(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	lang := r.FormValue("lang")
	if lang != graph.LangNL && lang != graph.LangEN {
		lang = graph.LangNL
	}
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil})
	http.Redirect(w, r, safeNext(r.FormValue("next")), http.StatusSeeOther)
}

// pagePath is the page a person is on, for the language switch and the
// reload link: after a refused POST it is the page the form was on.
func pagePath(r *http.Request) string {
	if r.Method == http.MethodGet {
		return r.URL.RequestURI()
	}
	if ref, err := url.Parse(r.Referer()); err == nil && ref.Host == r.Host && ref.Path != "" {
		return ref.RequestURI()
	}
	return r.URL.Path
}
