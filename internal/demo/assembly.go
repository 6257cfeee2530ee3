package demo

import (
	"context"
	"fmt"

	"github.com/manara-hub/manara/internal/assembly"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/members"
)

// The demo's General Assembly: the 93rd session in Marrakech with the ten
// demo bureaus' delegations and two observers. Every person is invented.
// With ten delegations instead of 196, the session's quorum is set to 6
// (stated on every result).
var (
	demoHeads = map[string]string{
		"MA": "Yassine Bouhlal", "FR": "Claire Vasseur-Malet", "ES": "Rodrigo Peñalver Ustáriz", "NG": "Chinedu Okafor-Bello",
		"SA": "Faisal Al-Qahtawi", "BR": "Marina Tavares Lobo", "IN": "Anjali Raghunathan", "RU": "Oleg Vereshchagin-Tal",
		"CN": "Lin Haoyu", "US": "Dana Whitcombe",
	}
	demoDelegates = map[string]string{
		"MA": "Salma Ait Lahcen", "FR": "Bastien Orlhac", "ES": "Nuria Castellví Ibarz", "NG": "Adaeze Nwachukwu-Idris",
		"SA": "Nourah Al-Mutlaqi", "BR": "Caio Rezende Prado", "IN": "Vikram Sethuraman", "RU": "Irina Polevaya-Kost",
		"CN": "Zhou Minjie", "US": "Marcus Threlkeld",
	}
)

