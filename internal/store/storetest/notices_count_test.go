package storetest

import (
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/manara-hub/manara/internal/core"
)

// TestNoticesCountListed checks, on both stores, that CountListed counts
// what ListNotices selects, every page of it, and the envelope's state:
// a notice whose record has ended counts under the record's status
// whatever its workflow row says.
func TestNoticesCountListed(t *testing.T) {
	for _, b := range Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			base := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
			mk := func(owner, status, state string, rel core.Releasability) {
				id := uuid.Must(uuid.NewV7()).String()
				r := &core.Record{ID: id, Kind: core.KindNotice, Owner: owner, Status: status, Version: 1, Releasability: rel, Caveats: []string{},
					ReviewDate: base.AddDate(5, 0, 0), RetainUntil: base.AddDate(5, 0, 0), Data: []byte(`{"notice_type":"red"}`),
					CreatedAt: base, CreatedBy: "user:x", UpdatedAt: base, UpdatedBy: "user:x"}
				n := &core.Notice{ID: id, Type: "red", State: state, Revision: 1, CreatedAt: base, UpdatedAt: base}
				update(t, st, func(tx core.Tx) error {
					if err := tx.InsertRecord(r); err != nil {
						return err
					}
					return tx.InsertNotice(n)
				})
			}
			all := core.Releasability{Mode: core.ReleaseAll}
			mk("MA", core.StatusPending, core.NoticeDraft, all)
			mk("MA", core.StatusPending, core.NoticeDraft, all)
			mk("MA", core.StatusCancelled, core.NoticeDraft, all) // ended by its record: cancelled
			mk("MA", core.StatusPending, core.NoticeRefused, all)
			mk("FR", core.StatusPending, core.NoticeDraft, all)
			mk("FR", core.StatusActive, core.NoticePublished, all)
			mk("FR", core.StatusExpired, core.NoticePublished, all) // ended by its record: expired
			ma := core.Visibility{Bureau: "MA", OwnerAnyway: true, ActiveOnly: true}
			view(t, st, func(tx core.Tx) error {
				for _, c := range []struct {
					f    core.NoticeFilter
					want int
				}{
					{core.NoticeFilter{Visible: ma, Owner: "MA", State: core.NoticeDraft, EnvelopeState: true}, 2},
					{core.NoticeFilter{Visible: ma, Owner: "MA", State: core.NoticeDraft}, 3}, // the workflow's word
					{core.NoticeFilter{Visible: ma, Owner: "MA", State: core.NoticeRefused, EnvelopeState: true}, 1},
					{core.NoticeFilter{Visible: ma, Owner: "MA", State: core.NoticeCancelled, EnvelopeState: true}, 1},
					{core.NoticeFilter{Visible: ma, State: core.NoticeDraft, EnvelopeState: true}, 2}, // France's draft is not MA's to see
					{core.NoticeFilter{Visible: ma, State: core.NoticePublished, EnvelopeState: true}, 1},
					{core.NoticeFilter{Visible: core.Visibility{SeeAll: true}, State: core.NoticeExpired, EnvelopeState: true}, 1},
					{core.NoticeFilter{Visible: core.Visibility{SeeAll: true}, State: core.NoticeDraft, EnvelopeState: true, Limit: 1}, 3},
					{core.NoticeFilter{Visible: core.Visibility{Deny: true}}, 0},
				} {
					rows, err := tx.ListNotices(c.f)
					n, cerr := tx.CountListed(c.f)
					if err != nil || cerr != nil || n != c.want || (c.f.Limit == 0 && len(rows) != n) {
						t.Errorf("%+v: CountListed %d %v, ListNotices %d %v; want %d", c.f, n, cerr, len(rows), err, c.want)
					}
				}
				return nil
			})
		})
	}
}
