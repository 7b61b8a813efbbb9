package record

import (
	"encoding/json"
	"errors"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/meetd/meetd"
)

// TestDecodeReadsJSONBText checks the text PostgreSQL returns for a jsonb
// column: its own member order, a space after each ':' and ',', and U+2028
// and U+FFFD unescaped. The files are psql's `SELECT doc::jsonb::text` of
// full.json and empty.json (postgres_test.go checks them against a live
// server when it has one).
func TestDecodeReadsJSONBText(t *testing.T) {
	for _, tc := range []struct {
		file string
		want *meetd.Meeting
	}{
		{"testdata/jsonb-full.json", fullMeeting()},
		{"testdata/jsonb-empty.json", emptyMeeting()},
	} {
		wantMeeting(t, "Decode of "+tc.file, dataOf(decoded(t, readFile(t, tc.file))), dataOf(tc.want))
	}
}

// accepted are documents a reader must accept, as changes to full.json
// (see reshape), and the meetings they hold.
var accepted = []struct {
	name string
	doc  string
	want func(m *meetd.Meeting) // nil: the meeting of full.json
}{
	{"compact", ``, nil},
	{"whitespace everywhere", `ws`, nil},
	{"members reversed", `reverse`, nil},
	{"unknown members of every kind, everywhere",
		`{"x":{"a":[1,-2.5e+3,true,false,null,"s",{"b":[]}]},"subject":"s","chatInfo":{"x":[{}],"threadId":"t"},` +
			`"organizer":{"x":0,"id":"o"},"attendees":[{"x":"\u0041","id":"a"}],"settings":{"x":null,"watermark":{"x":1e9,"forVideo":true}},"y":"z"}`,
		func(m *meetd.Meeting) {
			*m = meetd.Meeting{Subject: "s", ChatInfo: meetd.ChatInfo{ThreadID: "t"}, Organizer: meetd.Participant{Identity: meetd.Identity{ID: "o"}},
				Attendees: []meetd.Participant{{Identity: meetd.Identity{ID: "a"}}}, Settings: meetd.Settings{Watermark: &meetd.Watermark{ForVideo: true}}}
		}},
	{"escapes", `{"subject":"\u0041\u00e9\u4f1a\ud83c\udf89 \"\\\/\b\f\n\r\t","passcode":"\ud83c \udf89 \ud83cx \ud83c\u0041"}`,
		func(m *meetd.Meeting) {
			*m = meetd.Meeting{Subject: "Aé会🎉 \"\\/\b\f\n\r\t", Passcode: "\ufffd \ufffd \ufffdx \ufffdA"}
		}},
	{"escaped and differently cased names", `{"sub\u006aect":"s","PASSCODE":"p","chatinfo":{"ThreadID":"t"},"ſettings":{"allowRecording":true}}`,
		func(m *meetd.Meeting) {
			*m = meetd.Meeting{Subject: "s", Passcode: "p", ChatInfo: meetd.ChatInfo{ThreadID: "t"}, Settings: meetd.Settings{AllowRecording: true}}
		}},
	{"nulls", `{"subject":null,"start":null,"passcodeRequired":null,"chatInfo":null,"organizer":null,"attendees":null,` +
		`"settings":{"allowedPresenters":null,"dialInBypass":null,"anonymizeIdentityForRoles":null,"watermark":null}}`,
		func(m *meetd.Meeting) { *m = meetd.Meeting{} }},
	{"null elements", `{"attendees":[null,{"id":"a"}],"settings":{"anonymizeIdentityForRoles":[null,"attendee"]}}`,
		func(m *meetd.Meeting) {
			*m = meetd.Meeting{Attendees: []meetd.Participant{{}, {Identity: meetd.Identity{ID: "a"}}},
				Settings: meetd.Settings{AnonymizeIdentityForRoles: []meetd.Role{"", "attendee"}}}
		}},
	{"duplicate members, the last false or null", `{"passcodeRequired":true,"passcodeRequired":false,` +
		`"settings":{"allowRecording":true,"allowRecording":false,"watermark":{"forVideo":true},"watermark":null,` +
		`"chatRestrictions":{"allowTextOnly":true},"chatRestrictions":null}}`,
		func(m *meetd.Meeting) { *m = meetd.Meeting{} }},
	{"chatRestrictions' member differently cased", `{"settings":{"chatRestrictions":{"ALLOWTEXTONLY":true}}}`,
		func(m *meetd.Meeting) {
			*m = meetd.Meeting{Settings: meetd.Settings{ChatRestrictions: &meetd.ChatRestrictions{AllowTextOnly: true}}}
		}},
	{"invalid UTF-8", "{\"subject\":\"a\xffb\",\"passcode\":\"\xe9t\xc3\xa9\"}",
		func(m *meetd.Meeting) { *m = meetd.Meeting{Subject: "a\ufffdb", Passcode: "\ufffdt\u00e9"} }},
	{"a null document", ` null `, func(m *meetd.Meeting) { *m = meetd.Meeting{} }},
	{"an empty document", `{}`, func(m *meetd.Meeting) { *m = meetd.Meeting{} }},
	{"duplicate members", `{"subject":"a","subject":"b","chatInfo":{"threadId":"t"},"chatInfo":{"messageId":"m"},` +
		`"attendees":[{"id":"1"},{"id":"2"},{"id":"3"}],"attendees":[{"kind":"user"}],"attendees":[{"role":"attendee"},{}],` +
		`"settings":{"watermark":{"forVideo":true},"watermark":{"forContentSharing":true},"anonymizeIdentityForRoles":[],"anonymizeIdentityForRoles":["producer"]}}`,
		func(m *meetd.Meeting) {
			// encoding/json's way: objects merge, arrays reuse the elements
			// they had, even past their length.
			*m = meetd.Meeting{Subject: "b", ChatInfo: meetd.ChatInfo{ThreadID: "t", MessageID: "m"},
				Attendees: []meetd.Participant{{Identity: meetd.Identity{ID: "1", Kind: "user"}, Role: "attendee"}, {Identity: meetd.Identity{ID: "2"}}},
				Settings:  meetd.Settings{Watermark: &meetd.Watermark{ForVideo: true, ForContentSharing: true}, AnonymizeIdentityForRoles: []meetd.Role{"producer"}}}
		}},
	{"times with offsets and long fractions", `{"start":"2025-01-01T00:30:00.123456789999+01:00","end":"2024-02-29T23:59:59-00:00","created":"0000-02-29T00:00:00.5Z"}`,
		func(m *meetd.Meeting) {
			*m = meetd.Meeting{Start: time.Date(2024, 12, 31, 23, 30, 0, 123456789, time.UTC),
				End: time.Date(2024, 2, 29, 23, 59, 59, 0, time.UTC), Created: time.Date(0, 2, 29, 0, 0, 0, 5e8, time.UTC)}
		}},
}

