package meetd_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/meetd/meetd"
)

// Every layer reads a domain error's code through ErrorCode: anything that
// is not a domain error, a driver's error say, is EINTERNAL (a 500, and the
// whole text for the CLI's operator), and its text never reaches a caller.
func TestErrorCode(t *testing.T) {
	driver := errors.New("disk I/O error: /var/lib/meetd/meetd.db")
	for _, c := range []struct {
		name          string
		err           error
		code, message string
	}{
		{"nil", nil, "", "An internal server error occurred."},
		{"domain error", meetd.Errorf(meetd.ENOTFOUND, "gone"), meetd.ENOTFOUND, "gone"},
		{"wrapped domain error", fmt.Errorf("store: %w", meetd.Errorf(meetd.ECONFLICT, "taken")), meetd.ECONFLICT, "taken"},
		{"other error", driver, meetd.EINTERNAL, "An internal server error occurred."},
	} {
		if got := meetd.ErrorCode(c.err); got != c.code {
			t.Errorf("%s: ErrorCode got %q, want %q", c.name, got, c.code)
		}
		if got := meetd.ErrorMessage(c.err); got != c.message {
			t.Errorf("%s: ErrorMessage got %q, want %q", c.name, got, c.message)
		}
	}
}
