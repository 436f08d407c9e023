package access

import (
	"math"
	"net"
	"net/http"
	"sync"
	"time"
)

// A limit allows Burst failures at once and one more every Interval
// after that: a leaky bucket of failures.
type limit struct {
	Burst    float64
	Interval time.Duration
}

// The limits on failed sign-ins and failed bearer tokens. Per client: 20
// at once, then 20 a minute, so that a script with a wrong token is
// stopped within a second and a guesser gets some 30,000 tries a day
// instead of 865 a second. Per account: 10 at once, then 100 an hour
// (OWASP ASVS), counted per e-mail address whether or not it has an
// account, so the answers say nothing about which addresses exist.
var (
	clientLimit  = limit{Burst: 20, Interval: 3 * time.Second}
	accountLimit = limit{Burst: 10, Interval: 36 * time.Second}
)

// maxThrottleKeys bounds the memory of the throttle: past it, buckets
// that have drained are forgotten first, then the emptiest.
const maxThrottleKeys = 100_000

type bucket struct {
	level float64 // failures not yet leaked away
	at    time.Time
}

// throttle counts failures per key in one process.
type throttle struct {
	mu      sync.Mutex
	buckets map[string]*bucket
}

func newThrottle() *throttle { return &throttle{buckets: map[string]*bucket{}} }

// drained returns the bucket's level at now.
func (b *bucket) drained(l limit, now time.Time) float64 {
	leak := now.Sub(b.at).Seconds() / l.Interval.Seconds()
	return math.Max(0, b.level-leak)
}

// wait returns how long key must wait before its next attempt: 0 when it
// may try now.
func (t *throttle) wait(key string, l limit, now time.Time) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	b, ok := t.buckets[key]
	if !ok {
		return 0
	}
	// One more failure must fit in the bucket for an attempt to be
	// allowed: Burst failures in a row, then one per Interval.
	over := b.drained(l, now) + 1 - l.Burst
	if over <= 0 {
		return 0
	}
	return time.Duration(over * float64(l.Interval))
}

// fail counts one failure of key.
func (t *throttle) fail(key string, l limit, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	b, ok := t.buckets[key]
	if !ok {
		if len(t.buckets) >= maxThrottleKeys {
			t.evict(l, now)
		}
		b = &bucket{at: now}
		t.buckets[key] = b
	}
	b.level = b.drained(l, now) + 1
	b.at = now
}

// reset forgets key's failures, after a successful sign-in.
func (t *throttle) reset(key string) {
	t.mu.Lock()
	delete(t.buckets, key)
	t.mu.Unlock()
}

// evict makes room: drop every drained bucket, and when none has
// drained, the one with the fewest failures.
func (t *throttle) evict(l limit, now time.Time) {
	var (
		lowKey string
		low    = math.Inf(1)
	)
	for k, b := range t.buckets {
		level := b.drained(l, now)
		if level == 0 {
			delete(t.buckets, k)
			continue
		}
		if level < low {
			lowKey, low = k, level
		}
	}
	if len(t.buckets) >= maxThrottleKeys && lowKey != "" {
		delete(t.buckets, lowKey)
	}
}

// ClientOf returns the client a request is throttled as: its peer's
// address (the service trusts no proxy headers), an IPv6 address by its
// /64 network, which one household or office is given.
func ClientOf(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	return ClientKey(host)
}

// ClientKey normalises a client address for throttling.
func ClientKey(addr string) string {
	ip := net.ParseIP(addr)
	if ip == nil {
		return addr
	}
	if v4 := ip.To4(); v4 != nil {
		return v4.String()
	}
	return ip.Mask(net.CIDRMask(64, 128)).String() + "/64"
}

// throttled returns a *ThrottledError when any key must wait, for the
// longest wait.
func (s *Service) throttled(keys ...throttleKey) error {
	now := s.now()
	var longest time.Duration
	for _, k := range keys {
		longest = max(longest, s.throttle.wait(k.key, k.limit, now))
	}
	if longest > 0 {
		return &ThrottledError{RetryAfter: longest.Round(time.Second) + time.Second}
	}
	return nil
}

func (s *Service) failed(keys ...throttleKey) {
	now := s.now()
	for _, k := range keys {
		s.throttle.fail(k.key, k.limit, now)
	}
}

type throttleKey struct {
	key   string
	limit limit
}

func clientKey(client string) throttleKey { return throttleKey{"client " + client, clientLimit} }
func accountKey(email string) throttleKey {
	return throttleKey{"account " + foldEmail(email), accountLimit}
}
