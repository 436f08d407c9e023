package webui

import (
	"bytes"
	"encoding/base64"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/access"
)

// view carries what every page needs: the person, their language, the
// workspace, the forms with what was typed and what is wrong, and the
// page's own data. Templates call its methods (.T, .Enum, .Date, .Num).
type view struct {
	tr
	P       access.Principal
	WS      graph.Workspace
	HasWS   bool
	Title   string
	Nav     string
	Flash   string
	Data    any
	Today   string
	Path    string
	CanEdit bool
	IsAdmin bool
	HasMaps bool
	// HasMembers: sign-in manages who has access (not so under --no-auth).
	HasMembers bool
	// HasHistory: the backend keeps history (the history and compare pages).
	HasHistory bool
	// CanShare: the person may make share links here, and sign-in keeps
	// them.
	CanShare bool
	// HasUsers: the person administers the service's accounts.
	HasUsers bool
	Forms    map[string]*form
	// flashTaken: the page shows the flash cookie's message, and clears it.
	flashTaken bool
}

// form is one form's state: the values as typed and the problems by field,
// in the person's language. A form that was not posted is empty.
type form struct {
	Values map[string]string
	Errors map[string]string
	// Notes ask about a field before saving, without refusing it: a
	// name someone else has, a unit spelled another way.
	Notes map[string]string
	// Error is a problem of the whole form (someone else changed it).
	Error string
	// Stale marks a form refused because its item changed meanwhile.
	Stale bool
}

func newForm() *form {
	return &form{Values: map[string]string{}, Errors: map[string]string{}, Notes: map[string]string{}}
}

// N returns the note on field, or "".
func (f *form) N(field string) string { return f.Notes[field] }

// V returns the value typed into field.
func (f *form) V(field string) string { return f.Values[field] }

// E returns the problem of field, or "".
func (f *form) E(field string) string { return f.Errors[field] }

// Bad reports whether the form has any problem.
func (f *form) Bad() bool { return len(f.Errors) > 0 || f.Error != "" }

// Checked reports whether a checkbox field is on.
func (f *form) Checked(field string) bool {
	v := f.Values[field]
	return v == "on" || v == "true" || v == "1"
}

// Form returns the state of the named form, empty when it was not posted.
func (v *view) Form(name string) *form {
	if f, ok := v.Forms[name]; ok {
		return f
	}
	return newForm()
}

// U builds a path inside the workspace: .U "stakeholders" "cfo" →
// /w/oostvoorde/stakeholders/cfo, each part escaped.
func (v *view) U(parts ...string) string {
	var b strings.Builder
	b.WriteString("/w/")
	b.WriteString(url.PathEscape(v.WS.ID))
	for _, p := range parts {
		b.WriteByte('/')
		b.WriteString(url.PathEscape(p))
	}
	return b.String()
}

// Lang is the page's language, for the html element.
func (v *view) Lang() string { return v.lang }

var funcs = template.FuncMap{
	"seq": func(from, to int) []int {
		var out []int
		if from <= to {
			for i := from; i <= to; i++ {
				out = append(out, i)
			}
		} else {
			for i := from; i >= to; i-- {
				out = append(out, i)
			}
		}
		return out
	},
	"join":  strings.Join,
	"query": func(v url.Values) template.URL { return template.URL(v.Encode()) },
	"itoa":  strconv.Itoa,
}

// The pages are strict about what they load: no inline script or style,
// nothing from elsewhere, and never in a frame.
const pageCSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// render writes a page. Pages hold personal data, so no cache keeps them.
func (s *Server) render(w http.ResponseWriter, v *view, name string, status int) {
	t, ok := s.pages[name]
	if !ok {
		s.log.Error("webui: no template", "page", name)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		s.log.Error("webui: render", "page", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	if v.flashTaken {
		http.SetCookie(w, &http.Cookie{Name: flashCookie, Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteStrictMode})
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", pageCSP)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// fail shows the error page that fits err: 404 for what does not exist (or
// is not the person's to see), 403 for a role that does not allow it, and
// otherwise 500, logged without the request's details.
func (s *Server) fail(w http.ResponseWriter, v *view, err error) {
	status, key := http.StatusInternalServerError, "err.internal"
	switch {
	case errors.Is(err, graph.ErrNotFound):
		status, key = http.StatusNotFound, "err.notfound"
	case errors.Is(err, errForbidden):
		status, key = http.StatusForbidden, "err.forbidden"
	case errors.Is(err, access.ErrGone):
		status, key = http.StatusGone, "err.linkgone"
	default:
		s.log.Error("webui: request failed", "err", err)
	}
	v.Title = v.T(key)
	v.Data = key + ".text"
	v.Nav = ""
	s.render(w, v, "error", status)
}

var errForbidden = errors.New("forbidden")

// seeOther answers a successful POST: the browser GETs the page it should
// see next, so a reload never posts twice. A script that posted with
// X-Stakemap-Fetch gets 204 instead.
func seeOther(w http.ResponseWriter, r *http.Request, to string) {
	if r.Header.Get("X-Stakemap-Fetch") != "" {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// withFlash adds a message key for the next page to show.
func withFlash(path, key string) string {
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	return path + sep + "ok=" + url.QueryEscape(key)
}

// flashCookie carries a message that names something (who was deleted)
// to the next page: a query parameter would let any link show any text.
const flashCookie = "stakemap_flash"

// setFlash asks the next page this browser opens to show text, once.
func setFlash(w http.ResponseWriter, r *http.Request, text string) {
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: base64.RawURLEncoding.EncodeToString([]byte(text)), Path: "/",
		MaxAge: 120, HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil})
}

// takeFlash reads the message setFlash left, or "".
func takeFlash(r *http.Request) string {
	c, err := r.Cookie(flashCookie)
	if err != nil {
		return ""
	}
	b, err := base64.RawURLEncoding.DecodeString(c.Value)
	if err != nil || !utf8.Valid(b) || len(b) > 600 {
		return ""
	}
	return string(b)
}

// flashKeys are the messages a redirect may ask the next page to show;
// nothing else from the query is ever shown as a message.
var flashKeys = map[string]bool{"saved": true, "deleted": true, "ov.logged": true, "sh.revokedok": true}

// refused is the status of a page that shows a refused form again (bad
// input, a wrong password, a change made meanwhile). It is 200: the page
// is what the person should see, and Chromium writes every error status
// of a page to the console, where no page of ours may write errors.
const refused = http.StatusOK
