// Package locale formats numbers and dates for people in stakemap's two
// languages: Dutch writes 0,30 and 1.234, English 0.30 and 1,234. Maps,
// decks and the command-line tables all use it, so that a number reads the
// same wherever a person meets it.
package locale

import (
	"strconv"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/stakemap/stakemap/graph"
)

var (
	dutch   = message.NewPrinter(language.Dutch)
	english = message.NewPrinter(language.English)
)

func printer(lang string) *message.Printer {
	if lang == graph.LangEN {
		return english
	}
	return dutch
}

// Number formats x with the given number of decimals in lang (nl or en;
// anything else is Dutch, the default workspace language).
func Number(lang string, x float64, decimals int) string {
	switch decimals {
	case 0:
		return printer(lang).Sprintf("%.0f", x)
	case 1:
		return printer(lang).Sprintf("%.1f", x)
	case 2:
		return printer(lang).Sprintf("%.2f", x)
	}
	return printer(lang).Sprintf("%.*f", decimals, x)
}

// Int formats a whole number with the language's digit grouping.
func Int(lang string, n int) string { return printer(lang).Sprintf("%d", n) }

var months = [2][12]string{
	{"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"},
	{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
}

// Date writes a YYYY-MM-DD date as people write it: "1 november 2026" or
// "1 November 2026". A value that is not such a date is returned as it is.
func Date(lang, date string) string {
	t, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return date
	}
	i := 0
	if lang == graph.LangEN {
		i = 1
	}
	// Years and days are not grouped: 2026, never 2.026.
	return strconv.Itoa(t.Day()) + " " + months[i][t.Month()-1] + " " + strconv.Itoa(t.Year())
}
