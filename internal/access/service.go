package access

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/stakemap/stakemap/graph"
)

// Record kinds the package keeps in the store.
const (
	kindAccount    = "account"
	kindEmail      = "account-email" // folded e-mail → account id, for unique e-mails
	kindMembership = "membership"
	kindSession    = "session"
	kindToken      = "token"
	kindShareLink  = "share-link"
	kindOIDCLogin  = "oidc-login"
)

// Lifetimes of a session: it ends after 8 hours without a request, and
// after 7 days whatever happens.
const (
	SessionIdle     = 8 * time.Hour
	SessionLifetime = 7 * 24 * time.Hour
)

// touchEvery is how stale a session's last-seen time, a token's
// last-used time or a share link's access count may get before it is
// written: at most one write a minute per credential, however busy.
const touchEvery = time.Minute

// MinAdminTokenLength is the shortest STAKEMAP_ADMIN_TOKEN accepted.
const MinAdminTokenLength = 32

// Config wires a Service to its store and settings.
type Config struct {
	// Store keeps accounts, sessions, tokens and share links as records,
	// and answers whether a share link's trajectory exists. Required.
	Store graph.Store
	// ExternalURL is the address people reach the service at, such as
	// https://stakemap.example.org. An https address makes cookies
	// Secure and is trusted as an origin; single sign-on needs it for
	// its redirect URL.
	ExternalURL string
	// SecureCookies marks cookies Secure without an https ExternalURL,
	// for a service that terminates TLS itself.
	SecureCookies bool
	// AdminToken is a global admin bearer token for scripts
	// (STAKEMAP_ADMIN_TOKEN): "" means none; a shorter one than
	// MinAdminTokenLength makes New fail.
	AdminToken string
	// OIDC turns on single sign-on with an OpenID Connect provider.
	OIDC *OIDCConfig
	// Logger receives security events (never secrets or e-mail
	// addresses); nil discards.
	Logger *slog.Logger
	// Now returns the current time; nil means time.Now. Tests move it.
	Now func() time.Time
	// PasswordWork sets the cost of argon2id for new password hashes;
	// the zero value is DefaultPasswordWork. Stored hashes keep the cost
	// they were made with.
	PasswordWork PasswordWork
}

// Service signs people in and answers who a request is and what it may
// do. It is safe for concurrent use. Its state lives in the store, so
// several services on one database share accounts, sessions, tokens and
// links; throttling and unwritten access counts are per process.
type Service struct {
	cfg      Config
	store    graph.Store
	log      *slog.Logger
	now      func() time.Time
	secure   bool
	origin   string // scheme://host of ExternalURL, or ""
	admin    []byte // SHA-256 of the admin token, or nil
	hashing  chan struct{}
	throttle *throttle
	oidc     *oidcProvider
	dummy    string // a hash no password matches, for timing

	mu     sync.Mutex
	counts map[string]*linkCount // share-link accesses not yet written, by link id
}