// reshape returns the document an accepted case names: full.json as it is
// (""), with whitespace everywhere ("ws") or with its members reversed
// ("reverse"), or else the case's own text.
func reshape(tb testing.TB, how string) []byte {
	tb.Helper()
	full := readFile(tb, "testdata/full.json")
	switch how {
	case "":
		return full
	case "ws":
		// Whitespace after every structural character outside strings.
		var out []byte
		inString := false
		for i := 0; i < len(full); i++ {
			c := full[i]
			out = append(out, c)
			switch {
			case inString && c == '\\':
				i++
				out = append(out, full[i])
			case c == '"':
				inString = !inString
			case !inString && strings.IndexByte("{}[]:,", c) >= 0:
				out = append(out, " \t\r\n "...)
			}
		}
		return append([]byte("\n\t "), append(out, " \r\n"...)...)
	case "reverse":
		var v any
		if err := json.Unmarshal(full, &v); err != nil {
			tb.Fatal(err)
		}
		return reversed(v)
	}
	return []byte(how)
}

// reversed writes v with every object's members in reverse alphabetical
// order, which no store writes.
func reversed(v any) []byte {
	switch v := v.(type) {
	case map[string]any:
		sorted := slices.Sorted(maps.Keys(v))
		out := []byte{'{'}
		for i := len(sorted) - 1; i >= 0; i-- {
			k := sorted[i]
			name, _ := json.Marshal(k)
			out = append(append(append(out, name...), ':'), reversed(v[k])...)
			if i > 0 {
				out = append(out, ',')
			}
		}
		return append(out, '}')
	case []any:
		out := []byte{'['}
		for i, e := range v {
			if i > 0 {
				out = append(out, ',')
			}
			out = append(out, reversed(e)...)
		}
		return append(out, ']')
	}
	b, _ := json.Marshal(v)
	return b
}

