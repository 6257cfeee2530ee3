package api

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/manara-hub/manara/internal/access"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/hits"
	"github.com/manara-hub/manara/internal/screen"
)

var pHitID = param{"id", "path", "The hit's id."}

// hitRoutes are the routes of hits, events, webhooks and messages.
func (s *Server) hitRoutes() []route {
	return []route{
		{Method: "GET", Path: "/api/v1/hits", Summary: "Hits on your bureau's records and by its screenings", Resp: "HitPage",
			Params: []param{{"side", "query", "owner or searcher"}, {"state", "query", "either side in this state"}, {"from", "query", "first seen at or after (RFC 3339 or YYYY-MM-DD)"},
				{"to", "query", "first seen before (excluded: after from)"}, pLimit, pCursor}, h: s.listHits},
		{Method: "GET", Path: "/api/v1/hits/stats", Summary: "Your bureau's hits by type, country, outcome and over time", Resp: "HitStats",
			Params: []param{{"from", "query", "start (default 30 days ago)"}, {"to", "query", "end (default now)"}, {"bucket", "query", "hour, day (default), week or month"}}, h: s.hitStats},
		{Method: "GET", Path: "/api/v1/hits/{id}", Summary: "One hit, as much of it as you may see", Resp: "HitRecord", Params: []param{pHitID}, h: s.getHit},
		{Method: "POST", Path: "/api/v1/hits/{id}/state", Summary: "Move your side of a hit on: being_checked, confirmed, false_positive, action_taken (with an action)", Body: "HitChange", Resp: "HitRecord", Params: []param{pHitID}, h: s.changeHit},
		{Method: "GET", Path: "/api/v1/events", Summary: "Server-Sent Events: hits, messages and notice decisions you may see; resumable with Last-Event-ID", Stream: "text/event-stream", StreamSchema: "Event",
			Params:   []param{{"Last-Event-ID", "header", "the id of the last event received: replay from there"}, {"after", "query", "replay events after this sequence number (0: all stored)"}},
			Problems: map[int]string{http.StatusUnprocessableEntity: "Last-Event-ID or after is not an event id, or is past the stream's last event (the reason says which is last)"}, h: s.eventStream},
		{Method: "GET", Path: "/api/v1/webhooks", Summary: "Your bureau's webhooks", Resp: "WebhookList", h: s.listWebhooks},
		{Method: "POST", Path: "/api/v1/webhooks", Summary: "Register a webhook; its signing secret is shown once", Body: "NewWebhook", Resp: "CreatedWebhook", Status: 201, h: s.createWebhook},
		{Method: "DELETE", Path: "/api/v1/webhooks/{id}", Summary: "Delete a webhook; its pending deliveries are given up", Status: 204, Params: []param{{"id", "path", "The webhook's id."}}, h: s.deleteWebhook},
		{Method: "POST", Path: "/api/v1/webhooks/{id}/secret", Summary: "Rotate a webhook's signing secret: the new one is shown once; the previous one signs beside it for 24 hours", Resp: "CreatedWebhook",
			Params: []param{{"id", "path", "The webhook's id."}}, h: s.rotateWebhookSecret},
		{Method: "POST", Path: "/api/v1/webhooks/{id}/enable", Summary: "Deliver again to a webhook the dispatcher disabled after its deliveries failed for 3 days; events meanwhile are not sent (replay them from GET /api/v1/events)", Resp: "Webhook",
			Params: []param{{"id", "path", "The webhook's id."}}, h: s.enableWebhook},
		{Method: "GET", Path: "/api/v1/webhooks/{id}/deliveries", Summary: "A webhook's deliveries: status, attempts, last error, dead letters", Resp: "DeliveryList",
			Params: []param{{"id", "path", "The webhook's id."}, pLimit}, h: s.listDeliveries},
		{Method: "POST", Path: "/api/v1/webhooks/{id}/deliveries/{did}/retry", Summary: "Send a dead-lettered delivery again", Resp: "Delivery",
			Params: []param{{"id", "path", "The webhook's id."}, {"did", "path", "The delivery's id."}}, h: s.retryDelivery},
		{Method: "GET", Path: "/api/v1/threads", Summary: "Message threads your bureau takes part in", Resp: "ThreadList", Params: []param{{"limit", "query", "Page size, 1 to 200 (default 50)."}}, h: s.listThreads},
		{Method: "POST", Path: "/api/v1/threads", Summary: "Open a thread (on a hit, a record or nothing) with its first message", Body: "NewThread", Resp: "ThreadView", Status: 201, MaxBody: maxPostBytes, h: s.openThread},
		{Method: "GET", Path: "/api/v1/threads/{id}", Summary: "A thread and its newest 1000 messages, oldest first (participants only); next_before pages to older ones", Resp: "ThreadView",
			Params: []param{{"id", "path", "The thread's id."}, {"before", "query", "only messages numbered below this (the previous page's next_before)"}}, h: s.getThread},
		{Method: "POST", Path: "/api/v1/threads/{id}/messages", Summary: "Post to a thread your bureau takes part in", Body: "MessagePost", Resp: "Message", Status: 201, MaxBody: maxPostBytes, Params: []param{{"id", "path", "The thread's id."}}, h: s.postMessage},
		{Method: "POST", Path: "/api/v1/threads/{id}/read", Summary: "Mark the thread read by your bureau (read receipt)", Resp: "Thread", Params: []param{{"id", "path", "The thread's id."}}, h: s.readThread},
	}
}

