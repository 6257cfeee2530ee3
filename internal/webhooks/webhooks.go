// Package webhooks owns a bureau's webhook subscriptions and the delivery
// of its events to them: a durable outbox filled from the event stream by
// a dispatcher that keeps its position in the store (so a restart, or a
// second replica, loses and doubles nothing), signed deliveries, retries
// with exponential backoff and full jitter until a deadline, then a dead
// letter with the last error. Which events a bureau receives is asked of
// access.CanSeeEvent, at fan-out and again before each attempt. Where a
// webhook may point is the administrator's allow list, checked at
// registration and on the address actually dialled. It writes no events.
package webhooks

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/manara-hub/manara/internal/access"
	"github.com/manara-hub/manara/internal/audit"
	"github.com/manara-hub/manara/internal/core"
)

// Limits.
const (
	MaxEventTypes     = 20
	MaxWebhooksPerBur = 20
)

// Headers of a delivery.
const (
	HeaderSignature = "X-Manara-Signature"
	HeaderDelivery  = "X-Manara-Delivery"
	HeaderEvent     = "X-Manara-Event"
)

// Sign returns the X-Manara-Signature value for body sent at t:
// t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>, with one
// v1 for each secret (after a rotation, the new one and the previous).
func Sign(t time.Time, body []byte, secrets ...string) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	out := "t=" + ts
	for _, s := range secrets {
		out += ",v1=" + mac(s, ts, body)
	}
	return out
}

func mac(secret, ts string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts))
	m.Write([]byte("."))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// Verify checks a signature header as a receiver should: the HMAC over
// the timestamp and the body, compared in constant time, and a timestamp
// within tolerance of now (against replays).
func Verify(secret, header string, body []byte, now time.Time, tolerance time.Duration) error {
	var ts string
	var sigs []string
	for _, part := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			sigs = append(sigs, v)
		}
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || len(sigs) == 0 {
		return errors.New("malformed signature header")
	}
	if d := now.Sub(time.Unix(sec, 0)); d > tolerance || d < -tolerance {
		return errors.New("signature timestamp outside the tolerance")
	}
	want := []byte(mac(secret, ts, body))
	for _, s := range sigs {
		if hmac.Equal([]byte(s), want) {
			return nil
		}
	}
	return errors.New("signature does not match")
}

// Service manages subscriptions.
type Service struct {
	Store core.Store
	Allow *Allowlist
	Now   func() time.Time
	// MaxAge is how long a delivery is retried before it is dead-lettered.
	MaxAge time.Duration
	// EventTypes are the event types a webhook may ask for, by name or by
	// family (hit.*): those the services write that may reach a bureau's
	// receiver. Whoever wires the services sets them; a name outside them
	// (a typing error, a family that does not exist) is refused rather
	// than kept as a subscription that would never be delivered.
	EventTypes []string
}

// New returns a Service over st allowing destinations in allow.
func New(st core.Store, allow *Allowlist) *Service {
	return &Service{Store: st, Allow: allow, Now: time.Now, MaxAge: 24 * time.Hour}
}

// Registration is what a bureau sends to subscribe.
type Registration struct {
	URL    string   `json:"url"`
	Events []string `json:"events"`
}

// Validate checks a registration on its own (the allow list aside):
// each event it asks for is "*", one of types, or the family of one of
// them (hit.*).
func (r *Registration) Validate(types []string) error {
	var fs []core.FieldError
	if len(r.Events) == 0 {
		fs = append(fs, core.FieldError{Field: "events", Reason: `must list event types, e.g. ["hit.created","message.posted"], or ["*"] for all`})
	}
	if len(r.Events) > MaxEventTypes {
		fs = append(fs, core.FieldError{Field: "events", Reason: fmt.Sprintf("must list at most %d types", MaxEventTypes)})
	}
	for i, e := range r.Events {
		if e != "*" && !slices.ContainsFunc(types, func(t string) bool { return covers(e, t) }) {
			fs = append(fs, core.FieldError{Field: fmt.Sprintf("events[%d]", i),
				Reason: "must be an event type (" + strings.Join(types, ", ") + "), a family of them such as hit.*, or *"})
		}
	}
	if len(fs) > 0 {
		return core.Invalid(fs...)
	}
	return nil
}