// New checks cfg and returns a Service. ctx bounds the discovery of the
// OpenID provider when single sign-on is configured.
func New(ctx context.Context, cfg Config) (*Service, error) {
	if cfg.Store == nil {
		return nil, errors.New("access: no store")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.PasswordWork == (PasswordWork{}) {
		cfg.PasswordWork = DefaultPasswordWork
	}
	s := &Service{cfg: cfg, store: cfg.Store, log: cfg.Logger, now: cfg.Now,
		secure: cfg.SecureCookies, hashing: make(chan struct{}, maxConcurrentHashes),
		throttle: newThrottle(), counts: map[string]*linkCount{}, dummy: dummyHash(cfg.PasswordWork)}
	if cfg.ExternalURL != "" {
		u, err := url.Parse(cfg.ExternalURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("access: %w", graph.Invalid([]graph.Problem{{Field: "external-url", Value: cfg.ExternalURL,
				Reason: "must be an http or https address such as https://stakemap.example.org"}}))
		}
		s.origin = u.Scheme + "://" + u.Host
		if u.Scheme == "https" {
			s.secure = true
		}
	}
	if cfg.AdminToken != "" {
		if len(cfg.AdminToken) < MinAdminTokenLength {
			return nil, fmt.Errorf("access: %w", graph.Invalid([]graph.Problem{{Field: "STAKEMAP_ADMIN_TOKEN",
				Reason: fmt.Sprintf("is %d characters long; it must have at least %d (for example the output of `openssl rand -base64 32`), or be unset", len(cfg.AdminToken), MinAdminTokenLength)}}))
		}
		h := sha256.Sum256([]byte(cfg.AdminToken))
		s.admin = h[:]
	}
	if cfg.OIDC != nil {
		p, err := newOIDCProvider(ctx, s, *cfg.OIDC)
		if err != nil {
			return nil, err
		}
		s.oidc = p
	}
	return s, nil
}

// Run does the service's background work until ctx is done: it writes
// share-link access counts every minute and deletes expired sessions and
// sign-in attempts every hour. It writes the last counts before it
// returns.
func (s *Service) Run(ctx context.Context) {
	flush := time.NewTicker(touchEvery)
	defer flush.Stop()
	sweep := time.NewTicker(time.Hour)
	defer sweep.Stop()
	for {
		select {
		case <-ctx.Done():
			fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
			defer cancel()
			s.FlushCounts(fctx)
			return
		case <-flush.C:
			s.FlushCounts(ctx)
		case <-sweep.C:
			if _, err := s.Sweep(ctx); err != nil {
				s.log.WarnContext(ctx, "sweeping expired sessions failed", "err", err)
			}
		}
	}
}

// Sweep deletes expired sessions and abandoned single sign-on attempts
// and says how many records it removed. Expired tokens and share links
// stay, so that their owners see them expired, until they are revoked.
func (s *Service) Sweep(ctx context.Context) (int, error) {
	n := 0
	now := s.now()
	sessions, err := s.store.Records(ctx, graph.RecordQuery{Kind: kindSession})
	if err != nil {
		return n, fmt.Errorf("sweep: %w", err)
	}
	for _, r := range sessions {
		var d sessionData
		if json.Unmarshal(r.Data, &d) == nil && d.live(now) {
			continue
		}
		if err := s.store.DeleteRecord(ctx, r.Kind, r.ID); err == nil {
			n++
		}
	}
	logins, err := s.store.Records(ctx, graph.RecordQuery{Kind: kindOIDCLogin})
	if err != nil {
		return n, fmt.Errorf("sweep: %w", err)
	}
	for _, r := range logins {
		var d oidcLoginData
		if json.Unmarshal(r.Data, &d) == nil && now.Before(d.Expires) {
			continue
		}
		if err := s.store.DeleteRecord(ctx, r.Kind, r.ID); err == nil {
			n++
		}
	}
	return n, nil
}

// newSecret returns 32 random bytes as unpadded URL-safe base64 (43
// characters): 256 bits, far beyond guessing, with no '.' in it.
func newSecret() string {
	b := make([]byte, 32)
	rand.Read(b) //nolint:errcheck // crypto/rand.Read never fails
	return base64.RawURLEncoding.EncodeToString(b)
}

// randomText returns n random bytes as unpadded URL-safe base64.
func randomText(n int) string {
	b := make([]byte, n)
	rand.Read(b) //nolint:errcheck // crypto/rand.Read never fails
	return base64.RawURLEncoding.EncodeToString(b)
}

// secretHash is the hex SHA-256 of a secret: what the store keeps
// instead of the secret. A fast hash is enough for 256-bit secrets
// nobody can guess (passwords get argon2id).
func secretHash(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

// validSecret reports whether s looks like a secret of newSecret, so
// that garbage never reaches the store.
func validSecret(s string) bool {
	if len(s) != 43 {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(s)
	return err == nil
}

// putJSON marshals v for a record's Data.
func putJSON(v any) json.RawMessage {
	data, err := json.Marshal(v)
	if err != nil {
		panic("access: " + err.Error()) // only our own plain structs are marshalled
	}
	return data
}

// dateOnly is the layout of expiry dates.
const dateOnly = time.DateOnly

// endOfDay returns the first instant after the UTC day of a
// YYYY-MM-DD date: something that expires "on" a date works through it.
func endOfDay(date string) (time.Time, error) {
	d, err := time.Parse(dateOnly, date)
	if err != nil {
		return time.Time{}, err
	}
	return d.AddDate(0, 0, 1), nil
}

// today returns the current UTC date.
func (s *Service) today() time.Time {
	now := s.now().UTC()
	return time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
}

// checkDate parses an expiry date that must lie from today to maxDays
// ahead (maxDays 0: no limit).
func (s *Service) checkDate(field, v string, maxDays int) (string, error) {
	d, err := time.Parse(dateOnly, v)
	if err != nil {
		return "", graph.Invalid([]graph.Problem{{Field: field, Value: v, Reason: "must be a date YYYY-MM-DD"}})
	}
	today := s.today()
	if d.Before(today) {
		return "", graph.Invalid([]graph.Problem{{Field: field, Value: v, Reason: "must not be in the past (today is " + today.Format(dateOnly) + ")"}})
	}
	if maxDays > 0 && d.After(today.AddDate(0, 0, maxDays)) {
		return "", graph.Invalid([]graph.Problem{{Field: field, Value: v,
			Reason: fmt.Sprintf("must be at most %d days ahead (%s at the latest)", maxDays, today.AddDate(0, 0, maxDays).Format(dateOnly))}})
	}
	return d.Format(dateOnly), nil
}

// isAdmin reports whether p administers the whole service.
func isAdmin(p Principal) bool { return p.Global == RoleAdmin }

// highestRole returns the strongest role p has anywhere.
func highestRole(p Principal) string {
	r := p.Global
	for _, m := range p.Workspaces {
		if RoleRank(m) > RoleRank(r) {
			r = m
		}
	}
	return r
}

// weaker returns the weaker of two roles; "" when either is "".
func weaker(a, b string) string {
	if a == "" || b == "" {
		return ""
	}
	if RoleRank(a) < RoleRank(b) {
		return a
	}
	return b
}

// foldEmail is the form an e-mail address is compared in.
func foldEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }
