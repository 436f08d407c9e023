package lru_test

import (
	"testing"

	"github.com/stakemap/stakemap/internal/lru"
)

func size(s string) int64 { return int64(len(s)) }

func TestEvictsLeastRecentlyUsed(t *testing.T) {
	c := lru.New(2, 100, size)
	c.Put("a", "1")
	c.Put("b", "2")
	c.Get("a") // b is now the least recently used
	c.Put("c", "3")
	if _, ok := c.Get("b"); ok {
		t.Errorf("b survived; the least recently used entry must go")
	}
	for _, k := range []string{"a", "c"} {
		if _, ok := c.Get(k); !ok {
			t.Errorf("%s was dropped", k)
		}
	}
}

func TestBytesBound(t *testing.T) {
	tests := []struct {
		name    string
		puts    []string
		wantLen int
	}{
		{"UnderBound", []string{"aaaa", "bbbb"}, 2},
		{"OverBoundDropsOldest", []string{"aaaa", "bbbb", "cccc"}, 2},
		{"TooLargeNotStored", []string{"xxxxxxxxxxx"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := lru.New(10, 10, size)
			for i, v := range tt.puts {
				c.Put(string(rune('a'+i)), v)
			}
			if got := c.Len(); got != tt.wantLen {
				t.Errorf("Len = %d, want %d", got, tt.wantLen)
			}
		})
	}
}

func TestPutReplaces(t *testing.T) {
	c := lru.New(2, 10, size)
	c.Put("a", "12345678")
	c.Put("a", "1")
	c.Put("b", "123456789") // fits only because a's old value was released
	if v, ok := c.Get("a"); !ok || v != "1" {
		t.Errorf("Get(a) = %q, %v; want the replacement", v, ok)
	}
	if _, ok := c.Get("b"); !ok {
		t.Errorf("b was not stored")
	}
}
