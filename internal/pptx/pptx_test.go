package pptx_test

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"image"
	"image/color"
	"image/png"
	"io"
	"path"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stakemap/stakemap/internal/pptx"
)

func tinyPNG(tb testing.TB, c color.Color) []byte {
	tb.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 16, 9))
	for y := range 9 {
		for x := range 16 {
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

func sampleDeck(tb testing.TB) *pptx.Deck {
	return &pptx.Deck{
		Title: "Gemeente <Oostvoorde> & co", Creator: "stakemap", Lang: "nl-NL",
		Created: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC),
		Slides: []pptx.Slide{
			{Shapes: []pptx.Shape{{X: 40, Y: 200, W: 880, H: 100, Text: []pptx.Paragraph{{Runs: []pptx.Run{{Text: "Titel met ë & <tags>", Size: 40, Bold: true}}}}}},
				Notes: []string{"Eerste notitie", "Tweede notitie"}},
			{Shapes: []pptx.Shape{{X: 0, Y: 0, W: 960, H: 540, PNG: tinyPNG(tb, color.RGBA{200, 0, 0, 255}), Descr: "kaart"}}},
			{Shapes: []pptx.Shape{
				{X: 0, Y: 0, W: 480, H: 540, PNG: tinyPNG(tb, color.RGBA{0, 200, 0, 255})},
				{X: 480, Y: 20, W: 460, H: 500, Fill: "F2F2F2", Text: []pptx.Paragraph{
					{Bullet: true, Runs: []pptx.Run{{Text: "HOOG ", Bold: true, Colour: "B04A00"}, {Text: "geen sponsor\x00"}}},
					{Centre: true, SpaceBefore: 6, Runs: []pptx.Run{{Text: "regel twee", Size: 14}}},
				}},
			}, Notes: []string{"Definitie"}},
		},
	}
}

func write(tb testing.TB, d *pptx.Deck) []byte {
	tb.Helper()
	var b bytes.Buffer
	if err := d.Write(&b); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

// TestPackageStructure checks what PowerPoint insists on: every part has a
// content type, every relationship points at a part that exists (and
// every part but the content types and relationships is reached by one),
// every XML part is well-formed, slide ids are unique and at least 256,
// the master and layout ids unique and at least 2^31, every slide has a
// layout and notes, and the slide size is 16:9.
func TestPackageStructure(t *testing.T) {
	data := write(t, sampleDeck(t))
	z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	if z.File[0].Name != "[Content_Types].xml" {
		t.Errorf("first part is %s, want [Content_Types].xml", z.File[0].Name)
	}
	parts := map[string][]byte{}
	for _, f := range z.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		if _, dup := parts[f.Name]; dup {
			t.Errorf("part %s twice", f.Name)
		}
		parts[f.Name] = b
	}
	for name, b := range parts {
		if strings.HasSuffix(name, ".xml") || strings.HasSuffix(name, ".rels") {
			dec := xml.NewDecoder(bytes.NewReader(b))
			for {
				if _, err := dec.Token(); err == io.EOF {
					break
				} else if err != nil {
					t.Errorf("%s is not well-formed XML: %v", name, err)
					break
				}
			}
		}
	}

	// Content types.
	var types struct {
		Defaults []struct {
			Ext string `xml:"Extension,attr"`
			CT  string `xml:"ContentType,attr"`
		} `xml:"Default"`
		Overrides []struct {
			Part string `xml:"PartName,attr"`
			CT   string `xml:"ContentType,attr"`
		} `xml:"Override"`
	}
	if err := xml.Unmarshal(parts["[Content_Types].xml"], &types); err != nil {
		t.Fatal(err)
	}
	ct := map[string]string{}
	for _, o := range types.Overrides {
		if _, ok := parts[strings.TrimPrefix(o.Part, "/")]; !ok {
			t.Errorf("content type for missing part %s", o.Part)
		}
		ct[strings.TrimPrefix(o.Part, "/")] = o.CT
	}
	byExt := map[string]string{}
	for _, d := range types.Defaults {
		byExt[d.Ext] = d.CT
	}
	for name := range parts {
		if name == "[Content_Types].xml" {
			continue
		}
		if ct[name] == "" && byExt[strings.TrimPrefix(path.Ext(name), ".")] == "" {
			t.Errorf("part %s has no content type", name)
		}
	}
	for part, want := range map[string]string{
		"ppt/presentation.xml":            "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
		"ppt/slides/slide1.xml":           "application/vnd.openxmlformats-officedocument.presentationml.slide+xml",
		"ppt/notesSlides/notesSlide3.xml": "application/vnd.openxmlformats-officedocument.presentationml.notesSlide+xml",
	} {
		if ct[part] != want {
			t.Errorf("%s has content type %q, want %q", part, ct[part], want)
		}
	}

	// Relationships: each target exists; every part is reached.
	type relationship struct {
		ID     string `xml:"Id,attr"`
		Type   string `xml:"Type,attr"`
		Target string `xml:"Target,attr"`
	}
	relsOf := map[string][]relationship{} // source part → its relationships
	reached := map[string]bool{}
	for name, b := range parts {
		if !strings.HasSuffix(name, ".rels") {
			continue
		}
		var rs struct {
			Rels []relationship `xml:"Relationship"`
		}
		if err := xml.Unmarshal(b, &rs); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		// a/_rels/b.xml.rels holds the relationships of a/b.xml; _rels/.rels
		// those of the package.
		source := path.Join(path.Dir(path.Dir(name)), strings.TrimSuffix(path.Base(name), ".rels"))
		if name == "_rels/.rels" {
			source = ""
		}
		if source != "" {
			if _, ok := parts[source]; !ok {
				t.Errorf("%s belongs to missing part %s", name, source)
			}
		}
		ids := map[string]bool{}
		for _, r := range rs.Rels {
			if ids[r.ID] {
				t.Errorf("%s: relationship id %s twice", name, r.ID)
			}
			ids[r.ID] = true
			target := path.Clean(path.Join(path.Dir(source), r.Target))
			if _, ok := parts[target]; !ok {
				t.Errorf("%s: %s points at missing part %s", name, r.ID, target)
			}
			reached[target] = true
		}
		relsOf[source] = rs.Rels
	}
	for name := range parts {
		if name != "[Content_Types].xml" && !strings.HasSuffix(name, ".rels") && !reached[name] {
			t.Errorf("part %s is reached by no relationship", name)
		}
	}

	// The presentation: ids, r:ids, size.
	type idRef struct{ id, rid string }
	var pres struct {
		masters, slides []idRef
		cx, cy          string
	}
	dec := xml.NewDecoder(bytes.NewReader(parts["ppt/presentation.xml"]))
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		el, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		var ref idRef
		attr := map[string]string{}
		for _, a := range el.Attr {
			switch {
			case a.Name.Local == "id" && a.Name.Space == "http://schemas.openxmlformats.org/officeDocument/2006/relationships":
				ref.rid = a.Value
			case a.Name.Local == "id":
				ref.id = a.Value
			default:
				attr[a.Name.Local] = a.Value
			}
		}
		switch el.Name.Local {
		case "sldMasterId":
			pres.masters = append(pres.masters, ref)
		case "sldId":
			pres.slides = append(pres.slides, ref)
		case "sldSz":
			pres.cx, pres.cy = attr["cx"], attr["cy"]
		}
	}
	if pres.cx != "12192000" || pres.cy != "6858000" {
		t.Errorf("slide size %s × %s EMU, want 12192000 × 6858000 (16:9)", pres.cx, pres.cy)
	}
	presRels := map[string]relationship{}
	for _, r := range relsOf["ppt/presentation.xml"] {
		presRels[r.ID] = r
	}
	if len(pres.slides) != 3 {
		t.Fatalf("%d slides, want 3", len(pres.slides))
	}
	seen := map[string]bool{}
	for i, s := range pres.slides {
		id, _ := strconv.Atoi(s.id)
		if id < 256 || seen[s.id] {
			t.Errorf("slide id %s: not unique or below 256", s.id)
		}
		seen[s.id] = true
		r, ok := presRels[s.rid]
		if !ok || !strings.HasSuffix(r.Type, "/slide") {
			t.Errorf("slide %d: r:id %s is not a slide relationship", i+1, s.rid)
			continue
		}
		slide := path.Join("ppt", r.Target)
		var hasLayout, hasNotes bool
		for _, sr := range relsOf[slide] {
			hasLayout = hasLayout || strings.HasSuffix(sr.Type, "/slideLayout")
			hasNotes = hasNotes || strings.HasSuffix(sr.Type, "/notesSlide")
		}
		if !hasLayout || !hasNotes {
			t.Errorf("%s: layout %v, notes %v", slide, hasLayout, hasNotes)
		}
	}
	for _, m := range pres.masters {
		id, _ := strconv.ParseInt(m.id, 10, 64)
		if id < 1<<31 {
			t.Errorf("master id %s below 2^31", m.id)
		}
		if r, ok := presRels[m.rid]; !ok || !strings.HasSuffix(r.Type, "/slideMaster") {
			t.Errorf("master r:id %s is not a slide master relationship", m.rid)
		}
	}
	if !bytes.Contains(parts["ppt/slides/slide1.xml"], []byte("Titel met ë &amp; &lt;tags&gt;")) {
		t.Errorf("slide 1 lacks its escaped text")
	}
	if bytes.Contains(parts["ppt/slides/slide3.xml"], []byte("\x00")) {
		t.Errorf("a NUL reached the XML")
	}
	if !bytes.Contains(parts["ppt/notesSlides/notesSlide1.xml"], []byte("Tweede notitie")) {
		t.Errorf("notes of slide 1 lack their text")
	}
}

// TestDeterministic: the same deck gives the same bytes, whenever it is
// written.
func TestDeterministic(t *testing.T) {
	a := write(t, sampleDeck(t))
	time.Sleep(1100 * time.Millisecond)
	b := write(t, sampleDeck(t))
	if !bytes.Equal(a, b) {
		t.Error("two writes of one deck differ")
	}
}

// TestRefusals: a deck without slides, and a picture that is not a PNG.
func TestRefusals(t *testing.T) {
	var b bytes.Buffer
	if err := (&pptx.Deck{}).Write(&b); err == nil {
		t.Error("a deck without slides was written")
	}
	d := &pptx.Deck{Slides: []pptx.Slide{{Shapes: []pptx.Shape{{W: 10, H: 10, PNG: []byte("GIF89a")}}}}}
	if err := d.Write(&b); err == nil || !strings.Contains(err.Error(), "PNG") {
		t.Errorf("a GIF as PNG: err = %v", err)
	}
}
