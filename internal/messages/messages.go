// Package messages owns conversations between bureaus: threads attached
// to a hit, a record (a notice) or nothing, typed messages with small
// attachments, and read receipts per bureau. Only participants see a
// thread (access.CanSeeThread); everything is audited in the transaction
// that does it, and every post writes a message.posted event addressed to
// the participants. It knows nothing of HTTP.
package messages

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/manara-hub/manara/internal/access"
	"github.com/manara-hub/manara/internal/audit"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/members"
)

// Limits on what a message carries.
const (
	MaxBody            = 20_000 // characters
	MaxSubject         = 200
	MaxParticipants    = 20
	MaxAttachments     = 4
	MaxAttachmentBytes = 192 << 10
	MaxAttachmentName  = 200
	MaxMessagesShown   = 1000 // a page of a thread (Get)
	EventPosted        = "message.posted"
)

// Service runs thread operations.
type Service struct {
	Store  core.Store
	Now    func() time.Time
	Notify func()
}

// New returns a Service over st.
func New(st core.Store) *Service { return &Service{Store: st, Now: time.Now} }

// NewThread is what a bureau sends to open a thread with its first message.
type NewThread struct {
	Subject      string   `json:"subject"`
	HitID        string   `json:"hit_id"`
	RecordID     string   `json:"record_id"`
	Participants []string `json:"participants"`
	Message      Post     `json:"message"`
}

// Post is one message as sent.
type Post struct {
	Type        string       `json:"type"`
	Body        string       `json:"body"`
	Attachments []Attachment `json:"attachments"`
}

// Attachment as sent: a name and the bytes (base64 in JSON).
type Attachment struct {
	Name string `json:"name"`
	Data []byte `json:"data"`
}

// Validate checks a post, prefixing field names with prefix.
func (p *Post) Validate(prefix string) error {
	var fs []core.FieldError
	bad := func(f, r string) { fs = append(fs, core.FieldError{Field: prefix + f, Reason: r}) }
	if !slices.Contains(core.MessageTypes, p.Type) {
		bad("type", "must be one of "+strings.Join(core.MessageTypes, ", "))
	}
	// A browser sends a form's line breaks as CRLF, where its textarea
	// counted one character: a line break is one, whatever sent it.
	p.Body = strings.TrimSpace(lineBreaks.Replace(p.Body))
	switch {
	case !utf8.ValidString(p.Body):
		bad("body", "must be valid UTF-8 text")
	case p.Body == "":
		bad("body", "is required")
	case utf8.RuneCountInString(p.Body) > MaxBody:
		return core.Errorf(core.ETOOLARGE, "%sbody: a message holds at most %d characters", prefix, MaxBody)
	}
	if len(p.Attachments) > MaxAttachments {
		bad("attachments", fmt.Sprintf("at most %d attachments", MaxAttachments))
	}
	for i, a := range p.Attachments {
		f := fmt.Sprintf("attachments[%d]", i)
		// A control or format character (a right-to-left override that
		// shows "invoice\u202Efdp.exe" as "invoiceexe.pdf", a line break)
		// would show the receiving bureau a name other than the file's.
		if strings.TrimSpace(a.Name) == "" || len(a.Name) > MaxAttachmentName || !utf8.ValidString(a.Name) || strings.ContainsAny(a.Name, "/\\") ||
			strings.ContainsFunc(a.Name, func(r rune) bool { return !unicode.IsPrint(r) }) {
			bad(f+".name", fmt.Sprintf("must be a file name of at most %d bytes, without slashes or control characters", MaxAttachmentName))
		}
		if len(a.Data) == 0 {
			bad(f+".data", "must hold the file's bytes, base64-encoded")
		}
		if len(a.Data) > MaxAttachmentBytes {
			return core.Errorf(core.ETOOLARGE, "%s%s: an attachment holds at most %d bytes", prefix, f, MaxAttachmentBytes)
		}
	}
	if len(fs) > 0 {
		return core.Invalid(fs...)
	}
	return nil
}

