package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/meetd/meetd"
)

const policyUsage = `meetd policy — application access policies, as Teams PowerShell models them

  meetd policy create NAME --tenant T --app APPID [--app APPID …] [--description TEXT]
  meetd policy grant  NAME --tenant T (--user OID | --global)
  meetd policy revoke NAME --tenant T (--user OID | --global)
  meetd policy list   [--tenant T]
  meetd policy delete NAME --tenant T

Each acts on the store of the server: give the same --data DIR or --db URL
("meetd policy SUBCOMMAND -h" lists the flags). A per-user grant overrides
the global one. A running server sees changes within a second (MEETD_POLICY_TTL).`

// listFlag collects a repeatable flag; each value may itself be a list.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, splitList(v)...); return nil }

// policy manages application access policies in the store.
func policy(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		if len(args) == 0 {
			fmt.Fprintln(stderr, policyUsage) // a usage error, like run's own
			return fmt.Errorf("%w: policy needs a subcommand", errUsage)
		}
		fmt.Fprintln(stdout, policyUsage)
		return nil
	}
	sub := args[0]
	f := newFlagSet("policy "+sub, getenv, stdout, stderr)
	sf := addStoreFlags(f)
	tenant := f.string("tenant", "", "tenant id")
	var apps listFlag
	f.Var(&apps, "app", "application (client) id; repeat or separate with commas")
	desc := f.String("description", "", "description")
	user := f.String("user", "", "user object id")
	global := f.Bool("global", false, "grant to or revoke from the whole tenant")
	pos, err := f.parse(args[1:])
	if err != nil {
		return err
	}
	name := ""
	if len(pos) > 0 {
		name = pos[0]
	}
	if len(pos) > 1 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, pos[1])
	}
	needName := func() error {
		if name == "" {
			return fmt.Errorf("%w: policy %s needs a NAME", errUsage, sub)
		}
		if *tenant == "" {
			return fmt.Errorf("%w: policy %s needs --tenant", errUsage, sub)
		}
		return guids("--tenant", *tenant)
	}
	target := func() (string, error) {
		if (*user == "") == !*global {
			return "", fmt.Errorf("%w: policy %s needs exactly one of --user OID or --global", errUsage, sub)
		}
		return strings.ToLower(*user), guids("--user", *user)
	}

	var run func(meetd.PolicyStore) error
	switch sub {
	case "create":
		if err := needName(); err != nil {
			return err
		}
		if len(apps) == 0 {
			return fmt.Errorf("%w: policy create needs at least one --app", errUsage)
		}
		for i, a := range apps {
			if err := guids("--app", a); err != nil {
				return err
			}
			apps[i] = strings.ToLower(a) // as tokens carry it
		}
		run = func(ps meetd.PolicyStore) error {
			return ps.CreatePolicy(ctx, &meetd.Policy{TenantID: strings.ToLower(*tenant), Name: name, AppIDs: apps, Description: *desc})
		}
	case "grant", "revoke":
		if err := needName(); err != nil {
			return err
		}
		u, err := target()
		if err != nil {
			return err
		}
		run = func(ps meetd.PolicyStore) error {
			if sub == "grant" {
				return ps.GrantPolicy(ctx, strings.ToLower(*tenant), name, u)
			}
			return ps.RevokePolicy(ctx, strings.ToLower(*tenant), name, u)
		}
	case "delete":
		if err := needName(); err != nil {
			return err
		}
		run = func(ps meetd.PolicyStore) error { return ps.DeletePolicy(ctx, strings.ToLower(*tenant), name) }
	case "list":
		if err := guids("--tenant", *tenant); err != nil {
			return err
		}
		run = func(ps meetd.PolicyStore) error {
			ps2, err := ps.Policies(ctx, strings.ToLower(*tenant))
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "TENANT\tNAME\tAPPS\tGRANTED TO\tDESCRIPTION")
			for _, p := range ps2 {
				to := p.Users
				if p.Global {
					to = append([]string{"(global)"}, to...)
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", p.TenantID, p.Name, strings.Join(p.AppIDs, ","), strings.Join(to, ","), p.Description)
			}
			return tw.Flush()
		}
	default:
		return fmt.Errorf("%w: unknown policy subcommand %q", errUsage, sub)
	}
	st, err := sf.open(ctx, false)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := run(st); err != nil {
		return fmt.Errorf("policy %s: %s", sub, describe(err))
	}
	if sub != "list" {
		fmt.Fprintf(stdout, "policy %s %s: done\n", sub, name)
	}
	return nil
}

// describe returns a domain error's message, and the whole text of anything
// else: the CLI's user is the operator, who should see the cause.
func describe(err error) string {
	if meetd.ErrorCode(err) == meetd.EINTERNAL {
		return err.Error()
	}
	return meetd.ErrorMessage(err)
}
