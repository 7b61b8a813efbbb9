package server

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/internal/graph"
)

// writeICS answers with the meeting as an iCalendar (RFC 5545) event, for
// "Add to calendar".
func (s *Server) writeICS(w http.ResponseWriter, m *meetd.Meeting) {
	join := graph.JoinWebURL(s.cfg.BaseURL, m)
	subject := m.Subject
	if subject == "" {
		subject = "Online meeting"
	}
	const stamp = "20060102T150405Z"
	var b strings.Builder
	line := func(name, value string) { foldLine(&b, name+":"+value) }
	line("BEGIN", "VCALENDAR")
	line("VERSION", "2.0")
	line("PRODID", "-//meetd//online meetings//EN")
	line("METHOD", "PUBLISH")
	line("BEGIN", "VEVENT")
	line("UID", icsText(m.ThreadID))
	line("DTSTAMP", m.Modified.UTC().Format(stamp))
	line("DTSTART", m.Start.UTC().Format(stamp))
	line("DTEND", m.End.UTC().Format(stamp))
	line("SUMMARY", icsText(subject))
	desc := "Join the meeting: " + join
	if m.ConferenceID != "" && s.cfg.Audio.TollNumber != "" {
		desc += "\nDial in: " + s.cfg.Audio.TollNumber + " Conference ID: " + m.ConferenceID + "#"
	}
	line("DESCRIPTION", icsText(desc))
	line("URL", join)
	line("LOCATION", icsText("Online meeting"))
	if p := m.Organizer; p.UPN != "" {
		line("ORGANIZER", "mailto:"+p.UPN)
	}
	for _, a := range m.Attendees {
		if a.UPN != "" {
			foldLine(&b, "ATTENDEE;CN="+icsParam(participantName(a))+";ROLE=REQ-PARTICIPANT:mailto:"+a.UPN)
		}
	}
	line("SEQUENCE", strconv.FormatInt(m.Version-1, 10))
	line("END", "VEVENT")
	line("END", "VCALENDAR")
	h := w.Header()
	h.Set("Content-Type", "text/calendar; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="meeting.ics"`)
	_, _ = w.Write([]byte(b.String()))
}

// icsText escapes a TEXT value (RFC 5545 §3.3.11).
func icsText(s string) string {
	return strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\r\n", `\n`, "\n", `\n`, "\r", `\n`).Replace(s)
}

// icsParam quotes a parameter value; quotes cannot be escaped in it, so
// they are dropped.
func icsParam(s string) string {
	return `"` + strings.NewReplacer(`"`, "", "\r", " ", "\n", " ").Replace(s) + `"`
}

// foldLine writes a content line folded at 75 octets without splitting a
// UTF-8 sequence, ending in CRLF.
func foldLine(b *strings.Builder, s string) {
	const limit = 75
	first := true
	for len(s) > 0 {
		n := limit
		if !first {
			n = limit - 1 // the leading space counts
			b.WriteString(" ")
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

func itoa(n int) string { return strconv.Itoa(n) }
