package graph

import (
	"strings"

	"github.com/meetd/meetd"
)

// AudioSettings are the dial-in details every meeting shows in
// audioConferencing. With neither number set, audioConferencing is null, as
// Graph returns it for organizers without an audio-conferencing licence.
type AudioSettings struct {
	TollNumber     string
	TollFreeNumber string
	DialinURL      string
}

// RendererOptions configure a Renderer.
type RendererOptions struct {
	// BaseURL is meetd's public base, e.g. http://127.0.0.1:8080: the root of
	// @odata.context and of joinWebUrl.
	BaseURL string
	Audio   AudioSettings
}

// Options shape one response.
type Options struct {
	Version string // "v1.0" (the default) or "beta": the service root in @odata.context
	// IncludeUnknownEnums is set by Prefer: include-unknown-enum-members;
	// without it evolvable enum members render as unknownFutureValue.
	IncludeUnknownEnums bool
	Select              *Selection // nil renders every property
	// User is the object id in @odata.context's users('…'): the path user
	// (for /me, the caller). Empty means the meeting's organizer; an empty
	// collection with no User gets communications/onlineMeetings, the
	// context of the VideoTeleconferenceId look-up.
	User string
}

// Renderer writes onlineMeeting JSON. Build it once with NewRenderer: the
// parts that never change are rendered then, and each response copies them.
// A Renderer is safe for concurrent use.
type Renderer struct {
	contextStart string // {"@odata.context":"{base}/  (JSON-escaped)
	joinStart    string // "{base}/l/meetup-join/  (JSON-escaped, with the quote)
	joinInfoURL  string // form-encoded HTML-escaped {base}/l/meetup-join/
	audioTail    string // ,"tollNumber":…,"dialinUrl":…} or "" when no audio
	joinInfoTail string // form-encoded dial-in part of joinInformation
}

// NewRenderer returns a Renderer for the options.
func NewRenderer(o RendererOptions) *Renderer {
	base := strings.TrimSuffix(o.BaseURL, "/")
	r := &Renderer{
		contextStart: string(appendEscaped([]byte(`{"@odata.context":"`), base+"/")),
		joinStart:    string(appendEscaped([]byte(`"`), base+joinPath)),
		joinInfoURL:  string(appendHTMLFormEncoded(nil, base+joinPath)),
	}

	a := o.Audio
	if a.TollNumber != "" || a.TollFreeNumber != "" {
		var b []byte
		b = append(b, `,"tollNumber":`...)
		b = appendStringOrNull(b, a.TollNumber)
		b = append(b, `,"tollFreeNumber":`...)
		b = appendStringOrNull(b, a.TollFreeNumber)
		b = append(b, `,"tollNumbers":[`...)
		if a.TollNumber != "" {
			b = appendString(b, a.TollNumber)
		}
		b = append(b, `],"tollFreeNumbers":[`...)
		if a.TollFreeNumber != "" {
			b = appendString(b, a.TollFreeNumber)
		}
		b = append(b, `],"dialinUrl":`...)
		b = appendStringOrNull(b, a.DialinURL)
		b = append(b, '}')
		r.audioTail = string(b)

		var h []byte
		h = appendFormEncoded(h, `<div style="margin-top:12px;">Dial in by phone</div>`)
		for _, n := range []string{a.TollNumber, a.TollFreeNumber} {
			if n != "" {
				h = appendFormEncoded(h, `<div>`)
				h = appendHTMLFormEncoded(h, n)
				h = appendFormEncoded(h, `</div>`)
			}
		}
		if a.DialinURL != "" {
			h = appendFormEncoded(h, `<div><a href="`)
			h = appendHTMLFormEncoded(h, a.DialinURL)
			h = appendFormEncoded(h, `">Find a local number</a></div>`)
		}
		r.joinInfoTail = string(h)
	}
	return r
}

// AppendMeeting appends m as a single onlineMeeting entity with its
// @odata.context: {BaseURL}/{version}/$metadata#users('{user}')/onlineMeetings/$entity.
func (r *Renderer) AppendMeeting(dst []byte, m *meetd.Meeting, o Options) []byte {
	user := o.User
	if user == "" {
		user = m.OrganizerID
	}
	dst = r.appendContext(dst, o, user)
	dst = append(dst, "/$entity\""...)
	e := encoder{b: dst, sel: o.Select.bitsOf(), n: 1, unknown: o.IncludeUnknownEnums}
	r.meeting(&e, m)
	o.Select.appendNulls(&e)
	return append(e.b, '}')
}

