package record

import (
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/meetd/meetd"
)

// fullMeeting returns a meeting with every stored field set: the meeting of
// testdata/full.json, which internal/sqlite's encoder wrote before this
// package took it over, and of testdata/jsonb-full.json, PostgreSQL's text of
// that document as jsonb.
func fullMeeting() *meetd.Meeting {
	start := time.Date(2025, 4, 1, 9, 0, 0, 123456700, time.UTC)
	created := time.Date(2025, 3, 14, 15, 9, 26, 535897900, time.UTC)
	return &meetd.Meeting{
		ID: "MSpvcmcqMCoqMTk6bWVldGluZw==", TenantID: "tenant", OrganizerID: "e212aa9e-402b-4832-a87f-3c6dff571edb",
		ExternalID: "ext", CreatedBy: "app", Version: 3, ThreadID: "19:meeting_BNAZ9VnLYVzbzLGgRueBFqseO5nAJ6O6@thread.v2",
		JoinMeetingID: "1234567890123", VideoTeleconferenceID: "1234567890",

		Subject: "Weekly sync — ünï 🎉 \"q\" \\ <b>&amp; \u2028 \t\n bad \ufffd",
		Start:   start, End: start.Add(90 * time.Minute),
		Created: created, Modified: created.Add(time.Second + 100),
		Passcode: "Ab3dE9", PasscodeRequired: true, ConferenceID: "631977756",
		ChatInfo: meetd.ChatInfo{ThreadID: "19:meeting_BNAZ9VnLYVzbzLGgRueBFqseO5nAJ6O6@thread.v2", MessageID: "0", ReplyChainMessageID: "1700000000000"},
		Organizer: meetd.Participant{Identity: meetd.Identity{Kind: meetd.IdentityUser, ID: "e212aa9e-402b-4832-a87f-3c6dff571edb",
			DisplayName: "Ada Organizer", TenantID: "tenant"}, UPN: "ada@contoso.example", Role: meetd.RolePresenter},
		Attendees: []meetd.Participant{
			{Identity: meetd.Identity{Kind: meetd.IdentityUser, ID: "ab7dcf08-bfeb-479f-aaa1-88c862b9e195", DisplayName: "Bo Attendee", TenantID: "tenant"},
				UPN: "bo@contoso.example", Role: meetd.RoleAttendee},
			{Identity: meetd.Identity{Kind: meetd.IdentityGuest, ID: "guest-1", DisplayName: "Guest"}, Role: meetd.RoleProducer},
			{Identity: meetd.Identity{Kind: meetd.IdentityPhone, ID: "+15555550100"}, Role: meetd.RoleCoorganizer},
			{Identity: meetd.Identity{Kind: meetd.IdentityApplication, ID: "4b566b69-a07d-4bb5-ac6a-1383d0dc6821", DisplayName: "Bot"},
				UPN: "bot@contoso.example", Role: meetd.RolePresenter},
		},
		Settings: meetd.Settings{
			AllowedPresenters: "roleIsPresenter", AllowedLobbyAdmitters: "organizerAndCoOrganizers", LobbyBypassScope: "invited",
			DialInBypass: true, IsEntryExitAnnounced: true, AllowMeetingChat: "limited", AllowLiveShare: "disabled",
			AllowTeamworkReactions: true, AllowAttendeeToEnableCamera: true, AllowAttendeeToEnableMic: true, AllowBreakoutRooms: true,
			AllowCopyingAndSharingMeetingContent: true, AllowPowerPointSharing: true, AllowRecording: true, AllowTranscription: true,
			AllowWhiteboard: true, RecordAutomatically: true,
			AnonymizeIdentityForRoles: []meetd.Role{meetd.RoleAttendee, meetd.RolePresenter},
			Watermark:                 &meetd.Watermark{ForContentSharing: true, ForVideo: false},
		},
	}
}

