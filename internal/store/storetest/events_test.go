package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/core"
)

func TestEventStream(t *testing.T) {
	for _, b := range Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			at := time.Date(2026, 12, 2, 10, 0, 0, 123456000, time.UTC)
			in := []*core.Event{
				{At: at, Type: "notice.published", Subject: "n1", Audience: []string{core.AudienceAll}, RecordID: "r1", Data: json.RawMessage(`{"b":1,"a":"x"}`)},
				{At: at, Type: "hit.created", Subject: "h1", Audience: []string{"MA", "MA"}, RecordID: "r2"},
				{At: at, Type: "hit.created", Subject: "h1", Audience: []string{"ES"}, Data: json.RawMessage(`{"possible_hit":true}`)},
				{At: at, Type: "message.posted", Subject: "t1", Audience: []string{"ES", "MA"}},
			}
			update(t, st, func(tx core.Tx) error {
				for _, e := range in {
					if err := tx.InsertEvent(e); err != nil {
						return err
					}
				}
				return nil
			})
			for i, e := range in {
				if e.Seq != int64(i+1) {
					t.Fatalf("event %d got seq %d", i, e.Seq)
				}
			}
			// A transaction that fails leaves no event behind and hands out no number.
			boom := errors.New("boom")
			err := st.Update(context.Background(), func(tx core.Tx) error {
				if err := tx.InsertEvent(&core.Event{At: at, Type: "x", Audience: []string{"MA"}}); err != nil {
					return err
				}
				return boom
			})
			if !errors.Is(err, boom) {
				t.Fatalf("Update = %v, want boom", err)
			}
			ids := func(es []core.Event) []int64 {
				var out []int64
				for _, e := range es {
					out = append(out, e.Seq)
				}
				return out
			}
			view(t, st, func(tx core.Tx) error {
				last, err := tx.LastEvent()
				if err != nil || last != 4 {
					t.Fatalf("LastEvent = %d, %v; want 4", last, err)
				}
				all, err := tx.Events(0, "", 100)
				if err != nil {
					return err
				}
				if got := ids(all); !reflect.DeepEqual(got, []int64{1, 2, 3, 4}) {
					t.Fatalf("all events %v", got)
				}
				if string(all[0].Data) != `{"b":1,"a":"x"}` || string(all[1].Data) != `{}` {
					t.Fatalf("data not kept as written: %s / %s", all[0].Data, all[1].Data)
				}
				if !all[0].At.Equal(at) || all[0].Type != "notice.published" || all[0].Subject != "n1" || all[0].RecordID != "r1" {
					t.Fatalf("event 1 = %+v", all[0])
				}
				if !reflect.DeepEqual(all[1].Audience, []string{"MA"}) || !reflect.DeepEqual(all[3].Audience, []string{"ES", "MA"}) {
					t.Fatalf("audiences %v %v", all[1].Audience, all[3].Audience)
				}
				ma, err := tx.Events(0, "MA", 100)
				if err != nil {
					return err
				}
				if got := ids(ma); !reflect.DeepEqual(got, []int64{1, 2, 4}) {
					t.Fatalf("MA's events %v, want [1 2 4]", got)
				}
				es, err := tx.Events(1, "ES", 100)
				if err != nil {
					return err
				}
				if got := ids(es); !reflect.DeepEqual(got, []int64{3, 4}) {
					t.Fatalf("ES's events after 1 %v, want [3 4]", got)
				}
				fr, err := tx.Events(0, "FR", 1)
				if err != nil {
					return err
				}
				if got := ids(fr); !reflect.DeepEqual(got, []int64{1}) {
					t.Fatalf("FR's first event %v, want [1]", got)
				}
				return nil
			})
		})
	}
}

// Many events in one call (a group commit of hits) get consecutive numbers
// in the order given, after those already handed out, and each bureau
// reads exactly the ones addressed to it: across the statements of 16, 8,
// 4, 2 and 1 rows the rows are cut into.
func TestInsertEventsInOneCall(t *testing.T) {
	for _, b := range Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			at := time.Date(2026, 12, 5, 7, 0, 0, 0, time.UTC)
			update(t, st, func(tx core.Tx) error {
				return tx.InsertEvent(&core.Event{At: at, Type: "first", Audience: []string{"MA"}})
			})
			var in []*core.Event
			var wantMA, wantES []int64
			for i := range 37 { // 16 + 16 + 4 + 1
				e := &core.Event{At: at, Type: "hit.created", Subject: fmt.Sprintf("h%d", i), Audience: []string{"MA"}, RecordID: fmt.Sprintf("r%d", i),
					Data: json.RawMessage(fmt.Sprintf(`{"n":%d}`, i))}
				wantMA = append(wantMA, int64(i+2))
				if i%3 == 0 {
					e.Audience = append(e.Audience, "ES", "MA")
					wantES = append(wantES, int64(i+2))
				}
				in = append(in, e)
			}
			update(t, st, func(tx core.Tx) error { return tx.InsertEvents(in) })
			for i, e := range in {
				if e.Seq != int64(i+2) {
					t.Fatalf("event %d got seq %d, want %d", i, e.Seq, i+2)
				}
			}
			update(t, st, func(tx core.Tx) error { return tx.InsertEvents(nil) })
			view(t, st, func(tx core.Tx) error {
				if last, err := tx.LastEvent(); err != nil || last != 38 {
					t.Fatalf("LastEvent = %d, %v; want 38", last, err)
				}
				seqs := func(bureau string) []int64 {
					es, err := tx.Events(1, bureau, 100)
					if err != nil {
						t.Fatal(err)
					}
					var out []int64
					for _, e := range es {
						n := e.Seq - 2
						if e.Subject != fmt.Sprintf("h%d", n) || e.RecordID != fmt.Sprintf("r%d", n) || string(e.Data) != fmt.Sprintf(`{"n":%d}`, n) {
							t.Fatalf("event %d = %+v", e.Seq, e)
						}
						out = append(out, e.Seq)
					}
					return out
				}
				if got := seqs("MA"); !reflect.DeepEqual(got, wantMA) {
					t.Fatalf("MA reads %v, want %v", got, wantMA)
				}
				if got := seqs("ES"); !reflect.DeepEqual(got, wantES) {
					t.Fatalf("ES reads %v, want %v", got, wantES)
				}
				return nil
			})
		})
	}
}
