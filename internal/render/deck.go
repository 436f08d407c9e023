package render

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/analysis"
	"github.com/stakemap/stakemap/internal/locale"
	"github.com/stakemap/stakemap/internal/pptx"
)

// DeckRequest asks for a PowerPoint deck of one workspace snapshot: a
// title, an overview, three slides per trajectory (its stakeholder map,
// its grid, its findings), path slides and the dependency map.
type DeckRequest struct {
	// Bundle is the workspace snapshot; it is read, never changed.
	Bundle *graph.Bundle
	// Trajectories are the trajectories to present, in this order;
	// empty: every active one.
	Trajectories []string
	// All presents every trajectory, active ones first, when
	// Trajectories is empty.
	All bool
	// Paths are the influence paths to present, one slide each.
	Paths []PathEnds
	// Lang is nl or en; empty: the workspace's language.
	Lang string
	// Anonymize shows persons by title and unit only, in the maps and in
	// the text.
	Anonymize bool
	// AsOf (default today in UTC) and High (default 4) are the parameters
	// of the findings.
	AsOf string
	High int
}

// PathEnds names the two ends of an influence path.
type PathEnds struct{ From, To string }

// ContentTypePPTX is the MIME type of a deck.
const ContentTypePPTX = pptx.ContentType

// deckPathK is how many alternative paths a path slide shows.
const deckPathK = 3

// maxDeckTrajectories bounds the trajectory slides of one deck (three
// each), so that one request cannot ask for thousands of maps.
const maxDeckTrajectories = 60

// maxDeckPaths bounds the path slides of one deck.
const maxDeckPaths = 20

// normalizeDeck checks a deck request and fills in its defaults; it
// returns the canonical copy of the snapshot.
func normalizeDeck(req *DeckRequest) (*graph.Bundle, error) {
	if req.Bundle == nil {
		return nil, errors.New("render: deck request has no workspace snapshot")
	}
	var ps []graph.Problem
	bad := func(field, value, reason string) {
		ps = append(ps, graph.Problem{Field: field, Value: value, Reason: reason})
	}
	normalizeReading(req.Bundle, &req.Lang, &req.AsOf, &req.High, bad)
	if len(req.Trajectories) > maxDeckTrajectories {
		bad("trajectory", strconv.Itoa(len(req.Trajectories)), fmt.Sprintf("at most %d trajectories in one deck", maxDeckTrajectories))
	}
	if len(req.Paths) > maxDeckPaths {
		bad("path", strconv.Itoa(len(req.Paths)), fmt.Sprintf("at most %d paths in one deck", maxDeckPaths))
	}
	if len(ps) > 0 {
		return nil, fmt.Errorf("render: %w", graph.Invalid(ps))
	}
	b := canonicalCopy(req.Bundle)
	known := map[string]string{} // id → kind
	for _, t := range b.Trajectories {
		known[t.ID] = "trajectory"
	}
	for _, s := range b.Stakeholders {
		known[s.ID] = "stakeholder"
	}
	for _, id := range req.Trajectories {
		if known[id] != "trajectory" {
			return nil, fmt.Errorf("render: deck: trajectory %q: %w", id, graph.ErrNotFound)
		}
	}
	for _, p := range req.Paths {
		for _, id := range []string{p.From, p.To} {
			if known[id] != "stakeholder" {
				return nil, fmt.Errorf("render: deck: path %s:%s: stakeholder %q: %w", p.From, p.To, id, graph.ErrNotFound)
			}
		}
	}
	return b, nil
}

// JobDeck is the kind of the jobs Deck runs: the whole deck, its maps
// included, is one job of a render worker.
const JobDeck = "deck"

// deckJob is the payload of a JobDeck job.
type deckJob struct {
	Request  DeckRequest
	MaxNodes int
}

