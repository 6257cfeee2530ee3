package sqlstore

import (
	"encoding/json"

	"github.com/manara-hub/manara/internal/core"
)

// Gatherings and meeting requests keep their whole value as JSON in a
// body column, with the columns lists select on beside it; the version
// column is the one versioned updates compare.

func (t *tx) InsertGathering(g *core.Gathering) error {
	body, _ := json.Marshal(g)
	_, err := t.exec(`INSERT INTO gatherings (id, version, host, created_at, body) VALUES (?,?,?,?,?)`,
		g.ID, g.Version, g.Host, t.time(g.CreatedAt), string(body))
	if err != nil && t.d.IsUnique(err) {
		return core.Errorf(core.ECONFLICT, "a gathering with this id exists")
	}
	return err
}

func (t *tx) UpdateGathering(g *core.Gathering) error {
	body, _ := json.Marshal(g)
	res, err := t.exec(`UPDATE gatherings SET version = ?, body = ? WHERE id = ? AND version = ?`, g.Version, string(body), g.ID, g.Version-1)
	return versioned(res, err, "gathering", func() error { _, err := t.GetGathering(g.ID); return err })
}

func (t *tx) GetGathering(id string) (*core.Gathering, error) {
	gs, err := t.gatherings(`SELECT body, version FROM gatherings WHERE id = ?`, id)
	if err != nil {
		return nil, err
	}
	if len(gs) == 0 {
		return nil, core.Errorf(core.ENOTFOUND, "gathering not found")
	}
	return gs[0], nil
}

func (t *tx) ListGatherings(limit int) ([]*core.Gathering, error) {
	return t.gatherings(`SELECT body, version FROM gatherings ORDER BY created_at DESC, id DESC LIMIT ` + itoa(clampLimit(limit)))
}

func (t *tx) gatherings(q string, args ...any) ([]*core.Gathering, error) {
	rows, err := t.query(q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*core.Gathering
	for rows.Next() {
		var body string
		var version int64
		if err := rows.Scan(&body, &version); err != nil {
			return nil, err
		}
		var g core.Gathering
		if err := json.Unmarshal([]byte(body), &g); err != nil {
			return nil, err
		}
		g.Version = version
		out = append(out, &g)
	}
	return out, rows.Err()
}

func (t *tx) InsertMeetingRequest(m *core.MeetingRequest) error {
	body, _ := json.Marshal(m)
	_, err := t.exec(`INSERT INTO meeting_requests (id, gathering_id, version, from_party, to_party, state, created_at, body) VALUES (?,?,?,?,?,?,?,?)`,
		m.ID, m.Gathering, m.Version, m.From, m.To, m.State, t.time(m.CreatedAt), string(body))
	if err != nil && t.d.IsUnique(err) {
		return core.Errorf(core.ECONFLICT, "a meeting request with this id exists")
	}
	return err
}

func (t *tx) UpdateMeetingRequest(m *core.MeetingRequest) error {
	body, _ := json.Marshal(m)
	res, err := t.exec(`UPDATE meeting_requests SET version = ?, state = ?, body = ? WHERE id = ? AND version = ?`,
		m.Version, m.State, string(body), m.ID, m.Version-1)
	return versioned(res, err, "meeting request", func() error { _, err := t.GetMeetingRequest(m.ID); return err })
}

func (t *tx) GetMeetingRequest(id string) (*core.MeetingRequest, error) {
	ms, err := t.meetingRequests(`SELECT body, version FROM meeting_requests WHERE id = ?`, id)
	if err != nil {
		return nil, err
	}
	if len(ms) == 0 {
		return nil, core.Errorf(core.ENOTFOUND, "meeting request not found")
	}
	return ms[0], nil
}

func (t *tx) MeetingRequests(gathering, party string) ([]*core.MeetingRequest, error) {
	if party == "" {
		return t.meetingRequests(`SELECT body, version FROM meeting_requests WHERE gathering_id = ? ORDER BY created_at, id`, gathering)
	}
	return t.meetingRequests(`SELECT body, version FROM meeting_requests WHERE gathering_id = ? AND (from_party = ? OR to_party = ?) ORDER BY created_at, id`,
		gathering, party, party)
}

func (t *tx) meetingRequests(q string, args ...any) ([]*core.MeetingRequest, error) {
	rows, err := t.query(q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*core.MeetingRequest
	for rows.Next() {
		var body string
		var version int64
		if err := rows.Scan(&body, &version); err != nil {
			return nil, err
		}
		var m core.MeetingRequest
		if err := json.Unmarshal([]byte(body), &m); err != nil {
			return nil, err
		}
		m.Version = version
		out = append(out, &m)
	}
	return out, rows.Err()
}
