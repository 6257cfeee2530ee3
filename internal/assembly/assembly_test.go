package assembly_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/assembly"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/store/storetest"
)

var ctx = context.Background()

var secretariat = core.Viewer{Bureau: "IPSG", Role: core.RoleAdmin, UserID: "user-ipsg-admin", Permissions: core.RolePermissions(core.RoleAdmin)}

func bureau(c string) core.Viewer {
	return core.Viewer{Bureau: c, Role: core.RoleSupervisor, UserID: "user-" + c, Permissions: core.RolePermissions(core.RoleSupervisor)}
}

// world is an open session with accredited delegations.
type world struct {
	t   *testing.T
	svc *assembly.Service
	st  core.Store
	ses *core.AssemblySession
	del map[string]*core.Delegation
}

// fictitious heads of delegation, one per country, invented.
func headOf(c string) core.Person {
	return core.Person{Name: "Head of delegation " + c, Title: "Director of the NCB"}
}

func newWorld(t *testing.T, st core.Store, quorum int, accredited []string, others map[string]string) *world {
	t.Helper()
	svc := assembly.New(st)
	svc.KeyBits = 1024 // a test's rounds need keys fast; the server uses 2048
	ses, err := svc.CreateSession(ctx, secretariat, assembly.SessionInput{Number: 93, Place: "Marrakech", StartsOn: "2025-11-24", EndsOn: "2025-11-27", Quorum: quorum})
	if err != nil {
		t.Fatal(err)
	}
	w := &world{t: t, svc: svc, st: st, ses: ses, del: map[string]*core.Delegation{}}
	register := func(c, decision string) {
		d, err := svc.RegisterDelegation(ctx, bureau(c), ses.ID, assembly.DelegationInput{Country: c, Head: headOf(c)})
		if err != nil {
			t.Fatalf("register %s: %v", c, err)
		}
		if decision != "" {
			reason := ""
			if decision == "reject" {
				reason = "credentials not signed by the competent authority"
			}
			if d, err = svc.ExamineCredentials(ctx, secretariat, d.ID, assembly.CredentialsInput{Decision: decision, Reason: reason}); err != nil {
				t.Fatalf("credentials %s: %v", c, err)
			}
		}
		w.del[c] = d
	}
	for _, c := range accredited {
		register(c, "accept")
	}
	for c, decision := range others {
		register(c, decision)
	}
	for _, state := range []string{core.SessionConvened, core.SessionOpen} {
		if ses, err = svc.SetSessionState(ctx, secretariat, ses.ID, state, 0); err != nil {
			t.Fatal(err)
		}
	}
	w.ses = ses
	return w
}

func (w *world) item(in assembly.ItemInput) *core.AgendaItem {
	w.t.Helper()
	it, err := w.svc.AddItem(ctx, secretariat, w.ses.ID, in)
	if err != nil {
		w.t.Fatalf("add item: %v", err)
	}
	if it.Kind == core.ItemResolution || it.Kind == core.ItemAmendment {
		if it, err = w.svc.Table(ctx, secretariat, it.ID); err != nil {
			w.t.Fatal(err)
		}
	}
	return it
}

// ballot takes c's token for r and returns the ballot to cast.
func (w *world) ballot(r *core.Round, c, choice string) (assembly.BallotInput, error) {
	b, err := assembly.NewBallot(r.PublicKey, nil)
	if err != nil {
		w.t.Fatal(err)
	}
	tok, err := w.svc.IssueToken(ctx, bureau(c), r.ID, assembly.TokenInput{Blinded: b.BlindedB64()})
	if err != nil {
		return assembly.BallotInput{}, err
	}
	in, err := b.Finalize(tok.BlindSignature, choice)
	if err != nil {
		w.t.Fatal(err)
	}
	return in, nil
}

func (w *world) vote(r *core.Round, choices map[string]string) {
	w.t.Helper()
	for c, choice := range choices {
		in, err := w.ballot(r, c, choice)
		if err != nil {
			w.t.Fatalf("token %s: %v", c, err)
		}
		if _, err := w.svc.CastBallot(ctx, r.ID, in); err != nil {
			w.t.Fatalf("ballot %s: %v", c, err)
		}
	}
}

func (w *world) round(itemID string) *core.Round {
	w.t.Helper()
	r, err := w.svc.OpenRound(ctx, secretariat, itemID, assembly.RoundInput{})
	if err != nil {
		w.t.Fatalf("open round: %v", err)
	}
	return r
}

func (w *world) close(r *core.Round) *core.Round {
	w.t.Helper()
	got, err := w.svc.Round(ctx, r.ID)
	if err != nil {
		w.t.Fatal(err)
	}
	if got.State == core.RoundOpen {
		if got, err = w.svc.CloseRound(ctx, secretariat, r.ID); err != nil {
			w.t.Fatal(err)
		}
	}
	w.verify(got)
	return got
}

// verify recomputes the closed round's tally from its public board.
func (w *world) verify(r *core.Round) {
	w.t.Helper()
	f, err := w.svc.Board(ctx, r.ID)
	if err != nil {
		w.t.Fatal(err)
	}
	v := assembly.VerifyBoard(f)
	if len(v.Problems) > 0 {
		w.t.Fatalf("board of round %s does not verify: %v", r.ID, v.Problems)
	}
	if f.Round.Result == nil {
		w.t.Fatalf("closed round has no result")
	}
}

