package bundle_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/bundle"
)

// TestReadLoneCSV: a single CSV file named as its maker likes is told by
// its headers, even with a column of its own, and its problems speak the
// headers' language.
func TestReadLoneCSV(t *testing.T) {
	opt := bundle.Options{Workspace: graph.Workspace{ID: "w", Name: "W"}}
	register := "Naam;Functie;Afdeling;Niveau;Invloed;Belang;Houding\nFatima El Amrani;Adviseur;HR;medewerker;3;4;voorstander\nWim Hoekstra;Manager Buitendienst;Openbare Ruimte;management;4;2;blokkeerder\n"
	in, err := bundle.ReadInputFrom(strings.NewReader(register), "mijn-register.csv")
	if err != nil {
		t.Fatal(err)
	}
	b, err := bundle.Alone(in, opt)
	if err != nil || len(b.Stakeholders) != 2 || b.Stakeholders[1].Attitude != "blocker" {
		t.Fatalf("register: %+v %v", b, err)
	}

	tests := []struct {
		name, file, csv string
		want            []want
		reason          string
		lang            string // the reader's language
	}{
		{"a column of its own: last contact", "mijn-register.csv",
			"Naam;Functie;Afdeling;Niveau;Invloed;Belang;Houding;Laatste contact\nFatima El Amrani;Adviseur;HR;medewerker;3;4;voorstander;12-11-2026\n",
			[]want{{"mijn-register.csv rij 1", "kolom Laatste contact", "Laatste contact"}}, "blad Contactmomenten", "en"},
		{"another column of its own", "register.csv",
			"Name,Title,Unit,Level,Influence,Interest,Attitude,Colour\nA,B,C,employee,3,4,supporter,red\n",
			[]want{{"register.csv row 1", "column Colour", "Colour"}}, "is not a column of stakeholders", "nl"},
		{"headers of no one sheet, in Dutch", "lijst.csv", "Naam;Kleur;Maat\nA;rood;L\n",
			[]want{{"lijst.csv", "blad", "lijst"}}, "wordt niet herkend: geef het de kolomkoppen van een blad, zoals voor het register Naam, Soort, Functie", "en"},
		// Headers that say nothing: the reader's language, with what
		// would be recognised.
		{"headers of nothing, for a Dutch reader", "rommel.csv", "a;b;c\n1;2;3\n",
			[]want{{"rommel.csv", "blad", "rommel"}}, "wordt niet herkend", "nl"},
		{"headers of nothing, for an English reader", "rommel.csv", "a;b;c\n1;2;3\n",
			[]want{{"rommel.csv", "sheet", "rommel"}}, "is not recognised: give it the column headers of a sheet, such as for the register name, kind, title", "en"},
		{"headers of nothing, for anyone", "rommel.csv", "a;b;c\n1;2;3\n",
			[]want{{"rommel.csv", "sheet", "rommel"}}, "is not recognised", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, err := bundle.ReadInputIn(strings.NewReader(tt.csv), tt.file, tt.lang)
			if err == nil {
				_, err = bundle.Alone(in, opt)
			}
			requireProblems(t, nil, err, tt.want)
			ve, _ := errors.AsType[*graph.ValidationError](err)
			if len(ve.Problems) != len(tt.want) || !strings.Contains(ve.Problems[0].Reason, tt.reason) {
				t.Errorf("problems %v, want one saying %q", ve.Problems, tt.reason)
			}
		})
	}
}
