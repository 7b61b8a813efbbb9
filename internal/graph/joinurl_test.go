package graph

import (
	"net/url"
	"strings"
	"testing"

	"github.com/meetd/meetd"
)

func TestJoinWebURL(t *testing.T) {
	m := testMeeting()
	// Checklist 51: Teams' shape, lower-case escapes, the caller's tenant
	// and organizer.
	want := "http://127.0.0.1:8080/l/meetup-join/19%3ameeting_NzQ5ZDY3MzYtYTMyMi00ZTk1LWI1MmEtZWQ5Mjc0ZWU5%40thread.v2/0" +
		"?context=%7b%22Tid%22%3a%2272f988bf-86f1-41af-91ab-2d7cd011db47%22%2c%22Oid%22%3a%22b7217c01-be30-4711-8ee9-0fb83511e451%22%7d"
	for _, base := range []string{"http://127.0.0.1:8080", "http://127.0.0.1:8080/"} {
		if got := JoinWebURL(base, m); got != want {
			t.Errorf("JoinWebURL(%q): got %s, want %s", base, got, want)
		}
	}
	// The context query decodes to Teams' JSON.
	u, err := url.Parse(want)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := u.Query().Get("context"), `{"Tid":"`+testTenant+`","Oid":"`+testOrganizer+`"}`; got != want {
		t.Errorf("context: got %s, want %s", got, want)
	}
}

func TestThreadFromJoinWebURL(t *testing.T) {
	for _, m := range []*meetd.Meeting{testMeeting(), channelMeeting()} {
		join := JoinWebURL("https://meet.example.com/prefix", m)
		decoded, err := url.PathUnescape(join)
		if err != nil {
			t.Fatal(err)
		}
		teams := strings.Replace(join, "https://meet.example.com/prefix", "https://teams.microsoft.com", 1)
		for name, u := range map[string]string{
			"as rendered":                 join,
			"decoded":                     decoded,
			"query-escaped":               url.QueryEscape(join),
			"path-escaped":                url.PathEscape(join),
			"query-escaped twice":         url.QueryEscape(url.QueryEscape(join)),
			"query-escaped three times":   url.QueryEscape(url.QueryEscape(url.QueryEscape(join))), // the most; four is refused
			"upper-case escapes":          strings.NewReplacer("%3a", "%3A", "%40", "%40").Replace(join),
			"thread escaped twice":        strings.NewReplacer("%3a", "%253a", "%40", "%2540").Replace(join), // 19%253ameeting_…, as some invitations carry it
			"another host":                teams,
			"no query":                    strings.Split(join, "?")[0],
			"surrounding space":           " " + join + " ",
			"channel message id":          strings.Replace(join, "/0?", "/1599805818399?", 1),
			"20-digit message id":         strings.Replace(join, "/0?", "/"+strings.Repeat("9", 20)+"?", 1), // the longest a uint64 takes
			"decoded thread, encoded url": url.QueryEscape(decoded),
			"HTTP in capitals":            "HTTPS" + strings.TrimPrefix(join, "https"),
		} {
			got, ok := ThreadFromJoinWebURL(u)
			if !ok || got != m.ThreadID {
				t.Errorf("%s %s: got %q, %v, want %q", name, u, got, ok, m.ThreadID)
			}
		}
	}
}

func channelMeeting() *meetd.Meeting {
	m := testMeeting()
	m.ThreadID = "19:d1f5e2a9c4b34c0e8a7f6b5c4d3e2f10@thread.tacv2"
	return m
}

func TestThreadFromJoinWebURLRejects(t *testing.T) {
	join := JoinWebURL("https://meet.example.com", testMeeting())
	for _, u := range []string{
		"",
		"https://teams.microsoft.com/",
		"https://teams.microsoft.com/l/meetup-join/",
		"https://teams.microsoft.com/l/meetup-join/19%3ameeting_x%40thread.v2",         // no message id
		"https://teams.microsoft.com/l/meetup-join/19%3ameeting_x%40thread.v2/abc?x",   // message id not a number
		"https://teams.microsoft.com/l/meetup-join/meeting_x%40thread.v2/0",            // not a thread id
		"https://teams.microsoft.com/l/meetup-join/19%3ameeting_x%40thread.v3/0",       // unknown thread kind
		"https://teams.microsoft.com/l/meetup-join/19%3a%40thread.v2/0",                // empty thread body
		"https://teams.microsoft.com/l/meetup-join/19%3ameet%20ing%40thread.v2/0",      // space in thread
		"ftp://teams.microsoft.com/l/meetup-join/19%3ameeting_x%40thread.v2/0",         // scheme
		"/l/meetup-join/19%3ameeting_x%40thread.v2/0",                                  // no host
		"https:///l/meetup-join/19%3ameeting_x%40thread.v2/0",                          // empty host
		"https://teams.microsoft.com/l/meetup-joined/19%3ameeting_x%40thread.v2/0",     // wrong path
		"https://teams.microsoft.com/l/meetup-join/19%3ameeting_x%40thread.v2%zz/0",    // bad escape
		"https%3A%2F%2Fteams.microsoft.com%2Fl%2Fchannel%2F19%253ax%2540thread.v2%2F0", // channel link, not a meeting
		"not a url at all %",
		// A message id past 20 digits, more than a uint64 holds.
		"https://teams.microsoft.com/l/meetup-join/19%3ameeting_x%40thread.v2/" + strings.Repeat("9", 21),
		url.QueryEscape(url.QueryEscape(url.QueryEscape(url.QueryEscape(join)))), // four times is too many
	} {
		if got, ok := ThreadFromJoinWebURL(u); ok {
			t.Errorf("ThreadFromJoinWebURL(%q): got %q, want it refused", u, got)
		}
	}
}
