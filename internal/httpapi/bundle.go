package httpapi

import (
	"bytes"
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/stakemap/stakemap/graph"
)

// getBundle exports the workspace canonically. Its ETag is the store's
// revision, so an unchanged workspace costs a 304.
func (s *Server) getBundle(c *gin.Context) {
	ctx := c.Request.Context()
	ws := c.Param("ws")
	rev, err := s.store.Revision(ctx, ws)
	if err != nil {
		fail(c, err)
		return
	}
	tag := quoteTag(rev)
	c.Header("ETag", tag)
	if !checkConditions(c, resourceState{exists: true, etag: tag}) {
		return
	}
	b, err := s.store.ExportBundle(ctx, ws)
	if err != nil {
		fail(c, err)
		return
	}
	var buf bytes.Buffer
	if err := s.cfg.EncodeBundle(&buf, b); err != nil {
		fail(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="`+ws+`.stakemap.json"`)
	c.Data(http.StatusOK, "application/json", buf.Bytes())
}

// putBundle creates or replaces a workspace from a stakemap/v1 document,
// all or nothing: any problem changes nothing and every problem is listed.
// If-Match and If-None-Match are evaluated against the workspace's
// revision, and the store checks inside its transaction that the
// workspace is still in the state they were evaluated against: with
// If-None-Match: * a PUT creates and never replaces.
func (s *Server) putBundle(c *gin.Context) {
	if err := checkContentType(c); err != nil {
		fail(c, err)
		return
	}
	ws := c.Param("ws")
	cur, rev, err := s.workspaceState(c, ws)
	if err != nil {
		fail(c, err)
		return
	}
	if !checkConditions(c, cur) {
		return
	}
	pre := storePrecondition(c, cur, rev)
	guard := newJSONGuard(c.Request.Body)
	b, err := s.cfg.DecodeBundle(guard)
	if err == nil {
		err = guard.finish()
	} else if p := guard.Problem(); p != nil {
		err = p
	}
	if err != nil {
		if _, ok := errors.AsType[*apiError](err); !ok && !errors.Is(err, graph.ErrInvalid) {
			if _, big := errors.AsType[*http.MaxBytesError](err); !big {
				// A decoder's own error (syntax, unknown field) is the
				// client's fault, not ours.
				err = newError(http.StatusBadRequest, CodeInvalid, "invalid document: "+err.Error(),
					FieldError{Field: "body", Reason: err.Error()})
			}
		}
		fail(c, err)
		return
	}
	if b.Workspace.ID != ws {
		fail(c, newError(http.StatusBadRequest, CodeInvalid, "workspace.id must equal the workspace in the path",
			FieldError{Field: "workspace.id", Value: b.Workspace.ID, Reason: "must equal " + ws + ", the workspace in the path"}))
		return
	}
	ctx := c.Request.Context()
	if err := s.store.ImportBundle(ctx, b, pre); err != nil {
		fail(c, err)
		return
	}
	w, err := s.store.Workspace(ctx, ws)
	if err != nil {
		fail(c, err)
		return
	}
	// No ETag: a revision read now could already include another write,
	// and an If-Match with it would overwrite that write unseen.
	status := http.StatusOK
	if !cur.exists {
		status = http.StatusCreated
		c.Header("Location", c.Request.URL.Path)
	}
	c.JSON(status, w)
}
