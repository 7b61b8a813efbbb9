package graph

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/meetd/meetd"
)

func TestAppendMeetingGolden(t *testing.T) {
	r := testRenderer()
	m := testMeeting()
	two := testMeeting()
	two.ExternalID = ""
	two.Subject = ""
	two.Attendees = []meetd.Participant{}
	two.Settings = meetd.DefaultSettings()
	sel, err := ParseSelect("subject, JOINWEBURL,participants,subject")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		file string
		got  []byte
	}{
		{"meeting-v1.0.json", r.AppendMeeting(nil, m, Options{Version: "v1.0"})},
		{"meeting-v1.0-unknown-enums.json", r.AppendMeeting(nil, m, Options{Version: "v1.0", IncludeUnknownEnums: true})},
		{"meeting-beta.json", r.AppendMeeting(nil, m, Options{Version: "beta"})},
		{"meeting-beta-unknown-enums.json", r.AppendMeeting(nil, m, Options{Version: "beta", IncludeUnknownEnums: true})},
		{"meeting-select.json", r.AppendMeeting(nil, m, Options{Version: "v1.0", Select: sel, User: "11111111-2222-3333-4444-555555555555"})},
		{"collection.json", r.AppendCollection(nil, []*meetd.Meeting{m, two}, Options{Version: "v1.0"})},
		{"collection-empty.json", r.AppendCollection(nil, nil, Options{Version: "v1.0", User: testOrganizer})},
		{"collection-communications.json", r.AppendCollection(nil, nil, Options{Version: "beta"})},
		{"meeting-no-audio.json", NewRenderer(RendererOptions{BaseURL: "https://meet.example.com"}).AppendMeeting(nil, two, Options{Version: "v1.0"})},
	} {
		t.Run(tc.file, func(t *testing.T) { golden(t, tc.file, tc.got) })
	}
}

// decode renders m and decodes the JSON into a generic map.
func decode(t testing.TB, b []byte) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("got invalid JSON %s: %v", b, err)
	}
	return v
}

