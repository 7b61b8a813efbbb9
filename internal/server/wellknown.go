package server

import (
	"context"
	"net/http"
	"time"

	"github.com/meetd/meetd"
)

var hdrPlainJSON = []string{"application/json; charset=utf-8"}

// discovery serves the dev issuer's OpenID Connect discovery document.
func (s *Server) discovery(w http.ResponseWriter, r *http.Request) {
	w.Header()["Content-Type"] = hdrPlainJSON
	_, _ = w.Write(s.cfg.Discovery)
}

// jwks serves the dev issuer's public keys.
func (s *Server) jwks(w http.ResponseWriter, r *http.Request) {
	w.Header()["Content-Type"] = hdrPlainJSON
	_, _ = w.Write(s.cfg.JWKS)
}

// healthz answers 200 once the server is serving: the listener is open and
// the store was opened before it. It answers 503 once the store has stopped
// for good (Live): a SQLite store whose disk refused a write serves nothing
// until meetd restarts, and a liveness probe is what restarts it. A store
// that is only unreachable (PostgreSQL down) keeps it 200: that is /readyz's.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Live != nil {
		if err := s.cfg.Live(); err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("ok\n"))
}

// readyz answers 200 when the store answers a ping within two seconds, and
// 503 otherwise, so a load balancer stops sending requests it cannot serve.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if s.cfg.Ready != nil {
		if err := s.cfg.Ready(ctx); err != nil {
			if meetd.ErrorCode(err) != meetd.EUNAVAILABLE {
				err = &meetd.Error{Code: meetd.EUNAVAILABLE, Message: "The store is not ready.", Err: err}
			}
			s.writeError(w, r, err)
			return
		}
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("ready\n"))
}
