package graph

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/meetd/meetd"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// testRenderer renders under a local base URL with audio conferencing set.
func testRenderer() *Renderer {
	return NewRenderer(RendererOptions{
		BaseURL: "http://127.0.0.1:8080/",
		Audio: AudioSettings{
			TollNumber:     "+1 425-555-0100",
			TollFreeNumber: "+1 800-555-0199",
			DialinURL:      "https://dialin.example.com/?id=1&x=<2>",
		},
	})
}

const (
	testTenant    = "72f988bf-86f1-41af-91ab-2d7cd011db47"
	testOrganizer = "b7217c01-be30-4711-8ee9-0fb83511e451"
	testThread    = "19:meeting_NzQ5ZDY3MzYtYTMyMi00ZTk1LWI1MmEtZWQ5Mjc0ZWU5@thread.v2"
)

// testMeeting returns a meeting with every kind of participant and some
// evolvable enum members set.
func testMeeting() *meetd.Meeting {
	created := time.Date(2019, 7, 11, 2, 47, 17, 651138000, time.UTC)
	m := &meetd.Meeting{
		ID:                    meetd.MeetingID(testOrganizer, testThread),
		TenantID:              testTenant,
		OrganizerID:           testOrganizer,
		ExternalID:            "7eb8263f-d0e0-4149-bb1c-1f0476083c56",
		Version:               1,
		Subject:               `Quarterly "review" <draft> & notes \ 🎉`,
		Start:                 time.Date(2019, 7, 12, 21, 30, 34, 244491500, time.UTC),
		End:                   time.Date(2019, 7, 12, 22, 0, 0, 0, time.UTC),
		Created:               created,
		Modified:              created,
		ThreadID:              testThread,
		JoinMeetingID:         "1234567890123",
		Passcode:              "aB3xYz",
		VideoTeleconferenceID: "1234567890",
		ConferenceID:          "123456789",
		ChatInfo:              meetd.ChatInfo{ThreadID: testThread, MessageID: "0"},
		Organizer: meetd.Participant{
			Identity: meetd.Identity{Kind: meetd.IdentityUser, ID: testOrganizer, TenantID: testTenant},
			UPN:      "organizer@contoso.com",
			Role:     meetd.RolePresenter,
		},
		Attendees: []meetd.Participant{
			{Identity: meetd.Identity{Kind: meetd.IdentityUser, ID: "1f35f2e6-9cab-44ad-8d5a-b74c14720000", DisplayName: "Test One", TenantID: testTenant}, UPN: "test1@contoso.com"},
			{Identity: meetd.Identity{Kind: meetd.IdentityUser, ID: "2f35f2e6-9cab-44ad-8d5a-b74c14720000"}, UPN: "co@contoso.com", Role: meetd.RoleCoorganizer},
			{Identity: meetd.Identity{Kind: meetd.IdentityGuest, ID: "guest-1", DisplayName: "A Guest"}, Role: meetd.RoleAttendee},
			{Identity: meetd.Identity{Kind: meetd.IdentityPhone, ID: "+14255550123"}},
			{Identity: meetd.Identity{Kind: meetd.IdentityApplication, ID: "app-1", DisplayName: "Bot"}, Role: meetd.RoleProducer},
			{UPN: "upn-only@contoso.com", Role: meetd.RolePresenter},
		},
		Settings: meetd.DefaultSettings(),
	}
	m.Settings.LobbyBypassScope = "invited"
	m.Settings.AnonymizeIdentityForRoles = []meetd.Role{meetd.RoleAttendee, meetd.RoleCoorganizer}
	m.Settings.Watermark = &meetd.Watermark{ForVideo: true}
	return m
}

// golden compares got with testdata/name, or rewrites it with -update. JSON
// is indented in the file so that a diff reads well.
func golden(t testing.TB, name string, got []byte) {
	t.Helper()
	if !json.Valid(got) {
		t.Fatalf("%s: output is not valid JSON: %s", name, got)
	}
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, got, "", "  "); err != nil {
		t.Fatal(err)
	}
	pretty.WriteByte('\n')
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, pretty.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(pretty.Bytes(), want) {
		t.Errorf("%s: got\n%s\nwant\n%s", name, pretty.Bytes(), want)
	}
}

// wantError checks that err is a *meetd.Error with the code and message.
func wantError(t testing.TB, err error, code, msg string) {
	t.Helper()
	if got := meetd.ErrorCode(err); got != code {
		t.Fatalf("got error %v (code %q), want code %q", err, got, code)
	}
	if msg != "" {
		if got := meetd.ErrorMessage(err); got != msg {
			t.Errorf("got message %q, want %q", got, msg)
		}
	}
}
