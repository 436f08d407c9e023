package httpapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"syscall"

	"github.com/gin-gonic/gin"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/history"
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
	// CodeMethodNotAllowed: the path exists, the method does not (405,
	// with an Allow header).
	CodeMethodNotAllowed = "method_not_allowed"
	// CodeStorageFull: the server's disk (or quota) is full; nothing was
	// written (507).
	CodeStorageFull = "storage_full"
	// CodeCorrupt: the stored data is damaged (500); `stakemap check`
	// says what.
	CodeCorrupt = "corrupt"
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
// anything else to a 5xx whose cause goes to the log, never to the client.
//
// The log line names the operation (method and route template), the error
// code and the cause's kind (see errorKind), never the error's text: the
// stores put workspace and node ids in their messages, and request values
// can be names of people.
func fail(c *gin.Context, err error) {
	if ae, ok := accessError(c, err); ok {
		err = ae
	}
	status, detail := classify(err)
	if status >= http.StatusInternalServerError {
		level := slog.LevelError
		if status == http.StatusServiceUnavailable {
			level = slog.LevelWarn
		}
		logger(c).LogAttrs(c.Request.Context(), level, "request failed",
			slog.String("op", c.Request.Method+" "+routeOf(c)),
			slog.Int("status", status),
			slog.String("code", detail.Code),
			slog.String("store", graph.LogText(err)),
			slog.String("cause", errorKind(err)))
	}
	c.Set(ctxErrorCode, detail.Code)
	c.AbortWithStatusJSON(status, ErrorBody{Error: detail})
}

// ctxErrorCode holds the code of the error a request failed with, for its
// access log line.
const ctxErrorCode = "stakemap.error"

func routeOf(c *gin.Context) string {
	if r := c.FullPath(); r != "" {
		return r
	}
	return "unmatched"
}

// errorKind describes an error by what it is, without its text: the types
// along its chain (fmt.Errorf wrappers skipped), and the text only of
// errors whose text is fixed and holds no data: system call errors such as
// "no space left on device", context errors and the domain's sentinels.
func errorKind(err error) string {
	var parts []string
	var walk func(error)
	walk = func(err error) {
		if err == nil || len(parts) > 12 {
			return
		}
		if k := fixedText(err); k != "" {
			parts = append(parts, k)
			return
		}
		t := fmt.Sprintf("%T", err)
		if t != "*fmt.wrapError" && t != "*fmt.wrapErrors" && t != "*errors.joinError" && t != "*graph.OpError" {
			parts = append(parts, t)
		}
		switch u := err.(type) {
		case interface{ Unwrap() error }:
			walk(u.Unwrap())
		case interface{ Unwrap() []error }:
			for _, e := range u.Unwrap() {
				walk(e)
			}
		}
	}
	walk(err)
	return strings.Join(parts, " > ")
}

// fixedText returns the text of an error whose text carries no data, or "".
// A store's *graph.OpError is neither: it is skipped, as a wrapper is.
func fixedText(err error) string {
	if errno, ok := err.(syscall.Errno); ok {
		return "errno " + strconv.Itoa(int(errno)) + " (" + errno.Error() + ")"
	}
	for _, known := range []error{context.Canceled, context.DeadlineExceeded, io.EOF, io.ErrUnexpectedEOF,
		graph.ErrNotFound, graph.ErrConflict, graph.ErrStale, graph.ErrInvalid, graph.ErrCorrupt, graph.ErrStorageFull,
		ErrUnavailable, http.ErrAbortHandler} {
		if err == known {
			return known.Error()
		}
	}
	return ""
}

// diskFull reports whether err says the disk or the quota is full: as a
// store says it (graph.ErrStorageFull), or as the system does.
func diskFull(err error) bool {
	return errors.Is(err, graph.ErrStorageFull) || errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT)
}

func classify(err error) (int, ErrorDetail) {
	if ae, ok := errors.AsType[*apiError](err); ok {
		return ae.status, ae.detail
	}
	if mb, ok := errors.AsType[*http.MaxBytesError](err); ok {
		return http.StatusRequestEntityTooLarge, ErrorDetail{Code: CodeTooLarge,
			Message: "request body exceeds the limit of " + humanBytes(mb.Limit)}
	}
	if he, ok := errors.AsType[*history.Error](err); ok {
		status, code := http.StatusNotFound, CodeNotFound
		if errors.Is(he, graph.ErrGone) {
			status, code = http.StatusGone, CodeGone
		}
		return status, ErrorDetail{Code: code, Message: he.Msg}
	}
	switch {
	case errors.Is(err, graph.ErrGone):
		return http.StatusGone, ErrorDetail{Code: CodeGone, Message: "gone: that past is no longer kept (retention period)"}
	case diskFull(err):
		return http.StatusInsufficientStorage, ErrorDetail{Code: CodeStorageFull,
			Message: "the server's disk is full: nothing was saved. Try again after the administrator has made space"}
	case errors.Is(err, graph.ErrCorrupt):
		return http.StatusInternalServerError, ErrorDetail{Code: CodeCorrupt,
			Message: "the stored data is damaged: nothing was changed. The administrator can see what is damaged with stakemap check"}
	case errors.Is(err, context.DeadlineExceeded):
		return http.StatusServiceUnavailable, ErrorDetail{Code: CodeUnavailable, Message: "the request took too long: try again later"}
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
