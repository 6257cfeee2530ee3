package console_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/messages"
)

// TestThreadPageLinksToOlderMessages: a thread's page shows its newest
// messages.MaxMessagesShown messages; past them, a link leads to the older
// ones (the original request among them), and from there back to the
// newest.
func TestThreadPageLinksToOlderMessages(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		ma := e.user(t, "ma.officer", "MA", core.RoleOfficer, true)
		th, err := e.Server.Messages.Open(context.Background(), viewerOf(ma), messages.NewThread{Subject: "Dossier Inventado", Participants: []string{"FR"},
			Message: messages.Post{Type: core.MsgGeneral, Body: "Demande initiale : pièces 1 à 12."}})
		if err != nil {
			t.Fatal(err)
		}
		total := messages.MaxMessagesShown + 1
		if err := e.Server.Store.Update(context.Background(), func(tx core.Tx) error {
			t0, err := tx.GetThread(th.ID)
			if err != nil {
				return err
			}
			now := time.Now().UTC().Truncate(time.Microsecond)
			for i := 2; i <= total; i++ {
				if err := tx.InsertMessage(&core.Message{ID: uuid.Must(uuid.NewV7()).String(), ThreadID: th.ID, Number: i, Bureau: "FR", Author: "user:fr",
					Type: core.MsgGeneral, Body: fmt.Sprintf("suivi %d", i), Attachments: []core.MessageAttachment{}, At: now}); err != nil {
					return err
				}
			}
			t0.Messages = total
			return tx.UpdateThread(t0)
		}); err != nil {
			t.Fatal(err)
		}
		b := e.browser(t)
		b.signIn("ma.officer", "en")
		b.get("/messages/" + th.ID)
		older := `href="/messages/` + th.ID + `?before=2"`
		if b.Code != http.StatusOK || strings.Contains(b.Last, "Demande initiale") || !strings.Contains(b.Last, older) {
			t.Fatalf("the newest page (%d) does not link to the older messages (%s)", b.Code, older)
		}
		b.get("/messages/" + th.ID + "?before=2")
		if b.Code != http.StatusOK || !strings.Contains(b.Last, "Demande initiale") || strings.Contains(b.Last, "suivi 2<") ||
			!strings.Contains(b.Last, `href="/messages/`+th.ID+`" id="prev"`) || strings.Contains(b.Last, `id="next"`) {
			t.Errorf("the older page (%d) does not show the first message alone, with a link back to the newest", b.Code)
		}
	})
}
