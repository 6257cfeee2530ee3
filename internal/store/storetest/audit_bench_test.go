package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

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

// BenchmarkAuditWriter measures the grouped writer of screenings' entries
// on each store: entries are added as fast as the writer takes them (its
// queue full), so the figure per entry is the writer's own, its group
// commits included.
//
//	go test -run '^$' -bench AuditWriter -benchtime 20000x ./internal/store/storetest/
func BenchmarkAuditWriter(b *testing.B) {
	for _, be := range Backends(b) {
		b.Run(be.Name, func(b *testing.B) {
			st := be.Open(b)
			w := audit.NewWriter(st, nil, 256, 5*time.Millisecond)
			v := core.Viewer{Bureau: "MA", KeyID: "k", Remote: "192.0.2.7"}
			b.ResetTimer()
			for i := range b.N {
				e := audit.Entry(v, "screen.person", audit.OK)
				e.Query = fmt.Sprintf("name=%q dob= sex= nationality=", fmt.Sprint("Zebulon Quintavalle ", i))
				if err := w.Add(context.Background(), e); err != nil {
					b.Fatal(err)
				}
			}
			w.Close()
		})
	}
}
