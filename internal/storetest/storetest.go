// Package storetest is the conformance suite every meetd.Store must pass.
//
// A store's own test calls Run with a function that opens a fresh, empty
// store:
//
//	func TestStore(t *testing.T) {
//		storetest.Run(t, func(t testing.TB) meetd.Store {
//			s, err := sqlite.Open(filepath.Join(t.TempDir(), "meetd.db"), sqlite.Options{})
//			if err != nil {
//				t.Fatal(err)
//			}
//			return s
//		})
//	}
//
// Run closes every store it opens. Beyond what meetd.Store documents, the
// suite pins down what the Service and the HTTP layer rely on:
//   - times come back exactly (100 ns precision) and in UTC; empty slices
//     come back empty, not nil; a nil Watermark stays nil;
//   - a store keeps its own copy of a meeting it is given;
//   - the ids of a deleted meeting stay taken (its thread still answers
//     MeetingByThread), while its external id is free again;
//   - a look-up that matches nothing (FindMeetings, Policies, Assignment)
//     returns an empty result and no error;
//   - granting a policy to a user, or globally, replaces the previous grant;
//     granting the same one again is not an error.
//
// Every meeting the suite stores has the ID meetd.MeetingID(OrganizerID,
// ThreadID), as meetd.Service makes them, so a store may rely on that (the
// SQLite store finds a meeting by id through its thread).
package storetest

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"math/big"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/meetd/meetd"
)

// Run runs the suite: each subtest opens a fresh, empty store with open and
// closes it when done.
func Run(t *testing.T, open func(t testing.TB) meetd.Store) {
	s := suite{open: open}
	tests := []struct {
		name string
		fn   func(*testing.T, suite)
	}{
		{"CreateOrGetMeeting/CreatesThenHits", testCreateThenHit},
		{"CreateOrGetMeeting/RoundTrip", testRoundTrip},
		{"CreateOrGetMeeting/KeepsItsOwnCopy", testKeepsOwnCopy},
		{"CreateOrGetMeeting/Race", testCreateOrGetRace},
		{"CreateOrGetMeeting/ManyKeysAtOnce", testManyKeysAtOnce},
		{"CreateOrGetMeeting/KeyScope", testKeyScope},
		{"CreateOrGetMeeting/Conflict", testCreateOrGetConflict},
		{"CreateOrGetMeeting/DeletedMeetingKeepsItsIDs", testDeletedKeepsIDs},
		{"CreateMeeting/Stores", testCreateMeeting},
		{"CreateMeeting/TwoWithoutExternalID", testTwoWithoutExternalID},
		{"CreateMeeting/Conflict", testCreateMeetingConflict},
		{"Meeting", testMeetingByID},
		{"MeetingByKey", testMeetingByKey},
		{"FindMeetings", testFindMeetings},
		{"MeetingByThread", testMeetingByThread},
		{"UpdateMeeting/VisibleEverywhere", testUpdateVisible},
		{"UpdateMeeting/StaleVersion", testUpdateStale},
		{"UpdateMeeting/Race", testUpdateRace},
		{"UpdateMeeting/Gone", testUpdateGone},
		{"DeleteMeeting/GoneEverywhere", testDeleteGone},
		{"DeleteMeeting/NotFound", testDeleteNotFound},
		{"CreateMeetingWithin/Counts", testQuotaCounts},
		{"CreateMeetingWithin/KeysAndIDs", testQuotaKeysAndIDs},
		{"CreateMeetingWithin/Race", testQuotaRace},
		{"CreatePolicy/Duplicate", testCreatePolicyDuplicate},
		{"Policies", testPolicies},
		{"GrantPolicy/User", testGrantUser},
		{"GrantPolicy/Global", testGrantGlobal},
		{"GrantPolicy/Unknown", testGrantUnknown},
		{"RevokePolicy", testRevoke},
		{"DeletePolicy", testDeletePolicy},
		{"Assignment", testAssignment},
		{"Ping", testPing},
		{"Close", testClose},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, s) })
	}
}

