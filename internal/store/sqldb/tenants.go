package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/store"
)

// insertID runs an INSERT … RETURNING id.
func (db *DB) insertID(ctx context.Context, q string, args ...any) (int64, error) {
	var id int64
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, db.Rebind(q+" RETURNING id"), args...).Scan(&id)
	})
	return id, err
}

func isUnique(err error) bool {
	if err == nil {
		return false
	}
	s := err.Error()
	return strings.Contains(s, "UNIQUE constraint") || strings.Contains(s, "SQLSTATE 23505")
}

func notFound(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%s: %w", what, store.ErrNotFound)
	}
	return err
}

func (db *DB) CreateTenant(ctx context.Context, name string) (domain.Tenant, error) {
	t := domain.Tenant{Name: name, CreatedAt: now()}
	id, err := db.insertID(ctx, `INSERT INTO tenants (name, created_at) VALUES (?, ?)`, name, t.CreatedAt)
	if err != nil {
		return t, fmt.Errorf("create tenant %q: %w", name, err)
	}
	t.ID = domain.TenantID(id)
	return t, nil
}

func (db *DB) Tenant(ctx context.Context, id domain.TenantID) (domain.Tenant, error) {
	t := domain.Tenant{ID: id}
	err := db.sql.QueryRowContext(ctx, db.Rebind(`SELECT name, created_at FROM tenants WHERE id = ?`), id).Scan(&t.Name, tm(&t.CreatedAt))
	return t, notFound(err, fmt.Sprintf("tenant %d", id))
}

func (db *DB) Tenants(ctx context.Context) ([]domain.Tenant, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT id, name, created_at FROM tenants ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []domain.Tenant
	for rows.Next() {
		var t domain.Tenant
		if err := rows.Scan(&t.ID, &t.Name, tm(&t.CreatedAt)); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

const userCols = `id, tenant_id, email, name, role, locale, password_hash, disabled, created_at`

func scanUser(sc interface{ Scan(...any) error }) (domain.User, error) {
	var u domain.User
	var role string
	err := sc.Scan(&u.ID, &u.TenantID, &u.Email, &u.Name, &role, &u.Locale, &u.PasswordHash, &u.Disabled, tm(&u.CreatedAt))
	u.Role = domain.Role(role)
	return u, err
}

func (db *DB) CreateUser(ctx context.Context, tenant domain.TenantID, u domain.User) (domain.User, error) {
	u.TenantID = tenant
	u.Email = strings.ToLower(strings.TrimSpace(u.Email))
	if !u.Role.Valid() {
		return u, fmt.Errorf("create user %s: unknown role %q", u.Email, u.Role)
	}
	if u.Locale == "" {
		u.Locale = "pt-BR"
	}
	u.CreatedAt = now()
	id, err := db.insertID(ctx, `INSERT INTO users (tenant_id, email, name, role, locale, password_hash, disabled, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		tenant, u.Email, u.Name, string(u.Role), u.Locale, u.PasswordHash, u.Disabled, u.CreatedAt)
	if isUnique(err) {
		return u, fmt.Errorf("create user %s: %w", u.Email, store.ErrConflict)
	}
	if err != nil {
		return u, fmt.Errorf("create user %s: %w", u.Email, err)
	}
	u.ID = id
	return u, nil
}

func (db *DB) User(ctx context.Context, tenant domain.TenantID, id int64) (domain.User, error) {
	u, err := scanUser(db.sql.QueryRowContext(ctx, db.Rebind(`SELECT `+userCols+` FROM users WHERE tenant_id = ? AND id = ?`), tenant, id))
	return u, notFound(err, fmt.Sprintf("user %d", id))
}

func (db *DB) Users(ctx context.Context, tenant domain.TenantID) ([]domain.User, error) {
	rows, err := db.sql.QueryContext(ctx, db.Rebind(`SELECT `+userCols+` FROM users WHERE tenant_id = ? ORDER BY name, id`), tenant)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []domain.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

func (db *DB) UpdateUser(ctx context.Context, tenant domain.TenantID, u domain.User) error {
	if !u.Role.Valid() {
		return fmt.Errorf("update user %d: unknown role %q", u.ID, u.Role)
	}
	res, err := db.Exec(ctx, `UPDATE users SET name = ?, role = ?, locale = ?, password_hash = ?, disabled = ? WHERE tenant_id = ? AND id = ?`,
		u.Name, string(u.Role), u.Locale, u.PasswordHash, u.Disabled, tenant, u.ID)
	if err != nil {
		return fmt.Errorf("update user %d: %w", u.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("update user %d: %w", u.ID, store.ErrNotFound)
	}
	return nil
}

func (db *DB) UserForLogin(ctx context.Context, email string) (domain.User, error) {
	u, err := scanUser(db.sql.QueryRowContext(ctx, db.Rebind(`SELECT `+userCols+` FROM users WHERE email = ?`), strings.ToLower(strings.TrimSpace(email))))
	return u, notFound(err, "user")
}

func (db *DB) CreateSession(ctx context.Context, s store.Session) error {
	_, err := db.Exec(ctx, `INSERT INTO sessions (token_hash, tenant_id, user_id, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)`,
		s.TokenHash, s.TenantID, s.UserID, s.CSRF, s.CreatedAt.UTC(), s.ExpiresAt.UTC())
	if err != nil {
		return fmt.Errorf("create session: %w", err)
	}
	return nil
}

func (db *DB) SessionByToken(ctx context.Context, tokenHash string, at time.Time) (store.Session, error) {
	s := store.Session{TokenHash: tokenHash}
	err := db.sql.QueryRowContext(ctx, db.Rebind(`SELECT tenant_id, user_id, csrf, created_at, expires_at FROM sessions WHERE token_hash = ?`), tokenHash).
		Scan(&s.TenantID, &s.UserID, &s.CSRF, tm(&s.CreatedAt), tm(&s.ExpiresAt))
	if err != nil {
		return s, notFound(err, "session")
	}
	if !at.Before(s.ExpiresAt) {
		return s, fmt.Errorf("session expired: %w", store.ErrNotFound)
	}
	return s, nil
}

func (db *DB) DeleteSession(ctx context.Context, tokenHash string) error {
	_, err := db.Exec(ctx, `DELETE FROM sessions WHERE token_hash = ?`, tokenHash)
	return err
}
