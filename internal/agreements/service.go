package agreements

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/manara-hub/manara/internal/access"
	"github.com/manara-hub/manara/internal/audit"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/files"
	"github.com/manara-hub/manara/internal/members"
)

// Event types written to the event stream: to every bureau for a public
// agreement past its draft, else to its parties' bureaus only.
const (
	EventRegistered = "agreement.registered"
	EventUpdated    = "agreement.updated"
	EventSigned     = "agreement.signed"
	EventInForce    = "agreement.in_force"
	EventTerminated = "agreement.terminated"
	EventDocument   = "agreement.document_added"
)

// Audit actions.
const (
	ActionCreate       = "agreement.create"
	ActionUpdate       = "agreement.update"
	ActionStatus       = "agreement.status"
	ActionRead         = "agreement.read"
	ActionSearch       = "agreement.search"
	ActionAttach       = "agreement.document.attach"
	ActionDocumentRead = "agreement.document.read"
)

// Service keeps the agreements registry in a store.
type Service struct {
	Store core.Store
	Now   func() time.Time
	// Notify, if set, is called after a commit that wrote events.
	Notify func()
	// MaxDocumentBytes bounds one document (DefaultMaxDocumentBytes if 0).
	MaxDocumentBytes int64
}

// New returns a Service over st.
func New(st core.Store) *Service { return &Service{Store: st, Now: time.Now} }

func (s *Service) now() time.Time { return s.Now().UTC().Truncate(time.Microsecond) }

// Today is the date (UTC) that decides which agreements have expired.
func (s *Service) Today() string { return s.now().Format(time.DateOnly) }

// DocumentLimit is the most bytes one document may have.
func (s *Service) DocumentLimit() int64 {
	if s.MaxDocumentBytes <= 0 {
		return DefaultMaxDocumentBytes
	}
	return s.MaxDocumentBytes
}

func (s *Service) notify() {
	if s.Notify != nil {
		s.Notify()
	}
}

// refuse records a refused operation in its own transaction (the failed
// one rolled back) and returns err.
func (s *Service) refuse(ctx context.Context, v core.Viewer, action string, err error, ids ...string) error {
	return audit.RefuseOn(ctx, s.Store, v, action, err, ids...)
}

func notFound() error { return core.Errorf(core.ENOTFOUND, "agreement not found") }

// disclosed reports whether reading a is disclosure-relevant (audited):
// it is not public to every bureau.
func disclosed(a *core.Agreement) bool {
	return a.Visibility != core.AgreementPublic || a.State == core.AgreementDraft
}

func event(typ string, a *core.Agreement, at time.Time, extra map[string]any) *core.Event {
	d := map[string]any{"agreement": a.ID, "owner": a.Owner, "state": a.State, "version": a.Version}
	for k, v := range extra {
		d[k] = v
	}
	raw, _ := json.Marshal(d)
	return &core.Event{At: at, Type: typ, Subject: a.ID, Audience: access.AgreementAudience(a), Data: raw}
}

// checkMeeting checks the reference to where the agreement was signed:
// the gathering exists, and the meeting request is one of it that v may
// see and that the registering bureau is a party to (a request v may not
// see is not found, as in the meetings package). Seeing is not enough:
// the host of a gathering sees every request, and its agreement was not
// signed at a meeting between two other delegations.
func checkMeeting(tx core.Tx, v core.Viewer, fs *fieldErrs, a *core.Agreement) error {
	if a.Gathering == "" || len(*fs) > 0 {
		return nil
	}
	g, err := tx.GetGathering(a.Gathering)
	if core.ErrorCode(err) == core.ENOTFOUND {
		fs.add("gathering", "no gathering has this id")
		return nil
	}
	if err != nil {
		return err
	}
	if a.MeetingRequest == "" {
		return nil
	}
	m, err := tx.GetMeetingRequest(a.MeetingRequest)
	if core.ErrorCode(err) == core.ENOTFOUND || (err == nil && (m.Gathering != g.ID || !access.Meeting(v, g, m).See || m.From != a.Owner && m.To != a.Owner)) {
		fs.add("meeting_request", "no meeting request of this gathering that your bureau takes part in has this id")
		return nil
	}
	return err
}

