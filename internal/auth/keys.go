package auth

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// KeyStore keeps the issuer's signing key as PEM bytes.
//
// LoadOrCreateKey returns the stored key. When none is stored it calls
// generate, stores the result and returns it. Processes racing to create the
// key must all end with the same one: a store that loses the race returns
// the winner's key, never its own.
type KeyStore interface {
	LoadOrCreateKey(ctx context.Context, generate func() ([]byte, error)) ([]byte, error)
}

// FileKeyStore is a KeyStore on one file, readable only by its owner (0600).
type FileKeyStore struct {
	path string
}

var _ KeyStore = (*FileKeyStore)(nil)

// NewFileKeyStore returns a KeyStore that keeps the key in the file at path.
// The file's folder is created (0700) if missing.
func NewFileKeyStore(path string) *FileKeyStore {
	return &FileKeyStore{path: path}
}

// LoadOrCreateKey returns the key in the file, creating the file with
// generate's bytes if it does not exist.
//
// The new key is written to a temporary file in the same folder, synced, and
// then hard-linked to the final name. A link never replaces an existing file,
// so when `meetd serve` and `meetd token` start together exactly one wins and
// the other reads the winner's complete file: no reader ever sees a partial key.
func (s *FileKeyStore) LoadOrCreateKey(ctx context.Context, generate func() ([]byte, error)) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if b, err := s.read(); err == nil || !errors.Is(err, fs.ErrNotExist) {
		return b, err
	}
	key, err := generate()
	if err != nil {
		return nil, fmt.Errorf("generate signing key: %w", err)
	}
	if len(key) == 0 {
		return nil, errors.New("generate signing key: empty key")
	}
	dir := filepath.Dir(s.path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create key folder: %w", err)
	}
	tmp, err := writeTemp(dir, "."+filepath.Base(s.path)+".*.tmp", key)
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp)
	if err := os.Link(tmp, s.path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return s.read() // another process won; use its key
		}
		return nil, fmt.Errorf("store signing key: %w", err)
	}
	// Make the new name durable too; a failure here loses nothing that a
	// restart would not regenerate, so it is not an error.
	syncDir(dir)
	return key, nil
}

// read returns the key file's bytes; an empty file is an error rather than
// a key, since the link-after-sync protocol never makes one.
func (s *FileKeyStore) read() ([]byte, error) {
	b, err := os.ReadFile(s.path)
	if err != nil {
		return nil, err
	}
	if len(b) == 0 {
		return nil, fmt.Errorf("signing key file %s is empty", s.path)
	}
	return b, nil
}

// writeTemp writes b to a new 0600 file in dir, syncs and closes it, and
// returns its name.
func writeTemp(dir, pattern string, b []byte) (name string, err error) {
	f, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return "", fmt.Errorf("create temporary key file: %w", err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	// CreateTemp asks for 0600 but the umask could take bits away; set it exactly.
	if err := f.Chmod(0o600); err != nil {
		return "", fmt.Errorf("chmod temporary key file: %w", err)
	}
	if _, err := f.Write(b); err != nil {
		return "", fmt.Errorf("write temporary key file: %w", err)
	}
	if err := f.Sync(); err != nil {
		return "", fmt.Errorf("sync temporary key file: %w", err)
	}
	if err := f.Close(); err != nil {
		return "", fmt.Errorf("close temporary key file: %w", err)
	}
	return f.Name(), nil
}

func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// keyBits is the size of generated signing keys: RS256 with RSA 2048, as
// Entra ID signs.
const keyBits = 2048

// generateKeyPEM returns a new RSA private key as a PKCS #8 PEM block.
func generateKeyPEM() ([]byte, error) {
	key, err := rsa.GenerateKey(rand.Reader, keyBits)
	if err != nil {
		return nil, err
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

// parseKeyPEM reads an RSA private key of at least 2048 bits from a PKCS #8
// ("PRIVATE KEY") or PKCS #1 ("RSA PRIVATE KEY") PEM block.
func parseKeyPEM(b []byte) (*rsa.PrivateKey, error) {
	block, _ := pem.Decode(b)
	if block == nil {
		return nil, errors.New("signing key: no PEM block")
	}
	var key *rsa.PrivateKey
	switch block.Type {
	case "PRIVATE KEY":
		k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("signing key: %w", err)
		}
		rk, ok := k.(*rsa.PrivateKey)
		if !ok {
			return nil, fmt.Errorf("signing key: %T is not an RSA key", k)
		}
		key = rk
	case "RSA PRIVATE KEY":
		k, err := x509.ParsePKCS1PrivateKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("signing key: %w", err)
		}
		key = k
	default:
		return nil, fmt.Errorf("signing key: unexpected PEM block %q", block.Type)
	}
	if key.N.BitLen() < keyBits {
		return nil, fmt.Errorf("signing key: RSA key of %d bits, want at least %d", key.N.BitLen(), keyBits)
	}
	return key, nil
}
