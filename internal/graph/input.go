package graph

import (
	"strconv"
	"strings"
	"time"

	"github.com/meetd/meetd"
)

// The properties meetd reads from a request body; wireMeeting holds each
// one's raw value, nil when absent and "null" when null.
const (
	fExternalID = iota
	fSubject
	fStartDateTime
	fEndDateTime
	fParticipants
	fChatInfo
	fAllowedPresenters
	fAllowedLobbyAdmitters
	fLobbyBypassSettings
	fIsEntryExitAnnounced
	fAllowMeetingChat
	fAllowLiveShare
	fAllowTeamworkReactions
	fAllowAttendeeToEnableCamera
	fAllowAttendeeToEnableMic
	fAllowBreakoutRooms
	fAllowCopyingAndSharingMeetingContent
	fAllowPowerPointSharing
	fAllowRecording
	fAllowTranscription
	fAllowWhiteboard
	fRecordAutomatically
	fAnonymizeIdentityForRoles
	fWatermarkProtection
	fAllowParticipantsToChangeName
	fIsEndToEndEncryptionEnabled
	fShareMeetingChatHistoryDefault
	fChatRestrictions
	fJoinMeetingIDSettings
	numFields
)

var fieldNames = []string{
	fExternalID:                           "externalId",
	fSubject:                              "subject",
	fStartDateTime:                        "startDateTime",
	fEndDateTime:                          "endDateTime",
	fParticipants:                         "participants",
	fChatInfo:                             "chatInfo",
	fAllowedPresenters:                    "allowedPresenters",
	fAllowedLobbyAdmitters:                "allowedLobbyAdmitters",
	fLobbyBypassSettings:                  "lobbyBypassSettings",
	fIsEntryExitAnnounced:                 "isEntryExitAnnounced",
	fAllowMeetingChat:                     "allowMeetingChat",
	fAllowLiveShare:                       "allowLiveShare",
	fAllowTeamworkReactions:               "allowTeamworkReactions",
	fAllowAttendeeToEnableCamera:          "allowAttendeeToEnableCamera",
	fAllowAttendeeToEnableMic:             "allowAttendeeToEnableMic",
	fAllowBreakoutRooms:                   "allowBreakoutRooms",
	fAllowCopyingAndSharingMeetingContent: "allowCopyingAndSharingMeetingContent",
	fAllowPowerPointSharing:               "allowPowerPointSharing",
	fAllowRecording:                       "allowRecording",
	fAllowTranscription:                   "allowTranscription",
	fAllowWhiteboard:                      "allowWhiteboard",
	fRecordAutomatically:                  "recordAutomatically",
	fAnonymizeIdentityForRoles:            "anonymizeIdentityForRoles",
	fWatermarkProtection:                  "watermarkProtection",
	fAllowParticipantsToChangeName:        "allowParticipantsToChangeName",
	fIsEndToEndEncryptionEnabled:          "isEndToEndEncryptionEnabled",
	fShareMeetingChatHistoryDefault:       "shareMeetingChatHistoryDefault",
	fChatRestrictions:                     "chatRestrictions",
	fJoinMeetingIDSettings:                "joinMeetingIdSettings",
}

type wireMeeting [numFields][]byte

// Graph's messages for bodies it cannot read.
const (
	msgNullPayload = "Request payload cannot be null."
	msgBadPayload  = "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format."
)

// readBody reads the top-level object of body into w, with Graph's errors
// for an empty or unreadable payload. Property names match as encoding/json
// matches them (exactly, else case-insensitively), unknown properties are
// skipped (Graph ignores them on createOrGet) and the last of duplicate keys
// wins.
func readBody(body []byte, w *wireMeeting) error {
	start := skipSpace(body, 0)
	if start == len(body) {
		return meetd.Errorf(meetd.EINVALID, msgNullPayload)
	}
	if !validJSON(body) {
		return meetd.Errorf(meetd.EINVALID, msgBadPayload)
	}
	switch body[start] {
	case '{':
		readObject(body[start:], fieldNames, w[:])
		return nil
	case 'n': // a valid value starting with n is null
		return meetd.Errorf(meetd.EINVALID, msgNullPayload)
	}
	return meetd.Errorf(meetd.EINVALID, msgBadPayload)
}

