package pgtest

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// EnvBin names the environment variable that holds the folder of PostgreSQL's
// server binaries (initdb, pg_ctl); /usr/lib/postgresql/<newest>/bin if unset.
const EnvBin = "MEETD_TEST_PGBIN"

// Server is a throw-away PostgreSQL server that belongs to one test, for tests
// that stop and start the server: stopping the shared one would break the
// tests of other packages, which go test runs at the same time.
type Server struct {
	// DSN names the server's "postgres" database over TCP on 127.0.0.1.
	DSN string

	dir   string // everything: data/, the socket, the log
	bin   string
	owner string // OS user to run the server as; "" for ourselves
}

// NewServer makes and starts a server of the test's own (about a second) and
// removes it when the test ends. Like DSN, it skips the test when
// MEETD_TEST_POSTGRES is unset, and fails it with CI=true.
func NewServer(t testing.TB) *Server {
	t.Helper()
	DSN(t)
	s := &Server{}
	var err error
	if s.bin, err = binDir(); err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	if os.Geteuid() == 0 {
		s.owner = "postgres" // the server refuses to run as root
	}
	// Not t.TempDir: its parent is private to root, and the socket path must
	// stay short.
	if s.dir, err = os.MkdirTemp("", "meetd-pg-"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = s.pgCtl("stop", "-m", "immediate", "-w")
		os.RemoveAll(s.dir)
	})
	if err := os.Chmod(s.dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if s.owner != "" {
		if err := chown(s.dir, s.owner); err != nil {
			t.Fatalf("pgtest: %v", err)
		}
	}
	if out, err := s.run(filepath.Join(s.bin, "initdb"), "-D", s.data(), "-U", "postgres",
		"-E", "UTF8", "--no-locale", "--auth=trust", "-N"); err != nil {
		t.Fatalf("pgtest: initdb: %v\n%s", err, out)
	}
	port, err := freePort()
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	conf := fmt.Sprintf("listen_addresses = '127.0.0.1'\nport = %d\nunix_socket_directories = '%s'\n"+
		"fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n", port, s.dir)
	f, err := os.OpenFile(filepath.Join(s.data(), "postgresql.conf"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.WriteString(conf)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	s.DSN = fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port)
	s.Start(t)
	return s
}

// NewDatabase creates an empty database on s for the test and returns its DSN.
func (s *Server) NewDatabase(t testing.TB) string {
	t.Helper()
	return newDatabase(t, s.DSN)
}

// Stop shuts the server down the way an operator's restart does (pg_ctl stop
// -m fast): sessions are ended and new connections are refused.
func (s *Server) Stop(t testing.TB) {
	t.Helper()
	if err := s.pgCtl("stop", "-m", "fast", "-w", "-t", "60"); err != nil {
		t.Fatalf("pgtest: stop: %v", err)
	}
}

// Start starts the server again after Stop, and returns once it accepts
// connections.
func (s *Server) Start(t testing.TB) {
	t.Helper()
	if err := s.pgCtl("start", "-w", "-t", "60", "-l", filepath.Join(s.dir, "postgres.log")); err != nil {
		log, _ := os.ReadFile(filepath.Join(s.dir, "postgres.log"))
		t.Fatalf("pgtest: start: %v\nserver log:\n%s", err, log)
	}
}

// Freeze stops every process of the server with SIGSTOP: connections stay
// open and new ones are accepted by the kernel, but nothing answers, as when
// the database host hangs or the network drops packets. Thaw undoes it; so
// does the end of the test.
func (s *Server) Freeze(t testing.TB) {
	t.Helper()
	if err := s.signal(syscall.SIGSTOP); err != nil {
		t.Fatalf("pgtest: freeze: %v", err)
	}
	t.Cleanup(func() { _ = s.signal(syscall.SIGCONT) })
}

// Thaw lets a frozen server run again.
func (s *Server) Thaw(t testing.TB) {
	t.Helper()
	if err := s.signal(syscall.SIGCONT); err != nil {
		t.Fatalf("pgtest: thaw: %v", err)
	}
}

// signal sends sig to the postmaster and its children.
func (s *Server) signal(sig syscall.Signal) error {
	b, err := os.ReadFile(filepath.Join(s.data(), "postmaster.pid"))
	if err != nil {
		return err
	}
	first, _, _ := strings.Cut(string(b), "\n")
	pm, err := strconv.Atoi(strings.TrimSpace(first))
	if err != nil {
		return fmt.Errorf("postmaster.pid: %w", err)
	}
	pids := []int{pm}
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, path := range stats {
		b, err := os.ReadFile(path)
		if err != nil {
			continue // gone meanwhile
		}
		// pid (comm) state ppid …; comm may hold spaces, so cut at the last ')'.
		i := strings.LastIndexByte(string(b), ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(string(b[i+1:]))
		if len(f) > 1 && f[1] == strconv.Itoa(pm) {
			pid, _ := strconv.Atoi(filepath.Base(filepath.Dir(path)))
			pids = append(pids, pid)
		}
	}
	for _, pid := range pids {
		if err := syscall.Kill(pid, sig); err != nil && pid == pm {
			return err
		}
	}
	return nil
}

func (s *Server) data() string { return filepath.Join(s.dir, "data") }

func (s *Server) pgCtl(args ...string) error {
	args = append([]string{"-D", s.data()}, args...)
	out, err := s.run(filepath.Join(s.bin, "pg_ctl"), args...)
	if err != nil {
		return fmt.Errorf("%w: %s", err, out)
	}
	return nil
}

// run runs a server binary as the server's owner.
func (s *Server) run(name string, args ...string) ([]byte, error) {
	if s.owner != "" {
		args = append([]string{"-u", s.owner, "--", name}, args...)
		name = "runuser"
	}
	cmd := exec.Command(name, args...)
	cmd.Dir = "/" // the owner may not be allowed into the test's folder
	return cmd.CombinedOutput()
}

// binDir returns the folder of the server binaries.
func binDir() (string, error) {
	if d := os.Getenv(EnvBin); d != "" {
		return d, nil
	}
	ds, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(ds, func(i, j int) bool { return version(ds[i]) < version(ds[j]) })
	for i := len(ds) - 1; i >= 0; i-- {
		if _, err := os.Stat(filepath.Join(ds[i], "pg_ctl")); err == nil {
			return ds[i], nil
		}
	}
	return "", errors.New("no PostgreSQL server binaries: set " + EnvBin + " or apt-get install postgresql")
}

// version returns the major version in /usr/lib/postgresql/<v>/bin.
func version(dir string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(dir)))
	return v
}

func chown(path, owner string) error {
	u, err := user.Lookup(owner)
	if err != nil {
		return err
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return os.Chown(path, uid, gid)
}

// freePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
