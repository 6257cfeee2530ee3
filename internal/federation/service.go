package federation

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/manara-hub/manara/internal/access"
	"github.com/manara-hub/manara/internal/audit"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/events"
	"github.com/manara-hub/manara/internal/members"
	"github.com/manara-hub/manara/internal/notices"
)

// Routes the peers call on each other (the api package serves them).
const (
	PathEnrol = "/api/v1/federation/enrol"
	PathInbox = "/api/v1/federation/inbox"
	// PathInboxBatch takes several envelopes in one request.
	PathInboxBatch = "/api/v1/federation/inbox/batch"
)

// Defaults.
const (
	DefaultTokenTTL = 24 * time.Hour
	MaxTokenTTL     = 30 * 24 * time.Hour
	cursorName      = "federation"
)

// Service is one process's side of the federation: the hub's or a
// node's.
type Service struct {
	Store core.Store
	Role  string // core.FedRoleHub or core.FedRoleNode
	// Bureau is the node's bureau; at the hub, the secretariat's code.
	Bureau string
	Key    ed25519.PrivateKey
	Log    *slog.Logger
	Now    func() time.Time
	// Changed, if set, is called after a commit that the screening index
	// must see; Notify after one that wrote events.
	Changed, Notify func()
	// Client sends to peers; Timeout bounds one attempt.
	Client  *http.Client
	Timeout time.Duration
	// BaseBackoff doubles with each failed attempt up to MaxBackoff (the
	// wait is drawn uniformly below it).
	BaseBackoff, MaxBackoff time.Duration
	// Interval is how often the loop looks for work without a wake.
	Interval time.Duration
	// Wake, if set, returns a channel closed when new events may exist.
	Wake func() <-chan struct{}
	// Screener, if set, answers hit/no-hit queries from other processes
	// on this one's index; RemoteTimeout bounds each query this process
	// sends (DefaultRemoteTimeout if zero).
	Screener      Screener
	RemoteTimeout time.Duration
	// NoticeQuotas are the notices service's quotas by type, which the
	// hub checks a node's extension of an expired notice against; nil
	// checks none.
	NoticeQuotas map[string]notices.Quota
	// AuditSigner, if set, signs this process's audit checkpoints, sent
	// to each peer every CheckpointEvery (when the log grew) and used to
	// answer a peer's proof queries.
	AuditSigner     *audit.Signer
	CheckpointEvery time.Duration
	// BatchSize caps the messages sent in one request (MaxBatchMessages
	// if zero or more).
	BatchSize int

	clientOnce    sync.Once
	defaultClient *http.Client

	// When trimQueryIDs last ran, and whether it left some to delete.
	trimMu   sync.Mutex
	lastTrim time.Time
	trimMore bool

	// failAfterApply, set by tests, fails the batch after a message was
	// applied and before it is recorded: a crash in the middle of a batch.
	failAfterApply func(*Bundle) error
}

// New returns a service with production defaults.
func New(st core.Store, role, bureau string, key ed25519.PrivateKey, log *slog.Logger) *Service {
	if log == nil {
		log = slog.Default()
	}
	return &Service{Store: st, Role: role, Bureau: bureau, Key: key, Log: log, Now: time.Now, Timeout: 10 * time.Second,
		BaseBackoff: time.Second, MaxBackoff: 5 * time.Minute, Interval: time.Second,
		CheckpointEvery: DefaultCheckpointEvery}
}

// Self is this process's peer id: the node's bureau, or "hub".
func (s *Service) Self() string {
	if s.Role == core.FedRoleHub {
		return core.PeerHub
	}
	return s.Bureau
}

// PublicKey is this process's key as exchanged at enrolment.
func (s *Service) PublicKey() string { return PublicOf(s.Key) }

func (s *Service) now() time.Time { return s.Now().UTC().Truncate(time.Microsecond) }

