package access

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/stakemap/stakemap/graph"
)

// Cookie names. Behind https the session cookie takes the __Host-
// prefix, which browsers accept only Secure, for the whole host and from
// the host itself, so that no sibling subdomain can plant one.
const (
	cookieName       = "stakemap_session"
	secureCookieName = "__Host-stakemap_session"
)

type sessionData struct {
	Account  string    `json:"account"`
	Created  time.Time `json:"created"`
	LastSeen time.Time `json:"lastSeen"`
	Expires  time.Time `json:"expires"`
	Via      string    `json:"via"` // password or oidc
}

// live reports whether the session may still be used at now.
func (d sessionData) live(now time.Time) bool {
	return now.Before(d.Expires) && now.Sub(d.LastSeen) < SessionIdle
}

// CookieName is the name of the session cookie the service sets.
func (s *Service) CookieName() string {
	if s.secure {
		return secureCookieName
	}
	return cookieName
}

// sessionCookie is the cookie that carries a session's secret.
func (s *Service) sessionCookie(secret string, expires time.Time) *http.Cookie {
	return &http.Cookie{Name: s.CookieName(), Value: secret, Path: "/", Expires: expires.UTC(),
		HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode}
}

// clearCookie tells the browser to forget the session cookie.
func (s *Service) clearCookie() *http.Cookie {
	return &http.Cookie{Name: s.CookieName(), Value: "", Path: "/", MaxAge: -1, Expires: time.Unix(0, 0),
		HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode}
}

// Authenticate returns who makes a request: by its
// "Authorization: Bearer" token when it has one, otherwise by its
// session cookie. ErrUnauthenticated: neither is there. ErrBadCredentials:
// the token or session is unknown, expired or revoked. *ThrottledError:
// the client failed too often lately (only bearer tokens count: session
// ids cannot be guessed). A session's last-seen time is written at most
// once a minute.
func (s *Service) Authenticate(r *http.Request) (Principal, error) {
	ctx := r.Context()
	if h := r.Header.Get("Authorization"); h != "" {
		token, ok := bearer(h)
		if !ok {
			return Principal{}, ErrBadCredentials
		}
		client := clientKey(ClientOf(r))
		if err := s.throttled(client); err != nil {
			return Principal{}, err
		}
		p, err := s.verifyToken(ctx, token)
		if errors.Is(err, ErrBadCredentials) {
			s.failed(client)
			s.log.InfoContext(ctx, "bearer token refused", "client", ClientOf(r))
		}
		return p, err
	}
	c, err := r.Cookie(s.CookieName())
	if err != nil || c.Value == "" {
		return Principal{}, ErrUnauthenticated
	}
	return s.session(ctx, c.Value)
}

// bearer returns the token of an Authorization header.
func bearer(h string) (string, bool) {
	scheme, token, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimSpace(token)
	return token, token != ""
}

// session returns the principal of a session secret, ending a session
// that has expired.
func (s *Service) session(ctx context.Context, secret string) (Principal, error) {
	if !validSecret(secret) {
		return Principal{}, ErrBadCredentials
	}
	id := secretHash(secret)
	r, err := s.store.Record(ctx, kindSession, id)
	if errors.Is(err, graph.ErrNotFound) {
		return Principal{}, ErrBadCredentials
	}
	if err != nil {
		return Principal{}, err
	}
	var d sessionData
	if err := json.Unmarshal(r.Data, &d); err != nil {
		return Principal{}, fmt.Errorf("session: %w", err)
	}
	now := s.now()
	if !d.live(now) {
		_ = s.store.DeleteRecord(ctx, kindSession, id)
		return Principal{}, ErrBadCredentials
	}
	p, err := s.principal(ctx, d.Account)
	if errors.Is(err, graph.ErrNotFound) {
		return Principal{}, ErrBadCredentials
	}
	if err != nil {
		return Principal{}, err
	}
	p = asSession(p, id, d.Via)
	if now.Sub(d.LastSeen) >= touchEvery {
		d.LastSeen = now.UTC()
		r.Data = putJSON(d)
		_, err := s.store.UpdateRecord(ctx, r, r.Version)
		if errors.Is(err, graph.ErrNotFound) {
			return Principal{}, ErrBadCredentials // signed out meanwhile
		}
		if err != nil && !errors.Is(err, graph.ErrConflict) {
			s.log.WarnContext(ctx, "recording a session's activity failed", "err", err)
		}
	}
	return p, nil
}

// principal returns an account's principal with its current roles.
func (s *Service) principal(ctx context.Context, account string) (Principal, error) {
	a, err := s.account(ctx, account)
	if err != nil {
		return Principal{}, err
	}
	ms, err := s.memberships(ctx, a.id)
	if err != nil {
		return Principal{}, err
	}
	return Principal{AccountID: a.id, Email: a.data.Email, Name: a.data.Name, Lang: a.data.Lang,
		Global: a.data.Role, Workspaces: ms, MustChangePassword: a.data.Temporary}, nil
}

