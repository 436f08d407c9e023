package graph

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors every Store and Analyzer method may wrap. Callers test
// them with errors.Is; the HTTP layer maps each to one status.
var (
	// ErrNotFound: the workspace, node or relationship does not exist.
	ErrNotFound = errors.New("not found")
	// ErrConflict: the id or relationship exists already, or the write
	// was based on a version that is no longer current.
	ErrConflict = errors.New("conflict")
	// ErrStale is the ErrConflict of optimistic concurrency: the caller's
	// version is not the stored one. errors.Is(ErrStale, ErrConflict) holds.
	ErrStale = fmt.Errorf("%w: stale version", ErrConflict)
	// ErrInvalid: the input breaks the domain's rules. The error is a
	// *ValidationError that lists every problem.
	ErrInvalid = errors.New("invalid input")
)

// Problem is one thing wrong with an input: which entry, which field, the
// offending value and why it is refused.
type Problem struct {
	// Entry locates the entity, e.g. `stakeholders[3]` or `stakeholder "cfo"`.
	Entry string `json:"entry,omitempty"`
	// Field is the JSON name of the field, e.g. `influence` or `with[1]`.
	Field string `json:"field"`
	// Value is the offending value as the user wrote it.
	Value string `json:"value"`
	// Reason says what is wrong and, where it helps, what is allowed.
	Reason string `json:"reason"`
	// textLimit marks a problem that is only about the text limits, which
	// values stored before the limits may break and still be exported.
	textLimit bool
}

// TextLimit reports whether the problem is only that a text breaks the
// text limits (length, control characters): stored values like that stay
// readable and exportable, while an import refuses them.
func (p Problem) TextLimit() bool { return p.textLimit }

func (p Problem) String() string {
	var b strings.Builder
	if p.Entry != "" {
		b.WriteString(p.Entry)
		b.WriteString(": ")
	}
	b.WriteString(p.Field)
	if p.Value != "" {
		fmt.Fprintf(&b, " %q", p.Value)
	}
	b.WriteString(": ")
	b.WriteString(p.Reason)
	return b.String()
}

// ValidationError reports every problem found in an input, not just the
// first. It matches ErrInvalid under errors.Is.
type ValidationError struct {
	Problems []Problem
}

func (e *ValidationError) Error() string {
	switch len(e.Problems) {
	case 0:
		return "invalid input"
	case 1:
		return "invalid input: " + e.Problems[0].String()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "invalid input: %d problems:", len(e.Problems))
	for _, p := range e.Problems {
		b.WriteString("\n  ")
		b.WriteString(p.String())
	}
	return b.String()
}

// Is makes errors.Is(err, ErrInvalid) hold for every ValidationError.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }

// Invalid returns a *ValidationError for the problems, or nil when there
// are none, so that callers can write `if err := Invalid(ps); err != nil`.
func Invalid(problems []Problem) error {
	if len(problems) == 0 {
		return nil
	}
	return &ValidationError{Problems: problems}
}
