package sqlite

import "time"

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
