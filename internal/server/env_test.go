package server_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/internal/auth"
	"github.com/meetd/meetd/internal/graph"
	"github.com/meetd/meetd/internal/server"
	"github.com/meetd/meetd/internal/sqlite"
)

// Ids used across the tests.
const (
	tenantA = "72f988bf-86f1-41af-91ab-2d7cd011db47"
	tenantB = "0d2d6c1e-8d3b-4b52-a1d5-5a2a52e8f6b1"
	alice   = "1f35f2e6-9cab-44ad-8d5a-b74c14720001"
	bob     = "1f35f2e6-9cab-44ad-8d5a-b74c14720002"
	carol   = "1f35f2e6-9cab-44ad-8d5a-b74c14720003"
	appX    = "a1b2c3d4-0000-4000-8000-00000000000a"
	appY    = "a1b2c3d4-0000-4000-8000-00000000000b"
)

// env is a real meetd: SQLite in a temp folder, the dev issuer's real keys,
// the real handler on a loopback port.
type env struct {
	t     testing.TB
	url   string
	iss   *auth.Issuer
	store *sqlite.Store
	db    string // the store's SQLite file
	svc   *meetd.Service
}

type envOptions struct {
	monthlyLimit int
	audio        graph.AudioSettings
	log          *slog.Logger
}

func newEnv(t testing.TB, opts ...envOptions) *env {
	t.Helper()
	var o envOptions
	if len(opts) > 0 {
		o = opts[0]
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "meetd.db")
	st, err := sqlite.Open(db, sqlite.Options{})
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
	svc := meetd.NewService(st, meetd.Options{PolicyTTL: -1, MonthlyMeetingLimit: o.monthlyLimit})
	hs.Config.Handler = server.New(server.Config{
		Service:   svc,
		Verifier:  iss.Verifier(auth.VerifierOptions{}),
		Renderer:  graph.NewRenderer(graph.RendererOptions{BaseURL: base, Audio: o.audio}),
		BaseURL:   base,
		Audio:     o.audio,
		JWKS:      iss.JWKS(),
		Discovery: iss.Discovery(base, "common"),
		Ready:     st.Ping,
		Logger:    o.log,
	})
	hs.Start()
	t.Cleanup(hs.Close)
	return &env{t: t, url: base, iss: iss, store: st, db: db, svc: svc}
}

func (e *env) mint(req auth.TokenRequest) string {
	e.t.Helper()
	tok, err := e.iss.Mint(req)
	if err != nil {
		e.t.Fatal(err)
	}
	return tok
}

// user mints a delegated token with OnlineMeetings.ReadWrite unless scopes
// are given.
func (e *env) user(tenant, oid string, scopes ...string) string {
	if len(scopes) == 0 {
		scopes = []string{meetd.ScopeReadWrite}
	}
	return e.mint(auth.TokenRequest{TenantID: tenant, UserID: oid, UPN: oid[len(oid)-4:] + "@contoso.com", Scopes: scopes})
}

// app mints an application token with OnlineMeetings.ReadWrite.All unless
// roles are given.
func (e *env) app(tenant, appID string, roles ...string) string {
	if len(roles) == 0 {
		roles = []string{meetd.RoleReadWrite}
	}
	return e.mint(auth.TokenRequest{TenantID: tenant, AppID: appID, Roles: roles})
}

// grant creates (if needed) a policy for the apps and grants it to the user
// ("" for global).
func (e *env) grant(tenant, name, user string, apps ...string) {
	e.t.Helper()
	ctx := context.Background()
	err := e.store.CreatePolicy(ctx, &meetd.Policy{TenantID: tenant, Name: name, AppIDs: apps})
	if err != nil && meetd.ErrorCode(err) != meetd.ECONFLICT {
		e.t.Fatal(err)
	}
	if err := e.store.GrantPolicy(ctx, tenant, name, user); err != nil {
		e.t.Fatal(err)
	}
}

// response is a decoded HTTP answer.
type response struct {
	status int
	header http.Header
	body   []byte
	json   map[string]any
}

// do sends a request; hdr is pairs of header names and values.
func (e *env) do(method, path, token, body string, hdr ...string) *response {
	e.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, e.url+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	return e.send(req)
}

// noRedirects is a client that shows redirects instead of following them:
// Graph never redirects, so one from meetd is a bug a test must see.
var noRedirects = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func (e *env) send(req *http.Request) *response {
	e.t.Helper()
	res, err := noRedirects.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	r := &response{status: res.StatusCode, header: res.Header, body: b}
	if len(b) > 0 && strings.Contains(res.Header.Get("Content-Type"), "json") {
		if err := json.Unmarshal(b, &r.json); err != nil {
			e.t.Fatalf("%s %s: body is not JSON: %v\n%s", req.Method, req.URL, err, b)
		}
	}
	return r
}

// createOrGet posts a createOrGet body as the token's caller on path
// ("/me" or "/users/{id}") under v1.0.
func (e *env) createOrGet(path, token, body string) *response {
	e.t.Helper()
	return e.do("POST", "/v1.0"+path+"/onlineMeetings/createOrGet", token, body)
}

// want checks the status; on a mismatch it shows the body.
func (r *response) want(t testing.TB, status int) *response {
	t.Helper()
	if r.status != status {
		t.Fatalf("status: got %d, want %d; body: %s", r.status, status, r.body)
	}
	return r
}

// wantError checks a Graph error envelope's status, code and (when not "")
// message.
func (r *response) wantError(t testing.TB, status int, code, message string) {
	t.Helper()
	r.want(t, status)
	e, _ := r.json["error"].(map[string]any)
	if e == nil {
		t.Fatalf("no error envelope: %s", r.body)
	}
	if e["code"] != code {
		t.Errorf("error.code: got %v, want %q", e["code"], code)
	}
	if message != "" && e["message"] != message {
		t.Errorf("error.message: got %q, want %q", e["message"], message)
	}
	if m, _ := e["message"].(string); m == "" {
		t.Errorf("error.message is empty: the Graph SDKs need one")
	}
}

// str walks a JSON path like "participants.organizer.role".
func (r *response) str(path string) string {
	v := r.get(path)
	s, _ := v.(string)
	return s
}

func (r *response) get(path string) any {
	if v, ok := r.json[path]; ok {
		return v
	}
	var v any = r.json
	for _, k := range strings.Split(path, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

func mustTime(t testing.TB, s string) time.Time {
	t.Helper()
	tm, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatalf("time %q: %v", s, err)
	}
	return tm
}

func gz(t testing.TB, s string) *bytes.Buffer {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
	zw.Close()
	return &b
}
