package access

import (
	"cmp"
	"context"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/stakemap/stakemap/graph"
)

// TokenPrefix marks stakemap tokens, so that secret scanners and people
// recognise one: smk_<id>.<secret>.
const TokenPrefix = "smk_"

// Token is an API bearer token as listed: never its secret.
type Token struct {
	ID string `json:"id"`
	// Name says what the token is for; "token-<id>" unless given.
	Name string `json:"name"`
	// Workspace is the workspace the token reaches, or "*" for every
	// workspace its role (and its account's) reaches.
	Workspace string `json:"workspace"`
	Role      string `json:"role"`
	// Account made the token; its roles cap the token's. "" for a token
	// made by the admin token or migrated from a token file.
	Account string    `json:"account,omitempty"`
	Created time.Time `json:"created"`
	// ExpiresAt is the last day (UTC) the token works, or "".
	ExpiresAt string `json:"expiresAt,omitempty"`
	// LastUsedAt is when the token was last used, to the minute.
	LastUsedAt *time.Time `json:"lastUsedAt,omitempty"`
}

// TokenRequest asks for a token.
type TokenRequest struct {
	Name      string `json:"name,omitempty"`
	Workspace string `json:"workspace"`
	Role      string `json:"role"`
	// ExpiresAt is the last day (YYYY-MM-DD, UTC) the token works;
	// empty for a token that works until it is revoked.
	ExpiresAt string `json:"expiresAt,omitempty"`
}

type tokenData struct {
	Hash       string    `json:"sha256"`
	Name       string    `json:"name"`
	Workspace  string    `json:"workspace"`
	Role       string    `json:"role"`
	Account    string    `json:"account,omitempty"`
	Created    time.Time `json:"created"`
	ExpiresAt  string    `json:"expiresAt,omitempty"`
	LastUsedAt time.Time `json:"lastUsedAt,omitzero"`
}

func (d tokenData) public(id string) Token {
	t := Token{ID: id, Name: d.Name, Workspace: d.Workspace, Role: d.Role, Account: d.Account, Created: d.Created, ExpiresAt: d.ExpiresAt}
	if !d.LastUsedAt.IsZero() {
		lu := d.LastUsedAt
		t.LastUsedAt = &lu
	}
	return t
}

// expired reports whether the token's last day has passed.
func (d tokenData) expired(now time.Time) bool {
	if d.ExpiresAt == "" {
		return false
	}
	end, err := endOfDay(d.ExpiresAt)
	return err != nil || !now.Before(end)
}

// CreateToken makes a token and returns it (shown this once) with its
// description. A principal makes tokens up to its own role: for one
// workspace up to its role there, for "*" up to its strongest role (an
// account's token for "*" reaches what the account reaches, capped at
// the token's role). ErrInvalid names bad fields; ErrForbidden: the role
// is stronger than the principal's.
func (s *Service) CreateToken(ctx context.Context, by Principal, req TokenRequest) (string, Token, error) {
	req.Name = strings.TrimSpace(req.Name)
	var ps []graph.Problem
	if req.Workspace != AllWorkspaces && !graph.ValidID(req.Workspace) {
		ps = append(ps, graph.Problem{Field: "workspace", Value: req.Workspace, Reason: `must be a workspace id or "*" for all workspaces`})
	}
	ps = append(ps, collect(checkRole("role", req.Role, false))...)
	if reason := graph.TextProblem(req.Name, 100, false); reason != "" {
		ps = append(ps, graph.Problem{Field: "name", Value: req.Name, Reason: reason})
	}
	if req.ExpiresAt != "" {
		d, err := s.checkDate("expiresAt", req.ExpiresAt, 0)
		if err != nil {
			ps = append(ps, err.(*graph.ValidationError).Problems...)
		}
		req.ExpiresAt = d
	}
	if err := graph.Invalid(ps); err != nil {
		return "", Token{}, fmt.Errorf("create token: %w", err)
	}
	own := by.Role(req.Workspace)
	if req.Workspace == AllWorkspaces {
		own = by.Global
		if by.AccountID != "" {
			own = highestRole(by)
		}
	}
	if by.Via != ViaLocal && RoleRank(own) < RoleRank(req.Role) {
		if own == "" {
			own = "none"
		}
		return "", Token{}, fmt.Errorf("create token: a %s token needs that role on %s; yours is %s: %w", req.Role, req.Workspace, own, ErrForbidden)
	}
	id := randomText(6)
	secret := randomText(24)
	if req.Name == "" {
		req.Name = "token-" + id
	}
	d := tokenData{Hash: secretHash(secret), Name: req.Name, Workspace: req.Workspace, Role: req.Role, Account: by.AccountID,
		Created: s.now().UTC().Truncate(time.Second), ExpiresAt: req.ExpiresAt}
	r := graph.Record{Kind: kindToken, ID: id, Owner: d.Account, Data: putJSON(d)}
	if req.Workspace != AllWorkspaces {
		// A token of one workspace belongs to it: deleting the workspace
		// deletes the token in the same transaction.
		r.Workspace = req.Workspace
	}
	if _, err := s.store.CreateRecord(ctx, r); err != nil {
		return "", Token{}, fmt.Errorf("create token: %w", err)
	}
	s.log.InfoContext(ctx, "token issued", "id", id, "role", d.Role, "by", string(by.Actor()))
	return TokenPrefix + id + "." + secret, d.public(id), nil
}

