package storetest

import (
	"bytes"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/manara-hub/manara/internal/core"
)

// TestNoticeStorage checks the notice tables on both stores: workflow rows
// round-trip, listings join the record and apply the visibility predicate,
// the review queue is oldest first, public numbers count per year, and
// attachments keep every byte.
func TestNoticeStorage(t *testing.T) {
	for _, b := range Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			base := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
			mk := func(owner, status, state string, rel core.Releasability, submitted time.Time, countries ...string) string {
				id := uuid.Must(uuid.NewV7()).String()
				r := &core.Record{ID: id, Kind: core.KindNotice, Owner: owner, Status: status, Version: 1, Releasability: rel, Caveats: []string{},
					ReviewDate: base.AddDate(5, 0, 0), RetainUntil: base.AddDate(5, 0, 0), Data: []byte(`{"notice_type":"red"}`),
					CreatedAt: base, CreatedBy: "user:x", UpdatedAt: base, UpdatedBy: "user:x"}
				exp := base.AddDate(0, 1, 0)
				n := &core.Notice{ID: id, Type: "red", State: state, Countries: countries, Revision: 1, SubmittedAt: &submitted,
					ExpiresAt: &exp, CreatedAt: base, UpdatedAt: base}
				update(t, st, func(tx core.Tx) error {
					if err := tx.InsertRecord(r); err != nil {
						return err
					}
					if err := tx.InsertNotice(n); err != nil {
						return err
					}
					return tx.InsertNoticeVersion(&core.NoticeVersion{NoticeID: id, Revision: 1, At: base, By: "user:x", Bureau: owner, Reason: "created",
						State: state, Releasability: rel, Data: r.Data})
				})
				return id
			}
			all := core.Releasability{Mode: core.ReleaseAll}
			draft := mk("MA", core.StatusPending, core.NoticeDraft, all, base.Add(3*time.Hour))
			late := mk("MA", core.StatusPending, core.NoticeSubmitted, all, base.Add(2*time.Hour))
			early := mk("FR", core.StatusPending, core.NoticeUnderReview, all, base.Add(time.Hour))
			pub := mk("FR", core.StatusActive, core.NoticePublished, core.Releasability{Mode: core.ReleaseOnly, Countries: []string{"ES"}}, base, "ES", "FR")

			view(t, st, func(tx core.Tx) error {
				n, err := tx.GetNotice(pub)
				if err != nil || n.State != core.NoticePublished || len(n.Countries) != 2 || n.ExpiresAt == nil || !n.ExpiresAt.Equal(base.AddDate(0, 1, 0)) {
					t.Fatalf("GetNotice: %+v %v", n, err)
				}
				if _, err := tx.GetNotice(uuid.NewString()); core.ErrorCode(err) != core.ENOTFOUND {
					t.Fatalf("missing notice: %v", err)
				}
				q, err := tx.NoticeQueue([]string{core.NoticeSubmitted, core.NoticeUnderReview}, 10)
				if err != nil || len(q) != 2 || q[0].Notice.ID != early || q[1].Notice.ID != late || q[0].Record.Owner != "FR" {
					t.Fatalf("queue: %v %v", q, err)
				}
				// ES sees only the notice released to it; MA its own two.
				es, err := tx.ListNotices(core.NoticeFilter{Visible: core.Visibility{Bureau: "ES", OwnerAnyway: true, ActiveOnly: true}, Limit: 10})
				if err != nil || len(es) != 1 || es[0].Notice.ID != pub {
					t.Fatalf("ES list: %v %v", es, err)
				}
				ma, err := tx.ListNotices(core.NoticeFilter{Visible: core.Visibility{Bureau: "MA", OwnerAnyway: true, ActiveOnly: true}, Limit: 10})
				if err != nil || len(ma) != 2 {
					t.Fatalf("MA list: %v %v", ma, err)
				}
				byCountry, err := tx.ListNotices(core.NoticeFilter{Visible: core.Visibility{SeeAll: true}, Country: "es", Limit: 10})
				if err != nil || len(byCountry) != 1 || byCountry[0].Notice.ID != pub {
					t.Fatalf("country filter: %v %v", byCountry, err)
				}
				byState, err := tx.ListNotices(core.NoticeFilter{Visible: core.Visibility{SeeAll: true}, State: core.NoticeDraft, Owner: "MA", Limit: 10})
				if err != nil || len(byState) != 1 || byState[0].Notice.ID != draft {
					t.Fatalf("state filter: %v %v", byState, err)
				}
				// Newest first, paged by Before: the public list's order.
				newest, err := tx.ListNotices(core.NoticeFilter{Visible: core.Visibility{SeeAll: true}, Newest: true, Limit: 2})
				if err != nil || len(newest) != 2 || newest[0].Notice.ID != pub || newest[1].Notice.ID != early {
					t.Fatalf("newest first: %v %v", newest, err)
				}
				older, err := tx.ListNotices(core.NoticeFilter{Visible: core.Visibility{SeeAll: true}, Newest: true, Before: early, Limit: 10})
				if err != nil || len(older) != 2 || older[0].Notice.ID != late || older[1].Notice.ID != draft {
					t.Fatalf("before %s: %v %v", early, older, err)
				}
				if k, err := tx.CountNotices("red", "FR", []string{core.NoticeUnderReview, core.NoticePublished}); err != nil || k != 2 {
					t.Fatalf("count: %d %v", k, err)
				}
				due, err := tx.NoticesDue(base.AddDate(0, 2, 0), true, 10)
				if err != nil || len(due) != 1 || due[0].Notice.ID != pub {
					t.Fatalf("due: %v %v", due, err)
				}
				vs, err := tx.NoticeVersions(pub)
				if err != nil || len(vs) != 1 || vs[0].Releasability.Countries[0] != "ES" {
					t.Fatalf("versions: %v %v", vs, err)
				}
				return nil
			})
			// Public numbers: 1, 2 in one year, 1 again in the next.
			var nums []int64
			update(t, st, func(tx core.Tx) error {
				for _, y := range []int{2026, 2026, 2027} {
					n, err := tx.NextEntityNumber(y)
					if err != nil {
						return err
					}
					nums = append(nums, n)
				}
				return nil
			})
			if nums[0] != 1 || nums[1] != 2 || nums[2] != 1 {
				t.Fatalf("entity numbers %v", nums)
			}
			// Attachments keep every byte, NUL and high bytes included.
			content := []byte{0x89, 'P', 'N', 'G', 0, 0, 0xff, 0xfe, '\n', 0}
			update(t, st, func(tx core.Tx) error {
				return tx.InsertAttachment(&core.Attachment{ID: "a1", NoticeID: pub, Name: "x.png", ContentType: "image/png", Size: int64(len(content)),
					SHA256: "h", Role: "photo", CreatedAt: base, CreatedBy: "user:x", Content: content})
			})
			view(t, st, func(tx core.Tx) error {
				a, err := tx.GetAttachment(pub, "a1")
				if err != nil || !bytes.Equal(a.Content, content) {
					t.Fatalf("attachment: %v %v", a, err)
				}
				if _, err := tx.GetAttachment(draft, "a1"); core.ErrorCode(err) != core.ENOTFOUND {
					t.Fatalf("attachment of another notice: %v", err)
				}
				if n, err := tx.AttachmentBytes(pub); err != nil || n != int64(len(content)) {
					t.Fatalf("attachment bytes: %d %v", n, err)
				}
				list, err := tx.Attachments(pub)
				if err != nil || len(list) != 1 || list[0].Content != nil {
					t.Fatalf("attachments: %v %v", list, err)
				}
				return nil
			})
		})
	}
}