// DecodeMeetingInput decodes the body of a plain create (POST
// /onlineMeetings). Unknown properties are ignored and null means absent;
// the settings (lobbyBypassSettings, allowedPresenters, …) go into Settings
// and joinMeetingIdSettings.isPasscodeRequired into PasscodeRequired, while
// the organizer and the join id and passcode, which the service sets, are
// ignored. Errors are EINVALID with Graph's messages.
func DecodeMeetingInput(body []byte) (meetd.MeetingInput, error) {
	return decodeInput(body, true)
}

// DecodeCreateOrGetInput decodes the body of a createOrGet: as
// DecodeMeetingInput, except that the settings are not even read. Graph
// accepts and silently ignores them there, so a malformed one must not fail
// the call either.
func DecodeCreateOrGetInput(body []byte) (meetd.MeetingInput, error) {
	return decodeInput(body, false)
}

func decodeInput(body []byte, settings bool) (meetd.MeetingInput, error) {
	var b CreateOrGetBody
	if err := ReadCreateOrGet(body, &b); err != nil {
		return meetd.MeetingInput{}, err
	}
	return b.input(settings)
}

// CreateOrGetBody is a createOrGet body read only as far as its key: the
// JSON is checked whole, but the other properties are decoded only when
// Input is called, so the common hit (Graph returns the stored meeting and
// ignores the rest of the body) costs no more than finding externalId.
type CreateOrGetBody struct {
	w             wireMeeting
	ExternalID    string
	HasExternalID bool
}

// ReadCreateOrGet reads body into b: Graph's errors for an empty or
// unreadable payload, and EINVALID if externalId is not a string. b refers
// to body until Input has been called.
func ReadCreateOrGet(body []byte, b *CreateOrGetBody) error {
	if err := readBody(body, &b.w); err != nil {
		return err
	}
	if b.w[fExternalID] != nil {
		b.HasExternalID = true
		if _, err := decodeString(b.w[fExternalID], top(fExternalID), &b.ExternalID); err != nil {
			return err
		}
	}
	return nil
}

// Input decodes the rest of a createOrGet body, as DecodeCreateOrGetInput.
func (b *CreateOrGetBody) Input() (meetd.MeetingInput, error) {
	return b.input(false)
}

func (b *CreateOrGetBody) input(settings bool) (meetd.MeetingInput, error) {
	w := &b.w
	in := meetd.MeetingInput{ExternalID: b.ExternalID, HasExternalID: b.HasExternalID}
	if _, err := decodeString(w[fSubject], top(fSubject), &in.Subject); err != nil {
		return meetd.MeetingInput{}, err
	}
	var err error
	if in.Start, err = decodeTime(w[fStartDateTime], top(fStartDateTime)); err != nil {
		return meetd.MeetingInput{}, err
	}
	if in.End, err = decodeTime(w[fEndDateTime], top(fEndDateTime)); err != nil {
		return meetd.MeetingInput{}, err
	}
	if !isNull(w[fParticipants]) {
		var ps [2][]byte // organizer, attendees
		if err := decodeObject(w[fParticipants], top(fParticipants), participantsNames, ps[:]); err != nil {
			return meetd.MeetingInput{}, err
		}
		// The organizer is whoever the path names: one in the body is ignored.
		if !isNull(ps[1]) {
			if in.Attendees, err = decodeAttendees(ps[1]); err != nil {
				return meetd.MeetingInput{}, err
			}
		}
	}
	if !isNull(w[fChatInfo]) {
		var c [3][]byte
		if err := decodeObject(w[fChatInfo], top(fChatInfo), chatInfoNames, c[:]); err != nil {
			return meetd.MeetingInput{}, err
		}
		in.ChatInfo = &meetd.ChatInfo{}
		dst := [3]*string{&in.ChatInfo.ThreadID, &in.ChatInfo.MessageID, &in.ChatInfo.ReplyChainMessageID}
		for k, raw := range c {
			if _, err := decodeString(raw, at(chatInfoPaths[k]), dst[k]); err != nil {
				return meetd.MeetingInput{}, err
			}
		}
	}
	if settings {
		if err := decodeSettings(w, &in.Settings); err != nil {
			return meetd.MeetingInput{}, err
		}
		if raw := w[fJoinMeetingIDSettings]; !isNull(raw) {
			var js [1][]byte
			if err := decodeObject(raw, top(fJoinMeetingIDSettings), joinIDSettingsNames, js[:]); err != nil {
				return meetd.MeetingInput{}, err
			}
			req, err := decodeBool(js[0], at("joinMeetingIdSettings.isPasscodeRequired"))
			if err != nil {
				return meetd.MeetingInput{}, err
			}
			in.PasscodeRequired = req != nil && *req
		}
	}
	return in, nil
}

