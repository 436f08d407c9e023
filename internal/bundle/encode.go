package bundle

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"

	"github.com/stakemap/stakemap/graph"
)

// Encode writes b as a canonical stakemap/v1 document: defaults filled in,
// arrays in canonical order, two-space indentation, characters such as <
// and & as themselves, and a final newline. Encoding a decoded encoding
// gives the same bytes. b itself is not changed.
func Encode(w io.Writer, b *graph.Bundle) error {
	c := b.Clone()
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
