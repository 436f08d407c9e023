package httpapi

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
)

// Conditional requests (RFC 9110 §13): If-Match and If-None-Match on every
// route. A route whose resource has an ETag evaluates them against it with
// checkConditions; every other route gets them evaluated by the
// conditional middleware against a resource without one, so that a
// client's condition is never silently ignored.

// entityTag is one element of an If-Match or If-None-Match list.
type entityTag struct {
	weak   bool
	opaque string // between the quotes
}

// tagList is a parsed If-Match or If-None-Match header.
type tagList struct {
	present bool
	any     bool // "*"
	tags    []entityTag
}

// parseTagList reads the header name of the request: "*" or a list of
// entity tags, e.g. `"3", W/"x"`. A malformed header is a 400 naming it.
func parseTagList(c *gin.Context, name string) (tagList, error) {
	values := c.Request.Header.Values(name)
	if len(values) == 0 {
		return tagList{}, nil
	}
	h := strings.Join(values, ",")
	l := tagList{present: true}
	if strings.TrimSpace(h) == "*" {
		l.any = true
		return l, nil
	}
	bad := func() (tagList, error) {
		return tagList{}, newError(http.StatusBadRequest, CodeInvalid, "invalid header "+name+`: it must be * or a list of ETags such as "3"`,
			FieldError{Field: name, Value: clipHeader(h), Reason: `must be * or a list of ETags, e.g. "3" or "3", "4"`})
	}
	rest := h
	for {
		rest = strings.TrimLeft(rest, " \t")
		if rest == "" {
			break
		}
		if rest[0] == ',' {
			rest = rest[1:]
			continue
		}
		var t entityTag
		if strings.HasPrefix(rest, "W/") {
			t.weak = true
			rest = rest[2:]
		}
		if rest == "" || rest[0] != '"' {
			return bad()
		}
		end := strings.IndexByte(rest[1:], '"')
		if end < 0 {
			return bad()
		}
		t.opaque = rest[1 : 1+end]
		for i := 0; i < len(t.opaque); i++ {
			if b := t.opaque[i]; b < 0x21 || b == 0x7f {
				return bad()
			}
		}
		rest = strings.TrimLeft(rest[2+end:], " \t")
		if rest != "" && rest[0] != ',' {
			return bad()
		}
		l.tags = append(l.tags, t)
	}
	if len(l.tags) == 0 {
		return bad()
	}
	return l, nil
}

func clipHeader(h string) string {
	if len(h) > 200 {
		return h[:200] + "…"
	}
	return h
}

// resourceState is what a conditional request is evaluated against:
// whether the target resource exists and, if it has one, its current
// strong ETag with the quotes ("" for a resource without an ETag).
type resourceState struct {
	exists bool
	etag   string
}

// conditions evaluates If-Match, then If-None-Match (RFC 9110 §13.2.2)
// against cur. It returns 0 when the request may go on, 304 for a GET or
// HEAD whose If-None-Match matches, or 412; err is a 400 for a malformed
// header.
func conditions(c *gin.Context, cur resourceState) (int, error) {
	im, err := parseTagList(c, "If-Match")
	if err != nil {
		return 0, err
	}
	inm, err := parseTagList(c, "If-None-Match")
	if err != nil {
		return 0, err
	}
	if im.present && !matches(im, cur, true) {
		return http.StatusPreconditionFailed, nil
	}
	if inm.present && matches(inm, cur, false) {
		if c.Request.Method == http.MethodGet || c.Request.Method == http.MethodHead {
			return http.StatusNotModified, nil
		}
		return http.StatusPreconditionFailed, nil
	}
	return 0, nil
}

// matches reports whether the list names the current representation:
// "*" any that exists; otherwise an equal tag, compared strongly (W/ never
// matches) for If-Match and weakly for If-None-Match.
func matches(l tagList, cur resourceState, strong bool) bool {
	if !cur.exists {
		return false
	}
	if l.any {
		return true
	}
	if cur.etag == "" {
		return false
	}
	opaque := strings.Trim(cur.etag, `"`)
	for _, t := range l.tags {
		if t.opaque == opaque && !(strong && t.weak) {
			return true
		}
	}
	return false
}

// checkConditions answers the request itself, with 304 (its ETag header
// already set by the caller) or 412, or a 400 for a malformed header, and
// returns false when a condition says it must not go on.
func checkConditions(c *gin.Context, cur resourceState) bool {
	status, err := conditions(c, cur)
	switch {
	case err != nil:
		fail(c, err)
		return false
	case status == http.StatusNotModified:
		c.AbortWithStatus(http.StatusNotModified)
		return false
	case status == http.StatusPreconditionFailed:
		fail(c, errPrecondition(cur))
		return false
	}
	return true
}

func errPrecondition(cur resourceState) *apiError {
	msg := "precondition failed: If-Match or If-None-Match does not hold for the current state"
	switch {
	case !cur.exists:
		msg = "precondition failed: it does not exist"
	case cur.etag == "":
		msg = "precondition failed: this resource has no ETag, so If-Match can only be *, and If-None-Match: * never holds"
	default:
		msg += ": its ETag is now " + cur.etag + "; read it again"
	}
	return newError(http.StatusPreconditionFailed, CodeStale, msg)
}

// conditional reports whether the request carries a condition, so that a
// write passes the state it was evaluated against on to the store, which
// checks it again inside its transaction.
func conditional(c *gin.Context) bool {
	return c.GetHeader("If-Match") != "" || c.GetHeader("If-None-Match") != ""
}

// etag returns the strong ETag of a node version.
func etag(version int64) string { return `"` + strconv.FormatInt(version, 10) + `"` }

// quoteTag makes a store's revision token a strong ETag.
func quoteTag(rev string) string { return `"` + rev + `"` }
