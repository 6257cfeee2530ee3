package screen

import (
	"fmt"
	"testing"

	"github.com/manara-hub/manara/internal/core"
)

// TestPackedDocuments puts, finds, replaces and removes many document
// records, through growth and removed slots.
func TestPackedDocuments(t *testing.T) {
	x := New()
	v := officer("FR")
	recs := make([]*core.Record, 5000)
	for i := range recs {
		recs[i] = rec(core.KindTravelDocument, "MA", all, map[string]any{"number": fmt.Sprintf("AB%07d", i), "issuing_country": "MA"})
		x.Put(recs[i])
	}
	// Two records for one document both answer.
	dup := rec(core.KindTravelDocument, "ES", frOnly, map[string]any{"number": "AB0000007", "issuing_country": "MA"})
	x.Put(dup)
	if s := x.Stats(); s.Documents != 5001 || s.Records != 0 {
		t.Fatalf("stats %+v", s)
	}
	for i := 0; i < 5000; i += 97 {
		hits, err := x.ScreenDocument(v, DocumentQuery{Number: fmt.Sprintf("ab %07d", i), Country: "MAR"})
		if err != nil || len(hits) == 0 || hits[0].Score != 1 {
			t.Fatalf("document %d: %+v %v", i, hits, err)
		}
	}
	if hits, _ := x.ScreenDocument(v, DocumentQuery{Number: "AB0000007", Country: "MA"}); len(hits) != 2 {
		t.Fatalf("two records of one document: %+v", hits)
	}
	if hits, _ := x.ScreenDocument(officer("BR"), DocumentQuery{Number: "AB0000007", Country: "MA"}); len(hits) != 2 ||
		!(hits[0].Restricted || hits[1].Restricted) {
		t.Fatalf("the record released only to FR must be restricted for BR: %+v", hits)
	}
	// A new version moves the record to another number; an old one is ignored.
	r2 := *recs[10]
	r2.Version = 2
	r2.Data = []byte(`{"number":"ZZ1234567","issuing_country":"MA"}`)
	x.Put(&r2)
	x.Put(recs[10])
	if hits, _ := x.ScreenDocument(v, DocumentQuery{Number: "AB0000010", Country: "MA"}); len(hits) != 0 {
		t.Fatalf("old number still answers: %+v", hits)
	}
	if hits, _ := x.ScreenDocument(v, DocumentQuery{Number: "ZZ1234567", Country: "MA"}); len(hits) != 1 || hits[0].RecordID != r2.ID {
		t.Fatalf("new number: %+v", hits)
	}
	if x.Version(r2.ID) != 2 {
		t.Fatalf("version %d", x.Version(r2.ID))
	}
	// Remove half; the rest still answer past the removed slots.
	for i := 0; i < 5000; i += 2 {
		x.Remove(recs[i].ID)
	}
	for i := 1; i < 5000; i += 2 {
		if i == 10 {
			continue
		}
		want := 1
		if i == 7 {
			want = 2 // the duplicate
		}
		if hits, _ := x.ScreenDocument(v, DocumentQuery{Number: fmt.Sprintf("AB%07d", i), Country: "MA"}); len(hits) != want {
			t.Fatalf("document %d lost after removals: %+v", i, hits)
		}
	}
	if hits, _ := x.ScreenDocument(v, DocumentQuery{Number: "AB0000002", Country: "MA"}); len(hits) != 0 {
		t.Fatal("a removed document answers")
	}
	// A cancelled version takes the record out.
	r3 := r2
	r3.Version, r3.Status = 3, core.StatusCancelled
	x.Put(&r3)
	if hits, _ := x.ScreenDocument(v, DocumentQuery{Number: "ZZ1234567", Country: "MA"}); len(hits) != 0 {
		t.Fatal("a cancelled document answers")
	}
	// Refill: freed slots are reused and everything is found.
	for i := 0; i < 5000; i += 2 {
		x.Put(recs[i])
	}
	for i := 0; i < 5000; i += 3 {
		if i == 10 {
			continue
		}
		if hits, _ := x.ScreenDocument(v, DocumentQuery{Number: fmt.Sprintf("AB%07d", i), Country: "MA"}); len(hits) == 0 {
			t.Fatalf("document %d missing after refill", i)
		}
	}
}
