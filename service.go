package meetd

import (
	"context"
	"crypto/rand"
	"io"
	"strings"
	"sync"
	"time"
)

// Options tune a Service. The zero value is ready for production use.
type Options struct {
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// Rand is the source of ids, join ids and passcodes; crypto/rand when nil.
	Rand io.Reader
	// PolicyTTL is how long an access-policy assignment is reused before it is
	// read again from the store: the longest a grant or revoke made while
	// the server runs takes to apply. 0 means DefaultPolicyTTL; a negative
	// value reads the store on every request.
	PolicyTTL time.Duration
	// MonthlyMeetingLimit, when above zero, throttles the meetings one app
	// creates for one organizer in a calendar month (UTC), as Graph's
	// published limit of 2,000 does. Off by default: a development server
	// that throttles its load tests helps nobody.
	MonthlyMeetingLimit int
}

// DefaultPolicyTTL is how quickly policy changes reach a running server.
const DefaultPolicyTTL = time.Second

// Service holds Graph's rules for online meetings. Its methods take the
// verified caller and the path user ("" for /me) and return domain errors.
type Service struct {
	store        Store
	now          func() time.Time
	rand         io.Reader
	randMu       sync.Mutex // a caller's Rand need not be safe for concurrent use
	policyTTL    time.Duration
	monthlyLimit int
	policies     policyCache
}

// NewService returns a Service on the store.
func NewService(store Store, opts Options) *Service {
	s := &Service{store: store, now: opts.Now, rand: opts.Rand, policyTTL: opts.PolicyTTL, monthlyLimit: opts.MonthlyMeetingLimit}
	if s.now == nil {
		s.now = time.Now
	}
	if s.rand == nil {
		s.rand = rand.Reader
	}
	if s.policyTTL == 0 {
		s.policyTTL = DefaultPolicyTTL
	}
	s.policies.entries = make(map[policyKey]policyEntry)
	return s
}

// Store returns the store the service uses.
func (s *Service) Store() Store { return s.store }

// Authorize checks that the caller may read (write false) or change the
// meetings of pathUser ("" for /me), with the same errors as every other
// method: for handlers that must check before they read a body.
func (s *Service) Authorize(ctx context.Context, c *Caller, pathUser string, write bool) error {
	_, err := s.authorize(ctx, c, pathUser, write)
	return err
}

// authorize applies Graph's permission rules to a request on the meetings of
// pathUser ("" for /me) and returns the user whose meetings it may touch.
func (s *Service) authorize(ctx context.Context, c *Caller, pathUser string, write bool) (string, error) {
	if c.TenantID == ConsumerTenantID {
		return "", Errorf(EACCOUNT, "Error authenticating with resource")
	}
	user := c.ObjectID
	if pathUser == "" {
		if c.App {
			return "", Errorf(EINVALID, "/me request is only valid with delegated authentication flow.")
		}
	} else {
		if !IsObjectID(pathUser) {
			// Graph does not resolve UPNs or mail addresses here.
			return "", Errorf(ENOTFOUND, "User not found: '%s' is not a user object id.", pathUser)
		}
		user = strings.ToLower(pathUser)
	}
	if write && !c.CanWrite() || !write && !c.CanRead() {
		return "", Errorf(EFORBIDDEN, "%s", missingPermission(c, write))
	}
	if !c.App {
		if user != c.ObjectID {
			return "", Errorf(EFORBIDDEN, "A delegated token may only act on the signed-in user's own meetings.")
		}
		return user, nil
	}
	a, err := s.assignment(ctx, c.TenantID, user)
	if err != nil {
		return "", err
	}
	if !a.Effective().Allows(c.AppID) {
		return "", Errorf(EFORBIDDEN, "No application access policy found for this app.")
	}
	return user, nil
}

func missingPermission(c *Caller, write bool) string {
	switch {
	case c.App && write:
		return "Insufficient privileges: application tokens need the role " + RoleReadWrite + "."
	case c.App:
		return "Insufficient privileges: application tokens need the role " + RoleRead + " or " + RoleReadWrite + "."
	case write:
		return "Insufficient privileges: delegated tokens need the scope " + ScopeReadWrite + "."
	default:
		return "Insufficient privileges: delegated tokens need the scope " + ScopeRead + " or " + ScopeReadWrite + "."
	}
}

// policyCache keeps access-policy assignments for PolicyTTL so that app
// requests do not read the store each time.
type policyCache struct {
	mu      sync.Mutex
	entries map[policyKey]policyEntry
}

type policyKey struct{ tenant, user string }

type policyEntry struct {
	a       Assignment
	expires time.Time
}

// maxPolicyEntries bounds the cache; past it the cache starts again empty.
const maxPolicyEntries = 100_000

func (s *Service) assignment(ctx context.Context, tenant, user string) (Assignment, error) {
	if s.policyTTL < 0 {
		return s.store.Assignment(ctx, tenant, user)
	}
	k := policyKey{tenant, user}
	now := s.now()
	s.policies.mu.Lock()
	e, ok := s.policies.entries[k]
	s.policies.mu.Unlock()
	if ok && now.Before(e.expires) {
		return e.a, nil
	}
	a, err := s.store.Assignment(ctx, tenant, user)
	if err != nil {
		return Assignment{}, err
	}
	s.policies.mu.Lock()
	if len(s.policies.entries) >= maxPolicyEntries {
		clear(s.policies.entries)
	}
	s.policies.entries[k] = policyEntry{a: a, expires: now.Add(s.policyTTL)}
	s.policies.mu.Unlock()
	return a, nil
}

// readRand fills b from the service's random source.
func (s *Service) readRand(b []byte) error {
	s.randMu.Lock()
	defer s.randMu.Unlock()
	_, err := io.ReadFull(s.rand, b)
	return err
}

// randReader adapts readRand to io.Reader for the id helpers.
type randReader struct{ s *Service }

func (r randReader) Read(b []byte) (int, error) {
	if err := r.s.readRand(b); err != nil {
		return 0, err
	}
	return len(b), nil
}
