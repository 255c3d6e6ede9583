package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// Passwords are hashed with argon2id (RFC 9106) at the parameters OWASP
// lists as a minimum for it (19 MiB, 2 passes, 1 lane): about 30 ms on a
// laptop core, cheap enough for a login, costly for someone with a stolen
// table. The hash is a PHC string, so parameters can grow later and old
// hashes still verify.
const (
	argonTime    = 2
	argonMemory  = 19 * 1024 // KiB
	argonThreads = 1
	argonKeyLen  = 32
	argonSaltLen = 16
)

// Password length rules for new passwords. The upper bound keeps one login
// request from costing arbitrary hashing work.
const (
	MinPasswordLen = 10
	MaxPasswordLen = 200
)

// ErrPasswordTooShort and ErrPasswordTooLong are returned by HashPassword.
var (
	ErrPasswordTooShort = fmt.Errorf("password: shorter than %d characters", MinPasswordLen)
	ErrPasswordTooLong  = fmt.Errorf("password: longer than %d characters", MaxPasswordLen)
)

// hashSlots bounds concurrent hashes: each holds 19 MiB while it runs, so a
// burst of logins cannot exhaust memory.
var hashSlots = make(chan struct{}, 4)

// HashPassword returns an argon2id PHC string for a new password
// ("$argon2id$v=19$m=19456,t=2,p=1$salt$hash").
func HashPassword(pw string) (string, error) {
	if n := utf8.RuneCountInString(pw); n < MinPasswordLen {
		return "", ErrPasswordTooShort
	} else if len(pw) > MaxPasswordLen {
		return "", ErrPasswordTooLong
	}
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("password: salt: %w", err)
	}
	hashSlots <- struct{}{}
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	<-hashSlots
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

var errBadHash = errors.New("password hash: not an argon2id PHC string")

type argonParams struct {
	time, memory uint32
	threads      uint8
	salt, key    []byte
}

func parseHash(h string) (argonParams, error) {
	var p argonParams
	f := strings.Split(h, "$")
	// "", "argon2id", "v=19", "m=..,t=..,p=..", salt, hash
	if len(f) != 6 || f[0] != "" || f[1] != "argon2id" || f[2] != "v="+strconv.Itoa(argon2.Version) {
		return p, errBadHash
	}
	for _, kv := range strings.Split(f[3], ",") {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return p, errBadHash
		}
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil || n == 0 {
			return p, errBadHash
		}
		switch k {
		case "m":
			p.memory = uint32(n)
		case "t":
			p.time = uint32(n)
		case "p":
			if n > 255 {
				return p, errBadHash
			}
			p.threads = uint8(n)
		default:
			return p, errBadHash
		}
	}
	// Refuse parameters far beyond ours: a tampered row must not make one
	// login allocate gigabytes.
	if p.memory == 0 || p.time == 0 || p.threads == 0 || p.memory > 1<<20 || p.time > 20 {
		return p, errBadHash
	}
	var err error
	if p.salt, err = base64.RawStdEncoding.DecodeString(f[4]); err != nil || len(p.salt) < 8 {
		return p, errBadHash
	}
	if p.key, err = base64.RawStdEncoding.DecodeString(f[5]); err != nil || len(p.key) < 16 || len(p.key) > 64 {
		return p, errBadHash
	}
	return p, nil
}

// CheckPassword reports whether pw matches the PHC hash. A malformed hash
// never matches.
func CheckPassword(hash, pw string) bool {
	if len(pw) > MaxPasswordLen {
		return false
	}
	p, err := parseHash(hash)
	if err != nil {
		return false
	}
	hashSlots <- struct{}{}
	key := argon2.IDKey([]byte(pw), p.salt, p.time, p.memory, p.threads, uint32(len(p.key)))
	<-hashSlots
	return subtle.ConstantTimeCompare(key, p.key) == 1
}

// dummyHash is checked against when the e-mail is unknown, so that a wrong
// e-mail costs the same time as a wrong password and timing does not tell
// which accounts exist.
var dummyHash = sync.OnceValue(func() string {
	h, err := HashPassword("not-a-real-password-just-timing")
	if err != nil {
		panic(err)
	}
	return h
})
