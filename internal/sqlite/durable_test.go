package sqlite

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/internal/storetest"
)

func TestSynchronousFullSyncsBeforeAnswering(t *testing.T) {
	for _, tc := range []struct {
		sync      string
		wantSyncs bool
	}{{"full", true}, {"", true}, {"normal", false}} {
		t.Run("synchronous="+tc.sync, func(t *testing.T) {
			s, err := Open(filepath.Join(t.TempDir(), "meetd.db"), Options{Synchronous: tc.sync})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if _, _, err := s.CreateOrGetMeeting(t.Context(), storetest.NewMeeting(t, "t", storetest.NewObjectID(), "x")); err != nil {
				t.Fatal(err)
			}
			if got := s.w.syncer.nSyncs.Load() > 0; got != tc.wantSyncs {
				t.Fatalf("fsynced the WAL: got %t, want %t", got, tc.wantSyncs)
			}
		})
	}
}

// TestReadersWaitForDurability holds the fsync back and checks that a
// meeting already committed is not shown until it is durable.
func TestReadersWaitForDurability(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "meetd.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	entered, unblock := holdSyncs(s, s.w.syncer.syncWAL)
	defer unblock() // on failure too, so that Close does not wait for ever
	m := storetest.NewMeeting(t, "t", storetest.NewObjectID(), "held")
	created := make(chan error, 1)
	go func() {
		_, _, err := s.CreateOrGetMeeting(context.Background(), m)
		created <- err
	}()
	<-entered // committed, not yet durable

	var n int
	if err := s.rdb.QueryRow("SELECT count(*) FROM meetings WHERE vtc_id = ?", m.VideoTeleconferenceID).Scan(&n); err != nil || n != 1 {
		t.Fatalf("the meeting is not committed: %d rows, %v", n, err)
	}
	reads := map[string]func(ctx context.Context) error{
		"FindMeetings": func(ctx context.Context) error {
			_, err := s.FindMeetings(ctx, m.TenantID, meetd.Filter{VideoTeleconferenceID: m.VideoTeleconferenceID})
			return err
		},
		"MeetingByThread": func(ctx context.Context) error { _, _, err := s.MeetingByThread(ctx, m.ThreadID); return err },
		"Meeting":         func(ctx context.Context) error { _, err := s.Meeting(ctx, m.TenantID, m.ID); return err },
	}
	for name, read := range reads {
		ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
		err := read(ctx)
		cancel()
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("%s before the fsync: got %v, want it to wait until its deadline", name, err)
		}
		// Out of time is "not now" (503, retry), not a bug (500).
		if code := meetd.ErrorCode(err); code != meetd.EUNAVAILABLE {
			t.Fatalf("%s before the fsync: got code %q, want %q", name, code, meetd.EUNAVAILABLE)
		}
	}
	unblock()
	if err := <-created; err != nil {
		t.Fatal(err)
	}
	for name, read := range reads {
		if err := read(t.Context()); err != nil {
			t.Fatalf("%s after the fsync: %v", name, err)
		}
	}
}

func TestFailedSyncBreaksTheStore(t *testing.T) {
	s, _, kept := openStored(t)
	s.w.syncer.syncWALFunc = func() error { return errors.New("EIO") }
	m := storetest.NewMeeting(t, "t", storetest.NewObjectID(), "lost")
	if _, _, err := s.CreateOrGetMeeting(t.Context(), m); meetd.ErrorCode(err) != meetd.EUNAVAILABLE {
		t.Fatalf("create whose fsync failed: got %v, want EUNAVAILABLE", err)
	}
	if err := s.CreatePolicy(t.Context(), &meetd.Policy{TenantID: "t", Name: "p"}); meetd.ErrorCode(err) != meetd.EUNAVAILABLE {
		t.Fatalf("write after a failed fsync: got %v, want EUNAVAILABLE", err)
	}
	if _, err := s.FindMeetings(t.Context(), m.TenantID, meetd.Filter{ThreadID: m.ThreadID}); meetd.ErrorCode(err) != meetd.EUNAVAILABLE {
		t.Fatalf("read of the meeting that may be lost: got %v, want EUNAVAILABLE", err)
	}
	wantStopped(t, s, kept, "a failed fsync")
}