// Validate checks a new thread on its own.
func (n *NewThread) Validate() error {
	var fs []core.FieldError
	n.Subject = strings.TrimSpace(n.Subject)
	if n.Subject == "" || !utf8.ValidString(n.Subject) || utf8.RuneCountInString(n.Subject) > MaxSubject {
		fs = append(fs, core.FieldError{Field: "subject", Reason: fmt.Sprintf("is required, at most %d characters", MaxSubject)})
	}
	if n.HitID != "" && n.RecordID != "" {
		fs = append(fs, core.FieldError{Field: "record_id", Reason: "a thread is attached to a hit or a record, not both"})
	}
	if len(n.Participants) > MaxParticipants {
		fs = append(fs, core.FieldError{Field: "participants", Reason: fmt.Sprintf("at most %d bureaus", MaxParticipants)})
	}
	// Every participant is stored in the one spelling viewers carry
	// (alpha-2, "IPSG"): a thread stored with "ipsg" or "MAR" would be
	// accepted and then seen by nobody of that bureau.
	first := map[string]int{}
	n.Participants = slices.Clone(n.Participants) // the caller's slice stays as sent
	for i, b := range n.Participants {
		f := fmt.Sprintf("participants[%d]", i)
		bu, ok := members.BureauFor(b)
		if !ok {
			fs = append(fs, core.FieldError{Field: f, Reason: "must be a member country's code (ISO alpha-2 or alpha-3) or the secretariat's"})
			continue
		}
		n.Participants[i] = bu.Code
		if j, dup := first[bu.Code]; dup {
			fs = append(fs, core.FieldError{Field: f, Reason: fmt.Sprintf("names %s again (participants[%d])", bu.Code, j)})
			continue
		}
		first[bu.Code] = i
	}
	if err := n.Message.Validate("message."); err != nil {
		if e, ok := err.(*core.Error); ok && e.Code == core.EINVALID {
			fs = append(fs, e.Fields...)
		} else {
			return err
		}
	}
	if len(fs) > 0 {
		return core.Invalid(fs...)
	}
	return nil
}

// ThreadView is a thread with a page of its messages, oldest first.
type ThreadView struct {
	core.Thread
	Items []*core.Message `json:"items"`
	// NextBefore, set while older messages remain, is the before that
	// reads the page of them.
	NextBefore int `json:"next_before,omitempty"`
}

// Open starts a thread. On a hit, the participants are the hit's two
// sides (the opener must be one); on a record, every participant must be
// able to see the record; otherwise any member bureaus.
func (s *Service) Open(ctx context.Context, v core.Viewer, in NewThread) (*ThreadView, error) {
	if !access.CanPostMessages(v) {
		return nil, audit.Refuse(ctx, s.Store, v, "thread.create", core.Errorf(core.EFORBIDDEN, "your role or key may not send messages"))
	}
	if err := in.Validate(); err != nil {
		return nil, audit.Refuse(ctx, s.Store, v, "thread.create", err)
	}
	now := s.Now().UTC().Truncate(time.Microsecond)
	parts := append([]string{v.Bureau}, in.Participants...)
	var out *ThreadView
	err := s.Store.Update(ctx, func(tx core.Tx) error {
		var recIDs []string
		switch {
		case in.HitID != "":
			h, err := tx.GetHit(in.HitID)
			if err != nil && core.ErrorCode(err) != core.ENOTFOUND {
				return err
			}
			var rec *core.Record
			if h != nil {
				rec, _ = tx.GetRecord(h.RecordID)
			}
			if access.HitDisclosure(v, h, rec) == access.DiscloseNothing {
				return core.Invalid(core.FieldError{Field: "hit_id", Reason: "no such hit of your bureau's"})
			}
			for i, b := range parts {
				if b != h.Owner && b != h.Searcher {
					return core.Invalid(core.FieldError{Field: fmt.Sprintf("participants[%d]", i-1), Reason: "a hit's thread is between its two sides: " + h.Owner + " and " + h.Searcher})
				}
			}
			parts = append(parts, h.Owner, h.Searcher)
			recIDs = []string{h.RecordID}
		case in.RecordID != "":
			rec, err := tx.GetRecord(in.RecordID)
			if err != nil && core.ErrorCode(err) != core.ENOTFOUND {
				return err
			}
			if !access.CanSee(v, rec) {
				return core.Invalid(core.FieldError{Field: "record_id", Reason: "no such record"})
			}
			for i, b := range parts {
				if !access.CanSee(access.BureauViewer(b, ""), rec) {
					return core.Invalid(core.FieldError{Field: fmt.Sprintf("participants[%d]", i-1), Reason: "the record is not releasable to " + b})
				}
			}
			recIDs = []string{rec.ID}
		}
		slices.Sort(parts)
		parts = slices.Compact(parts)
		if len(parts) < 2 {
			return core.Invalid(core.FieldError{Field: "participants", Reason: "name at least one other bureau"})
		}
		th := &core.Thread{ID: uuid.Must(uuid.NewV7()).String(), Subject: in.Subject, HitID: in.HitID, RecordID: in.RecordID,
			Participants: parts, CreatedBy: v.ActorName(), Bureau: v.Bureau, CreatedAt: now, UpdatedAt: now, Reads: map[string]core.ReadMark{}}
		if err := tx.InsertThread(th); err != nil {
			return err
		}
		e := audit.Entry(v, "thread.create", audit.OK, recIDs...)
		e.Query = "thread " + th.ID + " with " + strings.Join(parts, ",")
		if err := audit.Append(tx, e); err != nil {
			return err
		}
		m, err := s.post(tx, v, th, in.Message, now)
		if err != nil {
			return err
		}
		out = &ThreadView{Thread: *th, Items: []*core.Message{m}}
		return nil
	})
	if err != nil {
		return nil, audit.Refuse(ctx, s.Store, v, "thread.create", err)
	}
	s.notify()
	return out, nil
}