// Create registers an agreement for v's bureau.
func (s *Service) Create(ctx context.Context, v core.Viewer, in Input) (*core.Agreement, error) {
	if !access.CanRegisterAgreement(v) {
		return nil, s.refuse(ctx, v, ActionCreate, core.Errorf(core.EFORBIDDEN, "your role does not allow registering agreements"))
	}
	now := s.now()
	today := now.Format(time.DateOnly)
	a := &core.Agreement{Owner: v.Bureau}
	var fs fieldErrs
	validFields(&fs, a, in.Fields, v.Bureau)
	a.State = strings.TrimSpace(in.State)
	if a.State == "" {
		a.State = core.AgreementDraft
	}
	if !slices.Contains([]string{core.AgreementDraft, core.AgreementSigned, core.AgreementInForce}, a.State) {
		fs.add("state", "must be draft, signed or in_force at registration (terminated is a change of status; expired follows from the expiry date)")
	} else if len(fs) == 0 {
		checkState(&fs, a, today)
	}
	a.ID, a.Version, a.CreatedBy, a.CreatedAt, a.UpdatedAt = uuid.Must(uuid.NewV7()).String(), 1, v.ActorName(), now, now
	a.History = []core.AgreementStatusChange{{State: a.State, At: now, By: v.ActorName(), On: stateDate(a)}}
	err := s.Store.Update(ctx, func(tx core.Tx) error {
		if err := checkMeeting(tx, v, &fs, a); err != nil {
			return err
		}
		if len(fs) > 0 {
			return core.Invalid(fs...)
		}
		if err := tx.InsertAgreement(a); err != nil {
			return err
		}
		if err := tx.InsertEvent(event(EventRegistered, a, now, nil)); err != nil {
			return err
		}
		return audit.Append(tx, audit.Entry(v, ActionCreate, audit.OK, a.ID))
	})
	if err != nil {
		return nil, s.refuse(ctx, v, ActionCreate, err)
	}
	s.notify()
	a.Documents = []core.AgreementDocument{}
	a.Derive(today)
	return a, nil
}

// stateDate is the date a's current state took effect.
func stateDate(a *core.Agreement) string {
	switch a.State {
	case core.AgreementSigned:
		return a.Signed
	case core.AgreementInForce:
		return a.InForce
	}
	return ""
}

// load reads an agreement v may see; one v may not see is not found.
func load(tx core.Tx, v core.Viewer, id string) (*core.Agreement, error) {
	a, err := tx.GetAgreement(id)
	if core.ErrorCode(err) == core.ENOTFOUND {
		return nil, notFound()
	}
	if err != nil {
		return nil, err
	}
	if !access.CanSeeAgreement(v, a) {
		return nil, notFound()
	}
	return a, nil
}

// Get returns one agreement with its documents' descriptions. Reading
// one not public to every bureau is audited, in the same transaction.
func (s *Service) Get(ctx context.Context, v core.Viewer, id string) (*core.Agreement, error) {
	a, err := s.readAudited(ctx, v, ActionRead, id, func(tx core.Tx) (*core.Agreement, error) {
		a, err := load(tx, v, id)
		if err != nil {
			return nil, err
		}
		a.Documents, err = tx.AgreementDocuments(id)
		return a, err
	})
	if err != nil {
		return nil, err
	}
	a.Derive(s.Today())
	return a, nil
}

// readAudited runs read, which loads agreement id as v may see it, in a
// read-only view; where reading that agreement is accounted for
// (disclosed), it runs read again inside the write transaction that
// appends action's entry, so that what is shown is what the entry
// accounts for. It returns the agreement of the last read; a refusal is
// audited and returned.
func (s *Service) readAudited(ctx context.Context, v core.Viewer, action, id string, read func(tx core.Tx) (*core.Agreement, error)) (*core.Agreement, error) {
	var a *core.Agreement
	err := s.Store.View(ctx, func(tx core.Tx) (err error) {
		a, err = read(tx)
		return err
	})
	if err == nil && disclosed(a) {
		err = s.Store.Update(ctx, func(tx core.Tx) (err error) {
			if a, err = read(tx); err != nil {
				return err
			}
			return audit.Append(tx, audit.Entry(v, action, audit.OK, id))
		})
	}
	if err != nil {
		return nil, s.refuse(ctx, v, action, err, id)
	}
	return a, nil
}

// Query is a search of the registry.
type Query struct {
	Party, Country, Subject, Kind, Gathering, Status, Text string
	SignedFrom, SignedTo, ExpiresFrom, ExpiresTo           string
	// Page counts from 1; Limit is the page size (default 50, at most 200).
	Page, Limit int
}

