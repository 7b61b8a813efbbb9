package server_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/meetd/meetd"
)

const attendeeBob = `{"identity":{"user":{"id":"` + bob + `","displayName":"Bob"}},"upn":"bob@contoso.com","role":"attendee"}`

// Checklist 32, 33: plain create.
func TestCreate(t *testing.T) {
	e := newEnv(t)
	tok := e.user(tenantA, alice)
	r := e.do("POST", "/v1.0/me/onlineMeetings", tok, `{"startDateTime":"2030-01-01T10:00:00Z","endDateTime":"2030-01-01T11:00:00Z","subject":"Plain","lobbyBypassSettings":{"scope":"everyone"}}`).want(t, http.StatusCreated)
	if got, want := r.str("@odata.context"), e.url+"/v1.0/$metadata#users('"+alice+"')/onlineMeetings/$entity"; got != want {
		t.Errorf("@odata.context: got %s, want %s", got, want)
	}
	if r.get("externalId") != nil {
		t.Errorf("externalId: got %v, want null", r.get("externalId"))
	}
	if got := r.str("lobbyBypassSettings.scope"); got != "everyone" {
		t.Errorf("create takes settings: lobby scope got %q, want everyone", got)
	}
	e.do("POST", "/v1.0/me/onlineMeetings", tok, `{"externalId":"X","endDateTime":"2030-01-01T11:00:00Z"}`).wantError(t, http.StatusBadRequest, "BadRequest", "")
	e.do("POST", "/v1.0/me/onlineMeetings", tok, `{"subject":"no end","startDateTime":"2030-01-01T10:00:00Z"}`).wantError(t, http.StatusBadRequest, "BadRequest", "")
}

// A plain create takes every writable setting Graph lists, the passcode
// requirement included, and stores it; a PATCH changes the settings but not
// the passcode requirement. Before, five of them were dropped in silence.
func TestCreateTakesEverySetting(t *testing.T) {
	e := newEnv(t)
	tok := e.user(tenantA, alice)
	r := e.do("POST", "/v1.0/me/onlineMeetings", tok, `{"startDateTime":"2030-01-01T10:00:00Z","endDateTime":"2030-01-01T11:00:00Z",
		"joinMeetingIdSettings":{"isPasscodeRequired":true},"allowParticipantsToChangeName":true,"isEndToEndEncryptionEnabled":true,
		"chatRestrictions":{"allowTextOnly":true},"shareMeetingChatHistoryDefault":"all"}`).want(t, http.StatusCreated)
	path := "/v1.0/me/onlineMeetings/" + r.str("id")
	want := map[string]any{
		"joinMeetingIdSettings.isPasscodeRequired": true, "allowParticipantsToChangeName": true, "isEndToEndEncryptionEnabled": true,
		"chatRestrictions.allowTextOnly": true, "shareMeetingChatHistoryDefault": "all",
	}
	for _, got := range []*response{r, e.do("GET", path, tok, "").want(t, http.StatusOK)} {
		for k, v := range want {
			if got.get(k) != v {
				t.Errorf("%s: got %v, want %v", k, got.get(k), v)
			}
		}
		if p := got.str("joinMeetingIdSettings.passcode"); p == "" {
			t.Errorf("passcode: got none, want one, as the meeting requires it")
		}
	}
	e.do("PATCH", path, tok, `{"shareMeetingChatHistoryDefault":"some"}`).wantError(t, http.StatusBadRequest, "BadRequest", "'some' is not a valid value for shareMeetingChatHistoryDefault.")
	p := e.do("PATCH", path, tok, `{"shareMeetingChatHistoryDefault":"none","chatRestrictions":null,"isEndToEndEncryptionEnabled":false,
		"joinMeetingIdSettings":{"isPasscodeRequired":false}}`).want(t, http.StatusOK)
	for k, v := range map[string]any{"shareMeetingChatHistoryDefault": "none", "chatRestrictions": nil, "isEndToEndEncryptionEnabled": false,
		"allowParticipantsToChangeName": true, "joinMeetingIdSettings.isPasscodeRequired": true} {
		if p.get(k) != v {
			t.Errorf("after PATCH, %s: got %v, want %v", k, p.get(k), v)
		}
	}
	// createOrGet ignores the passcode requirement, as Graph does ("ByDesign").
	c := e.createOrGet("/me", tok, `{"externalId":"pc","joinMeetingIdSettings":{"isPasscodeRequired":true}}`).want(t, http.StatusCreated)
	if c.get("joinMeetingIdSettings.isPasscodeRequired") != false || c.get("joinMeetingIdSettings.passcode") != nil {
		t.Errorf("createOrGet: joinMeetingIdSettings %v, want isPasscodeRequired false and no passcode", c.get("joinMeetingIdSettings"))
	}
}

