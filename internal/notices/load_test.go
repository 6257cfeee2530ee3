package notices

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/store/storetest"
)

// outageStore is a store whose reads of records fail as a store outage
// does, while transactions still open.
type outageStore struct{ core.Store }

type outageTx struct{ core.Tx }

func (outageTx) GetRecord(string) (*core.Record, error) {
	return nil, core.Errorf(core.EUNAVAILABLE, "store unavailable")
}

func (s outageStore) Update(ctx context.Context, fn func(core.Tx) error) error {
	return s.Store.Update(ctx, func(tx core.Tx) error { return fn(outageTx{tx}) })
}

func (s outageStore) View(ctx context.Context, fn func(core.Tx) error) error {
	return s.Store.View(ctx, func(tx core.Tx) error { return fn(outageTx{tx}) })
}

// TestLoadPassesOutages: a failing read is not a missing notice, so a
// store outage is not answered (and audited) as not found.
func TestLoadPassesOutages(t *testing.T) {
	ctx := context.Background()
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			ma := officer("MA")
			n, err := New(st).Create(ctx, ma, Input{Type: TypePurple, Data: json.RawMessage(`{"modus_operandi":"hidden in tyres"}`)})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := New(st).Get(ctx, ma, "0190c1d2-0000-7000-8000-000000000000"); core.ErrorCode(err) != core.ENOTFOUND {
				t.Fatalf("a missing notice: %v", err)
			}
			if _, err := New(outageStore{st}).Get(ctx, ma, n.Notice.ID); core.ErrorCode(err) != core.EUNAVAILABLE {
				t.Fatalf("an outage read as %s: %v", core.ErrorCode(err), err)
			}
		})
	}
}