// Page is one page of a search.
type Page struct {
	Items []*core.Agreement `json:"items"`
	Count int               `json:"count"`
	Page  int               `json:"page"`
	Limit int               `json:"limit"`
	// More: another page follows.
	More bool `json:"more"`
}

// Limits of a search page.
const (
	DefaultPageSize = 50
	MaxPageSize     = 200
	MaxPage         = 10000
)

// filter checks q and builds the store's filter.
func (s *Service) filter(q Query) (core.AgreementFilter, error) {
	var fs fieldErrs
	f := core.AgreementFilter{Party: strings.ToUpper(strings.TrimSpace(q.Party)), Country: strings.ToUpper(strings.TrimSpace(q.Country)),
		Subject: strings.TrimSpace(q.Subject), Kind: strings.TrimSpace(q.Kind), Gathering: strings.TrimSpace(q.Gathering),
		Status: strings.TrimSpace(q.Status), Today: s.Today()}
	f.Text = text(&fs, "q", q.Text, 200, false)
	if f.Party != "" && len(f.Party) > 40 {
		fs.add("party", "must be a party: a country code (MA), an agency (MA:DGSN) or an organisation code (AFRIPOL)")
	}
	// A code of no member would search for what cannot be there and be
	// answered an empty page, as if nothing matched. Alpha-2 only, as the
	// parties are written (and as the party filter takes them).
	if f.Country != "" && !members.Valid(f.Country) {
		fs.add("country", "must be a member country's ISO alpha-2 code, such as MA")
	}
	if f.Subject != "" && !slices.Contains(core.AgreementSubjects, f.Subject) {
		fs.add("subject", "must be one of %s", strings.Join(core.AgreementSubjects, ", "))
	}
	if f.Kind != "" && !slices.Contains(core.AgreementKinds, f.Kind) {
		fs.add("kind", "must be one of %s", strings.Join(core.AgreementKinds, ", "))
	}
	if f.Status != "" && !slices.Contains(core.AgreementStatuses, f.Status) {
		fs.add("status", "must be one of %s", strings.Join(core.AgreementStatuses, ", "))
	}
	if f.Gathering != "" && !idLike.MatchString(f.Gathering) {
		fs.add("gathering", "must be a gathering's id")
	}
	f.SignedFrom, f.SignedTo = date(&fs, "signed_from", q.SignedFrom), date(&fs, "signed_to", q.SignedTo)
	f.ExpiresFrom, f.ExpiresTo = date(&fs, "expires_from", q.ExpiresFrom), date(&fs, "expires_to", q.ExpiresTo)
	if f.SignedFrom != "" && f.SignedTo != "" && f.SignedTo < f.SignedFrom && len(fs) == 0 {
		fs.add("signed_to", "must be on or after signed_from (%s)", f.SignedFrom)
	}
	if f.ExpiresFrom != "" && f.ExpiresTo != "" && f.ExpiresTo < f.ExpiresFrom && len(fs) == 0 {
		fs.add("expires_to", "must be on or after expires_from (%s)", f.ExpiresFrom)
	}
	page, limit := q.Page, q.Limit
	if page == 0 {
		page = 1
	}
	if limit == 0 {
		limit = DefaultPageSize
	}
	if page < 1 || page > MaxPage {
		fs.add("page", "must be from 1 to %d", MaxPage)
	}
	if limit < 1 || limit > MaxPageSize {
		fs.add("limit", "must be from 1 to %d", MaxPageSize)
	}
	if len(fs) > 0 {
		return f, core.Invalid(fs...)
	}
	f.Limit, f.Offset = limit+1, (page-1)*limit
	return f, nil
}

