package access

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"time"

	"github.com/stakemap/stakemap/graph"
)

// Account is a person who signs in, as the pages and the API show it.
type Account struct {
	ID    string `json:"id"`
	Email string `json:"email"`
	Name  string `json:"name"`
	// Role is the role on every workspace ("" for none): an admin here
	// manages the whole service.
	Role string `json:"role,omitempty"`
	// Lang is the preferred language (nl, en), or "".
	Lang string `json:"lang,omitempty"`
	// Password says whether the account has a password; one made for
	// single sign-on may have none.
	Password bool      `json:"password"`
	Created  time.Time `json:"created"`
	// Workspaces holds the role on each workspace the account is a
	// member of.
	Workspaces map[string]string `json:"workspaces"`
}

// NewAccount asks for an account.
type NewAccount struct {
	Email string `json:"email"`
	Name  string `json:"name"`
	// Password may be empty for an account that signs in with single
	// sign-on only.
	Password string `json:"password,omitempty"`
	// Role is the role on every workspace, or "" (memberships give
	// roles per workspace).
	Role string `json:"role,omitempty"`
	Lang string `json:"lang,omitempty"`
	// temporary marks a password the service made for an admin to hand
	// over: the person chooses their own before using the pages.
	temporary bool
}

// AccountUpdate changes an account; nil fields stay as they are.
type AccountUpdate struct {
	Name *string `json:"name,omitempty"`
	Lang *string `json:"lang,omitempty"`
	// Role can be changed by a service admin only.
	Role *string `json:"role,omitempty"`
}

// accountData is an account record's Data.
type accountData struct {
	Email          string    `json:"email"`
	Name           string    `json:"name"`
	Role           string    `json:"role,omitempty"`
	Lang           string    `json:"lang,omitempty"`
	PasswordHash   string    `json:"passwordHash,omitempty"`
	Created        time.Time `json:"created"`
	PasswordChange time.Time `json:"passwordChanged,omitzero"`
	// Subject is the OpenID Connect subject the account signed in as,
	// once it has: later sign-ins must come from the same one.
	Subject string `json:"oidcSubject,omitempty"`
	// Temporary: the password was made by the service and handed over
	// by an admin, who has seen it; it serves only to choose one's own.
	Temporary bool `json:"temporaryPassword,omitempty"`
}

type emailData struct {
	Account string `json:"account"`
}

type membershipData struct {
	Role string `json:"role"`
}

// accountRecord is an account as read, with the version to update it by.
type accountRecord struct {
	id      string
	data    accountData
	version int64
}

func (a accountRecord) public(memberships map[string]string) Account {
	if memberships == nil {
		memberships = map[string]string{}
	}
	return Account{ID: a.id, Email: a.data.Email, Name: a.data.Name, Role: a.data.Role, Lang: a.data.Lang,
		Password: a.data.PasswordHash != "", Created: a.data.Created, Workspaces: memberships}
}

func membershipID(ws, account string) string { return ws + "/" + account }

// checkEmail returns the problem of an e-mail address, if any.
func checkEmail(email string) *graph.Problem {
	a, err := mail.ParseAddress(email)
	if err != nil || a.Address != email || a.Name != "" || len(email) > 254 || !strings.Contains(email[strings.LastIndex(email, "@")+1:], ".") {
		return &graph.Problem{Field: "email", Value: email, Reason: "must be an e-mail address such as name@example.org"}
	}
	return nil
}

func checkRole(field, role string, empty bool) *graph.Problem {
	if (role == "" && empty) || RoleRank(role) >= 0 {
		return nil
	}
	return &graph.Problem{Field: field, Value: role, Reason: "must be one of " + strings.Join(Roles, ", ")}
}

func checkLang(lang string) *graph.Problem {
	if lang == "" || lang == graph.LangNL || lang == graph.LangEN {
		return nil
	}
	return &graph.Problem{Field: "lang", Value: lang, Reason: "must be nl or en"}
}

