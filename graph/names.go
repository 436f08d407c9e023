package graph

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// People type names, not ids: a spreadsheet register has no id column, a
// form asks for a name, an assistant says "the CFO". These helpers turn
// names into ids and find what a typed name means, the same way on every
// surface (DESIGN §2 and §12).

// foldTable maps the accented Latin letters of Dutch, German, French and
// the Nordic and Central European languages to their base letters.
var foldTable = map[rune]string{
	'à': "a", 'á': "a", 'â': "a", 'ã': "a", 'ä': "a", 'å': "a", 'ā': "a", 'ă': "a", 'ą': "a",
	'æ': "ae", 'ç': "c", 'ć': "c", 'č': "c", 'ď': "d", 'đ': "d", 'ð': "d",
	'è': "e", 'é': "e", 'ê': "e", 'ë': "e", 'ē': "e", 'ė': "e", 'ę': "e", 'ě': "e",
	'ì': "i", 'í': "i", 'î': "i", 'ï': "i", 'ī': "i", 'į': "i", 'ı': "i", 'ĳ': "ij",
	'ł': "l", 'ľ': "l", 'ĺ': "l", 'ñ': "n", 'ń': "n", 'ň': "n",
	'ò': "o", 'ó': "o", 'ô': "o", 'õ': "o", 'ö': "o", 'ø': "o", 'ō': "o", 'ő': "o", 'œ': "oe",
	'ŕ': "r", 'ř': "r", 'ś': "s", 'š': "s", 'ş': "s", 'ș': "s", 'ß': "ss",
	'ť': "t", 'ţ': "t", 'ț': "t", 'þ': "th",
	'ù': "u", 'ú': "u", 'û': "u", 'ü': "u", 'ū': "u", 'ů': "u", 'ű': "u", 'ų': "u",
	'ý': "y", 'ÿ': "y", 'ź': "z", 'ż': "z", 'ž': "z",
}

// FoldName is the form in which names are compared: lower case, accents
// removed, runs of spaces, punctuation and dashes made one space, trimmed.
// "  Jan de  Vriës " and "jan de vries" fold alike.
func FoldName(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range strings.ToLower(s) {
		if f, ok := foldTable[r]; ok {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteString(f)
			continue
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
			continue
		}
		space = true
	}
	return b.String()
}

// Slug makes an id from a name: "Jan de Vries" → "jan-de-vries",
// "Dr. Anouk Brouwer-Smit" → "dr-anouk-brouwer-smit". Letters outside the
// id alphabet are dropped; a name with nothing usable gives "".
func Slug(name string) string {
	var b strings.Builder
	for _, word := range strings.Fields(FoldName(name)) {
		var w strings.Builder
		for _, r := range word {
			if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
				w.WriteRune(r)
			}
		}
		if w.Len() == 0 {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('-')
		}
		b.WriteString(w.String())
	}
	s := b.String()
	if len(s) > 60 { // room for a "-NN" suffix within the 64 of an id
		s = strings.TrimRight(s[:60], "-")
	}
	return s
}

// NewID returns an id for a node named name that taken does not report as
// used: the name's slug, then slug-2, slug-3, …. fallback is the base
// when the name gives no slug (an engagement's date, say, or "node").
func NewID(name, fallback string, taken func(id string) bool) string {
	base := Slug(name)
	if base == "" {
		base = Slug(fallback)
	}
	if base == "" {
		base = "node"
	}
	if !taken(base) {
		return base
	}
	for n := 2; ; n++ {
		id := base + "-" + strconv.Itoa(n)
		if !taken(id) {
			return id
		}
	}
}

// Distance is the edit distance between a and b (insertions, deletions
// and substitutions of one character, each costing one), counted in
// characters, not bytes.
func Distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// MaxSuggestDistance is how far a typed word may be from a known one to be
// offered as "did you mean": two edits (voorstandr → voorstander,
// managment → management).
const MaxSuggestDistance = 2

// Suggest returns the candidates closest to typed, compared as FoldName
// forms, at most MaxSuggestDistance edits away, best first (ties keep the
// candidates' order). A short word gets no suggestion further than a third
// of its length, so "ja" never suggests "jan".
func Suggest(typed string, candidates []string) []string {
	t := FoldName(typed)
	limit := min(MaxSuggestDistance, max(1, utf8.RuneCountInString(t)/3))
	type hit struct {
		s string
		d int
	}
	var hits []hit
	n := utf8.RuneCountInString(t)
	for _, c := range candidates {
		fc := FoldName(c)
		// Lengths further apart than the limit cannot be within it: skip
		// the quadratic distance, which matters with thousands of names.
		if m := utf8.RuneCountInString(fc); m-n > limit || n-m > limit {
			continue
		}
		if d := Distance(t, fc); d <= limit {
			hits = append(hits, hit{c, d})
		}
	}
	out := make([]string, 0, len(hits))
	for d := 0; d <= limit; d++ {
		for _, h := range hits {
			if h.d == d {
				out = append(out, h.s)
			}
		}
	}
	return out
}

// NameIndex finds nodes by what people type for them: their id, or their
// name compared as FoldName forms. Build it with NewNameIndex.
type NameIndex struct {
	ids    map[string]bool
	byName map[string][]string // folded name → ids, in the order added
	names  map[string]string   // id → name
	order  []string            // names in the order added, for suggestions
}

// NewNameIndex makes an empty index.
func NewNameIndex() *NameIndex {
	return &NameIndex{ids: map[string]bool{}, byName: map[string][]string{}, names: map[string]string{}}
}

// Add records a node's id and name.
func (x *NameIndex) Add(id, name string) {
	if x.ids[id] {
		return
	}
	x.ids[id] = true
	x.names[id] = name
	f := FoldName(name)
	if f != "" {
		if len(x.byName[f]) == 0 {
			x.order = append(x.order, name)
		}
		x.byName[f] = append(x.byName[f], id)
	}
}

// Has reports whether id is in the index.
func (x *NameIndex) Has(id string) bool { return x.ids[id] }

// Name returns the name recorded for id.
func (x *NameIndex) Name(id string) string { return x.names[id] }

// Resolve says which id typed means: an id in the index as written (or in
// lower case), else the one node whose name folds to the same form. It
// returns "" and the candidates when typed matches several names, and ""
// with suggestions (Suggest over the names) when it matches none.
func (x *NameIndex) Resolve(typed string) (id string, ambiguous, suggestions []string) {
	t := strings.TrimSpace(typed)
	if x.ids[t] {
		return t, nil, nil
	}
	if l := strings.ToLower(t); x.ids[l] {
		return l, nil, nil
	}
	switch ids := x.byName[FoldName(t)]; len(ids) {
	case 0:
		return "", nil, Suggest(t, x.order)
	case 1:
		return ids[0], nil, nil
	default:
		return "", ids, nil
	}
}
