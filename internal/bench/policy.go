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
// does not list the app, it creates PolicyName(appID) (unless it exists),
// listing the app and every app of the tenant's global policy, and grants it
// to that one user: the other users, and the apps the global grant let act
// on this user, keep their access. It reports what it did and how to undo
// it, "" when nothing was needed. A user with a grant of their own that
// leaves the app out is an error: the tool does not change a user's grant
// behind the operator's back.
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
	name, apps := PolicyName(appID), []string{appID}
	if a.Global != nil {
		apps = append(apps, a.Global.AppIDs...)
	}
	err = ps.CreatePolicy(ctx, &meetd.Policy{TenantID: tenantID, Name: name, AppIDs: apps, Description: "created by meetd bench"})
	if err != nil && meetd.ErrorCode(err) != meetd.ECONFLICT {
		return "", fmt.Errorf("create policy %s: %w", name, err)
	}
	if err := ps.GrantPolicy(ctx, tenantID, name, userID); err != nil {
		return "", fmt.Errorf("grant policy %s: %w", name, err)
	}
	if a, err = ps.Assignment(ctx, tenantID, userID); err != nil {
		return "", fmt.Errorf("read policy assignment: %w", err)
	} else if !a.Effective().Allows(appID) {
		return "", fmt.Errorf("policy %s exists in tenant %s but does not list app %s: delete it (meetd policy delete) and run again", name, tenantID, appID)
	}
	did := fmt.Sprintf("granted access policy %s (app %s", name, appID)
	if a.Global != nil {
		did += fmt.Sprintf(", and those of the global policy %s", a.Global.Name)
	}
	return did + fmt.Sprintf(") to user %s; undo: meetd policy delete %s --tenant %s", userID, name, tenantID), nil
}