func getItem(t *testing.T, st core.Store, id string) *core.AgendaItem {
	var it *core.AgendaItem
	if err := st.View(ctx, func(tx core.Tx) error {
		var err error
		it, err = tx.GetAgendaItem(id)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return it
}

func wantCode(t *testing.T, err error, code, what string) {
	t.Helper()
	if core.ErrorCode(err) != code {
		t.Fatalf("%s: error %v, want %s", what, err, code)
	}
}

// TestResolutionsAndElections: one resolution adopted, one (two-thirds)
// rejected, an amendment voted before its resolution, an election by
// acclamation, an election of the President in two rounds, and the
// Executive Committee and region rules.
func TestResolutionsAndElections(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			countries := []string{"MA", "FR", "ES", "NG", "SA", "BR", "IN"}
			w := newWorld(t, b.Open(t), 5, countries, nil)

			res := w.item(assembly.ItemInput{Kind: core.ItemResolution, Title: "Resolution on cooperation against online fraud", ProposedBy: "MA"})
			amd := w.item(assembly.ItemInput{Kind: core.ItemAmendment, Title: "Amendment: add a review after two years", Amends: res.ID, ProposedBy: "FR"})
			if _, err := w.svc.OpenRound(ctx, secretariat, res.ID, assembly.RoundInput{}); core.ErrorCode(err) != core.ECONFLICT {
				t.Fatalf("a resolution with an amendment not yet voted: %v, want conflict", err)
			}
			r := w.round(amd.ID)
			w.vote(r, map[string]string{"MA": "yes", "FR": "yes", "ES": "no", "NG": "abstain", "SA": "yes", "BR": "blank", "IN": "invalid"})
			r = w.close(r) // every eligible country voted: closed by the last ballot
			if r.Result.Outcome != core.ItemAdopted || r.Result.Cast != 4 || r.Result.Abstain != 1 || r.Result.Blank != 1 || r.Result.Invalid != 1 {
				t.Fatalf("amendment result %+v", r.Result)
			}
			r = w.round(res.ID)
			w.vote(r, map[string]string{"MA": "yes", "FR": "yes", "ES": "yes", "NG": "no"})
			r = w.close(r)
			if r.Result.Outcome != core.ItemAdopted || r.Result.Ballots != 4 || !r.Quorum.Met || r.Quorum.Required != 5 || r.Quorum.Present != 7 {
				t.Fatalf("resolution result %+v quorum %+v", r.Result, r.Quorum)
			}
			if it := getItem(t, w.st, res.ID); it.State != core.ItemAdopted || it.Outcome.Method != "ballot" {
				t.Fatalf("resolution %+v", it)
			}

			cons := w.item(assembly.ItemInput{Kind: core.ItemResolution, Subject: assembly.SubjectConstitution, Title: "Amendment to Article 12 of the Constitution", ProposedBy: "IPSG"})
			r = w.round(cons.ID)
			// 4 yes of 7 cast is a simple majority, far from two-thirds of
			// all 196 members.
			w.vote(r, map[string]string{"MA": "yes", "FR": "yes", "ES": "yes", "NG": "yes", "SA": "no", "BR": "no", "IN": "no"})
			r = w.close(r)
			if r.Rule != assembly.RuleTwoThirdsOfMembers || r.Result.Outcome != core.ItemRejected {
				t.Fatalf("constitution: rule %s result %+v", r.Rule, r.Result)
			}

			host := w.item(assembly.ItemInput{Kind: core.ItemElection, Position: assembly.PositionHost, Title: "Host of the 95th session"})
			h1, err := w.svc.Nominate(ctx, bureau("MA"), host.ID, assembly.CandidateInput{Country: "MA", Name: "Fès"})
			if err != nil {
				t.Fatal(err)
			}
			h2, err := w.svc.Nominate(ctx, bureau("BR"), host.ID, assembly.CandidateInput{Country: "BR", Name: "Recife"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := w.svc.Acclaim(ctx, secretariat, host.ID); core.ErrorCode(err) != core.ECONFLICT {
				t.Fatalf("acclamation with two candidates: %v", err)
			}
			if _, err := w.svc.Withdraw(ctx, bureau("BR"), host.ID, h2.Candidates[1].ID); err != nil {
				t.Fatal(err)
			}
			got, err := w.svc.Acclaim(ctx, secretariat, host.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Outcome.Method != "acclamation" || got.Outcome.Winner != h1.Candidates[0].ID || got.Rounds != 0 {
				t.Fatalf("acclamation %+v", got.Outcome)
			}

			pres := w.item(assembly.ItemInput{Kind: core.ItemElection, Position: assembly.PositionPresident, Title: "President of the Organization"})
			var cands []string
			for _, c := range []string{"NG", "IN", "ES"} {
				it, err := w.svc.Nominate(ctx, bureau(c), pres.ID, assembly.CandidateInput{Country: c, Name: "Candidate of " + c})
				if err != nil {
					t.Fatal(err)
				}
				cands = append(cands, it.Candidates[len(it.Candidates)-1].ID)
			}
			// NG's country cannot run for a second seat of the Committee.
			vp := w.item(assembly.ItemInput{Kind: core.ItemElection, Position: assembly.PositionVicePresident, Region: "Africa", Title: "Vice-President for Africa"})
			if _, err := w.svc.Nominate(ctx, bureau("NG"), vp.ID, assembly.CandidateInput{Country: "NG", Name: "Another candidate of NG"}); core.ErrorCode(err) != core.EINVALID {
				t.Fatalf("a second Executive Committee candidacy: %v", err)
			}
			if _, err := w.svc.Nominate(ctx, bureau("FR"), vp.ID, assembly.CandidateInput{Country: "FR", Name: "Candidate of FR"}); core.ErrorCode(err) != core.EINVALID {
				t.Fatalf("a European candidate for Africa's seat: %v", err)
			}
			if _, err := w.svc.RequestVote(ctx, bureau("SA"), pres.ID, assembly.CountryInput{}); err != nil {
				t.Fatal(err)
			}
			r = w.round(pres.ID)
			// Round 1: 4 of 7 is not two-thirds.
			w.vote(r, map[string]string{"MA": cands[0], "FR": cands[0], "ES": cands[2], "NG": cands[0], "SA": cands[0], "BR": cands[1], "IN": cands[1]})
			r = w.close(r)
			if r.Rule != assembly.RuleTwoThirds || r.Result.Outcome != "no_decision" || len(r.Result.Dropped) != 0 {
				t.Fatalf("round 1 %+v", r.Result)
			}
			r = w.round(pres.ID)
			w.vote(r, map[string]string{"MA": cands[0], "FR": cands[0], "ES": cands[0], "NG": cands[0], "SA": cands[0], "BR": cands[1], "IN": "blank"})
			r = w.close(r)
			if r.Number != 2 || r.Result.Outcome != "elected" || r.Result.Winner != cands[0] {
				t.Fatalf("round 2 %+v", r.Result)
			}
			if it := getItem(t, w.st, pres.ID); it.State != core.ItemDecided || it.Outcome.Winner != cands[0] || it.Rounds != 2 || it.TermYears != 4 {
				t.Fatalf("president %+v", it)
			}
		})
	}
}

// TestBadBallots: a vote outside an open round, a spent token, a forged
// token, a token of another round, a ballot for a withdrawn candidate, a
// delegation without accepted credentials, quorum not met: each refused
// with its code, nothing counted, and audited.
func TestBadBallots(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			w := newWorld(t, b.Open(t), 3, []string{"MA", "FR", "ES"}, map[string]string{"NG": "", "SA": "reject"})
			el := w.item(assembly.ItemInput{Kind: core.ItemElection, Position: assembly.PositionDelegate, Title: "Delegate for Europe"})
			var ids []string
			for _, c := range []string{"FR", "ES"} {
				it, err := w.svc.Nominate(ctx, bureau(c), el.ID, assembly.CandidateInput{Country: c, Name: "Candidate of " + c})
				if err != nil {
					t.Fatal(err)
				}
				ids = append(ids, it.Candidates[len(it.Candidates)-1].ID)
			}
			it, err := w.svc.Nominate(ctx, bureau("MA"), el.ID, assembly.CandidateInput{Country: "MA", Name: "Candidate of MA"})
			if err != nil {
				t.Fatal(err)
			}
			withdrawn := it.Candidates[2].ID
			if _, err := w.svc.Withdraw(ctx, bureau("MA"), el.ID, withdrawn); err != nil {
				t.Fatal(err)
			}
			r := w.round(el.ID)
			other := w.round(w.item(assembly.ItemInput{Kind: core.ItemResolution, Title: "Another question"}).ID)

			// Without accepted credentials: no token.
			_, err = w.ballot(r, "NG", ids[0])
			wantCode(t, err, core.EFORBIDDEN, "pending credentials")
			_, err = w.ballot(r, "SA", ids[0])
			wantCode(t, err, core.EFORBIDDEN, "rejected credentials")

			good, err := w.ballot(r, "MA", ids[0])
			if err != nil {
				t.Fatal(err)
			}
			// A second token for the same country.
			_, err = w.ballot(r, "MA", ids[0])
			wantCode(t, err, core.ECONFLICT, "second token")

			// The withdrawn candidate: refused, the token stays unspent.
			bad := good
			bad.Choice = withdrawn
			_, err = w.svc.CastBallot(ctx, r.ID, bad)
			wantCode(t, err, core.EINVALID, "withdrawn candidate")

			// A forged signature, and a token of another round.
			forged := good
			sig, _ := base64.RawURLEncoding.DecodeString(good.Signature)
			sig[10] ^= 1
			forged.Signature = base64.RawURLEncoding.EncodeToString(sig)
			_, err = w.svc.CastBallot(ctx, r.ID, forged)
			wantCode(t, err, core.EFORBIDDEN, "forged signature")
			foreign, err := w.ballot(other, "FR", "yes")
			if err != nil {
				t.Fatal(err)
			}
			foreign.Choice = ids[0]
			_, err = w.svc.CastBallot(ctx, r.ID, foreign)
			wantCode(t, err, core.EFORBIDDEN, "another round's token")

			if _, err := w.svc.CastBallot(ctx, r.ID, good); err != nil {
				t.Fatal(err)
			}
			_, err = w.svc.CastBallot(ctx, r.ID, good)
			wantCode(t, err, core.ECONFLICT, "spent token")

			r = w.close(r)
			if r.Result.Ballots != 1 || r.Result.Counts[ids[0]] != 1 {
				t.Fatalf("counted %+v, want the one good ballot", r.Result)
			}
			late, _ := w.ballot(other, "ES", "yes")
			w.svc.CloseRound(ctx, secretariat, other.ID)
			_, err = w.svc.CastBallot(ctx, other.ID, late)
			wantCode(t, err, core.ECONFLICT, "ballot after closing")

			// Quorum: 3 accredited, 4 required.
			w2 := newWorld(t, b.Open(t), 4, []string{"MA", "FR", "ES"}, nil)
			q := w2.item(assembly.ItemInput{Kind: core.ItemResolution, Title: "A question without quorum"})
			_, err = w2.svc.OpenRound(ctx, secretariat, q.ID, assembly.RoundInput{})
			wantCode(t, err, core.ECONFLICT, "quorum")

			// Every refusal is in the audit log.
			var es []core.AuditEntry
			w.st.View(ctx, func(tx core.Tx) error { es, err = tx.AuditEntries(0, 10000); return err })
			refused := map[string]int{}
			for _, e := range es {
				if e.Outcome != "ok" {
					refused[e.Action+" "+e.Outcome]++
				}
			}
			want := map[string]int{"assembly.token denied": 2, "assembly.token conflict": 1, "assembly.ballot invalid": 1, "assembly.ballot denied": 2, "assembly.ballot conflict": 2}
			for k, n := range want {
				if refused[k] != n {
					t.Errorf("audit: %d %q, want %d (all: %v)", refused[k], k, n, refused)
				}
			}
		})
	}
}

