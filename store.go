package meetd

import (
	"context"
	"time"
)

// Store keeps meetings and access policies. It only stores: the rules live in
// Service. Every method that finds nothing returns an *Error with ENOTFOUND;
// a store that cannot reach its database returns EUNAVAILABLE.
//
// Every store must pass internal/storetest.
type Store interface {
	// CreateOrGetMeeting stores m unless a live meeting with m.Key() exists.
	// It returns the stored meeting and true when it created it, or the
	// existing one, unchanged, and false. The store's unique key settles
	// races; a created meeting is durable before this returns. If m's ID,
	// ThreadID, JoinMeetingID or VideoTeleconferenceID is taken by another
	// meeting it returns ECONFLICT, and the caller draws new ones.
	CreateOrGetMeeting(ctx context.Context, m *Meeting) (*Meeting, bool, error)

	// CreateMeeting stores a meeting that has no external id. ECONFLICT as
	// above.
	CreateMeeting(ctx context.Context, m *Meeting) error

	// MeetingByKey returns the live meeting with the createOrGet key.
	MeetingByKey(ctx context.Context, k Key) (*Meeting, error)

	// Meeting returns the live meeting with the id in the tenant.
	Meeting(ctx context.Context, tenantID, id string) (*Meeting, error)

	// FindMeetings returns the live meetings of the tenant that match f.
	FindMeetings(ctx context.Context, tenantID string, f Filter) ([]*Meeting, error)

	// MeetingByThread returns the meeting with the chat thread id, in any
	// tenant, with deleted true when it was deleted (the join page says so).
	MeetingByThread(ctx context.Context, threadID string) (m *Meeting, deleted bool, err error)

	// UpdateMeeting replaces the stored meeting with m.ID if its version is
	// still m.Version-1; ECONFLICT when another update came first, ENOTFOUND
	// when it is gone.
	UpdateMeeting(ctx context.Context, m *Meeting) error

	// DeleteMeeting deletes the live meeting; its external id is free again.
	DeleteMeeting(ctx context.Context, tenantID, id string) error

	// CreateMeetingWithin stores m as CreateOrGetMeeting does when m has an
	// external id, or as CreateMeeting does when it has none, but only if
	// fewer than q.Max meetings, deleted ones included, were created for
	// m's tenant and organizer by m's app (CreatedBy) since q.Since; else it
	// returns ETHROTTLED. A createOrGet whose key a live meeting holds gets
	// that meeting, whatever the count. The count and the insert are one
	// step: calls at once, from any process sharing the store, never store
	// more than q.Max.
	CreateMeetingWithin(ctx context.Context, m *Meeting, q Quota) (*Meeting, bool, error)

	// Ping reports whether the store can serve requests (readiness).
	Ping(ctx context.Context) error

	// Close releases the store; pending writes are finished first.
	Close() error

	PolicyStore
}

// Quota bounds how many meetings one app may create for one organizer:
// at most Max since Since.
type Quota struct {
	Since time.Time
	Max   int
}

// Filter selects meetings by one equality. Empty fields match anything, but
// a Filter with no field set is an error.
type Filter struct {
	OrganizerID           string
	ThreadID              string
	JoinMeetingID         string
	VideoTeleconferenceID string
}

// PolicyStore keeps application access policies.
type PolicyStore interface {
	// CreatePolicy stores a new policy; ECONFLICT if the name is taken in the tenant.
	CreatePolicy(ctx context.Context, p *Policy) error
	// DeletePolicy deletes the policy and its grants.
	DeletePolicy(ctx context.Context, tenantID, name string) error
	// Policies lists the tenant's policies with their grants, by name. An
	// empty tenantID lists every tenant's.
	Policies(ctx context.Context, tenantID string) ([]*Policy, error)
	// GrantPolicy assigns the policy to the user, replacing the user's
	// previous one, or to the tenant (Global) when userID is "".
	GrantPolicy(ctx context.Context, tenantID, name, userID string) error
	// RevokePolicy removes the assignment of the policy to the user, or the
	// global assignment when userID is ""; ENOTFOUND if it was not assigned.
	RevokePolicy(ctx context.Context, tenantID, name, userID string) error
	// Assignment returns the policies that apply to the user.
	Assignment(ctx context.Context, tenantID, userID string) (Assignment, error)
}
