package server_test

import (
	"bytes"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// icsProp is one unfolded content line of an iCalendar object.
type icsProp struct {
	name   string
	params map[string]string
	value  string
}

// parseICS checks the RFC 5545 framing of an iCalendar object with one
// event (CRLF line ends, lines of at most 75 octets folded with one space,
// no UTF-8 sequence split, BEGIN/END nesting) and returns the event's
// properties by name.
func parseICS(t testing.TB, data []byte) map[string][]icsProp {
	t.Helper()
	if !bytes.HasSuffix(data, []byte("\r\n")) {
		t.Fatalf("ics does not end in CRLF")
	}
	physical := strings.Split(strings.TrimSuffix(string(data), "\r\n"), "\r\n")
	var lines []string
	for i, l := range physical {
		if strings.ContainsAny(l, "\r\n") {
			t.Errorf("ics line %d has a bare CR or LF: %q", i+1, l)
		}
		if len(l) > 75 {
			t.Errorf("ics line %d: got %d octets, want at most 75: %q", i+1, len(l), l)
		}
		if !utf8.ValidString(l) {
			t.Errorf("ics line %d splits a UTF-8 sequence: %q", i+1, l)
		}
		if strings.HasPrefix(l, " ") || strings.HasPrefix(l, "\t") {
			if len(lines) == 0 {
				t.Fatalf("ics starts with a continuation line")
			}
			lines[len(lines)-1] += l[1:]
			continue
		}
		lines = append(lines, l)
	}
	props := map[string][]icsProp{}
	var stack []string
	events := 0
	for _, l := range lines {
		p := parseProp(t, l)
		switch p.name {
		case "BEGIN":
			stack = append(stack, p.value)
			if p.value == "VEVENT" {
				events++
			}
			continue
		case "END":
			if len(stack) == 0 || stack[len(stack)-1] != p.value {
				t.Fatalf("ics: END:%s does not close %v", p.value, stack)
			}
			stack = stack[:len(stack)-1]
			continue
		}
		if len(stack) == 2 && stack[1] == "VEVENT" {
			props[p.name] = append(props[p.name], p)
		} else if len(stack) == 1 {
			props["VCALENDAR."+p.name] = append(props["VCALENDAR."+p.name], p)
		}
	}
	if lines[0] != "BEGIN:VCALENDAR" || lines[len(lines)-1] != "END:VCALENDAR" || len(stack) != 0 || events != 1 {
		t.Fatalf("ics: want one VEVENT inside one VCALENDAR, got:\n%s", data)
	}
	return props
}

// parseProp splits name;param=value;param="quoted":value.
func parseProp(t testing.TB, l string) icsProp {
	t.Helper()
	p := icsProp{params: map[string]string{}}
	i := strings.IndexAny(l, ";:")
	if i <= 0 {
		t.Fatalf("ics line without a name: %q", l)
	}
	p.name = l[:i]
	for l[i] == ';' {
		l = l[i+1:]
		eq := strings.IndexByte(l, '=')
		if eq <= 0 {
			t.Fatalf("ics parameter without a value: %q", l)
		}
		k, rest := l[:eq], l[eq+1:]
		var v string
		if strings.HasPrefix(rest, `"`) {
			end := strings.IndexByte(rest[1:], '"')
			if end < 0 {
				t.Fatalf("ics: unterminated quoted parameter: %q", l)
			}
			v, rest = rest[1:end+1], rest[end+2:]
		} else {
			end := strings.IndexAny(rest, ";:")
			if end < 0 {
				t.Fatalf("ics: parameter runs to the end of the line: %q", l)
			}
			v, rest = rest[:end], rest[end:]
		}
		p.params[k] = v
		l, i = rest, 0
	}
	p.value = l[i+1:]
	return p
}

// icsUnescape reads a TEXT value; it fails on a backslash RFC 5545 does not
// define and on an unescaped comma or semicolon.
func icsUnescape(t testing.TB, v string) string {
	t.Helper()
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c == '\\' && i+1 < len(v):
			i++
			switch v[i] {
			case 'n', 'N':
				b.WriteByte('\n')
			case '\\', ';', ',':
				b.WriteByte(v[i])
			default:
				t.Errorf("ics TEXT has an unknown escape \\%c in %q", v[i], v)
			}
		case c == ',' || c == ';':
			t.Errorf("ics TEXT has an unescaped %c in %q", c, v)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// one returns the only property of the name.
func one(t testing.TB, props map[string][]icsProp, name string) icsProp {
	t.Helper()
	if len(props[name]) != 1 {
		t.Fatalf("ics: got %d %s, want 1", len(props[name]), name)
	}
	return props[name][0]
}

// checkMeetingICS checks an .ics for a meeting made by joinMeeting with the
// subject and times, and returns its properties.
func checkMeetingICS(t testing.TB, data []byte, m *response, subject string, start, end time.Time) map[string][]icsProp {
	t.Helper()
	props := parseICS(t, data)
	const stamp = "20060102T150405Z"
	for name, want := range map[string]string{
		"VCALENDAR.VERSION": "2.0",
		"UID":               m.str("chatInfo.threadId"),
		"DTSTART":           start.UTC().Format(stamp),
		"DTEND":             end.UTC().Format(stamp),
		"URL":               m.str("joinWebUrl"),
		"ORGANIZER":         "mailto:alice@contoso.com",
	} {
		if got := one(t, props, name).value; got != want {
			t.Errorf("ics %s: got %q, want %q", name, got, want)
		}
	}
	if got := icsUnescape(t, one(t, props, "SUMMARY").value); got != subject {
		t.Errorf("ics SUMMARY: got %q, want %q", got, subject)
	}
	if got := icsUnescape(t, one(t, props, "LOCATION").value); got != m.str("joinWebUrl") {
		t.Errorf("ics LOCATION: got %q, want the join URL", got)
	}
	if got := one(t, props, "DTSTAMP").value; !regexp.MustCompile(`^\d{8}T\d{6}Z$`).MatchString(got) {
		t.Errorf("ics DTSTAMP: got %q, want a UTC date-time", got)
	}
	if one(t, props, "VCALENDAR.PRODID").value == "" {
		t.Errorf("ics has an empty PRODID")
	}
	if len(props["VCALENDAR.METHOD"]) != 0 {
		t.Errorf("ics has a METHOD: an iTIP PUBLISH may not list attendees")
	}
	desc := icsUnescape(t, one(t, props, "DESCRIPTION").value)
	for _, want := range []string{m.str("joinWebUrl"), "Call in: +1 425-555-0100", "Toll-free: +1 800-555-0199", "Meeting ID: " + m.str("joinMeetingIdSettings.joinMeetingId")} {
		if !strings.Contains(desc, want) {
			t.Errorf("ics DESCRIPTION lacks %q:\n%s", want, desc)
		}
	}
	if !regexp.MustCompile(`\nConference ID: \d{9}#`).MatchString(desc) {
		t.Errorf("ics DESCRIPTION lacks the conference id:\n%s", desc)
	}
	// Attendees with an address; the one known by id only has none to give.
	want := map[string]string{"mailto:bob@contoso.com": "Bob Ngata", "mailto:carol@contoso.com": "Carol CJ Jones", "mailto:dave@fabrikam.com": ""}
	if len(props["ATTENDEE"]) != len(want) {
		t.Errorf("ics ATTENDEE: got %d, want %d", len(props["ATTENDEE"]), len(want))
	}
	for _, a := range props["ATTENDEE"] {
		cn, ok := want[a.value]
		if !ok || a.params["CN"] != cn || a.params["ROLE"] != "REQ-PARTICIPANT" {
			t.Errorf("ics ATTENDEE %s with %v: want one of %v, with CN and ROLE=REQ-PARTICIPANT", a.value, a.params, want)
		}
	}
	return props
}

// The .ics is valid RFC 5545, stable, escaped and folded, and follows
// updates.
func TestJoinICS(t *testing.T) {
	e := newEnv(t, envOptions{audio: joinAudio})
	start := time.Date(2031, 3, 14, 9, 30, 0, 0, time.UTC)
	end := start.Add(45 * time.Minute)
	subject := `Überprüfung; Budget, Roadmap \ Zeitplan — 会議の準備 📅 with a subject long enough to be folded twice over`
	m := e.joinMeeting(subject, start, end)
	path := strings.SplitN(strings.TrimPrefix(m.str("joinWebUrl"), e.url), "?", 2)[0] + "/meeting.ics"
	r := e.do("GET", path, "", "").want(t, http.StatusOK)
	if got := r.header.Get("Content-Type"); got != "text/calendar; charset=utf-8" {
		t.Errorf("Content-Type: got %q, want text/calendar; charset=utf-8", got)
	}
	if got := r.header.Get("Content-Disposition"); !strings.HasPrefix(got, "attachment; filename*=utf-8''%C3%9Cberpr%C3%BCfung%20Budget%20Roadmap") {
		t.Errorf("Content-Disposition: got %q, want an attachment named after the subject", got)
	}
	if got := one(t, checkMeetingICS(t, r.body, m, subject, start, end), "SEQUENCE").value; got != "0" {
		t.Errorf("SEQUENCE of a new meeting: got %s, want 0", got)
	}
	if !bytes.Contains(r.body, []byte("\r\n ")) {
		t.Errorf("a long SUMMARY was not folded")
	}
	if again := e.do("GET", path, "", "").want(t, http.StatusOK); !bytes.Equal(again.body, r.body) {
		t.Errorf("two downloads of an unchanged meeting differ")
	}

	// An update raises SEQUENCE, so a calendar replaces its copy.
	e.do("PATCH", "/v1.0/me/onlineMeetings/"+m.str("id"), e.organizer(), `{"subject":"Moved"}`).want(t, http.StatusOK)
	props := parseICS(t, e.do("GET", path, "", "").want(t, http.StatusOK).body)
	if got := one(t, props, "SEQUENCE").value; got != "1" {
		t.Errorf("SEQUENCE after an update: got %s, want 1", got)
	}
	if got := one(t, props, "SUMMARY").value; got != "Moved" {
		t.Errorf("SUMMARY after an update: got %q, want Moved", got)
	}

	// A required passcode is in the notes.
	e.requirePasscode(m)
	props = parseICS(t, e.do("GET", path, "", "").want(t, http.StatusOK).body)
	if desc := icsUnescape(t, one(t, props, "DESCRIPTION").value); !regexp.MustCompile(`\nPasscode: \S+`).MatchString(desc) {
		t.Errorf("DESCRIPTION of a meeting with a passcode lacks it:\n%s", desc)
	}
}

// A meeting that ends when it starts has no DTEND (RFC 5545 wants it later
// than DTSTART), and one made with an application token, which has no
// organizer's address, lists no ATTENDEE (they need an ORGANIZER).
func TestJoinICSEdges(t *testing.T) {
	e := newEnv(t)
	at := "2031-03-14T09:30:00"
	m := e.do("POST", "/v1.0/me/onlineMeetings", e.organizer(),
		`{"startDateTime":"`+at+`Z","endDateTime":"`+at+`.9Z","participants":{"attendees":`+joinAttendees+`}}`).want(t, http.StatusCreated)
	props := parseICS(t, e.do("GET", icsOf(e, m), "", "").want(t, http.StatusOK).body)
	if len(props["DTEND"]) != 0 || one(t, props, "DTSTART").value != "20310314T093000Z" {
		t.Errorf("start == end to the second: DTSTART %v, DTEND %v; want DTSTART alone", props["DTSTART"], props["DTEND"])
	}
	if len(props["ORGANIZER"]) != 1 || len(props["ATTENDEE"]) == 0 {
		t.Errorf("a delegated create: ORGANIZER %v, ATTENDEE %v; want both", props["ORGANIZER"], props["ATTENDEE"])
	}

	e.grant(tenantA, "join", alice, appX)
	m = e.do("POST", "/v1.0/users/"+alice+"/onlineMeetings", e.app(tenantA, appX),
		`{"startDateTime":"`+at+`Z","endDateTime":"2031-03-14T10:30:00Z","participants":{"attendees":`+joinAttendees+`}}`).want(t, http.StatusCreated)
	props = parseICS(t, e.do("GET", icsOf(e, m), "", "").want(t, http.StatusOK).body)
	if len(props["ORGANIZER"]) != 0 || len(props["ATTENDEE"]) != 0 {
		t.Errorf("an application's create: ORGANIZER %v, ATTENDEE %v; want neither", props["ORGANIZER"], props["ATTENDEE"])
	}
	if len(props["DTEND"]) != 1 {
		t.Errorf("a one-hour meeting: DTEND %v, want one", props["DTEND"])
	}
}

func icsOf(e *env, m *response) string {
	return strings.SplitN(strings.TrimPrefix(m.str("joinWebUrl"), e.url), "?", 2)[0] + "/meeting.ics"
}
