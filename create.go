package meetd

import (
	"context"
	"fmt"
	"time"
	"unicode/utf8"
)

// Limits on input that Graph leaves undocumented (docs/support.md).
const (
	MaxExternalIDBytes = 1024
	MaxSubjectBytes    = 1024
	MaxAttendees       = 1000
	// MaxTextBytes bounds every other string a caller gives a meeting: an
	// attendee's name, upn and ids, chatInfo's ids. Real ones are far
	// shorter; without a bound, one 1 MiB name became a 6 MB answer on
	// every read (each < is escaped as \u003c).
	MaxTextBytes = 1024
)

// MeetingInput is the body of a createOrGet or a create.
type MeetingInput struct {
	ExternalID    string
	HasExternalID bool // externalId was in the body, even if empty or null
	Subject       string
	Start, End    *time.Time // nil when absent
	Attendees     []Participant
	ChatInfo      *ChatInfo
	// Settings apply on a plain create; createOrGet ignores them, as Graph does.
	Settings SettingsPatch
	// PasscodeRequired is joinMeetingIdSettings.isPasscodeRequired: a plain
	// create may set it, createOrGet ignores it ("ByDesign" on Graph), and
	// no PATCH changes it.
	PasscodeRequired bool
}

// CreateOrGet returns the meeting with the caller's external id for the
// organizer, creating it when there is none: Graph's createOrGet. created
// tells a 201 from a 200. On a hit the stored meeting comes back unchanged
// and the rest of the input is ignored.
func (s *Service) CreateOrGet(ctx context.Context, c *Caller, pathUser string, in MeetingInput) (m *Meeting, created bool, err error) {
	// A look-up first keeps the common hit cheap; the store's unique key, not
	// this read, settles a race between two creates.
	m, err = s.MeetingByExternalID(ctx, c, pathUser, in.ExternalID)
	if err == nil {
		return m, false, nil
	}
	if ErrorCode(err) != ENOTFOUND {
		return nil, false, err
	}
	return s.CreateAfterMiss(ctx, c, pathUser, in)
}

// CreateAfterMiss is the create half of CreateOrGet, for a caller that has
// just found no meeting with MeetingByExternalID: it skips the look-up, which
// on a networked store is a round trip per create. A meeting created by
// someone else meanwhile still comes back, with created false: the store's
// unique key decides.
func (s *Service) CreateAfterMiss(ctx context.Context, c *Caller, pathUser string, in MeetingInput) (m *Meeting, created bool, err error) {
	user, err := s.authorize(ctx, c, pathUser, true)
	if err != nil {
		return nil, false, err
	}
	if in.ExternalID == "" {
		return nil, false, Errorf(EINVALID, "externalId is required and must not be empty.")
	}
	if len(in.ExternalID) > MaxExternalIDBytes {
		return nil, false, Errorf(EINVALID, "externalId must be at most %d bytes long.", MaxExternalIDBytes)
	}
	if err := validateInput(&in); err != nil {
		return nil, false, err
	}
	in.PasscodeRequired = false // Graph ignores it on createOrGet ("ByDesign")
	for range maxDraws {
		m, err := s.newMeeting(c, user, in)
		if err != nil {
			return nil, false, err
		}
		m.ExternalID = in.ExternalID
		stored, created, err := s.storeNew(ctx, m)
		if ErrorCode(err) == ECONFLICT {
			continue // an id drawn at random was taken: draw again
		}
		return stored, created, err
	}
	return nil, false, Errorf(EINTERNAL, "could not draw unique meeting ids")
}

// MeetingByExternalID returns the organizer's live meeting with the external
// id, with createOrGet's permission checks: the hit half of CreateOrGet, for
// callers that want to decode the rest of a body only on a miss. ENOTFOUND
// when there is none.
func (s *Service) MeetingByExternalID(ctx context.Context, c *Caller, pathUser, externalID string) (*Meeting, error) {
	user, err := s.authorize(ctx, c, pathUser, true)
	if err != nil {
		return nil, err
	}
	if externalID == "" || len(externalID) > MaxExternalIDBytes {
		return nil, Errorf(ENOTFOUND, "No meeting has that externalId.")
	}
	return s.store.MeetingByKey(ctx, Key{TenantID: c.TenantID, OrganizerID: user, ExternalID: externalID})
}

