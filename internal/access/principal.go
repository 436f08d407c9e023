// Package access decides who may do what in stakemap: people's accounts
// and sessions, API tokens, share links, and the roles they grant. The JSON
// API and the web pages ask it about every request, so both apply the
// same sign-in and the same roles.
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
	// Lang is the person's preferred language (nl, en), or "" for the
	// workspace's.
	Lang string
	// Global is the role on every workspace, or "".
	Global string
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
