package httpapi

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// TokenRequest asks for a new token.
type TokenRequest struct {
	Workspace string `json:"workspace"`
	Role      string `json:"role"`
}

// NewToken is the answer to a TokenRequest: the token is shown this once.
type NewToken struct {
	Token string `json:"token"`
	Grant
}

// createToken issues a token. An admin of one workspace issues tokens for
// that workspace only; a global admin for any workspace or for all ("*").
func (s *Server) createToken(c *gin.Context) {
	if s.tokens == nil {
		fail(c, newError(http.StatusConflict, CodeConflict, "tokens are disabled: the service runs without authentication"))
		return
	}
	var req TokenRequest
	if err := bindJSON(c, &req, DefaultBodyLimit); err != nil {
		fail(c, err)
		return
	}
	g := grantOf(c)
	if g.Workspace != AllWorkspaces && req.Workspace != g.Workspace {
		fail(c, newError(http.StatusForbidden, CodeForbidden, "your token may issue tokens for workspace "+g.Workspace+" only",
			FieldError{Field: "workspace", Value: req.Workspace, Reason: "must be " + g.Workspace}))
		return
	}
	token, grant, err := s.tokens.Create(req.Workspace, req.Role)
	if err != nil {
		fail(c, err)
		return
	}
	s.log.InfoContext(c.Request.Context(), "token issued", "id", grant.ID, "workspace", grant.Workspace, "role", grant.Role, "by", g.ID)
	c.JSON(http.StatusCreated, NewToken{Token: token, Grant: grant})
}

func (s *Server) listTokens(c *gin.Context) {
	out := []Grant{}
	if s.tokens != nil {
		g := grantOf(c)
		for _, t := range s.tokens.List() {
			if g.Workspace == AllWorkspaces || t.Workspace == g.Workspace {
				out = append(out, t)
			}
		}
	}
	c.JSON(http.StatusOK, gin.H{"tokens": out})
}

func (s *Server) revokeToken(c *gin.Context) {
	id := c.Param("id")
	g := grantOf(c)
	if s.tokens == nil {
		fail(c, newError(http.StatusNotFound, CodeNotFound, "no such token"))
		return
	}
	t, ok := s.tokens.Lookup(id)
	if !ok || (g.Workspace != AllWorkspaces && t.Workspace != g.Workspace) {
		fail(c, newError(http.StatusNotFound, CodeNotFound, "no such token"))
		return
	}
	if err := s.tokens.Revoke(id); err != nil {
		fail(c, err)
		return
	}
	s.log.InfoContext(c.Request.Context(), "token revoked", "id", id, "by", g.ID)
	c.Status(http.StatusNoContent)
}