// Create makes a meeting with no external id: Graph's POST /onlineMeetings.
func (s *Service) Create(ctx context.Context, c *Caller, pathUser string, in MeetingInput) (*Meeting, error) {
	user, err := s.authorize(ctx, c, pathUser, true)
	if err != nil {
		return nil, err
	}
	if in.HasExternalID {
		return nil, Errorf(EINVALID, "externalId can only be set through the createOrGet action.")
	}
	if in.End == nil {
		return nil, Errorf(EINVALID, "endDateTime is required when creating an online meeting.")
	}
	if in.Start == nil {
		now := s.now().UTC().Truncate(100)
		in.Start = &now
	}
	if err := validateInput(&in); err != nil {
		return nil, err
	}
	for range maxDraws {
		m, err := s.newMeeting(c, user, in)
		if err != nil {
			return nil, err
		}
		if err := in.Settings.apply(m); err != nil {
			return nil, err
		}
		stored, _, err := s.storeNew(ctx, m)
		if ErrorCode(err) == ECONFLICT {
			continue
		}
		if err != nil {
			return nil, err
		}
		return stored, nil
	}
	return nil, Errorf(EINTERNAL, "could not draw unique meeting ids")
}

// maxDraws bounds retries when a random id collides with a stored one.
const maxDraws = 5

// validateInput applies the rules shared by create and createOrGet and the
// documented time defaults: no times → now and now+1h; only a start → start+1h;
// an end without a start, or an end before the start → error.
func validateInput(in *MeetingInput) error {
	if len(in.Subject) > MaxSubjectBytes {
		return Errorf(EINVALID, "subject must be at most %d bytes long.", MaxSubjectBytes)
	}
	if len(in.Attendees) > MaxAttendees {
		return Errorf(EINVALID, "A meeting can have at most %d attendees.", MaxAttendees)
	}
	if !utf8.ValidString(in.ExternalID) || !utf8.ValidString(in.Subject) {
		return Errorf(EINVALID, "Strings must be valid UTF-8.")
	}
	if in.End != nil && in.Start == nil {
		return Errorf(EINVALID, "endDateTime cannot be provided without startDateTime.")
	}
	if in.Start != nil && in.End != nil && in.End.Before(*in.Start) {
		return Errorf(EINVALID, "endDateTime cannot be earlier than startDateTime.")
	}
	if err := checkTimes(in.Start, in.End); err != nil {
		return err
	}
	if err := validateAttendees(in.Attendees); err != nil {
		return err
	}
	if c := in.ChatInfo; c != nil && (len(c.ThreadID) > MaxTextBytes || len(c.MessageID) > MaxTextBytes || len(c.ReplyChainMessageID) > MaxTextBytes) {
		return Errorf(EINVALID, "chatInfo's ids must be at most %d bytes long.", MaxTextBytes)
	}
	if in.ChatInfo != nil && in.ChatInfo.ThreadID != "" && !IsThreadID(in.ChatInfo.ThreadID) {
		return Errorf(EINVALID, "chatInfo.threadId '%s' is not a Teams thread id: expected 19:…@thread.tacv2 (a channel) or 19:…@thread.v2.", in.ChatInfo.ThreadID)
	}
	return nil
}

// Meeting times are what .NET's DateTimeOffset, and so every Graph client,
// can hold: years 1 to 9999 in UTC.
var (
	minTime = time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)
	maxTime = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC).Add(-100) // the last 100 ns tick
)

// checkTimes refuses a start or end outside minTime..maxTime, including an
// end that only the default (start + 1 h) would put past it.
func checkTimes(start, end *time.Time) error {
	for _, t := range []struct {
		name string
		t    *time.Time
	}{{"startDateTime", start}, {"endDateTime", end}} {
		if t.t != nil && (t.t.Before(minTime) || t.t.After(maxTime)) {
			return Errorf(EINVALID, "%s must be between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.9999999Z.", t.name)
		}
	}
	if start != nil && end == nil && start.Add(time.Hour).After(maxTime) {
		return Errorf(EINVALID, "endDateTime is needed: its default, an hour after startDateTime, would fall after 9999-12-31T23:59:59.9999999Z.")
	}
	return nil
}

func validateAttendees(as []Participant) error {
	for i, a := range as {
		for _, f := range [...]struct{ name, v string }{
			{"identity's displayName", a.Identity.DisplayName}, {"identity's id", a.Identity.ID},
			{"identity's tenantId", a.Identity.TenantID}, {"upn", a.UPN},
		} {
			if len(f.v) > MaxTextBytes {
				return Errorf(EINVALID, "participants.attendees[%d]: the %s must be at most %d bytes long.", i, f.name, MaxTextBytes)
			}
		}
		if a.Role != "" && !validRole(a.Role) {
			return Errorf(EINVALID, "participants.attendees[%d].role '%s' is not an onlineMeetingRole.", i, a.Role)
		}
		if a.Identity.ID == "" && a.UPN == "" && a.Identity.DisplayName == "" {
			return Errorf(EINVALID, "participants.attendees[%d] needs an identity or a upn.", i)
		}
	}
	return nil
}

