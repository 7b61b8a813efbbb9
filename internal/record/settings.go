package record

import "github.com/meetd/meetd"

const (
	sAllowedPresenters = iota
	sAllowedLobbyAdmitters
	sLobbyBypassScope
	sDialInBypass
	sIsEntryExitAnnounced
	sAllowMeetingChat
	sAllowLiveShare
	sAllowTeamworkReactions
	sAllowAttendeeToEnableCamera
	sAllowAttendeeToEnableMic
	sAllowBreakoutRooms
	sAllowCopyingAndSharingMeetingContent
	sAllowPowerPointSharing
	sAllowRecording
	sAllowTranscription
	sAllowWhiteboard
	sRecordAutomatically
	sAnonymizeIdentityForRoles
	sWatermark
	sAllowParticipantsToChangeName
	sIsEndToEndEncryptionEnabled
	sShareMeetingChatHistoryDefault
	sChatRestrictions
)

var settingsNames = []string{
	sAllowedPresenters:                    "allowedPresenters",
	sAllowedLobbyAdmitters:                "allowedLobbyAdmitters",
	sLobbyBypassScope:                     "lobbyBypassScope",
	sDialInBypass:                         "dialInBypass",
	sIsEntryExitAnnounced:                 "isEntryExitAnnounced",
	sAllowMeetingChat:                     "allowMeetingChat",
	sAllowLiveShare:                       "allowLiveShare",
	sAllowTeamworkReactions:               "allowTeamworkReactions",
	sAllowAttendeeToEnableCamera:          "allowAttendeeToEnableCamera",
	sAllowAttendeeToEnableMic:             "allowAttendeeToEnableMic",
	sAllowBreakoutRooms:                   "allowBreakoutRooms",
	sAllowCopyingAndSharingMeetingContent: "allowCopyingAndSharingMeetingContent",
	sAllowPowerPointSharing:               "allowPowerPointSharing",
	sAllowRecording:                       "allowRecording",
	sAllowTranscription:                   "allowTranscription",
	sAllowWhiteboard:                      "allowWhiteboard",
	sRecordAutomatically:                  "recordAutomatically",
	sAnonymizeIdentityForRoles:            "anonymizeIdentityForRoles",
	sWatermark:                            "watermark",
	sAllowParticipantsToChangeName:        "allowParticipantsToChangeName",
	sIsEndToEndEncryptionEnabled:          "isEndToEndEncryptionEnabled",
	sShareMeetingChatHistoryDefault:       "shareMeetingChatHistoryDefault",
	sChatRestrictions:                     "chatRestrictions",
}

func settingsField(k []byte) int {
	switch string(k) {
	case "allowedPresenters":
		return sAllowedPresenters
	case "allowedLobbyAdmitters":
		return sAllowedLobbyAdmitters
	case "lobbyBypassScope":
		return sLobbyBypassScope
	case "dialInBypass":
		return sDialInBypass
	case "isEntryExitAnnounced":
		return sIsEntryExitAnnounced
	case "allowMeetingChat":
		return sAllowMeetingChat
	case "allowLiveShare":
		return sAllowLiveShare
	case "allowTeamworkReactions":
		return sAllowTeamworkReactions
	case "allowAttendeeToEnableCamera":
		return sAllowAttendeeToEnableCamera
	case "allowAttendeeToEnableMic":
		return sAllowAttendeeToEnableMic
	case "allowBreakoutRooms":
		return sAllowBreakoutRooms
	case "allowCopyingAndSharingMeetingContent":
		return sAllowCopyingAndSharingMeetingContent
	case "allowPowerPointSharing":
		return sAllowPowerPointSharing
	case "allowRecording":
		return sAllowRecording
	case "allowTranscription":
		return sAllowTranscription
	case "allowWhiteboard":
		return sAllowWhiteboard
	case "recordAutomatically":
		return sRecordAutomatically
	case "anonymizeIdentityForRoles":
		return sAnonymizeIdentityForRoles
	case "watermark":
		return sWatermark
	case "allowParticipantsToChangeName":
		return sAllowParticipantsToChangeName
	case "isEndToEndEncryptionEnabled":
		return sIsEndToEndEncryptionEnabled
	case "shareMeetingChatHistoryDefault":
		return sShareMeetingChatHistoryDefault
	case "chatRestrictions":
		return sChatRestrictions
	}
	return foldField(k, settingsNames)
}

