package history

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"

	"github.com/stakemap/stakemap/graph"
)

// The person's rights (GDPR/AVG art. 15 and 17), in one place for the API,
// the command line and the pages.

// PersonalData is the art. 15 answer: everything held about one person.
type PersonalData struct {
	Workspace   string             `json:"workspace"`
	Stakeholder graph.Stakeholder  `json:"stakeholder"`
	Stakes      []graph.Stake      `json:"stakes"`
	Influences  []graph.Influence  `json:"influences"`
	ReportsTo   []graph.ReportsTo  `json:"reportsTo"`
	Enablers    []graph.Enabler    `json:"enablers"`
	Engagements []graph.Engagement `json:"engagements"`
	Snapshots   []graph.Snapshot   `json:"snapshots"`
	History     []graph.Event      `json:"history"`
}

// PersonalDataOf collects everything a store holds about one stakeholder:
// the record, every relationship and engagement naming them, and every
// event whose id, key or values name them. ErrNotFound when they are not
// in the current data.
func PersonalDataOf(ctx context.Context, st graph.Store, h graph.History, ws, id string) (*PersonalData, error) {
	s, _, err := graph.Get[graph.Stakeholder](ctx, st, ws, id)
	if err != nil {
		return nil, err
	}
	b, err := st.ExportBundle(ctx, ws)
	if err != nil {
		return nil, err
	}
	pd := &PersonalData{Workspace: ws, Stakeholder: s, Stakes: []graph.Stake{}, Influences: []graph.Influence{},
		ReportsTo: []graph.ReportsTo{}, Enablers: []graph.Enabler{}, Engagements: []graph.Engagement{}, Snapshots: []graph.Snapshot{}, History: []graph.Event{}}
	for _, x := range b.Stakes {
		if x.Stakeholder == id {
			pd.Stakes = append(pd.Stakes, x)
		}
	}
	for _, x := range b.Influences {
		if x.From == id || x.To == id {
			pd.Influences = append(pd.Influences, x)
		}
	}
	for _, x := range b.ReportsTo {
		if x.From == id || x.To == id {
			pd.ReportsTo = append(pd.ReportsTo, x)
		}
	}
	for _, x := range b.Enablers {
		if x.Owner == id {
			pd.Enablers = append(pd.Enablers, x)
		}
	}
	for _, x := range b.Engagements {
		for _, w := range x.With {
			if w == id {
				pd.Engagements = append(pd.Engagements, x)
				break
			}
		}
	}
	events, err := h.Events(ctx, ws, graph.EventQuery{})
	if err != nil {
		return nil, err
	}
	needle := []byte(strconv.Quote(id))
	for _, e := range events {
		if graph.EventNames(e, id) || bytes.Contains(e.Before, needle) || bytes.Contains(e.After, needle) {
			pd.History = append(pd.History, e)
		}
	}
	if pd.Snapshots, err = h.Snapshots(ctx, ws); err != nil {
		return nil, err
	}
	return pd, nil
}

// Links is the share-link side of an erasure: the links that name a
// person are revoked before it and rewritten after it.
// access.Service provides it.
type Links interface {
	// RevokeShareLinksNaming revokes the workspace's links whose target
	// or parameters name id, returning how many.
	RevokeShareLinksNaming(ctx context.Context, ws, id string) (int, error)
	// ScrubShareLinks puts alias in the place of id in every (revoked)
	// link of the workspace.
	ScrubShareLinks(ctx context.Context, ws, id, alias string) (int, error)
}

// Erasure is what an erasure did: the alias the person has in history
// now, and how many share links naming them were revoked.
type Erasure struct {
	Alias   string `json:"alias"`
	Revoked int    `json:"revokedShareLinks"`
}

// Erase erases a person (art. 17): the share links naming them are
// revoked first, so that none outlives the erasure (should revoking fail,
// the person is still there to erase again); then the store removes them
// from current data, history and snapshots; then the revoked links are
// rewritten to the alias. links may be nil where no share links are kept.
// ErrNotFound: no such stakeholder.
func Erase(ctx context.Context, s Store, links Links, ws, id string) (Erasure, error) {
	var out Erasure
	if _, _, err := graph.Get[graph.Stakeholder](ctx, s, ws, id); err != nil {
		return out, fmt.Errorf("erase %q: %w", id, err)
	}
	if links != nil {
		n, err := links.RevokeShareLinksNaming(ctx, ws, id)
		if err != nil {
			return out, fmt.Errorf("erase %q: %w", id, err)
		}
		out.Revoked = n
	}
	alias, err := s.EraseStakeholder(ctx, ws, id)
	if err != nil {
		return out, fmt.Errorf("erase %q: %w", id, err)
	}
	out.Alias = alias
	if links != nil {
		if _, err := links.ScrubShareLinks(ctx, ws, id, alias); err != nil {
			return out, fmt.Errorf("erased as %s, but rewriting the share links that named them failed: %w", alias, err)
		}
	}
	return out, nil
}

// EventsAbout is q's events (q.ID a person or a trajectory) together with
// the contacts with that person or about that trajectory: a contact names
// them only inside its values, so an id filter alone leaves out the
// conversations a reader of "what happened with her" expects first.
// Newest first, paged like q.
func EventsAbout(ctx context.Context, h graph.History, ws string, q graph.EventQuery) ([]graph.Event, error) {
	own, err := h.Events(ctx, ws, q)
	if err != nil || q.Kind != "" && q.Kind != string(graph.KindEngagement) {
		return own, err
	}
	cq := q
	cq.ID, cq.Kind, cq.Limit = "", string(graph.KindEngagement), 0
	contacts, err := h.Events(ctx, ws, cq)
	if err != nil {
		return nil, err
	}
	seen := make(map[int64]bool, len(own))
	for _, e := range own {
		seen[e.Seq] = true
	}
	out := own
	for _, e := range contacts {
		if !seen[e.Seq] && (contactNames(e.Before, q.ID) || contactNames(e.After, q.ID)) {
			out = append(out, e)
		}
	}
	slices.SortFunc(out, func(a, b graph.Event) int { return cmp.Compare(b.Seq, a.Seq) })
	if q.Limit > 0 && len(out) > q.Limit {
		out = out[:q.Limit]
	}
	return out, nil
}

// contactNames reports whether a contact's recorded values name id among
// its people or trajectories.
func contactNames(raw json.RawMessage, id string) bool {
	var c struct {
		With  []string `json:"with"`
		About []string `json:"about"`
	}
	return len(raw) > 0 && json.Unmarshal(raw, &c) == nil && (slices.Contains(c.With, id) || slices.Contains(c.About, id))
}
