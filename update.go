package meetd

import (
	"context"
	"slices"
	"strings"
	"time"
)

// MeetingPatch is a PATCH body: nil fields are left alone.
type MeetingPatch struct {
	Subject   *string
	Start     *time.Time
	End       *time.Time
	Attendees *[]Participant // replaces the whole list
	Organizer *Participant   // only accepted when it names the organizer
	Settings  SettingsPatch
}

// SettingsPatch carries the updatable options; nil fields are left alone.
type SettingsPatch struct {
	AllowedPresenters     *string
	AllowedLobbyAdmitters *string
	LobbyBypassScope      *string
	DialInBypass          *bool
	IsEntryExitAnnounced  *bool
	AllowMeetingChat      *string
	AllowLiveShare        *string

	AllowTeamworkReactions               *bool
	AllowAttendeeToEnableCamera          *bool
	AllowAttendeeToEnableMic             *bool
	AllowBreakoutRooms                   *bool
	AllowCopyingAndSharingMeetingContent *bool
	AllowPowerPointSharing               *bool
	AllowRecording                       *bool
	AllowTranscription                   *bool
	AllowWhiteboard                      *bool
	RecordAutomatically                  *bool

	AllowParticipantsToChangeName *bool
	IsEndToEndEncryptionEnabled   *bool

	ShareMeetingChatHistoryDefault *string

	AnonymizeIdentityForRoles *[]Role
	Watermark                 *WatermarkPatch
	ChatRestrictions          *ChatRestrictionsPatch
}

// WatermarkPatch changes watermarkProtection. Clear removes it (a null);
// otherwise the values given are set and the other is left as it was, as a
// PATCH leaves alone what its body does not name ({} changes nothing, not
// even a null into an object).
type WatermarkPatch struct {
	Clear             bool
	ForContentSharing *bool
	ForVideo          *bool
}

// ChatRestrictionsPatch changes chatRestrictions as WatermarkPatch changes
// watermarkProtection: Clear removes them (a null); otherwise a value given
// is set, and {} leaves them as they were, null included.
type ChatRestrictionsPatch struct {
	Clear         bool
	AllowTextOnly *bool
}

// Update applies a PATCH to the organizer's meeting and returns the whole
// updated meeting. Graph's rules: start and end only together, the organizer
// never changes, attendees are replaced whole, joinMeetingIdSettings are fixed
// (the wire layer drops them). A patch that fails validation changes nothing.
func (s *Service) Update(ctx context.Context, c *Caller, pathUser, id string, p MeetingPatch) (*Meeting, error) {
	user, err := s.authorize(ctx, c, pathUser, true)
	if err != nil {
		return nil, err
	}
	id, err = checkOrganizer(id, user)
	if err != nil {
		return nil, err
	}
	if (p.Start == nil) != (p.End == nil) {
		return nil, Errorf(EINVALID, "Adjusting the start or end date/time of an online meeting requires both startDateTime and endDateTime.")
	}
	if p.Start != nil && p.End.Before(*p.Start) {
		return nil, Errorf(EINVALID, "endDateTime cannot be earlier than startDateTime.")
	}
	if err := checkTimes(p.Start, p.End); err != nil {
		return nil, err
	}
	if p.Subject != nil && len(*p.Subject) > MaxSubjectBytes {
		return nil, Errorf(EINVALID, "subject must be at most %d bytes long.", MaxSubjectBytes)
	}
	if p.Attendees != nil {
		if len(*p.Attendees) > MaxAttendees {
			return nil, Errorf(EINVALID, "A meeting can have at most %d attendees.", MaxAttendees)
		}
		if err := validateAttendees(*p.Attendees); err != nil {
			return nil, err
		}
	}
	if p.Settings.AllowedPresenters != nil && *p.Settings.AllowedPresenters == "roleIsPresenter" && p.Attendees == nil {
		return nil, Errorf(EINVALID, "Setting allowedPresenters to roleIsPresenter requires the full list of attendees with their roles.")
	}
	// Another writer may update between our read and write; the store's
	// version check catches it and we apply the patch to the newer meeting.
	for range 10 {
		m, err := s.store.Meeting(ctx, c.TenantID, id)
		if err != nil {
			return nil, err
		}
		if m.OrganizerID != user {
			return nil, mismatch(user)
		}
		next, err := s.applyPatch(m, p)
		if err != nil {
			return nil, err
		}
		err = s.store.UpdateMeeting(ctx, next)
		if ErrorCode(err) == ECONFLICT {
			continue
		}
		if err != nil {
			return nil, err
		}
		return next, nil
	}
	return nil, Errorf(EUNAVAILABLE, "The meeting is being updated by other requests; try again.")
}

