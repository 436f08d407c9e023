package access

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/stakemap/stakemap/graph"
)

// Paths of single sign-on: the service mounts OIDCLogin and
// OIDCCallback there. The provider must list ExternalURL +
// OIDCCallbackPath as a redirect URI.
const (
	OIDCLoginPath    = "/login/oidc"
	OIDCCallbackPath = "/login/oidc/callback"
)

// OIDCConfig configures single sign-on with an OpenID Connect provider
// (Entra ID, Keycloak, Google, …).
type OIDCConfig struct {
	// Issuer is the provider's issuer URL; its discovery document is
	// read from Issuer + /.well-known/openid-configuration at start.
	Issuer string
	// ClientID and ClientSecret are the service's registration at the
	// provider.
	ClientID, ClientSecret string
	// AllowedDomains are e-mail domains whose people get an account (a
	// viewer of nothing until an admin adds them to workspaces) at their
	// first sign-in. People of other domains need an account an admin
	// made with their e-mail address.
	AllowedDomains []string
	// HTTPClient talks to the provider; nil means http.DefaultClient.
	HTTPClient *http.Client
}

// OIDCFailure shows a failed sign-on to the person: status is the answer's
// HTTP status, and Message words err in the person's language. The pages
// pass their sign-in page, so that the person reads why in the language
// of the pages and can try again.
type OIDCFailure func(w http.ResponseWriter, r *http.Request, status int, err error)

// loginTTL bounds the time between leaving for the provider and coming
// back.
const loginTTL = 10 * time.Minute

// oidcCookie binds a sign-on attempt to the browser that started it, so
// that an attacker cannot make someone's browser complete the attacker's
// attempt (login CSRF).
const oidcCookie = "stakemap_oidc"

// loginLimit bounds the sign-on attempts a client may start: each one
// stores a record until it completes or expires.
var loginLimit = limit{Burst: 30, Interval: 2 * time.Second}

type oidcProvider struct {
	cfg      OIDCConfig
	oauth    oauth2.Config
	verifier *oidc.IDTokenVerifier
	client   *http.Client
	domains  []string
}

type oidcLoginData struct {
	Nonce    string    `json:"nonce"`
	Verifier string    `json:"verifier"`
	Next     string    `json:"next"`
	Expires  time.Time `json:"expires"`
}

func newOIDCProvider(ctx context.Context, s *Service, cfg OIDCConfig) (*oidcProvider, error) {
	bad := func(field, value, reason string) error {
		return fmt.Errorf("single sign-on: %w", graph.Invalid([]graph.Problem{{Field: field, Value: value, Reason: reason}}))
	}
	switch {
	case cfg.Issuer == "":
		return nil, bad("oidc-issuer", "", "is required")
	case cfg.ClientID == "":
		return nil, bad("oidc-client-id", "", "is required with --oidc-issuer")
	case cfg.ClientSecret == "":
		return nil, bad("STAKEMAP_OIDC_CLIENT_SECRET", "", "is required with --oidc-issuer")
	case s.origin == "":
		return nil, bad("external-url", "", "is required with --oidc-issuer: the provider sends people back to it")
	}
	client := cfg.HTTPClient
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	ctx = oidc.ClientContext(ctx, client)
	provider, err := oidc.NewProvider(ctx, cfg.Issuer)
	if err != nil {
		return nil, fmt.Errorf("single sign-on: read the provider's discovery document at %s: %w", cfg.Issuer, err)
	}
	p := &oidcProvider{cfg: cfg, client: client,
		oauth: oauth2.Config{ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret, Endpoint: provider.Endpoint(),
			RedirectURL: strings.TrimSuffix(s.cfg.ExternalURL, "/") + OIDCCallbackPath,
			Scopes:      []string{oidc.ScopeOpenID, "email", "profile"}},
		verifier: provider.VerifierContext(oidc.ClientContext(context.WithoutCancel(ctx), client), &oidc.Config{ClientID: cfg.ClientID, Now: s.now}),
	}
	for _, d := range cfg.AllowedDomains {
		if d = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(d), "@")); d != "" {
			p.domains = append(p.domains, d)
		}
	}
	return p, nil
}

// OIDCEnabled reports whether single sign-on is configured.
func (s *Service) OIDCEnabled() bool { return s.oidc != nil }