// TestRandomRounds (property): random rounds with voters, abstentions,
// withdrawals, repeated and forged tokens. The published tally always
// equals the count of the board, no token counts twice, and no
// accredited delegation is refused its token or its first ballot.
func TestRandomRounds(t *testing.T) {
	all := []string{"MA", "FR", "ES", "NG", "SA", "BR", "IN", "RU", "CN", "US", "DZ", "TN", "EG", "SN", "KE", "AR", "MX", "JP", "DE", "IT"}
	for _, b := range storetest.Backends(t) {
		for seed := uint64(1); seed <= 4; seed++ {
			t.Run(fmt.Sprintf("%s/seed=%d", b.Name, seed), func(t *testing.T) {
				rng := mrand.New(mrand.NewPCG(seed, 93))
				n := 3 + rng.IntN(len(all)-3)
				perm := rng.Perm(len(all))
				var acc []string
				others := map[string]string{}
				for i, p := range perm[:n] {
					switch {
					case i < 3 || rng.IntN(5) > 0:
						acc = append(acc, all[p])
					case rng.IntN(2) == 0:
						others[all[p]] = ""
					default:
						others[all[p]] = "reject"
					}
				}
				w := newWorld(t, b.Open(t), 1, acc, others)
				for round := 0; round < 6; round++ {
					var it *core.AgendaItem
					var choices []string
					if rng.IntN(2) == 0 {
						it = w.item(assembly.ItemInput{Kind: core.ItemResolution, Title: fmt.Sprintf("Question %d", round)})
						choices = []string{"yes", "no", "abstain"}
					} else {
						it = w.item(assembly.ItemInput{Kind: core.ItemElection, Position: assembly.PositionHost, Title: fmt.Sprintf("Host %d", round)})
						for _, c := range acc[:min(len(acc), 2+rng.IntN(3))] {
							x, err := w.svc.Nominate(ctx, bureau(c), it.ID, assembly.CandidateInput{Country: c, Name: "City of " + c})
							if err != nil {
								t.Fatal(err)
							}
							it = x
						}
						if len(it.Candidates) > 1 && rng.IntN(2) == 0 {
							c := it.Candidates[rng.IntN(len(it.Candidates))]
							if it, _ = w.svc.Withdraw(ctx, bureau(c.Country), it.ID, c.ID); it == nil {
								t.Fatal("withdrawal failed")
							}
						}
						for _, c := range it.Candidates {
							if c.Running() {
								choices = append(choices, c.ID)
							}
						}
					}
					r := w.round(it.ID)
					accepted := map[string]string{} // token → choice
					spent := []assembly.BallotInput{}
					for _, c := range acc {
						if rng.IntN(6) == 0 {
							continue // stays away
						}
						choice := append(choices, "blank", "invalid")[rng.IntN(len(choices)+2)]
						in, err := w.ballot(r, c, choice)
						if err != nil {
							t.Fatalf("round %d: accredited %s refused its token: %v", round, c, err)
						}
						// Repeats and forgeries, now and then, before the
						// ballot (the last one closes the round).
						if len(spent) > 0 && rng.IntN(3) == 0 {
							again := spent[rng.IntN(len(spent))]
							again.Choice = choices[0]
							if _, err := w.svc.CastBallot(ctx, r.ID, again); core.ErrorCode(err) != core.ECONFLICT {
								t.Fatalf("a spent token: %v", err)
							}
						}
						if rng.IntN(3) == 0 {
							tok := make([]byte, 32)
							rand.Read(tok)
							f := in
							f.Token = base64.RawURLEncoding.EncodeToString(tok)
							if _, err := w.svc.CastBallot(ctx, r.ID, f); core.ErrorCode(err) != core.EFORBIDDEN {
								t.Fatalf("a forged token: %v", err)
							}
						}
						if _, err := w.svc.CastBallot(ctx, r.ID, in); err != nil {
							t.Fatalf("round %d: accredited %s refused its ballot: %v", round, c, err)
						}
						accepted[in.Token] = choice
						spent = append(spent, in)
					}
					for c := range others {
						if _, err := w.ballot(r, c, choices[0]); core.ErrorCode(err) != core.EFORBIDDEN {
							t.Fatalf("%s without accepted credentials took a token: %v", c, err)
						}
					}
					r = w.close(r)
					f, err := w.svc.Board(ctx, r.ID)
					if err != nil {
						t.Fatal(err)
					}
					if len(f.Entries) != len(accepted) {
						t.Fatalf("board has %d ballots, %d were accepted", len(f.Entries), len(accepted))
					}
					seen := map[string]bool{}
					for _, e := range f.Entries {
						if seen[e.Token] {
							t.Fatalf("token counted twice")
						}
						seen[e.Token] = true
						if accepted[e.Token] != e.Choice {
							t.Fatalf("ballot %s on the board says %q, was cast %q", e.Token, e.Choice, accepted[e.Token])
						}
					}
					recount := assembly.Count(f.Round, f.Entries)
					if fmt.Sprint(recount) != fmt.Sprint(r.Result) {
						t.Fatalf("published %+v, board counts %+v", r.Result, recount)
					}
					if slices.ContainsFunc(acc, func(c string) bool { return !slices.Contains(r.Eligible, c) }) {
						t.Fatalf("an accredited delegation is not eligible: %v vs %v", acc, r.Eligible)
					}
				}
			})
		}
	}
}

