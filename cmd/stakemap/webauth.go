package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/stakemap/stakemap/internal/access"
	"github.com/stakemap/stakemap/internal/httpapi"
)

// Until accounts exist (internal/access), the pages sign people in with an
// API token as the password: the token's workspace and role become the
// session's. Sessions live in memory, expire when idle for 8 hours or
// after 7 days, and are lost when the service restarts.
type tokenSignIn struct {
	tokens *httpapi.TokenStore
	now    func() time.Time

	mu       sync.Mutex
	sessions map[string]*tokenSession
}

type tokenSession struct {
	p               access.Principal
	created, lastAt time.Time
}

const (
	sessionCookieName = "stakemap_session"
	sessionIdle       = 8 * time.Hour
	sessionMax        = 7 * 24 * time.Hour
	maxSessions       = 10_000
)

func newTokenSignIn(ts *httpapi.TokenStore) *tokenSignIn {
	return &tokenSignIn{tokens: ts, now: time.Now, sessions: map[string]*tokenSession{}}
}

func (a *tokenSignIn) Authenticate(r *http.Request) (access.Principal, error) {
	c, err := r.Cookie(sessionCookieName)
	if err != nil || c.Value == "" {
		return access.Principal{}, access.ErrUnauthenticated
	}
	now := a.now()
	a.mu.Lock()
	defer a.mu.Unlock()
	s, ok := a.sessions[c.Value]
	if !ok || now.Sub(s.lastAt) > sessionIdle || now.Sub(s.created) > sessionMax {
		delete(a.sessions, c.Value)
		return access.Principal{}, access.ErrBadCredentials
	}
	// The token may have been revoked since.
	if _, ok := a.tokens.Lookup(s.p.TokenID); !ok {
		delete(a.sessions, c.Value)
		return access.Principal{}, access.ErrBadCredentials
	}
	s.lastAt = now
	return s.p, nil
}

func (a *tokenSignIn) SignIn(_ context.Context, email, password, _ string) (*http.Cookie, access.Principal, error) {
	g, ok := a.tokens.Verify(strings.TrimSpace(password))
	if !ok {
		return nil, access.Principal{}, access.ErrBadCredentials
	}
	p := access.Principal{Via: access.ViaSession, Email: email, Name: email, TokenID: g.ID}
	if g.Workspace == httpapi.AllWorkspaces {
		p.Global = g.Role
	} else {
		p.Workspaces = map[string]string{g.Workspace: g.Role}
	}
	var raw [32]byte
	rand.Read(raw[:])
	id := hex.EncodeToString(raw[:])
	now := a.now()
	a.mu.Lock()
	for k, s := range a.sessions {
		if now.Sub(s.lastAt) > sessionIdle || now.Sub(s.created) > sessionMax || len(a.sessions) >= maxSessions {
			delete(a.sessions, k)
		}
	}
	a.sessions[id] = &tokenSession{p: p, created: now, lastAt: now}
	a.mu.Unlock()
	return &http.Cookie{Name: sessionCookieName, Value: id, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode,
		MaxAge: int(sessionMax.Seconds())}, p, nil
}

func (a *tokenSignIn) SignOut(_ context.Context, r *http.Request) (*http.Cookie, error) {
	if c, err := r.Cookie(sessionCookieName); err == nil {
		a.mu.Lock()
		delete(a.sessions, c.Value)
		a.mu.Unlock()
	}
	return &http.Cookie{Name: sessionCookieName, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode}, nil
}

// localSignIn serves --no-auth: everyone is a global admin of a service
// that only the loopback interface reaches.
type localSignIn struct{}

func (localSignIn) Authenticate(*http.Request) (access.Principal, error) {
	return access.Principal{Via: access.ViaLocal, Global: access.RoleAdmin}, nil
}

func (localSignIn) SignIn(context.Context, string, string, string) (*http.Cookie, access.Principal, error) {
	return &http.Cookie{Name: sessionCookieName, Value: "local", Path: "/"}, access.Principal{Via: access.ViaLocal, Global: access.RoleAdmin}, nil
}

func (localSignIn) SignOut(context.Context, *http.Request) (*http.Cookie, error) { return nil, nil }
