package httpapi

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/stakemap/stakemap/internal/access"
)

// Roles, weakest first, as the access package defines them: a viewer
// reads, an editor also writes, an admin also manages people, tokens,
// share links and settings.
const (
	RoleViewer = access.RoleViewer
	RoleEditor = access.RoleEditor
	RoleAdmin  = access.RoleAdmin
)

// AllWorkspaces is the workspace of a grant that reaches every workspace.
const AllWorkspaces = access.AllWorkspaces

// localPrincipal serves every request with --no-auth: only on the
// loopback interface of one person's machine.
var localPrincipal = access.Principal{Via: access.ViaLocal, Global: RoleAdmin}

const ctxPrincipal = "stakemap.principal"

// principalOf returns the principal authorize found for the request.
func principalOf(c *gin.Context) access.Principal {
	p, _ := c.Get(ctxPrincipal)
	pr, _ := p.(access.Principal)
	return pr
}

// authenticate returns who makes the request, or writes the 401 or 429.
func (s *Server) authenticate(c *gin.Context) (access.Principal, bool) {
	if s.cfg.NoAuth {
		return localPrincipal, true
	}
	p, err := s.access.Authenticate(c.Request)
	if err == nil {
		return p, true
	}
	switch {
	case errors.Is(err, access.ErrUnauthenticated):
		c.Header("WWW-Authenticate", `Bearer realm="stakemap"`)
		fail(c, newError(http.StatusUnauthorized, CodeUnauthorized, "not signed in: sign in, or send Authorization: Bearer <token>"))
	case errors.Is(err, access.ErrBadCredentials):
		c.Header("WWW-Authenticate", `Bearer realm="stakemap", error="invalid_token"`)
		fail(c, newError(http.StatusUnauthorized, CodeUnauthorized, "invalid, expired or revoked token or session"))
	default:
		fail(c, err)
	}
	return access.Principal{}, false
}

// highest returns the strongest role p has anywhere.
func highest(p access.Principal) string {
	r := p.Global
	for _, m := range p.Workspaces {
		if access.RoleRank(m) > access.RoleRank(r) {
			r = m
		}
	}
	return r
}

// accessError maps the errors of the access package: 401, 403, 410 and
// 429 with Retry-After. ok is false for any other error.
func accessError(c *gin.Context, err error) (*apiError, bool) {
	if te, ok := errors.AsType[*access.ThrottledError](err); ok {
		c.Header("Retry-After", strconv.Itoa(int(te.RetryAfter.Seconds())))
		return newError(http.StatusTooManyRequests, CodeThrottled, te.Error()), true
	}
	switch {
	case errors.Is(err, access.ErrForbidden):
		return newError(http.StatusForbidden, CodeForbidden, "your role does not allow this"), true
	case errors.Is(err, access.ErrGone):
		return newError(http.StatusGone, CodeGone, "this link has expired or was revoked"), true
	case errors.Is(err, access.ErrBadCredentials), errors.Is(err, access.ErrUnauthenticated):
		return newError(http.StatusUnauthorized, CodeUnauthorized, "not signed in"), true
	}
	return nil, false
}

// CrossOriginDenied answers a refused cross-origin write in the API's
// error shape.
var CrossOriginDenied http.Handler = crossOriginDenied

var crossOriginDenied = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusForbidden)
	_, _ = w.Write([]byte(`{"error":{"code":"forbidden","message":"cross-origin request refused: a page of another site may not change anything here"}}` + "\n"))
})
