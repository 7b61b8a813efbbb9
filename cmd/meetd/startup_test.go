package main

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/meetd/meetd/internal/pgtest"
)

// The start-up line tells an operator what is running and where its data
// is: the version, the store by its absolute path (a relative --data means
// nothing without the working directory), SQLite's durability, the level.
func TestStartupLineSaysWhatRuns(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "wd"), 0o700); err != nil {
		t.Fatal(err)
	}
	// A relative --data, resolved against the working directory t.Chdir sets.
	t.Chdir(filepath.Join(dir, "wd"))
	line := startupLine(t, []string{"--data", "rel-data", "--sync", "normal"}, nil)
	for _, want := range []string{
		"version=dev",
		"store=sqlite:" + filepath.Join(dir, "wd", "rel-data", "meetd.db"),
		"sync=normal",
		"log-level=INFO",
	} {
		if !strings.Contains(line, want) {
			t.Errorf("got start-up line %q, want it to contain %q", line, want)
		}
	}
}

// With PostgreSQL the start-up line names the server and database, never
// the DSN's password, and no SQLite durability.
func TestStartupLineNamesPostgresWithoutPassword(t *testing.T) {
	u, err := url.Parse(pgtest.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.UserPassword(u.User.Username(), "startup-line-secret") // trust auth: any password
	line := startupLine(t, []string{"--db", u.String()}, nil)
	want := "store=postgres://" + u.User.Username() + "@" + u.Host + u.Path
	if !strings.Contains(line, want) || strings.Contains(line, "startup-line-secret") {
		t.Errorf("got start-up line %q, want it to contain %q and no password", line, want)
	}
	// --sync is SQLite's: PostgreSQL's durability is its own.
	if strings.Contains(line, " sync=") {
		t.Errorf("got start-up line %q, want no sync= with PostgreSQL", line)
	}
}