func collect(ps ...*graph.Problem) []graph.Problem {
	var out []graph.Problem
	for _, p := range ps {
		if p != nil {
			out = append(out, *p)
		}
	}
	return out
}

// mayManageAccounts reports whether p administers accounts: a service
// admin, or the command line.
func mayManageAccounts(p Principal) bool { return isAdmin(p) || p.Via == ViaLocal }

// CreateAccount adds an account (service admins only). ErrInvalid names
// every bad field; ErrConflict: the e-mail address has an account.
func (s *Service) CreateAccount(ctx context.Context, by Principal, a NewAccount) (Account, error) {
	if !mayManageAccounts(by) {
		return Account{}, fmt.Errorf("create account: %w", ErrForbidden)
	}
	return s.createAccount(ctx, a, MinPasswordLength, "")
}

// CreateAccountWithFirstPassword makes an account (service admins only)
// with a first password the service chooses (NewInitialPassword) and
// returns it, to be handed over once: the person must replace it with
// their own before using the pages (Principal.MustChangePassword).
func (s *Service) CreateAccountWithFirstPassword(ctx context.Context, by Principal, a NewAccount) (Account, string, error) {
	if !mayManageAccounts(by) {
		return Account{}, "", fmt.Errorf("create account: %w", ErrForbidden)
	}
	a.Password, a.temporary = NewInitialPassword(), true
	acct, err := s.createAccount(ctx, a, MinPasswordLength, "")
	if err != nil {
		return Account{}, "", err
	}
	return acct, a.Password, nil
}

func (s *Service) createAccount(ctx context.Context, a NewAccount, minPassword int, subject string) (Account, error) {
	a.Email = strings.TrimSpace(a.Email)
	a.Name = strings.TrimSpace(a.Name)
	ps := collect(checkEmail(a.Email), checkRole("role", a.Role, true), checkLang(a.Lang))
	if a.Name == "" {
		a.Name = a.Email[:max(0, strings.Index(a.Email, "@"))]
	}
	if reason := graph.TextProblem(a.Name, graph.MaxShortText, false); reason != "" {
		ps = append(ps, graph.Problem{Field: "name", Value: a.Name, Reason: reason})
	}
	if a.Password != "" {
		ps = append(ps, CheckPassword(a.Password, minPassword, a.Email, a.Name)...)
	}
	if err := graph.Invalid(ps); err != nil {
		return Account{}, fmt.Errorf("create account: %w", err)
	}
	d := accountData{Email: a.Email, Name: a.Name, Role: a.Role, Lang: a.Lang, Created: s.now().UTC().Truncate(time.Second), Subject: subject,
		Temporary: a.temporary && a.Password != ""}
	if a.Password != "" {
		h, err := s.hashPassword(ctx, a.Password)
		if err != nil {
			return Account{}, fmt.Errorf("create account: %w", err)
		}
		d.PasswordHash = h
		d.PasswordChange = d.Created
	}
	id := randomText(9)
	if err := s.claimEmail(ctx, a.Email, id); err != nil {
		return Account{}, fmt.Errorf("create account: %w", err)
	}
	if _, err := s.store.CreateRecord(ctx, graph.Record{Kind: kindAccount, ID: id, Data: putJSON(d)}); err != nil {
		_ = s.store.DeleteRecord(ctx, kindEmail, foldEmail(a.Email))
		return Account{}, fmt.Errorf("create account: %w", err)
	}
	s.log.InfoContext(ctx, "account created", "account", id)
	return accountRecord{id: id, data: d}.public(nil), nil
}

