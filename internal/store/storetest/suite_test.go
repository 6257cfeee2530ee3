package storetest

// The storage suite: every test runs the identical assertions against each
// backend Backends returns (SQLite always, PostgreSQL when configured), each
// on a fresh, migrated store.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/manara-hub/manara/internal/access"
	"github.com/manara-hub/manara/internal/audit"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/store/postgres"
	"github.com/manara-hub/manara/internal/store/sqlite"
	"github.com/manara-hub/manara/internal/store/sqlstore"
)

// ---------------------------------------------------------------- helpers

func update(t testing.TB, st core.Store, fn func(core.Tx) error) {
	t.Helper()
	if err := st.Update(context.Background(), fn); err != nil {
		t.Fatalf("Update: %v", err)
	}
}

func view(t testing.TB, st core.Store, fn func(core.Tx) error) {
	t.Helper()
	if err := st.View(context.Background(), fn); err != nil {
		t.Fatalf("View: %v", err)
	}
}

func insert(t testing.TB, st core.Store, rs ...*core.Record) {
	t.Helper()
	update(t, st, func(tx core.Tx) error {
		for _, r := range rs {
			if err := tx.InsertRecord(r); err != nil {
				return err
			}
		}
		return nil
	})
}

func getRecord(t testing.TB, st core.Store, id string) (*core.Record, error) {
	t.Helper()
	var r *core.Record
	var gerr error
	view(t, st, func(tx core.Tx) error {
		r, gerr = tx.GetRecord(id)
		return nil
	})
	return r, gerr
}

func listRecords(t testing.TB, st core.Store, f core.RecordFilter) []*core.Record {
	t.Helper()
	var rs []*core.Record
	view(t, st, func(tx core.Tx) error {
		var err error
		rs, err = tx.ListRecords(f)
		return err
	})
	return rs
}

func allChanges(t testing.TB, st core.Store) []core.RecordChange {
	t.Helper()
	var cs []core.RecordChange
	view(t, st, func(tx core.Tx) error {
		var err error
		cs, err = tx.Changes(0, 1000)
		return err
	})
	return cs
}

func allAudit(t testing.TB, st core.Store) []core.AuditEntry {
	t.Helper()
	var es []core.AuditEntry
	view(t, st, func(tx core.Tx) error {
		var err error
		es, err = tx.AuditEntries(0, 100000)
		return err
	})
	return es
}

// verifyChain runs audit.Verify over the store in one read transaction.
func verifyChain(t testing.TB, st core.Store) (int64, error) {
	t.Helper()
	var n int64
	var verr error
	view(t, st, func(tx core.Tx) error {
		var r audit.Report
		r, verr = audit.Check(tx, nil)
		n = r.Entries
		return nil
	})
	return n, verr
}

// wantCode fails unless err carries the application error code.
func wantCode(t testing.TB, err error, code string) {
	t.Helper()
	if got := core.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
}

