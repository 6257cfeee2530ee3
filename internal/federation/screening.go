package federation

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/manara-hub/manara/internal/access"
	"github.com/manara-hub/manara/internal/audit"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/members"
)

// Hit/no-hit screening across the federation (the Prüm model): a node
// that offers its national records for remote screening keeps them; a
// screening elsewhere asks it, and it answers only "hit — reference,
// contact bureau X" or "no hit", recording each hit for its owner as a
// local restricted hit is recorded. A node that does not answer in time
// is reported as not checked, never as no hit.

// Remote screening message types: answered at once, not queued, not
// sequenced (every query has its own id, and a query seen before or too
// old is refused).
const (
	TypeScreenQuery  = "screen.query"
	TypeScreenAnswer = "screen.answer"
)

// Remote outcomes.
const (
	RemoteHit        = "hit"
	RemoteNoHit      = "no_hit"
	RemoteNotChecked = "not_checked"
)

// DefaultRemoteTimeout bounds a remote hit/no-hit query.
const DefaultRemoteTimeout = 2 * time.Second

// queryMaxAge is how old a query may be when it arrives; with the
// query ids remembered, a replayed query is refused.
const queryMaxAge = 2 * time.Minute

// PersonQuery is what travels of a person screening.
type PersonQuery struct {
	Name        string `json:"name"`
	DateOfBirth string `json:"date_of_birth,omitempty"`
	Sex         string `json:"sex,omitempty"`
	Nationality string `json:"nationality,omitempty"`
}

// DocumentQuery is what travels of a travel document screening: the
// number, issuing country and type, never the MRZ (which would carry the
// holder's name and date of birth): the asking process resolves it.
type DocumentQuery struct {
	Number  string `json:"number"`
	Country string `json:"country"`
	Type    string `json:"type,omitempty"`
}

// IdentifierQuery is what travels of an identifier screening (IBAN,
// phone, wallet…), its type resolved and its value canonical.
type IdentifierQuery struct {
	Type  string `json:"type"`
	Value string `json:"value"`
}

// RemoteQuery is one hit/no-hit query: exactly one of a person, a
// document or an identifier.
type RemoteQuery struct {
	Person     *PersonQuery     `json:"query,omitempty"`
	Document   *DocumentQuery   `json:"document,omitempty"`
	Identifier *IdentifierQuery `json:"identifier,omitempty"`
}

// HitRef is all a remote node tells of a hit.
type HitRef struct {
	Reference string `json:"reference"`
	Contact   string `json:"contact_bureau"`
}

// RemoteAnswer is one node's answer to a hit/no-hit query.
type RemoteAnswer struct {
	Node    string   `json:"node"`
	Outcome string   `json:"outcome"`
	Hits    []HitRef `json:"hits,omitempty"`
	Reason  string   `json:"reason,omitempty"`
}

// Screener answers a hit/no-hit query on this process's own index for
// searcher, recording the hits for their owners; the api package
// implements it over the screening index and the hits service. Only the
// records answers takes are answered for (and recorded, and audited):
// the others are answered elsewhere.
type Screener interface {
	HitNoHit(ctx context.Context, searcher core.Viewer, q RemoteQuery, answers Answers) ([]HitRef, error)
}

// Answers decides, in tx, whether this process answers a remote query
// for r.
type Answers func(tx core.Tx, r *core.Record) (bool, error)

// answersFor is what this process answers a query from peer for: each
// record matched is answered by exactly one process, so that one
// screening makes one hit at its owner, under the reference the
// searcher holds.
//
// A node answers for its own bureau's national records, which never
// leave it; not for the notices the hub circulated to it (another
// bureau's: their owner would never hear of the hit, nor know its
// reference) nor for its own notices, which the hub holds and answers
// for. The hub answers for what it holds, but for the notices it sent
// the searcher's node: that node screened them itself, and its hit came
// up (applyHit takes a node's hit only on a record the hub sent it).
func (s *Service) answersFor(peer *core.Peer) Answers {
	if s.Role != core.FedRoleHub {
		return func(_ core.Tx, r *core.Record) (bool, error) {
			return r.Owner == s.Bureau && r.Kind != core.KindNotice, nil
		}
	}
	node := access.FederationPeer(peer.Bureau)
	return func(tx core.Tx, r *core.Record) (bool, error) {
		if r.Kind != core.KindNotice || !access.CanSee(node, r) {
			return true, nil
		}
		sent, err := tx.FedSent(peer.ID, r.ID)
		return !sent, err
	}
}

