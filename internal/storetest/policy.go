package storetest

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/meetd/meetd"
)

// newPolicy returns a policy named name in the tenant that allows two apps.
func newPolicy(tenantID, name string) *meetd.Policy {
	return &meetd.Policy{TenantID: tenantID, Name: name, AppIDs: []string{NewObjectID(), NewObjectID()}, Description: "Policy " + name}
}

func mustCreatePolicy(tb testing.TB, st meetd.Store, p *meetd.Policy) *meetd.Policy {
	tb.Helper()
	if err := st.CreatePolicy(tb.Context(), p); err != nil {
		tb.Fatalf("CreatePolicy(%q): %v", p.Name, err)
	}
	return p
}

func mustGrant(tb testing.TB, st meetd.Store, tenantID, name, userID string) {
	tb.Helper()
	if err := st.GrantPolicy(tb.Context(), tenantID, name, userID); err != nil {
		tb.Fatalf("GrantPolicy(%q, %q): %v", name, userID, err)
	}
}

// showPolicy prints what a caller relies on, grants sorted.
func showPolicy(p *meetd.Policy) string {
	if p == nil {
		return "none"
	}
	users := slices.Sorted(slices.Values(p.Users))
	return fmt.Sprintf("{tenant %s name %q description %q apps %v global %t users %v}", p.TenantID, p.Name, p.Description, p.AppIDs, p.Global, users)
}

// samePolicy compares the stored fields of a policy, not its grants.
func samePolicy(got, want *meetd.Policy) bool {
	if got == nil || want == nil {
		return got == want
	}
	return got.TenantID == want.TenantID && got.Name == want.Name && got.Description == want.Description && slices.Equal(got.AppIDs, want.AppIDs)
}

// wantAssignment fails unless the user's assignment names the policies.
func wantAssignment(tb testing.TB, st meetd.Store, tenantID, userID string, user, global *meetd.Policy) {
	tb.Helper()
	a, err := st.Assignment(tb.Context(), tenantID, userID)
	wantCode(tb, "Assignment", err, "")
	if !samePolicy(a.User, user) || !samePolicy(a.Global, global) {
		tb.Fatalf("Assignment(%s): got user %s global %s, want user %s global %s",
			userID, showPolicy(a.User), showPolicy(a.Global), showPolicy(user), showPolicy(global))
	}
}

// wantPolicies fails unless the tenant's list is want, in order, grants
// included (in any order).
func wantPolicies(tb testing.TB, st meetd.Store, tenantID string, want ...*meetd.Policy) {
	tb.Helper()
	got, err := st.Policies(tb.Context(), tenantID)
	wantCode(tb, "Policies", err, "")
	show := func(ps []*meetd.Policy) string {
		s := make([]string, len(ps))
		for i, p := range ps {
			s[i] = showPolicy(p)
		}
		return strings.Join(s, ", ")
	}
	if len(got) != len(want) {
		tb.Fatalf("Policies(%q): got [%s], want [%s]", tenantID, show(got), show(want))
	}
	for i := range got {
		if showPolicy(got[i]) != showPolicy(want[i]) {
			tb.Fatalf("Policies(%q): got [%s], want [%s]", tenantID, show(got), show(want))
		}
	}
}

func testCreatePolicyDuplicate(t *testing.T, s suite) {
	st := s.store(t)
	tenant := NewObjectID()
	p := mustCreatePolicy(t, st, newPolicy(tenant, "Meetings"))
	wantCode(t, "CreatePolicy with a taken name", st.CreatePolicy(t.Context(), newPolicy(tenant, "Meetings")), meetd.ECONFLICT)
	other := mustCreatePolicy(t, st, newPolicy(NewObjectID(), "Meetings"))
	wantPolicies(t, st, tenant, p)
	wantPolicies(t, st, other.TenantID, other)
}

