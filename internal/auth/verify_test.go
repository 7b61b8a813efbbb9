package auth

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"github.com/meetd/meetd"
)

var testNow = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

func TestVerify(t *testing.T) {
	is := newTestIssuer(t, false)
	foreign := newTestIssuer(t, true)
	keys, _ := testKeys()

	delegated := TokenRequest{TenantID: tenantA, UserID: userA, UPN: "adele@contoso.com",
		Scopes: []string{meetd.ScopeReadWrite, "User.Read"}, Now: testNow}
	app := TokenRequest{TenantID: tenantA, AppID: appA, Roles: []string{meetd.RoleReadWrite}, Now: testNow}
	with := func(r TokenRequest, edit func(*TokenRequest)) TokenRequest { edit(&r); return r }
	edited := func(r TokenRequest, edit func(*claims)) string { return mintEdited(t, is, r, nil, edit) }

	userCaller := &meetd.Caller{TenantID: tenantA, ObjectID: userA, AppID: DevClientID, UPN: "adele@contoso.com",
		Scopes: []string{meetd.ScopeReadWrite, "User.Read"}}
	appCaller := &meetd.Caller{TenantID: tenantA, ObjectID: ServicePrincipalID(tenantA, appA), AppID: appA,
		App: true, Roles: []string{meetd.RoleReadWrite}}

	valid := mint(t, is, delegated)
	parts := splitToken(t, valid)
	payload := decodePart(t, parts[1])
	payload["oid"] = "00000000-0000-0000-0000-000000000001"
	tamperedPayload := parts[0] + "." + b64JSON(t, payload) + "." + parts[2]
	sig := []byte(parts[2])
	if sig[len(sig)/2] != 'A' { // change one character in the middle
		sig[len(sig)/2] = 'A'
	} else {
		sig[len(sig)/2] = 'B'
	}
	tamperedSig := parts[0] + "." + parts[1] + "." + string(sig)

	none := b64JSON(t, map[string]string{"alg": "none", "typ": "JWT"}) + "." + parts[1] + "."
	pubDER, _ := x509.MarshalPKIXPublicKey(&keys[0].PublicKey)
	pubPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER})
	hsInput := b64JSON(t, map[string]string{"alg": "HS256", "typ": "JWT", "kid": is.KeyID()}) + "." + parts[1]
	mac := hmac.New(sha256.New, pubPEM)
	mac.Write([]byte(hsInput))
	hs256 := hsInput + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
	notJSON, err := is.signer.Sign([]byte("hello"))
	if err != nil {
		t.Fatal(err)
	}
	signedNotJSON, err := notJSON.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	// A long UPN makes a token past maxTokenLen that is otherwise valid.
	tooLong := mint(t, is, with(delegated, func(r *TokenRequest) { r.UPN = strings.Repeat("a", maxTokenLen) + "@contoso.com" }))

	cases := []struct {
		name  string
		token string
		want  *meetd.Caller
		msg   string // the error message when want is nil
	}{
		{name: "v1 delegated", token: valid, want: userCaller},
		{name: "v2 delegated", token: mint(t, is, with(delegated, func(r *TokenRequest) { r.Version = Version2 })), want: userCaller},
		{name: "v1 app", token: mint(t, is, app), want: appCaller},
		{name: "v2 app", token: mint(t, is, with(app, func(r *TokenRequest) { r.Version = Version2 })), want: appCaller},
		{name: "delegated with own client", token: mint(t, is, with(delegated, func(r *TokenRequest) { r.AppID = appA })),
			want: &meetd.Caller{TenantID: tenantA, ObjectID: userA, AppID: appA, UPN: "adele@contoso.com", Scopes: userCaller.Scopes}},
		{name: "aud resource URI on v2", token: mint(t, is, with(delegated, func(r *TokenRequest) { r.Version, r.Audience = Version2, GraphResource })), want: userCaller},
		{name: "aud app id on v1", token: mint(t, is, with(delegated, func(r *TokenRequest) { r.Audience = GraphAppID })), want: userCaller},
		{name: "aud with trailing slash", token: mint(t, is, with(delegated, func(r *TokenRequest) { r.Audience = GraphResource + "/" })), want: userCaller},
		{name: "aud as an array", token: edited(delegated, func(c *claims) { c.Audience = jwt.Audience{"api://other", GraphAppID} }), want: userCaller},
		{name: "ids upper-case", token: edited(delegated, func(c *claims) {
			c.TenantID, c.ObjectID, c.Issuer = "72F988BF-86F1-41AF-91AB-2D7CD011DB47", "4E5D9F2A-1B3C-4D6E-8F70-A1B2C3D4E5F6", "https://sts.windows.net/72F988BF-86F1-41AF-91AB-2D7CD011DB47/"
			c.AppID = strings.ToUpper(DevClientID)
		}), want: userCaller},
		{name: "iss tenant in another case than tid", token: edited(delegated, func(c *claims) { c.Issuer = IssuerURL(Version1, strings.ToUpper(tenantA)) }), want: userCaller},
		{name: "our key, no kid", token: mintEdited(t, is, delegated, rsaSigner(t, keys[0], ""), func(*claims) {}), want: userCaller},
		{name: "within skew after exp", token: mint(t, is, with(delegated, func(r *TokenRequest) { r.TTL = -30 * time.Second })), want: userCaller},
		{name: "within skew before nbf", token: mint(t, is, with(delegated, func(r *TokenRequest) { r.Now = testNow.Add(30 * time.Second) })), want: userCaller},
		// The skew is 60 s, no more and no less.
		{name: "50 s after exp", token: mint(t, is, with(delegated, func(r *TokenRequest) { r.TTL = -50 * time.Second })), want: userCaller},
		{name: "70 s after exp", token: mint(t, is, with(delegated, func(r *TokenRequest) { r.TTL = -70 * time.Second })), msg: msgExpired},
		{name: "exactly 60 s after exp", token: mint(t, is, with(delegated, func(r *TokenRequest) { r.TTL = -60 * time.Second })), want: userCaller},
		{name: "exactly 60 s before nbf", token: mint(t, is, with(delegated, func(r *TokenRequest) { r.Now = testNow.Add(60 * time.Second) })), want: userCaller},
		{name: "50 s before nbf", token: mint(t, is, with(delegated, func(r *TokenRequest) { r.Now = testNow.Add(50 * time.Second) })), want: userCaller},
		{name: "70 s before nbf", token: mint(t, is, with(delegated, func(r *TokenRequest) { r.Now = testNow.Add(70 * time.Second) })), msg: msgNotYetValid},

		{name: "empty", token: "", msg: "Access token is empty."},
		{name: "garbage", token: "not a token", msg: msgMalformed},
		{name: "two parts", token: parts[0] + "." + parts[1], msg: msgMalformed},
		{name: "bad base64", token: "!!!." + parts[1] + "." + parts[2], msg: msgMalformed},
		{name: "header not JSON", token: base64.RawURLEncoding.EncodeToString([]byte("hello")) + "." + parts[1] + "." + parts[2], msg: msgMalformed},
		{name: "too long", token: valid + string(make([]byte, maxTokenLen)), msg: msgMalformed},
		{name: "too long, well signed", token: tooLong, msg: msgMalformed},
		{name: "payload not JSON, well signed", token: signedNotJSON, msg: msgMalformed},
		{name: "tampered payload", token: tamperedPayload, msg: msgInvalidSignature},
		{name: "tampered signature", token: tamperedSig, msg: msgInvalidSignature},
		{name: "foreign key, our kid", token: mintEdited(t, is, delegated, rsaSigner(t, keys[1], is.KeyID()), func(*claims) {}), msg: msgInvalidSignature},
		{name: "foreign key, unknown kid", token: mint(t, foreign, delegated), msg: msgInvalidSignature},
		{name: "foreign key, no kid", token: mintEdited(t, is, delegated, rsaSigner(t, keys[1], ""), func(*claims) {}), msg: msgInvalidSignature},
		{name: "our key, unknown kid", token: mintEdited(t, is, delegated, rsaSigner(t, keys[0], "other"), func(*claims) {}), msg: msgInvalidSignature},
		// Entra signs with RS256 only; our key under another algorithm is refused.
		{name: "our key, RS512", token: mintEdited(t, is, delegated, algSigner(t, jose.RS512, keys[0], is.KeyID()), func(*claims) {}), msg: msgInvalidSignature},
		{name: "our key, PS256", token: mintEdited(t, is, delegated, algSigner(t, jose.PS256, keys[0], is.KeyID()), func(*claims) {}), msg: msgInvalidSignature},
		{name: "alg none", token: none, msg: msgInvalidSignature},
		{name: "HS256 with the public key", token: hs256, msg: msgInvalidSignature},
		{name: "wrong audience", token: mint(t, is, with(delegated, func(r *TokenRequest) { r.Audience = "https://graph.windows.net" })), msg: msgInvalidAudience},
		{name: "aud with Graph's URI as a prefix", token: mint(t, is, with(delegated, func(r *TokenRequest) { r.Audience = GraphResource + ".evil.example" })), msg: msgInvalidAudience},
		{name: "aud with a path under Graph's URI", token: mint(t, is, with(delegated, func(r *TokenRequest) { r.Audience = GraphResource + "/other" })), msg: msgInvalidAudience},
		{name: "no audience", token: edited(delegated, func(c *claims) { c.Audience = nil }), msg: msgInvalidAudience},
		{name: "wrong issuer", token: edited(delegated, func(c *claims) { c.Issuer = "https://evil.example/" + tenantA + "/" }), msg: msgInvalidIssuer},
		{name: "issuer with Entra's URL inside", token: edited(delegated, func(c *claims) { c.Issuer = "https://evil.example/" + IssuerURL(Version1, tenantA) }), msg: msgInvalidIssuer},
		{name: "issuer with a path for its tenant", token: edited(delegated, func(c *claims) { c.Issuer, c.TenantID = IssuerURL(Version1, "x/"+tenantA), "x/"+tenantA }), msg: msgInvalidIssuer},
		{name: "wrong issuer and no tid", token: edited(delegated, func(c *claims) { c.Issuer, c.TenantID = "https://evil.example/", "" }), msg: msgInvalidIssuer},
		{name: "issuer without tenant", token: edited(delegated, func(c *claims) { c.Issuer = "https://sts.windows.net//" }), msg: msgInvalidIssuer},
		{name: "issuer of another tenant", token: edited(delegated, func(c *claims) { c.Issuer = IssuerURL(Version1, tenantB) }), msg: msgInvalidIssuer},
		{name: "v2 issuer of another tenant", token: edited(delegated, func(c *claims) { c.Issuer = IssuerURL(Version2, tenantB) }), msg: msgInvalidIssuer},
		{name: "expired", token: mint(t, is, with(delegated, func(r *TokenRequest) { r.TTL = -10 * time.Minute })), msg: msgExpired},
		{name: "nbf in the future", token: mint(t, is, with(delegated, func(r *TokenRequest) { r.Now = testNow.Add(10 * time.Minute) })), msg: msgNotYetValid},
		{name: "no exp", token: edited(delegated, func(c *claims) { c.Expiry = nil }), msg: msgInvalidPrefix + "The token has no exp claim."},
		{name: "no tid", token: edited(delegated, func(c *claims) { c.TenantID = "" }), msg: msgInvalidPrefix + "The token has no tid claim."},
		{name: "no oid", token: edited(delegated, func(c *claims) { c.ObjectID = "" }), msg: msgInvalidPrefix + "The token has no oid claim."},
		{name: "no scp or roles", token: edited(delegated, func(c *claims) { c.Scope = "" }), msg: msgInvalidPrefix + "Either scp or roles claim need to be present in the token."},
		{name: "app without roles", token: mint(t, is, with(app, func(r *TokenRequest) { r.Roles = nil })), msg: msgInvalidPrefix + "Either scp or roles claim need to be present in the token."},
		{name: "no appid or azp", token: edited(delegated, func(c *claims) { c.AppID = "" }), msg: msgInvalidPrefix + "The token has no appid or azp claim."},
	}
	// The cases run twice: without the cache, and on one cache, in order,
	// so that a bad token is refused even after good ones (valid first of
	// all, which the tampered ones are made from) were cached.
	for _, cache := range []struct {
		name string
		size int
	}{{"uncached", -1}, {"cached", 0}} {
		v := is.Verifier(VerifierOptions{Now: func() time.Time { return testNow }, CacheSize: cache.size})
		for _, tc := range cases {
			t.Run(cache.name+"/"+tc.name, func(t *testing.T) {
				got, err := v.Verify(tc.token)
				if tc.want != nil {
					if err != nil {
						t.Fatalf("got error %v, want caller %+v", err, tc.want)
					}
					if !reflect.DeepEqual(got, tc.want) {
						t.Errorf("got caller %+v, want %+v", got, tc.want)
					}
					return
				}
				assertUnauthenticated(t, got, err, tc.msg)
			})
		}
	}
}

