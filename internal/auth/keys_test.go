package auth

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// helperEnv names the key file a re-executed test binary should create.
const helperEnv = "MEETD_AUTH_KEYSTORE_HELPER"

// TestKeyStoreHelperProcess is not a test: it is the child process of
// TestFileKeyStoreConcurrentProcesses, creating the key at a set instant.
func TestKeyStoreHelperProcess(t *testing.T) {
	path := os.Getenv(helperEnv)
	if path == "" {
		t.Skip("helper process only")
	}
	start, _ := strconv.ParseInt(os.Getenv(helperEnv+"_START"), 10, 64)
	time.Sleep(time.Until(time.Unix(0, start)))
	key, err := NewFileKeyStore(path).LoadOrCreateKey(context.Background(), func() ([]byte, error) {
		return fmt.Appendf(nil, "key of process %d", os.Getpid()), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(os.Getenv(helperEnv+"_OUT"), key, 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestFileKeyStoreConcurrentGoroutines(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data", "signing-key.pem")
	const n = 32
	keys := make([][]byte, n)
	errs := make([]error, n)
	var start, done sync.WaitGroup
	start.Add(1)
	for i := range n {
		done.Go(func() {
			start.Wait()
			keys[i], errs[i] = NewFileKeyStore(path).LoadOrCreateKey(context.Background(), func() ([]byte, error) {
				return fmt.Appendf(nil, "key of goroutine %d", i), nil
			})
		})
	}
	start.Done()
	done.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("goroutine %d: %v", i, errs[i])
		}
		if !bytes.Equal(keys[i], keys[0]) {
			t.Errorf("goroutine %d got key %q, goroutine 0 got %q", i, keys[i], keys[0])
		}
	}
	assertKeyFile(t, path, keys[0])
	// The folder made for the key is the owner's alone.
	if fi, err := os.Stat(filepath.Dir(path)); err != nil {
		t.Fatal(err)
	} else if mode := fi.Mode().Perm(); mode != 0o700 {
		t.Errorf("key folder mode %v, want 0700", mode)
	}
}

func TestFileKeyStoreConcurrentProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	path := filepath.Join(t.TempDir(), "signing-key.pem")
	const n = 4
	start := time.Now().Add(500 * time.Millisecond).UnixNano()
	outDir := t.TempDir()
	cmds := make([]*exec.Cmd, n)
	logs := make([]bytes.Buffer, n)
	for i := range n {
		cmd := exec.Command(os.Args[0], "-test.run=^TestKeyStoreHelperProcess$")
		cmd.Env = append(os.Environ(), helperEnv+"="+path,
			fmt.Sprintf("%s_START=%d", helperEnv, start),
			fmt.Sprintf("%s_OUT=%s", helperEnv, filepath.Join(outDir, strconv.Itoa(i))))
		cmd.Stdout, cmd.Stderr = &logs[i], &logs[i]
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds[i] = cmd
	}
	// Goroutines of this process join the race too.
	var wg sync.WaitGroup
	mine := make([][]byte, 8)
	for i := range mine {
		wg.Go(func() {
			time.Sleep(time.Until(time.Unix(0, start)))
			k, err := NewFileKeyStore(path).LoadOrCreateKey(context.Background(), func() ([]byte, error) {
				return fmt.Appendf(nil, "key of parent goroutine %d", i), nil
			})
			if err != nil {
				t.Errorf("parent goroutine %d: %v", i, err)
			}
			mine[i] = k
		})
	}
	wg.Wait()
	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("process %d: %v\n%s", i, err, logs[i].Bytes())
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		got, err := os.ReadFile(filepath.Join(outDir, strconv.Itoa(i)))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("process %d got key %q, want %q", i, got, want)
		}
	}
	for i, got := range mine {
		if !bytes.Equal(got, want) {
			t.Errorf("parent goroutine %d got key %q, want %q", i, got, want)
		}
	}
	assertKeyFile(t, path, want)
}

// assertKeyFile checks that path holds want, mode 0600, with no temporary
// files left beside it.
func assertKeyFile(t testing.TB, path string, want []byte) {
	t.Helper()
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("key file holds %q, want %q", got, want)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if mode := fi.Mode().Perm(); mode != 0o600 {
		t.Errorf("key file mode %v, want 0600", mode)
	}
	entries, err := os.ReadDir(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name() != filepath.Base(path) {
			t.Errorf("left behind %s, want only %s", e.Name(), filepath.Base(path))
		}
	}
}

