package console_test

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/i18n/i18ntest"
	"github.com/manara-hub/manara/internal/lang"
	"github.com/manara-hub/manara/internal/messages"
	"github.com/manara-hub/manara/internal/webhooks"
)

// TestDeliveryStatusTranslated: the admin page shows a webhook's
// deliveries (README: "webhooks and their deliveries are shown"). Their
// status is an interface word and must be in the page's language, not
// the API's English value ("pending", "delivered", "dead", "withheld").
func TestDeliveryStatusTranslated(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		admin := e.user(t, "ma.admin", "MA", core.RoleAdmin, true)
		allow, _ := webhooks.ParseAllowlist("127.0.0.1/32")
		e.Server.Webhooks.Allow = allow
		ctx := context.Background()
		w, _, err := e.Server.Webhooks.Register(ctx, viewerOf(admin), webhooks.Registration{URL: "http://127.0.0.1:9/manara", Events: []string{"*"}})
		if err != nil {
			t.Fatal(err)
		}
		now := time.Now().UTC().Truncate(time.Microsecond)
		statuses := []string{core.DeliveryPending, core.DeliveryDelivered, core.DeliveryDead, core.DeliveryWithheld}
		if err := e.Server.Webhooks.Store.Update(ctx, func(tx core.Tx) error {
			for i, s := range statuses {
				d := &core.Delivery{ID: uuid.Must(uuid.NewV7()).String(), WebhookID: w.ID, Bureau: "MA", EventSeq: int64(i + 1), EventType: "hit.created", Body: []byte(`{}`),
					Status: s, CreatedAt: now, Deadline: now.Add(time.Hour), NextAttempt: now.Add(time.Hour)}
				if err := tx.InsertDelivery(d); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		b := e.browser(t)
		b.signIn("ma.admin", "fr")
		for _, code := range lang.Supported {
			if code == "en" {
				continue
			}
			b.get("/admin?webhook=" + w.ID + "&lang=" + code)
			if b.Code != 200 {
				t.Fatalf("%s: /admin?webhook=: %d", code, b.Code)
			}
			text := strings.Join(i18ntest.VisibleText(b.Last, code), " \n ")
			for _, s := range statuses {
				if regexp.MustCompile(`(^|[^\pL])` + s + `([^\pL]|$)`).MatchString(text) {
					t.Errorf("%s: the deliveries list shows the status %q in English", code, s)
				}
			}
		}
	})
}

// TestThreadSubjectDirection: a thread's subject is free text
// (README: "Names and free text carry dir=\"auto\" (or <bdi>)"). The
// messages list isolates it in <bdi dir="auto">, but the thread's own
// page puts it bare into the <h1> of a page whose direction is the
// interface's: a Latin subject on the Arabic page (or an Arabic one on
// the French page) is laid out in the wrong direction.
func TestThreadSubjectDirection(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		ma := e.user(t, "ma.officer", "MA", core.RoleOfficer, true)
		subject := "Kharroubi (HIT-2026) : adresse à Lyon ?"
		th, err := e.Server.Messages.Open(context.Background(), viewerOf(ma), messages.NewThread{Subject: subject, Participants: []string{"FR"},
			Message: messages.Post{Type: core.MsgGeneral, Body: "Avez-vous une adresse ?"}})
		if err != nil {
			t.Fatal(err)
		}
		b := e.browser(t)
		b.signIn("ma.officer", "ar")
		b.get("/messages/" + th.ID + "?lang=ar")
		if b.Code != 200 || !strings.Contains(b.Last, `dir="rtl"`) {
			t.Fatalf("thread page: %d", b.Code)
		}
		h1 := between(t, b.Last, "<h1", "</h1>")
		if !strings.Contains(h1, `dir="auto"`) && !strings.Contains(h1, "<bdi") {
			t.Errorf("the thread's subject is not isolated in its own direction on the Arabic page: <h1%s</h1>", h1)
		}
	})
}
