// Package pptx writes PowerPoint presentations (Office Open XML,
// PresentationML): 16:9 slides of pictures and text boxes, with speaker
// notes. It writes the smallest package PowerPoint and LibreOffice Impress
// accept: content types, relationships, one slide master and layout, a
// theme, a notes master, and per slide its notes. Output is deterministic:
// the same deck gives the same bytes (fixed timestamps, fixed order).
//
// There is no maintained pure-Go writer for this: the ones on the module
// proxy either write title-and-picture slides only or need a paid
// licence, so stakemap keeps its own, small and tested against
// LibreOffice.
package pptx

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Slide size of a 16:9 deck in points: 13.333 × 7.5 inches.
const (
	SlideWidth  = 960.0
	SlideHeight = 540.0
)

// emuPerPt converts points to English Metric Units, OOXML's length unit.
const emuPerPt = 12700

// Deck is a presentation.
type Deck struct {
	// Title and Creator go into the document properties.
	Title, Creator string
	// Created is written as the creation and modification time, and as the
	// time of every file in the package, so that the same deck gives the
	// same bytes.
	Created time.Time
	// Lang is the language of the text, e.g. "nl-NL" or "en-GB".
	Lang string
	// Slides are the slides in order.
	Slides []Slide
}

// Slide is one slide: shapes drawn in order, and speaker notes.
type Slide struct {
	Shapes []Shape
	// Notes are the paragraphs of the speaker notes.
	Notes []string
}

// Shape is a picture (when PNG is set) or a text box, placed in points
// from the slide's top-left corner.
type Shape struct {
	X, Y, W, H float64
	// PNG is the picture's image.
	PNG []byte
	// Descr is a picture's alternative text.
	Descr string
	// Text is a text box's paragraphs.
	Text []Paragraph
	// Fill is a text box's background colour (RRGGBB), "" for none.
	Fill string
	// Inset is the text box's inner margin in points (default 7.2).
	Inset float64
}

// Paragraph is one paragraph of a text box.
type Paragraph struct {
	Runs []Run
	// Bullet starts the paragraph with a bullet.
	Bullet bool
	// Centre centres the paragraph.
	Centre bool
	// SpaceBefore is extra space above the paragraph, in points.
	SpaceBefore float64
}

// Run is text in one style.
type Run struct {
	Text string
	// Size in points; 0 is 18.
	Size float64
	Bold bool
	// Colour is RRGGBB; "" is the theme's text colour.
	Colour string
}

// ContentType is the MIME type of a .pptx file.
const ContentType = "application/vnd.openxmlformats-officedocument.presentationml.presentation"

// Relationship types and content types of the parts.
const (
	relOffice      = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
	relCore        = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
	relApp         = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties"
	relSlide       = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/slide"
	relMaster      = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/slideMaster"
	relLayout      = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/slideLayout"
	relTheme       = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme"
	relImage       = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"
	relNotesSlide  = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/notesSlide"
	relNotesMaster = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/notesMaster"
	relPresProps   = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/presProps"
	relViewProps   = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/viewProps"
	relTableStyles = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/tableStyles"

	ctPresentation = "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
	ctSlide        = "application/vnd.openxmlformats-officedocument.presentationml.slide+xml"
	ctMaster       = "application/vnd.openxmlformats-officedocument.presentationml.slideMaster+xml"
	ctLayout       = "application/vnd.openxmlformats-officedocument.presentationml.slideLayout+xml"
	ctTheme        = "application/vnd.openxmlformats-officedocument.theme+xml"
	ctNotesSlide   = "application/vnd.openxmlformats-officedocument.presentationml.notesSlide+xml"
	ctNotesMaster  = "application/vnd.openxmlformats-officedocument.presentationml.notesMaster+xml"
	ctPresProps    = "application/vnd.openxmlformats-officedocument.presentationml.presProps+xml"
	ctViewProps    = "application/vnd.openxmlformats-officedocument.presentationml.viewProps+xml"
	ctTableStyles  = "application/vnd.openxmlformats-officedocument.presentationml.tableStyles+xml"
	ctCore         = "application/vnd.openxmlformats-package.core-properties+xml"
	ctApp          = "application/vnd.openxmlformats-officedocument.extended-properties+xml"
	ctRels         = "application/vnd.openxmlformats-package.relationships+xml"
)