// post adds m to th inside tx, marks it read by the sender's bureau,
// writes the event and the audit entry.
func (s *Service) post(tx core.Tx, v core.Viewer, th *core.Thread, p Post, now time.Time) (*core.Message, error) {
	m := &core.Message{ID: uuid.Must(uuid.NewV7()).String(), ThreadID: th.ID, Number: th.Messages + 1, Bureau: v.Bureau, Author: v.ActorName(),
		Type: p.Type, Body: p.Body, Attachments: []core.MessageAttachment{}, At: now}
	for _, a := range p.Attachments {
		m.Attachments = append(m.Attachments, core.MessageAttachment{Name: strings.TrimSpace(a.Name), ContentType: http.DetectContentType(a.Data), Size: len(a.Data), Data: a.Data})
	}
	if err := tx.InsertMessage(m); err != nil {
		return nil, err
	}
	th.Messages = m.Number
	th.UpdatedAt = now
	if th.Reads == nil {
		th.Reads = map[string]core.ReadMark{}
	}
	th.Reads[v.Bureau] = core.ReadMark{Through: m.Number, At: now, By: v.ActorName()}
	if err := tx.UpdateThread(th); err != nil {
		return nil, err
	}
	data, _ := json.Marshal(map[string]any{"thread_id": th.ID, "message_id": m.ID, "number": m.Number, "type": m.Type,
		"from": m.Bureau, "subject": th.Subject, "hit_id": th.HitID})
	// A thread on a record names it, so that the event stream and the
	// webhooks ask the access decision about the record at read time.
	if err := tx.InsertEvent(&core.Event{At: now, Type: EventPosted, Subject: th.ID, Audience: th.Participants, RecordID: th.RecordID, Data: data}); err != nil {
		return nil, err
	}
	e := audit.Entry(v, "message.post", audit.OK)
	e.Query = fmt.Sprintf("thread %s message %d type %s attachments %d", th.ID, m.Number, m.Type, len(m.Attachments))
	return m, audit.Append(tx, e)
}

// Reply posts to a thread v's bureau takes part in; other bureaus get
// not found, as if the thread did not exist.
func (s *Service) Reply(ctx context.Context, v core.Viewer, threadID string, p Post) (*core.Message, error) {
	if err := p.Validate(""); err != nil {
		return nil, audit.Refuse(ctx, s.Store, v, "message.post", err)
	}
	now := s.Now().UTC().Truncate(time.Microsecond)
	var m *core.Message
	err := s.Store.Update(ctx, func(tx core.Tx) error {
		th, err := s.thread(tx, v, threadID)
		if err != nil {
			return err
		}
		if !access.CanPostMessages(v) {
			return core.Errorf(core.EFORBIDDEN, "your role or key may not send messages")
		}
		m, err = s.post(tx, v, th, p, now)
		return err
	})
	if err != nil {
		return nil, audit.Refuse(ctx, s.Store, v, "message.post", err)
	}
	s.notify()
	return m, nil
}

func (s *Service) thread(tx core.Tx, v core.Viewer, id string) (*core.Thread, error) {
	th, err := tx.GetThread(id)
	if err != nil && core.ErrorCode(err) != core.ENOTFOUND {
		return nil, err
	}
	ok, err := canSee(tx, v, th)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, core.Errorf(core.ENOTFOUND, "thread not found")
	}
	return th, nil
}

// canSee asks the access decision about th with its subject read now:
// the hit and its record, or the record.
func canSee(tx core.Tx, v core.Viewer, th *core.Thread) (bool, error) {
	if th == nil {
		return false, nil
	}
	h, rec, err := Subject(tx, th)
	if err != nil {
		return false, err
	}
	return access.CanSeeThread(v, th, h, rec), nil
}

