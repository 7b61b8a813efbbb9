package sqlite

import (
	"context"
	"database/sql"
	"os"
)

// checkpointer copies the WAL back into the database file on its own
// connection and goroutine, so that the writer never stops for it (SQLite's
// automatic checkpoint would run inside a commit, on the writer). It runs
// when the writer sees the WAL past a size; PASSIVE, so it never blocks the
// writer or readers. Once everything is copied, the writer starts the WAL
// over, and journal_size_limit trims the file.
type checkpointer struct {
	db      *sql.DB
	walPath string
	limit   int64 // WAL bytes that start a checkpoint
	kick    chan struct{}
	done    chan struct{}
}

// checkpointBytes is the WAL size that starts a checkpoint: large enough
// that an index page written by many commits is copied to the database
// once (each create writes a few random index pages), small enough that the
// WAL stays a modest file that reopens quickly.
const checkpointBytes = 64 << 20

func newCheckpointer(db *sql.DB, path string) *checkpointer {
	c := &checkpointer{db: db, walPath: path + "-wal", limit: checkpointBytes, kick: make(chan struct{}, 1), done: make(chan struct{})}
	go c.loop()
	return c
}

// committed is called by the writer after each commit.
func (c *checkpointer) committed() {
	st, err := os.Stat(c.walPath)
	if err != nil || st.Size() < c.limit {
		return
	}
	select {
	case c.kick <- struct{}{}:
	default: // one is already due
	}
}

func (c *checkpointer) loop() {
	defer close(c.done)
	for range c.kick {
		// An error (SQLITE_BUSY while another process checkpoints) only
		// means the WAL grows until the next try.
		c.db.ExecContext(context.Background(), "PRAGMA wal_checkpoint(PASSIVE)")
	}
}

// close stops the checkpointer after a checkpoint in progress; the last
// connection to close checkpoints everything.
func (c *checkpointer) close() error {
	close(c.kick)
	<-c.done
	return c.db.Close()
}