func testPolicies(t *testing.T, s suite) {
	st := s.store(t)
	tenant, other := NewObjectID(), NewObjectID()
	b := mustCreatePolicy(t, st, newPolicy(tenant, "b-policy"))
	a := mustCreatePolicy(t, st, newPolicy(tenant, "a-policy"))
	empty := mustCreatePolicy(t, st, &meetd.Policy{TenantID: tenant, Name: "c-empty", AppIDs: []string{}})
	u := mustCreatePolicy(t, st, newPolicy(other, "a-policy"))
	u1, u2 := NewObjectID(), NewObjectID()
	mustGrant(t, st, tenant, "a-policy", u1)
	mustGrant(t, st, tenant, "a-policy", u2)
	mustGrant(t, st, tenant, "b-policy", "")
	mustGrant(t, st, other, "a-policy", u1)

	wantA := *a
	wantA.Users = []string{u1, u2}
	wantB := *b
	wantB.Global = true
	wantU := *u
	wantU.Users = []string{u1}
	wantPolicies(t, st, tenant, &wantA, &wantB, empty)
	wantPolicies(t, st, other, &wantU)
	wantPolicies(t, st, NewObjectID())

	all, err := st.Policies(t.Context(), "")
	wantCode(t, "Policies of every tenant", err, "")
	var got []string
	for _, p := range all {
		got = append(got, showPolicy(p))
	}
	want := []string{showPolicy(&wantA), showPolicy(&wantB), showPolicy(empty), showPolicy(&wantU)}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("Policies of every tenant: got %v, want %v", got, want)
	}
}

func testGrantUser(t *testing.T, s suite) {
	st := s.store(t)
	tenant, user, bystander := NewObjectID(), NewObjectID(), NewObjectID()
	a := mustCreatePolicy(t, st, newPolicy(tenant, "a"))
	b := mustCreatePolicy(t, st, newPolicy(tenant, "b"))
	mustGrant(t, st, tenant, "a", user)
	mustGrant(t, st, tenant, "a", bystander)
	wantAssignment(t, st, tenant, user, a, nil)
	// Granting the same policy again is harmless.
	mustGrant(t, st, tenant, "a", user)
	wantAssignment(t, st, tenant, user, a, nil)
	// A user has one policy: a new grant replaces the old one.
	mustGrant(t, st, tenant, "b", user)
	wantAssignment(t, st, tenant, user, b, nil)
	wantAssignment(t, st, tenant, bystander, a, nil)
	wantA, wantB := *a, *b
	wantA.Users, wantB.Users = []string{bystander}, []string{user}
	wantPolicies(t, st, tenant, &wantA, &wantB)
}

func testGrantGlobal(t *testing.T, s suite) {
	st := s.store(t)
	tenant, user, granted := NewObjectID(), NewObjectID(), NewObjectID()
	a := mustCreatePolicy(t, st, newPolicy(tenant, "a"))
	b := mustCreatePolicy(t, st, newPolicy(tenant, "b"))
	mustGrant(t, st, tenant, "a", "")
	mustGrant(t, st, tenant, "b", granted)
	wantAssignment(t, st, tenant, user, nil, a)
	wantAssignment(t, st, tenant, granted, b, a)
	// One global policy per tenant: a new one replaces the old.
	mustGrant(t, st, tenant, "b", "")
	wantAssignment(t, st, tenant, user, nil, b)
	wantB := *b
	wantB.Global, wantB.Users = true, []string{granted}
	wantPolicies(t, st, tenant, a, &wantB)
}

func testGrantUnknown(t *testing.T, s suite) {
	st := s.store(t)
	tenant := NewObjectID()
	mustCreatePolicy(t, st, newPolicy(NewObjectID(), "elsewhere"))
	for _, user := range []string{NewObjectID(), ""} {
		wantCode(t, "GrantPolicy of an unknown policy", st.GrantPolicy(t.Context(), tenant, "nope", user), meetd.ENOTFOUND)
		wantCode(t, "GrantPolicy of another tenant's policy", st.GrantPolicy(t.Context(), tenant, "elsewhere", user), meetd.ENOTFOUND)
	}
	wantAssignment(t, st, tenant, NewObjectID(), nil, nil)
}

