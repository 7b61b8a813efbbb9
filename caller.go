package meetd

import "slices"

// ConsumerTenantID is the tenant of personal Microsoft accounts, which the
// onlineMeetings API does not support.
const ConsumerTenantID = "9188040d-6c67-4c5b-b112-36a304b66dad"

// Permissions the onlineMeetings API checks: scopes in delegated tokens' scp,
// roles in application tokens' roles.
const (
	ScopeRead      = "OnlineMeetings.Read"
	ScopeReadWrite = "OnlineMeetings.ReadWrite"
	RoleRead       = "OnlineMeetings.Read.All"
	RoleReadWrite  = "OnlineMeetings.ReadWrite.All"
)

// Caller is who a verified access token says is calling.
type Caller struct {
	TenantID string
	ObjectID string // oid: the user (delegated) or the service principal (app)
	AppID    string // appid or azp: the client application
	UPN      string // upn, unique_name or preferred_username; display only
	App      bool   // an application (app-only) token
	Scopes   []string
	Roles    []string
}

// CanRead reports whether c holds a permission that allows reading meetings.
func (c *Caller) CanRead() bool {
	if c.App {
		return slices.Contains(c.Roles, RoleRead) || slices.Contains(c.Roles, RoleReadWrite)
	}
	return slices.Contains(c.Scopes, ScopeRead) || slices.Contains(c.Scopes, ScopeReadWrite)
}

// CanWrite reports whether c holds the permission that allows creating,
// changing and deleting meetings.
func (c *Caller) CanWrite() bool {
	if c.App {
		return slices.Contains(c.Roles, RoleReadWrite)
	}
	return slices.Contains(c.Scopes, ScopeReadWrite)
}
