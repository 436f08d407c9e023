package bundle

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"slices"

	"github.com/stakemap/stakemap/graph"
)

// Encode writes b as a canonical stakemap/v1 document: defaults filled in,
// arrays in canonical order, two-space indentation, characters such as <
// and & as themselves, and a final newline. Encoding a decoded encoding
// gives the same bytes. b itself is not changed.
func Encode(w io.Writer, b *graph.Bundle) error {
	c := clone(b)
	normalize(c)
	c.ApplyDefaults()
	c.Canonicalize()
	bw := bufio.NewWriterSize(w, 64<<10)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(c); err != nil {
		return fmt.Errorf("encode stakemap/v1 document: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write stakemap/v1 document: %w", err)
	}
	return nil
}

// clone copies b deeply enough that defaults and sorting leave b alone.
func clone(b *graph.Bundle) *graph.Bundle {
	c := *b
	c.Stakeholders = slices.Clone(b.Stakeholders)
	for i := range c.Stakeholders {
		c.Stakeholders[i].Tags = slices.Clone(c.Stakeholders[i].Tags)
	}
	c.Trajectories = slices.Clone(b.Trajectories)
	c.Goals = slices.Clone(b.Goals)
	c.Enablers = slices.Clone(b.Enablers)
	c.Stakes = slices.Clone(b.Stakes)
	c.Influences = slices.Clone(b.Influences)
	c.ReportsTo = slices.Clone(b.ReportsTo)
	c.Supports = slices.Clone(b.Supports)
	c.DependsOn = slices.Clone(b.DependsOn)
	c.Engagements = slices.Clone(b.Engagements)
	for i := range c.Engagements {
		c.Engagements[i].With = slices.Clone(c.Engagements[i].With)
		c.Engagements[i].About = slices.Clone(c.Engagements[i].About)
	}
	return &c
}
