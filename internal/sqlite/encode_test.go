package sqlite

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/internal/storetest"
)

// TestEncodeDataMatchesEncodingJSON checks the hand-written encoder against
// encoding/json on meetingData: both must decode to the same document.
func TestEncodeDataMatchesEncodingJSON(t *testing.T) {
	tests := []struct {
		name   string
		change func(m *meetd.Meeting)
	}{
		{"every field set", func(m *meetd.Meeting) {}},
		{"zero values", func(m *meetd.Meeting) {
			m.Subject, m.Passcode, m.ConferenceID, m.PasscodeRequired = "", "", "", false
			m.ChatInfo = meetd.ChatInfo{}
			m.Organizer = meetd.Participant{}
			m.Settings = meetd.Settings{}
		}},
		{"nil and empty slices", func(m *meetd.Meeting) {
			m.Attendees = nil
			m.Settings.AnonymizeIdentityForRoles = []meetd.Role{}
		}},
		{"empty attendees, nil roles", func(m *meetd.Meeting) {
			m.Attendees = []meetd.Participant{}
			m.Settings.AnonymizeIdentityForRoles = nil
		}},
		{"odd strings", func(m *meetd.Meeting) {
			m.Subject = "\"q\" \\ / <b>&amp; \u2028\u2029 ünï 🎉 \x00\x01\x1f\x7f\t\r\n\b\f end"
			m.Attendees[0].Identity.DisplayName = "bad utf-8: \xff\xfe \xc3 end"
			m.Passcode = `{"not": "json"}`
		}},
		{"times", func(m *meetd.Meeting) {
			m.Start = time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC)
			m.End = time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC)
			m.Created = time.Date(2025, 1, 1, 0, 0, 0, 100, time.FixedZone("x", 3600))
			m.Modified = time.Time{}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := storetest.NewMeeting(t, "tenant", storetest.NewObjectID(), "ext")
			tc.change(m)
			want, err := json.Marshal(toData(m))
			if err != nil {
				t.Fatal(err)
			}
			got, err := encodeData(m)
			if err != nil {
				t.Fatal(err)
			}
			var g, w meetingData
			if err := json.Unmarshal([]byte(got), &g); err != nil {
				t.Fatalf("encodeData wrote invalid JSON: %v\n%s", err, got)
			}
			if err := json.Unmarshal(want, &w); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(g, w) {
				t.Fatalf("encodeData decodes to\n%+v\nencoding/json to\n%+v", g, w)
			}
		})
	}
}

func TestEncodeDataRefusesYearsJSONCannotHold(t *testing.T) {
	m := storetest.NewMeeting(t, "tenant", storetest.NewObjectID(), "ext")
	m.End = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
	if _, err := encodeData(m); err == nil || !strings.Contains(err.Error(), "year") {
		t.Fatalf("encodeData of year 10000: got %v, want an error", err)
	}
}

// toData is what encodeData writes, built for encoding/json.
func toData(m *meetd.Meeting) *meetingData {
	d := &meetingData{
		Subject:          m.Subject,
		Start:            m.Start,
		End:              m.End,
		Created:          m.Created,
		Modified:         m.Modified,
		Passcode:         m.Passcode,
		PasscodeRequired: m.PasscodeRequired,
		ConferenceID:     m.ConferenceID,
		ChatInfo:         chatData(m.ChatInfo),
		Organizer:        fromParticipant(m.Organizer),
		Settings:         fromSettings(m.Settings),
	}
	if m.Attendees != nil {
		d.Attendees = make([]participantData, len(m.Attendees))
		for i, a := range m.Attendees {
			d.Attendees[i] = fromParticipant(a)
		}
	}
	return d
}

func fromParticipant(p meetd.Participant) participantData {
	return participantData{
		Kind:        string(p.Identity.Kind),
		ID:          p.Identity.ID,
		DisplayName: p.Identity.DisplayName,
		TenantID:    p.Identity.TenantID,
		UPN:         p.UPN,
		Role:        string(p.Role),
	}
}

func fromSettings(s meetd.Settings) settingsData {
	d := settingsData{
		AllowedPresenters:                    s.AllowedPresenters,
		AllowedLobbyAdmitters:                s.AllowedLobbyAdmitters,
		LobbyBypassScope:                     s.LobbyBypassScope,
		DialInBypass:                         s.DialInBypass,
		IsEntryExitAnnounced:                 s.IsEntryExitAnnounced,
		AllowMeetingChat:                     s.AllowMeetingChat,
		AllowLiveShare:                       s.AllowLiveShare,
		AllowTeamworkReactions:               s.AllowTeamworkReactions,
		AllowAttendeeToEnableCamera:          s.AllowAttendeeToEnableCamera,
		AllowAttendeeToEnableMic:             s.AllowAttendeeToEnableMic,
		AllowBreakoutRooms:                   s.AllowBreakoutRooms,
		AllowCopyingAndSharingMeetingContent: s.AllowCopyingAndSharingMeetingContent,
		AllowPowerPointSharing:               s.AllowPowerPointSharing,
		AllowRecording:                       s.AllowRecording,
		AllowTranscription:                   s.AllowTranscription,
		AllowWhiteboard:                      s.AllowWhiteboard,
		RecordAutomatically:                  s.RecordAutomatically,
	}
	if s.AnonymizeIdentityForRoles != nil {
		d.AnonymizeIdentityForRoles = make([]string, len(s.AnonymizeIdentityForRoles))
		for i, r := range s.AnonymizeIdentityForRoles {
			d.AnonymizeIdentityForRoles[i] = string(r)
		}
	}
	if w := s.Watermark; w != nil {
		d.Watermark = &watermarkData{ForContentSharing: w.ForContentSharing, ForVideo: w.ForVideo}
	}
	return d
}

// FuzzQuote checks that any string survives quote as it survives
// encoding/json.
func FuzzQuote(f *testing.F) {
	for _, s := range []string{"", "plain", "\"\\\n\x00\xff", "ünï 🎉", "\u2028<>&", "\xc3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var e jsonWriter
		e.quote(s)
		var got string
		if err := json.Unmarshal(e.b, &got); err != nil {
			t.Fatalf("quote(%q) wrote invalid JSON %s: %v", s, e.b, err)
		}
		b, _ := json.Marshal(s)
		var want string
		json.Unmarshal(b, &want)
		if got != want {
			t.Fatalf("quote(%q) decodes to %q, encoding/json's to %q", s, got, want)
		}
	})
}
