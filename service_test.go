package meetd_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/internal/sqlite"
)

const (
	tenant = "72f988bf-86f1-41af-91ab-2d7cd011db47"
	alice  = "1f35f2e6-9cab-44ad-8d5a-b74c14720001"
	appA   = "a1b2c3d4-0000-4000-8000-00000000000a"
)

func openStore(t testing.TB) *sqlite.Store {
	t.Helper()
	st, err := sqlite.Open(filepath.Join(t.TempDir(), "meetd.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func delegated(oid string) *meetd.Caller {
	return &meetd.Caller{TenantID: tenant, ObjectID: oid, Scopes: []string{meetd.ScopeReadWrite}}
}

// replayReader is a seeded random stream that can be rewound, so a test can
// make the service draw ids that are already taken.
type replayReader struct {
	mu   sync.Mutex
	seed uint64
	rng  *rand.ChaCha8
}

func newReplay(seed uint64) *replayReader {
	r := &replayReader{seed: seed}
	r.rewind()
	return r
}

func (r *replayReader) rewind() {
	var s [32]byte
	s[0] = byte(r.seed)
	r.rng = rand.NewChaCha8(s)
}

func (r *replayReader) Read(b []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.rng.Read(b)
}

// When the random ids of a new meeting are taken, the service draws again
// instead of failing or returning someone else's meeting.
func TestCreateOrGetRedrawsTakenIDs(t *testing.T) {
	rr := newReplay(7)
	// A fixed clock: ids carry their creation time, so the replayed draw
	// must happen at the same instant to collide.
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	svc := meetd.NewService(openStore(t), meetd.Options{Rand: rr, Now: func() time.Time { return now }})
	ctx := context.Background()
	first, created, err := svc.CreateOrGet(ctx, delegated(alice), "", meetd.MeetingInput{ExternalID: "one"})
	if err != nil || !created {
		t.Fatalf("first: %v created=%v", err, created)
	}
	rr.rewind() // the next draw repeats the first meeting's ids
	second, created, err := svc.CreateOrGet(ctx, delegated(alice), "", meetd.MeetingInput{ExternalID: "two"})
	if err != nil || !created {
		t.Fatalf("second: %v created=%v", err, created)
	}
	if second.ID == first.ID || second.JoinMeetingID == first.JoinMeetingID || second.ExternalID != "two" {
		t.Errorf("second meeting: got id %s join %s ext %q; want fresh ids for externalId two", second.ID, second.JoinMeetingID, second.ExternalID)
	}
}

// CreateAfterMiss skips the look-up, but a meeting created for the key after
// the caller's miss still comes back unchanged, not a second one.
func TestCreateAfterMissReturnsTheMeetingMadeMeanwhile(t *testing.T) {
	svc := meetd.NewService(openStore(t), meetd.Options{})
	ctx := context.Background()
	if _, err := svc.MeetingByExternalID(ctx, delegated(alice), "", "race"); meetd.ErrorCode(err) != meetd.ENOTFOUND {
		t.Fatalf("look-up before any create: got %v, want ENOTFOUND", err)
	}
	first, created, err := svc.CreateAfterMiss(ctx, delegated(alice), "", meetd.MeetingInput{ExternalID: "race", Subject: "first"})
	if err != nil || !created {
		t.Fatalf("first create: %v created=%v", err, created)
	}
	// A second caller that missed at the same time as the first.
	second, created, err := svc.CreateAfterMiss(ctx, delegated(alice), "", meetd.MeetingInput{ExternalID: "race", Subject: "second"})
	if err != nil {
		t.Fatal(err)
	}
	if created || second.ID != first.ID || second.Subject != "first" {
		t.Errorf("second create: got created=%v id %s subject %q, want created=false id %s subject \"first\"", created, second.ID, second.Subject, first.ID)
	}
	if _, _, err := svc.CreateAfterMiss(ctx, delegated(alice), "", meetd.MeetingInput{}); meetd.ErrorCode(err) != meetd.EINVALID {
		t.Errorf("no externalId: got %v, want EINVALID", err)
	}
}

// Concurrent PATCHes of different properties both land: the store's version
// check makes the loser re-read and re-apply.
func TestConcurrentUpdatesAreNotLost(t *testing.T) {
	svc := meetd.NewService(openStore(t), meetd.Options{})
	ctx := context.Background()
	m, _, err := svc.CreateOrGet(ctx, delegated(alice), "", meetd.MeetingInput{ExternalID: "patch"})
	if err != nil {
		t.Fatal(err)
	}
	subject := "Changed"
	yes := true
	var wg sync.WaitGroup
	for _, p := range []meetd.MeetingPatch{
		{Subject: &subject},
		{Settings: meetd.SettingsPatch{RecordAutomatically: &yes}},
		{Settings: meetd.SettingsPatch{DialInBypass: &yes}},
	} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := svc.Update(ctx, delegated(alice), "", m.ID, p); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	got, err := svc.Get(ctx, delegated(alice), "", m.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Subject != subject || !got.Settings.RecordAutomatically || !got.Settings.DialInBypass || got.Version != 4 {
		t.Errorf("after three PATCHes: subject %q record %v dial-in %v version %d; want all three applied, version 4",
			got.Subject, got.Settings.RecordAutomatically, got.Settings.DialInBypass, got.Version)
	}
}

// Policy assignments are cached for PolicyTTL: a revoke takes effect once it
// has passed, not before.
func TestPolicyTTL(t *testing.T) {
	st := openStore(t)
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	svc := meetd.NewService(st, meetd.Options{PolicyTTL: time.Minute, Now: func() time.Time { return now }})
	ctx := context.Background()
	if err := st.CreatePolicy(ctx, &meetd.Policy{TenantID: tenant, Name: "p", AppIDs: []string{appA}}); err != nil {
		t.Fatal(err)
	}
	if err := st.GrantPolicy(ctx, tenant, "p", alice); err != nil {
		t.Fatal(err)
	}
	app := &meetd.Caller{TenantID: tenant, ObjectID: "00000000-0000-0000-0000-000000000001", AppID: appA, App: true, Roles: []string{meetd.RoleReadWrite}}
	if err := svc.Authorize(ctx, app, alice, true); err != nil {
		t.Fatalf("granted: %v", err)
	}
	if err := st.RevokePolicy(ctx, tenant, "p", alice); err != nil {
		t.Fatal(err)
	}
	if err := svc.Authorize(ctx, app, alice, true); err != nil {
		t.Errorf("within the TTL the cached grant still applies: got %v", err)
	}
	now = now.Add(time.Minute + time.Second)
	if err := svc.Authorize(ctx, app, alice, true); meetd.ErrorCode(err) != meetd.EFORBIDDEN {
		t.Errorf("after the TTL: got %v, want EFORBIDDEN", err)
	}
}

// A caller without the permission an operation needs is told which one,
// for its kind of token and for reading or writing: Graph's own 403 has an
// empty message, which the Go SDK cannot show (docs/support.md).
func TestMissingPermissionIsNamed(t *testing.T) {
	svc := meetd.NewService(openStore(t), meetd.Options{})
	app := func(roles ...string) *meetd.Caller {
		return &meetd.Caller{TenantID: tenant, ObjectID: "00000000-0000-0000-0000-000000000001", AppID: appA, App: true, Roles: roles}
	}
	user := func(scopes ...string) *meetd.Caller {
		return &meetd.Caller{TenantID: tenant, ObjectID: alice, Scopes: scopes}
	}
	for _, c := range []struct {
		name     string
		caller   *meetd.Caller
		pathUser string
		write    bool
		want     string
	}{
		{"app writes with the read role", app(meetd.RoleRead), alice, true,
			"Insufficient privileges: application tokens need the role OnlineMeetings.ReadWrite.All."},
		{"app reads with no role", app("User.Read.All"), alice, false,
			"Insufficient privileges: application tokens need the role OnlineMeetings.Read.All or OnlineMeetings.ReadWrite.All."},
		{"user writes with the read scope", user(meetd.ScopeRead), "", true,
			"Insufficient privileges: delegated tokens need the scope OnlineMeetings.ReadWrite."},
		{"user reads with no scope", user("User.Read"), "", false,
			"Insufficient privileges: delegated tokens need the scope OnlineMeetings.Read or OnlineMeetings.ReadWrite."},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := svc.Authorize(context.Background(), c.caller, c.pathUser, c.write)
			if meetd.ErrorCode(err) != meetd.EFORBIDDEN || meetd.ErrorMessage(err) != c.want {
				t.Errorf("got %v, want EFORBIDDEN %q", err, c.want)
			}
		})
	}
}

// createOrGet ignores the passcode requirement and the settings of its
// input, as Graph does ("ByDesign"), whoever decoded the body.
func TestCreateOrGetIgnoresPasscodeRequirementAndSettings(t *testing.T) {
	svc := meetd.NewService(openStore(t), meetd.Options{})
	everyone := "everyone"
	m, created, err := svc.CreateOrGet(context.Background(), delegated(alice), "", meetd.MeetingInput{
		ExternalID: "pc", PasscodeRequired: true, Settings: meetd.SettingsPatch{LobbyBypassScope: &everyone},
	})
	if err != nil || !created {
		t.Fatalf("createOrGet: %v created=%v", err, created)
	}
	if m.PasscodeRequired || m.Settings.LobbyBypassScope != "organization" {
		t.Errorf("got PasscodeRequired %v, lobby scope %q; want false and the default organization", m.PasscodeRequired, m.Settings.LobbyBypassScope)
	}
}

// The monthly limit counts a calendar month in UTC, as Graph's published
// limit does: the first create of a month passes however recent the last
// month's were, and a create throttled in the month's last seconds is told
// to retry when the month turns, not 10 seconds later.
func TestMonthlyLimitIsACalendarMonth(t *testing.T) {
	now := time.Date(2030, 1, 31, 23, 59, 55, 0, time.UTC)
	svc := meetd.NewService(openStore(t), meetd.Options{MonthlyMeetingLimit: 1, Now: func() time.Time { return now }})
	create := func(externalID string) error {
		_, _, err := svc.CreateOrGet(context.Background(), delegated(alice), "", meetd.MeetingInput{ExternalID: externalID})
		return err
	}
	if err := create("january"); err != nil {
		t.Fatal(err)
	}
	err := create("january-2")
	if e := (*meetd.Error)(nil); !errors.As(err, &e) || e.Code != meetd.ETHROTTLED || e.RetryAfter != 5*time.Second {
		t.Errorf("second create in January, 5 s before February: got %#v, want ETHROTTLED with RetryAfter 5s", err)
	}
	now = time.Date(2030, 2, 1, 0, 0, 0, 0, time.UTC)
	if err := create("february"); err != nil {
		t.Errorf("first create in February: got %v, want it created", err)
	}
}

// A PATCH stamps the meeting's modification time, which the join page's
// .ics gives calendars as LAST-MODIFIED and DTSTAMP; its creation time stays.
func TestUpdateStampsModified(t *testing.T) {
	created := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	now := created
	svc := meetd.NewService(openStore(t), meetd.Options{Now: func() time.Time { return now }})
	ctx := context.Background()
	m, _, err := svc.CreateOrGet(ctx, delegated(alice), "", meetd.MeetingInput{ExternalID: "stamp"})
	if err != nil {
		t.Fatal(err)
	}
	now = created.Add(time.Hour)
	subject := "later"
	if _, err := svc.Update(ctx, delegated(alice), "", m.ID, meetd.MeetingPatch{Subject: &subject}); err != nil {
		t.Fatal(err)
	}
	got, err := svc.Get(ctx, delegated(alice), "", m.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Modified.Equal(now) || !got.Created.Equal(created) {
		t.Errorf("after a PATCH: got modified %v, created %v; want modified %v, created %v", got.Modified, got.Created, now, created)
	}
}

// The service refuses an externalId or subject that is not UTF-8 itself,
// whoever decoded the input: a store that mended it to U+FFFD would make
// two externalIds one key (docs/support.md).
func TestCreateRefusesInvalidUTF8(t *testing.T) {
	svc := meetd.NewService(openStore(t), meetd.Options{})
	ctx := context.Background()
	for _, in := range []meetd.MeetingInput{{ExternalID: "u\xff1"}, {ExternalID: "ok", Subject: "s\xfe"}} {
		if _, _, err := svc.CreateOrGet(ctx, delegated(alice), "", in); meetd.ErrorCode(err) != meetd.EINVALID {
			t.Errorf("createOrGet with externalId %q, subject %q: got %v, want EINVALID", in.ExternalID, in.Subject, err)
		}
	}
	end := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	if _, err := svc.Create(ctx, delegated(alice), "", meetd.MeetingInput{Subject: "s\xfe", End: &end}); meetd.ErrorCode(err) != meetd.EINVALID {
		t.Errorf("create with a subject that is not UTF-8: got %v, want EINVALID", err)
	}
}
