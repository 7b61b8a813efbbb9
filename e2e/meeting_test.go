package e2e

import (
	"slices"
	"testing"
	"time"

	"github.com/microsoftgraph/msgraph-sdk-go/models"
)

// attendee is a participant as an app builds one with the SDK's models.
func attendee(oid, upn string, role models.OnlineMeetingRole) models.MeetingParticipantInfoable {
	user := models.NewIdentity()
	user.SetId(&oid)
	id := models.NewIdentitySet()
	id.SetUser(user)
	p := models.NewMeetingParticipantInfo()
	p.SetIdentity(id)
	p.SetUpn(&upn)
	p.SetRole(&role)
	return p
}

func participants(attendees ...models.MeetingParticipantInfoable) models.MeetingParticipantsable {
	p := models.NewMeetingParticipants()
	p.SetAttendees(attendees)
	return p
}

func ptr[T any](v T) *T { return &v }

// str reads an optional string; nil reads as "".
func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// wantTime checks an instant and that it came back in UTC, as Graph sends it.
func wantTime(tb testing.TB, name string, got *time.Time, want time.Time) {
	tb.Helper()
	if got == nil {
		tb.Errorf("%s: got nil, want %s", name, want.UTC().Format(time.RFC3339Nano))
		return
	}
	if !got.Equal(want) {
		tb.Errorf("%s: got %s, want %s", name, got.Format(time.RFC3339Nano), want.UTC().Format(time.RFC3339Nano))
	}
	if _, off := got.Zone(); off != 0 {
		tb.Errorf("%s: got offset %ds (%s), want UTC", name, off, got.Format(time.RFC3339Nano))
	}
}

// organizerID returns the meeting's organizer's object id, "" when absent.
func organizerID(m models.OnlineMeetingable) string {
	if p := m.GetParticipants(); p != nil && p.GetOrganizer() != nil {
		return userID(p.GetOrganizer())
	}
	return ""
}

func userID(p models.MeetingParticipantInfoable) string {
	if id := p.GetIdentity(); id != nil && id.GetUser() != nil {
		return str(id.GetUser().GetId())
	}
	return ""
}

// attendeeIDs lists the object ids of the meeting's attendees.
func attendeeIDs(m models.OnlineMeetingable) []string {
	ids := []string{}
	if p := m.GetParticipants(); p != nil {
		for _, a := range p.GetAttendees() {
			ids = append(ids, userID(a))
		}
	}
	return ids
}

func wantAttendees(tb testing.TB, what string, m models.OnlineMeetingable, want ...string) {
	tb.Helper()
	if got := attendeeIDs(m); !slices.Equal(got, want) {
		tb.Errorf("%s attendees: got %v, want %v", what, got, want)
	}
}
