package notices

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/store/storetest"
)

// TestCreateWithIsOneTransaction: what a caller records beside a new
// notice request (an escalation naming the request it drafted) is written
// with it or not at all: when it fails, no request is left behind that
// nothing names.
func TestCreateWithIsOneTransaction(t *testing.T) {
	ctx := context.Background()
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			s := New(b.Open(t))
			ma := officer("MA")
			in := Input{Type: TypePurple, Data: json.RawMessage(`{"modus_operandi":"fake bank messages"}`)}
			refused := errors.New("the campaign could not name it")
			if _, err := s.CreateWith(ctx, ma, in, func(core.Tx, *core.Notice) error { return refused }); !errors.Is(err, refused) {
				t.Fatalf("a failing step: %v", err)
			}
			if got, _, err := s.List(ctx, ma, Query{}); err != nil || len(got) != 0 {
				t.Fatalf("after the failing step %d requests are stored (%v), want none", len(got), err)
			}
			var seen string
			nv, err := s.CreateWith(ctx, ma, in, func(tx core.Tx, n *core.Notice) error {
				stored, err := tx.GetNotice(n.ID)
				if err == nil {
					seen = stored.ID
				}
				return err
			})
			if err != nil || seen != nv.Notice.ID {
				t.Fatalf("the step saw %q of %v: %v", seen, nv, err)
			}
			if got, _, err := s.List(ctx, ma, Query{}); err != nil || len(got) != 1 {
				t.Fatalf("%d requests stored (%v), want 1", len(got), err)
			}
		})
	}
}