func (s *Service) client() *http.Client {
	if s.Client != nil {
		return s.Client
	}
	// One client for the service's life: its connections (one HTTP/2
	// connection per peer) are kept and reused.
	s.clientOnce.Do(func() { s.defaultClient = NewClient(nil, s.Timeout) })
	return s.defaultClient
}

func (s *Service) changed() {
	if s.Changed != nil {
		s.Changed()
	}
	if s.Notify != nil {
		s.Notify()
	}
}

// operator is the bureau whose administrators run this process's links.
func (s *Service) operator() string {
	if s.Role == core.FedRoleHub {
		return members.Secretariat
	}
	return s.Bureau
}

func (s *Service) operate(ctx context.Context, v core.Viewer, action string) error {
	if !access.CanOperateFederation(v, s.operator()) {
		return audit.Refuse(ctx, s.Store, v, action, core.Errorf(core.EFORBIDDEN, "only the administrators of %s run this process's federation links", s.operator()))
	}
	return nil
}

// IssuedToken is an enrolment token as shown once, at issue.
type IssuedToken struct {
	Token string `json:"token"`
	core.EnrolmentToken
}

// TokenRequest is what the hub's administrator says of a node to enrol.
type TokenRequest struct {
	Bureau string        // the bureau whose node will enrol
	TTL    time.Duration // how long the token stays valid (DefaultTokenTTL when 0)
	// URL, if set, is the only base URL the node may enrol with; unset,
	// the node says where the hub delivers.
	URL string
}

// IssueToken makes a one-time enrolment token for a bureau's node. Only
// the hub issues them; only the hash of the secret is kept.
func (s *Service) IssueToken(ctx context.Context, v core.Viewer, req TokenRequest) (*IssuedToken, error) {
	const action = "federation.token"
	bureau, ttl := req.Bureau, req.TTL
	if err := s.operate(ctx, v, action); err != nil {
		return nil, err
	}
	if s.Role != core.FedRoleHub {
		return nil, audit.Refuse(ctx, s.Store, v, action, core.Errorf(core.ECONFLICT, "only the hub issues enrolment tokens"))
	}
	m, ok := members.Lookup(strings.ToUpper(strings.TrimSpace(bureau)))
	if !ok {
		return nil, audit.Refuse(ctx, s.Store, v, action, invalid("bureau", "must be a member country's ISO code: the bureau whose node will enrol"))
	}
	if ttl == 0 {
		ttl = DefaultTokenTTL
	}
	if ttl < time.Minute || ttl > MaxTokenTTL {
		return nil, audit.Refuse(ctx, s.Store, v, action, invalid("ttl", "must be from 1 minute to 30 days"))
	}
	var nodeURL string
	if strings.TrimSpace(req.URL) != "" {
		var err error
		if nodeURL, err = baseURL(req.URL); err != nil {
			return nil, audit.Refuse(ctx, s.Store, v, action, err)
		}
	}
	secret := make([]byte, 32)
	rand.Read(secret)
	now := s.now()
	et := core.EnrolmentToken{ID: uuid.Must(uuid.NewV7()).String(), Bureau: m.Alpha2, SecretHash: hashSecret(hex.EncodeToString(secret)),
		CreatedAt: now, ExpiresAt: now.Add(ttl), URL: nodeURL}
	err := s.Store.Update(ctx, func(tx core.Tx) error {
		if err := tx.InsertEnrolmentToken(&et); err != nil {
			return err
		}
		e := audit.Entry(v, action, audit.OK)
		e.Query = "enrolment token " + et.ID + " for " + et.Bureau
		if et.URL != "" {
			e.Query += " at " + et.URL
		}
		return audit.Append(tx, e)
	})
	if err != nil {
		return nil, err
	}
	return &IssuedToken{Token: "mfe_" + et.ID + "." + hex.EncodeToString(secret), EnrolmentToken: et}, nil
}

