// Package assembly owns the General Assembly: its sessions and their
// states, the agenda, delegations and the examination of their
// credentials, observers and proxies, quorum, resolutions and their
// amendments, elections (candidacies, withdrawals, acclamation, rounds of
// secret ballot with their majorities) and the secret ballot itself: RSA
// blind-signed tokens (RFC 9474) taken by an accredited delegation, ballots
// cast with them over an unauthenticated request, the public bulletin
// board of each round (a Merkle log) and the tally computed from it.
//
// Like notices, every operation asks access before it changes anything
// and appends to the audit log and the event stream in the same
// transaction as the change. It must not decide who may act (access does),
// know anything of HTTP, or keep anything that links a token or a ballot
// to the country or user that took it: not in its tables, not in the audit
// entries it writes, not in its events.
package assembly

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"golang.org/x/text/unicode/norm"

	"github.com/manara-hub/manara/internal/access"
	"github.com/manara-hub/manara/internal/audit"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/lang"
	"github.com/manara-hub/manara/internal/members"
)

// Event types written to the event stream, addressed to every member.
const (
	EventVoteOpened = "assembly.vote_opened"
	EventVoteClosed = "assembly.vote_closed"
	EventResult     = "assembly.result"
)

// Positions an election fills, and their terms in years.
const (
	PositionPresident     = "president"
	PositionVicePresident = "vice_president"
	PositionDelegate      = "delegate"
	PositionHost          = "host"
)

// Positions lists the positions; Terms their terms in years (a host has none).
var (
	Positions = []string{PositionPresident, PositionVicePresident, PositionDelegate, PositionHost}
	Terms     = map[string]int{PositionPresident: 4, PositionVicePresident: 3, PositionDelegate: 3}
)

// Resolution subjects and the majority each needs.
const (
	SubjectOrdinary     = "ordinary"
	SubjectConstitution = "constitution"
	SubjectAdmission    = "admission"
)

// Subjects lists the resolution subjects.
var Subjects = []string{SubjectOrdinary, SubjectConstitution, SubjectAdmission}

// Limits on input.
const (
	maxName      = 200
	maxTitle     = 500
	maxText      = 20000
	maxPeople    = 50
	maxDocuments = 20
	maxLanguages = 10
	maxURL       = 2000
	// DefaultRoundMinutes is how long a round stays open unless told.
	DefaultRoundMinutes = 30
	maxRoundMinutes     = 24 * 60
	// DefaultKeyBits is the size of a round's RSA signing key.
	DefaultKeyBits = 2048
)

// Service runs the General Assembly against a store.
type Service struct {
	Store core.Store
	Now   func() time.Time
	// Notify, if set, is called after a commit that wrote events.
	Notify func()
	// KeyBits is the size of each round's RSA key (default 2048).
	KeyBits int
	// Rand is the source of keys (default crypto/rand).
	Rand io.Reader
	// KEK seals each round's private signing key before it is stored:
	// the store never holds it in clear. Every replica must hold the same
	// KEK (a server loads it with LoadOrCreateKEK); New sets one that
	// lives only as long as the process.
	KEK *KEK
}

// New returns a Service over st.
func New(st core.Store) *Service {
	return &Service{Store: st, Now: time.Now, KeyBits: DefaultKeyBits, Rand: rand.Reader, KEK: EphemeralKEK()}
}

func (s *Service) now() time.Time { return s.Now().UTC().Truncate(time.Microsecond) }

func (s *Service) notify() {
	if s.Notify != nil {
		s.Notify()
	}
}

func newID() string { return uuid.Must(uuid.NewV7()).String() }

// refuse records a refused operation in its own transaction and returns err.
func (s *Service) refuse(ctx context.Context, v core.Viewer, action string, err error, ids ...string) error {
	return audit.RefuseOn(ctx, s.Store, v, action, err, ids...)
}

// write runs fn in a transaction that also appends the audit entry of
// action; a failure is recorded as refused.
func (s *Service) write(ctx context.Context, v core.Viewer, action string, ids []string, fn func(tx core.Tx, e *core.AuditEntry) error) error {
	err := s.Store.Update(ctx, func(tx core.Tx) error {
		e := audit.Entry(v, action, audit.OK, ids...)
		if err := fn(tx, e); err != nil {
			return err
		}
		return audit.Append(tx, e)
	})
	if err != nil {
		return s.refuse(ctx, v, action, err, ids...)
	}
	return nil
}

