package api

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime/trace"
	"strconv"
	"strings"
	"time"

	"github.com/manara-hub/manara/internal/audit"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/federation"
	"github.com/manara-hub/manara/internal/hits"
	"github.com/manara-hub/manara/internal/screen"
)

// Batch limits: a batch is a stream of JSON lines.
const (
	MaxBatchBytes = 32 << 20
	MaxBatchLines = 50_000
	maxLineBytes  = 64 << 10
)

// screenContext is what the searcher says about the circumstances: a
// border post, a flight. It is kept with the audit entry.
type screenContext map[string]string

// The screening context's bounds: its entries, and the bytes of a key
// and of a value (the console's place is one).
const (
	MaxContextEntries    = 10
	MaxContextKeyBytes   = 50
	MaxContextValueBytes = 200
)

func (c screenContext) validate() error {
	if len(c) > MaxContextEntries {
		return core.Invalid(core.FieldError{Field: "context", Reason: fmt.Sprintf("must have at most %d entries", MaxContextEntries)})
	}
	for k, v := range c {
		for _, x := range []struct {
			what  string
			n, at int
		}{{"key", len(k), MaxContextKeyBytes}, {"value", len(v), MaxContextValueBytes}} {
			if x.n > x.at {
				return core.Invalid(core.FieldError{Field: "context." + clipKey(k), Reason: fmt.Sprintf("a %s of %d bytes: at most %d", x.what, x.n, x.at),
					Code: "too_long_bytes", Params: []string{strconv.Itoa(x.n), strconv.Itoa(x.at)}})
			}
		}
	}
	return nil
}

func clipKey(k string) string {
	if len(k) > MaxContextKeyBytes {
		return k[:MaxContextKeyBytes] + "…"
	}
	return k
}

// audited is the context as a refused screening's audit entry keeps
// it: as String writes it when it is within the bounds, else only that
// it was not (the entry is not the place for whatever was sent).
func (c screenContext) audited() string {
	if c.validate() != nil {
		return fmt.Sprintf(" context=(%d entries over the limits, not kept)", len(c))
	}
	return c.String()
}

func (c screenContext) String() string {
	if len(c) == 0 {
		return ""
	}
	b, _ := json.Marshal(map[string]string(c))
	return " context=" + string(b)
}

type screenAnswer struct {
	Hits       []AnswerHit `json:"hits"`
	Count      int         `json:"count"`
	ScreenedAt time.Time   `json:"screened_at"`
	// Remote is what the federation's nodes that offer hit/no-hit
	// screening answered (only on a hub or node: serve --role).
	Remote []federation.RemoteAnswer `json:"remote,omitempty"`
}

func (s *Server) index() (*screen.Index, error) {
	if s.Screen == nil {
		return nil, core.Errorf(core.EUNAVAILABLE, "the screening index is not loaded yet")
	}
	return s.Screen, nil
}

func canScreen(v core.Viewer) error {
	if !v.Can(core.PermScreen) {
		return core.Errorf(core.EFORBIDDEN, "your role or key does not allow screening")
	}
	return nil
}

// screenOne runs one screening, sc the searcher's context, and audits
// it: one entry naming every record hit, restricted ones included (the
// owner's trail shows them). A refusal or failure is written at once.
// The permission is checked before anything else in the request, so that
// a caller without it is refused and audited as such however the rest is
// written. The entry of a screening that answered is returned unwritten:
// recordHits writes it in the hit's own transaction when the answer makes
// or repeats a hit (one commit, not two), and through the screening audit
// writer when it does not.
func (s *Server) screenOne(r *http.Request, v core.Viewer, action, summary string, sc screenContext, run func(*screen.Index) ([]screen.Hit, error)) ([]screen.Hit, *core.AuditEntry, error) {
	if err := canScreen(v); err != nil {
		s.auditScreen(r, screenEntry(v, action, summary+sc.audited(), nil, audit.Denied))
		return nil, nil, err
	}
	if err := sc.validate(); err != nil {
		return nil, nil, err
	}
	summary += sc.String()
	x, err := s.index()
	if err != nil {
		return nil, nil, err
	}
	region := trace.StartRegion(r.Context(), "screen") // the index's share of the request
	hits, err := run(x)
	region.End()
	if err != nil {
		s.auditScreen(r, screenEntry(v, action, summary, nil, audit.OutcomeOf(err)))
		return nil, nil, err
	}
	if hits == nil {
		hits = []screen.Hit{}
	}
	return hits, screenEntry(v, action, summary, hits, audit.OK), nil
}

