package access

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/stakemap/stakemap/graph"
)

// Calendar feeds (DESIGN §10): a secret URL per account and workspace that
// Outlook or Google Calendar subscribes to, for the contacts due and the
// trajectory reviews. Like a share link, the secret is kept only as a
// hash, the URL is shown once, and the account can revoke it; the feed
// dies with the workspace.

const kindCalendarFeed = "calendar-feed"

// CalendarBase is the path calendar feeds live under: /calendar/<secret>.ics.
const CalendarBase = "/calendar/"

// CalendarFeed is a subscribable feed of one workspace.
type CalendarFeed struct {
	ID        string `json:"id"`
	Workspace string `json:"workspace"`
	// Names puts people's names in the events, instead of title and unit.
	Names   bool      `json:"names"`
	Created time.Time `json:"created"`
	// Owner is the account that made it ("" for one made without an
	// account, e.g. with --no-auth).
	Owner string `json:"-"`
}

// NewCalendarFeed is a feed just made: its URL holds the secret and is
// shown this once.
type NewCalendarFeed struct {
	CalendarFeed
	URL string `json:"url"`
}

type feedData struct {
	Hash    string    `json:"sha256"`
	Names   bool      `json:"names"`
	Created time.Time `json:"created"`
}

func (d feedData) public(r graph.Record) CalendarFeed {
	return CalendarFeed{ID: r.ID, Workspace: r.Workspace, Names: d.Names, Created: d.Created, Owner: r.Owner}
}

// CreateCalendarFeed makes a feed of a workspace for whoever may read it.
func (s *Service) CreateCalendarFeed(ctx context.Context, by Principal, ws string, names bool) (NewCalendarFeed, error) {
	if !by.Can(ws, RoleViewer) && by.Via != ViaLocal {
		return NewCalendarFeed{}, fmt.Errorf("create calendar feed: %w", ErrForbidden)
	}
	secret := newSecret()
	d := feedData{Hash: secretHash(secret), Names: names, Created: s.now().UTC().Truncate(time.Second)}
	r := graph.Record{Kind: kindCalendarFeed, ID: linkID(secret), Workspace: ws, Owner: by.AccountID, Data: putJSON(d)}
	if _, err := s.store.CreateRecord(ctx, r); err != nil {
		return NewCalendarFeed{}, fmt.Errorf("create calendar feed: %w", err)
	}
	return NewCalendarFeed{CalendarFeed: d.public(r), URL: CalendarBase + secret + ".ics"}, nil
}

// CalendarFeeds lists the feeds of a workspace that by made (an admin of
// the workspace sees every one).
func (s *Service) CalendarFeeds(ctx context.Context, by Principal, ws string) ([]CalendarFeed, error) {
	if !by.Can(ws, RoleViewer) && by.Via != ViaLocal {
		return nil, fmt.Errorf("calendar feeds of %s: %w", ws, ErrForbidden)
	}
	q := graph.RecordQuery{Kind: kindCalendarFeed, Workspace: ws}
	if !by.Can(ws, RoleAdmin) && by.Via != ViaLocal {
		q.Owner = by.AccountID
	}
	rs, err := s.store.Records(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("calendar feeds of %s: %w", ws, err)
	}
	out := make([]CalendarFeed, 0, len(rs))
	for _, r := range rs {
		var d feedData
		if err := json.Unmarshal(r.Data, &d); err != nil {
			return nil, fmt.Errorf("calendar feed %s: %w", r.ID, err)
		}
		out = append(out, d.public(r))
	}
	return out, nil
}

// RevokeCalendarFeed deletes a feed: its maker or an admin of the
// workspace. ErrNotFound for a feed of another workspace or none.
func (s *Service) RevokeCalendarFeed(ctx context.Context, by Principal, ws, id string) error {
	r, err := s.store.Record(ctx, kindCalendarFeed, id)
	if err == nil && r.Workspace != ws {
		err = graph.ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("revoke calendar feed: %w", err)
	}
	if r.Owner != by.AccountID && !by.Can(ws, RoleAdmin) && by.Via != ViaLocal {
		return fmt.Errorf("revoke calendar feed: %w", ErrForbidden)
	}
	if err := s.store.DeleteRecord(ctx, kindCalendarFeed, id); err != nil {
		return fmt.Errorf("revoke calendar feed: %w", err)
	}
	return nil
}

// CalendarFeed resolves a feed's secret: ErrBadCredentials for a secret
// that names no feed (revoked, or never made), or whose maker may no
// longer read the workspace. The feed carries personal data (with names,
// who is due for a conversation), so it follows its maker's access
// rather than outliving it until someone thinks of revoking it.
func (s *Service) CalendarFeed(ctx context.Context, secret string) (CalendarFeed, error) {
	if !validSecret(secret) {
		return CalendarFeed{}, ErrBadCredentials
	}
	r, err := s.store.Record(ctx, kindCalendarFeed, linkID(secret))
	if errors.Is(err, graph.ErrNotFound) {
		return CalendarFeed{}, ErrBadCredentials
	}
	if err != nil {
		return CalendarFeed{}, fmt.Errorf("calendar feed: %w", err)
	}
	var d feedData
	if err := json.Unmarshal(r.Data, &d); err != nil {
		return CalendarFeed{}, fmt.Errorf("calendar feed: %w", err)
	}
	if subtle.ConstantTimeCompare([]byte(secretHash(secret)), []byte(d.Hash)) != 1 {
		return CalendarFeed{}, ErrBadCredentials
	}
	if r.Owner != "" {
		p, err := s.principal(ctx, r.Owner)
		if errors.Is(err, graph.ErrNotFound) || err == nil && !p.Can(r.Workspace, RoleViewer) {
			return CalendarFeed{}, ErrBadCredentials
		}
		if err != nil {
			return CalendarFeed{}, fmt.Errorf("calendar feed: %w", err)
		}
	}
	return d.public(r), nil
}