// settings reads an object held by depth containers into s.
func (d *decoder) settings(s *meetd.Settings, depth int) error {
	return d.object(func(k []byte) error {
		switch settingsField(k) {
		case sAllowedPresenters:
			return d.str(&s.AllowedPresenters)
		case sAllowedLobbyAdmitters:
			return d.str(&s.AllowedLobbyAdmitters)
		case sLobbyBypassScope:
			return d.str(&s.LobbyBypassScope)
		case sDialInBypass:
			return d.boolean(&s.DialInBypass)
		case sIsEntryExitAnnounced:
			return d.boolean(&s.IsEntryExitAnnounced)
		case sAllowMeetingChat:
			return d.str(&s.AllowMeetingChat)
		case sAllowLiveShare:
			return d.str(&s.AllowLiveShare)
		case sAllowTeamworkReactions:
			return d.boolean(&s.AllowTeamworkReactions)
		case sAllowAttendeeToEnableCamera:
			return d.boolean(&s.AllowAttendeeToEnableCamera)
		case sAllowAttendeeToEnableMic:
			return d.boolean(&s.AllowAttendeeToEnableMic)
		case sAllowBreakoutRooms:
			return d.boolean(&s.AllowBreakoutRooms)
		case sAllowCopyingAndSharingMeetingContent:
			return d.boolean(&s.AllowCopyingAndSharingMeetingContent)
		case sAllowPowerPointSharing:
			return d.boolean(&s.AllowPowerPointSharing)
		case sAllowRecording:
			return d.boolean(&s.AllowRecording)
		case sAllowTranscription:
			return d.boolean(&s.AllowTranscription)
		case sAllowWhiteboard:
			return d.boolean(&s.AllowWhiteboard)
		case sRecordAutomatically:
			return d.boolean(&s.RecordAutomatically)
		case sAnonymizeIdentityForRoles:
			return d.roles(&s.AnonymizeIdentityForRoles)
		case sWatermark:
			return d.watermark(&s.Watermark, depth+1)
		case sAllowParticipantsToChangeName:
			return d.boolean(&s.AllowParticipantsToChangeName)
		case sIsEndToEndEncryptionEnabled:
			return d.boolean(&s.IsEndToEndEncryptionEnabled)
		case sShareMeetingChatHistoryDefault:
			return d.str(&s.ShareMeetingChatHistoryDefault)
		case sChatRestrictions:
			return d.chatRestrictions(&s.ChatRestrictions, depth+1)
		default:
			return d.skip(depth + 1)
		}
	})
}

// watermark reads an object held by depth containers into *w.
func (d *decoder) watermark(w **meetd.Watermark, depth int) error {
	return nullableObject(d, w, func(w *meetd.Watermark, k []byte) error {
		switch watermarkField(k) {
		case wForContentSharing:
			return d.boolean(&w.ForContentSharing)
		case wForVideo:
			return d.boolean(&w.ForVideo)
		default:
			return d.skip(depth + 1)
		}
	})
}

// chatRestrictions reads an object held by depth containers into *r.
func (d *decoder) chatRestrictions(r **meetd.ChatRestrictions, depth int) error {
	return nullableObject(d, r, func(r *meetd.ChatRestrictions, k []byte) error {
		if string(k) == "allowTextOnly" || foldField(k, chatRestrictionsNames) == 0 {
			return d.boolean(&r.AllowTextOnly)
		}
		return d.skip(depth + 1)
	})
}

// nullableObject reads a nullable object into *p, as encoding/json reads a
// pointer to a struct: null sets nil, and an object is read, member by
// member, into the value already there, if any.
func nullableObject[T any](d *decoder, p **T, member func(v *T, k []byte) error) error {
	if null, err := d.null(); null || err != nil {
		*p = nil
		return err
	}
	empty, err := d.open('{')
	if err != nil {
		return err
	}
	if *p == nil {
		*p = new(T)
	}
	if empty {
		return nil
	}
	v := *p
	return d.members(func(k []byte) error { return member(v, k) })
}

var chatRestrictionsNames = []string{"allowTextOnly"}
