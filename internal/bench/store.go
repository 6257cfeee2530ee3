package bench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/store/sqlite"
	"github.com/manara-hub/manara/internal/store/sqlstore"
)

// tempStore opens a migrated embedded store in a new temporary folder
// named for the suite; done closes it and removes the folder.
func tempStore(ctx context.Context, suite string) (st *sqlstore.Store, done func(), err error) {
	dir, err := os.MkdirTemp("", "manara-bench-"+suite+"-")
	if err != nil {
		return nil, nil, err
	}
	if st, err = sqlite.Open(filepath.Join(dir, "data")); err != nil {
		os.RemoveAll(dir)
		return nil, nil, err
	}
	done = func() { st.Close(); os.RemoveAll(dir) }
	if _, err := st.Migrate(ctx); err != nil {
		done()
		return nil, nil, err
	}
	return st, done, nil
}

// storeEntries writes the entries' records to st, a thousand a
// transaction, as an owner would have entered them, so that a bench's
// server answers from records it holds.
func storeEntries(ctx context.Context, st core.Store, all []entry) error {
	now := time.Now().UTC()
	for i := 0; i < len(all); i += 1000 {
		err := st.Update(ctx, func(tx core.Tx) error {
			for _, e := range all[i:min(i+1000, len(all))] {
				r := *e.rec
				r.CreatedAt, r.UpdatedAt, r.CreatedBy, r.UpdatedBy = now, now, "bench", "bench"
				r.ReviewDate, r.RetainUntil = now.AddDate(5, 0, 0), now.AddDate(5, 0, 0)
				if err := tx.InsertRecord(&r); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("store the listed records: %w", err)
		}
	}
	return nil
}
