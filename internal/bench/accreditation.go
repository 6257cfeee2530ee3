package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"time"

	"github.com/manara-hub/manara/internal/accreditation"
	"github.com/manara-hub/manara/internal/audit"
	"github.com/manara-hub/manara/internal/auth"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/meetings"
	"github.com/manara-hub/manara/internal/notices"
	"github.com/manara-hub/manara/internal/records"
	"github.com/manara-hub/manara/internal/screen"
	"github.com/manara-hub/manara/internal/web/api"
)

// accreditationParticipants is how many fictitious participants the
// accreditation suite screens in batch; accreditationTries how many
// notices it publishes to time the alert.
const (
	accreditationParticipants = 10_000
	accreditationTries        = 9
)

// accreditationSuite screens an accreditation list of 10,000 fictitious
// participants in batch, in process on SQLite, against what the lists
// suites load (OFAC and UN, as records), through the API server's
// screening path (audit, hit records); then, with continuous screening
// running, publishes Red Notices about participants already accredited
// and measures the delay from each publication to the alert.
func accreditationSuite(ctx context.Context, o Options) ([]Row, error) {
	un, err := loadUN(o.Corpora)
	if err != nil {
		return []Row{{Dataset: "accreditation", Metric: "skipped", Value: "the UN list is not at " + o.Corpora + ": " + err.Error()}}, nil
	}
	ofac, err := loadOFAC(o.Corpora)
	if err != nil {
		return []Row{{Dataset: "accreditation", Metric: "skipped", Value: "the OFAC list is not at " + o.Corpora + ": " + err.Error()}}, nil
	}
	all := append(append([]entry{}, ofac...), un...)
	st, done, err := tempStore(ctx, "accreditation")
	if err != nil {
		return nil, err
	}
	defer done()
	if err := storeEntries(ctx, st, all); err != nil {
		return nil, err
	}
	idx := screen.New()
	seq, err := idx.Load(ctx, st, nil)
	if err != nil {
		return nil, err
	}
	rs := records.New(st)
	srv := api.New(st, auth.NewService(st), rs, slog.New(slog.NewTextHandler(io.Discard, nil)), api.Config{Version: "bench"})
	srv.Screen = idx
	aw := audit.NewWriter(st, nil, 10_000, 5*time.Millisecond)
	srv.ReadAudit = aw
	defer aw.Close()
	defer srv.Close()
	// As `manara serve` wires it: a write brings the index up to date and
	// wakes continuous screening.
	follow := idx.Follower(st, seq)
	wake := make(chan struct{}, 1)
	rs.Changed = func() {
		follow()
		select {
		case wake <- struct{}{}:
		default:
		}
	}
	host := core.Viewer{Bureau: "MA", UserID: "bench-security-unit", Role: core.RoleOfficer, Permissions: core.RolePermissions(core.RoleOfficer)}
	owner := core.Viewer{Bureau: "ES", UserID: "bench-es", Role: core.RoleOfficer, Permissions: core.RolePermissions(core.RoleOfficer)}
	reviewer := core.Viewer{Bureau: "IPSG", UserID: "bench-reviewer", Role: core.RoleReviewer, Permissions: core.RolePermissions(core.RoleReviewer)}
	now := time.Now().UTC()
	today := now.Format(time.DateOnly)
	g, err := srv.Meetings.CreateGathering(ctx, host, meetings.GatheringInput{Name: "Bench conference", TimeZone: "UTC", Days: []string{today, now.AddDate(0, 0, 1).Format(time.DateOnly)},
		DayStart: "09:00", SlotMinutes: 30, SlotsPerDay: 8, Rooms: []core.GatheringRoom{{ID: "r1", Name: "Hall", Capacity: 50}}})
	if err != nil {
		return nil, fmt.Errorf("create the gathering: %w", err)
	}
	pop := newPopulation(o.Seed)
	list := accreditation.ListInput{}
	for i := range accreditationParticipants {
		p := pop.person()
		d := pop.document()
		list.Participants = append(list.Participants, accreditation.AttendeeInput{Ref: fmt.Sprintf("B-%05d", i),
			Category: core.AttendeeCategories[i%4], Name: p.Names[0], OtherNames: p.Names[1:], DateOfBirth: p.DateOfBirth, Sex: p.Sex,
			Nationalities: []string{p.Nationality}, Documents: []accreditation.DocumentInput{{Number: d.Number, Country: d.Country, Type: "passport"}}})
	}
	ds := fmt.Sprintf("accreditation: %d fictitious participants vs OFAC+UN (%d records), SQLite, in process", accreditationParticipants, len(all))
	o.logf("accreditation: importing and screening %d participants", accreditationParticipants)
	t0 := time.Now()
	res, err := srv.Accreditation.ImportJSON(ctx, host, g.ID, list)
	took := time.Since(t0)
	if err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	names := 0
	for _, p := range list.Participants {
		names += 1 + len(p.OtherNames)
	}
	rows := []Row{
		{Dataset: ds, Metric: "import + batch screening (names and passports)", Value: fmt.Sprintf("%s (%.0f participants/s; %d name and %d document screenings)", took.Round(time.Millisecond), float64(res.Imported)/took.Seconds(), names, len(list.Participants))},
		{Dataset: ds, Metric: "queue after screening", Value: fmt.Sprintf("cleared %d, review %d, hit %d", res.Counts[core.AttendeeCleared], res.Counts[core.AttendeeReview], res.Counts[core.AttendeeHit])},
	}

	// Continuous screening: from the change feed as it is now.
	// The lists' own records are changes too: read them first, so that
	// each try times its own notice only.
	t0 = time.Now()
	for more := true; more; {
		if _, more, err = srv.Accreditation.CheckChanges(ctx); err != nil {
			return rows, err
		}
	}
	rows = append(rows, Row{Dataset: ds, Metric: fmt.Sprintf("continuous screening: the %d list records' changes checked against the participants", len(all)),
		Value: fmt.Sprintf("%s (%d participants re-screened)", time.Since(t0).Round(time.Millisecond), srv.Accreditation.Rescreened())})
	before := srv.Accreditation.Rescreened()
	wctx, stop := context.WithCancel(ctx)
	defer stop()
	go srv.Accreditation.Watch(wctx, 250*time.Millisecond, wake)
	srv.Notices.Changed = rs.Changed
	cleared, err := srv.Accreditation.List(ctx, host, g.ID, accreditation.ListFilter{Status: core.AttendeeCleared, Limit: 500})
	if err != nil {
		return rows, err
	}
	var delays []time.Duration
	var afterSeq int64
	st.View(ctx, func(tx core.Tx) error { afterSeq, err = tx.LastEvent(); return err })
	for k := range accreditationTries {
		if k*37 >= len(cleared.Items) {
			break
		}
		a := cleared.Items[k*37]
		data, _ := json.Marshal(map[string]any{"family_name": a.Name, "sex": "M", "date_of_birth": a.DateOfBirth, "nationalities": a.Nationalities,
			"description": "invented for the benchmark", "purpose": "prosecution",
			"charges":               []map[string]any{{"offence": "Fraud", "translation": "Escroquerie", "law": "Penal Code, art. 248", "max_penalty_years": 5}},
			"warrant":               map[string]any{"kind": "arrest_warrant", "reference": fmt.Sprintf("AW-B-%d", k), "date": "2025-09-01", "authority": "Investigating judge", "country": "ES"},
			"extradition_countries": []string{"MA"}})
		n, err := srv.Notices.Create(ctx, owner, notices.Input{Type: notices.TypeRed, Data: data})
		if err != nil {
			return rows, fmt.Errorf("notice: %w", err)
		}
		if _, err := srv.Notices.Submit(ctx, owner, n.Notice.ID, 0); err != nil {
			return rows, err
		}
		if _, err := srv.Notices.Decide(ctx, reviewer, n.Notice.ID, notices.Decision{Decision: "publish"}); err != nil {
			return rows, err
		}
		published := time.Now()
		for {
			var evs []core.Event
			err := st.View(ctx, func(tx core.Tx) error { evs, err = tx.Events(afterSeq, "MA", 100); return err })
			if err != nil {
				return rows, err
			}
			found := false
			for _, e := range evs {
				afterSeq = e.Seq
				if e.Type == accreditation.EventAlert && e.Subject == a.ID {
					found = true
				}
			}
			if found {
				delays = append(delays, time.Since(published))
				break
			}
			if time.Since(published) > 30*time.Second {
				rows = append(rows, Row{Dataset: ds, Metric: "alert after a notice", Value: "no alert within 30 s for " + a.Ref})
				break
			}
			time.Sleep(time.Millisecond)
		}
	}
	if len(delays) > 0 {
		slices.Sort(delays)
		rows = append(rows, Row{Dataset: ds, Metric: fmt.Sprintf("notice published → alert on an accredited participant (median / max of %d; poll 1 ms)", len(delays)),
			Value: fmt.Sprintf("%s / %s (%.1f participants re-screened per notice)", delays[len(delays)/2].Round(100*time.Microsecond), delays[len(delays)-1].Round(100*time.Microsecond),
				float64(srv.Accreditation.Rescreened()-before)/float64(len(delays)))})
	}
	return rows, nil
}