// SignIn checks an e-mail address and password and starts a session:
// it returns the cookie to set (a new session id every time, so that no
// id planted before sign-in survives it) and who signed in. client is
// the address the attempt comes from (ClientOf). ErrBadCredentials:
// wrong address or password, the same answer in the same time whether
// the address has an account or not. *ThrottledError: too many failures
// for the client or the address lately.
func (s *Service) SignIn(ctx context.Context, email, password, client string) (*http.Cookie, Principal, error) {
	keys := []throttleKey{clientKey(client), accountKey(email)}
	if err := s.throttled(keys...); err != nil {
		return nil, Principal{}, err
	}
	a, err := s.accountByEmail(ctx, email)
	if err != nil && !errors.Is(err, graph.ErrNotFound) {
		return nil, Principal{}, fmt.Errorf("sign in: %w", err)
	}
	ok, verr := s.verifyPassword(ctx, a.data.PasswordHash, password)
	if verr != nil && !errors.Is(verr, errBadHash) {
		return nil, Principal{}, fmt.Errorf("sign in: %w", verr)
	}
	if err != nil || !ok || len(password) > 4*MaxPasswordLength {
		s.failed(keys...)
		s.log.InfoContext(ctx, "sign-in refused", "client", client)
		return nil, Principal{}, ErrBadCredentials
	}
	s.throttle.reset(accountKey(email).key)
	c, p, err := s.startSession(ctx, a.id, "password")
	if err != nil {
		return nil, Principal{}, fmt.Errorf("sign in: %w", err)
	}
	s.log.InfoContext(ctx, "signed in", "account", a.id)
	return c, p, nil
}

// startSession stores a new session of the account and returns its
// cookie and principal.
func (s *Service) startSession(ctx context.Context, account, via string) (*http.Cookie, Principal, error) {
	p, err := s.principal(ctx, account)
	if err != nil {
		return nil, Principal{}, err
	}
	now := s.now().UTC()
	secret := newSecret()
	d := sessionData{Account: account, Created: now, LastSeen: now, Expires: now.Add(SessionLifetime), Via: via}
	id := secretHash(secret)
	if _, err := s.store.CreateRecord(ctx, graph.Record{Kind: kindSession, ID: id, Owner: account, Data: putJSON(d)}); err != nil {
		return nil, Principal{}, err
	}
	return s.sessionCookie(secret, d.Expires), asSession(p, id, via), nil
}

// asSession makes an account's principal that of its session id, started
// via "password" or "oidc". Only a sign-in with a handed-over first
// password must replace it: one through single sign-on never uses it.
func asSession(p Principal, id, via string) Principal {
	p.Via, p.SessionID = ViaSession, id
	p.MustChangePassword = p.MustChangePassword && via == "password"
	return p
}

// SignOut ends the session of the request's cookie on the server and
// returns the cookie that clears it in the browser. A request without a
// session signs out nothing and still gets the clearing cookie.
func (s *Service) SignOut(ctx context.Context, r *http.Request) (*http.Cookie, error) {
	if c, err := r.Cookie(s.CookieName()); err == nil && validSecret(c.Value) {
		err := s.store.DeleteRecord(ctx, kindSession, secretHash(c.Value))
		if err != nil && !errors.Is(err, graph.ErrNotFound) {
			return nil, fmt.Errorf("sign out: %w", err)
		}
	}
	return s.clearCookie(), nil
}

// SignOutEverywhere ends every session of the principal's account,
// this one included.
func (s *Service) SignOutEverywhere(ctx context.Context, p Principal) error {
	if p.AccountID == "" {
		return fmt.Errorf("sign out everywhere: %w", ErrForbidden)
	}
	if err := s.endSessions(ctx, p.AccountID, ""); err != nil {
		return fmt.Errorf("sign out everywhere: %w", err)
	}
	return nil
}

// endSessions deletes the account's sessions except keep.
func (s *Service) endSessions(ctx context.Context, account, keep string) error {
	if keep == "" {
		_, err := s.store.DeleteRecords(ctx, graph.RecordQuery{Kind: kindSession, Owner: account})
		return err
	}
	rs, err := s.store.Records(ctx, graph.RecordQuery{Kind: kindSession, Owner: account})
	if err != nil {
		return err
	}
	for _, r := range rs {
		if r.ID == keep {
			continue
		}
		if err := s.store.DeleteRecord(ctx, r.Kind, r.ID); err != nil && !errors.Is(err, graph.ErrNotFound) {
			return err
		}
	}
	return nil
}

// SafeNext returns where to send a person after signing in: next when it
// is a path on this site, and "/" for anything else (another host, a
// scheme, "//host", backslashes, control characters), so that a link to
// the sign-in page can never send someone elsewhere.
func SafeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") ||
		strings.ContainsAny(next, "\\\x00\r\n\t") {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || !strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") {
		return "/"
	}
	return next
}

// CrossOriginGuard refuses unsafe requests (POST, PUT, PATCH, DELETE)
// that a browser sends from another origin, using the browser's
// Sec-Fetch-Site and Origin headers (http.CrossOriginProtection): a
// session cookie rides along with such requests, so they are forgeries.
// Requests that carry a bearer token and no session cookie pass, as
// they prove themselves. deny answers the refused requests; nil answers
// a plain 403.
func (s *Service) CrossOriginGuard(h http.Handler, deny http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	if s.origin != "" {
		if err := cop.AddTrustedOrigin(s.origin); err != nil {
			s.log.Warn("external URL is not a usable origin", "err", err)
		}
	}
	if deny != nil {
		cop.SetDenyHandler(deny)
	}
	guarded := cop.Handler(h)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" {
			if _, err := r.Cookie(s.CookieName()); err != nil {
				h.ServeHTTP(w, r)
				return
			}
		}
		guarded.ServeHTTP(w, r)
	})
}
