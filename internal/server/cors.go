package server

import (
	"net/http"
	"strings"
)

// Cross-origin requests. A single-page app (MSAL.js and the Graph
// JavaScript SDK in a browser, as Microsoft's React SPA sample) calls Graph
// from its own origin, which Graph allows with CORS; pointed at meetd, the
// same app must not fail in the browser's CORS check. meetd answers a
// cross-origin request to its API, and to the issuer's documents, which
// MSAL fetches too, as any origin's: a caller proves who it is with the
// bearer token in its Authorization header, never with a cookie, so "*"
// gives no origin more than its token allows. The join page, a page for
// people, stays same-origin.

// Header values of cross-origin answers and preflights, pre-split so that
// cors assigns them to the header map without allocating.
var (
	hdrAnyOrigin = []string{"*"}
	// What a script may read besides the CORS-safelisted headers: Graph's
	// ids (for support requests), the OData headers, and what a client
	// needs to react to an error (when to retry, why a token was refused).
	hdrExposed       = []string{"Location, Preference-Applied, OData-Version, request-id, client-request-id, Retry-After, WWW-Authenticate"}
	hdrAllowMethods  = []string{"GET, POST, PATCH, DELETE"}
	hdrMaxAge        = []string{"7200"} // Chromium's cap; Firefox allows a day
	hdrVaryPreflight = []string{"Access-Control-Request-Headers"}
)

// cors adds the CORS headers to a cross-origin request's answer and answers
// its preflight. It reports whether it answered the request.
func cors(w http.ResponseWriter, r *http.Request) (answered bool) {
	_, cross := r.Header["Origin"]
	if !cross && isIssuerDocument(r.URL.Path) {
		// Public documents a cache may keep: the same answer for every
		// origin, so a copy made for a request without Origin serves a
		// browser too. API answers need no such care: a shared cache does
		// not keep answers to requests with an Authorization header.
		w.Header()["Access-Control-Allow-Origin"] = hdrAnyOrigin
		return false
	}
	if !cross || !corsPath(r.URL.Path) {
		return false
	}
	h := w.Header()
	h["Access-Control-Allow-Origin"] = hdrAnyOrigin
	if r.Method != http.MethodOptions || r.Header.Get("Access-Control-Request-Method") == "" {
		h["Access-Control-Expose-Headers"] = hdrExposed
		return false
	}
	// A preflight carries no token: it asks whether the method and headers
	// may be sent, and the request that follows is checked as any other.
	h["Access-Control-Allow-Methods"] = hdrAllowMethods
	if asked := r.Header.Values("Access-Control-Request-Headers"); len(asked) > 0 {
		h["Access-Control-Allow-Headers"] = []string{strings.Join(asked, ", ")}
	}
	h["Access-Control-Max-Age"] = hdrMaxAge
	h["Vary"] = hdrVaryPreflight
	w.WriteHeader(http.StatusNoContent)
	return true
}

// corsPath reports whether other origins may call the path: the Graph API
// and the dev issuer's documents, under the root or a tenant.
func corsPath(p string) bool {
	for _, v := range versions {
		if rest, ok := strings.CutPrefix(p, "/"+v); ok && (rest == "" || rest[0] == '/') {
			return true
		}
	}
	return isIssuerDocument(p)
}

// isIssuerDocument reports whether the path is one of the dev issuer's
// OpenID documents, under the root or a tenant.
// The join page's route (/l/meetup-join/{thread}/{rest...}) takes any
// path under it, one that ends like an issuer document too: that page is
// not one, and must not get CORS headers.
func isIssuerDocument(p string) bool {
	return (strings.HasSuffix(p, "/.well-known/openid-configuration") || strings.HasSuffix(p, "/discovery/v2.0/keys")) &&
		!strings.HasPrefix(p, "/l/")
}
