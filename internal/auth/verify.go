package auth

import (
	"crypto/rsa"
	"encoding/json"
	"errors"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/meetd/meetd"
)

// DefaultSkew is the clock skew a Verifier allows when VerifierOptions.Skew
// is zero: tokens are accepted up to a minute after exp and a minute before
// nbf, so a client whose clock is slightly off still works.
const DefaultSkew = 60 * time.Second

// DefaultCacheSize is how many verified tokens a Verifier remembers when
// VerifierOptions.CacheSize is zero, and `meetd serve --token-cache`'s
// default: ~20 MB of ~1 KB tokens when full, within serve's memory budget.
const DefaultCacheSize = 16384

// maxTokenLen bounds the tokens worth parsing. Entra ID's largest access
// tokens (many group claims) stay well below it.
const maxTokenLen = 16 << 10

// VerifierOptions tune a Verifier. The zero value is ready for use.
type VerifierOptions struct {
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// Skew is the clock skew allowed on exp and nbf: DefaultSkew (60s)
	// when zero. A negative value allows none.
	Skew time.Duration
	// CacheSize bounds how many verified tokens are remembered:
	// DefaultCacheSize when zero; a negative value turns the cache off.
	// Each entry holds its token, so the cache's memory is about
	// CacheSize times the tokens' length (~1 KB each).
	CacheSize int
}

// Verifier checks bearer tokens against a set of RSA public keys and turns
// them into callers. It is safe for concurrent use.
type Verifier struct {
	keys  map[string]*rsa.PublicKey // by kid
	now   func() time.Time
	skew  time.Duration
	cache *cache // nil when off
}

// NewVerifier returns a Verifier that accepts RS256 tokens signed by the RSA
// keys in keys. A key without a kid is known by its JWK thumbprint, as the
// Issuer names its own; keys of other types are ignored.
func NewVerifier(keys jose.JSONWebKeySet, opts VerifierOptions) *Verifier {
	v := &Verifier{keys: make(map[string]*rsa.PublicKey), now: opts.Now, skew: opts.Skew}
	for _, k := range keys.Keys {
		var pub *rsa.PublicKey
		switch key := k.Key.(type) {
		case *rsa.PublicKey:
			pub = key
		case *rsa.PrivateKey:
			pub = &key.PublicKey
		default:
			continue
		}
		kid := k.KeyID
		if kid == "" {
			var err error
			if kid, err = keyID(jose.JSONWebKey{Key: pub}); err != nil {
				continue
			}
		}
		v.keys[kid] = pub
	}
	if v.now == nil {
		v.now = time.Now
	}
	switch {
	case v.skew == 0:
		v.skew = DefaultSkew
	case v.skew < 0:
		v.skew = 0
	}
	switch {
	case opts.CacheSize == 0:
		v.cache = newCache(DefaultCacheSize)
	case opts.CacheSize > 0:
		v.cache = newCache(opts.CacheSize)
	}
	return v
}

// Verify returns the caller a bearer token speaks for, or a meetd
// EUNAUTHENTICATED error whose message is the one Graph gives for the fault.
//
// A token verified before is answered from a cache until it expires. The
// returned Caller may be shared with other requests bearing the same token:
// treat it as read-only.
func (v *Verifier) Verify(token string) (*meetd.Caller, error) {
	if token == "" {
		return nil, unauthenticated("Access token is empty.", nil)
	}
	now := v.now()
	var stale bool
	if v.cache != nil {
		var c *meetd.Caller
		if c, stale = v.cache.get(token, now.UnixNano()); c != nil {
			return c, nil
		}
	}
	c, validFrom, validUntil, err := v.verify(token, now)
	if err != nil {
		if stale {
			v.cache.remove(token)
		}
		return nil, err
	}
	if v.cache != nil {
		v.cache.put(token, c, unixNano(validFrom), unixNano(validUntil), now.UnixNano())
	}
	return c, nil
}

// Messages Graph gives for bad tokens (graph-facts.md §4.3).
const (
	msgMalformed        = "CompactToken parsing failed with error code: 80049217"
	msgInvalidSignature = "Access token validation failure. Invalid signature."
	msgInvalidIssuer    = "Access token validation failure. Invalid issuer."
	msgInvalidAudience  = "Access token validation failure. Invalid audience."
	msgExpired          = "Lifetime validation failed, the token is expired."
	msgNotYetValid      = "Access token has expired or is not yet valid."
	msgInvalidPrefix    = "Access token validation failure. "
)

