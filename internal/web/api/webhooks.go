package api

import (
	"net/http"

	"github.com/manara-hub/manara/internal/accreditation"
	"github.com/manara-hub/manara/internal/agreements"
	"github.com/manara-hub/manara/internal/assembly"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/hits"
	"github.com/manara-hub/manara/internal/meetings"
	"github.com/manara-hub/manara/internal/messages"
	"github.com/manara-hub/manara/internal/notices"
	"github.com/manara-hub/manara/internal/webhooks"
)

// webhookEvents are the event types a bureau's webhook may ask for: all
// the services write but the citizen reports' (report.*, campaign.*),
// which reach the bureau's triage unit only, never an automated receiver.
var webhookEvents = []string{
	hits.EventCreated, hits.EventRepeated, hits.EventUpdated, hits.EventProbing,
	messages.EventPosted,
	notices.EventSubmitted, notices.EventDecided, notices.EventPublished, notices.EventUpdated,
	notices.EventCancelled, notices.EventExpiring, notices.EventExpired,
	assembly.EventVoteOpened, assembly.EventVoteClosed, assembly.EventResult,
	accreditation.EventAlert, accreditation.EventDecided,
	meetings.EventRequested, meetings.EventAccepted, meetings.EventDeclined, meetings.EventProposed,
	meetings.EventCancelled, meetings.EventScheduled, meetings.EventMoved, meetings.EventUnscheduled,
	agreements.EventRegistered, agreements.EventUpdated, agreements.EventSigned, agreements.EventInForce,
	agreements.EventTerminated, agreements.EventDocument,
}

type webhookList struct {
	Items []*core.Webhook `json:"items"`
}

type createdWebhook struct {
	Webhook *core.Webhook `json:"webhook"`
	Secret  string        `json:"secret"`
	Note    string        `json:"note"`
}

type deliveryList struct {
	Items []*core.Delivery `json:"items"`
}

func (s *Server) listWebhooks(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	ws, err := s.Webhooks.List(r.Context(), v)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, webhookList{Items: ws})
	return nil
}

func (s *Server) createWebhook(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	var in webhooks.Registration
	if err := decode(r, &in); err != nil {
		return err
	}
	wh, secret, err := s.Webhooks.Register(r.Context(), v, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, createdWebhook{Webhook: wh, Secret: secret,
		Note: "Keep the secret: it is shown only now. Check X-Manara-Signature on every delivery with it."})
	return nil
}

func (s *Server) rotateWebhookSecret(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	wh, secret, err := s.Webhooks.RotateSecret(r.Context(), v, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, createdWebhook{Webhook: wh, Secret: secret,
		Note: "Keep the secret: it is shown only now. Until previous_secret_until each delivery carries a second v1 signature, made with the previous secret."})
	return nil
}

func (s *Server) enableWebhook(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	wh, err := s.Webhooks.Enable(r.Context(), v, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, wh)
	return nil
}

func (s *Server) deleteWebhook(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	if err := s.Webhooks.Delete(r.Context(), v, r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) listDeliveries(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	var fs []core.FieldError
	limit := intParam(r.URL.Query(), "limit", 100, 1, maxPage, &fs)
	if err := invalid(fs); err != nil {
		return err
	}
	ds, err := s.Webhooks.Deliveries(r.Context(), v, r.PathValue("id"), limit)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, deliveryList{Items: ds})
	return nil
}

func (s *Server) retryDelivery(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	d, err := s.Webhooks.Retry(r.Context(), v, r.PathValue("id"), r.PathValue("did"))
	if err != nil {
		return err
	}
	if s.Events != nil {
		s.Events.Notify() // wakes the dispatcher too
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}
