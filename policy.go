package meetd

import (
	"slices"
	"strings"
)

// Policy is an application access policy as Teams PowerShell models it
// (New-CsApplicationAccessPolicy): a named list of app ids in one tenant,
// granted to users one by one or to the whole tenant (Global).
type Policy struct {
	TenantID    string
	Name        string
	AppIDs      []string
	Description string
	Global      bool     // granted with -Global
	Users       []string // object ids it is granted to
}

// Allows reports whether p lets the app act. App ids are GUIDs, which
// compare without case: a token's appid is lower-cased, and a policy stored
// before `meetd policy create` lower-cased its --app values may not be.
func (p *Policy) Allows(appID string) bool {
	return p != nil && slices.ContainsFunc(p.AppIDs, func(a string) bool { return strings.EqualFold(a, appID) })
}

// Assignment is what applies to one user: the policy granted to that user, if
// any, and the tenant's global policy, if any.
type Assignment struct {
	User   *Policy
	Global *Policy
}

// Effective returns the policy in force: a per-user grant overrides the global
// one, which applies only to users with no grant of their own.
func (a Assignment) Effective() *Policy {
	if a.User != nil {
		return a.User
	}
	return a.Global
}