// emptyMeeting is fullMeeting with what Encode leaves out left empty: the
// meeting of testdata/empty.json.
func emptyMeeting() *meetd.Meeting {
	m := fullMeeting()
	m.Subject, m.Attendees, m.Settings = "", nil, meetd.Settings{}
	m.Passcode, m.PasscodeRequired = "", false
	return m
}

func readFile(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// decoded returns what Decode makes of data, failing the test on an error.
func decoded(tb testing.TB, data []byte) *meetd.Meeting {
	tb.Helper()
	m := new(meetd.Meeting)
	if err := Decode(m, data); err != nil {
		tb.Fatalf("Decode(%s): %v", data, err)
	}
	return m
}

// dataOf returns m with only the fields Decode sets, for comparing.
func dataOf(m *meetd.Meeting) *meetd.Meeting {
	return &meetd.Meeting{
		Subject: m.Subject, Start: m.Start.UTC(), End: m.End.UTC(), Created: m.Created.UTC(), Modified: m.Modified.UTC(),
		Passcode: m.Passcode, PasscodeRequired: m.PasscodeRequired, ConferenceID: m.ConferenceID,
		ChatInfo: m.ChatInfo, Organizer: m.Organizer, Attendees: m.Attendees, Settings: m.Settings,
	}
}

func wantMeeting(tb testing.TB, what string, got, want *meetd.Meeting) {
	tb.Helper()
	if !reflect.DeepEqual(got, want) {
		tb.Fatalf("%s:\ngot  %+v\nwant %+v", what, got, want)
	}
}

// TestEncodeWritesWhatSQLiteWrote pins the text: a data column written by
// this package reads in an older meetd, and the reverse.
func TestEncodeWritesWhatSQLiteWrote(t *testing.T) {
	// The file was written from an invalid byte where fullMeeting has the
	// U+FFFD that it reads back as.
	full := fullMeeting()
	full.Subject = strings.Replace(full.Subject, "\ufffd", "\xff", 1)
	for _, tc := range []struct {
		file string
		m    *meetd.Meeting
	}{
		{"testdata/full.json", full},
		{"testdata/empty.json", emptyMeeting()},
	} {
		got, err := Encode(tc.m)
		if err != nil {
			t.Fatal(err)
		}
		if want := readFile(t, tc.file); string(got) != string(want) {
			t.Errorf("Encode of the meeting of %s:\ngot  %s\nwant %s", tc.file, got, want)
		}
	}
}

// roundTrips are meetings that must read back as they were written, up to
// what the document cannot hold: times come back in UTC and invalid UTF-8
// as U+FFFD, as they did with encoding/json.
var roundTrips = []struct {
	name   string
	change func(m *meetd.Meeting)
	want   func(m *meetd.Meeting) // the change a read makes, if any
}{
	{"every field set", func(m *meetd.Meeting) {}, nil},
	{"every field empty", func(m *meetd.Meeting) { *m = meetd.Meeting{} }, nil},
	{"nil attendees, roles and watermark", func(m *meetd.Meeting) {
		m.Attendees, m.Settings.AnonymizeIdentityForRoles, m.Settings.Watermark = nil, nil, nil
	}, nil},
	{"empty attendees and roles, watermark and chat restrictions all false", func(m *meetd.Meeting) {
		m.Attendees, m.Settings.AnonymizeIdentityForRoles = []meetd.Participant{}, []meetd.Role{}
		m.Settings.Watermark, m.Settings.ChatRestrictions = &meetd.Watermark{}, &meetd.ChatRestrictions{}
	}, nil},
	{"one attendee", func(m *meetd.Meeting) { m.Attendees = m.Attendees[:1] }, nil},
	{"eleven attendees", func(m *meetd.Meeting) {
		for len(m.Attendees) < 11 {
			a := m.Attendees[len(m.Attendees)%4]
			a.Identity.DisplayName += " again"
			m.Attendees = append(m.Attendees, a)
		}
		m.Settings.AnonymizeIdentityForRoles = append(meetd.RoleValues, meetd.RoleValues...)
	}, nil},
	{"default settings", func(m *meetd.Meeting) { m.Settings = meetd.DefaultSettings() }, nil},
	{"settings added after full.json", func(m *meetd.Meeting) {
		st := &m.Settings
		st.AllowParticipantsToChangeName, st.IsEndToEndEncryptionEnabled, st.ShareMeetingChatHistoryDefault = true, true, "none"
		st.ChatRestrictions = &meetd.ChatRestrictions{AllowTextOnly: true}
	}, nil},
	{"empty participants among others", func(m *meetd.Meeting) {
		m.Organizer = meetd.Participant{}
		m.Attendees = []meetd.Participant{{}, m.Attendees[0], {}}
		m.Settings.AnonymizeIdentityForRoles = []meetd.Role{"", "attendee", ""}
	}, nil},
	{"unicode", func(m *meetd.Meeting) {
		m.Subject = "会議 Besprechung réunion 🎉👩‍👩‍👧 \u00a0\u2028\u2029\ufeff\U0010ffff"
		m.Attendees[0].Identity.DisplayName = "Zoë Åström-Ødegård"
		m.Settings.AllowedPresenters = "ünknown"
	}, nil},
	{"every control character and JSON's own", func(m *meetd.Meeting) {
		var b strings.Builder
		for c := range 0x20 {
			b.WriteByte(byte(c))
		}
		m.Subject = b.String() + "\x7f\"\\/ <>&"
		m.Passcode = `{"not": "json"}`
		m.ChatInfo.MessageID = `\u0041`
	}, nil},
	{"invalid UTF-8", func(m *meetd.Meeting) {
		m.Subject = "bad: \xff\xfe \xc3 \xed\xa0\x80 end"
		m.Organizer.UPN = "\xc3"
	}, func(m *meetd.Meeting) {
		m.Subject = "bad: \ufffd\ufffd \ufffd \ufffd\ufffd\ufffd end"
		m.Organizer.UPN = "\ufffd"
	}},
	{"zero times", func(m *meetd.Meeting) {
		m.Start, m.End, m.Created, m.Modified = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	}, nil},
	{"times at the ends of the range", func(m *meetd.Meeting) {
		m.Start = time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC)
		m.End = time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC)
		m.Created = time.Date(2024, 2, 29, 12, 0, 0, 1, time.UTC)
		m.Modified = time.Date(1969, 12, 31, 23, 59, 59, 100, time.UTC)
	}, nil},
	{"times in other zones", func(m *meetd.Meeting) {
		m.Start = time.Date(2025, 1, 1, 0, 30, 0, 100, time.FixedZone("x", 3600))
		m.End = time.Date(2025, 1, 1, 0, 0, 0, 0, time.FixedZone("y", -(5*3600+30*60)))
		m.Created = time.Date(2025, 6, 1, 12, 0, 0, 0, time.Local)
	}, nil},
}

