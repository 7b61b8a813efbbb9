package server_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// A single-page app on another origin calls meetd as it would call Graph,
// in a real Chromium: fetch with a bearer token, JSON, client-request-id and
// Prefer, each of which makes the browser send a preflight first, and reads
// the answers, their ids and, for an error, Graph's envelope and challenge.
// Without CORS the browser refuses every one of these calls.
func TestSPAInBrowser(t *testing.T) {
	e := newEnv(t)
	tok := e.user(tenantA, alice)
	spa := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, "<!doctype html><title>booking app</title>")
	}))
	defer spa.Close()
	// localhost against meetd's 127.0.0.1, and another port: another origin.
	spaURL := strings.Replace(spa.URL, "127.0.0.1", "localhost", 1)

	ctx := startBrowser(t).tab(t, "UTC", "en-US")
	if status := open(t, ctx, spaURL); status != http.StatusOK {
		t.Fatalf("the app's page: got %d", status)
	}
	got := eval[map[string]any](t, ctx, `(async () => {
		const api = `+jsonString(e.url+"/v1.0/me/onlineMeetings")+`;
		const headers = {"Authorization": "Bearer " + `+jsonString(tok)+`, "Content-Type": "application/json", "client-request-id": "spa-request-1"};
		const created = await fetch(api + "/createOrGet", {method: "POST", headers, body: JSON.stringify({externalId: "spa"})});
		const m = await created.json();
		const at = api + "/" + encodeURIComponent(m.id);
		const patched = await fetch(at, {method: "PATCH", headers: {...headers, "Prefer": "include-unknown-enum-members"}, body: JSON.stringify({subject: "From the app"})});
		const p = await patched.json();
		const refused = await fetch(at);
		const r = await refused.json();
		const deleted = await fetch(at, {method: "DELETE", headers});
		return {
			created: created.status, clientRequestID: created.headers.get("client-request-id"), requestID: created.headers.get("request-id"),
			patched: patched.status, subject: p.subject,
			refused: refused.status, code: r.error.code, challenge: refused.headers.get("WWW-Authenticate") || "",
			deleted: deleted.status,
		};
	})()`)
	for k, want := range map[string]any{
		"created": 201.0, "clientRequestID": "spa-request-1", "patched": 200.0, "subject": "From the app",
		"refused": 401.0, "code": "InvalidAuthenticationToken", "deleted": 204.0,
	} {
		if got[k] != want {
			t.Errorf("%s: got %v, want %v (all: %v)", k, got[k], want, got)
		}
	}
	if id, _ := got["requestID"].(string); len(id) != 36 {
		t.Errorf("request-id as the app reads it: got %q, want a GUID", got["requestID"])
	}
	if c, _ := got["challenge"].(string); !strings.HasPrefix(c, "Bearer ") {
		t.Errorf("WWW-Authenticate as the app reads it: got %q, want Graph's Bearer challenge", c)
	}
}
