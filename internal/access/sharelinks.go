package access

import (
	"cmp"
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/stakemap/stakemap/graph"
)

// Share-link expiry: 30 days unless the maker says otherwise, 365 at
// most (a later date is refused, never shortened).
const (
	DefaultShareDays = 30
	MaxShareDays     = 365
)

// ShareBase is the path share links live under: /s/<secret>, and for a
// map link /s/<secret>.svg, .png or .pdf.
const ShareBase = "/s/"

// Targets of a share link.
const (
	TargetWorkspace  = "workspace"
	TargetTrajectory = "trajectory" // "trajectory:<id>"
	TargetMap        = "map"        // "map:<kind>"
)

// MapKinds are the maps a share link can show.
var MapKinds = []string{"stakeholders", "grid", "path", "dependencies"}

// MaxShareK is the most alternative paths a path-map link may ask for.
const MaxShareK = 20

// ShareParams are the map options a map link fixes when it is made.
type ShareParams struct {
	Trajectory string `json:"trajectory,omitempty"`
	From       string `json:"from,omitempty"`
	To         string `json:"to,omitempty"`
	Mode       string `json:"mode,omitempty"`
	K          int    `json:"k,omitempty"`
	Lang       string `json:"lang,omitempty"`
}

// ShareLinkRequest asks for a share link.
type ShareLinkRequest struct {
	// Target is "workspace", "trajectory:<id>" or "map:<kind>".
	Target string       `json:"target"`
	Params *ShareParams `json:"params,omitempty"`
	// ExpiresAt is the last day (YYYY-MM-DD, UTC) the link works: from
	// today to 365 days ahead; empty means 30 days from today.
	ExpiresAt string `json:"expiresAt,omitempty"`
	// Anonymize shows persons by title and unit only; nil means true.
	Anonymize *bool `json:"anonymize,omitempty"`
}

// ShareLink is a read-only link to one view of a workspace.
type ShareLink struct {
	ID        string       `json:"id"`
	Workspace string       `json:"workspace"`
	Target    string       `json:"target"`
	Params    *ShareParams `json:"params,omitempty"`
	ExpiresAt string       `json:"expiresAt"`
	Anonymize bool         `json:"anonymize"`
	// CreatedBy is the actor who made the link (account:<id> or
	// token:<name>).
	CreatedBy string    `json:"createdBy,omitempty"`
	Created   time.Time `json:"created"`
	// AccessCount and LastAccess count the link's uses; they are written
	// at most once a minute, so a crash loses at most a minute of them.
	AccessCount int64      `json:"accessCount"`
	LastAccess  *time.Time `json:"lastAccess,omitempty"`
	Revoked     bool       `json:"revoked"`
}

// NewShareLink is a link just made: its URL holds the secret and is
// shown this once.
type NewShareLink struct {
	ID        string       `json:"id"`
	URL       string       `json:"url"`
	Target    string       `json:"target"`
	Params    *ShareParams `json:"params,omitempty"`
	ExpiresAt string       `json:"expiresAt"`
	Anonymize bool         `json:"anonymize"`
}

// TargetKind returns the kind of the link's target: TargetWorkspace,
// TargetTrajectory or TargetMap.
func (l ShareLink) TargetKind() string {
	k, _, _ := strings.Cut(l.Target, ":")
	return k
}

// TargetID returns the trajectory id of a trajectory link, the map kind
// of a map link, and "" for a workspace link.
func (l ShareLink) TargetID() string {
	_, id, _ := strings.Cut(l.Target, ":")
	return id
}

type shareData struct {
	Hash        string       `json:"sha256"`
	Target      string       `json:"target"`
	Params      *ShareParams `json:"params,omitempty"`
	ExpiresAt   string       `json:"expiresAt"`
	Anonymize   bool         `json:"anonymize"`
	CreatedBy   string       `json:"createdBy,omitempty"`
	Created     time.Time    `json:"created"`
	AccessCount int64        `json:"accessCount"`
	LastAccess  time.Time    `json:"lastAccess,omitzero"`
	Revoked     time.Time    `json:"revoked,omitzero"`
}

func (d shareData) public(r graph.Record) ShareLink {
	l := ShareLink{ID: r.ID, Workspace: r.Workspace, Target: d.Target, Params: d.Params, ExpiresAt: d.ExpiresAt,
		Anonymize: d.Anonymize, CreatedBy: d.CreatedBy, Created: d.Created, AccessCount: d.AccessCount, Revoked: !d.Revoked.IsZero()}
	if !d.LastAccess.IsZero() {
		la := d.LastAccess
		l.LastAccess = &la
	}
	return l
}

