package main

import (
	"bytes"
	"net"
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
