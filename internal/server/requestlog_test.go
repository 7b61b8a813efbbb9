package server_test

import (
	"bytes"
	"database/sql"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	_ "modernc.org/sqlite"
)

// syncBuffer is a log destination the server's goroutines may share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// At --log-level debug every request gets one line, keyed by its request id,
// that says how it ended: an operator reading the log must see the status
// and the time taken, not only that a request came in.
func TestDebugLogHasStatusAndDuration(t *testing.T) {
	var buf syncBuffer
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	e := newEnv(t, envOptions{log: log})
	tok := e.user(tenantA, alice)

	cases := []struct {
		method, path, token, body string
		status                    int
	}{
		{"GET", "/healthz", "", "", http.StatusOK},
		{"GET", "/v1.0/me/onlineMeetings/x", "not-a-token", "", http.StatusUnauthorized},
		{"POST", "/v1.0/me/onlineMeetings/createOrGet", tok, `{"externalId":"log-1"}`, http.StatusCreated},
		{"GET", "/v1.0/me/onlineMeetings?$filter=x", tok, "", http.StatusBadRequest},
	}
	for _, c := range cases {
		res := e.do(c.method, c.path, c.token, c.body).want(t, c.status)
		id := res.header.Get("request-id")
		var line string
		for _, l := range strings.Split(buf.String(), "\n") {
			if strings.Contains(l, "request-id="+id) {
				line = l
			}
		}
		if line == "" {
			t.Fatalf("%s %s: no log line with request-id=%s in:\n%s", c.method, c.path, id, buf.String())
		}
		for _, want := range []string{"level=DEBUG", "method=" + c.method, "status=" + strconv.Itoa(c.status), "duration=", "bytes="} {
			if !strings.Contains(line, want) {
				t.Errorf("%s %s: got log line %q, want it to contain %q", c.method, c.path, line, want)
			}
		}
	}
}

// logLine returns the log line that names the request id, or "".
func logLine(buf *syncBuffer, id string) string {
	for _, l := range strings.Split(buf.String(), "\n") {
		if id != "" && strings.Contains(l, "request-id="+id) {
			return l
		}
	}
	return ""
}

// An answer the server could not give is logged at the default level,
// keyed by its request id, with the cause the client is never shown: an
// internal error (500) as an error, a store that cannot serve (503) as a
// warning, with a Retry-After for the client.
func TestServerErrorsAreLogged(t *testing.T) {
	var buf syncBuffer
	e := newEnv(t, envOptions{log: slog.New(slog.NewTextHandler(&buf, nil))})
	tok := e.user(tenantA, alice)
	m := e.createOrGet("/me", tok, `{"externalId":"log-500"}`).want(t, http.StatusCreated)

	// A stored meeting that no longer decodes: its look-up is a 500.
	db, err := sql.Open("sqlite", e.db+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`UPDATE meetings SET data = 'not a record' WHERE id = ?`, m.str("id")); err != nil {
		t.Fatal(err)
	}
	r := e.do("GET", "/v1.0/me/onlineMeetings?$filter="+url.QueryEscape("JoinWebUrl eq '"+m.str("joinWebUrl")+"'"), tok, "")
	r.wantError(t, http.StatusInternalServerError, "generalException", "An internal server error occurred.")
	line := logLine(&buf, r.header.Get("request-id"))
	for _, want := range []string{"level=ERROR", `msg="internal error"`, "method=GET", "decode meeting"} {
		if !strings.Contains(line, want) {
			t.Errorf("500: got log line %q, want it to contain %q; log:\n%s", line, want, buf.String())
		}
	}
	if strings.Contains(string(r.body), "decode meeting") {
		t.Errorf("500: the cause is in the answer: %s", r.body)
	}

	// A closed store: a 503 to retry, a warning in the log.
	if err := e.store.Close(); err != nil {
		t.Fatal(err)
	}
	r = e.createOrGet("/me", tok, `{"externalId":"log-503"}`)
	r.wantError(t, http.StatusServiceUnavailable, "ServiceUnavailable", "")
	if s, err := strconv.Atoi(r.header.Get("Retry-After")); err != nil || s < 1 {
		t.Errorf("503: Retry-After %q, want a number of seconds", r.header.Get("Retry-After"))
	}
	line = logLine(&buf, r.header.Get("request-id"))
	for _, want := range []string{"level=WARN", `msg="store unavailable"`, "method=POST"} {
		if !strings.Contains(line, want) {
			t.Errorf("503: got log line %q, want it to contain %q; log:\n%s", line, want, buf.String())
		}
	}
	// Readiness follows the store; liveness does not (Config.Live is nil:
	// nothing here stops for good).
	e.do("GET", "/readyz", "", "").wantError(t, http.StatusServiceUnavailable, "ServiceUnavailable", "")
	e.do("GET", "/healthz", "", "").want(t, http.StatusOK)
}
