package meetd_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/meetd/meetd"
)

func TestMeetingIDRoundTrip(t *testing.T) {
	const org = "1f35f2e6-9cab-44ad-8d5a-b74c14720001"
	const thread = "19:meeting_abcDEF123@thread.v2"
	id := meetd.MeetingID(org, thread)
	gotOrg, gotThread, err := meetd.ParseMeetingID(id)
	if err != nil || gotOrg != org || gotThread != thread {
		t.Fatalf("ParseMeetingID(MeetingID(...)): got %q %q %v, want %q %q", gotOrg, gotThread, err, org, thread)
	}
	// Graph's shape: base64 of 1*{oid}*0**{thread}.
	raw, _ := base64.StdEncoding.DecodeString(id)
	if want := "1*" + org + "*0**" + thread; string(raw) != want {
		t.Errorf("decoded id: got %q, want %q", raw, want)
	}
}

func TestParseMeetingIDRejectsGarbage(t *testing.T) {
	b := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	for _, id := range []string{
		"",
		"garbage",
		"!!!!",
		b("0#19:meeting_x@thread.v2#0"), // a Teams client meetingId
		b("1*not-a-guid*0**19:meeting_x@thread.v2"),
		b("1*1f35f2e6-9cab-44ad-8d5a-b74c14720001*0**nothread"),
		b("1*1f35f2e6-9cab-44ad-8d5a-b74c14720001*0**19:@thread.v2"),
		b("1*1f35f2e6-9cab-44ad-8d5a-b74c14720001"),
		strings.Repeat("A", 2000),
	} {
		_, _, err := meetd.ParseMeetingID(id)
		if meetd.ErrorCode(err) != meetd.EINVALID || meetd.ErrorMessage(err) != "Meeting Id is corrupted." {
			t.Errorf("ParseMeetingID(%.40q): got %v, want EINVALID Meeting Id is corrupted.", id, err)
		}
	}
}

func TestIsObjectID(t *testing.T) {
	for s, want := range map[string]bool{
		"1f35f2e6-9cab-44ad-8d5a-b74c14720001": true,
		"1F35F2E6-9CAB-44AD-8D5A-B74C14720001": true,
		"alice@contoso.com":                    false,
		"1f35f2e69cab44ad8d5ab74c14720001":     false,
		"1f35f2e6-9cab-44ad-8d5a-b74c1472000g": false,
		"":                                     false,
	} {
		if got := meetd.IsObjectID(s); got != want {
			t.Errorf("IsObjectID(%q): got %v, want %v", s, got, want)
		}
	}
}

func TestIsThreadID(t *testing.T) {
	for s, want := range map[string]bool{
		"19:meeting_NjkyMzY1@thread.v2": true,
		"19:abc123@thread.tacv2":        true,
		"19:abc@thread.skype":           true,
		"19:@thread.v2":                 false,
		"general":                       false,
		"19:a b@thread.v2":              false,
		"19:a*b@thread.v2":              false, // '*' separates a meeting id's parts
		"20:abc@thread.v2":              false,
	} {
		if got := meetd.IsThreadID(s); got != want {
			t.Errorf("IsThreadID(%q): got %v, want %v", s, got, want)
		}
	}
}

func TestAssignmentEffective(t *testing.T) {
	user := &meetd.Policy{Name: "user", AppIDs: []string{"b"}}
	global := &meetd.Policy{Name: "global", AppIDs: []string{"a"}}
	for _, c := range []struct {
		a    meetd.Assignment
		app  string
		want bool
	}{
		{meetd.Assignment{}, "a", false},
		{meetd.Assignment{Global: global}, "a", true},
		{meetd.Assignment{Global: global, User: user}, "a", false}, // a per-user grant overrides the global one
		{meetd.Assignment{Global: global, User: user}, "b", true},
		{meetd.Assignment{User: user}, "a", false},
		{meetd.Assignment{User: &meetd.Policy{AppIDs: []string{"A1B2C3D4-0000-4000-8000-00000000000A"}}}, "a1b2c3d4-0000-4000-8000-00000000000a", true}, // GUIDs ignore case
	} {
		if got := c.a.Effective().Allows(c.app); got != c.want {
			t.Errorf("%+v allows %s: got %v, want %v", c.a, c.app, got, c.want)
		}
	}
}

// New meetings' ids sort in creation order, so that stores' indexes on them
// grow at one edge.
func TestNewIDsSortInCreationOrder(t *testing.T) {
	st := openStore(t)
	clock := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	svc := meetd.NewService(st, meetd.Options{Now: func() time.Time { clock = clock.Add(time.Millisecond); return clock }})
	var prev *meetd.Meeting
	for i := range 50 {
		m, _, err := svc.CreateOrGet(context.Background(), delegated(alice), "", meetd.MeetingInput{ExternalID: fmt.Sprint("order-", i)})
		if err != nil {
			t.Fatal(err)
		}
		if len(m.JoinMeetingID) != 13 || len(m.VideoTeleconferenceID) != 14 || m.JoinMeetingID[0] == '0' || m.VideoTeleconferenceID[0] == '0' {
			t.Fatalf("ids: join %q vtc %q; want 13 and 14 digits, not starting with 0", m.JoinMeetingID, m.VideoTeleconferenceID)
		}
		if prev != nil && (m.ThreadID <= prev.ThreadID || m.JoinMeetingID <= prev.JoinMeetingID || m.VideoTeleconferenceID <= prev.VideoTeleconferenceID) {
			t.Fatalf("meeting %d sorts before the one created before it:\n%s %s %s\n%s %s %s", i,
				prev.ThreadID, prev.JoinMeetingID, prev.VideoTeleconferenceID, m.ThreadID, m.JoinMeetingID, m.VideoTeleconferenceID)
		}
		prev = m
	}
}
