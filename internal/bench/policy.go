package bench

import (
	"context"
	"fmt"
	"strings"

	"github.com/meetd/meetd"
)

// PolicyName is the access policy PreparePolicy creates for an app.
func PolicyName(appID string) string { return "meetd-bench-" + strings.ToLower(appID) }

// PreparePolicy makes sure an application token for appID may create
// meetings for userID in tenantID. When the policy in force for the user
// does not list the app, it creates PolicyName(appID) for the app (unless it
// exists) and grants it to the whole tenant, in place of any global grant.
// It reports what it did, "" when nothing was needed. A per-user grant
// overrides the global one, so a user with a grant of their own that leaves
// the app out is an error: the tool does not change a user's grant behind
// the operator's back.
func PreparePolicy(ctx context.Context, ps meetd.PolicyStore, tenantID, appID, userID string) (string, error) {
	tenantID, appID, userID = strings.ToLower(tenantID), strings.ToLower(appID), strings.ToLower(userID)
	a, err := ps.Assignment(ctx, tenantID, userID)
	if err != nil {
		return "", fmt.Errorf("read policy assignment: %w", err)
	}
	if a.Effective().Allows(appID) {
		return "", nil
	}
	if a.User != nil {
		return "", fmt.Errorf("user %s has access policy %q, which does not list app %s: grant another (meetd policy grant) or use another --user", userID, a.User.Name, appID)
	}
	old, name := a.Global, PolicyName(appID)
	err = ps.CreatePolicy(ctx, &meetd.Policy{TenantID: tenantID, Name: name, AppIDs: []string{appID}, Description: "created by meetd bench"})
	if err != nil && meetd.ErrorCode(err) != meetd.ECONFLICT {
		return "", fmt.Errorf("create policy %s: %w", name, err)
	}
	if err := ps.GrantPolicy(ctx, tenantID, name, ""); err != nil {
		return "", fmt.Errorf("grant policy %s: %w", name, err)
	}
	if a, err = ps.Assignment(ctx, tenantID, userID); err != nil {
		return "", fmt.Errorf("read policy assignment: %w", err)
	} else if !a.Effective().Allows(appID) {
		return "", fmt.Errorf("policy %s exists in tenant %s but does not list app %s: delete it (meetd policy delete) and run again", name, tenantID, appID)
	}
	did := fmt.Sprintf("granted access policy %s (app %s) to tenant %s", name, appID, tenantID)
	if old != nil {
		did += ", replacing its global grant of " + old.Name
	}
	return did, nil
}