// Deck makes the PowerPoint deck of a workspace, as one job of the render
// queue under one deadline. Errors: ErrInvalid for bad parameters,
// ErrNotFound for an unknown trajectory or stakeholder, and those of Run
// (ErrTimeout when the whole deck outlives the deadline, ErrBusy, …) and
// of Render for its maps.
func (r *Renderer) Deck(ctx context.Context, req DeckRequest) (Result, error) {
	b, err := normalizeDeck(&req)
	if err != nil {
		return Result{}, err
	}
	key, err := deckKey(req, b)
	if err != nil {
		return Result{}, err
	}
	if r.cache != nil {
		if res, ok := r.cache.Get(key); ok {
			return res, nil
		}
	}
	req.Bundle = b
	out, err := r.run(ctx, b.Workspace.ID, JobDeck, func() ([]byte, error) {
		return json.Marshal(deckJob{Request: req, MaxNodes: r.opts.MaxNodes})
	})
	if err != nil {
		return Result{}, fmt.Errorf("render: deck: %w", err)
	}
	res := Result{Data: out.Data, ContentType: out.ContentType, Key: key, FileName: out.FileName}
	if r.cache != nil {
		r.cache.Put(key, res)
	}
	return res, nil
}

// deckHandler runs a deck job: the worker's side of Deck. Its maps are
// drawn in this process, two at a time.
func deckHandler(ctx context.Context, payload []byte) (Output, error) {
	var j deckJob
	if err := json.Unmarshal(payload, &j); err != nil {
		return Output{}, fmt.Errorf("render: read the deck job: %w", err)
	}
	b, err := normalizeDeck(&j.Request)
	if err != nil {
		return Output{}, err
	}
	drawMap := func(ctx context.Context, m Request) ([]byte, error) {
		mb, err := normalize(&m)
		if err != nil {
			return nil, err
		}
		out, err := draw(ctx, m, mb, j.MaxNodes)
		return out.Data, err
	}
	data, err := buildDeck(ctx, j.Request, b, drawMap)
	if err != nil {
		return Output{}, err
	}
	name := "deck-" + b.Workspace.ID
	if j.Request.Anonymize {
		name += "-anon"
	}
	return Output{Data: data, ContentType: ContentTypePPTX, FileName: name + ".pptx"}, nil
}

