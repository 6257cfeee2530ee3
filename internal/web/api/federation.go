package api

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/manara-hub/manara/internal/audit"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/federation"
	"github.com/manara-hub/manara/internal/hits"
	"github.com/manara-hub/manara/internal/screen"
)

// Federation routes. enrol and inbox are public at the HTTP level: the
// first is authenticated by its one-time token, the second by the
// signature over each bundle, checked against the key the sender
// enrolled with; the others are for this process's administrators.
func (s *Server) federationRoutes() []route {
	return []route{
		{Method: "POST", Path: "/api/v1/federation/enrolment-tokens", Summary: "Issue a one-time enrolment token for a bureau's national node (the hub's administrators)",
			Body: "FederationTokenInput", Resp: "FederationToken", Status: 201, h: s.issueEnrolmentToken},
		{Method: "POST", Path: federation.PathEnrol, Summary: "A national node enrols at the hub with its token and public key, and gets the hub's key", Public: true,
			Body: "FederationEnrolInput", Resp: "FederationEnrolAnswer", Peer: true, h: s.enrolNode},
		{Method: "POST", Path: federation.PathInbox, Summary: "Deliver one signed bundle from a peer; the answer is the receiver's signed receipt", Public: true,
			Body: "FederationEnvelope", Resp: "FederationEnvelope", MaxBody: federation.MaxEnvelopeBytes, Peer: true,
			Description: "The bundle's signature is checked against the key its origin enrolled with; a bundle that cannot be attributed is refused with a problem (401/400), anything else gets a signed receipt: accepted, duplicate, out_of_order or refused with the reason.",
			h:           s.federationInbox},
		{Method: "POST", Path: federation.PathInboxBatch, Summary: "Deliver several signed bundles from one peer in one request; the answer is one signed receipt naming each message's outcome", Public: true,
			Body: "FederationBatch", Resp: "FederationEnvelope", MaxBody: federation.MaxBatchBytes, Peer: true,
			Description: "At most 500 envelopes and 8 MiB in all, each envelope signed by the origin on its own and at most 2 MiB. The messages are applied in order in one transaction, each in its own savepoint: a refused one stores nothing and takes its place in the sequence. An envelope that cannot be attributed ends the batch: the messages before it are answered, the rest not; if it is the first, the answer is a problem (401/400), as for one envelope.",
			h:           s.federationInboxBatch},
		{Method: "GET", Path: "/api/v1/federation/peers", Summary: "Each peer's state: last contact, messages and seconds of lag, refused messages with reasons (administrators)",
			Resp: "FederationPeerList", h: s.federationPeers},
		{Method: "POST", Path: "/api/v1/federation/peers/{id}/revoke", Summary: "Stop trusting a peer's key (a compromised node): nothing is accepted from it or sent to it until it enrols again",
			Body: "FederationRevokeInput", Resp: "FederationPeer", Params: []param{{"id", "path", "The peer's id: a node's bureau code, or hub."}}, h: s.revokePeer},
		{Method: "POST", Path: "/api/v1/federation/peers/{id}/retry", Summary: "Queue again the messages to a peer that failed (administrators)",
			Body: "FederationRetryInput", Resp: "FederationRetryAnswer", Params: []param{{"id", "path", "The peer's id: a node's bureau code, or hub."}},
			Description: "Every failed message to the peer, or only message_id. One whose place in the sequence was not handed over yet is sent from it; one whose place was handed over is sealed anew at the end of the queue, unless a later message about the same object was queued since (superseded: left as it is; for message_id, 409). A message still too large fails again when its turn comes. Audited (federation.retry).",
			h:           s.retryPeer},
		{Method: "POST", Path: "/api/v1/federation/peers/{id}/verify", Summary: "Check, against the peer's last audit checkpoint held here, that it has not rewritten what it logged of the messages exchanged with this process (administrators)",
			Body: "FederationVerifyInput", Resp: "FederationVerification", Params: []param{{"id", "path", "The peer's id: a node's bureau code, or hub."}},
			Description: "Asks the peer for its audit entries about the exchange with their inclusion proofs in the held checkpoint's tree, and for its checkpoint now with the proof that it extends the held one; checks every proof, and that each message sent (and answered) or received before the checkpoint was made is logged there with the outcome recorded here. ok is false and problems name each discrepancy when the peer's log was rewritten, truncated or forked.",
			h:           s.verifyPeer},
	}
}