// applyPatch returns a changed copy of m; m itself is never touched.
func (s *Service) applyPatch(m *Meeting, p MeetingPatch) (*Meeting, error) {
	next := *m
	next.Attendees = slices.Clone(m.Attendees)
	next.Settings.AnonymizeIdentityForRoles = slices.Clone(m.Settings.AnonymizeIdentityForRoles)
	if p.Organizer != nil && p.Organizer.Identity.ID != "" && !strings.EqualFold(p.Organizer.Identity.ID, m.OrganizerID) {
		return nil, Errorf(EINVALID, "The organizer of an online meeting can't be updated.")
	}
	if p.Subject != nil {
		next.Subject = *p.Subject
	}
	if p.Start != nil {
		next.Start = p.Start.UTC().Truncate(100)
		next.End = p.End.UTC().Truncate(100)
	}
	if p.Attendees != nil {
		next.Attendees = slices.Clone(*p.Attendees)
		if next.Attendees == nil {
			next.Attendees = []Participant{}
		}
	}
	if r := p.Settings.AnonymizeIdentityForRoles; r != nil &&
		slices.Contains(m.Settings.AnonymizeIdentityForRoles, RoleAttendee) && !slices.Contains(*r, RoleAttendee) {
		return nil, Errorf(EINVALID, "The attendee role can't be removed from anonymizeIdentityForRoles once added.")
	}
	if err := p.Settings.apply(&next); err != nil {
		return nil, err
	}
	next.Version = m.Version + 1
	next.Modified = s.now().UTC().Truncate(100)
	return &next, nil
}

// apply sets the patch's options on m after checking their enum values.
func (p *SettingsPatch) apply(m *Meeting) error {
	st := &m.Settings
	for _, e := range []struct {
		name   string
		val    *string
		dst    *string
		values []string
	}{
		{"allowedPresenters", p.AllowedPresenters, &st.AllowedPresenters, PresenterValues},
		{"allowedLobbyAdmitters", p.AllowedLobbyAdmitters, &st.AllowedLobbyAdmitters, LobbyAdmitterValues},
		{"lobbyBypassSettings.scope", p.LobbyBypassScope, &st.LobbyBypassScope, LobbyScopeValues},
		{"allowMeetingChat", p.AllowMeetingChat, &st.AllowMeetingChat, MeetingChatValues},
		{"allowLiveShare", p.AllowLiveShare, &st.AllowLiveShare, LiveShareValues},
		{"shareMeetingChatHistoryDefault", p.ShareMeetingChatHistoryDefault, &st.ShareMeetingChatHistoryDefault, ChatHistoryValues},
	} {
		if e.val == nil {
			continue
		}
		if !slices.Contains(e.values, *e.val) {
			return Errorf(EINVALID, "'%s' is not a valid value for %s.", *e.val, e.name)
		}
		*e.dst = *e.val
	}
	for _, b := range []struct {
		val *bool
		dst *bool
	}{
		{p.DialInBypass, &st.DialInBypass},
		{p.IsEntryExitAnnounced, &st.IsEntryExitAnnounced},
		{p.AllowTeamworkReactions, &st.AllowTeamworkReactions},
		{p.AllowAttendeeToEnableCamera, &st.AllowAttendeeToEnableCamera},
		{p.AllowAttendeeToEnableMic, &st.AllowAttendeeToEnableMic},
		{p.AllowBreakoutRooms, &st.AllowBreakoutRooms},
		{p.AllowCopyingAndSharingMeetingContent, &st.AllowCopyingAndSharingMeetingContent},
		{p.AllowPowerPointSharing, &st.AllowPowerPointSharing},
		{p.AllowRecording, &st.AllowRecording},
		{p.AllowTranscription, &st.AllowTranscription},
		{p.AllowWhiteboard, &st.AllowWhiteboard},
		{p.RecordAutomatically, &st.RecordAutomatically},
		{p.AllowParticipantsToChangeName, &st.AllowParticipantsToChangeName},
		{p.IsEndToEndEncryptionEnabled, &st.IsEndToEndEncryptionEnabled},
	} {
		if b.val != nil {
			*b.dst = *b.val
		}
	}
	if r := p.AnonymizeIdentityForRoles; r != nil {
		for _, role := range *r {
			if !validRole(role) {
				return Errorf(EINVALID, "'%s' is not a valid value for anonymizeIdentityForRoles.", role)
			}
		}
		st.AnonymizeIdentityForRoles = slices.Clone(*r)
		if st.AnonymizeIdentityForRoles == nil {
			st.AnonymizeIdentityForRoles = []Role{}
		}
	}
	if p.Watermark != nil {
		st.Watermark = p.Watermark.apply(st.Watermark)
	}
	if p.ChatRestrictions != nil {
		st.ChatRestrictions = p.ChatRestrictions.apply(st.ChatRestrictions)
	}
	return nil
}

// apply returns cur as the patch leaves it. It never changes *cur: the
// copy applyPatch makes shares it with the meeting it must not touch.
func (p *WatermarkPatch) apply(cur *Watermark) *Watermark {
	switch {
	case p.Clear:
		return nil
	case p.ForContentSharing == nil && p.ForVideo == nil:
		return cur
	}
	var next Watermark
	if cur != nil {
		next = *cur
	}
	if p.ForContentSharing != nil {
		next.ForContentSharing = *p.ForContentSharing
	}
	if p.ForVideo != nil {
		next.ForVideo = *p.ForVideo
	}
	return &next
}

// apply returns cur as the patch leaves it, without changing *cur (see
// WatermarkPatch.apply).
func (p *ChatRestrictionsPatch) apply(cur *ChatRestrictions) *ChatRestrictions {
	switch {
	case p.Clear:
		return nil
	case p.AllowTextOnly == nil:
		return cur
	}
	var next ChatRestrictions
	if cur != nil {
		next = *cur
	}
	next.AllowTextOnly = *p.AllowTextOnly
	return &next
}