// loadAssembly holds the session through the assembly service, as the
// secretariat and the bureaus would: one resolution adopted, one
// rejected, the host of the 95th session chosen by acclamation, and a
// Delegate for Europe elected in two rounds of secret ballot.
func loadAssembly(ctx context.Context, st core.Store, heads map[string]core.Viewer, admin core.Viewer) error {
	svc := assembly.New(st)
	ses, err := svc.CreateSession(ctx, admin, assembly.SessionInput{Number: 93, Place: "Marrakech", StartsOn: "2025-11-24", EndsOn: "2025-11-27",
		Languages: []string{"ar", "en", "es", "fr"}, Quorum: 6})
	if err != nil {
		return err
	}
	for _, c := range Countries {
		v, ok := heads[c]
		if !ok {
			return fmt.Errorf("the demo assembly needs the bureau %s", c)
		}
		d, err := svc.RegisterDelegation(ctx, v, ses.ID, assembly.DelegationInput{Country: c,
			Head:      core.Person{Name: demoHeads[c], Title: "Head of the National Central Bureau"},
			Delegates: []core.Person{{Name: demoDelegates[c], Title: "Liaison officer"}}})
		if err != nil {
			return fmt.Errorf("delegation %s: %w", c, err)
		}
		if _, err := svc.ExamineCredentials(ctx, admin, d.ID, assembly.CredentialsInput{Decision: "accept"}); err != nil {
			return err
		}
	}
	for _, o := range [][2]string{{"United Nations", "Amadou Sissoko-Lamine"}, {"African Union Mechanism for Police Cooperation (AFRIPOL)", "Wanjiru Kamau-Odhiambo"}} {
		d, err := svc.RegisterDelegation(ctx, admin, ses.ID, assembly.DelegationInput{Observer: true, Organisation: o[0], Head: core.Person{Name: o[1], Title: "Observer"}})
		if err != nil {
			return err
		}
		if _, err := svc.ExamineCredentials(ctx, admin, d.ID, assembly.CredentialsInput{Decision: "accept"}); err != nil {
			return err
		}
	}
	for _, state := range []string{core.SessionConvened, core.SessionOpen} {
		if _, err := svc.SetSessionState(ctx, admin, ses.ID, state, 0); err != nil {
			return err
		}
	}
	docs := func(name string) []core.AgendaDocument {
		var out []core.AgendaDocument
		for _, l := range []string{"ar", "en", "es", "fr"} {
			out = append(out, core.AgendaDocument{Lang: l, Title: name + " (" + l + ")", URL: "https://example.org/ga93/" + name + "-" + l + ".pdf"})
		}
		return out
	}
	item := func(in assembly.ItemInput, proposer core.Viewer) (*core.AgendaItem, error) {
		it, err := svc.AddItem(ctx, proposer, ses.ID, in)
		if err != nil {
			return nil, fmt.Errorf("agenda item %q: %w", in.Title, err)
		}
		if it.Kind == core.ItemResolution {
			return svc.Table(ctx, admin, it.ID)
		}
		return it, nil
	}
	vote := func(itemID string, choices map[string]string) (*core.Round, error) {
		r, err := svc.OpenRound(ctx, admin, itemID, assembly.RoundInput{ClosesInMinutes: 60})
		if err != nil {
			return nil, err
		}
		for _, c := range Countries {
			b, err := assembly.NewBallot(r.PublicKey, nil)
			if err != nil {
				return nil, err
			}
			tok, err := svc.IssueToken(ctx, heads[c], r.ID, assembly.TokenInput{Blinded: b.BlindedB64()})
			if err != nil {
				return nil, fmt.Errorf("token of %s: %w", c, err)
			}
			in, err := b.Finalize(tok.BlindSignature, choices[c])
			if err != nil {
				return nil, err
			}
			if _, err := svc.CastBallot(ctx, r.ID, in); err != nil {
				return nil, fmt.Errorf("ballot of %s: %w", c, err)
			}
		}
		return svc.Round(ctx, r.ID)
	}

	for _, title := range []string{"Opening of the session and adoption of the agenda", "Report of the Secretary General on the activities of the Organization"} {
		if _, err := item(assembly.ItemInput{Kind: core.ItemPlain, Title: title, ProposedBy: members.Secretariat, Documents: docs("ga93-agenda")}, admin); err != nil {
			return err
		}
	}
	adopted, err := item(assembly.ItemInput{Kind: core.ItemResolution, Title: "Resolution on cooperation against online fraud targeting older people",
		Text: "The General Assembly encourages member countries to share the indicators of fraud campaigns through the hub.", ProposedBy: "MA", Documents: docs("ga93-res01")}, heads["MA"])
	if err != nil {
		return err
	}
	if _, err := vote(adopted.ID, map[string]string{"MA": "yes", "FR": "yes", "ES": "yes", "NG": "yes", "SA": "yes", "BR": "yes", "IN": "yes", "RU": "no", "CN": "abstain", "US": "blank"}); err != nil {
		return err
	}
	rejected, err := item(assembly.ItemInput{Kind: core.ItemResolution, Subject: assembly.SubjectConstitution,
		Title: "Amendment to the General Regulations on the terms of the Delegates", ProposedBy: members.Secretariat, Documents: docs("ga93-res02")}, admin)
	if err != nil {
		return err
	}
	if _, err := vote(rejected.ID, map[string]string{"MA": "yes", "FR": "yes", "ES": "yes", "NG": "yes", "BR": "yes", "IN": "yes", "SA": "no", "RU": "no", "CN": "no", "US": "no"}); err != nil {
		return err
	}
	host, err := item(assembly.ItemInput{Kind: core.ItemElection, Position: assembly.PositionHost, Title: "Host of the 95th session (2027)", ProposedBy: members.Secretariat}, admin)
	if err != nil {
		return err
	}
	if _, err := svc.Nominate(ctx, heads["BR"], host.ID, assembly.CandidateInput{Country: "BR", Name: "Recife"}); err != nil {
		return err
	}
	if _, err := svc.Acclaim(ctx, admin, host.ID); err != nil {
		return err
	}
	delegate, err := item(assembly.ItemInput{Kind: core.ItemElection, Position: assembly.PositionDelegate, Title: "Delegate for Europe on the Executive Committee", ProposedBy: members.Secretariat}, admin)
	if err != nil {
		return err
	}
	cand := map[string]string{}
	for c, name := range map[string]string{"FR": "Élodie Marchetti-Roux", "ES": "Inés Albarrán Quiroga", "RU": "Pavel Dorokhin"} {
		it, err := svc.Nominate(ctx, heads[c], delegate.ID, assembly.CandidateInput{Country: c, Name: name})
		if err != nil {
			return err
		}
		cand[c] = it.Candidates[len(it.Candidates)-1].ID
	}
	if _, err := svc.RequestVote(ctx, heads["NG"], delegate.ID, assembly.CountryInput{}); err != nil {
		return err
	}
	// Round 1: no majority; the fewest votes (RU) are dropped.
	if _, err := vote(delegate.ID, map[string]string{"FR": cand["FR"], "MA": cand["FR"], "NG": cand["FR"], "US": cand["FR"],
		"ES": cand["ES"], "BR": cand["ES"], "IN": cand["ES"], "SA": cand["ES"], "RU": cand["RU"], "CN": cand["RU"]}); err != nil {
		return err
	}
	// Round 2: ES has a majority of the votes cast.
	_, err = vote(delegate.ID, map[string]string{"FR": cand["FR"], "NG": cand["FR"], "US": cand["FR"], "RU": cand["FR"],
		"ES": cand["ES"], "BR": cand["ES"], "IN": cand["ES"], "SA": cand["ES"], "MA": cand["ES"], "CN": cand["ES"]})
	return err
}
