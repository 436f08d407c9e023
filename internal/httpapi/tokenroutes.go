package httpapi

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/stakemap/stakemap/internal/access"
)

// Request and answer documents of the access routes, as the OpenAPI
// document names them.
type (
	// TokenRequest asks for a token.
	TokenRequest = access.TokenRequest
	// NewToken is a token just made: the token is shown this once.
	NewToken struct {
		Secret string `json:"token"`
		access.Token
	}
	// UserUpdate changes an account (admins): any of name, lang, role and
	// password.
	UserUpdate struct {
		access.AccountUpdate
		Password *string `json:"password,omitempty"`
	}
	// MemberRequest gives an account a role on a workspace.
	MemberRequest struct {
		Role string `json:"role"`
	}
	// Me says who the request is made by.
	Me struct {
		Via        string            `json:"via"`
		Account    *access.Account   `json:"account,omitempty"`
		Token      string            `json:"token,omitempty"`
		Role       string            `json:"role,omitempty"`
		Workspaces map[string]string `json:"workspaces"`
	}
)

// accessSchemas are the documents of the access routes, for OpenAPI.
var accessSchemas = []any{NewToken{}, access.TokenRequest{}, access.Token{}, access.Account{}, access.NewAccount{}, UserUpdate{},
	access.Member{}, MemberRequest{}, access.ShareLinkRequest{}, access.NewShareLink{}, access.ShareLink{}, Me{}}

// accessLists are the list documents of the access routes: schema name,
// key and item schema.
var accessLists = [][3]string{{"TokenList", "tokens", "Token"}, {"UserList", "users", "Account"},
	{"MemberList", "members", "Member"}, {"ShareLinkList", "shareLinks", "ShareLink"}}

func (s *Server) accessRoutes() []route {
	return []route{
		{method: "GET", path: api + "/account", access: accessService, tag: "access", summary: "Who you are: your account, token and roles", status: 200, resp: "Me", handler: s.me},

		{method: "POST", path: api + "/tokens", access: accessService, tag: "access", summary: "Make a token (shown once), up to your own role", body: "TokenRequest", status: 201, resp: "NewToken", secret: true, handler: s.createToken},
		{method: "GET", path: api + "/tokens", access: accessService, tag: "access", summary: "Your tokens and those of workspaces you administer (never their secrets)", status: 200, resp: "TokenList", handler: s.listTokens},
		{method: "DELETE", path: api + "/tokens/:id", access: accessService, tag: "access", summary: "Revoke a token", status: 204, handler: s.revokeToken},

		{method: "GET", path: api + "/users", access: accessGlobal, role: RoleAdmin, tag: "access", summary: "List accounts (service admins)", status: 200, resp: "UserList", handler: s.listUsers},
		{method: "POST", path: api + "/users", access: accessGlobal, role: RoleAdmin, tag: "access", summary: "Add an account (service admins)", body: "NewAccount", status: 201, resp: "Account", handler: s.createUser},
		{method: "GET", path: api + "/users/:id", access: accessGlobal, role: RoleAdmin, tag: "access", summary: "One account, by id or e-mail address (service admins)", status: 200, resp: "Account", handler: s.getUser},
		{method: "PATCH", path: api + "/users/:id", access: accessGlobal, role: RoleAdmin, tag: "access", summary: "Change an account's name, language, role or password (service admins)", body: "UserUpdate", status: 200, resp: "Account", handler: s.updateUser},
		{method: "DELETE", path: api + "/users/:id", access: accessGlobal, role: RoleAdmin, tag: "access", summary: "Remove an account with its sessions, tokens, memberships and share links", status: 204, handler: s.deleteUser},

		{method: "GET", path: api + "/workspaces/:ws/members", access: accessWorkspace, role: RoleAdmin, tag: "access", summary: "Members of the workspace and their roles", status: 200, resp: "MemberList", handler: s.listMembers},
		{method: "PUT", path: api + "/workspaces/:ws/members/:id", access: accessWorkspace, role: RoleAdmin, tag: "access", summary: "Give an account (id or e-mail address) a role on the workspace", body: "MemberRequest", status: 200, resp: "Member", handler: s.setMember},
		{method: "DELETE", path: api + "/workspaces/:ws/members/:id", access: accessWorkspace, role: RoleAdmin, tag: "access", summary: "End an account's membership of the workspace", status: 204, handler: s.removeMember},

		{method: "POST", path: api + "/workspaces/:ws/share-links", access: accessWorkspace, role: RoleEditor, tag: "access", summary: "Make a read-only share link (its URL is shown once)", body: "ShareLinkRequest", status: 201, resp: "NewShareLink", secret: true, handler: s.createShareLink},
		{method: "GET", path: api + "/workspaces/:ws/share-links", access: accessWorkspace, role: RoleEditor, tag: "access", summary: "The workspace's share links with access count and last access", status: 200, resp: "ShareLinkList", handler: s.listShareLinks},
		{method: "DELETE", path: api + "/workspaces/:ws/share-links/:id", access: accessWorkspace, role: RoleEditor, tag: "access", summary: "Revoke a share link (its maker or an admin)", status: 204, handler: s.revokeShareLink},
	}
}