// claimEmail makes the e-mail address point at the account id: the
// record's (kind, id) uniqueness keeps e-mails unique across processes.
// An address left pointing at a removed account is taken over.
func (s *Service) claimEmail(ctx context.Context, email, id string) error {
	r := graph.Record{Kind: kindEmail, ID: foldEmail(email), Data: putJSON(emailData{Account: id})}
	_, err := s.store.CreateRecord(ctx, r)
	if !errors.Is(err, graph.ErrConflict) {
		return err
	}
	old, err := s.store.Record(ctx, kindEmail, r.ID)
	if err != nil {
		return err
	}
	var d emailData
	_ = json.Unmarshal(old.Data, &d)
	if _, err := s.store.Record(ctx, kindAccount, d.Account); !errors.Is(err, graph.ErrNotFound) {
		if err == nil {
			return fmt.Errorf("e-mail address %s has an account already: %w", email, graph.ErrConflict)
		}
		return err
	}
	_, err = s.store.UpdateRecord(ctx, r, old.Version)
	return err
}

// account reads an account by id; ErrNotFound when there is none.
func (s *Service) account(ctx context.Context, id string) (accountRecord, error) {
	r, err := s.store.Record(ctx, kindAccount, id)
	if err != nil {
		return accountRecord{}, err
	}
	a := accountRecord{id: r.ID, version: r.Version}
	if err := json.Unmarshal(r.Data, &a.data); err != nil {
		return a, fmt.Errorf("account %s: %w", id, err)
	}
	return a, nil
}

// accountByEmail reads the account of an e-mail address; ErrNotFound
// when there is none.
func (s *Service) accountByEmail(ctx context.Context, email string) (accountRecord, error) {
	r, err := s.store.Record(ctx, kindEmail, foldEmail(email))
	if err != nil {
		return accountRecord{}, err
	}
	var d emailData
	if err := json.Unmarshal(r.Data, &d); err != nil {
		return accountRecord{}, err
	}
	a, err := s.account(ctx, d.Account)
	if err == nil && foldEmail(a.data.Email) != foldEmail(email) {
		return accountRecord{}, fmt.Errorf("account of %q: %w", "e-mail", graph.ErrNotFound)
	}
	return a, err
}

// findAccount reads an account by id, or by e-mail address when ref has
// an @.
func (s *Service) findAccount(ctx context.Context, ref string) (accountRecord, error) {
	if strings.Contains(ref, "@") {
		return s.accountByEmail(ctx, ref)
	}
	if ref == "" {
		return accountRecord{}, graph.ErrNotFound
	}
	return s.account(ctx, ref)
}

// memberships returns an account's role per workspace.
func (s *Service) memberships(ctx context.Context, account string) (map[string]string, error) {
	rs, err := s.store.Records(ctx, graph.RecordQuery{Kind: kindMembership, Owner: account})
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(rs))
	for _, r := range rs {
		var d membershipData
		if json.Unmarshal(r.Data, &d) == nil && RoleRank(d.Role) >= 0 {
			out[r.Workspace] = d.Role
		}
	}
	return out, nil
}

// Accounts lists every account by e-mail address (service admins only).
func (s *Service) Accounts(ctx context.Context, by Principal) ([]Account, error) {
	if !mayManageAccounts(by) {
		return nil, fmt.Errorf("list accounts: %w", ErrForbidden)
	}
	rs, err := s.store.Records(ctx, graph.RecordQuery{Kind: kindAccount})
	if err != nil {
		return nil, fmt.Errorf("list accounts: %w", err)
	}
	ms, err := s.store.Records(ctx, graph.RecordQuery{Kind: kindMembership})
	if err != nil {
		return nil, fmt.Errorf("list accounts: %w", err)
	}
	roles := map[string]map[string]string{}
	for _, m := range ms {
		var d membershipData
		if json.Unmarshal(m.Data, &d) != nil {
			continue
		}
		if roles[m.Owner] == nil {
			roles[m.Owner] = map[string]string{}
		}
		roles[m.Owner][m.Workspace] = d.Role
	}
	out := make([]Account, 0, len(rs))
	for _, r := range rs {
		a := accountRecord{id: r.ID}
		if err := json.Unmarshal(r.Data, &a.data); err != nil {
			return nil, fmt.Errorf("list accounts: %s: %w", r.ID, err)
		}
		out = append(out, a.public(roles[r.ID]))
	}
	slices.SortFunc(out, func(a, b Account) int { return cmp.Compare(foldEmail(a.Email), foldEmail(b.Email)) })
	return out, nil
}

