package accreditation_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/accreditation"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/meetings"
	"github.com/manara-hub/manara/internal/store/storetest"
)

func fieldsOf(err error) []string {
	var out []string
	if e, ok := err.(*core.Error); ok {
		for _, f := range e.Fields {
			out = append(out, f.Field)
		}
	}
	return out
}

func conferenceFor(t *testing.T, st core.Store) *core.Gathering {
	t.Helper()
	g, err := meetings.New(st).CreateGathering(context.Background(), unitOf("MA"), meetings.GatheringInput{Name: "Regional conference", TimeZone: "Africa/Casablanca",
		Days: []string{"2025-11-24"}, DayStart: "09:00", SlotMinutes: 30, SlotsPerDay: 4, Rooms: []core.GatheringRoom{{ID: "r1", Capacity: 6}}})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// TestCSVDocumentErrorsNameTheColumns: README: every broken
// line's error is reported as lines[N].<column>. A CSV list has the
// columns passport_number, passport_country and other_documents; an error
// in them must name them, not "documents[0].country", a field the file
// does not have (the security unit cannot tell which cell is at fault:
// is documents[0] the passport, or the first of other_documents?).
func TestCSVDocumentErrorsNameTheColumns(t *testing.T) {
	ctx := context.Background()
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			g := conferenceFor(t, st)
			svc := accreditation.New(st, noHits{})
			list := "category,name,passport_number,passport_country,other_documents\n" +
				"delegate,Selma Oudghiri-Vance,AB1234567,ZZ,\n" +
				"delegate,Pieter Ravensloot,,,QQ:NL998877\n"
			_, err := svc.ImportCSV(ctx, unitOf("MA"), g.ID, strings.NewReader(list))
			if core.ErrorCode(err) != core.EINVALID {
				t.Fatalf("import: %v, want invalid", err)
			}
			fs := fieldsOf(err)
			for _, want := range []string{"lines[2].passport_country", "lines[3].other_documents"} {
				if !slices.ContainsFunc(fs, func(f string) bool { return strings.HasPrefix(f, want) }) {
					t.Errorf("no error naming %s; the fields are %v", want, fs)
				}
			}
		})
	}
}

// TestCSVEmptyHeaderCells: a header with an empty cell at its end (a
// trailing separator, as spreadsheets write) is an empty column, taken
// while no line fills it; an empty cell elsewhere, or a line putting
// something in the unnamed column, is refused naming the line and the
// column's number, never with a field "lines[1]." that names nothing.
func TestCSVEmptyHeaderCells(t *testing.T) {
	ins, _, err := accreditation.ParseCSV(strings.NewReader("ref,category,name,\nA-1,delegate,Selma Oudghiri-Vance,\n"))
	if err != nil || len(ins) != 1 || ins[0].Name != "Selma Oudghiri-Vance" {
		t.Fatalf("trailing empty column: %+v %v", ins, err)
	}
	for _, c := range []struct{ list, field, reason string }{
		{"ref,,category,name\nA-1,,delegate,Selma Oudghiri-Vance\n", "lines[1]", "column 2 has no name"},
		{"ref,category,name,\nA-1,delegate,Selma Oudghiri-Vance,Pieter Ravensloot\n", "lines[2]", "column 4 holds \"Pieter Ravensloot\""},
	} {
		_, _, err := accreditation.ParseCSV(strings.NewReader(c.list))
		ce, ok := err.(*core.Error)
		if !ok || len(ce.Fields) != 1 || ce.Fields[0].Field != c.field || !strings.Contains(ce.Fields[0].Reason, c.reason) {
			t.Errorf("%q: got %v, want one error at %s saying %q", c.list, err, c.field, c.reason)
		}
	}
}

// TestPendingSweptWhenFeedIsQuiet: README: "anything left pending
// (index not loaded, process stopped) is screened by continuous screening
// after two minutes". A list imported while the screening index was not
// loaded stays pending; once the index is there and two minutes passed,
// a pass of continuous screening must screen it — whether or not any
// record changed meanwhile.
func TestPendingSweptWhenFeedIsQuiet(t *testing.T) {
	ctx := context.Background()
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			g := conferenceFor(t, st)
			at := time.Date(2025, 11, 20, 10, 0, 0, 0, time.UTC) // before the gathering: watched
			svc := accreditation.New(st, nil)                    // the index is not loaded yet
			svc.Now = func() time.Time { return at }
			res, err := svc.ImportJSON(ctx, unitOf("MA"), g.ID, accreditation.ListInput{Participants: []accreditation.AttendeeInput{
				{Ref: "B-1", Category: "delegate", Name: "Selma Oudghiri-Vance"},
			}})
			if err != nil || res.Counts[core.AttendeePending] != 1 {
				t.Fatalf("setup: import %+v %v, want one pending", res, err)
			}
			svc.Screener = noHits{}
			svc.Now = func() time.Time { return at.Add(10 * time.Minute) }
			if _, _, err := svc.CheckChanges(ctx); err != nil {
				t.Fatal(err)
			}
			q, err := svc.List(ctx, unitOf("MA"), g.ID, accreditation.ListFilter{})
			if err != nil || q.Count != 1 {
				t.Fatalf("list: %+v %v", q, err)
			}
			if st := q.Items[0].Status; st == core.AttendeePending {
				t.Fatalf("ten minutes after import, index loaded, a pass of continuous screening ran: participant still %s", st)
			}
		})
	}
}