// linkID is a share link's public id: the first 16 hex digits of its
// secret's hash, so the store finds a link by its secret without
// keeping the secret, and the id gives nothing away.
func linkID(secret string) string { return secretHash(secret)[:16] }

// CreateShareLink makes a share link of a workspace (editors and
// admins) and returns it with its URL, shown this once. ErrInvalid names
// every bad field: an unknown target, a trajectory or stakeholder that
// does not exist, params for a target that takes none, an expiry in the
// past or more than 365 days ahead.
func (s *Service) CreateShareLink(ctx context.Context, by Principal, ws string, req ShareLinkRequest) (NewShareLink, error) {
	if !by.Can(ws, RoleEditor) && by.Via != ViaLocal {
		return NewShareLink{}, fmt.Errorf("create share link: %w", ErrForbidden)
	}
	ps, err := s.checkShareTarget(ctx, ws, req.Target, req.Params)
	if err != nil {
		return NewShareLink{}, fmt.Errorf("create share link: %w", err)
	}
	expires := s.today().AddDate(0, 0, DefaultShareDays).Format(dateOnly)
	if req.ExpiresAt != "" {
		d, err := s.checkDate("expiresAt", req.ExpiresAt, MaxShareDays)
		if ve, ok := errors.AsType[*graph.ValidationError](err); ok {
			ps = append(ps, ve.Problems...)
		}
		expires = d
	}
	if err := graph.Invalid(ps); err != nil {
		return NewShareLink{}, fmt.Errorf("create share link: %w", err)
	}
	anonymize := req.Anonymize == nil || *req.Anonymize
	params := req.Params
	if params != nil && *params == (ShareParams{}) {
		params = nil
	}
	secret := newSecret()
	d := shareData{Hash: secretHash(secret), Target: req.Target, Params: params, ExpiresAt: expires, Anonymize: anonymize,
		CreatedBy: string(by.Actor()), Created: s.now().UTC().Truncate(time.Second)}
	r := graph.Record{Kind: kindShareLink, ID: linkID(secret), Workspace: ws, Owner: by.AccountID, Data: putJSON(d)}
	if _, err := s.store.CreateRecord(ctx, r); err != nil {
		return NewShareLink{}, fmt.Errorf("create share link: %w", err)
	}
	s.log.InfoContext(ctx, "share link made", "id", r.ID, "target", targetKindOf(d.Target), "anonymize", anonymize)
	return NewShareLink{ID: r.ID, URL: ShareBase + secret, Target: d.Target, Params: params, ExpiresAt: expires, Anonymize: anonymize}, nil
}

func targetKindOf(t string) string { k, _, _ := strings.Cut(t, ":"); return k }

// checkShareTarget returns the problems of a target and its params;
// the error is the store's own failure.
func (s *Service) checkShareTarget(ctx context.Context, ws, target string, p *ShareParams) ([]graph.Problem, error) {
	var ps []graph.Problem
	bad := func(field, value, reason string) {
		ps = append(ps, graph.Problem{Field: field, Value: value, Reason: reason})
	}
	exists := func(kind graph.Kind, field, id string) error {
		if id == "" {
			return nil
		}
		_, _, err := s.store.Node(ctx, ws, kind, id)
		if errors.Is(err, graph.ErrNotFound) {
			bad(field, id, "is not a "+string(kind)+" of this workspace")
			return nil
		}
		return err
	}
	kind, id, _ := strings.Cut(target, ":")
	switch {
	case target == TargetWorkspace:
	case kind == TargetTrajectory && id != "":
		if err := exists(graph.KindTrajectory, "target", id); err != nil {
			return nil, err
		}
	case kind == TargetMap && slices.Contains(MapKinds, id):
	default:
		bad("target", target, `must be "workspace", "trajectory:<id>" or "map:<kind>" with kind `+strings.Join(MapKinds, ", "))
		return ps, nil
	}
	if p == nil || *p == (ShareParams{}) {
		if kind == TargetMap && id == "path" {
			bad("params.from", "", "is required for a path map")
			bad("params.to", "", "is required for a path map")
		}
		return ps, nil
	}
	if kind != TargetMap {
		bad("params", "", "are only for map links")
		return ps, nil
	}
	for _, e := range []struct {
		kind      graph.Kind
		field, id string
	}{{graph.KindTrajectory, "params.trajectory", p.Trajectory}, {graph.KindStakeholder, "params.from", p.From}, {graph.KindStakeholder, "params.to", p.To}} {
		if err := exists(e.kind, e.field, e.id); err != nil {
			return nil, err
		}
	}
	if id == "path" {
		if p.From == "" {
			bad("params.from", "", "is required for a path map")
		}
		if p.To == "" {
			bad("params.to", "", "is required for a path map")
		}
	} else if p.From != "" || p.To != "" || p.Mode != "" || p.K != 0 {
		bad("params", "", "from, to, mode and k are only for a path map")
	}
	if p.Mode != "" && p.Mode != "shortest" && p.Mode != "strongest" {
		bad("params.mode", p.Mode, "must be shortest or strongest")
	}
	if p.K < 0 || p.K > MaxShareK {
		bad("params.k", fmt.Sprint(p.K), fmt.Sprintf("must be a whole number from 1 to %d", MaxShareK))
	}
	if p.Lang != "" && p.Lang != graph.LangNL && p.Lang != graph.LangEN {
		bad("params.lang", p.Lang, "must be nl or en")
	}
	return ps, nil
}