// Account returns one account, found by id or e-mail address: one's own,
// or any for a service admin. ErrNotFound otherwise.
func (s *Service) Account(ctx context.Context, by Principal, ref string) (Account, error) {
	a, err := s.findAccount(ctx, ref)
	if err == nil && a.id != by.AccountID && !mayManageAccounts(by) {
		err = graph.ErrNotFound
	}
	if err != nil {
		return Account{}, fmt.Errorf("account: %w", err)
	}
	ms, err := s.memberships(ctx, a.id)
	if err != nil {
		return Account{}, fmt.Errorf("account: %w", err)
	}
	return a.public(ms), nil
}

// UpdateAccount changes the name or language of one's own account, or
// any field of any account for a service admin. An admin cannot take
// away their own admin role, so the service always keeps one.
func (s *Service) UpdateAccount(ctx context.Context, by Principal, ref string, u AccountUpdate) (Account, error) {
	a, err := s.findAccount(ctx, ref)
	if err == nil && a.id != by.AccountID && !mayManageAccounts(by) {
		err = graph.ErrNotFound
	}
	if err != nil {
		return Account{}, fmt.Errorf("update account: %w", err)
	}
	var ps []graph.Problem
	if u.Name != nil {
		name := strings.TrimSpace(*u.Name)
		if reason := graph.TextProblem(name, graph.MaxShortText, false); reason != "" || name == "" {
			ps = append(ps, graph.Problem{Field: "name", Value: name, Reason: cmp.Or(reason, "is required")})
		}
		a.data.Name = name
	}
	if u.Lang != nil {
		ps = append(ps, collect(checkLang(*u.Lang))...)
		a.data.Lang = *u.Lang
	}
	if u.Role != nil && *u.Role != a.data.Role {
		if !mayManageAccounts(by) {
			return Account{}, fmt.Errorf("update account: %w", ErrForbidden)
		}
		if a.id == by.AccountID && a.data.Role == RoleAdmin {
			ps = append(ps, graph.Problem{Field: "role", Value: *u.Role, Reason: "you cannot take away your own admin role: ask another admin"})
		}
		ps = append(ps, collect(checkRole("role", *u.Role, true))...)
		a.data.Role = *u.Role
	}
	if err := graph.Invalid(ps); err != nil {
		return Account{}, fmt.Errorf("update account: %w", err)
	}
	if _, err := s.store.UpdateRecord(ctx, graph.Record{Kind: kindAccount, ID: a.id, Data: putJSON(a.data)}, a.version); err != nil {
		return Account{}, fmt.Errorf("update account: %w", err)
	}
	return s.Account(ctx, Principal{Via: ViaLocal}, a.id)
}

// RemoveAccount deletes an account with its sessions, tokens,
// memberships and share links (service admins only; not oneself).
func (s *Service) RemoveAccount(ctx context.Context, by Principal, ref string) error {
	if !mayManageAccounts(by) {
		return fmt.Errorf("remove account: %w", ErrForbidden)
	}
	a, err := s.findAccount(ctx, ref)
	if err != nil {
		return fmt.Errorf("remove account: %w", err)
	}
	if a.id == by.AccountID {
		return fmt.Errorf("remove account: %w", graph.Invalid([]graph.Problem{{Field: "account", Value: a.data.Email,
			Reason: "you cannot remove your own account: ask another admin"}}))
	}
	// The account goes first: from then on nothing it owns authenticates,
	// even if deleting the rest fails half-way.
	if err := s.store.DeleteRecord(ctx, kindAccount, a.id); err != nil {
		return fmt.Errorf("remove account: %w", err)
	}
	if err := s.store.DeleteRecord(ctx, kindEmail, foldEmail(a.data.Email)); err != nil && !errors.Is(err, graph.ErrNotFound) {
		return fmt.Errorf("remove account: %w", err)
	}
	if _, err := s.store.DeleteRecords(ctx, graph.RecordQuery{Owner: a.id}); err != nil {
		return fmt.Errorf("remove account: %w", err)
	}
	s.log.InfoContext(ctx, "account removed", "account", a.id)
	return nil
}