// TestRoundTrip checks that Decode reads what Encode writes, as
// encoding/json read it before, and leaves the fields with columns alone.
func TestRoundTrip(t *testing.T) {
	for _, tc := range roundTrips {
		t.Run(tc.name, func(t *testing.T) {
			m := fullMeeting()
			tc.change(m)
			b, err := Encode(m)
			if err != nil {
				t.Fatal(err)
			}
			want := dataOf(m)
			if tc.want != nil {
				tc.want(want)
			}

			got := fullMeeting()
			got.Subject = "stale"
			if err := Decode(got, b); err != nil {
				t.Fatalf("Decode(%s): %v", b, err)
			}
			columns := *fullMeeting()
			if got.ID != columns.ID || got.TenantID != columns.TenantID || got.ThreadID != columns.ThreadID || got.Version != columns.Version {
				t.Fatalf("Decode changed the fields with columns: got %+v", got)
			}
			wantMeeting(t, "Decode(Encode(m))", dataOf(got), want)

			var legacy meetd.Meeting
			if err := decodeLegacy(&legacy, b); err != nil {
				t.Fatalf("encoding/json cannot read %s: %v", b, err)
			}
			wantMeeting(t, "encoding/json's read of Encode(m)", &legacy, want)
		})
	}
}

// TestDecodeReadsThePostgresStoresOldText checks that meetings the PostgreSQL
// store wrote with encoding/json, every member present, read as they were.
func TestDecodeReadsThePostgresStoresOldText(t *testing.T) {
	for _, tc := range roundTrips {
		t.Run(tc.name, func(t *testing.T) {
			m := fullMeeting()
			tc.change(m)
			for _, tm := range []time.Time{m.Start, m.End, m.Created, m.Modified} {
				if tm.UTC().Year() < 1 {
					t.Skip("the PostgreSQL store refused times before the year 1")
				}
			}
			b, err := encodeLegacyPostgres(m)
			if err != nil {
				t.Fatal(err)
			}
			want := dataOf(m)
			if tc.want != nil {
				tc.want(want)
			}
			withoutLaterSettings(want)
			wantMeeting(t, "Decode of the PostgreSQL store's old text", dataOf(decoded(t, b)), want)
		})
	}
}

