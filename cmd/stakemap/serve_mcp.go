package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/access"
	"github.com/stakemap/stakemap/internal/assistant"
)

// mcpPath is where serve offers the assistant's MCP endpoint.
const mcpPath = "/mcp"

// mcpHandler serves the assistant over streamable HTTP behind the same
// sign-in and roles as the API: every request needs a valid bearer token
// (or session), and a session of someone who may write nowhere is offered
// the read tools only. Tools look their caller up again on every call, so
// a token revoked mid-session stops working at once.
func mcpHandler(acc *access.Service, noAuth bool, backend graph.Backend, maps assistant.MapRenderer, log *slog.Logger) http.Handler {
	local := access.Principal{Via: access.ViaLocal, Global: access.RoleAdmin}
	authenticate := func(r *http.Request) (access.Principal, error) {
		if noAuth {
			return local, nil
		}
		return acc.Authenticate(r)
	}
	principal := func(ctx context.Context, header http.Header) (access.Principal, error) {
		r, err := http.NewRequestWithContext(ctx, http.MethodPost, mcpPath, nil)
		if err != nil {
			return access.Principal{}, err
		}
		r.Header = header
		return authenticate(r)
	}
	servers := map[bool]*mcp.Server{}
	for _, readOnly := range []bool{false, true} {
		s, err := assistant.New(assistant.Config{Backend: backend, Principal: principal, Maps: maps, ReadOnly: readOnly, Version: version()})
		if err != nil {
			panic(err) // only for a missing backend, which serve always has
		}
		servers[readOnly] = s
	}
	h := mcp.NewStreamableHTTPHandler(func(r *http.Request) *mcp.Server {
		p, err := authenticate(r)
		if err != nil {
			return nil
		}
		return servers[!writesAnywhere(p)]
	}, &mcp.StreamableHTTPOptions{Logger: log, MaxRequestBodyBytes: 1 << 20})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := authenticate(r); err != nil {
			if te, ok := errors.AsType[*access.ThrottledError](err); ok {
				w.Header().Set("Retry-After", strconv.Itoa(int(te.RetryAfter.Seconds()+0.5)))
				http.Error(w, err.Error(), http.StatusTooManyRequests)
				return
			}
			w.Header().Set("WWW-Authenticate", `Bearer realm="stakemap"`)
			http.Error(w, fmt.Sprintf("%s: send Authorization: Bearer <token>", access.Message(err, "en")), http.StatusUnauthorized)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// writesAnywhere reports whether p is an editor or admin of any workspace.
func writesAnywhere(p access.Principal) bool {
	if access.RoleRank(p.Global) >= access.RoleRank(access.RoleEditor) {
		return true
	}
	for _, r := range p.Workspaces {
		if access.RoleRank(r) >= access.RoleRank(access.RoleEditor) {
			return true
		}
	}
	return false
}
