package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/meetings"
)

// The demo gathering: a General Assembly session hosted by Morocco's
// bureau, with rooms at two venues, interpreters, the plenary agenda and
// bilateral meeting requests between 45 delegations (member bureaus and
// organisations), planned. Every participant is invented.

// MeetingsRequested is when the demo's meeting requests are made: ten
// days before the session opens.
var MeetingsRequested = time.Date(2025, 11, 14, 10, 0, 0, 0, time.UTC)

// GatheringName is the demo gathering's name.
const GatheringName = "93rd INTERPOL General Assembly, Marrakech, 24–27 November 2025"

var meetingBureaus = []string{"MA", "FR", "ES", "SA", "NG", "BR", "IN", "RU", "CN", "US", "DZ", "TN", "EG", "SN", "CI", "CM", "KE", "ZA",
	"DE", "IT", "BE", "NL", "PT", "GB", "TR", "AE", "QA", "JO", "LB", "MX", "AR", "CO", "CL", "CA", "JP", "KR", "ID", "AU"}

var meetingOrgs = []core.GatheringParty{{Code: "AFRIPOL", Name: "AFRIPOL"}, {Code: "UNODC", Name: "UNODC"}, {Code: "EUROPOL", Name: "Europol"},
	{Code: "AMERIPOL", Name: "AMERIPOL"}, {Code: "GCCPOL", Name: "GCCPOL"}, {Code: "ASEANAPOL", Name: "ASEANAPOL"}, {Code: "WCO-OMD", Name: "World Customs Organization"}}

var (
	demoTitles  = []string{"Commissioner", "Inspector", "Superintendent", "Chief Inspector", "Director", "Officer"}
	demoGiven   = []string{"Amal", "Yassine", "Claire", "Diego", "Ngozi", "Haruki", "Leila", "Tomás", "Ingrid", "Rachid", "Mei", "Oumar", "Sofia", "Kwame", "Nadia", "Pablo", "Farida", "Lars", "Zainab", "Mateo"}
	demoFamily  = []string{"Berradi", "Lefortier", "Okonkwoh", "Tanakara", "Valdemoro", "Benslimani", "Quintanel", "Abakari", "Marchetton", "Haddouchi", "Sorvinen", "Ndiayeh", "Castellaro", "Mbekwe", "Rahmouni", "Delacombe"}
	demoTopics  = []string{"Fugitives wanted in both countries", "Stolen vehicles on the Mediterranean route", "Cybercrime: ransomware groups", "Trafficking in human beings", "Drug trafficking by sea", "Counterfeit medicines", "Environmental crime: wildlife trafficking", "Terrorist financing", "Missing persons", "Firearms trafficking", "Financial fraud and money laundering", "Information exchange on travel documents"}
	demoLangOf  = map[string]string{"MA": "ar", "SA": "ar", "DZ": "ar", "TN": "ar", "EG": "ar", "AE": "ar", "QA": "ar", "JO": "ar", "LB": "ar", "GCCPOL": "ar", "FR": "fr", "SN": "fr", "CI": "fr", "CM": "fr", "BE": "fr", "AFRIPOL": "fr", "ES": "es", "MX": "es", "AR": "es", "CO": "es", "CL": "es", "AMERIPOL": "es"}
	demoPairsOf = []string{"ar-fr", "ar-en", "en-fr", "en-es", "es-fr", "ar-es"}
)

func demoLang(party string) string {
	if l, ok := demoLangOf[party]; ok {
		return l
	}
	return "en"
}