// ShareLinks lists the share links of a workspace with their use
// (editors and admins), newest first.
func (s *Service) ShareLinks(ctx context.Context, by Principal, ws string) ([]ShareLink, error) {
	if !by.Can(ws, RoleEditor) && by.Via != ViaLocal {
		return nil, fmt.Errorf("share links of %s: %w", ws, ErrForbidden)
	}
	rs, err := s.store.Records(ctx, graph.RecordQuery{Kind: kindShareLink, Workspace: ws})
	if err != nil {
		return nil, fmt.Errorf("share links of %s: %w", ws, err)
	}
	out := make([]ShareLink, 0, len(rs))
	s.mu.Lock()
	for _, r := range rs {
		var d shareData
		if json.Unmarshal(r.Data, &d) != nil {
			continue
		}
		if c := s.counts[r.ID]; c != nil {
			d.AccessCount += c.n
			d.LastAccess = maxTime(d.LastAccess, c.last)
		}
		out = append(out, d.public(r))
	}
	s.mu.Unlock()
	slices.SortFunc(out, func(a, b ShareLink) int {
		return cmp.Or(b.Created.Compare(a.Created), cmp.Compare(a.ID, b.ID))
	})
	return out, nil
}

// RevokeShareLink revokes a link of a workspace: its maker and the
// workspace's admins may. It answers 410 Gone from then on.
// ErrNotFound: no such link in the workspace.
func (s *Service) RevokeShareLink(ctx context.Context, by Principal, ws, id string) error {
	r, err := s.store.Record(ctx, kindShareLink, id)
	if err == nil && r.Workspace != ws {
		err = graph.ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("revoke share link: %w", err)
	}
	var d shareData
	if err := json.Unmarshal(r.Data, &d); err != nil {
		return fmt.Errorf("revoke share link: %w", err)
	}
	mine := by.AccountID != "" && r.Owner == by.AccountID
	if !by.Can(ws, RoleAdmin) && by.Via != ViaLocal && !(mine && by.Can(ws, RoleEditor)) {
		return fmt.Errorf("revoke share link: %w", ErrForbidden)
	}
	return s.revoke(ctx, r, d)
}

func (s *Service) revoke(ctx context.Context, r graph.Record, d shareData) error {
	if !d.Revoked.IsZero() {
		return nil
	}
	for range 5 {
		d.Revoked = s.now().UTC().Truncate(time.Second)
		r.Data = putJSON(d)
		_, err := s.store.UpdateRecord(ctx, r, r.Version)
		if !errors.Is(err, graph.ErrStale) {
			if err != nil {
				return fmt.Errorf("revoke share link: %w", err)
			}
			s.log.InfoContext(ctx, "share link revoked", "id", r.ID)
			return nil
		}
		// An access count was written meanwhile: read again.
		if r, err = s.store.Record(ctx, kindShareLink, r.ID); err != nil {
			return fmt.Errorf("revoke share link: %w", err)
		}
		if err := json.Unmarshal(r.Data, &d); err != nil {
			return fmt.Errorf("revoke share link: %w", err)
		}
	}
	return fmt.Errorf("revoke share link: %w", graph.ErrStale)
}

