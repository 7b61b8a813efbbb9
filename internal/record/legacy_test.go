package record

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/meetd/meetd"
)

// What the stores did before this package, kept as the reference that the
// differential tests and the "before" benchmarks hold Decode and Encode to:
// internal/sqlite decoded its data column into these shapes with
// encoding/json (its encoder was Encode's code), and internal/postgres wrote
// and read its own shapes, every member present, with encoding/json.

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

	// Added after this shape was the stores': the reference reads them as
	// encoding/json would, so that the differential tests cover them.
	AllowParticipantsToChangeName  bool                  `json:"allowParticipantsToChangeName,omitempty"`
	IsEndToEndEncryptionEnabled    bool                  `json:"isEndToEndEncryptionEnabled,omitempty"`
	ShareMeetingChatHistoryDefault string                `json:"shareMeetingChatHistoryDefault,omitempty"`
	ChatRestrictions               *chatRestrictionsData `json:"chatRestrictions,omitempty"`
}

type chatRestrictionsData struct {
	AllowTextOnly bool `json:"allowTextOnly"`
}

type watermarkData struct {
	ForContentSharing bool `json:"forContentSharing"`
	ForVideo          bool `json:"forVideo"`
}

// decodeLegacy fills the fields of m that live in the data column.
func decodeLegacy(m *meetd.Meeting, b []byte) error {
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
		AllowParticipantsToChangeName:        d.AllowParticipantsToChangeName,
		IsEndToEndEncryptionEnabled:          d.IsEndToEndEncryptionEnabled,
		ShareMeetingChatHistoryDefault:       d.ShareMeetingChatHistoryDefault,
	}
	if r := d.ChatRestrictions; r != nil {
		s.ChatRestrictions = &meetd.ChatRestrictions{AllowTextOnly: r.AllowTextOnly}
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

// The PostgreSQL store's shapes (internal/postgres/record.go): the same
// names, no member left out.

type pgRecord struct {
	Subject          string          `json:"subject"`
	Start            time.Time       `json:"start"`
	End              time.Time       `json:"end"`
	Created          time.Time       `json:"created"`
	Modified         time.Time       `json:"modified"`
	Passcode         string          `json:"passcode"`
	PasscodeRequired bool            `json:"passcodeRequired"`
	ConferenceID     string          `json:"conferenceId"`
	ChatInfo         pgChatInfo      `json:"chatInfo"`
	Organizer        pgParticipant   `json:"organizer"`
	Attendees        []pgParticipant `json:"attendees"` // null and [] both kept
	Settings         pgSettings      `json:"settings"`
}

type pgChatInfo struct {
	ThreadID            string `json:"threadId"`
	MessageID           string `json:"messageId"`
	ReplyChainMessageID string `json:"replyChainMessageId"`
}

type pgParticipant struct {
	Kind        string `json:"kind"`
	ID          string `json:"id"`
	DisplayName string `json:"displayName"`
	TenantID    string `json:"tenantId"`
	UPN         string `json:"upn"`
	Role        string `json:"role"`
}

type pgSettings struct {
	AllowedPresenters     string `json:"allowedPresenters"`
	AllowedLobbyAdmitters string `json:"allowedLobbyAdmitters"`
	LobbyBypassScope      string `json:"lobbyBypassScope"`
	DialInBypass          bool   `json:"dialInBypass"`
	IsEntryExitAnnounced  bool   `json:"isEntryExitAnnounced"`
	AllowMeetingChat      string `json:"allowMeetingChat"`
	AllowLiveShare        string `json:"allowLiveShare"`

	AllowTeamworkReactions               bool `json:"allowTeamworkReactions"`
	AllowAttendeeToEnableCamera          bool `json:"allowAttendeeToEnableCamera"`
	AllowAttendeeToEnableMic             bool `json:"allowAttendeeToEnableMic"`
	AllowBreakoutRooms                   bool `json:"allowBreakoutRooms"`
	AllowCopyingAndSharingMeetingContent bool `json:"allowCopyingAndSharingMeetingContent"`
	AllowPowerPointSharing               bool `json:"allowPowerPointSharing"`
	AllowRecording                       bool `json:"allowRecording"`
	AllowTranscription                   bool `json:"allowTranscription"`
	AllowWhiteboard                      bool `json:"allowWhiteboard"`
	RecordAutomatically                  bool `json:"recordAutomatically"`

	AnonymizeIdentityForRoles []string     `json:"anonymizeIdentityForRoles"` // null and [] both kept
	Watermark                 *pgWatermark `json:"watermark"`
}

type pgWatermark struct {
	ForContentSharing bool `json:"forContentSharing"`
	ForVideo          bool `json:"forVideo"`
}

// encodeLegacyPostgres is how internal/postgres wrote its data column
// before this package. It read the column back as decodeLegacy does: its
// shapes differ only in writing empty members.
func encodeLegacyPostgres(m *meetd.Meeting) ([]byte, error) {
	for _, t := range []time.Time{m.Start, m.End, m.Created, m.Modified} {
		if y := t.UTC().Year(); y < 1 || y > 9999 {
			return nil, meetd.Errorf(meetd.EINVALID, "Times must fall in the years 1 to 9999.")
		}
	}
	st := m.Settings
	r := pgRecord{
		Subject:          m.Subject,
		Start:            m.Start.UTC(),
		End:              m.End.UTC(),
		Created:          m.Created.UTC(),
		Modified:         m.Modified.UTC(),
		Passcode:         m.Passcode,
		PasscodeRequired: m.PasscodeRequired,
		ConferenceID:     m.ConferenceID,
		ChatInfo:         pgChatInfo(m.ChatInfo),
		Organizer:        pgFromParticipant(m.Organizer),
		Settings: pgSettings{
			AllowedPresenters:                    st.AllowedPresenters,
			AllowedLobbyAdmitters:                st.AllowedLobbyAdmitters,
			LobbyBypassScope:                     st.LobbyBypassScope,
			DialInBypass:                         st.DialInBypass,
			IsEntryExitAnnounced:                 st.IsEntryExitAnnounced,
			AllowMeetingChat:                     st.AllowMeetingChat,
			AllowLiveShare:                       st.AllowLiveShare,
			AllowTeamworkReactions:               st.AllowTeamworkReactions,
			AllowAttendeeToEnableCamera:          st.AllowAttendeeToEnableCamera,
			AllowAttendeeToEnableMic:             st.AllowAttendeeToEnableMic,
			AllowBreakoutRooms:                   st.AllowBreakoutRooms,
			AllowCopyingAndSharingMeetingContent: st.AllowCopyingAndSharingMeetingContent,
			AllowPowerPointSharing:               st.AllowPowerPointSharing,
			AllowRecording:                       st.AllowRecording,
			AllowTranscription:                   st.AllowTranscription,
			AllowWhiteboard:                      st.AllowWhiteboard,
			RecordAutomatically:                  st.RecordAutomatically,
		},
	}
	if m.Attendees != nil {
		r.Attendees = make([]pgParticipant, len(m.Attendees))
		for i, a := range m.Attendees {
			r.Attendees[i] = pgFromParticipant(a)
		}
	}
	if st.AnonymizeIdentityForRoles != nil {
		r.Settings.AnonymizeIdentityForRoles = make([]string, len(st.AnonymizeIdentityForRoles))
		for i, role := range st.AnonymizeIdentityForRoles {
			r.Settings.AnonymizeIdentityForRoles[i] = string(role)
		}
	}
	if st.Watermark != nil {
		r.Settings.Watermark = &pgWatermark{ForContentSharing: st.Watermark.ForContentSharing, ForVideo: st.Watermark.ForVideo}
	}
	return json.Marshal(r)
}

func pgFromParticipant(p meetd.Participant) pgParticipant {
	return pgParticipant{
		Kind:        string(p.Identity.Kind),
		ID:          p.Identity.ID,
		DisplayName: p.Identity.DisplayName,
		TenantID:    p.Identity.TenantID,
		UPN:         p.UPN,
		Role:        string(p.Role),
	}
}
