package sqlite

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/meetd/meetd"
)

// The domain types carry no JSON tags on purpose (Graph owns the wire), so
// the data column has its own shapes here. They change only with a
// migration that rewrites the column.

// meetingData is everything about a meeting that is not a column.
type meetingData struct {
	Subject          string            `json:"subject,omitempty"`
	Start            time.Time         `json:"start"`
	End              time.Time         `json:"end"`
	Created          time.Time         `json:"created"`
	Modified         time.Time         `json:"modified"`
	Passcode         string            `json:"passcode,omitempty"`
	PasscodeRequired bool              `json:"passcodeRequired,omitempty"`
	ConferenceID     string            `json:"conferenceId,omitempty"`
	ChatInfo         chatData          `json:"chatInfo"`
	Organizer        participantData   `json:"organizer"`
	Attendees        []participantData `json:"attendees"` // [] and null both kept
	Settings         settingsData      `json:"settings"`
}

type chatData struct {
	ThreadID            string `json:"threadId,omitempty"`
	MessageID           string `json:"messageId,omitempty"`
	ReplyChainMessageID string `json:"replyChainMessageId,omitempty"`
}

type participantData struct {
	Kind        string `json:"kind,omitempty"`
	ID          string `json:"id,omitempty"`
	DisplayName string `json:"displayName,omitempty"`
	TenantID    string `json:"tenantId,omitempty"`
	UPN         string `json:"upn,omitempty"`
	Role        string `json:"role,omitempty"`
}

type settingsData struct {
	AllowedPresenters     string `json:"allowedPresenters,omitempty"`
	AllowedLobbyAdmitters string `json:"allowedLobbyAdmitters,omitempty"`
	LobbyBypassScope      string `json:"lobbyBypassScope,omitempty"`
	DialInBypass          bool   `json:"dialInBypass,omitempty"`
	IsEntryExitAnnounced  bool   `json:"isEntryExitAnnounced,omitempty"`
	AllowMeetingChat      string `json:"allowMeetingChat,omitempty"`
	AllowLiveShare        string `json:"allowLiveShare,omitempty"`

	AllowTeamworkReactions               bool `json:"allowTeamworkReactions,omitempty"`
	AllowAttendeeToEnableCamera          bool `json:"allowAttendeeToEnableCamera,omitempty"`
	AllowAttendeeToEnableMic             bool `json:"allowAttendeeToEnableMic,omitempty"`
	AllowBreakoutRooms                   bool `json:"allowBreakoutRooms,omitempty"`
	AllowCopyingAndSharingMeetingContent bool `json:"allowCopyingAndSharingMeetingContent,omitempty"`
	AllowPowerPointSharing               bool `json:"allowPowerPointSharing,omitempty"`
	AllowRecording                       bool `json:"allowRecording,omitempty"`
	AllowTranscription                   bool `json:"allowTranscription,omitempty"`
	AllowWhiteboard                      bool `json:"allowWhiteboard,omitempty"`
	RecordAutomatically                  bool `json:"recordAutomatically,omitempty"`

	AnonymizeIdentityForRoles []string       `json:"anonymizeIdentityForRoles"`
	Watermark                 *watermarkData `json:"watermark"`
}

type watermarkData struct {
	ForContentSharing bool `json:"forContentSharing"`
	ForVideo          bool `json:"forVideo"`
}

// decodeData fills the fields of m that live in the data column.
func decodeData(m *meetd.Meeting, b []byte) error {
	var d meetingData
	if err := json.Unmarshal(b, &d); err != nil {
		return fmt.Errorf("decode meeting %s: %w", m.ID, err)
	}
	m.Subject = d.Subject
	m.Start, m.End = d.Start.UTC(), d.End.UTC()
	m.Created, m.Modified = d.Created.UTC(), d.Modified.UTC()
	m.Passcode, m.PasscodeRequired = d.Passcode, d.PasscodeRequired
	m.ConferenceID = d.ConferenceID
	m.ChatInfo = meetd.ChatInfo(d.ChatInfo)
	m.Organizer = d.Organizer.participant()
	if d.Attendees != nil {
		m.Attendees = make([]meetd.Participant, len(d.Attendees))
		for i, a := range d.Attendees {
			m.Attendees[i] = a.participant()
		}
	}
	m.Settings = d.Settings.settings()
	return nil
}

func (p participantData) participant() meetd.Participant {
	return meetd.Participant{
		Identity: meetd.Identity{Kind: meetd.IdentityKind(p.Kind), ID: p.ID, DisplayName: p.DisplayName, TenantID: p.TenantID},
		UPN:      p.UPN,
		Role:     meetd.Role(p.Role),
	}
}

func (d settingsData) settings() meetd.Settings {
	s := meetd.Settings{
		AllowedPresenters:                    d.AllowedPresenters,
		AllowedLobbyAdmitters:                d.AllowedLobbyAdmitters,
		LobbyBypassScope:                     d.LobbyBypassScope,
		DialInBypass:                         d.DialInBypass,
		IsEntryExitAnnounced:                 d.IsEntryExitAnnounced,
		AllowMeetingChat:                     d.AllowMeetingChat,
		AllowLiveShare:                       d.AllowLiveShare,
		AllowTeamworkReactions:               d.AllowTeamworkReactions,
		AllowAttendeeToEnableCamera:          d.AllowAttendeeToEnableCamera,
		AllowAttendeeToEnableMic:             d.AllowAttendeeToEnableMic,
		AllowBreakoutRooms:                   d.AllowBreakoutRooms,
		AllowCopyingAndSharingMeetingContent: d.AllowCopyingAndSharingMeetingContent,
		AllowPowerPointSharing:               d.AllowPowerPointSharing,
		AllowRecording:                       d.AllowRecording,
		AllowTranscription:                   d.AllowTranscription,
		AllowWhiteboard:                      d.AllowWhiteboard,
		RecordAutomatically:                  d.RecordAutomatically,
	}
	if d.AnonymizeIdentityForRoles != nil {
		s.AnonymizeIdentityForRoles = make([]meetd.Role, len(d.AnonymizeIdentityForRoles))
		for i, r := range d.AnonymizeIdentityForRoles {
			s.AnonymizeIdentityForRoles[i] = meetd.Role(r)
		}
	}
	if w := d.Watermark; w != nil {
		s.Watermark = &meetd.Watermark{ForContentSharing: w.ForContentSharing, ForVideo: w.ForVideo}
	}
	return s
}

// cloneMeeting returns a deep copy of m, so that the store never shares
// memory with a caller's meeting.
func cloneMeeting(m *meetd.Meeting) *meetd.Meeting {
	c := *m
	if m.Attendees != nil {
		c.Attendees = append(make([]meetd.Participant, 0, len(m.Attendees)), m.Attendees...)
	}
	if r := m.Settings.AnonymizeIdentityForRoles; r != nil {
		c.Settings.AnonymizeIdentityForRoles = append(make([]meetd.Role, 0, len(r)), r...)
	}
	if w := m.Settings.Watermark; w != nil {
		cw := *w
		c.Settings.Watermark = &cw
	}
	return &c
}

// micros is a time as the created_at and deleted_at columns hold it: unix
// microseconds, rounded down (UnixMicro floors, before 1970 too).
func micros(t time.Time) int64 { return t.UnixMicro() }

// microsCeil rounds up, so that created_at >= microsCeil(since) holds exactly
// when the creation time is at or after since.
func microsCeil(t time.Time) int64 {
	us := micros(t)
	if t.Nanosecond()%1000 != 0 {
		us++
	}
	return us
}