// rawExec runs one statement through the store's raw pool, with
// ?-placeholders rebound for the backend, and returns the rows affected.
func rawExec(t testing.TB, st *sqlstore.Store, q string, args ...any) int64 {
	t.Helper()
	res, err := st.DB().ExecContext(context.Background(), Rebind(st, q), args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func rawCount(t testing.TB, st *sqlstore.Store, q string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := st.DB().QueryRowContext(context.Background(), Rebind(st, q), args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func ids(rs []*core.Record) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.ID
	}
	return out
}

// expectVisible is the records among rs that keep(r) accepts, sorted by id:
// the answer a listing must give.
func expectVisible(rs []*core.Record, keep func(*core.Record) bool) []string {
	var out []string
	for _, r := range rs {
		if keep(r) {
			out = append(out, r.ID)
		}
	}
	sort.Strings(out)
	return out
}

func sameIDs(t testing.TB, what string, got, want []string) {
	t.Helper()
	if len(got) == 0 && len(want) == 0 {
		return
	}
	if !slices.Equal(got, want) {
		t.Fatalf("%s:\n got  %v\n want %v", what, got, want)
	}
}

func viewer(bureau, role string) core.Viewer {
	return core.Viewer{UserID: "user-" + strings.ToLower(bureau) + "-" + role, Bureau: bureau, Role: role,
		Permissions: core.RolePermissions(role)}
}

func rel(mode string, countries ...string) core.Releasability {
	return core.Releasability{Mode: mode, Countries: countries}
}

// sameTime reports whether got is want at microsecond precision, in UTC.
func sameTime(got, want time.Time) bool {
	return got.Equal(want.UTC().Truncate(time.Microsecond)) && got.Location() == time.UTC
}

// jsonEqual compares two JSON texts semantically (PostgreSQL stores JSONB,
// which reorders keys and changes spacing). Numbers are compared as text.
func jsonEqual(t testing.TB, a, b []byte) bool {
	t.Helper()
	dec := func(x []byte) any {
		d := json.NewDecoder(bytes.NewReader(x))
		d.UseNumber()
		var v any
		if err := d.Decode(&v); err != nil {
			t.Fatalf("decode %s: %v", x, err)
		}
		return v
	}
	return reflect.DeepEqual(dec(a), dec(b))
}

// checkRecord compares every envelope field of a stored record with the one
// written.
func checkRecord(t testing.TB, got, want *core.Record) {
	t.Helper()
	if got == nil {
		t.Fatalf("record %s: got nil", want.ID)
	}
	type cmp struct {
		name      string
		got, want any
	}
	for _, c := range []cmp{
		{"ID", got.ID, want.ID}, {"Kind", got.Kind, want.Kind}, {"Owner", got.Owner, want.Owner},
		{"Status", got.Status, want.Status}, {"Version", got.Version, want.Version},
		{"Releasability.Mode", got.Releasability.Mode, want.Releasability.Mode},
		{"CaveatText", got.CaveatText, want.CaveatText}, {"CreatedBy", got.CreatedBy, want.CreatedBy},
		{"UpdatedBy", got.UpdatedBy, want.UpdatedBy}, {"StatusReason", got.StatusReason, want.StatusReason},
	} {
		if c.got != c.want {
			t.Errorf("record %s: %s = %v, want %v", want.ID, c.name, c.got, c.want)
		}
	}
	if !slices.Equal(got.Releasability.Countries, want.Releasability.Countries) {
		t.Errorf("record %s: Releasability.Countries = %v, want %v", want.ID, got.Releasability.Countries, want.Releasability.Countries)
	}
	if !slices.Equal(got.Caveats, want.Caveats) {
		t.Errorf("record %s: Caveats = %v, want %v", want.ID, got.Caveats, want.Caveats)
	}
	for _, c := range []struct {
		name      string
		got, want time.Time
	}{
		{"ReviewDate", got.ReviewDate, want.ReviewDate}, {"RetainUntil", got.RetainUntil, want.RetainUntil},
		{"CreatedAt", got.CreatedAt, want.CreatedAt}, {"UpdatedAt", got.UpdatedAt, want.UpdatedAt},
	} {
		if !sameTime(c.got, c.want) {
			t.Errorf("record %s: %s = %v, want %v (UTC, microseconds)", want.ID, c.name, c.got, c.want.UTC().Truncate(time.Microsecond))
		}
	}
	if !jsonEqual(t, got.Data, want.Data) {
		t.Errorf("record %s: Data = %s, want %s", want.ID, got.Data, want.Data)
	}
}

// openUnmigrated opens an empty store of the backend without migrating it.
func openUnmigrated(t *testing.T, backend string) *sqlstore.Store {
	t.Helper()
	var st *sqlstore.Store
	var err error
	switch backend {
	case "sqlite":
		st, err = sqlite.Open(t.TempDir())
	case "postgres":
		st, err = postgres.Open(context.Background(), FreshPostgres(t))
	default:
		t.Fatalf("unknown backend %q", backend)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// ------------------------------------------------------------- migrations

func TestMigrations(t *testing.T) {
	ctx := context.Background()
	for _, b := range Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := openUnmigrated(t, b.Name)
			if err := st.Ready(ctx); core.ErrorCode(err) != core.EUNAVAILABLE {
				t.Fatalf("Ready before migrating = %v, want %s", err, core.EUNAVAILABLE)
			}
			n, err := st.Migrate(ctx)
			if err != nil {
				t.Fatal(err)
			}
			applied, latest, err := st.MigrationStatus(ctx)
			if err != nil {
				t.Fatal(err)
			}
			// Versions may have gaps while branches are merged, so the
			// number applied is the number of migrations, not the latest.
			if steps := len(sqlstore.Migrations(sqlstore.Types{})); latest < 1 || n != steps || applied != latest {
				t.Fatalf("first Migrate applied %d; status applied=%d latest=%d", n, applied, latest)
			}
			n, err = st.Migrate(ctx)
			if err != nil || n != 0 {
				t.Fatalf("second Migrate = %d, %v; want 0, nil", n, err)
			}
			if err := st.Ready(ctx); err != nil {
				t.Fatalf("Ready = %v", err)
			}

			// A store opened by Backends is migrated and ready too.
			st2 := b.Open(t)
			if n, err := st2.Migrate(ctx); err != nil || n != 0 {
				t.Fatalf("Migrate on an opened store = %d, %v; want 0, nil", n, err)
			}
			if applied, latest, err := st2.MigrationStatus(ctx); err != nil || applied != latest {
				t.Fatalf("MigrationStatus = %d, %d, %v", applied, latest, err)
			}
			if err := st2.Ready(ctx); err != nil {
				t.Fatalf("Ready = %v", err)
			}
			if st2.Backend() != b.Name {
				t.Fatalf("Backend() = %q, want %q", st2.Backend(), b.Name)
			}

			// A schema behind the code is reported, not served.
			rawExec(t, st2, `DELETE FROM schema_migrations WHERE version = ?`, latest)
			if err := st2.Ready(ctx); core.ErrorCode(err) != core.EUNAVAILABLE {
				t.Fatalf("Ready with a pending migration = %v, want %s", err, core.EUNAVAILABLE)
			}
		})
	}
}

// ---------------------------------------------------------------- records

func TestRecordRoundTrip(t *testing.T) {
	zone := time.FixedZone("UTC+05:30", 5*3600+1800)
	for _, b := range Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			r := NewRecord("FR", rel(core.ReleaseOnly, "DE", "MA"), core.StatusActive)
			r.Kind = core.KindTravelDocument
			r.Version = 7
			r.Caveats = []string{core.CaveatDangerous, core.CaveatNotForJudicialUse}
			r.CaveatText = "Approach with care — « prudence » حذر"
			r.StatusReason = "reason kept"
			// Nanoseconds and a non-UTC zone: stored at microseconds in UTC.
			r.ReviewDate = time.Date(2031, 2, 3, 4, 5, 6, 123456789, zone)
			r.RetainUntil = time.Date(2034, 12, 31, 23, 59, 59, 999999999, time.UTC)
			r.CreatedAt = time.Date(2024, 6, 1, 12, 0, 0, 1500, zone)
			r.UpdatedAt = time.Date(2024, 6, 2, 13, 30, 0, 987654321, time.UTC)
			r.CreatedBy, r.UpdatedBy = "user:alice", "key:k1"
			r.Data = json.RawMessage(`{"number":"X1234567","issuing_country":"FR","expiry_date":"2030-01",
				"holder":{"names":["Jane","Q"],"age":41,"ratio":12.5,"flag":true,"none":null},"note":"مرحبا \"quoted\" 50%_"}`)

			// With neither countries nor caveats: both come back empty.
			bare := NewRecord("DE", rel(core.ReleaseAll), core.StatusExpired)
			bare.Caveats = nil
			insert(t, st, r, bare)

			got, err := getRecord(t, st, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			checkRecord(t, got, r)
			got, err = getRecord(t, st, bare.ID)
			if err != nil {
				t.Fatal(err)
			}
			checkRecord(t, got, bare)
			if len(got.Releasability.Countries) != 0 || len(got.Caveats) != 0 {
				t.Fatalf("bare record: countries %v caveats %v, want none", got.Releasability.Countries, got.Caveats)
			}

			// A listing returns the same envelope as a get.
			rs := listRecords(t, st, core.RecordFilter{Visible: core.Visibility{SeeAll: true}})
			if len(rs) != 2 {
				t.Fatalf("listed %d records, want 2", len(rs))
			}
			for _, x := range rs {
				if x.ID == r.ID {
					checkRecord(t, x, r)
				}
			}

			var n int64
			view(t, st, func(tx core.Tx) error {
				var err error
				n, err = tx.CountRecords()
				return err
			})
			if n != 2 {
				t.Fatalf("CountRecords = %d, want 2", n)
			}

			_, err = getRecord(t, st, uuid.Must(uuid.NewV7()).String())
			wantCode(t, err, core.ENOTFOUND)
		})
	}
}

func TestInsertDuplicateRecord(t *testing.T) {
	for _, b := range Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			r := NewRecord("FR", rel(core.ReleaseAll), core.StatusActive)
			insert(t, st, r)

			dup := NewRecord("DE", rel(core.ReleaseOnly, "GB"), core.StatusActive)
			dup.ID = r.ID
			err := st.Update(context.Background(), func(tx core.Tx) error { return tx.InsertRecord(dup) })
			wantCode(t, err, core.ECONFLICT)

			got, err := getRecord(t, st, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			checkRecord(t, got, r)
			if cs := allChanges(t, st); len(cs) != 1 {
				t.Fatalf("change feed has %d entries after a refused insert, want 1", len(cs))
			}
		})
	}
}

