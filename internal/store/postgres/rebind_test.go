package postgres

import "testing"

func TestRebind(t *testing.T) {
	for range 2 { // the second time from what was kept
		for q, want := range map[string]string{
			`SELECT 1`: `SELECT 1`,
			`INSERT INTO t (a, b) VALUES (?, ?), (?, ?)`:          `INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4)`,
			`SELECT x FROM t WHERE a = ? AND b > ? LIMIT 10`:      `SELECT x FROM t WHERE a = $1 AND b > $2 LIMIT 10`,
			`UPDATE t SET a = ? WHERE name = 'مَنارة' AND id = ?`: `UPDATE t SET a = $1 WHERE name = 'مَنارة' AND id = $2`,
		} {
			if got := rebind(q); got != want {
				t.Errorf("rebind(%q) = %q, want %q", q, got, want)
			}
		}
	}
}