// TestProxiesAndClosingTime: a delegation holds one other member's proxy
// only where the session allows it, and takes a token for each; a round
// past its closing time refuses ballots and the closing job publishes it.
func TestProxiesAndClosingTime(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			svc := assembly.New(st)
			svc.KeyBits = 1024
			now := time.Date(2025, 11, 25, 10, 0, 0, 0, time.UTC)
			svc.Now = func() time.Time { return now }
			strict, err := svc.CreateSession(ctx, secretariat, assembly.SessionInput{Number: 92, Place: "Vienna", StartsOn: "2024-11-24", EndsOn: "2024-11-27"})
			if err != nil {
				t.Fatal(err)
			}
			_, err = svc.RegisterDelegation(ctx, bureau("MA"), strict.ID, assembly.DelegationInput{Country: "MA", ProxyFor: "TN", Head: headOf("MA")})
			wantCode(t, err, core.EINVALID, "a proxy where the rules allow none")

			ses, err := svc.CreateSession(ctx, secretariat, assembly.SessionInput{Number: 93, Place: "Marrakech", StartsOn: "2025-11-24", EndsOn: "2025-11-27", Quorum: 3, AllowProxies: true})
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range []string{"MA", "FR"} {
				in := assembly.DelegationInput{Country: c, Head: headOf(c)}
				if c == "MA" {
					in.ProxyFor = "TN"
				}
				d, err := svc.RegisterDelegation(ctx, bureau(c), ses.ID, in)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := svc.ExamineCredentials(ctx, secretariat, d.ID, assembly.CredentialsInput{Decision: "accept"}); err != nil {
					t.Fatal(err)
				}
			}
			_, err = svc.RegisterDelegation(ctx, bureau("ES"), ses.ID, assembly.DelegationInput{Country: "ES", ProxyFor: "TN", Head: headOf("ES")})
			wantCode(t, err, core.EINVALID, "a second holder of the same proxy")
			for _, s := range []string{core.SessionConvened, core.SessionOpen} {
				if _, err := svc.SetSessionState(ctx, secretariat, ses.ID, s, 0); err != nil {
					t.Fatal(err)
				}
			}
			it, err := svc.AddItem(ctx, secretariat, ses.ID, assembly.ItemInput{Kind: core.ItemResolution, Title: "A question"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := svc.Table(ctx, secretariat, it.ID); err != nil {
				t.Fatal(err)
			}
			r, err := svc.OpenRound(ctx, secretariat, it.ID, assembly.RoundInput{ClosesInMinutes: 5})
			if err != nil {
				t.Fatal(err) // MA, FR and TN by proxy: quorum 3 met
			}
			if !slices.Equal(r.Eligible, []string{"FR", "MA", "TN"}) || r.Quorum.Present != 3 {
				t.Fatalf("eligible %v quorum %+v", r.Eligible, r.Quorum)
			}
			var ballots []assembly.BallotInput
			for _, country := range []string{"MA", "TN"} {
				bl, _ := assembly.NewBallot(r.PublicKey, nil)
				tok, err := svc.IssueToken(ctx, bureau("MA"), r.ID, assembly.TokenInput{Country: country, Blinded: bl.BlindedB64()})
				if err != nil {
					t.Fatalf("MA's token for %s: %v", country, err)
				}
				in, _ := bl.Finalize(tok.BlindSignature, "yes")
				ballots = append(ballots, in)
			}
			bl, _ := assembly.NewBallot(r.PublicKey, nil)
			_, err = svc.IssueToken(ctx, bureau("FR"), r.ID, assembly.TokenInput{Country: "TN", Blinded: bl.BlindedB64()})
			wantCode(t, err, core.EFORBIDDEN, "a token for a proxy FR does not hold")
			if _, err := svc.CastBallot(ctx, r.ID, ballots[0]); err != nil {
				t.Fatal(err)
			}
			now = now.Add(6 * time.Minute)
			_, err = svc.CastBallot(ctx, r.ID, ballots[1])
			wantCode(t, err, core.ECONFLICT, "a ballot after the closing time")
			if n, err := svc.CloseDue(ctx); err != nil || n != 1 {
				t.Fatalf("closing job: %d, %v", n, err)
			}
			got, _ := svc.Round(ctx, r.ID)
			if got.State != core.RoundClosed || got.Result.Ballots != 1 || got.Result.Outcome != core.ItemAdopted {
				t.Fatalf("closed round %+v", got.Result)
			}
		})
	}
}

