package sqlstore

import (
	"encoding/json"
	"strings"

	"github.com/manara-hub/manara/internal/core"
)

// Attendees keep their whole value as JSON in a body column, with the
// columns the queue selects on beside it; the version column is the one
// versioned updates compare.

// attendeeBody is the body column: the attendee's JSON and, beside it,
// the record keys of its findings by hit id. An attendee's JSON is what
// the API, the console and the events show the host's unit, and a
// finding's record key must never reach it (see core.AttendeeFinding),
// so the key is not in that JSON and only the store writes it here.
type attendeeBody struct {
	*core.Attendee
	RecordKeys map[string]string `json:"finding_record_keys,omitempty"`
}

func encodeAttendee(a *core.Attendee) string {
	b := attendeeBody{Attendee: a}
	for _, f := range a.Findings {
		if f.RecordKey != "" {
			if b.RecordKeys == nil {
				b.RecordKeys = map[string]string{}
			}
			b.RecordKeys[f.HitID] = f.RecordKey
		}
	}
	body, _ := json.Marshal(b)
	return string(body)
}

func decodeAttendee(body string) (*core.Attendee, error) {
	b := attendeeBody{Attendee: &core.Attendee{}}
	if err := json.Unmarshal([]byte(body), &b); err != nil {
		return nil, err
	}
	for i, f := range b.Findings {
		b.Findings[i].RecordKey = b.RecordKeys[f.HitID]
	}
	return b.Attendee, nil
}

func (t *tx) InsertAttendees(as []*core.Attendee) error {
	for _, a := range as {
		_, err := t.exec(`INSERT INTO attendees (id, gathering_id, version, ref, category, status, body) VALUES (?,?,?,?,?,?,?)`,
			a.ID, a.Gathering, a.Version, a.Ref, a.Category, a.Status, encodeAttendee(a))
		if err != nil && t.d.IsUnique(err) {
			return core.Invalid(core.FieldError{Field: "ref", Reason: "the reference " + a.Ref + " is already accredited to this gathering"})
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (t *tx) AccreditedRefs(gathering string, refs []string) ([]string, error) {
	var out []string
	// In pages of at most 500 references: a statement's parameters are
	// bounded, and a list holds up to 20,000.
	for start := 0; start < len(refs); start += 500 {
		part := refs[start:min(start+500, len(refs))]
		args := []any{gathering}
		for _, r := range part {
			args = append(args, r)
		}
		rows, err := t.query(`SELECT ref FROM attendees WHERE gathering_id = ? AND ref IN (`+strings.TrimSuffix(strings.Repeat("?, ", len(part)), ", ")+`)`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var ref string
			if err := rows.Scan(&ref); err != nil {
				rows.Close()
				return nil, err
			}
			out = append(out, ref)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (t *tx) UpdateAttendee(a *core.Attendee) error {
	res, err := t.exec(`UPDATE attendees SET version = ?, status = ?, body = ? WHERE id = ? AND gathering_id = ? AND version = ?`,
		a.Version, a.Status, encodeAttendee(a), a.ID, a.Gathering, a.Version-1)
	return versioned(res, err, "attendee", func() error { _, err := t.GetAttendee(a.Gathering, a.ID); return err })
}

func (t *tx) GetAttendee(gathering, id string) (*core.Attendee, error) {
	as, err := t.attendees(`SELECT body, version FROM attendees WHERE gathering_id = ? AND id = ?`, gathering, id)
	if err != nil {
		return nil, err
	}
	if len(as) == 0 {
		return nil, core.Errorf(core.ENOTFOUND, "attendee not found")
	}
	return as[0], nil
}

func (t *tx) LockAttendee(gathering, id string) (*core.Attendee, error) {
	// FOR UPDATE on PostgreSQL; on SQLite the transaction already holds the
	// one writer's lock, so a plain read is as good.
	as, err := t.attendees(`SELECT body, version FROM attendees WHERE gathering_id = ? AND id = ?`+t.forUpdate(), gathering, id)
	if err != nil {
		return nil, err
	}
	if len(as) == 0 {
		return nil, core.Errorf(core.ENOTFOUND, "attendee not found")
	}
	return as[0], nil
}

func (t *tx) ListAttendees(f core.AttendeeFilter) ([]*core.Attendee, error) {
	var where []string
	var args []any
	where = append(where, "gathering_id = ?")
	args = append(args, f.Gathering)
	if f.Status != "" {
		where, args = append(where, "status = ?"), append(args, f.Status)
	}
	if f.Category != "" {
		where, args = append(where, "category = ?"), append(args, f.Category)
	}
	if f.After != "" {
		where, args = append(where, "id > ?"), append(args, f.After)
	}
	q := `SELECT body, version FROM attendees WHERE ` + strings.Join(where, " AND ") + ` ORDER BY id`
	if f.Limit > 0 {
		q += ` LIMIT ` + itoa(f.Limit)
	}
	return t.attendees(q, args...)
}

func (t *tx) CountAttendees(gathering string) (map[string]int, error) {
	rows, err := t.query(`SELECT status, COUNT(*) FROM attendees WHERE gathering_id = ? GROUP BY status`, gathering)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, err
		}
		out[s] = n
	}
	return out, rows.Err()
}

func (t *tx) AccreditedGatherings() ([]string, error) {
	rows, err := t.query(`SELECT DISTINCT gathering_id FROM attendees ORDER BY gathering_id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

func (t *tx) attendees(q string, args ...any) ([]*core.Attendee, error) {
	rows, err := t.query(q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*core.Attendee
	for rows.Next() {
		var body string
		var version int64
		if err := rows.Scan(&body, &version); err != nil {
			return nil, err
		}
		a, err := decodeAttendee(body)
		if err != nil {
			return nil, err
		}
		a.Version = version
		out = append(out, a)
	}
	return out, rows.Err()
}
