package httpapi

import (
	"errors"
	"mime"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/merge"
)

// importTypes maps the content types the import route takes to the file
// name their reader expects.
var importTypes = map[string]string{
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "upload.xlsx",
	"text/csv":         "upload.csv",
	"application/json": "upload.json",
	"application/vnd.oasis.opendocument.spreadsheet": "upload.ods", // refused with advice
}

// importWorkspace merges or replaces a workspace with an uploaded
// workbook, CSV file or stakemap/v1 document (DESIGN §12). dryRun=true
// answers what it would change and writes nothing; If-Match with the
// revision a dry run reported applies exactly that, or fails with 412.
// Conflicts without prefer are a 409 that lists them.
func (s *Server) importWorkspace(c *gin.Context) {
	if s.cfg.ReadInput == nil {
		fail(c, newError(http.StatusServiceUnavailable, CodeUnavailable, "this server does not import files"))
		return
	}
	if err := checkQuery(c, []string{"mode", "dryRun", "prefer", "prune"}); err != nil {
		fail(c, err)
		return
	}
	ct := c.GetHeader("Content-Type")
	mt, _, _ := mime.ParseMediaType(ct)
	name, ok := importTypes[mt]
	if !ok {
		fail(c, newError(http.StatusUnsupportedMediaType, CodeUnsupported, "content type "+ct+" is not accepted: send an .xlsx workbook, text/csv or application/json"))
		return
	}
	dryRun, err := queryBool(c, "dryRun")
	if err != nil {
		fail(c, err)
		return
	}
	prune, err := queryBool(c, "prune")
	if err != nil {
		fail(c, err)
		return
	}
	mode := merge.Mode(c.Query("mode"))
	if mode == "" {
		mode = merge.ModeMerge
		if mt == "application/json" {
			mode = merge.ModeReplace
		}
	}
	ws := c.Param("ws")
	opt := merge.Options{Mode: mode, Prune: prune, Prefer: c.Query("prefer"), Workspace: graph.Workspace{ID: ws}}
	if err := opt.Check(); err != nil {
		fail(c, err)
		return
	}
	body := http.MaxBytesReader(c.Writer, c.Request.Body, BundleBodyLimit)
	in, err := s.cfg.ReadInput(body, name)
	if err != nil {
		if _, big := errors.AsType[*http.MaxBytesError](err); !big && !errors.Is(err, graph.ErrInvalid) {
			err = newError(http.StatusBadRequest, CodeInvalid, "unreadable file: "+err.Error(), FieldError{Field: "body", Reason: err.Error()})
		}
		fail(c, err)
		return
	}
	if in.Workspace != nil && in.Workspace.Workspace.ID != "" && in.Workspace.Workspace.ID != ws {
		// A workbook of one client must not land in another's workspace.
		fail(c, newError(http.StatusBadRequest, CodeInvalid, "the file is of workspace "+in.Workspace.Workspace.ID+", not "+ws,
			FieldError{Field: "workspace.id", Value: in.Workspace.Workspace.ID, Reason: "must equal " + ws + ", the workspace in the path"}))
		return
	}
	req := merge.Request{Input: in, Options: opt, DryRun: dryRun, Revision: ifMatchRevision(c)}
	im := &merge.Importer{Store: s.store}
	rep, err := im.Import(c.Request.Context(), req)
	if errors.Is(err, merge.ErrUnsettled) {
		fields := make([]FieldError, len(rep.Conflicts))
		for i, cf := range rep.Conflicts {
			entry := cf.Kind + " " + cf.ID
			if cf.Key != nil {
				entry = cf.Kind + " " + keyText(cf.Key)
			}
			fields[i] = FieldError{Entry: entry, Field: cf.Field, Value: string(cf.Sheet),
				Reason: "changed in the sheet (" + string(cf.Base) + " → " + string(cf.Sheet) + ") and in stakemap (→ " + string(cf.Stakemap) + "): set prefer=sheet or prefer=stakemap"}
		}
		fail(c, newError(http.StatusConflict, CodeConflict, itoa(len(fields))+" conflicts between the file and stakemap: nothing was written", fields...))
		return
	}
	if err != nil {
		fail(c, err)
		return
	}
	if rep.Revision != "" {
		c.Header("ETag", `"`+rep.Revision+`"`)
	}
	c.JSON(http.StatusOK, rep)
}

// ifMatchRevision returns the workspace revision of an If-Match header
// (the ETag GET …/workspaces/{ws} and a dry run give), or "".
func ifMatchRevision(c *gin.Context) string {
	h := strings.TrimSpace(c.GetHeader("If-Match"))
	if h == "" || h == "*" {
		return ""
	}
	return strings.Trim(strings.TrimPrefix(h, "W/"), `"`)
}

func keyText(k map[string]string) string {
	parts := make([]string, 0, len(k))
	for _, f := range []string{"stakeholder", "trajectory", "from", "to", "goal", "on", "role"} {
		if v, ok := k[f]; ok {
			parts = append(parts, v)
		}
	}
	return strings.Join(parts, " → ")
}
