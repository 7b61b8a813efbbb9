package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/meetd/meetd"
)

// meetd token writes what its flags say into the token: the version with
// its issuer and audience, the scopes or roles (space- or comma-separated),
// the upn, the client app of a delegated token, an audience of the
// developer's own, and the lifetime (an hour unless --ttl says otherwise).
func TestTokenClaims(t *testing.T) {
	data := t.TempDir()
	startServe(t, "--data", data) // makes the store and its key
	for _, c := range []struct {
		args []string
		want map[string]string // claim: its value as fmt.Sprint prints it
	}{
		{[]string{"--user", alice, "--upn", "alice@contoso.com"}, map[string]string{
			"ver": "1.0", "iss": "https://sts.windows.net/" + tenant + "/", "aud": "https://graph.microsoft.com",
			"scp": meetd.ScopeReadWrite, "upn": "alice@contoso.com", "oid": alice, "lifetime": "3600",
		}},
		{[]string{"--user", alice, "--token-version", "2.0"}, map[string]string{
			"ver": "2.0", "iss": "https://login.microsoftonline.com/" + tenant + "/v2.0", "aud": "00000003-0000-0000-c000-000000000000",
		}},
		{[]string{"--user", alice, "--scopes", "OnlineMeetings.Read,User.Read"}, map[string]string{"scp": "OnlineMeetings.Read User.Read"}},
		{[]string{"--user", alice, "--app", appID}, map[string]string{"scp": meetd.ScopeReadWrite, "appid": appID, "roles": "<nil>"}}, // delegated, through this app
		{[]string{"--app", appID}, map[string]string{"roles": "[" + meetd.RoleReadWrite + "]", "appid": appID, "scp": "<nil>"}},
		{[]string{"--app", appID, "--roles", "OnlineMeetings.Read.All, OnlineMeetingArtifact.Read.All"}, map[string]string{
			"roles": "[OnlineMeetings.Read.All OnlineMeetingArtifact.Read.All]",
		}},
		{[]string{"--user", alice, "--aud", "api://someone-else"}, map[string]string{"aud": "api://someone-else"}},
		{[]string{"--user", alice, "--ttl", "10m"}, map[string]string{"lifetime": "600"}},
	} {
		got := tokenClaims(t, append([]string{"token", "--data", data, "--tenant", tenant}, c.args...)...)
		for claim, want := range c.want {
			if v := fmt.Sprint(got[claim]); v != want {
				t.Errorf("meetd token %v: got %s %q, want %q", c.args, claim, v, want)
			}
		}
	}
	// A negative --ttl mints a token that has already expired.
	got := tokenClaims(t, "token", "--data", data, "--tenant", tenant, "--user", alice, "--ttl", "-1m")
	if exp, _ := got["exp"].(float64); int64(exp) > time.Now().Unix() {
		t.Errorf("meetd token --ttl -1m: got exp %v, want it in the past", got["exp"])
	}
}

// tokenClaims runs a meetd command that prints a token and returns the
// token's claims, with "lifetime" added: exp - iat, in seconds.
func tokenClaims(t testing.TB, args ...string) map[string]any {
	t.Helper()
	tok := cli(t, args...)
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("meetd %v: got %q, want a JWT", args, tok)
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatalf("meetd %v: payload: %v", args, err)
	}
	var claims map[string]any
	if err := json.Unmarshal(payload, &claims); err != nil {
		t.Fatalf("meetd %v: payload %s: %v", args, payload, err)
	}
	exp, _ := claims["exp"].(float64)
	iat, _ := claims["iat"].(float64)
	claims["lifetime"] = int64(exp - iat)
	return claims
}
