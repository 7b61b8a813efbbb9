package record

import (
	"fmt"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/meetd/meetd"
)

// Encode returns the stored document of m's fields that have no column.
// Times are written in UTC; a time whose UTC year is outside 0 to 9999,
// which RFC 3339 cannot hold, is an error.
func Encode(m *meetd.Meeting) ([]byte, error) {
	e := jsonWriter{b: make([]byte, 0, 1024+256*len(m.Attendees))}
	e.b = append(e.b, '{')
	e.str("subject", m.Subject)
	e.time("start", m.Start)
	e.time("end", m.End)
	e.time("created", m.Created)
	e.time("modified", m.Modified)
	e.str("passcode", m.Passcode)
	e.boolean("passcodeRequired", m.PasscodeRequired)
	e.str("conferenceId", m.ConferenceID)
	e.key("chatInfo")
	e.b = append(e.b, '{')
	e.str("threadId", m.ChatInfo.ThreadID)
	e.str("messageId", m.ChatInfo.MessageID)
	e.str("replyChainMessageId", m.ChatInfo.ReplyChainMessageID)
	e.b = append(e.b, '}')
	e.key("organizer")
	e.participant(m.Organizer)
	e.key("attendees")
	writeArray(&e, m.Attendees, e.participant)
	e.key("settings")
	e.settings(&m.Settings)
	e.b = append(e.b, '}')
	if e.err != nil {
		return nil, fmt.Errorf("record: %w", e.err)
	}
	return e.b, nil
}

type jsonWriter struct {
	b   []byte
	err error
}

func (e *jsonWriter) key(name string) {
	if len(e.b) > 0 && e.b[len(e.b)-1] != '{' {
		e.b = append(e.b, ',')
	}
	e.b = append(e.b, '"')
	e.b = append(e.b, name...)
	e.b = append(e.b, '"', ':')
}

// str writes a member, left out when empty (omitempty).
func (e *jsonWriter) str(name, v string) {
	if v != "" {
		e.key(name)
		e.quote(v)
	}
}

// boolean writes a member, left out when false (omitempty).
func (e *jsonWriter) boolean(name string, v bool) {
	if v {
		e.key(name)
		e.b = append(e.b, "true"...)
	}
}

// time writes a time in UTC as encoding/json writes it: RFC 3339 with
// nanoseconds, trailing zeros dropped.
func (e *jsonWriter) time(name string, t time.Time) {
	e.key(name)
	t = t.UTC()
	if y := t.Year(); y < 0 || y > 9999 {
		e.err = fmt.Errorf("time %v: year outside [0,9999]", t)
	}
	e.b = append(e.b, '"')
	e.b = t.AppendFormat(e.b, time.RFC3339Nano)
	e.b = append(e.b, '"')
}

func (e *jsonWriter) participant(p meetd.Participant) {
	e.b = append(e.b, '{')
	e.str("kind", string(p.Identity.Kind))
	e.str("id", p.Identity.ID)
	e.str("displayName", p.Identity.DisplayName)
	e.str("tenantId", p.Identity.TenantID)
	e.str("upn", p.UPN)
	e.str("role", string(p.Role))
	e.b = append(e.b, '}')
}

func (e *jsonWriter) settings(s *meetd.Settings) {
	e.b = append(e.b, '{')
	e.str("allowedPresenters", s.AllowedPresenters)
	e.str("allowedLobbyAdmitters", s.AllowedLobbyAdmitters)
	e.str("lobbyBypassScope", s.LobbyBypassScope)
	e.boolean("dialInBypass", s.DialInBypass)
	e.boolean("isEntryExitAnnounced", s.IsEntryExitAnnounced)
	e.str("allowMeetingChat", s.AllowMeetingChat)
	e.str("allowLiveShare", s.AllowLiveShare)
	e.boolean("allowTeamworkReactions", s.AllowTeamworkReactions)
	e.boolean("allowAttendeeToEnableCamera", s.AllowAttendeeToEnableCamera)
	e.boolean("allowAttendeeToEnableMic", s.AllowAttendeeToEnableMic)
	e.boolean("allowBreakoutRooms", s.AllowBreakoutRooms)
	e.boolean("allowCopyingAndSharingMeetingContent", s.AllowCopyingAndSharingMeetingContent)
	e.boolean("allowPowerPointSharing", s.AllowPowerPointSharing)
	e.boolean("allowRecording", s.AllowRecording)
	e.boolean("allowTranscription", s.AllowTranscription)
	e.boolean("allowWhiteboard", s.AllowWhiteboard)
	e.boolean("recordAutomatically", s.RecordAutomatically)
	e.boolean("allowParticipantsToChangeName", s.AllowParticipantsToChangeName)
	e.boolean("isEndToEndEncryptionEnabled", s.IsEndToEndEncryptionEnabled)
	e.str("shareMeetingChatHistoryDefault", s.ShareMeetingChatHistoryDefault)
	e.key("anonymizeIdentityForRoles")
	writeArray(e, s.AnonymizeIdentityForRoles, func(r meetd.Role) { e.quote(string(r)) })
	e.key("watermark")
	if w := s.Watermark; w == nil {
		e.b = append(e.b, "null"...)
	} else {
		e.b = append(e.b, `{"forContentSharing":`...)
		e.b = strconv.AppendBool(e.b, w.ForContentSharing)
		e.b = append(e.b, `,"forVideo":`...)
		e.b = strconv.AppendBool(e.b, w.ForVideo)
		e.b = append(e.b, '}')
	}
	if r := s.ChatRestrictions; r != nil { // absent is nil: rows from before it decode so
		e.key("chatRestrictions")
		e.b = append(e.b, `{"allowTextOnly":`...)
		e.b = strconv.AppendBool(e.b, r.AllowTextOnly)
		e.b = append(e.b, '}')
	}
	e.b = append(e.b, '}')
}

const hexDigits = "0123456789abcdef"

// quote writes s as a JSON string. Like encoding/json it writes invalid
// UTF-8 as U+FFFD, so that what is stored is what a read returns.
// writeArray writes xs as a JSON array, each element with elem; a nil slice
// is null, as encoding/json writes it.
func writeArray[T any](e *jsonWriter, xs []T, elem func(T)) {
	if xs == nil {
		e.b = append(e.b, "null"...)
		return
	}
	e.b = append(e.b, '[')
	for i, x := range xs {
		if i > 0 {
			e.b = append(e.b, ',')
		}
		elem(x)
	}
	e.b = append(e.b, ']')
}

func (e *jsonWriter) quote(s string) {
	e.b = append(e.b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			e.b = append(e.b, s[start:i]...)
			switch c {
			case '"', '\\':
				e.b = append(e.b, '\\', c)
			case '\n':
				e.b = append(e.b, '\\', 'n')
			case '\r':
				e.b = append(e.b, '\\', 'r')
			case '\t':
				e.b = append(e.b, '\\', 't')
			default:
				e.b = append(e.b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			e.b = append(e.b, s[start:i]...)
			e.b = append(e.b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		i += size
	}
	e.b = append(e.b, s[start:]...)
	e.b = append(e.b, '"')
}
