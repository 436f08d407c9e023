package bundle_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/graph/storetest"
	"github.com/stakemap/stakemap/internal/bundle"
)

// BenchmarkDecode measures Decode on a workspace of 100 000 relationships
// against a baseline measured in the same run: a plain json.Unmarshal of
// the same document into a graph.Bundle followed by Validate, which checks
// nothing about unknown fields and finds only the first type error.
func BenchmarkDecode(b *testing.B) {
	src := storetest.Generate(11, 5000, 400, 100000)
	var buf bytes.Buffer
	if err := bundle.Encode(&buf, src); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	b.Run("baseline-unmarshal-validate", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			var v graph.Bundle
			if err := json.Unmarshal(data, &v); err != nil {
				b.Fatal(err)
			}
			if err := v.Validate(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("decode", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			if _, err := bundle.Decode(bytes.NewReader(data)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encode", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			if err := bundle.Encode(&bytes.Buffer{}, src); err != nil {
				b.Fatal(err)
			}
		}
	})
}