// screenQuery is a query's payload; a person query is laid out as before
// documents and identifiers travelled.
type screenQuery struct {
	Searcher string `json:"searcher"`
	RemoteQuery
}

// Limits on a remote query's fields.
const (
	maxQueryName  = 500
	maxQueryValue = 512
	maxQueryField = 100
)

// parseScreenQuery reads a query's payload: unknown fields refused,
// exactly one kind of query, each field within its limit.
func parseScreenQuery(payload []byte) (screenQuery, error) {
	var q screenQuery
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&q); err != nil {
		return q, invalid("payload", "must be a hit/no-hit query: the searching bureau and a person, document or identifier")
	}
	kinds := 0
	for _, set := range []bool{q.Person != nil, q.Document != nil, q.Identifier != nil} {
		if set {
			kinds++
		}
	}
	short := func(xs ...string) bool {
		for _, x := range xs {
			if len(x) > maxQueryField {
				return false
			}
		}
		return true
	}
	switch {
	case kinds != 1:
		return q, invalid("payload", "must hold exactly one of query (a person), document or identifier")
	case q.Person != nil && (strings.TrimSpace(q.Person.Name) == "" || len(q.Person.Name) > maxQueryName || !short(q.Person.DateOfBirth, q.Person.Sex, q.Person.Nationality)):
		return q, invalid("payload.query", "must be a person with a name (at most 500 bytes)")
	case q.Document != nil && (strings.TrimSpace(q.Document.Number) == "" || strings.TrimSpace(q.Document.Country) == "" || !short(q.Document.Number, q.Document.Country, q.Document.Type)):
		return q, invalid("payload.document", "must be a document's number and issuing country (at most 100 bytes each)")
	case q.Identifier != nil && (strings.TrimSpace(q.Identifier.Value) == "" || len(q.Identifier.Value) > maxQueryValue || !short(q.Identifier.Type)):
		return q, invalid("payload.identifier", "must be an identifier's type and value (at most 512 bytes)")
	}
	return q, nil
}

// kind names the query's kind for the audit log.
func (q RemoteQuery) kind() string {
	switch {
	case q.Document != nil:
		return "document"
	case q.Identifier != nil:
		return "identifier"
	}
	return "person"
}

type screenAnswers struct {
	Answers []RemoteAnswer `json:"answers"`
}

// searcherViewer is the searching bureau as a remote node decides for
// it: screening only.
func searcherViewer(bureau, via string) core.Viewer {
	return core.Viewer{Bureau: bureau, KeyID: "federation:" + via + ":" + bureau, Permissions: []string{core.PermScreen}}
}

func (s *Service) remoteTimeout() time.Duration {
	if s.RemoteTimeout <= 0 {
		return DefaultRemoteTimeout
	}
	return s.RemoteTimeout
}

// ScreenRemote asks the federation about a person v screened: at the
// hub, every node that offers remote screening (but v's own); at a node,
// the hub, which answers for itself and asks the others. It returns one
// answer per node asked, in the order of the nodes' ids.
func (s *Service) ScreenRemote(ctx context.Context, v core.Viewer, q PersonQuery) []RemoteAnswer {
	return s.ScreenRemoteQuery(ctx, v, RemoteQuery{Person: &q})
}

// ScreenRemoteQuery is ScreenRemote for any kind of query: a person, a
// travel document or an identifier.
func (s *Service) ScreenRemoteQuery(ctx context.Context, v core.Viewer, q RemoteQuery) []RemoteAnswer {
	if v.Bureau == "" || !v.Can(core.PermScreen) {
		return nil
	}
	return s.askAll(ctx, v.Bureau, q, "")
}

