package history

import (
	"context"
	"fmt"

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
	a, err := State(ctx, s, ws, from)
	if err != nil {
		return nil, err
	}
	b, err := State(ctx, s, ws, to)
	if err != nil {
		return nil, err
	}
	return CompareBundles(a, b, from, to, p)
}

// CompareBundles is Compare on two states already at hand.
func CompareBundles(a, b *graph.Bundle, from, to Point, p CompareParams) (*graph.Comparison, error) {
	c, err := graph.Compare(a, b)
	if err != nil {
		return nil, err
	}
	c.From.At, c.To.At = from.String(), to.String()
	fa, err := analysis.Findings(a, graph.FindingParams{AsOf: from.Date(), High: p.High, Window: p.Window, Lang: p.Lang})
	if err != nil {
		return nil, err
	}
	fb, err := analysis.Findings(b, graph.FindingParams{AsOf: to.Date(), High: p.High, Window: p.Window, Lang: p.Lang})
	if err != nil {
		return nil, err
	}
	c.Findings.New, c.Findings.Resolved = graph.CompareFindings(fa, fb)
	return c, nil
}
