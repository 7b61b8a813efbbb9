package auth

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/meetd/meetd"
)

// Markers in the pre-rendered discovery document. They need no JSON escaping,
// so the values put in their place are escaped once, on the way in.
const (
	baseMarker      = "@@BASE@@"
	tenantMarker    = "@@TENANT@@"
	issTenantMarker = "@@ISSTENANT@@"
)

// discoveryTemplate is the OpenID discovery document rendered once, with
// markers where the base URL and tenant go.
type discoveryTemplate string

// discoveryDocument has the fields, names and order of Entra ID's v2.0
// /.well-known/openid-configuration that a client may read.
type discoveryDocument struct {
	TokenEndpoint                     string   `json:"token_endpoint"`
	TokenEndpointAuthMethodsSupported []string `json:"token_endpoint_auth_methods_supported"`
	JWKSURI                           string   `json:"jwks_uri"`
	ResponseModesSupported            []string `json:"response_modes_supported"`
	SubjectTypesSupported             []string `json:"subject_types_supported"`
	IDTokenSigningAlgValuesSupported  []string `json:"id_token_signing_alg_values_supported"`
	ResponseTypesSupported            []string `json:"response_types_supported"`
	ScopesSupported                   []string `json:"scopes_supported"`
	Issuer                            string   `json:"issuer"`
	RequestURIParameterSupported      bool     `json:"request_uri_parameter_supported"`
	AuthorizationEndpoint             string   `json:"authorization_endpoint"`
	DeviceAuthorizationEndpoint       string   `json:"device_authorization_endpoint"`
	HTTPLogoutSupported               bool     `json:"http_logout_supported"`
	FrontchannelLogoutSupported       bool     `json:"frontchannel_logout_supported"`
	EndSessionEndpoint                string   `json:"end_session_endpoint"`
	ClaimsSupported                   []string `json:"claims_supported"`
	TenantRegionScope                 *string  `json:"tenant_region_scope"`
	CloudInstanceName                 string   `json:"cloud_instance_name"`
}

func newDiscoveryTemplate() (discoveryTemplate, error) {
	endpoint := func(path string) string { return baseMarker + "/" + tenantMarker + path }
	b, err := json.Marshal(discoveryDocument{
		TokenEndpoint:                     endpoint("/oauth2/v2.0/token"),
		TokenEndpointAuthMethodsSupported: []string{"client_secret_post", "private_key_jwt", "client_secret_basic"},
		JWKSURI:                           baseMarker + "/common/discovery/v2.0/keys",
		ResponseModesSupported:            []string{"query", "fragment", "form_post"},
		SubjectTypesSupported:             []string{"pairwise"},
		IDTokenSigningAlgValuesSupported:  []string{"RS256"},
		ResponseTypesSupported:            []string{"code", "id_token", "code id_token", "id_token token"},
		ScopesSupported:                   []string{"openid", "profile", "email", "offline_access"},
		Issuer:                            IssuerURL(Version2, issTenantMarker),
		AuthorizationEndpoint:             endpoint("/oauth2/v2.0/authorize"),
		DeviceAuthorizationEndpoint:       endpoint("/oauth2/v2.0/devicecode"),
		HTTPLogoutSupported:               true,
		FrontchannelLogoutSupported:       true,
		EndSessionEndpoint:                endpoint("/oauth2/v2.0/logout"),
		ClaimsSupported:                   []string{"sub", "iss", "aud", "exp", "iat", "auth_time", "acr", "nonce", "preferred_username", "name", "tid", "ver", "at_hash", "c_hash", "email"},
		CloudInstanceName:                 "microsoftonline.com",
	})
	if err != nil {
		return "", fmt.Errorf("discovery document: %w", err)
	}
	return discoveryTemplate(b), nil
}

// Discovery returns the OpenID discovery document for tenant, with endpoints
// under baseURL (scheme and host, no trailing slash), as served at
// {baseURL}/{tenant}/v2.0/.well-known/openid-configuration.
//
// tenant is a tenant id or one of Entra's aliases "common", "organizations"
// and "consumers". For the first two the issuer keeps Entra's "{tenantid}"
// placeholder, as Entra's own document does. Discovery returns nil for any
// other tenant; Entra answers those 400 (AADSTS90002, tenant not found).
func (i *Issuer) Discovery(baseURL, tenant string) []byte {
	issTenant := strings.ToLower(tenant)
	switch issTenant {
	case "common", "organizations":
		issTenant = "{tenantid}"
	case "consumers":
		issTenant = meetd.ConsumerTenantID
	default:
		if !meetd.IsObjectID(tenant) {
			return nil
		}
		tenant = issTenant
	}
	base, _ := json.Marshal(strings.TrimSuffix(baseURL, "/")) // a string always marshals
	r := strings.NewReplacer(
		baseMarker, string(base[1:len(base)-1]),
		tenantMarker, strings.ToLower(tenant),
		issTenantMarker, issTenant,
	)
	return []byte(r.Replace(string(i.discovery)))
}
