package webui

import (
	"io/fs"
	"mime"
	"net/http"
	"path"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/access"
	"github.com/stakemap/stakemap/web"
)

// routes lists every page in one place. Reading needs a viewer, writing an
// editor, settings an admin.
func (s *Server) routes() *http.ServeMux {
	m := http.NewServeMux()
	const (
		viewer = access.RoleViewer
		editor = access.RoleEditor
		admin  = access.RoleAdmin
	)
	m.HandleFunc("GET /{$}", s.home)
	m.HandleFunc("POST /{$}", s.createWorkspace)
	m.HandleFunc("GET /login", s.loginPage)
	m.HandleFunc("POST /login", s.login)
	m.HandleFunc("POST /logout", s.logout)
	m.HandleFunc("POST /lang", s.switchLang)
	m.HandleFunc("GET /account", s.account)
	m.HandleFunc("POST /account/password", s.accountPassword)
	m.HandleFunc("POST /account/tokens", s.accountTokenCreate)
	m.HandleFunc("POST /account/tokens/revoke", s.accountTokenRevoke)
	m.HandleFunc("POST /account/signout-everywhere", s.accountSignOutEverywhere)
	m.HandleFunc("POST /account/calendar", s.calendarCreate)
	m.HandleFunc("POST /account/calendar/revoke", s.calendarRevoke)
	m.HandleFunc("GET /users", s.usersPage)
	m.HandleFunc("POST /users", s.userCreate)
	m.HandleFunc("POST /users/password", s.userPassword)
	m.HandleFunc("GET /users/remove", s.userConfirmRemove)
	m.HandleFunc("POST /users/remove", s.userRemove)
	if o, ok := s.cfg.Auth.(OIDC); ok && o.OIDCEnabled() {
		m.HandleFunc("GET /login/oidc", func(w http.ResponseWriter, r *http.Request) { o.OIDCLogin(w, r, s.signOnFailed) })
		m.HandleFunc("GET /login/oidc/callback", func(w http.ResponseWriter, r *http.Request) { o.OIDCCallback(w, r, s.signOnFailed) })
	}
	m.HandleFunc("GET /static/{file...}", s.asset)
	m.HandleFunc("GET /s/{secret}", s.share)

	ws := func(pattern, role string, h wsHandler) { m.HandleFunc(pattern, s.inWorkspace(role, h)) }
	ws("GET /w/{ws}", viewer, s.overview)

	ws("GET /w/{ws}/stakeholders", viewer, s.stakeholderList)
	ws("GET /w/{ws}/stakeholders/new", editor, s.stakeholderNew)
	ws("POST /w/{ws}/stakeholders", editor, s.stakeholderCreate)
	ws("GET /w/{ws}/stakeholders/{id}", viewer, s.stakeholderShow)
	ws("POST /w/{ws}/stakeholders/{id}", editor, s.stakeholderSave)
	ws("GET /w/{ws}/stakeholders/{id}/delete", editor, s.stakeholderConfirmDelete)
	ws("POST /w/{ws}/stakeholders/{id}/delete", editor, s.stakeholderDelete)
	ws("POST /w/{ws}/stakeholders/{id}/roles", editor, s.personRoleAdd)
	ws("POST /w/{ws}/stakeholders/{id}/roles/change", editor, s.personRoleChange)
	ws("POST /w/{ws}/stakeholders/{id}/roles/remove", editor, s.personRoleRemove)
	ws("POST /w/{ws}/stakeholders/{id}/influences", editor, s.influenceAdd)
	ws("POST /w/{ws}/stakeholders/{id}/influences/remove", editor, s.influenceRemove)
	ws("POST /w/{ws}/stakeholders/{id}/manager", editor, s.managerSet)
	ws("POST /w/{ws}/stakeholders/{id}/manager/remove", editor, s.managerRemove)

	ws("GET /w/{ws}/trajectories", viewer, s.trajectoryList)
	ws("GET /w/{ws}/trajectories/new", editor, s.trajectoryNew)
	ws("POST /w/{ws}/trajectories", editor, s.trajectoryCreate)
	ws("GET /w/{ws}/trajectories/{id}", viewer, s.trajectoryShow)
	ws("POST /w/{ws}/trajectories/{id}", editor, s.trajectorySave)
	ws("GET /w/{ws}/trajectories/{id}/delete", editor, s.trajectoryConfirmDelete)
	ws("POST /w/{ws}/trajectories/{id}/delete", editor, s.trajectoryDelete)
	ws("POST /w/{ws}/trajectories/{id}/roles", editor, s.trajectoryRoleAdd)
	ws("POST /w/{ws}/trajectories/{id}/roles/remove", editor, s.trajectoryRoleRemove)
	ws("POST /w/{ws}/trajectories/{id}/grid", editor, s.gridMove)
	ws("POST /w/{ws}/trajectories/{id}/goals", editor, s.goalLink)
	ws("POST /w/{ws}/trajectories/{id}/goals/remove", editor, s.goalUnlink)
	ws("POST /w/{ws}/trajectories/{id}/dependencies", editor, s.dependencyAdd)
	ws("POST /w/{ws}/trajectories/{id}/dependencies/remove", editor, s.dependencyRemove)

	ws("GET /w/{ws}/contacts", viewer, s.contactPage)
	ws("POST /w/{ws}/contacts", editor, s.contactSave)
	ws("GET /w/{ws}/findings", viewer, s.findingsPage)
	ws("GET /w/{ws}/paths", viewer, s.pathsPage)
	ws("GET /w/{ws}/maps", viewer, s.mapsPage)
	ws("GET /w/{ws}/maps/{file}", viewer, s.mapImage)
	ws("GET /w/{ws}/deck.pptx", viewer, s.deck)
	ws("GET /w/{ws}/import", viewer, s.importPage)
	ws("POST /w/{ws}/import", editor, s.importCheck)
	ws("POST /w/{ws}/import/apply", editor, s.importApply)
	ws("GET /w/{ws}/export/{file}", viewer, s.export)
	ws("GET /w/{ws}/template.xlsx", viewer, s.template)
	ws("GET /w/{ws}/share", editor, s.shareNew)
	ws("POST /w/{ws}/share", editor, s.shareCreate)
	ws("GET /w/{ws}/share-links", editor, s.shareList)
	ws("POST /w/{ws}/share-links/revoke", editor, s.shareRevoke)
	ws("GET /w/{ws}/members", admin, s.membersPage)
	ws("POST /w/{ws}/members", admin, s.memberSet)
	ws("POST /w/{ws}/members/remove", admin, s.memberRemove)
	ws("GET /w/{ws}/history", viewer, s.historyPage)
	ws("GET /w/{ws}/compare", viewer, s.comparePage)
	ws("GET /w/{ws}/compare/{file}", viewer, s.changesMap)
	ws("POST /w/{ws}/snapshots", editor, s.snapshotCreate)
	ws("GET /w/{ws}/stakeholders/{id}/personal-data", admin, s.personalData)
	ws("GET /w/{ws}/stakeholders/{id}/personal-data/read", admin, s.personalDataPage)
	ws("GET /w/{ws}/stakeholders/{id}/erase", admin, s.eraseConfirm)
	ws("POST /w/{ws}/stakeholders/{id}/erase", admin, s.erase)
	ws("GET /w/{ws}/settings", admin, s.settingsPage)
	ws("POST /w/{ws}/settings", admin, s.settingsSave)

	m.HandleFunc("/", s.notFound)
	return m
}

// notFound is the 404 page of every path no route serves.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	p, err := s.cfg.Auth.Authenticate(r)
	if err != nil {
		p = access.Principal{}
	}
	s.fail(w, s.newView(r, p, nil), graph.ErrNotFound)
}

// asset serves the styles and scripts under web/static.
func (s *Server) asset(w http.ResponseWriter, r *http.Request) {
	name := path.Clean("static/" + r.PathValue("file"))
	ct := mime.TypeByExtension(path.Ext(name))
	data, err := fs.ReadFile(web.FS, name)
	if err != nil || ct == "" || path.Dir(name) != "static" {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "no-cache")
	w.Write(data)
}