// proxySession is an open session that allows proxies, with quorum 1.
func proxySession(t *testing.T, st core.Store, number int) (*assembly.Service, *core.AssemblySession) {
	t.Helper()
	svc := assembly.New(st)
	svc.KeyBits = 1024
	ses, err := svc.CreateSession(ctx, secretariat, assembly.SessionInput{Number: number, Place: "Marrakech", StartsOn: "2025-11-24", EndsOn: "2025-11-27", Quorum: 1, AllowProxies: true})
	if err != nil {
		t.Fatal(err)
	}
	return svc, ses
}

func openSession(t *testing.T, svc *assembly.Service, id string) {
	t.Helper()
	for _, s := range []string{core.SessionConvened, core.SessionOpen} {
		if _, err := svc.SetSessionState(ctx, secretariat, id, s, 0); err != nil {
			t.Fatal(err)
		}
	}
}

// TestProxiedCountryRegistersItsOwnDelegation: a country votes by its own
// delegation or by proxy, never both. MA holds TN's proxy, so TN's own
// delegation is refused, naming MA; otherwise MA could take TN's one token
// in TN's place and TN's accredited delegation be refused its vote.
func TestProxiedCountryRegistersItsOwnDelegation(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			svc, ses := proxySession(t, b.Open(t), 93)
			ma, err := svc.RegisterDelegation(ctx, bureau("MA"), ses.ID, assembly.DelegationInput{Country: "MA", ProxyFor: "TN", Head: headOf("MA")})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := svc.ExamineCredentials(ctx, secretariat, ma.ID, assembly.CredentialsInput{Decision: "accept"}); err != nil {
				t.Fatal(err)
			}
			_, err = svc.RegisterDelegation(ctx, bureau("TN"), ses.ID, assembly.DelegationInput{Country: "TUN", Head: headOf("TN")})
			wantCode(t, err, core.EINVALID, "TN's own delegation while MA holds its proxy")
			var ce *core.Error
			if !errors.As(err, &ce) || len(ce.Fields) != 1 || ce.Fields[0].Field != "country" || !strings.Contains(ce.Fields[0].Reason, "the delegation of MA holds TN's proxy") {
				t.Fatalf("the refusal does not name the field and the holder: %v", err)
			}
		})
	}
}

