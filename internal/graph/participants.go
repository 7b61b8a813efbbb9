package graph

import "github.com/meetd/meetd"

// The members of meetingParticipantInfo, of the identitySet members meetd
// keeps (device, encrypted, onPremises, … are ignored), and of identity (or
// communicationsUserIdentity, which adds tenantId).
var (
	participantNames = []string{"identity", "upn", "role"}
	identitySetNames = []string{"user", "guest", "phone", "application"}
	identityKinds    = []meetd.IdentityKind{meetd.IdentityUser, meetd.IdentityGuest, meetd.IdentityPhone, meetd.IdentityApplication}
	identityNames    = []string{"id", "displayName", "tenantId"}
	// identityPaths[k][0] is ".identity.{member k}" and identityPaths[k][1+f]
	// ".identity.{member k}.{field f}".
	identityPaths = func() (t [4][4]string) {
		for k, m := range identitySetNames {
			t[k][0] = ".identity." + m
			for f, n := range identityNames {
				t[k][1+f] = t[k][0] + "." + n
			}
		}
		return t
	}()
)

// decodeAttendees decodes participants.attendees, an array of
// meetingParticipantInfo; null items are skipped.
func decodeAttendees(raw []byte) ([]meetd.Participant, error) {
	attendees := at("participants.attendees")
	ps := make([]meetd.Participant, 0, 4)
	err := eachElement(raw, attendees, func(i int, item []byte) error {
		if isNull(item) {
			return nil
		}
		p, err := decodeParticipant(item, attendees.elem(i))
		ps = append(ps, p)
		return err
	})
	if err != nil {
		return nil, err
	}
	return ps, nil
}

// decodeParticipant decodes one meetingParticipantInfo. The identity set's
// first member among user, guest, phone and application becomes the
// participant's identity.
func decodeParticipant(raw []byte, l loc) (meetd.Participant, error) {
	var w [3][]byte // identity, upn, role
	if err := decodeObject(raw, l, participantNames, w[:]); err != nil {
		return meetd.Participant{}, err
	}
	var p meetd.Participant
	if _, err := decodeString(w[1], l.with(".upn"), &p.UPN); err != nil {
		return meetd.Participant{}, err
	}
	role, err := decodeEnum(w[2], l.with(".role"))
	if err != nil {
		return meetd.Participant{}, err
	}
	if role != nil {
		p.Role = meetd.Role(*role)
	}
	if isNull(w[0]) {
		return p, nil
	}
	var set [4][]byte
	if err := decodeObject(w[0], l.with(".identity"), identitySetNames, set[:]); err != nil {
		return meetd.Participant{}, err
	}
	for k, raw := range set {
		if isNull(raw) {
			continue
		}
		var id [3][]byte
		if err := decodeObject(raw, l.with(identityPaths[k][0]), identityNames, id[:]); err != nil {
			return meetd.Participant{}, err
		}
		p.Identity.Kind = identityKinds[k]
		dst := [3]*string{&p.Identity.ID, &p.Identity.DisplayName, &p.Identity.TenantID}
		for f, v := range id {
			if _, err := decodeString(v, l.with(identityPaths[k][1+f]), dst[f]); err != nil {
				return meetd.Participant{}, err
			}
		}
		break
	}
	return p, nil
}

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
