// Package access decides who may do what in stakemap: people's accounts
// and sessions, API tokens, share links, and the roles they grant. The JSON
// API and the web pages ask it about every request, so both apply the
// same sign-in and the same roles.
//
// A Service holds it all in the store (graph.RecordStore), so several
// service processes on one database share it. What the pages and the API
// call:
//
//   - every request: Authenticate (session cookie or bearer token) gives
//     a Principal, whose Role and Can answer role checks; NewContext puts
//     it in the request's context so writes are recorded as its Actor.
//   - sign-in page: SignIn (e-mail and password; throttled; the same
//     answer for unknown addresses), SignOut, SafeNext for ?next=,
//     OIDCEnabled, OIDCLogin and OIDCCallback (mounted at OIDCLoginPath
//     and OIDCCallbackPath), Message for errors in Dutch or English.
//   - account page: Account, UpdateAccount, ChangePassword,
//     SignOutEverywhere, CreateToken, PersonalTokens, RevokeToken.
//   - admins: CreateAccount, Accounts, RemoveAccount, SetPassword;
//     Members, SetMember, RemoveMember per workspace.
//   - share links: CreateShareLink, ShareLinks, RevokeShareLink; the
//     public page resolves /s/<secret> with ShareLink and shows only
//     ShareLink.View of the workspace.
//   - the whole server: CrossOriginGuard refuses cross-origin writes.
//
// Every operation takes the acting Principal and checks its role itself;
// errors are ErrForbidden, graph.ErrNotFound, graph.ErrInvalid (naming
// each field), graph.ErrConflict, ErrBadCredentials, ErrGone or a
// *ThrottledError.
package access

import (
	"context"
	"slices"

	"github.com/stakemap/stakemap/graph"
)

// Roles, weakest first: a viewer reads, an editor also writes, an admin
// also manages people, tokens, share links and settings.
const (
	RoleViewer = "viewer"
	RoleEditor = "editor"
	RoleAdmin  = "admin"
)

// Roles lists the roles, weakest first.
var Roles = []string{RoleViewer, RoleEditor, RoleAdmin}

// RoleRank orders roles: -1 for no role, then viewer < editor < admin.
func RoleRank(r string) int { return slices.Index(Roles, r) }

// AllWorkspaces is the workspace of a grant that reaches every workspace.
const AllWorkspaces = "*"

// How a request proved who it is.
const (
	ViaSession = "session" // an account's sign-in cookie
	ViaToken   = "token"   // an API bearer token
	ViaLocal   = "local"   // --no-auth on loopback, or the CLI
)

// Principal is who makes a request and what they may do.
type Principal struct {
	// Via says how the request proved who it is.
	Via string
	// AccountID, Email and Name name the person, when there is one (a
	// session, or a token an account made).
	AccountID, Email, Name string
	// TokenID and TokenName name the token, for a bearer token.
	TokenID, TokenName string
	// SessionID names the session, for a session cookie: the id of its
	// record (a hash, not the cookie's secret).
	SessionID string
	// Lang is the person's preferred language (nl, en), or "" for the
	// workspace's.
	Lang string
	// Global is the role on every workspace, or "".
	Global string
	// MustChangePassword: the account signs in with a first password an
	// admin handed over; the pages ask for the person's own first.
	MustChangePassword bool
	// Workspaces holds the role on each workspace the principal is a
	// member of.
	Workspaces map[string]string
}

// Role returns the principal's role on a workspace: the stronger of the
// global role and the membership, or "" for none.
func (p Principal) Role(ws string) string {
	r := p.Global
	if m := p.Workspaces[ws]; RoleRank(m) > RoleRank(r) {
		r = m
	}
	return r
}

// Can reports whether the principal has at least role on the workspace.
func (p Principal) Can(ws, role string) bool {
	r := p.Role(ws)
	return r != "" && RoleRank(r) >= RoleRank(role)
}

// Actor is how history records the principal's changes.
func (p Principal) Actor() graph.Actor {
	switch {
	case p.Via == ViaToken && p.TokenName != "":
		return graph.Actor("token:" + p.TokenName)
	case p.AccountID != "":
		return graph.Actor("account:" + p.AccountID)
	case p.Via == ViaLocal:
		return graph.ActorCLI
	}
	return ""
}

type principalKey struct{}

// NewContext returns a context that carries p, and records p's writes as
// made by p.Actor().
func NewContext(ctx context.Context, p Principal) context.Context {
	ctx = context.WithValue(ctx, principalKey{}, p)
	if a := p.Actor(); a != "" {
		ctx = graph.WithActor(ctx, a)
	}
	return ctx
}

// FromContext returns the principal a context carries.
func FromContext(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(Principal)
	return p, ok
}
