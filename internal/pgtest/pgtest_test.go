package pgtest

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

func TestWithDatabase(t *testing.T) {
	for _, tc := range []struct{ dsn, want string }{
		{"postgres://postgres@127.0.0.1:5432/meetd?sslmode=disable", "postgres://postgres@127.0.0.1:5432/x?sslmode=disable"},
		{"postgresql://u:p@h/?dbname=meetd", "postgresql://u:p@h/x"},
		{"postgres://h:1", "postgres://h:1/x"},
		{"host=h port=1 dbname=meetd", "host=h port=1 dbname=meetd dbname=x"},
	} {
		got, err := withDatabase(tc.dsn, "x")
		if err != nil || got != tc.want {
			t.Errorf("withDatabase(%q) = %q, %v; want %q", tc.dsn, got, err, tc.want)
		}
	}
}

func TestNewDatabase(t *testing.T) {
	var name string
	t.Run("use", func(t *testing.T) {
		dsn := NewDatabase(t)
		name = queryString(t, dsn, "SELECT current_database()")
		if n := queryString(t, dsn, "SELECT count(*)::text FROM pg_tables WHERE schemaname = 'public'"); n != "0" {
			t.Errorf("tables in a new database: got %s, want 0", n)
		}
		// A connection left open must not stop the drop.
		conn, err := pgx.Connect(context.Background(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		_ = conn
	})
	if t.Failed() {
		return
	}
	n := queryString(t, DSN(t), "SELECT count(*)::text FROM pg_database WHERE datname = '"+name+"'")
	if n != "0" {
		t.Errorf("database %s after its test: got %s, want it dropped", name, n)
	}
}

func TestServerStopStart(t *testing.T) {
	s := NewServer(t)
	dsn := s.NewDatabase(t)
	if got := queryString(t, dsn, "SELECT 'up'"); got != "up" {
		t.Fatalf("got %q, want up", got)
	}
	s.Stop(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if conn, err := pgx.Connect(ctx, dsn); err == nil {
		conn.Close(ctx)
		t.Fatal("connect to a stopped server: got no error, want one")
	}
	s.Start(t)
	if got := queryString(t, dsn, "SELECT 'up again'"); got != "up again" {
		t.Fatalf("got %q, want up again", got)
	}
}

func queryString(t testing.TB, dsn, sql string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var s string
	if err := conn.QueryRow(ctx, sql).Scan(&s); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return s
}