// noStore marks an answer that carries a secret: no cache may keep it.
func noStore(c *gin.Context) { c.Header("Cache-Control", "no-store") }

func (s *Server) me(c *gin.Context) {
	p := principalOf(c)
	me := Me{Via: p.Via, Token: p.TokenName, Role: p.Global, Workspaces: p.Workspaces}
	if me.Workspaces == nil {
		me.Workspaces = map[string]string{}
	}
	if p.AccountID != "" {
		a, err := s.access.Account(c.Request.Context(), p, p.AccountID)
		if err != nil {
			fail(c, err)
			return
		}
		me.Account = &a
	}
	c.JSON(http.StatusOK, me)
}

func (s *Server) createToken(c *gin.Context) {
	var req TokenRequest
	if err := bindJSON(c, &req, DefaultBodyLimit); err != nil {
		fail(c, err)
		return
	}
	token, t, err := s.access.CreateToken(c.Request.Context(), principalOf(c), req)
	if err != nil {
		fail(c, err)
		return
	}
	noStore(c)
	c.JSON(http.StatusCreated, NewToken{Secret: token, Token: t})
}

func (s *Server) listTokens(c *gin.Context) {
	ts, err := s.access.Tokens(c.Request.Context(), principalOf(c))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"tokens": ts})
}

func (s *Server) revokeToken(c *gin.Context) {
	if err := s.access.RevokeToken(c.Request.Context(), principalOf(c), c.Param("id")); err != nil {
		fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (s *Server) listUsers(c *gin.Context) {
	us, err := s.access.Accounts(c.Request.Context(), principalOf(c))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"users": us})
}

func (s *Server) createUser(c *gin.Context) {
	var req access.NewAccount
	if err := bindJSON(c, &req, DefaultBodyLimit); err != nil {
		fail(c, err)
		return
	}
	a, err := s.access.CreateAccount(c.Request.Context(), principalOf(c), req)
	if err != nil {
		fail(c, err)
		return
	}
	c.Header("Location", api+"/users/"+a.ID)
	c.JSON(http.StatusCreated, a)
}

func (s *Server) getUser(c *gin.Context) {
	a, err := s.access.Account(c.Request.Context(), principalOf(c), c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, a)
}

func (s *Server) updateUser(c *gin.Context) {
	var req UserUpdate
	if err := bindJSON(c, &req, DefaultBodyLimit, "application/merge-patch+json"); err != nil {
		fail(c, err)
		return
	}
	ctx, p := c.Request.Context(), principalOf(c)
	if req.Password != nil {
		if err := s.access.SetPassword(ctx, p, c.Param("id"), *req.Password); err != nil {
			fail(c, err)
			return
		}
	}
	a, err := s.access.UpdateAccount(ctx, p, c.Param("id"), req.AccountUpdate)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, a)
}

func (s *Server) deleteUser(c *gin.Context) {
	if err := s.access.RemoveAccount(c.Request.Context(), principalOf(c), c.Param("id")); err != nil {
		fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (s *Server) listMembers(c *gin.Context) {
	ms, err := s.access.Members(c.Request.Context(), principalOf(c), c.Param("ws"))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"members": ms})
}

func (s *Server) setMember(c *gin.Context) {
	var req MemberRequest
	if err := bindJSON(c, &req, DefaultBodyLimit); err != nil {
		fail(c, err)
		return
	}
	m, err := s.access.SetMember(c.Request.Context(), principalOf(c), c.Param("ws"), c.Param("id"), req.Role)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, m)
}

func (s *Server) removeMember(c *gin.Context) {
	if err := s.access.RemoveMember(c.Request.Context(), principalOf(c), c.Param("ws"), c.Param("id")); err != nil {
		fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (s *Server) createShareLink(c *gin.Context) {
	var req access.ShareLinkRequest
	if err := bindJSON(c, &req, DefaultBodyLimit); err != nil {
		fail(c, err)
		return
	}
	l, err := s.access.CreateShareLink(c.Request.Context(), principalOf(c), c.Param("ws"), req)
	if err != nil {
		fail(c, err)
		return
	}
	noStore(c)
	c.JSON(http.StatusCreated, l)
}

func (s *Server) listShareLinks(c *gin.Context) {
	ls, err := s.access.ShareLinks(c.Request.Context(), principalOf(c), c.Param("ws"))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"shareLinks": ls})
}

func (s *Server) revokeShareLink(c *gin.Context) {
	if err := s.access.RevokeShareLink(c.Request.Context(), principalOf(c), c.Param("ws"), c.Param("id")); err != nil {
		fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