// Checklist 34, 39, 40: get by id for the organizer and an attendee; garbage
// ids; another organizer's id; another tenant.
func TestGetByID(t *testing.T) {
	e := newEnv(t)
	m := e.createOrGet("/me", e.user(tenantA, alice), `{"externalId":"g","participants":{"attendees":[`+attendeeBob+`]}}`).want(t, http.StatusCreated)
	id := m.str("id")
	e.do("GET", "/v1.0/me/onlineMeetings/"+id, e.user(tenantA, alice), "").want(t, http.StatusOK)
	e.do("GET", "/v1.0/me/onlineMeetings/"+id, e.user(tenantA, alice, meetd.ScopeRead), "").want(t, http.StatusOK)
	// The invited attendee's own token works too.
	got := e.do("GET", "/beta/me/onlineMeetings/"+id, e.user(tenantA, bob), "").want(t, http.StatusOK)
	if got.str("id") != id {
		t.Errorf("attendee get: got id %s, want %s", got.str("id"), id)
	}
	// On /me the context names the caller, not the organizer, as on Graph;
	// the organizer's answer, read just before, is not the attendee's.
	for _, c := range []struct{ who, tok string }{{alice, e.user(tenantA, alice)}, {bob, e.user(tenantA, bob)}} {
		r := e.do("GET", "/v1.0/me/onlineMeetings/"+id, c.tok, "").want(t, http.StatusOK)
		if got, want := r.str("@odata.context"), e.url+"/v1.0/$metadata#users('"+c.who+"')/onlineMeetings/$entity"; got != want {
			t.Errorf("@odata.context of %s's get: got %q, want %q", c.who, got, want)
		}
	}
	// Someone neither organizer nor attendee gets Graph's mismatch.
	e.do("GET", "/v1.0/me/onlineMeetings/"+id, e.user(tenantA, carol), "").wantError(t, http.StatusNotFound, "NotFound", "Organizer Id mismatch User Id: "+carol+".")
	// A guest whose id happens to be a user's is not that user.
	guest := e.createOrGet("/me", e.user(tenantA, alice), `{"externalId":"g-guest","participants":{"attendees":[{"identity":{"guest":{"id":"`+carol+`","displayName":"Carol"}}}]}}`).want(t, http.StatusCreated)
	e.do("GET", "/v1.0/me/onlineMeetings/"+guest.str("id"), e.user(tenantA, carol), "").wantError(t, http.StatusNotFound, "NotFound", "Organizer Id mismatch User Id: "+carol+".")
	// Another tenant never sees it.
	e.do("GET", "/v1.0/me/onlineMeetings/"+id, e.user(tenantB, alice), "").wantError(t, http.StatusNotFound, "NotFound", "")
	for _, bad := range []string{"garbage", "MCMxOTptZWV0aW5nX05qa3lNelkxTnpFdFpXRmxPUzAwWWpZMkxXRm1PR0V0TWpNeE5tUTRaV1kxT0RjeUB0aHJlYWQudjIjMA==", url.PathEscape("a/b")} {
		e.do("GET", "/v1.0/me/onlineMeetings/"+bad, e.user(tenantA, alice), "").wantError(t, http.StatusBadRequest, "BadRequest", "Meeting Id is corrupted.")
	}
	// App tokens with a policy read through /users/{id}.
	e.grant(tenantA, "read", alice, appX)
	e.do("GET", "/v1.0/users/"+alice+"/onlineMeetings/"+id, e.app(tenantA, appX, meetd.RoleRead), "").want(t, http.StatusOK)
	e.do("GET", "/v1.0/users/"+alice+"/onlineMeetings/"+id, e.app(tenantA, appY, meetd.RoleRead), "").wantError(t, http.StatusForbidden, "Forbidden", "No application access policy found for this app.")
}

// An id whose base64 padding was dropped (URL-safe copies of ids often lose
// their "=") is the same meeting's: get, PATCH and DELETE find it, where they
// answered 404 before.
func TestMeetingIDWithoutPadding(t *testing.T) {
	e := newEnv(t)
	alices := e.user(tenantA, alice)
	id := e.createOrGet("/me", alices, `{"externalId":"pad"}`).want(t, http.StatusCreated).str("id")
	bare := strings.TrimRight(id, "=")
	if bare == id {
		t.Fatalf("meeting id %s has no padding: this test needs one that has", id)
	}
	if got := e.do("GET", "/v1.0/me/onlineMeetings/"+bare, alices, "").want(t, http.StatusOK).str("id"); got != id {
		t.Errorf("get without padding: got id %s, want %s", got, id)
	}
	if got := e.do("PATCH", "/v1.0/me/onlineMeetings/"+bare, alices, `{"subject":"padded"}`).want(t, http.StatusOK).str("subject"); got != "padded" {
		t.Errorf("PATCH without padding: got subject %q, want padded", got)
	}
	e.do("DELETE", "/v1.0/me/onlineMeetings/"+bare, alices, "").want(t, http.StatusNoContent)
	e.do("GET", "/v1.0/me/onlineMeetings/"+id, alices, "").wantError(t, http.StatusNotFound, "NotFound", "")
}