// Search lists the agreements v may see that match q, one page at a
// time. The store narrows with v's scope and every row passes the access
// decision again; the agreements not public to every bureau that the
// page shows are named in one audit entry.
func (s *Service) Search(ctx context.Context, v core.Viewer, q Query) (*Page, error) {
	f, err := s.filter(q)
	if err != nil {
		return nil, s.refuse(ctx, v, ActionSearch, err)
	}
	scope, ok := access.AgreementScope(v)
	if !ok {
		return nil, s.refuse(ctx, v, ActionSearch, core.Errorf(core.EFORBIDDEN, "your role does not allow reading agreements"))
	}
	f.Scope = scope
	limit := f.Limit - 1
	p := &Page{Page: f.Offset/limit + 1, Limit: limit}
	var rows []*core.Agreement
	list := func(tx core.Tx) error {
		var err error
		rows, err = tx.ListAgreements(f)
		return err
	}
	if err := s.Store.View(ctx, list); err != nil {
		return nil, s.refuse(ctx, v, ActionSearch, err)
	}
	rows = access.FilterAgreements(v, rows)
	var hidden []string
	for _, a := range rows[:min(len(rows), limit)] {
		if disclosed(a) {
			hidden = append(hidden, a.ID)
		}
	}
	if len(hidden) > 0 {
		// As for Get: list again in the transaction that audits what it shows.
		err := s.Store.Update(ctx, func(tx core.Tx) error {
			if err := list(tx); err != nil {
				return err
			}
			rows = access.FilterAgreements(v, rows)
			hidden = hidden[:0]
			for _, a := range rows[:min(len(rows), limit)] {
				if disclosed(a) {
					hidden = append(hidden, a.ID)
				}
			}
			e := audit.Entry(v, ActionSearch, audit.OK, hidden...)
			e.Query = q.summary()
			return audit.Append(tx, e)
		})
		if err != nil {
			return nil, s.refuse(ctx, v, ActionSearch, err)
		}
	}
	if len(rows) > limit {
		p.More, rows = true, rows[:limit]
	}
	today := f.Today
	for _, a := range rows {
		a.Derive(today)
		a.Documents = nil
	}
	if rows == nil {
		rows = []*core.Agreement{}
	}
	p.Items, p.Count = rows, len(rows)
	return p, nil
}

func (q Query) summary() string {
	var parts []string
	for _, kv := range [][2]string{{"party", q.Party}, {"country", q.Country}, {"subject", q.Subject}, {"kind", q.Kind}, {"gathering", q.Gathering},
		{"status", q.Status}, {"q", q.Text}, {"signed_from", q.SignedFrom}, {"signed_to", q.SignedTo}, {"expires_from", q.ExpiresFrom}, {"expires_to", q.ExpiresTo}} {
		if kv[1] != "" {
			parts = append(parts, kv[0]+"="+kv[1])
		}
	}
	return strings.Join(parts, " ")
}

// loadOwned reads an agreement v may see and change.
func loadOwned(tx core.Tx, v core.Viewer, id string, version int64) (*core.Agreement, error) {
	a, err := load(tx, v, id)
	if err != nil {
		return nil, err
	}
	if !access.CanChangeAgreement(v, a) {
		return nil, core.Errorf(core.EFORBIDDEN, "only the bureau that registered the agreement (%s) changes it", a.Owner)
	}
	if version != 0 && version != a.Version {
		return nil, core.Errorf(core.ECONFLICT, "the agreement is at version %d, not %d: reload it and try again", a.Version, version)
	}
	return a, nil
}

// Update changes an agreement's fields (its owner only). A terminated
// agreement no longer changes, nor does an expired one's status.
func (s *Service) Update(ctx context.Context, v core.Viewer, id string, in UpdateInput) (*core.Agreement, error) {
	var a *core.Agreement
	now := s.now()
	err := s.Store.Update(ctx, func(tx core.Tx) error {
		old, err := loadOwned(tx, v, id, in.Version)
		if err != nil {
			return err
		}
		if old.State == core.AgreementTerminated {
			return core.Errorf(core.ECONFLICT, "the agreement is terminated: it no longer changes")
		}
		today := now.Format(time.DateOnly)
		old.Derive(today)
		a = new(core.Agreement)
		*a = *old
		var fs fieldErrs
		validFields(&fs, a, in.Fields, old.Owner)
		if len(fs) == 0 {
			checkState(&fs, a, today)
		}
		// An expired agreement's status no longer changes (as SetStatus
		// refuses): its fields may still be corrected, but not its dates
		// so that it is signed or in force again.
		if len(fs) == 0 && old.Status == core.AgreementExpired {
			if a.Derive(today); a.Status != core.AgreementExpired {
				return core.Errorf(core.ECONFLICT, "the agreement expired on %s: its status no longer changes, and expires %q would make it %s again", old.Expires, a.Expires, a.Status)
			}
		}
		if err := checkMeeting(tx, v, &fs, a); err != nil {
			return err
		}
		if len(fs) > 0 {
			return core.Invalid(fs...)
		}
		a.Version++
		a.UpdatedAt = now
		if err := tx.UpdateAgreement(a); err != nil {
			return err
		}
		// Narrowed to its parties: the event goes to them only, never to
		// the bureaus that no longer see it.
		if err := tx.InsertEvent(event(EventUpdated, a, now, nil)); err != nil {
			return err
		}
		if a.Documents, err = tx.AgreementDocuments(id); err != nil {
			return err
		}
		return audit.Append(tx, audit.Entry(v, ActionUpdate, audit.OK, id))
	})
	if err != nil {
		return nil, s.refuse(ctx, v, ActionUpdate, err, id)
	}
	s.notify()
	a.Derive(now.Format(time.DateOnly))
	return a, nil
}

