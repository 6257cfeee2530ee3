package sqlstore

import "fmt"

// Savepoint runs fn inside a savepoint: on error, what fn wrote is
// rolled back to it and the transaction stays usable (on PostgreSQL a
// failed statement otherwise aborts the whole transaction). Both SQLite
// and PostgreSQL nest savepoints, so fn may call Savepoint again.
func (t *tx) Savepoint(fn func() error) (err error) {
	t.savepoints++
	name := fmt.Sprintf("sp_%d", t.savepoints)
	if _, err := t.tx.ExecContext(t.ctx, "SAVEPOINT "+name); err != nil {
		return err
	}
	if err := fn(); err != nil {
		if _, rerr := t.tx.ExecContext(t.ctx, "ROLLBACK TO SAVEPOINT "+name); rerr != nil {
			return fmt.Errorf("%w (and rolling back to its savepoint failed: %v)", err, rerr)
		}
		if _, rerr := t.tx.ExecContext(t.ctx, "RELEASE SAVEPOINT "+name); rerr != nil {
			return fmt.Errorf("%w (and releasing its savepoint failed: %v)", err, rerr)
		}
		return err
	}
	_, err = t.tx.ExecContext(t.ctx, "RELEASE SAVEPOINT "+name)
	return err
}
