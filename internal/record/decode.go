package record

import (
	"bytes"
	"time"

	"github.com/meetd/meetd"
)

// Decode sets m's fields that have no column from their stored document,
// leaving its other fields alone. It reads any JSON that encoding/json would
// read into the stored shape, as encoding/json would: members in any order,
// names matched exactly or else case-insensitively, unknown members skipped,
// null leaving a string, bool, time or object member unset, the last of
// duplicate members winning, and a null document setting nothing. Times come
// back in UTC. m keeps no reference to data, which the caller may reuse (pgx
// hands out its read buffer). On error (a *SyntaxError) m's fields without a
// column are undefined.
func Decode(m *meetd.Meeting, data []byte) error {
	m.Subject = ""
	m.Start, m.End, m.Created, m.Modified = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	m.Passcode, m.PasscodeRequired, m.ConferenceID = "", false, ""
	m.ChatInfo = meetd.ChatInfo{}
	m.Organizer = meetd.Participant{}
	m.Attendees = nil
	m.Settings = meetd.Settings{}

	d := decoder{b: data}
	if err := d.meeting(m); err != nil { // null: no fields, as encoding/json
		return err
	}
	if d.space(); d.i < len(d.b) {
		return d.fail("data after the document")
	}
	return nil
}

// Member names of each object, indexed by the constants the decoders switch
// on.
const (
	mSubject = iota
	mStart
	mEnd
	mCreated
	mModified
	mPasscode
	mPasscodeRequired
	mConferenceID
	mChatInfo
	mOrganizer
	mAttendees
	mSettings
)

var meetingNames = []string{
	mSubject: "subject", mStart: "start", mEnd: "end", mCreated: "created", mModified: "modified",
	mPasscode: "passcode", mPasscodeRequired: "passcodeRequired", mConferenceID: "conferenceId",
	mChatInfo: "chatInfo", mOrganizer: "organizer", mAttendees: "attendees", mSettings: "settings",
}

const (
	cThreadID = iota
	cMessageID
	cReplyChainMessageID
)

var chatNames = []string{cThreadID: "threadId", cMessageID: "messageId", cReplyChainMessageID: "replyChainMessageId"}

const (
	pKind = iota
	pID
	pDisplayName
	pTenantID
	pUPN
	pRole
)

var participantNames = []string{pKind: "kind", pID: "id", pDisplayName: "displayName", pTenantID: "tenantId", pUPN: "upn", pRole: "role"}

const (
	wForContentSharing = iota
	wForVideo
)

var watermarkNames = []string{wForContentSharing: "forContentSharing", wForVideo: "forVideo"}

// The xxxField functions return the index in xxxNames of the member named
// k: an exact match (a switch, which the compiler makes a quick search),
// else one that differs only in case (foldField).

func meetingField(k []byte) int {
	switch string(k) {
	case "subject":
		return mSubject
	case "start":
		return mStart
	case "end":
		return mEnd
	case "created":
		return mCreated
	case "modified":
		return mModified
	case "passcode":
		return mPasscode
	case "passcodeRequired":
		return mPasscodeRequired
	case "conferenceId":
		return mConferenceID
	case "chatInfo":
		return mChatInfo
	case "organizer":
		return mOrganizer
	case "attendees":
		return mAttendees
	case "settings":
		return mSettings
	}
	return foldField(k, meetingNames)
}

func chatField(k []byte) int {
	switch string(k) {
	case "threadId":
		return cThreadID
	case "messageId":
		return cMessageID
	case "replyChainMessageId":
		return cReplyChainMessageID
	}
	return foldField(k, chatNames)
}

func participantField(k []byte) int {
	switch string(k) {
	case "kind":
		return pKind
	case "id":
		return pID
	case "displayName":
		return pDisplayName
	case "tenantId":
		return pTenantID
	case "upn":
		return pUPN
	case "role":
		return pRole
	}
	return foldField(k, participantNames)
}

func watermarkField(k []byte) int {
	switch string(k) {
	case "forContentSharing":
		return wForContentSharing
	case "forVideo":
		return wForVideo
	}
	return foldField(k, watermarkNames)
}

// foldField returns the index in names of the name that k matches but for
// case, with Unicode case folding as encoding/json matches names, or -1.
func foldField(k []byte, names []string) int {
	for i, n := range names {
		if bytes.EqualFold(k, []byte(n)) {
			return i
		}
	}
	return -1
}

