package auth

import (
	"strings"

	"github.com/go-jose/go-jose/v4/jwt"
)

// Graph's audience as Entra ID writes it: the resource URI in v1.0 tokens,
// the application id in v2.0 tokens. The URI with a trailing slash is also
// seen and accepted.
const (
	GraphResource = "https://graph.microsoft.com"
	GraphAppID    = "00000003-0000-0000-c000-000000000000"
)

// Token versions, the values of the ver claim.
const (
	Version1 = "1.0"
	Version2 = "2.0"
)

// Issuer URLs of the two Entra ID token versions, around the tenant id.
const (
	v1IssuerPrefix = "https://sts.windows.net/"
	v1IssuerSuffix = "/"
	v2IssuerPrefix = "https://login.microsoftonline.com/"
	v2IssuerSuffix = "/v2.0"
)

// IssuerURL returns the iss claim Entra ID writes for the tenant in tokens of
// version ver ("1.0" or "2.0").
func IssuerURL(ver, tenantID string) string {
	if ver == Version2 {
		return v2IssuerPrefix + tenantID + v2IssuerSuffix
	}
	return v1IssuerPrefix + tenantID + v1IssuerSuffix
}

// issuerTenant returns the tenant inside an issuer of either Entra shape.
func issuerTenant(iss string) (string, bool) {
	for _, shape := range [...][2]string{{v1IssuerPrefix, v1IssuerSuffix}, {v2IssuerPrefix, v2IssuerSuffix}} {
		if rest, ok := strings.CutPrefix(iss, shape[0]); ok {
			if tenant, ok := strings.CutSuffix(rest, shape[1]); ok && tenant != "" && !strings.Contains(tenant, "/") {
				return tenant, true
			}
		}
	}
	return "", false
}

func graphAudience(aud string) bool {
	return aud == GraphResource || aud == GraphResource+"/" || aud == GraphAppID
}

// claims are the access-token claims meetd writes and reads, in the order
// Entra ID writes them. v1.0 tokens carry appid, appidacr, upn and
// unique_name; v2.0 tokens carry azp, azpacr and preferred_username instead.
type claims struct {
	Audience          jwt.Audience     `json:"aud,omitempty"`
	Issuer            string           `json:"iss,omitempty"`
	IssuedAt          *jwt.NumericDate `json:"iat,omitempty"`
	NotBefore         *jwt.NumericDate `json:"nbf,omitempty"`
	Expiry            *jwt.NumericDate `json:"exp,omitempty"`
	AppID             string           `json:"appid,omitempty"`
	AppIDACR          string           `json:"appidacr,omitempty"`
	AZP               string           `json:"azp,omitempty"`
	AZPACR            string           `json:"azpacr,omitempty"`
	IDType            string           `json:"idtyp,omitempty"`
	ObjectID          string           `json:"oid,omitempty"`
	PreferredUsername string           `json:"preferred_username,omitempty"`
	Roles             []string         `json:"roles,omitempty"`
	Scope             string           `json:"scp,omitempty"`
	Subject           string           `json:"sub,omitempty"`
	TenantID          string           `json:"tid,omitempty"`
	UniqueName        string           `json:"unique_name,omitempty"`
	UPN               string           `json:"upn,omitempty"`
	UTI               string           `json:"uti,omitempty"`
	Version           string           `json:"ver,omitempty"`
}
