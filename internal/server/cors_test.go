package server_test

import (
	"net/http"
	"strings"
	"testing"
)

const spaOrigin = "http://localhost:3000"

// A browser app's preflight is answered without a token, for any API path
// and the issuer's documents, and allows what the Graph SDKs send.
func TestCORSPreflight(t *testing.T) {
	e := newEnv(t)
	for _, path := range []string{
		"/v1.0/me/onlineMeetings/createOrGet",
		"/BETA/users/" + alice + "/onlineMeetings/abc",
		"/v1.0/me/onlineMeetings/abc/attendanceReports", // unrouted: the request itself gets Graph's error
		"/.well-known/openid-configuration",
		"/" + tenantA + "/v2.0/.well-known/openid-configuration",
	} {
		r := e.do("OPTIONS", path, "", "", "Origin", spaOrigin, "Access-Control-Request-Method", "PATCH",
			"Access-Control-Request-Headers", "authorization,content-type,client-request-id,sdkversion,prefer")
		r.want(t, http.StatusNoContent)
		for k, want := range map[string]string{
			"Access-Control-Allow-Origin":  "*",
			"Access-Control-Allow-Methods": "GET, POST, PATCH, DELETE",
			"Access-Control-Allow-Headers": "authorization,content-type,client-request-id,sdkversion,prefer",
			"Access-Control-Max-Age":       "7200",
			// The answer echoes the asked headers: a cache must key on them.
			"Vary": "Access-Control-Request-Headers",
		} {
			if got := r.header.Get(k); got != want {
				t.Errorf("OPTIONS %s: %s: got %q, want %q", path, k, got, want)
			}
		}
	}
}

// Answers to cross-origin requests, errors included, may be read by the
// page, with the headers a client acts on; other answers carry no CORS
// headers, and the join page stays same-origin.
func TestCORSAnswers(t *testing.T) {
	e := newEnv(t)
	tok := e.user(tenantA, alice)
	exposed := func(r *response) []string {
		return strings.Split(r.header.Get("Access-Control-Expose-Headers"), ", ")
	}
	created := e.do("POST", "/v1.0/me/onlineMeetings/createOrGet", tok, `{"externalId":"spa"}`, "Origin", spaOrigin).want(t, http.StatusCreated)
	refused := e.do("GET", "/v1.0/me/onlineMeetings/abc", "", "", "Origin", spaOrigin).want(t, http.StatusUnauthorized)
	for _, r := range []*response{created, refused} {
		if got := r.header.Get("Access-Control-Allow-Origin"); got != "*" {
			t.Errorf("Access-Control-Allow-Origin: got %q, want *", got)
		}
		for _, h := range []string{"request-id", "client-request-id", "Retry-After", "WWW-Authenticate", "Preference-Applied", "Location"} {
			found := false
			for _, x := range exposed(r) {
				found = found || strings.EqualFold(x, h)
			}
			if !found {
				t.Errorf("Access-Control-Expose-Headers %q does not name %s", r.header.Get("Access-Control-Expose-Headers"), h)
			}
		}
	}
	// An OPTIONS that is not a preflight is an API request like any other.
	e.do("OPTIONS", "/v1.0/me/onlineMeetings/abc", tok, "", "Origin", spaOrigin).wantError(t, http.StatusBadRequest, "BadRequest", "")

	// The issuer's public documents carry it for every request, so that a
	// cached copy serves a browser too.
	if got := e.do("GET", "/discovery/v2.0/keys", "", "").want(t, http.StatusOK).header.Get("Access-Control-Allow-Origin"); got != "*" {
		t.Errorf("the key set without Origin: Access-Control-Allow-Origin %q, want *", got)
	}
	same := e.do("POST", "/v1.0/me/onlineMeetings/createOrGet", tok, `{"externalId":"spa"}`).want(t, http.StatusOK)
	page := e.do("GET", strings.TrimPrefix(created.str("joinWebUrl"), e.url), "", "", "Origin", spaOrigin).want(t, http.StatusOK)
	for _, r := range []*response{same, page} {
		for k := range r.header {
			if strings.HasPrefix(k, "Access-Control-") {
				t.Errorf("%s on an answer that needs none", k)
			}
		}
	}
}

// The join page stays same-origin under any path that ends like an issuer
// document: only the root's and a tenant's documents are public.
func TestCORSJoinPageIssuerSuffix(t *testing.T) {
	e := newEnv(t)
	tok := e.user(tenantA, alice)
	join := strings.TrimPrefix(e.createOrGet("/me", tok, `{"externalId":"suffix"}`).want(t, http.StatusCreated).str("joinWebUrl"), e.url)
	thread := strings.Split(join, "/")[3]
	for _, doc := range []string{"/.well-known/openid-configuration", "/discovery/v2.0/keys"} {
		for _, hdr := range [][]string{nil, {"Origin", spaOrigin}} {
			r := e.do("GET", "/l/meetup-join/"+thread+"/x"+doc, "", "", hdr...)
			for k := range r.header {
				if strings.HasPrefix(k, "Access-Control-") {
					t.Errorf("join page at …%s (%q, status %d): %s, want no CORS headers", doc, hdr, r.status, k)
				}
			}
		}
	}
	for _, p := range []string{"/" + tenantA + "/v2.0/.well-known/openid-configuration", "/" + tenantA + "/discovery/v2.0/keys", "/.well-known/openid-configuration"} {
		if got := e.do("GET", p, "", "", "Origin", spaOrigin).want(t, http.StatusOK).header.Get("Access-Control-Allow-Origin"); got != "*" {
			t.Errorf("%s: Access-Control-Allow-Origin %q, want *", p, got)
		}
	}
}
