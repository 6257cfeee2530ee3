package console_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/members"
	"github.com/manara-hub/manara/internal/messages"
)

// TestReplyWithLineBreaksAtTheLimit: the reply's textarea carries
// maxlength="20000" (messages.MaxBody), which a browser counts with each
// line break as one character, and the README says a message holds up to
// 20,000 characters. A browser submits a textarea's line breaks as CRLF
// (HTML form submission normalises newlines to CR LF), and the messages
// service counts the CR as a character of its own: a reply the page let
// the officer type, 20,000 characters of which 99 are line breaks, is refused
// as "too long: 20,099 characters".
func TestReplyWithLineBreaksAtTheLimit(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		ma := e.user(t, "ma.officer", "MA", core.RoleOfficer, true)
		th, err := e.Server.Messages.Open(context.Background(), viewerOf(ma), messages.NewThread{Subject: "Dossier Inventado", Participants: []string{"FR"},
			Message: messages.Post{Type: core.MsgGeneral, Body: "Avez-vous une adresse ?"}})
		if err != nil {
			t.Fatal(err)
		}
		line := strings.Repeat("a", 199)
		typed := strings.TrimSuffix(strings.Repeat(line+"\n", 100), "\n") + "b" // what the textarea holds
		if n := utf8.RuneCountInString(typed); n != messages.MaxBody {
			t.Fatalf("typed %d characters", n)
		}
		sent := strings.ReplaceAll(typed, "\n", "\r\n") // what the browser submits
		b := e.browser(t)
		b.signIn("ma.officer", "fr")
		b.get("/messages/" + th.ID)
		b.post("/messages/"+th.ID+"/reply", url.Values{"type": {core.MsgGeneral}, "body": {sent}})
		if b.Code != http.StatusOK || b.At != "/messages/"+th.ID || strings.Contains(b.Last, `id="body-err"`) {
			t.Fatalf("a reply of %d characters (line breaks counted once, as the textarea's maxlength does) was refused: %d at %s: %s",
				messages.MaxBody, b.Code, b.At, between(t, b.Last+`id="body-err">`+"</p>", `id="body-err">`, "</p>"))
		}
	})
}

// TestThreadBureausNamed: "Bureaus are named in the page's
// language" (README, Web console) — the hits inbox, a hit's page, the
// user list and screening owners do it with bureauName; the messages list
// and a thread's page show the participants (and each message's sender)
// as bare ISO codes ("FR, MA"), in every language.
func TestThreadBureausNamed(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		ma := e.user(t, "ma.officer", "MA", core.RoleOfficer, true)
		th, err := e.Server.Messages.Open(context.Background(), viewerOf(ma), messages.NewThread{Subject: "Dossier Inventado", Participants: []string{"FR"},
			Message: messages.Post{Type: core.MsgGeneral, Body: "Avez-vous une adresse ?"}})
		if err != nil {
			t.Fatal(err)
		}
		b := e.browser(t)
		b.signIn("ma.officer", "fr")
		for _, code := range []string{"ar", "fr", "es"} {
			fr, _ := members.BureauFor("FR")
			want := fr.Name(code)
			for _, p := range []string{"/messages", "/messages/" + th.ID} {
				b.get(p + "?lang=" + code)
				if b.Code != http.StatusOK {
					t.Fatalf("%s %s: %d", code, p, b.Code)
				}
				if !strings.Contains(b.Last, want) {
					t.Errorf("%s %s: the participant FR is not named (%q) in the page's language", code, p, want)
				}
			}
		}
	})
}
