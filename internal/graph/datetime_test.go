package graph

import (
	"strings"
	"testing"
	"time"
)

func TestParseDateTime(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string // AppendDateTime of the result
	}{
		{"2019-07-12T14:30:34.2444915-07:00", "2019-07-12T21:30:34.2444915Z"}, // checklist 11
		{"2020-02-06T01:49:21.3524945+00:00", "2020-02-06T01:49:21.3524945Z"},
		{"2020-09-09T14:33:30.8546353-07:00", "2020-09-09T21:33:30.8546353Z"},
		{"2019-07-11T02:47:17.651138Z", "2019-07-11T02:47:17.651138Z"},
		{"2018-05-30T01:00:00Z", "2018-05-30T01:00:00Z"},
		{"2018-05-30T01:00:00.0000000Z", "2018-05-30T01:00:00Z"},
		{"2018-05-30T01:00:00.1z", "2018-05-30T01:00:00.1Z"},
		{"2018-05-30t01:00:00+05:30", "2018-05-29T19:30:00Z"},
		{"2018-05-30T01:00:00.123456789012Z", "2018-05-30T01:00:00.1234567Z"}, // 12 digits, truncated to 100 ns
		{"2018-05-30T01:00:00.99999999Z", "2018-05-30T01:00:00.9999999Z"},     // truncated, not rounded
		{"2018-05-30T01:00:00", "2018-05-30T01:00:00Z"},                       // no offset: UTC (lenient)
		{"2018-05-30T01:00:00.5", "2018-05-30T01:00:00.5Z"},
		{"2024-02-29T23:59:59-00:00", "2024-02-29T23:59:59Z"},
		{"0001-01-01T00:00:00Z", "0001-01-01T00:00:00Z"},
		{"9999-12-31T23:59:59.9999999Z", "9999-12-31T23:59:59.9999999Z"},
		{"2020-01-01T00:30:00+14:00", "2019-12-31T10:30:00Z"},
		{"0001-01-01T00:59:59-00:59", "0001-01-01T01:58:59Z"},
		{"9999-12-31T23:59:59+00:01", "9999-12-31T23:58:59Z"},
	} {
		got, err := ParseDateTime(tc.in)
		if err != nil {
			t.Errorf("ParseDateTime(%q): %v", tc.in, err)
			continue
		}
		if got.Location() != time.UTC {
			t.Errorf("ParseDateTime(%q): got location %v, want UTC", tc.in, got.Location())
		}
		// Graph keeps 100 ns ticks: a finer fraction is dropped on parsing,
		// not only when written out, so a stored time never holds it.
		if ns := got.Nanosecond(); ns%100 != 0 {
			t.Errorf("ParseDateTime(%q): got %d ns, want a whole number of 100 ns ticks", tc.in, ns)
		}
		if s := string(AppendDateTime(nil, got)); s != tc.want {
			t.Errorf("ParseDateTime(%q) formatted: got %s, want %s", tc.in, s, tc.want)
		}
	}
}

func TestParseDateTimeRejects(t *testing.T) {
	for _, tc := range []struct {
		in, why string
	}{
		{"2019-07-12T14:30:34-0700", "needs a colon"},
		{"2019-07-12T14:30:34.1-0400", "needs a colon"},
		{"", "expected yyyy-MM-dd"},
		{"2019-07-12", "expected yyyy-MM-dd"},
		{"2019-07-12 14:30:34Z", "expected yyyy-MM-dd"},
		{"2019-07-12T14:30Z", "expected yyyy-MM-dd"},
		{"2019-07-12T14:30:3", "expected yyyy-MM-dd"}, // one byte short of the seconds
		{"2019-7-12T14:30:34Z", "expected yyyy-MM-dd"},
		{"2019-07-12T14:30:34.Z", "fractional digits"},
		{"2019-07-12T14:30:34.1234567890123Z", "fractional digits"},
		{"2019-13-12T14:30:34Z", "out of range"},
		{"2019-02-29T14:30:34Z", "out of range"},
		{"2019-07-12T24:00:00Z", "out of range"},
		{"2019-07-12T14:60:00Z", "out of range"},
		{"2019-07-12T14:30:60Z", "out of range"},
		{"0000-01-01T00:00:00Z", "out of range"},
		{"2019-07-12T14:30:34+24:00", "offset is out of range"},
		{"2019-07-12T14:30:34+05:60", "offset is out of range"},
		{"2019-07-12T14:30:34+07", "expected an offset"},
		{"2019-07-12T14:30:34 +07:00", "expected an offset"},
		{"2019-07-12T14:30:34ZZ", "expected an offset"},
		{"2019-07-12T14:30:34UTC", "expected an offset"},
		{"+019-07-12T14:30:34Z", "expected digits"},
		{"2019-07-12T14:30:34\u00a0Z", "expected an offset"},
	} {
		_, err := ParseDateTime(tc.in)
		if err == nil {
			t.Errorf("ParseDateTime(%q): got no error, want one saying %q", tc.in, tc.why)
			continue
		}
		if !strings.Contains(err.Error(), tc.why) {
			t.Errorf("ParseDateTime(%q): got %q, want it to say %q", tc.in, err, tc.why)
		}
	}
}

func TestAppendDateTime(t *testing.T) {
	for _, tc := range []struct {
		in   time.Time
		want string
	}{
		{time.Date(2019, 7, 12, 21, 30, 34, 244491500, time.UTC), "2019-07-12T21:30:34.2444915Z"},
		{time.Date(2019, 7, 11, 2, 47, 17, 651138000, time.UTC), "2019-07-11T02:47:17.651138Z"},
		{time.Date(2018, 5, 30, 1, 0, 0, 0, time.UTC), "2018-05-30T01:00:00Z"},
		{time.Date(2018, 5, 30, 1, 0, 0, 99, time.UTC), "2018-05-30T01:00:00Z"}, // below 100 ns
		{time.Date(2018, 5, 30, 1, 0, 0, 100, time.UTC), "2018-05-30T01:00:00.0000001Z"},
		{time.Date(2020, 1, 1, 0, 0, 0, 0, time.FixedZone("", -7*3600)), "2020-01-01T07:00:00Z"},
		{time.Time{}, "0001-01-01T00:00:00Z"},
		{time.Date(9999, 12, 31, 23, 59, 59, 999999900, time.UTC), "9999-12-31T23:59:59.9999999Z"},
		// Past .NET's range still writes a parseable year, not digits
		// past '9'.
		{time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), "10000-01-01T00:00:00Z"},
	} {
		if got := string(AppendDateTime([]byte{}, tc.in)); got != tc.want {
			t.Errorf("AppendDateTime(%v): got %s, want %s", tc.in, got, tc.want)
		}
	}
}

func TestAppendErrorDate(t *testing.T) {
	for _, tc := range []struct {
		in   time.Time
		want string
	}{
		{time.Date(2021, 2, 18, 10, 36, 54, 999999999, time.FixedZone("", -8*3600)), "2021-02-18T18:36:54"},
		// A clock past year 9999 still gets its whole date, not a cut one.
		{time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), "10000-01-01T00:00:00"},
	} {
		if got := string(appendErrorDate(nil, tc.in)); got != tc.want {
			t.Errorf("appendErrorDate(%v): got %s, want %s", tc.in, got, tc.want)
		}
	}
}
