package server_test

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"net/http"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/internal/auth"
)

// Checklist 20–27 through the real handler: each bad token and its answer.
func TestTokensAreVerified(t *testing.T) {
	e := newEnv(t)
	good := e.user(tenantA, alice)
	parts := strings.Split(good, ".")
	tamperedPayload := parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(`{"aud":"https://graph.microsoft.com","tid":"`+tenantA+`","oid":"`+bob+`","scp":"OnlineMeetings.ReadWrite"}`)) + "." + parts[2]
	sig := []byte(parts[2])
	sig[5] ^= 1
	tamperedSig := parts[0] + "." + parts[1] + "." + string(sig)
	none := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + parts[1] + "."

	for _, c := range []struct {
		name, header, code, msg string
		status                  int
	}{
		{"no header", "", "InvalidAuthenticationToken", "Access token is empty.", 401},
		{"empty bearer", "Bearer ", "InvalidAuthenticationToken", "Access token is empty.", 401},
		// A token under another scheme is no bearer token: it is not verified.
		{"basic scheme", "Basic " + good, "InvalidAuthenticationToken", "Access token is empty.", 401},
		{"garbage", "Bearer abc.def", "InvalidAuthenticationToken", "CompactToken parsing failed with error code: 80049217", 401},
		{"expired", "Bearer " + e.mint(auth.TokenRequest{TenantID: tenantA, UserID: alice, Scopes: []string{meetd.ScopeReadWrite}, TTL: -time.Hour}), "InvalidAuthenticationToken", "Lifetime validation failed, the token is expired.", 401},
		{"wrong audience", "Bearer " + e.mint(auth.TokenRequest{TenantID: tenantA, UserID: alice, Scopes: []string{meetd.ScopeReadWrite}, Audience: "https://graph.windows.net"}), "InvalidAuthenticationToken", "Access token validation failure. Invalid audience.", 401},
		{"tampered payload", "Bearer " + tamperedPayload, "InvalidAuthenticationToken", "", 401},
		{"tampered signature", "Bearer " + tamperedSig, "InvalidAuthenticationToken", "", 401},
		{"alg none", "Bearer " + none, "InvalidAuthenticationToken", "", 401},
		{"foreign key", "Bearer " + foreignToken(t), "InvalidAuthenticationToken", "", 401},
		{"no scope", "Bearer " + e.user(tenantA, alice, "User.Read"), "Forbidden", "", 403},
		{"read scope cannot write", "Bearer " + e.user(tenantA, alice, meetd.ScopeRead), "Forbidden", "", 403},
		{"personal account", "Bearer " + e.user(meetd.ConsumerTenantID, alice), "AuthenticationError", "Error authenticating with resource", 401},
		{"app token on /me", "Bearer " + e.app(tenantA, appX), "BadRequest", "/me request is only valid with delegated authentication flow.", 400},
	} {
		t.Run(c.name, func(t *testing.T) {
			req, _ := http.NewRequest("POST", e.url+"/v1.0/me/onlineMeetings/createOrGet", strings.NewReader(`{"externalId":"tok"}`))
			req.Header.Set("Content-Type", "application/json")
			if c.header != "" {
				req.Header.Set("Authorization", c.header)
			}
			r := e.send(req)
			r.wantError(t, c.status, c.code, c.msg)
			if c.status == 401 && !strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Bearer ") {
				t.Errorf("WWW-Authenticate: got %q, want a Bearer challenge", r.header.Get("WWW-Authenticate"))
			}
			// A challenge asks for a token: not for one that was accepted.
			if got := r.header.Get("WWW-Authenticate"); c.status != 401 && got != "" {
				t.Errorf("WWW-Authenticate on a %d: got %q, want none", c.status, got)
			}
			// The hint about SDK allowed hosts is for a request that sent
			// no bearer token; an expired or forged one was sent.
			noToken := !strings.HasPrefix(c.header, "Bearer ") || c.header == "Bearer "
			if got := r.header.Get("WWW-Authenticate"); c.status == 401 && strings.Contains(got, "no bearer token") != noToken {
				t.Errorf("WWW-Authenticate: got %q, want the no-token hint only when no token was sent", got)
			}
		})
	}
}

// The no-token hint names the setting of every official SDK meetd is used
// with, not only Go's: a JavaScript client left without meetd's host (or, for
// @microsoft/microsoft-graph-client, without https) sends no token either.
// The challenge stays one comma-free error_description.
func TestNoTokenHintNamesEachSDK(t *testing.T) {
	e := newEnv(t)
	req, _ := http.NewRequest("POST", e.url+"/v1.0/me/onlineMeetings/createOrGet", strings.NewReader(`{"externalId":"hint"}`))
	req.Header.Set("Content-Type", "application/json")
	r := e.send(req)
	r.wantError(t, 401, "InvalidAuthenticationToken", "Access token is empty.")
	got := r.header.Get("WWW-Authenticate")
	for _, want := range []string{"NewGraphServiceClientWithCredentialsAndHosts", "AllowedHostsValidator", "customHosts", "https://"} {
		if !strings.Contains(got, want) {
			t.Errorf("WWW-Authenticate: got %q, want it to name %q", got, want)
		}
	}
	_, desc, ok := strings.Cut(got, `error_description="`)
	if !ok || strings.Contains(desc, ",") || strings.Count(desc, `"`) != 1 || !strings.HasSuffix(desc, `"`) {
		t.Errorf("WWW-Authenticate: got %q, want one quoted error_description without commas at the end", got)
	}
}