// TestDecodeAcceptsAnyValidJSON checks documents no store writes but any
// JSON tool might: Decode reads them as the meeting stated, and as
// encoding/json reads them.
func TestDecodeAcceptsAnyValidJSON(t *testing.T) {
	for _, tc := range accepted {
		t.Run(tc.name, func(t *testing.T) {
			doc := reshape(t, tc.doc)
			want := dataOf(fullMeeting())
			if tc.want != nil {
				tc.want(want)
			}
			got := decoded(t, doc)
			wantMeeting(t, "Decode", got, want)
			var legacy meetd.Meeting
			if err := decodeLegacy(&legacy, doc); err != nil {
				t.Fatalf("encoding/json: %v", err)
			}
			wantMeeting(t, "encoding/json's read", &legacy, want)
		})
	}
}

// rejected are documents that are not JSON, or not of the stored shape.
var rejected = []string{
	``, ` `, `{`, `}`, `{"subject":"s"`, `{"subject":"s",}`, `{"subject" "s"}`, `{"subject":}`, `{subject:"s"}`,
	`{'subject':'s'}`, `{}{}`, `{} x`, "{}\x00", "\ufeff{}", `[]`, `"s"`, `1`, `true`, `nul`, `nulls`, `{"a":nul}`,
	`{"a":tru}`, `{"a":01}`, `{"a":1.}`, `{"a":-}`, `{"a":.5}`, `{"a":1e}`, `{"a":+1}`, `{"a":[1,]}`, `{"a":[1 2]}`,
	`{"subject":"unterminated}`, "{\"subject\":\"a\x01\"}", "{\"subject\":\"a\x1f\"}", `{"subject":nope}`, `{"passcodeRequired":trux}`,
	`{"passcodeRequired":fals}`, `{"x":nope}`, `{"subject":"\x"}`, `{"subject":"\u12"}`, `{"subject":"\u12g4"}`,
	`{"subject":1}`, `{"subject":true}`, `{"subject":{}}`, `{"subject":[]}`, `{"passcodeRequired":"true"}`,
	`{"passcodeRequired":1}`, `{"chatInfo":"x"}`, `{"chatInfo":[]}`, `{"organizer":[]}`, `{"attendees":{}}`,
	`{"attendees":"x"}`, `{"attendees":[1]}`, `{"attendees":[[]]}`, `{"attendees":[{"id":2}]}`, `{"settings":[]}`,
	`{"settings":{"anonymizeIdentityForRoles":"attendee"}}`, `{"settings":{"anonymizeIdentityForRoles":[1]}}`,
	`{"settings":{"watermark":true}}`, `{"settings":{"watermark":{"forVideo":"true"}}}`,
	`{"start":1}`, `{"start":{}}`, `{"start":""}`, `{"start":"2025-13-01T00:00:00Z"}`, `{"start":"2023-02-29T00:00:00Z"}`,
	`{"start":"2025-04-31T00:00:00Z"}`, `{"start":"2025-01-01T24:00:00Z"}`, `{"start":"2025-01-01T00:60:00Z"}`,
	`{"start":"2025-01-01T00:00:60Z"}`, `{"start":"2025-01-01 00:00:00Z"}`,
	`{"start":"2025-01-01T00:00:00"}`, `{"start":"2025-01-01T00:00:00z"}`, `{"start":"2025-01-01T00:00:00.Z"}`,
	`{"start":"2025-01-01T00:00:00+0100"}`, `{"start":"2025-01-01T00:00:00Z "}`, `{"start":"\u0032025-01-01T00:00:00Z"}`,
	`{"start":"+2025-01-01T00:00:00Z"}`, `{"start":"12025-01-01T00:00:00Z"}`, `{"start":"2025-1-01T00:00:00Z"}`,
}

// TestDecodeRejects checks that what encoding/json refuses, Decode refuses
// too, with a *SyntaxError and no panic.
func TestDecodeRejects(t *testing.T) {
	for _, doc := range rejected {
		var m meetd.Meeting
		err := Decode(&m, []byte(doc))
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("Decode(%q): got %v, want a *SyntaxError", doc, err)
		}
		if legacyErr := decodeLegacy(new(meetd.Meeting), []byte(doc)); legacyErr == nil {
			t.Errorf("Decode(%q): encoding/json accepts it, so this case tests nothing", doc)
		}
	}
}

