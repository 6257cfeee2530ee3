package screen_test

// The index over a real store, through the records service: an external
// test package, as the records service itself uses the screening's rules.

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/records"
	"github.com/manara-hub/manara/internal/screen"
	"github.com/manara-hub/manara/internal/store/storetest"
)

var all = core.Releasability{Mode: core.ReleaseAll}

func officer(bureau string) core.Viewer {
	return core.Viewer{Bureau: bureau, Role: core.RoleOfficer, Permissions: core.RolePermissions(core.RoleOfficer)}
}

// TestFollowsTheStore builds the index from a real store and keeps it
// current through the change feed.
func TestFollowsTheStore(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			rs := records.New(st)
			ctx := context.Background()
			v := core.Viewer{Bureau: "MA", KeyID: "k", Permissions: []string{core.PermRecordsWrite, core.PermRecordsRead}}
			create := func(name string) *core.Record {
				r, err := rs.Create(ctx, v, records.Input{Kind: core.KindPerson, Releasability: &all, Data: json.RawMessage(`{"name":"` + name + `"}`)})
				if err != nil {
					t.Fatal(err)
				}
				return r
			}
			first := create("Hicham Filali")
			x := screen.New()
			seq, err := x.Load(ctx, st, nil)
			if err != nil {
				t.Fatal(err)
			}
			if hits, _ := x.ScreenPerson(officer("FR"), screen.PersonQuery{Name: "Hisham Al-Filali"}); len(hits) != 1 {
				t.Fatalf("loaded record not found: %+v", hits)
			}
			second := create("Salma Guessous")
			if _, err := rs.Cancel(ctx, v, first.ID, first.Version, "closed"); err != nil {
				t.Fatal(err)
			}
			if seq, err = x.CatchUp(ctx, st, seq); err != nil {
				t.Fatal(err)
			}
			if hits, _ := x.ScreenPerson(officer("FR"), screen.PersonQuery{Name: "Selma Guessous"}); len(hits) != 1 || hits[0].RecordID != second.ID {
				t.Fatalf("new record not followed: %+v", hits)
			}
			if hits, _ := x.ScreenPerson(officer("FR"), screen.PersonQuery{Name: "Hicham Filali"}); len(hits) != 0 {
				t.Fatalf("cancelled record still screened: %+v", hits)
			}
			if again, _ := x.CatchUp(ctx, st, seq); again != seq {
				t.Fatalf("catching up with nothing new moved the sequence from %d to %d", seq, again)
			}
		})
	}
}
