package api_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/members"
	"github.com/manara-hub/manara/internal/messages"
	"github.com/manara-hub/manara/internal/store/storetest"
)

// TestThreadParticipantsStoredInOneSpelling: a thread's participants were
// validated with members.IsSecretariat, which folds case and spaces, but
// stored as sent: a thread with "ipsg" (or " IPSG ") was answered 201,
// yet the secretariat, whose viewers are bureau "IPSG", was no participant
// of it and never saw it. Every participant is stored as viewers carry
// it (IPSG, alpha-2 for an alpha-3 code), and a bureau named twice in any
// spelling is refused naming the second.
func TestThreadParticipantsStoredInOneSpelling(t *testing.T) {
	forEachBackend(t, func(t *testing.T, f *fixture) {
		ma := f.user(t, "MA", core.RoleOfficer)
		ipsg := f.user(t, members.Secretariat, core.RoleReviewer)
		fr := f.user(t, "FR", core.RoleOfficer)
		open := func(participants ...string) *resp {
			return f.do(t, "POST", "/api/v1/threads", map[string]any{"subject": "Question sur la notice de Karim Ouazzaniel", "participants": participants,
				"message": map[string]any{"type": "general", "body": "Pouvez-vous confirmer la date de publication ?"}}, ma)
		}
		for _, c := range []struct {
			spelled, stored string
			reader          *caller
		}{{"ipsg", members.Secretariat, ipsg}, {" IPSG ", members.Secretariat, ipsg}, {"fra", "FR", fr}, {" fr", "FR", fr}} {
			r := open(c.spelled)
			if r.Status != http.StatusCreated {
				t.Fatalf("open a thread with %q: %s", c.spelled, r)
			}
			var th struct {
				ID           string
				Participants []string
			}
			r.decode(t, &th)
			if !slices.Equal(th.Participants, []string{"MA", c.stored}) && !slices.Equal(th.Participants, []string{c.stored, "MA"}) {
				t.Errorf("participant %q stored as %q, want %s and MA", c.spelled, th.Participants, c.stored)
			}
			if g := f.do(t, "GET", "/api/v1/threads/"+th.ID, nil, c.reader); g.Status != http.StatusOK {
				t.Errorf("participant %q: %s's reader gets %s", c.spelled, c.stored, g)
			}
		}
		wantProblem(t, open("FR", "fra"), http.StatusUnprocessableEntity, core.EINVALID, "participants[1]")
		wantProblem(t, open("IPSG", "FR", "ipsg"), http.StatusUnprocessableEntity, core.EINVALID, "participants[2]")
		wantProblem(t, open("XX"), http.StatusUnprocessableEntity, core.EINVALID, "participants[0]")
	})
}

// TestRecordThreadEventsReachItsScreeningKey: a screening key of a
// participant bureau reads a thread on a record (access.CanSeeThread),
// and a message event reaches "only a viewer who may see its thread". Its
// event stream used never to carry the thread's message.posted, which
// access.CanSeeEvent refused for want of records:read on the record: a
// thread's events are now decided by the one rule that decides reading
// it.
func TestRecordThreadEventsReachItsScreeningKey(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f := newCoopFixture(t, b, true)
			ma := f.user(t, "MA", core.RoleOfficer)
			frKey := f.key(t, "FR", core.PermScreen)
			esKey := f.key(t, "ES", core.PermScreen)
			rec := f.createRecord(t, ma, personInput("Lahlouvski", core.Releasability{Mode: core.ReleaseOnly, Countries: []string{"FR"}}))
			sc, other := f.subscribe(t, frKey, ""), f.subscribe(t, esKey, "")
			r := f.do(t, "POST", "/api/v1/threads", map[string]any{"subject": "Lahlouvski : passage à Roissy ?", "record_id": rec.ID, "participants": []string{"FR"},
				"message": map[string]any{"type": "information_request", "body": "Avez-vous un passage récent ?"}}, ma)
			if r.Status != http.StatusCreated {
				t.Fatalf("open thread: %s", r)
			}
			var th struct{ ID string }
			r.decode(t, &th)
			if g := f.do(t, "GET", "/api/v1/threads/"+th.ID, nil, frKey); g.Status != http.StatusOK {
				t.Fatalf("precondition: FR's screening key reads the thread: %s", g)
			}
			got := false
			for _, ev := range sc.drain(1500 * time.Millisecond) {
				if ev.Type == messages.EventPosted && ev.Data["subject"] == th.ID {
					got = true
				}
			}
			if !got {
				t.Errorf("FR's screening key reads thread %s (200) but its event stream never receives the thread's message.posted", th.ID)
			}
			for _, ev := range other.drain(200 * time.Millisecond) {
				if ev.Type == messages.EventPosted {
					t.Errorf("ES, no participant, is told of the thread's message: %+v", ev)
				}
			}
		})
	}
}

