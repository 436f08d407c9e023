package access

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"

	"github.com/stakemap/stakemap/graph"
)

// NewMember asks for a person's access to one workspace, by e-mail
// address: the account is made when the address has none.
type NewMember struct {
	Email string `json:"email"`
	// Name is the display name of an account made now; an existing
	// account keeps its own.
	Name string `json:"name,omitempty"`
	Role string `json:"role"`
	// Lang is the language of an account made now (nl, en), or "".
	Lang string `json:"lang,omitempty"`
}

// AddMember gives a person a role on a workspace by e-mail address (the
// workspace's admins). When the address has no account yet, it makes
// one — with no role anywhere but this membership, so a workspace admin
// never hands out more than their own workspace — and returns its
// initial password, which is stored only as a hash: the admin hands it
// over and the person changes it on their account page. For an existing
// account the password is "". ErrInvalid names each bad field;
// ErrNotFound: no such workspace.
func (s *Service) AddMember(ctx context.Context, by Principal, ws string, m NewMember) (Member, string, error) {
	if !by.Can(ws, RoleAdmin) && by.Via != ViaLocal {
		return Member{}, "", fmt.Errorf("add member to %s: %w", ws, ErrForbidden)
	}
	m.Email = strings.TrimSpace(m.Email)
	if err := graph.Invalid(collect(checkEmail(m.Email), checkRole("role", m.Role, false), checkLang(m.Lang))); err != nil {
		return Member{}, "", fmt.Errorf("add member to %s: %w", ws, err)
	}
	if _, err := s.store.Workspace(ctx, ws); err != nil {
		return Member{}, "", fmt.Errorf("add member to %s: %w", ws, err)
	}
	password := ""
	if _, err := s.accountByEmail(ctx, m.Email); errors.Is(err, graph.ErrNotFound) {
		password = NewInitialPassword()
		_, err = s.createAccount(ctx, NewAccount{Email: m.Email, Name: m.Name, Password: password, Lang: m.Lang, temporary: true}, MinPasswordLength, "")
		switch {
		case errors.Is(err, graph.ErrConflict):
			// Someone made the account meanwhile: it is theirs, with
			// their password.
			password = ""
		case err != nil:
			return Member{}, "", fmt.Errorf("add member to %s: %w", ws, err)
		default:
			s.log.InfoContext(ctx, "account made by a workspace admin", "workspace", ws, "by", string(by.Actor()))
		}
	} else if err != nil {
		return Member{}, "", fmt.Errorf("add member to %s: %w", ws, err)
	}
	member, err := s.SetMember(ctx, by, ws, m.Email, m.Role)
	if err != nil {
		return Member{}, "", err
	}
	return member, password, nil
}

// initialAlphabet leaves out letters and digits people confuse when
// they copy a password from a screen (0/o, 1/l/i).
const initialAlphabet = "abcdefghjkmnpqrstuvwxyz23456789"

// NewInitialPassword returns a random password for an account an admin
// makes or resets, to be handed over once: four groups of four
// characters (some 79 bits), easy to read aloud and to type.
func NewInitialPassword() string {
	var raw [16]byte
	rand.Read(raw[:]) //nolint:errcheck // crypto/rand.Read never fails
	var b strings.Builder
	for i, c := range raw {
		if i > 0 && i%4 == 0 {
			b.WriteByte('-')
		}
		// 256 is not a multiple of 31: the bias is under 1 % per
		// character, which costs less than a bit in all.
		b.WriteByte(initialAlphabet[int(c)%len(initialAlphabet)])
	}
	return b.String()
}
