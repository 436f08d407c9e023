package access_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/access"
	"github.com/stakemap/stakemap/internal/demo"
)

func secretOf(l access.NewShareLink) string { return strings.TrimPrefix(l.URL, access.ShareBase) }

func TestShareLinkRequests(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	b, _ := f.store.ExportBundle(ctx, demo.ID)
	traj, sh := b.Trajectories[0].ID, b.Stakeholders[0].ID
	no := false
	for _, tc := range []struct {
		req    access.ShareLinkRequest
		fields []string // nil: accepted
	}{
		{access.ShareLinkRequest{Target: "workspace"}, nil},
		{access.ShareLinkRequest{Target: "trajectory:" + traj, Anonymize: &no, ExpiresAt: "2027-12-01"}, nil},
		{access.ShareLinkRequest{Target: "map:grid", Params: &access.ShareParams{Trajectory: traj, Lang: "en"}}, nil},
		{access.ShareLinkRequest{Target: "map:path", Params: &access.ShareParams{From: sh, To: b.Stakeholders[1].ID, Mode: "shortest", K: 3}}, nil},
		{access.ShareLinkRequest{Target: "workspace", ExpiresAt: "2027-12-02"}, []string{"expiresAt"}}, // 366 days
		{access.ShareLinkRequest{Target: "workspace", ExpiresAt: "2026-11-30"}, []string{"expiresAt"}},
		{access.ShareLinkRequest{Target: "workspace", ExpiresAt: "1-12-2026"}, []string{"expiresAt"}},
		{access.ShareLinkRequest{Target: "everything"}, []string{"target"}},
		{access.ShareLinkRequest{Target: "trajectory:nope"}, []string{"target"}},
		{access.ShareLinkRequest{Target: "map:pie"}, []string{"target"}},
		{access.ShareLinkRequest{Target: "map:path"}, []string{"params.from", "params.to"}},
		{access.ShareLinkRequest{Target: "workspace", Params: &access.ShareParams{Lang: "en"}}, []string{"params"}},
		{access.ShareLinkRequest{Target: "map:path", Params: &access.ShareParams{From: sh, To: "nobody", K: 21, Mode: "fastest", Lang: "de"}},
			[]string{"params.to", "params.mode", "params.k", "params.lang"}},
	} {
		l, err := f.svc.CreateShareLink(ctx, f.admin, demo.ID, tc.req)
		if tc.fields == nil {
			if err != nil {
				t.Errorf("CreateShareLink(%+v): %v", tc.req, err)
			}
			continue
		}
		ve, ok := errors.AsType[*graph.ValidationError](err)
		if !ok {
			t.Errorf("CreateShareLink(%+v) = %+v, %v; want ErrInvalid", tc.req, l, err)
			continue
		}
		var got []string
		for _, p := range ve.Problems {
			got = append(got, p.Field)
		}
		if !slices.Equal(got, tc.fields) {
			t.Errorf("CreateShareLink(%+v): fields %v, want %v (%v)", tc.req, got, tc.fields, err)
		}
	}
	l, err := f.svc.CreateShareLink(ctx, f.admin, demo.ID, access.ShareLinkRequest{Target: "workspace"})
	if err != nil || l.ExpiresAt != "2026-12-31" || !l.Anonymize || !strings.HasPrefix(l.URL, "/s/") || len(secretOf(l)) < 22 {
		t.Errorf("defaults: %+v %v; want 30 days, anonymised, a 128-bit secret or more", l, err)
	}
	viewer := access.Principal{Via: access.ViaSession, AccountID: "v", Workspaces: map[string]string{demo.ID: access.RoleViewer}}
	if _, err := f.svc.CreateShareLink(ctx, viewer, demo.ID, access.ShareLinkRequest{Target: "workspace"}); !errors.Is(err, access.ErrForbidden) {
		t.Errorf("a viewer made a link: %v", err)
	}
}