func TestEncodeRefusesYearsRFC3339CannotHold(t *testing.T) {
	for _, tc := range []struct {
		name string
		t    time.Time
		ok   bool
	}{
		{"year 0", time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC), true},
		{"year 9999", time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC), true},
		{"year 9999 here, 10000 in UTC", time.Date(9999, 12, 31, 23, 0, 0, 0, time.FixedZone("x", -2*3600)), false},
		{"year 10000", time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), false},
		{"year -1", time.Date(-1, 12, 31, 0, 0, 0, 0, time.UTC), false},
	} {
		m := fullMeeting()
		m.End = tc.t
		_, err := Encode(m)
		if got := err == nil; got != tc.ok {
			t.Errorf("Encode with end %v: got error %v, want ok %t", tc.t, err, tc.ok)
		}
		if err != nil && !strings.Contains(err.Error(), "year") {
			t.Errorf("Encode with end %v: got %q, want it to name the year", tc.t, err)
		}
	}
}

// TestInternAllocatesNothing checks that every enumeration member the domain
// knows reads without a string of its own.
func TestInternAllocatesNothing(t *testing.T) {
	var values []string
	values = append(values, meetd.PresenterValues...)
	values = append(values, meetd.LobbyScopeValues...)
	values = append(values, meetd.MeetingChatValues...)
	values = append(values, meetd.LobbyAdmitterValues...)
	values = append(values, meetd.LiveShareValues...)
	for _, r := range meetd.RoleValues {
		values = append(values, string(r))
	}
	for _, k := range []meetd.IdentityKind{meetd.IdentityUser, meetd.IdentityGuest, meetd.IdentityPhone, meetd.IdentityApplication} {
		values = append(values, string(k))
	}
	for _, v := range values {
		b := []byte(v)
		var got string
		if n := testing.AllocsPerRun(10, func() { got = intern(b) }); n != 0 || got != v {
			t.Errorf("intern(%q): got %q with %v allocations, want it with 0", v, got, n)
		}
	}
}

// TestDecodeKeepsNoReferenceToItsInput checks that a meeting survives its
// document's bytes being reused, as pgx reuses its read buffer.
func TestDecodeKeepsNoReferenceToItsInput(t *testing.T) {
	for _, file := range []string{"testdata/full.json", "testdata/jsonb-full.json"} {
		data := readFile(t, file)
		m := decoded(t, data)
		for i := range data {
			data[i] = 'x'
		}
		wantMeeting(t, "the meeting after its input was overwritten", dataOf(m), dataOf(fullMeeting()))
	}
}

// withoutLaterSettings clears the settings added after the PostgreSQL
// store's old shapes: its rows read without them.
func withoutLaterSettings(m *meetd.Meeting) {
	st := &m.Settings
	st.AllowParticipantsToChangeName, st.IsEndToEndEncryptionEnabled = false, false
	st.ShareMeetingChatHistoryDefault, st.ChatRestrictions = "", nil
}