func deckKey(req DeckRequest, b *graph.Bundle) (string, error) {
	h := sha256.New()
	opts := req
	opts.Bundle = nil
	head, err := json.Marshal(struct {
		V   string
		Req DeckRequest
	}{keyVersion + "-deck", opts})
	if err != nil {
		return "", err
	}
	h.Write(head)
	if err := json.NewEncoder(h).Encode(b); err != nil {
		return "", fmt.Errorf("render: hash snapshot: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// drawFunc draws one map as PNG: in a deck job, in the same process.
type drawFunc func(ctx context.Context, req Request) ([]byte, error)

// overviewFindings is how many findings the overview lists.
const overviewFindings = 6

// deckParallel is how many maps of a deck are drawn at once.
const deckParallel = 2

// Colours of the deck's text.
const (
	deckBlue  = "1F4E79"
	deckInk   = "222222"
	deckMuted = "555555"
)

var severityColours = map[string]string{graph.SeverityHigh: "B04A00", graph.SeverityMedium: "7A5C00", graph.SeverityLow: "555555"}

// buildDeck writes the deck of a normalised request.
func buildDeck(ctx context.Context, req DeckRequest, b *graph.Bundle, draw drawFunc) ([]byte, error) {
	m := newMapper(Request{Lang: req.Lang, Anonymize: req.Anonymize, AsOf: req.AsOf, High: req.High}, b, selection{})
	findings, err := analysis.Findings(ctx, b, graph.FindingParams{AsOf: req.AsOf, High: req.High, Lang: req.Lang})
	if err != nil {
		return nil, fmt.Errorf("render: deck findings: %w", err)
	}
	// The advice names people as the deck does: by name, or anonymised.
	for i := range findings {
		findings[i].Message = graph.Describe(findings[i], req.Lang, m.name)
	}
	graph.SortFindingsBySeverity(findings)

	// Which trajectories, in which order.
	var trajs []graph.Trajectory
	switch {
	case len(req.Trajectories) > 0:
		for _, id := range req.Trajectories {
			if !slices.ContainsFunc(trajs, func(t graph.Trajectory) bool { return t.ID == id }) {
				trajs = append(trajs, m.traj[id])
			}
		}
	default:
		for _, t := range b.Trajectories {
			if graph.IsActive(t.Status) {
				trajs = append(trajs, t)
			}
		}
		if req.All {
			for _, t := range b.Trajectories {
				if !graph.IsActive(t.Status) {
					trajs = append(trajs, t)
				}
			}
		}
	}
	if len(trajs) > maxDeckTrajectories {
		trajs = trajs[:maxDeckTrajectories]
	}

	// The maps, drawn deckParallel at a time.
	base := Request{Bundle: b, Format: FormatPNG, Page: PageSlide, Lang: req.Lang, Anonymize: req.Anonymize, AsOf: req.AsOf, High: req.High}
	var maps []Request
	for _, t := range trajs {
		s, g := base, base
		s.Kind, s.Trajectory = KindStakeholders, t.ID
		g.Kind, g.Trajectory = KindGrid, t.ID
		maps = append(maps, s, g)
	}
	for _, p := range req.Paths {
		q := base
		q.Kind, q.From, q.To, q.K = KindPath, p.From, p.To, deckPathK
		maps = append(maps, q)
	}
	dep := base
	dep.Kind = KindDependencies
	maps = append(maps, dep)
	pictures, err := drawAll(ctx, maps, draw)
	if err != nil {
		return nil, err
	}

	d := &pptx.Deck{Title: m.t("Stakeholderanalyse — ", "Stakeholder analysis — ") + b.Workspace.Name, Creator: "stakemap",
		Lang: m.t("nl-NL", "en-GB")}
	if t, err := time.Parse(time.DateOnly, req.AsOf); err == nil {
		d.Created = t
	}
	d.Slides = append(d.Slides, titleSlide(m, req, trajs), overviewSlide(m, req, findings, trajs))
	next := 0
	picture := func(alt string, notes ...string) pptx.Slide {
		png := pictures[next]
		next++
		return pptx.Slide{Shapes: []pptx.Shape{{X: 0, Y: 0, W: pptx.SlideWidth, H: pptx.SlideHeight, PNG: png, Descr: alt}}, Notes: notes}
	}
	for _, t := range trajs {
		d.Slides = append(d.Slides,
			picture(m.t("Belanghebbenden — ", "Stakeholders — ")+t.Name, m.stakeholderNotes(t)...),
			picture(m.t("Invloed en belang — ", "Power and interest — ")+t.Name, m.gridNotes(req.High)...),
			findingsSlide(m, req, t, forTrajectory(b, findings, t.ID)))
	}
	for _, p := range req.Paths {
		d.Slides = append(d.Slides, picture(m.t("Invloedspaden — ", "Influence paths — ")+m.name(p.From)+" → "+m.name(p.To), m.pathNotes(ctx, b, p)...))
	}
	d.Slides = append(d.Slides, picture(m.t("Afhankelijkheden — ", "Dependencies — ")+b.Workspace.Name, m.dependencyNotes()...))
	var out bytes.Buffer
	if err := d.Write(&out); err != nil {
		return nil, fmt.Errorf("render: deck: %w", err)
	}
	return out.Bytes(), nil
}

// drawAll draws the maps, deckParallel at a time, and returns them in
// order; the first failure stops the rest.
func drawAll(ctx context.Context, maps []Request, draw drawFunc) ([][]byte, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	out := make([][]byte, len(maps))
	work := make(chan int)
	var wg sync.WaitGroup
	for range min(deckParallel, len(maps)) {
		wg.Go(func() {
			for i := range work {
				data, err := draw(ctx, maps[i])
				if err != nil {
					cancel(fmt.Errorf("render: deck: %s map: %w", maps[i].Kind, err))
					continue
				}
				out[i] = data
			}
		})
	}
	for i := range maps {
		if ctx.Err() != nil {
			break
		}
		work <- i
	}
	close(work)
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return nil, err
	}
	return out, nil
}

// forTrajectory picks the findings about a trajectory: those whose
// subject it is, the cycles it is part of, and those about the people
// with a stake on it.
func forTrajectory(b *graph.Bundle, fs []graph.Finding, id string) []graph.Finding {
	on := map[string]bool{}
	for _, s := range b.Stakes {
		if s.Trajectory == id {
			on[s.Stakeholder] = true
		}
	}
	var out []graph.Finding
	for _, f := range fs {
		switch {
		case f.Code == graph.CodeInvisibleUnit || f.Code == graph.CodeGoalWithoutTrajectory:
		case f.Subject == id, on[f.Subject] && (f.Code == graph.CodeUnengagedKeyStakeholder || f.Code == graph.CodeAttitudeUnknown || f.Code == graph.CodeContactDue):
			out = append(out, f)
		case f.Code == graph.CodeDependencyCycle && slices.Contains(f.Related, id):
			out = append(out, f)
		}
	}
	return out
}

// para is a paragraph of one run.
func para(s string, size float64, bold bool, colour string) pptx.Paragraph {
	return pptx.Paragraph{Runs: []pptx.Run{{Text: s, Size: size, Bold: bold, Colour: colour}}}
}

func titleSlide(m *mapper, req DeckRequest, trajs []graph.Trajectory) pptx.Slide {
	b := m.b
	sub := m.t("Stakeholderanalyse van de leertrajecten", "Stakeholder analysis of the learning trajectories")
	line := fmt.Sprintf("%s · %s", m.t("Stand van ", "As of ")+locale.Date(req.Lang, req.AsOf),
		m.t(fmt.Sprintf("%d van de %d trajecten, %d belanghebbenden", len(trajs), len(b.Trajectories), len(b.Stakeholders)),
			fmt.Sprintf("%d of %d trajectories, %d stakeholders", len(trajs), len(b.Trajectories), len(b.Stakeholders))))
	body := []pptx.Paragraph{para(b.Workspace.Name, 40, true, deckBlue), para(sub, 24, false, deckInk), {SpaceBefore: 18, Runs: []pptx.Run{{Text: line, Size: 16, Colour: deckMuted}}}}
	if req.Anonymize {
		body = append(body, para(m.t("Geanonimiseerd: personen staan erin met hun functie en afdeling.", "Anonymised: persons are shown by their title and unit."), 14, false, deckMuted))
	}
	then := m.t("Daarna de afhankelijkheden.", "Then the dependencies.")
	if len(req.Paths) > 0 {
		then = m.t("Daarna de invloedspaden en de afhankelijkheden.", "Then the influence paths and the dependencies.")
	}
	notes := []string{
		m.t("Deze presentatie is gemaakt met stakemap uit de gegevens van de werkruimte.", "This deck was made with stakemap from the workspace's data."),
		m.t("Na het overzicht volgen per traject drie dia's: de belanghebbendenkaart, de matrix van invloed en belang, en de bevindingen met advies. ",
			"After the overview, each trajectory has three slides: the stakeholder map, the power–interest grid, and the findings with advice. ") + then,
	}
	return pptx.Slide{Shapes: []pptx.Shape{
		{X: 0, Y: 0, W: 24, H: pptx.SlideHeight, Fill: deckBlue},
		{X: 70, Y: 150, W: 820, H: 280, Text: body},
		{X: 70, Y: 480, W: 820, H: 30, Text: []pptx.Paragraph{para(m.t("Gemaakt met stakemap", "Made with stakemap"), 11, false, deckMuted)}},
	}, Notes: notes}
}

func overviewSlide(m *mapper, req DeckRequest, fs []graph.Finding, trajs []graph.Trajectory) pptx.Slide {
	b := m.b
	units := map[string]bool{}
	for _, s := range b.Stakeholders {
		if s.Unit != "" {
			units[s.Unit] = true
		}
	}
	active := 0
	for _, t := range b.Trajectories {
		if graph.IsActive(t.Status) {
			active++
		}
	}
	recent := 0
	if asOf, err := time.Parse(time.DateOnly, req.AsOf); err == nil {
		from := asOf.AddDate(0, 0, -graph.DefaultWindow).Format(time.DateOnly)
		for _, e := range b.Engagements {
			if e.Date > from && e.Date <= req.AsOf {
				recent++
			}
		}
	}
	bySeverity := map[string]int{}
	for _, f := range fs {
		bySeverity[graph.SeverityOf(f.Code)]++
	}
	n := func(x int) string { return locale.Int(req.Lang, x) }
	counts := []pptx.Paragraph{
		para(m.t("In cijfers", "In numbers"), 18, true, deckBlue),
		{SpaceBefore: 8, Runs: []pptx.Run{{Text: n(len(b.Stakeholders)), Size: 22, Bold: true, Colour: deckInk}, {Text: m.t(" belanghebbenden in ", " stakeholders in ") + n(len(units)) + m.t(" afdelingen", " units"), Size: 15}}},
		{SpaceBefore: 6, Runs: []pptx.Run{{Text: n(active), Size: 22, Bold: true, Colour: deckInk}, {Text: m.t(" actieve trajecten (", " active trajectories (") + n(len(b.Trajectories)) + m.t(" in totaal)", " in all)"), Size: 15}}},
		{SpaceBefore: 6, Runs: []pptx.Run{{Text: n(recent), Size: 22, Bold: true, Colour: deckInk}, {Text: m.t(" contactmomenten in de laatste ", " engagements in the last ") + n(graph.DefaultWindow) + m.t(" dagen", " days"), Size: 15}}},
		{SpaceBefore: 6, Runs: []pptx.Run{{Text: n(len(fs)), Size: 22, Bold: true, Colour: deckInk}, {Text: m.t(" bevindingen", " findings"), Size: 15}}},
	}
	for _, s := range graph.Severities {
		counts = append(counts, pptx.Paragraph{Bullet: true, Runs: []pptx.Run{{Text: n(bySeverity[s]) + " ", Size: 15, Bold: true, Colour: severityColours[s]}, {Text: m.word(severityNames, s), Size: 15}}})
	}
	head := para(m.t("Belangrijkste bevindingen", "Most important findings"), 18, true, deckBlue)
	top, notes := findingList(m, fs, overviewFindings, 530, 400, head, m.t("Er zijn geen bevindingen: alle controles zijn in orde.", "There are no findings: every check passes."))
	return pptx.Slide{Shapes: []pptx.Shape{
		{X: 40, Y: 24, W: 880, H: 50, Text: []pptx.Paragraph{para(m.t("Overzicht", "Overview"), 28, true, deckBlue)}},
		{X: 40, Y: 90, W: 320, H: 410, Text: counts},
		{X: 380, Y: 90, W: 550, H: 420, Fill: "F4F6F9", Text: top},
	}, Notes: append([]string{m.t(
		"Bevindingen staan op ernst: hoog houdt een traject tegen (geen sponsor of eigenaar, een tegenwerkende eigenaar, geblokkeerd, een kring van afhankelijkheden), laag zijn hints voor de hele werkruimte, de rest is middel.",
		"Findings are ordered by severity: high stops a trajectory (no sponsor or owner, an opposed owner, blocked, a dependency cycle), low are hints for the whole workspace, the rest is medium.")}, notes...)}
}

// findingList sets findings as paragraphs that fit a box of w × h points:
// the largest of a few text sizes at which they fit, and when even the
// smallest does not hold them all, as many as fit and a line counting the
// rest. It returns the paragraphs and the speaker notes defining the
// codes shown.
func findingList(m *mapper, fs []graph.Finding, most int, w, h float64, head pptx.Paragraph, none string) ([]pptx.Paragraph, []string) {
	fam, err := family()
	measure := func(s string, size float64, bold bool) float64 {
		if err != nil {
			return float64(len(s)) * size * 0.55
		}
		return textWidthPt(fam, s, size, bold)
	}
	if len(fs) == 0 {
		return []pptx.Paragraph{head, {SpaceBefore: 10, Runs: []pptx.Run{{Text: none, Size: 18, Colour: deckInk}}}}, nil
	}
	tag := func(f graph.Finding) string {
		return strings.ToUpper(m.word(severityNames, graph.SeverityOf(f.Code))) + "  "
	}
	height := func(size float64, n int) float64 {
		total := 30.0 + 14.4 // the heading and the box's insets
		for _, f := range fs[:n] {
			lines := len(wrapWidth(tag(f)+f.Message, size, w-14.4-18-size, measure))
			total += float64(lines)*size*1.2 + 6
		}
		if n < len(fs) {
			total += size*1.2 + 6
		}
		return total
	}
	size, n := 0.0, min(len(fs), most)
	for _, s := range []float64{18, 16, 14, 12} {
		if height(s, n) <= h {
			size = s
			break
		}
	}
	if size == 0 {
		size = 12
		for n > 1 && height(size, n) > h {
			n--
		}
	}
	ps := []pptx.Paragraph{head}
	codes := []string{}
	for _, f := range fs[:n] {
		sev := graph.SeverityOf(f.Code)
		ps = append(ps, pptx.Paragraph{Bullet: true, SpaceBefore: 6, Runs: []pptx.Run{
			{Text: tag(f), Size: size, Bold: true, Colour: severityColours[sev]}, {Text: f.Message, Size: size, Colour: deckInk}}})
		if !slices.Contains(codes, f.Code) {
			codes = append(codes, f.Code)
		}
	}
	if n < len(fs) {
		ps = append(ps, pptx.Paragraph{SpaceBefore: 6, Runs: []pptx.Run{{Text: m.t(
			fmt.Sprintf("+ %d meer: zie Bevindingen in stakemap.", len(fs)-n),
			fmt.Sprintf("+ %d more: see Findings in stakemap.", len(fs)-n)), Size: size, Colour: deckMuted}}})
	}
	var notes []string
	for _, c := range codes {
		// The definition, not the rule's code: the notes are read aloud.
		sev := m.word(severityNames, graph.SeverityOf(c))
		notes = append(notes, strings.ToUpper(sev[:1])+sev[1:]+": "+m.word(findingDefinitions, c))
	}
	return ps, notes
}

func findingsSlide(m *mapper, req DeckRequest, t graph.Trajectory, fs []graph.Finding) pptx.Slide {
	head := para(m.t("Advies", "Advice"), 18, true, deckBlue)
	list, notes := findingList(m, fs, len(fs), 880, 400, head, m.t("Geen bevindingen voor dit traject op ", "No findings for this trajectory as of ")+locale.Date(req.Lang, req.AsOf)+".")
	status := m.word(statusNames, t.Status)
	count := m.t(fmt.Sprintf("%d bevindingen", len(fs)), fmt.Sprintf("%d findings", len(fs)))
	if len(fs) == 1 {
		count = m.t("1 bevinding", "1 finding")
	}
	title := ellipsis(m.t("Bevindingen — ", "Findings — ")+t.Name, 70)
	intro := m.t("Wat de controles van stakemap voor dit traject vinden, het ernstigste eerst. ", "What stakemap's checks find for this trajectory, the most severe first. ")
	return pptx.Slide{Shapes: []pptx.Shape{
		{X: 40, Y: 24, W: 880, H: 50, Text: []pptx.Paragraph{para(title, 26, true, deckBlue)}},
		{X: 40, Y: 70, W: 880, H: 30, Text: []pptx.Paragraph{para(status+" · "+count+" · "+m.t("stand van ", "as of ")+locale.Date(req.Lang, req.AsOf), 14, false, deckMuted)}},
		{X: 40, Y: 110, W: 880, H: 410, Text: list},
	}, Notes: append([]string{intro + m.t(
		fmt.Sprintf("Invloed of belang vanaf %d telt als hoog; contact telt als recent binnen %d dagen.", req.High, graph.DefaultWindow),
		fmt.Sprintf("Influence or interest of %d and up counts as high; contact counts as recent within %d days.", req.High, graph.DefaultWindow))}, notes...)}
}

func (m *mapper) stakeholderNotes(t graph.Trajectory) []string {
	notes := []string{m.t(
		"De kaart toont wie een rol heeft in dit traject, per afdeling. De kleur en de rand zijn de houding (hoe donkerder, hoe negatiever), de grootte van de naam de invloed. Blauwe pijlen zijn sponsors, paarse eigenaren, zwarte lerenden.",
		"The map shows who holds a role in this trajectory, by unit. Colour and border are the attitude (the darker, the more negative), the size of the name the influence. Blue arrows are sponsors, purple owners, black learners.")}
	if t.Purpose != "" {
		notes = append(notes, m.t("Doel van het traject: ", "Purpose of the trajectory: ")+t.Purpose)
	}
	if t.Measure != "" {
		notes = append(notes, m.t("Effectmeting: ", "Impact measure: ")+t.Measure)
	}
	return notes
}

func (m *mapper) gridNotes(high int) []string {
	return []string{m.t(
		fmt.Sprintf("De matrix van Mendelow zet iedereen met een rol in dit traject op invloed (rijen) en belang (kolommen), met de hoogste waarden op dit traject. Vanaf %d is hoog: nauw betrekken (beide hoog), tevreden houden (veel invloed), informeren (veel belang), monitoren.", high),
		fmt.Sprintf("Mendelow's grid places everyone with a role in this trajectory by influence (rows) and interest (columns), with their highest values on it. %d and up is high: manage closely (both high), keep satisfied (high influence), keep informed (high interest), monitor.", high))}
}

func (m *mapper) pathNotes(ctx context.Context, b *graph.Bundle, p PathEnds) []string {
	notes := []string{m.t(
		"Invloedspaden: via wie bereikt de ene persoon de andere? Een stap is invloed (met haar sterkte) of een rapportagelijn; de sterkte van een pad is het product van zijn stappen.",
		"Influence paths: through whom does one person reach the other? A step is influence (with its strength) or a reporting line; a path's strength is the product of its steps.")}
	paths, err := analysis.Paths(ctx, b, graph.PathQuery{From: p.From, To: p.To, K: deckPathK})
	if err != nil {
		return notes
	}
	for i, path := range paths {
		names := make([]string, len(path.Nodes))
		for k, id := range path.Nodes {
			names[k] = m.name(id)
		}
		notes = append(notes, m.t(fmt.Sprintf("Pad %d (sterkte %s, %s): ", i+1, m.strength(path.Strength), m.hops(path.Hops)),
			fmt.Sprintf("Path %d (strength %s, %s): ", i+1, m.strength(path.Strength), m.hops(path.Hops)))+strings.Join(names, " → "))
	}
	if len(paths) == 0 {
		notes = append(notes, m.t("Er is geen pad gevonden.", "No path was found."))
	}
	return notes
}

func (m *mapper) dependencyNotes() []string {
	return []string{m.t(
		"Afhankelijkheden: waar de trajecten op wachten (andere trajecten en randvoorwaarden zoals systemen, budget en beleid) en welke strategische doelen ze dienen. Een rode rand is een geblokkeerd traject, paars een kring van afhankelijkheden.",
		"Dependencies: what the trajectories wait for (other trajectories and enablers such as systems, budget and policy) and which strategic goals they serve. A red border is a blocked trajectory, purple a dependency cycle.")}
}

// findingDefinitions say what each finding code checks, for the speaker
// notes.
var findingDefinitions = map[string][2]string{
	graph.CodeMissingSponsor:          {"een actief traject heeft geen sponsor.", "an active trajectory has no sponsor."},
	graph.CodeMissingOwner:            {"een actief traject heeft geen eigenaar.", "an active trajectory has no owner."},
	graph.CodeMissingLearnerVoice:     {"geen lerende heeft een rol in een actief traject.", "no learner has a role in an active trajectory."},
	graph.CodeSponsorWithoutMandate:   {"het traject heeft sponsors, maar geen uit het bestuur of de directie.", "the trajectory has sponsors, but none at board or executive level."},
	graph.CodeSingleOwner:             {"sponsor en eigenaar zijn één en dezelfde persoon.", "sponsor and owner are one and the same person."},
	graph.CodeOpposedOwner:            {"een sponsor of eigenaar staat kritisch of afwijzend tegenover het traject.", "a sponsor or owner is critical of or opposed to the trajectory."},
	graph.CodeWeakSponsor:             {"elke sponsor heeft weinig invloed op dit traject.", "every sponsor has little influence on this trajectory."},
	graph.CodeUnengagedKeyStakeholder: {"iemand met veel invloed, zonder afgesproken contactritme, had geen recent contact met L&D.", "someone with high influence, without an agreed contact rhythm, had no recent contact with L&D."},
	graph.CodeAttitudeUnknown:         {"van een sleutelfiguur is de houding onbekend.", "a key stakeholder's attitude is unknown."},
	graph.CodeResultsNotShared:        {"van een afgerond traject zijn de resultaten niet gedeeld.", "the results of a completed trajectory were not shared."},
	graph.CodeGoalWithoutTrajectory:   {"geen actief traject ondersteunt dit strategische doel.", "no active trajectory supports this strategic goal."},
	graph.CodeInvisibleUnit:           {"niemand van deze afdeling had recent contact met L&D (L&D's eigen afdeling en externen tellen niet).", "nobody in this unit had recent contact with L&D (L&D's own unit and externals do not count)."},
	graph.CodeContactDue:              {"het afgesproken contact (elke N dagen) is aan de beurt.", "the agreed contact (every N days) is due."},
	graph.CodeNoStrategicGoal:         {"een actief traject ondersteunt geen strategisch doel.", "an active trajectory supports no strategic goal."},
	graph.CodeNoImpactMeasure:         {"een actief traject zegt niet hoe het effect op gedrag of prestaties gemeten wordt.", "an active trajectory does not say how its impact on behaviour or performance is measured."},
	graph.CodeReviewOverdue:           {"de evaluatiedatum van een actief traject is voorbij.", "the review date of an active trajectory has passed."},
	graph.CodeBlocked:                 {"een actief traject wacht op een traject dat niet af is of een randvoorwaarde die niet gereed is.", "an active trajectory waits for a trajectory not done or an enabler not ready."},
	graph.CodeDependencyCycle:         {"trajecten hangen in een kring van elkaar af.", "trajectories depend on each other in a circle."},
}
