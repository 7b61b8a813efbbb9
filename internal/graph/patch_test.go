package graph

import (
	"reflect"
	"testing"
	"time"

	"github.com/meetd/meetd"
)

func TestDecodeMeetingPatch(t *testing.T) {
	start := time.Date(2020, 9, 9, 21, 33, 30, 854635300, time.UTC)
	end := time.Date(2020, 9, 9, 22, 3, 30, 854635300, time.UTC)
	for _, tc := range []struct {
		name string
		body string
		want meetd.MeetingPatch
	}{
		{
			name: "documented example",
			body: `{"startDateTime":"2020-09-09T14:33:30.8546353-07:00","endDateTime":"2020-09-09T15:03:30.8546353-07:00","subject":"Patch Meeting Subject"}`,
			want: meetd.MeetingPatch{Subject: ptr("Patch Meeting Subject"), Start: &start, End: &end},
		},
		{
			name: "absent is nil",
			body: `{}`,
			want: meetd.MeetingPatch{},
		},
		{
			name: "null subject clears it, null watermark removes it, other nulls are absent",
			body: `{"subject":null,"watermarkProtection":null,"allowedPresenters":null,"allowRecording":null,"startDateTime":null,"participants":{"organizer":null,"attendees":null},"lobbyBypassSettings":null}`,
			want: meetd.MeetingPatch{Subject: ptr(""), Settings: meetd.SettingsPatch{Watermark: &meetd.WatermarkPatch{Clear: true}}},
		},
		{
			name: "attendees replace, organizer passed on",
			body: `{"participants":{"organizer":{"identity":{"user":{"id":"o1"}}},"attendees":[{"identity":{"user":{"id":"a1"}},"role":"presenter"}]}}`,
			want: meetd.MeetingPatch{
				Organizer: &meetd.Participant{Identity: meetd.Identity{Kind: meetd.IdentityUser, ID: "o1"}},
				Attendees: &[]meetd.Participant{{Identity: meetd.Identity{Kind: meetd.IdentityUser, ID: "a1"}, Role: meetd.RolePresenter}},
			},
		},
		{
			name: "empty attendee list",
			body: `{"participants":{"attendees":[]}}`,
			want: meetd.MeetingPatch{Attendees: &[]meetd.Participant{}},
		},
		{
			name: "every updatable setting",
			body: `{"allowedPresenters":"roleIsPresenter","allowedLobbyAdmitters":"organizerAndCoOrganizers","allowMeetingChat":"disabled","allowLiveShare":"enabled",
				"lobbyBypassSettings":{"scope":"invited","isDialInBypassEnabled":true},"isEntryExitAnnounced":false,
				"allowTeamworkReactions":true,"allowAttendeeToEnableCamera":false,"allowAttendeeToEnableMic":true,"allowBreakoutRooms":false,
				"allowCopyingAndSharingMeetingContent":true,"allowPowerPointSharing":false,"allowRecording":true,"allowTranscription":false,
				"allowWhiteboard":true,"recordAutomatically":false,"anonymizeIdentityForRoles":["attendee","coorganizer"],
				"watermarkProtection":{"isEnabledForContentSharing":true,"isEnabledForVideo":true}}`,
			want: meetd.MeetingPatch{Settings: meetd.SettingsPatch{
				AllowedPresenters: ptr("roleIsPresenter"), AllowedLobbyAdmitters: ptr("organizerAndCoOrganizers"),
				AllowMeetingChat: ptr("disabled"), AllowLiveShare: ptr("enabled"),
				LobbyBypassScope: ptr("invited"), DialInBypass: ptr(true), IsEntryExitAnnounced: ptr(false),
				AllowTeamworkReactions: ptr(true), AllowAttendeeToEnableCamera: ptr(false), AllowAttendeeToEnableMic: ptr(true),
				AllowBreakoutRooms: ptr(false), AllowCopyingAndSharingMeetingContent: ptr(true), AllowPowerPointSharing: ptr(false),
				AllowRecording: ptr(true), AllowTranscription: ptr(false), AllowWhiteboard: ptr(true), RecordAutomatically: ptr(false),
				AnonymizeIdentityForRoles: &[]meetd.Role{meetd.RoleAttendee, meetd.RoleCoorganizer},
				Watermark:                 &meetd.WatermarkPatch{ForContentSharing: ptr(true), ForVideo: ptr(true)},
			}},
		},
		{
			name: "read-only and fixed properties are ignored", // checklist 44
			body: `{"id":"x","joinMeetingIdSettings":{"isPasscodeRequired":true,"joinMeetingId":"1"},"joinWebUrl":"https://x","externalId":"e",
				"creationDateTime":"2020-01-01T00:00:00Z","chatInfo":{"threadId":"19:a@thread.v2"},"videoTeleconferenceId":"1","audioConferencing":null}`,
			want: meetd.MeetingPatch{},
		},
		{
			name: "only a start is passed on for the service to refuse", // checklist 41
			body: `{"startDateTime":"2020-09-09T14:33:30.8546353-07:00"}`,
			want: meetd.MeetingPatch{Start: &start},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := DecodeMeetingPatch([]byte(tc.body))
			if err != nil {
				t.Fatalf("got error %v, want none", err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestDecodeMeetingPatchErrors(t *testing.T) {
	cases := append(decodeErrorCases, []struct{ name, body, msg string }{
		{"organizer string", `{"participants":{"organizer":"me"}}`, "Property 'participants.organizer' in payload has a value that does not match schema."},
		{"subject bool", `{"subject":true}`, "Property 'subject' in payload has a value that does not match schema."},
		{"allowMeetingChat unknownFutureValue", `{"allowMeetingChat":"unknownFutureValue"}`,
			"Property 'allowMeetingChat' in payload has the value 'unknownFutureValue': a request does not accept that value."},
		{"anonymize unknownFutureValue", `{"anonymizeIdentityForRoles":["attendee","unknownFutureValue"]}`,
			"Property 'anonymizeIdentityForRoles[1]' in payload has the value 'unknownFutureValue': a request does not accept that value."},
	}...)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := DecodeMeetingPatch([]byte(tc.body))
			wantError(t, err, meetd.EINVALID, tc.msg)
		})
	}
}