func hashSecret(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// EnrolRequest is what a node sends to enrol.
type EnrolRequest struct {
	Token           string `json:"token"`
	Bureau          string `json:"bureau"`
	PublicKey       string `json:"public_key"`
	URL             string `json:"url"`
	OffersScreening bool   `json:"offers_screening"`
	// RecvSeq and SentSeq are where the node stands with the hub: the
	// last of the hub's messages it applied and the last it queued for
	// the hub (0 and 0 for a node that never enrolled). Absent (a node
	// of an earlier version), they are not checked.
	RecvSeq *int64 `json:"recv_seq,omitempty"`
	SentSeq *int64 `json:"sent_seq,omitempty"`
}

// EnrolAnswer is the hub's answer: its own key.
type EnrolAnswer struct {
	Hub       string `json:"hub"`
	PublicKey string `json:"public_key"`
}

// Enrol takes a node in at the hub: its token must be unused, unexpired
// and issued for the bureau it claims. A bureau enrolled before (a node
// rebuilt, or whose key was revoked) gets its new key, never one revoked
// before (refused, audited); its outbox goes on.
func (s *Service) Enrol(ctx context.Context, remote string, in EnrolRequest) (*EnrolAnswer, error) {
	const action = "federation.enrol"
	v := core.Viewer{Remote: remote, Bureau: strings.ToUpper(strings.TrimSpace(in.Bureau))}
	fail := func(err error) (*EnrolAnswer, error) {
		e := audit.Entry(v, action, audit.OutcomeOf(err))
		e.Query = core.Clip(core.ErrorMessage(err), 300)
		audit.Record(ctx, s.Store, e)
		return nil, err
	}
	if s.Role != core.FedRoleHub {
		return fail(core.Errorf(core.ENOTFOUND, "this process is not a federation hub"))
	}
	id, secret, ok := strings.Cut(strings.TrimPrefix(in.Token, "mfe_"), ".")
	if !ok || len(id) > maxIDLength || len(secret) != 64 {
		return fail(core.Errorf(core.EUNAUTHORIZED, "the enrolment token is malformed: ask the hub's administrator for a new one"))
	}
	pub, err := ParsePublicKey(in.PublicKey)
	if err != nil {
		return fail(err)
	}
	// Kept and compared in one spelling: base64 lets a few strings decode
	// to the same key, and a revoked key must not come back in another.
	in.PublicKey = PublicKeyString(pub)
	if in.URL, err = baseURL(in.URL); err != nil {
		return fail(err)
	}
	now := s.now()
	err = s.Store.Update(ctx, func(tx core.Tx) error {
		et, err := tx.GetEnrolmentToken(id)
		bad := core.Errorf(core.EUNAUTHORIZED, "the enrolment token is unknown, used or expired: ask the hub's administrator for a new one")
		if err != nil {
			if core.ErrorCode(err) == core.ENOTFOUND {
				return bad
			}
			return err
		}
		if subtle.ConstantTimeCompare([]byte(hashSecret(secret)), []byte(et.SecretHash)) != 1 || et.UsedAt != nil || !now.Before(et.ExpiresAt) {
			return bad
		}
		if et.Bureau != v.Bureau {
			return core.Errorf(core.EFORBIDDEN, "the enrolment token was issued for %s's node, not %s's", et.Bureau, v.Bureau)
		}
		if et.URL != "" && et.URL != in.URL {
			return &core.Error{Code: core.EFORBIDDEN, Message: fmt.Sprintf("the enrolment token is for a node at %s, not %s", et.URL, in.URL),
				Fields: []core.FieldError{{Field: "url", Reason: "must be " + et.URL + ", the URL the hub's administrator gave with the token"}}}
		}
		if err := tx.UseEnrolmentToken(id, now); err != nil {
			return err
		}
		p, err := tx.GetPeer(et.Bureau, true)
		switch {
		case core.ErrorCode(err) == core.ENOTFOUND:
			p = &core.Peer{ID: et.Bureau, Role: core.FedRoleNode, Bureau: et.Bureau, Version: 1, EnrolledAt: now}
			p.PublicKey, p.URL, p.State, p.OffersScreening, p.LastContact = in.PublicKey, in.URL, core.PeerActive, in.OffersScreening, &now
			if err := tx.InsertPeer(p); err != nil {
				return err
			}
		case err != nil:
			return err
		case revokedKey(p, in.PublicKey):
			// Whoever holds a leaked key may hold a token too (the one
			// issued for the rebuilt node): the key revoked stays so.
			return core.Errorf(core.EFORBIDDEN, "this key was revoked for %s's node: a node whose key was revoked enrols with a new one "+
				"(delete its federation key file and start it again with the token, which is still unused)", et.Bureau)
		default:
			if err := s.sameSequence(tx, p, in); err != nil {
				return err
			}
			p.PublicKey, p.URL, p.State, p.OffersScreening, p.LastContact = in.PublicKey, in.URL, core.PeerActive, in.OffersScreening, &now
			p.EnrolledAt, p.RevokedAt = now, nil
			p.Version++
			if err := tx.UpdatePeer(p); err != nil {
				return err
			}
		}
		// What already circulates to the node reaches it too, in order
		// behind anything queued before.
		if err := s.backfill(tx, p, now); err != nil {
			return err
		}
		e := audit.Entry(v, action, audit.OK)
		e.Query = "node " + et.Bureau + " enrolled with token " + et.ID + " at " + p.URL
		return audit.Append(tx, e)
	})
	if err != nil {
		return fail(err)
	}
	return &EnrolAnswer{Hub: core.PeerHub, PublicKey: s.PublicKey()}, nil
}

// sameSequence refuses a node that enrols again behind what the hub
// exchanged with it: one that applied fewer of the hub's messages than
// the hub delivered to it, or numbers its own below what the hub applied
// from it, lost its store (rebuilt from nothing, or restored from an
// older copy). Taken back, it would never catch up: the hub's next
// message would be out of order for ever, the backfill would find every
// notice already sent, and its own first messages would be taken for
// duplicates and dropped. A rebuilt node keeps its store.
func (s *Service) sameSequence(tx core.Tx, p *core.Peer, in EnrolRequest) error {
	if in.RecvSeq == nil || in.SentSeq == nil {
		return nil
	}
	lag, err := tx.FedLag(p.ID)
	if err != nil {
		return err
	}
	// Delivery is in order: what is still pending is the queue's tail.
	delivered := lag.LastSeq - lag.Pending
	if *in.RecvSeq >= delivered && *in.SentSeq >= p.RecvSeq {
		return nil
	}
	return core.Errorf(core.ECONFLICT, "%s's node has applied the hub's messages up to #%d and numbered its own up to #%d, but the hub delivered it "+
		"up to #%d and applied from it up to #%d: the node lost its store (rebuilt from nothing, or restored from an older copy). "+
		"A node is rebuilt with its store kept as it was (docs/federation.md, \"A compromised node\"); starting one from nothing "+
		"in place of an enrolled node is not supported. The token is still unused",
		p.Bureau, *in.RecvSeq, *in.SentSeq, delivered, p.RecvSeq)
}

// revokedKey reports whether key (in PublicKeyString's spelling) was
// revoked for p: one of its revoked keys, or its key now if p is revoked
// (a peer revoked before its revoked keys were kept).
func revokedKey(p *core.Peer, key string) bool {
	if p.State == core.PeerRevoked && canonicalKey(p.PublicKey) == key {
		return true
	}
	// Revoke writes them in canonicalKey's spelling.
	return slices.Contains(p.RevokedKeys, key)
}

// canonicalKey is a stored key in PublicKeyString's spelling (as is, if
// it does not parse).
func canonicalKey(k string) string {
	if pub, err := ParsePublicKey(k); err == nil {
		return PublicKeyString(pub)
	}
	return k
}

// EnrolWithHub enrols this node at the hub (hubURL) with token, telling
// it where to deliver (selfURL), and keeps the hub's key.
func (s *Service) EnrolWithHub(ctx context.Context, hubURL, token, selfURL string, offersScreening bool) error {
	if s.Role != core.FedRoleNode {
		return fmt.Errorf("only a node enrols with a hub")
	}
	// Where this node stands with the hub, which refuses a node that
	// enrols again behind it (a store lost).
	var recv, sent int64
	if err := s.Store.View(ctx, func(tx core.Tx) error {
		lag, err := tx.FedLag(core.PeerHub)
		if err != nil {
			return err
		}
		sent = lag.LastSeq
		p, err := tx.GetPeer(core.PeerHub, false)
		if core.ErrorCode(err) == core.ENOTFOUND {
			return nil
		} else if err != nil {
			return err
		}
		recv = p.RecvSeq
		return nil
	}); err != nil {
		return err
	}
	body, _ := json.Marshal(EnrolRequest{Token: token, Bureau: s.Bureau, PublicKey: s.PublicKey(), URL: selfURL, OffersScreening: offersScreening,
		RecvSeq: &recv, SentSeq: &sent})
	ctx, cancel := context.WithTimeout(ctx, s.Timeout)
	defer cancel()
	raw, err := s.post(ctx, strings.TrimRight(hubURL, "/")+PathEnrol, bytes.NewReader(body), 64<<10)
	if err != nil {
		return fmt.Errorf("enrol at %s: %w", hubURL, err)
	}
	var ans EnrolAnswer
	if err := json.Unmarshal(raw, &ans); err != nil {
		return fmt.Errorf("enrol at %s: unreadable answer: %w", hubURL, err)
	}
	if _, err := ParsePublicKey(ans.PublicKey); err != nil {
		return fmt.Errorf("enrol at %s: the hub's key: %w", hubURL, err)
	}
	now := s.now()
	return s.Store.Update(context.WithoutCancel(ctx), func(tx core.Tx) error {
		p, err := tx.GetPeer(core.PeerHub, true)
		switch {
		case core.ErrorCode(err) == core.ENOTFOUND:
			p = &core.Peer{ID: core.PeerHub, Role: core.FedRoleHub, Bureau: members.Secretariat, Version: 1, EnrolledAt: now, State: core.PeerActive,
				PublicKey: ans.PublicKey, URL: strings.TrimRight(hubURL, "/"), LastContact: &now}
			if err := tx.InsertPeer(p); err != nil {
				return err
			}
		case err != nil:
			return err
		default:
			p.PublicKey, p.URL, p.State, p.LastContact, p.RevokedAt = ans.PublicKey, strings.TrimRight(hubURL, "/"), core.PeerActive, &now, nil
			p.Version++
			if err := tx.UpdatePeer(p); err != nil {
				return err
			}
		}
		e := audit.Entry(core.Viewer{System: true}, "federation.enrol", audit.OK)
		e.Query = "enrolled at the hub " + p.URL
		return audit.Append(tx, e)
	})
}

// Enrolled reports whether this node knows its hub.
func (s *Service) Enrolled(ctx context.Context) (bool, error) {
	var ok bool
	err := s.Store.View(ctx, func(tx core.Tx) error {
		_, err := tx.GetPeer(core.PeerHub, false)
		if core.ErrorCode(err) == core.ENOTFOUND {
			return nil
		}
		ok = err == nil
		return err
	})
	return ok, err
}

// Revoke stops trusting a peer's key: nothing from it is accepted and
// nothing more is sent to it, until it enrols again with a new token
// (and a new key).
func (s *Service) Revoke(ctx context.Context, v core.Viewer, id, reason string) (*core.Peer, error) {
	const action = "federation.revoke"
	if err := s.operate(ctx, v, action); err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	if reason == "" || len(reason) > 500 {
		return nil, audit.Refuse(ctx, s.Store, v, action, invalid("reason", "is required (at most 500 bytes): say why the key is no longer trusted"))
	}
	var out *core.Peer
	err := s.Store.Update(ctx, func(tx core.Tx) error {
		p, err := tx.GetPeer(id, true)
		if err != nil {
			return err
		}
		now := s.now()
		p.State, p.RevokedAt = core.PeerRevoked, &now
		// The key is what is no longer trusted, not only the link: it
		// is kept so that no enrolment takes it back.
		if k := canonicalKey(p.PublicKey); !slices.Contains(p.RevokedKeys, k) {
			p.RevokedKeys = append(p.RevokedKeys, k)
		}
		p.Version++
		if err := tx.UpdatePeer(p); err != nil {
			return err
		}
		out = p
		e := audit.Entry(v, action, audit.OK)
		e.Query = "peer " + id + " revoked: " + reason
		return audit.Append(tx, e)
	})
	if err != nil {
		return nil, audit.Refuse(ctx, s.Store, v, action, err)
	}
	return out, nil
}

// PeerState is a peer as operators see it.
type PeerState struct {
	core.Peer
	core.PeerLag
	// LagSeconds is the age of the oldest message not yet delivered (0
	// when none waits).
	LagSeconds float64            `json:"lag_seconds"`
	Refusals   []*core.FedRefusal `json:"recent_refusals"`
}

// Peers lists every peer with its state, for operators.
func (s *Service) Peers(ctx context.Context, v core.Viewer) ([]PeerState, error) {
	if err := s.operate(ctx, v, "federation.peers"); err != nil {
		return nil, err
	}
	out, err := s.PeerStates(ctx)
	if err != nil {
		return nil, err
	}
	if !v.System {
		audit.Record(ctx, s.Store, audit.Entry(v, "federation.peers", audit.OK))
	}
	return out, nil
}

// PeerStates is Peers without the access decision, for /metrics (which
// decides for itself who sees the data metrics).
func (s *Service) PeerStates(ctx context.Context) ([]PeerState, error) {
	var out []PeerState
	now := s.now()
	err := s.Store.View(ctx, func(tx core.Tx) error {
		ps, err := tx.ListPeers()
		if err != nil {
			return err
		}
		for _, p := range ps {
			lag, err := tx.FedLag(p.ID)
			if err != nil {
				return err
			}
			refs, err := tx.FedRefusals(p.ID, 10)
			if err != nil {
				return err
			}
			if refs == nil {
				refs = []*core.FedRefusal{}
			}
			st := PeerState{Peer: *p, PeerLag: lag, Refusals: refs}
			if lag.OldestSince != nil {
				st.LagSeconds = now.Sub(*lag.OldestSince).Seconds()
			}
			out = append(out, st)
		}
		return nil
	})
	if out == nil {
		out = []PeerState{}
	}
	return out, err
}

// Run fans out and delivers until ctx ends: at once, at each wake, and
// every Interval.
func (s *Service) Run(ctx context.Context) {
	events.Deliver(ctx, s.Interval, s.Wake, s.Step, func(err error) { s.Log.Error("federation", "err", err) })
}

// Step queues what new events call for, forgets the ids of queries too
// old to be taken, and delivers what is due.
func (s *Service) Step(ctx context.Context) error {
	for {
		n, err := s.fanOut(ctx)
		if err != nil {
			return err
		}
		if n == 0 {
			break
		}
	}
	if err := s.queueCheckpoints(ctx); err != nil {
		return err
	}
	if err := s.trimQueryIDs(ctx); err != nil {
		return err
	}
	return s.deliverAll(ctx)
}

// backoff is the wait before a failed message's next attempt.
func (s *Service) backoff(attempts int) time.Duration {
	return events.Backoff{Base: s.BaseBackoff, Max: s.MaxBackoff}.Wait(attempts, events.Backoff{Base: time.Second, Max: 5 * time.Minute})
}

// messageID names the message about one version of an object to one
// peer: the same whenever it is computed, so that queueing it twice (a
// fan-out run again after a crash, two events of one version) finds it
// already there.
func messageID(to, typ, object string, version int64) string {
	h := sha256.Sum256([]byte(fmt.Sprintf("%s\x00%s\x00%s\x00%d", to, typ, object, version)))
	return hex.EncodeToString(h[:16])
}

// snapshot reads a notice as it stands.
func snapshot(tx core.Tx, id string) (*notices.Snapshot, error) {
	r, err := tx.GetRecord(id)
	if err != nil {
		return nil, err
	}
	n, err := tx.GetNotice(id)
	if err != nil {
		return nil, err
	}
	return &notices.Snapshot{Record: r, Notice: n}, nil
}

// enqueue seals a bundle about snap's notice for peer and queues it,
// unless the same message is already queued.
func (s *Service) enqueue(tx core.Tx, peer, typ string, snap *notices.Snapshot, reason string, now time.Time) error {
	r := snap.Record
	id := messageID(peer, typ, r.ID, r.Version)
	if ok, err := tx.HasFedMessage(peer, id); err != nil || ok {
		return err
	}
	payload := snap
	if (typ == TypeNoticePut || typ == TypeNoticeWithdraw) && peer != r.Owner {
		// Filtered before it leaves: another bureau's node is sent what
		// that bureau may read, not what the API would hide from it (the
		// review: who, and why).
		// The envelope's updated_by names whoever last acted on the notice,
		// the hub's reviewer who published it among them: a bureau that may
		// not read who acted is not sent it either.
		payload = &notices.Snapshot{Record: access.WithActors(access.FederationPeer(peer), r), Notice: notices.WithoutReview(snap.Notice)}
	}
	if typ == TypeNoticeWithdraw {
		// A withdrawal carries the envelope and workflow, never the data:
		// the addressee may no longer be allowed to see it; nor to whom
		// the notice now goes, under which caveats, about which
		// countries: it is told the notice is withdrawn from it, as
		// released to its owner and itself.
		rc := *payload.Record
		rc.Data = json.RawMessage(`{}`)
		rc.Releasability = core.Releasability{Mode: core.ReleaseOnly, Countries: []string{r.Owner, peer}}
		rc.Caveats, rc.CaveatText = []string{}, ""
		wf := *payload.Notice
		wf.Countries = []string{}
		payload = &notices.Snapshot{Record: &rc, Notice: &wf}
	}
	r = payload.Record
	body, err := json.Marshal(struct {
		*notices.Snapshot
		Reason string `json:"reason,omitempty"`
	}{payload, reason})
	if err != nil {
		return err
	}
	// The sequence number is part of what is signed: take it first,
	// then seal with it.
	seq, err := tx.NextFedSeq(peer)
	if err != nil {
		return err
	}
	m := &core.FedMessage{Peer: peer, Seq: seq, MessageID: id, ObjectID: r.ID, ObjectVersion: r.Version, Type: typ, State: core.FedPending,
		CreatedAt: now, NextAttempt: now}
	rel := r.Releasability
	b := &Bundle{Origin: s.Self(), To: peer, MessageID: id, Seq: m.Seq, Type: typ, ObjectID: r.ID, ObjectVersion: r.Version, Owner: r.Owner,
		Releasability: &rel, Caveats: r.Caveats, CaveatText: r.CaveatText, CreatedAt: now, Payload: body}
	sealed, err := Seal(b, s.Key)
	if err != nil {
		return err
	}
	m.Body = sealed
	return tx.InsertFed(m)
}

// baseURL checks a node's base URL, where the hub delivers, and writes it
// in one spelling (scheme and host in lower case, no trailing slash), so
// that the URL a token names and the one a node enrols with compare
// equal when they are the same. Credentials, a query or a fragment have
// no place in it: the hub appends its own paths.
func baseURL(raw string) (string, error) {
	bad := invalid("url", "must be the node's base URL, http(s)://host[:port][/path], where the hub delivers: no user, query or fragment")
	if len(raw) > 500 {
		return "", bad
	}
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" || u.User != nil || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || u.Opaque != "" {
		return "", bad
	}
	u.Scheme, u.Host = strings.ToLower(u.Scheme), strings.ToLower(u.Host)
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", bad
	}
	u.Path, u.RawPath = strings.TrimRight(u.Path, "/"), ""
	return u.String(), nil
}
