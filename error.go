package meetd

import (
	"errors"
	"fmt"
	"time"
)

// Error codes the service speaks in. internal/graph maps each to an HTTP status
// and a Graph error code in one table.
const (
	EINVALID         = "invalid"         // bad input: 400 BadRequest
	EFILTER          = "filter"          // unsupported $filter or list: 400 InvalidArgument
	EUNAUTHENTICATED = "unauthenticated" // missing or bad token: 401 InvalidAuthenticationToken
	EACCOUNT         = "account"         // personal Microsoft account: 401 AuthenticationError
	EFORBIDDEN       = "forbidden"       // no permission or policy: 403 Forbidden
	ENOTFOUND        = "not_found"       // 404 NotFound
	ECONFLICT        = "conflict"        // a unique key is taken: 409 Conflict
	ETOOLARGE        = "too_large"       // request body too large: 413
	ETHROTTLED       = "throttled"       // 429 TooManyRequests
	EUNAVAILABLE     = "unavailable"     // the store is down: 503 ServiceUnavailable
	EDEPENDENCY      = "dependency"      // a batched request whose dependsOn failed: 424 FailedDependency
	EINTERNAL        = "internal"        // anything else: 500, message never shown
)

// Error is a domain error: a code, a message safe to show the caller (but
// for EINTERNAL, whose message is only logged), and an optional cause that
// is logged but never shown.
type Error struct {
	Code    string
	Message string
	Err     error
	// RetryAfter, for ETHROTTLED and EUNAVAILABLE, is when to try again.
	RetryAfter time.Duration
}

// Error returns the code, the message and the cause, for logs; callers see
// only ErrorMessage's text.
func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("meetd %s: %s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("meetd %s: %s", e.Code, e.Message)
}

// Unwrap returns the cause, so that errors.Is and errors.As see it.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for
// any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	if e, ok := err.(*Error); ok && e != nil {
		return e.Code // the common case, without errors.As's reflection
	}
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Code
	default:
		return EINTERNAL
	}
}

// ErrorMessage returns the caller-safe message of err: the *Error's message, or
// a generic text for anything else so that driver messages never leak.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "An internal server error occurred."
}