// OIDCLogin sends the browser to the provider to sign in (303), with a
// fresh state, nonce and PKCE verifier kept in the store for ten
// minutes. ?next= is where to go after signing in, when it is a path on
// this site (see SafeNext). Failures (too many attempts) are shown by
// fail; nil writes a short text in Dutch and English.
func (s *Service) OIDCLogin(w http.ResponseWriter, r *http.Request, fail OIDCFailure) {
	if s.oidc == nil {
		http.NotFound(w, r)
		return
	}
	ctx := r.Context()
	client := throttleKey{"oidc " + ClientOf(r), loginLimit}
	if err := s.throttled(client); err != nil {
		s.oidcError(w, r, http.StatusTooManyRequests, err, fail)
		return
	}
	s.failed(client)
	state, nonce, verifier := newSecret(), newSecret(), oauth2.GenerateVerifier()
	d := oidcLoginData{Nonce: nonce, Verifier: verifier, Next: SafeNext(r.URL.Query().Get("next")), Expires: s.now().Add(loginTTL)}
	if _, err := s.store.CreateRecord(ctx, graph.Record{Kind: kindOIDCLogin, ID: secretHash(state), Data: putJSON(d)}); err != nil {
		s.log.ErrorContext(ctx, "single sign-on: storing the attempt failed", "err", err)
		s.oidcError(w, r, http.StatusInternalServerError, errors.New("internal error"), fail)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: oidcCookie, Value: state, Path: OIDCCallbackPath, MaxAge: int(loginTTL.Seconds()),
		HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode})
	url := s.oidc.oauth.AuthCodeURL(state, oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier))
	http.Redirect(w, r, url, http.StatusSeeOther)
}

// Errors of a sign-on callback, as the person reads them.
var (
	errOIDCState      = errors.New("this sign-in attempt is unknown, used or expired (state): start again")
	errOIDCRefused    = errors.New("the identity provider did not confirm who you are")
	errOIDCUnverified = errors.New("the identity provider has not verified your e-mail address")
	errOIDCNoAccount  = errors.New("there is no stakemap account for your e-mail address: ask an administrator to add you")
	errOIDCOtherUser  = errors.New("this account is linked to another identity at the provider")
)

// OIDCCallback completes a sign-on: it checks the state against the
// browser's cookie and the stored attempt, exchanges the code (with the
// PKCE verifier), verifies the ID token (signature, issuer, audience,
// expiry) and its nonce, and requires a verified e-mail address. It then
// signs in the account of that address, or makes one when the domain is
// allowed, sets the session cookie and sends the browser to the stored
// next page (303). Failures answer an error page: 400 for an unknown
// state, 401 when the provider does not confirm the person, 403 for an
// unverified address or no account, shown by fail (nil: a short text in
// Dutch and English).
func (s *Service) OIDCCallback(w http.ResponseWriter, r *http.Request, fail OIDCFailure) {
	if s.oidc == nil {
		http.NotFound(w, r)
		return
	}
	ctx := r.Context()
	client := clientKey(ClientOf(r))
	if err := s.throttled(client); err != nil {
		s.oidcError(w, r, http.StatusTooManyRequests, err, fail)
		return
	}
	// The attempt's cookie is spent whatever happens next.
	http.SetCookie(w, &http.Cookie{Name: oidcCookie, Value: "", Path: OIDCCallbackPath, MaxAge: -1,
		HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode})
	status, err := s.oidcSignIn(w, r)
	if err != nil {
		if status == http.StatusInternalServerError {
			s.log.ErrorContext(ctx, "single sign-on failed", "err", err)
			err = errors.New("internal error")
		} else {
			s.failed(client)
			s.log.InfoContext(ctx, "single sign-on refused", "client", ClientOf(r), "reason", err.Error())
		}
		s.oidcError(w, r, status, err, fail)
	}
}