func TestUpdateRecordVersions(t *testing.T) {
	for _, b := range Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			r := NewRecord("FR", rel(core.ReleaseOnly, "DE"), core.StatusActive)
			insert(t, st, r)

			// Version = stored + 1: written, every updatable field included.
			next := *r
			next.Version = 2
			next.Releasability = rel(core.ReleaseExcept, "DE", "GB")
			next.Caveats = []string{core.CaveatSensitive}
			next.CaveatText = "updated"
			next.ReviewDate = r.ReviewDate.Add(-time.Hour)
			next.RetainUntil = r.RetainUntil.Add(time.Hour)
			next.Data = json.RawMessage(`{"family_name":"Updated","given_names":"Name"}`)
			next.UpdatedAt = r.UpdatedAt.Add(time.Minute + 7*time.Nanosecond)
			next.UpdatedBy = "user:bob"
			next.StatusReason = "corrected"
			update(t, st, func(tx core.Tx) error { return tx.UpdateRecord(&next) })
			got, err := getRecord(t, st, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			checkRecord(t, got, &next)

			// The per-country release table follows the update: DE was in the
			// "only" list and is now in the "except" list; MA is now in.
			for _, c := range []struct {
				bureau string
				see    bool
			}{{"DE", false}, {"GB", false}, {"MA", true}} {
				v := viewer(c.bureau, core.RoleOfficer)
				rs := listRecords(t, st, core.RecordFilter{Visible: access.Visibility(v)})
				if (len(rs) == 1) != c.see || access.CanSee(v, got) != c.see {
					t.Fatalf("%s lists %d records after the update; want visible=%v", c.bureau, len(rs), c.see)
				}
			}

			// Owner, kind and creation are not changed by an update.
			sneaky := next
			sneaky.Version = 3
			sneaky.Owner, sneaky.Kind, sneaky.CreatedBy = "DE", core.KindVehicle, "user:mallory"
			sneaky.CreatedAt = r.CreatedAt.Add(time.Hour)
			update(t, st, func(tx core.Tx) error { return tx.UpdateRecord(&sneaky) })
			got, _ = getRecord(t, st, r.ID)
			if got.Owner != "FR" || got.Kind != core.KindPerson || got.CreatedBy != r.CreatedBy || !sameTime(got.CreatedAt, r.CreatedAt) || got.Version != 3 {
				t.Fatalf("after update: owner %s kind %s created %s %v version %d", got.Owner, got.Kind, got.CreatedBy, got.CreatedAt, got.Version)
			}
			stored := got
			changes := len(allChanges(t, st))

			// Stale, equal or skipped versions: ECONFLICT, and nothing
			// changes even though the transaction commits.
			for _, v := range []int64{2, 3, 5} {
				stale := *stored
				stale.Version = v
				stale.Data = json.RawMessage(`{"family_name":"Lost update"}`)
				stale.Status = core.StatusCancelled
				update(t, st, func(tx core.Tx) error {
					wantCode(t, tx.UpdateRecord(&stale), core.ECONFLICT)
					return nil
				})
				got, _ = getRecord(t, st, r.ID)
				checkRecord(t, got, stored)
			}
			if n := len(allChanges(t, st)); n != changes {
				t.Fatalf("refused updates appended changes: %d, want %d", n, changes)
			}

			// Unknown id: ENOTFOUND.
			ghost := NewRecord("FR", rel(core.ReleaseAll), core.StatusActive)
			ghost.Version = 2
			err = st.Update(context.Background(), func(tx core.Tx) error { return tx.UpdateRecord(ghost) })
			wantCode(t, err, core.ENOTFOUND)
		})
	}
}

// ---------------------------------------------------------- all or nothing

func TestUpdateAllOrNothing(t *testing.T) {
	ctx := context.Background()
	boom := errors.New("boom")
	for _, b := range Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			t.Run("error", func(t *testing.T) {
				st := b.Open(t)
				r := NewRecord("FR", rel(core.ReleaseOnly, "DE", "MA"), core.StatusActive)
				err := st.Update(ctx, func(tx core.Tx) error {
					if err := tx.InsertRecord(r); err != nil {
						return err
					}
					if err := audit.Append(tx, audit.Entry(viewer("FR", core.RoleOfficer), "record.create", audit.OK, r.ID)); err != nil {
						return err
					}
					// Visible inside the transaction…
					if _, err := tx.GetRecord(r.ID); err != nil {
						return err
					}
					return boom
				})
				if !errors.Is(err, boom) {
					t.Fatalf("Update = %v, want the function's error", err)
				}
				// …and gone after it.
				_, err = getRecord(t, st, r.ID)
				wantCode(t, err, core.ENOTFOUND)
				if es := allAudit(t, st); len(es) != 0 {
					t.Fatalf("audit log has %d entries, want 0", len(es))
				}
				if cs := allChanges(t, st); len(cs) != 0 {
					t.Fatalf("change feed has %d entries, want 0", len(cs))
				}
				view(t, st, func(tx core.Tx) error {
					h, err := tx.AuditHead()
					if err != nil || h != (core.AuditHead{}) {
						t.Fatalf("audit head = %+v %v, want zero", h, err)
					}
					return nil
				})
				for _, table := range []string{"records", "record_release", "record_changes", "audit_log", "audit_records"} {
					if n := rawCount(t, st, `SELECT count(*) FROM `+table); n != 0 {
						t.Fatalf("%s has %d rows after a rolled-back Update", table, n)
					}
				}
				// The counters were rolled back too: the next write starts at 1.
				update(t, st, func(tx core.Tx) error {
					if err := tx.InsertRecord(r); err != nil {
						return err
					}
					return audit.Append(tx, audit.Entry(viewer("FR", core.RoleOfficer), "record.create", audit.OK, r.ID))
				})
				if cs := allChanges(t, st); len(cs) != 1 || cs[0].Seq != 1 {
					t.Fatalf("changes after retry = %+v, want one at seq 1", cs)
				}
				if es := allAudit(t, st); len(es) != 1 || es[0].Seq != 1 || es[0].PrevHash != "" {
					t.Fatalf("audit after retry = %+v, want one at seq 1", es)
				}
			})

			t.Run("halfway", func(t *testing.T) {
				st := b.Open(t)
				r0 := NewRecord("FR", rel(core.ReleaseAll), core.StatusActive)
				insert(t, st, r0)
				update(t, st, func(tx core.Tx) error {
					return audit.Append(tx, audit.Entry(viewer("FR", core.RoleOfficer), "record.create", audit.OK, r0.ID))
				})

				r1 := NewRecord("FR", rel(core.ReleaseOnly, "DE"), core.StatusActive)
				dup := NewRecord("DE", rel(core.ReleaseAll), core.StatusActive)
				dup.ID = r0.ID
				err := st.Update(ctx, func(tx core.Tx) error {
					if err := tx.InsertRecord(r1); err != nil {
						return err
					}
					if err := audit.Append(tx, audit.Entry(viewer("FR", core.RoleOfficer), "record.create", audit.OK, r1.ID)); err != nil {
						return err
					}
					return tx.InsertRecord(dup) // fails: the id exists
				})
				wantCode(t, err, core.ECONFLICT)

				_, err = getRecord(t, st, r1.ID)
				wantCode(t, err, core.ENOTFOUND)
				got, err := getRecord(t, st, r0.ID)
				if err != nil {
					t.Fatal(err)
				}
				checkRecord(t, got, r0)
				if cs := allChanges(t, st); len(cs) != 1 || cs[0].RecordID != r0.ID {
					t.Fatalf("changes = %+v, want only r0's creation", cs)
				}
				if es := allAudit(t, st); len(es) != 1 {
					t.Fatalf("audit log has %d entries, want 1", len(es))
				}
				if n, err := verifyChain(t, st); err != nil || n != 1 {
					t.Fatalf("Verify = %d, %v", n, err)
				}
				if n := rawCount(t, st, `SELECT count(*) FROM record_release WHERE record_id = ?`, r1.ID); n != 0 {
					t.Fatalf("record_release keeps %d rows of the rolled-back record", n)
				}
			})
		})
	}
}

// ---------------------------------------------------------------- listing

// visibilityDataset is every combination of owner, releasability and
// status, so each viewer's listing exercises every branch of the decision.
func visibilityDataset() []*core.Record {
	var rs []*core.Record
	rels := []core.Releasability{
		rel(core.ReleaseAll),
		rel(core.ReleaseOnly, "DE", "MA"),
		rel(core.ReleaseOnly),
		rel(core.ReleaseExcept, "DE"),
		rel(core.ReleaseExcept, "MA", "US"),
		rel("bogus", "DE"), // not a mode: nobody but the owner sees it
	}
	for _, owner := range []string{"FR", "DE", "US"} {
		for _, rl := range rels {
			for _, status := range []string{core.StatusActive, core.StatusExpired, core.StatusCancelled} {
				rs = append(rs, NewRecord(owner, rl, status))
			}
		}
	}
	return rs
}