// Checklist 35–38: the supported $filter look-ups and everything else.
func TestFilters(t *testing.T) {
	e := newEnv(t)
	alices := e.user(tenantA, alice)
	m := e.createOrGet("/me", alices, `{"externalId":"f","participants":{"attendees":[`+attendeeBob+`]}}`).want(t, http.StatusCreated)
	join, joinID := m.str("joinWebUrl"), m.str("joinMeetingIdSettings.joinMeetingId")
	filter := func(tok, path, f string) *response {
		return e.do("GET", "/v1.0"+path+"/onlineMeetings?$filter="+url.QueryEscape(f), tok, "")
	}
	one := func(r *response) {
		t.Helper()
		r.want(t, http.StatusOK)
		v, _ := r.json["value"].([]any)
		if len(v) != 1 || v[0].(map[string]any)["id"] != m.str("id") {
			t.Fatalf("value: got %s, want exactly the meeting", r.body)
		}
		if !strings.HasSuffix(r.str("@odata.context"), "/onlineMeetings") {
			t.Errorf("@odata.context: got %q, want a collection context", r.str("@odata.context"))
		}
	}
	one(filter(alices, "/me", "JoinWebUrl eq '"+join+"'"))
	one(filter(alices, "/me", "joinWebUrl eq '"+join+"'"))
	one(filter(alices, "/me", "joinMeetingIdSettings/joinMeetingId eq '"+joinID+"'"))
	// Graph's docs URL-encode the joinWebUrl inside the literal.
	one(filter(alices, "/me", "JoinWebUrl eq '"+url.QueryEscape(join)+"'"))
	// No match is an empty collection.
	r := filter(alices, "/me", "joinMeetingIdSettings/joinMeetingId eq '1'").want(t, http.StatusOK)
	if v, _ := r.json["value"].([]any); v == nil || len(v) != 0 {
		t.Errorf("no match: got %s, want an empty value array", r.body)
	}
	// The attendee may not look the meeting up by its join URL.
	filter(e.user(tenantA, bob), "/me", "JoinWebUrl eq '"+join+"'").wantError(t, http.StatusForbidden, "Forbidden", "")
	// Another tenant finds nothing.
	r = filter(e.user(tenantB, alice), "/me", "JoinWebUrl eq '"+join+"'").want(t, http.StatusOK)
	if v, _ := r.json["value"].([]any); len(v) != 0 {
		t.Errorf("other tenant: got %s, want nothing", r.body)
	}
	invalid := "Filter expression expected - /onlineMeetings?$filter={ParameterName} eq '{id}'."
	e.do("GET", "/v1.0/me/onlineMeetings", alices, "").wantError(t, http.StatusBadRequest, "InvalidArgument", invalid)
	filter(alices, "/me", "start/dateTime ge '2020-01-01'").wantError(t, http.StatusBadRequest, "InvalidArgument", invalid)
	filter(alices, "/me", "Subject eq 'x'").wantError(t, http.StatusBadRequest, "InvalidArgument", invalid)
	filter(alices, "/me", "JoinWebUrl eq 'unterminated").wantError(t, http.StatusBadRequest, "BadRequest", "")

	// VideoTeleconferenceId: application tokens, no access policy needed.
	vtc := m.str("videoTeleconferenceId")
	one(e.do("GET", "/v1.0/communications/onlineMeetings?$filter="+url.QueryEscape("VideoTeleconferenceId eq '"+vtc+"'"), e.app(tenantA, appX, meetd.RoleRead), ""))
	// With a slash before the query too, as graph-facts' VTC route has it,
	// and likewise on the user's collection.
	one(e.do("GET", "/v1.0/communications/onlineMeetings/?$filter="+url.QueryEscape("VideoTeleconferenceId eq '"+vtc+"'"), e.app(tenantA, appX, meetd.RoleRead), ""))
	one(e.do("GET", "/v1.0/me/onlineMeetings/?$filter="+url.QueryEscape("JoinWebUrl eq '"+join+"'"), alices, ""))
	e.do("GET", "/v1.0/communications/onlineMeetings?$filter="+url.QueryEscape("VideoTeleconferenceId eq '"+vtc+"'"), alices, "").wantError(t, http.StatusForbidden, "Forbidden", "")
	// Not subject to access policies, but the role is still needed; a
	// personal account's tenant is refused; an empty id is no look-up.
	vtcFilter := "/v1.0/communications/onlineMeetings?$filter=" + url.QueryEscape("VideoTeleconferenceId eq '"+vtc+"'")
	e.do("GET", vtcFilter, e.app(tenantA, appX, "User.Read.All"), "").wantError(t, http.StatusForbidden, "Forbidden",
		"Insufficient privileges: application tokens need the role OnlineMeetings.Read.All or OnlineMeetings.ReadWrite.All.")
	e.do("GET", vtcFilter, e.app(meetd.ConsumerTenantID, appX, meetd.RoleRead), "").wantError(t, http.StatusUnauthorized, "AuthenticationError", "Error authenticating with resource")
	e.do("GET", "/v1.0/communications/onlineMeetings?$filter="+url.QueryEscape("VideoTeleconferenceId eq ''"), e.app(tenantA, appX, meetd.RoleRead), "").
		wantError(t, http.StatusBadRequest, "InvalidArgument", invalid)
	// The communications collection takes only VideoTeleconferenceId: the
	// user's filters there are refused, not read as a VTC id.
	for _, f := range []string{"JoinWebUrl eq '" + join + "'", "joinMeetingIdSettings/joinMeetingId eq '" + vtc + "'"} {
		e.do("GET", "/v1.0/communications/onlineMeetings?$filter="+url.QueryEscape(f), e.app(tenantA, appX, meetd.RoleRead), "").
			wantError(t, http.StatusBadRequest, "InvalidArgument", invalid)
	}
}

