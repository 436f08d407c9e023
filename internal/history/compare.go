package history

import (
	"cmp"
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/analysis"
)

// CompareParams are the analysis parameters of a comparison's findings;
// each side is analysed as of its own date.
type CompareParams struct {
	High, Window int
	Lang         string
	// Zone is where the points' dates, the findings' asOf, are taken: the
	// pages use the people's own, so that a contact logged just after
	// midnight counts on both sides of midnight UTC. Nil: UTC, as the API.
	Zone *time.Location
}

// date is the asOf of the findings at a point.
func (p CompareParams) date(pt Point) string {
	if p.Zone == nil {
		return pt.Date()
	}
	return pt.At.In(p.Zone).Format(time.DateOnly)
}

// Compare returns the compare document of DESIGN §10 between the
// workspace at from and at to. from after to is ErrInvalid.
func Compare(ctx context.Context, s Store, ws string, from, to Point, p CompareParams) (*graph.Comparison, error) {
	c, _, _, err := CompareStates(ctx, s, ws, from, to, p)
	return c, err
}

// CompareStates is Compare that also returns the two states it compared,
// for a caller that shows the comparison with the names of what was
// removed (from a) and added (from b).
func CompareStates(ctx context.Context, s Store, ws string, from, to Point, p CompareParams) (c *graph.Comparison, a, b *graph.Bundle, err error) {
	if from.At.After(to.At) {
		return nil, nil, nil, errOrder(from, to)
	}
	a, b, d, err := states(ctx, s, ws, from, to)
	if err != nil {
		return nil, nil, nil, err
	}
	// Only what an event between the two touched can differ: compare
	// those entities, and analyse both states whole.
	if c, err = graph.Compare(d.touched(a), d.touched(b)); err != nil {
		return nil, nil, nil, err
	}
	if c, err = withFindings(ctx, c, a, b, from, to, p); err != nil {
		return nil, nil, nil, err
	}
	return c, a, b, nil
}

// States returns the workspace at from and at to, read together. from
// after to is ErrInvalid.
func States(ctx context.Context, s Store, ws string, from, to Point) (a, b *graph.Bundle, err error) {
	if from.At.After(to.At) {
		return nil, nil, errOrder(from, to)
	}
	a, b, _, err = states(ctx, s, ws, from, to)
	return a, b, err
}

// states rebuilds both points in one pass back in time, first to "to",
// then on to "from", and returns the delta of "from", whose keys are all
// the entities an event between the two touched.
func states(ctx context.Context, s Store, ws string, from, to Point) (a, b *graph.Bundle, d *delta, err error) {
	cur, events, err := read(ctx, s, ws, from, to)
	if err != nil {
		return nil, nil, nil, err
	}
	d = newDelta()
	i := 0
	for ; i < len(events) && after(to, events[i]); i++ {
		if err := d.undo(events[i]); err != nil {
			return nil, nil, nil, err
		}
	}
	dTo := d.clone()
	for ; i < len(events); i++ {
		if err := d.undo(events[i]); err != nil {
			return nil, nil, nil, err
		}
	}
	if d.gone {
		return nil, nil, nil, errNoWorkspace
	}
	return d.apply(cur), dTo.apply(cur), d, nil
}

func errOrder(from, to Point) error {
	return graph.Invalid([]graph.Problem{{Field: "from", Value: from.Raw,
		Reason: fmt.Sprintf("is after to (%s): compare goes from the earlier state to the later one", to.Raw)}})
}

// after reports whether e happened after the point.
func after(p Point, e graph.Event) bool {
	if p.Snapshot != nil {
		return e.Seq > p.Snapshot.Seq
	}
	at, err := time.Parse(time.RFC3339Nano, e.At)
	return err == nil && at.After(p.At)
}

// CompareBundles is Compare on two states already at hand.
func CompareBundles(ctx context.Context, a, b *graph.Bundle, from, to Point, p CompareParams) (*graph.Comparison, error) {
	c, err := graph.Compare(a, b)
	if err != nil {
		return nil, err
	}
	return withFindings(ctx, c, a, b, from, to, p)
}

// withFindings fills in the sides and the findings of a comparison.
func withFindings(ctx context.Context, c *graph.Comparison, a, b *graph.Bundle, from, to Point, p CompareParams) (*graph.Comparison, error) {
	c.From.At, c.To.At = from.String(), to.String()
	// The two analyses are independent: run them side by side.
	var (
		fa, fb []graph.Finding
		errA   error
		wg     sync.WaitGroup
	)
	wg.Go(func() {
		fa, errA = analysis.Findings(ctx, a, graph.FindingParams{AsOf: p.date(from), High: p.High, Window: p.Window, Lang: p.Lang})
	})
	fb, err := analysis.Findings(ctx, b, graph.FindingParams{AsOf: p.date(to), High: p.High, Window: p.Window, Lang: p.Lang})
	wg.Wait()
	if err = cmp.Or(errA, err); err != nil {
		return nil, err
	}
	c.Findings.New, c.Findings.Resolved = graph.CompareFindings(fa, fb)
	return c, nil
}
