package main

import (
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// How serve stops: SIGTERM, SIGINT and SIGHUP drain in-flight requests for
// --shutdown-timeout; a second signal, or the timeout, cuts them off.

// A client that announces a body and never sends it is cut off after
// --read-timeout instead of holding its connection (and a buffer, and the
// next shutdown) for ever; the shutdown then has nothing to wait for.
func TestStalledBodyIsCutOff(t *testing.T) {
	p := startServe(t, "--data", t.TempDir(), "--read-timeout", "1s", "--shutdown-timeout", "20s")
	c, err := net.Dial("tcp", strings.TrimPrefix(p.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "POST /v1.0/me/onlineMeetings/createOrGet HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{") // under net/http's 256 KiB drain limit
	c.SetReadDeadline(time.Now().Add(15 * time.Second))
	if _, err := io.ReadAll(c); err != nil {
		t.Fatalf("the stalled request's connection was not closed: %v", err)
	}
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Wait(); err != nil {
		t.Errorf("exit after SIGTERM with the stalled client gone: %v\n%s", err, p.stderr)
	}
}

// A second SIGTERM (or Ctrl-C) during the drain ends serve at once instead
// of waiting out --shutdown-timeout; so do two SIGINTs to a serve that a
// shell started in the background, with SIGINT ignored.
func TestSecondSignalStopsTheDrain(t *testing.T) {
	args := []string{"serve", "--addr", "127.0.0.1:0", "--data", t.TempDir(), "--read-timeout", "60s", "--shutdown-timeout", "60s"}
	t.Run("SIGTERM", func(t *testing.T) {
		secondSignal(t, startServe(t, args[3:]...), syscall.SIGTERM)
	})
	t.Run("SIGINT ignored at start", func(t *testing.T) {
		args[4] = t.TempDir()
		cmd := exec.Command("sh", append([]string{"-c", `trap '' INT; exec "$0" "$@"`, meetdBin}, args...)...)
		cmd.Env = os.Environ()
		secondSignal(t, startServeCmd(t, cmd), syscall.SIGINT)
	})
}

func secondSignal(t *testing.T, p *proc, sig syscall.Signal) {
	c, err := net.Dial("tcp", strings.TrimPrefix(p.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	// A request whose body never comes keeps the drain waiting.
	fmt.Fprintf(c, "POST /v1.0/me/onlineMeetings/createOrGet HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{")
	time.Sleep(200 * time.Millisecond)
	done := make(chan error, 1)
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(p.cmd.Process.Signal(sig))
	go func() { done <- p.cmd.Wait() }()
	time.Sleep(500 * time.Millisecond)
	must(p.cmd.Process.Signal(sig))
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("serve was still draining 20 s after a second signal")
	}
}

// A drain that runs out of --shutdown-timeout with a request still in
// flight cuts it off and says so, in the log and in the exit status: the
// stop was not clean.
func TestShutdownTimeoutCutsOff(t *testing.T) {
	p := startServe(t, "--data", t.TempDir(), "--read-timeout", "60s", "--shutdown-timeout", "1s")
	c, err := net.Dial("tcp", strings.TrimPrefix(p.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	// A request whose body never comes keeps the drain waiting.
	fmt.Fprintf(c, "POST /v1.0/me/onlineMeetings/createOrGet HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{")
	time.Sleep(200 * time.Millisecond) // for the server to read the headers
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	err = p.cmd.Wait()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 || !strings.Contains(p.stderr.String(), "were cut off") {
		t.Errorf("SIGTERM with a request in flight past --shutdown-timeout: got %v, want exit status 1 and a log saying it was cut off\n%s", err, p.stderr)
	}
}

// SIGHUP drains and stops serve as SIGTERM does, with its log lines and
// exit status 0, rather than killing it where it stands.
func TestSIGHUPDrains(t *testing.T) {
	p := startServe(t, "--data", t.TempDir())
	if err := p.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	err := p.cmd.Wait()
	if err != nil || !strings.Contains(p.stderr.String(), "msg=stopped") || !strings.Contains(p.stderr.String(), "hangup") {
		t.Errorf("serve after SIGHUP: got exit %v and log\n%s\nwant exit 0, a drain that names the signal, and \"stopped\"", err, p.stderr)
	}
}
