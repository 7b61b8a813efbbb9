package e2e

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// server is a running `meetd serve` child process.
type server struct {
	URL    string // http://127.0.0.1:PORT, without a version segment
	data   string
	cmd    *exec.Cmd
	done   chan struct{}
	stderr *lockedBuffer
}

// startServer runs `meetd serve` on a free loopback port with data in dir and
// waits for the line that announces its URL.
func startServer(dir string, args ...string) (*server, error) {
	cmd := exec.Command(meetdBin, append([]string{"serve", "--addr", "127.0.0.1:0", "--data", dir}, args...)...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	s := &server{data: dir, cmd: cmd, done: make(chan struct{}), stderr: &lockedBuffer{}}
	cmd.Stderr = s.stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	go func() { _ = cmd.Wait(); close(s.done) }()
	url := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if u, ok := strings.CutPrefix(sc.Text(), "meetd listening on "); ok {
				url <- u
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
	}()
	select {
	case s.URL = <-url:
		return s, nil
	case <-s.done:
		return nil, fmt.Errorf("meetd serve exited before listening: %s", head(s.stderr.String(), 1000))
	case <-time.After(30 * time.Second):
		s.stop()
		return nil, fmt.Errorf("meetd serve did not announce its URL within 30s: %s", head(s.stderr.String(), 1000))
	}
}

var (
	sharedOnce sync.Once
	sharedSrv  *server
	sharedErr  error
)

// sharedServer returns one server for all tests that keep to their own
// tenant, so the suite pays for one start-up.
func sharedServer(tb testing.TB) *server {
	tb.Helper()
	sharedOnce.Do(func() {
		dir := filepath.Join(tmpRoot, "shared")
		if sharedErr = os.MkdirAll(dir, 0o700); sharedErr == nil {
			sharedSrv, sharedErr = startServer(dir)
		}
	})
	if sharedErr != nil {
		tb.Fatalf("shared server: %v", sharedErr)
	}
	return sharedSrv
}

func stopShared() {
	if sharedSrv != nil {
		sharedSrv.stop()
	}
}

// stop asks the server to drain and exit, and kills it if it does not.
func (s *server) stop() {
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
}

// cli runs a meetd command against the server's data folder and returns its
// trimmed stdout.
func (s *server) cli(tb testing.TB, args ...string) string {
	tb.Helper()
	args = append(args, "--data", s.data)
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(meetdBin, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		tb.Fatalf("meetd %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return strings.TrimSpace(stdout.String())
}

// userToken mints a delegated token (OnlineMeetings.ReadWrite unless extra
// flags such as --scopes or --ttl say otherwise).
func (s *server) userToken(tb testing.TB, tenant, oid, upn string, extra ...string) string {
	tb.Helper()
	return s.cli(tb, append([]string{"token", "--tenant", tenant, "--user", oid, "--upn", upn}, extra...)...)
}

// appToken mints an application token (OnlineMeetings.ReadWrite.All unless
// --roles says otherwise).
func (s *server) appToken(tb testing.TB, tenant, appID string, extra ...string) string {
	tb.Helper()
	return s.cli(tb, append([]string{"token", "--tenant", tenant, "--app", appID}, extra...)...)
}

// grant creates an application access policy for appID and grants it to
// user, the way an admin does with New-/Grant-CsApplicationAccessPolicy.
func (s *server) grant(tb testing.TB, tenant, appID, user string) {
	tb.Helper()
	name := "policy-" + appID[:8] + "-" + user[:8]
	s.cli(tb, "policy", "create", name, "--tenant", tenant, "--app", appID)
	s.cli(tb, "policy", "grant", name, "--tenant", tenant, "--user", user)
}

// newID returns a random GUID: tenants, users and apps of one test never
// meet another test's, so tests can share a server.
func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// lockedBuffer collects a child's stderr while tests may read it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// head shortens a child's output for a failure message; a panic's stack
// would otherwise bury the reason.
func head(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + " …"
}
