package meetd

import (
	"strings"
	"time"
)

// Meeting is an online meeting as meetd stores it. Its key for createOrGet is
// (TenantID, OrganizerID, ExternalID); ID, ThreadID, JoinMeetingID and
// VideoTeleconferenceID are unique too.
type Meeting struct {
	ID          string // Graph id: base64 of "1*{organizer}*0**{thread}"
	TenantID    string
	OrganizerID string
	ExternalID  string // "" for meetings made by a plain create
	CreatedBy   string // app id of the token that created it (monthly limit)
	Version     int64  // 1 on create, +1 on every update

	Subject  string // "" is returned as null
	Start    time.Time
	End      time.Time
	Created  time.Time
	Modified time.Time

	ThreadID              string // "19:meeting_…@thread.v2"; joinWebUrl is built from it
	JoinMeetingID         string // numeric, unique across the store
	Passcode              string
	PasscodeRequired      bool
	VideoTeleconferenceID string
	ConferenceID          string // audio conferencing id; numbers come from server settings

	ChatInfo  ChatInfo
	Organizer Participant
	Attendees []Participant

	Settings Settings
}

// Clone returns a deep copy of m. Stores keep their own copies, so that they
// never share memory with a caller's meeting.
func (m *Meeting) Clone() *Meeting {
	c := *m
	if m.Attendees != nil {
		c.Attendees = append(make([]Participant, 0, len(m.Attendees)), m.Attendees...)
	}
	if r := m.Settings.AnonymizeIdentityForRoles; r != nil {
		c.Settings.AnonymizeIdentityForRoles = append(make([]Role, 0, len(r)), r...)
	}
	if w := m.Settings.Watermark; w != nil {
		cw := *w
		c.Settings.Watermark = &cw
	}
	if r := m.Settings.ChatRestrictions; r != nil {
		cr := *r
		c.Settings.ChatRestrictions = &cr
	}
	return &c
}

// Key returns the createOrGet key of m.
func (m *Meeting) Key() Key {
	return Key{TenantID: m.TenantID, OrganizerID: m.OrganizerID, ExternalID: m.ExternalID}
}

// Key identifies a meeting with an external id: Graph documents that the
// combination of tenant, user and externalId is the identifier.
type Key struct {
	TenantID    string
	OrganizerID string
	ExternalID  string
}

// IsAttendee reports whether the user with the given object id is invited.
// Object ids are GUIDs, which compare without case: a body may spell an
// attendee's in upper case, while tokens and paths are lower-cased.
func (m *Meeting) IsAttendee(userID string) bool {
	for _, a := range m.Attendees {
		if strings.EqualFold(a.Identity.ID, userID) && a.Identity.Kind == IdentityUser {
			return true
		}
	}
	return false
}

// ChatInfo points at the meeting's chat thread.
type ChatInfo struct {
	ThreadID            string
	MessageID           string
	ReplyChainMessageID string
}

// IdentityKind says which member of a Graph identitySet an identity is.
type IdentityKind string

// The identity kinds meetd keeps.
const (
	IdentityUser        IdentityKind = "user"
	IdentityGuest       IdentityKind = "guest"
	IdentityPhone       IdentityKind = "phone"
	IdentityApplication IdentityKind = "application"
)

// Identity is one member of an identitySet.
type Identity struct {
	Kind        IdentityKind
	ID          string
	DisplayName string
	TenantID    string
}

// Participant is a meetingParticipantInfo.
type Participant struct {
	Identity Identity
	UPN      string
	Role     Role // "" is returned as null
}

// Role is an onlineMeetingRole.
type Role string

// Roles. Producer and Coorganizer are evolvable members: Graph returns them only
// to callers that ask with Prefer: include-unknown-enum-members.
const (
	RoleAttendee    Role = "attendee"
	RolePresenter   Role = "presenter"
	RoleProducer    Role = "producer"
	RoleCoorganizer Role = "coorganizer"
)

// Settings are the meeting options a PATCH may change.
type Settings struct {
	AllowedPresenters     string // onlineMeetingPresenters
	AllowedLobbyAdmitters string // allowedLobbyAdmitterRoles; "" is null
	LobbyBypassScope      string // lobbyBypassScope
	DialInBypass          bool
	IsEntryExitAnnounced  bool
	AllowMeetingChat      string // meetingChatMode
	AllowLiveShare        string // meetingLiveShareOptions

	AllowTeamworkReactions               bool
	AllowAttendeeToEnableCamera          bool
	AllowAttendeeToEnableMic             bool
	AllowBreakoutRooms                   bool
	AllowCopyingAndSharingMeetingContent bool
	AllowPowerPointSharing               bool
	AllowRecording                       bool
	AllowTranscription                   bool
	AllowWhiteboard                      bool
	RecordAutomatically                  bool
	AllowParticipantsToChangeName        bool
	IsEndToEndEncryptionEnabled          bool

	ShareMeetingChatHistoryDefault string // meetingChatHistoryDefaultMode; "" is null

	AnonymizeIdentityForRoles []Role
	Watermark                 *Watermark        // nil is null
	ChatRestrictions          *ChatRestrictions // nil is null
}

// ChatRestrictions is chatRestrictions: what the meeting chat allows.
type ChatRestrictions struct {
	AllowTextOnly bool
}

// Watermark is watermarkProtectionValues.
type Watermark struct {
	ForContentSharing bool
	ForVideo          bool
}

// DefaultSettings returns the options a new meeting gets: the defaults Graph
// shows for a tenant with Teams' default meeting policy.
func DefaultSettings() Settings {
	return Settings{
		AllowedPresenters:                    "everyone",
		AllowedLobbyAdmitters:                "organizerAndCoOrganizersAndPresenters",
		LobbyBypassScope:                     "organization",
		IsEntryExitAnnounced:                 true,
		AllowMeetingChat:                     "enabled",
		AllowLiveShare:                       "enabled",
		AllowTeamworkReactions:               true,
		AllowAttendeeToEnableCamera:          true,
		AllowAttendeeToEnableMic:             true,
		AllowBreakoutRooms:                   true,
		AllowCopyingAndSharingMeetingContent: true,
		AllowPowerPointSharing:               true,
		AllowRecording:                       true,
		AllowTranscription:                   true,
		AllowWhiteboard:                      true,
		AnonymizeIdentityForRoles:            []Role{},
	}
}

// Enumeration members accepted on input, per Graph's schema.
var (
	PresenterValues     = []string{"everyone", "organization", "roleIsPresenter", "organizer"}
	LobbyScopeValues    = []string{"organizer", "organization", "organizationAndFederated", "everyone", "invited", "organizationExcludingGuests"}
	MeetingChatValues   = []string{"enabled", "disabled", "limited"}
	LobbyAdmitterValues = []string{"organizerAndCoOrganizersAndPresenters", "organizerAndCoOrganizers"}
	LiveShareValues     = []string{"enabled", "disabled"}
	ChatHistoryValues   = []string{"all", "none"}
	RoleValues          = []Role{RoleAttendee, RolePresenter, RoleProducer, RoleCoorganizer}
)
