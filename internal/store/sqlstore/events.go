package sqlstore

import (
	"encoding/json"
	"slices"
	"strings"

	"github.com/manara-hub/manara/internal/core"
)

// InsertEvent stores e with the next event sequence number. The audience
// goes into a table of its own so that a bureau's stream is an index range.
func (t *tx) InsertEvent(e *core.Event) error { return t.InsertEvents([]*core.Event{e}) }

// InsertEvents stores es with consecutive sequence numbers, in order. One
// step of the counter serves them all and the rows go in a few statements
// of many rows: a group commit of hits writes several events per hit, and
// each statement costs about as much to run as the row it inserts.
func (t *tx) InsertEvents(es []*core.Event) error {
	if len(es) == 0 {
		return nil
	}
	last, err := t.advance("events", int64(len(es)))
	if err != nil {
		return err
	}
	seq := last - int64(len(es))
	rows := make([]any, 0, 7*len(es))
	var audience []any
	for _, e := range es {
		seq++
		e.Seq = seq
		aud := slices.Clone(e.Audience)
		slices.Sort(aud)
		aud = slices.Compact(aud)
		e.Audience = aud
		audJSON, _ := json.Marshal(orEmpty(aud))
		data := e.Data
		if len(data) == 0 {
			data = json.RawMessage(`{}`)
		}
		rows = append(rows, seq, t.time(e.At), e.Type, e.Subject, string(audJSON), e.RecordID, string(data))
		for _, b := range aud {
			audience = append(audience, b, seq)
		}
	}
	if err := t.insertRows(eventInsert, rows); err != nil {
		return err
	}
	return t.insertRows(audienceInsert, audience)
}

// rowInsert is an INSERT of many rows a statement: its texts for 1, 2, 4…
// most rows of width values each, so that a few fixed texts stay
// prepared whatever the count.
type rowInsert struct {
	width, most int
	stmts       map[int]string
}

// multiRow returns the INSERT statements of head for 1, 2, 4… most rows
// (a power of two) of width values.
func multiRow(head string, width, most int) rowInsert {
	row := "(" + strings.TrimSuffix(strings.Repeat("?,", width), ",") + ")"
	m := map[int]string{}
	for n := 1; n <= most; n *= 2 {
		m[n] = head + strings.TrimSuffix(strings.Repeat(row+", ", n), ", ")
	}
	return rowInsert{width, most, m}
}

// insertRows inserts rows (ins.width values each, one after the other),
// taking each time the largest statement that the rows left fill.
func (t *tx) insertRows(ins rowInsert, rows []any) error {
	for n := len(rows) / ins.width; n > 0; {
		k := ins.most
		for k > n {
			k /= 2
		}
		if _, err := t.exec(ins.stmts[k], rows[:k*ins.width]...); err != nil {
			return err
		}
		rows, n = rows[k*ins.width:], n-k
	}
	return nil
}

var (
	eventInsert    = multiRow(`INSERT INTO events (seq, at, type, subject, audience, record_id, data) VALUES `, 7, 16)
	audienceInsert = multiRow(`INSERT INTO event_audience (bureau, seq) VALUES `, 2, 16)
)

const eventCols = `seq, at, type, subject, audience, record_id, data`

func (t *tx) Events(after int64, bureau string, limit int) ([]core.Event, error) {
	limit = clampLimit(limit)
	if bureau == "" {
		return t.events(`SELECT `+eventCols+` FROM events WHERE seq > ? ORDER BY seq LIMIT `+itoa(limit), after)
	}
	return t.events(`SELECT `+eventCols+` FROM events WHERE seq IN
		(SELECT seq FROM event_audience WHERE bureau IN (?, ?) AND seq > ?) ORDER BY seq LIMIT `+itoa(limit),
		bureau, core.AudienceAll, after)
}

func (t *tx) LastEvent() (int64, error) {
	var v int64
	err := t.queryRow(`SELECT value FROM counters WHERE name = 'events'`).Scan(&v)
	return v, err
}

func (t *tx) events(q string, args ...any) ([]core.Event, error) {
	rows, err := t.query(q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []core.Event
	for rows.Next() {
		var e core.Event
		var at timeCol
		var aud, data string
		if err := rows.Scan(&e.Seq, &at, &e.Type, &e.Subject, &aud, &e.RecordID, &data); err != nil {
			return nil, err
		}
		e.At = at.T
		if err := json.Unmarshal([]byte(aud), &e.Audience); err != nil {
			return nil, err
		}
		e.Data = json.RawMessage(data)
		out = append(out, e)
	}
	return out, rows.Err()
}