// Object ids are GUIDs and compare without case wherever a body names a
// user: an attendee given in upper case is the user whose token says it in
// lower case, and the organizer's own id in upper case is no change.
func TestIDsInBodiesIgnoreCase(t *testing.T) {
	e := newEnv(t)
	alices := e.user(tenantA, alice)
	upperCarol := strings.ToUpper(carol)
	m := e.createOrGet("/me", alices, `{"externalId":"upper","participants":{"attendees":[{"upn":"carol@contoso.com","identity":{"user":{"id":"`+upperCarol+`"}}}]}}`).want(t, http.StatusCreated)
	e.do("GET", "/v1.0/me/onlineMeetings/"+m.str("id"), e.user(tenantA, carol), "").want(t, http.StatusOK)
	e.do("GET", "/v1.0/me/onlineMeetings?$filter="+url.QueryEscape("JoinWebUrl eq '"+m.str("joinWebUrl")+"'"), e.user(tenantA, carol), "").
		wantError(t, http.StatusForbidden, "Forbidden", "")
	e.do("PATCH", "/v1.0/me/onlineMeetings/"+m.str("id"), alices,
		`{"subject":"same organizer","participants":{"organizer":{"identity":{"user":{"id":"`+strings.ToUpper(alice)+`"}}}}}`).want(t, http.StatusOK)
}

// Checklist 41–45: PATCH rules.
func TestUpdate(t *testing.T) {
	e := newEnv(t)
	tok := e.user(tenantA, alice)
	m := e.createOrGet("/me", tok, `{"externalId":"u","subject":"Before","startDateTime":"2030-01-01T10:00:00Z","participants":{"attendees":[`+attendeeBob+`]}}`).want(t, http.StatusCreated)
	path := "/v1.0/me/onlineMeetings/" + m.str("id")
	joinID := m.str("joinMeetingIdSettings.joinMeetingId")

	e.do("PATCH", path, tok, `{"startDateTime":"2030-01-01T12:00:00Z"}`).wantError(t, http.StatusBadRequest, "BadRequest", "")
	e.do("PATCH", path, tok, `{"startDateTime":"2030-01-01T12:00:00Z","endDateTime":"2030-01-01T11:59:59Z"}`).wantError(t, http.StatusBadRequest, "BadRequest",
		"endDateTime cannot be earlier than startDateTime.")
	e.do("PATCH", path, tok, `{"participants":{"organizer":{"identity":{"user":{"id":"`+carol+`"}}}}}`).wantError(t, http.StatusBadRequest, "BadRequest", "")
	// An organizer that names no id names no other organizer.
	e.do("PATCH", path, tok, `{"participants":{"organizer":{"upn":"alice@contoso.com"}}}`).want(t, http.StatusOK)
	e.do("PATCH", path, tok, `{"lobbyBypassSettings":{"scope":"nobody"}}`).wantError(t, http.StatusBadRequest, "BadRequest", "")
	e.do("PATCH", path, tok, `{"subject":"Changed","allowedPresenters":"bogus"}`).wantError(t, http.StatusBadRequest, "BadRequest", "")
	e.do("PATCH", path, tok, `{"anonymizeIdentityForRoles":["boss"]}`).wantError(t, http.StatusBadRequest, "BadRequest", "'boss' is not a valid value for anonymizeIdentityForRoles.")
	// A failed PATCH changed nothing.
	if got := e.do("GET", path, tok, "").want(t, http.StatusOK).str("subject"); got != "Before" {
		t.Fatalf("subject after failed PATCHes: got %q, want Before", got)
	}

	r := e.do("PATCH", path, tok, `{"subject":"After","startDateTime":"2030-01-02T10:00:00-02:00","endDateTime":"2030-01-02T11:30:00-02:00",
		"participants":{"attendees":[{"identity":{"user":{"id":"`+carol+`"}},"upn":"carol@contoso.com","role":"presenter"}]},
		"allowedPresenters":"roleIsPresenter","lobbyBypassSettings":{"scope":"everyone","isDialInBypassEnabled":true},
		"joinMeetingIdSettings":{"joinMeetingId":"1","isPasscodeRequired":true},"recordAutomatically":true}`).want(t, http.StatusOK)
	for k, want := range map[string]any{
		"subject": "After", "startDateTime": "2030-01-02T12:00:00Z", "endDateTime": "2030-01-02T13:30:00Z",
		"allowedPresenters": "roleIsPresenter", "lobbyBypassSettings.scope": "everyone", "lobbyBypassSettings.isDialInBypassEnabled": true,
		"joinMeetingIdSettings.joinMeetingId": joinID, "recordAutomatically": true, "id": m.str("id"),
		"joinMeetingIdSettings.isPasscodeRequired": false, // fixed after create
		"participants.organizer.identity.user.id":  alice,
	} {
		if got := r.get(k); got != want {
			t.Errorf("%s: got %v, want %v", k, got, want)
		}
	}
	att := r.get("participants.attendees").([]any)
	if len(att) != 1 || att[0].(map[string]any)["upn"] != "carol@contoso.com" {
		t.Errorf("attendees: got %v, want only carol (replaced whole)", att)
	}
	// The change is stored, and createOrGet returns the updated meeting.
	if got := e.createOrGet("/me", tok, `{"externalId":"u"}`).want(t, http.StatusOK).str("subject"); got != "After" {
		t.Errorf("createOrGet after PATCH: subject %q, want After", got)
	}
	// Only the organizer may change it.
	e.do("PATCH", "/v1.0/me/onlineMeetings/"+m.str("id"), e.user(tenantA, carol), `{"subject":"x"}`).wantError(t, http.StatusNotFound, "NotFound", "Organizer Id mismatch User Id: "+carol+".")
	e.do("PATCH", "/v1.0/me/onlineMeetings/garbage", tok, `{"subject":"x"}`).wantError(t, http.StatusBadRequest, "BadRequest", "Meeting Id is corrupted.")
	e.do("PATCH", path, e.user(tenantA, alice, meetd.ScopeRead), `{"subject":"x"}`).wantError(t, http.StatusForbidden, "Forbidden", "")
}