// assertUnauthenticated checks that Verify refused with EUNAUTHENTICATED and msg.
func assertUnauthenticated(t testing.TB, got *meetd.Caller, err error, msg string) {
	t.Helper()
	if got != nil {
		t.Errorf("got caller %+v, want none", got)
	}
	var e *meetd.Error
	if !errors.As(err, &e) {
		t.Fatalf("got error %v, want a *meetd.Error", err)
	}
	if e.Code != meetd.EUNAUTHENTICATED || e.Message != msg {
		t.Errorf("got %s %q, want %s %q", e.Code, e.Message, meetd.EUNAUTHENTICATED, msg)
	}
}

// TestVerifyNegativeSkew checks that a negative VerifierOptions.Skew allows
// no skew at all, rather than the default or a negative one.
func TestVerifyNegativeSkew(t *testing.T) {
	is := newTestIssuer(t, false)
	v := is.Verifier(VerifierOptions{Now: func() time.Time { return testNow }, Skew: -time.Minute, CacheSize: -1})
	r := TokenRequest{TenantID: tenantA, UserID: userA, Scopes: []string{meetd.ScopeRead}}
	cases := []struct {
		name string
		now  time.Time // the token's issue time
		ttl  time.Duration
		msg  string // "" when accepted
	}{
		{"valid for 30 s more", testNow.Add(-10 * time.Second), 40 * time.Second, ""},
		{"issued just now", testNow, time.Minute, ""},
		{"expired 1 s ago", testNow.Add(-time.Minute), 59 * time.Second, msgExpired},
		{"valid from 1 s on", testNow.Add(time.Second), time.Minute, msgNotYetValid},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := r
			r.Now, r.TTL = tc.now, tc.ttl
			got, err := v.Verify(mint(t, is, r))
			if tc.msg == "" {
				if err != nil {
					t.Errorf("got error %v, want the caller", err)
				}
				return
			}
			assertUnauthenticated(t, got, err, tc.msg)
		})
	}
}

