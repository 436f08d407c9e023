package httpapi

import (
	"errors"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/stakemap/stakemap/graph"
)

// ErrorBody is the one error shape every route answers with.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail says what went wrong: a stable code for programs, a message
// for people and, for bad input, every offending field.
type ErrorDetail struct {
	Code    string       `json:"code"`
	Message string       `json:"message"`
	Fields  []FieldError `json:"fields,omitempty"`
}

// FieldError names one offending field (or query parameter), its value and
// why it is refused.
type FieldError struct {
	Entry  string `json:"entry,omitempty"`
	Field  string `json:"field"`
	Value  string `json:"value"`
	Reason string `json:"reason"`
}

// Error codes of ErrorDetail.Code.
const (
	CodeInvalid      = "invalid"
	CodeNotFound     = "not_found"
	CodeConflict     = "conflict"
	CodeStale        = "stale"
	CodeUnauthorized = "unauthorized"
	CodeForbidden    = "forbidden"
	CodeGone         = "gone"
	CodeThrottled    = "throttled"
	CodeTooLarge     = "too_large"
	CodeUnsupported  = "unsupported_media_type"
	CodeUnavailable  = "unavailable"
	CodeInternal     = "internal"
)

// ErrUnavailable marks a failure that is temporary and not the client's
// fault, such as a map render that outlived its deadline: 503.
var ErrUnavailable = errors.New("temporarily unavailable")

// apiError is an error that already knows its status and body.
type apiError struct {
	status int
	detail ErrorDetail
}

func (e *apiError) Error() string { return e.detail.Message }

func newError(status int, code, msg string, fields ...FieldError) *apiError {
	return &apiError{status: status, detail: ErrorDetail{Code: code, Message: msg, Fields: fields}}
}

// badParam is the 400 for one bad query or path parameter.
func badParam(name, value, reason string) *apiError {
	return newError(http.StatusBadRequest, CodeInvalid, "invalid parameter "+name+": "+reason,
		FieldError{Field: name, Value: value, Reason: reason})
}

// fail writes the error response for err and aborts the chain. It is the
// only place that maps errors to statuses: domain sentinels to 4xx, and
// anything else to a 500 whose real cause goes to the log, never to the
// client.
func fail(c *gin.Context, err error) {
	if ae, ok := accessError(c, err); ok {
		err = ae
	}
	status, detail := classify(err)
	if status == http.StatusInternalServerError {
		logger(c).ErrorContext(c.Request.Context(), "request failed", "route", c.FullPath(), "err", err)
	}
	c.Error(err) //nolint:errcheck // recorded for the access log only
	c.AbortWithStatusJSON(status, ErrorBody{Error: detail})
}

func classify(err error) (int, ErrorDetail) {
	if ae, ok := errors.AsType[*apiError](err); ok {
		return ae.status, ae.detail
	}
	if mb, ok := errors.AsType[*http.MaxBytesError](err); ok {
		return http.StatusRequestEntityTooLarge, ErrorDetail{Code: CodeTooLarge,
			Message: "request body exceeds the limit of " + humanBytes(mb.Limit)}
	}
	switch {
	case errors.Is(err, ErrUnavailable):
		return http.StatusServiceUnavailable, ErrorDetail{Code: CodeUnavailable, Message: "temporarily unavailable: try again later"}
	case errors.Is(err, graph.ErrInvalid):
		d := ErrorDetail{Code: CodeInvalid, Message: "invalid input"}
		if ve, ok := errors.AsType[*graph.ValidationError](err); ok {
			for _, p := range ve.Problems {
				d.Fields = append(d.Fields, FieldError{Entry: p.Entry, Field: p.Field, Value: p.Value, Reason: p.Reason})
			}
			if len(ve.Problems) == 1 {
				d.Message = "invalid input: " + ve.Problems[0].String()
			} else if len(ve.Problems) > 1 {
				d.Message = "invalid input: " + itoa(len(ve.Problems)) + " problems"
			}
		}
		return http.StatusBadRequest, d
	case errors.Is(err, graph.ErrNotFound):
		return http.StatusNotFound, ErrorDetail{Code: CodeNotFound, Message: "not found"}
	case errors.Is(err, graph.ErrStale):
		return http.StatusPreconditionFailed, ErrorDetail{Code: CodeStale,
			Message: "the resource changed since it was read (If-Match is stale): read it again"}
	case errors.Is(err, graph.ErrConflict):
		return http.StatusConflict, ErrorDetail{Code: CodeConflict, Message: "conflict: it exists already"}
	}
	return http.StatusInternalServerError, ErrorDetail{Code: CodeInternal, Message: "internal error"}
}

func humanBytes(n int64) string {
	if n%(1<<20) == 0 {
		return itoa(int(n>>20)) + " MB"
	}
	return itoa(int(n)) + " bytes"
}

func itoa(n int) string { return strconv.Itoa(n) }

func logger(c *gin.Context) *slog.Logger {
	if l, ok := c.Get(ctxLogger); ok {
		return l.(*slog.Logger)
	}
	return slog.Default()
}
