package graph

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/meetd/meetd"
)

func TestStatus(t *testing.T) {
	for _, tc := range []struct {
		err    error
		status int
		code   string
		msg    string
	}{
		{meetd.Errorf(meetd.EINVALID, "bad"), 400, "BadRequest", "bad"},
		{meetd.Errorf(meetd.EFILTER, "filter"), 400, "InvalidArgument", "filter"},
		{meetd.Errorf(meetd.EUNAUTHENTICATED, "Access token is empty."), 401, "InvalidAuthenticationToken", "Access token is empty."},
		{meetd.Errorf(meetd.EACCOUNT, "Error authenticating with resource"), 401, "AuthenticationError", "Error authenticating with resource"},
		{meetd.Errorf(meetd.EFORBIDDEN, "No application access policy found for this app."), 403, "Forbidden", "No application access policy found for this app."},
		{meetd.Errorf(meetd.ENOTFOUND, "gone"), 404, "NotFound", "gone"},
		{meetd.Errorf(meetd.ECONFLICT, "taken"), 409, "Conflict", "taken"},
		{meetd.Errorf(meetd.ETOOLARGE, "big"), 413, "RequestEntityTooLarge", "big"},
		{meetd.Errorf(meetd.ETHROTTLED, "Please retry again later."), 429, "TooManyRequests", "Please retry again later."},
		{meetd.Errorf(meetd.EUNAVAILABLE, "down"), 503, "ServiceUnavailable", "down"},
		{meetd.Errorf(meetd.EDEPENDENCY, "first"), 424, "FailedDependency", "first"},
		{meetd.Errorf(meetd.EINTERNAL, "could not draw unique meeting ids"), 500, "generalException", "An internal server error occurred."}, // EINTERNAL's text is for the log
		{&meetd.Error{Code: meetd.EINTERNAL, Message: "create meeting failed.", Err: fmt.Errorf("record: year 10000")}, 500, "generalException", "An internal server error occurred."},
		{fmt.Errorf("store: %w", meetd.Errorf(meetd.ENOTFOUND, "wrapped")), 404, "NotFound", "wrapped"},
		{fmt.Errorf("sqlite: disk I/O error at /var/lib/meetd"), 500, "generalException", "An internal server error occurred."},
		{context.Canceled, 500, "generalException", "An internal server error occurred."},
		{&meetd.Error{Code: "made-up", Message: "secret detail"}, 500, "generalException", "An internal server error occurred."},
		{&meetd.Error{Code: meetd.EFORBIDDEN}, 403, "Forbidden", "Forbidden."}, // never an empty message
		{&meetd.Error{Code: meetd.EINTERNAL}, 500, "generalException", "An internal server error occurred."},
	} {
		status, code := Status(tc.err)
		if status != tc.status || code != tc.code {
			t.Errorf("Status(%v): got %d %s, want %d %s", tc.err, status, code, tc.status, tc.code)
		}
		var body struct {
			Error struct {
				Code, Message string
				InnerError    map[string]string
			}
		}
		b := AppendError(nil, tc.err, "r", "c", time.Unix(0, 0))
		if err := json.Unmarshal(b, &body); err != nil {
			t.Fatalf("AppendError(%v): got invalid JSON %s", tc.err, b)
		}
		if body.Error.Code != tc.code || body.Error.Message != tc.msg {
			t.Errorf("AppendError(%v): got %s %q, want %s %q", tc.err, body.Error.Code, body.Error.Message, tc.code, tc.msg)
		}
	}
	if status, code := Status(nil); status != 200 || code != "" {
		t.Errorf("Status(nil): got %d %q, want 200 \"\"", status, code)
	}
}

func TestAppendErrorGolden(t *testing.T) {
	date := time.Date(2021, 2, 18, 18, 36, 54, 123456789, time.UTC)
	golden(t, "error-forbidden.json", AppendError(nil,
		meetd.Errorf(meetd.EFORBIDDEN, "No application access policy found for this app."),
		"ad8c17bd-1f43-4a1c-a6a1-0c2a5f7b1c11", "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", date))
	golden(t, "error-throttled.json", AppendError(nil,
		&meetd.Error{Code: meetd.ETHROTTLED, Message: "Please retry again later.", RetryAfter: 10 * time.Second},
		"94fb3b52-452a-4535-a601-69e0a90e3aa2", "94fb3b52-452a-4535-a601-69e0a90e3aa2", date))
	golden(t, "error-internal.json", AppendError(nil, fmt.Errorf("pq: password authentication failed"),
		"r-1", "<c\"2>", date.In(time.FixedZone("", 3600))))
}

func TestRetryAfter(t *testing.T) {
	for _, tc := range []struct {
		err     error
		seconds int
		ok      bool
	}{
		{&meetd.Error{Code: meetd.ETHROTTLED, RetryAfter: 10 * time.Second}, 10, true},
		{&meetd.Error{Code: meetd.ETHROTTLED, RetryAfter: 2128 * time.Millisecond}, 3, true},
		{&meetd.Error{Code: meetd.ETHROTTLED}, 1, true},
		{&meetd.Error{Code: meetd.EUNAVAILABLE, RetryAfter: time.Millisecond}, 1, true},
		{fmt.Errorf("x: %w", &meetd.Error{Code: meetd.EUNAVAILABLE, RetryAfter: 30 * 24 * time.Hour}), 30 * 24 * 3600, true},
		{&meetd.Error{Code: meetd.EINVALID, RetryAfter: time.Second}, 0, false},
		{fmt.Errorf("plain"), 0, false},
		{nil, 0, false},
	} {
		s, ok := RetryAfter(tc.err)
		if s != tc.seconds || ok != tc.ok {
			t.Errorf("RetryAfter(%v): got %d %v, want %d %v", tc.err, s, ok, tc.seconds, tc.ok)
		}
	}
}
