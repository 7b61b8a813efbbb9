package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/meetd/meetd"
)

// CreatePolicy stores a new policy with no grants; ECONFLICT if the tenant
// has one with that name.
func (s *Store) CreatePolicy(ctx context.Context, p *meetd.Policy) error {
	apps := p.AppIDs
	if apps == nil {
		apps = []string{}
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	_, err := s.pool.Exec(ctx, `INSERT INTO policies (tenant_id, name, app_ids, description) VALUES ($1, $2, $3, $4)`,
		p.TenantID, p.Name, apps, p.Description)
	err = s.translate("create policy", err)
	if meetd.ErrorCode(err) == meetd.ECONFLICT {
		return &meetd.Error{Code: meetd.ECONFLICT, Message: "A policy named '" + p.Name + "' already exists.", Err: err}
	}
	return err
}

// DeletePolicy deletes the policy; its grants go with it (ON DELETE CASCADE).
func (s *Store) DeletePolicy(ctx context.Context, tenantID, name string) error {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	tag, err := s.pool.Exec(ctx, `DELETE FROM policies WHERE tenant_id = $1 AND name = $2`, tenantID, name)
	if err != nil {
		return s.translate("delete policy", err)
	}
	if tag.RowsAffected() == 0 {
		return policyNotFound(name)
	}
	return nil
}

// Policies lists the tenant's policies, or every tenant's for "", by name,
// each with its grants.
func (s *Store) Policies(ctx context.Context, tenantID string) ([]*meetd.Policy, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	rows, err := s.pool.Query(ctx, `SELECT p.tenant_id, p.name, p.app_ids, p.description,
			COALESCE(bool_or(g.user_id = ''), false),
			COALESCE(array_agg(g.user_id ORDER BY g.user_id) FILTER (WHERE g.user_id <> ''), '{}')
		FROM policies p LEFT JOIN policy_grants g ON g.tenant_id = p.tenant_id AND g.name = p.name
		WHERE $1 = '' OR p.tenant_id = $1
		GROUP BY p.tenant_id, p.name
		ORDER BY p.name, p.tenant_id`, tenantID)
	if err != nil {
		return nil, s.translate("policies", err)
	}
	ps, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*meetd.Policy, error) {
		var p meetd.Policy
		err := row.Scan(&p.TenantID, &p.Name, &p.AppIDs, &p.Description, &p.Global, &p.Users)
		return &p, err
	})
	if err != nil {
		return nil, s.translate("policies", err)
	}
	if ps == nil {
		ps = []*meetd.Policy{}
	}
	return ps, nil
}

// GrantPolicy grants the policy to the user, or to the tenant when userID is
// "", replacing the grant the user (or tenant) had. The INSERT reads the
// policy in the same statement, and the foreign key catches a policy deleted
// meanwhile, so a grant never points at nothing.
func (s *Store) GrantPolicy(ctx context.Context, tenantID, name, userID string) error {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	tag, err := s.pool.Exec(ctx, `INSERT INTO policy_grants (tenant_id, user_id, name)
		SELECT tenant_id, $3, name FROM policies WHERE tenant_id = $1 AND name = $2
		ON CONFLICT (tenant_id, user_id) DO UPDATE SET name = excluded.name`, tenantID, name, userID)
	if err != nil {
		if isForeignKeyViolation(err) {
			return policyNotFound(name)
		}
		return s.translate("grant policy", err)
	}
	if tag.RowsAffected() == 0 {
		return policyNotFound(name)
	}
	return nil
}

// RevokePolicy removes the grant of the policy to the user, or the tenant's
// global grant when userID is ""; ENOTFOUND if there is no such grant.
func (s *Store) RevokePolicy(ctx context.Context, tenantID, name, userID string) error {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	tag, err := s.pool.Exec(ctx, `DELETE FROM policy_grants WHERE tenant_id = $1 AND user_id = $2 AND name = $3`,
		tenantID, userID, name)
	if err != nil {
		return s.translate("revoke policy", err)
	}
	if tag.RowsAffected() == 0 {
		return meetd.Errorf(meetd.ENOTFOUND, "The policy '%s' is not granted there.", name)
	}
	return nil
}

// Assignment returns the policy granted to the user and the tenant's global
// one, without their lists of grants, in one query.
func (s *Store) Assignment(ctx context.Context, tenantID, userID string) (meetd.Assignment, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	rows, err := s.pool.Query(ctx, `SELECT g.user_id = '', p.tenant_id, p.name, p.app_ids, p.description
		FROM policy_grants g JOIN policies p ON p.tenant_id = g.tenant_id AND p.name = g.name
		WHERE g.tenant_id = $1 AND g.user_id IN ($2, '')`, tenantID, userID)
	if err != nil {
		return meetd.Assignment{}, s.translate("assignment", err)
	}
	var a meetd.Assignment
	for rows.Next() {
		var global bool
		var p meetd.Policy
		if err := rows.Scan(&global, &p.TenantID, &p.Name, &p.AppIDs, &p.Description); err != nil {
			rows.Close()
			return meetd.Assignment{}, s.translate("assignment", err)
		}
		if global {
			p.Global = true
			a.Global = &p
		} else {
			a.User = &p
		}
	}
	if err := rows.Err(); err != nil {
		return meetd.Assignment{}, s.translate("assignment", err)
	}
	return a, nil
}

func isForeignKeyViolation(err error) bool {
	var pe interface{ SQLState() string }
	return errors.As(err, &pe) && pe.SQLState() == "23503"
}

func policyNotFound(name string) error {
	return meetd.Errorf(meetd.ENOTFOUND, "The policy '%s' was not found.", name)
}
