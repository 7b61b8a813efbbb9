package server

import "net/http"

// notFoundPage answers paths outside the API with a plain 404.
func (s *Server) notFoundPage(w http.ResponseWriter, r *http.Request) {
	http.Error(w, "404 page not found: meetd serves the Graph API under /v1.0 and /beta", http.StatusNotFound)
}