// TestShareLinkLife: a link resolves while it lives, counts its uses
// with one write a minute however busy, and answers ErrGone once
// expired or revoked, ErrBadCredentials when it never existed or its
// workspace was deleted.
func TestShareLinkLife(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	l, err := f.svc.CreateShareLink(ctx, f.admin, demo.ID, access.ShareLinkRequest{Target: "map:grid", ExpiresAt: "2026-12-02"})
	if err != nil {
		t.Fatal(err)
	}
	secret := secretOf(l)
	// The store holds a hash, not the secret.
	rs, _ := f.store.Records(ctx, graph.RecordQuery{Kind: "share-link"})
	for _, r := range rs {
		if strings.Contains(string(r.Data), secret) || strings.Contains(r.ID, secret) {
			t.Error("the store holds a share link's secret")
		}
	}
	before := f.store.updates.Load()
	for i := range 200 {
		got, err := f.svc.ShareLink(ctx, secret)
		if err != nil || got.Workspace != demo.ID || got.Target != "map:grid" || !got.Anonymize {
			t.Fatalf("view %d: %+v %v", i, got, err)
		}
		f.clock.Add(time.Second)
	}
	writes := f.store.updates.Load() - before
	if writes < 3 || writes > 5 {
		t.Errorf("200 views over 200 s wrote the count %d times, want one a minute (4)", writes)
	}
	f.svc.FlushCounts(ctx)
	links, _ := f.svc.ShareLinks(ctx, f.admin, demo.ID)
	if len(links) != 1 || links[0].AccessCount != 200 || links[0].LastAccess == nil {
		t.Fatalf("listed %+v, want 200 accesses", links)
	}

	for _, bad := range []string{"", "x", secret + "x", strings.Repeat("A", 43), secret[:42] + "B"} {
		if _, err := f.svc.ShareLink(ctx, bad); !errors.Is(err, access.ErrBadCredentials) {
			t.Errorf("ShareLink(%q): %v, want ErrBadCredentials", bad, err)
		}
	}
	f.clock.now = time.Date(2026, 12, 2, 23, 59, 0, 0, time.UTC)
	if _, err := f.svc.ShareLink(ctx, secret); err != nil {
		t.Errorf("on its last day: %v", err)
	}
	f.clock.Add(time.Minute)
	if _, err := f.svc.ShareLink(ctx, secret); !errors.Is(err, access.ErrGone) {
		t.Errorf("expired: %v, want ErrGone", err)
	}

	l2, _ := f.svc.CreateShareLink(ctx, f.admin, demo.ID, access.ShareLinkRequest{Target: "workspace"})
	if _, err := f.svc.ShareLink(ctx, secretOf(l2)); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.RevokeShareLink(ctx, f.admin, "other", l2.ID); !errors.Is(err, graph.ErrNotFound) {
		t.Errorf("revoking through another workspace: %v", err)
	}
	if err := f.svc.RevokeShareLink(ctx, f.admin, demo.ID, l2.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.ShareLink(ctx, secretOf(l2)); !errors.Is(err, access.ErrGone) {
		t.Errorf("revoked: %v, want ErrGone", err)
	}
	links, _ = f.svc.ShareLinks(ctx, f.admin, demo.ID)
	if len(links) != 2 || !links[0].Revoked {
		t.Errorf("after revoking: %+v", links)
	}

	l3, _ := f.svc.CreateShareLink(ctx, f.admin, demo.ID, access.ShareLinkRequest{Target: "workspace"})
	if err := f.store.DeleteWorkspace(ctx, demo.ID, graph.Precondition{}); err != nil {
		t.Fatal(err)
	}
	if err := f.store.CreateWorkspace(ctx, graph.Workspace{ID: demo.ID, Name: "Someone else"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.ShareLink(ctx, secretOf(l3)); !errors.Is(err, access.ErrBadCredentials) {
		t.Errorf("link of a deleted workspace: %v, want ErrBadCredentials (404)", err)
	}
}

// TestShareView: a link shows no notes or summaries; a trajectory link
// only that trajectory's people; an anonymised one neither names nor
// name-like ids.
func TestShareView(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	b, _ := f.store.ExportBundle(ctx, demo.ID)
	var notes []string
	for _, s := range b.Stakeholders {
		if s.Notes != "" {
			notes = append(notes, s.Notes)
		}
	}
	for _, e := range b.Engagements {
		if e.Summary != "" {
			notes = append(notes, e.Summary)
		}
	}
	if len(notes) == 0 {
		t.Fatal("the demo has no notes or summaries to hide")
	}
	traj := b.Stakes[0].Trajectory
	path := &access.ShareParams{From: b.Influences[0].From, To: b.Influences[0].To}
	no := false
	for _, tc := range []struct {
		name string
		req  access.ShareLinkRequest
	}{
		{"workspace", access.ShareLinkRequest{Target: "workspace", Anonymize: &no}},
		{"trajectory", access.ShareLinkRequest{Target: "trajectory:" + traj, Anonymize: &no}},
		{"anonymised", access.ShareLinkRequest{Target: "trajectory:" + traj}},
		{"path", access.ShareLinkRequest{Target: "map:path", Params: path}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			nl, err := f.svc.CreateShareLink(ctx, f.admin, demo.ID, tc.req)
			if err != nil {
				t.Fatal(err)
			}
			l, err := f.svc.ShareLink(ctx, secretOf(nl))
			if err != nil {
				t.Fatal(err)
			}
			v, err := l.View(b)
			if err != nil {
				t.Fatal(err)
			}
			doc, _ := json.Marshal(v.Bundle)
			for _, n := range notes {
				if strings.Contains(string(doc), n) {
					t.Errorf("the view shows a note or summary: %.40q", n)
				}
			}
			if err := v.Bundle.Validate(); err != nil {
				t.Errorf("the view is not a valid workspace: %v", err)
			}
			if tc.req.Target != "workspace" && tc.req.Target != "map:path" {
				for _, s := range v.Bundle.Stakes {
					if s.Trajectory != traj {
						t.Errorf("stake on another trajectory: %+v", s)
					}
				}
				if len(v.Bundle.Trajectories) == 0 || len(v.Bundle.Stakeholders) >= len(b.Stakeholders) {
					t.Errorf("trajectory view has %d trajectories, %d of %d stakeholders", len(v.Bundle.Trajectories), len(v.Bundle.Stakeholders), len(b.Stakeholders))
				}
			}
			if l.Anonymize {
				for _, s := range b.Stakeholders {
					if s.Kind == "group" || s.Kind == "unit" {
						continue
					}
					if strings.Contains(string(doc), `"`+s.Name+`"`) || strings.Contains(string(doc), `"`+s.ID+`"`) {
						t.Errorf("anonymised view names %s (%s)", s.Name, s.ID)
					}
				}
			}
			if v.Map != nil {
				if v.Map.Kind != "path" || !v.Map.Anonymize || v.Map.From == path.From || !strings.HasPrefix(v.Map.From, "p-") {
					t.Errorf("map %+v: want the path between renamed ends, anonymised", v.Map)
				}
			}
		})
	}
	// A trajectory deleted since the link was made: the view is gone.
	l := access.ShareLink{Workspace: demo.ID, Target: "trajectory:gone"}
	if _, err := l.View(b); !errors.Is(err, graph.ErrNotFound) {
		t.Errorf("view of a deleted trajectory: %v", err)
	}
}

func TestImportTokenFile(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "stakemap.db.tokens")
	// A token smk_Ab12Cd34.s3cret as the old token file kept it: the
	// SHA-256 of its secret part.
	h := sha256.Sum256([]byte("s3cret"))
	file := `{"tokens":[
	  {"id":"Ab12Cd34","workspace":"oostvoorde","role":"editor","created":"2026-01-01T00:00:00Z","sha256":"` + hex.EncodeToString(h[:]) + `"},
	  {"id":"Gone0001","workspace":"deleted-ws","role":"admin","created":"2026-01-01T00:00:00Z","sha256":"00"},
	  {"id":"Glob0001","workspace":"*","role":"viewer","created":"2026-01-01T00:00:00Z","sha256":"00"}]}`
	if err := os.WriteFile(path, []byte(file), 0o644); err != nil {
		t.Fatal(err)
	}
	n, warnings, err := f.svc.ImportTokenFile(ctx, path)
	if err != nil || n != 2 {
		t.Fatalf("ImportTokenFile = %d, %v, %v; want 2", n, warnings, err)
	}
	if len(warnings) != 2 || !strings.Contains(warnings[0], "0644") || !strings.Contains(warnings[1], "deleted-ws") {
		t.Errorf("warnings %q: want the file mode and the dropped token", warnings)
	}
	if _, err := os.Stat(path + ".migrated"); err != nil {
		t.Errorf("the token file was not renamed: %v", err)
	}
	if n, _, err := f.svc.ImportTokenFile(ctx, path); n != 0 || err != nil {
		t.Errorf("second start: %d %v", n, err)
	}
	if p, err := f.auth(nil, "smk_Ab12Cd34.s3cret"); err != nil || p.Role(demo.ID) != access.RoleEditor {
		t.Errorf("migrated token: %+v %v", p, err)
	}
	ts, _ := f.svc.Tokens(ctx, f.admin)
	if len(ts) != 2 || ts[0].ID != "Ab12Cd34" || ts[0].Workspace != demo.ID || ts[0].Name != "token-Ab12Cd34" {
		t.Errorf("migrated tokens %+v", ts)
	}
}
