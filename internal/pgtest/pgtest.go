// Package pgtest gives tests a real PostgreSQL: a fresh database of their own on
// the server scripts/test.sh starts, or, for tests that stop and start the
// server, a throw-away server of their own.
//
// The shared server is named by MEETD_TEST_POSTGRES. Without it PostgreSQL
// tests skip, so `go test ./...` works on a laptop with no database; with
// CI=true they fail instead, so CI can never pass by skipping them.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// EnvDSN names the environment variable that holds the DSN of the test server.
const EnvDSN = "MEETD_TEST_POSTGRES"

// DSN returns the DSN of the shared test server. It skips the test when
// MEETD_TEST_POSTGRES is unset, and fails it instead when CI=true.
func DSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv(EnvDSN)
	if dsn != "" {
		return dsn
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is not set, and with CI=true PostgreSQL tests must run: use scripts/test.sh", EnvDSN)
	}
	t.Skipf("%s is not set: skipping a PostgreSQL test (scripts/test.sh starts a server)", EnvDSN)
	return ""
}

// NewDatabase creates an empty database with a unique name on the shared test
// server, drops it when the test ends, and returns its DSN.
func NewDatabase(t testing.TB) string {
	t.Helper()
	return newDatabase(t, DSN(t))
}

// newDatabase creates a database on the server of adminDSN for the test.
func newDatabase(t testing.TB, adminDSN string) string {
	t.Helper()
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	name := "meetd_test_" + hex.EncodeToString(b[:])
	dsn, err := withDatabase(adminDSN, name)
	if err != nil {
		t.Fatalf("pgtest: %s: %v", EnvDSN, err)
	}
	if err := execSQL(adminDSN, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("pgtest: create database: %v", err)
	}
	t.Cleanup(func() {
		// FORCE (PostgreSQL 13+) ends sessions a test left open, such as a
		// pool it did not close.
		if err := execSQL(adminDSN, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Logf("pgtest: drop database %s: %v", name, err)
		}
	})
	return dsn
}

// execSQL runs one statement on its own connection, bounded so that a server
// that is gone fails the test instead of hanging it.
func execSQL(dsn, sql string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// pgxpool's parser knows the DSN's pool_* settings, which the server
	// would reject as unknown parameters.
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return err
	}
	conn, err := pgx.ConnectConfig(ctx, cfg.ConnConfig)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	_, err = conn.Exec(ctx, sql)
	return err
}

// withDatabase returns dsn with its database replaced by name. It takes both
// forms pgx accepts: a URL, and libpq's "key=value" list.
func withDatabase(dsn, name string) (string, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err != nil {
			return "", fmt.Errorf("not a valid URL")
		}
		u.Path = "/" + name
		u.RawPath = ""
		q := u.Query()
		q.Del("dbname") // would override the path
		u.RawQuery = q.Encode()
		return u.String(), nil
	}
	// In a key=value list the last setting wins.
	return dsn + " dbname=" + name, nil
}
