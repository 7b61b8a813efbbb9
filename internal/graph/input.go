package graph

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/meetd/meetd"
)

// wireMeeting holds the properties meetd reads from a request body, each
// still raw: nil when absent, "null" when null. encoding/json matches names
// case-insensitively, skips unknown properties (Graph ignores them on
// createOrGet) and keeps the last of duplicate keys.
type wireMeeting struct {
	ExternalID    json.RawMessage `json:"externalId"`
	Subject       json.RawMessage `json:"subject"`
	StartDateTime json.RawMessage `json:"startDateTime"`
	EndDateTime   json.RawMessage `json:"endDateTime"`
	Participants  json.RawMessage `json:"participants"`
	ChatInfo      json.RawMessage `json:"chatInfo"`

	AllowedPresenters     json.RawMessage `json:"allowedPresenters"`
	AllowedLobbyAdmitters json.RawMessage `json:"allowedLobbyAdmitters"`
	LobbyBypassSettings   json.RawMessage `json:"lobbyBypassSettings"`
	IsEntryExitAnnounced  json.RawMessage `json:"isEntryExitAnnounced"`
	AllowMeetingChat      json.RawMessage `json:"allowMeetingChat"`
	AllowLiveShare        json.RawMessage `json:"allowLiveShare"`

	AllowTeamworkReactions               json.RawMessage `json:"allowTeamworkReactions"`
	AllowAttendeeToEnableCamera          json.RawMessage `json:"allowAttendeeToEnableCamera"`
	AllowAttendeeToEnableMic             json.RawMessage `json:"allowAttendeeToEnableMic"`
	AllowBreakoutRooms                   json.RawMessage `json:"allowBreakoutRooms"`
	AllowCopyingAndSharingMeetingContent json.RawMessage `json:"allowCopyingAndSharingMeetingContent"`
	AllowPowerPointSharing               json.RawMessage `json:"allowPowerPointSharing"`
	AllowRecording                       json.RawMessage `json:"allowRecording"`
	AllowTranscription                   json.RawMessage `json:"allowTranscription"`
	AllowWhiteboard                      json.RawMessage `json:"allowWhiteboard"`
	RecordAutomatically                  json.RawMessage `json:"recordAutomatically"`

	AnonymizeIdentityForRoles json.RawMessage `json:"anonymizeIdentityForRoles"`
	WatermarkProtection       json.RawMessage `json:"watermarkProtection"`
}

// Graph's messages for bodies it cannot read.
const (
	msgNullPayload = "Request payload cannot be null."
	msgBadPayload  = "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format."
)

// readBody parses body into w, with Graph's errors for an empty or unreadable
// payload.
func readBody(body []byte, w *wireMeeting) error {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 || string(trimmed) == "null" {
		return meetd.Errorf(meetd.EINVALID, msgNullPayload)
	}
	if trimmed[0] != '{' {
		return meetd.Errorf(meetd.EINVALID, msgBadPayload)
	}
	if err := json.Unmarshal(trimmed, w); err != nil {
		return &meetd.Error{Code: meetd.EINVALID, Message: msgBadPayload, Err: err}
	}
	return nil
}

