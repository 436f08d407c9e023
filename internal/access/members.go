package access

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/stakemap/stakemap/graph"
)

// Member is an account's membership of a workspace.
type Member struct {
	Account string `json:"account"`
	Email   string `json:"email"`
	Name    string `json:"name"`
	Role    string `json:"role"`
}

// Members lists the members of a workspace by e-mail address (admins of
// the workspace). Service admins reach every workspace without being
// members, and are not listed.
func (s *Service) Members(ctx context.Context, by Principal, ws string) ([]Member, error) {
	if !by.Can(ws, RoleAdmin) && by.Via != ViaLocal {
		return nil, fmt.Errorf("members of %s: %w", ws, ErrForbidden)
	}
	rs, err := s.store.Records(ctx, graph.RecordQuery{Kind: kindMembership, Workspace: ws})
	if err != nil {
		return nil, fmt.Errorf("members of %s: %w", ws, err)
	}
	out := make([]Member, 0, len(rs))
	for _, r := range rs {
		var d membershipData
		if json.Unmarshal(r.Data, &d) != nil {
			continue
		}
		a, err := s.account(ctx, r.Owner)
		if errors.Is(err, graph.ErrNotFound) {
			continue // removed while being listed
		}
		if err != nil {
			return nil, fmt.Errorf("members of %s: %w", ws, err)
		}
		out = append(out, Member{Account: a.id, Email: a.data.Email, Name: a.data.Name, Role: d.Role})
	}
	slices.SortFunc(out, func(a, b Member) int { return cmp.Compare(foldEmail(a.Email), foldEmail(b.Email)) })
	return out, nil
}

// SetMember gives an account (by id or e-mail address) a role on a
// workspace, replacing any it had (admins of the workspace).
// ErrNotFound: no such account or workspace.
func (s *Service) SetMember(ctx context.Context, by Principal, ws, account, role string) (Member, error) {
	if !by.Can(ws, RoleAdmin) && by.Via != ViaLocal {
		return Member{}, fmt.Errorf("set member of %s: %w", ws, ErrForbidden)
	}
	if err := graph.Invalid(collect(checkRole("role", role, false))); err != nil {
		return Member{}, fmt.Errorf("set member of %s: %w", ws, err)
	}
	a, err := s.findAccount(ctx, account)
	if err != nil {
		return Member{}, fmt.Errorf("set member of %s: account: %w", ws, err)
	}
	r := graph.Record{Kind: kindMembership, ID: membershipID(ws, a.id), Workspace: ws, Owner: a.id, Data: putJSON(membershipData{Role: role})}
	_, err = s.store.CreateRecord(ctx, r)
	if errors.Is(err, graph.ErrConflict) {
		_, err = s.store.UpdateRecord(ctx, r, 0)
	}
	if err != nil {
		return Member{}, fmt.Errorf("set member of %s: %w", ws, err)
	}
	s.log.InfoContext(ctx, "membership set", "account", a.id, "role", role)
	return Member{Account: a.id, Email: a.data.Email, Name: a.data.Name, Role: role}, nil
}

// RemoveMember ends an account's membership of a workspace (admins of
// the workspace). ErrNotFound: it was no member.
func (s *Service) RemoveMember(ctx context.Context, by Principal, ws, account string) error {
	if !by.Can(ws, RoleAdmin) && by.Via != ViaLocal {
		return fmt.Errorf("remove member of %s: %w", ws, ErrForbidden)
	}
	a, err := s.findAccount(ctx, account)
	if err != nil {
		return fmt.Errorf("remove member of %s: %w", ws, err)
	}
	if err := s.store.DeleteRecord(ctx, kindMembership, membershipID(ws, a.id)); err != nil {
		return fmt.Errorf("remove member of %s: %w", ws, err)
	}
	return nil
}
