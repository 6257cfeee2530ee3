package hits_test

import (
	"context"
	"encoding/json"
	"slices"
	"testing"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/hits"
	"github.com/manara-hub/manara/internal/store/storetest"
)

// What each side is told, written by one group commit: a hit on a record
// released to the searcher is one event addressed to both sides; on a
// record not released to it, the owner's event with the record and the
// searcher's "possible hit" without; a repeat is told again the same way;
// and every event of the group has its own number, in order.
func TestEventsOfAGroup(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			open := storetest.NewRecord("MA", core.Releasability{Mode: core.ReleaseAll}, core.StatusActive)
			closed := storetest.NewRecord("MA", core.Releasability{Mode: core.ReleaseOnly, Countries: []string{"FR"}}, core.StatusActive)
			if err := st.Update(context.Background(), func(tx core.Tx) error {
				if err := tx.InsertRecord(open); err != nil {
					return err
				}
				return tx.InsertRecord(closed)
			}); err != nil {
				t.Fatal(err)
			}
			svc := hits.New(st)
			es := core.Viewer{Bureau: "ES", KeyID: "k", Permissions: []string{core.PermScreen}}
			sg := hits.Sighting{Type: "person", Subject: "x", Query: "x", Matches: []hits.Match{{RecordID: open.ID, Score: 0.95, Label: "open"}, {RecordID: closed.ID, Score: 0.95, Label: "closed"}}}
			for range 2 { // new, then a repeat answered from memory and written in the background
				if _, err := svc.Record(context.Background(), es, []hits.Sighting{sg}); err != nil {
					t.Fatal(err)
				}
			}
			svc.Flush()
			var evs []core.Event
			if err := st.View(context.Background(), func(tx core.Tx) error {
				var err error
				evs, err = tx.Events(0, "", 100)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			type told struct {
				typ, record string
				audience    []string
				restricted  bool
			}
			var got []told
			for i, e := range evs {
				if e.Seq != int64(i+1) {
					t.Fatalf("event %d has number %d", i, e.Seq)
				}
				var d struct {
					Restricted bool   `json:"restricted"`
					Label      string `json:"label"`
				}
				json.Unmarshal(e.Data, &d)
				if d.Restricted && (e.RecordID != "" || d.Label != "") {
					t.Fatalf("a possible hit names its record: %+v %s", e, e.Data)
				}
				got = append(got, told{e.Type, e.RecordID, e.Audience, d.Restricted})
			}
			want := []told{
				{hits.EventCreated, open.ID, []string{"ES", "MA"}, false},
				{hits.EventCreated, closed.ID, []string{"MA"}, false},
				{hits.EventCreated, "", []string{"ES"}, true},
				{hits.EventRepeated, open.ID, []string{"ES", "MA"}, false},
				{hits.EventRepeated, closed.ID, []string{"MA"}, false},
				{hits.EventRepeated, "", []string{"ES"}, true},
			}
			if !slices.EqualFunc(got, want, func(a, b told) bool {
				return a.typ == b.typ && a.record == b.record && slices.Equal(a.audience, b.audience) && a.restricted == b.restricted
			}) {
				t.Fatalf("events\n%+v\nwant\n%+v", got, want)
			}
		})
	}
}
