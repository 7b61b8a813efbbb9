package sqlite

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/internal/storetest"
)

// TestOneFailedWriteFailsOnlyItself: a write whose statement fails with a
// driver error aborts its batch's transaction, and the writer then runs
// each write of the batch alone, so that the others, batched with it by
// chance, are still stored.
func TestOneFailedWriteFailsOnlyItself(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "meetd.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	entered, unblock := holdSyncs(s, s.w.syncer.syncWAL)
	defer unblock() // on failure too, so that Close does not wait for ever
	org := storetest.NewObjectID()
	errs := make(chan error, 2)
	go func() {
		_, _, err := s.CreateOrGetMeeting(context.Background(), storetest.NewMeeting(t, "t", org, "first"))
		errs <- err
	}()
	<-entered // the first batch's fsync is held
	go func() {
		_, _, err := s.CreateOrGetMeeting(context.Background(), storetest.NewMeeting(t, "t", org, "second"))
		errs <- err
	}()
	// The second batch waits for the syncer and holds the writer, so the
	// next two writes queue and go in one batch.
	waitForGoroutineIn(t, "(*writer).run(")
	bad := make(chan error, 1)
	go func() {
		bad <- s.w.do(context.Background(), func(tx *wtx) error {
			_, err := tx.conn.ExecContext(tx.ctx, "INSERT INTO no_such_table VALUES (1)")
			return err
		}, nil)
	}()
	waitForQueuedWrites(t, s, 1, "the failing write")
	good := storetest.NewMeeting(t, "t", org, "good")
	goodErr := make(chan error, 1)
	go func() {
		_, _, err := s.CreateOrGetMeeting(context.Background(), good)
		goodErr <- err
	}()
	waitForQueuedWrites(t, s, 2, "the good write")
	unblock()
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatalf("create before the failing write: %v", err)
		}
	}
	if err := <-bad; meetd.ErrorCode(err) != meetd.EINTERNAL {
		t.Errorf("the failing write: got %v, want EINTERNAL", err)
	}
	if err := <-goodErr; err != nil {
		t.Fatalf("create batched with the failing write: got %v, want it stored", err)
	}
	if _, err := s.MeetingByKey(t.Context(), good.Key()); err != nil {
		t.Fatalf("MeetingByKey of the create batched with the failing write: %v", err)
	}
}
