package record

import (
	"reflect"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/meetd/meetd"
)

// FuzzRoundTrip checks that a meeting built from any valid text, times and
// flags reads back from its stored document exactly as it was.
//
//	go test -run XXX -fuzz FuzzRoundTrip -fuzztime 60s ./internal/record/
func FuzzRoundTrip(f *testing.F) {
	f.Add("subject", "a@b.c", "Ada", "presenter", "invited", int64(1743498000), int64(5400e9+123456700), uint32(0xffff), uint8(3))
	f.Add("", "", "", "", "", int64(0), int64(0), uint32(0), uint8(0))
	f.Add("\u2028\"\\\t\x00ü🎉", "\ufffd", "<&>", "coorganizer", "all", int64(-62135596800), int64(1), uint32(1<<31), uint8(255))
	f.Fuzz(func(t *testing.T, subject, upn, name, role, enum string, start, length int64, flags uint32, n uint8) {
		for _, s := range []string{subject, upn, name, role, enum} {
			if !utf8.ValidString(s) {
				return // the wire layer refuses such text before it is stored
			}
		}
		bit := func(i uint) bool { return flags&(1<<i) != 0 }
		s := time.Unix(start, length%1e9).UTC() // seconds, so that years 1 to 9999 are in reach
		m := fullMeeting()
		m.Subject, m.Start, m.End = subject, s, s.Add(time.Duration(length))
		m.Passcode, m.PasscodeRequired = name, bit(0)
		m.ChatInfo.ReplyChainMessageID = enum
		m.Organizer.UPN, m.Organizer.Identity.DisplayName = upn, name
		m.Attendees = nil
		if bit(1) {
			m.Attendees = []meetd.Participant{}
		}
		for i := range int(n % 5) {
			m.Attendees = append(m.Attendees, meetd.Participant{
				Identity: meetd.Identity{Kind: meetd.IdentityKind([]string{"", "user", "guest", enum}[i%4]), ID: upn, DisplayName: name, TenantID: subject},
				UPN:      upn, Role: meetd.Role(role),
			})
		}
		st := &m.Settings
		st.AllowedPresenters, st.AllowedLobbyAdmitters, st.LobbyBypassScope = enum, role, enum
		st.AllowMeetingChat, st.AllowLiveShare, st.ShareMeetingChatHistoryDefault = role, enum, role
		for i, b := range []*bool{&st.DialInBypass, &st.IsEntryExitAnnounced, &st.AllowTeamworkReactions,
			&st.AllowAttendeeToEnableCamera, &st.AllowAttendeeToEnableMic, &st.AllowBreakoutRooms,
			&st.AllowCopyingAndSharingMeetingContent, &st.AllowPowerPointSharing, &st.AllowRecording,
			&st.AllowTranscription, &st.AllowWhiteboard, &st.RecordAutomatically,
			&st.AllowParticipantsToChangeName, &st.IsEndToEndEncryptionEnabled} {
			*b = bit(uint(2 + i))
		}
		st.AnonymizeIdentityForRoles = nil
		if bit(16) {
			st.AnonymizeIdentityForRoles = []meetd.Role{meetd.Role(role), meetd.Role(enum)}
		}
		st.Watermark, st.ChatRestrictions = nil, nil
		if bit(17) {
			st.Watermark = &meetd.Watermark{ForContentSharing: bit(18), ForVideo: bit(19)}
		}
		if bit(20) {
			st.ChatRestrictions = &meetd.ChatRestrictions{AllowTextOnly: bit(21)}
		}
		b, err := Encode(m)
		if err != nil {
			inRange := func(t time.Time) bool { return t.Year() >= 0 && t.Year() <= 9999 }
			if inRange(m.Start) && inRange(m.End) {
				t.Fatalf("Encode: %v", err)
			}
			return // RFC 3339 cannot hold the year
		}
		got := &meetd.Meeting{ID: m.ID, TenantID: m.TenantID, OrganizerID: m.OrganizerID, ExternalID: m.ExternalID,
			CreatedBy: m.CreatedBy, Version: m.Version, ThreadID: m.ThreadID, JoinMeetingID: m.JoinMeetingID,
			VideoTeleconferenceID: m.VideoTeleconferenceID}
		if err := Decode(got, b); err != nil {
			t.Fatalf("Decode(Encode(m)): %v\n%s", err, b)
		}
		if !reflect.DeepEqual(got, m) {
			t.Fatalf("Decode(Encode(m)):\ngot  %+v\nwant %+v\n%s", got, m, b)
		}
	})
}
