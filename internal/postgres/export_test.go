package postgres

import "time"

// MaxConns returns the size of the store's pool, for tests.
func MaxConns(s *Store) int32 { return s.pool.Config().MaxConns }

// MeetingByKeySQL is the by-key read, for plan tests.
const MeetingByKeySQL = meetingByKeySQL

// HoldBatches makes the store's calls queue instead of running, as if every
// batcher had a batch in flight, until release: then they run, in one batch
// each as far as their size allows. queued tells how many calls wait.
func HoldBatches(s *Store) (queued func() int, release func()) {
	s.keyReads.hold()
	s.inserts.hold()
	queued = func() int { return s.keyReads.queued() + s.inserts.queued() }
	release = func() {
		s.keyReads.release()
		s.inserts.release()
	}
	return queued, release
}

func (b *batcher[T]) hold() {
	// Wait for a runner still finishing a batch: it would take the calls.
	for {
		b.mu.Lock()
		if b.runners == 0 {
			b.runners++ // a runner that runs nothing
			b.mu.Unlock()
			return
		}
		b.mu.Unlock()
		time.Sleep(time.Millisecond)
	}
}

func (b *batcher[T]) queued() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.queue)
}

// release makes the held runner a real one.
func (b *batcher[T]) release() { go b.runQueued() }
