package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/stakemap/stakemap/internal/demo"
	"github.com/stakemap/stakemap/internal/httpapi"
)

// revision is the workspace's ETag: it changes with any write.
func (e *env) revision(ws string) string {
	e.t.Helper()
	return e.expect(e.do("GET", "/api/v1/workspaces/"+ws, e.admin, nil), http.StatusOK).header.Get("ETag")
}

// TestBadInputChangesNothing: input that Go's JSON decoder would store
// other than it was sent (invalid UTF-8 and lone surrogates as U+FFFD, the
// last of two equal keys), and text no one can read as it is stored
// (escaped NUL, ANSI escapes, bidi overrides), is refused with a 400 that
// names the field, and the workspace's revision does not move.
func TestBadInputChangesNothing(t *testing.T) {
	e := newEnv(t)
	ws := "/api/v1/workspaces/" + demo.ID
	id := e.demo.Stakeholders[0].ID
	person := func(name string) string {
		return `{"name":` + name + `,"level":"employee","influence":2,"interest":3}`
	}
	bundle := func(stakeholders string) string {
		return `{"format":"stakemap/v1","workspace":{"id":"` + demo.ID + `","name":"Gemeente Oostvoorde"},"stakeholders":[` + stakeholders + `]}`
	}
	for _, tc := range []struct {
		name, method, path, body, ctype string
		entry, field, value             string
	}{
		{name: "InvalidUTF8", method: "POST", path: "/stakeholders", body: person("\"Jan \xff de Vries\""), field: "name"},
		{name: "InvalidUTF8Truncated", method: "POST", path: "/stakeholders", body: person("\"Jan \xc3\""), field: "name"},
		{name: "LoneSurrogate", method: "POST", path: "/stakeholders", body: person(`"Jan \ud800"`), field: "name"},
		{name: "LowSurrogateFirst", method: "POST", path: "/stakeholders", body: person(`"Jan \udc00\ud800"`), field: "name"},
		{name: "EscapedNUL", method: "POST", path: "/stakeholders", body: person(`"Jan\u0000"`), field: "name"},
		{name: "EscapedNULInNotes", method: "PATCH", path: "/stakeholders/" + id, body: `{"notes":"a\u0000b"}`, field: "notes"},
		{name: "ANSIEscape", method: "POST", path: "/stakeholders", body: person(`"\u001b[31mJan\u001b[0m"`), field: "name", value: "\x1b[31mJan\x1b[0m"},
		{name: "BidiOverride", method: "POST", path: "/stakeholders", body: person(`"Jan \u202eseirV"`), field: "name", value: "Jan \u202eseirV"},
		{name: "BidiIsolate", method: "PATCH", path: "/stakeholders/" + id, body: `{"title":"\u2067CFO"}`, field: "title", value: "\u2067CFO"},
		{name: "DuplicateKey", method: "POST", path: "/stakeholders", body: `{"name":"A","name":"B","level":"employee","influence":2,"interest":3}`, field: "name", value: "name"},
		{name: "DuplicateEscapedKey", method: "POST", path: "/goals", body: `{"id":"g-dup","name":"A","n\u0061me":"B"}`, field: "name", value: "name"},
		{name: "DuplicateKeyInPatch", method: "PATCH", path: "/stakeholders/" + id, body: `{"attitude":"champion","attitude":"blocker"}`, field: "attitude", value: "attitude"},
		{name: "InvalidUTF8InKey", method: "POST", path: "/goals", body: "{\"id\":\"g-key\",\"na\xffme\":\"G\"}", field: "body", value: "na\uFFFD"},
		{name: "InvalidUTF8InPatch", method: "PATCH", path: "/stakeholders/" + id, body: "{\"notes\":\"\xfe\"}", field: "notes"},
		{name: "InvalidUTF8InList", method: "POST", path: "/engagements", body: "{\"date\":\"2026-11-30\",\"with\":[\"" + id + "\",\"\xff\"]}", field: "with[1]"},
		{name: "PatchNullName", method: "PATCH", path: "/stakeholders/" + id, body: `{"name":null}`, ctype: "application/merge-patch+json", field: "name", value: "null"},
		{name: "PatchNullLevel", method: "PATCH", path: "/stakeholders/" + id, body: `{"level":null,"notes":null}`, field: "level", value: "null"},
		{name: "PatchNullInfluence", method: "PATCH", path: "/stakeholders/" + id, body: `{"influence":null}`, field: "influence", value: "null"},
		{name: "PatchNullBody", method: "PATCH", path: "/stakeholders/" + id, body: `null`, field: "body", value: "null"},
		{name: "PatchNotAnObject", method: "PATCH", path: "/stakeholders/" + id, body: `["name"]`, field: "body"},
		{name: "BundleInvalidUTF8", method: "PUT", path: "/bundle", body: bundle(`{"id":"a","name":"A","level":"board","influence":5,"interest":4},{"id":"b","name":"B` + "\xff" + `","level":"board","influence":5,"interest":4}`),
			entry: "stakeholders[1]", field: "name"},
		{name: "BundleDuplicateKey", method: "PUT", path: "/bundle", body: bundle(`{"id":"a","name":"A","level":"board","level":"employee","influence":5,"interest":4}`),
			entry: "stakeholders[0]", field: "level", value: "level"},
		{name: "BundleLoneSurrogateInTag", method: "PUT", path: "/bundle", body: bundle(`{"id":"a","name":"A","level":"board","influence":5,"interest":4,"tags":["ok","\udfff"]}`),
			entry: "stakeholders[0]", field: "tags[1]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := e.with(t)
			before := e.revision(demo.ID)
			headers := []string{}
			if tc.ctype != "" {
				headers = append(headers, "Content-Type", tc.ctype)
			}
			r := e.expect(e.do(tc.method, ws+tc.path, e.admin, []byte(tc.body), headers...), http.StatusBadRequest)
			d := r.apiError(t)
			if d.Code != httpapi.CodeInvalid {
				t.Errorf("code %q", d.Code)
			}
			found := false
			for _, f := range d.Fields {
				if f.Field == tc.field && (tc.entry == "" || f.Entry == tc.entry) && (tc.value == "" || f.Value == tc.value) {
					found = true
				}
			}
			if !found {
				t.Errorf("fields %+v: want entry %q field %q value %q", d.Fields, tc.entry, tc.field, tc.value)
			}
			if after := e.revision(demo.ID); after != before {
				t.Errorf("the workspace changed: revision %s, was %s", after, before)
			}
		})
	}
}

