package postgres_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/internal/pgtest"
	"github.com/meetd/meetd/internal/postgres"
	"github.com/meetd/meetd/internal/storetest"
)

// TestCreatedEqualsRead checks that the meeting CreateOrGetMeeting returns
// for a create, which the store copies rather than reads, is the meeting a
// later read returns, also for input that storing changes.
func TestCreatedEqualsRead(t *testing.T) {
	s := openClosed(t, pgtest.NewDatabase(t), postgres.Options{})
	tests := []struct {
		name string
		edit func(m *meetd.Meeting)
	}{
		{"as made", func(m *meetd.Meeting) {}},
		{"no attendees, nil", func(m *meetd.Meeting) { m.Attendees = nil }},
		{"no attendees, empty", func(m *meetd.Meeting) { m.Attendees = []meetd.Participant{} }},
		{"no roles, nil", func(m *meetd.Meeting) { m.Settings.AnonymizeIdentityForRoles = nil }},
		{"no watermark", func(m *meetd.Meeting) { m.Settings.Watermark = nil }},
		{"times in another zone", func(m *meetd.Meeting) {
			zone := time.FixedZone("UTC+5", 5*3600)
			m.Start, m.End, m.Modified = m.Start.In(zone), m.End.In(zone), m.Modified.In(zone)
		}},
		{"invalid UTF-8 in the subject", func(m *meetd.Meeting) { m.Subject = "a\xffb" }},
		{"invalid UTF-8 in an attendee's name", func(m *meetd.Meeting) {
			m.Attendees[0].Identity.DisplayName = "\xc3"
		}},
		{"invalid UTF-8 in a role", func(m *meetd.Meeting) {
			m.Settings.AnonymizeIdentityForRoles = []meetd.Role{"\xfe"}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := storetest.NewMeeting(t, storetest.NewObjectID(), storetest.NewObjectID(), "copy")
			tc.edit(m)
			got, created, err := s.CreateOrGetMeeting(t.Context(), m)
			if err != nil || !created {
				t.Fatalf("CreateOrGetMeeting: got created %t, %v; want true, nil", created, err)
			}
			read, err := s.Meeting(t.Context(), m.TenantID, m.ID)
			if err != nil {
				t.Fatalf("Meeting: %v", err)
			}
			if !reflect.DeepEqual(got, read) {
				t.Errorf("created meeting differs from a read:\ngot  %+v\nwant %+v", got, read)
			}
			if len(m.Attendees) > 0 && &got.Attendees[0] == &m.Attendees[0] {
				t.Errorf("created meeting shares its attendees with the input; want a copy")
			}
		})
	}
}
