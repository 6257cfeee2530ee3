package sqlstore

import (
	"context"
	"database/sql"
	"sync"
)

// stmtCache keeps the most used queries of one pool prepared. SQLite
// parses a statement each time it is given as text, and on the screening
// path (a hit, its events, its audit entries) parsing cost as much as
// running. A query is prepared once it has been run a few times, between
// transactions (preparing needs a connection, and SQLite's writer pool
// has only the one a transaction holds); a transaction then binds the
// prepared statement to its own connection. Queries are few and fixed
// text with placeholders (listings put their limit in the text, so a
// few variants of each), and the cache is bounded all the same: the hot
// queries of the screening path are prepared within the first few
// hundred transactions, long before it fills.
type stmtCache struct {
	mu    sync.RWMutex
	ready map[string]*sql.Stmt
	seen  map[string]int
	want  []string
}

const (
	preparedAfter = 4   // runs of a query before it is prepared
	maxPrepared   = 256 // statements kept per pool
	maxSeen       = 4096
)

func newStmtCache() *stmtCache {
	return &stmtCache{ready: map[string]*sql.Stmt{}, seen: map[string]int{}}
}

// get returns the prepared statement of q, or nil (counting the run) if
// it is not prepared yet.
func (c *stmtCache) get(q string) *sql.Stmt {
	if c == nil {
		return nil
	}
	c.mu.RLock()
	st := c.ready[q]
	c.mu.RUnlock()
	if st != nil {
		return st
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if st := c.ready[q]; st != nil {
		return st
	}
	if len(c.ready)+len(c.want) >= maxPrepared {
		return nil
	}
	if len(c.seen) >= maxSeen {
		clear(c.seen) // many one-off queries: start counting again
	}
	c.seen[q]++
	if c.seen[q] == preparedAfter {
		c.want = append(c.want, q)
	}
	return nil
}

// prepare prepares the queries that became frequent. It is called with no
// transaction open on db; a failure leaves the query unprepared (it runs
// as text, as before).
func (c *stmtCache) prepare(ctx context.Context, db *sql.DB) {
	if c == nil {
		return
	}
	c.mu.Lock()
	want := c.want
	c.want = nil
	c.mu.Unlock()
	for _, q := range want {
		st, err := db.PrepareContext(ctx, q)
		c.mu.Lock()
		if err == nil && c.ready[q] == nil {
			c.ready[q] = st
			st = nil
		}
		delete(c.seen, q)
		c.mu.Unlock()
		if st != nil {
			st.Close()
		}
	}
}

func (c *stmtCache) close() {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for q, st := range c.ready {
		st.Close()
		delete(c.ready, q)
	}
}