func (s *Server) federationOn() (*federation.Service, error) {
	if s.Federation == nil {
		return nil, core.Errorf(core.ENOTFOUND, "federation is not enabled on this server (manara serve --role hub or --role node)")
	}
	return s.Federation, nil
}

type federationTokenInput struct {
	Bureau   string `json:"bureau"`
	TTLHours int    `json:"ttl_hours"`
	URL      string `json:"url"`
}

func (s *Server) issueEnrolmentToken(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	// The body first: bad input is named as such on every server.
	var in federationTokenInput
	if err := decode(r, &in); err != nil {
		return err
	}
	f, err := s.federationOn()
	if err != nil {
		return err
	}
	if in.TTLHours < 0 || in.TTLHours > 720 {
		return core.Invalid(core.FieldError{Field: "ttl_hours", Reason: "must be from 1 to 720 (0 for the default, 24)"})
	}
	t, err := f.IssueToken(r.Context(), v, federation.TokenRequest{Bureau: in.Bureau, TTL: time.Duration(in.TTLHours) * time.Hour, URL: in.URL})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, t)
	return nil
}

func (s *Server) enrolNode(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	var in federation.EnrolRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	f, err := s.federationOn()
	if err != nil {
		return err
	}
	ans, err := f.Enrol(r.Context(), v.Remote, in)
	if err != nil {
		return err
	}
	if s.Events != nil {
		s.Events.Notify() // wakes the federation loop: the backfill waits
	}
	writeJSON(w, http.StatusOK, ans)
	return nil
}

func (s *Server) federationInbox(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	return s.federationReceive(w, r, v, (*federation.Service).Receive)
}

func (s *Server) federationInboxBatch(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	return s.federationReceive(w, r, v, (*federation.Service).ReceiveBatch)
}

// federationReceive reads one envelope or one batch of them and answers
// with the signed receipt the federation service makes of it.
func (s *Server) federationReceive(w http.ResponseWriter, r *http.Request, v core.Viewer,
	receive func(*federation.Service, context.Context, string, []byte) ([]byte, error)) error {
	raw, err := io.ReadAll(r.Body)
	if err != nil {
		return decodeError(err)
	}
	// Text that is not text is refused as everywhere, naming the field,
	// before the bundle is read (the signature would not cover a
	// repaired string either).
	if err := checkJSONText(raw); err != nil {
		return err
	}
	f, err := s.federationOn()
	if err != nil {
		return err
	}
	receipt, err := receive(f, r.Context(), v.Remote, raw)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	w.Write(receipt)
	return nil
}

func (s *Server) federationPeers(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	f, err := s.federationOn()
	if err != nil {
		return err
	}
	ps, err := f.Peers(r.Context(), v)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"role": f.Role, "self": f.Self(), "public_key": f.PublicKey(), "items": ps, "count": len(ps)})
	return nil
}

type federationRevokeInput struct {
	Reason string `json:"reason"`
}