// visibilityViewers names the viewers the listing tests ask for.
func visibilityViewers() []struct {
	name string
	v    core.Viewer
} {
	readOnlyKey := core.Viewer{KeyID: "key-de", Bureau: "DE", Permissions: []string{core.PermRecordsRead}}
	writeOnlyKey := core.Viewer{KeyID: "key-fr", Bureau: "FR", Permissions: []string{core.PermRecordsWrite, core.PermAuditRead}}
	return []struct {
		name string
		v    core.Viewer
	}{
		{"owner FR officer", viewer("FR", core.RoleOfficer)},
		{"FR admin", viewer("FR", core.RoleAdmin)},
		{"DE officer (in only list, in except list)", viewer("DE", core.RoleOfficer)},
		{"DE read-only key", readOnlyKey},
		{"MA supervisor (in only list, outside except DE, inside except MA US)", viewer("MA", core.RoleSupervisor)},
		{"GB analyst (outside every list)", viewer("GB", core.RoleAnalyst)},
		{"US officer", viewer("US", core.RoleOfficer)},
		{"secretariat reviewer", viewer("IPSG", core.RoleReviewer)},
		{"secretariat analyst", viewer("IPSG", core.RoleAnalyst)},
		{"secretariat admin", viewer("IPSG", core.RoleAdmin)},
		{"FR key without records:read", writeOnlyKey},
		{"unknown bureau", viewer("XX", core.RoleOfficer)},
		{"no bureau", core.Viewer{UserID: "u", Permissions: core.RolePermissions(core.RoleOfficer)}},
		{"no permissions", core.Viewer{UserID: "u", Bureau: "FR", Role: core.RoleOfficer}},
		{"system", core.Viewer{System: true}},
	}
}

func TestListRecordsVisibility(t *testing.T) {
	for _, b := range Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			rs := visibilityDataset()
			insert(t, st, rs...)
			byID := map[string]*core.Record{}
			for _, r := range rs {
				byID[r.ID] = r
			}

			seen := map[string][]string{}
			for _, c := range visibilityViewers() {
				got := listRecords(t, st, core.RecordFilter{Visible: access.Visibility(c.v), Limit: 1000})
				want := expectVisible(rs, func(r *core.Record) bool { return access.CanSee(c.v, r) })
				sameIDs(t, c.name, ids(got), want)
				for _, r := range got {
					checkRecord(t, r, byID[r.ID])
				}
				seen[c.name] = want
			}

			// The expectations themselves: what each kind of viewer sees.
			count := func(name string) int { return len(seen[name]) }
			for _, name := range []string{"FR key without records:read", "unknown bureau", "no bureau", "no permissions"} {
				if count(name) != 0 {
					t.Fatalf("%s sees %d records, want none", name, count(name))
				}
			}
			if count("system") != len(rs) || count("secretariat reviewer") != len(rs) {
				t.Fatalf("system sees %d, reviewer %d, want all %d", count("system"), count("secretariat reviewer"), len(rs))
			}
			if count("DE read-only key") != count("DE officer (in only list, in except list)") {
				t.Fatal("a key and a user of the same bureau see different records")
			}

			// Named cases, checked directly.
			find := func(owner, mode string, countries []string, status string) *core.Record {
				for _, r := range rs {
					if r.Owner == owner && r.Releasability.Mode == mode && slices.Equal(r.Releasability.Countries, countries) && r.Status == status {
						return r
					}
				}
				t.Fatalf("no record %s %s %v %s", owner, mode, countries, status)
				return nil
			}
			sees := func(name string, r *core.Record) bool { return slices.Contains(seen[name], r.ID) }
			cancelledAll := find("FR", core.ReleaseAll, nil, core.StatusCancelled)
			if !sees("owner FR officer", cancelledAll) || sees("DE officer (in only list, in except list)", cancelledAll) ||
				sees("secretariat analyst", cancelledAll) || !sees("secretariat reviewer", cancelledAll) {
				t.Fatal("a cancelled record must be visible to its owner and the reviewer only")
			}
			onlyDEMA := find("FR", core.ReleaseOnly, []string{"DE", "MA"}, core.StatusActive)
			if !sees("DE officer (in only list, in except list)", onlyDEMA) || !sees("MA supervisor (in only list, outside except DE, inside except MA US)", onlyDEMA) ||
				sees("GB analyst (outside every list)", onlyDEMA) || sees("secretariat analyst", onlyDEMA) {
				t.Fatal("an only-list record must be visible to the listed bureaus only")
			}
			exceptDE := find("FR", core.ReleaseExcept, []string{"DE"}, core.StatusActive)
			if sees("DE officer (in only list, in except list)", exceptDE) || !sees("MA supervisor (in only list, outside except DE, inside except MA US)", exceptDE) ||
				!sees("GB analyst (outside every list)", exceptDE) {
				t.Fatal("an except-list record must be hidden from the listed bureaus only")
			}
			expiredOwn := find("DE", core.ReleaseExcept, []string{"DE"}, core.StatusExpired)
			if !sees("DE officer (in only list, in except list)", expiredOwn) {
				t.Fatal("the owner must see its own expired record even if its own code is excluded")
			}
			allActive := find("US", core.ReleaseAll, nil, core.StatusActive)
			if !sees("secretariat analyst", allActive) || !sees("GB analyst (outside every list)", allActive) {
				t.Fatal("an active record released to all must be visible to every member and the secretariat")
			}
		})
	}
}

// Records owned by the secretariat itself (a secretariat officer or a
// secretariat key with records:write can create them) are visible to every
// secretariat viewer according to access.CanSee, which lets the owner bureau
// see its own records first. The listing must agree.
func TestListRecordsSecretariatOwned(t *testing.T) {
	for _, b := range Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			rs := []*core.Record{
				NewRecord("IPSG", rel(core.ReleaseAll), core.StatusActive),
				NewRecord("IPSG", rel(core.ReleaseOnly, "FR"), core.StatusActive),
				NewRecord("IPSG", rel(core.ReleaseAll), core.StatusCancelled),
				NewRecord("FR", rel(core.ReleaseAll), core.StatusActive),
			}
			insert(t, st, rs...)
			var narrowed []string
			for _, v := range []core.Viewer{
				viewer("IPSG", core.RoleReviewer), viewer("IPSG", core.RoleAnalyst),
				viewer("IPSG", core.RoleOfficer), viewer("IPSG", core.RoleAdmin),
				viewer("FR", core.RoleOfficer), viewer("DE", core.RoleOfficer),
			} {
				got := ids(listRecords(t, st, core.RecordFilter{Visible: access.Visibility(v)}))
				want := expectVisible(rs, func(r *core.Record) bool { return access.CanSee(v, r) })
				// Never more than CanSee allows.
				for _, id := range got {
					if !slices.Contains(want, id) {
						t.Fatalf("%s/%s lists %s, which CanSee refuses", v.Bureau, v.Role, id)
					}
				}
				if !slices.Equal(got, want) {
					narrowed = append(narrowed, v.Bureau+"/"+v.Role)
				}
			}
			if len(narrowed) > 0 {
				t.Fatalf("listings for %v omit secretariat-owned records that access.CanSee allows", narrowed)
			}
		})
	}
}