// TestOneVicePresidentPerRegion: a Vice-President is elected one per
// region. A second election for Europe's seat is refused once the first
// elected, and a second one for Africa's while the first is on the agenda.
func TestOneVicePresidentPerRegion(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			w := newWorld(t, b.Open(t), 3, []string{"MA", "FR", "ES"}, nil)
			vp1 := w.item(assembly.ItemInput{Kind: core.ItemElection, Position: assembly.PositionVicePresident, Region: "Europe", Title: "Vice-President for Europe"})
			if _, err := w.svc.Nominate(ctx, bureau("FR"), vp1.ID, assembly.CandidateInput{Country: "FR", Name: "Candidate of FR"}); err != nil {
				t.Fatal(err)
			}
			if _, err := w.svc.Acclaim(ctx, secretariat, vp1.ID); err != nil {
				t.Fatal(err)
			}
			_, err := w.svc.AddItem(ctx, secretariat, w.ses.ID, assembly.ItemInput{Kind: core.ItemElection, Position: assembly.PositionVicePresident, Region: "Europe", Title: "Vice-President for Europe (again)"})
			wantCode(t, err, core.EINVALID, "a second Vice-President for Europe, the first elected")
			if !strings.Contains(err.Error(), "already elected") {
				t.Fatalf("the refusal does not say the seat is filled: %v", err)
			}
			w.item(assembly.ItemInput{Kind: core.ItemElection, Position: assembly.PositionVicePresident, Region: "Africa", Title: "Vice-President for Africa"})
			_, err = w.svc.AddItem(ctx, secretariat, w.ses.ID, assembly.ItemInput{Kind: core.ItemElection, Position: assembly.PositionVicePresident, Region: "Africa", Title: "Vice-President for Africa (again)"})
			wantCode(t, err, core.EINVALID, "a second Vice-President for Africa, the first on the agenda")
			if !strings.Contains(err.Error(), "already on this session's agenda") {
				t.Fatalf("the refusal does not name the item on the agenda: %v", err)
			}
			// A second election for Europe stored before AddItem checked
			// (as the store holds it): it takes no candidacy.
			dup := &core.AgendaItem{ID: "dup-vp-europe", SessionID: w.ses.ID, Number: 99, Kind: core.ItemElection, Title: "Vice-President for Europe (stored twice)",
				ProposedBy: "IPSG", State: core.ItemCandidacies, Position: assembly.PositionVicePresident, Region: "Europe", TermYears: 3,
				Documents: []core.AgendaDocument{}, Candidates: []core.Candidate{}, VoteRequested: []string{}, Version: 1}
			if err := w.st.Update(ctx, func(tx core.Tx) error { return tx.InsertAgendaItem(dup) }); err != nil {
				t.Fatal(err)
			}
			_, err = w.svc.Nominate(ctx, bureau("ES"), dup.ID, assembly.CandidateInput{Country: "ES", Name: "Candidate of ES"})
			wantCode(t, err, core.ECONFLICT, "a candidacy for a second Vice-President for Europe")
		})
	}
}

// TestConstitutionTwoThirdsOfAllMembers: amending the constitution needs
// two-thirds of ALL members (131 of 196), not of the votes cast: seven yes
// votes of seven accredited delegations do not adopt it; the count, which
// verify-tally recomputes, adopts at 131 yes and not at 130.
func TestConstitutionTwoThirdsOfAllMembers(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			countries := []string{"MA", "FR", "ES", "NG", "SA", "BR", "IN"}
			w := newWorld(t, b.Open(t), 5, countries, nil)
			cons := w.item(assembly.ItemInput{Kind: core.ItemResolution, Subject: assembly.SubjectConstitution, Title: "Amendment to Article 12 of the Constitution", ProposedBy: "IPSG"})
			r := w.round(cons.ID)
			if r.Rule != assembly.RuleTwoThirdsOfMembers {
				t.Fatalf("a constitutional amendment is voted under rule %s, want %s", r.Rule, assembly.RuleTwoThirdsOfMembers)
			}
			choices := map[string]string{}
			for _, c := range countries {
				choices[c] = "yes"
			}
			w.vote(r, choices)
			r = w.close(r)
			if r.Result.Outcome != core.ItemRejected {
				t.Fatalf("a constitutional amendment adopted by %d yes votes: two-thirds of all 196 members (131) are needed", r.Result.Counts["yes"])
			}
		})
	}
	needed, of := assembly.TwoThirdsOfMembers()
	if needed != 131 || of != 196 {
		t.Fatalf("two-thirds of the members: %d of %d, want 131 of 196", needed, of)
	}
	round := &core.Round{Kind: core.ItemResolution, Rule: assembly.RuleTwoThirdsOfMembers, Options: []string{assembly.ChoiceYes, assembly.ChoiceNo, assembly.ChoiceAbstain}}
	for yes, want := range map[int]string{130: core.ItemRejected, 131: core.ItemAdopted} {
		var board []core.BoardEntry
		for i := range yes {
			board = append(board, core.BoardEntry{Index: int64(i), Choice: assembly.ChoiceYes})
		}
		if got := assembly.Count(round, board).Outcome; got != want {
			t.Errorf("%d yes of 196 members: %s, want %s", yes, got, want)
		}
	}
}

