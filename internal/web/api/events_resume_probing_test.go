package api_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/events"
	"github.com/manara-hub/manara/internal/hits"
	"github.com/manara-hub/manara/internal/store/storetest"
)

// TestEventsResumedPastTheHeadRefused: a client that resumed with a
// Last-Event-ID past the stream's head (an id kept from before a restore
// of the store, from another deployment, or a typing error in ?after=)
// was answered 200 and then silently sent nothing: every event up to the
// id it gave was skipped as "already received", although none had been
// written. It is refused, naming the field and the head; the head itself
// is a position to resume from.
func TestEventsResumedPastTheHeadRefused(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f := newCoopFixture(t, b, true)
			fr := f.user(t, "FR", core.RoleOfficer)
			head, err := events.Head(context.Background(), f.Store)
			if err != nil {
				t.Fatal(err)
			}
			past := strconv.FormatInt(head+1000, 10)
			for _, c := range []struct {
				field, path string
				hdr         []string
			}{{"Last-Event-ID", "/api/v1/events", []string{"Last-Event-ID", past}}, {"after", "/api/v1/events?after=" + past, nil}} {
				r := f.do(t, "GET", c.path, nil, fr, c.hdr...)
				p := wantProblem(t, r, http.StatusUnprocessableEntity, core.EINVALID, c.field)
				if !strings.Contains(p.Errors[0].Reason, strconv.FormatInt(head, 10)) {
					t.Errorf("%s past the head: the reason does not say the head (%d): %q", c.field, head, p.Errors[0].Reason)
				}
			}
			if sc := f.subscribe(t, fr, strconv.FormatInt(head, 10)); sc.Status != http.StatusOK {
				t.Errorf("resumed at the head: %d", sc.Status)
			}
		})
	}
}

// TestProbingTellsAToldVariantAgain: README: "A repeat of a variant
// already told is still told (it is not news)". Past the probing limit,
// the searcher's first variant, told as "possible hit" at one border post,
// screened again at another (a new hit, as the place differs) used to be
// withheld, probe counting the variants noted without asking whether this
// one had been told. A variant withheld stays withheld when screened again
// elsewhere: otherwise a second screening would answer what the first
// kept back.
func TestProbingTellsAToldVariantAgain(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f := newCoopFixture(t, b, true)
			ma, es := f.user(t, "MA", core.RoleOfficer), f.key(t, "ES", core.PermScreen)
			restrictedPerson(t, f.fixture, ma, "Youssef", "Benkiranov", "1980-05-12")
			screen := func(dob, post string) []answerHitOut {
				return possibleHits(f.screenAs(t, es, map[string]any{"name": "Youssef Benkiranov", "date_of_birth": dob, "context": map[string]string{"border_post": post}}), "MA")
			}
			dobs := []string{"1980-05-12", "1980", "1981", "1979-01-01", "1982", "1980-05"}
			for i, dob := range dobs {
				hs := screen(dob, "Algeciras")
				if i < hits.DefaultProbeLimit && len(hs) != 1 || i >= hits.DefaultProbeLimit && len(hs) != 0 {
					t.Fatalf("precondition: variant %d: %+v", i+1, hs)
				}
			}
			if hs := screen(dobs[0], "Tarifa"); len(hs) != 1 {
				t.Errorf("a variant already told (at Algeciras) screened at Tarifa is withheld past the probing limit: answer %+v", hs)
			}
			if hs := screen(dobs[hits.DefaultProbeLimit], "Tarifa"); len(hs) != 0 {
				t.Errorf("a variant withheld at Algeciras is told when screened at Tarifa: answer %+v", hs)
			}
			if hs := screen("1983", "Tarifa"); len(hs) != 0 {
				t.Errorf("a new variant past the limit is told: answer %+v", hs)
			}
		})
	}
}
