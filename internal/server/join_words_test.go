package server

import (
	"strings"
	"testing"
	"time"

	"github.com/meetd/meetd"
)

// joinDurations spells spans at each unit's edges; join.js's span must say
// the same, which the browser test checks against server-rendered pages.
var joinDurations = []struct {
	d    time.Duration
	want string
}{
	{0, "less than a minute"},
	{59 * time.Second, "less than a minute"},
	{time.Minute, "1 minute"},
	{45*time.Minute + 59*time.Second, "45 minutes"},
	{time.Hour, "1 hour"},
	{time.Hour + time.Minute, "1 hour 1 minute"},
	{2*time.Hour + 5*time.Minute, "2 hours 5 minutes"},
	{23*time.Hour + 59*time.Minute, "23 hours 59 minutes"},
	{24 * time.Hour, "1 day"},
	{26*time.Hour + 30*time.Minute, "1 day 2 hours"},
	{3*24*time.Hour + 2*time.Hour + 59*time.Minute, "3 days 2 hours"},
	{6*24*time.Hour + 23*time.Hour, "6 days 23 hours"},
	{7*24*time.Hour + 23*time.Hour, "7 days"},
	{400 * 24 * time.Hour, "400 days"},
}

func TestJoinHumanDuration(t *testing.T) {
	from := time.Date(2030, 1, 15, 10, 0, 0, 500, time.UTC)
	for _, c := range joinDurations {
		if got := humanDuration(from, from.Add(c.d)); got != c.want {
			t.Errorf("humanDuration(%v): got %q, want %q", c.d, got, c.want)
		}
	}
	// Longer than a time.Duration holds (about 292 years): the longest
	// meeting Graph's times allow.
	first, last := time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
	if got := humanDuration(first, last); got != "3652058 days" {
		t.Errorf("year 1 to 9999: got %q, want 3652058 days", got)
	}
}

func TestJoinMeetingState(t *testing.T) {
	start := time.Date(2030, 1, 15, 10, 0, 0, 0, time.UTC)
	end := start.Add(time.Hour)
	for _, c := range []struct {
		now         time.Time
		state, text string
	}{
		{start.Add(-90 * time.Minute), "upcoming", "Starts in 1 hour 30 minutes"},
		{start.Add(-time.Second), "upcoming", "Starts in less than a minute"},
		{start, "live", "In progress"},
		{end.Add(-time.Nanosecond), "live", "In progress"},
		{end, "ended", "Ended"},
	} {
		if s, text := meetingState(c.now, start, end); s != c.state || text != c.text {
			t.Errorf("meetingState at %v: got %s %q, want %s %q", c.now, s, text, c.state, c.text)
		}
	}
}

func TestJoinUTCSpan(t *testing.T) {
	day := time.Date(2030, 1, 15, 10, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		start, end time.Time
		want       string
	}{
		{day, day.Add(time.Hour), "Tue 15 Jan 2030, 10:00–11:00"},
		{day.Add(13 * time.Hour), day.Add(15 * time.Hour), "Tue 15 Jan 2030, 23:00 – Wed 16 Jan 2030, 01:00"},
		{day, day.AddDate(1, 0, 0), "Tue 15 Jan 2030, 10:00 – Wed 15 Jan 2031, 10:00"},
	} {
		from, sep, to := utcSpan(c.start, c.end)
		if got := from + sep + to; got != c.want {
			t.Errorf("utcSpan(%v, %v): got %q, want %q", c.start, c.end, got, c.want)
		}
	}
}

func TestJoinWords(t *testing.T) {
	for _, c := range []struct{ name, got, want string }{
		{"groupDigits 9", groupDigits("123456789"), "123 456 789"},
		{"groupDigits 13", groupDigits("1234567890123"), "123 456 789 012 3"},
		{"groupDigits empty", groupDigits(""), ""},
		{"telURL", string(telURL("+1 (425) 555-0100", "123456789")), "tel:+14255550100,,123456789%23"},
		{"telURL no id", string(telURL("+1 425 555 0100", "")), "tel:+14255550100"},
		{"telURL drops a + inside", string(telURL("00+44 20", "")), "tel:004420"},
		{"telURL no digits", string(telURL("call us", "1")), ""},
		{"telURL script", string(telURL("javascript:alert(1)", "")), "tel:1"},
		{"lobby everyone", lobbyText("everyone"), "Everyone joins directly; there is no lobby."},
		{"lobby unknown", lobbyText("unknownFutureValue"), "Some people may wait in the lobby until admitted."},
		{"role", roleText(meetd.RoleCoorganizer), "co-organizer"},
		{"role attendee", roleText(meetd.RoleAttendee), ""},
		{"name display", participantName(meetd.Participant{Identity: meetd.Identity{DisplayName: "Ana"}, UPN: "a@x"}), "Ana"},
		{"name upn", participantName(meetd.Participant{Identity: meetd.Identity{DisplayName: " "}, UPN: "a@x"}), "a@x"},
		{"name phone", participantName(meetd.Participant{Identity: meetd.Identity{Kind: meetd.IdentityPhone, ID: "+1"}}), "A phone participant"},
		{"icsPath", icsPath("http://h:1/base/l/meetup-join/19%3ameeting_x%40thread.v2/0?context=%7b%7d"), "/base/l/meetup-join/19%3ameeting_x%40thread.v2/0/meeting.ics"},
	} {
		if c.got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, c.got, c.want)
		}
	}
}