// Transitions lists, for each recorded state, the states it may move to.
var Transitions = map[string][]string{
	core.AgreementDraft:   {core.AgreementSigned, core.AgreementInForce, core.AgreementTerminated},
	core.AgreementSigned:  {core.AgreementInForce, core.AgreementTerminated},
	core.AgreementInForce: {core.AgreementTerminated},
}

// SetStatus records a status change and its date (its owner only): signed
// sets the date signed, in force the date it entered into force,
// terminated needs a note saying why. Expired is never set: it follows
// from the expiry date.
func (s *Service) SetStatus(ctx context.Context, v core.Viewer, id string, in StatusInput) (*core.Agreement, error) {
	var a *core.Agreement
	now := s.now()
	today := now.Format(time.DateOnly)
	err := s.Store.Update(ctx, func(tx core.Tx) error {
		old, err := loadOwned(tx, v, id, in.Version)
		if err != nil {
			return err
		}
		var fs fieldErrs
		to := strings.TrimSpace(in.Status)
		on := date(&fs, "on", in.On)
		note := text(&fs, "note", in.Note, MaxNote, to == core.AgreementTerminated)
		switch {
		case to == core.AgreementExpired:
			fs.add("status", "expired is not set: it follows from the expiry date")
		case !slices.Contains([]string{core.AgreementSigned, core.AgreementInForce, core.AgreementTerminated}, to):
			fs.add("status", "must be signed, in_force or terminated")
		}
		if len(fs) > 0 {
			return core.Invalid(fs...)
		}
		old.Derive(today)
		if old.Status == core.AgreementExpired {
			return core.Errorf(core.ECONFLICT, "the agreement expired on %s: its status no longer changes", old.Expires)
		}
		if !slices.Contains(Transitions[old.State], to) {
			return core.Errorf(core.ECONFLICT, "the agreement is %s: it cannot become %s", old.State, to)
		}
		a = new(core.Agreement)
		*a = *old
		a.History = slices.Clone(old.History)
		switch to {
		case core.AgreementSigned:
			if on == "" {
				on = a.Signed
			}
			if on == "" {
				on = today
			}
			a.Signed = on
		case core.AgreementInForce:
			if on == "" {
				on = a.InForce
			}
			if on == "" {
				on = today
			}
			a.InForce = on
			if a.Signed == "" {
				fs.add("signed", "is required before the agreement enters into force: record its signature first")
			}
		case core.AgreementTerminated:
			if on == "" {
				on = today
			}
			// The history records the date it took effect, which follows
			// the agreement's life: not before it was signed, nor before
			// it entered into force if it did (a signed agreement may be
			// denounced before its date in force comes).
			switch {
			case on > today:
				fs.add("on", "must not be after today (%s): record the termination when it happens", today)
			case a.Signed != "" && on < a.Signed:
				fs.add("on", "must not be before the agreement was signed (%s)", a.Signed)
			case old.State == core.AgreementInForce && a.InForce != "" && on < a.InForce:
				fs.add("on", "must not be before the agreement entered into force (%s)", a.InForce)
			}
		}
		a.State = to
		checkDates(&fs, a)
		checkState(&fs, a, today)
		if len(fs) > 0 {
			return core.Invalid(fs...)
		}
		a.History = append(a.History, core.AgreementStatusChange{State: to, At: now, By: v.ActorName(), On: on, Note: note})
		a.Version++
		a.UpdatedAt = now
		if err := tx.UpdateAgreement(a); err != nil {
			return err
		}
		typ := map[string]string{core.AgreementSigned: EventSigned, core.AgreementInForce: EventInForce, core.AgreementTerminated: EventTerminated}[to]
		if err := tx.InsertEvent(event(typ, a, now, map[string]any{"on": on})); err != nil {
			return err
		}
		if a.Documents, err = tx.AgreementDocuments(id); err != nil {
			return err
		}
		return audit.Append(tx, audit.Entry(v, ActionStatus, audit.OK, id))
	})
	if err != nil {
		return nil, s.refuse(ctx, v, ActionStatus, err, id)
	}
	s.notify()
	a.Derive(today)
	return a, nil
}

