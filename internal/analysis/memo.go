package analysis

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
)

// memo computes a value of an index at most once, on first use. Unlike
// sync.Once it lets a waiting caller give up, and it keeps no result of a
// computation that stopped because its caller gave up: the next caller
// computes it again. Other errors are kept, as the same input gives them
// again.
type memo[T any] struct {
	once  sync.Once
	turn  chan struct{} // one token: whoever holds it may compute
	ready atomic.Bool   // val and err are final
	val   T
	err   error
}

func (m *memo[T]) get(ctx context.Context, compute func(context.Context) (T, error)) (T, error) {
	if m.ready.Load() {
		return m.val, m.err
	}
	m.once.Do(func() {
		m.turn = make(chan struct{}, 1)
		m.turn <- struct{}{}
	})
	select {
	case <-m.turn:
	case <-ctx.Done():
		var zero T
		return zero, ctx.Err()
	}
	defer func() { m.turn <- struct{}{} }()
	if m.ready.Load() {
		return m.val, m.err
	}
	v, err := compute(ctx)
	if err != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) {
		return v, err
	}
	m.val, m.err = v, err
	m.ready.Store(true)
	return v, err
}

// checkEvery is how many steps a long loop takes between looks at its
// context: often enough to stop within milliseconds, rarely enough to
// cost nothing measurable.
const checkEvery = 1 << 12
