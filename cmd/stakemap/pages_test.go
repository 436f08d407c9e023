package main

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/bundle"
	"github.com/stakemap/stakemap/internal/demo"
)

// TestReadUpload reads what the import page receives: a workbook, one CSV
// sheet or a JSON document, into the page's workspace whatever the file
// says, and refuses a file that is none of them with the reader's error.
func TestReadUpload(t *testing.T) {
	b, err := demo.Bundle()
	if err != nil {
		t.Fatal(err)
	}
	ws := graph.Workspace{ID: "hier", Name: "Hier", Language: "nl"}
	var js, xlsx bytes.Buffer
	if err := bundle.Encode(&js, b); err != nil {
		t.Fatal(err)
	}
	if err := bundle.WriteXLSX(&xlsx, b); err != nil {
		t.Fatal(err)
	}
	csv := "Id;Naam;Functie;Afdeling;Niveau;Invloed;Belang;Houding\njan-de-vries;Jan de Vries;CFO;Financiën;directie;5;3;voorstander\n"
	for _, c := range []struct {
		name   string
		data   []byte
		people int
	}{
		{"oostvoorde.json", js.Bytes(), len(b.Stakeholders)},
		{"C:\\Users\\noor\\Documents\\register.xlsx", xlsx.Bytes(), len(b.Stakeholders)},
		{"belanghebbenden.csv", []byte(csv), 1},
	} {
		got, err := readUpload(c.name, bytes.NewReader(c.data), ws)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if got.Workspace.ID != "hier" || len(got.Stakeholders) != c.people {
			t.Errorf("%s: workspace %q, %d people", c.name, got.Workspace.ID, len(got.Stakeholders))
		}
	}
	_, err = readUpload("notities.txt", strings.NewReader("hallo"), ws)
	if err == nil || errors.Is(err, graph.ErrNotFound) {
		t.Errorf("a text file: %v", err)
	}
}
