package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/meetd/meetd"
)

// writer is the store's one writing goroutine. It does group commit:
// callers queue operations; the writer takes everything queued (up to
// maxBatch) and runs it in one IMMEDIATE transaction. The batch then goes to
// the syncer (durable.go), which makes it durable with one fsync, possibly
// shared with the batches committed meanwhile, and only then answers each
// caller. The writer does not wait for the disk: while one batch is being
// synced the next one is being written.
type writer struct {
	conn     *sql.Conn
	stmts    *writeStmts
	cp       *checkpointer
	ops      chan *op
	maxBatch int
	syncer   *syncer

	nBatches, nOps atomic.Int64 // counted for tests and benchmarks

	mu     sync.RWMutex // held for reading while sending on ops
	closed bool
}

// op is one queued write. run executes inside the batch's transaction and
// returns its caller's answer: a *meetd.Error (not found, conflict) is that
// caller's alone and the batch goes on; any other error aborts the batch.
// An op that inserts a meeting sets seq to its row's seq. commit runs once
// the batch is durable and run returned nil: the cache is updated there, so
// it never shows a write that a power cut could undo.
type op struct {
	run    func(tx *wtx) error
	commit func()
	seq    int64
	err    error
	done   chan struct{}
}

// wtx is what an op's run sees: the writer's connection inside the open
// transaction and its prepared statements.
type wtx struct {
	ctx  context.Context
	conn *sql.Conn
	seq  int64 // the seq of the meeting the op inserted, if any
	*writeStmts
}

func newWriter(conn *sql.Conn, stmts *writeStmts, maxBatch int, cp *checkpointer, s *syncer) *writer {
	w := &writer{conn: conn, stmts: stmts, cp: cp, ops: make(chan *op, 4*maxBatch), maxBatch: maxBatch, syncer: s}
	go w.loop()
	go s.loop()
	return w
}

// do queues a write and waits until it is durable or has failed. Once
// queued it runs even if ctx ends: the caller may go, the write is not
// half done.
func (w *writer) do(ctx context.Context, run func(tx *wtx) error, commit func()) error {
	if err := w.syncer.broken(); err != nil {
		return err
	}
	o := &op{run: run, commit: commit, done: make(chan struct{})}
	w.mu.RLock()
	if w.closed {
		w.mu.RUnlock()
		return mapErr(errClosed, "write")
	}
	select {
	case w.ops <- o:
	case <-ctx.Done():
		w.mu.RUnlock()
		return mapErr(ctx.Err(), "write")
	}
	w.mu.RUnlock()
	<-o.done
	return o.err
}

// close stops taking writes, finishes the queued ones and waits until they
// are durable and answered.
func (w *writer) close() {
	w.mu.Lock()
	if !w.closed {
		w.closed = true
		close(w.ops)
	}
	w.mu.Unlock()
	<-w.syncer.done
}

func (w *writer) loop() {
	defer close(w.syncer.batches)
	for o := range w.ops {
		w.cp.tail(w.conn)
		batch := make([]*op, 1, 16)
		batch[0] = o
		// Let the goroutines that are ready to queue a write do so before
		// taking the batch: a few more writes share this commit's pages.
		runtime.Gosched()
	drain:
		for len(batch) < w.maxBatch {
			select {
			case o, ok := <-w.ops:
				if !ok {
					break drain
				}
				batch = append(batch, o)
			default:
				break drain
			}
		}
		w.nBatches.Add(1)
		w.nOps.Add(int64(len(batch)))
		w.run(batch)
	}
}

// run commits a batch and hands it to the syncer, or answers its ops with
// the error that stopped it.
func (w *writer) run(batch []*op) {
	// After a failed fsync or write nothing more is committed: the store
	// has stopped until it is reopened (durable.go).
	if err := w.syncer.broken(); err != nil {
		failOps(batch, err)
		return
	}
	opFailed, err := w.commit(batch)
	if err != nil && diskFailed(err) {
		// The disk refused a write: like a failed fsync, what it was given
		// before may be lost too, so the store stops (fail-stop).
		w.syncer.fail(err)
		err, opFailed = w.syncer.broken(), false
	}
	if err != nil && opFailed && len(batch) > 1 {
		// One op broke the transaction. Run each alone, so that only the
		// one at fault fails; this is rare, so one commit each is fine.
		for _, o := range batch {
			w.run([]*op{o})
		}
		return
	}
	if err != nil {
		failOps(batch, err)
		return
	}
	w.syncer.batches <- batch
}

// failOps answers every op of a batch that was not committed with err.
func failOps(batch []*op, err error) {
	for _, o := range batch {
		o.err = err
		close(o.done)
	}
}

// commit runs the batch in one transaction. It returns nil when the batch
// committed (each op's own answer is in its err), or the error that aborted
// it and whether an op's statement, rather than BEGIN or COMMIT, failed.
func (w *writer) commit(batch []*op) (opFailed bool, err error) {
	ctx := context.Background()
	if _, err := w.conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		return false, mapErr(err, "begin")
	}
	tx := &wtx{ctx: ctx, conn: w.conn, writeStmts: w.stmts}
	for _, o := range batch {
		tx.seq = 0
		o.err = o.run(tx)
		o.seq = tx.seq
		var me *meetd.Error
		if o.err != nil && !errors.As(o.err, &me) {
			w.rollback()
			return true, mapErr(o.err, "write")
		}
	}
	if _, err := w.conn.ExecContext(ctx, "COMMIT"); err != nil {
		w.rollback()
		return false, mapErr(err, "commit")
	}
	w.cp.committed(len(batch))
	return false, nil
}

func (w *writer) rollback() {
	// Fails harmlessly when SQLite has already rolled back on its own.
	w.conn.ExecContext(context.Background(), "ROLLBACK")
}
