package sqlite

import (
	"time"

	"github.com/meetd/meetd"
)

// cloneMeeting returns a deep copy of m, so that the store never shares
// memory with a caller's meeting.
func cloneMeeting(m *meetd.Meeting) *meetd.Meeting {
	c := *m
	if m.Attendees != nil {
		c.Attendees = append(make([]meetd.Participant, 0, len(m.Attendees)), m.Attendees...)
	}
	if r := m.Settings.AnonymizeIdentityForRoles; r != nil {
		c.Settings.AnonymizeIdentityForRoles = append(make([]meetd.Role, 0, len(r)), r...)
	}
	if w := m.Settings.Watermark; w != nil {
		cw := *w
		c.Settings.Watermark = &cw
	}
	return &c
}

// micros is a time as the created_at and deleted_at columns hold it: unix
// microseconds, rounded down (UnixMicro floors, before 1970 too).
func micros(t time.Time) int64 { return t.UnixMicro() }

// microsCeil rounds up, so that created_at >= microsCeil(since) holds exactly
// when the creation time is at or after since.
func microsCeil(t time.Time) int64 {
	us := micros(t)
	if t.Nanosecond()%1000 != 0 {
		us++
	}
	return us
}
