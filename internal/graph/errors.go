package graph

import (
	"errors"
	"net/http"
	"time"

	"github.com/meetd/meetd"
)

// ContentType is the Content-Type of Graph's successful JSON responses.
const ContentType = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8"

// ErrorContentType is the Content-Type of Graph's error responses.
const ErrorContentType = "application/json"

// statuses is the one table from a domain error code to an HTTP status and a
// Graph error code.
var statuses = map[string]struct {
	status int
	code   string
}{
	meetd.EINVALID:         {http.StatusBadRequest, "BadRequest"},
	meetd.EFILTER:          {http.StatusBadRequest, "InvalidArgument"},
	meetd.EUNAUTHENTICATED: {http.StatusUnauthorized, "InvalidAuthenticationToken"},
	meetd.EACCOUNT:         {http.StatusUnauthorized, "AuthenticationError"},
	meetd.EFORBIDDEN:       {http.StatusForbidden, "Forbidden"},
	meetd.ENOTFOUND:        {http.StatusNotFound, "NotFound"},
	meetd.ECONFLICT:        {http.StatusConflict, "Conflict"},
	meetd.ETOOLARGE:        {http.StatusRequestEntityTooLarge, "RequestEntityTooLarge"},
	meetd.ETHROTTLED:       {http.StatusTooManyRequests, "TooManyRequests"},
	meetd.EUNAVAILABLE:     {http.StatusServiceUnavailable, "ServiceUnavailable"},
	meetd.EDEPENDENCY:      {http.StatusFailedDependency, "FailedDependency"},
	meetd.EINTERNAL:        {http.StatusInternalServerError, "generalException"},
}

// Status returns the HTTP status and Graph error code for err. An error that
// is not a *meetd.Error, or has an unknown code, is a 500 generalException.
// A nil error is 200 with no code.
func Status(err error) (status int, code string) {
	if err == nil {
		return http.StatusOK, ""
	}
	s, ok := statuses[meetd.ErrorCode(err)]
	if !ok {
		s = statuses[meetd.EINTERNAL]
	}
	return s.status, s.code
}

// message returns the caller-safe message for err, never empty: Graph's Go
// SDK panics on an error body without one.
func message(err error, status int) string {
	if status == http.StatusInternalServerError {
		// The generic text: an internal error's own message names what
		// failed inside meetd, which is for the log, not the caller.
		return meetd.ErrorMessage(nil)
	}
	var e *meetd.Error
	if errors.As(err, &e) {
		if _, known := statuses[e.Code]; known && e.Message != "" {
			return e.Message
		}
	}
	if t := http.StatusText(status); t != "" {
		return t + "."
	}
	return "An error has occurred."
}

// AppendError appends Graph's error body for err:
// {"error":{"code","message","innerError":{"date","request-id","client-request-id"}}},
// date in UTC to the second with no zone, as Graph writes it. A 429 carries
// the extra innerError members of Graph's throttling response.
func AppendError(dst []byte, err error, requestID, clientRequestID string, date time.Time) []byte {
	status, code := Status(err)
	dst = append(dst, `{"error":{"code":`...)
	dst = appendString(dst, code)
	dst = append(dst, `,"message":`...)
	dst = appendString(dst, message(err, status))
	dst = append(dst, `,"innerError":{`...)
	if status == http.StatusTooManyRequests {
		dst = append(dst, `"code":"429","message":"Please retry after","status":"429",`...)
	}
	dst = append(dst, `"date":"`...)
	dst = appendErrorDate(dst, date)
	dst = append(dst, `","request-id":`...)
	dst = appendString(dst, requestID)
	dst = append(dst, `,"client-request-id":`...)
	dst = appendString(dst, clientRequestID)
	return append(dst, "}}}"...)
}

// RetryAfter returns the Retry-After seconds for a throttled (429) or
// unavailable (503) error: the error's RetryAfter rounded up, at least 1.
// ok is false for every other error.
func RetryAfter(err error) (seconds int, ok bool) {
	var e *meetd.Error
	if !errors.As(err, &e) || (e.Code != meetd.ETHROTTLED && e.Code != meetd.EUNAVAILABLE) {
		return 0, false
	}
	d := e.RetryAfter
	seconds = int((d + time.Second - 1) / time.Second)
	return max(seconds, 1), true
}