// Namespaces.
const (
	nsP   = "http://schemas.openxmlformats.org/presentationml/2006/main"
	nsA   = "http://schemas.openxmlformats.org/drawingml/2006/main"
	nsR   = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
	nsRel = "http://schemas.openxmlformats.org/package/2006/relationships"
	nsCT  = "http://schemas.openxmlformats.org/package/2006/content-types"
)

const xmlHeader = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"

// pngMagic starts every PNG file.
var pngMagic = []byte("\x89PNG\r\n\x1a\n")

// Write writes the deck as a .pptx package.
func (d *Deck) Write(w io.Writer) error {
	if len(d.Slides) == 0 {
		return errors.New("pptx: a deck needs at least one slide")
	}
	p := &pkg{created: d.Created.UTC().Truncate(time.Second)}
	if p.created.IsZero() {
		p.created = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	lang := d.Lang
	if lang == "" {
		lang = "en-GB"
	}
	overrides := map[string]string{
		"/ppt/presentation.xml":              ctPresentation,
		"/ppt/slideMasters/slideMaster1.xml": ctMaster,
		"/ppt/slideLayouts/slideLayout1.xml": ctLayout,
		"/ppt/notesMasters/notesMaster1.xml": ctNotesMaster,
		"/ppt/theme/theme1.xml":              ctTheme,
		"/ppt/theme/theme2.xml":              ctTheme,
		"/ppt/presProps.xml":                 ctPresProps,
		"/ppt/viewProps.xml":                 ctViewProps,
		"/ppt/tableStyles.xml":               ctTableStyles,
		"/docProps/core.xml":                 ctCore,
		"/docProps/app.xml":                  ctApp,
	}
	for i := range d.Slides {
		overrides[fmt.Sprintf("/ppt/slides/slide%d.xml", i+1)] = ctSlide
		overrides[fmt.Sprintf("/ppt/notesSlides/notesSlide%d.xml", i+1)] = ctNotesSlide
	}
	p.add("[Content_Types].xml", contentTypes(overrides))
	p.add("_rels/.rels", rels([]rel{{"rId1", relOffice, "ppt/presentation.xml"}, {"rId2", relCore, "docProps/core.xml"}, {"rId3", relApp, "docProps/app.xml"}}))
	p.add("docProps/core.xml", coreProps(d.Title, d.Creator, p.created))
	p.add("docProps/app.xml", appProps(len(d.Slides)))

	presRels := []rel{{"rId1", relMaster, "slideMasters/slideMaster1.xml"}, {"rId2", relNotesMaster, "notesMasters/notesMaster1.xml"},
		{"rId3", relTheme, "theme/theme1.xml"}, {"rId4", relPresProps, "presProps.xml"}, {"rId5", relViewProps, "viewProps.xml"},
		{"rId6", relTableStyles, "tableStyles.xml"}}
	var sldIDs strings.Builder
	for i := range d.Slides {
		id := fmt.Sprintf("rId%d", 7+i)
		presRels = append(presRels, rel{id, relSlide, fmt.Sprintf("slides/slide%d.xml", i+1)})
		fmt.Fprintf(&sldIDs, `<p:sldId id="%d" r:id="%s"/>`, 256+i, id)
	}
	p.add("ppt/presentation.xml", xmlHeader+`<p:presentation xmlns:a="`+nsA+`" xmlns:r="`+nsR+`" xmlns:p="`+nsP+`" saveSubsetFonts="1">`+
		`<p:sldMasterIdLst><p:sldMasterId id="2147483648" r:id="rId1"/></p:sldMasterIdLst>`+
		`<p:notesMasterIdLst><p:notesMasterId r:id="rId2"/></p:notesMasterIdLst>`+
		`<p:sldIdLst>`+sldIDs.String()+`</p:sldIdLst>`+
		fmt.Sprintf(`<p:sldSz cx="%d" cy="%d"/><p:notesSz cx="6858000" cy="9144000"/>`, emu(SlideWidth), emu(SlideHeight))+
		`<p:defaultTextStyle><a:lvl1pPr><a:defRPr lang="`+lang+`"/></a:lvl1pPr></p:defaultTextStyle></p:presentation>`)
	p.add("ppt/_rels/presentation.xml.rels", rels(presRels))
	p.add("ppt/presProps.xml", xmlHeader+`<p:presentationPr xmlns:a="`+nsA+`" xmlns:r="`+nsR+`" xmlns:p="`+nsP+`"/>`)
	p.add("ppt/viewProps.xml", xmlHeader+`<p:viewPr xmlns:a="`+nsA+`" xmlns:r="`+nsR+`" xmlns:p="`+nsP+`"><p:normalViewPr><p:restoredLeft sz="15620"/><p:restoredTop sz="80000"/></p:normalViewPr><p:gridSpacing cx="76200" cy="76200"/></p:viewPr>`)
	p.add("ppt/tableStyles.xml", xmlHeader+`<a:tblStyleLst xmlns:a="`+nsA+`" def="{5C22544A-7EE6-4342-B048-85BDC9FD1C3A}"/>`)
	p.add("ppt/theme/theme1.xml", theme("stakemap"))
	p.add("ppt/theme/theme2.xml", theme("stakemap notes"))
	p.add("ppt/slideMasters/slideMaster1.xml", slideMaster(lang))
	p.add("ppt/slideMasters/_rels/slideMaster1.xml.rels", rels([]rel{{"rId1", relLayout, "../slideLayouts/slideLayout1.xml"}, {"rId2", relTheme, "../theme/theme1.xml"}}))
	p.add("ppt/slideLayouts/slideLayout1.xml", slideLayout())
	p.add("ppt/slideLayouts/_rels/slideLayout1.xml.rels", rels([]rel{{"rId1", relMaster, "../slideMasters/slideMaster1.xml"}}))
	p.add("ppt/notesMasters/notesMaster1.xml", notesMaster(lang))
	p.add("ppt/notesMasters/_rels/notesMaster1.xml.rels", rels([]rel{{"rId1", relTheme, "../theme/theme2.xml"}}))

	image := 0
	for i, s := range d.Slides {
		n := i + 1
		sr := []rel{{"rId1", relLayout, "../slideLayouts/slideLayout1.xml"}, {"rId2", relNotesSlide, fmt.Sprintf("../notesSlides/notesSlide%d.xml", n)}}
		var tree strings.Builder
		for k, sh := range s.Shapes {
			id := k + 2 // 1 is the shape tree itself
			if sh.PNG != nil {
				if !bytes.HasPrefix(sh.PNG, pngMagic) {
					return fmt.Errorf("pptx: slide %d, shape %d: the picture is not a PNG", n, k+1)
				}
				image++
				rid := fmt.Sprintf("rId%d", len(sr)+1)
				sr = append(sr, rel{rid, relImage, fmt.Sprintf("../media/image%d.png", image)})
				p.add(fmt.Sprintf("ppt/media/image%d.png", image), string(sh.PNG))
				tree.WriteString(picture(id, rid, sh))
			} else {
				tree.WriteString(textBox(id, sh, lang))
			}
		}
		p.add(fmt.Sprintf("ppt/slides/slide%d.xml", n), xmlHeader+`<p:sld xmlns:a="`+nsA+`" xmlns:r="`+nsR+`" xmlns:p="`+nsP+`">`+
			`<p:cSld><p:spTree>`+groupProps+tree.String()+`</p:spTree></p:cSld><p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sld>`)
		p.add(fmt.Sprintf("ppt/slides/_rels/slide%d.xml.rels", n), rels(sr))
		p.add(fmt.Sprintf("ppt/notesSlides/notesSlide%d.xml", n), notesSlide(s.Notes, lang))
		p.add(fmt.Sprintf("ppt/notesSlides/_rels/notesSlide%d.xml.rels", n), rels([]rel{
			{"rId1", relNotesMaster, "../notesMasters/notesMaster1.xml"}, {"rId2", relSlide, fmt.Sprintf("../slides/slide%d.xml", n)}}))
	}
	return p.write(w)
}

// pkg collects the parts of the package in the order they are written.
type pkg struct {
	created time.Time
	names   []string
	data    map[string]string
}

func (p *pkg) add(name, data string) {
	if p.data == nil {
		p.data = map[string]string{}
	}
	p.names = append(p.names, name)
	p.data[name] = data
}

func (p *pkg) write(w io.Writer) error {
	z := zip.NewWriter(w)
	for _, name := range p.names {
		method := zip.Deflate
		if strings.HasSuffix(name, ".png") {
			method = zip.Store // already compressed
		}
		f, err := z.CreateHeader(&zip.FileHeader{Name: name, Method: method, Modified: p.created})
		if err != nil {
			return fmt.Errorf("pptx: %s: %w", name, err)
		}
		if _, err := io.WriteString(f, p.data[name]); err != nil {
			return fmt.Errorf("pptx: %s: %w", name, err)
		}
	}
	if err := z.Close(); err != nil {
		return fmt.Errorf("pptx: %w", err)
	}
	return nil
}

type rel struct{ id, typ, target string }

func rels(rs []rel) string {
	var b strings.Builder
	b.WriteString(xmlHeader + `<Relationships xmlns="` + nsRel + `">`)
	for _, r := range rs {
		fmt.Fprintf(&b, `<Relationship Id="%s" Type="%s" Target="%s"/>`, r.id, r.typ, esc(r.target))
	}
	b.WriteString(`</Relationships>`)
	return b.String()
}

func contentTypes(overrides map[string]string) string {
	var b strings.Builder
	b.WriteString(xmlHeader + `<Types xmlns="` + nsCT + `">`)
	b.WriteString(`<Default Extension="rels" ContentType="` + ctRels + `"/>`)
	b.WriteString(`<Default Extension="xml" ContentType="application/xml"/>`)
	b.WriteString(`<Default Extension="png" ContentType="image/png"/>`)
	names := make([]string, 0, len(overrides))
	for n := range overrides {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		fmt.Fprintf(&b, `<Override PartName="%s" ContentType="%s"/>`, n, overrides[n])
	}
	b.WriteString(`</Types>`)
	return b.String()
}

func coreProps(title, creator string, at time.Time) string {
	ts := at.Format(time.RFC3339)
	return xmlHeader + `<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
		`<dc:title>` + esc(title) + `</dc:title><dc:creator>` + esc(creator) + `</dc:creator>` +
		`<dcterms:created xsi:type="dcterms:W3CDTF">` + ts + `</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">` + ts + `</dcterms:modified></cp:coreProperties>`
}

func appProps(slides int) string {
	return xmlHeader + `<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">` +
		`<Application>stakemap</Application><Slides>` + strconv.Itoa(slides) + `</Slides><Notes>` + strconv.Itoa(slides) + `</Notes><PresentationFormat>On-screen Show (16:9)</PresentationFormat></Properties>`
}

const groupProps = `<p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr>` +
	`<p:grpSpPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/><a:chOff x="0" y="0"/><a:chExt cx="0" cy="0"/></a:xfrm></p:grpSpPr>`

func emu(pt float64) int64 { return int64(pt*emuPerPt + 0.5) }

func xfrm(s Shape) string {
	return fmt.Sprintf(`<a:xfrm><a:off x="%d" y="%d"/><a:ext cx="%d" cy="%d"/></a:xfrm>`, emu(s.X), emu(s.Y), emu(s.W), emu(s.H))
}

func picture(id int, rid string, s Shape) string {
	return fmt.Sprintf(`<p:pic><p:nvPicPr><p:cNvPr id="%d" name="Picture %d" descr="%s"/><p:cNvPicPr><a:picLocks noChangeAspect="1"/></p:cNvPicPr><p:nvPr/></p:nvPicPr>`, id, id, esc(s.Descr)) +
		`<p:blipFill><a:blip r:embed="` + rid + `"/><a:stretch><a:fillRect/></a:stretch></p:blipFill>` +
		`<p:spPr>` + xfrm(s) + `<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></p:spPr></p:pic>`
}

func textBox(id int, s Shape, lang string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<p:sp><p:nvSpPr><p:cNvPr id="%d" name="Text %d"/><p:cNvSpPr txBox="1"/><p:nvPr/></p:nvSpPr>`, id, id)
	b.WriteString(`<p:spPr>` + xfrm(s) + `<a:prstGeom prst="rect"><a:avLst/></a:prstGeom>`)
	if s.Fill != "" {
		b.WriteString(`<a:solidFill><a:srgbClr val="` + esc(s.Fill) + `"/></a:solidFill>`)
	} else {
		b.WriteString(`<a:noFill/>`)
	}
	b.WriteString(`</p:spPr>`)
	inset := s.Inset
	if inset == 0 {
		inset = 7.2
	}
	in := emu(inset)
	fmt.Fprintf(&b, `<p:txBody><a:bodyPr wrap="square" lIns="%d" tIns="%d" rIns="%d" bIns="%d" rtlCol="0" anchor="t"><a:noAutofit/></a:bodyPr><a:lstStyle/>`, in, in, in, in)
	b.WriteString(paragraphs(s.Text, lang))
	b.WriteString(`</p:txBody></p:sp>`)
	return b.String()
}

func paragraphs(ps []Paragraph, lang string) string {
	if len(ps) == 0 {
		return `<a:p><a:endParaRPr lang="` + lang + `"/></a:p>`
	}
	var b strings.Builder
	for _, p := range ps {
		b.WriteString(`<a:p><a:pPr`)
		if p.Bullet {
			b.WriteString(` marL="228600" indent="-228600"`)
		}
		if p.Centre {
			b.WriteString(` algn="ctr"`)
		}
		b.WriteString(`>`)
		if p.SpaceBefore > 0 {
			fmt.Fprintf(&b, `<a:spcBef><a:spcPts val="%d"/></a:spcBef>`, int(p.SpaceBefore*100))
		}
		if p.Bullet {
			b.WriteString(`<a:buFont typeface="Arial"/><a:buChar char="•"/>`)
		} else {
			b.WriteString(`<a:buNone/>`)
		}
		b.WriteString(`</a:pPr>`)
		size := 18.0
		for _, r := range p.Runs {
			if r.Size > 0 {
				size = r.Size
			}
			fmt.Fprintf(&b, `<a:r><a:rPr lang="%s" sz="%d" b="%d" dirty="0">`, lang, int(size*100), boolInt(r.Bold))
			if r.Colour != "" {
				b.WriteString(`<a:solidFill><a:srgbClr val="` + esc(r.Colour) + `"/></a:solidFill>`)
			}
			b.WriteString(`<a:latin typeface="Arial"/><a:cs typeface="Arial"/></a:rPr><a:t>` + esc(r.Text) + `</a:t></a:r>`)
		}
		fmt.Fprintf(&b, `<a:endParaRPr lang="%s" sz="%d" dirty="0"/></a:p>`, lang, int(size*100))
	}
	return b.String()
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// esc escapes text for XML content and attributes, dropping characters
// XML 1.0 cannot carry.
func esc(s string) string {
	var b bytes.Buffer
	clean := strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' || (r >= 0x20 && r <= 0xD7FF) || (r >= 0xE000 && r <= 0xFFFD) || r >= 0x10000 && r <= 0x10FFFF {
			return r
		}
		return -1
	}, s)
	_ = xml.EscapeText(&b, []byte(clean))
	return b.String()
}

func slideMaster(lang string) string {
	level := func(n int, size int) string {
		return fmt.Sprintf(`<a:lvl%dpPr marL="0" indent="0" algn="l"><a:defRPr lang="%s" sz="%d"><a:solidFill><a:schemeClr val="tx1"/></a:solidFill><a:latin typeface="+mn-lt"/></a:defRPr></a:lvl%dpPr>`, n, lang, size, n)
	}
	return xmlHeader + `<p:sldMaster xmlns:a="` + nsA + `" xmlns:r="` + nsR + `" xmlns:p="` + nsP + `">` +
		`<p:cSld><p:bg><p:bgRef idx="1001"><a:schemeClr val="bg1"/></p:bgRef></p:bg><p:spTree>` + groupProps + `</p:spTree></p:cSld>` +
		`<p:clrMap bg1="lt1" tx1="dk1" bg2="lt2" tx2="dk2" accent1="accent1" accent2="accent2" accent3="accent3" accent4="accent4" accent5="accent5" accent6="accent6" hlink="hlink" folHlink="folHlink"/>` +
		`<p:sldLayoutIdLst><p:sldLayoutId id="2147483649" r:id="rId1"/></p:sldLayoutIdLst>` +
		`<p:txStyles><p:titleStyle>` + level(1, 3200) + `</p:titleStyle><p:bodyStyle>` + level(1, 1800) + `</p:bodyStyle><p:otherStyle>` + level(1, 1800) + `</p:otherStyle></p:txStyles>` +
		`</p:sldMaster>`
}

func slideLayout() string {
	return xmlHeader + `<p:sldLayout xmlns:a="` + nsA + `" xmlns:r="` + nsR + `" xmlns:p="` + nsP + `" type="blank" preserve="1">` +
		`<p:cSld name="Blank"><p:spTree>` + groupProps + `</p:spTree></p:cSld><p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sldLayout>`
}

// notesPlaceholders are the slide image and the notes text of a notes
// page, in the notes master and in every notes slide.
func notesPlaceholders(body string) string {
	return `<p:sp><p:nvSpPr><p:cNvPr id="2" name="Slide Image"/><p:cNvSpPr><a:spLocks noGrp="1" noRot="1" noChangeAspect="1"/></p:cNvSpPr><p:nvPr><p:ph type="sldImg"/></p:nvPr></p:nvSpPr>` +
		`<p:spPr><a:xfrm><a:off x="381000" y="685800"/><a:ext cx="6096000" cy="3429000"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></p:spPr></p:sp>` +
		`<p:sp><p:nvSpPr><p:cNvPr id="3" name="Notes"/><p:cNvSpPr><a:spLocks noGrp="1"/></p:cNvSpPr><p:nvPr><p:ph type="body" idx="1"/></p:nvPr></p:nvSpPr>` +
		`<p:spPr><a:xfrm><a:off x="685800" y="4343400"/><a:ext cx="5486400" cy="4114800"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></p:spPr>` +
		`<p:txBody><a:bodyPr/><a:lstStyle/>` + body + `</p:txBody></p:sp>`
}

func notesMaster(lang string) string {
	return xmlHeader + `<p:notesMaster xmlns:a="` + nsA + `" xmlns:r="` + nsR + `" xmlns:p="` + nsP + `">` +
		`<p:cSld><p:bg><p:bgRef idx="1001"><a:schemeClr val="bg1"/></p:bgRef></p:bg><p:spTree>` + groupProps + notesPlaceholders(`<a:p><a:endParaRPr lang="`+lang+`"/></a:p>`) + `</p:spTree></p:cSld>` +
		`<p:clrMap bg1="lt1" tx1="dk1" bg2="lt2" tx2="dk2" accent1="accent1" accent2="accent2" accent3="accent3" accent4="accent4" accent5="accent5" accent6="accent6" hlink="hlink" folHlink="folHlink"/>` +
		`<p:notesStyle><a:lvl1pPr marL="0" algn="l"><a:defRPr lang="` + lang + `" sz="1200"><a:solidFill><a:schemeClr val="tx1"/></a:solidFill><a:latin typeface="+mn-lt"/></a:defRPr></a:lvl1pPr></p:notesStyle>` +
		`</p:notesMaster>`
}

func notesSlide(notes []string, lang string) string {
	var ps []Paragraph
	for _, n := range notes {
		ps = append(ps, Paragraph{Runs: []Run{{Text: n, Size: 12}}})
	}
	return xmlHeader + `<p:notes xmlns:a="` + nsA + `" xmlns:r="` + nsR + `" xmlns:p="` + nsP + `">` +
		`<p:cSld><p:spTree>` + groupProps + notesPlaceholders(paragraphs(ps, lang)) + `</p:spTree></p:cSld>` +
		`<p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:notes>`
}

// theme is a complete DrawingML theme: PowerPoint refuses a theme that
// lacks any of the colour, font or format schemes.
func theme(name string) string {
	colour := func(tag, v string) string { return `<a:` + tag + `><a:srgbClr val="` + v + `"/></a:` + tag + `>` }
	fill := `<a:solidFill><a:schemeClr val="phClr"/></a:solidFill>`
	line := func(w int) string {
		return fmt.Sprintf(`<a:ln w="%d" cap="flat" cmpd="sng" algn="ctr"><a:solidFill><a:schemeClr val="phClr"/></a:solidFill><a:prstDash val="solid"/><a:miter lim="800000"/></a:ln>`, w)
	}
	return xmlHeader + `<a:theme xmlns:a="` + nsA + `" name="` + esc(name) + `"><a:themeElements>` +
		`<a:clrScheme name="stakemap"><a:dk1><a:sysClr val="windowText" lastClr="000000"/></a:dk1><a:lt1><a:sysClr val="window" lastClr="FFFFFF"/></a:lt1>` +
		colour("dk2", "1F4E79") + colour("lt2", "E7E6E6") + colour("accent1", "0072B2") + colour("accent2", "E69F00") + colour("accent3", "009E73") +
		colour("accent4", "CC79A7") + colour("accent5", "56B4E9") + colour("accent6", "D55E00") + colour("hlink", "0072B2") + colour("folHlink", "CC79A7") +
		`</a:clrScheme>` +
		`<a:fontScheme name="stakemap"><a:majorFont><a:latin typeface="Arial"/><a:ea typeface=""/><a:cs typeface=""/></a:majorFont>` +
		`<a:minorFont><a:latin typeface="Arial"/><a:ea typeface=""/><a:cs typeface=""/></a:minorFont></a:fontScheme>` +
		`<a:fmtScheme name="stakemap"><a:fillStyleLst>` + fill + fill + fill + `</a:fillStyleLst>` +
		`<a:lnStyleLst>` + line(6350) + line(12700) + line(19050) + `</a:lnStyleLst>` +
		`<a:effectStyleLst><a:effectStyle><a:effectLst/></a:effectStyle><a:effectStyle><a:effectLst/></a:effectStyle><a:effectStyle><a:effectLst/></a:effectStyle></a:effectStyleLst>` +
		`<a:bgFillStyleLst>` + fill + fill + fill + `</a:bgFillStyleLst></a:fmtScheme>` +
		`</a:themeElements><a:objectDefaults/><a:extraClrSchemeLst/></a:theme>`
}
