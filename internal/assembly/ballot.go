package assembly

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/cloudflare/circl/blindsign/blindrsa"

	"github.com/manara-hub/manara/internal/access"
	"github.com/manara-hub/manara/internal/audit"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/members"
)

// Token limits: a token is random bytes the client draws (32 suffice).
const (
	minTokenBytes = 16
	maxTokenBytes = 64
)

// RoundInput opens a round.
type RoundInput struct {
	// ClosesInMinutes is how long the round stays open (default 30);
	// it closes earlier once every eligible country has voted.
	ClosesInMinutes int `json:"closes_in_minutes"`
}

// eligible lists the member countries that vote in a round: each
// accredited member delegation, and the country whose proxy it holds
// where the session allows proxies.
func eligible(ss *core.AssemblySession, ds []*core.Delegation) []string {
	var out []string
	for _, d := range ds {
		if d.Observer || d.Credentials != core.CredentialsAccepted {
			continue
		}
		out = append(out, d.Country)
		if ss.AllowProxies && d.ProxyFor != "" {
			out = append(out, d.ProxyFor)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// OpenRound opens the next round of secret ballot on a tabled resolution
// or amendment, or on an election, once quorum is checked.
func (s *Service) OpenRound(ctx context.Context, v core.Viewer, itemID string, in RoundInput) (*core.Round, error) {
	const action = "assembly.round.open"
	if !access.CanAdministerAssembly(v) {
		return nil, s.refuse(ctx, v, action, forbidden("votes are opened by the General Secretariat's administrators"), itemID)
	}
	if in.ClosesInMinutes == 0 {
		in.ClosesInMinutes = DefaultRoundMinutes
	}
	if in.ClosesInMinutes < 1 || in.ClosesInMinutes > maxRoundMinutes {
		return nil, s.refuse(ctx, v, action, core.Invalid(core.FieldError{Field: "closes_in_minutes", Reason: fmt.Sprintf("must be 1 to %d", maxRoundMinutes)}), itemID)
	}
	bits := s.KeyBits
	if bits == 0 {
		bits = DefaultKeyBits
	}
	// The key is made before the transaction: it takes a while, and the
	// transaction should hold its locks for less.
	sk, err := rsa.GenerateKey(s.Rand, bits)
	if err != nil {
		return nil, err
	}
	pub, err := x509.MarshalPKIXPublicKey(&sk.PublicKey)
	if err != nil {
		return nil, err
	}
	var out *core.Round
	now := s.now()
	_, err = s.changeItem(ctx, v, itemID, action, func(tx core.Tx, ss *core.AssemblySession, it *core.AgendaItem, e *core.AuditEntry) ([]*core.Event, error) {
		if ss.State != core.SessionOpen {
			return nil, core.Errorf(core.ECONFLICT, "the session is %s: votes are held only in an open session", ss.State)
		}
		if open, err := openRound(tx, it); err != nil {
			return nil, err
		} else if open != nil {
			return nil, core.Errorf(core.ECONFLICT, "round %d is still open", open.Number)
		}
		r := &core.Round{ID: newID(), SessionID: ss.ID, ItemID: it.ID, Number: it.Rounds + 1, State: core.RoundOpen, Question: it.Title,
			PublicKey: base64.StdEncoding.EncodeToString(pub), OpenedAt: now, ClosesAt: now.Add(time.Duration(in.ClosesInMinutes) * time.Minute), Version: 1}
		switch it.Kind {
		case core.ItemResolution, core.ItemAmendment:
			if it.State != core.ItemTabled {
				return nil, core.Errorf(core.ECONFLICT, "the %s is %s: only a tabled one is put to the vote", it.Kind, it.State)
			}
			if err := checkAmendable(tx, it); err != nil {
				return nil, err
			}
			if it.Kind == core.ItemResolution {
				items, err := tx.ListAgendaItems(ss.ID)
				if err != nil {
					return nil, err
				}
				for _, a := range items {
					if a.Amends == it.ID && (a.State == core.ItemTabled || a.State == core.ItemVoting) {
						return nil, core.Errorf(core.ECONFLICT, "amendment %q is tabled and not yet voted: every amendment is voted before the resolution", a.Title)
					}
				}
			}
			r.Kind, r.Options, r.Rule = core.ItemResolution, []string{ChoiceYes, ChoiceNo, ChoiceAbstain}, RuleSimple
			switch it.Subject {
			case SubjectAdmission:
				r.Rule = RuleTwoThirds
			case SubjectConstitution:
				// Two-thirds of all members, not of the votes cast: the
				// constitution changes only with most of the membership
				// behind it, however few attend.
				r.Rule = RuleTwoThirdsOfMembers
			}
		case core.ItemElection:
			if it.State != core.ItemCandidacies && it.State != core.ItemVoting {
				return nil, core.Errorf(core.ECONFLICT, "the election is %s", it.State)
			}
			for _, c := range it.Candidates {
				if c.Running() {
					r.Options = append(r.Options, c.ID)
				}
			}
			if len(r.Options) == 0 {
				return nil, core.Errorf(core.ECONFLICT, "no candidate is in the running")
			}
			r.Kind, r.Rule, r.DropLowest = core.ItemElection, RuleSimple, true
			if it.Position == PositionPresident {
				// Two-thirds in the first two rounds, then a simple
				// majority, the lowest dropped from the third on.
				r.DropLowest = r.Number >= 3
				if r.Number <= 2 {
					r.Rule = RuleTwoThirds
				}
			}
		default:
			return nil, core.Errorf(core.ECONFLICT, "a %s is not voted", it.Kind)
		}
		ds, err := tx.ListDelegations(ss.ID)
		if err != nil {
			return nil, err
		}
		r.Eligible = eligible(ss, ds)
		r.Quorum = core.Quorum{Required: QuorumRequired(ss), Present: len(r.Eligible)}
		r.Quorum.Met = r.Quorum.Present >= r.Quorum.Required
		if !r.Quorum.Met {
			return nil, core.Errorf(core.ECONFLICT, "quorum not met: %d member countries present (accredited, in person or by proxy), %d required", r.Quorum.Present, r.Quorum.Required)
		}
		r.BoardRoot, _ = Root(nil)
		it.Rounds = r.Number
		it.State = core.ItemVoting
		kek, err := s.kek()
		if err != nil {
			return nil, err
		}
		sealed, err := kek.Seal(r.ID, x509.MarshalPKCS1PrivateKey(sk))
		if err != nil {
			return nil, err
		}
		if err := tx.InsertRound(r, sealed); err != nil {
			return nil, err
		}
		e.RecordIDs = append(e.RecordIDs, r.ID)
		e.Query = fmt.Sprintf("round %d, %s, %d eligible, quorum %d/%d", r.Number, r.Rule, len(r.Eligible), r.Quorum.Present, r.Quorum.Required)
		out = r
		return []*core.Event{event(EventVoteOpened, r.ID, now, map[string]any{"session_id": ss.ID, "item_id": it.ID, "round_id": r.ID, "round": r.Number,
			"title": it.Title, "options": r.Options, "rule": r.Rule, "closes_at": r.ClosesAt, "eligible": len(r.Eligible), "quorum": r.Quorum})}, nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// TokenInput asks for a round's token: the blinded message.
type TokenInput struct {
	// Country is the member the token votes for: the bureau's own, or
	// the one whose proxy its delegation holds (default its own).
	Country string `json:"country"`
	// Blinded is the blinded token, base64 (RFC 9474 Blind).
	Blinded string `json:"blinded"`
}

// TokenOutput is the blind signature, to unblind with the client's state.
type TokenOutput struct {
	RoundID        string `json:"round_id"`
	Country        string `json:"country"`
	BlindSignature string `json:"blind_signature"` // base64
}

func decodeB64(s string) ([]byte, error) {
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			return b, nil
		}
	}
	return nil, fmt.Errorf("not base64")
}

// IssueToken blind-signs one token for an accredited country in a round.
// The server sees only the blinded message, and keeps only that the
// country took its token: nothing that the ballot will carry.
func (s *Service) IssueToken(ctx context.Context, v core.Viewer, roundID string, in TokenInput) (*TokenOutput, error) {
	const action = "assembly.token"
	country := strings.ToUpper(strings.TrimSpace(in.Country))
	if country == "" {
		country = v.Bureau
	}
	// Alpha-3 as everywhere else ("TUN" is TN): proxies, eligibility and
	// tokens issued are all kept by alpha-2.
	if c, ok := members.Lookup(country); ok {
		country = c.Alpha2
	}
	if !access.CanRegisterDelegation(v, v.Bureau) {
		return nil, s.refuse(ctx, v, action, forbidden("a ballot token is taken by a member country's delegation (its bureau's supervisors or administrators)"), roundID)
	}
	blinded, err := decodeB64(in.Blinded)
	if err != nil || len(blinded) == 0 || len(blinded) > 1024 {
		return nil, s.refuse(ctx, v, action, core.Invalid(core.FieldError{Field: "blinded", Reason: "is required: the blinded token (RFC 9474 Blind), base64, the size of the round's key"}), roundID)
	}
	out := &TokenOutput{RoundID: roundID, Country: country}
	err = s.write(ctx, v, action, []string{roundID}, func(tx core.Tx, e *core.AuditEntry) error {
		r, err := tx.GetRound(roundID, true)
		if err != nil {
			return err
		}
		if err := s.checkOpen(r); err != nil {
			return err
		}
		if err := sessionOpen(tx, r); err != nil {
			return err
		}
		d, err := accredited(tx, r.SessionID, v.Bureau)
		if err != nil {
			return err
		}
		if country != v.Bureau && d.ProxyFor != country {
			return forbidden("the delegation of %s holds no proxy of %s", v.Bureau, country)
		}
		if !slices.Contains(r.Eligible, country) {
			return forbidden("%s is not among the countries eligible in this round (accredited when it opened)", country)
		}
		pk, err := PublicKey(r.PublicKey)
		if err != nil {
			return err
		}
		if len(blinded) != pk.Size() {
			return core.Invalid(core.FieldError{Field: "blinded", Reason: fmt.Sprintf("must be %d bytes, the size of the round's key; it is %d", pk.Size(), len(blinded))})
		}
		if err := tx.MarkTokenIssued(roundID, country, s.now()); err != nil {
			return err
		}
		sealed, err := tx.RoundKey(roundID)
		if core.ErrorCode(err) == core.ENOTFOUND {
			// An open round without its key: opened before the keys were
			// sealed, whose key in clear the upgrade deleted.
			return core.Errorf(core.EUNAVAILABLE, "round %d has no signing key (it was stored in clear by an older version and deleted on upgrade): no token can be issued in this round; close it and open a new one", r.Number)
		}
		if err != nil {
			return err
		}
		kek, err := s.kek()
		if err != nil {
			return err
		}
		der, err := kek.Open(roundID, r.Number, sealed)
		if err != nil {
			return err
		}
		sk, err := x509.ParsePKCS1PrivateKey(der)
		if err != nil {
			return err
		}
		sig, err := blindrsa.NewSigner(sk).BlindSign(blinded)
		if err != nil {
			return core.Invalid(core.FieldError{Field: "blinded", Reason: "is not a blinded message under the round's key"})
		}
		out.BlindSignature = base64.StdEncoding.EncodeToString(sig)
		r.TokensIssued++
		r.Version++
		e.Query = "for " + country
		return tx.UpdateRound(r)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// TokenStatus says whether a country's token of a round was taken, and
// when: so that a delegation sees a token taken in its name that it did
// not take.
type TokenStatus struct {
	RoundID string     `json:"round_id"`
	Country string     `json:"country"`
	Taken   bool       `json:"taken"`
	TakenAt *time.Time `json:"taken_at,omitempty"`
}

// Tokens tells a delegation (its bureau's supervisors or administrators)
// whether its own token of a round was taken and when, and that of the
// country whose proxy it holds. Nobody else's: who took a token is the
// delegation's to see.
func (s *Service) Tokens(ctx context.Context, v core.Viewer, roundID string) ([]TokenStatus, error) {
	if !access.CanRegisterDelegation(v, v.Bureau) {
		return nil, s.refuse(ctx, v, "assembly.token.read", forbidden("a delegation's tokens are read by its bureau's supervisors or administrators"), roundID)
	}
	var out []TokenStatus
	err := s.Store.View(ctx, func(tx core.Tx) error {
		r, err := tx.GetRound(roundID, false)
		if err != nil {
			return err
		}
		countries := []string{v.Bureau}
		ds, err := tx.ListDelegations(r.SessionID)
		if err != nil {
			return err
		}
		for _, d := range ds {
			if d.Country == v.Bureau && !d.Observer && d.ProxyFor != "" {
				countries = append(countries, d.ProxyFor)
			}
		}
		for _, c := range countries {
			taken, at, err := tx.TokenIssued(roundID, c)
			if err != nil {
				return err
			}
			out = append(out, TokenStatus{RoundID: roundID, Country: c, Taken: taken, TakenAt: at})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// kek is the Service's KEK; without one no round opens and no token is
// issued, rather than a key being stored in clear.
func (s *Service) kek() (*KEK, error) {
	if s.KEK == nil {
		return nil, core.Errorf(core.EUNAVAILABLE, "this server has no assembly key (--assembly-key): no round's signing key can be sealed or opened")
	}
	return s.KEK, nil
}

func (s *Service) checkOpen(r *core.Round) error {
	if r.State != core.RoundOpen {
		return core.Errorf(core.ECONFLICT, "round %d is closed: no ballot is taken outside an open round", r.Number)
	}
	if !s.now().Before(r.ClosesAt) {
		return core.Errorf(core.ECONFLICT, "round %d closed at %s: no ballot is taken outside an open round", r.Number, r.ClosesAt.Format(time.RFC3339))
	}
	return nil
}

// sessionOpen refuses a token or a ballot of a round whose session is no
// longer open. A session does not close while a round is open (both lock
// the session), but a round left open in a closed session, from before
// they did, must not take votes. The session is read, not locked: the
// round's own lock serialises the ballots, and the session cannot close
// while the round is open.
func sessionOpen(tx core.Tx, r *core.Round) error {
	ss, err := tx.GetAssemblySession(r.SessionID)
	if err != nil {
		return err
	}
	if ss.State != core.SessionOpen {
		return core.Errorf(core.ECONFLICT, "the session is %s: round %d takes no token or ballot outside an open session (the secretariat closes the round)", ss.State, r.Number)
	}
	return nil
}

// BallotInput is a ballot: the unblinded token, its signature and the
// choice (an option, blank or invalid).
type BallotInput struct {
	Token     string `json:"token"`
	Signature string `json:"signature"`
	Choice    string `json:"choice"`
}

// anonymous is who casts a ballot: no user, no key, and no address, so
// that not even the audit log can tie the ballot to where it came from.
var anonymous = core.Viewer{}

// CastBallot checks a ballot's token and appends it to the round's board.
// It is unauthenticated by design; the answer is the voter's receipt.
func (s *Service) CastBallot(ctx context.Context, roundID string, in BallotInput) (*Receipt, error) {
	const action = "assembly.ballot"
	v := anonymous
	var fs []core.FieldError
	tok, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(in.Token, "="))
	if err != nil || len(tok) < minTokenBytes || len(tok) > maxTokenBytes {
		fs = append(fs, core.FieldError{Field: "token", Reason: fmt.Sprintf("must be the unblinded token: %d to %d random bytes, base64url", minTokenBytes, maxTokenBytes)})
	}
	sig, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(in.Signature, "="))
	if err != nil || len(sig) == 0 || len(sig) > 1024 {
		fs = append(fs, core.FieldError{Field: "signature", Reason: "must be the token's signature (RFC 9474 Finalize), base64url"})
	}
	if strings.TrimSpace(in.Choice) == "" || len(in.Choice) > 100 {
		fs = append(fs, core.FieldError{Field: "choice", Reason: "is required: an option of the round, blank or invalid"})
	}
	if len(fs) > 0 {
		return nil, s.refuse(ctx, v, action, core.Invalid(fs...), roundID)
	}
	var r *core.Round
	err = s.Store.View(ctx, func(tx core.Tx) error {
		var err error
		r, err = tx.GetRound(roundID, false)
		return err
	})
	if err != nil {
		return nil, s.refuse(ctx, v, action, err, roundID)
	}
	if err := s.checkOpen(r); err != nil {
		return nil, s.refuse(ctx, v, action, err, roundID)
	}
	if err := s.checkChoice(ctx, r, in.Choice); err != nil {
		return nil, s.refuse(ctx, v, action, err, roundID)
	}
	pk, err := PublicKey(r.PublicKey)
	if err != nil {
		return nil, err
	}
	if err := CheckToken(pk, tok, sig); err != nil {
		return nil, s.refuse(ctx, v, action, forbidden("the token's signature does not verify with round %d's key: the token was not issued for this round", r.Number), roundID)
	}
	entry := core.BoardEntry{RoundID: roundID, Token: base64.RawURLEncoding.EncodeToString(tok), Signature: base64.RawURLEncoding.EncodeToString(sig),
		Choice: in.Choice, TokenHash: TokenHash(tok)}
	var receipt *Receipt
	closed := false
	err = s.write(ctx, v, action, []string{roundID}, func(tx core.Tx, e *core.AuditEntry) error {
		r, err := tx.GetRound(roundID, true)
		if err != nil {
			return err
		}
		if err := s.checkOpen(r); err != nil {
			return err
		}
		if err := sessionOpen(tx, r); err != nil {
			return err
		}
		entry.Index = r.BoardSize
		if err := tx.InsertBallot(&entry); err != nil {
			return err
		}
		board, err := tx.Board(roundID)
		if err != nil {
			return err
		}
		if receipt, err = Prove(board, entry.Index); err != nil {
			return err
		}
		r.BoardSize, r.BoardRoot = int64(len(board)), receipt.Root
		r.Version++
		if int(r.BoardSize) >= len(r.Eligible) {
			// Every eligible country voted: the round closes now, as
			// the system.
			closed = true
			summary, err := s.close(tx, r, board)
			if err != nil {
				return err
			}
			ce := audit.Entry(core.Viewer{System: true}, "assembly.round.close", audit.OK, roundID)
			ce.Query = summary + " (every eligible country voted)"
			return audit.Append(tx, ce)
		}
		return tx.UpdateRound(r)
	})
	if err != nil {
		return nil, err
	}
	if closed {
		s.notify()
	}
	return receipt, nil
}

// checkChoice refuses a choice that is not on the round's ballot, naming
// a withdrawn candidate as such.
func (s *Service) checkChoice(ctx context.Context, r *core.Round, choice string) error {
	if choice == ChoiceBlank || choice == ChoiceInvalid || slices.Contains(r.Options, choice) {
		return nil
	}
	valid := strings.Join(append(slices.Clone(r.Options), ChoiceBlank, ChoiceInvalid), ", ")
	if r.Kind == core.ItemElection {
		var it *core.AgendaItem
		s.Store.View(ctx, func(tx core.Tx) error {
			var err error
			it, err = tx.GetAgendaItem(r.ItemID)
			return err
		})
		if it != nil {
			for _, c := range it.Candidates {
				if c.ID == choice && c.Withdrawn {
					return core.Invalid(core.FieldError{Field: "choice", Reason: fmt.Sprintf("the candidate of %s withdrew: choose one of %s", c.Country, valid)})
				}
				if c.ID == choice && c.DroppedAfter > 0 {
					return core.Invalid(core.FieldError{Field: "choice", Reason: fmt.Sprintf("the candidate of %s was dropped after round %d: choose one of %s", c.Country, c.DroppedAfter, valid)})
				}
			}
		}
	}
	return core.Invalid(core.FieldError{Field: "choice", Reason: "must be one of " + valid})
}

// CloseRound closes an open round now (the secretariat).
func (s *Service) CloseRound(ctx context.Context, v core.Viewer, roundID string) (*core.Round, error) {
	const action = "assembly.round.close"
	if !access.CanAdministerAssembly(v) && !v.System {
		return nil, s.refuse(ctx, v, action, forbidden("votes are closed by the General Secretariat's administrators"), roundID)
	}
	var out *core.Round
	err := s.write(ctx, v, action, []string{roundID}, func(tx core.Tx, e *core.AuditEntry) error {
		r, err := tx.GetRound(roundID, true)
		if err != nil {
			return err
		}
		if r.State != core.RoundOpen {
			return core.Errorf(core.ECONFLICT, "round %d is already closed", r.Number)
		}
		board, err := tx.Board(roundID)
		if err != nil {
			return err
		}
		r.Version++
		out = r
		e.Query, err = s.close(tx, r, board)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.notify()
	return out, nil
}

// close tallies r from its board, publishes the result with the board's
// root, destroys the signing key and decides the item.
func (s *Service) close(tx core.Tx, r *core.Round, board []core.BoardEntry) (summary string, err error) {
	now := s.now()
	root, err := Root(board)
	if err != nil {
		return "", err
	}
	t := Count(r, board)
	r.State, r.ClosedAt, r.Result, r.BoardSize, r.BoardRoot = core.RoundClosed, &now, t, int64(len(board)), root
	if err := tx.UpdateRound(r); err != nil {
		return "", err
	}
	if err := tx.DeleteRoundKey(r.ID); err != nil {
		return "", err
	}
	it, err := tx.GetAgendaItem(r.ItemID)
	if err != nil {
		return "", err
	}
	data := map[string]any{"session_id": r.SessionID, "item_id": it.ID, "round_id": r.ID, "round": r.Number, "title": it.Title,
		"ballots": t.Ballots, "board_size": r.BoardSize, "board_root": root}
	switch {
	case r.Kind != core.ItemElection:
		it.State = t.Outcome
		it.Outcome = &core.Outcome{Method: "ballot", Result: t.Outcome, RoundID: r.ID, DecidedAt: now}
	case t.Winner != "":
		it.State = core.ItemDecided
		it.Outcome = &core.Outcome{Method: "ballot", Result: "elected", Winner: t.Winner, RoundID: r.ID, DecidedAt: now}
	default:
		for i := range it.Candidates {
			if slices.Contains(t.Dropped, it.Candidates[i].ID) {
				it.Candidates[i].DroppedAfter = r.Number
			}
		}
	}
	it.UpdatedAt = now
	it.Version++
	if err := tx.UpdateAgendaItem(it); err != nil {
		return "", err
	}
	result := map[string]any{"rule": t.Rule, "counts": t.Counts, "blank": t.Blank, "invalid": t.Invalid, "abstain": t.Abstain, "cast": t.Cast,
		"outcome": t.Outcome, "winner": t.Winner, "dropped": t.Dropped, "quorum": r.Quorum}
	for k, x := range data {
		result[k] = x
	}
	for _, ev := range []*core.Event{event(EventVoteClosed, r.ID, now, data), event(EventResult, r.ID, now, result)} {
		if err := tx.InsertEvent(ev); err != nil {
			return "", err
		}
	}
	return fmt.Sprintf("round %d: %d ballots, %s, root %s", r.Number, t.Ballots, t.Outcome, root), nil
}

// CloseDue closes the rounds whose time is up (the server's background
// job), and returns how many it closed.
func (s *Service) CloseDue(ctx context.Context) (int, error) {
	sys := core.Viewer{System: true, Remote: "job"}
	var due []*core.Round
	if err := s.Store.View(ctx, func(tx core.Tx) error {
		var err error
		due, err = tx.RoundsDue(s.now(), 100)
		return err
	}); err != nil {
		return 0, err
	}
	n := 0
	for _, r := range due {
		if _, err := s.CloseRound(ctx, sys, r.ID); err != nil && core.ErrorCode(err) != core.ECONFLICT {
			return n, err
		}
		n++
	}
	return n, nil
}

// Round returns a round as anyone may see it: while open, how many tokens
// were taken and ballots cast, never what they say.
func (s *Service) Round(ctx context.Context, roundID string) (*core.Round, error) {
	var r *core.Round
	err := s.Store.View(ctx, func(tx core.Tx) error {
		var err error
		r, err = tx.GetRound(roundID, false)
		return err
	})
	if err != nil {
		return nil, err
	}
	hideOpen(r)
	return r, nil
}

// Board returns a round's bulletin board. While the round is open the
// entries are withheld (their tokens would let anyone count the choices
// early); the size and root show how many ballots it holds.
func (s *Service) Board(ctx context.Context, roundID string) (*BoardFile, error) {
	f := &BoardFile{Format: BoardFormat, Entries: []core.BoardEntry{}}
	var board []core.BoardEntry
	err := s.Store.View(ctx, func(tx core.Tx) error {
		var err error
		if f.Round, err = tx.GetRound(roundID, false); err != nil {
			return err
		}
		board, err = tx.Board(roundID)
		return err
	})
	if err != nil {
		return nil, err
	}
	f.Size = int64(len(board))
	if f.Root, err = Root(board); err != nil {
		return nil, err
	}
	if f.Round.State == core.RoundClosed {
		f.Entries = orEmpty(board)
	}
	hideOpen(f.Round)
	return f, nil
}

// Proof is the receipt of the ballot at index in the board as it stands
// (public: it names only hashes).
func (s *Service) Proof(ctx context.Context, roundID string, index int64) (*Receipt, error) {
	var board []core.BoardEntry
	err := s.Store.View(ctx, func(tx core.Tx) error {
		if _, err := tx.GetRound(roundID, false); err != nil {
			return err
		}
		var err error
		board, err = tx.Board(roundID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return Prove(board, index)
}
