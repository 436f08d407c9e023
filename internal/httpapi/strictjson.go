package httpapi

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Go's JSON decoder silently changes some input instead of refusing it:
// invalid UTF-8 and lone UTF-16 surrogates (\ud800) become U+FFFD, and of a
// key given twice the last one wins. What a person typed would be stored
// other than they typed it, so jsonGuard reads the raw bytes on their way
// to the decoder and records the first such problem with the field it is
// in. It checks nothing the decoder checks (syntax errors, types, unknown
// fields): a document the decoder refuses is refused either way.

// maxKeyBytes bounds the bytes of one object key the guard remembers to
// find duplicates; keys are field names, and no field name comes near it.
const maxKeyBytes = 256

// jsonFrame is one open object or array on the path to the current value.
type jsonFrame struct {
	object bool
	index  int   // the current element of an array
	keys   []int // end offsets in jsonGuard.keyBuf of an object's keys
	start  int   // offset in keyBuf where this object's keys begin
}

// jsonGuard is an io.Reader that passes a JSON document through unchanged
// and records in problem the first byte-level problem the decoder would
// hide.
type jsonGuard struct {
	r       io.Reader
	problem *apiError

	stack  []jsonFrame
	keyBuf []byte // keys of every open object, back to back
	expect bool   // the next string in the innermost object is a key

	inString bool
	isKey    bool
	key      []byte // the current key, decoded
	escape   int    // 0: none; 1: after '\'; 2–5: reading the \u digits
	hex      rune
	high     rune // a high surrogate waiting for its low half
	utf      [utf8.UTFMax]byte
	nutf     int
}

func newJSONGuard(r io.Reader) *jsonGuard { return &jsonGuard{r: r} }

// Read passes bytes through and scans them.
func (g *jsonGuard) Read(p []byte) (int, error) {
	n, err := g.r.Read(p)
	if g.problem == nil {
		g.scan(p[:n])
	}
	return n, err
}

// Problem returns the first problem found in what was read, or nil. Read
// the document to its end first (see finish).
func (g *jsonGuard) Problem() error {
	if g.problem == nil {
		return nil
	}
	return g.problem
}

// finish reads what the decoder left unread, so that a problem after the
// decoder's last read is found too, and returns the first problem. Reading
// stops at the body limit like any other read.
func (g *jsonGuard) finish() error {
	if g.problem == nil {
		if _, err := io.Copy(io.Discard, g); err != nil {
			if mb, big := errors.AsType[*http.MaxBytesError](err); big {
				return mb
			}
		}
	}
	return g.Problem()
}

func (g *jsonGuard) scan(p []byte) {
	for i := 0; i < len(p); i++ {
		if g.problem != nil {
			return
		}
		c := p[i]
		if g.inString {
			if !g.isKey && g.escape == 0 && g.nutf == 0 && g.high == 0 {
				// Most of a document is plain text in values: skip to the
				// next byte that needs a look.
				for c != '"' && c != '\\' && c < utf8.RuneSelf {
					if i++; i == len(p) {
						return
					}
					c = p[i]
				}
			}
			g.stringByte(c)
			continue
		}
		switch c {
		case '{':
			g.push(true)
			g.expect = true
		case '[':
			g.push(false)
			g.expect = false
		case '}', ']':
			if len(g.stack) > 0 {
				g.keyBuf = g.keyBuf[:g.stack[len(g.stack)-1].start]
				g.stack = g.stack[:len(g.stack)-1]
			}
			g.expect = false
		case ',':
			if top := g.top(); top != nil {
				if top.object {
					g.expect = true
				} else {
					top.index++
				}
			}
		case ':':
			g.expect = false
		case '"':
			g.inString = true
			top := g.top()
			g.isKey = top != nil && top.object && g.expect
			g.key = g.key[:0]
		}
	}
}

// push opens an object or array, reusing the key list of the frame that
// was last at this depth: a bundle has a hundred thousand small objects.
func (g *jsonGuard) push(object bool) {
	n := len(g.stack)
	if n == cap(g.stack) {
		g.stack = append(g.stack, jsonFrame{})
	}
	g.stack = g.stack[:n+1]
	g.stack[n] = jsonFrame{object: object, start: len(g.keyBuf), keys: g.stack[n].keys[:0]}
}

func (g *jsonGuard) top() *jsonFrame {
	if len(g.stack) == 0 {
		return nil
	}
	return &g.stack[len(g.stack)-1]
}

