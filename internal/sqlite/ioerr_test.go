//go:build linux

package sqlite

import (
	"os"
	"syscall"
	"testing"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/internal/storetest"
)

// TestWriteErrorBreaksTheStore makes the disk refuse the WAL's next write
// (RLIMIT_FSIZE: write(2) fails with EFBIG, which SQLite reports as
// SQLITE_IOERR_WRITE, as it does for EIO or a file system gone read-only)
// and checks that the create is EUNAVAILABLE, not EINTERNAL, and that the
// store then stops, as after a failed fsync: a disk that failed a write may
// have lost what it was given before.
func TestWriteErrorBreaksTheStore(t *testing.T) {
	s, path, kept := openStored(t)
	st, err := os.Stat(path + "-wal")
	if err != nil {
		t.Fatal(err)
	}
	var old syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_FSIZE, &old); err != nil {
		t.Fatal(err)
	}
	limit := old
	limit.Cur = uint64(st.Size())
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &limit); err != nil {
		t.Skipf("cannot limit the file size: %v", err)
	}
	m := storetest.NewMeeting(t, "t", storetest.NewObjectID(), "refused")
	_, _, err = s.CreateOrGetMeeting(t.Context(), m)
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &old); err != nil {
		t.Fatal(err)
	}
	if meetd.ErrorCode(err) != meetd.EUNAVAILABLE {
		t.Fatalf("create whose WAL write failed: got %v (code %q), want %s", err, meetd.ErrorCode(err), meetd.EUNAVAILABLE)
	}
	wantStopped(t, s, kept, "a failed write")
}
