package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
)

// scrubZones takes the machine-readable zone out of the subject of the
// document hits made before the zone stopped being kept there. A zone
// holds the traveller's name, birth date, sex and nationality; the hit
// keeps only that the document was read from one (its query says so),
// and such hits went to the owner's node with the zone in them. The
// subject of a document hit is "number|country|type|zone", normalised;
// the zone's part is emptied, the rest kept as asked. The dedup key, a
// hash, is left as it is: a screening of the same zone after the upgrade
// is filed under the document the zone holds and makes a hit of its own.
func scrubZones(ctx context.Context, tx *sql.Tx, rebind func(string) string) error {
	type change struct{ id, body string }
	var changes []change
	rows, err := tx.QueryContext(ctx, `SELECT id, body FROM hits`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id, body string
		if err := rows.Scan(&id, &body); err != nil {
			rows.Close()
			return err
		}
		scrubbed, ok, err := scrubZone(body)
		if err != nil {
			rows.Close()
			return fmt.Errorf("hit %s: %w", id, err)
		}
		if ok {
			changes = append(changes, change{id, scrubbed})
		}
	}
	if err := rows.Close(); err != nil {
		return err
	}
	if err := rows.Err(); err != nil {
		return err
	}
	update := rebind(`UPDATE hits SET body = ? WHERE id = ?`)
	for _, c := range changes {
		if _, err := tx.ExecContext(ctx, update, c.body, c.id); err != nil {
			return err
		}
	}
	return nil
}

// scrubZone returns a hit's body with the zone out of its subject, and
// whether there was one to take out.
func scrubZone(body string) (string, bool, error) {
	var h map[string]json.RawMessage
	if err := json.Unmarshal([]byte(body), &h); err != nil {
		return "", false, err
	}
	var typ, subject string
	if raw, ok := h["type"]; !ok || json.Unmarshal(raw, &typ) != nil || typ != "document" {
		return "", false, nil
	}
	if raw, ok := h["subject"]; !ok || json.Unmarshal(raw, &subject) != nil {
		return "", false, nil
	}
	parts := strings.SplitN(subject, "|", 4)
	if len(parts) != 4 || parts[3] == "" {
		return "", false, nil
	}
	parts[3] = ""
	h["subject"], _ = json.Marshal(strings.Join(parts, "|"))
	out, err := json.Marshal(h)
	if err != nil {
		return "", false, err
	}
	return string(out), true, nil
}