var (
	participantsNames = []string{"organizer", "attendees"}
	chatInfoNames     = []string{"threadId", "messageId", "replyChainMessageId"}
	// joinMeetingId and passcode are read-only: only this is read.
	joinIDSettingsNames = []string{"isPasscodeRequired"}
	chatInfoPaths       = []string{"chatInfo.threadId", "chatInfo.messageId", "chatInfo.replyChainMessageId"}
)

// isNull reports whether a raw property is absent or null.
func isNull(raw []byte) bool {
	return raw == nil || string(raw) == "null"
}

func schemaError(p loc) error {
	return meetd.Errorf(meetd.EINVALID, "Property '%s' in payload has a value that does not match schema.", p.String())
}

// decodeString sets *dst from a JSON string; absent or null leaves it alone
// and reports false.
func decodeString(raw []byte, p loc, dst *string) (bool, error) {
	if isNull(raw) {
		return false, nil
	}
	if raw[0] != '"' {
		return false, schemaError(p)
	}
	if !unquote(raw[1:len(raw)-1], dst) {
		// The body's syntax was checked first, so only its text is wrong.
		return false, meetd.Errorf(meetd.EINVALID, "Property '%s' in payload is not valid UTF-8 text: it has an invalid byte or an unpaired surrogate escape.", p.String())
	}
	return true, nil
}

// decodeEnum is decodeString for an enum member: unknownFutureValue is a
// marker Graph shows, never a value a request may send.
func decodeEnum(raw []byte, p loc) (*string, error) {
	var s string
	ok, err := decodeString(raw, p, &s)
	if err != nil || !ok {
		return nil, err
	}
	if strings.EqualFold(s, unknownFutureValue) {
		return nil, meetd.Errorf(meetd.EINVALID, "Property '%s' in payload has the value 'unknownFutureValue': a request does not accept that value.", p.String())
	}
	v := s // only a present value goes to the heap
	return &v, nil
}

// decodeBool returns the boolean, or nil when absent or null.
func decodeBool(raw []byte, p loc) (*bool, error) {
	switch string(raw) {
	case "", "null":
		return nil, nil
	case "true":
		v := true
		return &v, nil
	case "false":
		v := false
		return &v, nil
	}
	return nil, schemaError(p)
}

// decodeTime parses a DateTimeOffset, or returns nil when absent or null.
func decodeTime(raw []byte, p loc) (*time.Time, error) {
	var s string
	ok, err := decodeString(raw, p, &s)
	if err != nil || !ok {
		return nil, err
	}
	t, err := ParseDateTime(s)
	if err != nil {
		return nil, &meetd.Error{Code: meetd.EINVALID, Message: "Property '" + p.String() + "' in payload has an invalid value: " + err.Error() + "."}
	}
	return &t, nil
}

// decodeObject reads the members of a JSON object named names into out.
func decodeObject(raw []byte, p loc, names []string, out [][]byte) error {
	if raw[0] != '{' {
		return schemaError(p)
	}
	readObject(raw, names, out)
	return nil
}

// eachElement calls fn with the index and raw value of each element of a
// JSON array.
func eachElement(raw []byte, p loc, fn func(i int, item []byte) error) error {
	if raw[0] != '[' {
		return schemaError(p)
	}
	e := elements{b: raw, i: 1}
	for i := 0; ; i++ {
		item, ok := e.next()
		if !ok {
			return nil
		}
		if err := fn(i, item); err != nil {
			return err
		}
	}
}

// loc names a property in error messages, such as
// participants.attendees[2].identity.user.id: a prefix, an optional array
// index and a suffix, all constant strings, so decoding a good body builds
// no names.
type loc struct {
	prefix string
	index  int // -1 when there is none
	suffix string
}

// top returns the loc of a top-level property.
func top(field int) loc { return at(fieldNames[field]) }

func at(name string) loc { return loc{prefix: name, index: -1} }

// elem returns the loc of element i of the array at l.
func (l loc) elem(i int) loc { return loc{prefix: l.prefix, index: i} }

// with returns l with the suffix s (".upn", ".identity.user.id").
func (l loc) with(s string) loc { return loc{prefix: l.prefix, index: l.index, suffix: s} }

// String returns the dotted path.
func (l loc) String() string {
	if l.index < 0 {
		return l.prefix + l.suffix
	}
	return l.prefix + "[" + strconv.Itoa(l.index) + "]" + l.suffix
}