// LoadMeetings creates the demo gathering and its requests, answers most
// and plans them.
func LoadMeetings(ctx context.Context, svc *meetings.Service, seed uint64) (*core.Gathering, error) {
	rng := rand.New(rand.NewPCG(seed, 93))
	viewer := func(bureau string) core.Viewer {
		return core.Viewer{Bureau: bureau, UserID: "demo-" + bureau, Role: core.RoleOfficer, Permissions: core.RolePermissions(core.RoleOfficer), Remote: "demo"}
	}
	host := viewer("MA")
	// The session is over by the clock, and requests are taken only
	// until a gathering ends: they are made as delegations made them,
	// in the weeks before it.
	saved := svc.Now
	defer func() { svc.Now = saved }()
	svc.Now = func() time.Time { return MeetingsRequested }
	in := meetings.GatheringInput{
		Name: GatheringName, TimeZone: "Africa/Casablanca", Days: []string{"2025-11-24", "2025-11-25", "2025-11-26", "2025-11-27"},
		DayStart: "08:30", SlotMinutes: 30, SlotsPerDay: 18, Venues: []string{"Palais des Congrès", "Hôtel Atlas annex"}, TravelMinutes: 15,
		Organisations: meetingOrgs,
	}
	for i := range 12 {
		venue := in.Venues[0]
		if i >= 8 {
			venue = in.Venues[1]
		}
		r := core.GatheringRoom{ID: fmt.Sprintf("room-%02d", i+1), Name: fmt.Sprintf("Bilateral room %d", i+1), Venue: venue, Capacity: 6 + 2*(i%4)}
		if i%3 == 0 {
			r.Equipment = []string{"screen"}
		}
		in.Rooms = append(in.Rooms, r)
	}
	for i := range 12 {
		in.Interpreters = append(in.Interpreters, core.Interpreter{ID: fmt.Sprintf("int-%02d", i+1), Name: fmt.Sprintf("Interpreter %d", i+1),
			Pairs: []string{demoPairsOf[i%len(demoPairsOf)]}, Hours: 24})
	}
	for _, day := range in.Days {
		in.Agenda = append(in.Agenda, core.Plenary{Title: "Plenary session", Times: core.TimeRange{Start: day + "T09:00", End: day + "T11:00"}})
	}
	in.Agenda = append(in.Agenda, core.Plenary{Title: "Elections", Times: core.TimeRange{Start: "2025-11-27T15:00", End: "2025-11-27T17:30"}})
	g, err := svc.CreateGathering(ctx, host, in)
	if err != nil {
		return nil, fmt.Errorf("demo gathering: %w", err)
	}
	parties := append([]string{}, meetingBureaus...)
	for _, o := range meetingOrgs {
		parties = append(parties, o.Code)
	}
	person := func() string {
		return demoTitles[rng.IntN(len(demoTitles))] + " " + demoGiven[rng.IntN(len(demoGiven))] + " " + demoFamily[rng.IntN(len(demoFamily))]
	}
	actor := func(party string) (core.Viewer, string) {
		for _, o := range meetingOrgs {
			if o.Code == party {
				return host, party // the host acts for the organisations
			}
		}
		return viewer(party), ""
	}
	for i := range 140 {
		from := parties[rng.IntN(len(parties))]
		to := parties[rng.IntN(len(parties))]
		if from == to {
			continue
		}
		v, as := actor(from)
		req := meetings.RequestInput{From: as, To: to, Topics: []string{demoTopics[rng.IntN(len(demoTopics))]}, Minutes: 30 * (1 + rng.IntN(2)), Priority: 1 + rng.IntN(5),
			Participants: []core.Participant{{Name: person(), Party: from}, {Name: person(), Party: to}}}
		if rng.IntN(2) == 0 {
			req.Participants = append(req.Participants, core.Participant{Name: person(), Party: from})
		}
		if a, b := demoLang(from), demoLang(to); a != b {
			req.Languages = []string{a, b}
		} else {
			req.Languages = []string{a}
		}
		if rng.IntN(4) == 0 {
			day := in.Days[rng.IntN(len(in.Days))]
			req.Impossible = []core.TimeRange{{Start: day + "T14:00", End: day + "T17:30"}}
		}
		if rng.IntN(3) == 0 {
			req.Preferred = []core.TimeRange{{Start: in.Days[1+rng.IntN(2)] + "T11:00", End: in.Days[1] + "T13:00"}}
			req.Preferred[0].End = req.Preferred[0].Start[:10] + "T13:00"
		}
		m, err := svc.Request(ctx, v, g.ID, req)
		if err != nil {
			return nil, fmt.Errorf("demo meeting request %d: %w", i, err)
		}
		answer := "accept"
		switch x := rng.IntN(10); {
		case x == 0:
			answer = "decline"
		case x == 1:
			continue // left for the other party to answer
		}
		av, _ := actor(to)
		if _, err := svc.Answer(ctx, av, g.ID, m.ID, meetings.AnswerInput{Answer: answer}); err != nil {
			return nil, fmt.Errorf("demo meeting answer %d: %w", i, err)
		}
	}
	if _, err := svc.Plan(ctx, host, g.ID); err != nil {
		return nil, fmt.Errorf("demo plan: %w", err)
	}
	return g, nil
}
