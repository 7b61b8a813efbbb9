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
	}
	return foldField(k, settingsNames)
}

// settings reads an object held by depth containers into s.
func (d *decoder) settings(s *meetd.Settings, depth int) error {
	if null, err := d.null(); null || err != nil {
		return err
	}
	empty, err := d.open('{')
	if err != nil || empty {
		return err
	}
	for {
		k, err := d.key()
		if err != nil {
			return err
		}
		switch settingsField(k) {
		case sAllowedPresenters:
			err = d.str(&s.AllowedPresenters)
		case sAllowedLobbyAdmitters:
			err = d.str(&s.AllowedLobbyAdmitters)
		case sLobbyBypassScope:
			err = d.str(&s.LobbyBypassScope)
		case sDialInBypass:
			err = d.boolean(&s.DialInBypass)
		case sIsEntryExitAnnounced:
			err = d.boolean(&s.IsEntryExitAnnounced)
		case sAllowMeetingChat:
			err = d.str(&s.AllowMeetingChat)
		case sAllowLiveShare:
			err = d.str(&s.AllowLiveShare)
		case sAllowTeamworkReactions:
			err = d.boolean(&s.AllowTeamworkReactions)
		case sAllowAttendeeToEnableCamera:
			err = d.boolean(&s.AllowAttendeeToEnableCamera)
		case sAllowAttendeeToEnableMic:
			err = d.boolean(&s.AllowAttendeeToEnableMic)
		case sAllowBreakoutRooms:
			err = d.boolean(&s.AllowBreakoutRooms)
		case sAllowCopyingAndSharingMeetingContent:
			err = d.boolean(&s.AllowCopyingAndSharingMeetingContent)
		case sAllowPowerPointSharing:
			err = d.boolean(&s.AllowPowerPointSharing)
		case sAllowRecording:
			err = d.boolean(&s.AllowRecording)
		case sAllowTranscription:
			err = d.boolean(&s.AllowTranscription)
		case sAllowWhiteboard:
			err = d.boolean(&s.AllowWhiteboard)
		case sRecordAutomatically:
			err = d.boolean(&s.RecordAutomatically)
		case sAnonymizeIdentityForRoles:
			err = d.roles(&s.AnonymizeIdentityForRoles)
		case sWatermark:
			err = d.watermark(&s.Watermark, depth+1)
		default:
			err = d.skip(depth + 1)
		}
		if err != nil {
			return err
		}
		if more, err := d.more('}'); err != nil || !more {
			return err
		}
	}
}

// watermark reads an object held by depth containers into *w: null sets
// nil, and an object is read into the Watermark already there, if any.
func (d *decoder) watermark(w **meetd.Watermark, depth int) error {
	if null, err := d.null(); null || err != nil {
		*w = nil
		return err
	}
	empty, err := d.open('{')
	if err != nil {
		return err
	}
	if *w == nil {
		*w = new(meetd.Watermark)
	}
	if empty {
		return nil
	}
	for {
		k, err := d.key()
		if err != nil {
			return err
		}
		switch watermarkField(k) {
		case wForContentSharing:
			err = d.boolean(&(*w).ForContentSharing)
		case wForVideo:
			err = d.boolean(&(*w).ForVideo)
		default:
			err = d.skip(depth + 1)
		}
		if err != nil {
			return err
		}
		if more, err := d.more('}'); err != nil || !more {
			return err
		}
	}
}
