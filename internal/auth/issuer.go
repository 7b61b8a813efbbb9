// Package auth verifies the bearer tokens Graph clients send and issues the
// development tokens meetd accepts in place of Entra ID's.
//
// Tokens are RS256 JWTs shaped like the access tokens Entra ID issues for
// Microsoft Graph, v1.0 or v2.0 (graph-facts.md §5), signed by one key kept in
// a KeyStore. The Verifier turns a token into a meetd.Caller or a
// meetd.EUNAUTHENTICATED error carrying the message Graph gives.
package auth

import (
	"context"
	"crypto"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"fmt"

	"github.com/go-jose/go-jose/v4"
)

// Issuer mints development access tokens with one RSA signing key and
// publishes the public half. It is safe for concurrent use.
type Issuer struct {
	key       *rsa.PrivateKey
	kid       string
	signer    jose.Signer
	keys      jose.JSONWebKeySet // public keys, for verifiers
	jwks      []byte
	discovery discoveryTemplate
}

// LoadIssuer returns an Issuer with the key in ks, creating a new RSA 2048
// key there if the store holds none.
func LoadIssuer(ctx context.Context, ks KeyStore) (*Issuer, error) {
	b, err := ks.LoadOrCreateKey(ctx, generateKeyPEM)
	if err != nil {
		return nil, err
	}
	key, err := parseKeyPEM(b)
	if err != nil {
		return nil, err
	}
	return NewIssuer(key)
}

// NewIssuer returns an Issuer that signs with key, which must be an RSA key of
// at least 2048 bits. Tests that need no key file use it.
func NewIssuer(key *rsa.PrivateKey) (*Issuer, error) {
	if key.N.BitLen() < keyBits {
		return nil, fmt.Errorf("signing key: RSA key of %d bits, want at least %d", key.N.BitLen(), keyBits)
	}
	pub := jose.JSONWebKey{Key: &key.PublicKey, Algorithm: string(jose.RS256), Use: "sig"}
	kid, err := keyID(pub)
	if err != nil {
		return nil, err
	}
	pub.KeyID = kid
	signer, err := jose.NewSigner(
		jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: key, KeyID: kid}},
		(&jose.SignerOptions{}).WithType("JWT"),
	)
	if err != nil {
		return nil, fmt.Errorf("signer: %w", err)
	}
	is := &Issuer{key: key, kid: kid, signer: signer, keys: jose.JSONWebKeySet{Keys: []jose.JSONWebKey{pub}}}
	if is.jwks, err = json.Marshal(is.keys); err != nil {
		return nil, fmt.Errorf("jwks: %w", err)
	}
	if is.discovery, err = newDiscoveryTemplate(); err != nil {
		return nil, err
	}
	return is, nil
}

// keyID names a public key by its RFC 7638 JWK thumbprint (SHA-256, base64url).
func keyID(k jose.JSONWebKey) (string, error) {
	t, err := k.Thumbprint(crypto.SHA256)
	if err != nil {
		return "", fmt.Errorf("key thumbprint: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(t), nil
}

// KeyID returns the kid that tokens from i carry in their header.
func (i *Issuer) KeyID() string { return i.kid }

// PublicKeys returns the key set that verifies i's tokens.
func (i *Issuer) PublicKeys() jose.JSONWebKeySet { return i.keys }

// JWKS returns the public key set as JSON, as served at
// /common/discovery/v2.0/keys. The slice is shared: do not modify it.
func (i *Issuer) JWKS() []byte { return i.jwks }

// Verifier returns a Verifier that accepts i's tokens.
func (i *Issuer) Verifier(opts VerifierOptions) *Verifier {
	return NewVerifier(i.keys, opts)
}
