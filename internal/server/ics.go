package server

import (
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/internal/graph"
)

// writeICS answers with the meeting as an iCalendar object (RFC 5545), for
// "Add to calendar".
//
// The object has no METHOD: it is a copy of the event for the reader's own
// calendar, not an iTIP message (RFC 5546 forbids ATTENDEE in a PUBLISH, and
// a REQUEST would claim to come from the organizer). Without METHOD, DTSTAMP
// is when the event last changed, so the same meeting always gives the same
// bytes, and SEQUENCE grows with every update so a re-import replaces the
// old copy.
func (s *Server) writeICS(w http.ResponseWriter, m *meetd.Meeting) {
	join := graph.JoinWebURL(s.cfg.BaseURL, m)
	const stamp = "20060102T150405Z"
	var b strings.Builder
	line := func(name, value string) { foldLine(&b, name+":"+value) }
	line("BEGIN", "VCALENDAR")
	line("VERSION", "2.0")
	line("PRODID", "-//meetd//join page//EN")
	line("CALSCALE", "GREGORIAN")
	line("BEGIN", "VEVENT")
	line("UID", icsText(m.ThreadID))
	line("DTSTAMP", m.Modified.UTC().Format(stamp))
	line("CREATED", m.Created.UTC().Format(stamp))
	line("LAST-MODIFIED", m.Modified.UTC().Format(stamp))
	line("SEQUENCE", strconv.FormatInt(max(m.Version-1, 0), 10))
	line("DTSTART", m.Start.UTC().Format(stamp))
	if start, end := m.Start.Truncate(time.Second), m.End.Truncate(time.Second); end.After(start) {
		// RFC 5545 wants DTEND later than DTSTART; without it an event
		// with a time ends when it starts (§3.6.1), as one with start ==
		// end does.
		line("DTEND", m.End.UTC().Format(stamp))
	}
	line("SUMMARY", icsText(subjectOf(m)))
	line("DESCRIPTION", icsText(s.icsDescription(m, join)))
	line("LOCATION", icsText(join))
	line("URL", join)
	line("STATUS", "CONFIRMED")
	line("TRANSP", "OPAQUE")
	// ATTENDEE lines need an ORGANIZER (RFC 5545 §3.8.4.3): a meeting made
	// with an application token has no organizer's address, so then the
	// invitees are in the description's page only.
	if p := m.Organizer; p.UPN != "" {
		foldLine(&b, "ORGANIZER"+icsCN(p)+":"+mailto(p.UPN))
		for _, a := range m.Attendees {
			if a.UPN != "" && !anonymized(m, a) {
				foldLine(&b, "ATTENDEE"+icsCN(a)+";ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION:"+mailto(a.UPN))
			}
		}
	}
	line("END", "VEVENT")
	line("END", "VCALENDAR")
	h := w.Header()
	h.Set("Content-Type", "text/calendar; charset=utf-8")
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": icsFileName(m)}))
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	_, _ = io.WriteString(w, b.String()) // no second copy of a large calendar
}

// icsDescription is the event's notes: how to join, as the page says it.
func (s *Server) icsDescription(m *meetd.Meeting, join string) string {
	var b strings.Builder
	b.WriteString("Meeting details: " + join + "\n")
	a := s.cfg.Audio
	if a.TollNumber != "" {
		b.WriteString("\nCall in: " + a.TollNumber)
	}
	if a.TollFreeNumber != "" {
		b.WriteString("\nToll-free: " + a.TollFreeNumber)
	}
	if (a.TollNumber != "" || a.TollFreeNumber != "") && m.ConferenceID != "" {
		b.WriteString("\nConference ID: " + m.ConferenceID + "#")
	}
	if a.DialinURL != "" {
		b.WriteString("\nLocal numbers: " + a.DialinURL)
	}
	if m.JoinMeetingID != "" {
		b.WriteString("\nMeeting ID: " + m.JoinMeetingID)
	}
	if m.PasscodeRequired && m.Passcode != "" {
		b.WriteString("\nPasscode: " + m.Passcode)
	}
	return b.String()
}

// icsFileName names the download after the subject, keeping whole words
// of letters, digits and a few safe marks, so saved meetings stay apart.
func icsFileName(m *meetd.Meeting) string {
	const limit = 80 // octets, far below any file system's limit
	words := strings.FieldsFunc(subjectOf(m), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !strings.ContainsRune("-_()", r)
	})
	name := ""
	for _, w := range words {
		if name != "" {
			w = name + " " + w
		}
		if len(w) > limit {
			break
		}
		name = w
	}
	if name == "" && len(words) > 0 { // one very long word
		for _, r := range words[0] {
			if len(name)+utf8.RuneLen(r) > limit {
				break
			}
			name += string(r)
		}
	}
	if name == "" {
		return "meeting.ics"
	}
	return name + ".ics"
}

// icsCN is the ;CN= parameter with the participant's name, when the meeting
// knows one other than the address itself.
func icsCN(p meetd.Participant) string {
	name := strings.TrimSpace(p.Identity.DisplayName)
	if name == "" || name == p.UPN {
		return ""
	}
	return ";CN=" + icsParam(name)
}

// icsText escapes a TEXT value (RFC 5545 §3.3.11) and drops the control
// characters TEXT may not hold.
func icsText(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\', ';', ',':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '\r':
			if i+1 < len(s) && s[i+1] == '\n' {
				i++
			}
			b.WriteString(`\n`)
		case '\n':
			b.WriteString(`\n`)
		case '\t':
			b.WriteByte(' ')
		default:
			if c < 0x20 || c == 0x7f {
				continue
			}
			b.WriteByte(c)
		}
	}
	return b.String()
}

// icsParam quotes a parameter value (RFC 5545 §3.1). A quoted value cannot
// hold DQUOTE or control characters, and has no escapes, so they are dropped.
func icsParam(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"':
		case r < 0x20 || r == 0x7f:
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// mailto is a mailto: URI for an address; bytes outside a conservative set
// are percent-encoded so the value stays one URI.
func mailto(addr string) string {
	const safe = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$'*+=@"
	var b strings.Builder
	b.WriteString("mailto:")
	for i := 0; i < len(addr); i++ {
		if c := addr[i]; strings.IndexByte(safe, c) >= 0 {
			b.WriteByte(c)
		} else {
			b.WriteByte('%')
			b.WriteByte("0123456789ABCDEF"[c>>4])
			b.WriteByte("0123456789ABCDEF"[c&15])
		}
	}
	return b.String()
}

// foldLine writes a content line folded at 75 octets without splitting a
// UTF-8 sequence (RFC 5545 §3.1), ending in CRLF.
func foldLine(b *strings.Builder, s string) {
	const limit = 75
	first := true
	for len(s) > 0 {
		n := limit
		if !first {
			n = limit - 1 // the leading space counts
			b.WriteByte(' ')
		}
		if n > len(s) {
			n = len(s)
		}
		for n < len(s) && n > 0 && s[n]&0xC0 == 0x80 {
			n--
		}
		b.WriteString(s[:n])
		b.WriteString("\r\n")
		s = s[n:]
		first = false
	}
}
