package httpapi_test

import (
	"bytes"
	"image"
	_ "image/png"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/stakemap/stakemap/internal/demo"
)

// TestMapPages: page, part, scale and context reach the renderer; a slide
// PNG is 1920 × 1080 (times scale), parts are counted in X-Map-Parts, and
// bad values are 400 naming the parameter.
func TestMapPages(t *testing.T) {
	rr := newRealRenderer(t)
	e := newEnv(t, withRenderer(rr))
	base := "/api/v1/workspaces/" + demo.ID + "/maps/"
	size := func(body []byte) image.Point {
		img, _, err := image.Decode(bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		return img.Bounds().Size()
	}
	if got := size(e.expect(e.do("GET", base+"grid.png", e.viewer, nil), http.StatusOK).body); got != (image.Point{1920, 1080}) {
		t.Errorf("default page: %v, want a 1920 × 1080 slide", got)
	}
	if got := size(e.expect(e.do("GET", base+"grid.png?page=a4-landscape&scale=2", e.viewer, nil), http.StatusOK).body); got != (image.Point{3368, 2381}) {
		t.Errorf("a4-landscape at scale 2: %v", got)
	}
	r := e.expect(e.do("GET", base+"stakeholders.svg?part=1", e.viewer, nil), http.StatusOK)
	parts, err := strconv.Atoi(r.header.Get("X-Map-Parts"))
	if err != nil || parts < 2 {
		t.Fatalf("X-Map-Parts %q, want a count of at least 2", r.header.Get("X-Map-Parts"))
	}
	plain := e.expect(e.do("GET", base+"path.svg?from=ld-adviseur&to=controller", e.viewer, nil), http.StatusOK).body
	context := e.expect(e.do("GET", base+"path.svg?from=ld-adviseur&to=controller&context=true", e.viewer, nil), http.StatusOK).body
	if bytes.Count(context, []byte(`class="node"`)) <= bytes.Count(plain, []byte(`class="node"`)) {
		t.Errorf("context=true draws no more people than the paths")
	}
	for _, c := range []struct{ query, field string }{
		{"grid.png?page=poster", "page"},
		{"grid.png?scale=5", "scale"},
		{"grid.png?scale=0.5", "scale"},
		{"grid.png?part=-1", "part"},
		{"stakeholders.svg?part=" + strconv.Itoa(parts+1), "part"},
		{"grid.svg?page=auto&part=1", "part"},
		{"path.svg?from=ld-adviseur&to=controller&context=maybe", "context"},
	} {
		t.Run(strings.ReplaceAll(c.query, "/", "_"), func(t *testing.T) {
			e := e.with(t)
			r := e.expect(e.do("GET", base+c.query, e.viewer, nil), http.StatusBadRequest)
			found := false
			for _, f := range r.apiError(t).Fields {
				found = found || f.Field == c.field
			}
			if !found {
				t.Errorf("error %s does not name %s", r.body, c.field)
			}
		})
	}
}