// AppendCollection appends ms as an OData collection:
// {"@odata.context":"…#users('{user}')/onlineMeetings","value":[…]}, the
// answer to a $filter look-up.
func (r *Renderer) AppendCollection(dst []byte, ms []*meetd.Meeting, o Options) []byte {
	user := o.User
	if user == "" && len(ms) > 0 {
		user = ms[0].OrganizerID
	}
	dst = r.appendContext(dst, o, user)
	dst = append(dst, `","value":[`...)
	sel := o.Select.bitsOf()
	for i, m := range ms {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, '{')
		e := encoder{b: dst, sel: sel, unknown: o.IncludeUnknownEnums}
		r.meeting(&e, m)
		o.Select.appendNulls(&e)
		dst = append(e.b, '}')
	}
	return append(dst, "]}"...)
}

// appendContext writes `{"@odata.context":"…onlineMeetings(select)` and
// leaves the string open.
func (r *Renderer) appendContext(dst []byte, o Options, user string) []byte {
	dst = append(dst, r.contextStart...)
	if o.Version == "" {
		o.Version = "v1.0"
	}
	dst = appendEscaped(dst, o.Version)
	if user == "" {
		dst = append(dst, "/$metadata#communications/onlineMeetings"...)
	} else {
		dst = append(dst, "/$metadata#users('"...)
		dst = appendEscaped(dst, user)
		dst = append(dst, "')/onlineMeetings"...)
	}
	if o.Select != nil && o.Select.names != "" {
		dst = append(dst, '(')
		dst = append(dst, o.Select.names...)
		dst = append(dst, ')')
	}
	return dst
}

// encoder writes the properties of one object, skipping unselected ones.
type encoder struct {
	b       []byte
	sel     uint64
	n       int // properties written so far
	unknown bool
}

// key writes the key of p and reports whether p is selected.
func (e *encoder) key(p prop) bool {
	if e.sel&(1<<p) == 0 {
		return false
	}
	if e.n > 0 {
		e.b = append(e.b, ',')
	}
	e.n++
	e.b = append(e.b, propKeys[p]...)
	return true
}

func (e *encoder) str(p prop, s string) {
	if e.key(p) {
		e.b = appendStringOrNull(e.b, s)
	}
}

func (e *encoder) boolean(p prop, v bool) {
	if e.key(p) {
		e.b = appendBool(e.b, v)
	}
}

func (e *encoder) raw(p prop, v string) {
	if e.key(p) {
		e.b = append(e.b, v...)
	}
}

