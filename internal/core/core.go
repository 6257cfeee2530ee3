// Package core holds Manara's domain types, error codes and the storage
// interfaces the rest of the program is written against. It imports nothing
// of ours and does no I/O: packages that own a dependency (a database, HTTP)
// implement or consume what is declared here.
package core

import "time"

// Roles a user or API key may hold. A user has exactly one role.
const (
	RoleOfficer    = "officer"
	RoleSupervisor = "supervisor"
	RoleReviewer   = "reviewer" // secretariat only
	RoleAnalyst    = "analyst"
	RoleAdmin      = "admin"
)

// Roles lists every role, in order of the documentation.
var Roles = []string{RoleOfficer, RoleSupervisor, RoleReviewer, RoleAnalyst, RoleAdmin}

// ValidRole reports whether r is a known role.
func ValidRole(r string) bool {
	for _, x := range Roles {
		if x == r {
			return true
		}
	}
	return false
}

// Permissions an API key can be scoped to. Users derive theirs from their role.
const (
	PermRecordsRead  = "records:read"
	PermRecordsWrite = "records:write"
	PermAuditRead    = "audit:read"
	PermAdmin        = "admin"
	PermScreen       = "screen"
	// PermWebhooks manages a bureau's webhook subscriptions.
	PermWebhooks = "webhooks"
)

// Permissions lists every permission.
var Permissions = []string{PermRecordsRead, PermRecordsWrite, PermAuditRead, PermScreen, PermAdmin, PermWebhooks}

// ValidPermission reports whether p is a known permission.
func ValidPermission(p string) bool {
	for _, x := range Permissions {
		if x == p {
			return true
		}
	}
	return false
}

// RolePermissions is what a signed-in user of a role may do.
func RolePermissions(role string) []string {
	switch role {
	case RoleOfficer, RoleSupervisor:
		return []string{PermRecordsRead, PermRecordsWrite, PermAuditRead, PermScreen}
	case RoleReviewer, RoleAnalyst:
		return []string{PermRecordsRead, PermAuditRead, PermScreen}
	case RoleAdmin:
		return []string{PermRecordsRead, PermAuditRead, PermAdmin, PermWebhooks}
	}
	return nil
}

// Viewer is whoever is asking: a signed-in user, an API key, or the system
// itself (background jobs). Every access decision takes one.
type Viewer struct {
	Bureau      string // ISO alpha-2 of the bureau, or the secretariat code
	Role        string
	UserID      string // set for users
	KeyID       string // set for API keys
	Permissions []string
	System      bool // background jobs; never set from a request
	Remote      string
}

// Can reports whether the viewer holds a permission.
func (v Viewer) Can(perm string) bool {
	for _, p := range v.Permissions {
		if p == perm {
			return true
		}
	}
	return false
}

// Actor names the viewer for the audit log.
func (v Viewer) Actor() (kind, id string) {
	switch {
	case v.System:
		return "system", "system"
	case v.KeyID != "":
		return "key", v.KeyID
	case v.UserID != "":
		return "user", v.UserID
	}
	return "anonymous", ""
}

// ActorName is the viewer as records name who made or changed them
// ("user:<id>", "key:<id>", "system:system").
func (v Viewer) ActorName() string {
	kind, id := v.Actor()
	return kind + ":" + id
}

// User is a person who signs in. Password hashes never leave the store
// package except to be verified.
type User struct {
	ID           string    `json:"id"`
	Username     string    `json:"username"`
	DisplayName  string    `json:"display_name"`
	Bureau       string    `json:"bureau"`
	Role         string    `json:"role"`
	Lang         string    `json:"lang"`
	Disabled     bool      `json:"disabled"`
	CreatedAt    time.Time `json:"created_at"`
	PasswordHash string    `json:"-"`
	FailedLogins int       `json:"-"`
	LockedUntil  time.Time `json:"-"`
}

// UserTOTP is a user's time-based one-time password (RFC 6238) and
// recovery codes. The secret must be kept (HMAC needs it); recovery codes
// are stored only as SHA-256 hashes, a used one removed. LastStep is the
// last time step accepted, so that a code cannot be replayed.
type UserTOTP struct {
	UserID    string    `json:"-"`
	Secret    string    `json:"-"` // base32, no padding
	Enabled   bool      `json:"enabled"`
	LastStep  int64     `json:"-"`
	Recovery  []string  `json:"-"` // hex SHA-256 of the unused recovery codes
	UpdatedAt time.Time `json:"updated_at"`
}

// Session is a browser sign-in. Only the hash of its token is stored.
type Session struct {
	TokenHash string
	UserID    string
	CreatedAt time.Time
	ExpiresAt time.Time
	Remote    string
}

// APIKey is a machine credential scoped to one bureau. Only the hash of the
// secret is stored; the secret is shown once at creation.
type APIKey struct {
	ID          string     `json:"id"`
	Name        string     `json:"name"`
	Bureau      string     `json:"bureau"`
	Permissions []string   `json:"permissions"`
	SecretHash  string     `json:"-"`
	CreatedBy   string     `json:"created_by"`
	CreatedAt   time.Time  `json:"created_at"`
	ExpiresAt   *time.Time `json:"expires_at,omitempty"`
	RevokedAt   *time.Time `json:"revoked_at,omitempty"`
	LastUsedAt  *time.Time `json:"last_used_at,omitempty"`
}

// Active reports whether the key may be used at t.
func (k APIKey) Active(t time.Time) bool {
	if k.RevokedAt != nil {
		return false
	}
	if k.ExpiresAt != nil && !t.Before(*k.ExpiresAt) {
		return false
	}
	return true
}
