package access

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/stakemap/stakemap/graph"
)

// ScrubShareLinks puts alias in the place of the stakeholder id in every
// share link of a workspace that names it (their params), after an
// erasure (DESIGN §10): the links were revoked before, and now no list of
// links names the erased person either. It says how many it rewrote.
func (s *Service) ScrubShareLinks(ctx context.Context, ws, id, alias string) (int, error) {
	rs, err := s.store.Records(ctx, graph.RecordQuery{Kind: kindShareLink, Workspace: ws})
	if err != nil {
		return 0, fmt.Errorf("scrub share links: %w", err)
	}
	n := 0
	for _, r := range rs {
		for range 5 {
			var d shareData
			if err := json.Unmarshal(r.Data, &d); err != nil || d.Params == nil {
				break
			}
			p, changed := *d.Params, false
			for _, f := range []*string{&p.From, &p.To, &p.Trajectory} {
				if *f == id {
					*f, changed = alias, true
				}
			}
			if !changed {
				break
			}
			d.Params = &p
			r.Data = putJSON(d)
			_, err := s.store.UpdateRecord(ctx, r, r.Version)
			if err == nil {
				n++
				break
			}
			if !errors.Is(err, graph.ErrStale) {
				return n, fmt.Errorf("scrub share link %s: %w", r.ID, err)
			}
			// An access count was written meanwhile: read again.
			if r, err = s.store.Record(ctx, kindShareLink, r.ID); err != nil {
				return n, fmt.Errorf("scrub share link: %w", err)
			}
		}
	}
	return n, nil
}