// meeting writes m's properties in Graph's order.
func (r *Renderer) meeting(e *encoder, m *meetd.Meeting) {
	st := &m.Settings
	e.str(pID, m.ID)
	if e.key(pCreationDateTime) {
		e.b = r.dateTime(e.b, m.Created)
	}
	if e.key(pStartDateTime) {
		e.b = r.dateTime(e.b, m.Start)
	}
	if e.key(pEndDateTime) {
		e.b = r.dateTime(e.b, m.End)
	}
	if e.key(pJoinWebURL) {
		// The escaped thread, tenant and organizer need no JSON escaping.
		e.b = append(e.b, r.joinStart...)
		e.b = appendJoinTail(e.b, m)
		e.b = append(e.b, '"')
	}
	e.str(pSubject, m.Subject)
	e.raw(pIsBroadcast, "false")
	e.raw(pAutoAdmittedUsers, `"EveryoneInCompany"`)
	e.boolean(pIsEntryExitAnnounced, st.IsEntryExitAnnounced)
	e.str(pAllowedPresenters, st.AllowedPresenters)
	e.str(pAllowedLobbyAdmitters, st.AllowedLobbyAdmitters)
	e.str(pAllowMeetingChat, st.AllowMeetingChat)
	e.str(pShareMeetingChatHistoryDefault, st.ShareMeetingChatHistoryDefault)
	e.boolean(pAllowTeamworkReactions, st.AllowTeamworkReactions)
	e.boolean(pAllowAttendeeToEnableCamera, st.AllowAttendeeToEnableCamera)
	e.boolean(pAllowAttendeeToEnableMic, st.AllowAttendeeToEnableMic)
	e.boolean(pAllowBreakoutRooms, st.AllowBreakoutRooms)
	e.boolean(pAllowCopyingAndSharingMeetingContent, st.AllowCopyingAndSharingMeetingContent)
	e.str(pAllowLiveShare, st.AllowLiveShare)
	e.boolean(pAllowParticipantsToChangeName, st.AllowParticipantsToChangeName)
	e.boolean(pAllowPowerPointSharing, st.AllowPowerPointSharing)
	e.boolean(pAllowRecording, st.AllowRecording)
	e.boolean(pAllowTranscription, st.AllowTranscription)
	e.boolean(pAllowWhiteboard, st.AllowWhiteboard)
	e.boolean(pRecordAutomatically, st.RecordAutomatically)
	e.boolean(pIsEndToEndEncryptionEnabled, st.IsEndToEndEncryptionEnabled)
	if e.key(pAnonymizeIdentityForRoles) {
		e.b = append(e.b, '[')
		for i, role := range st.AnonymizeIdentityForRoles {
			if i > 0 {
				e.b = append(e.b, ',')
			}
			e.b = appendString(e.b, e.role(role))
		}
		e.b = append(e.b, ']')
	}
	e.raw(pCapabilities, "[]")
	e.str(pVideoTeleconferenceID, m.VideoTeleconferenceID)
	e.str(pExternalID, m.ExternalID)
	e.raw(pMeetingTemplateID, "null")
	e.raw(pBroadcastSettings, "null")
	if e.key(pChatRestrictions) {
		if r := st.ChatRestrictions; r == nil {
			e.b = append(e.b, "null"...)
		} else {
			e.b = append(e.b, `{"allowTextOnly":`...)
			e.b = appendBool(e.b, r.AllowTextOnly)
			e.b = append(e.b, '}')
		}
	}
	if e.key(pWatermarkProtection) {
		if w := st.Watermark; w == nil {
			e.b = append(e.b, "null"...)
		} else {
			e.b = append(e.b, `{"isEnabledForContentSharing":`...)
			e.b = appendBool(e.b, w.ForContentSharing)
			e.b = append(e.b, `,"isEnabledForVideo":`...)
			e.b = appendBool(e.b, w.ForVideo)
			e.b = append(e.b, '}')
		}
	}
	if e.key(pJoinMeetingIDSettings) {
		e.b = append(e.b, `{"isPasscodeRequired":`...)
		e.b = appendBool(e.b, m.PasscodeRequired)
		e.b = append(e.b, `,"joinMeetingId":`...)
		e.b = appendStringOrNull(e.b, m.JoinMeetingID)
		e.b = append(e.b, `,"passcode":`...)
		e.b = appendStringOrNull(e.b, r.passcode(m))
		e.b = append(e.b, '}')
	}
	if e.key(pAudioConferencing) {
		if r.audioTail == "" {
			e.b = append(e.b, "null"...)
		} else {
			e.b = append(e.b, `{"conferenceId":`...)
			e.b = appendStringOrNull(e.b, m.ConferenceID)
			e.b = append(e.b, r.audioTail...)
		}
	}
	if e.key(pParticipants) {
		e.b = append(e.b, `{"organizer":`...)
		e.participant(&m.Organizer)
		e.b = append(e.b, `,"attendees":[`...)
		for i := range m.Attendees {
			if i > 0 {
				e.b = append(e.b, ',')
			}
			e.participant(&m.Attendees[i])
		}
		e.b = append(e.b, `],"producers":[],"contributors":[]}`...)
	}
	if e.key(pLobbyBypassSettings) {
		e.b = append(e.b, `{"scope":`...)
		e.b = appendStringOrNull(e.b, e.lobbyScope(st.LobbyBypassScope))
		e.b = append(e.b, `,"isDialInBypassEnabled":`...)
		e.b = appendBool(e.b, st.DialInBypass)
		e.b = append(e.b, '}')
	}
	if e.key(pChatInfo) {
		e.b = append(e.b, `{"threadId":`...)
		e.b = appendStringOrNull(e.b, m.ChatInfo.ThreadID)
		e.b = append(e.b, `,"messageId":`...)
		e.b = appendStringOrNull(e.b, m.ChatInfo.MessageID)
		e.b = append(e.b, `,"replyChainMessageId":`...)
		e.b = appendStringOrNull(e.b, m.ChatInfo.ReplyChainMessageID)
		e.b = append(e.b, '}')
	}
	if e.key(pJoinInformation) {
		e.b = r.joinInformation(e.b, m)
	}
}
