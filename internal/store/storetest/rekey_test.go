package storetest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/audit"
	"github.com/manara-hub/manara/internal/core"
)

// Migration 18 rebuilds SQLite's audit and event tables under their own
// keys. A store written under the old layout keeps every entry, its chain
// and tree, and every event with its audience; and the rebuilt tables
// take new writes after the ones they kept.
func TestRekeyedTablesKeepTheirRows(t *testing.T) {
	ctx := context.Background()
	st := openUnmigrated(t, "sqlite")
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	// Back to the layout before the migration, with the same columns.
	old := map[string]string{
		"audit_log": `CREATE TABLE audit_log_old (seq BIGINT PRIMARY KEY, at TEXT NOT NULL, actor_type TEXT NOT NULL, actor_id TEXT NOT NULL,
			bureau TEXT NOT NULL, action TEXT NOT NULL, record_ids TEXT NOT NULL, query TEXT NOT NULL, remote TEXT NOT NULL,
			outcome TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL)`,
		"audit_records":  `CREATE TABLE audit_records_old (record_id TEXT NOT NULL, seq BIGINT NOT NULL, PRIMARY KEY (record_id, seq))`,
		"audit_tree":     `CREATE TABLE audit_tree_old (idx BIGINT PRIMARY KEY, hash BLOB NOT NULL)`,
		"events":         `CREATE TABLE events_old (seq BIGINT PRIMARY KEY, at TEXT NOT NULL, type TEXT NOT NULL, subject TEXT NOT NULL, audience TEXT NOT NULL, record_id TEXT NOT NULL, data TEXT NOT NULL)`,
		"event_audience": `CREATE TABLE event_audience_old (bureau TEXT NOT NULL, seq BIGINT NOT NULL, PRIMARY KEY (bureau, seq))`,
	}
	for table, create := range old {
		rawExec(t, st, create)
		rawExec(t, st, `DROP TABLE `+table)
		rawExec(t, st, `ALTER TABLE `+table+`_old RENAME TO `+table)
	}
	rawExec(t, st, `CREATE INDEX audit_records_seq ON audit_records (seq, record_id)`)
	rawExec(t, st, `DELETE FROM schema_migrations WHERE version = 18`)
	layout := func(table string) string {
		var sql string
		if err := st.DB().QueryRowContext(ctx, `SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?`, table).Scan(&sql); err != nil {
			t.Fatal(err)
		}
		return sql
	}
	if s := layout("audit_log"); !strings.Contains(s, "BIGINT PRIMARY KEY") {
		t.Fatalf("the old layout was not made: %s", s)
	}

	// Written under the old layout.
	seeded := seedChain(t, st)
	now := time.Now().UTC()
	update(t, st, func(tx core.Tx) error {
		return tx.InsertEvents([]*core.Event{
			{At: now, Type: "hit.created", Subject: "h1", Audience: []string{"MA", "FR"}, RecordID: "r1", Data: []byte(`{}`)},
			{At: now, Type: "hit.created", Subject: "h2", Audience: []string{"ES"}, RecordID: "r2", Data: []byte(`{}`)},
		})
	})

	if n, err := st.Migrate(ctx); err != nil || n != 1 {
		t.Fatalf("Migrate = %d, %v; want the one step", n, err)
	}
	for _, table := range []string{"audit_log", "audit_tree", "events"} {
		if s := layout(table); !strings.Contains(s, "INTEGER PRIMARY KEY") {
			t.Errorf("%s after the migration: %s", table, s)
		}
	}
	for _, table := range []string{"audit_records", "event_audience"} {
		if s := layout(table); !strings.Contains(s, "WITHOUT ROWID") {
			t.Errorf("%s after the migration: %s", table, s)
		}
	}

	// Every entry is kept, in order, with its chain and its tree.
	if got := allAudit(t, st); len(got) != len(seeded) || got[9].Hash != seeded[9].Hash || got[0].Query != seeded[0].Query {
		t.Fatalf("entries after the migration: %d, want %d as they were", len(got), len(seeded))
	}
	signer, _ := testSigner(t)
	kept, _ := keep(t, st, signer)
	wantIntact(t, st, kept, 10)
	// A record's trail is still found through audit_records.
	var trail []core.AuditEntry
	view(t, st, func(tx core.Tx) (err error) { trail, err = tx.RecordAudit(seeded[2].RecordIDs[0], 0, 10); return err })
	if len(trail) != 1 || trail[0].Seq != seeded[2].Seq {
		t.Fatalf("record trail after the migration: %+v", trail)
	}
	// Events keep their audience.
	var fr, es []core.Event
	view(t, st, func(tx core.Tx) (err error) {
		if fr, err = tx.Events(0, "FR", 10); err != nil {
			return err
		}
		es, err = tx.Events(0, "ES", 10)
		return err
	})
	if len(fr) != 1 || fr[0].Subject != "h1" || len(es) != 1 || es[0].Subject != "h2" {
		t.Fatalf("events after the migration: FR %+v, ES %+v", fr, es)
	}

	// New writes follow the kept ones.
	e := audit.Entry(viewer("FR", core.RoleOfficer), "record.read", audit.OK, "r9")
	update(t, st, func(tx core.Tx) error { return audit.Append(tx, e) })
	if e.Seq != 11 {
		t.Fatalf("the next entry is %d, want 11", e.Seq)
	}
	evs := []*core.Event{{At: now, Type: "hit.created", Subject: "h3", Audience: []string{"FR"}, RecordID: "r3", Data: []byte(`{}`)}}
	update(t, st, func(tx core.Tx) error { return tx.InsertEvents(evs) })
	if evs[0].Seq != 3 {
		t.Fatalf("the next event is %d, want 3", evs[0].Seq)
	}
	kept, _ = keep(t, st, signer)
	wantIntact(t, st, kept, 11)
}
