package sqlite

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/internal/storetest"
)

// setMaxPages caps the database at n pages on the writer's connection (0:
// at its current size), the way a full disk stops it growing: SQLite then
// answers SQLITE_FULL, as it does for ENOSPC.
func setMaxPages(t *testing.T, s *Store, n int) {
	t.Helper()
	err := s.w.do(context.Background(), func(tx *wtx) error {
		if n == 0 {
			if err := tx.conn.QueryRowContext(tx.ctx, "PRAGMA page_count").Scan(&n); err != nil {
				return err
			}
		}
		_, err := tx.conn.ExecContext(tx.ctx, fmt.Sprintf("PRAGMA max_page_count = %d", n))
		return err
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
}

// TestDiskFullIsUnavailable checks that a write the disk has no room for is
// EUNAVAILABLE with a Retry-After (a 503, not a 500), that what was stored
// before still reads, and that writes go on once there is room again,
// without reopening the store.
func TestDiskFullIsUnavailable(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "meetd.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := t.Context()
	org := storetest.NewObjectID()
	before := storetest.NewMeeting(t, "t", org, "before")
	if _, _, err := s.CreateOrGetMeeting(ctx, before); err != nil {
		t.Fatal(err)
	}

	setMaxPages(t, s, 0)
	var full error
	for i := 0; i < 1000 && full == nil; i++ {
		_, _, full = s.CreateOrGetMeeting(ctx, storetest.NewMeeting(t, "t", org, fmt.Sprintf("k%d", i)))
	}
	if full == nil {
		t.Fatal("no create failed with the database capped at its size")
	}
	var me *meetd.Error
	if meetd.ErrorCode(full) != meetd.EUNAVAILABLE {
		t.Fatalf("a create with the disk full: got %v (code %q), want %s", full, meetd.ErrorCode(full), meetd.EUNAVAILABLE)
	}
	// docs/support.md: the client reads this message and Retry-After: 10;
	// room comes back when an operator frees it, not in a second.
	if !errors.As(full, &me) {
		t.Fatalf("a create with the disk full: got %#v, want a *meetd.Error", full)
	}
	if want := "The store's disk is full; try again later."; me.Message != want {
		t.Errorf("a create with the disk full: got message %q, want %q", me.Message, want)
	}
	if want := 10 * time.Second; me.RetryAfter != want {
		t.Errorf("a create with the disk full: got RetryAfter %v, want %v", me.RetryAfter, want)
	}
	if _, err := s.MeetingByKey(ctx, before.Key()); err != nil {
		t.Fatalf("a stored meeting does not read with the disk full: %v", err)
	}

	setMaxPages(t, s, 1<<30)
	if _, created, err := s.CreateOrGetMeeting(ctx, storetest.NewMeeting(t, "t", org, "after")); err != nil || !created {
		t.Fatalf("a create once there is room again: created %t, %v", created, err)
	}
}
