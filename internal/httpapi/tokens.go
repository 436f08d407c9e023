package httpapi

import (
	"cmp"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/stakemap/stakemap/graph"
)

// Roles a token can have, weakest first: a viewer reads, an editor also
// writes, an admin also manages tokens.
const (
	RoleViewer = "viewer"
	RoleEditor = "editor"
	RoleAdmin  = "admin"
)

// Roles lists the token roles, weakest first.
var Roles = []string{RoleViewer, RoleEditor, RoleAdmin}

func roleRank(r string) int { return slices.Index(Roles, r) }

// AllWorkspaces is the Workspace of a token that reaches every workspace.
const AllWorkspaces = "*"

// tokenPrefix marks stakemap tokens so that secret scanners and people can
// recognise one.
const tokenPrefix = "smk_"

// Grant is what a token allows: one workspace (or AllWorkspaces) in a role.
type Grant struct {
	ID        string    `json:"id"`
	Workspace string    `json:"workspace"`
	Role      string    `json:"role"`
	Created   time.Time `json:"created"`
}

type storedToken struct {
	Grant
	// Hash is the hex SHA-256 of the token's secret part; the secret
	// itself is never stored.
	Hash string `json:"sha256"`
}

// TokenStore keeps API tokens in a small JSON file (mode 0600) holding only
// SHA-256 hashes, so that a leaked file gives no usable token. Tokens are
// deliberately not part of graph.Store: they guard the service, not the
// stakeholder data, and must work the same on every backend.
type TokenStore struct {
	path string

	mu     sync.RWMutex
	tokens map[string]storedToken // by id
	admin  []byte                 // SHA-256 of the configured admin token, or nil
}

// OpenTokens opens (or, on first write, creates) the token file at path.
// An empty path keeps tokens in memory only.
func OpenTokens(path string) (*TokenStore, error) {
	ts := &TokenStore{path: path, tokens: map[string]storedToken{}}
	if path == "" {
		return ts, nil
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return ts, nil
	}
	if err != nil {
		return nil, fmt.Errorf("open tokens %s: %w", path, err)
	}
	var file struct {
		Tokens []storedToken `json:"tokens"`
	}
	if err := json.Unmarshal(data, &file); err != nil {
		return nil, fmt.Errorf("open tokens %s: %w", path, err)
	}
	for _, t := range file.Tokens {
		ts.tokens[t.ID] = t
	}
	return ts, nil
}

// SetAdminToken makes token a global admin token without storing it, for a
// token given in the environment. An empty token is ignored.
func (ts *TokenStore) SetAdminToken(token string) {
	if token == "" {
		return
	}
	h := sha256.Sum256([]byte(token))
	ts.mu.Lock()
	ts.admin = h[:]
	ts.mu.Unlock()
}

// HasAdmin reports whether any token can manage tokens for every
// workspace: whether the service can be administered at all.
func (ts *TokenStore) HasAdmin() bool {
	ts.mu.RLock()
	defer ts.mu.RUnlock()
	if ts.admin != nil {
		return true
	}
	for _, t := range ts.tokens {
		if t.Workspace == AllWorkspaces && t.Role == RoleAdmin {
			return true
		}
	}
	return false
}

// Create issues a new token for the workspace and role and returns the
// token (shown once) with its grant.
func (ts *TokenStore) Create(workspace, role string) (string, Grant, error) {
	var ps []graph.Problem
	if workspace != AllWorkspaces && !graph.ValidID(workspace) {
		ps = append(ps, graph.Problem{Field: "workspace", Value: workspace, Reason: `must be a workspace id or "*" for all workspaces`})
	}
	if roleRank(role) < 0 {
		ps = append(ps, graph.Problem{Field: "role", Value: role, Reason: "must be one of " + strings.Join(Roles, ", ")})
	}
	if err := graph.Invalid(ps); err != nil {
		return "", Grant{}, err
	}
	id := randomText(6)
	secret := randomText(24)
	g := Grant{ID: id, Workspace: workspace, Role: role, Created: time.Now().UTC().Truncate(time.Second)}
	h := sha256.Sum256([]byte(secret))

	ts.mu.Lock()
	defer ts.mu.Unlock()
	ts.tokens[id] = storedToken{Grant: g, Hash: hex.EncodeToString(h[:])}
	if err := ts.saveLocked(); err != nil {
		delete(ts.tokens, id)
		return "", Grant{}, err
	}
	return tokenPrefix + id + "." + secret, g, nil
}

