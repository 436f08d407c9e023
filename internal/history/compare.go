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
}

// Compare returns the compare document of DESIGN §10 between the
// workspace at from and at to. from after to is ErrInvalid.
func Compare(ctx context.Context, s Store, ws string, from, to Point, p CompareParams) (*graph.Comparison, error) {
	if from.At.After(to.At) {
		return nil, graph.Invalid([]graph.Problem{{Field: "from", Value: from.Raw,
			Reason: fmt.Sprintf("is after to (%s): compare goes from the earlier state to the later one", to.Raw)}})
	}
	cur, events, err := read(ctx, s, ws, from, to)
	if err != nil {
		return nil, err
	}
	// One pass back in time: first to "to", then on to "from".
	d := newDelta()
	i := 0
	for ; i < len(events) && after(to, events[i]); i++ {
		if err := d.undo(events[i]); err != nil {
			return nil, err
		}
	}
	dTo := d.clone()
	for ; i < len(events); i++ {
		if err := d.undo(events[i]); err != nil {
			return nil, err
		}
	}
	if d.gone {
		return nil, errNoWorkspace
	}
	a, b := d.apply(cur), dTo.apply(cur)
	// Only what an event between the two touched can differ: compare
	// those entities, and analyse both states whole.
	c, err := graph.Compare(d.touched(a), d.touched(b))
	if err != nil {
		return nil, err
	}
	return withFindings(c, a, b, from, to, p)
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
func CompareBundles(a, b *graph.Bundle, from, to Point, p CompareParams) (*graph.Comparison, error) {
	c, err := graph.Compare(a, b)
	if err != nil {
		return nil, err
	}
	return withFindings(c, a, b, from, to, p)
}

// withFindings fills in the sides and the findings of a comparison.
func withFindings(c *graph.Comparison, a, b *graph.Bundle, from, to Point, p CompareParams) (*graph.Comparison, error) {
	c.From.At, c.To.At = from.String(), to.String()
	// The two analyses are independent: run them side by side.
	var (
		fa, fb []graph.Finding
		errA   error
		wg     sync.WaitGroup
	)
	wg.Go(func() {
		fa, errA = analysis.Findings(a, graph.FindingParams{AsOf: from.Date(), High: p.High, Window: p.Window, Lang: p.Lang})
	})
	fb, err := analysis.Findings(b, graph.FindingParams{AsOf: to.Date(), High: p.High, Window: p.Window, Lang: p.Lang})
	wg.Wait()
	if err = cmp.Or(errA, err); err != nil {
		return nil, err
	}
	c.Findings.New, c.Findings.Resolved = graph.CompareFindings(fa, fb)
	return c, nil
}
