package sqlite

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

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
	release, entered := make(chan struct{}), make(chan struct{}, 1)
	// Released on failure too, so that Close does not wait for ever.
	unblock := sync.OnceFunc(func() { close(release) })
	defer unblock()
	s.w.syncer.syncWALFunc = func() error {
		select {
		case entered <- struct{}{}:
		default:
		}
		<-release
		return s.w.syncer.syncWAL()
	}
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
	for deadline := time.Now().Add(time.Minute); len(s.w.ops) < 1; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the failing write was not queued after a minute")
		}
	}
	good := storetest.NewMeeting(t, "t", org, "good")
	goodErr := make(chan error, 1)
	go func() {
		_, _, err := s.CreateOrGetMeeting(context.Background(), good)
		goodErr <- err
	}()
	for deadline := time.Now().Add(time.Minute); len(s.w.ops) < 2; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the good write was not queued after a minute")
		}
	}
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