// askAll queries the peers a screening by searcher goes to, except skip.
func (s *Service) askAll(ctx context.Context, searcher string, q RemoteQuery, skip string) []RemoteAnswer {
	var peers []*core.Peer
	if err := s.Store.View(ctx, func(tx core.Tx) error {
		var err error
		peers, err = tx.ListPeers()
		return err
	}); err != nil {
		return nil
	}
	var targets []*core.Peer
	for _, p := range peers {
		if p.State != core.PeerActive || p.ID == skip || p.Bureau == searcher {
			continue
		}
		if (s.Role == core.FedRoleHub && p.Role == core.FedRoleNode && p.OffersScreening) || (s.Role == core.FedRoleNode && p.ID == core.PeerHub) {
			targets = append(targets, p)
		}
	}
	out := make([][]RemoteAnswer, len(targets))
	var wg sync.WaitGroup
	for i, p := range targets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i] = s.ask(ctx, p, searcher, q)
		}()
	}
	wg.Wait()
	var all []RemoteAnswer
	for _, as := range out {
		all = append(all, as...)
	}
	asked := make([]string, 0, len(all))
	for _, a := range all {
		asked = append(asked, a.Node+":"+a.Outcome)
	}
	if len(targets) > 0 {
		e := audit.Entry(core.Viewer{System: true, Bureau: searcher}, "federation.screen", audit.OK)
		e.Query = q.kind() + " hit/no-hit for " + searcher + " asked of " + strings.Join(asked, ", ")
		audit.Record(ctx, s.Store, e)
	}
	return all
}

// ask sends one query and returns the answers it brings back; anything
// short of a verified answer in time is "not checked".
func (s *Service) ask(ctx context.Context, p *core.Peer, searcher string, q RemoteQuery) []RemoteAnswer {
	notChecked := func(why string) []RemoteAnswer {
		return []RemoteAnswer{{Node: p.ID, Outcome: RemoteNotChecked, Reason: why}}
	}
	payload, _ := json.Marshal(screenQuery{Searcher: searcher, RemoteQuery: q})
	rel := core.Releasability{Mode: core.ReleaseOnly, Countries: []string{p.Bureau}}
	id := uuid.Must(uuid.NewV7()).String()
	body, err := Seal(&Bundle{Origin: s.Self(), To: p.ID, MessageID: id, Seq: 1, Type: TypeScreenQuery, ObjectID: id, Owner: searcher,
		Releasability: &rel, CreatedAt: s.now(), Payload: payload}, s.Key)
	if err != nil {
		return notChecked("could not seal the query")
	}
	ctx, cancel := context.WithTimeout(ctx, s.remoteTimeout())
	defer cancel()
	raw, err := s.post(ctx, p.URL+PathInbox, bytes.NewReader(body), maxReceiptBytes)
	var status httpStatusError
	switch {
	case errors.As(err, &status):
		return notChecked(fmt.Sprintf("HTTP %d", status.code))
	case errors.Is(err, errBadURL):
		return notChecked("bad peer URL")
	case err != nil:
		return notChecked("unreachable or too slow")
	}
	b, canon, sig, err := Open(raw)
	if err != nil || Verify(p.PublicKey, canon, sig) != nil || b.Type != TypeScreenAnswer || b.Origin != p.ID || b.ObjectID != id {
		return notChecked("the answer is not signed by the node, or answers another query")
	}
	var ans screenAnswers
	if err := json.Unmarshal(b.Payload, &ans); err != nil || len(ans.Answers) == 0 {
		return notChecked("unreadable answer")
	}
	for i := range ans.Answers {
		a := &ans.Answers[i]
		// A node answers for itself; only the hub relays the others'.
		if p.ID != core.PeerHub || a.Node == "" {
			a.Node = p.ID
		}
		switch a.Outcome {
		case RemoteHit, RemoteNoHit, RemoteNotChecked:
		default:
			a.Outcome, a.Hits, a.Reason = RemoteNotChecked, nil, "unknown outcome"
		}
		if a.Outcome != RemoteHit {
			a.Hits = nil
		}
	}
	return ans.Answers
}