func event(typ, subject string, at time.Time, data map[string]any) *core.Event {
	raw, _ := json.Marshal(data)
	return &core.Event{At: at, Type: typ, Subject: subject, Audience: []string{core.AudienceAll}, Data: raw}
}

// errSessionClosed refuses any change to a closed session's record.
func errSessionClosed() error { return core.Errorf(core.ECONFLICT, "the session is closed") }

func forbidden(format string, args ...any) error {
	return core.Errorf(core.EFORBIDDEN, format, args...)
}

func checkText(fs []core.FieldError, field, s string, max int, required bool) []core.FieldError {
	switch {
	case strings.TrimSpace(s) == "" && required:
		return append(fs, core.FieldError{Field: field, Reason: "is required"})
	case utf8.RuneCountInString(s) > max:
		return append(fs, core.FieldError{Field: field, Reason: fmt.Sprintf("must be at most %d characters", max)})
	case strings.ContainsAny(s, "\x00"):
		return append(fs, core.FieldError{Field: field, Reason: "must not contain NUL characters"})
	}
	return fs
}

var dateRE = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

func checkDate(fs []core.FieldError, field, s string) []core.FieldError {
	if _, err := time.Parse("2006-01-02", s); err != nil || !dateRE.MatchString(s) {
		return append(fs, core.FieldError{Field: field, Reason: "must be a date YYYY-MM-DD"})
	}
	return fs
}

// SessionInput convenes a session.
type SessionInput struct {
	Number       int      `json:"number"`
	Place        string   `json:"place"`
	StartsOn     string   `json:"starts_on"`
	EndsOn       string   `json:"ends_on"`
	Languages    []string `json:"languages"`
	Quorum       int      `json:"quorum"`
	AllowProxies bool     `json:"allow_proxies"`
}

// CreateSession creates a session in the draft state.
func (s *Service) CreateSession(ctx context.Context, v core.Viewer, in SessionInput) (*core.AssemblySession, error) {
	const action = "assembly.session.create"
	if !access.CanAdministerAssembly(v) {
		return nil, s.refuse(ctx, v, action, forbidden("only the General Secretariat's administrators create General Assembly sessions"))
	}
	var fs []core.FieldError
	if in.Number < 1 || in.Number > 10000 {
		fs = append(fs, core.FieldError{Field: "number", Reason: "must be the session's number, 1 to 10000 (93 for the 93rd)"})
	}
	fs = checkText(fs, "place", in.Place, maxName, true)
	fs = checkDate(fs, "starts_on", in.StartsOn)
	fs = checkDate(fs, "ends_on", in.EndsOn)
	if len(fs) == 0 && in.EndsOn < in.StartsOn {
		fs = append(fs, core.FieldError{Field: "ends_on", Reason: "must be on or after starts_on"})
	}
	if len(in.Languages) == 0 {
		in.Languages = []string{"ar", "en", "es", "fr"}
	}
	if len(in.Languages) > maxLanguages {
		fs = append(fs, core.FieldError{Field: "languages", Reason: fmt.Sprintf("must list at most %d languages", maxLanguages)})
	}
	for i, l := range in.Languages {
		if !lang.ISO6391(l) {
			fs = append(fs, core.FieldError{Field: fmt.Sprintf("languages[%d]", i), Reason: "must be a two-letter ISO 639-1 code such as ar, en, es, fr"})
		}
	}
	if in.Quorum < 0 || in.Quorum > members.Count() {
		fs = append(fs, core.FieldError{Field: "quorum", Reason: fmt.Sprintf("must be 0 (a majority of the %d member countries) to %d", members.Count(), members.Count())})
	}
	if len(fs) > 0 {
		return nil, s.refuse(ctx, v, action, core.Invalid(fs...))
	}
	now := s.now()
	ss := &core.AssemblySession{ID: newID(), Number: in.Number, Place: strings.TrimSpace(in.Place), StartsOn: in.StartsOn, EndsOn: in.EndsOn,
		Languages: in.Languages, State: core.SessionDraft, Quorum: in.Quorum, AllowProxies: in.AllowProxies, Version: 1, CreatedAt: now, UpdatedAt: now}
	err := s.write(ctx, v, action, []string{ss.ID}, func(tx core.Tx, _ *core.AuditEntry) error { return tx.InsertAssemblySession(ss) })
	if err != nil {
		return nil, err
	}
	return ss, nil
}

// QuorumRequired is how many member countries must be present for a vote.
func QuorumRequired(ss *core.AssemblySession) int {
	if ss.Quorum > 0 {
		return ss.Quorum
	}
	return members.Count()/2 + 1
}