type suite struct {
	open func(t testing.TB) meetd.Store
}

// store opens a fresh store that is closed when the test ends.
func (s suite) store(t testing.TB) meetd.Store {
	t.Helper()
	st := s.open(t)
	t.Cleanup(func() {
		if err := st.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return st
}

// NewObjectID returns a random Entra object id (a lower-case GUID).
func NewObjectID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// NewThreadID returns a random meeting chat thread id.
func NewThreadID() string {
	var b [24]byte
	rand.Read(b[:])
	return "19:meeting_" + base64.RawURLEncoding.EncodeToString(b[:]) + "@thread.v2"
}

// digits returns n random decimal digits, the first not zero.
func digits(n int) string {
	var sb strings.Builder
	for i := range n {
		lo := int64(0)
		if i == 0 {
			lo = 1
		}
		d, _ := rand.Int(rand.Reader, big.NewInt(10-lo))
		sb.WriteByte(byte('0' + lo + d.Int64()))
	}
	return sb.String()
}

// Fixed times with all seven sub-second digits set, so that a store that
// keeps less than 100 ns precision fails.
var (
	created = time.Date(2025, 3, 14, 15, 9, 26, 535897900, time.UTC)
	start   = time.Date(2025, 4, 1, 9, 0, 0, 123456700, time.UTC)
)

// NewMeeting returns a valid live meeting of the organizer in the tenant with
// the external id ("" for none). Every field is set to a value other than
// its zero, and its ids are drawn at random so that it collides with no
// other meeting.
func NewMeeting(tb testing.TB, tenantID, organizerID, externalID string) *meetd.Meeting {
	tb.Helper()
	thread := NewThreadID()
	return &meetd.Meeting{
		ID:                    meetd.MeetingID(organizerID, thread),
		TenantID:              tenantID,
		OrganizerID:           organizerID,
		ExternalID:            externalID,
		CreatedBy:             NewObjectID(),
		Version:               1,
		Subject:               "Weekly sync",
		Start:                 start,
		End:                   start.Add(90 * time.Minute),
		Created:               created,
		Modified:              created.Add(time.Second + 100),
		ThreadID:              thread,
		JoinMeetingID:         digits(13),
		Passcode:              "Ab3dE9",
		PasscodeRequired:      true,
		VideoTeleconferenceID: digits(10),
		ConferenceID:          digits(9),
		ChatInfo:              meetd.ChatInfo{ThreadID: thread, MessageID: "0", ReplyChainMessageID: "1700000000000"},
		Organizer: meetd.Participant{
			Identity: meetd.Identity{Kind: meetd.IdentityUser, ID: organizerID, DisplayName: "Ada Organizer", TenantID: tenantID},
			UPN:      "ada@contoso.example",
			Role:     meetd.RolePresenter,
		},
		Attendees: []meetd.Participant{
			{Identity: meetd.Identity{Kind: meetd.IdentityUser, ID: NewObjectID(), DisplayName: "Bo Attendee", TenantID: tenantID}, UPN: "bo@contoso.example", Role: meetd.RoleAttendee},
			{Identity: meetd.Identity{Kind: meetd.IdentityGuest, ID: "guest-1", DisplayName: "Guest"}, Role: meetd.RoleProducer},
			{Identity: meetd.Identity{Kind: meetd.IdentityPhone, ID: "+15555550100"}, Role: meetd.RoleCoorganizer},
			{Identity: meetd.Identity{Kind: meetd.IdentityApplication, ID: NewObjectID(), DisplayName: "Bot"}, UPN: "bot@contoso.example", Role: meetd.RolePresenter},
		},
		Settings: meetd.Settings{
			AllowedPresenters:                    "roleIsPresenter",
			AllowedLobbyAdmitters:                "organizerAndCoOrganizers",
			LobbyBypassScope:                     "invited",
			DialInBypass:                         true,
			IsEntryExitAnnounced:                 true,
			AllowMeetingChat:                     "limited",
			AllowLiveShare:                       "disabled",
			AllowTeamworkReactions:               true,
			AllowAttendeeToEnableCamera:          true,
			AllowAttendeeToEnableMic:             true,
			AllowBreakoutRooms:                   true,
			AllowCopyingAndSharingMeetingContent: true,
			AllowPowerPointSharing:               true,
			AllowRecording:                       true,
			AllowTranscription:                   true,
			AllowWhiteboard:                      true,
			RecordAutomatically:                  true,
			AnonymizeIdentityForRoles:            []meetd.Role{meetd.RoleAttendee, meetd.RolePresenter},
			Watermark:                            &meetd.Watermark{ForContentSharing: true, ForVideo: true},
			AllowParticipantsToChangeName:        true,
			IsEndToEndEncryptionEnabled:          true,
			ShareMeetingChatHistoryDefault:       "none",
			ChatRestrictions:                     &meetd.ChatRestrictions{AllowTextOnly: true},
		},
	}
}

// wantCode fails the test unless err carries the code ("" for no error).
func wantCode(tb testing.TB, what string, err error, code string) {
	tb.Helper()
	if got := meetd.ErrorCode(err); got != code {
		tb.Fatalf("%s: got error code %q (%v), want %q", what, got, err, code)
	}
}

// wantMeeting fails the test unless got equals want field by field, times
// included with their location.
func wantMeeting(tb testing.TB, what string, got, want *meetd.Meeting) {
	tb.Helper()
	if got == nil {
		tb.Fatalf("%s: got nil meeting, want %s", what, want.ID)
	}
	if diffs := diffMeeting(got, want); len(diffs) > 0 {
		tb.Fatalf("%s: meeting differs:\n%s", what, strings.Join(diffs, "\n"))
	}
}

func diffMeeting(got, want *meetd.Meeting) []string {
	var diffs []string
	gv, wv := reflect.ValueOf(*got), reflect.ValueOf(*want)
	for i := range gv.NumField() {
		g, w := gv.Field(i).Interface(), wv.Field(i).Interface()
		if !reflect.DeepEqual(g, w) {
			diffs = append(diffs, fmt.Sprintf("  %s: got %s, want %s", gv.Type().Field(i).Name, show(g), show(w)))
		}
	}
	return diffs
}

// show prints a field value; times with their location, since a store that
// returns the right instant in another zone is still wrong.
func show(v any) string {
	var s string
	switch v := v.(type) {
	case time.Time:
		s = v.Format(time.RFC3339Nano) + " (" + v.Location().String() + ")"
	case []meetd.Participant:
		if v == nil {
			return "nil slice"
		}
		s = fmt.Sprintf("%d attendees %+v", len(v), v)
	case meetd.Settings:
		s = fmt.Sprintf("%+v (Watermark %+v, AnonymizeIdentityForRoles nil: %t)", v, v.Watermark, v.AnonymizeIdentityForRoles == nil)
	default:
		s = fmt.Sprintf("%+v", v)
	}
	if len(s) > 400 {
		s = s[:400] + "…"
	}
	return s
}

// clone returns a deep copy of m, for a test to change.
func clone(m *meetd.Meeting) *meetd.Meeting {
	c := *m
	if m.Attendees != nil {
		c.Attendees = append([]meetd.Participant{}, m.Attendees...)
	}
	if m.Settings.AnonymizeIdentityForRoles != nil {
		c.Settings.AnonymizeIdentityForRoles = append([]meetd.Role{}, m.Settings.AnonymizeIdentityForRoles...)
	}
	if m.Settings.Watermark != nil {
		w := *m.Settings.Watermark
		c.Settings.Watermark = &w
	}
	return &c
}