// TestAmendmentTabledAfterItsResolutionWasVoted: every amendment is voted
// before its resolution, so a draft amendment is not tabled once its
// resolution was adopted.
func TestAmendmentTabledAfterItsResolutionWasVoted(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			w := newWorld(t, b.Open(t), 2, []string{"MA", "FR", "ES"}, nil)
			res := w.item(assembly.ItemInput{Kind: core.ItemResolution, Title: "Resolution on cooperation against online fraud", ProposedBy: "MA"})
			amd, err := w.svc.AddItem(ctx, bureau("FR"), w.ses.ID, assembly.ItemInput{Kind: core.ItemAmendment, Title: "Amendment: add a review after two years", Amends: res.ID, ProposedBy: "FR"})
			if err != nil {
				t.Fatal(err)
			}
			r := w.round(res.ID)
			w.vote(r, map[string]string{"MA": "yes", "FR": "yes", "ES": "no"})
			r = w.close(r)
			if r.Result.Outcome != core.ItemAdopted {
				t.Fatalf("resolution %+v", r.Result)
			}
			_, err = w.svc.Table(ctx, secretariat, amd.ID)
			wantCode(t, err, core.ECONFLICT, "tabling an amendment of a voted resolution")
			if !strings.Contains(err.Error(), "is adopted") {
				t.Fatalf("the refusal does not say the resolution is adopted: %v", err)
			}
		})
	}
}

// TestProofOfEmptyBoard: the proof of index 0 on a board with no ballot
// yet says so, not "0 to -1".
func TestProofOfEmptyBoard(t *testing.T) {
	w := newWorld(t, storetest.OpenSQLite(t), 1, []string{"MA"}, nil)
	r := w.round(w.item(assembly.ItemInput{Kind: core.ItemResolution, Title: "A question"}).ID)
	_, err := w.svc.Proof(ctx, r.ID, 0)
	wantCode(t, err, core.EINVALID, "proof on an empty board")
	if strings.Contains(err.Error(), "-1") || !strings.Contains(err.Error(), "holds no ballot yet") {
		t.Fatalf("the problem does not say the board holds no ballot yet: %v", err)
	}
}

// TestProxyTokenByAlpha3: countries are accepted as alpha-2 or alpha-3
// everywhere: MA, which holds TN's proxy, takes TN's token asking with
// {"country": "TUN"}, and a vote is asked for as "MAR".
func TestProxyTokenByAlpha3(t *testing.T) {
	svc, ses := proxySession(t, storetest.OpenSQLite(t), 93)
	ma, err := svc.RegisterDelegation(ctx, bureau("MA"), ses.ID, assembly.DelegationInput{Country: "MAR", ProxyFor: "TUN", Head: headOf("MA")})
	if err != nil {
		t.Fatal(err)
	}
	if ma.ProxyFor != "TN" {
		t.Fatalf("proxy_for stored as %q", ma.ProxyFor)
	}
	if _, err := svc.ExamineCredentials(ctx, secretariat, ma.ID, assembly.CredentialsInput{Decision: "accept"}); err != nil {
		t.Fatal(err)
	}
	openSession(t, svc, ses.ID)
	el, err := svc.AddItem(ctx, secretariat, ses.ID, assembly.ItemInput{Kind: core.ItemElection, Position: assembly.PositionHost, Title: "Host of the 95th session"})
	if err != nil {
		t.Fatal(err)
	}
	got, err := svc.RequestVote(ctx, bureau("MA"), el.ID, assembly.CountryInput{Country: "MAR"})
	if err != nil || !slices.Equal(got.VoteRequested, []string{"MA"}) {
		t.Fatalf("a vote asked for as MAR: %+v, %v", got, err)
	}
	it, _ := svc.AddItem(ctx, secretariat, ses.ID, assembly.ItemInput{Kind: core.ItemResolution, Title: "A question"})
	svc.Table(ctx, secretariat, it.ID)
	r, err := svc.OpenRound(ctx, secretariat, it.ID, assembly.RoundInput{})
	if err != nil {
		t.Fatal(err)
	}
	bl, _ := assembly.NewBallot(r.PublicKey, nil)
	tok, err := svc.IssueToken(ctx, bureau("MA"), r.ID, assembly.TokenInput{Country: "TUN", Blinded: bl.BlindedB64()})
	if err != nil {
		t.Fatalf("MA's token for TN asked as TUN: %v", err)
	}
	if tok.Country != "TN" {
		t.Fatalf("the token is for %q, want TN", tok.Country)
	}
}

// TestNoTokenOrBallotInClosedSession: a round left open in a closed
// session (as the race of TestConcurrentSessionCloseAndOpenRound once left
// one) takes no token and no ballot.
func TestNoTokenOrBallotInClosedSession(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			w := newWorld(t, b.Open(t), 1, []string{"MA", "FR"}, nil)
			r := w.round(w.item(assembly.ItemInput{Kind: core.ItemResolution, Title: "A question"}).ID)
			in, err := w.ballot(r, "MA", "yes")
			if err != nil {
				t.Fatal(err)
			}
			if err := w.st.Update(ctx, func(tx core.Tx) error {
				ss, err := tx.GetAssemblySession(w.ses.ID)
				if err != nil {
					return err
				}
				ss.State = core.SessionClosed
				ss.Version++
				return tx.UpdateAssemblySession(ss)
			}); err != nil {
				t.Fatal(err)
			}
			_, err = w.ballot(r, "FR", "no")
			wantCode(t, err, core.ECONFLICT, "a token in a closed session")
			_, err = w.svc.CastBallot(ctx, r.ID, in)
			wantCode(t, err, core.ECONFLICT, "a ballot in a closed session")
			if !strings.Contains(err.Error(), "the session is closed") {
				t.Fatalf("the refusal does not say the session is closed: %v", err)
			}
		})
	}
}

