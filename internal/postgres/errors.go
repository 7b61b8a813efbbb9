package postgres

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"
	"unicode/utf8"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/meetd/meetd"
)

// Messages callers may see. The driver's own text goes only into Err.
const (
	msgUnavailable = "The meeting store is unavailable; try again shortly."
	msgConflict    = "The item conflicts with one already stored."
	msgText        = "Text must be valid UTF-8 without NUL characters."
	msgInternal    = "An internal server error occurred."
)

// translate turns a driver error into a domain error at the edge: a unique
// violation is ECONFLICT, anything that says the database cannot be reached
// now (a failed connection included, whatever the server's reason) is
// EUNAVAILABLE with RetryAfter, and the rest is EINTERNAL. Domain
// errors pass through.
func (s *Store) translate(op string, err error) error {
	if err == nil {
		return nil
	}
	var de *meetd.Error
	if errors.As(err, &de) {
		return err
	}
	cause := wrapOp(op, err)
	unavailable := &meetd.Error{Code: meetd.EUNAVAILABLE, Message: msgUnavailable, Err: cause, RetryAfter: RetryAfter}
	// A connection that could not be made, whatever the server said (a
	// rotated password 28P01, a pg_hba entry missing 28000, no such database
	// 3D000), is the database being unreachable for now, not a bug in meetd:
	// checked before the server's SQLSTATE, which would read as internal.
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) {
		return unavailable
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case pe.Code == "23505": // unique_violation
			return &meetd.Error{Code: meetd.ECONFLICT, Message: msgConflict, Err: cause}
		case pe.Code == "22021" || pe.Code == "22P05":
			// PostgreSQL text holds neither U+0000 nor invalid UTF-8.
			return &meetd.Error{Code: meetd.EINVALID, Message: msgText, Err: cause}
		case unavailableCode(pe.Code):
			return unavailable
		}
		return &meetd.Error{Code: meetd.EINTERNAL, Message: msgInternal, Err: cause}
	}
	if s.closed.Load() {
		return &meetd.Error{Code: meetd.EUNAVAILABLE, Message: "The store is closed.", Err: cause, RetryAfter: RetryAfter}
	}
	if unreachable(err) {
		return unavailable
	}
	return &meetd.Error{Code: meetd.EINTERNAL, Message: msgInternal, Err: cause}
}

// storableText returns EINVALID if a text argument holds U+0000 or invalid
// UTF-8, which PostgreSQL text cannot. Checked here, one bad key refuses
// only its own call, not every look-up batched with it (bykey.go). With the
// extended protocol the server reports a NUL itself (22021), but in simple
// protocol mode (default_query_exec_mode=
// simple_protocol, for PgBouncer in transaction mode) the NUL cuts the query
// text short and the server answers 08P01 protocol_violation, which would
// read as "unavailable" and invite endless retries. PgBouncer reports its own
// troubles with 08P01 too, so the code cannot be told apart afterwards.
func storableText(args ...any) error {
	for _, a := range args {
		if s, ok := a.(string); ok && (strings.IndexByte(s, 0) >= 0 || !utf8.ValidString(s)) {
			return &meetd.Error{Code: meetd.EINVALID, Message: msgText}
		}
	}
	return nil
}

// unavailableCode reports whether a server error means "not now" rather than
// "never": the server is starting, stopping, overloaded, read-only (a standby
// after a failover), or cancelled the statement.
func unavailableCode(code string) bool {
	if len(code) != 5 {
		return false
	}
	switch code[:2] {
	case "08", // connection_exception
		"53", // insufficient_resources: too_many_connections, out of memory, disk full
		"57", // operator_intervention: admin_shutdown, crash_shutdown, cannot_connect_now, query_canceled
		"58": // system_error
		return true
	}
	switch code {
	case "25006", // read_only_sql_transaction
		"40001", // serialization_failure
		"40P01", // deadlock_detected
		"55P03": // lock_not_available
		return true
	}
	return false
}

// unreachable reports whether err is a failure to talk to the server: cannot
// connect, connection lost, or the call's deadline passed.
func unreachable(err error) bool {
	var ce *pgconn.ConnectError
	var ne net.Error
	return errors.As(err, &ce) ||
		errors.As(err, &ne) ||
		pgconn.Timeout(err) ||
		pgconn.SafeToRetry(err) ||
		errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, context.Canceled) ||
		errors.Is(err, io.EOF) ||
		errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, net.ErrClosed) ||
		errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.EPIPE)
}

// serializationFailure reports whether err is PostgreSQL's 40001, which a
// statement gets under REPEATABLE READ or SERIALIZABLE when a row it would
// change was changed by a transaction committed after its snapshot.
func serializationFailure(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "40001"
}