// Subject reads what th is about, as it stands now: its hit and the hit's
// record, or its record (nil for what does not exist any more).
func Subject(tx core.Tx, th *core.Thread) (*core.Hit, *core.Record, error) {
	var h *core.Hit
	recID := th.RecordID
	if th.HitID != "" {
		var err error
		if h, err = tx.GetHit(th.HitID); err != nil && core.ErrorCode(err) != core.ENOTFOUND {
			return nil, nil, err
		}
		if h == nil {
			return nil, nil, nil
		}
		recID = h.RecordID
	}
	if recID == "" {
		return h, nil, nil
	}
	rec, err := tx.GetRecord(recID)
	if err != nil && core.ErrorCode(err) != core.ENOTFOUND {
		return nil, nil, err
	}
	return h, rec, nil
}

// Get returns a thread with its newest MaxMessagesShown messages below
// number before (all of them when before is 0), oldest first; the view's
// NextBefore reads the older ones. Reading is audited.
func (s *Service) Get(ctx context.Context, v core.Viewer, id string, before int) (*ThreadView, error) {
	if before < 0 {
		return nil, audit.Refuse(ctx, s.Store, v, "thread.read", core.Invalid(core.FieldError{Field: "before", Reason: "must be a message number (1 or more)"}))
	}
	var out *ThreadView
	err := s.Store.Update(ctx, func(tx core.Tx) error {
		th, err := s.thread(tx, v, id)
		if err != nil {
			return err
		}
		// One more than shown tells whether older messages remain.
		ms, err := tx.ListMessages(th.ID, before, MaxMessagesShown+1)
		if err != nil {
			return err
		}
		out = &ThreadView{Thread: *th, Items: []*core.Message{}}
		if len(ms) > MaxMessagesShown {
			ms = ms[1:]
			out.NextBefore = ms[0].Number
		}
		out.Items = append(out.Items, ms...)
		e := audit.Entry(v, "thread.read", audit.OK)
		e.Query = "thread " + th.ID
		if before > 0 {
			e.Query += fmt.Sprintf(" before %d", before)
		}
		return audit.Append(tx, e)
	})
	if err != nil {
		return nil, audit.Refuse(ctx, s.Store, v, "thread.read", err)
	}
	return out, nil
}

var lineBreaks = strings.NewReplacer("\r\n", "\n", "\r", "\n")

// List returns the threads v's bureau takes part in, newest first.
func (s *Service) List(ctx context.Context, v core.Viewer, limit int) ([]*core.Thread, error) {
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	out := []*core.Thread{}
	if v.Bureau == "" {
		return out, nil
	}
	err := s.Store.Update(ctx, func(tx core.Tx) error {
		out = []*core.Thread{} // from nothing on every run (the store may run this again)
		// A thread the bureau no longer sees (its record narrowed) is
		// left out, and must not take a place of the page either: the
		// page would come short, and its size would tell that a newer
		// thread is hidden. The newest rows are read in growing runs
		// until the page is full or there are no more.
		seen := map[string]bool{}
		for n := limit; ; n *= 2 {
			ts, err := tx.ListThreads(v.Bureau, n)
			if err != nil {
				return err
			}
			for _, t := range ts {
				if len(out) == limit {
					break
				}
				if _, done := seen[t.ID]; done {
					continue
				}
				ok, err := canSee(tx, v, t)
				if err != nil {
					return err
				}
				seen[t.ID] = ok
				if ok {
					out = append(out, t)
				}
			}
			if len(out) == limit || len(ts) < n {
				break
			}
		}
		e := audit.Entry(v, "thread.list", audit.OK)
		e.Query = fmt.Sprintf("threads=%d", len(out))
		return audit.Append(tx, e)
	})
	return out, err
}

// MarkRead records that v's bureau has read the thread through its last
// message.
func (s *Service) MarkRead(ctx context.Context, v core.Viewer, id string) (*core.Thread, error) {
	now := s.Now().UTC().Truncate(time.Microsecond)
	var out *core.Thread
	err := s.Store.Update(ctx, func(tx core.Tx) error {
		th, err := s.thread(tx, v, id)
		if err != nil {
			return err
		}
		if th.Reads == nil {
			th.Reads = map[string]core.ReadMark{}
		}
		th.Reads[v.Bureau] = core.ReadMark{Through: th.Messages, At: now, By: v.ActorName()}
		if err := tx.UpdateThread(th); err != nil {
			return err
		}
		out = th
		e := audit.Entry(v, "thread.read_receipt", audit.OK)
		e.Query = fmt.Sprintf("thread %s through %d", th.ID, th.Messages)
		return audit.Append(tx, e)
	})
	if err != nil {
		return nil, audit.Refuse(ctx, s.Store, v, "thread.read_receipt", err)
	}
	return out, nil
}

func (s *Service) notify() {
	if s.Notify != nil {
		s.Notify()
	}
}
