package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4/jwt"
	"github.com/google/uuid"
	"github.com/meetd/meetd"
)

// DevClientID is the client application id (appid or azp) of delegated
// tokens minted without an AppID: a stand-in for the public client a user
// would sign in with.
const DevClientID = "de7c11e1-7e57-4000-8000-000000000001"

// DefaultTokenTTL is the lifetime of a minted token when TokenRequest.TTL is
// zero; Entra ID's access tokens typically last an hour.
const DefaultTokenTTL = time.Hour

// servicePrincipalNamespace seeds ServicePrincipalID's name-based UUIDs.
var servicePrincipalNamespace = uuid.UUID{0x6d, 0x65, 0x65, 0x74, 0x64, 0x2d, 0x4f, 0x73, 0x8a, 0x70, 0x72, 0x69, 0x6e, 0x63, 0x69, 0x70}

// TokenRequest describes a token for Issuer.Mint. A request with UserID is
// for a delegated (user) token; one with only AppID is for an application
// (app-only) token. Ids are GUIDs and are written lower-case.
type TokenRequest struct {
	TenantID string   // tid; required
	UserID   string   // oid of the signed-in user; makes the token delegated
	UPN      string   // the user's sign-in name; delegated only
	AppID    string   // client application id; DevClientID for delegated tokens when empty
	Scopes   []string // scp, delegated only, e.g. meetd.ScopeReadWrite
	Roles    []string // roles, application only, e.g. meetd.RoleReadWrite
	// TTL is the token's lifetime: DefaultTokenTTL when zero. A negative
	// TTL mints a token that expired -TTL ago, for tests.
	TTL time.Duration
	// Version is the token format, "1.0" (the default, as Graph's own
	// tokens are) or "2.0".
	Version string
	// Audience is the aud claim: GraphResource for v1.0 and GraphAppID for
	// v2.0 when empty. Anything else makes a token Graph refuses, for tests.
	Audience string
	// Now is the issue time; time.Now when zero.
	Now time.Time
}

// Mint returns a signed access token for r, or a meetd.EINVALID error
// saying what is wrong with r.
func (i *Issuer) Mint(r TokenRequest) (string, error) {
	c, err := r.claims()
	if err != nil {
		return "", err
	}
	tok, err := jwt.Signed(i.signer).Claims(c).Serialize()
	if err != nil {
		return "", fmt.Errorf("sign token: %w", err)
	}
	return tok, nil
}

func (r TokenRequest) claims() (*claims, error) {
	if !meetd.IsObjectID(r.TenantID) {
		return nil, meetd.Errorf(meetd.EINVALID, "tenant id %q is not a GUID", r.TenantID)
	}
	tenant := strings.ToLower(r.TenantID)
	delegated := r.UserID != ""
	switch {
	case delegated && !meetd.IsObjectID(r.UserID):
		return nil, meetd.Errorf(meetd.EINVALID, "user id %q is not a GUID", r.UserID)
	case r.AppID != "" && !meetd.IsObjectID(r.AppID):
		return nil, meetd.Errorf(meetd.EINVALID, "app id %q is not a GUID", r.AppID)
	case !delegated && r.AppID == "":
		return nil, meetd.Errorf(meetd.EINVALID, "a token needs a user id (delegated) or an app id (application)")
	case delegated && len(r.Roles) > 0:
		return nil, meetd.Errorf(meetd.EINVALID, "roles are for application tokens; delegated tokens carry scopes")
	case !delegated && len(r.Scopes) > 0:
		return nil, meetd.Errorf(meetd.EINVALID, "scopes are for delegated tokens; application tokens carry roles")
	case !delegated && r.UPN != "":
		return nil, meetd.Errorf(meetd.EINVALID, "a upn is for delegated tokens")
	}
	for _, s := range r.Scopes {
		if s == "" || strings.ContainsAny(s, " \t\r\n") {
			return nil, meetd.Errorf(meetd.EINVALID, "scope %q is not one word", s)
		}
	}
	ver := r.Version
	switch ver {
	case "", Version1:
		ver = Version1
	case Version2:
	default:
		return nil, meetd.Errorf(meetd.EINVALID, "token version %q is neither %q nor %q", r.Version, Version1, Version2)
	}
	aud := r.Audience
	if aud == "" {
		aud = GraphResource
		if ver == Version2 {
			aud = GraphAppID
		}
	}
	now, ttl := r.Now, r.TTL
	if now.IsZero() {
		now = time.Now()
	}
	if ttl == 0 {
		ttl = DefaultTokenTTL
	}
	exp, issued := now.Add(ttl), now
	if ttl < 0 {
		issued = exp.Add(-DefaultTokenTTL) // a whole lifetime, all of it past
	}
	uti, err := newUTI()
	if err != nil {
		return nil, err
	}

	c := &claims{
		Audience:  jwt.Audience{aud},
		Issuer:    IssuerURL(ver, tenant),
		IssuedAt:  jwt.NewNumericDate(issued),
		NotBefore: jwt.NewNumericDate(issued),
		Expiry:    jwt.NewNumericDate(exp),
		TenantID:  tenant,
		UTI:       uti,
		Version:   ver,
	}
	app := strings.ToLower(r.AppID)
	acr := "1" // a confidential client with a secret
	if delegated {
		if app == "" {
			app, acr = DevClientID, "0" // a public client
		}
		c.IDType = "user"
		c.ObjectID = strings.ToLower(r.UserID)
		c.Subject = pairwiseSubject(tenant, c.ObjectID, app)
		c.Scope = strings.Join(r.Scopes, " ")
		if ver == Version1 {
			c.UPN, c.UniqueName = r.UPN, r.UPN
		} else {
			c.PreferredUsername = r.UPN
		}
	} else {
		c.IDType = "app"
		c.ObjectID = ServicePrincipalID(tenant, app)
		c.Subject = c.ObjectID // app-only tokens' sub is the service principal
		c.Roles = r.Roles
	}
	if ver == Version1 {
		c.AppID, c.AppIDACR = app, acr
	} else {
		c.AZP, c.AZPACR = app, acr
	}
	return c, nil
}

// ServicePrincipalID returns the object id (oid) of the application's
// service principal in the tenant, as written in its app-only tokens. It is
// a name-based (version 5) UUID: stable across runs and machines.
func ServicePrincipalID(tenantID, appID string) string {
	return uuid.NewSHA1(servicePrincipalNamespace, []byte(strings.ToLower(tenantID)+"/"+strings.ToLower(appID))).String()
}

// pairwiseSubject returns a sub claim like Entra's: unique to the user and
// the client application, so that it cannot be mistaken for the user's id.
func pairwiseSubject(tenant, user, app string) string {
	sum := sha256.Sum256([]byte(tenant + "/" + user + "/" + app))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// newUTI returns a random token identifier shaped like Entra's uti.
func newUTI() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("token id: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}
