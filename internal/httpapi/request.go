package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/stakemap/stakemap/graph"
)

// bindJSON decodes the request body strictly into v: a JSON content type,
// no unknown fields, no key twice, valid UTF-8, nothing after the value,
// at most limit bytes (and the route's limit). Errors are ready for fail.
func bindJSON(c *gin.Context, v any, limit int64, types ...string) error {
	if err := checkContentType(c, types...); err != nil {
		return err
	}
	body := http.MaxBytesReader(c.Writer, c.Request.Body, limit)
	return decodeStrict(body, v)
}

func checkContentType(c *gin.Context, extra ...string) error {
	ct := c.GetHeader("Content-Type")
	if ct == "" {
		return nil // curl -d without -H; the body must still be JSON
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err == nil && (mt == "application/json" || contains(extra, mt)) {
		return nil
	}
	return newError(http.StatusUnsupportedMediaType, CodeUnsupported, "content type "+ct+" is not accepted: send application/json")
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// decodeStrict decodes exactly one JSON value with no unknown fields,
// refusing what the decoder would silently change (see jsonGuard).
func decodeStrict(r io.Reader, v any) error {
	g := newJSONGuard(r)
	err := decodeOne(g, v)
	if mb, ok := errors.AsType[*http.MaxBytesError](err); ok {
		return mb
	}
	if p := g.Problem(); p != nil {
		return p
	}
	return err
}

func decodeOne(r io.Reader, v any) error {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		if mb, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return mb
		}
		return newError(http.StatusBadRequest, CodeInvalid, "invalid JSON: unexpected data after the JSON value",
			FieldError{Field: "body", Reason: "must hold exactly one JSON value"})
	}
	return nil
}

// jsonError turns a decoding error into a 400 naming the field where the
// decoder can tell it.
func jsonError(err error) error {
	if mb, ok := errors.AsType[*http.MaxBytesError](err); ok {
		return mb
	}
	if errors.Is(err, io.EOF) {
		return newError(http.StatusBadRequest, CodeInvalid, "empty body: send a JSON document",
			FieldError{Field: "body", Reason: "is empty"})
	}
	if te, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
		field := te.Field
		if field == "" {
			field = "body"
		}
		reason := "must be " + jsonKind(te.Type.String())
		return newError(http.StatusBadRequest, CodeInvalid, "invalid JSON: "+field+" "+reason,
			FieldError{Field: field, Value: te.Value, Reason: reason})
	}
	if se, ok := errors.AsType[*json.SyntaxError](err); ok {
		return newError(http.StatusBadRequest, CodeInvalid, fmt.Sprintf("invalid JSON at byte %d: %v", se.Offset, se),
			FieldError{Field: "body", Reason: se.Error()})
	}
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		name = strings.Trim(name, `"`)
		return newError(http.StatusBadRequest, CodeInvalid, "unknown field "+name,
			FieldError{Field: name, Reason: "is not a field of this document"})
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return newError(http.StatusBadRequest, CodeInvalid, "invalid JSON: the document ends early",
			FieldError{Field: "body", Reason: "is truncated"})
	}
	return newError(http.StatusBadRequest, CodeInvalid, "invalid JSON: "+msg, FieldError{Field: "body", Reason: msg})
}

func jsonKind(goType string) string {
	switch {
	case strings.HasPrefix(goType, "[]"):
		return "an array"
	case goType == "string":
		return "a string"
	case goType == "bool":
		return "true or false"
	case strings.HasPrefix(goType, "int"), strings.HasPrefix(goType, "*int"):
		return "a whole number"
	case strings.HasPrefix(goType, "float"), strings.HasPrefix(goType, "*float"):
		return "a number"
	}
	return "an object"
}

// decodeBundleJSON is the fallback bundle decoder: strict JSON with the
// documented defaults applied.
func decodeBundleJSON(r io.Reader) (*graph.Bundle, error) {
	var b graph.Bundle
	if err := decodeStrict(r, &b); err != nil {
		return nil, err
	}
	b.ApplyDefaults()
	return &b, nil
}

func encodeBundleJSON(w io.Writer, b *graph.Bundle) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(b); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// Query parameter helpers: each returns a 400 naming the parameter.

func queryInt(c *gin.Context, name string, def, lo, hi int) (int, error) {
	v, ok := c.GetQuery(name)
	if !ok || v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, badParam(name, v, fmt.Sprintf("must be a whole number from %d to %d", lo, hi))
	}
	return n, nil
}

func queryFloat(c *gin.Context, name string) (float64, error) {
	v, ok := c.GetQuery(name)
	if !ok || v == "" {
		return 0, nil
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return 0, badParam(name, v, "must be a number")
	}
	return f, nil
}

func queryBool(c *gin.Context, name string) (bool, error) {
	v, ok := c.GetQuery(name)
	if !ok || v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, badParam(name, v, "must be true or false")
	}
	return b, nil
}

// checkQuery refuses query parameters the route does not know, so that a
// typo ("trajectroy=") is an error rather than a silently ignored filter.
func checkQuery(c *gin.Context, allowed []string) error {
	for name, vs := range c.Request.URL.Query() {
		if !contains(allowed, name) {
			return badParam(name, strings.Join(vs, ","), "is not a parameter of this route; allowed: "+strings.Join(allowed, ", "))
		}
		if len(vs) > 1 {
			return badParam(name, strings.Join(vs, ","), "may be given once")
		}
	}
	return nil
}