// Attach stores a document of an agreement in one language (its owner
// only): PDF, or a JPEG, PNG or WebP scan, sniffed from the bytes.
func (s *Service) Attach(ctx context.Context, v core.Viewer, id, lang, name string, content []byte) (*core.AgreementDocument, error) {
	limit := s.DocumentLimit()
	if int64(len(content)) > limit {
		return nil, s.refuse(ctx, v, ActionAttach, &core.Error{Code: core.ETOOLARGE, Message: fmt.Sprintf("the document is %d bytes or more; the limit is %d", len(content), limit),
			Fields: []core.FieldError{{Field: "file", Reason: fmt.Sprintf("must be at most %d bytes", limit)}}}, id)
	}
	var fs fieldErrs
	lang = strings.ToLower(strings.TrimSpace(lang))
	if !langCode.MatchString(lang) {
		fs.add("lang", "is required: the document's language, a code such as ar, en, fr, es")
	}
	if len(name) > 1000 {
		fs.add("name", "must be at most 1000 bytes")
	}
	ct, ok := "", false
	if len(content) == 0 {
		fs.add("file", "is empty")
	} else if ct, ok = files.Sniff(content); !ok {
		fs.add("file", "its bytes are %s, whatever its name says; attach a PDF, or a JPEG, PNG or WebP scan", ct)
	}
	if len(fs) > 0 {
		return nil, s.refuse(ctx, v, ActionAttach, core.Invalid(fs...), id)
	}
	sum := sha256.Sum256(content)
	now := s.now()
	d := &core.AgreementDocument{ID: uuid.Must(uuid.NewV7()).String(), Agreement: id, Lang: lang, Name: files.CleanName(name), ContentType: ct,
		Size: int64(len(content)), SHA256: hex.EncodeToString(sum[:]), CreatedBy: v.ActorName(), CreatedAt: now, Content: content}
	err := s.Store.Update(ctx, func(tx core.Tx) error {
		a, err := loadOwned(tx, v, id, 0)
		if err != nil {
			return err
		}
		// Uploads to one agreement take turns: each counts the documents
		// the others committed, so the limit holds on PostgreSQL too.
		if err := tx.LockName("agreement_documents:" + a.ID); err != nil {
			return err
		}
		docs, err := tx.AgreementDocuments(id)
		if err != nil {
			return err
		}
		if len(docs) >= MaxDocuments {
			return &core.Error{Code: core.ETOOLARGE, Message: fmt.Sprintf("the agreement has %d documents, the most it may have", len(docs)),
				Fields: []core.FieldError{{Field: "file", Reason: fmt.Sprintf("an agreement holds at most %d documents", MaxDocuments)}}}
		}
		if err := tx.InsertAgreementDocument(d); err != nil {
			return err
		}
		if err := tx.InsertEvent(event(EventDocument, a, now, map[string]any{"document": d.ID, "lang": lang})); err != nil {
			return err
		}
		return audit.Append(tx, audit.Entry(v, ActionAttach, audit.OK, id))
	})
	if err != nil {
		return nil, s.refuse(ctx, v, ActionAttach, err, id)
	}
	s.notify()
	d.Content = nil
	return d, nil
}

// Document returns one document, with its content, of an agreement v may
// see; of one v may not see, it is not found. Reading the document of an
// agreement not public to every bureau is audited.
func (s *Service) Document(ctx context.Context, v core.Viewer, id, did string) (*core.AgreementDocument, error) {
	var d *core.AgreementDocument
	_, err := s.readAudited(ctx, v, ActionDocumentRead, id, func(tx core.Tx) (*core.Agreement, error) {
		a, err := load(tx, v, id)
		if err != nil {
			return nil, err
		}
		d, err = tx.GetAgreementDocument(id, did)
		return a, err
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}