func TestAppendMeetingEscapesStrings(t *testing.T) {
	r := testRenderer()
	for _, s := range []string{
		`quote " and backslash \`,
		"control \x00\x01\x1f\t\n\r chars",
		"<script>alert('x')</script> & more",
		"emoji 🎉 and accents éü and CJK 会议",
		"line\u2028separator\u2029",
		"invalid \xff\xfe utf-8 \xc3",
	} {
		m := testMeeting()
		m.Subject = s
		m.Organizer.UPN = s
		m.Attendees[0].Identity.DisplayName = s
		b := r.AppendMeeting(nil, m, Options{Version: "v1.0"})
		if strings.ContainsAny(string(b), "<>&") {
			t.Errorf("%q: output has an unescaped <, > or &", s)
		}
		v := decode(t, b)
		want := viaEncodingJSON(t, s)
		if got := v["subject"]; got != want {
			t.Errorf("subject: got %q, want %q", got, want)
		}
		org := v["participants"].(map[string]any)["organizer"].(map[string]any)
		if got := org["upn"]; got != want {
			t.Errorf("upn: got %q, want %q", got, want)
		}
	}
}

// viaEncodingJSON returns s as encoding/json round-trips it: each invalid
// UTF-8 byte becomes U+FFFD.
func viaEncodingJSON(t testing.TB, s string) string {
	t.Helper()
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var out string
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestAppendMeetingEnums(t *testing.T) {
	r := testRenderer()
	for _, tc := range []struct {
		scope   string
		role    meetd.Role
		unknown bool
		want    string // scope and role as rendered
	}{
		{"invited", meetd.RoleCoorganizer, false, "unknownFutureValue unknownFutureValue"},
		{"organizationExcludingGuests", meetd.RoleProducer, false, "unknownFutureValue unknownFutureValue"},
		{"invited", meetd.RoleCoorganizer, true, "invited coorganizer"},
		{"organizationExcludingGuests", meetd.RoleProducer, true, "organizationExcludingGuests producer"},
		{"organizationAndFederated", meetd.RolePresenter, false, "organizationAndFederated presenter"},
		{"everyone", meetd.RoleAttendee, false, "everyone attendee"},
	} {
		m := testMeeting()
		m.Settings.LobbyBypassScope = tc.scope
		m.Attendees = []meetd.Participant{{Identity: meetd.Identity{Kind: meetd.IdentityUser, ID: "x"}, Role: tc.role}}
		v := decode(t, r.AppendMeeting(nil, m, Options{Version: "v1.0", IncludeUnknownEnums: tc.unknown}))
		scope := v["lobbyBypassSettings"].(map[string]any)["scope"]
		role := v["participants"].(map[string]any)["attendees"].([]any)[0].(map[string]any)["role"]
		if got := scope.(string) + " " + role.(string); got != tc.want {
			t.Errorf("%s/%s unknown=%v: got %s, want %s", tc.scope, tc.role, tc.unknown, got, tc.want)
		}
	}
}

func TestJoinInformation(t *testing.T) {
	r := testRenderer()
	m := testMeeting()
	m.PasscodeRequired = true
	v := decode(t, r.AppendMeeting(nil, m, Options{Version: "v1.0"}))
	ji := v["joinInformation"].(map[string]any)
	if ji["contentType"] != "html" {
		t.Errorf("contentType: got %v, want html", ji["contentType"])
	}
	content := ji["content"].(string)
	data, ok := strings.CutPrefix(content, "data:text/html,")
	if !ok {
		t.Fatalf("content: got %q, want a data:text/html, URL", content)
	}
	html, err := url.QueryUnescape(data)
	if err != nil {
		t.Fatal(err)
	}
	joinURL := v["joinWebUrl"].(string)
	for _, want := range []string{
		`<a href="` + joinURL + `"`,
		"Meeting ID: 1234567890123",
		"Passcode: aB3xYz",
		"+1 425-555-0100",
		"Phone conference ID: 123456789#",
		`href="https://dialin.example.com/?id=1&amp;x=&lt;2&gt;"`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("joinInformation: got %s, want it to contain %s", html, want)
		}
	}
	jm := v["joinMeetingIdSettings"].(map[string]any)
	if jm["passcode"] != "aB3xYz" || jm["isPasscodeRequired"] != true {
		t.Errorf("joinMeetingIdSettings: got %v, want the passcode shown when required", jm)
	}
}

// TestAudioConferencing: audioConferencing is null unless a toll or a
// toll-free number is set (docs/support.md), and then shows exactly the
// numbers set, with joinInformation's dial-in part to match.
func TestAudioConferencing(t *testing.T) {
	const toll, tollFree, dialin = "+1 425-555-0100", "+1 800-555-0199", "https://dialin.example.com/"
	for _, tc := range []struct {
		name  string
		audio AudioSettings
		want  string // audioConferencing as JSON, conferenceId 123456789
	}{
		{"none", AudioSettings{}, `null`},
		{"dial-in URL alone", AudioSettings{DialinURL: dialin}, `null`},
		{"toll only", AudioSettings{TollNumber: toll},
			`{"conferenceId":"123456789","tollNumber":"+1 425-555-0100","tollFreeNumber":null,"tollNumbers":["+1 425-555-0100"],"tollFreeNumbers":[],"dialinUrl":null}`},
		{"toll-free only", AudioSettings{TollFreeNumber: tollFree, DialinURL: dialin},
			`{"conferenceId":"123456789","tollNumber":null,"tollFreeNumber":"+1 800-555-0199","tollNumbers":[],"tollFreeNumbers":["+1 800-555-0199"],"dialinUrl":"https://dialin.example.com/"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := NewRenderer(RendererOptions{BaseURL: "http://127.0.0.1:8080", Audio: tc.audio})
			v := decode(t, r.AppendMeeting(nil, testMeeting(), Options{Version: "v1.0"}))
			got, err := json.Marshal(v["audioConferencing"])
			if err != nil {
				t.Fatal(err)
			}
			var want any
			if err := json.Unmarshal([]byte(tc.want), &want); err != nil {
				t.Fatal(err)
			}
			if wantJSON, _ := json.Marshal(want); string(got) != string(wantJSON) {
				t.Errorf("audioConferencing: got %s, want %s", got, wantJSON)
			}
			html := joinInformationHTML(t, v)
			phone := tc.audio.TollNumber != "" || tc.audio.TollFreeNumber != ""
			for text, want := range map[string]bool{
				"Dial in by phone":                phone,
				"Phone conference ID: 123456789#": phone,
				toll:                              tc.audio.TollNumber != "",
				tollFree:                          tc.audio.TollFreeNumber != "",
				"Find a local number":             phone && tc.audio.DialinURL != "",
			} {
				if strings.Contains(html, text) != want {
					t.Errorf("joinInformation: got %s, want %q in it: %v", html, text, want)
				}
			}
		})
	}
	// A meeting without a conference id shows no empty one.
	m := testMeeting()
	m.ConferenceID = ""
	v := decode(t, testRenderer().AppendMeeting(nil, m, Options{Version: "v1.0"}))
	if html := joinInformationHTML(t, v); strings.Contains(html, "Phone conference ID") {
		t.Errorf("joinInformation without a conference id: got %s, want no conference id line", html)
	}
}

