package server_test

import (
	"bytes"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
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
