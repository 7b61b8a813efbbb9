package auth

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"strings"
	"sync"
	"testing"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// Ids the tests mint tokens for.
const (
	tenantA = "72f988bf-86f1-41af-91ab-2d7cd011db47"
	tenantB = "0f3c1b2a-4d5e-4f60-8a7b-9c0d1e2f3a4b"
	userA   = "4e5d9f2a-1b3c-4d6e-8f70-a1b2c3d4e5f6"
	appA    = "11112222-3333-4444-8555-666677778888"
)

// RSA keys take a while to generate, so the tests share two.
var testKeys = sync.OnceValues(func() ([2]*rsa.PrivateKey, error) {
	var keys [2]*rsa.PrivateKey
	for i := range keys {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			return keys, err
		}
		keys[i] = k
	}
	return keys, nil
})

// newTestIssuer returns an issuer on the shared key, or on the second
// ("foreign") key when foreign is true.
func newTestIssuer(t testing.TB, foreign bool) *Issuer {
	t.Helper()
	keys, err := testKeys()
	if err != nil {
		t.Fatal(err)
	}
	key := keys[0]
	if foreign {
		key = keys[1]
	}
	is, err := NewIssuer(key)
	if err != nil {
		t.Fatal(err)
	}
	return is
}

func mint(t testing.TB, is *Issuer, r TokenRequest) string {
	t.Helper()
	tok, err := is.Mint(r)
	if err != nil {
		t.Fatalf("Mint(%+v): %v", r, err)
	}
	return tok
}

// mintEdited mints r's claims after edit changes them, signed by signer
// (the issuer's own when nil).
func mintEdited(t testing.TB, is *Issuer, r TokenRequest, signer jose.Signer, edit func(*claims)) string {
	t.Helper()
	c, err := r.claims()
	if err != nil {
		t.Fatal(err)
	}
	edit(c)
	if signer == nil {
		signer = is.signer
	}
	tok, err := jwt.Signed(signer).Claims(c).Serialize()
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// rsaSigner signs with key and RS256, naming the key kid.
func rsaSigner(t testing.TB, key *rsa.PrivateKey, kid string) jose.Signer {
	t.Helper()
	return algSigner(t, jose.RS256, key, kid)
}

// algSigner signs with key and alg, naming the key kid.
func algSigner(t testing.TB, alg jose.SignatureAlgorithm, key *rsa.PrivateKey, kid string) jose.Signer {
	t.Helper()
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: jose.JSONWebKey{Key: key, KeyID: kid}},
		(&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// splitToken returns a compact token's three parts.
func splitToken(t testing.TB, tok string) [3]string {
	t.Helper()
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("token has %d parts, want 3", len(parts))
	}
	return [3]string(parts)
}

func b64JSON(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodePart returns one base64url JSON part of a token as a map.
func decodePart(t testing.TB, part string) map[string]any {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(part)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}
