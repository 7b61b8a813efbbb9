package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/meetd/meetd"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// diskFullRetryAfter is the Retry-After of a write refused for want of
// disk space: room comes back when an operator frees it, not in a second.
const diskFullRetryAfter = 10 * time.Second

// errClosed is the cause given to calls made after Close.
var errClosed = errors.New("sqlite store is closed")

// mapErr turns a driver error into a domain error at the edge of the store:
// a unique violation is a conflict, a database still locked after the busy
// timeout, a full or failing disk (or a closed store) is unavailable, no
// row is not found, and anything else is internal. The driver's text is
// kept as the cause only.
func mapErr(err error, what string) error {
	if err == nil {
		return nil
	}
	var me *meetd.Error
	if errors.As(err, &me) {
		return err
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return &meetd.Error{Code: meetd.ECONFLICT, Message: what + ": a unique key is taken.", Err: err}
		}
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return &meetd.Error{Code: meetd.EUNAVAILABLE, Message: "The database is busy; try again.", Err: err, RetryAfter: time.Second}
		case sqlite3.SQLITE_IOERR:
			// The disk failed a read or a write (EIO, a file system gone
			// read-only). On a write the writer stops the store, as after a
			// failed fsync, unless the disk was not at fault (diskFailed).
			return &meetd.Error{Code: meetd.EUNAVAILABLE, Message: "The store could not read or write its disk.", Err: err}
		case sqlite3.SQLITE_FULL:
			// The disk (or a quota) has no room: the transaction was rolled
			// back, nothing was stored, and writes succeed again once space
			// is freed, without a restart. Reads go on.
			return &meetd.Error{Code: meetd.EUNAVAILABLE, Message: "The store's disk is full; try again later.", Err: err, RetryAfter: diskFullRetryAfter}
		}
	}
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return &meetd.Error{Code: meetd.ENOTFOUND, Message: what + ": not found.", Err: err}
	case errors.Is(err, errClosed), errors.Is(err, sql.ErrConnDone), isDBClosed(err):
		return &meetd.Error{Code: meetd.EUNAVAILABLE, Message: "The store is closed.", Err: err}
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return &meetd.Error{Code: meetd.EUNAVAILABLE, Message: "The request was cancelled.", Err: err}
	}
	return &meetd.Error{Code: meetd.EINTERNAL, Message: what + " failed.", Err: err}
}

// diskFailed reports whether err is SQLite's I/O error: the disk refused a
// read or a write.
func diskFailed(err error) bool {
	var se *sqlite.Error
	if !errors.As(err, &se) || se.Code()&0xff != sqlite3.SQLITE_IOERR {
		return false
	}
	switch se.Code() {
	case sqlite3.SQLITE_IOERR_NOMEM, sqlite3.SQLITE_IOERR_SHMSIZE, sqlite3.SQLITE_IOERR_SHMMAP:
		// Out of memory, or no room to grow the WAL's shared-memory index
		// (a full disk): nothing the disk was given is in doubt, so the
		// write fails (503) and the next may succeed, as with SQLITE_FULL.
		return false
	}
	return true
}

// isDBClosed reports database/sql's unexported errors for a closed
// database or statement: what a call after Close meets.
func isDBClosed(err error) bool {
	if err == nil {
		return false
	}
	msg := err.Error()
	return msg == "sql: database is closed" || msg == "sql: statement is closed"
}

func notFound(format string, args ...any) error {
	return meetd.Errorf(meetd.ENOTFOUND, format, args...)
}
