package graph

import (
	"encoding/json"
	"fmt"

	"github.com/meetd/meetd"
)

// wireParticipants is meetingParticipants as a request carries it.
type wireParticipants struct {
	Organizer json.RawMessage `json:"organizer"`
	Attendees json.RawMessage `json:"attendees"`
}

// wireParticipant is meetingParticipantInfo.
type wireParticipant struct {
	Identity json.RawMessage `json:"identity"`
	UPN      json.RawMessage `json:"upn"`
	Role     json.RawMessage `json:"role"`
}

// wireIdentitySet holds the identitySet members meetd keeps; the others
// (device, encrypted, onPremises, …) are ignored.
type wireIdentitySet struct {
	User        json.RawMessage `json:"user"`
	Guest       json.RawMessage `json:"guest"`
	Phone       json.RawMessage `json:"phone"`
	Application json.RawMessage `json:"application"`
}

// wireIdentity is identity, or communicationsUserIdentity with tenantId.
type wireIdentity struct {
	ID          json.RawMessage `json:"id"`
	DisplayName json.RawMessage `json:"displayName"`
	TenantID    json.RawMessage `json:"tenantId"`
}

// decodeAttendees decodes participants.attendees, an array of
// meetingParticipantInfo.
func decodeAttendees(raw json.RawMessage) ([]meetd.Participant, error) {
	const name = "participants.attendees"
	if raw[0] != '[' {
		return nil, schemaError(name)
	}
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, schemaError(name)
	}
	ps := make([]meetd.Participant, 0, len(items))
	for i, item := range items {
		if isNull(item) {
			continue
		}
		p, err := decodeParticipant(item, fmt.Sprintf("%s[%d]", name, i))
		if err != nil {
			return nil, err
		}
		ps = append(ps, p)
	}
	return ps, nil
}

// decodeParticipant decodes one meetingParticipantInfo. The identity set's
// first member among user, guest, phone and application becomes the
// participant's identity.
func decodeParticipant(raw json.RawMessage, name string) (meetd.Participant, error) {
	var w wireParticipant
	if err := decodeObject(raw, name, &w); err != nil {
		return meetd.Participant{}, err
	}
	var p meetd.Participant
	if _, err := decodeString(w.UPN, name+".upn", &p.UPN); err != nil {
		return meetd.Participant{}, err
	}
	role, err := decodeEnum(w.Role, name+".role")
	if err != nil {
		return meetd.Participant{}, err
	}
	if role != nil {
		p.Role = meetd.Role(*role)
	}
	if isNull(w.Identity) {
		return p, nil
	}
	var set wireIdentitySet
	if err := decodeObject(w.Identity, name+".identity", &set); err != nil {
		return meetd.Participant{}, err
	}
	for _, m := range []struct {
		raw  json.RawMessage
		kind meetd.IdentityKind
	}{
		{set.User, meetd.IdentityUser},
		{set.Guest, meetd.IdentityGuest},
		{set.Phone, meetd.IdentityPhone},
		{set.Application, meetd.IdentityApplication},
	} {
		if isNull(m.raw) {
			continue
		}
		member := name + ".identity." + string(m.kind)
		var wi wireIdentity
		if err := decodeObject(m.raw, member, &wi); err != nil {
			return meetd.Participant{}, err
		}
		p.Identity.Kind = m.kind
		for _, f := range []struct {
			raw  json.RawMessage
			name string
			dst  *string
		}{
			{wi.ID, member + ".id", &p.Identity.ID},
			{wi.DisplayName, member + ".displayName", &p.Identity.DisplayName},
			{wi.TenantID, member + ".tenantId", &p.Identity.TenantID},
		} {
			if _, err := decodeString(f.raw, f.name, f.dst); err != nil {
				return meetd.Participant{}, err
			}
		}
		break
	}
	return p, nil
}

