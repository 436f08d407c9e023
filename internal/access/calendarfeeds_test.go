package access_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/stakemap/stakemap/internal/access"
	"github.com/stakemap/stakemap/internal/demo"
)

// TestCalendarFeedFollowsItsMaker: a feed's secret URL carries personal
// data, so it answers only while its maker may read the workspace.
func TestCalendarFeedFollowsItsMaker(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	id := f.account("ann@example.org", "kx7-Wq2!pass")
	f.member(demo.ID, id, access.RoleViewer)
	_, ann := f.signIn("ann@example.org", "kx7-Wq2!pass")
	feed, err := f.svc.CreateCalendarFeed(ctx, ann, demo.ID, true)
	if err != nil {
		t.Fatal(err)
	}
	secret := strings.TrimSuffix(strings.TrimPrefix(feed.URL, access.CalendarBase), ".ics")

	steps := []struct {
		name  string
		do    func() error
		works bool
	}{
		{"made", func() error { return nil }, true},
		{"membership ended", func() error { return f.svc.RemoveMember(ctx, f.local, demo.ID, id) }, false},
		{"membership given back", func() error {
			_, err := f.svc.SetMember(ctx, f.local, demo.ID, id, access.RoleEditor)
			return err
		}, true},
		{"account removed", func() error { return f.svc.RemoveAccount(ctx, f.admin, "ann@example.org") }, false},
	}
	for _, s := range steps {
		if err := s.do(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		got, err := f.svc.CalendarFeed(ctx, secret)
		switch {
		case s.works && (err != nil || got.Workspace != demo.ID):
			t.Errorf("%s: the feed gives %+v, %v", s.name, got, err)
		case !s.works && !errors.Is(err, access.ErrBadCredentials):
			t.Errorf("%s: the feed still answers (%+v, %v)", s.name, got, err)
		}
	}
}