// joinInformationHTML returns the HTML inside a rendered meeting's
// joinInformation data: URL.
func joinInformationHTML(t testing.TB, v map[string]any) string {
	t.Helper()
	content, _ := v["joinInformation"].(map[string]any)["content"].(string)
	data, ok := strings.CutPrefix(content, "data:text/html,")
	if !ok {
		t.Fatalf("joinInformation content: got %q, want a data:text/html, URL", content)
	}
	html, err := url.QueryUnescape(data)
	if err != nil {
		t.Fatal(err)
	}
	return html
}

func TestParseSelect(t *testing.T) {
	for _, tc := range []struct {
		in      string
		names   string // Selection.String()
		props   []string
		wantErr string
	}{
		{in: "", names: ""},
		{in: "  ", names: ""},
		{in: "subject", names: "subject", props: []string{"subject"}},
		{in: "JoinWebUrl, SUBJECT ,id", names: "joinWebUrl,subject,id", props: []string{"id", "joinWebUrl", "subject"}},
		{in: "subject,subject", names: "subject", props: []string{"subject"}},
		{in: "joinMeetingIdSettings,lobbyBypassSettings", names: "joinMeetingIdSettings,lobbyBypassSettings", props: []string{"joinMeetingIdSettings", "lobbyBypassSettings"}},
		{in: "nope", wantErr: "Could not find a property named 'nope' on type 'microsoft.graph.onlineMeeting'."},
		{in: "subject,joinUrl", wantErr: "Could not find a property named 'joinUrl' on type 'microsoft.graph.onlineMeeting'."},
		{in: "subject,,id", wantErr: "The query specified in the URI is not valid. An empty property name is not allowed in $select."},
		// The echoed name is cut, so a long $select cannot make a long error.
		{in: strings.Repeat("x", 65), wantErr: "Could not find a property named '" + strings.Repeat("x", 64) + "…' on type 'microsoft.graph.onlineMeeting'."},
	} {
		sel, err := ParseSelect(tc.in)
		if tc.wantErr != "" {
			wantError(t, err, meetd.EINVALID, tc.wantErr)
			continue
		}
		if err != nil {
			t.Errorf("ParseSelect(%q): %v", tc.in, err)
			continue
		}
		if got := sel.String(); got != tc.names {
			t.Errorf("ParseSelect(%q).String(): got %q, want %q", tc.in, got, tc.names)
		}
		if tc.props == nil {
			if sel != nil {
				t.Errorf("ParseSelect(%q): got %v, want nil (everything)", tc.in, sel)
			}
			continue
		}
		v := decode(t, testRenderer().AppendMeeting(nil, testMeeting(), Options{Version: "v1.0", Select: sel}))
		var got []string
		for k := range v {
			if k != "@odata.context" {
				got = append(got, k)
			}
		}
		if len(got) != len(tc.props) {
			t.Errorf("$select=%s: got properties %v, want %v", tc.in, got, tc.props)
		}
		for _, p := range tc.props {
			if _, ok := v[p]; !ok {
				t.Errorf("$select=%s: got properties %v, want %s among them", tc.in, got, p)
			}
		}
		if ctx := v["@odata.context"].(string); !strings.HasSuffix(ctx, "/onlineMeetings("+tc.names+")/$entity") {
			t.Errorf("$select=%s: got context %s, want the selection in it", tc.in, ctx)
		}
	}
}