// Wants reports whether w subscribed to events of type typ.
func Wants(w *core.Webhook, typ string) bool {
	return slices.ContainsFunc(w.Events, func(e string) bool { return covers(e, typ) })
}

// covers reports whether a subscription entry (a type, a family such as
// hit.*, or *) asks for events of type typ: one rule for what a
// registration may ask for and what it is sent.
func covers(entry, typ string) bool {
	family, isFamily := strings.CutSuffix(entry, ".*")
	return entry == "*" || entry == typ || isFamily && strings.HasPrefix(typ, family+".")
}

// Register subscribes v's bureau. The secret is returned once and never
// shown again.
func (s *Service) Register(ctx context.Context, v core.Viewer, in Registration) (*core.Webhook, string, error) {
	if !access.CanManageWebhooks(v, v.Bureau) {
		return nil, "", audit.Refuse(ctx, s.Store, v, "webhook.create", core.Errorf(core.EFORBIDDEN, "managing webhooks needs the webhooks permission (administrators)"))
	}
	if err := in.Validate(s.EventTypes); err != nil {
		return nil, "", audit.Refuse(ctx, s.Store, v, "webhook.create", err)
	}
	if s.Allow.Empty() {
		return nil, "", audit.Refuse(ctx, s.Store, v, "webhook.create", core.Invalid(core.FieldError{Field: "url", Reason: "the administrator has allowed no webhook destinations (MANARA_WEBHOOK_ALLOW)"}))
	}
	u, err := s.Allow.CheckURL(in.URL)
	if err != nil {
		return nil, "", audit.Refuse(ctx, s.Store, v, "webhook.create", err)
	}
	secret := newSecret()
	evs := slices.Clone(in.Events)
	slices.Sort(evs)
	w := &core.Webhook{ID: uuid.Must(uuid.NewV7()).String(), Bureau: v.Bureau, URL: u.String(), Events: slices.Compact(evs),
		Secret: secret, CreatedBy: v.ActorName(), CreatedAt: s.Now().UTC().Truncate(time.Microsecond)}
	err = s.Store.Update(ctx, func(tx core.Tx) error {
		// A bureau's registrations take turns: each counts the webhooks
		// the others committed, so the limit holds on PostgreSQL too.
		if err := tx.LockName("webhooks:" + v.Bureau); err != nil {
			return err
		}
		existing, err := tx.ListWebhooks(v.Bureau)
		if err != nil {
			return err
		}
		if len(existing) >= MaxWebhooksPerBur {
			return core.Errorf(core.ECONFLICT, "a bureau may have at most %d webhooks: delete one first", MaxWebhooksPerBur)
		}
		if w.FromSeq, err = tx.LastEvent(); err != nil {
			return err
		}
		if err := tx.InsertWebhook(w); err != nil {
			return err
		}
		e := audit.Entry(v, "webhook.create", audit.OK)
		e.Query = "webhook " + w.ID + " " + w.URL + " events=" + strings.Join(w.Events, ",")
		return audit.Append(tx, e)
	})
	if err != nil {
		return nil, "", audit.Refuse(ctx, s.Store, v, "webhook.create", err)
	}
	return w, secret, nil
}

func newSecret() string {
	var b [32]byte
	rand.Read(b[:])
	return "whsec_" + hex.EncodeToString(b[:])
}

// RotationOverlap is how long the previous secret keeps signing beside
// the new one after a rotation: a day for the receiver to take the new
// secret, every delivery meanwhile verifying with either.
const RotationOverlap = 24 * time.Hour

