// Package server is meetd's HTTP face: every route in routes.go, the
// middleware that gives each request its ids and its caller, the handlers
// that turn Graph requests into calls on meetd.Service, and the join page.
package server

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/internal/graph"
)

// Verifier turns a bearer token into the caller it proves, or a meetd error
// with code EUNAUTHENTICATED.
type Verifier interface {
	Verify(token string) (*meetd.Caller, error)
}

// Config holds what the server needs; every field but Live, Logger, Now
// and MaxBodyBytes is required.
type Config struct {
	Service  *meetd.Service
	Verifier Verifier
	Renderer *graph.Renderer
	// BaseURL is meetd's public root, e.g. http://127.0.0.1:8080.
	BaseURL string
	// JWKS and Discovery are the dev issuer's key set and OpenID document.
	JWKS      []byte
	Discovery []byte
	// Audio is the dial-in information the join page shows.
	Audio graph.AudioSettings
	// Ready reports whether the store can serve (for /readyz).
	Ready func(ctx context.Context) error
	// Live reports an error once the store cannot serve again without a
	// restart (for /healthz); nil when it never stops for good.
	Live func() error
	// Logger gets one debug line per request and every internal error.
	Logger *slog.Logger
	// Now is the clock for error dates; time.Now when nil.
	Now func() time.Time
	// MaxBodyBytes caps request bodies, after gzip decoding too; 1 MiB when 0.
	MaxBodyBytes int64
}

// Server serves meetd's HTTP API, the join page and the issuer's documents.
type Server struct {
	cfg Config
	mux *http.ServeMux
	log *slog.Logger
	now func() time.Time
	// rendered caches answers' bytes; see renderCache.
	rendered *renderCache
}

// New returns the server for cfg.
func New(cfg Config) *Server {
	s := &Server{cfg: cfg, mux: http.NewServeMux(), log: cfg.Logger, now: cfg.Now, rendered: newRenderCache()}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.cfg.MaxBodyBytes == 0 {
		s.cfg.MaxBodyBytes = 1 << 20
	}
	s.routes()
	return s
}

// ServeHTTP gives the request its ids, recovers from panics, answers CORS
// (cors.go), and routes it.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ids := newRequestIDs(w, r)
	if s.log.Enabled(r.Context(), slog.LevelDebug) {
		// One line per request, written when its answer is done, so that it
		// says how it ended (status, size, time) and not only that it came.
		lw := &loggedWriter{ResponseWriter: w}
		w = lw
		start, uri := time.Now(), r.URL.RequestURI() // as it came, before canonicalPath
		defer func() {
			status := lw.status
			if status == 0 {
				status = http.StatusOK // nothing written: net/http sends a 200
			}
			s.log.Debug("request", "request-id", ids.request, "client-request-id", ids.client,
				"method", r.Method, "path", uri, "status", status, "bytes", lw.bytes,
				"duration", time.Since(start))
		}()
	}
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.log.Error("panic", "request-id", ids.request, "method", r.Method, "path", r.URL.Path, "panic", v)
			s.writeError(w, r, meetd.Errorf(meetd.EINTERNAL, "panic"))
		}
	}()
	if p := canonicalPath(r.URL.Path); p != r.URL.Path {
		r.URL.Path, r.URL.RawPath = p, ""
	}
	if cors(w, r) {
		return // a preflight
	}
	if redirectedAPIPath(r.URL.Path) {
		// ServeMux would answer with a redirect and an HTML body; Graph
		// answers a path it cannot route with its error.
		s.unknownSegment(w, r)
		return
	}
	s.mux.ServeHTTP(w, r)
}

// loggedWriter records the status and size of an answer for the request log.
type loggedWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *loggedWriter) WriteHeader(status int) {
	if w.status == 0 && status >= 200 {
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *loggedWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (w *loggedWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
