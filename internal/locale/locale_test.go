package locale_test

import (
	"testing"

	"github.com/stakemap/stakemap/internal/locale"
)

func TestNumber(t *testing.T) {
	for _, tc := range []struct {
		lang     string
		x        float64
		decimals int
		want     string
	}{
		{"nl", 0.3, 2, "0,30"},
		{"en", 0.3, 2, "0.30"},
		{"nl", 1234.5, 1, "1.234,5"},
		{"en", 1234.5, 1, "1,234.5"},
		{"nl", 7.25, 0, "7"},
		{"", 0.125, 3, "0,125"},
		{"nl", 0.000001, 6, "0,000001"},
	} {
		if got := locale.Number(tc.lang, tc.x, tc.decimals); got != tc.want {
			t.Errorf("Number(%q, %v, %d) = %q, want %q", tc.lang, tc.x, tc.decimals, got, tc.want)
		}
	}
	if got := locale.Int("nl", 12345); got != "12.345" {
		t.Errorf("Int(nl, 12345) = %q", got)
	}
}

func TestDate(t *testing.T) {
	for _, tc := range []struct{ lang, date, want string }{
		{"nl", "2026-11-01", "1 november 2026"},
		{"en", "2026-03-31", "31 March 2026"},
		{"nl", "not a date", "not a date"},
	} {
		if got := locale.Date(tc.lang, tc.date); got != tc.want {
			t.Errorf("Date(%q, %q) = %q, want %q", tc.lang, tc.date, got, tc.want)
		}
	}
}
