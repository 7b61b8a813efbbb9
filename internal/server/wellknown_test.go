package server_test

import (
	"encoding/json"
	"net/http"
	"testing"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// The dev issuer publishes its discovery document and keys at Entra ID's
// paths, and a token it mints verifies against the published keys.
func TestIssuerDocuments(t *testing.T) {
	e := newEnv(t)
	for _, path := range []string{"/.well-known/openid-configuration", "/" + tenantA + "/v2.0/.well-known/openid-configuration", "/common/v2.0/.well-known/openid-configuration"} {
		d := e.do("GET", path, "", "").want(t, http.StatusOK)
		if d.str("jwks_uri") == "" || d.str("issuer") == "" {
			t.Errorf("%s: got %s, want issuer and jwks_uri", path, d.body)
		}
	}
	for _, path := range []string{"/discovery/v2.0/keys", "/common/discovery/v2.0/keys", "/" + tenantA + "/discovery/v2.0/keys"} {
		r := e.do("GET", path, "", "").want(t, http.StatusOK)
		var set jose.JSONWebKeySet
		if err := json.Unmarshal(r.body, &set); err != nil || len(set.Keys) == 0 {
			t.Fatalf("%s: got %s (%v), want a key set", path, r.body, err)
		}
		tok, err := jwt.ParseSigned(e.user(tenantA, alice), []jose.SignatureAlgorithm{jose.RS256})
		if err != nil {
			t.Fatal(err)
		}
		var claims map[string]any
		if err := tok.Claims(set.Key(tok.Headers[0].KeyID)[0].Key, &claims); err != nil || claims["oid"] != alice {
			t.Errorf("%s: a minted token does not verify with the published key: %v %v", path, err, claims["oid"])
		}
	}
	// They are documents to GET: any other method finds nothing there.
	for _, path := range []string{"/" + tenantA + "/v2.0/.well-known/openid-configuration", "/common/discovery/v2.0/keys"} {
		e.do("POST", path, "", `{}`).want(t, http.StatusNotFound)
	}
	// Health and readiness.
	e.do("GET", "/healthz", "", "").want(t, http.StatusOK)
	e.do("GET", "/readyz", "", "").want(t, http.StatusOK)
}
