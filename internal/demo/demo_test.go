package demo_test

import (
	"testing"
	"time"

	"github.com/stakemap/stakemap/internal/demo"
)

func TestBundleIsValidAndSized(t *testing.T) {
	b, err := demo.BundleAt(demo.Reference)
	if err != nil {
		t.Fatal(err)
	}
	if b.Workspace.ID != demo.ID {
		t.Errorf("workspace id = %q, want %q", b.Workspace.ID, demo.ID)
	}
	if n := len(b.Stakeholders); n < 35 || n > 45 {
		t.Errorf("%d stakeholders, want about 40", n)
	}
	if n := len(b.Trajectories); n < 6 || n > 8 {
		t.Errorf("%d trajectories, want 6 to 8", n)
	}
}

func TestBundleAtShiftsDates(t *testing.T) {
	base, err := demo.BundleAt(demo.Reference)
	if err != nil {
		t.Fatal(err)
	}
	later, err := demo.BundleAt(demo.Reference.AddDate(0, 0, 30))
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range base.Engagements {
		want, _ := time.Parse(time.DateOnly, e.Date)
		if got := later.Engagements[i].Date; got != want.AddDate(0, 0, 30).Format(time.DateOnly) {
			t.Errorf("engagement %s: date %s, want %s moved by 30 days", e.ID, got, e.Date)
		}
	}
	if base.Trajectories[0].ReviewBy == later.Trajectories[0].ReviewBy && base.Trajectories[0].ReviewBy != "" {
		t.Errorf("reviewBy not moved")
	}
}