// TestValidUnicodeIsKept: what the guard refuses must not catch valid
// text: accents, emoji as a surrogate pair, U+FFFD itself, escaped quotes
// and backslashes, and keys spelled with escapes.
func TestValidUnicodeIsKept(t *testing.T) {
	e := newEnv(t)
	goals := "/api/v1/workspaces/" + demo.ID + "/goals"
	for _, tc := range []struct{ body, want string }{
		{`{"id":"g1","name":"Zoë en Jürgen 👩‍🏫"}`, "Zoë en Jürgen 👩‍🏫"},
		{`{"id":"g2","name":"Smile \ud83d\ude00"}`, "Smile 😀"},
		{`{"id":"g3","name":"a \"quoted\" \\ back\/slash"}`, `a "quoted" \ back/slash`},
		{`{"id":"g4","n\u0061me":"escaped key","horizon":"� stays"}`, "escaped key"},
	} {
		r := e.expect(e.do("POST", goals, e.editor, tc.body), http.StatusCreated)
		var g struct{ Name string }
		r.json(t, &g)
		if g.Name != tc.want {
			t.Errorf("%s: stored %q, want %q", tc.body, g.Name, tc.want)
		}
	}
}

// TestPatch: a merge patch changes what it names; null removes an optional
// field; a patch that changes nothing keeps the version.
func TestPatch(t *testing.T) {
	e := newEnv(t)
	path := "/api/v1/workspaces/" + demo.ID + "/stakeholders/" + e.demo.Stakeholders[0].ID
	r := e.expect(e.do("GET", path, e.viewer, nil), http.StatusOK)
	tag := r.header.Get("ETag")
	var cur struct{ Attitude, Notes string }
	r.json(t, &cur)
	before := e.revision(demo.ID)
	for _, noop := range []string{`{}`, `{"attitude":"` + cur.Attitude + `"}`, `{"contactEvery":null}`} {
		r := e.expect(e.do("PATCH", path, e.editor, noop, "If-Match", tag), http.StatusOK)
		if got := r.header.Get("ETag"); got != tag {
			t.Errorf("PATCH %s changed nothing but the ETag: %s, was %s", noop, got, tag)
		}
	}
	if after := e.revision(demo.ID); after != before {
		t.Errorf("patches that change nothing moved the revision from %s to %s", before, after)
	}
	r = e.expect(e.do("PATCH", path, e.editor, `{"notes":"Nieuw","tags":["a"]}`, "If-Match", tag, "Content-Type", "application/merge-patch+json"), http.StatusOK)
	if r.header.Get("ETag") == tag {
		t.Error("a changing PATCH kept the ETag")
	}
	r = e.expect(e.do("PATCH", path, e.editor, `{"notes":null,"tags":null}`), http.StatusOK)
	var after struct {
		Notes string
		Tags  []string
	}
	r.json(t, &after)
	if after.Notes != "" || len(after.Tags) != 0 {
		t.Errorf("null kept optional fields: %+v", after)
	}
}

