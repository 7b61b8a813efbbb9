package server

import "net/http"

// versions are the Graph service roots meetd answers under.
var versions = []string{"v1.0", "beta"}

// routes lists every route meetd serves.
func (s *Server) routes() {
	for _, v := range versions {
		for _, user := range []string{"/me", "/users/{userId}"} {
			base := "/" + v + user + "/onlineMeetings"
			s.mux.Handle("POST "+base+"/createOrGet", s.api(s.createOrGet))
			s.mux.Handle("POST "+base, s.api(s.create))
			s.mux.Handle("GET "+base, s.api(s.find))
			s.mux.Handle("GET "+base+"/{$}", s.api(s.find)) // with a slash too, as Graph routes it
			s.mux.Handle("GET "+base+"/{meetingId}", s.api(s.get))
			s.mux.Handle("PATCH "+base+"/{meetingId}", s.api(s.update))
			s.mux.Handle("DELETE "+base+"/{meetingId}", s.api(s.delete))
			s.mux.Handle(base+"/{meetingId}/", http.HandlerFunc(s.unknownSegment)) // …/{id}/attendanceReports, …/createOrGet/x
			s.mux.Handle(base+"/{meetingId}", s.api(s.notSupported))               // PUT …/{id}: else ServeMux redirects it to …/{id}/
			s.mux.Handle(base+"/", s.api(s.notSupported))
			s.mux.Handle(base, s.api(s.notSupported))
		}
		s.mux.Handle("POST /"+v+"/$batch", s.api(s.batch))
		s.mux.Handle("/"+v+"/$batch", s.api(s.notSupported))
		s.mux.Handle("GET /"+v+"/communications/onlineMeetings", s.api(s.findByVTC))
		s.mux.Handle("GET /"+v+"/communications/onlineMeetings/{$}", s.api(s.findByVTC))
		s.mux.Handle("/"+v+"/", http.HandlerFunc(s.unknownSegment))
	}

	// The join page that joinWebUrl opens; no token needed.
	s.mux.HandleFunc("GET /l/meetup-join/{thread}/{rest...}", s.joinPage)

	// The dev issuer's documents. Entra ID's per-tenant paths
	// (/{tenant}/v2.0/.well-known/…, /{tenant}/discovery/v2.0/keys) are
	// matched in notFoundPage: a {tenant} wildcard here would collide with
	// /v1.0/ and /beta/.
	s.mux.HandleFunc("GET /.well-known/openid-configuration", s.discovery)
	s.mux.HandleFunc("GET /discovery/v2.0/keys", s.jwks)

	s.mux.HandleFunc("GET /healthz", s.healthz)
	s.mux.HandleFunc("GET /readyz", s.readyz)
	s.mux.HandleFunc("/", s.notFoundPage)
}
