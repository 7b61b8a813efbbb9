package main

import (
	"bytes"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
)

// A --pprof address that cannot be used is named as --pprof's, not taken
// for the API's --addr.
func TestPprofAddressInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var stdout, stderr bytes.Buffer
	args := []string{"serve", "--data", t.TempDir(), "--addr", "127.0.0.1:0", "--pprof", ln.Addr().String()}
	err = run(t.Context(), args, func(string) string { return "" }, &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), "--pprof") {
		t.Fatalf("serve --pprof %s (in use): got %v, want an error naming --pprof", ln.Addr(), err)
	}
}

// The profiles listener does not serve the command line, which may hold a
// --db DSN's password, and says so when it listens beyond loopback.
func TestPprofKeepsTheCommandLine(t *testing.T) {
	for _, c := range []struct {
		addr string
		warn bool
	}{
		{"127.0.0.1:0", false},
		{":0", true},
	} {
		var buf bytes.Buffer
		log := slog.New(slog.NewTextHandler(&buf, nil))
		stop, err := servePprof(c.addr, log)
		if err != nil {
			t.Fatal(err)
		}
		defer stop()
		var port string
		for f := range strings.FieldsSeq(buf.String()) {
			if v, ok := strings.CutPrefix(f, "addr="); ok {
				_, port, _ = net.SplitHostPort(v)
			}
		}
		if got := strings.Contains(buf.String(), "level=WARN"); got != c.warn {
			t.Errorf("--pprof %s: got log %q, want a warning: %v", c.addr, buf.String(), c.warn)
		}
		base := "http://127.0.0.1:" + port + "/debug/pprof/"
		for path, want := range map[string]int{"cmdline": http.StatusNotFound, "heap": http.StatusOK} {
			res, err := http.Get(base + path)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != want {
				t.Errorf("--pprof %s: GET %s: got %d %.60q, want %d", c.addr, path, res.StatusCode, body, want)
			}
		}
	}
}
