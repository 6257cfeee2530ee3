package meetings_test

import (
	"context"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/meetings"
	"github.com/manara-hub/manara/internal/store/storetest"
)

// TestClockTimesOnAClockChangeDay: "Clock times are written
// YYYY-MM-DDTHH:MM in the gathering's zone" and the day's slots run from
// day_start. On 22 March 2026 Morocco's clocks go forward at 02:00
// (Africa/Casablanca, UTC+0 → UTC+1): the day still opens at 09:00 local,
// a request for 09:00–09:30 that day lies within the gathering's hours,
// and the host's grid starts that day at 09:00.
func TestClockTimesOnAClockChangeDay(t *testing.T) {
	ctx := context.Background()
	loc, err := time.LoadLocation("Africa/Casablanca")
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			svc := newService(st)
			host := officer("MA")
			in := smallGathering()
			in.Days = []string{"2026-03-21", "2026-03-22"}
			in.SlotsPerDay = 4
			in.Agenda = nil
			g, err := svc.CreateGathering(ctx, host, in)
			if err != nil {
				t.Fatal(err)
			}
			grid, err := svc.HostGrid(ctx, host, g.ID)
			if err != nil {
				t.Fatal(err)
			}
			for day, first := range []int{0, 4} {
				if got := grid.Slots[first].In(loc).Format("2006-01-02 15:04"); got != in.Days[day]+" 09:00" {
					t.Errorf("day %s opens at %s local, want 09:00 (day_start)", in.Days[day], got)
				}
			}
			req := request("MA", "Officer Lina Haddad")
			req.Preferred = []core.TimeRange{{Start: "2026-03-22T09:00", End: "2026-03-22T09:30"}}
			if _, err := svc.Request(ctx, officer("FR"), g.ID, req); err != nil {
				t.Errorf("a request for 09:00–09:30 on the day the clocks change is refused: %v", err)
			}
		})
	}
}

// TestICSHasNoBareControlCharacters: the schedule.ics is RFC 5545
// (README): content lines end with CRLF and TEXT values hold no control
// characters. A participant's name or a topic typed with a carriage
// return (the other delegation types them) must not end up as a bare CR
// in the other side's calendar, where a reader that takes CR as a line
// end sees properties the host never wrote. Either the request is refused
// naming the field, or the export carries no bare control character.
func TestICSHasNoBareControlCharacters(t *testing.T) {
	ctx := context.Background()
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			svc := newService(st)
			host := officer("MA")
			g, err := svc.CreateGathering(ctx, host, smallGathering())
			if err != nil {
				t.Fatal(err)
			}
			in := request("MA", "Officer Lina Haddad\rEND:VEVENT\rBEGIN:VEVENT\rUID:forged@manara\rSUMMARY:Forged")
			in.Topics = []string{"Fugitives\rLOCATION:Elsewhere", "Stolen\x1b[2Jvehicles"}
			m, err := svc.Request(ctx, officer("FR"), g.ID, in)
			if err != nil {
				if core.ErrorCode(err) == core.EINVALID {
					return // refused as bad input: fine
				}
				t.Fatal(err)
			}
			if _, err := svc.Answer(ctx, host, g.ID, m.ID, meetings.AnswerInput{Answer: "accept"}); err != nil {
				t.Fatal(err)
			}
			if _, err := svc.Plan(ctx, host, g.ID); err != nil {
				t.Fatal(err)
			}
			_, all, err := svc.Requests(ctx, host, g.ID, "MA")
			if err != nil {
				t.Fatal(err)
			}
			doc := meetings.ICS(g, "MA", all, meetings.Labels{Lang: "fr", Title: "Réunion bilatérale : %s", Topics: "Sujets", Participants: "Participants", Interpreter: "Interprétation", Room: "Salle"}, time.Now())
			if !strings.Contains(doc, m.ID+"@manara") {
				t.Fatalf("the meeting is not in the calendar:\n%s", doc)
			}
			for i, line := range strings.Split(strings.ReplaceAll(doc, "\r\n", "\n"), "\n") {
				for _, r := range line {
					if unicode.IsControl(r) && r != '\t' {
						t.Errorf("line %d holds the control character %U: %q", i+1, r, line)
						break
					}
				}
			}
		})
	}
}

// TestICSLinesEndWithCRLF: RFC 5545 §3.1 delimits content lines
// with CRLF, and a folded line is CRLF followed by one space. The README
// promises the schedule "RFC 5545"; the export ends its lines with a bare
// LF (the library's default), which strict calendar readers refuse.
func TestICSLinesEndWithCRLF(t *testing.T) {
	ctx := context.Background()
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			svc := newService(st)
			host := officer("MA")
			g, err := svc.CreateGathering(ctx, host, smallGathering())
			if err != nil {
				t.Fatal(err)
			}
			in := request("MA", "Officer Lina Haddad", "Inspector Karim Benali", "Commissaire Hugo Lambert")
			in.Topics = []string{"Cross-border fugitives, stolen vehicles; and the exchange of fingerprints between the two bureaus"}
			m, err := svc.Request(ctx, officer("FR"), g.ID, in)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := svc.Answer(ctx, host, g.ID, m.ID, meetings.AnswerInput{Answer: "accept"}); err != nil {
				t.Fatal(err)
			}
			if _, err := svc.Plan(ctx, host, g.ID); err != nil {
				t.Fatal(err)
			}
			_, all, err := svc.Requests(ctx, officer("FR"), g.ID, "")
			if err != nil {
				t.Fatal(err)
			}
			doc := meetings.ICS(g, "FR", all, meetings.Labels{Lang: "fr", Title: "Réunion bilatérale : %s", Topics: "Sujets", Participants: "Participants", Interpreter: "Interprétation", Room: "Salle"}, time.Now())
			if !strings.HasSuffix(doc, "END:VCALENDAR\r\n") {
				t.Errorf("the calendar does not end with CRLF: %q", doc[max(0, len(doc)-20):])
			}
			if n := strings.Count(doc, "\n") - strings.Count(doc, "\r\n"); n > 0 {
				t.Errorf("%d lines end with a bare LF, not CRLF:\n%q", n, doc)
			}
		})
	}
}
