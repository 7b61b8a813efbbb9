package meetd_test

import (
	"testing"

	"github.com/meetd/meetd"
)

// A clone shares no memory with its original: stores rely on it to keep
// their own copies.
func TestMeetingCloneIsDeep(t *testing.T) {
	m := &meetd.Meeting{
		Subject:   "original",
		Attendees: []meetd.Participant{{UPN: "a@example.com"}},
		Settings: meetd.Settings{
			AnonymizeIdentityForRoles: []meetd.Role{meetd.RolePresenter},
			Watermark:                 &meetd.Watermark{},
		},
	}
	c := m.Clone()
	c.Subject = "changed"
	c.Attendees[0].UPN = "b@example.com"
	c.Settings.AnonymizeIdentityForRoles[0] = meetd.RoleAttendee
	*c.Settings.Watermark = meetd.Watermark{ForContentSharing: true}
	if m.Subject != "original" || m.Attendees[0].UPN != "a@example.com" ||
		m.Settings.AnonymizeIdentityForRoles[0] != meetd.RolePresenter || *m.Settings.Watermark != (meetd.Watermark{}) {
		t.Errorf("original after changing its clone: got %+v, want it unchanged", m)
	}
	if (&meetd.Meeting{}).Clone().Attendees != nil {
		t.Error("clone of a meeting without attendees: got a non-nil slice, want nil (null and [] differ)")
	}
}
