package storetest

import (
	"context"
	"fmt"
	"testing"

	"github.com/manara-hub/manara/internal/audit"
	"github.com/manara-hub/manara/internal/core"
)

// BenchmarkAuditAppend measures the cost of appending audit entries on
// each store: one entry per transaction (a change and its entry) and
// groups of 100 (the grouped writer's screenings). The figure is per entry.
func BenchmarkAuditAppend(b *testing.B) {
	for _, be := range Backends(b) {
		for _, group := range []int{1, 100} {
			b.Run(fmt.Sprintf("%s/group=%d", be.Name, group), func(b *testing.B) {
				st := be.Open(b)
				v := core.Viewer{Bureau: "MA", KeyID: "k", Remote: "192.0.2.7"}
				b.ResetTimer()
				for done := 0; done < b.N; done += group {
					n := min(group, b.N-done)
					es := make([]*core.AuditEntry, n)
					for i := range es {
						es[i] = audit.Entry(v, "screen.person", audit.OK, fmt.Sprintf("rec-%d", (done+i)%97))
						es[i].Query = "name=Karim Benali dob=1980"
					}
					if err := st.Update(context.Background(), func(tx core.Tx) error { return audit.Append(tx, es...) }); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