// TestFailedSyncFailsWaitingReaders: a reader that found a committed meeting
// and waits for its fsync gets EUNAVAILABLE when that fsync fails, never the
// meeting, which a restart may not have.
func TestFailedSyncFailsWaitingReaders(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "meetd.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	entered, unblock := holdSyncs(s, func() error { return errors.New("EIO") })
	defer unblock() // on failure too, so that Close does not wait for ever
	m := storetest.NewMeeting(t, "t", storetest.NewObjectID(), "lost")
	created := make(chan error, 1)
	go func() {
		_, _, err := s.CreateOrGetMeeting(context.Background(), m)
		created <- err
	}()
	<-entered // committed, not yet durable
	read := make(chan error, 1)
	go func() {
		_, err := s.Meeting(context.Background(), m.TenantID, m.ID)
		read <- err
	}()
	waitForGoroutineIn(t, "(*syncer).wait(")
	unblock()
	if err := <-created; meetd.ErrorCode(err) != meetd.EUNAVAILABLE {
		t.Fatalf("create whose fsync failed: got %v, want EUNAVAILABLE", err)
	}
	if err := <-read; meetd.ErrorCode(err) != meetd.EUNAVAILABLE {
		t.Fatalf("read waiting for the failed fsync: got %v, want EUNAVAILABLE", err)
	}
}

// TestNothingCommittedAfterAFailedSync: once an fsync has failed the store
// commits nothing more, not even the writes queued before the failure was
// known; their callers get EUNAVAILABLE, and so a restart must not find
// them stored either (a plain create retried after its 503 would otherwise
// leave two meetings).
func TestNothingCommittedAfterAFailedSync(t *testing.T) {
	path := filepath.Join(t.TempDir(), "meetd.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	entered, unblock := holdSyncs(s, func() error { return errors.New("EIO") })
	defer unblock() // on failure too, so that Close does not wait for ever
	org := storetest.NewObjectID()
	a, b, c := storetest.NewMeeting(t, "t", org, "a"), storetest.NewMeeting(t, "t", org, "b"), storetest.NewMeeting(t, "t", org, "c")
	errs := make(chan error, 3)
	create := func(m *meetd.Meeting) {
		_, _, err := s.CreateOrGetMeeting(context.Background(), m)
		errs <- err
	}
	go create(a)
	<-entered // a is committed, its fsync held
	go create(b)
	// b is committed and its batch waits for the syncer, which holds the
	// writer: c stays queued.
	waitForGoroutineIn(t, "(*writer).run(")
	go create(c)
	waitForQueuedWrites(t, s, 1, "the third create")
	unblock()
	for range 3 {
		if err := <-errs; meetd.ErrorCode(err) != meetd.EUNAVAILABLE {
			t.Errorf("create around the failed fsync: got %v, want EUNAVAILABLE", err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got, err := s.MeetingByKey(t.Context(), c.Key()); meetd.ErrorCode(err) != meetd.ENOTFOUND {
		t.Fatalf("after a restart, the create queued when the fsync failed: got %v (meeting %v), want ENOTFOUND", err, got != nil)
	}
}

// holdSyncs makes s's WAL fsyncs wait until release is called; entered
// gets a value as one starts (unless one is pending already), and a released
// fsync returns what synced returns. Callers defer release, so that a
// failed test's Close does not wait for ever.
func holdSyncs(s *Store, synced func() error) (entered <-chan struct{}, release func()) {
	released, started := make(chan struct{}), make(chan struct{}, 1)
	s.w.syncer.syncWALFunc = func() error {
		select {
		case started <- struct{}{}:
		default:
		}
		<-released
		return synced()
	}
	return started, sync.OnceFunc(func() { close(released) })
}

// waitForQueuedWrites returns once n writes (what names them) wait for the
// writer.
func waitForQueuedWrites(t *testing.T, s *Store, n int, what string) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); len(s.w.ops) < n; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%s not queued after a minute", what)
		}
	}
}

// waitForGoroutineIn returns once a goroutine is in the function fn (as
// named in a stack trace): there is no other way to know that a reader is
// blocked in syncer.wait rather than about to get there.
func waitForGoroutineIn(t *testing.T, fn string) {
	t.Helper()
	buf := make([]byte, 1<<20)
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		if strings.Contains(string(buf[:runtime.Stack(buf, true)]), fn) {
			return
		}
	}
	t.Fatalf("no goroutine in %s after a minute", fn)
}

// openStored opens a store in a new folder and stores one meeting in it,
// durably; it returns the store, the database's path and the meeting.
func openStored(t *testing.T) (*Store, string, *meetd.Meeting) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "meetd.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	kept := storetest.NewMeeting(t, "t", storetest.NewObjectID(), "kept")
	if _, _, err := s.CreateOrGetMeeting(t.Context(), kept); err != nil {
		t.Fatal(err)
	}
	return s, path, kept
}

