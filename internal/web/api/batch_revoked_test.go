package api_test

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/store/storetest"
)

// TestBatchStopsWhenItsKeyIsRevoked: a batch may run for minutes. Its key
// revoked while it runs, it answers the lines already read and then one
// error line naming where it stopped (401), instead of screening on to the
// end of the body with a key every other request is refused with.
func TestBatchStopsWhenItsKeyIsRevoked(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f := screenFixture(t, b)
			admin := f.user(t, "FR", core.RoleAdmin)
			key := f.key(t, "FR", core.PermScreen)
			pr, pw := io.Pipe()
			revoked := make(chan struct{})
			go func() {
				line := func(i int) string {
					return fmt.Sprintf(`{"id":"q%d","type":"person","name":"Zebulon Quintavalle %d"}`+"\n", i, i)
				}
				for i := 1; i <= 3; i++ {
					io.WriteString(pw, line(i))
				}
				time.Sleep(300 * time.Millisecond) // the three are screened
				if r := f.do(t, "DELETE", "/api/v1/keys/"+key.KeyID, nil, admin); r.Status != http.StatusOK {
					t.Errorf("revoke: %s", r)
				}
				close(revoked)
				// Past the batch's next look at its credential (once a
				// second), more lines.
				for i := 4; i <= 40; i++ {
					if _, err := io.WriteString(pw, line(i)); err != nil {
						return
					}
					time.Sleep(60 * time.Millisecond)
				}
				pw.Close()
			}()
			answers := postBatch(t, f, key, pr)
			pw.CloseWithError(io.ErrClosedPipe)
			<-revoked
			if len(answers) < 4 {
				t.Fatalf("%d answer lines: %+v", len(answers), answers)
			}
			last := answers[len(answers)-1]
			if last.Error == nil || last.Error.Status != http.StatusUnauthorized || !strings.Contains(last.Error.Detail, "no longer lets it screen") {
				t.Fatalf("the batch's last line after its key was revoked: %+v", last)
			}
			if last.Line >= 40 || len(answers) > 40 {
				t.Errorf("the batch went on to line %d after its key was revoked", last.Line)
			}
			for _, a := range answers[:3] {
				if a.Error != nil {
					t.Errorf("line %d before the revocation: %+v", a.Line, a.Error)
				}
			}
		})
	}
}
