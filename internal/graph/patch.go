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
	if w.Subject != nil {
		var s string
		if _, err := decodeString(w.Subject, "subject", &s); err != nil {
			return meetd.MeetingPatch{}, err
		}
		p.Subject = &s
	}
	var err error
	if p.Start, err = decodeTime(w.StartDateTime, "startDateTime"); err != nil {
		return meetd.MeetingPatch{}, err
	}
	if p.End, err = decodeTime(w.EndDateTime, "endDateTime"); err != nil {
		return meetd.MeetingPatch{}, err
	}
	if !isNull(w.Participants) {
		var ps wireParticipants
		if err := decodeObject(w.Participants, "participants", &ps); err != nil {
			return meetd.MeetingPatch{}, err
		}
		if !isNull(ps.Attendees) {
			as, err := decodeAttendees(ps.Attendees)
			if err != nil {
				return meetd.MeetingPatch{}, err
			}
			p.Attendees = &as
		}
		if !isNull(ps.Organizer) {
			o, err := decodeParticipant(ps.Organizer, "participants.organizer")
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
