package record

import "time"

// str reads a string or null (which leaves *s as it is).
func (d *decoder) str(s *string) error {
	switch d.peek() {
	case '"':
		raw, plain, err := d.stringBytes()
		if err != nil {
			return err
		}
		if plain {
			*s = intern(raw)
		} else {
			*s = string(unquote(raw, nil))
		}
		return nil
	case 'n':
		return d.literal("null")
	}
	return d.fail("expected a string")
}

// intern returns the values that fill most meetings' enumerations and
// kinds without allocating a string for each.
func intern(b []byte) string {
	switch string(b) {
	case "":
		return ""
	case "user":
		return "user"
	case "guest":
		return "guest"
	case "phone":
		return "phone"
	case "application":
		return "application"
	case "attendee":
		return "attendee"
	case "presenter":
		return "presenter"
	case "producer":
		return "producer"
	case "coorganizer":
		return "coorganizer"
	case "everyone":
		return "everyone"
	case "organization":
		return "organization"
	case "roleIsPresenter":
		return "roleIsPresenter"
	case "organizer":
		return "organizer"
	case "organizationAndFederated":
		return "organizationAndFederated"
	case "invited":
		return "invited"
	case "organizationExcludingGuests":
		return "organizationExcludingGuests"
	case "enabled":
		return "enabled"
	case "disabled":
		return "disabled"
	case "limited":
		return "limited"
	case "organizerAndCoOrganizersAndPresenters":
		return "organizerAndCoOrganizersAndPresenters"
	case "organizerAndCoOrganizers":
		return "organizerAndCoOrganizers"
	case "0":
		return "0" // chatInfo's messageId
	}
	return string(b)
}

// boolean reads true, false or null (which leaves *v as it is).
func (d *decoder) boolean(v *bool) error {
	switch d.peek() {
	case 't':
		*v = true
		return d.literal("true")
	case 'f':
		*v = false
		return d.literal("false")
	case 'n':
		return d.literal("null")
	}
	return d.fail("expected true or false")
}

// time reads a time or null (which leaves *t as it is).
func (d *decoder) time(t *time.Time) error {
	switch d.peek() {
	case '"':
		start := d.i
		// Like time.Time's UnmarshalJSON, parse the string's raw
		// contents: a time with an escape in it is no time.
		raw, _, err := d.stringBytes()
		if err != nil {
			return err
		}
		v, ok := parseTime(raw)
		if !ok {
			d.i = start
			return d.fail("invalid RFC 3339 time")
		}
		*t = v
		return nil
	case 'n':
		return d.literal("null")
	}
	return d.fail("expected a time")
}

// parseTime parses an RFC 3339 time as time.Time's UnmarshalJSON does, and
// returns it in UTC. That is time.Parse with the layout time.RFC3339, whose
// stricter checks Go has switched off for now (go.dev/issue/54580): a one-
// or two-digit hour, a fraction of any length after '.' or ',' (digits past
// the ninth ignored), and a zone offset of up to 24:60.
func parseTime(s []byte) (time.Time, bool) {
	ok := true
	// digits consumes n digits as a number from lo to hi.
	digits := func(n, lo, hi int) int {
		if len(s) < n {
			ok = false
			return 0
		}
		v := 0
		for _, c := range s[:n] {
			if !isDigit(c) {
				ok = false
			}
			v = v*10 + int(c-'0')
		}
		if v < lo || v > hi {
			ok = false
		}
		s = s[n:]
		return v
	}
	sep := func(c byte) {
		if len(s) == 0 || s[0] != c {
			ok = false
			return
		}
		s = s[1:]
	}

	year := digits(4, 0, 9999)
	sep('-')
	month := digits(2, 1, 12)
	sep('-')
	day := digits(2, 1, 31)
	sep('T')
	hourDigits := 2
	if len(s) > 1 && !isDigit(s[1]) {
		hourDigits = 1
	}
	hour := digits(hourDigits, 0, 23)
	sep(':')
	minute := digits(2, 0, 59)
	sep(':')
	sec := digits(2, 0, 59)
	if !ok || time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC).Day() != day {
		return time.Time{}, false
	}

	nsec := 0
	if len(s) >= 2 && (s[0] == '.' || s[0] == ',') && isDigit(s[1]) {
		n := 1
		for n < len(s) && isDigit(s[n]) {
			n++
		}
		for i := 1; i < 10; i++ {
			nsec *= 10
			if i < n {
				nsec += int(s[i] - '0')
			}
		}
		s = s[n:]
	}

	offset := 0
	if len(s) == 1 && s[0] == 'Z' {
		s = s[1:]
	} else if len(s) == len("+07:00") && (s[0] == '+' || s[0] == '-') && s[3] == ':' {
		sign := s[0]
		s = s[1:]
		hh := digits(2, 0, 24)
		s = s[1:]
		mm := digits(2, 0, 60)
		offset = (hh*60 + mm) * 60
		if sign == '-' {
			offset = -offset
		}
	} else {
		return time.Time{}, false
	}
	if !ok {
		return time.Time{}, false
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, nsec, time.UTC)
	if offset != 0 {
		t = t.Add(-time.Duration(offset) * time.Second)
	}
	return t, true
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