// DecodeMeetingInput decodes the body of a createOrGet or a create. Unknown
// properties are ignored and null means absent. Settings (lobbyBypassSettings,
// allowedPresenters, …) are decoded into Settings for a plain create;
// createOrGet ignores them, as Graph does, and so are joinMeetingIdSettings and
// the organizer, which the service sets. Errors are EINVALID with Graph's
// messages.
func DecodeMeetingInput(body []byte) (meetd.MeetingInput, error) {
	var w wireMeeting
	if err := readBody(body, &w); err != nil {
		return meetd.MeetingInput{}, err
	}
	var in meetd.MeetingInput
	if w.ExternalID != nil {
		in.HasExternalID = true
		if _, err := decodeString(w.ExternalID, "externalId", &in.ExternalID); err != nil {
			return meetd.MeetingInput{}, err
		}
	}
	if _, err := decodeString(w.Subject, "subject", &in.Subject); err != nil {
		return meetd.MeetingInput{}, err
	}
	var err error
	if in.Start, err = decodeTime(w.StartDateTime, "startDateTime"); err != nil {
		return meetd.MeetingInput{}, err
	}
	if in.End, err = decodeTime(w.EndDateTime, "endDateTime"); err != nil {
		return meetd.MeetingInput{}, err
	}
	if !isNull(w.Participants) {
		var ps wireParticipants
		if err := decodeObject(w.Participants, "participants", &ps); err != nil {
			return meetd.MeetingInput{}, err
		}
		// The organizer is whoever the path names: one in the body is ignored.
		if !isNull(ps.Attendees) {
			if in.Attendees, err = decodeAttendees(ps.Attendees); err != nil {
				return meetd.MeetingInput{}, err
			}
		}
	}
	if !isNull(w.ChatInfo) {
		var c struct {
			ThreadID            json.RawMessage `json:"threadId"`
			MessageID           json.RawMessage `json:"messageId"`
			ReplyChainMessageID json.RawMessage `json:"replyChainMessageId"`
		}
		if err := decodeObject(w.ChatInfo, "chatInfo", &c); err != nil {
			return meetd.MeetingInput{}, err
		}
		in.ChatInfo = &meetd.ChatInfo{}
		for _, f := range []struct {
			raw  json.RawMessage
			name string
			dst  *string
		}{
			{c.ThreadID, "chatInfo.threadId", &in.ChatInfo.ThreadID},
			{c.MessageID, "chatInfo.messageId", &in.ChatInfo.MessageID},
			{c.ReplyChainMessageID, "chatInfo.replyChainMessageId", &in.ChatInfo.ReplyChainMessageID},
		} {
			if _, err := decodeString(f.raw, f.name, f.dst); err != nil {
				return meetd.MeetingInput{}, err
			}
		}
	}
	if err := decodeSettings(&w, &in.Settings); err != nil {
		return meetd.MeetingInput{}, err
	}
	return in, nil
}

// isNull reports whether a raw property is absent or null.
func isNull(raw json.RawMessage) bool {
	return raw == nil || string(raw) == "null"
}

func schemaError(name string) error {
	return meetd.Errorf(meetd.EINVALID, "Property '%s' in payload has a value that does not match schema.", name)
}

// decodeString sets *dst from a JSON string; absent or null leaves it alone
// and reports false.
func decodeString(raw json.RawMessage, name string, dst *string) (bool, error) {
	if isNull(raw) {
		return false, nil
	}
	if len(raw) < 2 || raw[0] != '"' {
		return false, schemaError(name)
	}
	// Most strings have no escapes: take the bytes between the quotes.
	// Invalid UTF-8 goes the slow way, where it becomes U+FFFD.
	if s := raw[1 : len(raw)-1]; bytes.IndexByte(s, '\\') < 0 && utf8.Valid(s) {
		*dst = string(s)
		return true, nil
	}
	if err := json.Unmarshal(raw, dst); err != nil {
		return false, schemaError(name)
	}
	return true, nil
}

// decodeEnum is decodeString for an enum member: unknownFutureValue is a
// marker Graph shows, never a value a request may send.
func decodeEnum(raw json.RawMessage, name string) (*string, error) {
	var s string
	ok, err := decodeString(raw, name, &s)
	if err != nil || !ok {
		return nil, err
	}
	if strings.EqualFold(s, unknownFutureValue) {
		return nil, meetd.Errorf(meetd.EINVALID, "Property '%s' in payload has the value 'unknownFutureValue': a request does not accept that value.", name)
	}
	return &s, nil
}

// decodeBool returns the boolean, or nil when absent or null.
func decodeBool(raw json.RawMessage, name string) (*bool, error) {
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
	return nil, schemaError(name)
}

// decodeTime parses a DateTimeOffset, or returns nil when absent or null.
func decodeTime(raw json.RawMessage, name string) (*time.Time, error) {
	var s string
	ok, err := decodeString(raw, name, &s)
	if err != nil || !ok {
		return nil, err
	}
	t, err := ParseDateTime(s)
	if err != nil {
		return nil, &meetd.Error{Code: meetd.EINVALID, Message: "Property '" + name + "' in payload has an invalid value: " + err.Error() + "."}
	}
	return &t, nil
}

// decodeObject unmarshals a JSON object into v.
func decodeObject(raw json.RawMessage, name string, v any) error {
	if len(raw) == 0 || raw[0] != '{' {
		return schemaError(name)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return schemaError(name + "." + te.Field)
		}
		return schemaError(name)
	}
	return nil
}
