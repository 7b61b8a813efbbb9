package auth

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/meetd/meetd"
)

func TestMintClaims(t *testing.T) {
	is := newTestIssuer(t, false)
	now := testNow
	iat, exp := float64(now.Unix()), float64(now.Add(DefaultTokenTTL).Unix())
	sp := ServicePrincipalID(tenantA, appA)
	cases := []struct {
		name   string
		req    TokenRequest
		want   map[string]any // claims with fixed values
		absent []string
	}{
		{
			name: "v1 delegated",
			req:  TokenRequest{TenantID: tenantA, UserID: userA, UPN: "adele@contoso.com", Scopes: []string{"OnlineMeetings.ReadWrite", "User.Read"}, Now: now},
			want: map[string]any{
				"aud": GraphResource, "iss": "https://sts.windows.net/" + tenantA + "/", "tid": tenantA, "oid": userA,
				"scp": "OnlineMeetings.ReadWrite User.Read", "idtyp": "user", "appid": DevClientID, "appidacr": "0",
				"upn": "adele@contoso.com", "unique_name": "adele@contoso.com", "ver": "1.0",
				"iat": iat, "nbf": iat, "exp": exp, "sub": pairwiseSubject(tenantA, userA, DevClientID),
			},
			absent: []string{"roles", "azp", "azpacr", "preferred_username"},
		},
		{
			name: "v2 delegated",
			req:  TokenRequest{TenantID: tenantA, UserID: userA, UPN: "adele@contoso.com", Scopes: []string{"OnlineMeetings.Read"}, Version: Version2, Now: now},
			want: map[string]any{
				"aud": GraphAppID, "iss": "https://login.microsoftonline.com/" + tenantA + "/v2.0", "tid": tenantA, "oid": userA,
				"scp": "OnlineMeetings.Read", "idtyp": "user", "azp": DevClientID, "azpacr": "0",
				"preferred_username": "adele@contoso.com", "ver": "2.0",
			},
			absent: []string{"roles", "appid", "appidacr", "upn", "unique_name"},
		},
		{
			name: "v1 app",
			req:  TokenRequest{TenantID: tenantA, AppID: appA, Roles: []string{meetd.RoleReadWrite}, TTL: 5 * time.Minute, Now: now},
			want: map[string]any{
				"aud": GraphResource, "iss": "https://sts.windows.net/" + tenantA + "/", "tid": tenantA, "oid": sp, "sub": sp,
				"roles": []any{meetd.RoleReadWrite}, "idtyp": "app", "appid": appA, "appidacr": "1", "ver": "1.0",
				"exp": float64(now.Add(5 * time.Minute).Unix()),
			},
			absent: []string{"scp", "upn", "unique_name", "preferred_username", "azp"},
		},
		{
			name: "v2 app, ids upper-case",
			req:  TokenRequest{TenantID: "72F988BF-86F1-41AF-91AB-2D7CD011DB47", AppID: "11112222-3333-4444-8555-666677778888", Roles: []string{meetd.RoleRead}, Version: Version2, Now: now},
			want: map[string]any{
				"aud": GraphAppID, "iss": "https://login.microsoftonline.com/" + tenantA + "/v2.0", "tid": tenantA, "oid": sp,
				"roles": []any{meetd.RoleRead}, "idtyp": "app", "azp": appA, "azpacr": "1", "ver": "2.0",
			},
			absent: []string{"scp", "appid"},
		},
		{
			name: "expired",
			req:  TokenRequest{TenantID: tenantA, UserID: userA, Scopes: []string{"OnlineMeetings.Read"}, TTL: -time.Minute, Now: now},
			want: map[string]any{
				"exp": float64(now.Add(-time.Minute).Unix()),
				"iat": float64(now.Add(-time.Minute - DefaultTokenTTL).Unix()),
			},
		},
		{
			name: "custom audience",
			req:  TokenRequest{TenantID: tenantA, UserID: userA, Scopes: []string{"OnlineMeetings.Read"}, Audience: "api://mine", Now: now},
			want: map[string]any{"aud": "api://mine"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			parts := splitToken(t, mint(t, is, tc.req))
			header := decodePart(t, parts[0])
			wantHeader := map[string]any{"alg": "RS256", "typ": "JWT", "kid": is.KeyID()}
			if !reflect.DeepEqual(header, wantHeader) {
				t.Errorf("got header %v, want %v", header, wantHeader)
			}
			got := decodePart(t, parts[1])
			for name, want := range tc.want {
				if !reflect.DeepEqual(got[name], want) {
					t.Errorf("claim %s = %#v, want %#v", name, got[name], want)
				}
			}
			for _, name := range tc.absent {
				if v, ok := got[name]; ok {
					t.Errorf("claim %s = %#v, want it absent", name, v)
				}
			}
			if uti, _ := got["uti"].(string); len(uti) != 22 {
				t.Errorf("uti %q, want 22 characters", uti)
			}
		})
	}
}

func TestMintUniqueTokens(t *testing.T) {
	is := newTestIssuer(t, false)
	r := TokenRequest{TenantID: tenantA, UserID: userA, Scopes: []string{"OnlineMeetings.Read"}, Now: testNow}
	if a, b := mint(t, is, r), mint(t, is, r); a == b {
		t.Error("two mints of one request gave the same token, want distinct uti")
	}
}

func TestMintDefaultsNow(t *testing.T) {
	is := newTestIssuer(t, false)
	tok := mint(t, is, TokenRequest{TenantID: tenantA, UserID: userA, Scopes: []string{"OnlineMeetings.Read"}})
	if _, err := is.Verifier(VerifierOptions{}).Verify(tok); err != nil {
		t.Errorf("token minted now refused now: %v", err)
	}
}

