package history

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/stakemap/stakemap/graph"
)

// Retain purges, in every workspace with a retention period, the history
// and snapshots older than that period before now. It returns how many
// events went; a workspace deleted meanwhile is skipped.
func Retain(ctx context.Context, s Store, now time.Time) (int, error) {
	wss, err := s.Workspaces(ctx)
	if err != nil {
		return 0, fmt.Errorf("retention: %w", err)
	}
	total := 0
	for _, w := range wss {
		st, err := s.HistoryState(ctx, w.ID)
		if errors.Is(err, graph.ErrNotFound) {
			continue
		}
		if err != nil {
			return total, fmt.Errorf("retention %s: %w", w.ID, err)
		}
		if st.Settings.RetentionMonths == 0 {
			continue
		}
		n, err := s.PurgeHistory(ctx, w.ID, now.UTC().AddDate(0, -st.Settings.RetentionMonths, 0))
		if err != nil && !errors.Is(err, graph.ErrNotFound) {
			return total, fmt.Errorf("retention %s: %w", w.ID, err)
		}
		total += n
	}
	return total, nil
}

// RunRetention runs Retain at once and then every interval until ctx is
// done; the returned function waits for it to stop, so that the store is
// closed only after.
func RunRetention(ctx context.Context, s Store, every time.Duration, log *slog.Logger) (wait func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			n, err := Retain(ctx, s, time.Now())
			switch {
			case err != nil && ctx.Err() == nil:
				log.Error("retention purge failed", "err", err)
			case n > 0:
				log.Info("retention purge", "events", n)
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	return func() { <-done }
}