// A token is one string: another spelling of its base64url, with any of the
// spare bits of a segment's last character set, which go-jose would decode
// to the same bytes, is refused, so that it cannot take a second cache entry.
func TestVerifyRefusesNonCanonicalSpellings(t *testing.T) {
	is := newTestIssuer(t, false)
	v := is.Verifier(VerifierOptions{Now: func() time.Time { return testNow }})
	// UPNs of three lengths give payloads of every length mod 3, so that
	// segments of both shapes with spare bits (length 2 and 3 mod 4) are met.
	seen := map[int]bool{}
	for _, upn := range []string{"a@contoso.com", "ab@contoso.com", "abc@contoso.com"} {
		valid := mint(t, is, TokenRequest{TenantID: tenantA, UserID: userA, UPN: upn, Scopes: []string{meetd.ScopeReadWrite}, Now: testNow})
		if _, err := v.Verify(valid); err != nil {
			t.Fatalf("the token as minted: %v", err)
		}
		parts := splitToken(t, valid)
		for i, seg := range parts {
			if len(seg)%4 == 0 || len(seg)%4 == 1 {
				continue // no spare bits
			}
			seen[len(seg)%4] = true
			spare := 0x0f // 12 bits carry 8
			if len(seg)%4 == 3 {
				spare = 0x03 // 18 bits carry 16
			}
			last := strings.IndexByte(base64URLAlphabet, seg[len(seg)-1])
			for bits := 1; bits <= spare; bits++ {
				other := parts // a copy: parts is an array
				other[i] = seg[:len(seg)-1] + string(base64URLAlphabet[last&^spare|bits])
				variant := strings.Join(other[:], ".")
				if dec, err := base64.RawURLEncoding.DecodeString(other[i]); err != nil || string(dec) != string(mustDecode(t, seg)) {
					t.Fatalf("segment %d, spare bits %#x: the variant does not decode leniently to the same bytes (%v)", i, bits, err)
				}
				got, err := v.Verify(variant)
				assertUnauthenticated(t, got, err, msgMalformed)
			}
		}
	}
	if !seen[2] || !seen[3] {
		t.Fatalf("segment lengths mod 4 met: %v, want 2 and 3; the test needs both", seen)
	}
}

