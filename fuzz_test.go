package meetd

import "testing"

// FuzzParseMeetingID checks that any id parses or is "Meeting Id is
// corrupted.", and that what parses names a valid organizer and thread,
// whose own id parses back to them.
func FuzzParseMeetingID(f *testing.F) {
	f.Add(MeetingID("1f35f2e6-9cab-44ad-8d5a-b74c14720001", "19:meeting_x@thread.v2"))
	f.Add("MSoxZjM1ZjJlNi05Y2FiLTQ0YWQtOGQ1YS1iNzRjMTQ3MjAwMDEqMCoqMTk6bWVldGluZ194QHRocmVhZC52Mg")
	f.Add("")
	f.Add("MCMxOTptZWV0aW5nX3hAdGhyZWFkLnYyIzA=")
	f.Fuzz(func(t *testing.T, id string) {
		org, thread, err := ParseMeetingID(id)
		if err != nil {
			if ErrorCode(err) != EINVALID {
				t.Fatalf("ParseMeetingID(%q): %v", id, err)
			}
			return
		}
		if !IsObjectID(org) || !IsThreadID(thread) {
			t.Fatalf("ParseMeetingID(%q) = %q, %q", id, org, thread)
		}
		org2, thread2, err := ParseMeetingID(MeetingID(org, thread))
		if err != nil || org2 != org || thread2 != thread {
			t.Fatalf("ParseMeetingID(%q) = %q, %q; its own id parses to %q, %q, %v", id, org, thread, org2, thread2, err)
		}
	})
}
