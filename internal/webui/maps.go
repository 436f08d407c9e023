package webui

import (
	"cmp"
	"errors"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/stakemap/stakemap/graph"
)

// mapKinds and mapFormats are the maps and formats the pages offer.
var (
	mapKinds   = []string{"stakeholders", "grid", "path", "dependencies"}
	mapFormats = []string{"svg", "png", "pdf"}
)

type download struct{ Label, Href string }

type mapsData struct {
	Trajs     []*graph.Trajectory
	Preview   string
	Downloads []download
	Caption   string
	// Share opens the share form for this map, as shown.
	Share string
	// Deck downloads the PowerPoint deck of the trajectory shown (every
	// active one for the whole workspace); empty without decks.
	Deck string
}

// mapsPage offers every map: kind, trajectory, language and anonymised,
// shown as a preview with downloads in SVG, PNG and PDF.
func (s *Server) mapsPage(w http.ResponseWriter, r *http.Request, v *view) {
	if s.cfg.Renderer == nil {
		s.fail(w, v, graph.ErrNotFound)
		return
	}
	d, err := s.load(r.Context(), v.WS.ID)
	if err != nil {
		s.fail(w, v, err)
		return
	}
	q := r.URL.Query()
	f := newForm()
	f.Values = map[string]string{"map": q.Get("map"), "trajectory": q.Get("trajectory"), "language": q.Get("language"), "anonymize": q.Get("anonymize")}
	if !slices.Contains(enumValues["map"], f.Values["map"]) {
		f.Values["map"] = "stakeholders"
	}
	if !slices.Contains(graph.Languages, f.Values["language"]) {
		f.Values["language"] = v.lang
	}
	if d.trajs[f.Values["trajectory"]] == nil {
		f.Values["trajectory"] = ""
	}
	md := mapsData{}
	for i := range d.B.Trajectories {
		md.Trajs = append(md.Trajs, &d.B.Trajectories[i])
	}
	slices.SortFunc(md.Trajs, func(a, b *graph.Trajectory) int { return cmp.Compare(graph.FoldName(a.Name), graph.FoldName(b.Name)) })
	params := url.Values{"lang": {f.Values["language"]}}
	if t := f.Values["trajectory"]; t != "" {
		params.Set("trajectory", t)
	}
	if f.Checked("anonymize") {
		params.Set("anonymize", "true")
	}
	kind := f.Values["map"]
	md.Preview = v.U("maps", kind+".svg") + "?" + params.Encode()
	of := v.WS.Name
	if t := d.trajs[f.Values["trajectory"]]; t != nil {
		of = t.Name
	}
	md.Caption = v.T("m.alt", v.Enum("map", kind), of)
	if v.CanShare {
		sq := url.Values{"target": {"map:" + kind}, "lang": {f.Values["language"]}}
		if t := f.Values["trajectory"]; t != "" {
			sq.Set("trajectory", t)
		}
		md.Share = v.U("share") + "?" + sq.Encode()
	}
	params.Set("download", "1")
	for _, format := range mapFormats {
		md.Downloads = append(md.Downloads, download{Label: strings.ToUpper(format), Href: v.U("maps", kind+"."+format) + "?" + params.Encode()})
	}
	if _, ok := s.cfg.Renderer.(DeckRenderer); ok {
		params.Del("download")
		md.Deck = v.U("deck.pptx") + "?" + params.Encode()
	}
	v.Forms = map[string]*form{"map": f}
	v.Title, v.Nav, v.Data = v.T("m.title"), "maps", md
	s.render(w, v, "maps", http.StatusOK)
}

// mapImage draws one map for an img element or a download.
func (s *Server) mapImage(w http.ResponseWriter, r *http.Request, v *view) {
	if s.cfg.Renderer == nil {
		s.fail(w, v, graph.ErrNotFound)
		return
	}
	kind, format, _ := strings.Cut(r.PathValue("file"), ".")
	if !slices.Contains(mapKinds, kind) || !slices.Contains(mapFormats, format) {
		s.fail(w, v, graph.ErrNotFound)
		return
	}
	q := r.URL.Query()
	req := MapRequest{Kind: kind, Format: format, Trajectory: q.Get("trajectory"), From: q.Get("from"), To: q.Get("to"),
		Mode: q.Get("mode"), Lang: q.Get("lang"), Anonymize: q.Get("anonymize") == "true", Attachment: q.Get("download") == "1", AsOf: v.Today}
	if !slices.Contains(graph.Languages, req.Lang) {
		req.Lang = v.lang
	}
	if k, err := strconv.Atoi(q.Get("k")); err == nil {
		req.K = min(max(k, 1), MaxK)
	}
	d, err := s.load(r.Context(), v.WS.ID)
	if err != nil {
		s.fail(w, v, err)
		return
	}
	res, err := s.cfg.Renderer.RenderMap(r.Context(), d.B, req)
	if err != nil {
		if errors.Is(err, graph.ErrInvalid) || errors.Is(err, graph.ErrNotFound) {
			http.Error(w, v.T("err.notfound.text"), http.StatusNotFound)
			return
		}
		s.log.Error("webui: render map", "kind", kind, "format", format, "err", err)
		http.Error(w, v.T("err.internal.text"), http.StatusServiceUnavailable)
		return
	}
	h := w.Header()
	h.Set("Content-Type", res.ContentType)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, no-cache")
	// An SVG opened on its own runs no script and loads nothing.
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:")
	if req.Attachment {
		name := res.FileName
		if name == "" {
			name = kind + "." + format
		}
		h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	}
	w.Write(res.Data)
}

// deck downloads the PowerPoint deck of one trajectory or of every
// active one, in the language and anonymisation the maps page shows.
func (s *Server) deck(w http.ResponseWriter, r *http.Request, v *view) {
	decks, ok := s.cfg.Renderer.(DeckRenderer)
	if !ok {
		s.fail(w, v, graph.ErrNotFound)
		return
	}
	q := r.URL.Query()
	req := DeckRequest{Trajectory: q.Get("trajectory"), Lang: q.Get("lang"), Anonymize: q.Get("anonymize") == "true", AsOf: v.Today}
	if !slices.Contains(graph.Languages, req.Lang) {
		req.Lang = v.lang
	}
	d, err := s.load(r.Context(), v.WS.ID)
	if err != nil {
		s.fail(w, v, err)
		return
	}
	if req.Trajectory != "" && d.trajs[req.Trajectory] == nil {
		s.fail(w, v, graph.ErrNotFound)
		return
	}
	res, err := decks.RenderDeck(r.Context(), d.B, req)
	if err != nil {
		s.log.Error("webui: render deck", "trajectory", req.Trajectory, "err", err)
		http.Error(w, v.T("err.internal.text"), http.StatusServiceUnavailable)
		return
	}
	h := w.Header()
	h.Set("Content-Type", res.ContentType)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, no-cache")
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": cmp.Or(res.FileName, "stakemap.pptx")}))
	w.Write(res.Data)
}
