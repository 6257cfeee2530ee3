package api

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/manara-hub/manara/internal/audit"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/events"
)

// DefaultHeartbeat is how often an idle event stream sends a comment, so
// that proxies keep it open and clients notice a dead server.
const DefaultHeartbeat = 15 * time.Second

// eventStream serves GET /api/v1/events as Server-Sent Events: stored
// events after the client's position first (Last-Event-ID or ?after=),
// then new ones as they commit here or on another replica; every event
// passes events.Sight for the caller. A position past the stream's last
// event is refused (422, naming the field).
//
// The caller is resolved again (Server.resolve, as a new request would
// be) before every read of events, and so at least on every poll and
// heartbeat tick: the stream ends (the client sees it close, and an
// EventSource that reconnects gets 401) once the key is revoked or
// expires, the session ends or expires, or the user is disabled, and it
// goes on as the viewer's new role or permissions allow, or ends when
// these no longer let it read events. A key comes through the auth
// service's short cache (about one read of the store per
// auth.DefaultKeyCacheTTL); a session is one read per check, which is no
// more than the read of events it comes before.
func (s *Server) eventStream(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	if err := mayReadEvents(v); err != nil {
		return err
	}
	cred, err := requestCredential(r)
	if err != nil {
		return err // wrap authenticated this very request: not reached
	}
	// stillValid resolves the caller again; when it no longer may read
	// events the refusal is audited and the stream is to end.
	stillValid := func() bool {
		nv, err := s.viewerNow(r.Context(), cred, v.Remote, mayReadEvents)
		if err != nil {
			if r.Context().Err() != nil {
				return false
			}
			if c := core.ErrorCode(err); c == core.EUNAUTHORIZED || c == core.EFORBIDDEN {
				audit.Refuse(r.Context(), s.Store, v, "events.ended", err)
			} else {
				s.Log.Error("event stream: resolving the caller again", "err", err)
			}
			return false
		}
		v = nv
		return true
	}
	after, field := int64(-1), ""
	for _, c := range []struct{ field, val string }{{"Last-Event-ID", r.Header.Get("Last-Event-ID")}, {"after", r.URL.Query().Get("after")}} {
		if c.val == "" || after >= 0 {
			continue
		}
		n, err := strconv.ParseInt(strings.TrimSpace(c.val), 10, 64)
		if err != nil || n < 0 {
			return core.Invalid(core.FieldError{Field: c.field, Reason: "must be an event id (a sequence number, 0 or more)"})
		}
		after, field = n, c.field
	}
	head, err := events.Head(r.Context(), s.Store)
	if err != nil {
		return err
	}
	// A position past the head (an id kept from before a restore, from
	// another deployment, mistyped) would skip, as if received, every
	// event until the stream reaches it: nothing would say so.
	if after > head {
		return core.Invalid(core.FieldError{Field: field, Reason: fmt.Sprintf("event %d was never written: the stream's last event is %d", after, head)})
	}
	if after < 0 {
		after = head
	}
	e := audit.Entry(v, "events.subscribe", audit.OK)
	e.Query = fmt.Sprintf("after=%d", after)
	e.At = time.Now()
	if err := s.Store.Update(r.Context(), func(tx core.Tx) error { return audit.Append(tx, e) }); err != nil {
		return err
	}
	rc := http.NewResponseController(w)
	rc.SetReadDeadline(time.Time{}) // the server's read timeout would cut a long stream
	rc.SetWriteDeadline(time.Time{})
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	bw := bufio.NewWriterSize(w, 16<<10)
	fmt.Fprintf(bw, ": manara event stream from %d\nretry: 3000\n\n", after)
	if bw.Flush() != nil || rc.Flush() != nil {
		return nil
	}
	beat := s.Config.EventsHeartbeat
	if beat <= 0 {
		beat = DefaultHeartbeat
	}
	heartbeat := time.NewTicker(beat)
	defer heartbeat.Stop()
	// A slow safety poll, in case a wake was missed (no follower running).
	poll := time.NewTicker(2 * time.Second)
	defer poll.Stop()
	beatDue, fresh := false, true // fresh: v was resolved for this request
	for {
		changed := s.Events.Changed()
		for {
			if !fresh && !stillValid() {
				return nil
			}
			fresh = false
			es, next, err := events.Read(r.Context(), s.Store, v, after, 500)
			if err != nil {
				if r.Context().Err() == nil {
					s.Log.Error("event stream read", "err", err)
				}
				return nil
			}
			for _, ev := range es {
				fmt.Fprintf(bw, "id: %d\nevent: %s\ndata: %s\n\n", ev.Seq, ev.Type, eventJSON(ev))
			}
			if len(es) > 0 {
				if bw.Flush() != nil || rc.Flush() != nil {
					return nil
				}
			}
			if next == after {
				break
			}
			after = next
		}
		if beatDue { // written once the caller was checked again
			beatDue = false
			bw.WriteString(": heartbeat\n\n")
			if bw.Flush() != nil || rc.Flush() != nil {
				return nil
			}
		}
		select {
		case <-r.Context().Done():
			return nil
		case <-s.streams.Done():
			return nil
		case <-heartbeat.C:
			beatDue = true
		case <-changed:
		case <-poll.C:
		}
	}
}

// mayReadEvents refuses a viewer that may not open (or keep) an event
// stream.
func mayReadEvents(v core.Viewer) error {
	if v.Bureau == "" || (!v.Can(core.PermRecordsRead) && !v.Can(core.PermScreen)) {
		return core.Errorf(core.EFORBIDDEN, "your role or key does not allow reading events")
	}
	return nil
}

// eventJSON is the data line: the event without its audience (who else
// was told is none of the reader's business).
func eventJSON(e core.Event) string {
	type out struct {
		Seq      int64     `json:"seq"`
		At       time.Time `json:"at"`
		Type     string    `json:"type"`
		Subject  string    `json:"subject"`
		RecordID string    `json:"record_id,omitempty"`
		Data     any       `json:"data"`
	}
	b, _ := json.Marshal(out{e.Seq, e.At, e.Type, e.Subject, e.RecordID, e.Data})
	return string(b)
}
