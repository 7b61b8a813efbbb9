package bench_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/internal/auth"
	"github.com/meetd/meetd/internal/graph"
	"github.com/meetd/meetd/internal/server"
	"github.com/meetd/meetd/internal/sqlite"
)

const (
	tenant = "72f988bf-86f1-41af-91ab-2d7cd011db47"
	alice  = "1f35f2e6-9cab-44ad-8d5a-b74c14720001"
	appX   = "a1b2c3d4-0000-4000-8000-00000000000a"
)

// meetdEnv is a real meetd: SQLite in a temp folder, the dev issuer's keys,
// the real handler, here reachable through wrap so tests can break its
// answers on purpose.
type meetdEnv struct {
	url     string
	iss     *auth.Issuer
	store   *sqlite.Store
	handler http.Handler
}

// newMeetd starts meetd on a loopback port. wrap, when not nil, stands
// between the client and the real handler.
func newMeetd(t testing.TB, wrap func(http.Handler) http.Handler) *meetdEnv {
	t.Helper()
	dir := t.TempDir()
	st, err := sqlite.Open(filepath.Join(dir, "meetd.db"), sqlite.Options{Synchronous: "normal"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	iss, err := auth.LoadIssuer(context.Background(), auth.NewFileKeyStore(filepath.Join(dir, "signing-key.pem")))
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewUnstartedServer(nil)
	base := "http://" + hs.Listener.Addr().String()
	h := http.Handler(server.New(server.Config{
		Service:   meetd.NewService(st, meetd.Options{PolicyTTL: -1}),
		Verifier:  iss.Verifier(auth.VerifierOptions{}),
		Renderer:  graph.NewRenderer(graph.RendererOptions{BaseURL: base}),
		BaseURL:   base,
		JWKS:      iss.JWKS(),
		Discovery: iss.Discovery(base, "common"),
		Ready:     st.Ping,
	}))
	e := &meetdEnv{url: base, iss: iss, store: st, handler: h}
	if wrap != nil {
		h = wrap(h)
	}
	hs.Config.Handler = h
	hs.Start()
	t.Cleanup(hs.Close)
	return e
}

// user mints a delegated token for alice.
func (e *meetdEnv) user(t testing.TB) string {
	t.Helper()
	tok, err := e.iss.Mint(auth.TokenRequest{TenantID: tenant, UserID: alice, Scopes: []string{meetd.ScopeReadWrite}})
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// app mints an application token for appX.
func (e *meetdEnv) app(t testing.TB) string {
	t.Helper()
	tok, err := e.iss.Mint(auth.TokenRequest{TenantID: tenant, AppID: appX, Roles: []string{meetd.RoleReadWrite}})
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// tamper returns a wrap that passes each request to the real handler and
// lets edit change its answer before the client sees it.
func tamper(edit func(r *http.Request, rec *httptest.ResponseRecorder)) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			edit(r, rec)
			for k, v := range rec.Header() {
				if k != "Content-Length" {
					w.Header()[k] = v
				}
			}
			w.WriteHeader(rec.Code)
			w.Write(rec.Body.Bytes())
		})
	}
}
