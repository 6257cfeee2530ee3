package storetest

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/manara-hub/manara/internal/audit"
	"github.com/manara-hub/manara/internal/core"
)

// A refusal is audited in a transaction of its own, on the records it
// was about, with what was wrong: the first field's reason where the
// error names fields, the message otherwise (a wrapped error too).
func TestRefusalsSayWhatWasWrong(t *testing.T) {
	for _, b := range Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			v := core.Viewer{Bureau: "MA", KeyID: "k"}
			ctx := context.Background()
			invalid := core.Invalid(core.FieldError{Field: "title", Reason: "required"}, core.FieldError{Field: "body", Reason: "too long"})
			forbidden := fmt.Errorf("publish: %w", core.Errorf(core.EFORBIDDEN, "not released to MA"))
			if err := audit.RefuseOn(ctx, st, v, "notice.create", invalid, "rec-1"); err != invalid {
				t.Fatalf("RefuseOn returned %v, want the error it was given", err)
			}
			if err := audit.RefuseOn(ctx, st, v, "notice.read", forbidden, "rec-2", "rec-3"); err != forbidden {
				t.Fatalf("RefuseOn returned %v, want the error it was given", err)
			}
			var es []core.AuditEntry
			view(t, st, func(tx core.Tx) (err error) { es, err = tx.AuditEntries(0, 10); return })
			if len(es) != 2 {
				t.Fatalf("%d entries, want 2", len(es))
			}
			want := []struct {
				action, outcome, query string
				ids                    []string
			}{
				{"notice.create", audit.Invalid, "title: required", []string{"rec-1"}},
				{"notice.read", audit.Denied, "not released to MA", []string{"rec-2", "rec-3"}},
			}
			for i, w := range want {
				e := es[i]
				if e.Action != w.action || e.Outcome != w.outcome || e.Query != w.query || !slices.Equal(e.RecordIDs, w.ids) || e.Bureau != "MA" {
					t.Errorf("entry %d = %s %s %q %v (%s), want %s %s %q %v (MA)", i, e.Action, e.Outcome, e.Query, e.RecordIDs, e.Bureau, w.action, w.outcome, w.query, w.ids)
				}
			}
			if n, err := verifyChain(t, st); err != nil || n != 2 {
				t.Fatalf("chain: %d entries, %v", n, err)
			}
		})
	}
}