// decodeSettings decodes the updatable meeting options into sp. Enum values
// pass through as strings (the domain checks them), except unknownFutureValue.
// Null means absent, but a null watermarkProtection clears it.
func decodeSettings(w *wireMeeting, sp *meetd.SettingsPatch) error {
	var err error
	for _, e := range []struct {
		raw  json.RawMessage
		name string
		dst  **string
	}{
		{w.AllowedPresenters, "allowedPresenters", &sp.AllowedPresenters},
		{w.AllowedLobbyAdmitters, "allowedLobbyAdmitters", &sp.AllowedLobbyAdmitters},
		{w.AllowMeetingChat, "allowMeetingChat", &sp.AllowMeetingChat},
		{w.AllowLiveShare, "allowLiveShare", &sp.AllowLiveShare},
	} {
		if *e.dst, err = decodeEnum(e.raw, e.name); err != nil {
			return err
		}
	}
	for _, b := range []struct {
		raw  json.RawMessage
		name string
		dst  **bool
	}{
		{w.IsEntryExitAnnounced, "isEntryExitAnnounced", &sp.IsEntryExitAnnounced},
		{w.AllowTeamworkReactions, "allowTeamworkReactions", &sp.AllowTeamworkReactions},
		{w.AllowAttendeeToEnableCamera, "allowAttendeeToEnableCamera", &sp.AllowAttendeeToEnableCamera},
		{w.AllowAttendeeToEnableMic, "allowAttendeeToEnableMic", &sp.AllowAttendeeToEnableMic},
		{w.AllowBreakoutRooms, "allowBreakoutRooms", &sp.AllowBreakoutRooms},
		{w.AllowCopyingAndSharingMeetingContent, "allowCopyingAndSharingMeetingContent", &sp.AllowCopyingAndSharingMeetingContent},
		{w.AllowPowerPointSharing, "allowPowerPointSharing", &sp.AllowPowerPointSharing},
		{w.AllowRecording, "allowRecording", &sp.AllowRecording},
		{w.AllowTranscription, "allowTranscription", &sp.AllowTranscription},
		{w.AllowWhiteboard, "allowWhiteboard", &sp.AllowWhiteboard},
		{w.RecordAutomatically, "recordAutomatically", &sp.RecordAutomatically},
	} {
		if *b.dst, err = decodeBool(b.raw, b.name); err != nil {
			return err
		}
	}
	if !isNull(w.LobbyBypassSettings) {
		var lb struct {
			Scope                 json.RawMessage `json:"scope"`
			IsDialInBypassEnabled json.RawMessage `json:"isDialInBypassEnabled"`
		}
		if err := decodeObject(w.LobbyBypassSettings, "lobbyBypassSettings", &lb); err != nil {
			return err
		}
		if sp.LobbyBypassScope, err = decodeEnum(lb.Scope, "lobbyBypassSettings.scope"); err != nil {
			return err
		}
		if sp.DialInBypass, err = decodeBool(lb.IsDialInBypassEnabled, "lobbyBypassSettings.isDialInBypassEnabled"); err != nil {
			return err
		}
	}
	if !isNull(w.AnonymizeIdentityForRoles) {
		const name = "anonymizeIdentityForRoles"
		var items []json.RawMessage
		if w.AnonymizeIdentityForRoles[0] != '[' || json.Unmarshal(w.AnonymizeIdentityForRoles, &items) != nil {
			return schemaError(name)
		}
		roles := make([]meetd.Role, 0, len(items))
		for i, item := range items {
			r, err := decodeEnum(item, fmt.Sprintf("%s[%d]", name, i))
			if err != nil {
				return err
			}
			if r == nil {
				return schemaError(fmt.Sprintf("%s[%d]", name, i))
			}
			roles = append(roles, meetd.Role(*r))
		}
		sp.AnonymizeIdentityForRoles = &roles
	}
	if w.WatermarkProtection != nil {
		var wm *meetd.Watermark // null clears
		if !isNull(w.WatermarkProtection) {
			var ww struct {
				ForContentSharing json.RawMessage `json:"isEnabledForContentSharing"`
				ForVideo          json.RawMessage `json:"isEnabledForVideo"`
			}
			if err := decodeObject(w.WatermarkProtection, "watermarkProtection", &ww); err != nil {
				return err
			}
			wm = &meetd.Watermark{}
			for _, b := range []struct {
				raw  json.RawMessage
				name string
				dst  *bool
			}{
				{ww.ForContentSharing, "watermarkProtection.isEnabledForContentSharing", &wm.ForContentSharing},
				{ww.ForVideo, "watermarkProtection.isEnabledForVideo", &wm.ForVideo},
			} {
				v, err := decodeBool(b.raw, b.name)
				if err != nil {
					return err
				}
				if v != nil {
					*b.dst = *v
				}
			}
		}
		sp.Watermark = &wm
	}
	return nil
}
