package access

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/subtle"
	_ "embed"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"github.com/stakemap/stakemap/graph"
)

// Password rules. People choose at least 8 characters and none of the
// 1,000 most common passwords and some obvious Dutch ones (NIST SP 800-63B and OWASP ASVS: 8 with a
// breached-password check); the bootstrap admin of STAKEMAP_ADMIN_PASSWORD
// needs 12, as it is set once and guards everything. 128 characters is
// the most, so that a hash's cost stays bounded.
const (
	MinPasswordLength      = 8
	MinAdminPasswordLength = 12
	MaxPasswordLength      = 128
)

// PasswordWork is the cost of one argon2id hash.
type PasswordWork struct {
	Time    uint32 // passes
	Memory  uint32 // KiB
	Threads uint8
}

// DefaultPasswordWork is OWASP's recommended argon2id setting: 19 MiB,
// two passes, one thread (some 30 ms on a server core).
var DefaultPasswordWork = PasswordWork{Time: 2, Memory: 19 * 1024, Threads: 1}

// maxConcurrentHashes bounds the memory sign-ins take: at most this many
// argon2id hashes run at once, the rest wait their turn.
const maxConcurrentHashes = 2

const (
	saltLength = 16
	keyLength  = 32
)

//go:embed data/common-passwords.txt
var commonList string

// Dutch users choose Dutch passwords: the list of most frequent ones is
// English, so the obvious Dutch ones (wachtwoord, welkom01, …) are added.
//
//go:embed data/common-passwords-nl.txt
var commonListNL string

var commonPasswords = func() map[string]bool {
	m := make(map[string]bool, 1000)
	sc := bufio.NewScanner(strings.NewReader(commonList + "\n" + commonListNL))
	for sc.Scan() {
		if w := strings.TrimSpace(sc.Text()); w != "" {
			m[strings.ToLower(w)] = true
		}
	}
	return m
}()

// CheckPassword returns the problems of a password a person chooses:
// too short or long, one of the most common passwords, or their own
// e-mail address or name. min is MinPasswordLength or
// MinAdminPasswordLength.
func CheckPassword(password string, min int, personal ...string) []graph.Problem {
	bad := func(reason string) []graph.Problem {
		// The value is never echoed: it is a password.
		return []graph.Problem{{Field: "password", Reason: reason}}
	}
	n := utf8.RuneCountInString(password)
	switch {
	case !utf8.ValidString(password):
		return bad("must be valid UTF-8 text")
	case n < min:
		return bad(fmt.Sprintf("must have at least %d characters", min))
	case n > MaxPasswordLength:
		return bad(fmt.Sprintf("must have at most %d characters", MaxPasswordLength))
	case commonPasswords[strings.ToLower(password)]:
		return bad("is one of the most common passwords: choose another")
	}
	for _, p := range personal {
		if p != "" && strings.EqualFold(strings.TrimSpace(p), password) {
			return bad("must not be your e-mail address or name")
		}
	}
	return nil
}

// hashPassword returns the PHC string of an argon2id hash of password:
// $argon2id$v=19$m=…,t=…,p=…$salt$hash, so that every hash carries its
// own salt and cost.
func (s *Service) hashPassword(ctx context.Context, password string) (string, error) {
	if err := s.acquire(ctx); err != nil {
		return "", err
	}
	defer s.release()
	w := s.cfg.PasswordWork
	salt := make([]byte, saltLength)
	rand.Read(salt) //nolint:errcheck // crypto/rand.Read never fails
	key := argon2.IDKey([]byte(password), salt, w.Time, w.Memory, w.Threads, keyLength)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, w.Memory, w.Time, w.Threads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// errBadHash marks a stored hash stakemap cannot read.
var errBadHash = errors.New("unreadable password hash")

// verifyPassword reports whether password matches the PHC string hash.
// An empty hash (an account without a password) costs one hash too, so
// that the time taken says nothing about the account.
func (s *Service) verifyPassword(ctx context.Context, hash, password string) (bool, error) {
	if hash == "" {
		hash = s.dummy
	}
	var (
		v          int
		m, t       uint32
		p          uint8
		salt, want []byte
	)
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, errBadHash
	}
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return false, errBadHash
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || m == 0 || t == 0 || p == 0 || m > 1<<20 || t > 16 {
		return false, errBadHash
	}
	var err error
	if salt, err = base64.RawStdEncoding.DecodeString(parts[4]); err != nil {
		return false, errBadHash
	}
	if want, err = base64.RawStdEncoding.DecodeString(parts[5]); err != nil || len(want) == 0 {
		return false, errBadHash
	}
	if err := s.acquire(ctx); err != nil {
		return false, err
	}
	defer s.release()
	got := argon2.IDKey([]byte(password), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1 && hash != s.dummy, nil
}

// dummyHash is compared against when there is no real hash, at the cost
// of new hashes: an unknown e-mail address takes as long as a known one.
func dummyHash(w PasswordWork) string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, w.Memory, w.Time, w.Threads,
		base64.RawStdEncoding.EncodeToString(make([]byte, saltLength)), base64.RawStdEncoding.EncodeToString(make([]byte, keyLength)))
}

func (s *Service) acquire(ctx context.Context) error {
	select {
	case s.hashing <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *Service) release() { <-s.hashing }