// AnswerHit is a screening answer's hit with the hit record it made, if
// it reached the alert threshold: what the API answers and the console
// shows.
type AnswerHit struct {
	screen.Hit
	HitID string `json:"hit_id,omitempty"`
}

func plainHits(hs []screen.Hit) []AnswerHit {
	out := make([]AnswerHit, len(hs))
	for i, h := range hs {
		out[i] = AnswerHit{Hit: h}
	}
	return out
}

// recordHits settles a screening's answer and turns what it matched at
// or above the alert threshold into hit records.
//
// The index decides the candidates; the store decides what is disclosed.
// Every record the answer names is read again in one read transaction, so
// that a record narrowed or cancelled through another replica, whose
// index has not followed yet, is not shown: one no longer active is left
// out, one no longer releasable to the caller is cut down to "possible
// hit" (and left out if under the alert threshold).
//
// Then each alert's owner view (the score and explanation even where the
// searcher was told only "possible hit") goes into one sighting, its hits
// are recorded in one call to the hits service, and each answer hit is
// given the id and reference of the hit record made for its record. A hit
// withheld from the searcher (probing) is left out of the answer. The
// reference of an answer that made no hit record is keyed by the
// server's stored key over the searcher, the query and the record: the
// same on every replica, different for every query of one record.
func (s *Server) recordHits(r *http.Request, v core.Viewer, typ, subject string, query asked, c screenContext, answer []screen.Hit, entry *core.AuditEntry) ([]AnswerHit, error) {
	// entry is the screening's own audit entry, not yet written: it goes
	// with the hits if there are any to record, otherwise on its own.
	audited := entry == nil
	auditAlone := func() error {
		if audited {
			return nil
		}
		audited = true
		return s.auditScreen(r, entry)
	}
	if len(answer) == 0 {
		return []AnswerHit{}, auditAlone()
	}
	answer, recs, err := s.settle(r, v, answer)
	if err != nil {
		auditAlone()
		return nil, err
	}
	out := plainHits(answer)
	sg := hits.Sighting{Type: typ, Subject: subject, Query: query.summary, QueryFields: query.fields, Context: c}
	if s.Hits != nil && v.Bureau != "" {
		for _, h := range answer {
			if h.Alert() && h.Internal() != "" {
				o := h.ForOwner()
				sg.Matches = append(sg.Matches, hits.Match{RecordID: h.Internal(), Score: o.Score, Label: o.Label, LabelParts: o.LabelParts,
					Matched: o.Matched, MatchedWritten: o.MatchedWritten, Explanation: o.Explanation, Explained: o.Explained, Record: recs[h.Internal()]})
			}
		}
	}
	made := map[string]*core.Hit{}
	if len(sg.Matches) > 0 {
		sg.Audit, audited = entry, true
		rec, err := s.Hits.Record(r.Context(), v, []hits.Sighting{sg})
		if err != nil {
			if r.Context().Err() == nil {
				// The hit's transaction failed, and the entry with it:
				// the screening is still accounted for.
				audited = false
				auditAlone()
			} // else the caller left: the group still writes the entry with the hit
			return nil, err
		}
		for _, h := range rec[0] {
			made[h.RecordID] = h
		}
	} else if err := auditAlone(); err != nil {
		return nil, err
	}
	kept := out[:0]
	for _, a := range out {
		h := made[a.Internal()]
		switch {
		case h != nil && h.Withheld:
			continue // probing: the searcher is not told
		case h != nil:
			a.HitID, a.Reference = h.ID, h.Reference
		case a.Alert() && a.Restricted && len(sg.Matches) > 0:
			continue // gone from the store since it was read: nothing to contact the owner about
		default:
			ref, err := s.answerReference(r.Context(), v, typ, subject, a.Internal())
			if err != nil {
				return nil, err
			}
			a.Reference = ref
		}
		kept = append(kept, a)
	}
	return kept, nil
}

// settle checks an answer against the store (see recordHits).
func (s *Server) settle(r *http.Request, v core.Viewer, answer []screen.Hit) ([]screen.Hit, map[string]*core.Record, error) {
	recs, err := s.answerRecords(r.Context(), answer)
	if err != nil {
		return nil, nil, err
	}
	out := answer[:0:0]
	for _, h := range answer {
		rec := recs[h.Internal()]
		if rec == nil || rec.Status != core.StatusActive {
			continue
		}
		if !h.Restricted && !access.CanSeeHit(v, rec.Owner, rec.Status, rec.Releasability) {
			h.Restrict()
		}
		if h.Restricted && !h.Alert() {
			continue // a record the caller may not see is told only at the alert threshold
		}
		s.descriptions.Describe(&h, rec)
		out = append(out, h)
	}
	return out, recs, nil
}