func testRevoke(t *testing.T, s suite) {
	st := s.store(t)
	tenant, user, other := NewObjectID(), NewObjectID(), NewObjectID()
	a := mustCreatePolicy(t, st, newPolicy(tenant, "a"))
	mustCreatePolicy(t, st, newPolicy(tenant, "b"))
	mustGrant(t, st, tenant, "a", user)
	mustGrant(t, st, tenant, "a", "")

	tests := []struct{ name, policy, user string }{
		{"a policy the user does not have", "b", user},
		{"from a user without grants", "a", other},
		{"an unknown policy", "nope", user},
		{"global, of a policy that is not global", "b", ""},
		{"in another tenant", "a", user},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tn := tenant
			if tc.name == "in another tenant" {
				tn = NewObjectID()
			}
			wantCode(t, "RevokePolicy", st.RevokePolicy(t.Context(), tn, tc.policy, tc.user), meetd.ENOTFOUND)
			wantAssignment(t, st, tenant, user, a, a)
		})
	}
	wantCode(t, "RevokePolicy of the user's grant", st.RevokePolicy(t.Context(), tenant, "a", user), "")
	wantAssignment(t, st, tenant, user, nil, a)
	wantCode(t, "RevokePolicy again", st.RevokePolicy(t.Context(), tenant, "a", user), meetd.ENOTFOUND)
	wantCode(t, "RevokePolicy of the global grant", st.RevokePolicy(t.Context(), tenant, "a", ""), "")
	wantAssignment(t, st, tenant, user, nil, nil)
	wantCode(t, "RevokePolicy of the global grant again", st.RevokePolicy(t.Context(), tenant, "a", ""), meetd.ENOTFOUND)
}

func testDeletePolicy(t *testing.T, s suite) {
	st := s.store(t)
	tenant, other, user := NewObjectID(), NewObjectID(), NewObjectID()
	mustCreatePolicy(t, st, newPolicy(tenant, "a"))
	keep := mustCreatePolicy(t, st, newPolicy(other, "a"))
	mustGrant(t, st, tenant, "a", user)
	mustGrant(t, st, tenant, "a", "")
	mustGrant(t, st, other, "a", user)

	wantCode(t, "DeletePolicy", st.DeletePolicy(t.Context(), tenant, "a"), "")
	wantAssignment(t, st, tenant, user, nil, nil)
	wantPolicies(t, st, tenant)
	wantAssignment(t, st, other, user, keep, nil)
	wantCode(t, "DeletePolicy again", st.DeletePolicy(t.Context(), tenant, "a"), meetd.ENOTFOUND)

	// A new policy with the old name starts with no grants.
	again := mustCreatePolicy(t, st, newPolicy(tenant, "a"))
	wantAssignment(t, st, tenant, user, nil, nil)
	wantPolicies(t, st, tenant, again)
}

func testAssignment(t *testing.T, s suite) {
	st := s.store(t)
	tenant, other, user := NewObjectID(), NewObjectID(), NewObjectID()
	wantAssignment(t, st, tenant, user, nil, nil)
	a := mustCreatePolicy(t, st, newPolicy(tenant, "a"))
	g := mustCreatePolicy(t, st, newPolicy(tenant, "g"))
	mustCreatePolicy(t, st, newPolicy(other, "a"))
	mustGrant(t, st, tenant, "a", user)
	wantAssignment(t, st, tenant, user, a, nil)
	mustGrant(t, st, tenant, "g", "")
	wantAssignment(t, st, tenant, user, a, g)
	wantAssignment(t, st, tenant, NewObjectID(), nil, g)
	// The same user id in another tenant has nothing there.
	wantAssignment(t, st, other, user, nil, nil)
	// The user id is matched exactly.
	wantAssignment(t, st, tenant, strings.ToUpper(user), nil, g)
}
