package graph

import "github.com/meetd/meetd"

// decodeSettings decodes the updatable meeting options into sp. Enum values
// pass through as strings (the domain checks them), except unknownFutureValue.
// Null means absent, but a null watermarkProtection or chatRestrictions
// clears it.
func decodeSettings(w *wireMeeting, sp *meetd.SettingsPatch) error {
	var err error
	for _, e := range [...]struct {
		field int
		dst   **string
	}{
		{fAllowedPresenters, &sp.AllowedPresenters},
		{fAllowedLobbyAdmitters, &sp.AllowedLobbyAdmitters},
		{fAllowMeetingChat, &sp.AllowMeetingChat},
		{fAllowLiveShare, &sp.AllowLiveShare},
		{fShareMeetingChatHistoryDefault, &sp.ShareMeetingChatHistoryDefault},
	} {
		if *e.dst, err = decodeEnum(w[e.field], top(e.field)); err != nil {
			return err
		}
	}
	for _, b := range [...]struct {
		field int
		dst   **bool
	}{
		{fIsEntryExitAnnounced, &sp.IsEntryExitAnnounced},
		{fAllowTeamworkReactions, &sp.AllowTeamworkReactions},
		{fAllowAttendeeToEnableCamera, &sp.AllowAttendeeToEnableCamera},
		{fAllowAttendeeToEnableMic, &sp.AllowAttendeeToEnableMic},
		{fAllowBreakoutRooms, &sp.AllowBreakoutRooms},
		{fAllowCopyingAndSharingMeetingContent, &sp.AllowCopyingAndSharingMeetingContent},
		{fAllowPowerPointSharing, &sp.AllowPowerPointSharing},
		{fAllowRecording, &sp.AllowRecording},
		{fAllowTranscription, &sp.AllowTranscription},
		{fAllowWhiteboard, &sp.AllowWhiteboard},
		{fRecordAutomatically, &sp.RecordAutomatically},
		{fAllowParticipantsToChangeName, &sp.AllowParticipantsToChangeName},
		{fIsEndToEndEncryptionEnabled, &sp.IsEndToEndEncryptionEnabled},
	} {
		if *b.dst, err = decodeBool(w[b.field], top(b.field)); err != nil {
			return err
		}
	}
	if raw := w[fLobbyBypassSettings]; !isNull(raw) {
		var lb [2][]byte
		if err := decodeObject(raw, top(fLobbyBypassSettings), lobbyNames, lb[:]); err != nil {
			return err
		}
		if sp.LobbyBypassScope, err = decodeEnum(lb[0], at("lobbyBypassSettings.scope")); err != nil {
			return err
		}
		if sp.DialInBypass, err = decodeBool(lb[1], at("lobbyBypassSettings.isDialInBypassEnabled")); err != nil {
			return err
		}
	}
	if raw := w[fAnonymizeIdentityForRoles]; !isNull(raw) {
		roles := []meetd.Role{}
		list := top(fAnonymizeIdentityForRoles)
		err := eachElement(raw, list, func(i int, item []byte) error {
			itemName := list.elem(i)
			r, err := decodeEnum(item, itemName)
			if err != nil {
				return err
			}
			if r == nil {
				return schemaError(itemName)
			}
			roles = append(roles, meetd.Role(*r))
			return nil
		})
		if err != nil {
			return err
		}
		sp.AnonymizeIdentityForRoles = &roles
	}
	if raw := w[fWatermarkProtection]; raw != nil {
		wp := &meetd.WatermarkPatch{Clear: isNull(raw)} // null clears
		if !wp.Clear {
			var ww [2][]byte
			if err := decodeObject(raw, top(fWatermarkProtection), watermarkNames, ww[:]); err != nil {
				return err
			}
			dst := [2]**bool{&wp.ForContentSharing, &wp.ForVideo}
			for k, v := range ww {
				b, err := decodeBool(v, at(watermarkPaths[k]))
				if err != nil {
					return err
				}
				*dst[k] = b
			}
		}
		sp.Watermark = wp
	}
	if raw := w[fChatRestrictions]; raw != nil {
		cp := &meetd.ChatRestrictionsPatch{Clear: isNull(raw)} // null clears
		if !cp.Clear {
			var c [1][]byte
			if err := decodeObject(raw, top(fChatRestrictions), chatRestrictionsNames, c[:]); err != nil {
				return err
			}
			b, err := decodeBool(c[0], at("chatRestrictions.allowTextOnly"))
			if err != nil {
				return err
			}
			cp.AllowTextOnly = b
		}
		sp.ChatRestrictions = cp
	}
	return nil
}

var (
	lobbyNames            = []string{"scope", "isDialInBypassEnabled"}
	watermarkNames        = []string{"isEnabledForContentSharing", "isEnabledForVideo"}
	chatRestrictionsNames = []string{"allowTextOnly"}
	watermarkPaths        = []string{"watermarkProtection.isEnabledForContentSharing", "watermarkProtection.isEnabledForVideo"}
)
