package server

import (
	"net/http"
	"strings"
)

// notFoundPage serves the issuer's per-tenant documents at Entra ID's paths
// and answers anything else outside the API with a plain 404.
func (s *Server) notFoundPage(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet {
		switch {
		case strings.HasSuffix(r.URL.Path, "/v2.0/.well-known/openid-configuration"):
			s.discovery(w, r)
			return
		case strings.HasSuffix(r.URL.Path, "/discovery/v2.0/keys"):
			s.jwks(w, r)
			return
		}
	}
	http.Error(w, "404 page not found: meetd serves the Graph API under /v1.0 and /beta", http.StatusNotFound)
}
