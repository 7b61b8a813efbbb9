package graph

import (
	"time"

	"github.com/meetd/meetd"
)

// unknownFutureValue is what Graph shows for an evolvable enum member the
// client did not ask to see (Prefer: include-unknown-enum-members).
const unknownFutureValue = "unknownFutureValue"

// role returns how r is shown: producer and coorganizer are evolvable
// members of onlineMeetingRole.
func (e *encoder) role(r meetd.Role) string {
	if !e.unknown && (r == meetd.RoleProducer || r == meetd.RoleCoorganizer) {
		return unknownFutureValue
	}
	return string(r)
}

// lobbyScope returns how scope is shown: invited and
// organizationExcludingGuests are evolvable members of lobbyBypassScope.
func (e *encoder) lobbyScope(scope string) string {
	if !e.unknown && (scope == "invited" || scope == "organizationExcludingGuests") {
		return unknownFutureValue
	}
	return scope
}

// participant writes a meetingParticipantInfo. The identity set carries the
// one member the identity's kind names; a user also has tenantId and
// identityProvider, as communicationsUserIdentity does in Graph's responses.
func (e *encoder) participant(p *meetd.Participant) {
	id := &p.Identity
	e.b = append(e.b, `{"identity":`...)
	switch id.Kind {
	case meetd.IdentityUser:
		e.b = append(e.b, `{"user":{"id":`...)
		e.b = appendStringOrNull(e.b, id.ID)
		e.b = append(e.b, `,"displayName":`...)
		e.b = appendStringOrNull(e.b, id.DisplayName)
		e.b = append(e.b, `,"tenantId":`...)
		e.b = appendStringOrNull(e.b, id.TenantID)
		e.b = append(e.b, `,"identityProvider":"AAD"}}`...)
	case meetd.IdentityGuest, meetd.IdentityPhone, meetd.IdentityApplication:
		e.b = append(e.b, `{"`...)
		e.b = append(e.b, id.Kind...)
		e.b = append(e.b, `":{"id":`...)
		e.b = appendStringOrNull(e.b, id.ID)
		e.b = append(e.b, `,"displayName":`...)
		e.b = appendStringOrNull(e.b, id.DisplayName)
		e.b = append(e.b, "}}"...)
	default:
		// A participant given only by upn has no identity.
		e.b = append(e.b, "null"...)
	}
	e.b = append(e.b, `,"upn":`...)
	e.b = appendStringOrNull(e.b, p.UPN)
	e.b = append(e.b, `,"role":`...)
	e.b = appendStringOrNull(e.b, e.role(p.Role))
	e.b = append(e.b, '}')
}

// dateTime writes t as a quoted DateTimeOffset.
func (r *Renderer) dateTime(dst []byte, t time.Time) []byte {
	dst = append(dst, '"')
	dst = AppendDateTime(dst, t)
	return append(dst, '"')
}

// passcode returns the passcode Graph shows: only when one is required, as
// createOrGet's isPasscodeRequired:false meetings show passcode:null.
func (r *Renderer) passcode(m *meetd.Meeting) string {
	if !m.PasscodeRequired {
		return ""
	}
	return m.Passcode
}

// The markup of joinInformation, form-encoded once; the per-meeting values
// are escaped and encoded between these parts.
var (
	joinInfoStart   = `{"content":"data:text/html,` + string(appendFormEncoded(nil, `<div style="width:100%;"><div style="font-size:24px;">Online meeting</div><div style="margin-top:12px;"><a href="`))
	joinInfoLink    = string(appendFormEncoded(nil, `" target="_blank" rel="noreferrer noopener">Join the meeting now</a></div><div style="margin-top:12px;">Meeting ID: `))
	joinInfoPass    = string(appendFormEncoded(nil, `</div><div>Passcode: `))
	joinInfoEndDiv  = string(appendFormEncoded(nil, `</div>`))
	joinInfoConfID  = string(appendFormEncoded(nil, `<div>Phone conference ID: `))
	joinInfoConfEnd = string(appendFormEncoded(nil, `#</div>`))
	joinInfoEnd     = string(appendFormEncoded(nil, `</div>`)) + `","contentType":"html"}`
)

// joinInformation writes the itemBody with the meeting's join details as a
// data: URL of form-encoded HTML, the shape Graph returns.
func (r *Renderer) joinInformation(dst []byte, m *meetd.Meeting) []byte {
	dst = append(dst, joinInfoStart...)
	dst = append(dst, r.joinInfoURL...)
	// The join URL tail is unreserved characters and %xx: nothing to
	// HTML-escape, and form encoding turns % into %25.
	var buf [256]byte
	dst = appendFormEncoded(dst, appendJoinTail(buf[:0], m))
	dst = append(dst, joinInfoLink...)
	dst = appendHTMLFormEncoded(dst, m.JoinMeetingID)
	if p := r.passcode(m); p != "" {
		dst = append(dst, joinInfoPass...)
		dst = appendHTMLFormEncoded(dst, p)
	}
	dst = append(dst, joinInfoEndDiv...)
	if r.joinInfoTail != "" {
		dst = append(dst, r.joinInfoTail...)
		if m.ConferenceID != "" {
			dst = append(dst, joinInfoConfID...)
			dst = appendHTMLFormEncoded(dst, m.ConferenceID)
			dst = append(dst, joinInfoConfEnd...)
		}
	}
	return append(dst, joinInfoEnd...)
}