func TestListRecordsFilters(t *testing.T) {
	base := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, b := range Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			mk := func(kind, owner, status string, rl core.Releasability, review time.Time, data string) *core.Record {
				r := NewRecord(owner, rl, status)
				r.Kind, r.ReviewDate, r.Data = kind, review, json.RawMessage(data)
				return r
			}
			day := 24 * time.Hour
			rs := []*core.Record{
				mk(core.KindPerson, "FR", core.StatusActive, rel(core.ReleaseOnly, "MA"), base.Add(day), `{"family_name":"Alpha 50% Off"}`),
				mk(core.KindVehicle, "DE", core.StatusActive, rel(core.ReleaseAll), base.Add(2*day), `{"plate":"alpha_beta"}`),
				mk(core.KindPerson, "DE", core.StatusExpired, rel(core.ReleaseAll), base.Add(3*day), `{"family_name":"ALPHAXBETA"}`),
				mk(core.KindNotice, "FR", core.StatusCancelled, rel(core.ReleaseAll), base.Add(4*day), `{"notice_type":"red","note":"back\\slash"}`),
				mk(core.KindPerson, "US", core.StatusActive, rel(core.ReleaseExcept, "DE"), base.Add(5*day), `{"family_name":"Gamma"}`),
				mk(core.KindVehicle, "FR", core.StatusActive, rel(core.ReleaseAll), base.Add(2*day), `{"plate":"100%"}`),
				mk(core.KindAsset, "MA", core.StatusActive, rel(core.ReleaseAll), base.Add(-day), `{"asset_type":"cash","note":"Alpha%Beta"}`),
				mk(core.KindPerson, "ES", core.StatusActive, rel(core.ReleaseOnly, "FR"), base.Add(9*day), `{"given_names":"\u00c9lise"}`),
			}
			insert(t, st, rs...)

			matches := func(f core.RecordFilter, v core.Viewer, r *core.Record) bool {
				return access.CanSee(v, r) &&
					(f.Kind == "" || r.Kind == f.Kind) &&
					(f.Owner == "" || r.Owner == f.Owner) &&
					(f.Status == "" || r.Status == f.Status) &&
					(f.Text == "" || strings.Contains(valuesText(r.Data), strings.ToLower(f.Text))) &&
					(f.DueBefore.IsZero() || r.ReviewDate.Before(f.DueBefore))
			}
			system := core.Viewer{System: true}
			de := viewer("DE", core.RoleOfficer)
			cases := []struct {
				name string
				v    core.Viewer
				f    core.RecordFilter
				n    int // expected count, to check the expectation itself
			}{
				{"kind", system, core.RecordFilter{Kind: core.KindPerson}, 4},
				{"owner", system, core.RecordFilter{Owner: "DE"}, 2},
				{"status", system, core.RecordFilter{Status: core.StatusExpired}, 1},
				{"text, case-insensitive", system, core.RecordFilter{Text: "aLpHa"}, 4},
				{"underscore is literal", system, core.RecordFilter{Text: "ALPHA_BETA"}, 1},
				{"percent is literal", system, core.RecordFilter{Text: "50%"}, 1},
				{"percent alone", system, core.RecordFilter{Text: "%"}, 3},
				{"percent inside", system, core.RecordFilter{Text: "a%b"}, 1},
				{"underscore alone", system, core.RecordFilter{Text: "_"}, 1}, // values only: alpha_beta, not keys such as family_name
				{"unicode case folding", system, core.RecordFilter{Text: "ÉLISE"}, 1},
				{"backslash", system, core.RecordFilter{Text: `\`}, 1},
				{"no match", system, core.RecordFilter{Text: "zzz"}, 0},
				{"due before (strictly)", system, core.RecordFilter{DueBefore: base.Add(2 * day)}, 2},
				{"due before, later", system, core.RecordFilter{DueBefore: base.Add(3*day + time.Microsecond)}, 5},
				{"kind and status and text", system, core.RecordFilter{Kind: core.KindPerson, Status: core.StatusActive, Text: "a"}, 2},
				{"visibility and text", de, core.RecordFilter{Text: "alpha"}, 3},
				{"visibility and owner", de, core.RecordFilter{Owner: "FR"}, 1},
				{"visibility and due", de, core.RecordFilter{DueBefore: base.Add(6 * day)}, 4},
			}
			for _, c := range cases {
				f := c.f
				f.Visible = access.Visibility(c.v)
				want := expectVisible(rs, func(r *core.Record) bool { return matches(f, c.v, r) })
				if len(want) != c.n {
					t.Fatalf("%s: test expects %d records, computed %d", c.name, c.n, len(want))
				}
				sameIDs(t, c.name, ids(listRecords(t, st, f)), want)
			}
		})
	}
}

func TestListRecordsPagination(t *testing.T) {
	for _, b := range Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			rs := visibilityDataset() // 54 records
			insert(t, st, rs...)
			for _, c := range []struct {
				v     core.Viewer
				f     core.RecordFilter
				limit int
			}{
				{viewer("DE", core.RoleOfficer), core.RecordFilter{}, 4},
				{viewer("GB", core.RoleAnalyst), core.RecordFilter{}, 1},
				{core.Viewer{System: true}, core.RecordFilter{}, 7},
				{core.Viewer{System: true}, core.RecordFilter{Status: core.StatusActive}, 5},
				{viewer("IPSG", core.RoleAnalyst), core.RecordFilter{}, 2},
			} {
				want := expectVisible(rs, func(r *core.Record) bool {
					return access.CanSee(c.v, r) && (c.f.Status == "" || r.Status == c.f.Status)
				})
				var got []string
				f := c.f
				f.Visible, f.Limit = access.Visibility(c.v), c.limit
				for pages := 0; ; pages++ {
					if pages > len(rs) {
						t.Fatal("pagination does not end")
					}
					page := listRecords(t, st, f)
					if len(page) > c.limit {
						t.Fatalf("page of %d records, limit %d", len(page), c.limit)
					}
					got = append(got, ids(page)...)
					if len(page) < c.limit {
						break
					}
					f.After = page[len(page)-1].ID
				}
				sameIDs(t, "pages for "+c.v.Bureau+"/"+c.v.Role, got, want)
				if len(want) == 0 {
					t.Fatal("the dataset should give every paging viewer something to see")
				}
				// Past the last id: nothing.
				f.After = want[len(want)-1]
				if page := listRecords(t, st, f); len(page) != 0 {
					t.Fatalf("after the last record: %d records", len(page))
				}
			}
			// No limit: the default page holds everything here.
			if got := listRecords(t, st, core.RecordFilter{Visible: core.Visibility{SeeAll: true}}); len(got) != len(rs) {
				t.Fatalf("unlimited listing returned %d, want %d", len(got), len(rs))
			}
		})
	}
}

// ------------------------------------------------------------ change feed

func TestChangeFeed(t *testing.T) {
	for _, b := range Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			before := time.Now().UTC().Add(-time.Second)
			r1 := NewRecord("FR", rel(core.ReleaseAll), core.StatusActive)
			r2 := NewRecord("DE", rel(core.ReleaseAll), core.StatusActive)
			insert(t, st, r1)
			insert(t, st, r2)
			change := func(r *core.Record, status string) {
				r.Version++
				r.Status = status
				update(t, st, func(tx core.Tx) error { return tx.UpdateRecord(r) })
			}
			change(r1, core.StatusActive)    // update
			change(r2, core.StatusExpired)   // expire
			change(r1, core.StatusCancelled) // cancel
			change(r2, core.StatusActive)    // back to active: update
			after := time.Now().UTC().Add(time.Second)

			want := []core.RecordChange{
				{RecordID: r1.ID, Version: 1, Op: "create"},
				{RecordID: r2.ID, Version: 1, Op: "create"},
				{RecordID: r1.ID, Version: 2, Op: "update"},
				{RecordID: r2.ID, Version: 2, Op: "expire"},
				{RecordID: r1.ID, Version: 3, Op: "cancel"},
				{RecordID: r2.ID, Version: 3, Op: "update"},
			}
			all := allChanges(t, st)
			if len(all) != len(want) {
				t.Fatalf("%d changes, want %d: %+v", len(all), len(want), all)
			}
			for i, c := range all {
				if c.RecordID != want[i].RecordID || c.Version != want[i].Version || c.Op != want[i].Op {
					t.Fatalf("change %d = %+v, want %+v", i, c, want[i])
				}
				if i > 0 && c.Seq <= all[i-1].Seq {
					t.Fatalf("seq not increasing: %d after %d", c.Seq, all[i-1].Seq)
				}
				if c.At.Before(before) || c.At.After(after) || c.At.Location() != time.UTC {
					t.Fatalf("change %d at %v, want between %v and %v in UTC", i, c.At, before, after)
				}
			}

			// Paging with (after, limit) gives the same changes once each.
			var paged []core.RecordChange
			var seq int64
			for {
				var page []core.RecordChange
				view(t, st, func(tx core.Tx) error {
					var err error
					page, err = tx.Changes(seq, 4)
					return err
				})
				paged = append(paged, page...)
				if len(page) < 4 {
					break
				}
				seq = page[len(page)-1].Seq
			}
			if !reflect.DeepEqual(paged, all) {
				t.Fatalf("paged changes %+v\n differ from %+v", paged, all)
			}
			view(t, st, func(tx core.Tx) error {
				page, err := tx.Changes(all[1].Seq, 2)
				if err != nil || len(page) != 2 || page[0] != all[2] || page[1] != all[3] {
					t.Fatalf("Changes(%d, 2) = %+v, %v", all[1].Seq, page, err)
				}
				page, err = tx.Changes(all[len(all)-1].Seq, 10)
				if err != nil || len(page) != 0 {
					t.Fatalf("Changes after the last = %+v, %v", page, err)
				}
				return nil
			})
		})
	}
}

// -------------------------------------------------------------- retention

func TestRecordsPastRetention(t *testing.T) {
	for _, b := range Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			t0 := time.Now().UTC().Truncate(time.Microsecond)
			mk := func(status string, retain time.Duration) *core.Record {
				r := NewRecord("FR", rel(core.ReleaseAll), status)
				r.RetainUntil = t0.Add(retain)
				r.ReviewDate = r.RetainUntil.Add(-time.Hour)
				return r
			}
			older := mk(core.StatusActive, -2*time.Hour)
			old := mk(core.StatusActive, -time.Hour)
			rs := []*core.Record{
				old, // inserted first, ordered second
				older,
				mk(core.StatusActive, time.Hour),
				mk(core.StatusActive, 0), // ends exactly now: not yet past
				mk(core.StatusExpired, -3*time.Hour),
				mk(core.StatusCancelled, -3*time.Hour),
			}
			insert(t, st, rs...)
			past := func(limit int) []string {
				var got []*core.Record
				view(t, st, func(tx core.Tx) error {
					var err error
					got, err = tx.RecordsPastRetention(t0, limit)
					return err
				})
				return ids(got)
			}
			sameIDs(t, "past retention", past(100), []string{older.ID, old.ID})
			sameIDs(t, "past retention, limit 1", past(1), []string{older.ID})

			older.Version, older.Status = 2, core.StatusExpired
			update(t, st, func(tx core.Tx) error { return tx.UpdateRecord(older) })
			sameIDs(t, "past retention after expiring one", past(100), []string{old.ID})
		})
	}
}

// ------------------------------------------------------------------ users

func TestUsers(t *testing.T) {
	for _, b := range Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			zone := time.FixedZone("UTC-3", -3*3600)
			alice := NewUser("alice", "FR", core.RoleOfficer)
			alice.DisplayName, alice.Lang, alice.FailedLogins = "Alice Dupont — أليس", "fr", 2
			alice.CreatedAt = time.Date(2024, 5, 6, 7, 8, 9, 123456789, zone)
			carol := NewUser("carol", "FR", core.RoleSupervisor)
			carol.Disabled = true
			carol.LockedUntil = time.Date(2025, 1, 1, 0, 0, 0, 999, zone)
			bob := NewUser("bob", "DE", core.RoleAdmin)
			update(t, st, func(tx core.Tx) error {
				for _, u := range []*core.User{carol, alice, bob} {
					if err := tx.InsertUser(u); err != nil {
						return err
					}
				}
				return nil
			})

			check := func(got, want *core.User) {
				t.Helper()
				if got.ID != want.ID || got.Username != want.Username || got.DisplayName != want.DisplayName ||
					got.Bureau != want.Bureau || got.Role != want.Role || got.Lang != want.Lang ||
					got.Disabled != want.Disabled || got.PasswordHash != want.PasswordHash || got.FailedLogins != want.FailedLogins ||
					!sameTime(got.CreatedAt, want.CreatedAt) {
					t.Fatalf("user = %+v\n want %+v", got, want)
				}
				if want.LockedUntil.IsZero() {
					if !got.LockedUntil.IsZero() {
						t.Fatalf("LockedUntil = %v, want zero", got.LockedUntil)
					}
				} else if !sameTime(got.LockedUntil, want.LockedUntil) {
					t.Fatalf("LockedUntil = %v, want %v", got.LockedUntil, want.LockedUntil)
				}
			}
			view(t, st, func(tx core.Tx) error {
				for _, u := range []*core.User{alice, bob, carol} {
					got, err := tx.GetUser(u.ID)
					if err != nil {
						t.Fatal(err)
					}
					check(got, u)
					got, err = tx.GetUserByUsername(u.Username)
					if err != nil {
						t.Fatal(err)
					}
					check(got, u)
				}
				_, err := tx.GetUser(uuid.Must(uuid.NewV7()).String())
				wantCode(t, err, core.ENOTFOUND)
				_, err = tx.GetUserByUsername("nobody")
				wantCode(t, err, core.ENOTFOUND)

				fr, err := tx.ListUsers("FR")
				if err != nil {
					t.Fatal(err)
				}
				if len(fr) != 2 || fr[0].ID != alice.ID || fr[1].ID != carol.ID {
					t.Fatalf("ListUsers(FR) = %v, want alice, carol", usernames(fr))
				}
				check(fr[1], carol)
				all, err := tx.ListUsers("")
				if err != nil {
					t.Fatal(err)
				}
				if got := usernames(all); !slices.Equal(got, []string{"alice", "bob", "carol"}) {
					t.Fatalf("ListUsers() = %v", got)
				}
				none, err := tx.ListUsers("MA")
				if err != nil || len(none) != 0 {
					t.Fatalf("ListUsers(MA) = %v, %v", usernames(none), err)
				}
				return nil
			})

			// Duplicate username.
			dup := NewUser("alice", "DE", core.RoleAnalyst)
			err := st.Update(context.Background(), func(tx core.Tx) error { return tx.InsertUser(dup) })
			wantCode(t, err, core.ECONFLICT)
			var ce *core.Error
			if !errors.As(err, &ce) || len(ce.Fields) != 1 || ce.Fields[0].Field != "username" {
				t.Fatalf("duplicate username error = %#v, want a field error on username", err)
			}

			// Updates, and locked_until set then cleared.
			alice.DisplayName, alice.Role, alice.Disabled, alice.FailedLogins = "Alice D.", core.RoleSupervisor, true, 5
			alice.PasswordHash = "new-hash"
			alice.LockedUntil = time.Date(2026, 2, 3, 4, 5, 6, 7000, zone)
			update(t, st, func(tx core.Tx) error { return tx.UpdateUser(alice) })
			view(t, st, func(tx core.Tx) error {
				got, err := tx.GetUser(alice.ID)
				if err != nil {
					t.Fatal(err)
				}
				check(got, alice)
				return nil
			})
			alice.LockedUntil, alice.FailedLogins, alice.Disabled = time.Time{}, 0, false
			update(t, st, func(tx core.Tx) error { return tx.UpdateUser(alice) })
			view(t, st, func(tx core.Tx) error {
				got, err := tx.GetUser(alice.ID)
				if err != nil {
					t.Fatal(err)
				}
				check(got, alice)
				return nil
			})

			ghost := NewUser("ghost", "FR", core.RoleOfficer)
			err = st.Update(context.Background(), func(tx core.Tx) error { return tx.UpdateUser(ghost) })
			wantCode(t, err, core.ENOTFOUND)
		})
	}
}

func usernames(us []*core.User) []string {
	out := make([]string, len(us))
	for i, u := range us {
		out[i] = u.Username
	}
	return out
}

// --------------------------------------------------------------- sessions

func TestSessions(t *testing.T) {
	for _, b := range Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			u := NewUser("alice", "FR", core.RoleOfficer)
			now := time.Now().UTC().Truncate(time.Microsecond)
			mk := func(token string, expires time.Duration) *core.Session {
				return &core.Session{TokenHash: token, UserID: u.ID, CreatedAt: now.Add(-time.Hour), ExpiresAt: now.Add(expires), Remote: "192.0.2.1"}
			}
			expired := mk("expired", -time.Minute)
			edge := mk("edge", 0) // expires exactly now: not yet expired
			live := mk("live", time.Hour)
			gone := mk("gone", 2*time.Hour)
			gone.CreatedAt = time.Date(2024, 1, 2, 3, 4, 5, 678901234, time.FixedZone("X", 7200))
			update(t, st, func(tx core.Tx) error {
				if err := tx.InsertUser(u); err != nil {
					return err
				}
				for _, s := range []*core.Session{expired, edge, live, gone} {
					if err := tx.InsertSession(s); err != nil {
						return err
					}
				}
				return nil
			})
			get := func(token string) (*core.Session, error) {
				var s *core.Session
				var gerr error
				view(t, st, func(tx core.Tx) error {
					s, gerr = tx.GetSession(token)
					return nil
				})
				return s, gerr
			}
			for _, want := range []*core.Session{expired, edge, live, gone} {
				got, err := get(want.TokenHash)
				if err != nil {
					t.Fatal(err)
				}
				if got.TokenHash != want.TokenHash || got.UserID != want.UserID || got.Remote != want.Remote ||
					!sameTime(got.CreatedAt, want.CreatedAt) || !sameTime(got.ExpiresAt, want.ExpiresAt) {
					t.Fatalf("session = %+v, want %+v", got, want)
				}
			}
			_, err := get("unknown")
			wantCode(t, err, core.ENOTFOUND)

			update(t, st, func(tx core.Tx) error { return tx.DeleteSession(gone.TokenHash) })
			_, err = get(gone.TokenHash)
			wantCode(t, err, core.ENOTFOUND)
			update(t, st, func(tx core.Tx) error { return tx.DeleteSession("unknown") }) // no error

			var n int64
			update(t, st, func(tx core.Tx) error {
				var err error
				n, err = tx.DeleteExpiredSessions(now)
				return err
			})
			if n != 1 {
				t.Fatalf("DeleteExpiredSessions deleted %d, want 1", n)
			}
			_, err = get(expired.TokenHash)
			wantCode(t, err, core.ENOTFOUND)
			for _, s := range []*core.Session{edge, live} {
				if _, err := get(s.TokenHash); err != nil {
					t.Fatalf("session %s: %v", s.TokenHash, err)
				}
			}
		})
	}
}

// --------------------------------------------------------------- API keys

func TestAPIKeys(t *testing.T) {
	for _, b := range Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			now := time.Now().UTC().Truncate(time.Microsecond)
			ptr := func(t time.Time) *time.Time { return &t }
			mk := func(name, bureau string, perms ...string) *core.APIKey {
				return &core.APIKey{ID: uuid.Must(uuid.NewV7()).String(), Name: name, Bureau: bureau, Permissions: perms,
					SecretHash: "secret-" + name, CreatedBy: "user:admin", CreatedAt: now}
			}
			k1 := mk("plain", "FR", core.PermRecordsRead)
			k2 := mk("expiring", "FR", core.PermRecordsRead, core.PermRecordsWrite, core.PermAuditRead)
			k2.ExpiresAt = ptr(time.Date(2031, 1, 2, 3, 4, 5, 600700800, time.FixedZone("Y", -4*3600)))
			k3 := mk("other", "DE", core.PermAdmin)
			k3.RevokedAt, k3.LastUsedAt = ptr(now.Add(-time.Hour)), ptr(now.Add(-2*time.Hour))
			update(t, st, func(tx core.Tx) error {
				for _, k := range []*core.APIKey{k1, k2, k3} {
					if err := tx.InsertKey(k); err != nil {
						return err
					}
				}
				return nil
			})

			sameOpt := func(got, want *time.Time) bool {
				if want == nil {
					return got == nil
				}
				return got != nil && sameTime(*got, *want)
			}
			check := func(got, want *core.APIKey) {
				t.Helper()
				if got.ID != want.ID || got.Name != want.Name || got.Bureau != want.Bureau || got.SecretHash != want.SecretHash ||
					got.CreatedBy != want.CreatedBy || !slices.Equal(got.Permissions, want.Permissions) || !sameTime(got.CreatedAt, want.CreatedAt) ||
					!sameOpt(got.ExpiresAt, want.ExpiresAt) || !sameOpt(got.RevokedAt, want.RevokedAt) || !sameOpt(got.LastUsedAt, want.LastUsedAt) {
					t.Fatalf("key = %+v\n want %+v", got, want)
				}
			}
			getKey := func(id string) *core.APIKey {
				t.Helper()
				var k *core.APIKey
				view(t, st, func(tx core.Tx) error {
					var err error
					k, err = tx.GetKey(id)
					return err
				})
				return k
			}
			for _, k := range []*core.APIKey{k1, k2, k3} {
				check(getKey(k.ID), k)
			}
			view(t, st, func(tx core.Tx) error {
				_, err := tx.GetKey("unknown")
				wantCode(t, err, core.ENOTFOUND)
				fr, err := tx.ListKeys("FR")
				if err != nil || len(fr) != 2 {
					t.Fatalf("ListKeys(FR) = %d keys, %v", len(fr), err)
				}
				for _, k := range fr {
					switch k.ID {
					case k1.ID:
						check(k, k1)
					case k2.ID:
						check(k, k2)
					default:
						t.Fatalf("ListKeys(FR) returned %s of %s", k.ID, k.Bureau)
					}
				}
				if fr[0].ID >= fr[1].ID {
					t.Fatal("ListKeys(FR) is not ordered by id")
				}
				all, err := tx.ListKeys("")
				if err != nil || len(all) != 3 {
					t.Fatalf("ListKeys() = %d keys, %v", len(all), err)
				}
				for i := 1; i < len(all); i++ {
					if all[i-1].ID >= all[i].ID {
						t.Fatal("ListKeys is not ordered by id")
					}
				}
				return nil
			})

			// Set what was nil, clear what was set.
			k1.Name = "renamed"
			k1.RevokedAt, k1.LastUsedAt, k1.ExpiresAt = ptr(now.Add(time.Minute)), ptr(now.Add(30*time.Second+5)), ptr(now.Add(24*time.Hour))
			k3.RevokedAt, k3.LastUsedAt = nil, nil
			update(t, st, func(tx core.Tx) error {
				if err := tx.UpdateKey(k1); err != nil {
					return err
				}
				return tx.UpdateKey(k3)
			})
			check(getKey(k1.ID), k1)
			check(getKey(k3.ID), k3)
			if got := getKey(k1.ID); got.Active(now) {
				t.Fatal("a revoked key reads back as active")
			}

			err := st.Update(context.Background(), func(tx core.Tx) error { return tx.UpdateKey(mk("ghost", "FR")) })
			wantCode(t, err, core.ENOTFOUND)
		})
	}
}

// ------------------------------------------------------------------ audit

func TestAuditAppendAndRead(t *testing.T) {
	for _, b := range Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			if n, err := verifyChain(t, st); err != nil || n != 0 {
				t.Fatalf("Verify on an empty chain = %d, %v", n, err)
			}
			a, c := uuid.Must(uuid.NewV7()).String(), uuid.Must(uuid.NewV7()).String()
			fr := viewer("FR", core.RoleOfficer)
			fr.Remote = "198.51.100.7"
			entries := []*core.AuditEntry{
				audit.Entry(fr, "record.create", audit.OK, a),
				audit.Entry(core.Viewer{System: true}, "record.expire", audit.OK),
				audit.Entry(fr, "record.list", audit.OK, a, c, a), // a named twice
				audit.Entry(core.Viewer{KeyID: "k1", Bureau: "DE"}, "record.read", audit.Denied, c),
				audit.Entry(core.Viewer{Remote: "203.0.113.9"}, "auth.denied", audit.Denied),
				audit.Entry(fr, "record.update", audit.Conflict, a),
			}
			entries[2].Query = "kind=person q=Élise — حذر"
			entries[4].Query = strings.Repeat("x", 2500) // truncated to 2000
			entries[5].At = time.Date(2024, 1, 2, 3, 4, 5, 123456789, time.FixedZone("Z", 3600))
			for _, e := range entries {
				update(t, st, func(tx core.Tx) error { return audit.Append(tx, e) })
			}

			got := allAudit(t, st)
			if len(got) != len(entries) {
				t.Fatalf("%d entries, want %d", len(got), len(entries))
			}
			for i, g := range got {
				w := entries[i]
				if g.Seq != int64(i+1) || g.Seq != w.Seq || g.ActorType != w.ActorType || g.ActorID != w.ActorID ||
					g.Bureau != w.Bureau || g.Action != w.Action || !slices.Equal(g.RecordIDs, w.RecordIDs) ||
					g.Query != w.Query || g.Remote != w.Remote || g.Outcome != w.Outcome || g.PrevHash != w.PrevHash ||
					g.Hash != w.Hash || !sameTime(g.At, w.At) {
					t.Fatalf("entry %d = %+v\n want %+v", i+1, g, *w)
				}
				if audit.Hash(&g) != g.Hash {
					t.Fatalf("entry %d does not hash to its stored hash", g.Seq)
				}
				if i > 0 && g.PrevHash != got[i-1].Hash {
					t.Fatalf("entry %d does not link to entry %d", g.Seq, i)
				}
			}
			if len(got[4].Query) != 2000 {
				t.Fatalf("long query stored with %d bytes, want 2000", len(got[4].Query))
			}

			// Paging.
			var paged []core.AuditEntry
			var after int64
			for {
				var page []core.AuditEntry
				view(t, st, func(tx core.Tx) error {
					var err error
					page, err = tx.AuditEntries(after, 4)
					return err
				})
				paged = append(paged, page...)
				if len(page) < 4 {
					break
				}
				after = page[len(page)-1].Seq
			}
			if !reflect.DeepEqual(paged, got) {
				t.Fatal("paged audit entries differ from the full read")
			}
			view(t, st, func(tx core.Tx) error {
				page, err := tx.AuditEntries(2, 2)
				if err != nil || len(page) != 2 || page[0].Seq != 3 || page[1].Seq != 4 {
					t.Fatalf("AuditEntries(2, 2) = %v, %v", seqs(page), err)
				}
				return nil
			})

			// Per record.
			recordAudit := func(id string, after int64, limit int) []int64 {
				var es []core.AuditEntry
				view(t, st, func(tx core.Tx) error {
					var err error
					es, err = tx.RecordAudit(id, after, limit)
					return err
				})
				for _, e := range es {
					if !slices.Contains(e.RecordIDs, id) {
						t.Fatalf("RecordAudit(%s) returned entry %d naming %v", id, e.Seq, e.RecordIDs)
					}
				}
				return seqs(es)
			}
			if got := recordAudit(a, 0, 100); !slices.Equal(got, []int64{1, 3, 6}) {
				t.Fatalf("RecordAudit(a) = %v, want [1 3 6]", got)
			}
			if got := recordAudit(c, 0, 100); !slices.Equal(got, []int64{3, 4}) {
				t.Fatalf("RecordAudit(c) = %v, want [3 4]", got)
			}
			if got := recordAudit(a, 1, 1); !slices.Equal(got, []int64{3}) {
				t.Fatalf("RecordAudit(a, 1, 1) = %v, want [3]", got)
			}
			if got := recordAudit(a, 3, 100); !slices.Equal(got, []int64{6}) {
				t.Fatalf("RecordAudit(a, 3) = %v, want [6]", got)
			}
			if got := recordAudit("unknown", 0, 100); len(got) != 0 {
				t.Fatalf("RecordAudit(unknown) = %v", got)
			}

			// The head, read without a lock in a read transaction.
			view(t, st, func(tx core.Tx) error {
				h, err := tx.AuditHead()
				if err != nil || h.Seq != 6 || h.Hash != got[5].Hash || h.TreeSize != 6 {
					t.Fatalf("AuditHead = %+v %v", h, err)
				}
				return nil
			})
			if n, err := verifyChain(t, st); err != nil || n != int64(len(entries)) {
				t.Fatalf("Verify = %d, %v; want %d, nil", n, err, len(entries))
			}
		})
	}
}

func seqs(es []core.AuditEntry) []int64 {
	out := make([]int64, len(es))
	for i, e := range es {
		out[i] = e.Seq
	}
	return out
}

// Appends from many goroutines, each in its own transaction, must be
// serialised by the store: the result is one unbroken chain.
func TestAuditConcurrentAppends(t *testing.T) {
	const workers, each = 8, 20
	for _, b := range Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			ctx := context.Background()
			errs := make(chan error, workers)
			for w := range workers {
				go func() {
					for i := range each {
						e := audit.Entry(core.Viewer{System: true}, "test.append", audit.OK, uuid.Must(uuid.NewV7()).String())
						e.Query = "worker " + string(rune('A'+w)) + " entry " + strings.Repeat("i", i+1)
						if err := st.Update(ctx, func(tx core.Tx) error { return audit.Append(tx, e) }); err != nil {
							errs <- err
							return
						}
					}
					errs <- nil
				}()
			}
			for range workers {
				if err := <-errs; err != nil {
					t.Fatal(err)
				}
			}
			n, err := verifyChain(t, st)
			if err != nil || n != workers*each {
				t.Fatalf("Verify = %d, %v; want %d, nil", n, err, workers*each)
			}
			es := allAudit(t, st)
			queries := map[string]bool{}
			for i, e := range es {
				if e.Seq != int64(i+1) {
					t.Fatalf("entry %d has seq %d", i+1, e.Seq)
				}
				queries[e.Query] = true
			}
			if len(es) != workers*each || len(queries) != workers*each {
				t.Fatalf("%d entries with %d distinct queries, want %d", len(es), len(queries), workers*each)
			}
		})
	}
}

// valuesText is the lower-cased string values of a record's data: what
// text search looks in.
func valuesText(data []byte) string {
	var v any
	json.Unmarshal(data, &v)
	var b strings.Builder
	var walk func(any)
	walk = func(x any) {
		switch y := x.(type) {
		case string:
			b.WriteString(strings.ToLower(y) + "\n")
		case []any:
			for _, e := range y {
				walk(e)
			}
		case map[string]any:
			for _, e := range y {
				walk(e)
			}
		}
	}
	walk(v)
	return b.String()
}
