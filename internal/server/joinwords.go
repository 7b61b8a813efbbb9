package server

import (
	"strconv"
	"strings"
	"time"
)

// The join page's words for times and policies. join.js spells states and
// durations the same way, so a page reads the same with and without
// JavaScript: the browser test's "live state" case compares the two on the
// same meetings.

// meetingState says whether the meeting is upcoming, live or over at now.
func meetingState(now, start, end time.Time) (state, text string) {
	switch {
	case now.Before(start):
		return "upcoming", "Starts in " + humanDuration(now, start)
	case now.Before(end):
		return "live", "In progress"
	default:
		return "ended", "Ended"
	}
}

// humanDuration spells the span from one time to a later one in at most two
// units, rounded down: "3 days", "1 day 4 hours", "2 hours 5 minutes", "45
// minutes", "less than a minute". From a week on only days count. It counts
// seconds, not a time.Duration, which stops at about 292 years while a
// meeting may last from year 1 to 9999.
func humanDuration(from, to time.Time) string {
	secs := to.Unix() - from.Unix()
	if to.Nanosecond() < from.Nanosecond() {
		secs--
	}
	days := int(secs / 86400)
	hours := int(secs % 86400 / 3600)
	mins := int(secs % 3600 / 60)
	switch {
	case days >= 7:
		return plural(days, "day")
	case days > 0:
		return plural(days, "day") + optional(hours, "hour")
	case hours > 0:
		return plural(hours, "hour") + optional(mins, "minute")
	case mins > 0:
		return plural(mins, "minute")
	default:
		return "less than a minute"
	}
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return strconv.Itoa(n) + " " + unit + "s"
}

func optional(n int, unit string) string {
	if n == 0 {
		return ""
	}
	return " " + plural(n, unit)
}

// utcSpan spells start to end in UTC: "Tue 15 Jan 2030, 10:00", "–", "11:00"
// within a day, the end's date too when it falls on another day. The page
// appends " UTC".
func utcSpan(start, end time.Time) (from, sep, to string) {
	const day, clock = "Mon 2 Jan 2006, 15:04", "15:04"
	y1, m1, d1 := start.Date()
	y2, m2, d2 := end.Date()
	if y1 == y2 && m1 == m2 && d1 == d2 {
		return start.Format(day), "–", end.Format(clock)
	}
	return start.Format(day), " – ", end.Format(day)
}

// groupDigits writes a long number in groups of three from the left, as
// Teams writes meeting and conference ids: "123 456 789 012 3".
func groupDigits(s string) string {
	var b strings.Builder
	for i, r := range s {
		if i > 0 && i%3 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// lobbyText says who waits in the lobby, in plain words.
func lobbyText(scope string) string {
	switch scope {
	case "organizer":
		return "Only the organizer joins directly; everyone else waits in the lobby until admitted."
	case "organization":
		return "People in the organizer's organization join directly; everyone else waits in the lobby until admitted."
	case "organizationAndFederated":
		return "People in the organizer's organization and in trusted organizations join directly; everyone else waits in the lobby until admitted."
	case "organizationExcludingGuests":
		return "People in the organizer's organization join directly; guests and everyone else wait in the lobby until admitted."
	case "invited":
		return "People who were invited join directly; everyone else waits in the lobby until admitted."
	case "everyone":
		return "Everyone joins directly; there is no lobby."
	default:
		return "Some people may wait in the lobby until admitted."
	}
}
