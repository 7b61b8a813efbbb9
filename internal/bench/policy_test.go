package bench_test

import (
	"context"
	"strings"
	"testing"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/internal/bench"
)

func TestPreparePolicy(t *testing.T) {
	ctx := context.Background()
	const bob, appY = "1f35f2e6-9cab-44ad-8d5a-b74c14720002", "a1b2c3d4-0000-4000-8000-00000000000b"
	for _, c := range []struct {
		name    string
		setup   func(ps meetd.PolicyStore)
		user    string
		wantDid string // "" nothing done; "-" an error
		wantErr string
	}{
		{"none yet", func(meetd.PolicyStore) {}, alice, "granted access policy " + bench.PolicyName(appX), ""},
		{"already global", func(ps meetd.PolicyStore) {
			ps.CreatePolicy(ctx, &meetd.Policy{TenantID: tenant, Name: "ops", AppIDs: []string{appX}})
			ps.GrantPolicy(ctx, tenant, "ops", "")
		}, alice, "", ""},
		{"already the user's", func(ps meetd.PolicyStore) {
			ps.CreatePolicy(ctx, &meetd.Policy{TenantID: tenant, Name: "ops", AppIDs: []string{appX}})
			ps.GrantPolicy(ctx, tenant, "ops", alice)
		}, alice, "", ""},
		{"another global", func(ps meetd.PolicyStore) {
			ps.CreatePolicy(ctx, &meetd.Policy{TenantID: tenant, Name: "other", AppIDs: []string{appY}})
			ps.GrantPolicy(ctx, tenant, "other", "")
		}, alice, "and those of the global policy other) to user " + alice, ""},
		{"the user's own leaves the app out", func(ps meetd.PolicyStore) {
			ps.CreatePolicy(ctx, &meetd.Policy{TenantID: tenant, Name: "bobs", AppIDs: []string{appY}})
			ps.GrantPolicy(ctx, tenant, "bobs", bob)
		}, bob, "-", `access policy "bobs"`},
		{"ours exists without the app", func(ps meetd.PolicyStore) {
			ps.CreatePolicy(ctx, &meetd.Policy{TenantID: tenant, Name: bench.PolicyName(appX), AppIDs: []string{appY}})
		}, alice, "-", "does not list app"},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := newMeetd(t, nil)
			c.setup(e.store)
			before, err := e.store.Assignment(ctx, tenant, c.user)
			if err != nil {
				t.Fatal(err)
			}
			did, err := bench.PreparePolicy(ctx, e.store, tenant, strings.ToUpper(appX), c.user)
			if c.wantDid == "-" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("got %q, %v; want an error containing %q", did, err, c.wantErr)
				}
				return
			}
			if err != nil || !strings.Contains(did, c.wantDid) || (c.wantDid == "") != (did == "") {
				t.Fatalf("got %q, %v; want %q", did, err, c.wantDid)
			}
			a, err := e.store.Assignment(ctx, tenant, c.user)
			if err != nil || !a.Effective().Allows(appX) {
				t.Errorf("after: effective policy %+v, %v; want one allowing %s", a.Effective(), err, appX)
			}
			// Nobody loses access: the global grant stays, and the apps it
			// let act on the user still may.
			b, err := e.store.Assignment(ctx, tenant, bob)
			if err != nil || (b.Global == nil) != (before.Global == nil) || b.Global != nil && b.Global.Name != before.Global.Name {
				t.Errorf("after: another user's global policy %+v, %v; want %+v", b.Global, err, before.Global)
			}
			if g := before.Global; g != nil {
				for _, app := range g.AppIDs {
					if !a.Effective().Allows(app) {
						t.Errorf("after: app %s of the global policy may no longer act on %s", app, c.user)
					}
				}
			}
			if again, err := bench.PreparePolicy(ctx, e.store, tenant, appX, c.user); again != "" || err != nil {
				t.Errorf("second call: got %q, %v; want nothing to do", again, err)
			}
		})
	}
}