// TestDecodeNestingLimit checks encoding/json's limit of 10,000 nested
// containers, here inside a member Decode skips.
func TestDecodeNestingLimit(t *testing.T) {
	for _, depth := range []int{maxDepth - 1, maxDepth} {
		// depth arrays inside the document's own object.
		doc := []byte(`{"x":` + strings.Repeat("[", depth) + strings.Repeat("]", depth) + `}`)
		err := Decode(new(meetd.Meeting), doc)
		legacyErr := decodeLegacy(new(meetd.Meeting), doc)
		if (err == nil) != (legacyErr == nil) {
			t.Errorf("%d nested: got error %v, encoding/json's %v", depth+1, err, legacyErr)
		}
	}
}

// TestParseTimeMatchesTimeUnmarshalJSON holds parseTime to time.Time's
// reading of JSON, value and verdict.
func TestParseTimeMatchesTimeUnmarshalJSON(t *testing.T) {
	for _, s := range []string{
		"2025-04-01T09:00:00Z", "2025-04-01T09:00:00.1Z", "2025-04-01T09:00:00.123456789Z", "2025-04-01T09:00:00.1234567891Z",
		"2025-04-01T09:00:00.000000000000000000001Z", "2025-04-01T09:00:00+05:30", "2025-04-01T09:00:00-23:59", "2025-04-01T09:00:00.5-00:00",
		"0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z", "9999-12-31T23:59:59-01:00", "2000-02-29T00:00:00Z", "1900-02-29T00:00:00Z",
		"2025-04-01T09:00:00", "2025-04-01T09:00:00.Z", "2025-04-01T09:00:00,1Z", "2025-04-01T09:00:00+24:00", "2025-04-01T09:00:00+1:00",
		"2025-04-01t09:00:00Z", "2025-04-01T09:00:00ZZ", "2025-04-01T09:00:00+05:30Z", "20250401T090000Z", "2025-04-01", "",
		"2025-00-01T00:00:00Z", "2025-04-00T00:00:00Z", "-001-04-01T00:00:00Z", "2025-04-01T09:00:00.+01:00",
		// What Go reads while its strict checks are off (go.dev/issue/54580).
		"2025-04-01T9:00:00Z", "2025-04-01T9:00:00.5+01:00", "2025-04-01T09:00:00,5Z", "2025-04-01T09:00:00+24:00",
		"2025-04-01T09:00:00-23:60", "2025-04-01T09:00:00+24:60", "2025-04-01T09:00:00+25:00", "2025-04-01T09:00:00+01:61",
		"2025-04-01T:00:00Z", "2025-04-01T9:0:00Z", "2025-04-01T123:00:00Z", "2025-04-01T09:00:00+1:000", "2025-04-01T09:00:00+01-00",
	} {
		var want time.Time
		wantErr := json.Unmarshal([]byte(`"`+s+`"`), &want)
		got, ok := parseTime([]byte(s))
		if ok != (wantErr == nil) {
			t.Errorf("parseTime(%q): got ok %t, time.Time's UnmarshalJSON says %v", s, ok, wantErr)
			continue
		}
		if ok && !reflect.DeepEqual(got, want.UTC()) {
			t.Errorf("parseTime(%q): got %v, want %v", s, got, want.UTC())
		}
	}
}

// TestFieldsFindEveryName checks each object's switch against its table of
// names, exactly and in another case.
func TestFieldsFindEveryName(t *testing.T) {
	for _, tc := range []struct {
		names  []string
		lookup func([]byte) int
	}{
		{meetingNames, meetingField}, {chatNames, chatField}, {participantNames, participantField},
		{settingsNames, settingsField}, {watermarkNames, watermarkField},
	} {
		for i, n := range tc.names {
			for _, k := range []string{n, strings.ToUpper(n)} {
				if got := tc.lookup([]byte(k)); got != i {
					t.Errorf("lookup of %q: got %d, want %d", k, got, i)
				}
			}
		}
		if got := tc.lookup([]byte("unknown")); got != -1 {
			t.Errorf("lookup of an unknown name: got %d, want -1", got)
		}
	}
}