// SetPassword gives an account a new password (service admins and the
// command line) and ends its sessions.
func (s *Service) SetPassword(ctx context.Context, by Principal, ref, password string) error {
	if !mayManageAccounts(by) {
		return fmt.Errorf("set password: %w", ErrForbidden)
	}
	a, err := s.findAccount(ctx, ref)
	if err != nil {
		return fmt.Errorf("set password: %w", err)
	}
	min := MinPasswordLength
	if a.data.Role == RoleAdmin {
		min = MinAdminPasswordLength
	}
	return s.setPassword(ctx, a, password, min, "", false)
}

// ResetPassword gives an account a new first password the service
// chooses and returns it (service admins; someone forgot theirs): every
// session of the account ends, and the person must replace it with their
// own before using the pages.
func (s *Service) ResetPassword(ctx context.Context, by Principal, ref string) (string, error) {
	if !mayManageAccounts(by) {
		return "", fmt.Errorf("reset password: %w", ErrForbidden)
	}
	a, err := s.findAccount(ctx, ref)
	if err != nil {
		return "", fmt.Errorf("reset password: %w", err)
	}
	password := NewInitialPassword()
	if err := s.setPassword(ctx, a, password, MinPasswordLength, "", true); err != nil {
		return "", err
	}
	return password, nil
}

// ChangePassword changes the signed-in person's own password after
// checking the current one, and ends every other session of the account
// (the one making the change stays signed in).
func (s *Service) ChangePassword(ctx context.Context, p Principal, current, next string) error {
	if p.AccountID == "" {
		return fmt.Errorf("change password: %w", ErrForbidden)
	}
	a, err := s.account(ctx, p.AccountID)
	if err != nil {
		return fmt.Errorf("change password: %w", err)
	}
	if err := s.throttled(accountKey(a.data.Email)); err != nil {
		return fmt.Errorf("change password: %w", err)
	}
	ok, err := s.verifyPassword(ctx, a.data.PasswordHash, current)
	if err != nil && !errors.Is(err, errBadHash) {
		return fmt.Errorf("change password: %w", err)
	}
	if !ok && a.data.PasswordHash != "" {
		s.failed(accountKey(a.data.Email))
		return fmt.Errorf("change password: %w", graph.Invalid([]graph.Problem{{Field: "current", Reason: "is not your current password"}}))
	}
	if next == current && a.data.PasswordHash != "" {
		return fmt.Errorf("change password: %w", graph.Invalid([]graph.Problem{{Field: "next", Reason: "must differ from your current password"}}))
	}
	return s.setPassword(ctx, a, next, MinPasswordLength, p.SessionID, false)
}

func (s *Service) setPassword(ctx context.Context, a accountRecord, password string, min int, keepSession string, temporary bool) error {
	if err := graph.Invalid(CheckPassword(password, min, a.data.Email, a.data.Name)); err != nil {
		return fmt.Errorf("set password: %w", err)
	}
	h, err := s.hashPassword(ctx, password)
	if err != nil {
		return fmt.Errorf("set password: %w", err)
	}
	a.data.PasswordHash = h
	a.data.PasswordChange = s.now().UTC().Truncate(time.Second)
	a.data.Temporary = temporary
	if _, err := s.store.UpdateRecord(ctx, graph.Record{Kind: kindAccount, ID: a.id, Data: putJSON(a.data)}, a.version); err != nil {
		return fmt.Errorf("set password: %w", err)
	}
	if err := s.endSessions(ctx, a.id, keepSession); err != nil {
		return fmt.Errorf("set password: %w", err)
	}
	s.throttle.reset(accountKey(a.data.Email).key)
	s.log.InfoContext(ctx, "password changed; other sessions ended", "account", a.id)
	return nil
}

