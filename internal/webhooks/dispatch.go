package webhooks

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"github.com/manara-hub/manara/internal/access"
	"github.com/manara-hub/manara/internal/audit"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/events"
)

// cursorName is the dispatcher's position in the event stream.
const cursorName = "webhooks"

// Dispatcher fills the outbox from the event stream and sends what is due.
// Any number of replicas may run one: the cursor's row lock lets one at a
// time fan out, and a lease on each delivery lets one at a time send it.
type Dispatcher struct {
	Store core.Store
	Allow *Allowlist
	Log   *slog.Logger
	Now   func() time.Time
	// Wake, if set, returns a channel closed when new events may exist.
	Wake func() <-chan struct{}
	// Interval is how often the outbox is looked at without a wake.
	Interval time.Duration
	// BaseBackoff doubles with each failed attempt, up to MaxBackoff; the
	// wait is drawn uniformly below it (full jitter).
	BaseBackoff, MaxBackoff time.Duration
	// MaxAge is how long a delivery is retried before it is dead-lettered.
	MaxAge time.Duration
	// Timeout bounds one attempt; MaxResponse bounds what is read of the
	// receiver's answer.
	Timeout     time.Duration
	MaxResponse int64
	// Concurrency is how many deliveries are sent at once.
	Concurrency int
	// DisableAfter is how long a webhook's deliveries may all fail before
	// the dispatcher stops delivering to it (DefaultDisableAfter if zero).
	DisableAfter time.Duration

	once     sync.Once
	client   *http.Client
	fannedTo atomic.Int64 // the stream head when the outbox was last filled
}

// NewDispatcher returns a dispatcher with production defaults.
func NewDispatcher(st core.Store, allow *Allowlist, log *slog.Logger) *Dispatcher {
	return &Dispatcher{Store: st, Allow: allow, Log: log, Now: time.Now, Interval: time.Second,
		BaseBackoff: 5 * time.Second, MaxBackoff: time.Hour, MaxAge: 24 * time.Hour,
		Timeout: 10 * time.Second, MaxResponse: 64 << 10, Concurrency: 8}
}

