package oauth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// NewToken returns a fresh opaque token in Zoho's shape: 1000.<32 hex>.<32 hex>.
func NewToken() string {
	return "1000." + randHex(16) + "." + randHex(16)
}

// NewClientID returns a fresh client id in Zoho's shape: 1000. followed by 30 upper-case characters.
func NewClientID() string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	b := make([]byte, 30)
	rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return "1000." + string(b)
}

// NewSecret returns a fresh client secret: 42 lower-case hex characters.
func NewSecret() string { return randHex(21) }

func randHex(n int) string {
	b := make([]byte, n)
	rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b)
}

// Hash returns the SHA-256 hex digest under which a secret is stored. The tokens are 256-bit random
// values, so a fast unsalted digest is enough to make a stolen database useless.
func Hash(secret string) string {
	sum := sha256.Sum256([]byte(strings.TrimSpace(secret)))
	return hex.EncodeToString(sum[:])
}
