package console_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/federation"
	"github.com/manara-hub/manara/internal/members"
	"github.com/manara-hub/manara/internal/store/storetest"
)

// TestFederationPageCountsFailed: the console's peers page counts, for
// each peer, the messages given up on (failed), as the API, the CLI and
// /metrics do: the refusals list only the last ten, where a failure
// scrolls away.
func TestFederationPageCountsFailed(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			e := newEnv(t, b)
			e.user(t, "ipsg.admin", members.Secretariat, core.RoleAdmin, true)
			_, key, _ := ed25519.GenerateKey(rand.Reader)
			f := federation.New(e.Server.Store, core.FedRoleHub, members.Secretariat, key, nil)
			e.Server.Federation = f
			tok, err := f.IssueToken(context.Background(), system, federation.TokenRequest{Bureau: "MA"})
			if err != nil {
				t.Fatal(err)
			}
			_, nodeKey, _ := ed25519.GenerateKey(rand.Reader)
			if _, err := f.Enrol(context.Background(), "test", federation.EnrolRequest{Token: tok.Token, Bureau: "MA", PublicKey: federation.PublicOf(nodeKey), URL: "http://127.0.0.1:1"}); err != nil {
				t.Fatal(err)
			}
			// Three messages for MA given up on (as sendBatch leaves them).
			now := time.Now().UTC()
			err = e.Server.Store.Update(context.Background(), func(tx core.Tx) error {
				for i := range 3 {
					seq, err := tx.NextFedSeq("MA")
					if err != nil {
						return err
					}
					id := "failed-put-" + string(rune('a'+i))
					if err := tx.InsertFed(&core.FedMessage{Peer: "MA", Seq: seq, MessageID: id, ObjectID: id, ObjectVersion: 1, Type: federation.TypeNoticePut,
						Body: []byte(`{}`), State: core.FedFailed, CreatedAt: now, NextAttempt: now, LastError: "refused by the peer without a receipt: HTTP 413",
						DeliveredAt: &now}); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			var lag core.PeerLag
			e.Server.Store.View(context.Background(), func(tx core.Tx) error { var err error; lag, err = tx.FedLag("MA"); return err })
			if lag.Failed != 3 {
				t.Fatalf("setup: %+v", lag)
			}
			br := e.browser(t)
			br.signIn("ipsg.admin", "en")
			page := br.get("/federation")
			if br.Code != http.StatusOK {
				t.Fatalf("the peers page: %d", br.Code)
			}
			start := strings.Index(page, `id="federation-peers"`)
			end := strings.Index(page[max(start, 0):], "</table>")
			if start < 0 || end < 0 {
				t.Fatalf("no table of peers:\n%s", page)
			}
			table := page[start : start+end]
			if !strings.Contains(table, "<th scope=\"col\">Failed messages</th>") || !strings.Contains(table, "<strong>3</strong>") {
				t.Errorf("the table of peers does not count the 3 messages to MA given up on (no failed column):\n%s", table)
			}
		})
	}
}
