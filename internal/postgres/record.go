package postgres

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/meetd/meetd"
)

// record is how a meeting's fields beyond its indexed columns are kept in
// meetings.data. It is this package's own shape, so that the domain has no
// JSON tags and a rename there cannot silently change stored data. Times are
// RFC 3339 in UTC with nanoseconds: exact, and readable in psql.
type record struct {
	Subject          string        `json:"subject"`
	Start            time.Time     `json:"start"`
	End              time.Time     `json:"end"`
	Created          time.Time     `json:"created"`
	Modified         time.Time     `json:"modified"`
	Passcode         string        `json:"passcode"`
	PasscodeRequired bool          `json:"passcodeRequired"`
	ConferenceID     string        `json:"conferenceId"`
	ChatInfo         chatInfo      `json:"chatInfo"`
	Organizer        participant   `json:"organizer"`
	Attendees        []participant `json:"attendees"` // null and [] both kept
	Settings         settings      `json:"settings"`
}

type chatInfo struct {
	ThreadID            string `json:"threadId"`
	MessageID           string `json:"messageId"`
	ReplyChainMessageID string `json:"replyChainMessageId"`
}

type participant struct {
	Kind        string `json:"kind"`
	ID          string `json:"id"`
	DisplayName string `json:"displayName"`
	TenantID    string `json:"tenantId"`
	UPN         string `json:"upn"`
	Role        string `json:"role"`
}

type settings struct {
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

	AnonymizeIdentityForRoles []string   `json:"anonymizeIdentityForRoles"` // null and [] both kept
	Watermark                 *watermark `json:"watermark"`
}

type watermark struct {
	ForContentSharing bool `json:"forContentSharing"`
	ForVideo          bool `json:"forVideo"`
}

// encodeRecord returns the JSON of m's unindexed fields.
func encodeRecord(m *meetd.Meeting) ([]byte, error) {
	for _, t := range []time.Time{m.Start, m.End, m.Created, m.Modified} {
		if y := t.UTC().Year(); y < 1 || y > 9999 {
			return nil, meetd.Errorf(meetd.EINVALID, "Times must fall in the years 1 to 9999.")
		}
	}
	st := m.Settings
	r := record{
		Subject:          m.Subject,
		Start:            m.Start.UTC(),
		End:              m.End.UTC(),
		Created:          m.Created.UTC(),
		Modified:         m.Modified.UTC(),
		Passcode:         m.Passcode,
		PasscodeRequired: m.PasscodeRequired,
		ConferenceID:     m.ConferenceID,
		ChatInfo:         chatInfo(m.ChatInfo),
		Organizer:        fromParticipant(m.Organizer),
		Settings: settings{
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
		r.Attendees = make([]participant, len(m.Attendees))
		for i, a := range m.Attendees {
			r.Attendees[i] = fromParticipant(a)
		}
	}
	if st.AnonymizeIdentityForRoles != nil {
		r.Settings.AnonymizeIdentityForRoles = make([]string, len(st.AnonymizeIdentityForRoles))
		for i, role := range st.AnonymizeIdentityForRoles {
			r.Settings.AnonymizeIdentityForRoles[i] = string(role)
		}
	}
	if st.Watermark != nil {
		r.Settings.Watermark = &watermark{ForContentSharing: st.Watermark.ForContentSharing, ForVideo: st.Watermark.ForVideo}
	}
	return json.Marshal(r)
}

// decodeRecord sets m's unindexed fields from their JSON.
func decodeRecord(m *meetd.Meeting, data []byte) error {
	var r record
	if err := json.Unmarshal(data, &r); err != nil {
		return fmt.Errorf("meeting %s: data: %w", m.ID, err)
	}
	st := r.Settings
	m.Subject = r.Subject
	m.Start, m.End, m.Created, m.Modified = r.Start.UTC(), r.End.UTC(), r.Created.UTC(), r.Modified.UTC()
	m.Passcode = r.Passcode
	m.PasscodeRequired = r.PasscodeRequired
	m.ConferenceID = r.ConferenceID
	m.ChatInfo = meetd.ChatInfo(r.ChatInfo)
	m.Organizer = toParticipant(r.Organizer)
	m.Settings = meetd.Settings{
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
	}
	m.Attendees = nil
	if r.Attendees != nil {
		m.Attendees = make([]meetd.Participant, len(r.Attendees))
		for i, a := range r.Attendees {
			m.Attendees[i] = toParticipant(a)
		}
	}
	if st.AnonymizeIdentityForRoles != nil {
		m.Settings.AnonymizeIdentityForRoles = make([]meetd.Role, len(st.AnonymizeIdentityForRoles))
		for i, role := range st.AnonymizeIdentityForRoles {
			m.Settings.AnonymizeIdentityForRoles[i] = meetd.Role(role)
		}
	}
	if st.Watermark != nil {
		m.Settings.Watermark = &meetd.Watermark{ForContentSharing: st.Watermark.ForContentSharing, ForVideo: st.Watermark.ForVideo}
	}
	return nil
}

func fromParticipant(p meetd.Participant) participant {
	return participant{
		Kind:        string(p.Identity.Kind),
		ID:          p.Identity.ID,
		DisplayName: p.Identity.DisplayName,
		TenantID:    p.Identity.TenantID,
		UPN:         p.UPN,
		Role:        string(p.Role),
	}
}

func toParticipant(p participant) meetd.Participant {
	return meetd.Participant{
		Identity: meetd.Identity{Kind: meetd.IdentityKind(p.Kind), ID: p.ID, DisplayName: p.DisplayName, TenantID: p.TenantID},
		UPN:      p.UPN,
		Role:     meetd.Role(p.Role),
	}
}