// race runs a and b at the same moment and returns their errors.
func race(a, b func() error) (errA, errB error) {
	var wg sync.WaitGroup
	start := make(chan struct{})
	wg.Add(2)
	go func() { defer wg.Done(); <-start; errA = a() }()
	go func() { defer wg.Done(); <-start; errB = b() }()
	close(start)
	wg.Wait()
	return
}

// TestConcurrentCandidaciesForTwoSeats: "a country may not hold or
// run for two seats of the Executive Committee", even when its two
// candidacies are sent at the same moment: checkOneSeat reads the other
// elections, so changeItem locks the session before it (without, both
// passed on PostgreSQL).
func TestConcurrentCandidaciesForTwoSeats(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			w := newWorld(t, b.Open(t), 1, []string{"MA"}, nil)
			del := w.item(assembly.ItemInput{Kind: core.ItemElection, Position: assembly.PositionDelegate, Title: "Delegate"})
			vp := w.item(assembly.ItemInput{Kind: core.ItemElection, Position: assembly.PositionVicePresident, Region: "Europe", Title: "Vice-President for Europe"})
			for _, c := range []string{"FR", "ES", "DE", "IT", "PT", "BE", "NL", "AT", "CH", "PL", "SE", "NO", "DK", "FI", "IE", "GR"} {
				errA, errB := race(
					func() error {
						_, err := w.svc.Nominate(ctx, bureau(c), del.ID, assembly.CandidateInput{Country: c, Name: "Candidate of " + c + " for Delegate"})
						return err
					},
					func() error {
						_, err := w.svc.Nominate(ctx, bureau(c), vp.ID, assembly.CandidateInput{Country: c, Name: "Candidate of " + c + " for Vice-President"})
						return err
					})
				if errA == nil && errB == nil {
					t.Fatalf("%s runs for two seats of the Executive Committee (both candidacies sent at once were accepted)", c)
				}
			}
		})
	}
}

// TestConcurrentProxiesForOneCountry: "a country's proxy is held
// once", even when two delegations ask for it at the same moment: the
// store's unique key is only (session, seat), so RegisterDelegation locks
// the session before reading the other delegations (without, both held
// it on PostgreSQL).
func TestConcurrentProxiesForOneCountry(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			for i := 0; i < 40; i++ {
				svc, ses := proxySession(t, st, 200+i)
				reg := func(c string) func() error {
					return func() error {
						_, err := svc.RegisterDelegation(ctx, bureau(c), ses.ID, assembly.DelegationInput{Country: c, ProxyFor: "TN", Head: headOf(c)})
						return err
					}
				}
				errA, errB := race(reg("MA"), reg("FR"))
				if errA == nil && errB == nil {
					t.Fatalf("attempt %d: both MA and FR hold TN's proxy", i)
				}
			}
		})
	}
}

// TestConcurrentPersonInTwoDelegations: "a person is in one
// delegation only", even registered in two delegations at the same moment
// (without the session's lock, the person was in both on PostgreSQL).
func TestConcurrentPersonInTwoDelegations(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			for i := 0; i < 40; i++ {
				svc, ses := proxySession(t, st, 300+i)
				person := core.Person{Name: "Invented Adviser Number One", Title: "Adviser"}
				reg := func(c string) func() error {
					return func() error {
						_, err := svc.RegisterDelegation(ctx, bureau(c), ses.ID, assembly.DelegationInput{Country: c, Head: headOf(c), Advisers: []core.Person{person}})
						return err
					}
				}
				errA, errB := race(reg("MA"), reg("FR"))
				if errA == nil && errB == nil {
					t.Fatalf("attempt %d: %s is in the delegations of both MA and FR", i, person.Name)
				}
			}
		})
	}
}

// TestConcurrentSessionCloseAndOpenRound: "a session does not close
// while a round is open", even when the round opens at the same moment:
// SetSessionState reads the rounds and OpenRound the session, so both lock
// the session first (without, both succeeded on PostgreSQL and the closed
// session kept an open round).
func TestConcurrentSessionCloseAndOpenRound(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			for rep := 0; rep < 60; rep++ {
				svc := assembly.New(st)
				svc.KeyBits = 1024
				ses, err := svc.CreateSession(ctx, secretariat, assembly.SessionInput{Number: 100 + rep, Place: "Marrakech", StartsOn: "2025-11-24", EndsOn: "2025-11-27", Quorum: 1})
				if err != nil {
					t.Fatal(err)
				}
				d, err := svc.RegisterDelegation(ctx, bureau("MA"), ses.ID, assembly.DelegationInput{Country: "MA", Head: core.Person{Name: fmt.Sprintf("Invented Head %d", rep)}})
				if err != nil {
					t.Fatal(err)
				}
				if _, err := svc.ExamineCredentials(ctx, secretariat, d.ID, assembly.CredentialsInput{Decision: "accept"}); err != nil {
					t.Fatal(err)
				}
				openSession(t, svc, ses.ID)
				it, err := svc.AddItem(ctx, secretariat, ses.ID, assembly.ItemInput{Kind: core.ItemResolution, Title: "A question"})
				if err != nil {
					t.Fatal(err)
				}
				if _, err := svc.Table(ctx, secretariat, it.ID); err != nil {
					t.Fatal(err)
				}
				errA, errB := race(func() error {
					_, err := svc.OpenRound(ctx, secretariat, it.ID, assembly.RoundInput{})
					return err
				}, func() error {
					_, err := svc.SetSessionState(ctx, secretariat, ses.ID, core.SessionClosed, 0)
					return err
				})
				if errA == nil && errB == nil {
					t.Fatalf("attempt %d: the session closed while a round opened at the same moment stays open", rep)
				}
			}
		})
	}
}