// A PATCH of a complex setting changes only the values it names, as
// Graph's documented lobbyBypassSettings example does: "supply only the
// values for properties that should be updated".
func TestUpdateLeavesUnnamedValuesAlone(t *testing.T) {
	e := newEnv(t)
	tok := e.user(tenantA, alice)
	m := e.createOrGet("/me", tok, `{"externalId":"merge"}`).want(t, http.StatusCreated)
	path := "/v1.0/me/onlineMeetings/" + m.str("id")
	e.do("PATCH", path, tok, `{"lobbyBypassSettings":{"scope":"everyone"},"watermarkProtection":{"isEnabledForContentSharing":true,"isEnabledForVideo":true}}`).want(t, http.StatusOK)
	r := e.do("PATCH", path, tok, `{"lobbyBypassSettings":{"isDialInBypassEnabled":true},"watermarkProtection":{"isEnabledForVideo":false}}`).want(t, http.StatusOK)
	for k, want := range map[string]any{
		"lobbyBypassSettings.scope": "everyone", "lobbyBypassSettings.isDialInBypassEnabled": true,
		"watermarkProtection.isEnabledForContentSharing": true, "watermarkProtection.isEnabledForVideo": false,
	} {
		if got := r.get(k); got != want {
			t.Errorf("%s: got %v, want %v", k, got, want)
		}
	}
	// null still removes the watermark.
	if got := e.do("PATCH", path, tok, `{"watermarkProtection":null}`).want(t, http.StatusOK).get("watermarkProtection"); got != nil {
		t.Errorf("watermarkProtection after null: got %v, want null", got)
	}
	// chatRestrictions alike: {} names nothing to change, null removes them.
	e.do("PATCH", path, tok, `{"chatRestrictions":{"allowTextOnly":true}}`).want(t, http.StatusOK)
	if got := e.do("PATCH", path, tok, `{"chatRestrictions":{}}`).want(t, http.StatusOK).get("chatRestrictions.allowTextOnly"); got != true {
		t.Errorf("chatRestrictions.allowTextOnly after {}: got %v, want true", got)
	}
	if got := e.do("PATCH", path, tok, `{"chatRestrictions":null}`).want(t, http.StatusOK).get("chatRestrictions"); got != nil {
		t.Errorf("chatRestrictions after null: got %v, want null", got)
	}
	// {} names nothing, so null stays null.
	r = e.do("PATCH", path, tok, `{"chatRestrictions":{},"watermarkProtection":{}}`).want(t, http.StatusOK)
	if r.get("chatRestrictions") != nil || r.get("watermarkProtection") != nil {
		t.Errorf("{} on null settings: got chatRestrictions %v, watermarkProtection %v; want both still null", r.get("chatRestrictions"), r.get("watermarkProtection"))
	}
}

// A PATCH changes every updatable setting it names, each one to a value
// that is not its default, and the change is stored.
func TestUpdateChangesEverySetting(t *testing.T) {
	e := newEnv(t)
	tok := e.user(tenantA, alice)
	m := e.createOrGet("/me", tok, `{"externalId":"every"}`).want(t, http.StatusCreated)
	path := "/v1.0/me/onlineMeetings/" + m.str("id")
	want := map[string]any{
		"allowedPresenters": "organizer", "allowedLobbyAdmitters": "organizerAndCoOrganizers", "allowMeetingChat": "limited",
		"allowLiveShare": "disabled", "shareMeetingChatHistoryDefault": "all",
		"lobbyBypassSettings.scope": "organizer", "lobbyBypassSettings.isDialInBypassEnabled": true,
		"isEntryExitAnnounced": false, "allowTeamworkReactions": false, "allowAttendeeToEnableCamera": false,
		"allowAttendeeToEnableMic": false, "allowBreakoutRooms": false, "allowCopyingAndSharingMeetingContent": false,
		"allowPowerPointSharing": false, "allowRecording": false, "allowTranscription": false, "allowWhiteboard": false,
		"recordAutomatically": true, "allowParticipantsToChangeName": true, "isEndToEndEncryptionEnabled": true,
		"watermarkProtection.isEnabledForContentSharing": true, "watermarkProtection.isEnabledForVideo": true,
		"chatRestrictions.allowTextOnly": true,
	}
	body := map[string]any{"anonymizeIdentityForRoles": []string{"presenter"}}
	for k, v := range want {
		if parent, child, ok := strings.Cut(k, "."); ok {
			o, _ := body[parent].(map[string]any)
			if o == nil {
				o = map[string]any{}
				body[parent] = o
			}
			o[child] = v
		} else {
			body[k] = v
		}
	}
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	patched := e.do("PATCH", path, tok, string(b)).want(t, http.StatusOK)
	for _, r := range []*response{patched, e.do("GET", path, tok, "").want(t, http.StatusOK)} {
		for k, v := range want {
			if got := r.get(k); got != v {
				t.Errorf("%s: got %v, want %v", k, got, v)
			}
		}
		if got := r.get("anonymizeIdentityForRoles"); fmt.Sprint(got) != "[presenter]" {
			t.Errorf("anonymizeIdentityForRoles: got %v, want [presenter]", got)
		}
	}
}