func (s *Service) oidcSignIn(w http.ResponseWriter, r *http.Request) (int, error) {
	ctx := r.Context()
	q := r.URL.Query()
	state := q.Get("state")
	c, cerr := r.Cookie(oidcCookie)
	if state == "" || cerr != nil || subtle.ConstantTimeCompare([]byte(c.Value), []byte(state)) != 1 || !validSecret(state) {
		return http.StatusBadRequest, errOIDCState
	}
	rec, err := s.store.Record(ctx, kindOIDCLogin, secretHash(state))
	if errors.Is(err, graph.ErrNotFound) {
		return http.StatusBadRequest, errOIDCState
	}
	if err != nil {
		return http.StatusInternalServerError, err
	}
	if err := s.store.DeleteRecord(ctx, rec.Kind, rec.ID); errors.Is(err, graph.ErrNotFound) {
		return http.StatusBadRequest, errOIDCState // used by a concurrent callback
	} else if err != nil {
		return http.StatusInternalServerError, err
	}
	var d oidcLoginData
	if err := json.Unmarshal(rec.Data, &d); err != nil {
		return http.StatusInternalServerError, err
	}
	if !s.now().Before(d.Expires) {
		return http.StatusBadRequest, errOIDCState
	}
	if e := q.Get("error"); e != "" {
		return http.StatusUnauthorized, fmt.Errorf("%w (%s)", errOIDCRefused, clipText(e))
	}
	code := q.Get("code")
	if code == "" {
		return http.StatusBadRequest, fmt.Errorf("%w: no code", errOIDCRefused)
	}
	tok, err := s.oidc.oauth.Exchange(oidc.ClientContext(ctx, s.oidc.client), code, oauth2.VerifierOption(d.Verifier))
	if err != nil {
		return http.StatusUnauthorized, fmt.Errorf("%w: the code was refused", errOIDCRefused)
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return http.StatusUnauthorized, fmt.Errorf("%w: no ID token", errOIDCRefused)
	}
	idt, err := s.oidc.verifier.Verify(ctx, raw)
	if err != nil {
		reason := "the ID token is invalid"
		if _, ok := errors.AsType[*oidc.TokenExpiredError](err); ok {
			reason = "the ID token has expired"
		}
		return http.StatusUnauthorized, fmt.Errorf("%w: %s", errOIDCRefused, reason)
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(d.Nonce)) != 1 {
		return http.StatusUnauthorized, fmt.Errorf("%w: the ID token is not for this sign-in (nonce)", errOIDCRefused)
	}
	var claims struct {
		Email         string `json:"email"`
		EmailVerified any    `json:"email_verified"`
		// Entra ID says whether the domain of the address is verified
		// by the tenant in this optional claim instead.
		EntraVerified any    `json:"xms_edov"`
		Name          string `json:"name"`
	}
	if err := idt.Claims(&claims); err != nil {
		return http.StatusUnauthorized, fmt.Errorf("%w: unreadable claims", errOIDCRefused)
	}
	if claims.Email == "" || !(isTrue(claims.EmailVerified) || isTrue(claims.EntraVerified)) || checkEmail(claims.Email) != nil {
		return http.StatusForbidden, errOIDCUnverified
	}
	subject := idt.Issuer + " " + idt.Subject
	a, err := s.accountByEmail(ctx, claims.Email)
	switch {
	case errors.Is(err, graph.ErrNotFound):
		domain := strings.ToLower(claims.Email[strings.LastIndex(claims.Email, "@")+1:])
		if !slices.Contains(s.oidc.domains, domain) {
			return http.StatusForbidden, errOIDCNoAccount
		}
		name := strings.TrimSpace(claims.Name)
		if graph.TextProblem(name, graph.MaxShortText, false) != "" {
			name = ""
		}
		acct, err := s.createAccount(ctx, NewAccount{Email: claims.Email, Name: name}, MinPasswordLength, subject)
		if err != nil {
			return http.StatusInternalServerError, err
		}
		a = accountRecord{id: acct.ID}
		s.log.InfoContext(ctx, "account made at first single sign-on", "account", acct.ID)
	case err != nil:
		return http.StatusInternalServerError, err
	case a.data.Subject == "":
		// The first sign-on links the account to the provider's subject.
		a.data.Subject = subject
		if _, err := s.store.UpdateRecord(ctx, graph.Record{Kind: kindAccount, ID: a.id, Data: putJSON(a.data)}, a.version); err != nil {
			return http.StatusInternalServerError, err
		}
	case a.data.Subject != subject:
		return http.StatusForbidden, errOIDCOtherUser
	}
	cookie, _, err := s.startSession(ctx, a.id, "oidc")
	if err != nil {
		return http.StatusInternalServerError, err
	}
	http.SetCookie(w, cookie)
	s.log.InfoContext(ctx, "signed in with single sign-on", "account", a.id)
	http.Redirect(w, r, SafeNext(d.Next), http.StatusSeeOther)
	return 0, nil
}

// isTrue reads a boolean claim, which some providers send as a string.
func isTrue(v any) bool {
	switch x := v.(type) {
	case bool:
		return x
	case string:
		return strings.EqualFold(x, "true")
	}
	return false
}

func clipText(s string) string {
	if len(s) > 80 {
		s = s[:80]
	}
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s)
}

// oidcError shows a failed sign-on, through fail or as text in Dutch and
// English.
func (s *Service) oidcError(w http.ResponseWriter, r *http.Request, status int, err error, fail OIDCFailure) {
	if te, ok := errors.AsType[*ThrottledError](err); ok {
		w.Header().Set("Retry-After", fmt.Sprint(int(te.RetryAfter.Seconds())))
	}
	w.Header().Set("Cache-Control", "no-store")
	if fail != nil {
		fail(w, r, status, err)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(status)
	fmt.Fprintf(w, "Aanmelden mislukt: %s\nSign-in failed: %s\n\n%s\n", Message(err, graph.LangNL), err, OIDCLoginPath)
}