func TestFileKeyStoreLoadsExisting(t *testing.T) {
	path := filepath.Join(t.TempDir(), "signing-key.pem")
	if err := os.WriteFile(path, []byte("existing"), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := NewFileKeyStore(path).LoadOrCreateKey(context.Background(), func() ([]byte, error) {
		t.Error("generate called, want the existing key used")
		return []byte("new"), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != "existing" {
		t.Errorf("got %q, want %q", got, "existing")
	}
}

func TestFileKeyStoreErrors(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.pem")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	failing := func() ([]byte, error) { return nil, fmt.Errorf("no entropy") }
	cases := []struct {
		name, path string
		generate   func() ([]byte, error)
		want       string
	}{
		{"empty file", empty, failing, "is empty"},
		{"generate fails", filepath.Join(dir, "new.pem"), failing, "no entropy"},
		{"generate returns nothing", filepath.Join(dir, "new.pem"), func() ([]byte, error) { return nil, nil }, "empty key"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewFileKeyStore(tc.path).LoadOrCreateKey(context.Background(), tc.generate)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// TestFileKeyStoreCancelled checks that a cancelled start creates no key.
func TestFileKeyStoreCancelled(t *testing.T) {
	path := filepath.Join(t.TempDir(), "signing-key.pem")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := NewFileKeyStore(path).LoadOrCreateKey(ctx, func() ([]byte, error) {
		t.Error("generate called, want nothing done")
		return []byte("new"), nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("got error %v, want %v", err, context.Canceled)
	}
	if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("key file: got %v, want none", err)
	}
}

func TestLoadIssuerKeepsKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "signing-key.pem")
	first, err := LoadIssuer(context.Background(), NewFileKeyStore(path))
	if err != nil {
		t.Fatal(err)
	}
	second, err := LoadIssuer(context.Background(), NewFileKeyStore(path))
	if err != nil {
		t.Fatal(err)
	}
	if first.KeyID() != second.KeyID() {
		t.Errorf("second load has kid %s, want %s", second.KeyID(), first.KeyID())
	}
	tok := mint(t, first, TokenRequest{TenantID: tenantA, UserID: userA, Scopes: []string{"OnlineMeetings.ReadWrite"}})
	if _, err := second.Verifier(VerifierOptions{}).Verify(tok); err != nil {
		t.Errorf("token of the first load refused by the second: %v", err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if mode := fi.Mode().Perm(); mode != 0o600 {
		t.Errorf("key file mode %v, want 0600", mode)
	}
}

func TestLoadIssuerRefusesBadKey(t *testing.T) {
	small := smallRSAKey(t)
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ecDER, err := x509.MarshalPKCS8PrivateKey(ec)
	if err != nil {
		t.Fatal(err)
	}
	smallDER, err := x509.MarshalPKCS8PrivateKey(small)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct{ name, pem, want string }{
		{"not PEM", "hello", "no PEM block"},
		{"certificate", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", "unexpected PEM block"},
		{"bad PKCS8", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", "signing key"},
		{"EC key", string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: ecDER})), "is not an RSA key"},
		{"RSA 1024, PKCS8", string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: smallDER})), "want at least 2048"},
		{"RSA 1024, PKCS1", string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(small)})), "want at least 2048"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "signing-key.pem")
			if err := os.WriteFile(path, []byte(tc.pem), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := LoadIssuer(context.Background(), NewFileKeyStore(path))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got error %v, want one containing %q", err, tc.want)
			}
			if b, _ := os.ReadFile(path); string(b) != tc.pem {
				t.Errorf("key file changed to %q, want it left alone", b)
			}
		})
	}
}

// smallRSAKey returns an RSA key too small to sign with.
func smallRSAKey(t testing.TB) *rsa.PrivateKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestNewIssuerRefusesSmallKey(t *testing.T) {
	is, err := NewIssuer(smallRSAKey(t))
	if err == nil || !strings.Contains(err.Error(), "want at least 2048") {
		t.Errorf("got issuer %v, error %v; want an error saying 2048 bits are needed", is, err)
	}
}
