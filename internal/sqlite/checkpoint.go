package sqlite

import (
	"context"
	"database/sql"
	"sync/atomic"
	"time"
)

// checkpointer copies the WAL back into the database file on its own
// connection and goroutine, so that the writer never stops for the bulk of
// it (SQLite's automatic checkpoint would run inside a commit, on the
// writer). Its passes are PASSIVE: they never block the writer or readers.
//
// A WAL is only started over once a checkpoint has copied all of it, which
// a checkpoint beside a busy writer never does: the writer appends while it
// copies. So after its passes the checkpointer leaves the tail, the frames
// written meanwhile, to the writer, which copies it between two batches
// (tail); the writer's next transaction then starts the WAL over, and
// journal_size_limit trims the file.
type checkpointer struct {
	db      *sql.DB
	pending atomic.Int64 // writes committed since the last checkpoint began
	tailDue atomic.Bool  // the writer should copy what is left
	kick    chan struct{}
	stop    chan struct{}
	done    chan struct{}
}

// A checkpoint starts after checkpointWrites writes (a create writes about
// five pages: some 80 MB of WAL), or every checkpointEvery when there were
// writes at all, so that a quiet server's database file is soon complete.
// Many writes per checkpoint let it copy a page written by several of them
// once.
const (
	checkpointWrites = 4096
	checkpointEvery  = 10 * time.Second
	walSizeLimit     = 64 << 20 // journal_size_limit: the WAL file kept after a reset
)

func newCheckpointer(db *sql.DB) *checkpointer {
	c := &checkpointer{db: db, kick: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	go c.loop()
	return c
}

// committed is called by the writer after each commit of n writes.
func (c *checkpointer) committed(n int) {
	if c.pending.Add(int64(n)) >= checkpointWrites {
		select {
		case c.kick <- struct{}{}:
		default: // one is due already
		}
	}
}

func (c *checkpointer) loop() {
	defer close(c.done)
	tick := time.NewTicker(checkpointEvery)
	defer tick.Stop()
	for {
		select {
		case <-c.stop:
			return
		case <-c.kick:
		case <-tick.C:
			if c.pending.Load() == 0 {
				continue
			}
		}
		c.pending.Store(0)
		// Two passes: the second copies what was written during the first,
		// so that the tail left to the writer is short. An error
		// (SQLITE_BUSY while another process checkpoints) only means the
		// WAL grows until the next try.
		for range 2 {
			c.db.ExecContext(context.Background(), "PRAGMA wal_checkpoint(PASSIVE)")
		}
		c.tailDue.Store(true)
	}
}

// tail copies the rest of the WAL on the writer's connection, between two
// batches, after a background checkpoint; the writer calls it.
func (c *checkpointer) tail(conn *sql.Conn) {
	if c.tailDue.CompareAndSwap(true, false) {
		conn.ExecContext(context.Background(), "PRAGMA wal_checkpoint(PASSIVE)")
	}
}

// close stops the checkpointer after a checkpoint in progress; the last
// connection to close checkpoints everything.
func (c *checkpointer) close() error {
	close(c.stop)
	<-c.done
	return c.db.Close()
}