// answerRecords reads the records an answer names, as the store holds
// them now, all in one consistent read: one statement where the store
// offers it (an answer names at most a few records), otherwise one read
// transaction.
func (s *Server) answerRecords(ctx context.Context, answer []screen.Hit) (map[string]*core.Record, error) {
	ids := make([]string, 0, len(answer))
	for _, h := range answer {
		ids = append(ids, h.Internal())
	}
	recs := make(map[string]*core.Record, len(ids))
	if rr, ok := s.Store.(core.RecordsReader); ok && len(ids) <= core.MaxRecordsRead {
		found, err := rr.GetRecords(ctx, ids)
		for _, rec := range found {
			recs[rec.ID] = rec
		}
		return recs, err
	}
	err := s.Store.View(ctx, func(tx core.Tx) error {
		for _, id := range ids {
			rec, err := tx.GetRecord(id)
			if core.ErrorCode(err) == core.ENOTFOUND {
				continue
			} else if err != nil {
				return err
			}
			recs[rec.ID] = rec
		}
		return nil
	})
	return recs, err
}

// answerReference is the reference of an answer that made no hit record.
func (s *Server) answerReference(ctx context.Context, v core.Viewer, typ, subject, recordID string) (string, error) {
	key, err := s.referenceKey(ctx)
	if err != nil {
		return "", err
	}
	m := hmac.New(sha256.New, key)
	for _, part := range []string{v.Bureau, v.KeyID, v.UserID, typ, subject, recordID} {
		m.Write([]byte(part))
		m.Write([]byte{0})
	}
	return "REF-" + strings.ToUpper(hex.EncodeToString(m.Sum(nil))[:16]), nil
}

// referenceKey reads (creating it on first use) the key answer references
// are made with: one for all replicas, kept across restarts.
func (s *Server) referenceKey(ctx context.Context) ([]byte, error) {
	s.refMu.Lock()
	defer s.refMu.Unlock()
	if s.refKey != nil {
		return s.refKey, nil
	}
	fresh := make([]byte, 32)
	rand.Read(fresh)
	var stored string
	err := s.Store.Update(ctx, func(tx core.Tx) error {
		var err error
		stored, err = tx.ServerKey("answer-reference", hex.EncodeToString(fresh))
		return err
	})
	if err != nil {
		return nil, err
	}
	key, err := hex.DecodeString(stored)
	if err != nil || len(key) < 16 {
		return nil, fmt.Errorf("the stored answer-reference key is malformed")
	}
	s.refKey = key
	return key, nil
}

type hitPage struct {
	Items      []hits.View `json:"items"`
	NextCursor string      `json:"next_cursor,omitempty"`
}

func (s *Server) listHits(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	q := r.URL.Query()
	f := hits.ListFilter{Side: q.Get("side"), State: q.Get("state"), After: q.Get("cursor")}
	if len(f.After) > 100 {
		return &core.Error{Code: emalformed, Message: "the cursor is not one this server gave",
			Fields: []core.FieldError{{Field: "cursor", Reason: "must be the next_cursor of a previous page, unchanged"}}}
	}
	var err error
	if f.Since, err = timeParam(q.Get("from"), "from"); err != nil {
		return err
	}
	if f.Until, err = timeParam(q.Get("to"), "to"); err != nil {
		return err
	}
	var fs []core.FieldError
	periodOrder(f.Since, f.Until, "hits", &fs)
	f.Limit = intParam(q, "limit", 100, 1, maxPage, &fs)
	if err := invalid(fs); err != nil {
		return err
	}
	items, next, err := s.Hits.List(r.Context(), v, f)
	if err != nil {
		return err
	}
	p := hitPage{Items: items, NextCursor: next}
	writeJSON(w, http.StatusOK, p)
	return nil
}

func timeParam(s, field string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), nil
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t, nil
	}
	return time.Time{}, core.Invalid(core.FieldError{Field: field, Reason: "must be RFC 3339 or YYYY-MM-DD"})
}

func (s *Server) hitStats(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	q := r.URL.Query()
	from, err := timeParam(q.Get("from"), "from")
	if err != nil {
		return err
	}
	to, err := timeParam(q.Get("to"), "to")
	if err != nil {
		return err
	}
	if to.IsZero() {
		to = time.Now().UTC()
	}
	if from.IsZero() {
		from = to.AddDate(0, 0, -30)
	}
	st, err := s.Hits.Stats(r.Context(), v, from, to, q.Get("bucket"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, st)
	return nil
}

func (s *Server) getHit(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	h, err := s.Hits.Get(r.Context(), v, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, h)
	return nil
}

func (s *Server) changeHit(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	var in hits.Change
	if err := decode(r, &in); err != nil {
		return err
	}
	h, err := s.Hits.Transition(r.Context(), v, r.PathValue("id"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, h)
	return nil
}
