package graph

import (
	"strings"

	"github.com/meetd/meetd"
)

// prop is an onlineMeeting property meetd renders; the order of the
// constants is the order of the properties in a response.
type prop uint8

const (
	pID prop = iota
	pCreationDateTime
	pStartDateTime
	pEndDateTime
	pJoinWebURL
	pSubject
	pIsBroadcast
	pAutoAdmittedUsers
	pIsEntryExitAnnounced
	pAllowedPresenters
	pAllowedLobbyAdmitters
	pAllowMeetingChat
	pShareMeetingChatHistoryDefault
	pAllowTeamworkReactions
	pAllowAttendeeToEnableCamera
	pAllowAttendeeToEnableMic
	pAllowBreakoutRooms
	pAllowCopyingAndSharingMeetingContent
	pAllowLiveShare
	pAllowParticipantsToChangeName
	pAllowPowerPointSharing
	pAllowRecording
	pAllowTranscription
	pAllowWhiteboard
	pRecordAutomatically
	pIsEndToEndEncryptionEnabled
	pAnonymizeIdentityForRoles
	pCapabilities
	pVideoTeleconferenceID
	pExternalID
	pMeetingTemplateID
	pBroadcastSettings
	pChatRestrictions
	pWatermarkProtection
	pJoinMeetingIDSettings
	pAudioConferencing
	pParticipants
	pLobbyBypassSettings
	pChatInfo
	pJoinInformation
	numProps
)

// propNames are the Graph names of the properties, indexed by prop.
var propNames = [numProps]string{
	pID:                                   "id",
	pCreationDateTime:                     "creationDateTime",
	pStartDateTime:                        "startDateTime",
	pEndDateTime:                          "endDateTime",
	pJoinWebURL:                           "joinWebUrl",
	pSubject:                              "subject",
	pIsBroadcast:                          "isBroadcast",
	pAutoAdmittedUsers:                    "autoAdmittedUsers",
	pIsEntryExitAnnounced:                 "isEntryExitAnnounced",
	pAllowedPresenters:                    "allowedPresenters",
	pAllowedLobbyAdmitters:                "allowedLobbyAdmitters",
	pAllowMeetingChat:                     "allowMeetingChat",
	pShareMeetingChatHistoryDefault:       "shareMeetingChatHistoryDefault",
	pAllowTeamworkReactions:               "allowTeamworkReactions",
	pAllowAttendeeToEnableCamera:          "allowAttendeeToEnableCamera",
	pAllowAttendeeToEnableMic:             "allowAttendeeToEnableMic",
	pAllowBreakoutRooms:                   "allowBreakoutRooms",
	pAllowCopyingAndSharingMeetingContent: "allowCopyingAndSharingMeetingContent",
	pAllowLiveShare:                       "allowLiveShare",
	pAllowParticipantsToChangeName:        "allowParticipantsToChangeName",
	pAllowPowerPointSharing:               "allowPowerPointSharing",
	pAllowRecording:                       "allowRecording",
	pAllowTranscription:                   "allowTranscription",
	pAllowWhiteboard:                      "allowWhiteboard",
	pRecordAutomatically:                  "recordAutomatically",
	pIsEndToEndEncryptionEnabled:          "isEndToEndEncryptionEnabled",
	pAnonymizeIdentityForRoles:            "anonymizeIdentityForRoles",
	pCapabilities:                         "capabilities",
	pVideoTeleconferenceID:                "videoTeleconferenceId",
	pExternalID:                           "externalId",
	pMeetingTemplateID:                    "meetingTemplateId",
	pBroadcastSettings:                    "broadcastSettings",
	pChatRestrictions:                     "chatRestrictions",
	pWatermarkProtection:                  "watermarkProtection",
	pJoinMeetingIDSettings:                "joinMeetingIdSettings",
	pAudioConferencing:                    "audioConferencing",
	pParticipants:                         "participants",
	pLobbyBypassSettings:                  "lobbyBypassSettings",
	pChatInfo:                             "chatInfo",
	pJoinInformation:                      "joinInformation",
}

