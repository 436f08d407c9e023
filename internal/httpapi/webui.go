package httpapi

import (
	"bytes"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"

	"github.com/stakemap/stakemap/web"
)

// The page is read-only and talks to the API with the user's token; the
// server only picks the initial language from Accept-Language.

var (
	pageOnce sync.Once
	pageTmpl *template.Template
	pageErr  error
)

const pageCSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

func (s *Server) page(c *gin.Context) {
	pageOnce.Do(func() { pageTmpl, pageErr = template.ParseFS(web.FS, "index.html") })
	if pageErr != nil {
		fail(c, pageErr)
		return
	}
	var buf bytes.Buffer
	if err := pageTmpl.Execute(&buf, struct{ Lang string }{preferredLang(c.GetHeader("Accept-Language"))}); err != nil {
		fail(c, err)
		return
	}
	c.Header("Content-Security-Policy", pageCSP)
	c.Header("X-Content-Type-Options", "nosniff")
	c.Header("Referrer-Policy", "no-referrer")
	c.Header("Vary", "Accept-Language")
	c.Data(http.StatusOK, "text/html; charset=utf-8", buf.Bytes())
}

// preferredLang returns "en" or "nl", whichever the Accept-Language header
// names first; Dutch (and Flemish) when it names neither.
func preferredLang(h string) string {
	for _, part := range strings.Split(h, ",") {
		tag, _, _ := strings.Cut(strings.TrimSpace(part), ";")
		base, _, _ := strings.Cut(strings.ToLower(tag), "-")
		if base == "nl" || base == "en" {
			return base
		}
	}
	return "nl"
}

var assetTypes = map[string]string{".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8"}

func (s *Server) asset(c *gin.Context) {
	name := path.Clean("static/" + strings.TrimPrefix(c.Param("file"), "/"))
	ct, ok := assetTypes[path.Ext(name)]
	if !ok || !strings.HasPrefix(name, "static/") {
		fail(c, newError(http.StatusNotFound, CodeNotFound, "no such asset"))
		return
	}
	data, err := fs.ReadFile(web.FS, name)
	if err != nil {
		fail(c, newError(http.StatusNotFound, CodeNotFound, "no such asset"))
		return
	}
	c.Header("X-Content-Type-Options", "nosniff")
	c.Header("Cache-Control", "no-cache")
	c.Data(http.StatusOK, ct, data)
}