// RevokeShareLinksNaming revokes every link of a workspace whose target
// or params name id (a stakeholder being erased, a trajectory being
// deleted) and says how many it revoked.
func (s *Service) RevokeShareLinksNaming(ctx context.Context, ws, id string) (int, error) {
	rs, err := s.store.Records(ctx, graph.RecordQuery{Kind: kindShareLink, Workspace: ws})
	if err != nil {
		return 0, fmt.Errorf("revoke share links: %w", err)
	}
	n := 0
	for _, r := range rs {
		var d shareData
		if json.Unmarshal(r.Data, &d) != nil || !d.Revoked.IsZero() {
			continue
		}
		p := d.Params
		if d.Target == TargetTrajectory+":"+id || (p != nil && (p.From == id || p.To == id || p.Trajectory == id)) {
			if err := s.revoke(ctx, r, d); err != nil {
				return n, err
			}
			n++
		}
	}
	return n, nil
}

// ShareLink resolves the secret of /s/<secret> and counts the access.
// ErrBadCredentials: no such link (answer 404). ErrGone: the link
// expired or was revoked (answer 410). The link's workspace, target and
// params are all a page or image may use: nothing in the request
// widens them.
func (s *Service) ShareLink(ctx context.Context, secret string) (ShareLink, error) {
	if !validSecret(secret) {
		return ShareLink{}, ErrBadCredentials
	}
	r, err := s.store.Record(ctx, kindShareLink, linkID(secret))
	if errors.Is(err, graph.ErrNotFound) {
		return ShareLink{}, ErrBadCredentials
	}
	if err != nil {
		return ShareLink{}, fmt.Errorf("share link: %w", err)
	}
	var d shareData
	if err := json.Unmarshal(r.Data, &d); err != nil {
		return ShareLink{}, fmt.Errorf("share link: %w", err)
	}
	if subtle.ConstantTimeCompare([]byte(secretHash(secret)), []byte(d.Hash)) != 1 {
		return ShareLink{}, ErrBadCredentials
	}
	now := s.now()
	end, err := endOfDay(d.ExpiresAt)
	if !d.Revoked.IsZero() || err != nil || !now.Before(end) {
		return ShareLink{}, ErrGone
	}
	s.count(ctx, r.ID, now)
	return d.public(r), nil
}

// linkCount is a link's accesses not yet written.
type linkCount struct {
	n       int64
	last    time.Time
	written time.Time
}

// count notes one access, and writes the link's counts when they were
// last written a minute ago or more: one write a minute per link however
// often its image is embedded.
func (s *Service) count(ctx context.Context, id string, now time.Time) {
	s.mu.Lock()
	c := s.counts[id]
	if c == nil {
		// A link seen for the first time in this process is written at
		// once, so its count shows up without waiting a minute.
		c = &linkCount{}
		s.counts[id] = c
	}
	c.n++
	c.last = now
	due := now.Sub(c.written) >= touchEvery
	s.mu.Unlock()
	if due {
		s.flush(ctx, id)
	}
}

// FlushCounts writes every unwritten share-link access count.
func (s *Service) FlushCounts(ctx context.Context) {
	s.mu.Lock()
	ids := make([]string, 0, len(s.counts))
	for id, c := range s.counts {
		if c.n > 0 {
			ids = append(ids, id)
		}
	}
	s.mu.Unlock()
	for _, id := range ids {
		s.flush(ctx, id)
	}
}

// flush adds a link's unwritten accesses to its record. Several
// processes may count the same link: each adds its own part under the
// record's version, so none overwrites another's.
func (s *Service) flush(ctx context.Context, id string) {
	s.mu.Lock()
	c := s.counts[id]
	if c == nil || c.n == 0 {
		s.mu.Unlock()
		return
	}
	n, last := c.n, c.last
	c.n = 0
	c.written = s.now()
	s.mu.Unlock()
	err := s.addAccesses(ctx, id, n, last)
	if err != nil {
		s.mu.Lock()
		c.n += n // try again with the next flush
		s.mu.Unlock()
		if errors.Is(err, graph.ErrNotFound) {
			s.mu.Lock()
			delete(s.counts, id)
			s.mu.Unlock()
			return
		}
		s.log.WarnContext(ctx, "writing share-link access counts failed", "err", err)
	}
}

func (s *Service) addAccesses(ctx context.Context, id string, n int64, last time.Time) error {
	for range 5 {
		r, err := s.store.Record(ctx, kindShareLink, id)
		if err != nil {
			return err
		}
		var d shareData
		if err := json.Unmarshal(r.Data, &d); err != nil {
			return err
		}
		d.AccessCount += n
		d.LastAccess = maxTime(d.LastAccess, last.UTC().Truncate(time.Second))
		r.Data = putJSON(d)
		if _, err = s.store.UpdateRecord(ctx, r, r.Version); !errors.Is(err, graph.ErrStale) {
			return err
		}
	}
	return graph.ErrStale
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