// Revoke deletes the token with the id, or returns graph.ErrNotFound.
func (ts *TokenStore) Revoke(id string) error {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	old, ok := ts.tokens[id]
	if !ok {
		return fmt.Errorf("token %q: %w", id, graph.ErrNotFound)
	}
	delete(ts.tokens, id)
	if err := ts.saveLocked(); err != nil {
		ts.tokens[id] = old
		return err
	}
	return nil
}

// Lookup returns the grant of token id without verifying a secret, for
// revocation checks by a workspace admin.
func (ts *TokenStore) Lookup(id string) (Grant, bool) {
	ts.mu.RLock()
	defer ts.mu.RUnlock()
	t, ok := ts.tokens[id]
	return t.Grant, ok
}

// List returns every token's grant (never a secret), sorted by id.
func (ts *TokenStore) List() []Grant {
	ts.mu.RLock()
	defer ts.mu.RUnlock()
	out := make([]Grant, 0, len(ts.tokens))
	for _, t := range ts.tokens {
		out = append(out, t.Grant)
	}
	slices.SortFunc(out, func(a, b Grant) int { return cmp.Compare(a.ID, b.ID) })
	return out
}

// Verify returns the grant of a presented token. The token's id selects the
// stored entry; the secret is compared by hash in constant time, so the
// response time says nothing about how much of a guess was right.
func (ts *TokenStore) Verify(token string) (Grant, bool) {
	ts.mu.RLock()
	defer ts.mu.RUnlock()
	if ts.admin != nil {
		h := sha256.Sum256([]byte(token))
		if subtle.ConstantTimeCompare(h[:], ts.admin) == 1 {
			return Grant{ID: "env", Workspace: AllWorkspaces, Role: RoleAdmin}, true
		}
	}
	rest, ok := strings.CutPrefix(token, tokenPrefix)
	if !ok {
		return Grant{}, false
	}
	id, secret, ok := strings.Cut(rest, ".")
	if !ok {
		return Grant{}, false
	}
	t, ok := ts.tokens[id]
	if !ok {
		return Grant{}, false
	}
	want, err := hex.DecodeString(t.Hash)
	if err != nil {
		return Grant{}, false
	}
	h := sha256.Sum256([]byte(secret))
	if subtle.ConstantTimeCompare(h[:], want) != 1 {
		return Grant{}, false
	}
	return t.Grant, true
}

// saveLocked writes the file atomically (temp file, sync, rename) with mode
// 0600: the hashes are not secrets, but the grants say who may see what.
func (ts *TokenStore) saveLocked() error {
	if ts.path == "" {
		return nil
	}
	list := make([]storedToken, 0, len(ts.tokens))
	for _, t := range ts.tokens {
		list = append(list, t)
	}
	slices.SortFunc(list, func(a, b storedToken) int { return cmp.Compare(a.ID, b.ID) })
	data, err := json.MarshalIndent(struct {
		Tokens []storedToken `json:"tokens"`
	}{list}, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(ts.path), ".tokens-*")
	if err != nil {
		return fmt.Errorf("save tokens: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("save tokens: %w", err)
	}
	if _, err := tmp.Write(append(data, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("save tokens: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("save tokens: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("save tokens: %w", err)
	}
	if err := os.Rename(tmp.Name(), ts.path); err != nil {
		return fmt.Errorf("save tokens: %w", err)
	}
	return nil
}

// randomText returns n random bytes as unpadded URL-safe base64, whose
// alphabet has no '.', the separator of a token's id and secret.
func randomText(n int) string {
	b := make([]byte, n)
	rand.Read(b) //nolint:errcheck // crypto/rand.Read never fails
	return base64.RawURLEncoding.EncodeToString(b)
}