func (s *Server) revokePeer(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	var in federationRevokeInput
	if err := decode(r, &in); err != nil {
		return err
	}
	f, err := s.federationOn()
	if err != nil {
		return err
	}
	p, err := f.Revoke(r.Context(), v, strings.TrimSpace(r.PathValue("id")), in.Reason)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

type federationRetryInput struct {
	MessageID string `json:"message_id"`
}

func (s *Server) retryPeer(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	var in federationRetryInput
	if err := decode(r, &in); err != nil {
		return err
	}
	f, err := s.federationOn()
	if err != nil {
		return err
	}
	out, err := f.Retry(r.Context(), v, strings.TrimSpace(r.PathValue("id")), in.MessageID)
	if err != nil {
		return err
	}
	if s.Events != nil {
		s.Events.Notify() // wakes the federation loop: the messages go now
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": out, "count": len(out)})
	return nil
}

type federationVerifyInput struct {
	// SkewSeconds allows for the two clocks: messages exchanged less than
	// this before the peer made its checkpoint need not be in it.
	SkewSeconds *int `json:"skew_seconds"`
}

func (s *Server) verifyPeer(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	var in federationVerifyInput
	if err := decode(r, &in); err != nil {
		return err
	}
	skew := 5
	if in.SkewSeconds != nil {
		skew = *in.SkewSeconds
	}
	if skew < 0 || skew > 3600 {
		return core.Invalid(core.FieldError{Field: "skew_seconds", Reason: "must be from 0 to 3600 (default 5)"})
	}
	f, err := s.federationOn()
	if err != nil {
		return err
	}
	out, err := f.VerifyPeer(r.Context(), v, strings.TrimSpace(r.PathValue("id")), time.Duration(skew)*time.Second)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// federationCollector reports each peer's state on /metrics (with the
// data metrics: the peers and their traffic describe the federation).
type federationCollector struct{ s *Server }

var (
	fedLastContact = prometheus.NewDesc("manara_federation_peer_last_contact_seconds", "Unix time of the last message exchanged with the peer.", []string{"peer"}, nil)
	fedPending     = prometheus.NewDesc("manara_federation_peer_pending_messages", "Messages queued for the peer and not yet delivered.", []string{"peer"}, nil)
	fedLag         = prometheus.NewDesc("manara_federation_peer_lag_seconds", "Age of the oldest message queued for the peer (0 when none waits).", []string{"peer"}, nil)
	fedRefused     = prometheus.NewDesc("manara_federation_peer_refused_messages", "Messages refused, by the peer or by us, in either direction.", []string{"peer"}, nil)
	fedFailed      = prometheus.NewDesc("manara_federation_peer_failed_messages", "Messages to the peer given up on: larger than one envelope may be, so they are never sent (their place is handed over).", []string{"peer"}, nil)
	fedActive      = prometheus.NewDesc("manara_federation_peer_active", "1 while the peer's key is trusted, 0 once revoked.", []string{"peer"}, nil)
)

func (c federationCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{fedLastContact, fedPending, fedLag, fedRefused, fedFailed, fedActive} {
		ch <- d
	}
}

func (c federationCollector) Collect(ch chan<- prometheus.Metric) {
	f := c.s.Federation
	if f == nil {
		return
	}
	ctx, cancel := contextWithTimeout(2 * time.Second)
	defer cancel()
	ps, err := f.PeerStates(ctx)
	if err != nil {
		return
	}
	for _, p := range ps {
		last := 0.0
		if p.LastContact != nil {
			last = float64(p.LastContact.Unix())
		}
		active := 0.0
		if p.State == core.PeerActive {
			active = 1
		}
		ch <- prometheus.MustNewConstMetric(fedLastContact, prometheus.GaugeValue, last, p.ID)
		ch <- prometheus.MustNewConstMetric(fedPending, prometheus.GaugeValue, float64(p.Pending), p.ID)
		ch <- prometheus.MustNewConstMetric(fedLag, prometheus.GaugeValue, p.LagSeconds, p.ID)
		ch <- prometheus.MustNewConstMetric(fedRefused, prometheus.GaugeValue, float64(p.Refused), p.ID)
		ch <- prometheus.MustNewConstMetric(fedFailed, prometheus.GaugeValue, float64(p.Failed), p.ID)
		ch <- prometheus.MustNewConstMetric(fedActive, prometheus.GaugeValue, active, p.ID)
	}
}

func contextWithTimeout(d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), d)
}

// HitNoHit answers another process's hit/no-hit query on this one's
// index (federation.Screener) for the records answers takes: the
// screening is decided and audited as a local one by searcher, each
// match at the alert threshold becomes a hit recorded for its owner (who
// is told at once, as of any restricted hit, probing included), and the
// answer names only each hit's reference and the bureau to contact. A
// query is a person, a travel document or an identifier.
func (s *Server) HitNoHit(ctx context.Context, searcher core.Viewer, q federation.RemoteQuery, answers federation.Answers) ([]federation.HitRef, error) {
	x, err := s.index()
	if err != nil {
		return nil, err
	}
	var found []screen.Hit
	var sg hits.Sighting
	var summary string
	switch {
	case q.Document != nil:
		dq := screen.DocumentQuery{Number: q.Document.Number, Country: q.Document.Country, Type: q.Document.Type}
		found, err = x.ScreenDocument(searcher, dq)
		a := documentAsked(dq)
		sg = hits.Sighting{Type: "document", Subject: hits.Normalise(dq.Number, dq.Country, dq.Type, ""), Query: a.summary, QueryFields: a.fields}
		summary = fmt.Sprintf("document number=%q country=%s type=%s", dq.Number, dq.Country, dq.Type)
	case q.Identifier != nil:
		iq := screen.IdentifierQuery{Type: q.Identifier.Type, Value: q.Identifier.Value}
		summary = fmt.Sprintf("identifier type=%s value=%q", iq.Type, iq.Value)
		found, err = s.screenIdent(x, searcher, iq)
		if typ, canon, rerr := screen.ResolveIdentifier(iq.Type, iq.Value); rerr == nil {
			iq.Type, iq.Value = typ, canon
		}
		a := identifierAsked(iq)
		sg = hits.Sighting{Type: "identifier", Subject: hits.Normalise(iq.Type, iq.Value), Query: a.summary, QueryFields: a.fields}
	case q.Person != nil:
		pq := screen.PersonQuery{Name: q.Person.Name, DateOfBirth: q.Person.DateOfBirth, Sex: q.Person.Sex, Nationality: q.Person.Nationality}
		found, err = x.ScreenPerson(searcher, pq)
		a := personAsked(pq)
		sg = hits.Sighting{Type: "person", Subject: personSubject(pq), Query: a.summary, QueryFields: a.fields}
		summary = fmt.Sprintf("name=%q dob=%s sex=%s nationality=%s", pq.Name, pq.DateOfBirth, pq.Sex, pq.Nationality)
	default:
		return nil, core.Invalid(core.FieldError{Field: "query", Reason: "is required: a person, a document or an identifier"})
	}
	sg.Context = map[string]string{"via": "federation"}
	if err == nil {
		found, err = s.answeredHere(ctx, found, answers)
	}
	ids := make([]string, 0, len(found))
	for _, h := range found {
		ids = append(ids, h.Internal())
	}
	e := audit.Entry(searcher, "screen.remote", audit.OutcomeOf(err), ids...)
	e.Query = summary + " (hit/no-hit from the federation)"
	if aerr := s.Store.Update(ctx, func(tx core.Tx) error { return audit.Append(tx, e) }); aerr != nil {
		return nil, aerr
	}
	if err != nil {
		return nil, err
	}
	for _, h := range found {
		if h.Alert() && h.Internal() != "" {
			o := h.ForOwner()
			sg.Matches = append(sg.Matches, hits.Match{RecordID: h.Internal(), Score: o.Score, Label: o.Label, LabelParts: o.LabelParts,
				Matched: o.Matched, MatchedWritten: o.MatchedWritten, Explanation: o.Explanation, Explained: o.Explained})
		}
	}
	refs := []federation.HitRef{}
	if len(sg.Matches) == 0 {
		return refs, nil
	}
	made, err := s.Hits.Record(ctx, searcher, []hits.Sighting{sg})
	if err != nil {
		return nil, err
	}
	for _, h := range made[0] {
		if !h.Withheld { // probing: the searcher is told nothing
			refs = append(refs, federation.HitRef{Reference: h.Reference, Contact: h.Owner})
		}
	}
	return refs, nil
}

// answeredHere keeps the matches on records answers takes: another
// process answers for the others (federation.Answers), and this one
// neither records, nor audits, nor tells of them.
func (s *Server) answeredHere(ctx context.Context, found []screen.Hit, answers federation.Answers) ([]screen.Hit, error) {
	if answers == nil || len(found) == 0 {
		return found, nil
	}
	var kept []screen.Hit
	err := s.Store.View(ctx, func(tx core.Tx) error {
		kept = kept[:0]
		for _, h := range found {
			r, err := tx.GetRecord(h.Internal())
			if core.ErrorCode(err) == core.ENOTFOUND {
				continue
			} else if err != nil {
				return err
			}
			ok, err := answers(tx, r)
			if err != nil {
				return err
			}
			if ok {
				kept = append(kept, h)
			}
		}
		return nil
	})
	return kept, err
}