// verify checks token fully and returns its caller and the interval, skew
// included, in which the token is accepted.
func (v *Verifier) verify(token string, now time.Time) (c *meetd.Caller, validFrom, validUntil time.Time, err error) {
	fail := func(msg string, cause error) (*meetd.Caller, time.Time, time.Time, error) {
		return nil, time.Time{}, time.Time{}, unauthenticated(msg, cause)
	}
	if len(token) > maxTokenLen {
		return fail(msgMalformed, errors.New("token too long"))
	}
	if !canonicalToken(token) {
		return fail(msgMalformed, errors.New("a segment is not canonical base64url"))
	}
	// Only RS256 parses: "none", HMAC (which would take the public key as
	// its secret) and everything else are refused before any key is used.
	jws, err := jose.ParseSignedCompact(token, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		if _, ok := errors.AsType[*jose.ErrUnexpectedSignatureAlgorithm](err); ok {
			return fail(msgInvalidSignature, err)
		}
		return fail(msgMalformed, err)
	}
	payload, err := v.verifySignature(jws)
	if err != nil {
		return fail(msgInvalidSignature, err)
	}
	var cl claims
	if err := json.Unmarshal(payload, &cl); err != nil {
		return fail(msgMalformed, err)
	}

	issTenant, ok := issuerTenant(cl.Issuer)
	if !ok {
		return fail(msgInvalidIssuer, errors.New("iss "+cl.Issuer))
	}
	if cl.TenantID == "" {
		return fail(msgInvalidPrefix+"The token has no tid claim.", nil)
	}
	if !strings.EqualFold(issTenant, cl.TenantID) {
		return fail(msgInvalidIssuer, errors.New("iss tenant "+issTenant+" is not tid "+cl.TenantID))
	}
	if !slices.ContainsFunc(cl.Audience, graphAudience) {
		return fail(msgInvalidAudience, errors.New("aud "+strings.Join(cl.Audience, " ")))
	}
	if cl.Expiry == nil {
		return fail(msgInvalidPrefix+"The token has no exp claim.", nil)
	}
	validUntil = cl.Expiry.Time().Add(v.skew)
	if now.After(validUntil) {
		return fail(msgExpired, nil)
	}
	if cl.NotBefore != nil {
		validFrom = cl.NotBefore.Time().Add(-v.skew)
		if now.Before(validFrom) {
			return fail(msgNotYetValid, nil)
		}
	}
	if cl.ObjectID == "" {
		return fail(msgInvalidPrefix+"The token has no oid claim.", nil)
	}
	var scopes []string // nil, not empty, when there are none
	if strings.TrimSpace(cl.Scope) != "" {
		scopes = strings.Fields(cl.Scope)
	}
	if len(scopes) == 0 && len(cl.Roles) == 0 {
		return fail(msgInvalidPrefix+"Either scp or roles claim need to be present in the token.", nil)
	}
	app := cl.AppID
	if app == "" {
		app = cl.AZP
	}
	if app == "" {
		return fail(msgInvalidPrefix+"The token has no appid or azp claim.", nil)
	}

	c = &meetd.Caller{
		TenantID: strings.ToLower(cl.TenantID),
		ObjectID: strings.ToLower(cl.ObjectID),
		AppID:    strings.ToLower(app),
		UPN:      firstNonEmpty(cl.UPN, cl.UniqueName, cl.PreferredUsername),
		Scopes:   scopes,
		Roles:    cl.Roles,
	}
	// idtyp, when present, is the most accurate sign of an app-only token
	// (Entra's optional-claims reference); without it, scp means a user.
	switch cl.IDType {
	case "app":
		c.App = true
	case "":
		c.App = len(scopes) == 0
	}
	return c, validFrom, validUntil, nil
}

// verifySignature checks the JWS against the key its kid names, or against
// every key when it names none.
func (v *Verifier) verifySignature(jws *jose.JSONWebSignature) ([]byte, error) {
	kid := jws.Signatures[0].Header.KeyID
	if kid != "" {
		key, ok := v.keys[kid]
		if !ok {
			return nil, errors.New("unknown kid " + kid)
		}
		return jws.Verify(key)
	}
	for _, key := range v.keys {
		if payload, err := jws.Verify(key); err == nil {
			return payload, nil
		}
	}
	return nil, errors.New("no kid, and no key verifies the signature")
}

// unixNano is t.UnixNano, saturated where that is undefined: the zero time
// (no nbf) is the distant past, and an exp past 2262 the distant future.
func unixNano(t time.Time) int64 {
	switch {
	case t.IsZero() || t.Before(time.Unix(0, math.MinInt64)):
		return math.MinInt64
	case t.After(time.Unix(0, math.MaxInt64)):
		return math.MaxInt64
	}
	return t.UnixNano()
}

func unauthenticated(msg string, cause error) *meetd.Error {
	return &meetd.Error{Code: meetd.EUNAUTHENTICATED, Message: msg, Err: cause}
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// canonicalToken reports whether each dot-separated segment of token ends
// as canonical unpadded base64url does: the bits of its last character
// past the data are zero. go-jose decodes leniently, so without this one
// token had 256 spellings that all verified, and each took an entry of the
// verified-token cache, which is keyed by the token's text.
func canonicalToken(token string) bool {
	for seg := range strings.SplitSeq(token, ".") {
		var mask int
		switch len(seg) % 4 {
		case 0:
			continue
		case 1:
			return false
		case 2:
			mask = 0x0f // 12 bits carry 8
		case 3:
			mask = 0x03 // 18 bits carry 16
		}
		v := strings.IndexByte(base64URLAlphabet, seg[len(seg)-1])
		if v < 0 || v&mask != 0 {
			return false
		}
	}
	return true
}

const base64URLAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