func TestJoinICSText(t *testing.T) {
	for _, c := range []struct{ in, text, param string }{
		{"plain", "plain", `"plain"`},
		{`a;b,c\d`, `a\;b\,c\\d`, `"a;b,c\d"`},
		{"one\r\ntwo\nthree\rfour", `one\ntwo\nthree\nfour`, `"one  two three four"`},
		{"tab\tbell\x07del\x7f", "tab bell" + "del", `"tab bell del "`},
		{`say "hi"`, `say "hi"`, `"say hi"`},
		{"café 会議", "café 会議", `"café 会議"`},
	} {
		if got := icsText(c.in); got != c.text {
			t.Errorf("icsText(%q): got %q, want %q", c.in, got, c.text)
		}
		if got := icsParam(c.in); got != c.param {
			t.Errorf("icsParam(%q): got %q, want %q", c.in, got, c.param)
		}
	}
	for in, want := range map[string]string{
		"alice@contoso.com":  "mailto:alice@contoso.com",
		"o'neil+x@a.b":       "mailto:o'neil+x@a.b",
		"a b;c,d:e@x":        "mailto:a%20b%3Bc%2Cd%3Ae@x",
		"ü@x":                "mailto:%C3%BC@x",
		"a\r\nATTENDEE:x@y":  "mailto:a%0D%0AATTENDEE%3Ax@y",
		`"quoted"@x?subj=1`:  "mailto:%22quoted%22@x%3Fsubj=1",
		"percent%@x":         "mailto:percent%25@x",
		"line\nbreak@x.test": "mailto:line%0Abreak@x.test",
	} {
		if got := mailto(in); got != want {
			t.Errorf("mailto(%q): got %q, want %q", in, got, want)
		}
	}
}

func TestJoinFoldLine(t *testing.T) {
	for _, in := range []string{
		"",
		"short",
		strings.Repeat("a", 75),
		strings.Repeat("a", 76),
		strings.Repeat("a", 300),
		strings.Repeat("é", 100),      // 2-octet runes
		strings.Repeat("会", 60),       // 3-octet runes
		strings.Repeat("📅", 40),       // 4-octet runes
		"x" + strings.Repeat("📅", 40), // off by one
	} {
		var b strings.Builder
		foldLine(&b, in)
		out := b.String()
		if in == "" {
			if out != "" {
				t.Errorf("foldLine(\"\"): got %q, want nothing", out)
			}
			continue
		}
		if !strings.HasSuffix(out, "\r\n") {
			t.Errorf("foldLine(%.10q…): does not end in CRLF", in)
		}
		lines := strings.Split(strings.TrimSuffix(out, "\r\n"), "\r\n")
		var joined strings.Builder
		for i, l := range lines {
			if len(l) > 75 {
				t.Errorf("foldLine(%.10q…) line %d: got %d octets, want at most 75", in, i, len(l))
			}
			if i > 0 {
				if !strings.HasPrefix(l, " ") {
					t.Errorf("foldLine(%.10q…) line %d does not start with a space", in, i)
				}
				l = l[1:]
			}
			if !utf8Valid(l) {
				t.Errorf("foldLine(%.10q…) line %d splits a rune", in, i)
			}
			joined.WriteString(l)
		}
		if joined.String() != in {
			t.Errorf("foldLine(%.10q…): unfolding gives %q", in, joined.String())
		}
	}
}

func utf8Valid(s string) bool { return strings.ToValidUTF8(s, "\uFFFD") == s }

func TestJoinICSFileName(t *testing.T) {
	for subject, want := range map[string]string{
		"Weekly sync":                "Weekly sync.ics",
		"  Budget <review> & \"Q3\"": "Budget review Q3.ics",
		"../../etc/passwd":           "etc passwd.ics",
		"":                           "Online meeting.ics",
		"!!!":                        "meeting.ics",
		"会議 (東京)":                    "会議 (東京).ics",
		strings.Repeat("long ", 40):  strings.TrimSpace(strings.Repeat("long ", 16)) + ".ics",
		strings.Repeat("x", 100):     strings.Repeat("x", 80) + ".ics",
	} {
		if got := icsFileName(&meetd.Meeting{Subject: subject}); got != want {
			t.Errorf("icsFileName(%q): got %q, want %q", subject, got, want)
		}
	}
}
