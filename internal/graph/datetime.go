package graph

import (
	"errors"
	"fmt"
	"time"
)

// ParseDateTime parses a Graph DateTimeOffset: RFC 3339 with an offset of the
// form ±hh:mm or Z and 0 to 12 fractional digits, as Graph's OpenAPI pattern
// allows. Precision beyond 100 ns (7 digits), which Graph does not keep, is
// truncated.
//
// One deliberate leniency: a value with no offset at all is taken as UTC,
// because Graph's documentation calls these times "in UTC" and clients that
// format a naive time should not fail. An offset without a colon (-0400) is
// refused: on Graph it produced an empty UnknownError, here a clear message.
//
// The error says what is wrong with s; callers add the property's name.
func ParseDateTime(s string) (time.Time, error) {
	t, err := parseDateTime(s)
	if err != nil {
		return time.Time{}, fmt.Errorf("'%s' is not a DateTimeOffset such as 2019-07-12T14:30:34.2444915-07:00: %w", clip(s, 64), err)
	}
	return t, nil
}

func parseDateTime(s string) (time.Time, error) {
	// yyyy-MM-ddTHH:mm:ss is 19 bytes.
	if len(s) < 19 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') || s[13] != ':' || s[16] != ':' {
		return time.Time{}, errors.New("expected yyyy-MM-ddTHH:mm:ss followed by an offset")
	}
	year, ok1 := atoi(s[0:4])
	month, ok2 := atoi(s[5:7])
	day, ok3 := atoi(s[8:10])
	hour, ok4 := atoi(s[11:13])
	minute, ok5 := atoi(s[14:16])
	sec, ok6 := atoi(s[17:19])
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) {
		return time.Time{}, errors.New("expected digits in yyyy-MM-ddTHH:mm:ss")
	}
	if year < 1 || month < 1 || month > 12 || day < 1 || time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC).Day() != day ||
		hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, errors.New("a field is out of range")
	}
	rest := s[19:]
	nsec := 0
	if len(rest) > 0 && rest[0] == '.' {
		n := 1
		for n < len(rest) && '0' <= rest[n] && rest[n] <= '9' {
			n++
		}
		digits := n - 1
		if digits == 0 || digits > 12 {
			return time.Time{}, errors.New("expected 1 to 12 fractional digits")
		}
		// Keep 7 digits (100 ns ticks, as .NET does) and drop the rest.
		scale := 100_000_000
		for i := 1; i < n && i <= 7; i++ {
			nsec += int(rest[i]-'0') * scale
			scale /= 10
		}
		rest = rest[n:]
	}
	loc := time.UTC
	switch {
	case rest == "":
		// No offset: UTC (see the doc comment).
	case rest == "Z" || rest == "z":
	case rest[0] == '+' || rest[0] == '-':
		if len(rest) == 5 {
			if _, ok := atoi(rest[1:]); ok {
				return time.Time{}, errors.New("the offset needs a colon, as in -04:00")
			}
		}
		if len(rest) != 6 || rest[3] != ':' {
			return time.Time{}, errors.New("expected an offset such as Z, +02:00 or -07:00")
		}
		oh, okh := atoi(rest[1:3])
		om, okm := atoi(rest[4:6])
		if !okh || !okm || oh > 23 || om > 59 {
			return time.Time{}, errors.New("the offset is out of range")
		}
		off := (oh*60 + om) * 60
		if rest[0] == '-' {
			off = -off
		}
		if off != 0 {
			loc = time.FixedZone("", off)
		}
	default:
		return time.Time{}, errors.New("expected an offset such as Z, +02:00 or -07:00")
	}
	// A time that its offset carries past year 9999 or before year 1 in UTC
	// is refused by the service (meetd.checkTimes), with the default end.
	return time.Date(year, time.Month(month), day, hour, minute, sec, nsec, loc).UTC(), nil
}

// atoi parses a short string of ASCII digits.
func atoi(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, len(s) > 0
}

// AppendDateTime appends t in UTC as Graph writes DateTimeOffset values,
// .NET's yyyy-MM-ddTHH:mm:ss.FFFFFFFZ: up to 7 fractional digits, trailing
// zeros trimmed, no dot when the fraction is zero.
func AppendDateTime(dst []byte, t time.Time) []byte {
	t = t.UTC()
	year, month, day := t.Date()
	hour, minute, sec := t.Clock()
	if year < 0 || year > 9999 {
		// Outside .NET's range; still write something parseable.
		return t.AppendFormat(dst, "2006-01-02T15:04:05.9999999Z")
	}
	dst = append4(dst, year)
	dst = append(dst, '-')
	dst = append2(dst, int(month))
	dst = append(dst, '-')
	dst = append2(dst, day)
	dst = append(dst, 'T')
	dst = append2(dst, hour)
	dst = append(dst, ':')
	dst = append2(dst, minute)
	dst = append(dst, ':')
	dst = append2(dst, sec)
	if ticks := t.Nanosecond() / 100; ticks != 0 {
		var frac [8]byte
		frac[0] = '.'
		for i := 7; i >= 1; i-- {
			frac[i] = byte('0' + ticks%10)
			ticks /= 10
		}
		n := 8
		for frac[n-1] == '0' {
			n--
		}
		dst = append(dst, frac[:n]...)
	}
	return append(dst, 'Z')
}

// dateTime writes t as a quoted DateTimeOffset.
func (r *Renderer) dateTime(dst []byte, t time.Time) []byte {
	dst = append(dst, '"')
	dst = AppendDateTime(dst, t)
	return append(dst, '"')
}

// appendErrorDate appends t in UTC as Graph's innerError.date: seconds, no
// fraction, no zone.
func appendErrorDate(dst []byte, t time.Time) []byte {
	t = t.UTC()
	if y := t.Year(); y < 0 || y > 9999 {
		return t.AppendFormat(dst, "2006-01-02T15:04:05")
	}
	n := len(dst)
	dst = AppendDateTime(dst, t.Truncate(time.Second))
	return dst[:n+19]
}

func append2(dst []byte, n int) []byte {
	return append(dst, byte('0'+n/10), byte('0'+n%10))
}

func append4(dst []byte, n int) []byte {
	return append(dst, byte('0'+n/1000), byte('0'+n/100%10), byte('0'+n/10%10), byte('0'+n%10))
}

// clip shortens s for an error message.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