// TestParseSelectBeta: on beta the beta-only properties are selectable,
// named once in @odata.context however often asked for, and come back null
// beside the others, in an entity and in a collection alike.
func TestParseSelectBeta(t *testing.T) {
	r := testRenderer()
	for _, tc := range []struct {
		in    string
		names string   // Selection.String()
		props []string // the properties of each rendered meeting
	}{
		{"joinUrl", "joinUrl", []string{"joinUrl"}},
		{"subject,JOINURL", "subject,joinUrl", []string{"subject", "joinUrl"}},
		{"joinUrl,subject,joinurl,meetingType", "joinUrl,subject,meetingType", []string{"joinUrl", "subject", "meetingType"}},
	} {
		sel, err := ParseSelectVersion(tc.in, "beta")
		if err != nil {
			t.Errorf("ParseSelectVersion(%q, beta): %v", tc.in, err)
			continue
		}
		if got := sel.String(); got != tc.names {
			t.Errorf("ParseSelectVersion(%q, beta).String(): got %q, want %q", tc.in, got, tc.names)
		}
		o := Options{Version: "beta", Select: sel}
		entity := r.AppendMeeting(nil, testMeeting(), o)
		coll := decode(t, r.AppendCollection(nil, []*meetd.Meeting{testMeeting()}, o))
		for what, v := range map[string]map[string]any{
			"entity":     decode(t, entity),
			"collection": coll["value"].([]any)[0].(map[string]any),
		} {
			delete(v, "@odata.context")
			if len(v) != len(tc.props) {
				t.Errorf("beta $select=%s %s: got %v, want properties %v", tc.in, what, v, tc.props)
			}
			for _, p := range tc.props {
				if _, ok := v[p]; !ok {
					t.Errorf("beta $select=%s %s: got %v, want %s among them", tc.in, what, v, p)
				}
			}
			if v["joinUrl"] != nil {
				t.Errorf("beta $select=%s %s: got joinUrl %v, want null", tc.in, what, v["joinUrl"])
			}
		}
		if n := strings.Count(string(entity), `"joinUrl"`); n != 1 {
			t.Errorf("beta $select=%s: got joinUrl %d times in %s, want once", tc.in, n, entity)
		}
	}
}

// TestDefaultVersion: Options without a Version render v1.0's context, as
// Options documents.
func TestDefaultVersion(t *testing.T) {
	r := testRenderer()
	for what, b := range map[string][]byte{
		"entity":     r.AppendMeeting(nil, testMeeting(), Options{}),
		"collection": r.AppendCollection(nil, nil, Options{User: testOrganizer}),
	} {
		ctx, _ := decode(t, b)["@odata.context"].(string)
		if !strings.HasPrefix(ctx, "http://127.0.0.1:8080/v1.0/$metadata#") {
			t.Errorf("%s @odata.context: got %q, want it under /v1.0/$metadata", what, ctx)
		}
	}
}

func TestSelectStar(t *testing.T) {
	sel, err := ParseSelect("*")
	if err != nil {
		t.Fatal(err)
	}
	r := testRenderer()
	if got, all := len(decode(t, r.AppendMeeting(nil, testMeeting(), Options{Select: sel}))), len(decode(t, r.AppendMeeting(nil, testMeeting(), Options{}))); got != all {
		t.Errorf("$select=*: got %d properties, want %d", got, all)
	}
}

// FuzzAppendMeeting checks that any strings in a meeting render as valid
// JSON that decodes back to the same (UTF-8-repaired) text.
func FuzzAppendMeeting(f *testing.F) {
	f.Add("subject", "upn@contoso.com", "Display Name", "ext")
	f.Add(`"\`, "<>&", "\x00\x1f", "\u2028")
	f.Add("\xff", "🎉", "\xed\xa0\x80", "")
	r := testRenderer()
	f.Fuzz(func(t *testing.T, subject, upn, name, ext string) {
		m := testMeeting()
		m.Subject, m.Organizer.UPN, m.Attendees[0].Identity.DisplayName, m.ExternalID = subject, upn, name, ext
		m.Attendees[1].Identity.ID = name
		b := r.AppendMeeting(nil, m, Options{Version: "v1.0"})
		v := decode(t, b)
		if subject != "" {
			if got, want := v["subject"], viaEncodingJSON(t, subject); got != want {
				t.Errorf("subject: got %q, want %q", got, want)
			}
		}
		if ext != "" {
			if got, want := v["externalId"], viaEncodingJSON(t, ext); got != want {
				t.Errorf("externalId: got %q, want %q", got, want)
			}
		}
	})
}

func BenchmarkAppendMeeting(b *testing.B) {
	r := testRenderer()
	m := testMeeting()
	m.Subject = "Weekly sync"
	m.Attendees = m.Attendees[:2]
	buf := make([]byte, 0, 8192)
	b.ReportAllocs()
	for b.Loop() {
		buf = r.AppendMeeting(buf[:0], m, Options{Version: "v1.0"})
	}
	b.SetBytes(int64(len(buf)))
}