// SetSessionState moves a session forward: draft → convened → open → closed.
func (s *Service) SetSessionState(ctx context.Context, v core.Viewer, id, state string, version int64) (*core.AssemblySession, error) {
	const action = "assembly.session.state"
	if !access.CanAdministerAssembly(v) {
		return nil, s.refuse(ctx, v, action, forbidden("only the General Secretariat's administrators convene, open and close sessions"), id)
	}
	var out *core.AssemblySession
	err := s.write(ctx, v, action, []string{id}, func(tx core.Tx, e *core.AuditEntry) error {
		// Locked: a round opening at the same moment (OpenRound locks the
		// session too) either opens first, and then the session refuses to
		// close, or finds the session closed.
		ss, err := tx.LockAssemblySession(id)
		if err != nil {
			return err
		}
		if version > 0 && ss.Version != version {
			return core.Errorf(core.ECONFLICT, "the session is at version %d, not %d: reload it", ss.Version, version)
		}
		from, to := slices.Index(core.SessionStates, ss.State), slices.Index(core.SessionStates, state)
		if to < 0 {
			return core.Invalid(core.FieldError{Field: "state", Reason: "must be one of " + strings.Join(core.SessionStates, ", ")})
		}
		if to != from+1 {
			return core.Errorf(core.ECONFLICT, "a %s session can only become %s", ss.State, core.SessionStates[min(from+1, len(core.SessionStates)-1)])
		}
		if state == core.SessionClosed {
			rs, err := tx.ListRounds(id)
			if err != nil {
				return err
			}
			for _, r := range rs {
				if r.State == core.RoundOpen {
					return core.Errorf(core.ECONFLICT, "round %d of an agenda item is still open: close it before closing the session", r.Number)
				}
			}
		}
		e.Query = ss.State + " -> " + state
		ss.State, ss.UpdatedAt = state, s.now()
		ss.Version++
		out = ss
		return tx.UpdateAssemblySession(ss)
	})
	return out, err
}

// SessionView is a session with its agenda, delegations and rounds.
type SessionView struct {
	Session     *core.AssemblySession `json:"session"`
	Items       []*core.AgendaItem    `json:"items"`
	Delegations []*core.Delegation    `json:"delegations"`
	Rounds      []*core.Round         `json:"rounds"`
}

// Sessions lists sessions, newest first.
func (s *Service) Sessions(ctx context.Context, v core.Viewer) ([]*core.AssemblySession, error) {
	if !access.CanReadAssembly(v) {
		return nil, s.refuse(ctx, v, "assembly.session.list", forbidden("the General Assembly is read by member bureaus and the secretariat"))
	}
	var out []*core.AssemblySession
	err := s.Store.View(ctx, func(tx core.Tx) error {
		var err error
		out, err = tx.ListAssemblySessions(100)
		return err
	})
	return out, err
}

// Session returns a session with its agenda, delegations and rounds.
func (s *Service) Session(ctx context.Context, v core.Viewer, id string) (*SessionView, error) {
	if !access.CanReadAssembly(v) {
		return nil, s.refuse(ctx, v, "assembly.session.read", forbidden("the General Assembly is read by member bureaus and the secretariat"), id)
	}
	out := &SessionView{}
	err := s.Store.View(ctx, func(tx core.Tx) error {
		var err error
		if out.Session, err = tx.GetAssemblySession(id); err != nil {
			return err
		}
		if out.Items, err = tx.ListAgendaItems(id); err != nil {
			return err
		}
		if out.Delegations, err = tx.ListDelegations(id); err != nil {
			return err
		}
		out.Rounds, err = tx.ListRounds(id)
		return err
	})
	if err != nil {
		return nil, err
	}
	for _, r := range out.Rounds {
		hideOpen(r)
	}
	return out, nil
}

// hideOpen keeps an open round's count to itself: only how many ballots
// were cast shows until it closes.
func hideOpen(r *core.Round) {
	if r.State == core.RoundOpen {
		r.Result = nil
	}
}

// DelegationInput registers a delegation.
type DelegationInput struct {
	Country      string        `json:"country"`
	Observer     bool          `json:"observer"`
	Organisation string        `json:"organisation"`
	Head         core.Person   `json:"head"`
	Delegates    []core.Person `json:"delegates"`
	Advisers     []core.Person `json:"advisers"`
	ProxyFor     string        `json:"proxy_for"`
}

