package access

import (
	"errors"
	"fmt"
	"time"
)

// Errors of signing in and of authenticating a request. Callers test them
// with errors.Is; none says whether an e-mail address has an account.
var (
	// ErrUnauthenticated: the request carries no credentials at all.
	ErrUnauthenticated = errors.New("not signed in")
	// ErrBadCredentials: wrong e-mail or password, or an unknown, expired
	// or revoked session, token or link.
	ErrBadCredentials = errors.New("wrong e-mail address or password")
	// ErrThrottled: too many failed attempts; a *ThrottledError says
	// when to try again.
	ErrThrottled = errors.New("too many failed attempts")
	// ErrForbidden: the principal is signed in but its role does not
	// allow the operation.
	ErrForbidden = errors.New("not allowed for your role")
	// ErrGone: a share link that existed has expired or was revoked.
	ErrGone = errors.New("this link has expired or was revoked")
)

// ThrottledError is ErrThrottled with the time to wait.
type ThrottledError struct{ RetryAfter time.Duration }

func (e *ThrottledError) Error() string {
	return fmt.Sprintf("too many failed attempts: try again in %d seconds", int(e.RetryAfter.Seconds()+0.5))
}

// Is makes errors.Is(err, ErrThrottled) hold.
func (e *ThrottledError) Is(target error) bool { return target == ErrThrottled }