// screenEntry is the audit entry of one screening.
func screenEntry(v core.Viewer, action, summary string, hits []screen.Hit, outcome string) *core.AuditEntry {
	ids := make([]string, 0, len(hits))
	for _, h := range hits {
		ids = append(ids, h.Internal())
	}
	e := audit.Entry(v, action, outcome, ids...)
	e.Query = summary
	e.At = time.Now()
	return e
}

// auditScreen writes a screening's entry through the screening audit
// writer (a group commit a few milliseconds later), or in a transaction of
// its own where the server has none.
func (s *Server) auditScreen(r *http.Request, e *core.AuditEntry) error {
	if s.ReadAudit != nil {
		return s.ReadAudit.Add(r.Context(), e)
	}
	return s.Store.Update(r.Context(), func(tx core.Tx) error { return audit.Append(tx, e) })
}

func (s *Server) screenPerson(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	// screen.PersonRequest, so that a threshold or limit sent as 0 is told
	// from one not sent.
	var in struct {
		screen.PersonRequest
		Context screenContext `json:"context"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	q := in.Query()
	out, err := s.ScreenPerson(r, v, q, in.Context)
	if err != nil {
		return err
	}
	ans := screenAnswer{Hits: out, Count: len(out), ScreenedAt: time.Now().UTC()}
	if s.Federation != nil {
		ans.Remote = s.Federation.ScreenRemote(r.Context(), v, federation.PersonQuery{Name: q.Name, DateOfBirth: q.DateOfBirth, Sex: q.Sex, Nationality: q.Nationality})
	}
	writeJSON(w, http.StatusOK, ans)
	return nil
}

// ScreenPerson screens a person for v, c being the searcher's context
// (a border post, a flight): one audit entry, and a hit record for each
// match at the alert threshold. It is POST /api/v1/screen/person once the
// body is read, for the console to call in process; r gives the context.
func (s *Server) ScreenPerson(r *http.Request, v core.Viewer, q screen.PersonQuery, c map[string]string) ([]AnswerHit, error) {
	return s.screenPersonAs(r, v, q, c, personSubject(q))
}

// screenPersonAs is ScreenPerson with the subject its sightings are filed
// under (hits fold the sightings of one subject of one record): the
// person asked for, or, for the accreditation, the participant whichever
// of her names is screened.
func (s *Server) screenPersonAs(r *http.Request, v core.Viewer, q screen.PersonQuery, c map[string]string, subject string) ([]AnswerHit, error) {
	sc := screenContext(c)
	summary := fmt.Sprintf("name=%q dob=%s sex=%s nationality=%s%s", q.Name, q.DateOfBirth, q.Sex, q.Nationality, kindsAsked(q.Kinds))
	found, entry, err := s.screenOne(r, v, "screen.person", summary, sc, func(x *screen.Index) ([]screen.Hit, error) { return x.ScreenPerson(v, q) })
	if err != nil {
		return nil, err
	}
	return s.recordHits(r, v, "person", subject, personAsked(q), sc, found, entry)
}

// kindsAsked is a person screening's kinds filter as its audit entry
// writes it ("" when every kind may answer).
func kindsAsked(kinds []string) string {
	if len(kinds) == 0 {
		return ""
	}
	return " kinds=" + strings.Join(kinds, ",")
}

func (s *Server) screenDocument(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	var in struct {
		screen.DocumentQuery
		Context screenContext `json:"context"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	out, err := s.ScreenDocument(r, v, in.DocumentQuery, in.Context)
	if err != nil {
		return err
	}
	ans := screenAnswer{Hits: out, Count: len(out), ScreenedAt: time.Now().UTC()}
	if s.Federation != nil {
		ans.Remote = s.Federation.ScreenRemoteQuery(r.Context(), v, federation.RemoteQuery{Document: remoteDocument(in.DocumentQuery)})
	}
	writeJSON(w, http.StatusOK, ans)
	return nil
}

// remoteDocument is what of a document query goes to the federation: the
// number, country and type, the MRZ resolved here (the screening above
// has checked it), so that the holder's name and birth date it carries
// stay here.
func remoteDocument(q screen.DocumentQuery) *federation.DocumentQuery {
	if r, err := screen.ResolveDocument(q); err == nil {
		q = r
	}
	return &federation.DocumentQuery{Number: q.Number, Country: q.Country, Type: q.Type}
}

// ScreenDocument screens a document (by number and country, or by MRZ)
// for v, as ScreenPerson does a person: POST /api/v1/screen/document once
// the body is read.
func (s *Server) ScreenDocument(r *http.Request, v core.Viewer, q screen.DocumentQuery, c map[string]string) ([]AnswerHit, error) {
	sc := screenContext(c)
	summary := fmt.Sprintf("document number=%q country=%s type=%s mrz=%t", q.Number, q.Country, q.Type, q.MRZ != "")
	found, entry, err := s.screenOne(r, v, "screen.document", summary, sc, func(x *screen.Index) ([]screen.Hit, error) { return x.ScreenDocument(v, q) })
	if err != nil {
		return nil, err
	}
	return s.recordHits(r, v, "document", documentSubject(q), documentAsked(q), sc, found, entry)
}

func (s *Server) screenIdentifier(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	var in struct {
		screen.IdentifierQuery
		Context screenContext `json:"context"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	out, err := s.ScreenIdentifier(r, v, in.IdentifierQuery, in.Context)
	if err != nil {
		return err
	}
	ans := screenAnswer{Hits: out, Count: len(out), ScreenedAt: time.Now().UTC()}
	if s.Federation != nil {
		q := federation.IdentifierQuery{Type: in.Type, Value: in.Value}
		if typ, canon, err := screen.ResolveIdentifier(in.Type, in.Value); err == nil {
			q.Type, q.Value = typ, canon
		}
		ans.Remote = s.Federation.ScreenRemoteQuery(r.Context(), v, federation.RemoteQuery{Identifier: &q})
	}
	writeJSON(w, http.StatusOK, ans)
	return nil
}

// ScreenIdentifier screens an identifier (its type, or the one detected
// from the value) for v, as ScreenPerson does a person: POST
// /api/v1/screen/identifier once the body is read.
func (s *Server) ScreenIdentifier(r *http.Request, v core.Viewer, q screen.IdentifierQuery, c map[string]string) ([]AnswerHit, error) {
	sc := screenContext(c)
	summary := fmt.Sprintf("identifier type=%s value=%q", q.Type, q.Value)
	found, entry, err := s.screenOne(r, v, "screen.identifier", summary, sc, func(x *screen.Index) ([]screen.Hit, error) {
		return s.screenIdent(x, v, q)
	})
	if err != nil {
		return nil, err
	}
	return s.recordHits(r, v, "identifier", hits.Normalise(q.Type, q.Value), identifierAsked(q), sc, found, entry)
}

func (s *Server) screenIdent(x *screen.Index, v core.Viewer, q screen.IdentifierQuery) ([]screen.Hit, error) {
	typ, canon, err := screen.ResolveIdentifier(q.Type, q.Value)
	if err != nil {
		return nil, err
	}
	q.Type, q.Value = typ, canon
	return x.ScreenIdentifier(v, q)
}

// batchLine is one line of a batch: a type and that type's query (a
// person's as screen.PersonRequest reads it, a threshold or limit of 0
// told from none).
type batchLine struct {
	ID   string `json:"id,omitempty"`
	Type string `json:"type"`
	screen.PersonRequest
	Number  string `json:"number,omitempty"`
	Country string `json:"country,omitempty"`
	DocType string `json:"document_type,omitempty"`
	MRZ     string `json:"mrz,omitempty"`
	IDType  string `json:"identifier_type,omitempty"`
	Value   string `json:"value,omitempty"`
}

type batchOut struct {
	Line  int         `json:"line"`
	ID    string      `json:"id,omitempty"`
	Hits  []AnswerHit `json:"hits,omitempty"`
	Count int         `json:"count"`
	Error *Problem    `json:"error,omitempty"`
}

// screenBatch reads JSON lines and answers each with a line, in order; a
// bad line gets an error line and the rest are answered. The batch is one
// audit entry with counts, plus one entry per hit.
func (s *Server) screenBatch(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	if err := canScreen(v); err != nil {
		s.auditScreen(r, screenEntry(v, "screen.batch", "", nil, audit.Denied))
		return err
	}
	x, err := s.index()
	if err != nil {
		return err
	}
	// The answer streams while the body is still arriving: without full
	// duplex, net/http may discard the unread body once the first answer
	// is flushed, and lines in the middle would go unscreened and
	// unreported. HTTP/2 is full duplex already (its error is ignored).
	rc := http.NewResponseController(w)
	_ = rc.EnableFullDuplex()
	// In full duplex, a body left unread when the handler returns makes
	// net/http panic on the connection's next request (golang/go#68560):
	// closing it first lets the server drain it or drop the connection.
	defer r.Body.Close()
	r.Body = http.MaxBytesReader(w, r.Body, MaxBatchBytes)
	in := newLineReader(r.Body, maxLineBytes)
	w.Header().Set("Content-Type", "application/x-ndjson")
	w.Header().Set("Cache-Control", "no-store")
	bw := bufio.NewWriterSize(w, 64<<10)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	var lines, bad, withHits int
	var hitEntries []*core.AuditEntry
	extended := time.Time{}
	cred, _ := requestCredential(r) // it authenticated this request
	for {
		// A slow client may take longer than the server's read timeout
		// for the whole body: the deadline is on silence instead.
		if now := time.Now(); now.Sub(extended) > time.Second {
			started := !extended.IsZero() // the request was authenticated just now
			_ = rc.SetReadDeadline(now.Add(batchIdle))
			extended = now
			// A batch may run for minutes: as an event stream does, it
			// stops when its key is revoked or expires, its session ends
			// or its role no longer screens, rather than at its end.
			if started {
				// The batch's audit entry keeps the viewer it started as
				// when the credential no longer resolves to one.
				nv, err := s.viewerNow(r.Context(), cred, v.Remote, canScreen)
				if err != nil {
					enc.Encode(batchOut{Line: lines + 1, Error: problemOf(core.Errorf(core.ErrorCode(err),
						"the credential this batch started with no longer lets it screen (%s): line %d and the rest were not screened", core.ErrorMessage(err), lines+1))})
					break
				}
				v = nv
			}
		}
		line, err := in.next()
		if err != nil {
			if err != io.EOF {
				// Whatever stopped the reading, the client learns at
				// which line, and that nothing after it was screened.
				enc.Encode(batchOut{Line: lines + 1, Error: problemOf(batchReadError(lines+1, err))})
			}
			break
		}
		lines++
		raw := bytes.TrimSpace(line)
		if len(raw) == 0 {
			continue
		}
		if lines > MaxBatchLines {
			enc.Encode(batchOut{Line: lines, Error: problemOf(core.Errorf(core.ETOOLARGE, "a batch holds at most %d lines; line %d and the rest were not read", MaxBatchLines, lines))})
			break
		}
		out := batchOut{Line: lines}
		var q batchLine
		var found []screen.Hit
		var typ, subject string
		var query asked
		// One query a line, and nothing after it: a second would go
		// unscreened with nothing said.
		if err := decodeJSON(raw, &q, "the line"); err != nil {
			out.Error = problemOf(err)
		} else {
			out.ID = q.ID
			switch q.Type {
			case "person":
				pq := q.Query()
				found, err = x.ScreenPerson(v, pq)
				typ, subject, query = "person", personSubject(pq), personAsked(pq)
			case "document":
				dq := screen.DocumentQuery{Number: q.Number, Country: q.Country, Type: q.DocType, MRZ: q.MRZ}
				found, err = x.ScreenDocument(v, dq)
				typ, subject, query = "document", documentSubject(dq), documentAsked(dq)
			case "identifier":
				iq := screen.IdentifierQuery{Type: q.IDType, Value: q.Value}
				found, err = s.screenIdent(x, v, iq)
				// The line's type is the line's kind: the identifier's is
				// identifier_type, the field an unknown one is named on.
				err = renameField(err, "type", "identifier_type")
				typ, subject, query = "identifier", hits.Normalise(q.IDType, q.Value), identifierAsked(iq)
			default:
				err = core.Invalid(core.FieldError{Field: "type", Reason: "must be person, document or identifier"})
			}
			if err != nil {
				out.Error = problemOf(err)
			}
		}
		if out.Error == nil && len(found) > 0 {
			// A hit is rare: it gets its own transaction, a miss none.
			made, err := s.recordHits(r, v, typ, subject, query, nil, found, nil)
			if err != nil {
				out.Error = problemOf(err)
			} else {
				out.Hits = made
			}
		}
		if out.Error != nil {
			bad++
		} else {
			out.Count = len(out.Hits)
			if len(out.Hits) > 0 {
				withHits++
			}
			for _, h := range found {
				e := audit.Entry(v, "screen.hit", audit.OK, h.Internal())
				e.Query = fmt.Sprintf("batch line %d (%s) score %.3f", lines, q.Type, h.Score)
				hitEntries = append(hitEntries, e)
			}
		}
		enc.Encode(out)
	}
	summary := fmt.Sprintf("batch lines=%d errors=%d with_hits=%d hits=%d", lines, bad, withHits, len(hitEntries))
	// The lines screened are accounted for even if the client went away
	// meanwhile.
	err = s.Store.Update(context.WithoutCancel(r.Context()), func(tx core.Tx) error {
		e := audit.Entry(v, "screen.batch", audit.OK)
		e.Query = summary
		if err := audit.Append(tx, e); err != nil {
			return err
		}
		for _, he := range hitEntries {
			if err := audit.Append(tx, he); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		// The answers are written but not accounted for: say so in the
		// stream rather than pretend.
		enc.Encode(batchOut{Line: 0, Error: problemOf(core.Errorf(core.EUNAVAILABLE, "the batch could not be audited; discard its answers and retry"))})
	}
	return bw.Flush()
}

// renameField is the refusal err with its errors on field from named to,
// as the request names that field (a batch line's identifier_type is the
// identifier query's type), its message written again; any other error
// is err.
func renameField(err error, from, to string) error {
	var e *core.Error
	if !errors.As(err, &e) || e.Code != core.EINVALID {
		return err
	}
	renamed := false
	fs := make([]core.FieldError, len(e.Fields))
	for i, f := range e.Fields {
		if f.Field == from {
			f.Field, renamed = to, true
		}
		fs[i] = f
	}
	if !renamed {
		return err
	}
	return core.Invalid(fs...)
}

// personSubject is what makes two person screenings the same subject:
// every attribute that changes the answer, so that a query varied in any
// of them is another sighting (and, on a record not released to the
// searcher, another variant counted against probing).
func personSubject(q screen.PersonQuery) string {
	return hits.Normalise(q.Name, q.DateOfBirth, q.Sex, q.Nationality)
}

// documentSubject is what makes two document screenings the same
// subject: the number, country and type asked for, those the zone holds
// for a query by MRZ. Never the zone itself, which carries the holder's
// name, birth date, sex and nationality: the hit keeps only that the
// document was read from one (documentAsked). The fourth, empty part is
// where the zone was, so that the subjects of queries by number are
// those their earlier hits were filed under.
func documentSubject(q screen.DocumentQuery) string {
	if q.MRZ != "" {
		r, err := screen.ResolveDocument(q)
		if err != nil {
			// Not reached: a zone that does not resolve is refused before any hit is made.
			return hits.Normalise("", "", "", "")
		}
		q = r
	}
	return hits.Normalise(q.Number, q.Country, q.Type, "")
}

// batchIdle is how long a batch upload may stay silent before the
// server gives up on it.
const batchIdle = 60 * time.Second

// lineReader reads a body line by line, telling a last line without a
// newline (the body's end) from a line cut off by a read error.
type lineReader struct {
	r   *bufio.Reader
	max int
	buf []byte
}

func newLineReader(r io.Reader, max int) *lineReader {
	return &lineReader{r: bufio.NewReaderSize(r, 64<<10), max: max}
}

// errLineTooLong is a line over the limit: the stream cannot be resynced
// without reading it, so the batch stops there.
var errLineTooLong = errors.New("line too long")

// next returns the next line without its newline; io.EOF once the body
// ended cleanly after a whole line. Any other error means the line was
// not read whole.
func (l *lineReader) next() ([]byte, error) {
	l.buf = l.buf[:0]
	for {
		chunk, err := l.r.ReadSlice('\n')
		l.buf = append(l.buf, chunk...)
		if len(l.buf) > l.max+1 || len(l.buf) == l.max+1 && l.buf[l.max] != '\n' {
			return nil, errLineTooLong
		}
		switch {
		case err == nil:
			return l.buf[:len(l.buf)-1], nil
		case err == bufio.ErrBufferFull:
			continue
		case err == io.EOF && len(l.buf) > 0:
			return l.buf, nil
		default:
			return nil, err
		}
	}
}

// batchReadError says why line n could not be read, for the last answer
// line of a batch.
func batchReadError(n int, err error) error {
	var max *http.MaxBytesError
	var ne net.Error
	switch {
	case errors.As(err, &max):
		return core.Errorf(core.ETOOLARGE, "the batch is larger than the limit of %d bytes: line %d and the rest were not read", max.Limit, n)
	case errors.Is(err, errLineTooLong):
		return core.Errorf(core.ETOOLARGE, "line %d is longer than %d bytes: it and the rest were not read", n, maxLineBytes)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return &core.Error{Code: emalformed, Message: fmt.Sprintf("the body ended before line %d was complete (the upload was cut off): it and the rest were not screened", n)}
	case errors.As(err, &ne) && ne.Timeout():
		return &core.Error{Code: emalformed, Message: fmt.Sprintf("no data arrived for %s while reading line %d: it and the rest were not screened", batchIdle, n)}
	}
	return &core.Error{Code: emalformed, Message: fmt.Sprintf("the body could not be read at line %d (%v): it and the rest were not screened", n, err)}
}

// asked is a query as the people following a hit read it: in English
// (the hit's query, for the API's clients), and field by field for each
// language to write.
type asked struct {
	summary string
	fields  []core.QueryField
}

// fieldsOf pairs fields with their values, leaving out those not given.
func fieldsOf(pairs ...string) []core.QueryField {
	var out []core.QueryField
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i+1] != "" {
			out = append(out, core.QueryField{Field: pairs[i], Value: pairs[i+1]})
		}
	}
	return out
}

// personAsked is the person query as the people following a hit read it.
func personAsked(q screen.PersonQuery) asked {
	out := "name " + q.Name
	if q.DateOfBirth != "" {
		out += ", born " + q.DateOfBirth
	}
	if q.Nationality != "" {
		out += ", nationality " + q.Nationality
	}
	return asked{out, fieldsOf(core.QueryName, q.Name, core.QueryDateOfBirth, q.DateOfBirth, core.QuerySex, q.Sex, core.QueryNationality, q.Nationality)}
}

func documentAsked(q screen.DocumentQuery) asked {
	if q.MRZ != "" {
		return asked{"document by MRZ", []core.QueryField{{Field: core.QueryMRZ}}} // the MRZ itself is not kept
	}
	return asked{fmt.Sprintf("document %s %s %s", q.Type, q.Country, q.Number),
		fieldsOf(core.QueryDocumentType, q.Type, core.QueryCountry, q.Country, core.QueryNumber, q.Number)}
}

func identifierAsked(q screen.IdentifierQuery) asked {
	return asked{"identifier " + q.Type + " " + q.Value, fieldsOf(core.QueryIdentifierType, q.Type, core.QueryValue, q.Value)}
}