// EnsureAdmin makes sure an account with the e-mail address exists as
// a service admin with the password (STAKEMAP_ADMIN_EMAIL and
// STAKEMAP_ADMIN_PASSWORD at start): it creates the account, makes an
// existing one admin, and sets the password when it differs. The
// password needs MinAdminPasswordLength characters.
func (s *Service) EnsureAdmin(ctx context.Context, email, password string) (created bool, err error) {
	if password == "" {
		return false, fmt.Errorf("admin account: %w", graph.Invalid([]graph.Problem{{Field: "STAKEMAP_ADMIN_PASSWORD", Reason: "is required with STAKEMAP_ADMIN_EMAIL"}}))
	}
	if ps := CheckPassword(password, MinAdminPasswordLength, email); len(ps) > 0 {
		ps[0].Field = "STAKEMAP_ADMIN_PASSWORD"
		return false, fmt.Errorf("admin account: %w", graph.Invalid(ps))
	}
	a, err := s.accountByEmail(ctx, email)
	if errors.Is(err, graph.ErrNotFound) {
		_, err = s.createAccount(ctx, NewAccount{Email: email, Password: password, Role: RoleAdmin}, MinAdminPasswordLength, "")
		if p, ok := errors.AsType[*graph.ValidationError](err); ok {
			for i := range p.Problems {
				p.Problems[i].Field = "STAKEMAP_ADMIN_" + strings.ToUpper(p.Problems[i].Field)
			}
		}
		return err == nil, err
	}
	if err != nil {
		return false, fmt.Errorf("admin account: %w", err)
	}
	if a.data.Role != RoleAdmin {
		a.data.Role = RoleAdmin
		v, err := s.store.UpdateRecord(ctx, graph.Record{Kind: kindAccount, ID: a.id, Data: putJSON(a.data)}, a.version)
		if err != nil {
			return false, fmt.Errorf("admin account: %w", err)
		}
		a.version = v
	}
	ok, err := s.verifyPassword(ctx, a.data.PasswordHash, password)
	if err != nil && !errors.Is(err, errBadHash) {
		return false, fmt.Errorf("admin account: %w", err)
	}
	if !ok {
		return false, s.setPassword(ctx, a, password, MinAdminPasswordLength, "", false)
	}
	return false, nil
}

// DemoEmail is the e-mail address of the demo account.
const DemoEmail = "demo@stakemap.example"

// EnsureDemoAccount creates the demo account, a service admin with a
// new random password, when it does not exist yet, and returns the
// password (only then: it is never stored in the clear).
func (s *Service) EnsureDemoAccount(ctx context.Context) (password string, created bool, err error) {
	if _, err := s.accountByEmail(ctx, DemoEmail); err == nil {
		return "", false, nil
	} else if !errors.Is(err, graph.ErrNotFound) {
		return "", false, fmt.Errorf("demo account: %w", err)
	}
	password = randomText(12)
	_, err = s.createAccount(ctx, NewAccount{Email: DemoEmail, Name: "Demo", Password: password, Role: RoleAdmin}, MinAdminPasswordLength, "")
	if err != nil {
		return "", false, fmt.Errorf("demo account: %w", err)
	}
	return password, true, nil
}

// HasAdmin reports whether the service can be administered: an admin
// account or an admin token exists.
func (s *Service) HasAdmin(ctx context.Context) (bool, error) {
	if s.admin != nil {
		return true, nil
	}
	rs, err := s.store.Records(ctx, graph.RecordQuery{Kind: kindAccount})
	if err != nil {
		return false, err
	}
	for _, r := range rs {
		var d accountData
		if json.Unmarshal(r.Data, &d) == nil && d.Role == RoleAdmin {
			return true, nil
		}
	}
	ts, err := s.store.Records(ctx, graph.RecordQuery{Kind: kindToken})
	if err != nil {
		return false, err
	}
	for _, r := range ts {
		var d tokenData
		if json.Unmarshal(r.Data, &d) == nil && d.Role == RoleAdmin && d.Workspace == AllWorkspaces && d.Account == "" {
			return true, nil
		}
	}
	return false, nil
}