func (d *Dispatcher) init() {
	d.once.Do(func() {
		d.client = &http.Client{
			Timeout: d.Timeout,
			Transport: &http.Transport{
				Proxy: nil, // a proxy would dial for us, past the address check
				DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
					host, _, err := net.SplitHostPort(addr)
					if err != nil {
						return nil, err
					}
					dl := net.Dialer{Timeout: d.Timeout, Control: d.Allow.control(host)}
					return dl.DialContext(ctx, network, addr)
				},
				TLSHandshakeTimeout:   d.Timeout,
				ResponseHeaderTimeout: d.Timeout,
				MaxIdleConnsPerHost:   4,
				IdleConnTimeout:       time.Minute,
			},
			// A redirect would send the signed body somewhere not checked.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	})
}

// Run works until ctx ends.
func (d *Dispatcher) Run(ctx context.Context) {
	d.init()
	events.Deliver(ctx, d.Interval, d.Wake, d.Step, func(err error) {
		if d.Log != nil {
			d.Log.Error("webhook dispatch", "err", err)
		}
	})
}

// Step fans new events out to the outbox and sends the deliveries due.
func (d *Dispatcher) Step(ctx context.Context) error {
	d.init()
	// Fanning out takes the cursor's lock, a write: skip it while the
	// stream's head has not moved since the last time.
	var head int64
	if err := d.Store.View(ctx, func(tx core.Tx) error {
		var err error
		head, err = tx.LastEvent()
		return err
	}); err != nil {
		return err
	}
	if head != d.fannedTo.Load() {
		if err := d.fanOutAll(ctx); err != nil {
			return err
		}
		d.fannedTo.Store(head)
	}
	return d.sendDue(ctx)
}

func (d *Dispatcher) fanOutAll(ctx context.Context) error {
	for {
		n, err := d.fanOut(ctx)
		if err != nil {
			return err
		}
		if n == 0 {
			return nil
		}
	}
}

// fanOut turns up to a page of events after the cursor into deliveries
// and moves the cursor, in one transaction: an event is in the outbox
// exactly once whatever crashes when.
func (d *Dispatcher) fanOut(ctx context.Context) (int, error) {
	now := d.Now().UTC().Truncate(time.Microsecond)
	n := 0
	err := d.Store.Update(ctx, func(tx core.Tx) error {
		cur, err := tx.Cursor(cursorName)
		if err != nil {
			return err
		}
		es, err := tx.Events(cur, "", 200)
		if err != nil || len(es) == 0 {
			return err
		}
		n = len(es)
		hooks, err := tx.ListWebhooks("")
		if err != nil {
			return err
		}
		sight := events.NewSight(tx)
		for i := range es {
			e := &es[i]
			for _, w := range hooks {
				if !w.DisabledAt.IsZero() || e.Seq <= w.FromSeq || !Wants(w, e.Type) {
					continue
				}
				if ok, err := sight.Allows(access.BureauViewer(w.Bureau, "webhook:"+w.ID), e); err != nil {
					return err
				} else if !ok {
					continue
				}
				id := uuid.Must(uuid.NewV7()).String()
				body, _ := json.Marshal(payload{ID: id, WebhookID: w.ID, Event: *e})
				if err := tx.InsertDelivery(&core.Delivery{ID: id, WebhookID: w.ID, Bureau: w.Bureau, EventSeq: e.Seq, EventType: e.Type,
					Body: body, Status: core.DeliveryPending, CreatedAt: now, Deadline: now.Add(d.maxAge()), NextAttempt: now}); err != nil {
					return err
				}
			}
		}
		return tx.SetCursor(cursorName, es[len(es)-1].Seq)
	})
	return n, err
}

// payload is the body of a delivery.
type payload struct {
	ID        string     `json:"id"`
	WebhookID string     `json:"webhook_id"`
	Event     core.Event `json:"event"`
}

func (d *Dispatcher) maxAge() time.Duration {
	if d.MaxAge <= 0 {
		return 24 * time.Hour
	}
	return d.MaxAge
}

func (d *Dispatcher) sendDue(ctx context.Context) error {
	now := d.Now().UTC()
	var due []*core.Delivery
	if err := d.Store.View(ctx, func(tx core.Tx) error {
		var err error
		due, err = tx.DueDeliveries(now, 100)
		return err
	}); err != nil {
		return err
	}
	conc := max(d.Concurrency, 1)
	sem := make(chan struct{}, conc)
	var wg sync.WaitGroup
	for _, dl := range due {
		// A slot first, then the lease, from the clock as it is then: a
		// lease taken when the batch was read would have run out by the
		// time a slow batch reached its last deliveries, and another
		// replica would send them at the same time.
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			wg.Wait()
			return ctx.Err()
		}
		got := false
		if err := d.Store.Update(ctx, func(tx core.Tx) error {
			at := d.Now().UTC()
			var err error
			got, err = tx.LeaseDelivery(dl.ID, at, at.Add(2*d.Timeout+time.Minute))
			return err
		}); err != nil {
			<-sem
			wg.Wait()
			return err
		}
		if !got {
			<-sem
			continue // another replica has it
		}
		wg.Add(1)
		go func(dl *core.Delivery) {
			defer func() { <-sem; wg.Done() }()
			if err := d.attempt(ctx, dl); err != nil && ctx.Err() == nil && d.Log != nil {
				d.Log.Error("webhook delivery bookkeeping", "delivery", dl.ID, "err", err)
			}
		}(dl)
	}
	wg.Wait()
	return nil
}

// attempt sends one leased delivery and records the outcome.
func (d *Dispatcher) attempt(ctx context.Context, dl *core.Delivery) error {
	var w *core.Webhook
	var withheld string
	err := d.Store.View(ctx, func(tx core.Tx) error {
		var err error
		w, err = tx.GetWebhook(dl.WebhookID)
		if core.ErrorCode(err) == core.ENOTFOUND {
			withheld = "the webhook was deleted"
			return nil
		} else if err != nil {
			return err
		}
		// Ask again: the record may have been restricted since.
		var p payload
		if err := json.Unmarshal(dl.Body, &p); err != nil {
			return err
		}
		if ok, err := events.NewSight(tx).Allows(access.BureauViewer(w.Bureau, "webhook:"+w.ID), &p.Event); err != nil {
			return err
		} else if !ok {
			withheld = "the access decision no longer allows this event to reach the bureau"
		}
		return nil
	})
	if err != nil {
		return err
	}
	now := d.Now().UTC().Truncate(time.Microsecond)
	if withheld != "" {
		dl.Status, dl.LastError, dl.LeaseUntil = core.DeliveryWithheld, withheld, time.Time{}
		if w == nil {
			dl.Status = core.DeliveryDead
		}
		return d.save(ctx, dl)
	}
	if !w.DisabledAt.IsZero() {
		dl.Status, dl.LastError, dl.LeaseUntil = core.DeliveryDead, "the webhook is disabled: "+w.DisabledReason, time.Time{}
		return d.save(ctx, dl)
	}
	status, sendErr := d.send(ctx, w, dl)
	dl.Attempts++
	dl.LastStatus = status
	dl.LeaseUntil = time.Time{}
	now = d.Now().UTC().Truncate(time.Microsecond)
	switch {
	case sendErr == nil:
		dl.Status, dl.LastError, dl.DeliveredAt = core.DeliveryDelivered, "", &now
	case ctx.Err() != nil:
		// Shutting down: the attempt does not count, it is sent again later.
		dl.Attempts--
		dl.NextAttempt = now
		return d.save(context.WithoutCancel(ctx), dl)
	default:
		dl.LastError = sendErr.Error()
		next := now.Add(d.backoff(dl.Attempts))
		if !next.Before(dl.Deadline) {
			dl.Status = core.DeliveryDead
		} else {
			dl.NextAttempt = next
		}
	}
	ok := sendErr == nil
	if !d.healthMoves(w, ok, now) {
		return d.save(context.WithoutCancel(ctx), dl)
	}
	return d.Store.Update(context.WithoutCancel(ctx), func(tx core.Tx) error {
		if err := tx.UpdateDelivery(dl); err != nil {
			return err
		}
		return d.health(tx, w.ID, ok, now, dl.LastError)
	})
}

// DefaultDisableAfter is how long a webhook's deliveries may all fail
// before it is disabled: three days of a receiver down, every delivery
// meanwhile retried for a day and dead-lettered, is a receiver that is
// gone, and each new event would only add a dead letter.
const DefaultDisableAfter = 72 * time.Hour

func (d *Dispatcher) disableAfter() time.Duration {
	if d.DisableAfter <= 0 {
		return DefaultDisableAfter
	}
	return d.DisableAfter
}

// healthMoves says whether an attempt's outcome changes what w, as the
// attempt read it, says of its health: a success after failures, a first
// failure, or failures for long enough to disable it. Only then is the
// webhook written, so that a healthy receiver costs no write.
func (d *Dispatcher) healthMoves(w *core.Webhook, ok bool, now time.Time) bool {
	if ok {
		return !w.FailingSince.IsZero()
	}
	return w.FailingSince.IsZero() || now.Sub(w.FailingSince) >= d.disableAfter()
}

// health records an attempt's outcome on the webhook, read again under
// its lock (a rotation or another attempt may have written it since):
// the failure clock starts at a failure and stops at a success, and a
// webhook failing for disableAfter is disabled, audited as the system.
func (d *Dispatcher) health(tx core.Tx, id string, ok bool, now time.Time, lastErr string) error {
	if err := tx.LockName(webhookLock(id)); err != nil {
		return err
	}
	w, err := tx.GetWebhook(id)
	if core.ErrorCode(err) == core.ENOTFOUND {
		return nil
	} else if err != nil {
		return err
	}
	switch {
	case ok:
		if w.FailingSince.IsZero() {
			return nil
		}
		w.FailingSince = time.Time{}
	case w.FailingSince.IsZero():
		w.FailingSince = now
	case w.DisabledAt.IsZero() && now.Sub(w.FailingSince) >= d.disableAfter():
		w.DisabledAt = now
		w.DisabledReason = fmt.Sprintf("no delivery succeeded since %s; the last error: %s", w.FailingSince.Format(time.RFC3339), core.Clip(lastErr, 200))
		e := audit.Entry(core.Viewer{System: true}, "webhook.disable", audit.OK)
		e.Query = "webhook " + w.ID + " " + w.URL + ": " + w.DisabledReason
		if err := audit.Append(tx, e); err != nil {
			return err
		}
	default:
		return nil
	}
	return tx.UpdateWebhook(w)
}

func (d *Dispatcher) save(ctx context.Context, dl *core.Delivery) error {
	return d.Store.Update(ctx, func(tx core.Tx) error { return tx.UpdateDelivery(dl) })
}

// backoff is the wait before attempt n+1: uniform in [0, min(max, base·2ⁿ⁻¹)].
func (d *Dispatcher) backoff(attempts int) time.Duration {
	return events.Backoff{Base: d.BaseBackoff, Max: d.MaxBackoff}.Wait(attempts, events.Backoff{Base: 5 * time.Second, Max: time.Hour})
}

// send makes one signed POST and reports the status and why it failed.
func (d *Dispatcher) send(ctx context.Context, w *core.Webhook, dl *core.Delivery) (int, error) {
	if _, err := d.Allow.CheckURL(w.URL); err != nil {
		return 0, fmt.Errorf("the URL is no longer allowed: %s", core.ErrorMessage(err))
	}
	ctx, cancel := context.WithTimeout(ctx, d.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytes.NewReader(dl.Body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Manara-Webhooks/1")
	now := d.Now()
	req.Header.Set(HeaderSignature, Sign(now, dl.Body, w.SigningSecrets(now)...))
	req.Header.Set(HeaderDelivery, dl.ID)
	req.Header.Set(HeaderEvent, dl.EventType)
	res, err := d.client.Do(req)
	if err != nil {
		return 0, fmt.Errorf("%s", core.Clip(err.Error(), 300))
	}
	defer res.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(res.Body, d.maxResponse()))
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return res.StatusCode, fmt.Errorf("HTTP %d: %s", res.StatusCode, core.Clip(string(snippet), 200))
	}
	return res.StatusCode, nil
}

func (d *Dispatcher) maxResponse() int64 {
	if d.MaxResponse <= 0 {
		return 64 << 10
	}
	return d.MaxResponse
}
