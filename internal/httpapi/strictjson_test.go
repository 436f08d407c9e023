package httpapi_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stakemap/stakemap/internal/httpapi"
)

// guardProblem reads doc through the guard and returns its problem.
func guardProblem(doc []byte) error {
	g := httpapi.GuardJSON(bytes.NewReader(doc))
	_, _ = io.Copy(io.Discard, g)
	return g.(interface{ Problem() error }).Problem()
}

// duplicateKeys is the reference: a walk of the decoder's tokens that
// reports whether some object holds a key twice.
func duplicateKeys(doc []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(doc))
	type frame struct {
		object bool
		keys   map[string]bool
		key    bool // the next string is a key
	}
	var stack []*frame
	for {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		top := (*frame)(nil)
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{':
				stack = append(stack, &frame{object: true, keys: map[string]bool{}, key: true})
				continue
			case '[':
				stack = append(stack, &frame{})
				continue
			default:
				stack = stack[:len(stack)-1]
			}
		case string:
			if top != nil && top.object && top.key {
				if top.keys[t] {
					return true
				}
				top.keys[t] = true
				top.key = false
				continue
			}
		}
		if top = nil; len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if top != nil && top.object {
			top.key = true
		}
	}
}

// FuzzJSONGuard: the guard never panics; a document it passes is valid
// UTF-8 with no key twice in an object; and what it calls a duplicate is
// one by the decoder's own reading of the document.
func FuzzJSONGuard(f *testing.F) {
	for _, seed := range []string{
		`{"a":1,"b":[{"a":2,"a":3}]}`, `{"a":"\u0061","\u0061":1}`, "{\"a\":\"\xff\"}", `{"a":"\ud83d\ude00"}`,
		`{"a":"\ud800"}`, `[{"x":{"y":{"x":1}},"x":2}]`, `{"a":"b\\\"c","a\"":1,"a\\":2}`, `{"k":"\u0000"}`,
		`{"a":[1,2,{"b":"é"}],"c":{"d":[]},"e":"ok"}`, `"just a string"`, `{"":1,"":2}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		err := guardProblem(doc)
		if !json.Valid(doc) {
			return
		}
		if err == nil {
			if !utf8.Valid(doc) {
				t.Errorf("passed invalid UTF-8: %q", doc)
			}
			if duplicateKeys(doc) {
				t.Errorf("passed a duplicate key: %q", doc)
			}
			return
		}
		if strings.Contains(err.Error(), "given twice") && !duplicateKeys(doc) {
			t.Errorf("called a key duplicate that is not: %q: %v", doc, err)
		}
	})
}

func TestGuardNamesTheField(t *testing.T) {
	for _, tc := range []struct{ doc, want string }{
		{`{"a":{"b":"\ud800"}}`, "invalid JSON: a.b contains half"},
		{`{"list":[{"x":1},{"x":1,"x":2}]}`, "invalid JSON: list[1].x is given twice"},
		{`{"s":[{"tags":["ok","\udc00"]}]}`, "invalid JSON: s[0].tags[1] contains half"},
		{`["\u0000"]`, "invalid JSON: [0] contains a NUL"},
		{"\"\xff\"", "invalid JSON: body is not valid UTF-8"},
	} {
		err := guardProblem([]byte(tc.doc))
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q…", tc.doc, err, tc.want)
		}
	}
	if err := guardProblem([]byte(`{"a":[{"b":1},{"b":2}],"c":{"b":3},"b":4}`)); err != nil {
		t.Errorf("equal keys in different objects: %v", err)
	}
	var none error
	if !errors.Is(guardProblem([]byte(`{}`)), none) {
		t.Error("empty object")
	}
}