// RotateSecret gives one of v's bureau's webhooks a new signing secret,
// returned once. The secret it replaces signs beside it for
// RotationOverlap (a rotation within that time drops the older one):
// a secret that leaked is replaced without deleting the webhook and
// losing its deliveries, and a receiver that has not yet taken the new
// one refuses nothing.
func (s *Service) RotateSecret(ctx context.Context, v core.Viewer, id string) (*core.Webhook, string, error) {
	if !access.CanManageWebhooks(v, v.Bureau) {
		return nil, "", audit.Refuse(ctx, s.Store, v, "webhook.rotate", core.Errorf(core.EFORBIDDEN, "managing webhooks needs the webhooks permission (administrators)"))
	}
	secret := newSecret()
	var w *core.Webhook
	err := s.Store.Update(ctx, func(tx core.Tx) error {
		if err := tx.LockName(webhookLock(id)); err != nil {
			return err
		}
		var err error
		if w, err = get(tx, v, id); err != nil {
			return err
		}
		w.PreviousSecret, w.Secret = w.Secret, secret
		w.PreviousSecretUntil = s.Now().UTC().Truncate(time.Microsecond).Add(RotationOverlap)
		if err := tx.UpdateWebhook(w); err != nil {
			return err
		}
		e := audit.Entry(v, "webhook.rotate", audit.OK)
		e.Query = "webhook " + w.ID + ": new secret; the previous one signs too until " + w.PreviousSecretUntil.Format(time.RFC3339)
		return audit.Append(tx, e)
	})
	if err != nil {
		return nil, "", audit.Refuse(ctx, s.Store, v, "webhook.rotate", err)
	}
	return w, secret, nil
}

// Enable delivers again to one of v's bureau's webhooks that the
// dispatcher disabled. Events written while it was disabled are not sent:
// the event stream (GET /api/v1/events?after=) replays them.
func (s *Service) Enable(ctx context.Context, v core.Viewer, id string) (*core.Webhook, error) {
	if !access.CanManageWebhooks(v, v.Bureau) {
		return nil, audit.Refuse(ctx, s.Store, v, "webhook.enable", core.Errorf(core.EFORBIDDEN, "managing webhooks needs the webhooks permission (administrators)"))
	}
	var w *core.Webhook
	err := s.Store.Update(ctx, func(tx core.Tx) error {
		if err := tx.LockName(webhookLock(id)); err != nil {
			return err
		}
		var err error
		if w, err = get(tx, v, id); err != nil {
			return err
		}
		if w.DisabledAt.IsZero() {
			return core.Errorf(core.ECONFLICT, "the webhook is enabled")
		}
		e := audit.Entry(v, "webhook.enable", audit.OK)
		e.Query = "webhook " + w.ID + ", disabled since " + w.DisabledAt.Format(time.RFC3339)
		w.DisabledAt, w.DisabledReason, w.FailingSince = time.Time{}, "", time.Time{}
		if w.FromSeq, err = tx.LastEvent(); err != nil {
			return err
		}
		if err := tx.UpdateWebhook(w); err != nil {
			return err
		}
		return audit.Append(tx, e)
	})
	if err != nil {
		return nil, audit.Refuse(ctx, s.Store, v, "webhook.enable", err)
	}
	return w, nil
}

// webhookLock serialises the writes of one webhook (a rotation, the
// dispatcher's record of its health, enabling it): each reads it again
// under the lock, so that none writes back what another changed.
func webhookLock(id string) string { return "webhook:" + id }

// List returns v's bureau's webhooks.
func (s *Service) List(ctx context.Context, v core.Viewer) ([]*core.Webhook, error) {
	if !access.CanManageWebhooks(v, v.Bureau) {
		return nil, core.Errorf(core.EFORBIDDEN, "managing webhooks needs the webhooks permission (administrators)")
	}
	var out []*core.Webhook
	err := s.Store.View(ctx, func(tx core.Tx) error {
		var err error
		out, err = tx.ListWebhooks(v.Bureau)
		return err
	})
	if out == nil {
		out = []*core.Webhook{}
	}
	return out, err
}