// Checklist 46, 47: delete, and what follows it.
func TestDelete(t *testing.T) {
	e := newEnv(t)
	tok := e.user(tenantA, alice)
	m := e.createOrGet("/me", tok, `{"externalId":"d"}`).want(t, http.StatusCreated)
	path := "/v1.0/me/onlineMeetings/" + m.str("id")
	e.do("DELETE", path, e.user(tenantA, alice, meetd.ScopeRead), "").wantError(t, http.StatusForbidden, "Forbidden", "")
	e.do("DELETE", path, e.app(tenantA, appX), "").wantError(t, http.StatusBadRequest, "BadRequest", "/me request is only valid with delegated authentication flow.")
	// Only the organizer may delete it, and the meeting is still there after another user tried.
	e.do("DELETE", path, e.user(tenantA, carol), "").wantError(t, http.StatusNotFound, "NotFound", "Organizer Id mismatch User Id: "+carol+".")
	e.do("GET", path, tok, "").want(t, http.StatusOK)
	e.do("DELETE", "/v1.0/me/onlineMeetings/garbage", tok, "").wantError(t, http.StatusBadRequest, "BadRequest", "Meeting Id is corrupted.")
	r := e.do("DELETE", path, tok, "").want(t, http.StatusNoContent)
	if len(r.body) != 0 {
		t.Errorf("204 body: got %q, want empty", r.body)
	}
	e.do("GET", path, tok, "").wantError(t, http.StatusNotFound, "NotFound", "")
	e.do("DELETE", path, tok, "").wantError(t, http.StatusNotFound, "NotFound", "")
	// The external id is free again: createOrGet makes a new meeting.
	again := e.createOrGet("/me", tok, `{"externalId":"d"}`).want(t, http.StatusCreated)
	if again.str("id") == m.str("id") {
		t.Errorf("createOrGet after delete returned the deleted meeting")
	}
	// The old join link says the meeting was deleted.
	page := e.do("GET", strings.TrimPrefix(m.str("joinWebUrl"), e.url), "", "")
	if page.status != http.StatusGone || !strings.Contains(string(page.body), "deleted") {
		t.Errorf("join page of a deleted meeting: got %d %q, want 410 saying deleted", page.status, page.body)
	}
	// Apps delete through /users/{id} with a policy.
	e.grant(tenantA, "w", alice, appX)
	m2 := e.createOrGet("/users/"+alice, e.app(tenantA, appX), `{"externalId":"d2"}`).want(t, http.StatusCreated)
	e.do("DELETE", "/v1.0/users/"+alice+"/onlineMeetings/"+m2.str("id"), e.app(tenantA, appX, meetd.RoleRead), "").wantError(t, http.StatusForbidden, "Forbidden", "")
	e.do("DELETE", "/v1.0/users/"+alice+"/onlineMeetings/"+m2.str("id"), e.app(tenantA, appX), "").want(t, http.StatusNoContent)
}

// Checklist 48, 49: evolvable enums and Prefer: include-unknown-enum-members.
func TestEvolvableEnums(t *testing.T) {
	e := newEnv(t)
	tok := e.user(tenantA, alice)
	m := e.createOrGet("/me", tok, `{"externalId":"enum","participants":{"attendees":[{"upn":"c@contoso.com","identity":{"user":{"id":"`+carol+`"}},"role":"coorganizer"}]}}`).want(t, http.StatusCreated)
	path := "/v1.0/me/onlineMeetings/" + m.str("id")
	e.do("PATCH", path, tok, `{"lobbyBypassSettings":{"scope":"invited"}}`).want(t, http.StatusOK)
	plain := e.do("GET", path, tok, "").want(t, http.StatusOK)
	if got := plain.str("lobbyBypassSettings.scope"); got != "unknownFutureValue" {
		t.Errorf("scope without Prefer: got %q, want unknownFutureValue", got)
	}
	if role := plain.get("participants.attendees").([]any)[0].(map[string]any)["role"]; role != "unknownFutureValue" {
		t.Errorf("role without Prefer: got %v, want unknownFutureValue", role)
	}
	if plain.header.Get("Preference-Applied") != "" {
		t.Errorf("Preference-Applied without Prefer: %q", plain.header.Get("Preference-Applied"))
	}
	full := e.do("GET", path, tok, "", "Prefer", "include-unknown-enum-members").want(t, http.StatusOK)
	if got := full.str("lobbyBypassSettings.scope"); got != "invited" {
		t.Errorf("scope with Prefer: got %q, want invited", got)
	}
	if role := full.get("participants.attendees").([]any)[0].(map[string]any)["role"]; role != "coorganizer" {
		t.Errorf("role with Prefer: got %v, want coorganizer", role)
	}
	if got := full.header.Get("Preference-Applied"); got != "include-unknown-enum-members" {
		t.Errorf("Preference-Applied: got %q", got)
	}
	// Prefer may list it among others, spaced, in any case (RFC 7240).
	listed := e.do("GET", path, tok, "", "Prefer", "odata.maxpagesize=10, Include-Unknown-Enum-Members").want(t, http.StatusOK)
	if got := listed.str("lobbyBypassSettings.scope"); got != "invited" || listed.header.Get("Preference-Applied") != "include-unknown-enum-members" {
		t.Errorf("Prefer in a list: scope %q, Preference-Applied %q; want invited and the preference applied", got, listed.header.Get("Preference-Applied"))
	}
	e.do("PATCH", path, tok, `{"lobbyBypassSettings":{"scope":"unknownFutureValue"}}`).wantError(t, http.StatusBadRequest, "BadRequest", "")
}

