package graph

import (
	"cmp"
	"context"
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// Record is one small document of the service's own state: an account, a
// membership, a session, a token, a share link. The store keeps records
// opaque (Data is the owning package's JSON) and only indexes them, so
// every backend keeps them the same way and the logic stays in Go.
type Record struct {
	// Kind and ID identify the record; (Kind, ID) is unique in a store.
	Kind string `json:"kind"`
	ID   string `json:"id"`
	// Workspace is "" for a service-wide record; otherwise the record
	// belongs to that workspace and is deleted with it, in the same
	// transaction, so nothing of it reaches a later workspace of that id.
	Workspace string `json:"workspace,omitempty"`
	// Owner is the account the record belongs to, or "", so that an
	// account's sessions and tokens can be listed and deleted together.
	Owner string `json:"owner,omitempty"`
	// Data is the record's content: one JSON object.
	Data json.RawMessage `json:"data"`
	// Version is set by the store: 1 on create, one more on every update.
	Version int64 `json:"version"`
}

// RecordQuery selects records; an empty field matches anything.
type RecordQuery struct {
	Kind, Workspace, Owner string
}

// Empty reports whether q selects every record.
func (q RecordQuery) Empty() bool { return q == RecordQuery{} }

// Matches reports whether q selects r.
func (q RecordQuery) Matches(r Record) bool {
	return (q.Kind == "" || q.Kind == r.Kind) &&
		(q.Workspace == "" || q.Workspace == r.Workspace) &&
		(q.Owner == "" || q.Owner == r.Owner)
}

// RecordStore keeps records. Every graph.Store is one, so that every
// backend holds the service's state beside the workspaces, and several
// service processes on one database share it.
type RecordStore interface {
	// CreateRecord adds r and returns its version (1). ErrInvalid: a bad
	// kind, id, workspace, owner or data. ErrConflict: (kind, id) exists.
	// ErrNotFound: r.Workspace names no workspace (checked in the same
	// transaction, so a record never outlives a workspace being deleted).
	CreateRecord(ctx context.Context, r Record) (int64, error)
	// UpdateRecord replaces the Data of the record (r.Kind, r.ID) and
	// returns its new version. version is the version the caller read; 0
	// means whatever is stored. ErrNotFound: no such record. ErrStale:
	// version is not current. ErrInvalid: bad data, or r.Workspace or
	// r.Owner differs from the stored record's (they never change).
	UpdateRecord(ctx context.Context, r Record, version int64) (int64, error)
	// Record returns one record, or ErrNotFound.
	Record(ctx context.Context, kind, id string) (Record, error)
	// Records returns the records q selects, sorted by kind, then id.
	Records(ctx context.Context, q RecordQuery) ([]Record, error)
	// DeleteRecord removes one record, or returns ErrNotFound.
	DeleteRecord(ctx context.Context, kind, id string) error
	// DeleteRecords removes the records q selects and says how many.
	// ErrInvalid: q is empty (deleting everything is never meant).
	DeleteRecords(ctx context.Context, q RecordQuery) (int, error)
}

// Record limits: records are small, and a request never makes a big one.
const (
	MaxRecordData = 64 << 10
	maxRecordID   = 256
)

var recordKindPattern = regexp.MustCompile(`^[a-z][a-z0-9-]{0,31}$`)

// ValidateRecord returns the problems of a record to be stored: a kind
// of lower-case letters, digits and dashes; an id and owner of at most 256
// printable characters; a workspace id or ""; data that is one JSON
// object of at most 64 KB.
func ValidateRecord(r Record) []Problem {
	var p problems
	if !recordKindPattern.MatchString(r.Kind) {
		p.add("kind", r.Kind, "must be 1–32 lower-case letters, digits or dashes, starting with a letter")
	}
	recordKey(&p, "id", r.ID, true)
	recordKey(&p, "owner", r.Owner, false)
	if r.Workspace != "" && !ValidID(r.Workspace) {
		p.add("workspace", r.Workspace, "must be a workspace id or empty")
	}
	switch {
	case len(r.Data) > MaxRecordData:
		p.add("data", "", "must be at most 64 KB")
	case !json.Valid(r.Data) || !strings.HasPrefix(strings.TrimSpace(string(r.Data)), "{"):
		p.add("data", clip(string(r.Data)), "must be one JSON object")
	}
	return p.list
}

// ValidateRecordQuery returns the problems of a query: its fields follow
// the rules of the record fields they match.
func ValidateRecordQuery(q RecordQuery) []Problem {
	var p problems
	if q.Kind != "" && !recordKindPattern.MatchString(q.Kind) {
		p.add("kind", q.Kind, "must be 1–32 lower-case letters, digits or dashes, starting with a letter")
	}
	recordKey(&p, "owner", q.Owner, false)
	if q.Workspace != "" && !ValidID(q.Workspace) {
		p.add("workspace", q.Workspace, "must be a workspace id or empty")
	}
	return p.list
}

// recordKey checks an id or owner: backends build index keys from them
// with NUL as separator, so no control character may occur.
func recordKey(p *problems, field, v string, required bool) {
	switch {
	case v == "" && required:
		p.add(field, v, "is required")
	case len(v) > maxRecordID:
		p.add(field, clip(v), "must be at most 256 bytes")
	case !utf8.ValidString(v) || strings.IndexFunc(v, func(r rune) bool { return r < 0x20 || r == 0x7f }) >= 0:
		p.add(field, clip(v), "must be printable text without control characters")
	}
}

// SortRecords sorts records by kind, then id, the order RecordStore
// answers in.
func SortRecords(rs []Record) {
	slices.SortFunc(rs, func(a, b Record) int {
		return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.ID, b.ID))
	})
}
