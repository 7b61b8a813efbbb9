package server

import (
	"net/http"
	"strings"

	"github.com/meetd/meetd"
)

// apiHandler is a Graph API handler that runs with a verified caller.
type apiHandler func(w http.ResponseWriter, r *http.Request, c *meetd.Caller)

// wwwAuthenticate is the challenge Graph sends with a 401.
var wwwAuthenticate = []string{`Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"`}

// wwwAuthenticateNoToken is Graph's challenge with an error_description (no
// commas: SDK parsers split on them) for a request that sent no token: the
// usual cause against meetd is an SDK that was not told meetd's host is
// allowed and so silently sent none. A token that was sent and refused gets
// the plain challenge, which this hint would mislead. It names each official
// SDK's setting: Go's and the Kiota TypeScript SDK's host lists, and the
// JavaScript microsoft-graph-client, which also attaches tokens only to
// https:// URLs whatever its customHosts say.
var wwwAuthenticateNoToken = []string{wwwAuthenticate[0] + `, error_description="meetd: no bearer token. Graph SDK clients send tokens only to allowed hosts: list meetd's host (e.g. 127.0.0.1) in NewGraphServiceClientWithCredentialsAndHosts (Go) or AllowedHostsValidator (TypeScript @microsoft/msgraph-sdk); @microsoft/microsoft-graph-client sends them only to https:// URLs of its customHosts."`}

// errNoToken is the answer to a request without a bearer token.
var errNoToken = meetd.Errorf(meetd.EUNAUTHENTICATED, "Access token is empty.")

// api wraps h with bearer-token verification: every API request needs one.
func (s *Server) api(h apiHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token, err := bearer(r)
		if err == nil {
			var c *meetd.Caller
			if c, err = s.cfg.Verifier.Verify(token); err == nil {
				h(w, r, c)
				return
			}
		}
		s.writeError(w, r, err)
	})
}

// bearer returns the token of an "Authorization: Bearer …" header.
func bearer(r *http.Request) (string, error) {
	v := r.Header.Get("Authorization")
	scheme, token, _ := strings.Cut(v, " ")
	token = strings.TrimSpace(token)
	if v == "" || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return "", errNoToken
	}
	return token, nil
}
