package api_test

import (
	"bytes"
	"net/http"
	"testing"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/messages"
)

// TestMessageWithMostAttachments: the README promises messages of
// "up to 4 attachments of 192 KiB each". A message carrying exactly that
// (and a short body) must be accepted, on opening a thread and on a reply.
func TestMessageWithMostAttachments(t *testing.T) {
	forEachBackend(t, func(t *testing.T, f *fixture) {
		ma := f.user(t, "MA", core.RoleOfficer)
		att := func() []map[string]any {
			var out []map[string]any
			for i := 0; i < messages.MaxAttachments; i++ {
				data := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte{'a' + byte(i)}, messages.MaxAttachmentBytes-9)...)
				out = append(out, map[string]any{"name": "piece-" + string(rune('1'+i)) + ".pdf", "data": data})
			}
			return out
		}
		r := f.do(t, "POST", "/api/v1/threads", map[string]any{"subject": "Dossier Inventado", "participants": []string{"ES"},
			"message": map[string]any{"type": "general", "body": "Pièces jointes.", "attachments": att()}}, ma)
		if r.Status != http.StatusCreated {
			t.Fatalf("a thread opened with %d attachments of %d bytes (the promised maximum): want 201, got %d %s",
				messages.MaxAttachments, messages.MaxAttachmentBytes, r.Status, truncate(string(r.Body), 300))
		}
	})
}

// TestThreadListPageSkipsHiddenThreads: GET /api/v1/threads?limit=n
// takes the n newest threads the bureau is a participant of in the store,
// then drops those it may no longer see (messages.List). A thread on a
// record narrowed away from the bureau is gone "like one that does not
// exist", yet it still uses up the page: with limit=1 the bureau gets no
// thread at all although it takes part in a visible one, and comparing
// limit=1 with limit=2 tells it that a newer thread it may not see exists.
func TestThreadListPageSkipsHiddenThreads(t *testing.T) {
	forEachBackend(t, func(t *testing.T, f *fixture) {
		ma, fr := f.user(t, "MA", core.RoleOfficer), f.user(t, "FR", core.RoleOfficer)
		r := f.do(t, "POST", "/api/v1/threads", map[string]any{"subject": "Réunion des officiers de liaison", "participants": []string{"FR"},
			"message": map[string]any{"type": "general", "body": "Ordre du jour la semaine prochaine."}}, ma)
		if r.Status != http.StatusCreated {
			t.Fatalf("open thread: %s", r)
		}
		var visible struct{ ID string }
		r.decode(t, &visible)
		rec := f.createRecord(t, ma, personInput("Ficticio", core.Releasability{Mode: core.ReleaseOnly, Countries: []string{"FR"}}))
		if r := f.do(t, "POST", "/api/v1/threads", map[string]any{"subject": "Ficticio : adresse à Lyon ?", "record_id": rec.ID, "participants": []string{"FR"},
			"message": map[string]any{"type": "information_request", "body": "Avez-vous une adresse ?"}}, ma); r.Status != http.StatusCreated {
			t.Fatalf("open record thread: %s", r)
		}
		if r := f.do(t, "PUT", "/api/v1/records/"+rec.ID, map[string]any{"releasability": core.Releasability{Mode: core.ReleaseOnly, Countries: []string{"ES"}}},
			ma, "If-Match", `"1"`); r.Status != http.StatusOK {
			t.Fatalf("narrow: %s", r)
		}
		var one, two struct{ Items []struct{ ID string } }
		f.do(t, "GET", "/api/v1/threads?limit=1", nil, fr).decode(t, &one)
		f.do(t, "GET", "/api/v1/threads?limit=2", nil, fr).decode(t, &two)
		if len(one.Items) != 1 || one.Items[0].ID != visible.ID {
			t.Errorf("limit=1: FR gets %d threads, want its one visible thread (the hidden newer one took the place): %+v; limit=2 gives %+v", len(one.Items), one.Items, two.Items)
		}
	})
}
