package main_test

import (
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func TestAnalysisCommands(t *testing.T) {
	dir := t.TempDir()
	mustRun(t, dir, nil, "demo")

	t.Run("analyze/json", func(t *testing.T) {
		var doc struct {
			Findings []struct {
				Code    string   `json:"code"`
				Subject string   `json:"subject"`
				Related []string `json:"related"`
				Message string   `json:"message"`
			} `json:"findings"`
		}
		out := mustRun(t, dir, nil, "analyze", "--as-of", "2026-10-01", "--json").stdout
		if err := json.Unmarshal([]byte(out), &doc); err != nil {
			t.Fatalf("not one JSON document: %v\n%s", err, out)
		}
		if len(doc.Findings) == 0 {
			t.Fatal("the demo workspace has no findings")
		}
		for _, f := range doc.Findings {
			if f.Related == nil || f.Message == "" {
				t.Errorf("finding %+v: related must be a list and message set", f)
			}
		}
		only := mustRun(t, dir, nil, "analyze", "--as-of", "2026-10-01", "--only", "strategy", "--json").stdout
		if strings.Contains(only, "missing-sponsor") || !strings.Contains(only, `"findings"`) {
			t.Errorf("--only strategy printed other groups:\n%s", only)
		}
	})
	t.Run("analyze/table", func(t *testing.T) {
		nl := mustRun(t, dir, nil, "analyze", "--as-of", "2026-10-01").stdout
		en := mustRun(t, dir, nil, "analyze", "--as-of", "2026-10-01", "--lang", "en").stdout
		if !strings.Contains(nl, "Zichtbaarheid") || !strings.Contains(en, "Visibility") || !strings.Contains(en, "findings (") {
			t.Errorf("headings not in the asked language:\n%s\n%s", nl, en)
		}
		// Each line shows its severity, and within a group the most severe
		// come first.
		rank := map[string]int{"high": 0, "medium": 1, "low": 2}
		last, lines := -1, 0
		for line := range strings.Lines(en) {
			if strings.HasPrefix(line, "=") {
				last = -1 // a new group starts
				continue
			}
			word := strings.Fields(line + " x")[0]
			r, ok := rank[word]
			if !ok || strings.HasPrefix(line, " ") {
				continue
			}
			if r < last {
				t.Errorf("%q comes after a less severe finding:\n%s", strings.TrimSpace(line), en)
			}
			last = r
			lines++
		}
		if lines == 0 || !strings.Contains(nl, "hoog  ") && !strings.Contains(nl, "middel  ") {
			t.Errorf("no finding shows its severity:\n%s\n%s", en, nl)
		}
	})
	t.Run("tables/numbers", func(t *testing.T) {
		// Strengths and broker scores read the language's way, rounded.
		nl := mustRun(t, dir, nil, "path", "--from", "ld-adviseur", "--to", "controller", "--k", "2").stdout
		en := mustRun(t, dir, nil, "path", "--from", "ld-adviseur", "--to", "controller", "--k", "2", "--lang", "en").stdout
		decimal := regexp.MustCompile(`\s0([.,])\d\d\s`)
		if m := decimal.FindStringSubmatch(nl); m == nil || m[1] != "," {
			t.Errorf("Dutch path table does not write strengths as 0,28:\n%s", nl)
		}
		if m := decimal.FindStringSubmatch(en); m == nil || m[1] != "." {
			t.Errorf("English path table does not write strengths as 0.28:\n%s", en)
		}
		brokers := mustRun(t, dir, nil, "brokers", "--top", "3").stdout
		if !regexp.MustCompile(`\s\d+,\d\n`).MatchString(brokers) || regexp.MustCompile(`\d[.,]\d{2,}`).MatchString(brokers) {
			t.Errorf("Dutch broker scores are not rounded to one decimal with a comma:\n%s", brokers)
		}
	})
	t.Run("grid", func(t *testing.T) {
		var doc struct {
			Quadrants map[string][]string `json:"quadrants"`
		}
		out := mustRun(t, dir, nil, "grid", "--json").stdout
		if err := json.Unmarshal([]byte(out), &doc); err != nil {
			t.Fatal(err)
		}
		keys := slices.Sorted(func(yield func(string) bool) {
			for k := range doc.Quadrants {
				yield(k)
			}
		})
		if !slices.Equal(keys, []string{"keep-informed", "keep-satisfied", "manage-closely", "monitor"}) {
			t.Errorf("quadrants %v", keys)
		}
	})
	t.Run("path", func(t *testing.T) {
		var doc struct {
			Paths []struct {
				Nodes    []string `json:"nodes"`
				Hops     int      `json:"hops"`
				Strength float64  `json:"strength"`
			} `json:"paths"`
		}
		out := mustRun(t, dir, nil, "path", "--from", "ld-coordinator", "--to", "burgemeester", "--k", "2", "--json").stdout
		if err := json.Unmarshal([]byte(out), &doc); err != nil {
			t.Fatal(err)
		}
		if len(doc.Paths) != 2 || doc.Paths[0].Strength < doc.Paths[1].Strength || doc.Paths[0].Hops != len(doc.Paths[0].Nodes)-1 {
			t.Errorf("paths %+v", doc.Paths)
		}
		none := mustRun(t, dir, nil, "path", "--from", "ld-coordinator", "--to", "burgemeester", "--max-hops", "1", "--json").stdout
		if strings.Join(strings.Fields(none), "") != `{"paths":[]}` {
			t.Errorf("no path: got %s", none)
		}
	})
	t.Run("brokers", func(t *testing.T) {
		var doc struct {
			Brokers []struct {
				ID    string  `json:"id"`
				Score float64 `json:"score"`
			} `json:"brokers"`
		}
		out := mustRun(t, dir, nil, "brokers", "--top", "3", "--json").stdout
		if err := json.Unmarshal([]byte(out), &doc); err != nil {
			t.Fatal(err)
		}
		if len(doc.Brokers) != 3 || doc.Brokers[0].Score < doc.Brokers[2].Score {
			t.Errorf("brokers %+v", doc.Brokers)
		}
	})
	t.Run("errors", func(t *testing.T) {
		tests := []struct {
			args []string
			code int
			want string
		}{
			{[]string{"path", "--from", "nobody", "--to", "burgemeester"}, 1, "nobody"},
			{[]string{"path", "--from", "ld-coordinator", "--to", "burgemeester", "--mode", "fastest"}, 2, "fastest"},
			{[]string{"grid", "--trajectory", "no-such-trajectory"}, 1, "no-such-trajectory"},
			{[]string{"analyze", "--only", "everything"}, 2, "everything"},
			{[]string{"analyze", "--workspace", "elsewhere"}, 1, "elsewhere"},
			{[]string{"brokers", "--top", "-1"}, 2, "top"},
		}
		for _, tt := range tests {
			r := run(t, dir, nil, tt.args...)
			if r.code != tt.code || !strings.Contains(r.stderr, tt.want) {
				t.Errorf("stakemap %s: exit %d (want %d), stderr %q", strings.Join(tt.args, " "), r.code, tt.code, r.stderr)
			}
		}
	})
}
