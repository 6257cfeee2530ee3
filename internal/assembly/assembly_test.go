package assembly_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	mrand "math/rand/v2"
	"slices"
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
			// 4 yes of 7 cast is a simple majority, not two-thirds.
			w.vote(r, map[string]string{"MA": "yes", "FR": "yes", "ES": "yes", "NG": "yes", "SA": "no", "BR": "no", "IN": "no"})
			r = w.close(r)
			if r.Rule != assembly.RuleTwoThirds || r.Result.Outcome != core.ItemRejected {
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