func validRole(r Role) bool {
	for _, v := range RoleValues {
		if r == v {
			return true
		}
	}
	return false
}

// newMeeting builds a meeting for the organizer from valid input, with fresh
// ids and the default settings.
func (s *Service) newMeeting(c *Caller, organizer string, in MeetingInput) (*Meeting, error) {
	d := newDraw(randReader{s})
	now := s.now().UTC().Truncate(100) // Graph keeps 100 ns ticks
	thread, err := d.threadID(now)
	if err != nil {
		return nil, err
	}
	// Six random digits: requests arrive in bursts, and tens of meetings
	// drawn in one millisecond must rarely share an id (with four, a burst
	// of 30 did one time in 20, and a batched store retried the batch).
	joinID, err := d.orderedDigits(now, 13, 6)
	if err != nil {
		return nil, err
	}
	vtc, err := d.orderedDigits(now, 14, 6)
	if err != nil {
		return nil, err
	}
	conf, err := d.digits(9)
	if err != nil {
		return nil, err
	}
	pass, err := d.passcode()
	if err != nil {
		return nil, err
	}
	start, end := now, now.Add(time.Hour)
	if in.Start != nil {
		start = in.Start.UTC().Truncate(100)
		end = start.Add(time.Hour)
	}
	if in.End != nil {
		end = in.End.UTC().Truncate(100)
	}
	m := &Meeting{
		ID:                    MeetingID(organizer, thread),
		TenantID:              c.TenantID,
		OrganizerID:           organizer,
		CreatedBy:             c.AppID,
		Version:               1,
		Subject:               in.Subject,
		Start:                 start,
		End:                   end,
		Created:               now,
		Modified:              now,
		ThreadID:              thread,
		JoinMeetingID:         joinID,
		Passcode:              pass,
		PasscodeRequired:      in.PasscodeRequired,
		VideoTeleconferenceID: vtc,
		ConferenceID:          conf,
		ChatInfo:              ChatInfo{ThreadID: thread, MessageID: "0"},
		Organizer: Participant{
			Identity: Identity{Kind: IdentityUser, ID: organizer, TenantID: c.TenantID},
			Role:     RolePresenter,
		},
		Attendees: in.Attendees,
		Settings:  DefaultSettings(),
	}
	if m.Attendees == nil {
		m.Attendees = []Participant{}
	}
	if !c.App && organizer == c.ObjectID {
		m.Organizer.UPN = c.UPN
	}
	if in.ChatInfo != nil && in.ChatInfo.ThreadID != "" {
		// A channel meeting (beta): the chat is the channel's thread and
		// the meeting is its message.
		m.ChatInfo = ChatInfo{ThreadID: in.ChatInfo.ThreadID, MessageID: fmt.Sprint(now.UnixMilli())}
	}
	return m, nil
}

// throttleRetryAfter is the Retry-After of a throttled create.
const throttleRetryAfter = 10 * time.Second

// storeNew stores a new meeting (createOrGet's when it has an external id),
// within the monthly limit when there is one: the store counts and inserts
// in one step, so that creates at once cannot all pass one count. Graph
// throttles the (MonthlyMeetingLimit+1)th meeting one app creates for one
// organizer in a calendar month.
func (s *Service) storeNew(ctx context.Context, m *Meeting) (*Meeting, bool, error) {
	if s.monthlyLimit <= 0 {
		if m.ExternalID != "" {
			return s.store.CreateOrGetMeeting(ctx, m)
		}
		if err := s.store.CreateMeeting(ctx, m); err != nil {
			return nil, false, err
		}
		return m, true, nil
	}
	now := s.now().UTC()
	month := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	stored, created, err := s.store.CreateMeetingWithin(ctx, m, Quota{Since: month, Max: s.monthlyLimit})
	if ErrorCode(err) == ETHROTTLED {
		// Graph's sample throttle answer says Retry-After: 10. The truth,
		// the seconds to the next month, would make the SDKs' retry
		// handlers, which sleep for whatever it says, hang for days.
		return nil, false, &Error{Code: ETHROTTLED, Message: "Please retry again later.", RetryAfter: min(month.AddDate(0, 1, 0).Sub(now), throttleRetryAfter)}
	}
	return stored, created, err
}
