// Package demo holds the demo workspace: Gemeente Oostvoorde, a fictitious
// Dutch municipality with about forty stakeholders, eight learning
// trajectories and the gaps a stakeholder analysis should find. Every name
// in it is made up.
package demo

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"time"

	"github.com/stakemap/stakemap/graph"
)

//go:embed oostvoorde.json
var source []byte

// Reference is the day the demo's dates were written for. BundleAt moves
// every date by the days between Reference and the day it is given, so that
// "recent engagements" and "overdue reviews" stay recent and overdue
// whenever the demo is loaded.
var Reference = time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)

// ID is the demo workspace's id.
const ID = "oostvoorde"

// Bundle returns the demo workspace with its dates moved to today (UTC).
func Bundle() (*graph.Bundle, error) { return BundleAt(time.Now().UTC()) }

// BundleAt returns the demo workspace with its dates moved so that
// Reference falls on today.
func BundleAt(today time.Time) (*graph.Bundle, error) {
	var b graph.Bundle
	dec := json.NewDecoder(bytes.NewReader(source))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil {
		return nil, fmt.Errorf("demo: decode: %w", err)
	}
	days := int(today.Truncate(24*time.Hour).Sub(Reference).Hours() / 24)
	for i := range b.Trajectories {
		t := &b.Trajectories[i]
		t.Start, t.End, t.ReviewBy = shift(t.Start, days), shift(t.End, days), shift(t.ReviewBy, days)
	}
	for i := range b.Engagements {
		b.Engagements[i].Date = shift(b.Engagements[i].Date, days)
	}
	b.ApplyDefaults()
	if err := b.Validate(); err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	b.Canonicalize()
	return &b, nil
}

func shift(date string, days int) string {
	if date == "" || days == 0 {
		return date
	}
	t, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return date // Validate reports it
	}
	return t.AddDate(0, 0, days).Format(time.DateOnly)
}
