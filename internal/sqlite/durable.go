package sqlite

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"

	"github.com/meetd/meetd"
)

// Durability. SQLite runs with synchronous=NORMAL: a commit writes its
// pages to the WAL file without waiting for the disk. With
// Options.Synchronous "full" the syncer then fsyncs the WAL file itself,
// once for every batch committed since its last fsync, and only then
// answers the batches' callers: the same guarantee as SQLite's FULL (a
// commit is durable once the WAL holds its frames on stable storage), but
// the writer goes on with the next batch while the disk works, so the
// fsync's latency no longer bounds the rate of creates.
//
// Between its commit and that fsync a batch is visible to readers. So that
// nobody sees a meeting that a power cut could still undo, meetings carry
// their row's seq, and a reader that finds one newer than the last durable
// seq waits for it (wait). Updates and deletes are not held back this way;
// a reader may see them up to one fsync early. After a failed fsync the
// store answers every read, not only every write, with EUNAVAILABLE until
// it is reopened (fail-stop, as PostgreSQL does): what it committed may
// not be on the disk, and serving it would show changes a restart undoes.

// syncer makes committed batches durable and answers their callers.
type syncer struct {
	walPath string
	fsync   bool // false with synchronous=normal
	batches chan []*op
	done    chan struct{} // closed when every batch is answered

	durableSeq atomic.Int64 // meetings up to this seq are durable
	mu         sync.Mutex
	advanced   chan struct{} // closed and replaced when durableSeq grows
	failed     chan struct{} // closed when an fsync failed
	failure    atomic.Pointer[error]

	wal os.FileInfo // the WAL file last synced, to notice a new one

	syncWALFunc func() error // syncWAL; tests hold it back
	nSyncs      atomic.Int64
}

func newSyncer(path string, fsync bool, durableSeq int64) *syncer {
	// With fsync, the hand-off is unbuffered: the writer may commit one
	// batch while the previous one is being synced, but no more. Letting it
	// run further ahead made many small commits, each rewriting the same
	// index pages: more CPU per create on a machine where CPU, not the disk,
	// is the limit (docs/performance.md).
	depth := 4
	if fsync {
		depth = 0
	}
	s := &syncer{
		walPath:  path + "-wal",
		fsync:    fsync,
		batches:  make(chan []*op, depth),
		done:     make(chan struct{}),
		advanced: make(chan struct{}),
		failed:   make(chan struct{}),
	}
	s.durableSeq.Store(durableSeq)
	s.syncWALFunc = s.syncWAL
	return s
}

func (s *syncer) loop() {
	defer close(s.done)
	for batch := range s.batches {
		batches := [][]*op{batch}
	more:
		for {
			select {
			case b, ok := <-s.batches:
				if !ok {
					break more
				}
				batches = append(batches, b)
			default:
				break more
			}
		}
		err := s.broken()
		if err == nil && s.fsync {
			s.nSyncs.Add(1)
			if err = s.syncWALFunc(); err != nil {
				s.fail(err)
				err = s.broken()
			}
		}
		for _, b := range batches {
			s.answer(b, err)
		}
	}
}

// answer runs the commit hooks of a durable batch and answers its callers,
// or gives them err when it could not be made durable.
func (s *syncer) answer(batch []*op, err error) {
	var seq int64
	for _, o := range batch {
		if err != nil {
			o.err = err
		} else if o.err == nil && o.commit != nil {
			o.commit()
		}
		seq = max(seq, o.seq)
	}
	if err == nil {
		s.advance(seq)
	}
	for _, o := range batch {
		close(o.done)
	}
}

// syncWAL fsyncs the WAL file and, when it is a new file, its folder, so
// that its name survives a power cut too.
//
// The WAL is there for as long as the store is open: SQLite removes it only
// when its last connection closes, and a checkpoint starts it over in
// place. A batch has just been committed into it, so a WAL that is gone was
// removed under the store (its file, or the data folder): SQLite goes on
// writing to the unlinked file, and nothing committed there is on a disk
// that a restart reads. That is a failure, not a WAL with nothing to sync.
func (s *syncer) syncWAL() error {
	f, err := os.OpenFile(s.walPath, os.O_RDWR, 0)
	if errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("the WAL file %s was removed while the store was open: %w", s.walPath, err)
	}
	if err != nil {
		return err
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return err
	}
	st, err := f.Stat()
	if err != nil {
		return err
	}
	if s.wal == nil || !os.SameFile(st, s.wal) {
		if err := syncDir(filepath.Dir(s.walPath)); err != nil {
			return err
		}
		s.wal = st
	}
	return nil
}

// syncFiles makes everything already in the database durable; Open calls it
// so that what a crashed process left unsynced is never served.
func syncFiles(path string) error {
	for _, p := range []string{path, path + "-wal"} {
		f, err := os.OpenFile(p, os.O_RDWR, 0)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return err
		}
		err = f.Sync()
		f.Close()
		if err != nil {
			return err
		}
	}
	return syncDir(filepath.Dir(path))
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

func (s *syncer) advance(seq int64) {
	if seq <= s.durableSeq.Load() {
		return
	}
	s.mu.Lock()
	s.durableSeq.Store(seq)
	close(s.advanced)
	s.advanced = make(chan struct{})
	s.mu.Unlock()
}

// wait returns once the meeting with the seq is durable.
func (s *syncer) wait(ctx context.Context, seq int64) error {
	for {
		if seq <= s.durableSeq.Load() {
			return nil
		}
		s.mu.Lock()
		advanced := s.advanced
		s.mu.Unlock()
		if seq <= s.durableSeq.Load() {
			return nil
		}
		select {
		case <-advanced:
		case <-s.failed:
			return s.broken()
		case <-ctx.Done():
			return mapErr(ctx.Err(), "read meeting")
		}
	}
}

// fail marks the store broken after an fsync error or a write the disk
// refused (writer.run): what was committed may not be on the disk, and
// after a failed fsync the kernel may have dropped the pages, so no later
// write can be trusted either. The store answers EUNAVAILABLE until it is
// reopened.
func (s *syncer) fail(err error) {
	e := error(&meetd.Error{Code: meetd.EUNAVAILABLE, Message: "The store could not write to its disk; restart the server.", Err: err})
	if s.failure.CompareAndSwap(nil, &e) {
		close(s.failed)
	}
}

func (s *syncer) broken() error {
	if e := s.failure.Load(); e != nil {
		return *e
	}
	return nil
}
