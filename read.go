package meetd

import (
	"context"
)

// Get returns a meeting by id to its organizer, or to an invited attendee:
// Graph accepts "both the organizer's and the invited attendee's user token or
// user ID" for a get by id.
func (s *Service) Get(ctx context.Context, c *Caller, pathUser, id string) (*Meeting, error) {
	user, err := s.authorize(ctx, c, pathUser, false)
	if err != nil {
		return nil, err
	}
	id, organizer, err := canonicalMeetingID(id)
	if err != nil {
		return nil, err
	}
	m, err := s.store.Meeting(ctx, c.TenantID, id)
	if organizer != user {
		// Only an attendee learns that someone else's meeting exists.
		if err != nil || !m.IsAttendee(user) {
			return nil, mismatch(user)
		}
		return m, nil
	}
	if err != nil {
		return nil, err
	}
	if m.OrganizerID != user {
		return nil, mismatch(user)
	}
	return m, nil
}

// Lookup is one of the $filter look-ups Graph supports on /onlineMeetings.
type Lookup struct {
	ThreadID      string // from a JoinWebUrl filter
	JoinMeetingID string
}

// Find runs a documented $filter look-up over the user's meetings. Only the
// organizer may look a meeting up by its join URL: an attendee gets 403, as
// on Graph.
func (s *Service) Find(ctx context.Context, c *Caller, pathUser string, l Lookup) ([]*Meeting, error) {
	user, err := s.authorize(ctx, c, pathUser, false)
	if err != nil {
		return nil, err
	}
	if l.ThreadID == "" && l.JoinMeetingID == "" {
		return nil, filterError()
	}
	ms, err := s.store.FindMeetings(ctx, c.TenantID, Filter{OrganizerID: user, ThreadID: l.ThreadID, JoinMeetingID: l.JoinMeetingID})
	if err != nil || len(ms) > 0 || l.ThreadID == "" {
		return ms, err
	}
	others, err := s.store.FindMeetings(ctx, c.TenantID, Filter{ThreadID: l.ThreadID})
	if err != nil {
		return nil, err
	}
	for _, m := range others {
		if m.IsAttendee(user) {
			return nil, Errorf(EFORBIDDEN, "Filter with JoinWebUrl only works when the meeting organizer is using the filter.")
		}
	}
	return ms, nil
}

// FindByVideoTeleconferenceID is Graph's /communications/onlineMeetings look-up
// by VTC id: application tokens only, and, as Graph documents, not subject to
// application access policies.
func (s *Service) FindByVideoTeleconferenceID(ctx context.Context, c *Caller, vtc string) ([]*Meeting, error) {
	if c.TenantID == ConsumerTenantID {
		return nil, Errorf(EACCOUNT, "Error authenticating with resource")
	}
	if !c.App {
		return nil, Errorf(EFORBIDDEN, "Looking meetings up by VideoTeleconferenceId needs an application token.")
	}
	if !c.CanRead() {
		return nil, Errorf(EFORBIDDEN, "%s", missingPermission(c, false))
	}
	if vtc == "" {
		return nil, filterError()
	}
	return s.store.FindMeetings(ctx, c.TenantID, Filter{VideoTeleconferenceID: vtc})
}

// Delete deletes the organizer's meeting. Its external id is freed, so a later
// createOrGet with it creates a new meeting (docs/support.md).
func (s *Service) Delete(ctx context.Context, c *Caller, pathUser, id string) error {
	user, err := s.authorize(ctx, c, pathUser, true)
	if err != nil {
		return err
	}
	id, err = checkOrganizer(id, user)
	if err != nil {
		return err
	}
	return s.store.DeleteMeeting(ctx, c.TenantID, id)
}

// checkOrganizer returns the id as stores know it (canonicalMeetingID), or
// Graph's errors for an id that is corrupted or names another organizer.
func checkOrganizer(id, user string) (string, error) {
	id, organizer, err := canonicalMeetingID(id)
	if err != nil {
		return "", err
	}
	if organizer != user {
		return "", mismatch(user)
	}
	return id, nil
}

func mismatch(user string) error {
	return Errorf(ENOTFOUND, "Organizer Id mismatch User Id: %s.", user)
}

func filterError() error {
	return Errorf(EFILTER, "Filter expression expected - /onlineMeetings?$filter={ParameterName} eq '{id}'.")
}
