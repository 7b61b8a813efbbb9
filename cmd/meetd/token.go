package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/internal/auth"
)

// token mints a dev access token signed by this meetd's issuer.
func token(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	f := newFlagSet("token", getenv, stdout, stderr)
	sf := addStoreFlags(f)
	tenant := f.string("tenant", "", "tenant id (tid)")
	user := f.string("user", "", "user object id (oid): mints a delegated token")
	upn := f.string("upn", "", "user principal name (delegated)")
	app := f.string("app", "", "application (client) id: alone, mints an application token")
	scopes := f.string("scopes", meetd.ScopeReadWrite, "delegated scopes, space- or comma-separated")
	roles := f.string("roles", meetd.RoleReadWrite, "application roles, space- or comma-separated")
	ttl := f.duration("ttl", 0, "lifetime (default 1h); negative mints an expired token")
	ver := f.string("token-version", "1.0", "token format: 1.0 (sts.windows.net issuer) or 2.0")
	aud := f.string("aud", "", "audience (default Graph's)")
	if pos, err := f.parse(args); err != nil {
		return err
	} else if len(pos) > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, pos[0])
	}
	if *ttl == 0 {
		*ttl = time.Hour
	}
	if *tenant == "" || *user == "" && *app == "" {
		return fmt.Errorf("%w: token needs --tenant and --user (delegated) or --app (application)", errUsage)
	}
	if err := guids("--tenant", *tenant, "--user", *user, "--app", *app); err != nil {
		return err
	}
	if *ver != auth.Version1 && *ver != auth.Version2 {
		return fmt.Errorf("%w: --token-version must be %s or %s, not %q", errUsage, auth.Version1, auth.Version2, *ver)
	}
	st, err := sf.open(ctx, false)
	if err != nil {
		return err
	}
	defer st.Close()
	iss, err := auth.LoadIssuer(ctx, st.keys)
	if err != nil {
		return err
	}
	req := auth.TokenRequest{TenantID: *tenant, UserID: *user, UPN: *upn, AppID: *app, TTL: *ttl, Version: *ver, Audience: *aud}
	if *user != "" {
		req.Scopes = splitList(*scopes)
	} else {
		req.Roles = splitList(*roles)
	}
	tok, err := iss.Mint(req)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, tok)
	return nil
}
