package graph

import (
	"reflect"
	"testing"
	"time"

	"github.com/meetd/meetd"
)

func ptr[T any](v T) *T { return &v }

func TestDecodeMeetingInput(t *testing.T) {
	start := time.Date(2020, 2, 6, 1, 49, 21, 352494500, time.UTC)
	end := time.Date(2020, 2, 6, 2, 19, 21, 352494500, time.UTC)
	for _, tc := range []struct {
		name string
		body string
		want meetd.MeetingInput
	}{
		{
			name: "documented example",
			body: `{ "startDateTime":"2020-02-06T01:49:21.3524945+00:00",
  "endDateTime":"2020-02-06T02:19:21.3524945+00:00",
  "subject":"Create a meeting with customId provided",
  "externalId":"7eb8263f-d0e0-4149-bb1c-1f0476083c56",
  "participants":{"attendees":[{"identity":{"user":{"id":"1f35f2e6-9cab-44ad-8d5a-b74c14720000"}},"upn":"test1@contoso.com"}]}}`,
			want: meetd.MeetingInput{
				ExternalID: "7eb8263f-d0e0-4149-bb1c-1f0476083c56", HasExternalID: true,
				Subject: "Create a meeting with customId provided", Start: &start, End: &end,
				Attendees: []meetd.Participant{{Identity: meetd.Identity{Kind: meetd.IdentityUser, ID: "1f35f2e6-9cab-44ad-8d5a-b74c14720000"}, UPN: "test1@contoso.com"}},
			},
		},
		{
			name: "unknown properties and createOrGet-ignored settings", // checklist 13, 14
			body: `{"externalId":"x","joinMeetingIdSettings":{"isPasscodeRequired":true,"joinMeetingId":"1","passcode":"p"},"whatever":[1,{"a":null}],"isBroadcast":true,
				"lobbyBypassSettings":{"scope":"everyone","isDialInBypassEnabled":true},"allowedPresenters":"organizer","allowMeetingChat":"limited"}`,
			want: meetd.MeetingInput{ExternalID: "x", HasExternalID: true, PasscodeRequired: true, Settings: meetd.SettingsPatch{
				LobbyBypassScope: ptr("everyone"), DialInBypass: ptr(true), AllowedPresenters: ptr("organizer"), AllowMeetingChat: ptr("limited"),
			}},
		},
		{
			name: "chat and encryption settings",
			body: `{"allowParticipantsToChangeName":true,"isEndToEndEncryptionEnabled":false,"shareMeetingChatHistoryDefault":"all",
				"chatRestrictions":{"allowTextOnly":true},"joinMeetingIdSettings":{"isPasscodeRequired":false}}`,
			want: meetd.MeetingInput{Settings: meetd.SettingsPatch{
				AllowParticipantsToChangeName: ptr(true), IsEndToEndEncryptionEnabled: ptr(false), ShareMeetingChatHistoryDefault: ptr("all"),
				ChatRestrictions: &meetd.ChatRestrictionsPatch{AllowTextOnly: ptr(true)},
			}},
		},
		{
			name: "null chatRestrictions clears",
			body: `{"chatRestrictions":null}`,
			want: meetd.MeetingInput{Settings: meetd.SettingsPatch{ChatRestrictions: &meetd.ChatRestrictionsPatch{Clear: true}}},
		},
		{
			name: "null is absent, but a null externalId is present",
			body: `{"externalId":null,"subject":null,"startDateTime":null,"endDateTime":null,"participants":null,"chatInfo":null,"allowRecording":null}`,
			want: meetd.MeetingInput{HasExternalID: true},
		},
		{
			name: "null attendees are absent",
			body: `{"participants":{"organizer":null,"attendees":null}}`,
			want: meetd.MeetingInput{},
		},
		{
			name: "empty externalId is present",
			body: `{"externalId":""}`,
			want: meetd.MeetingInput{HasExternalID: true},
		},
		{
			name: "no externalId",
			body: ` {} `,
			want: meetd.MeetingInput{},
		},
		{
			name: "duplicate keys: last wins",
			body: `{"subject":"one","subject":"two"}`,
			want: meetd.MeetingInput{Subject: "two"},
		},
		{
			name: "escapes and unicode",
			body: `{"subject":"a \"q\" \\ \u00e9 \ud83c\udf89 \n","externalId":"é🎉"}`,
			want: meetd.MeetingInput{Subject: "a \"q\" \\ é 🎉 \n", ExternalID: "é🎉", HasExternalID: true},
		},
		{
			name: "U+FFFD itself",
			body: `{"subject":"a\ufffdb"}`,
			want: meetd.MeetingInput{Subject: "a\uFFFDb"},
		},
		{
			name: "chatInfo (v1.0 and beta)", // checklist 15
			body: `{"externalId":"x","chatInfo":{"threadId":"19:abc@thread.tacv2","messageId":"0","replyChainMessageId":null}}`,
			want: meetd.MeetingInput{ExternalID: "x", HasExternalID: true, ChatInfo: &meetd.ChatInfo{ThreadID: "19:abc@thread.tacv2", MessageID: "0"}},
		},
		{
			name: "every identity kind, roles, organizer ignored",
			body: `{"participants":{
				"organizer":{"identity":{"user":{"id":"someone-else"}},"role":"attendee"},
				"attendees":[
					{"identity":{"user":{"id":"u1","displayName":"U One","tenantId":"t1","identityProvider":"AAD"}},"upn":"u1@x","role":"presenter"},
					{"identity":{"guest":{"id":"g1","displayName":"Guest"}}},
					{"identity":{"phone":{"id":"+1425"}}},
					{"identity":{"application":{"id":"a1","displayName":"Bot"}},"role":"producer"},
					{"identity":{"device":{"id":"d1"}},"upn":"only@x"},
					{"identity":{"user":null,"guest":{"id":"g2"}}},
					null,
					{"upn":"plain@x","role":"coorganizer"}
				]}}`,
			want: meetd.MeetingInput{Attendees: []meetd.Participant{
				{Identity: meetd.Identity{Kind: meetd.IdentityUser, ID: "u1", DisplayName: "U One", TenantID: "t1"}, UPN: "u1@x", Role: meetd.RolePresenter},
				{Identity: meetd.Identity{Kind: meetd.IdentityGuest, ID: "g1", DisplayName: "Guest"}},
				{Identity: meetd.Identity{Kind: meetd.IdentityPhone, ID: "+1425"}},
				{Identity: meetd.Identity{Kind: meetd.IdentityApplication, ID: "a1", DisplayName: "Bot"}, Role: meetd.RoleProducer},
				{UPN: "only@x"},
				{Identity: meetd.Identity{Kind: meetd.IdentityGuest, ID: "g2"}},
				{UPN: "plain@x", Role: meetd.RoleCoorganizer},
			}},
		},
		{
			// Graph's identitySet may carry several members; the first of
			// user, guest, phone and application names the participant,
			// whatever the order in the body.
			name: "first identity member wins",
			body: `{"participants":{"attendees":[
				{"identity":{"application":{"id":"a1"},"guest":{"id":"g1"},"user":{"id":"u1"}}},
				{"identity":{"phone":{"id":"+1425"},"guest":{"id":"g2","displayName":"G"}}}
				]}}`,
			want: meetd.MeetingInput{Attendees: []meetd.Participant{
				{Identity: meetd.Identity{Kind: meetd.IdentityUser, ID: "u1"}},
				{Identity: meetd.Identity{Kind: meetd.IdentityGuest, ID: "g2", DisplayName: "G"}},
			}},
		},
		{
			name: "settings for a plain create",
			body: `{"endDateTime":"2020-02-06T02:19:21.3524945Z","allowedLobbyAdmitters":"organizerAndCoOrganizers","allowLiveShare":"disabled",
				"isEntryExitAnnounced":false,"allowTeamworkReactions":false,"allowAttendeeToEnableCamera":true,"allowAttendeeToEnableMic":false,
				"allowBreakoutRooms":true,"allowCopyingAndSharingMeetingContent":false,"allowPowerPointSharing":true,"allowRecording":false,
				"allowTranscription":true,"allowWhiteboard":false,"recordAutomatically":true,
				"anonymizeIdentityForRoles":["attendee"],"watermarkProtection":{"isEnabledForContentSharing":true}}`,
			want: meetd.MeetingInput{End: &end, Settings: meetd.SettingsPatch{
				AllowedLobbyAdmitters: ptr("organizerAndCoOrganizers"), AllowLiveShare: ptr("disabled"),
				IsEntryExitAnnounced: ptr(false), AllowTeamworkReactions: ptr(false), AllowAttendeeToEnableCamera: ptr(true),
				AllowAttendeeToEnableMic: ptr(false), AllowBreakoutRooms: ptr(true), AllowCopyingAndSharingMeetingContent: ptr(false),
				AllowPowerPointSharing: ptr(true), AllowRecording: ptr(false), AllowTranscription: ptr(true), AllowWhiteboard: ptr(false),
				RecordAutomatically: ptr(true), AnonymizeIdentityForRoles: &[]meetd.Role{meetd.RoleAttendee},
				Watermark: &meetd.WatermarkPatch{ForContentSharing: ptr(true)},
			}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := DecodeMeetingInput([]byte(tc.body))
			if err != nil {
				t.Fatalf("got error %v, want none", err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

// TestDecodeCreateOrGetInput checks that createOrGet does not even read the
// settings Graph ignores there (checklist 13, 14), while reading the rest as
// a create does.
func TestDecodeCreateOrGetInput(t *testing.T) {
	body := `{"externalId":"x","subject":"s","lobbyBypassSettings":{"scope":"unknownFutureValue"},"allowRecording":"yes",
		"watermarkProtection":7,"joinMeetingIdSettings":{"isPasscodeRequired":true},"chatInfo":{"threadId":"19:a@thread.tacv2"}}`
	got, err := DecodeCreateOrGetInput([]byte(body))
	if err != nil {
		t.Fatalf("got error %v, want none", err)
	}
	want := meetd.MeetingInput{ExternalID: "x", HasExternalID: true, Subject: "s", ChatInfo: &meetd.ChatInfo{ThreadID: "19:a@thread.tacv2"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
	if _, err := DecodeMeetingInput([]byte(body)); err == nil {
		t.Errorf("DecodeMeetingInput: got no error, want the bad settings refused on a plain create")
	}
	for _, tc := range decodeErrorCases[:15] { // the first 15 involve no setting
		_, err := DecodeCreateOrGetInput([]byte(tc.body))
		wantError(t, err, meetd.EINVALID, tc.msg)
	}
}

// decodeErrorCases are bodies both decoders refuse, with Graph's messages.
var decodeErrorCases = []struct {
	name, body, msg string
}{
	{"empty", ``, "Request payload cannot be null."},
	{"whitespace", " \r\n\t", "Request payload cannot be null."},
	{"null", `null`, "Request payload cannot be null."},
	{"not JSON", `externalId=x`, "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format."},
	{"array", `[{"externalId":"x"}]`, "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format."},
	{"string", `"x"`, "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format."},
	{"truncated", `{"externalId":"x"`, "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format."},
	{"trailing garbage", `{"externalId":"x"} {}`, "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format."},
	{"raw control char", "{\"subject\":\"a\x01\"}", "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format."},
	{"subject number", `{"subject":42}`, "Property 'subject' in payload has a value that does not match schema."},
	{"subject object", `{"subject":{}}`, "Property 'subject' in payload has a value that does not match schema."},
	{"startDateTime number", `{"startDateTime":1}`, "Property 'startDateTime' in payload has a value that does not match schema."},
	{"startDateTime no colon", `{"startDateTime":"2019-07-12T14:30:34-0400","endDateTime":"2019-07-12T15:30:34Z"}`,
		"Property 'startDateTime' in payload has an invalid value: '2019-07-12T14:30:34-0400' is not a DateTimeOffset such as 2019-07-12T14:30:34.2444915-07:00: the offset needs a colon, as in -04:00."},
	{"endDateTime garbage", `{"startDateTime":"2019-07-12T14:30:34Z","endDateTime":"tomorrow"}`,
		"Property 'endDateTime' in payload has an invalid value: 'tomorrow' is not a DateTimeOffset such as 2019-07-12T14:30:34.2444915-07:00: expected yyyy-MM-ddTHH:mm:ss followed by an offset."},
	{"participants array", `{"participants":[]}`, "Property 'participants' in payload has a value that does not match schema."},
	{"attendees object", `{"participants":{"attendees":{}}}`, "Property 'participants.attendees' in payload has a value that does not match schema."},
	{"attendee string", `{"participants":{"attendees":["x"]}}`, "Property 'participants.attendees[0]' in payload has a value that does not match schema."},
	{"upn number", `{"participants":{"attendees":[{"upn":1}]}}`, "Property 'participants.attendees[0].upn' in payload has a value that does not match schema."},
	{"identity string", `{"participants":{"attendees":[{"upn":"a"},{"identity":"u"}]}}`, "Property 'participants.attendees[1].identity' in payload has a value that does not match schema."},
	{"user id number", `{"participants":{"attendees":[{"identity":{"user":{"id":7}}}]}}`, "Property 'participants.attendees[0].identity.user.id' in payload has a value that does not match schema."},
	{"role unknownFutureValue", `{"participants":{"attendees":[{"upn":"a","role":"unknownFutureValue"}]}}`,
		"Property 'participants.attendees[0].role' in payload has the value 'unknownFutureValue': a request does not accept that value."},
	{"allowedPresenters unknownFutureValue", `{"allowedPresenters":"unknownFutureValue"}`,
		"Property 'allowedPresenters' in payload has the value 'unknownFutureValue': a request does not accept that value."},
	{"scope unknownFutureValue", `{"lobbyBypassSettings":{"scope":"unknownFutureValue"}}`,
		"Property 'lobbyBypassSettings.scope' in payload has the value 'unknownFutureValue': a request does not accept that value."},
	{"allowRecording string", `{"allowRecording":"yes"}`, "Property 'allowRecording' in payload has a value that does not match schema."},
	{"dial-in bypass number", `{"lobbyBypassSettings":{"isDialInBypassEnabled":1}}`, "Property 'lobbyBypassSettings.isDialInBypassEnabled' in payload has a value that does not match schema."},
	{"anonymize string", `{"anonymizeIdentityForRoles":"attendee"}`, "Property 'anonymizeIdentityForRoles' in payload has a value that does not match schema."},
	{"anonymize null item", `{"anonymizeIdentityForRoles":[null]}`, "Property 'anonymizeIdentityForRoles[0]' in payload has a value that does not match schema."},
	{"watermark bool", `{"watermarkProtection":true}`, "Property 'watermarkProtection' in payload has a value that does not match schema."},
	{"watermark video string", `{"watermarkProtection":{"isEnabledForVideo":"on"}}`, "Property 'watermarkProtection.isEnabledForVideo' in payload has a value that does not match schema."},
	{"chat restrictions bool", `{"chatRestrictions":true}`, "Property 'chatRestrictions' in payload has a value that does not match schema."},
	{"text only string", `{"chatRestrictions":{"allowTextOnly":"yes"}}`, "Property 'chatRestrictions.allowTextOnly' in payload has a value that does not match schema."},
	{"chat history unknownFutureValue", `{"shareMeetingChatHistoryDefault":"unknownFutureValue"}`,
		"Property 'shareMeetingChatHistoryDefault' in payload has the value 'unknownFutureValue': a request does not accept that value."},
	{"end-to-end encryption number", `{"isEndToEndEncryptionEnabled":1}`, "Property 'isEndToEndEncryptionEnabled' in payload has a value that does not match schema."},
}

// TestDecodeMeetingInputErrors checks the status, code and message a client
// sees for every body the decoder refuses (checklist 54).
func TestDecodeMeetingInputErrors(t *testing.T) {
	cases := append(decodeErrorCases, []struct{ name, body, msg string }{
		{"externalId number", `{"externalId":5}`, "Property 'externalId' in payload has a value that does not match schema."},
		{"chatInfo string", `{"chatInfo":"19:x@thread.v2"}`, "Property 'chatInfo' in payload has a value that does not match schema."},
		{"chatInfo threadId number", `{"chatInfo":{"threadId":1}}`, "Property 'chatInfo.threadId' in payload has a value that does not match schema."},
		// A PATCH drops joinMeetingIdSettings (fixed after create); a create reads it.
		{"passcode required string", `{"joinMeetingIdSettings":{"isPasscodeRequired":"yes"}}`, "Property 'joinMeetingIdSettings.isPasscodeRequired' in payload has a value that does not match schema."},
		{"subject invalid UTF-8", "{\"subject\":\"a\xffb\"}", "Property 'subject' in payload is not valid UTF-8 text: it has an invalid byte or an unpaired surrogate escape."},
		{"externalId lone surrogate", `{"externalId":"\ud800"}`, "Property 'externalId' in payload is not valid UTF-8 text: it has an invalid byte or an unpaired surrogate escape."},
		{"lobby scope unknownFutureValue in capitals", `{"lobbyBypassSettings":{"scope":"UnknownFutureValue"}}`,
			"Property 'lobbyBypassSettings.scope' in payload has the value 'unknownFutureValue': a request does not accept that value."},
		{"upn invalid UTF-8", "{\"participants\":{\"attendees\":[{\"upn\":\"\xc3\"}]}}", "Property 'participants.attendees[0].upn' in payload is not valid UTF-8 text: it has an invalid byte or an unpaired surrogate escape."},
	}...)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := DecodeMeetingInput([]byte(tc.body))
			wantError(t, err, meetd.EINVALID, tc.msg)
			if status, code := Status(err); status != 400 || code != "BadRequest" {
				t.Errorf("got %d %s, want 400 BadRequest", status, code)
			}
		})
	}
}

func BenchmarkDecodeMeetingInput(b *testing.B) {
	body := []byte(`{"startDateTime":"2020-02-06T01:49:21.3524945+00:00","endDateTime":"2020-02-06T02:19:21.3524945+00:00",
		"subject":"Create a meeting with customId provided","externalId":"7eb8263f-d0e0-4149-bb1c-1f0476083c56",
		"participants":{"attendees":[{"identity":{"user":{"id":"1f35f2e6-9cab-44ad-8d5a-b74c14720000"}},"upn":"test1@contoso.com"}]}}`)
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if _, err := DecodeMeetingInput(body); err != nil {
			b.Fatal(err)
		}
	}
}
