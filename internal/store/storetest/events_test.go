package storetest

import (
	"context"
	"encoding/json"
	"errors"
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