// TestCreateWithoutID: a node posted without an id gets one made from its
// name (an engagement's from its date), then -2, -3; the answer's Location,
// ETag and body say which.
func TestCreateWithoutID(t *testing.T) {
	e := newEnv(t)
	ws := "/api/v1/workspaces/" + demo.ID
	for _, tc := range []struct{ coll, body, want string }{
		{"/stakeholders", `{"name":"Jan de Vriës","level":"employee","influence":2,"interest":3}`, "jan-de-vries"},
		{"/stakeholders", `{"name":"Jan de Vries","level":"employee","influence":2,"interest":3}`, "jan-de-vries-2"},
		{"/stakeholders", `{"name":"jan  DE vries","level":"employee","influence":2,"interest":3}`, "jan-de-vries-3"},
		{"/goals", `{"name":"Jan de Vries"}`, "jan-de-vries-4"},
		{"/trajectories", `{"name":"AI in de basis"}`, "ai-in-de-basis"},
		{"/engagements", `{"date":"2026-11-30","with":["` + e.demo.Stakeholders[0].ID + `"]}`, "2026-11-30"},
		{"/engagements", `{"date":"2026-11-30","with":["` + e.demo.Stakeholders[1].ID + `"]}`, "2026-11-30-2"},
	} {
		r := e.expect(e.do("POST", ws+tc.coll, e.editor, tc.body), http.StatusCreated)
		if loc := r.header.Get("Location"); loc != ws+tc.coll+"/"+tc.want {
			t.Errorf("%s: Location %q, want id %s", tc.body, loc, tc.want)
		}
		var got struct{ ID string }
		r.json(t, &got)
		if got.ID != tc.want {
			t.Errorf("%s: body id %q, want %q", tc.body, got.ID, tc.want)
		}
		g := e.expect(e.do("GET", ws+tc.coll+"/"+tc.want, e.viewer, nil), http.StatusOK)
		if g.header.Get("ETag") != r.header.Get("ETag") || r.header.Get("ETag") == "" {
			t.Errorf("%s: ETag %q from POST, %q from GET", tc.want, r.header.Get("ETag"), g.header.Get("ETag"))
		}
	}
	// A name that makes no id is refused for what is wrong with it.
	r := e.expect(e.do("POST", ws+"/goals", e.editor, `{"name":""}`), http.StatusBadRequest)
	if f := r.apiError(t).Fields; len(f) == 0 || f[0].Field != "name" {
		t.Errorf("empty name: fields %+v", f)
	}
}
