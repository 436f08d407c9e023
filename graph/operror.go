package graph

import (
	"context"
	"errors"
	"log/slog"
)

// Errors of the storage beneath a Store, which a caller cannot fix by
// changing its input.
var (
	// ErrCorrupt: the stored data is damaged (a database file truncated or
	// overwritten); the error names the file or what is damaged.
	ErrCorrupt = errors.New("stored data is damaged")
	// ErrStorageFull: the disk or quota is full, so nothing was written.
	// It wraps the system's error (syscall.ENOSPC or EDQUOT) too.
	ErrStorageFull = errors.New("storage is full")
)

// OpError is the error of one store operation. It keeps apart what a log
// line may carry, the operation and the kind of failure, from what it may
// not: the subject (workspace and node ids, which name people) and the
// underlying error's text, which can quote stored values. Error gives the
// whole text for the caller; LogValue (log/slog) and LogText give only the
// loggable part. errors.Is and errors.As see through it.
type OpError struct {
	Op      string // e.g. "embedded.CreateNode"
	Subject string // e.g. "oostvoorde/cfo"; may be empty
	Err     error
}

func (e *OpError) Error() string {
	if e.Subject == "" {
		return e.Op + ": " + e.Err.Error()
	}
	return e.Op + " " + e.Subject + ": " + e.Err.Error()
}

func (e *OpError) Unwrap() error { return e.Err }

// LogValue is what slog shows of the error: operation and kind only.
func (e *OpError) LogValue() slog.Value {
	return slog.GroupValue(slog.String("op", e.Op), slog.String("kind", ErrorKind(e.Err)))
}

// ErrorKind names the kind of an error by the sentinel it matches, for
// logs and metrics: "not-found", "stale", "conflict", "invalid",
// "corrupt", "storage-full", "canceled", or "internal" for any other.
func ErrorKind(err error) string {
	switch {
	case errors.Is(err, ErrNotFound):
		return "not-found"
	case errors.Is(err, ErrStale):
		return "stale"
	case errors.Is(err, ErrConflict):
		return "conflict"
	case errors.Is(err, ErrInvalid):
		return "invalid"
	case errors.Is(err, ErrCorrupt):
		return "corrupt"
	case errors.Is(err, ErrStorageFull):
		return "storage-full"
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return "canceled"
	}
	return "internal"
}

// LogText is a text of err that may be logged: the operation and kind of
// the first OpError in its chain ("embedded.CreateNode: not-found"), or
// only the kind when there is none, because an error of unknown make may
// quote ids and values.
func LogText(err error) string {
	if err == nil {
		return ""
	}
	if e, ok := errors.AsType[*OpError](err); ok {
		return e.Op + ": " + ErrorKind(e.Err)
	}
	return ErrorKind(err)
}