// TestThreadPagesToItsFirstMessage: GET /api/v1/threads/{id} showed the
// last messages.MaxMessagesShown messages and nothing paged further: in a
// long thread the first messages (the original request, typically) could
// no longer be read. The newest page comes first, as before, with
// next_before, which pages back to the first message.
func TestThreadPagesToItsFirstMessage(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f := newFixture(t, b)
			ma, fr := f.user(t, "MA", core.RoleOfficer), f.user(t, "FR", core.RoleOfficer)
			r := f.do(t, "POST", "/api/v1/threads", map[string]any{"subject": "Extradition de Anouar Tilmaniq", "participants": []string{"FR"},
				"message": map[string]any{"type": "extradition_follow_up", "body": "Demande initiale : pièces 1 à 12."}}, ma)
			if r.Status != http.StatusCreated {
				t.Fatalf("open thread: %s", r)
			}
			var th struct{ ID string }
			r.decode(t, &th)
			// 1000 follow-ups, written as replies would be (faster than
			// 1000 HTTP requests).
			total := messages.MaxMessagesShown + 1
			ctx := context.Background()
			if err := f.Store.Update(ctx, func(tx core.Tx) error {
				t0, err := tx.GetThread(th.ID)
				if err != nil {
					return err
				}
				now := time.Now().UTC().Truncate(time.Microsecond)
				for i := 2; i <= total; i++ {
					m := &core.Message{ID: uuid.Must(uuid.NewV7()).String(), ThreadID: th.ID, Number: i, Bureau: "FR", Author: "user:fr",
						Type: "general", Body: fmt.Sprintf("suivi %d", i), Attachments: []core.MessageAttachment{}, At: now}
					if err := tx.InsertMessage(m); err != nil {
						return err
					}
				}
				t0.Messages = total
				return tx.UpdateThread(t0)
			}); err != nil {
				t.Fatal(err)
			}
			type view struct {
				Messages   int
				NextBefore int `json:"next_before"`
				Items      []struct{ Number int }
			}
			read := func(q string) view {
				g := f.do(t, "GET", "/api/v1/threads/"+th.ID+q, nil, fr)
				if g.Status != http.StatusOK {
					t.Fatalf("read thread%s: %s", q, g)
				}
				var v view
				g.decode(t, &v)
				return v
			}
			newest := read("")
			if len(newest.Items) != messages.MaxMessagesShown || newest.Items[0].Number != 2 || newest.Items[len(newest.Items)-1].Number != total || newest.NextBefore != 2 {
				t.Fatalf("newest page: %d items from %d, next_before %d; want %d from 2 to %d, next_before 2",
					len(newest.Items), newest.Items[0].Number, newest.NextBefore, messages.MaxMessagesShown, total)
			}
			older := read("?before=" + strconv.Itoa(newest.NextBefore))
			if len(older.Items) != 1 || older.Items[0].Number != 1 || older.NextBefore != 0 {
				t.Errorf("older page: %+v, want the first message alone and no next_before", older)
			}
			for _, bad := range []string{"0", "-1", "x", "99999999999"} {
				g := f.do(t, "GET", "/api/v1/threads/"+th.ID+"?before="+bad, nil, fr)
				wantProblem(t, g, http.StatusUnprocessableEntity, core.EINVALID, "before")
			}
			if g := f.do(t, "GET", "/api/v1/openapi.json", nil, fr); !strings.Contains(string(g.Body), "next_before") {
				t.Errorf("the OpenAPI document does not describe next_before")
			}
		})
	}
}
