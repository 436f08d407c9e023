package access_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stakemap/stakemap/internal/access"
)

// TestSweep: expired sessions are deleted, live ones stay.
func TestSweep(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	old, _ := f.signIn(adminEmail, adminPassword)
	f.clock.Add(access.SessionIdle - time.Hour)
	live, _ := f.signIn(adminEmail, adminPassword)
	f.clock.Add(2 * time.Hour) // the first is idle for 9 hours now, the second for 2
	n, err := f.svc.Sweep(ctx)
	if err != nil || n != 2 { // the fixture's own sign-in is idle too
		t.Errorf("Sweep = %d, %v; want the 2 idle sessions", n, err)
	}
	if _, err := f.auth(live, ""); err != nil {
		t.Errorf("a live session after the sweep: %v", err)
	}
	if _, err := f.auth(old, ""); !errors.Is(err, access.ErrBadCredentials) {
		t.Errorf("an idle session after the sweep: %v", err)
	}
	if msg := access.Message(&access.ThrottledError{RetryAfter: 30 * time.Second}, "nl"); !strings.Contains(msg, "30 seconden") {
		t.Errorf("Dutch throttle message %q", msg)
	}
}