// normName folds a name for "one person, one delegation": the same name
// typed precomposed or decomposed (as macOS writes it) is one person.
func normName(s string) string {
	return strings.ToLower(norm.NFC.String(strings.Join(strings.Fields(s), " ")))
}

func checkPeople(fs []core.FieldError, field string, ps []core.Person) []core.FieldError {
	if len(ps) > maxPeople {
		return append(fs, core.FieldError{Field: field, Reason: fmt.Sprintf("must list at most %d people", maxPeople)})
	}
	for i, p := range ps {
		fs = checkText(fs, fmt.Sprintf("%s[%d].name", field, i), p.Name, maxName, true)
		fs = checkText(fs, fmt.Sprintf("%s[%d].title", field, i), p.Title, maxName, false)
	}
	return fs
}

func people(d *core.Delegation) []core.Person {
	return append(append([]core.Person{d.Head}, d.Delegates...), d.Advisers...)
}

// RegisterDelegation registers a member country's delegation (by its
// bureau) or an observer (by the secretariat). Credentials start pending.
func (s *Service) RegisterDelegation(ctx context.Context, v core.Viewer, sessionID string, in DelegationInput) (*core.Delegation, error) {
	const action = "assembly.delegation.register"
	in.Country = strings.ToUpper(strings.TrimSpace(in.Country))
	in.ProxyFor = strings.ToUpper(strings.TrimSpace(in.ProxyFor))
	if c, ok := members.Lookup(in.Country); ok {
		in.Country = c.Alpha2
	}
	if c, ok := members.Lookup(in.ProxyFor); ok {
		in.ProxyFor = c.Alpha2
	}
	switch {
	case in.Observer && !access.CanAdministerAssembly(v):
		return nil, s.refuse(ctx, v, action, forbidden("observers are registered by the General Secretariat's administrators"), sessionID)
	case !in.Observer && !access.CanRegisterDelegation(v, in.Country) && !access.CanAdministerAssembly(v):
		return nil, s.refuse(ctx, v, action, forbidden("a member country's delegation is registered by that country's bureau (its supervisors or administrators); you act for %s", v.Bureau), sessionID)
	}
	var fs []core.FieldError
	if in.Observer {
		fs = checkText(fs, "organisation", in.Organisation, maxName, true)
		if in.Country != "" {
			fs = append(fs, core.FieldError{Field: "country", Reason: "must be empty for an observer: observers are organisations, not member countries"})
		}
		if in.ProxyFor != "" {
			fs = append(fs, core.FieldError{Field: "proxy_for", Reason: "an observer never votes, so holds no proxy"})
		}
	} else {
		if !members.Valid(in.Country) {
			fs = append(fs, core.FieldError{Field: "country", Reason: "must be a member country's ISO code"})
		}
		if in.Organisation != "" {
			fs = append(fs, core.FieldError{Field: "organisation", Reason: "is for observers only"})
		}
		if in.ProxyFor != "" && (!members.Valid(in.ProxyFor) || in.ProxyFor == in.Country) {
			fs = append(fs, core.FieldError{Field: "proxy_for", Reason: "must be another member country's ISO code"})
		}
	}
	fs = checkText(fs, "head.name", in.Head.Name, maxName, true)
	fs = checkText(fs, "head.title", in.Head.Title, maxName, false)
	fs = checkPeople(fs, "delegates", in.Delegates)
	fs = checkPeople(fs, "advisers", in.Advisers)
	if len(fs) > 0 {
		return nil, s.refuse(ctx, v, action, core.Invalid(fs...), sessionID)
	}
	now := s.now()
	d := &core.Delegation{ID: newID(), SessionID: sessionID, Country: in.Country, Observer: in.Observer, Organisation: strings.TrimSpace(in.Organisation),
		Head: in.Head, Delegates: orEmpty(in.Delegates), Advisers: orEmpty(in.Advisers), ProxyFor: in.ProxyFor,
		Credentials: core.CredentialsPending, RegisteredBy: v.ActorName(), Version: 1, CreatedAt: now, UpdatedAt: now}
	err := s.write(ctx, v, action, []string{sessionID, d.ID}, func(tx core.Tx, e *core.AuditEntry) error {
		// The checks below read every other delegation of the session:
		// locking the session first runs two registrations one after the
		// other, or both could pass (the same person, or the same proxy,
		// in two delegations registered at the same moment).
		ss, err := tx.LockAssemblySession(sessionID)
		if err != nil {
			return err
		}
		if ss.State == core.SessionClosed {
			return errSessionClosed()
		}
		if d.ProxyFor != "" && !ss.AllowProxies {
			return core.Invalid(core.FieldError{Field: "proxy_for", Reason: "this session's rules allow no proxies"})
		}
		others, err := tx.ListDelegations(sessionID)
		if err != nil {
			return err
		}
		// A person may be in one delegation only, and a country's proxy is
		// held by one delegation only. A country votes either by its own
		// delegation or by proxy, never both: its proxy is refused once it
		// has a delegation, and its delegation once another holds its
		// proxy (or the holder could take its one token in its place).
		names := map[string]string{}
		for _, o := range others {
			for _, p := range people(o) {
				names[normName(p.Name)] = o.Seat()
			}
			if d.ProxyFor != "" && o.ProxyFor == d.ProxyFor {
				return core.Invalid(core.FieldError{Field: "proxy_for", Reason: fmt.Sprintf("the delegation of %s already holds %s's proxy", o.Country, d.ProxyFor)})
			}
			if d.ProxyFor != "" && o.Country == d.ProxyFor && !o.Observer {
				return core.Invalid(core.FieldError{Field: "proxy_for", Reason: fmt.Sprintf("%s has a delegation of its own in the session", d.ProxyFor)})
			}
			if !d.Observer && o.ProxyFor == d.Country {
				return core.Invalid(core.FieldError{Field: "country", Reason: fmt.Sprintf("the delegation of %s holds %s's proxy: %s votes by that proxy or by a delegation of its own, not both", o.Country, d.Country, d.Country)})
			}
		}
		seen := map[string]bool{}
		for i, p := range people(d) {
			n := normName(p.Name)
			field := personField(d, i)
			if seat, ok := names[n]; ok {
				return core.Invalid(core.FieldError{Field: field, Reason: fmt.Sprintf("%s is already in the delegation of %s: a person may be in one delegation only", p.Name, seat)})
			}
			if seen[n] {
				return core.Invalid(core.FieldError{Field: field, Reason: fmt.Sprintf("%s is listed twice", p.Name)})
			}
			seen[n] = true
		}
		e.Query = d.Seat()
		return tx.InsertDelegation(d)
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

func personField(d *core.Delegation, i int) string {
	switch {
	case i == 0:
		return "head.name"
	case i <= len(d.Delegates):
		return fmt.Sprintf("delegates[%d].name", i-1)
	}
	return fmt.Sprintf("advisers[%d].name", i-1-len(d.Delegates))
}

func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// CredentialsInput is the secretariat's decision on credentials.
type CredentialsInput struct {
	Decision string `json:"decision"` // accept or reject
	Reason   string `json:"reason"`
}

// ExamineCredentials accepts or rejects a delegation's credentials.
func (s *Service) ExamineCredentials(ctx context.Context, v core.Viewer, id string, in CredentialsInput) (*core.Delegation, error) {
	const action = "assembly.credentials"
	if !access.CanAdministerAssembly(v) {
		return nil, s.refuse(ctx, v, action, forbidden("credentials are examined by the General Secretariat's administrators"), id)
	}
	var fs []core.FieldError
	if in.Decision != "accept" && in.Decision != "reject" {
		fs = append(fs, core.FieldError{Field: "decision", Reason: "must be accept or reject"})
	}
	fs = checkText(fs, "reason", in.Reason, maxTitle, in.Decision == "reject")
	if len(fs) > 0 {
		return nil, s.refuse(ctx, v, action, core.Invalid(fs...), id)
	}
	var out *core.Delegation
	err := s.write(ctx, v, action, []string{id}, func(tx core.Tx, e *core.AuditEntry) error {
		d, err := tx.GetDelegation(id)
		if err != nil {
			return err
		}
		// Locked, and the delegation read again under the lock: the
		// session closing at the same moment either comes first, and the
		// decision is refused, or after it.
		ss, err := tx.LockAssemblySession(d.SessionID)
		if err != nil {
			return err
		}
		if ss.State == core.SessionClosed {
			return errSessionClosed()
		}
		if d, err = tx.GetDelegation(id); err != nil {
			return err
		}
		now := s.now()
		d.Credentials = core.CredentialsAccepted
		if in.Decision == "reject" {
			d.Credentials = core.CredentialsRejected
		}
		d.CredentialsReason, d.ExaminedBy, d.ExaminedAt, d.UpdatedAt = strings.TrimSpace(in.Reason), v.ActorName(), &now, now
		d.Version++
		e.Query = d.Seat() + ": " + d.Credentials
		out = d
		return tx.UpdateDelegation(d)
	})
	return out, err
}