// $select returns only the named properties.
func TestSelect(t *testing.T) {
	e := newEnv(t)
	tok := e.user(tenantA, alice)
	m := e.createOrGet("/me", tok, `{"externalId":"sel","subject":"S"}`).want(t, http.StatusCreated)
	r := e.do("GET", "/v1.0/me/onlineMeetings/"+m.str("id")+"?$select=subject,joinWebUrl", tok, "").want(t, http.StatusOK)
	for k := range r.json {
		if k != "subject" && k != "joinWebUrl" && k != "@odata.context" {
			t.Errorf("$select=subject,joinWebUrl: unexpected property %q", k)
		}
	}
	if r.str("subject") != "S" || r.str("joinWebUrl") != m.str("joinWebUrl") {
		t.Errorf("selected values: got %s", r.body)
	}
	e.do("GET", "/v1.0/me/onlineMeetings/"+m.str("id")+"?$select=nope", tok, "").wantError(t, http.StatusBadRequest, "BadRequest", "")
}

// On beta, $select accepts the properties of beta's onlineMeeting schema
// that v1.0 lacks (meetingOptionsWebUrl, expiryDateTime, …: the beta SDK's
// model has them), as Graph beta does; meetd keeps no value for them, so
// they come back null. v1.0 still answers 400 for them.
func TestBetaSelectBetaOnlyProperties(t *testing.T) {
	e := newEnv(t)
	tok := e.user(tenantA, alice)
	m := e.createOrGet("/me", tok, `{"externalId":"betasel","subject":"S"}`).want(t, http.StatusCreated)
	r := e.do("GET", "/beta/me/onlineMeetings/"+m.str("id")+"?$select=subject,meetingOptionsWebUrl,EXPIRYDATETIME,meetingType", tok, "").want(t, http.StatusOK)
	if r.str("subject") != "S" || !strings.HasSuffix(r.str("@odata.context"), "/onlineMeetings(subject,meetingOptionsWebUrl,expiryDateTime,meetingType)/$entity") {
		t.Errorf("beta $select of beta-only properties: got %s", r.body)
	}
	for _, k := range []string{"meetingOptionsWebUrl", "expiryDateTime", "meetingType"} {
		if v, ok := r.json[k]; !ok || v != nil {
			t.Errorf("beta $select=%s: got %s, want it null", k, r.body)
		}
	}
	if len(r.json) != 5 {
		t.Errorf("beta $select: got %s, want 4 properties and the context", r.body)
	}
	f := url.QueryEscape("joinMeetingIdSettings/joinMeetingId eq '" + m.str("joinMeetingIdSettings.joinMeetingId") + "'")
	r = e.do("GET", "/beta/me/onlineMeetings?$filter="+f+"&$select=meetingSpokenLanguageTag", tok, "").want(t, http.StatusOK)
	if v, _ := r.json["value"].([]any); len(v) != 1 || len(v[0].(map[string]any)) != 1 {
		t.Errorf("beta collection $select=meetingSpokenLanguageTag: got %s", r.body)
	}
	e.do("GET", "/v1.0/me/onlineMeetings/"+m.str("id")+"?$select=meetingOptionsWebUrl", tok, "").wantError(t, http.StatusBadRequest, "BadRequest",
		"Could not find a property named 'meetingOptionsWebUrl' on type 'microsoft.graph.onlineMeeting'.")
}

// A system query option given twice is a 400, as on Graph ("Query option
// '$select' was specified more than once, but it must be specified at most
// once.", msgraph-sdk-java#336), not the first value with the rest dropped.
func TestQueryOptionTwice(t *testing.T) {
	e := newEnv(t)
	tok := e.user(tenantA, alice)
	m := e.createOrGet("/me", tok, `{"externalId":"twice","subject":"S"}`).want(t, http.StatusCreated)
	e.do("GET", "/v1.0/me/onlineMeetings/"+m.str("id")+"?$select=subject&$select=id", tok, "").wantError(t, http.StatusBadRequest, "BadRequest",
		"Query option '$select' was specified more than once, but it must be specified at most once.")
	f := url.QueryEscape("joinMeetingIdSettings/joinMeetingId eq '" + m.str("joinMeetingIdSettings.joinMeetingId") + "'")
	e.do("GET", "/v1.0/me/onlineMeetings?$filter="+f+"&$filter="+url.QueryEscape("joinMeetingIdSettings/joinMeetingId eq '1'"), tok, "").wantError(t, http.StatusBadRequest, "BadRequest",
		"Query option '$filter' was specified more than once, but it must be specified at most once.")
	e.do("GET", "/v1.0/me/onlineMeetings?$filter="+f, tok, "").want(t, http.StatusOK)
}