// get returns a webhook of v's bureau; another bureau's is not found.
func get(tx core.Tx, v core.Viewer, id string) (*core.Webhook, error) {
	w, err := tx.GetWebhook(id)
	if err != nil {
		return nil, err
	}
	if !access.CanManageWebhooks(v, w.Bureau) {
		return nil, core.Errorf(core.ENOTFOUND, "webhook not found")
	}
	return w, nil
}

// Delete removes one of v's bureau's webhooks; its pending deliveries are
// given up.
func (s *Service) Delete(ctx context.Context, v core.Viewer, id string) error {
	if !access.CanManageWebhooks(v, v.Bureau) {
		return audit.Refuse(ctx, s.Store, v, "webhook.delete", core.Errorf(core.EFORBIDDEN, "managing webhooks needs the webhooks permission (administrators)"))
	}
	err := s.Store.Update(ctx, func(tx core.Tx) error {
		if _, err := get(tx, v, id); err != nil {
			return err
		}
		if err := tx.DeleteWebhook(id); err != nil {
			return err
		}
		e := audit.Entry(v, "webhook.delete", audit.OK)
		e.Query = "webhook " + id
		return audit.Append(tx, e)
	})
	if err != nil {
		return audit.Refuse(ctx, s.Store, v, "webhook.delete", err)
	}
	return nil
}

// Deliveries lists a webhook's latest deliveries, newest first.
func (s *Service) Deliveries(ctx context.Context, v core.Viewer, id string, limit int) ([]*core.Delivery, error) {
	if !access.CanManageWebhooks(v, v.Bureau) {
		return nil, core.Errorf(core.EFORBIDDEN, "managing webhooks needs the webhooks permission (administrators)")
	}
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	var out []*core.Delivery
	err := s.Store.View(ctx, func(tx core.Tx) error {
		if _, err := get(tx, v, id); err != nil {
			return err
		}
		var err error
		out, err = tx.ListDeliveries(id, limit)
		return err
	})
	if out == nil {
		out = []*core.Delivery{}
	}
	return out, err
}

// Retry puts a dead-lettered delivery back in the outbox with a fresh
// deadline; it is sent with the same delivery id, so the receiver can
// still tell a repeat.
func (s *Service) Retry(ctx context.Context, v core.Viewer, id, deliveryID string) (*core.Delivery, error) {
	if !access.CanManageWebhooks(v, v.Bureau) {
		return nil, audit.Refuse(ctx, s.Store, v, "webhook.retry", core.Errorf(core.EFORBIDDEN, "managing webhooks needs the webhooks permission (administrators)"))
	}
	now := s.Now().UTC().Truncate(time.Microsecond)
	var d *core.Delivery
	err := s.Store.Update(ctx, func(tx core.Tx) error {
		if _, err := get(tx, v, id); err != nil {
			return err
		}
		var err error
		d, err = tx.GetDelivery(deliveryID)
		if err != nil {
			return err
		}
		if d.WebhookID != id {
			return core.Errorf(core.ENOTFOUND, "delivery not found")
		}
		if d.Status != core.DeliveryDead {
			return core.Errorf(core.ECONFLICT, "only a dead-lettered delivery can be retried; this one is %s", d.Status)
		}
		d.Status, d.NextAttempt, d.Deadline, d.LeaseUntil = core.DeliveryPending, now, now.Add(s.maxAge()), time.Time{}
		if err := tx.UpdateDelivery(d); err != nil {
			return err
		}
		e := audit.Entry(v, "webhook.retry", audit.OK)
		e.Query = "delivery " + d.ID
		return audit.Append(tx, e)
	})
	if err != nil {
		return nil, audit.Refuse(ctx, s.Store, v, "webhook.retry", err)
	}
	return d, nil
}

func (s *Service) maxAge() time.Duration {
	if s.MaxAge <= 0 {
		return 24 * time.Hour
	}
	return s.MaxAge
}