// wantStopped checks that the store has stopped for good (fail-stop):
// every write, and every read even of kept, which was durable before, from
// the cache or the database, is EUNAVAILABLE until the store is reopened.
func wantStopped(t *testing.T, s *Store, kept *meetd.Meeting, after string) {
	t.Helper()
	calls := map[string]error{
		"CreateOrGetMeeting": func() error {
			_, _, err := s.CreateOrGetMeeting(t.Context(), storetest.NewMeeting(t, "t", storetest.NewObjectID(), "after"))
			return err
		}(),
		"CreatePolicy":    s.CreatePolicy(t.Context(), &meetd.Policy{TenantID: "t", Name: "p"}),
		"MeetingByKey":    func() error { _, err := s.MeetingByKey(t.Context(), kept.Key()); return err }(),
		"Meeting":         func() error { _, err := s.Meeting(t.Context(), kept.TenantID, kept.ID); return err }(),
		"MeetingByThread": func() error { _, _, err := s.MeetingByThread(t.Context(), kept.ThreadID); return err }(),
		"Assignment":      func() error { _, err := s.Assignment(t.Context(), "t", "u"); return err }(),
		"Policies":        func() error { _, err := s.Policies(t.Context(), "t"); return err }(),
		"FindMeetings": func() error {
			_, err := s.FindMeetings(t.Context(), kept.TenantID, meetd.Filter{OrganizerID: kept.OrganizerID})
			return err
		}(),
	}
	// docs/support.md: every call says why, and that a restart is needed.
	const msg = "The store could not write to its disk; restart the server."
	for name, err := range calls {
		var me *meetd.Error
		if !errors.As(err, &me) || me.Code != meetd.EUNAVAILABLE {
			t.Errorf("%s after %s: got %v, want EUNAVAILABLE until the store is reopened", name, after, err)
		} else if me.Message != msg {
			t.Errorf("%s after %s: got message %q, want %q", name, after, me.Message, msg)
		}
	}
}

// TestRemovedWALBreaksTheStore removes the WAL file under an open store (an
// operator cleaning up, the data folder deleted): SQLite goes on writing
// to the unlinked file, so a commit there is on no disk a restart reads,
// and must not be answered as stored.
func TestRemovedWALBreaksTheStore(t *testing.T) {
	s, path, kept := openStored(t)
	if err := os.Remove(path + "-wal"); err != nil {
		t.Fatal(err)
	}
	m := storetest.NewMeeting(t, "t", storetest.NewObjectID(), "lost")
	if _, _, err := s.CreateOrGetMeeting(t.Context(), m); meetd.ErrorCode(err) != meetd.EUNAVAILABLE {
		t.Fatalf("create after the WAL file was removed: got %v, want EUNAVAILABLE", err)
	}
	if _, err := s.MeetingByKey(t.Context(), m.Key()); meetd.ErrorCode(err) != meetd.EUNAVAILABLE {
		t.Fatalf("read after the WAL file was removed: got %v, want EUNAVAILABLE", err)
	}
	wantStopped(t, s, kept, "the WAL file was removed")
}

// TestSymlinkedDatabase opens the database through a symbolic link, as a
// deployment that links meetd.db to another disk does. SQLite keeps the WAL
// beside the file linked to, so the syncer must fsync that one: it looked
// for a WAL beside the link, found none and stopped the store at the first
// write (before that, it fsynced nothing at all).
func TestSymlinkedDatabase(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "elsewhere.db")
	link := filepath.Join(dir, "meetd.db")
	if err := os.WriteFile(target, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	s, err := Open(link, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	m := storetest.NewMeeting(t, "t", storetest.NewObjectID(), "linked")
	if _, _, err := s.CreateOrGetMeeting(t.Context(), m); err != nil {
		t.Fatalf("create through a linked database: %v", err)
	}
	if got, want := s.w.syncer.walPath, target+"-wal"; got != want {
		t.Fatalf("the syncer fsyncs %s, want %s", got, want)
	}
	if _, err := os.Stat(s.w.syncer.walPath); err != nil {
		t.Fatalf("the WAL the syncer fsyncs: %v", err)
	}
}

// TestURIPathRefused opens "file:meetd.db", as a SQLite user may write
// --db sqlite:file:meetd.db. SQLite takes it for a URI and uses meetd.db,
// while Open created (mode 0600) and the syncer fsynced "file:meetd.db":
// the database was not owner-only, and the first write stopped the store
// for a WAL it could not find. Open must refuse the name.
func TestURIPathRefused(t *testing.T) {
	t.Chdir(t.TempDir())
	s, err := Open("file:meetd.db", Options{})
	if err == nil {
		_, _, werr := s.CreateOrGetMeeting(t.Context(), storetest.NewMeeting(t, "t", storetest.NewObjectID(), "uri"))
		s.Close()
		t.Fatalf("Open(%q) succeeded; a create then: %v", "file:meetd.db", werr)
	}
}