// On beta the $ of a system query option is optional, as Graph documents
// (learn.microsoft.com/graph/query-parameters); on v1.0 meetd keeps to $.
func TestBetaQueryOptionsWithoutDollar(t *testing.T) {
	e := newEnv(t)
	tok := e.user(tenantA, alice)
	m := e.createOrGet("/me", tok, `{"externalId":"bare","subject":"S"}`).want(t, http.StatusCreated)
	r := e.do("GET", "/beta/me/onlineMeetings/"+m.str("id")+"?select=subject", tok, "").want(t, http.StatusOK)
	if _, ok := r.json["joinWebUrl"]; ok || r.str("subject") != "S" || !strings.HasSuffix(r.str("@odata.context"), "/onlineMeetings(subject)/$entity") {
		t.Errorf("beta select=subject: got %s", r.body)
	}
	f := url.QueryEscape("joinMeetingIdSettings/joinMeetingId eq '" + m.str("joinMeetingIdSettings.joinMeetingId") + "'")
	r = e.do("GET", "/beta/me/onlineMeetings?filter="+f, tok, "").want(t, http.StatusOK)
	if v, _ := r.json["value"].([]any); len(v) != 1 {
		t.Errorf("beta filter=…: got %s, want the meeting", r.body)
	}
	e.do("GET", "/beta/me/onlineMeetings/"+m.str("id")+"?$select=subject&select=id", tok, "").wantError(t, http.StatusBadRequest, "BadRequest",
		"Query option '$select' was specified more than once, but it must be specified at most once.")
	// v1.0: not an option; the whole meeting.
	r = e.do("GET", "/v1.0/me/onlineMeetings/"+m.str("id")+"?select=subject", tok, "").want(t, http.StatusOK)
	if _, ok := r.json["joinWebUrl"]; !ok {
		t.Errorf("v1.0 select=subject: got %s, want the whole meeting", r.body)
	}
}

// A bad $select on a write refuses the whole request: nothing is created or
// changed, so the client's retry without it does not find a meeting made by
// a request that it was told failed.
func TestSelectRefusedBeforeWrite(t *testing.T) {
	e := newEnv(t)
	tok := e.user(tenantA, alice)
	e.do("POST", "/v1.0/me/onlineMeetings/createOrGet?$select=nope", tok, `{"externalId":"sel"}`).wantError(t, http.StatusBadRequest, "BadRequest", "")
	m := e.createOrGet("/me", tok, `{"externalId":"sel","subject":"S"}`).want(t, http.StatusCreated)
	e.do("PATCH", "/v1.0/me/onlineMeetings/"+m.str("id")+"?$select=nope", tok, `{"subject":"changed"}`).wantError(t, http.StatusBadRequest, "BadRequest", "")
	if got := e.do("GET", "/v1.0/me/onlineMeetings/"+m.str("id"), tok, "").want(t, http.StatusOK).str("subject"); got != "S" {
		t.Errorf("subject after the refused PATCH: got %q, want S", got)
	}
	// A plain create has no key to look for; with a limit of one meeting,
	// the good create after a refused one shows that nothing was stored.
	lim := newEnv(t, envOptions{monthlyLimit: 1})
	ltok := lim.user(tenantA, alice)
	plain := `{"subject":"plain","startDateTime":"2030-01-01T10:00:00Z","endDateTime":"2030-01-01T11:00:00Z"}`
	lim.do("POST", "/v1.0/me/onlineMeetings?$select=nope", ltok, plain).wantError(t, http.StatusBadRequest, "BadRequest", "")
	lim.do("POST", "/v1.0/me/onlineMeetings", ltok, plain).want(t, http.StatusCreated)
	lim.do("POST", "/v1.0/me/onlineMeetings", ltok, plain).wantError(t, http.StatusTooManyRequests, "TooManyRequests", "")
	r := e.do("GET", "/v1.0/me/onlineMeetings/"+m.str("id")+"?$select=subject", tok, "").want(t, http.StatusOK)
	if r.str("subject") != "S" {
		t.Errorf("$select=subject: got %s", r.body)
	}
	// A good $select on a create shapes the 201.
	r = e.do("POST", "/v1.0/me/onlineMeetings/createOrGet?$select=subject", tok, `{"externalId":"sel2","subject":"T"}`).want(t, http.StatusCreated)
	if _, ok := r.json["joinWebUrl"]; ok || r.str("subject") != "T" {
		t.Errorf("createOrGet with $select=subject: got %s", r.body)
	}
}

// Accept's odata.metadata is not honoured (docs/support.md): every answer
// is the minimal-metadata one, with its Content-Type saying so.
func TestAcceptMetadataIgnored(t *testing.T) {
	e := newEnv(t)
	tok := e.user(tenantA, alice)
	m := e.createOrGet("/me", tok, `{"externalId":"accept"}`).want(t, http.StatusCreated)
	path := "/v1.0/me/onlineMeetings/" + m.str("id")
	plain := e.do("GET", path, tok, "").want(t, http.StatusOK)
	for _, accept := range []string{"application/json;odata.metadata=full", "application/json;odata.metadata=none", "*/*"} {
		r := e.do("GET", path, tok, "", "Accept", accept).want(t, http.StatusOK)
		if string(r.body) != string(plain.body) || r.header.Get("Content-Type") != plain.header.Get("Content-Type") {
			t.Errorf("Accept %s: the answer differs from the one without Accept", accept)
		}
	}
}
