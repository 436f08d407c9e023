package access

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/stakemap/stakemap/graph"
)

// ActorNames says who made the changes a workspace's history lists, for
// anyone who may read that history: for each account id, the account's
// display name, or else its e-mail address cut after the @ ("anouk@…"),
// so that the history page shows people without handing every reader
// the addresses of the workspace's members. Accounts removed since are
// left out.
func (s *Service) ActorNames(ctx context.Context, ids []string) (map[string]string, error) {
	out := make(map[string]string, len(ids))
	for _, id := range ids {
		if _, done := out[id]; done {
			continue
		}
		a, err := s.account(ctx, id)
		if errors.Is(err, graph.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("actor names: %w", err)
		}
		out[id] = ShortName(a.data.Name, a.data.Email)
	}
	return out, nil
}

// ShortName is how the history names an account: its display name, or
// else the part of its e-mail address before the @ followed by "@…".
func ShortName(name, email string) string {
	if name = strings.TrimSpace(name); name != "" {
		return name
	}
	local, _, ok := strings.Cut(email, "@")
	if !ok {
		return email
	}
	return local + "@…"
}