// Tokens lists the tokens a principal may see, sorted by id: its
// account's own, and those of every workspace it administers (all of
// them for a service admin).
func (s *Service) Tokens(ctx context.Context, by Principal) ([]Token, error) {
	rs, err := s.store.Records(ctx, graph.RecordQuery{Kind: kindToken})
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	out := []Token{}
	for _, r := range rs {
		var d tokenData
		if json.Unmarshal(r.Data, &d) != nil {
			continue
		}
		if maySeeToken(by, d) {
			out = append(out, d.public(r.ID))
		}
	}
	slices.SortFunc(out, func(a, b Token) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

// PersonalTokens lists the tokens the principal's account made, for
// the account page: never another's, not even for an admin.
func (s *Service) PersonalTokens(ctx context.Context, p Principal) ([]Token, error) {
	if p.AccountID == "" {
		return []Token{}, nil
	}
	all, err := s.Tokens(ctx, p)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(all, func(t Token) bool { return t.Account != p.AccountID }), nil
}

func maySeeToken(by Principal, d tokenData) bool {
	switch {
	case by.Via == ViaLocal || isAdmin(by):
		return true
	case by.AccountID != "" && d.Account == by.AccountID:
		return true
	case d.Workspace != AllWorkspaces && by.Can(d.Workspace, RoleAdmin):
		return true
	}
	return false
}

// RevokeToken deletes a token the principal may see (see Tokens).
// ErrNotFound: no such token, or one the principal may not see.
func (s *Service) RevokeToken(ctx context.Context, by Principal, id string) error {
	r, err := s.store.Record(ctx, kindToken, id)
	if err != nil {
		return fmt.Errorf("revoke token: %w", err)
	}
	var d tokenData
	if err := json.Unmarshal(r.Data, &d); err != nil || !maySeeToken(by, d) {
		return fmt.Errorf("revoke token %q: %w", id, graph.ErrNotFound)
	}
	if err := s.store.DeleteRecord(ctx, kindToken, id); err != nil {
		return fmt.Errorf("revoke token: %w", err)
	}
	s.log.InfoContext(ctx, "token revoked", "id", id, "by", string(by.Actor()))
	return nil
}

// verifyToken returns the principal of a bearer token.
// ErrBadCredentials: not a token, unknown, revoked or expired.
func (s *Service) verifyToken(ctx context.Context, token string) (Principal, error) {
	if s.admin != nil {
		h := secretHash(token)
		want := hex.EncodeToString(s.admin)
		if subtle.ConstantTimeCompare([]byte(h), []byte(want)) == 1 {
			return Principal{Via: ViaToken, TokenID: "env", TokenName: "STAKEMAP_ADMIN_TOKEN", Global: RoleAdmin}, nil
		}
	}
	rest, ok := strings.CutPrefix(token, TokenPrefix)
	if !ok {
		return Principal{}, ErrBadCredentials
	}
	id, secret, ok := strings.Cut(rest, ".")
	if !ok || id == "" || len(id) > 64 || secret == "" || len(secret) > 128 {
		return Principal{}, ErrBadCredentials
	}
	r, err := s.store.Record(ctx, kindToken, id)
	if errors.Is(err, graph.ErrNotFound) {
		return Principal{}, ErrBadCredentials
	}
	if err != nil {
		return Principal{}, err
	}
	var d tokenData
	if err := json.Unmarshal(r.Data, &d); err != nil {
		return Principal{}, fmt.Errorf("token %s: %w", id, err)
	}
	if subtle.ConstantTimeCompare([]byte(secretHash(secret)), []byte(d.Hash)) != 1 {
		return Principal{}, ErrBadCredentials
	}
	now := s.now()
	if d.expired(now) {
		return Principal{}, ErrBadCredentials
	}
	p := Principal{Via: ViaToken, TokenID: id, TokenName: d.Name, Workspaces: map[string]string{}}
	if d.Account == "" {
		if d.Workspace == AllWorkspaces {
			p.Global = d.Role
		} else {
			p.Workspaces[d.Workspace] = d.Role
		}
	} else {
		// The account's roles now cap the token: a person who lost a role
		// loses it in their tokens too.
		a, err := s.account(ctx, d.Account)
		if errors.Is(err, graph.ErrNotFound) {
			return Principal{}, ErrBadCredentials
		}
		if err != nil {
			return Principal{}, err
		}
		ms, err := s.memberships(ctx, a.id)
		if err != nil {
			return Principal{}, err
		}
		p.AccountID, p.Email, p.Name, p.Lang = a.id, a.data.Email, a.data.Name, a.data.Lang
		acct := Principal{Global: a.data.Role, Workspaces: ms}
		if d.Workspace == AllWorkspaces {
			p.Global = weaker(d.Role, a.data.Role)
			for ws, role := range ms {
				if r := weaker(d.Role, role); r != "" {
					p.Workspaces[ws] = r
				}
			}
		} else if r := weaker(d.Role, acct.Role(d.Workspace)); r != "" {
			p.Workspaces[d.Workspace] = r
		}
	}
	if now.Sub(d.LastUsedAt) >= touchEvery {
		d.LastUsedAt = now.UTC().Truncate(time.Second)
		r.Data = putJSON(d)
		// A failed write costs only precision: the token stays valid.
		if _, err := s.store.UpdateRecord(ctx, r, r.Version); err != nil && !errors.Is(err, graph.ErrConflict) && !errors.Is(err, graph.ErrNotFound) {
			s.log.WarnContext(ctx, "recording a token's use failed", "err", err)
		}
	}
	return p, nil
}

// ImportTokenFile moves the tokens of a token file, the way stakemap
// kept tokens before they lived in the store, into the store once, and
// renames the file to PATH.migrated so that it is not read again.
// Tokens of workspaces that no longer exist are dropped (they would
// grant nothing but a later workspace of the same id). It returns the
// number of tokens moved and warnings for the operator. A missing file
// is no error.
func (s *Service) ImportTokenFile(ctx context.Context, path string) (int, []string, error) {
	fi, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil, nil
	}
	if err != nil {
		return 0, nil, fmt.Errorf("token file %s: %w", path, err)
	}
	var warnings []string
	if fi.Mode().Perm()&0o077 != 0 {
		warnings = append(warnings, fmt.Sprintf("token file %s has mode %04o: others could read it; it should be 0600", path, fi.Mode().Perm()))
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, warnings, fmt.Errorf("token file %s: %w", path, err)
	}
	var file struct {
		Tokens []struct {
			ID        string    `json:"id"`
			Workspace string    `json:"workspace"`
			Role      string    `json:"role"`
			Created   time.Time `json:"created"`
			Hash      string    `json:"sha256"`
		} `json:"tokens"`
	}
	if err := json.Unmarshal(data, &file); err != nil {
		return 0, warnings, fmt.Errorf("token file %s: %w", path, err)
	}
	n := 0
	for _, t := range file.Tokens {
		d := tokenData{Hash: t.Hash, Name: "token-" + t.ID, Workspace: t.Workspace, Role: t.Role, Created: t.Created}
		r := graph.Record{Kind: kindToken, ID: t.ID, Data: putJSON(d)}
		if t.Workspace != AllWorkspaces {
			r.Workspace = t.Workspace
		}
		_, err := s.store.CreateRecord(ctx, r)
		switch {
		case err == nil:
			n++
		case errors.Is(err, graph.ErrConflict):
			// Moved by an earlier, interrupted migration.
		case errors.Is(err, graph.ErrNotFound):
			warnings = append(warnings, fmt.Sprintf("token %s of workspace %s dropped: the workspace no longer exists", t.ID, t.Workspace))
		case errors.Is(err, graph.ErrInvalid):
			warnings = append(warnings, fmt.Sprintf("token %s dropped: %v", t.ID, err))
		default:
			return n, warnings, fmt.Errorf("token file %s: %w", path, err)
		}
	}
	if err := os.Rename(path, path+".migrated"); err != nil {
		return n, warnings, fmt.Errorf("token file %s: moved %d tokens but could not rename the file: %w", path, n, err)
	}
	return n, warnings, nil
}