func mustDecode(t testing.TB, seg string) []byte {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestVerifyTokenKind(t *testing.T) {
	is := newTestIssuer(t, false)
	v := is.Verifier(VerifierOptions{Now: func() time.Time { return testNow }})
	base := TokenRequest{TenantID: tenantA, UserID: userA, Scopes: []string{meetd.ScopeRead}, Now: testNow}
	cases := []struct {
		name       string
		idtyp, scp string
		roles      []string
		wantApp    bool
		wantScopes []string
		wantRoles  []string
	}{
		{name: "idtyp app wins over scp", idtyp: "app", scp: "OnlineMeetings.ReadWrite", roles: []string{meetd.RoleRead}, wantApp: true,
			wantScopes: []string{"OnlineMeetings.ReadWrite"}, wantRoles: []string{meetd.RoleRead}},
		{name: "idtyp app with scp only", idtyp: "app", scp: "OnlineMeetings.ReadWrite", wantApp: true, wantScopes: []string{"OnlineMeetings.ReadWrite"}},
		{name: "idtyp user with roles only", idtyp: "user", roles: []string{meetd.RoleRead}, wantRoles: []string{meetd.RoleRead}},
		{name: "no idtyp, scp", scp: "OnlineMeetings.Read", wantScopes: []string{"OnlineMeetings.Read"}},
		{name: "no idtyp, roles", roles: []string{meetd.RoleRead, meetd.RoleReadWrite}, wantApp: true, wantRoles: []string{meetd.RoleRead, meetd.RoleReadWrite}},
		{name: "no idtyp, both", scp: "User.Read", roles: []string{meetd.RoleRead}, wantScopes: []string{"User.Read"}, wantRoles: []string{meetd.RoleRead}},
		{name: "scp with extra spaces", scp: "  OnlineMeetings.Read   User.Read ", wantScopes: []string{"OnlineMeetings.Read", "User.Read"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tok := mintEdited(t, is, base, nil, func(c *claims) { c.IDType, c.Scope, c.Roles = tc.idtyp, tc.scp, tc.roles })
			got, err := v.Verify(tok)
			if err != nil {
				t.Fatal(err)
			}
			if got.App != tc.wantApp {
				t.Errorf("got App %v, want %v", got.App, tc.wantApp)
			}
			if !reflect.DeepEqual(got.Scopes, tc.wantScopes) {
				t.Errorf("got scopes %q, want %q", got.Scopes, tc.wantScopes)
			}
			if !reflect.DeepEqual(got.Roles, tc.wantRoles) {
				t.Errorf("got roles %q, want %q", got.Roles, tc.wantRoles)
			}
		})
	}
}

func TestVerifyUPNClaims(t *testing.T) {
	is := newTestIssuer(t, false)
	v := is.Verifier(VerifierOptions{Now: func() time.Time { return testNow }})
	base := TokenRequest{TenantID: tenantA, UserID: userA, Scopes: []string{meetd.ScopeRead}, Now: testNow}
	cases := []struct {
		name              string
		upn, unique, pref string
		want              string
	}{
		{"upn", "a@contoso.com", "b@contoso.com", "c@contoso.com", "a@contoso.com"},
		{"unique_name", "", "b@contoso.com", "c@contoso.com", "b@contoso.com"},
		{"preferred_username", "", "", "c@contoso.com", "c@contoso.com"},
		{"none", "", "", "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tok := mintEdited(t, is, base, nil, func(c *claims) { c.UPN, c.UniqueName, c.PreferredUsername = tc.upn, tc.unique, tc.pref })
			got, err := v.Verify(tok)
			if err != nil {
				t.Fatal(err)
			}
			if got.UPN != tc.want {
				t.Errorf("got UPN %q, want %q", got.UPN, tc.want)
			}
		})
	}
}