func (d *decoder) meeting(m *meetd.Meeting) error {
	const depth = 1
	return d.object(func(k []byte) error {
		switch meetingField(k) {
		case mSubject:
			return d.str(&m.Subject)
		case mStart:
			return d.time(&m.Start)
		case mEnd:
			return d.time(&m.End)
		case mCreated:
			return d.time(&m.Created)
		case mModified:
			return d.time(&m.Modified)
		case mPasscode:
			return d.str(&m.Passcode)
		case mPasscodeRequired:
			return d.boolean(&m.PasscodeRequired)
		case mConferenceID:
			return d.str(&m.ConferenceID)
		case mChatInfo:
			return d.chatInfo(&m.ChatInfo, depth)
		case mOrganizer:
			return d.participant(&m.Organizer, depth)
		case mAttendees:
			return d.participants(&m.Attendees, depth)
		case mSettings:
			return d.settings(&m.Settings, depth)
		default:
			return d.skip(depth)
		}
	})
}

// chatInfo reads an object held by depth containers into c.
func (d *decoder) chatInfo(c *meetd.ChatInfo, depth int) error {
	return d.object(func(k []byte) error {
		switch chatField(k) {
		case cThreadID:
			return d.str(&c.ThreadID)
		case cMessageID:
			return d.str(&c.MessageID)
		case cReplyChainMessageID:
			return d.str(&c.ReplyChainMessageID)
		default:
			return d.skip(depth + 1)
		}
	})
}

func (d *decoder) participant(p *meetd.Participant, depth int) error {
	return d.object(func(k []byte) error {
		switch participantField(k) {
		case pKind:
			return d.str((*string)(&p.Identity.Kind))
		case pID:
			return d.str(&p.Identity.ID)
		case pDisplayName:
			return d.str(&p.Identity.DisplayName)
		case pTenantID:
			return d.str(&p.Identity.TenantID)
		case pUPN:
			return d.str(&p.UPN)
		case pRole:
			return d.str((*string)(&p.Role))
		default:
			return d.skip(depth + 1)
		}
	})
}

// participants reads an array of participants into *ps as encoding/json
// does: null sets nil, [] an empty slice, and elements decode into those
// already there (which only a duplicate member leaves).
func (d *decoder) participants(ps *[]meetd.Participant, depth int) error {
	if null, err := d.null(); null || err != nil {
		*ps = nil
		return err
	}
	if *ps != nil {
		return decodeInto(d, ps, func(p *meetd.Participant) error { return d.participant(p, depth+1) })
	}
	empty, err := d.open('[')
	if err != nil {
		return err
	}
	if empty {
		*ps = []meetd.Participant{}
		return nil
	}
	// Decode into a buffer on the stack, then copy to a slice of the
	// right size: one allocation for the usual few attendees.
	var buf [4]meetd.Participant
	s := buf[:0]
	for more := true; more; {
		s = append(s, meetd.Participant{})
		if err := d.participant(&s[len(s)-1], depth+1); err != nil {
			return err
		}
		if more, err = d.more(']'); err != nil {
			return err
		}
	}
	*ps = make([]meetd.Participant, len(s))
	copy(*ps, s)
	return nil
}

func (d *decoder) roles(rs *[]meetd.Role) error {
	if null, err := d.null(); null || err != nil {
		*rs = nil
		return err
	}
	if *rs != nil {
		return decodeInto(d, rs, func(r *meetd.Role) error { return d.str((*string)(r)) })
	}
	empty, err := d.open('[')
	if err != nil {
		return err
	}
	if empty {
		*rs = []meetd.Role{}
		return nil
	}
	var buf [4]meetd.Role
	s := buf[:0]
	for more := true; more; {
		s = append(s, "")
		if err := d.str((*string)(&s[len(s)-1])); err != nil {
			return err
		}
		if more, err = d.more(']'); err != nil {
			return err
		}
	}
	*rs = make([]meetd.Role, len(s))
	copy(*rs, s)
	return nil
}

// decodeInto reads an array into the non-nil slice *s as encoding/json
// reads one into a slice it already holds: element i decodes into (*s)[i]
// when there is one, even past len(*s) within cap(*s), and the slice is cut
// to the array's length. Only a duplicate member gets here; what it does is
// odd, but it is what every stored document read so far meant.
func decodeInto[T any](d *decoder, s *[]T, elem func(*T) error) error {
	empty, err := d.open('[')
	if err != nil {
		return err
	}
	if empty {
		*s = []T{}
		return nil
	}
	v := *s
	i := 0
	for more := true; more; i++ {
		if i >= cap(v) {
			v = append(v[:cap(v)], *new(T))[:len(v)]
		}
		if i >= len(v) {
			v = v[:i+1]
		}
		if err := elem(&v[i]); err != nil {
			return err
		}
		if more, err = d.more(']'); err != nil {
			return err
		}
	}
	*s = v[:i]
	return nil
}
