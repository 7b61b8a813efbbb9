package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/meetd/meetd"
)

// Policy reads are not cached here: meetd.Service keeps assignments for
// its PolicyTTL, and another process (the policy command) may change them.

const (
	assignmentQuery = `SELECT g.user_id, p.name, p.description, p.app_ids
		FROM policy_grants g JOIN policies p ON p.tenant_id = g.tenant_id AND p.name = g.policy_name
		WHERE g.tenant_id = ?1 AND (g.user_id = ?2 OR g.user_id = '')`
	policiesQuery = `SELECT tenant_id, name, description, app_ids FROM policies
		WHERE ?1 = '' OR tenant_id = ?1 ORDER BY tenant_id, name`
	grantsQuery = `SELECT tenant_id, policy_name, user_id FROM policy_grants
		WHERE ?1 = '' OR tenant_id = ?1 ORDER BY user_id`
)

func policyNotFound(name string) error {
	return notFound("The application access policy '%s' was not found.", name)
}

// CreatePolicy stores a new policy; ECONFLICT if the tenant has one with the
// name.
func (s *Store) CreatePolicy(ctx context.Context, p *meetd.Policy) error {
	apps := p.AppIDs
	if apps == nil {
		apps = []string{}
	}
	appIDs, err := json.Marshal(apps)
	if err != nil {
		return mapErr(err, "create policy")
	}
	return s.w.do(ctx, func(tx *wtx) error {
		res, err := tx.conn.ExecContext(tx.ctx, `INSERT INTO policies (tenant_id, name, description, app_ids)
			VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`, p.TenantID, p.Name, p.Description, string(appIDs))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			if err != nil {
				return err
			}
			return meetd.Errorf(meetd.ECONFLICT, "An application access policy named '%s' already exists.", p.Name)
		}
		return nil
	}, nil)
}

// DeletePolicy deletes the policy and its grants.
func (s *Store) DeletePolicy(ctx context.Context, tenantID, name string) error {
	return s.w.do(ctx, func(tx *wtx) error {
		res, err := tx.conn.ExecContext(tx.ctx, "DELETE FROM policies WHERE tenant_id = ? AND name = ?", tenantID, name)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			if err != nil {
				return err
			}
			return policyNotFound(name)
		}
		_, err = tx.conn.ExecContext(tx.ctx, "DELETE FROM policy_grants WHERE tenant_id = ? AND policy_name = ?", tenantID, name)
		return err
	}, nil)
}

// GrantPolicy assigns the policy to the user, or to the tenant when userID
// is "", replacing the previous grant.
func (s *Store) GrantPolicy(ctx context.Context, tenantID, name, userID string) error {
	return s.w.do(ctx, func(tx *wtx) error {
		var one int
		err := tx.conn.QueryRowContext(tx.ctx, "SELECT 1 FROM policies WHERE tenant_id = ? AND name = ?", tenantID, name).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return policyNotFound(name)
		}
		if err != nil {
			return err
		}
		_, err = tx.conn.ExecContext(tx.ctx, `INSERT INTO policy_grants (tenant_id, user_id, policy_name) VALUES (?, ?, ?)
			ON CONFLICT (tenant_id, user_id) DO UPDATE SET policy_name = excluded.policy_name`, tenantID, userID, name)
		return err
	}, nil)
}

// RevokePolicy removes the policy's grant to the user, or its global grant
// when userID is ""; ENOTFOUND if it had none.
func (s *Store) RevokePolicy(ctx context.Context, tenantID, name, userID string) error {
	return s.w.do(ctx, func(tx *wtx) error {
		res, err := tx.conn.ExecContext(tx.ctx, "DELETE FROM policy_grants WHERE tenant_id = ? AND user_id = ? AND policy_name = ?", tenantID, userID, name)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			if err != nil {
				return err
			}
			if userID == "" {
				return notFound("The application access policy '%s' is not granted globally.", name)
			}
			return notFound("The application access policy '%s' is not granted to user %s.", name, userID)
		}
		return nil
	}, nil)
}

// Assignment returns the policy granted to the user and the tenant's global
// one; either is nil when there is none.
func (s *Store) Assignment(ctx context.Context, tenantID, userID string) (meetd.Assignment, error) {
	var a meetd.Assignment
	if err := s.w.syncer.broken(); err != nil {
		return a, err
	}
	rows, err := s.reads.assignment.QueryContext(ctx, tenantID, userID)
	if err != nil {
		return a, mapErr(err, "read policy assignment")
	}
	defer rows.Close()
	for rows.Next() {
		var user, apps string
		p := &meetd.Policy{TenantID: tenantID}
		if err := rows.Scan(&user, &p.Name, &p.Description, &apps); err != nil {
			return meetd.Assignment{}, mapErr(err, "read policy assignment")
		}
		if err := json.Unmarshal([]byte(apps), &p.AppIDs); err != nil {
			return meetd.Assignment{}, mapErr(fmt.Errorf("policy %s: app ids: %w", p.Name, err), "read policy assignment")
		}
		if user == "" {
			p.Global = true
			a.Global = p
		} else {
			a.User = p
		}
	}
	if err := rows.Err(); err != nil {
		return meetd.Assignment{}, mapErr(err, "read policy assignment")
	}
	return a, nil
}

// Policies lists the tenant's policies (every tenant's when tenantID is "")
// by tenant and name, with their grants.
func (s *Store) Policies(ctx context.Context, tenantID string) ([]*meetd.Policy, error) {
	if err := s.w.syncer.broken(); err != nil {
		return nil, err
	}
	// One read transaction, so that the policies and grants agree.
	tx, err := s.rdb.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, mapErr(err, "list policies")
	}
	defer tx.Rollback()
	ps, err := listPolicies(ctx, tx, s.reads, tenantID)
	if err != nil {
		return nil, mapErr(err, "list policies")
	}
	return ps, nil
}

func listPolicies(ctx context.Context, tx *sql.Tx, r *readStmts, tenantID string) ([]*meetd.Policy, error) {
	type name struct{ tenant, name string }
	ps := []*meetd.Policy{}
	byName := map[name]*meetd.Policy{}
	rows, err := tx.StmtContext(ctx, r.policies).QueryContext(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var apps string
		p := &meetd.Policy{}
		if err := rows.Scan(&p.TenantID, &p.Name, &p.Description, &apps); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(apps), &p.AppIDs); err != nil {
			return nil, fmt.Errorf("policy %s: app ids: %w", p.Name, err)
		}
		ps = append(ps, p)
		byName[name{p.TenantID, p.Name}] = p
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	grants, err := tx.StmtContext(ctx, r.grants).QueryContext(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	defer grants.Close()
	for grants.Next() {
		var n name
		var user string
		if err := grants.Scan(&n.tenant, &n.name, &user); err != nil {
			return nil, err
		}
		p := byName[n]
		switch {
		case p == nil: // cannot happen: grants go with their policy
		case user == "":
			p.Global = true
		default:
			p.Users = append(p.Users, user)
		}
	}
	return ps, grants.Err()
}