// foreignToken is well formed and claims a kid meetd knows nothing of,
// signed by a key meetd never saw.
func foreignToken(t testing.TB) string {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: key}, (&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", "foreign"))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	tok, err := jwt.Signed(signer).Claims(map[string]any{
		"iss": "https://sts.windows.net/" + tenantA + "/", "aud": "https://graph.microsoft.com", "tid": tenantA, "oid": alice,
		"scp": meetd.ScopeReadWrite, "iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(time.Hour).Unix(),
	}).Serialize()
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// Checklist 24, 25, 26: both audiences, both token versions, idtyp.
func TestTokenShapesAccepted(t *testing.T) {
	e := newEnv(t)
	for i, req := range []auth.TokenRequest{
		{TenantID: tenantA, UserID: alice, Scopes: []string{"User.Read", meetd.ScopeReadWrite}, Audience: "https://graph.microsoft.com"},
		{TenantID: tenantA, UserID: alice, Scopes: []string{meetd.ScopeReadWrite}, Audience: "00000003-0000-0000-c000-000000000000"},
		{TenantID: tenantA, UserID: alice, Scopes: []string{meetd.ScopeReadWrite}, Version: "2.0"},
	} {
		e.createOrGet("/me", e.mint(req), `{"externalId":"shape-`+string(rune('a'+i))+`"}`).want(t, http.StatusCreated)
	}
	// The scheme is case-insensitive (RFC 9110 §11.1), and spaces after it
	// are not part of the token.
	for i, header := range []string{"bearer ", "BEARER ", "Bearer   "} {
		req, _ := http.NewRequest("POST", e.url+"/v1.0/me/onlineMeetings/createOrGet", strings.NewReader(`{"externalId":"scheme-`+string(rune('a'+i))+`"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", header+e.user(tenantA, alice))
		e.send(req).want(t, http.StatusCreated)
	}
	// An app token (idtyp app, roles) is refused on /me whatever it holds.
	e.createOrGet("/me", e.app(tenantA, appX), `{"externalId":"x"}`).want(t, http.StatusBadRequest)
}

// Checklist 16, 17, 18: application access policies.
func TestApplicationAccessPolicies(t *testing.T) {
	e := newEnv(t)
	x := e.app(tenantA, appX)
	noPolicy := "No application access policy found for this app."
	e.createOrGet("/users/"+alice, x, `{"externalId":"p"}`).wantError(t, http.StatusForbidden, "Forbidden", noPolicy)

	// A global grant covers users with no grant of their own…
	e.grant(tenantA, "global-x", "", appX)
	e.createOrGet("/users/"+alice, x, `{"externalId":"p"}`).want(t, http.StatusCreated)
	// …but a per-user grant overrides it, even when it lacks the app.
	e.grant(tenantA, "only-y", bob, appY)
	e.createOrGet("/users/"+bob, x, `{"externalId":"p"}`).wantError(t, http.StatusForbidden, "Forbidden", noPolicy)
	e.createOrGet("/users/"+bob, e.app(tenantA, appY), `{"externalId":"p"}`).want(t, http.StatusCreated)
	// Policies are per tenant.
	e.createOrGet("/users/"+alice, e.app(tenantB, appX), `{"externalId":"p"}`).wantError(t, http.StatusForbidden, "Forbidden", noPolicy)
	// The role is needed too.
	e.createOrGet("/users/"+alice, e.app(tenantA, appX, "User.Read.All"), `{"externalId":"p"}`).wantError(t, http.StatusForbidden, "Forbidden", "")
	// Revoking the global grant applies at once with PolicyTTL -1.
	if err := e.store.RevokePolicy(t.Context(), tenantA, "global-x", ""); err != nil {
		t.Fatal(err)
	}
	e.createOrGet("/users/"+alice, x, `{"externalId":"p"}`).wantError(t, http.StatusForbidden, "Forbidden", noPolicy)
}

// Checklist 28 and the delegated /users rule.
func TestUsersPath(t *testing.T) {
	e := newEnv(t)
	e.grant(tenantA, "all", "", appX)
	e.createOrGet("/users/alice@contoso.com", e.app(tenantA, appX), `{"externalId":"u"}`).wantError(t, http.StatusNotFound, "NotFound", "")
	// A delegated token may use /users/{id} for its own id only; ids are
	// case-insensitive GUIDs.
	// The answer names the user as a token does, in lower case.
	r := e.createOrGet("/users/"+strings.ToUpper(alice), e.user(tenantA, alice), `{"externalId":"u"}`).want(t, http.StatusCreated)
	if got, want := r.str("@odata.context"), e.url+"/v1.0/$metadata#users('"+alice+"')/onlineMeetings/$entity"; got != want {
		t.Errorf("@odata.context of /users/{ID}: got %q, want %q", got, want)
	}
	e.createOrGet("/users/"+bob, e.user(tenantA, alice), `{"externalId":"u"}`).wantError(t, http.StatusForbidden, "Forbidden", "")
}
