package storetest

import (
	"encoding/json"
	"time"

	"github.com/google/uuid"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/store/postgres"
	"github.com/manara-hub/manara/internal/store/sqlstore"
)

// NewRecord builds a valid person record owned by owner, with a fresh
// UUIDv7 id, version 1, times at microsecond precision in UTC (the precision
// every store keeps), a ten-year retention and a review a year before it.
// Tests adjust the fields they care about before inserting it.
func NewRecord(owner string, rel core.Releasability, status string) *core.Record {
	now := time.Now().UTC().Truncate(time.Microsecond)
	id := uuid.Must(uuid.NewV7()).String()
	data, _ := json.Marshal(map[string]string{"family_name": "Test " + id[len(id)-8:]})
	return &core.Record{
		ID: id, Kind: core.KindPerson, Owner: owner, Status: status, Version: 1,
		Releasability: rel, Caveats: []string{},
		RetainUntil: now.AddDate(10, 0, 0), ReviewDate: now.AddDate(9, 0, 0),
		Data:      data,
		CreatedAt: now, CreatedBy: "user:test", UpdatedAt: now, UpdatedBy: "user:test",
	}
}

// NewUser builds a valid user of a bureau and role with a fresh UUIDv7 id.
func NewUser(username, bureau, role string) *core.User {
	return &core.User{
		ID: uuid.Must(uuid.NewV7()).String(), Username: username, DisplayName: username,
		Bureau: bureau, Role: role, Lang: "en",
		CreatedAt:    time.Now().UTC().Truncate(time.Microsecond),
		PasswordHash: "hash-of-" + username,
	}
}

// Rebind turns the ?-placeholders of q into the store's own ($1, $2… on
// PostgreSQL), for tests that run raw SQL through DB().
func Rebind(s *sqlstore.Store, q string) string {
	if s.Backend() == "postgres" {
		return postgres.Dialect().Rebind(q)
	}
	return q
}