// propKeys are the rendered keys, `"name":`, so the encoder copies bytes.
var propKeys = func() (keys [numProps]string) {
	for p, name := range propNames {
		keys[p] = `"` + name + `":`
	}
	return keys
}()

// allProps selects every property.
const allProps = uint64(1)<<numProps - 1

// Selection is a parsed $select: the properties to render, and the list as
// the client gave it, which goes into @odata.context as OData asks.
type Selection struct {
	bits  uint64
	names string // "subject,startDateTime", canonical names in request order
	nulls string // beta-only properties meetd keeps no value for: `"name":null,…`
}

// betaOnlyProps are onlineMeeting properties of Graph's beta schema that
// v1.0 lacks and meetd keeps no value for. On beta they may be selected, as
// on Graph, and come back null; on v1.0 they are unknown.
var betaOnlyProps = []string{
	"cloudVideoInteropInfo",
	"expiryDateTime",
	"joinUrl",
	"meetingOptionsWebUrl",
	"meetingSpokenLanguageTag",
	"meetingType",
	"sensitivityLabelAssignment",
}

// ParseSelect parses a $select value: property names separated by commas,
// matched case-insensitively. "*" selects everything. An empty value selects
// everything too (nil Selection). An unknown name is EINVALID with Graph's
// message.
func ParseSelect(s string) (*Selection, error) {
	return ParseSelectVersion(s, "v1.0")
}

// ParseSelectVersion is ParseSelect for an API version: on "beta" the
// properties only beta's schema has are accepted too (betaOnlyProps).
func ParseSelectVersion(s, version string) (*Selection, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	sel := &Selection{}
	var names []string
	for item := range strings.SplitSeq(s, ",") {
		name := strings.TrimSpace(item)
		if name == "*" {
			sel.bits = allProps
			names = append(names, "*")
			continue
		}
		p, ok := lookupProp(name)
		if !ok && version == "beta" {
			if b, found := lookupBetaOnly(name); found {
				if !strings.Contains(sel.nulls, `"`+b+`"`) {
					if sel.nulls != "" {
						sel.nulls += ","
					}
					sel.nulls += `"` + b + `":null`
					names = append(names, b)
				}
				continue
			}
		}
		if !ok {
			if name == "" {
				return nil, meetd.Errorf(meetd.EINVALID, "The query specified in the URI is not valid. An empty property name is not allowed in $select.")
			}
			return nil, meetd.Errorf(meetd.EINVALID, "Could not find a property named '%s' on type 'microsoft.graph.onlineMeeting'.", clip(name, 64))
		}
		if sel.bits&(1<<p) == 0 {
			names = append(names, propNames[p])
		}
		sel.bits |= 1 << p
	}
	sel.names = strings.Join(names, ",")
	return sel, nil
}

func lookupBetaOnly(name string) (string, bool) {
	for _, n := range betaOnlyProps {
		if strings.EqualFold(n, name) {
			return n, true
		}
	}
	return "", false
}

// appendNulls writes the selected beta-only properties as null.
func (s *Selection) appendNulls(e *encoder) {
	if s == nil || s.nulls == "" {
		return
	}
	if e.n > 0 {
		e.b = append(e.b, ',')
	}
	e.n++
	e.b = append(e.b, s.nulls...)
}

func lookupProp(name string) (prop, bool) {
	for p, n := range propNames {
		if strings.EqualFold(n, name) {
			return prop(p), true
		}
	}
	return 0, false
}

// bitsOf returns the properties s selects: all of them for nil.
func (s *Selection) bitsOf() uint64 {
	if s == nil {
		return allProps
	}
	return s.bits
}

// String returns the selection as it appears in @odata.context.
func (s *Selection) String() string {
	if s == nil {
		return ""
	}
	return s.names
}