// TestVerifyDoesNotRefuseConsumers leaves personal accounts to the domain
// Service, which answers them with its own error.
func TestVerifyDoesNotRefuseConsumers(t *testing.T) {
	is := newTestIssuer(t, false)
	tok := mint(t, is, TokenRequest{TenantID: meetd.ConsumerTenantID, UserID: userA, Scopes: []string{meetd.ScopeReadWrite}})
	got, err := is.Verifier(VerifierOptions{}).Verify(tok)
	if err != nil {
		t.Fatal(err)
	}
	if got.TenantID != meetd.ConsumerTenantID {
		t.Errorf("got tenant %s, want %s", got.TenantID, meetd.ConsumerTenantID)
	}
}

func TestNewVerifierFromJWKS(t *testing.T) {
	is := newTestIssuer(t, false)
	tok := mint(t, is, TokenRequest{TenantID: tenantA, UserID: userA, Scopes: []string{meetd.ScopeRead}})
	var set struct{ Keys []map[string]any }
	if err := json.Unmarshal(is.JWKS(), &set); err != nil {
		t.Fatal(err)
	}
	if len(set.Keys) != 1 {
		t.Fatalf("JWKS has %d keys, want 1", len(set.Keys))
	}
	k := set.Keys[0]
	for name, want := range map[string]string{"kty": "RSA", "use": "sig", "alg": "RS256", "kid": is.KeyID(), "e": "AQAB"} {
		if k[name] != want {
			t.Errorf("JWKS key %s = %v, want %q", name, k[name], want)
		}
	}
	if _, ok := k["d"]; ok {
		t.Error("JWKS holds the private exponent d, want the public key only")
	}
	var parsed jose.JSONWebKeySet
	if err := json.Unmarshal(is.JWKS(), &parsed); err != nil {
		t.Fatal(err)
	}
	if _, err := NewVerifier(parsed, VerifierOptions{}).Verify(tok); err != nil {
		t.Errorf("token refused by a verifier on the published JWKS: %v", err)
	}
	// Without a kid, the key is known by its thumbprint, as the issuer names it.
	parsed.Keys[0].KeyID = ""
	if _, err := NewVerifier(parsed, VerifierOptions{}).Verify(tok); err != nil {
		t.Errorf("token refused by a verifier on the JWKS without kid: %v", err)
	}
	// A set holding the private key verifies with its public half.
	keys, _ := testKeys()
	private := jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: keys[0]}}}
	if _, err := NewVerifier(private, VerifierOptions{}).Verify(tok); err != nil {
		t.Errorf("token refused by a verifier on the private key: %v", err)
	}
}