func (g *jsonGuard) stringByte(c byte) {
	switch {
	case g.escape == 1:
		g.escape = 0
		if c == 'u' {
			g.escape, g.hex = 2, 0
			return
		}
		if g.high != 0 {
			g.fail("contains half of a UTF-16 surrogate pair (an escaped \\ud800–\\udbff without its second half)")
			return
		}
		if r, ok := simpleEscapes[c]; ok {
			g.keyRune(r)
		}
	case g.escape >= 2:
		g.hex = g.hex<<4 | rune(hexValue(c))
		if g.escape++; g.escape < 6 {
			return
		}
		g.escape = 0
		g.escaped(g.hex)
	case g.nutf > 0 || c >= utf8.RuneSelf:
		g.utf[g.nutf] = c
		g.nutf++
		if !utf8.FullRune(g.utf[:g.nutf]) {
			return
		}
		r, size := utf8.DecodeRune(g.utf[:g.nutf])
		rest := g.nutf - size
		g.nutf = 0
		if r == utf8.RuneError && size <= 1 || rest > 0 {
			g.fail("is not valid UTF-8 text")
			return
		}
		if g.high != 0 {
			g.fail("contains half of a UTF-16 surrogate pair (an escaped \\ud800–\\udbff without its second half)")
			return
		}
		g.keyRune(r)
	case c == '\\':
		g.escape = 1
	case c == '"':
		g.endString()
	default:
		if g.high != 0 {
			g.fail("contains half of a UTF-16 surrogate pair (an escaped \\ud800–\\udbff without its second half)")
			return
		}
		g.keyRune(rune(c))
	}
}

var simpleEscapes = map[byte]rune{'"': '"', '\\': '\\', '/': '/', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t'}

func hexValue(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10
	}
	return 0 // not hex: the decoder refuses the document
}

// escaped handles the character of a \uXXXX escape.
func (g *jsonGuard) escaped(r rune) {
	const half = "contains half of a UTF-16 surrogate pair (an escaped \\ud800–\\udfff without its other half)"
	switch {
	case g.high != 0:
		if !utf16.IsSurrogate(r) || r < 0xdc00 {
			g.fail(half)
			return
		}
		g.keyRune(utf16.DecodeRune(g.high, r))
		g.high = 0
	case r >= 0xd800 && r < 0xdc00:
		g.high = r
	case r >= 0xdc00 && r <= 0xdfff:
		g.fail(half)
	case r == 0:
		g.fail("contains a NUL character (\\u0000)")
	default:
		g.keyRune(r)
	}
}

func (g *jsonGuard) keyRune(r rune) {
	if g.isKey && len(g.key) < maxKeyBytes {
		g.key = utf8.AppendRune(g.key, r)
	}
}

func (g *jsonGuard) endString() {
	g.inString = false
	if g.high != 0 {
		g.fail("contains half of a UTF-16 surrogate pair (an escaped \\ud800–\\udbff without its second half)")
		return
	}
	if !g.isKey {
		return
	}
	top := g.top()
	from := top.start
	for _, end := range top.keys {
		if bytes.Equal(g.keyBuf[from:end], g.key) {
			g.problem = g.problemAt(string(g.key), string(g.key), "is given twice in one object: each key may appear once")
			return
		}
		from = end
	}
	g.keyBuf = append(g.keyBuf, g.key...)
	top.keys = append(top.keys, len(g.keyBuf))
	g.expect = false
}

// fail records a problem with the string being read: in a key, the
// object it is a key of; in a value, the field it is the value of.
func (g *jsonGuard) fail(reason string) {
	if g.isKey {
		// Named by the object it is in, with what was read of it.
		g.problem = g.problemAt("", strings.ToValidUTF8(string(g.key), "\uFFFD")+"\uFFFD", "has a key that "+reason)
		return
	}
	g.problem = g.problemAt("", "", reason)
}

// problemAt builds the 400 for the current position. The path is split as
// validation errors are: the entry is the innermost object in an array
// (`stakeholders[3]`), the field what follows (`name`, `tags[1]`); key is
// the key being read, when the problem is in one.
func (g *jsonGuard) problemAt(key, value, reason string) *apiError {
	var entry, field strings.Builder
	cur := &field
	for i, f := range g.stack {
		if f.object {
			// An object inside an array element's path starts a new
			// entry: what came before is where it is.
			if i > 0 && !g.stack[i-1].object {
				if entry.Len() > 0 {
					entry.WriteByte('.')
				}
				entry.WriteString(field.String())
				field.Reset()
			}
			name := g.currentKey(i)
			if i == len(g.stack)-1 && (key != "" || g.isKey) {
				name = key
			}
			if name == "" {
				continue
			}
			if cur.Len() > 0 {
				cur.WriteByte('.')
			}
			cur.WriteString(name)
			continue
		}
		cur.WriteString("[" + strconv.Itoa(f.index) + "]")
	}
	fe := FieldError{Entry: entry.String(), Field: field.String(), Value: value, Reason: reason}
	if fe.Field == "" {
		fe.Field = "body"
	}
	where := fe.Field
	if fe.Entry != "" {
		where = fe.Entry + "." + fe.Field
	}
	return newError(http.StatusBadRequest, CodeInvalid, "invalid JSON: "+where+" "+reason, fe)
}

// currentKey is the key whose value is being read in the object at depth i.
func (g *jsonGuard) currentKey(i int) string {
	f := g.stack[i]
	if len(f.keys) == 0 {
		return ""
	}
	from := f.start
	if len(f.keys) > 1 {
		from = f.keys[len(f.keys)-2]
	}
	return string(g.keyBuf[from:f.keys[len(f.keys)-1]])
}
