package journey

import (
	"crypto/rand"
	"encoding/base64"
	"strings"
)

// tokenLen is the length of a tracked-link token: 16 random bytes in
// unpadded base64url.
const tokenLen = 22

// NewToken returns a fresh tracked-link token. Tracked links
// (links rastreados) carry only this opaque random token; the row it names
// holds the debtor, attempt and target, so a forwarded or logged URL gives
// nothing personal away and cannot be guessed from another one.
func NewToken() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("journey: no randomness: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// ValidToken reports whether s has a token's shape (checked before any
// store lookup of a clicked link).
func ValidToken(s string) bool {
	if len(s) != tokenLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// LinkURL is the tracked URL of a token under the journey's portal URL:
// <portal_url>/l/<token>.
func LinkURL(portal, token string) string {
	return strings.TrimSuffix(portal, "/") + "/l/" + token
}
