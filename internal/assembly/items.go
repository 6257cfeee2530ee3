package assembly

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/manara-hub/manara/internal/access"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/lang"
	"github.com/manara-hub/manara/internal/members"
)

// ItemInput adds an item to a session's agenda.
type ItemInput struct {
	Kind       string                `json:"kind"`
	Title      string                `json:"title"`
	Text       string                `json:"text"`
	Documents  []core.AgendaDocument `json:"documents"`
	ProposedBy string                `json:"proposed_by"`
	Subject    string                `json:"subject"`
	Amends     string                `json:"amends"`
	Position   string                `json:"position"`
	Region     string                `json:"region"`
}

var regions = []string{"Africa", "Americas", "Asia", "Europe"}

// AddItem adds an item at the end of the agenda. The secretariat adds any
// item; a member bureau proposes a resolution or an amendment in its own
// country's name (a draft, which the secretariat tables).
func (s *Service) AddItem(ctx context.Context, v core.Viewer, sessionID string, in ItemInput) (*core.AgendaItem, error) {
	const action = "assembly.item.add"
	admin := access.CanAdministerAssembly(v)
	proposer := strings.ToUpper(strings.TrimSpace(in.ProposedBy))
	if proposer == "" {
		proposer = v.Bureau
	}
	// Alpha-3 as everywhere else: the bureau, and the items, are by alpha-2.
	if c, ok := members.Lookup(proposer); ok {
		proposer = c.Alpha2
	}
	switch {
	case admin:
	case (in.Kind == core.ItemResolution || in.Kind == core.ItemAmendment) && access.CanRegisterDelegation(v, proposer):
	default:
		return nil, s.refuse(ctx, v, action, forbidden("the agenda is set by the General Secretariat's administrators; a member bureau may propose a resolution or an amendment in its own country's name"), sessionID)
	}
	var fs []core.FieldError
	if !slices.Contains(core.ItemKinds, in.Kind) {
		fs = append(fs, core.FieldError{Field: "kind", Reason: "must be one of " + strings.Join(core.ItemKinds, ", ")})
	}
	fs = checkText(fs, "title", in.Title, maxTitle, true)
	fs = checkText(fs, "text", in.Text, maxText, false)
	if !members.Valid(proposer) && !members.IsSecretariat(proposer) {
		fs = append(fs, core.FieldError{Field: "proposed_by", Reason: "must be a member country's ISO code or IPSG"})
	}
	if len(in.Documents) > maxDocuments {
		fs = append(fs, core.FieldError{Field: "documents", Reason: fmt.Sprintf("must list at most %d documents", maxDocuments)})
	}
	for i, d := range in.Documents {
		f := fmt.Sprintf("documents[%d]", i)
		if !lang.ISO6391(d.Lang) {
			fs = append(fs, core.FieldError{Field: f + ".lang", Reason: "must be a two-letter ISO 639-1 code such as ar, en, es, fr"})
		}
		fs = checkText(fs, f+".title", d.Title, maxTitle, true)
		if u, err := url.Parse(d.URL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(d.URL) > maxURL {
			fs = append(fs, core.FieldError{Field: f + ".url", Reason: fmt.Sprintf("must be an http(s) URL of at most %d characters", maxURL)})
		}
	}
	it := &core.AgendaItem{ID: newID(), SessionID: sessionID, Kind: in.Kind, Title: strings.TrimSpace(in.Title), Text: in.Text,
		Documents: orEmpty(in.Documents), ProposedBy: proposer, Candidates: []core.Candidate{}, VoteRequested: []string{}, Version: 1}
	switch in.Kind {
	case core.ItemPlain:
		it.State = core.ItemNoted
	case core.ItemResolution, core.ItemAmendment:
		it.State = core.ItemDraft
		it.Subject = in.Subject
		if it.Subject == "" {
			it.Subject = SubjectOrdinary
		}
		if in.Kind == core.ItemAmendment {
			it.Subject = SubjectOrdinary
			if in.Amends == "" {
				fs = append(fs, core.FieldError{Field: "amends", Reason: "is required: the id of the resolution the amendment changes"})
			}
			it.Amends = in.Amends
		} else if !slices.Contains(Subjects, it.Subject) {
			fs = append(fs, core.FieldError{Field: "subject", Reason: "must be one of " + strings.Join(Subjects, ", ") + " (admission needs two-thirds of the votes cast, constitution two-thirds of all member countries)"})
		}
	case core.ItemElection:
		it.State = core.ItemCandidacies
		it.Position, it.Region, it.TermYears = in.Position, in.Region, Terms[in.Position]
		if !slices.Contains(Positions, in.Position) {
			fs = append(fs, core.FieldError{Field: "position", Reason: "must be one of " + strings.Join(Positions, ", ")})
		}
		if in.Position == PositionVicePresident && !slices.Contains(regions, in.Region) {
			fs = append(fs, core.FieldError{Field: "region", Reason: "a Vice-President's seat belongs to a region: one of " + strings.Join(regions, ", ")})
		}
		if in.Position != PositionVicePresident && in.Region != "" {
			fs = append(fs, core.FieldError{Field: "region", Reason: "only a Vice-President's seat has a region"})
		}
	}
	if in.Kind != core.ItemElection && (in.Position != "" || in.Region != "") {
		fs = append(fs, core.FieldError{Field: "position", Reason: "is for elections only"})
	}
	if len(fs) > 0 {
		return nil, s.refuse(ctx, v, action, core.Invalid(fs...), sessionID)
	}
	err := s.write(ctx, v, action, []string{sessionID, it.ID}, func(tx core.Tx, e *core.AuditEntry) error {
		// Locked: the item's number and the one Vice-President per region
		// are read from the agenda, which two items added at the same
		// moment would both read without the other.
		ss, err := tx.LockAssemblySession(sessionID)
		if err != nil {
			return err
		}
		if ss.State == core.SessionClosed {
			return errSessionClosed()
		}
		items, err := tx.ListAgendaItems(sessionID)
		if err != nil {
			return err
		}
		if it.Position == PositionVicePresident {
			if o := otherVicePresident(items, it); o != nil {
				reason := fmt.Sprintf("the Vice-President for %s is already on this session's agenda (item %d, %q): one per region", it.Region, o.Number, o.Title)
				if elected(o) {
					reason = fmt.Sprintf("the Vice-President for %s was already elected in this session (item %d, %q): one per region", it.Region, o.Number, o.Title)
				}
				return core.Invalid(core.FieldError{Field: "region", Reason: reason})
			}
		}
		if it.Kind == core.ItemAmendment {
			i := slices.IndexFunc(items, func(x *core.AgendaItem) bool { return x.ID == it.Amends })
			if i < 0 || items[i].Kind != core.ItemResolution {
				return core.Invalid(core.FieldError{Field: "amends", Reason: "must be the id of a resolution on this session's agenda"})
			}
			if st := items[i].State; st != core.ItemDraft && st != core.ItemTabled {
				return core.Invalid(core.FieldError{Field: "amends", Reason: "the resolution is " + st + ": only a resolution not yet voted can be amended"})
			}
		}
		it.Number = len(items) + 1
		it.CreatedAt, it.UpdatedAt = s.now(), s.now()
		e.Query = it.Kind + ": " + core.Clip(it.Title, 200)
		return tx.InsertAgendaItem(it)
	})
	if err != nil {
		return nil, err
	}
	return it, nil
}

// otherVicePresident is another election of the session for the same
// Vice-President's seat as it (its region), if any: one per region.
// Of two such items (added before this was checked), the one later on
// the agenda is the other's duplicate, never the reverse, so that the
// first still proceeds.
func otherVicePresident(items []*core.AgendaItem, it *core.AgendaItem) *core.AgendaItem {
	for _, o := range items {
		if o.ID == it.ID || o.Kind != core.ItemElection || o.Position != PositionVicePresident || o.Region != it.Region {
			continue
		}
		if elected(o) || it.Number == 0 || o.Number < it.Number {
			return o
		}
	}
	return nil
}

func elected(it *core.AgendaItem) bool { return it.Outcome != nil && it.Outcome.Result == "elected" }

// changeItem runs one change to an item in a transaction, audited.
func (s *Service) changeItem(ctx context.Context, v core.Viewer, id, action string, mutate func(tx core.Tx, ss *core.AssemblySession, it *core.AgendaItem, e *core.AuditEntry) ([]*core.Event, error)) (*core.AgendaItem, error) {
	var out *core.AgendaItem
	wrote := false
	err := s.write(ctx, v, action, []string{id}, func(tx core.Tx, e *core.AuditEntry) error {
		it, err := tx.GetAgendaItem(id)
		if err != nil {
			return err
		}
		// Every change to an item is checked against the rest of the
		// session (a country's other candidacies, the other Vice-President
		// elections, the amended resolution, the session's state, the open
		// rounds), which one change to another item, or the session
		// closing, could alter at the same moment: the session is locked
		// first, and the item read again under the lock.
		ss, err := tx.LockAssemblySession(it.SessionID)
		if err != nil {
			return err
		}
		if it, err = tx.GetAgendaItem(id); err != nil {
			return err
		}
		if ss.State == core.SessionClosed {
			return errSessionClosed()
		}
		evs, err := mutate(tx, ss, it, e)
		if err != nil {
			return err
		}
		it.UpdatedAt = s.now()
		it.Version++
		if err := tx.UpdateAgendaItem(it); err != nil {
			return err
		}
		for _, ev := range evs {
			if err := tx.InsertEvent(ev); err != nil {
				return err
			}
			wrote = true
		}
		out = it
		return nil
	})
	if err == nil && wrote {
		s.notify()
	}
	return out, err
}

// Table puts a draft resolution or amendment before the Assembly.
func (s *Service) Table(ctx context.Context, v core.Viewer, id string) (*core.AgendaItem, error) {
	if !access.CanAdministerAssembly(v) {
		return nil, s.refuse(ctx, v, "assembly.item.table", forbidden("resolutions are tabled by the General Secretariat's administrators"), id)
	}
	return s.changeItem(ctx, v, id, "assembly.item.table", func(tx core.Tx, ss *core.AssemblySession, it *core.AgendaItem, _ *core.AuditEntry) ([]*core.Event, error) {
		if it.Kind != core.ItemResolution && it.Kind != core.ItemAmendment {
			return nil, core.Errorf(core.ECONFLICT, "only a resolution or an amendment is tabled; this item is a %s", it.Kind)
		}
		if it.State != core.ItemDraft {
			return nil, core.Errorf(core.ECONFLICT, "the %s is %s, not a draft", it.Kind, it.State)
		}
		if err := checkAmendable(tx, it); err != nil {
			return nil, err
		}
		it.State = core.ItemTabled
		return nil, nil
	})
}

// checkAmendable refuses to table or vote an amendment once its resolution
// is no longer a draft or tabled: every amendment is voted before its
// resolution, and one voted after would change a text already decided.
func checkAmendable(tx core.Tx, it *core.AgendaItem) error {
	if it.Kind != core.ItemAmendment {
		return nil
	}
	res, err := tx.GetAgendaItem(it.Amends)
	if err != nil {
		return err
	}
	if res.State != core.ItemDraft && res.State != core.ItemTabled {
		return core.Errorf(core.ECONFLICT, "the resolution this amendment changes (%q) is %s: an amendment is tabled and voted only while its resolution is a draft or tabled, before it is put to the vote", res.Title, res.State)
	}
	return nil
}

// CandidateInput puts a candidate forward.
type CandidateInput struct {
	Country string `json:"country"`
	Name    string `json:"name"`
}

func executive(position string) bool { return position != PositionHost }

// Nominate adds a member country's candidate to an election.
func (s *Service) Nominate(ctx context.Context, v core.Viewer, id string, in CandidateInput) (*core.AgendaItem, error) {
	const action = "assembly.candidacy"
	if c, ok := members.Lookup(strings.TrimSpace(in.Country)); ok {
		in.Country = c.Alpha2
	}
	if !access.CanRegisterDelegation(v, in.Country) && !access.CanAdministerAssembly(v) {
		return nil, s.refuse(ctx, v, action, forbidden("a candidacy is put forward by the candidate's member country (its bureau's supervisors or administrators)"), id)
	}
	var fs []core.FieldError
	if !members.Valid(in.Country) {
		fs = append(fs, core.FieldError{Field: "country", Reason: "must be a member country's ISO code"})
	}
	fs = checkText(fs, "name", in.Name, maxName, true)
	if len(fs) > 0 {
		return nil, s.refuse(ctx, v, action, core.Invalid(fs...), id)
	}
	return s.changeItem(ctx, v, id, action, func(tx core.Tx, ss *core.AssemblySession, it *core.AgendaItem, e *core.AuditEntry) ([]*core.Event, error) {
		if it.Kind != core.ItemElection {
			return nil, core.Errorf(core.ECONFLICT, "candidacies are for elections; this item is a %s", it.Kind)
		}
		if it.State != core.ItemCandidacies {
			return nil, core.Errorf(core.ECONFLICT, "candidacies are closed: the election is %s", it.State)
		}
		c, _ := members.Lookup(in.Country)
		if it.Position == PositionVicePresident && c.Region != it.Region {
			return nil, core.Invalid(core.FieldError{Field: "country", Reason: fmt.Sprintf("the Vice-President for %s is a candidate of that region; %s is in %s", it.Region, in.Country, c.Region)})
		}
		if it.Position == PositionVicePresident {
			// AddItem refuses a second election for a region's seat; this
			// stops one added before it did from electing a second.
			items, err := tx.ListAgendaItems(it.SessionID)
			if err != nil {
				return nil, err
			}
			if o := otherVicePresident(items, it); o != nil {
				if elected(o) {
					return nil, core.Errorf(core.ECONFLICT, "the Vice-President for %s was already elected in this session (item %d, %q): one per region", it.Region, o.Number, o.Title)
				}
				return nil, core.Errorf(core.ECONFLICT, "the Vice-President for %s is elected under item %d (%q): one per region, so this item takes no candidacy", it.Region, o.Number, o.Title)
			}
		}
		for _, x := range it.Candidates {
			if x.Country == in.Country && x.Running() {
				return nil, core.Invalid(core.FieldError{Field: "country", Reason: in.Country + " already has a candidate in this election"})
			}
		}
		if executive(it.Position) {
			if err := checkOneSeat(tx, it, in.Country); err != nil {
				return nil, err
			}
		}
		cand := core.Candidate{ID: newID(), Country: in.Country, Name: strings.TrimSpace(in.Name)}
		it.Candidates = append(it.Candidates, cand)
		e.RecordIDs = append(e.RecordIDs, cand.ID)
		e.Query = in.Country
		return nil, nil
	})
}

// checkOneSeat refuses a candidacy of a country that holds, or is running
// for, another seat of the Executive Committee in the session.
func checkOneSeat(tx core.Tx, it *core.AgendaItem, country string) error {
	items, err := tx.ListAgendaItems(it.SessionID)
	if err != nil {
		return err
	}
	for _, o := range items {
		if o.ID == it.ID || o.Kind != core.ItemElection || !executive(o.Position) {
			continue
		}
		for _, c := range o.Candidates {
			if c.Country != country {
				continue
			}
			if o.Outcome != nil && o.Outcome.Winner == c.ID {
				return core.Invalid(core.FieldError{Field: "country", Reason: fmt.Sprintf("%s already holds a seat of the Executive Committee (%s): no member country holds two", country, o.Title)})
			}
			if o.Outcome == nil && c.Running() {
				return core.Invalid(core.FieldError{Field: "country", Reason: fmt.Sprintf("%s is already a candidate for %s: no member country holds two seats of the Executive Committee", country, o.Title)})
			}
		}
	}
	return nil
}

// Withdraw withdraws a candidacy (by its country, or the secretariat),
// never during an open round.
func (s *Service) Withdraw(ctx context.Context, v core.Viewer, id, candidateID string) (*core.AgendaItem, error) {
	const action = "assembly.withdrawal"
	return s.changeItem(ctx, v, id, action, func(tx core.Tx, ss *core.AssemblySession, it *core.AgendaItem, e *core.AuditEntry) ([]*core.Event, error) {
		i := slices.IndexFunc(it.Candidates, func(c core.Candidate) bool { return c.ID == candidateID })
		if i < 0 {
			return nil, core.Errorf(core.ENOTFOUND, "no candidate %s in this election", candidateID)
		}
		c := &it.Candidates[i]
		if !access.CanRegisterDelegation(v, c.Country) && !access.CanAdministerAssembly(v) {
			return nil, forbidden("a candidacy is withdrawn by its country's bureau or the General Secretariat")
		}
		if it.Outcome != nil {
			return nil, core.Errorf(core.ECONFLICT, "the election is decided")
		}
		if !c.Running() {
			return nil, core.Errorf(core.ECONFLICT, "the candidate is no longer in the running")
		}
		if open, err := openRound(tx, it); err != nil {
			return nil, err
		} else if open != nil {
			return nil, core.Errorf(core.ECONFLICT, "round %d is open: a candidate withdraws between rounds", open.Number)
		}
		now := s.now()
		c.Withdrawn, c.WithdrawnAt = true, &now
		e.RecordIDs = append(e.RecordIDs, c.ID)
		e.Query = c.Country
		return nil, nil
	})
}

func openRound(tx core.Tx, it *core.AgendaItem) (*core.Round, error) {
	rs, err := tx.ListRounds(it.SessionID)
	if err != nil {
		return nil, err
	}
	for _, r := range rs {
		if r.ItemID == it.ID && r.State == core.RoundOpen {
			return r, nil
		}
	}
	return nil, nil
}

// CountryInput names the country a bureau acts for.
type CountryInput struct {
	Country string `json:"country"`
}

// RequestVote records that an accredited delegation asks for a ballot,
// which rules out adoption by acclamation.
func (s *Service) RequestVote(ctx context.Context, v core.Viewer, id string, in CountryInput) (*core.AgendaItem, error) {
	const action = "assembly.vote_request"
	country := strings.ToUpper(strings.TrimSpace(in.Country))
	if country == "" {
		country = v.Bureau
	}
	// Alpha-3 as everywhere else: delegations are stored by alpha-2.
	if c, ok := members.Lookup(country); ok {
		country = c.Alpha2
	}
	if !access.CanRegisterDelegation(v, country) {
		return nil, s.refuse(ctx, v, action, forbidden("a vote is asked for by a member country's delegation (its bureau's supervisors or administrators)"), id)
	}
	return s.changeItem(ctx, v, id, action, func(tx core.Tx, ss *core.AssemblySession, it *core.AgendaItem, e *core.AuditEntry) ([]*core.Event, error) {
		if it.Kind != core.ItemElection || it.State != core.ItemCandidacies {
			return nil, core.Errorf(core.ECONFLICT, "a vote is asked for on an election before its first round; this item is a %s (%s)", it.Kind, it.State)
		}
		if _, err := accredited(tx, it.SessionID, country); err != nil {
			return nil, err
		}
		if !slices.Contains(it.VoteRequested, country) {
			it.VoteRequested = append(it.VoteRequested, country)
		}
		e.Query = country
		return nil, nil
	})
}

// accredited returns country's delegation if its credentials were accepted.
func accredited(tx core.Tx, sessionID, country string) (*core.Delegation, error) {
	ds, err := tx.ListDelegations(sessionID)
	if err != nil {
		return nil, err
	}
	for _, d := range ds {
		if d.Country == country && !d.Observer {
			if d.Credentials != core.CredentialsAccepted {
				return nil, forbidden("the delegation of %s has credentials %s: only a delegation whose credentials the secretariat accepted votes", country, d.Credentials)
			}
			return d, nil
		}
	}
	return nil, forbidden("%s has no delegation registered in this session", country)
}

// Acclaim declares the one remaining candidate elected by acclamation,
// recorded as such with no counts, when no delegation asked for a vote.
func (s *Service) Acclaim(ctx context.Context, v core.Viewer, id string) (*core.AgendaItem, error) {
	const action = "assembly.acclamation"
	if !access.CanAdministerAssembly(v) {
		return nil, s.refuse(ctx, v, action, forbidden("the General Secretariat's administrators record an acclamation"), id)
	}
	return s.changeItem(ctx, v, id, action, func(tx core.Tx, ss *core.AssemblySession, it *core.AgendaItem, e *core.AuditEntry) ([]*core.Event, error) {
		if it.Kind != core.ItemElection || it.State != core.ItemCandidacies {
			return nil, core.Errorf(core.ECONFLICT, "acclamation decides an election before any ballot; this item is a %s (%s)", it.Kind, it.State)
		}
		if ss.State != core.SessionOpen {
			return nil, core.Errorf(core.ECONFLICT, "the session is %s: the Assembly decides only in an open session", ss.State)
		}
		var running []core.Candidate
		for _, c := range it.Candidates {
			if c.Running() {
				running = append(running, c)
			}
		}
		if len(running) != 1 {
			return nil, core.Errorf(core.ECONFLICT, "acclamation needs exactly one candidate in the running; there are %d", len(running))
		}
		if len(it.VoteRequested) > 0 {
			return nil, core.Errorf(core.ECONFLICT, "%s asked for a vote: the election goes to a secret ballot", strings.Join(it.VoteRequested, ", "))
		}
		now := s.now()
		it.State = core.ItemDecided
		it.Outcome = &core.Outcome{Method: "acclamation", Result: "elected", Winner: running[0].ID, DecidedAt: now}
		e.Query = running[0].Country
		return []*core.Event{event(EventResult, it.ID, now, map[string]any{"session_id": it.SessionID, "item_id": it.ID, "title": it.Title,
			"method": "acclamation", "result": "elected", "winner": running[0].ID, "winner_country": running[0].Country, "winner_name": running[0].Name})}, nil
	})
}
