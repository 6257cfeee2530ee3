package sqlstore

import (
	"encoding/json"
	"slices"

	"github.com/manara-hub/manara/internal/core"
)

// InsertEvent stores e with the next event sequence number. The audience
// goes into a table of its own so that a bureau's stream is an index range.
func (t *tx) InsertEvent(e *core.Event) error {
	seq, err := t.next("events")
	if err != nil {
		return err
	}
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
	if _, err := t.exec(`INSERT INTO events (seq, at, type, subject, audience, record_id, data) VALUES (?,?,?,?,?,?,?)`,
		seq, t.time(e.At), e.Type, e.Subject, string(audJSON), e.RecordID, string(data)); err != nil {
		return err
	}
	for _, b := range aud {
		if _, err := t.exec(`INSERT INTO event_audience (bureau, seq) VALUES (?, ?)`, b, seq); err != nil {
			return err
		}
	}
	return nil
}

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
