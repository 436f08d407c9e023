package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/access"
)

func init() { register(newUserCmd) }

// cliPrincipal is who the command line acts as: whoever may open the
// database file or log in to Neo4j administers the service.
var cliPrincipal = access.Principal{Via: access.ViaLocal}

// openAccess opens the backend and the access service over it; the
// caller closes the backend.
func openAccess(ctx context.Context) (*access.Service, graph.Backend, error) {
	store, err := openBackend(ctx)
	if err != nil {
		return nil, nil, err
	}
	svc, err := access.New(ctx, access.Config{Store: store})
	if err != nil {
		store.Close()
		return nil, nil, err
	}
	return svc, store, nil
}

func newUserCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "user",
		Short: "Manage the accounts people sign in with",
		Long: `User adds, lists and removes the accounts people sign in with, and sets
their passwords. It works on the database directly (stop serve first when
it holds the embedded file; with Neo4j it may run beside it). Passwords
are read from standard input, never from a flag, so that they stay out of
the shell history and the process list.`,
	}
	cmd.AddCommand(newUserAddCmd(), newUserListCmd(), newUserRemoveCmd(), newUserSetPasswordCmd())
	return cmd
}

// readPassword reads the first line of r, the password.
func readPassword(r io.Reader) (string, error) {
	line, err := bufio.NewReader(io.LimitReader(r, 4096)).ReadString('\n')
	if err != nil && err != io.EOF {
		return "", err
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", graph.Invalid([]graph.Problem{{Field: "password", Reason: "is required on standard input, e.g. printf '%s\\n' \"$PASSWORD\" | stakemap user …"}})
	}
	return line, nil
}

func newUserAddCmd() *cobra.Command {
	var (
		a             access.NewAccount
		passwordStdin bool
		members       []string
	)
	cmd := &cobra.Command{
		Use:   "add EMAIL",
		Short: "Add an account",
		Long: `Add makes an account. With --password-stdin the password is the first line
of standard input (at least 8 characters, not one of the most common
passwords); without it the account signs in with single sign-on only, or
gets a password later with set-password. --role gives a role on every
workspace (admin: manages the whole service); --member WS=ROLE a role on
one workspace, and may be repeated.`,
		Example: `  printf '%s\n' "$PASSWORD" | stakemap user add ann@example.org --name "Ann de Vries" --member oostvoorde=editor --password-stdin
  stakemap user add it@example.org --role admin`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			a.Email = args[0]
			if passwordStdin {
				p, err := readPassword(cmd.InOrStdin())
				if err != nil {
					return fmt.Errorf("user add: %w", err)
				}
				a.Password = p
			}
			roles := map[string]string{}
			for _, m := range members {
				ws, role, ok := strings.Cut(m, "=")
				if !ok || !graph.ValidID(ws) {
					return fmt.Errorf("user add: %w", graph.Invalid([]graph.Problem{{Field: "member", Value: m, Reason: "must be WORKSPACE=ROLE, e.g. oostvoorde=editor"}}))
				}
				roles[ws] = role
			}
			svc, store, err := openAccess(ctx)
			if err != nil {
				return err
			}
			defer store.Close()
			// Check the workspaces first: a failed add makes no account.
			for ws := range roles {
				if _, err := store.Workspace(ctx, ws); err != nil {
					return fmt.Errorf("user add %s: member of %s: %w", a.Email, ws, err)
				}
			}
			acct, err := svc.CreateAccount(ctx, cliPrincipal, a)
			if err != nil {
				return fmt.Errorf("user add %s: %w", a.Email, err)
			}
			for ws, role := range roles {
				if _, err := svc.SetMember(ctx, cliPrincipal, ws, acct.ID, role); err != nil {
					return fmt.Errorf("user add %s: member of %s: %w", a.Email, ws, err)
				}
			}
			fmt.Fprintf(cmd.OutOrStdout(), "added %s (%s)\n", acct.Email, acct.ID)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&a.Name, "name", "", "display name (default: the part of the e-mail address before @)")
	f.StringVar(&a.Role, "role", "", "role on every workspace: viewer, editor or admin")
	f.StringVar(&a.Lang, "lang", "", "preferred language: nl or en")
	f.StringArrayVar(&members, "member", nil, "role on one workspace, WORKSPACE=ROLE (repeatable)")
	f.BoolVar(&passwordStdin, "password-stdin", false, "read the password from the first line of standard input")
	return cmd
}

func newUserListCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the accounts with their roles",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			svc, store, err := openAccess(ctx)
			if err != nil {
				return err
			}
			defer store.Close()
			list, err := svc.Accounts(ctx, cliPrincipal)
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(cmd.OutOrStdout(), map[string]any{"users": list})
			}
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "E-MAIL\tNAME\tROLE\tWORKSPACES\tPASSWORD")
			for _, a := range list {
				var ws []string
				for id, role := range a.Workspaces {
					ws = append(ws, id+"="+role)
				}
				slices.Sort(ws)
				pw := "no (single sign-on)"
				if a.Password {
					pw = "yes"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", a.Email, a.Name, orDash(a.Role), orDash(strings.Join(ws, " ")), pw)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON document")
	return cmd
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func newUserRemoveCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "remove EMAIL",
		Short: "Remove an account with its sessions, tokens, memberships and share links",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			svc, store, err := openAccess(ctx)
			if err != nil {
				return err
			}
			defer store.Close()
			if err := svc.RemoveAccount(ctx, cliPrincipal, args[0]); err != nil {
				return fmt.Errorf("user remove %s: %w", args[0], err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "removed %s\n", args[0])
			return nil
		},
	}
}

func newUserSetPasswordCmd() *cobra.Command {
	return &cobra.Command{
		Use:     "set-password EMAIL",
		Short:   "Set an account's password (read from standard input) and end its sessions",
		Example: `  printf '%s\n' "$PASSWORD" | stakemap user set-password ann@example.org`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			password, err := readPassword(cmd.InOrStdin())
			if err != nil {
				return fmt.Errorf("user set-password: %w", err)
			}
			svc, store, err := openAccess(ctx)
			if err != nil {
				return err
			}
			defer store.Close()
			if err := svc.SetPassword(ctx, cliPrincipal, args[0], password); err != nil {
				return fmt.Errorf("user set-password %s: %w", args[0], err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "password of %s set; its sessions have ended\n", args[0])
			return nil
		},
	}
}
