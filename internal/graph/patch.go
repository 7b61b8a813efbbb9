package graph

import (
	"github.com/meetd/meetd"
)

// DecodeMeetingPatch decodes a PATCH body. Absent properties are left alone;
// null is absent too, except that a null subject clears it and a null
// watermarkProtection removes it. participants.attendees replaces the whole
// list and participants.organizer is passed on so the service can refuse a
// different organizer. Read-only and fixed properties (id, joinWebUrl,
// joinMeetingIdSettings, externalId, creationDateTime, chatInfo,
// videoTeleconferenceId, audioConferencing, …) are ignored, as Graph ignores
// them.
func DecodeMeetingPatch(body []byte) (meetd.MeetingPatch, error) {
	var w wireMeeting
	if err := readBody(body, &w); err != nil {
		return meetd.MeetingPatch{}, err
	}
	var p meetd.MeetingPatch
	if w[fSubject] != nil {
		var s string
		if _, err := decodeString(w[fSubject], top(fSubject), &s); err != nil {
			return meetd.MeetingPatch{}, err
		}
		p.Subject = &s
	}
	var err error
	if p.Start, err = decodeTime(w[fStartDateTime], top(fStartDateTime)); err != nil {
		return meetd.MeetingPatch{}, err
	}
	if p.End, err = decodeTime(w[fEndDateTime], top(fEndDateTime)); err != nil {
		return meetd.MeetingPatch{}, err
	}
	if !isNull(w[fParticipants]) {
		var ps [2][]byte // organizer, attendees
		if err := decodeObject(w[fParticipants], top(fParticipants), participantsNames, ps[:]); err != nil {
			return meetd.MeetingPatch{}, err
		}
		if !isNull(ps[1]) {
			as, err := decodeAttendees(ps[1])
			if err != nil {
				return meetd.MeetingPatch{}, err
			}
			p.Attendees = &as
		}
		if !isNull(ps[0]) {
			o, err := decodeParticipant(ps[0], at("participants.organizer"))
			if err != nil {
				return meetd.MeetingPatch{}, err
			}
			p.Organizer = &o
		}
	}
	if err := decodeSettings(&w, &p.Settings); err != nil {
		return meetd.MeetingPatch{}, err
	}
	return p, nil
}