func TestMintInvalid(t *testing.T) {
	is := newTestIssuer(t, false)
	cases := []struct {
		name string
		req  TokenRequest
	}{
		{"no tenant", TokenRequest{UserID: userA, Scopes: []string{"x"}}},
		{"tenant not a GUID", TokenRequest{TenantID: "contoso.onmicrosoft.com", UserID: userA}},
		{"user not a GUID", TokenRequest{TenantID: tenantA, UserID: "adele@contoso.com"}},
		{"app not a GUID", TokenRequest{TenantID: tenantA, AppID: "my-app", Roles: []string{"x"}}},
		{"neither user nor app", TokenRequest{TenantID: tenantA, Scopes: []string{"x"}}},
		{"delegated with roles", TokenRequest{TenantID: tenantA, UserID: userA, Roles: []string{meetd.RoleRead}}},
		{"app with scopes", TokenRequest{TenantID: tenantA, AppID: appA, Scopes: []string{meetd.ScopeRead}}},
		{"app with upn", TokenRequest{TenantID: tenantA, AppID: appA, UPN: "a@b.c", Roles: []string{meetd.RoleRead}}},
		{"scope with a space", TokenRequest{TenantID: tenantA, UserID: userA, Scopes: []string{"A B"}}},
		{"scope with a tab", TokenRequest{TenantID: tenantA, UserID: userA, Scopes: []string{"A\tB"}}},
		{"scope with a newline", TokenRequest{TenantID: tenantA, UserID: userA, Scopes: []string{"A\nB"}}},
		{"empty scope", TokenRequest{TenantID: tenantA, UserID: userA, Scopes: []string{""}}},
		{"unknown version", TokenRequest{TenantID: tenantA, UserID: userA, Version: "3.0"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tok, err := is.Mint(tc.req)
			var e *meetd.Error
			if !errors.As(err, &e) || e.Code != meetd.EINVALID {
				t.Errorf("got token %q, error %v; want a %s error", tok, err, meetd.EINVALID)
			}
		})
	}
}

func TestServicePrincipalID(t *testing.T) {
	id := ServicePrincipalID(tenantA, appA)
	// The id is fixed, not only well formed: app tokens that an older
	// meetd minted, or another machine, keep meaning the same principal.
	if want := "22bf2370-a3fb-5296-86f5-33fceb6d5a1f"; id != want {
		t.Fatalf("got %q, want %q", id, want)
	}
	if id[14] != '5' || !(id[19] == '8' || id[19] == '9' || id[19] == 'a' || id[19] == 'b') {
		t.Errorf("got %q, want a version 5, RFC 4122 variant UUID", id)
	}
	cases := []struct {
		name        string
		tenant, app string
		wantSameAsA bool
	}{
		{"same ids", tenantA, appA, true},
		{"upper-case ids", "72F988BF-86F1-41AF-91AB-2D7CD011DB47", "11112222-3333-4444-8555-666677778888", true},
		{"other tenant", tenantB, appA, false},
		{"other app", tenantA, DevClientID, false},
	}
	for _, tc := range cases {
		if got := ServicePrincipalID(tc.tenant, tc.app); (got == id) != tc.wantSameAsA {
			t.Errorf("%s: got %s, same as %s: %v, want %v", tc.name, got, id, got == id, tc.wantSameAsA)
		}
	}
}

func TestDiscovery(t *testing.T) {
	is := newTestIssuer(t, false)
	const base = "http://127.0.0.1:8080"
	cases := []struct {
		tenant, wantIssuer, wantTenant string
	}{
		{tenantA, "https://login.microsoftonline.com/" + tenantA + "/v2.0", tenantA},
		{"72F988BF-86F1-41AF-91AB-2D7CD011DB47", "https://login.microsoftonline.com/" + tenantA + "/v2.0", tenantA},
		{"common", "https://login.microsoftonline.com/{tenantid}/v2.0", "common"},
		{"organizations", "https://login.microsoftonline.com/{tenantid}/v2.0", "organizations"},
		{"consumers", "https://login.microsoftonline.com/" + meetd.ConsumerTenantID + "/v2.0", "consumers"},
	}
	for _, tc := range cases {
		t.Run(tc.tenant, func(t *testing.T) {
			var doc map[string]any
			if err := json.Unmarshal(is.Discovery(base+"/", tc.tenant), &doc); err != nil {
				t.Fatal(err)
			}
			want := map[string]any{
				"issuer":                                tc.wantIssuer,
				"jwks_uri":                              base + "/common/discovery/v2.0/keys",
				"token_endpoint":                        base + "/" + tc.wantTenant + "/oauth2/v2.0/token",
				"authorization_endpoint":                base + "/" + tc.wantTenant + "/oauth2/v2.0/authorize",
				"id_token_signing_alg_values_supported": []any{"RS256"},
			}
			for name, w := range want {
				if !reflect.DeepEqual(doc[name], w) {
					t.Errorf("%s = %#v, want %#v", name, doc[name], w)
				}
			}
		})
	}
	for _, tenant := range []string{"", "contoso.onmicrosoft.com", `x"y`} {
		if got := is.Discovery(base, tenant); got != nil {
			t.Errorf("Discovery(%q) = %s, want nil", tenant, got)
		}
	}
	var doc map[string]any
	if err := json.Unmarshal(is.Discovery(`http://a"b`, "common"), &doc); err != nil {
		t.Errorf("base URL with a quote: %v, want it escaped", err)
	}
}
