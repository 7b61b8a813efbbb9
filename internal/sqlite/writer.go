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
// maxBatch), runs it in one IMMEDIATE transaction, commits once (one fsync
// for the whole batch), and only then answers each caller. Under load the
// cost of a durable commit is shared by every request waiting for it.
type writer struct {
	conn     *sql.Conn
	stmts    *writeStmts
	cp       *checkpointer
	ops      chan *op
	maxBatch int

	nBatches, nOps atomic.Int64 // counted for tests and benchmarks

	mu     sync.RWMutex // held for reading while sending on ops
	closed bool
	done   chan struct{} // closed when the loop has answered every op
}

// op is one queued write. run executes inside the batch's transaction and
// returns its caller's answer: a *meetd.Error (not found, conflict) is that
// caller's alone and the batch goes on; any other error aborts the batch.
// commit runs after the batch committed and run returned nil (the cache is
// updated there, so it never shows an uncommitted write).
type op struct {
	run    func(tx *wtx) error
	commit func()
	err    error
	done   chan struct{}
}

// wtx is what an op's run sees: the writer's connection inside the open
// transaction and its prepared statements.
type wtx struct {
	ctx  context.Context
	conn *sql.Conn
	*writeStmts
}

func newWriter(conn *sql.Conn, stmts *writeStmts, maxBatch int, cp *checkpointer) *writer {
	w := &writer{conn: conn, stmts: stmts, cp: cp, ops: make(chan *op, 4*maxBatch), maxBatch: maxBatch, done: make(chan struct{})}
	go w.loop()
	return w
}

// do queues a write and waits until it is committed or has failed. Once
// queued it runs even if ctx ends: the caller may go, the write is not
// half done.
func (w *writer) do(ctx context.Context, run func(tx *wtx) error, commit func()) error {
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

// close stops taking writes, finishes the queued ones and waits for them.
func (w *writer) close() {
	w.mu.Lock()
	if !w.closed {
		w.closed = true
		close(w.ops)
	}
	w.mu.Unlock()
	<-w.done
}

func (w *writer) loop() {
	defer close(w.done)
	batch := make([]*op, 0, w.maxBatch)
	for o := range w.ops {
		batch = append(batch[:0], o)
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
		clear(batch) // let answered ops be collected
	}
}

// run commits a batch and answers its ops.
func (w *writer) run(batch []*op) {
	opFailed, err := w.commit(batch)
	if err != nil && opFailed && len(batch) > 1 {
		// One op broke the transaction. Run each alone, so that only the
		// one at fault fails; this is rare, so one commit each is fine.
		for _, o := range batch {
			w.run([]*op{o})
		}
		return
	}
	for _, o := range batch {
		if err != nil {
			o.err = err
		} else if o.err == nil && o.commit != nil {
			o.commit()
		}
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
		o.err = o.run(tx)
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
	w.cp.committed()
	return false, nil
}

func (w *writer) rollback() {
	// Fails harmlessly when SQLite has already rolled back on its own.
	w.conn.ExecContext(context.Background(), "ROLLBACK")
}
