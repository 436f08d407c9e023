package access_test

import (
	"errors"
	"regexp"
	"testing"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/access"
	"github.com/stakemap/stakemap/internal/demo"
)

// TestAddMember: a workspace's admin gives a person without an account a
// role by e-mail; the account is made with that one role and an initial
// password that signs in, and the admin reaches nothing beyond their own
// workspace.
func TestAddMember(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	f.account("wsadmin@example.org", "kx7-Wq2!pass")
	f.member(demo.ID, "wsadmin@example.org", access.RoleAdmin)
	_, wsAdmin := f.signIn("wsadmin@example.org", "kx7-Wq2!pass")

	m, password, err := f.svc.AddMember(ctx, wsAdmin, demo.ID, access.NewMember{Email: " hr.directeur@example.org ", Name: "Petra de Wit", Role: access.RoleViewer})
	if err != nil {
		t.Fatalf("AddMember: %v", err)
	}
	if m.Email != "hr.directeur@example.org" || m.Name != "Petra de Wit" || m.Role != access.RoleViewer {
		t.Errorf("member %+v", m)
	}
	if !regexp.MustCompile(`^([a-z2-9]{4}-){3}[a-z2-9]{4}$`).MatchString(password) {
		t.Errorf("initial password %q", password)
	}
	_, p := f.signIn("hr.directeur@example.org", password)
	if p.Global != "" || p.Role(demo.ID) != access.RoleViewer || p.Role("other") != "" || len(p.Workspaces) != 1 {
		t.Errorf("the new account's roles: global %q, workspaces %v", p.Global, p.Workspaces)
	}
	// The admin has seen it: the person must choose their own, a
	// different one, and the initial one then stops working.
	if !p.MustChangePassword {
		t.Error("an initial password does not ask for the person's own")
	}
	if err := f.svc.ChangePassword(ctx, p, password, password); !errors.Is(err, graph.ErrInvalid) {
		t.Errorf("keeping the initial password: %v", err)
	}
	if err := f.svc.ChangePassword(ctx, p, password, "mijn eigen wachtwoord"); err != nil {
		t.Fatal(err)
	}
	if _, p = f.signIn("hr.directeur@example.org", "mijn eigen wachtwoord"); p.MustChangePassword {
		t.Error("one's own password still asks for another")
	}
	if _, _, err := f.svc.SignIn(ctx, "hr.directeur@example.org", password, "192.0.2.1"); !errors.Is(err, access.ErrBadCredentials) {
		t.Errorf("initial password after the change: %v", err)
	}

	// An existing account gets the role, keeps its password and name, and
	// no password is made.
	m, password, err = f.svc.AddMember(ctx, wsAdmin, demo.ID, access.NewMember{Email: "HR.Directeur@example.org", Name: "Someone Else", Role: access.RoleEditor})
	if err != nil || password != "" || m.Role != access.RoleEditor || m.Name != "Petra de Wit" {
		t.Errorf("existing account: %+v %q %v", m, password, err)
	}
	f.signIn("hr.directeur@example.org", "mijn eigen wachtwoord")

	for _, c := range []struct {
		name string
		by   access.Principal
		ws   string
		m    access.NewMember
		want error
	}{
		{"another workspace", wsAdmin, "other", access.NewMember{Email: "x@example.org", Role: access.RoleViewer}, access.ErrForbidden},
		{"a viewer", p, demo.ID, access.NewMember{Email: "y@example.org", Role: access.RoleViewer}, access.ErrForbidden},
		{"bad address and role", wsAdmin, demo.ID, access.NewMember{Email: "geen adres", Role: "baas"}, graph.ErrInvalid},
		{"no such workspace", f.admin, "nergens", access.NewMember{Email: "z@example.org", Role: access.RoleViewer}, graph.ErrNotFound},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, _, err := f.svc.AddMember(ctx, c.by, c.ws, c.m); !errors.Is(err, c.want) {
				t.Errorf("err %v, want %v", err, c.want)
			}
			if _, err := f.svc.Account(ctx, f.local, c.m.Email); !errors.Is(err, graph.ErrNotFound) {
				t.Errorf("an account was made for %s: %v", c.m.Email, err)
			}
		})
	}
	// Service-wide roles and other accounts stay with service admins.
	if _, err := f.svc.CreateAccount(ctx, wsAdmin, access.NewAccount{Email: "boss@example.org", Role: access.RoleAdmin}); !errors.Is(err, access.ErrForbidden) {
		t.Errorf("a workspace admin made a service admin: %v", err)
	}
	if err := f.svc.SetPassword(ctx, wsAdmin, "hr.directeur@example.org", access.NewInitialPassword()); !errors.Is(err, access.ErrForbidden) {
		t.Errorf("a workspace admin reset a password: %v", err)
	}
}

// TestFirstPasswords: a password the service makes for an admin to hand
// over asks for the person's own; one the admin chose at the command line
// (SetPassword) does not. Only service admins make or reset them.
func TestFirstPasswords(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	f.account("ann@example.org", "kx7-Wq2!pass")
	_, ann := f.signIn("ann@example.org", "kx7-Wq2!pass")

	a, first, err := f.svc.CreateAccountWithFirstPassword(ctx, f.admin, access.NewAccount{Email: "nina@example.org", Name: "Nina"})
	if err != nil || a.Email != "nina@example.org" || first == "" {
		t.Fatalf("CreateAccountWithFirstPassword: %+v %q %v", a, first, err)
	}
	if _, p := f.signIn("nina@example.org", first); !p.MustChangePassword {
		t.Error("a made account's first password does not ask for her own")
	}
	before, _ := f.signIn("ann@example.org", "kx7-Wq2!pass")
	reset, err := f.svc.ResetPassword(ctx, f.admin, "ann@example.org")
	if err != nil || reset == "" {
		t.Fatalf("ResetPassword: %q %v", reset, err)
	}
	if _, err := f.auth(before, ""); !errors.Is(err, access.ErrBadCredentials) {
		t.Errorf("a session from before the reset: %v", err)
	}
	if _, p := f.signIn("ann@example.org", reset); !p.MustChangePassword {
		t.Error("a reset password does not ask for her own")
	}
	if err := f.svc.SetPassword(ctx, f.local, "ann@example.org", "chosen at the terminal"); err != nil {
		t.Fatal(err)
	}
	if _, p := f.signIn("ann@example.org", "chosen at the terminal"); p.MustChangePassword {
		t.Error("a password set at the command line asks for another")
	}

	if _, _, err := f.svc.CreateAccountWithFirstPassword(ctx, ann, access.NewAccount{Email: "x@example.org"}); !errors.Is(err, access.ErrForbidden) {
		t.Errorf("a non-admin makes an account: %v", err)
	}
	if _, err := f.svc.ResetPassword(ctx, ann, "nina@example.org"); !errors.Is(err, access.ErrForbidden) {
		t.Errorf("a non-admin resets a password: %v", err)
	}
}