// answerQuery answers a verified query from peer: a node screens its own
// index; the hub screens its own and asks the other nodes. Each answers
// only for the records answersFor gives it.
func (s *Service) answerQuery(ctx context.Context, v core.Viewer, peer *core.Peer, b *Bundle) ([]byte, error) {
	const action = "federation.screen_query"
	q, err := parseScreenQuery(b.Payload)
	if err != nil {
		return nil, audit.Refuse(ctx, s.Store, v, action, err)
	}
	switch {
	case b.To != s.Self():
		return nil, audit.Refuse(ctx, s.Store, v, action, core.Errorf(core.EFORBIDDEN, "the query is addressed to %s, not %s", core.Clip(b.To, 40), s.Self()))
	case peer.Role == core.FedRoleNode && (q.Searcher != peer.Bureau || b.Owner != peer.Bureau):
		return nil, audit.Refuse(ctx, s.Store, v, action, core.Errorf(core.EFORBIDDEN, "node %s may query only for its own bureau, not %s", peer.Bureau, core.Clip(q.Searcher, 20)))
	case !members.Valid(q.Searcher):
		return nil, audit.Refuse(ctx, s.Store, v, action, invalid("searcher", "must be a member country's bureau"))
	case s.now().Sub(b.CreatedAt) > queryMaxAge || b.CreatedAt.Sub(s.now()) > queryMaxAge:
		return nil, audit.Refuse(ctx, s.Store, v, action, core.Errorf(core.ECONFLICT, "the query is older than %s (or from the future): refused as a possible replay", queryMaxAge))
	}
	now := s.now()
	if err := s.answerOnce(ctx, peer, b, "hit/no-hit query", now); err != nil {
		return nil, audit.Refuse(ctx, s.Store, v, action, err)
	}
	var answers []RemoteAnswer
	if s.Screener != nil {
		refs, err := s.Screener.HitNoHit(ctx, searcherViewer(q.Searcher, peer.ID), q.RemoteQuery, s.answersFor(peer))
		switch {
		case err != nil:
			answers = append(answers, RemoteAnswer{Node: s.Self(), Outcome: RemoteNotChecked, Reason: "the index could not answer"})
		case len(refs) > 0:
			answers = append(answers, RemoteAnswer{Node: s.Self(), Outcome: RemoteHit, Hits: refs})
		default:
			answers = append(answers, RemoteAnswer{Node: s.Self(), Outcome: RemoteNoHit})
		}
	}
	if s.Role == core.FedRoleHub {
		answers = append(answers, s.askAll(ctx, q.Searcher, q.RemoteQuery, peer.ID)...)
	}
	if answers == nil {
		answers = []RemoteAnswer{{Node: s.Self(), Outcome: RemoteNotChecked, Reason: "this process does not screen"}}
	}
	e := audit.Entry(v, action, audit.OK)
	e.Query = fmt.Sprintf("%s hit/no-hit for %s from %s", q.kind(), q.Searcher, peer.ID)
	audit.Record(ctx, s.Store, e)
	payload, _ := json.Marshal(screenAnswers{Answers: answers})
	rel := core.Releasability{Mode: core.ReleaseOnly, Countries: []string{q.Searcher}}
	return Seal(&Bundle{Origin: s.Self(), To: peer.ID, MessageID: uuid.Must(uuid.NewV7()).String(), Type: TypeScreenAnswer, ObjectID: b.MessageID,
		Owner: s.operator(), Releasability: &rel, CreatedAt: now, Payload: payload}, s.Key)
}

// answerOnce remembers a query's id (a hit/no-hit or proof query: not
// sequenced, answered at once) in the store, where every replica of the
// answering process sees it, and refuses one seen before: within the
// window a query is taken (queryMaxAge), the same signed query sent
// again is a replay. It is kept with the applied messages, at sequence
// number 0, which no sequenced message takes, until the query is too old
// to be taken anyway (trimQueryIDs).
func (s *Service) answerOnce(ctx context.Context, peer *core.Peer, b *Bundle, what string, now time.Time) error {
	return s.Store.Update(ctx, func(tx core.Tx) error {
		seen, err := tx.Applied(peer.ID, b.MessageID, 0)
		if err != nil {
			return err
		}
		if seen {
			return core.Errorf(core.ECONFLICT, "%s %s from %s was answered before: refused as a replay", what, core.Clip(b.MessageID, 100), peer.ID)
		}
		return tx.MarkApplied(peer.ID, b.MessageID, 0, 0, now)
	})
}
