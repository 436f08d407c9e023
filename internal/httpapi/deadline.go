package httpapi

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gin-gonic/gin"
)

// DefaultAnalysisTimeout bounds one analysis request (findings, grid,
// paths, brokers) unless Config.AnalysisTimeout says otherwise: the
// analyses stop at it, so that no question holds the service longer.
const DefaultAnalysisTimeout = 30 * time.Second

// retryAfter is the Retry-After of a 503 for work that ran out of time or
// found no room, in seconds: about one deadline.
const retryAfter = "30"

// statusClientClosed is the status logged for a request whose client went
// away before the answer (nginx's 499); no client ever sees it.
const statusClientClosed = 499

// analysisContext is the request's context with the analysis deadline.
func (s *Server) analysisContext(c *gin.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(c.Request.Context(), s.cfg.AnalysisTimeout)
}

// failBounded answers the error of work that may have been stopped: when
// the client went away, nobody reads an answer and it is no failure of
// ours, so only 499 is logged; work past its deadline, or without room,
// is a 503 with Retry-After; anything else as fail does.
func failBounded(c *gin.Context, err error) {
	if c.Request.Context().Err() != nil {
		c.AbortWithStatus(statusClientClosed)
		return
	}
	if errors.Is(err, context.DeadlineExceeded) {
		err = fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	if errors.Is(err, ErrUnavailable) {
		c.Header("Retry-After", retryAfter)
	}
	fail(c, err)
}
