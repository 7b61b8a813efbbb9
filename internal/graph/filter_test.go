package graph

import (
	"net/url"
	"testing"

	"github.com/meetd/meetd"
)

const filterMsg = "Filter expression expected - /onlineMeetings?$filter={ParameterName} eq '{id}'."

func TestParseFilter(t *testing.T) {
	join := JoinWebURL("https://teams.microsoft.com", testMeeting())
	for _, tc := range []struct {
		in   string
		want Filter
	}{
		{"JoinWebUrl eq '" + join + "'", Filter{FilterJoinWebURL, join}},
		{"JoinWebUrl eq '" + url.QueryEscape(join) + "'", Filter{FilterJoinWebURL, url.QueryEscape(join)}},
		{"joinweburl EQ '" + join + "'", Filter{FilterJoinWebURL, join}},
		{"  JOINWEBURL \t eq\t'x'  ", Filter{FilterJoinWebURL, "x"}},
		{"joinMeetingIdSettings/joinMeetingId eq '1234567890123'", Filter{FilterJoinMeetingID, "1234567890123"}},
		{"JoinMeetingIdSettings/JoinMeetingId Eq '1'", Filter{FilterJoinMeetingID, "1"}},
		{"VideoTeleconferenceId eq '1234567890'", Filter{FilterVideoTeleconferenceID, "1234567890"}},
		{"videoteleconferenceid eq 'a'", Filter{FilterVideoTeleconferenceID, "a"}},
		{"JoinWebUrl eq 'it''s'", Filter{FilterJoinWebURL, "it's"}},
		{"JoinWebUrl eq ''''", Filter{FilterJoinWebURL, "'"}},
		{"JoinWebUrl eq 'a''''b'''", Filter{FilterJoinWebURL, "a''b'"}},
		{"JoinWebUrl eq 'a eq ''b'''", Filter{FilterJoinWebURL, "a eq 'b'"}},
		{"JoinWebUrl eq 'é 会议'", Filter{FilterJoinWebURL, "é 会议"}},
	} {
		got, err := ParseFilter(tc.in)
		if err != nil {
			t.Errorf("ParseFilter(%q): %v", tc.in, err)
			continue
		}
		if got != tc.want {
			t.Errorf("ParseFilter(%q): got %+v, want %+v", tc.in, got, tc.want)
		}
	}
}

func TestParseFilterErrors(t *testing.T) {
	for _, tc := range []struct {
		in, code, msg string
	}{
		{"", meetd.EFILTER, filterMsg},
		{"   ", meetd.EFILTER, filterMsg},
		{"start/dateTime ge '2024-01-01'", meetd.EFILTER, filterMsg},
		{"Subject eq 'x'", meetd.EFILTER, filterMsg},
		{"JoinWebUrl ne 'x'", meetd.EFILTER, filterMsg},
		{"JoinWebUrl eq x", meetd.EFILTER, filterMsg},
		{"JoinWebUrl eq \"x\"", meetd.EFILTER, filterMsg},
		{"joinMeetingIdSettings/joinMeetingId eq 123", meetd.EFILTER, filterMsg},
		{"JoinWebUrleq 'x'", meetd.EFILTER, filterMsg},
		{"JoinWebUrl eq'x'", meetd.EFILTER, filterMsg},
		{"JoinWebUrl", meetd.EFILTER, filterMsg},
		{"JoinWebUrl eq", meetd.EFILTER, filterMsg},
		{"JoinWebUrl eq  ", meetd.EFILTER, filterMsg}, // eq, then nothing but space
		{"JoinWebUrl eq ''", meetd.EFILTER, filterMsg},
		{"JoinWebUrlX eq 'x'", meetd.EFILTER, filterMsg},
		{"contains(JoinWebUrl,'x')", meetd.EFILTER, filterMsg},
		{"JoinWebUrl eq 'https://teams.microsoft.com/l/meetup-join/x", meetd.EINVALID,
			"The query specified in the URI is not valid. There is an unterminated string literal at position 14 in 'JoinWebUrl eq 'https://teams.microsoft.com/l/meetup-join/x'."},
		{"JoinWebUrl eq 'it''s", meetd.EINVALID,
			"The query specified in the URI is not valid. There is an unterminated string literal at position 14 in 'JoinWebUrl eq 'it''s'."},
		// Valid OData, but more than the one condition Graph serves.
		{"JoinWebUrl eq 'a' and Subject eq 'b'", meetd.EFILTER, filterMsg},
		{"joinMeetingIdSettings/joinMeetingId eq '1' OR joinMeetingIdSettings/joinMeetingId eq '2'", meetd.EFILTER, filterMsg},
		{"JoinWebUrl eq 'a' andx", meetd.EINVALID,
			"The query specified in the URI is not valid. Syntax error at position 17 in 'JoinWebUrl eq 'a' andx': nothing may follow the string literal."},
		{"JoinWebUrl eq 'a'b", meetd.EINVALID,
			"The query specified in the URI is not valid. Syntax error at position 17 in 'JoinWebUrl eq 'a'b': nothing may follow the string literal."},
		// "and" needs a space before it too: glued to the literal it is no
		// second condition but a syntax error.
		{"JoinWebUrl eq 'a'and Subject eq 'b'", meetd.EINVALID,
			"The query specified in the URI is not valid. Syntax error at position 17 in 'JoinWebUrl eq 'a'and Subject eq 'b'': nothing may follow the string literal."},
	} {
		_, err := ParseFilter(tc.in)
		wantError(t, err, tc.code, tc.msg)
		if tc.code == meetd.EFILTER {
			if status, code := Status(err); status != 400 || code != "InvalidArgument" {
				t.Errorf("ParseFilter(%q): got %d %s, want 400 InvalidArgument", tc.in, status, code)
			}
		}
	}
}

func TestFilterLookup(t *testing.T) {
	m := testMeeting()
	join := JoinWebURL("http://127.0.0.1:8080", m)
	for _, tc := range []struct {
		filter string
		want   meetd.Lookup
		code   string
	}{
		{"JoinWebUrl eq '" + join + "'", meetd.Lookup{ThreadID: m.ThreadID}, ""},
		{"JoinWebUrl eq '" + url.QueryEscape(join) + "'", meetd.Lookup{ThreadID: m.ThreadID}, ""},
		{"JoinWebUrl eq '" + url.QueryEscape(url.QueryEscape(join)) + "'", meetd.Lookup{ThreadID: m.ThreadID}, ""},
		{"joinMeetingIdSettings/joinMeetingId eq '1234567890123'", meetd.Lookup{JoinMeetingID: "1234567890123"}, ""},
		{"JoinWebUrl eq 'https://example.com/'", meetd.Lookup{}, meetd.EINVALID},
		{"VideoTeleconferenceId eq '1'", meetd.Lookup{}, meetd.EFILTER},
	} {
		f, err := ParseFilter(tc.filter)
		if err != nil {
			t.Fatal(err)
		}
		got, err := f.Lookup()
		if meetd.ErrorCode(err) != tc.code || got != tc.want {
			t.Errorf("Lookup(%q): got %+v, %v, want %+v, code %q", tc.filter, got, err, tc.want, tc.code)
		}
	}
}
