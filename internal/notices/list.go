package notices

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/manara-hub/manara/internal/access"
	"github.com/manara-hub/manara/internal/audit"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/names"
)

// NameThreshold is the score at which a name search keeps a notice: lower
// than screening's alert threshold, since a person reads the results.
const NameThreshold = 0.80

// MaxNameCandidates bounds how many notices (after the other filters) a
// name search scores; narrow with type, state, country or dates beyond it.
const MaxNameCandidates = 20000

// Query selects notices for a bureau's listing.
type Query struct {
	Type      string
	State     string
	Owner     string
	Country   string
	Diffusion *bool
	Name      string
	From, To  time.Time // created at or after From, before To
	After     string
	Limit     int
}

// Found is one result: the notice, and for a name search its score.
type Found struct {
	View
	Score float64
}

func (q Query) summary() string {
	var parts []string
	add := func(k, v string) {
		if v != "" {
			parts = append(parts, k+"="+v)
		}
	}
	add("type", q.Type)
	add("state", q.State)
	add("owner", q.Owner)
	add("country", q.Country)
	add("name", q.Name)
	if !q.From.IsZero() {
		add("from", q.From.Format("2006-01-02"))
	}
	if !q.To.IsZero() {
		add("to", q.To.Format("2006-01-02"))
	}
	add("after", q.After)
	return strings.Join(parts, " ")
}

// List returns one page of the notices v may see, and the cursor of the
// next page ("" at the end). With a name, the page is the best matches
// across scripts (names package), best first, and has no next page.
func (s *Service) List(ctx context.Context, v core.Viewer, q Query) ([]Found, string, error) {
	if q.Limit <= 0 || q.Limit > 500 {
		q.Limit = 100
	}
	f := filterOf(v, q)
	// Cancelled and expired are the envelope's word; the workflow row may
	// lag for records ended by their own life cycle, so filter after.
	if q.State != core.NoticeCancelled && q.State != core.NoticeExpired {
		f.State = q.State
	}
	var out []Found
	next := ""
	// The scan runs in a read transaction, so that a long name search never
	// holds the writer (SQLite has one); the audit entry follows, and
	// nothing is returned unless it is written.
	err := s.Store.View(ctx, func(tx core.Tx) error {
		keep := func(row core.NoticeRow) bool {
			return access.CanSee(v, row.Record) && (q.State == "" || State(row.Notice, row.Record) == q.State)
		}
		if strings.TrimSpace(q.Name) == "" {
			rows, err := tx.ListNotices(f)
			if err != nil {
				return err
			}
			for _, row := range rows {
				if keep(row) {
					out = append(out, Found{View: View{Notice: redacted(v, row.Notice, row.Record.Owner), Record: row.Record}})
				}
			}
			if len(rows) == f.Limit {
				next = rows[len(rows)-1].Notice.ID
			}
		} else {
			m := names.NewMatcher(names.Parse(q.Name))
			f.Limit, f.After = 1000, ""
			for seen := 0; seen < MaxNameCandidates; {
				rows, err := tx.ListNotices(f)
				if err != nil {
					return err
				}
				for _, row := range rows {
					if !keep(row) {
						continue
					}
					if score := bestScore(m, decoded(row.Record.Data)); score >= NameThreshold {
						out = append(out, Found{View: View{Notice: redacted(v, row.Notice, row.Record.Owner), Record: row.Record}, Score: score})
					}
				}
				seen += len(rows)
				if len(rows) < f.Limit {
					break
				}
				f.After = rows[len(rows)-1].Notice.ID
			}
			slices.SortStableFunc(out, func(a, b Found) int {
				switch {
				case a.Score > b.Score:
					return -1
				case a.Score < b.Score:
					return 1
				}
				return strings.Compare(a.Notice.ID, b.Notice.ID)
			})
			if len(out) > q.Limit {
				out = out[:q.Limit]
			}
		}
		return nil
	})
	if err != nil {
		return nil, "", err
	}
	ids := make([]string, len(out))
	for i, x := range out {
		ids[i] = x.Notice.ID
	}
	e := audit.Entry(v, "notice.list", audit.OK, ids...)
	e.Query = q.summary()
	if err := s.Store.Update(ctx, func(tx core.Tx) error { return audit.Append(tx, e) }); err != nil {
		return nil, "", err
	}
	return out, next, nil
}

// filterOf is the store's filter of q's notices that v may see, without
// their state.
func filterOf(v core.Viewer, q Query) core.NoticeFilter {
	return core.NoticeFilter{Visible: access.Visibility(v), Type: q.Type, Owner: q.Owner, Country: q.Country,
		Diffusion: q.Diffusion, CreatedFrom: q.From, CreatedTo: q.To, After: q.After, Limit: q.Limit}
}

// Count counts the notices List lists with q, every page of them, in the
// store (the same visibility, the envelope's state). A name search, which
// scores notices rather than selecting them, is not counted.
func (s *Service) Count(ctx context.Context, v core.Viewer, q Query) (int, error) {
	if strings.TrimSpace(q.Name) != "" {
		return 0, core.Invalid(core.FieldError{Field: "name", Reason: "a name search is not counted"})
	}
	f := filterOf(v, q)
	f.State, f.EnvelopeState = q.State, true
	var n int
	// Read beside the writer, as List reads; audited before it answers.
	if err := s.Store.View(ctx, func(tx core.Tx) (err error) { n, err = tx.CountListed(f); return err }); err != nil {
		return 0, err
	}
	e := audit.Entry(v, "notice.list", audit.OK)
	e.Query = "count " + q.summary()
	if err := s.Store.Update(ctx, func(tx core.Tx) error { return audit.Append(tx, e) }); err != nil {
		return 0, err
	}
	return n, nil
}

// decoded is a notice's data as a map, nil if it is not a JSON object.
func decoded(data json.RawMessage) map[string]any {
	var d map[string]any
	if json.Unmarshal(data, &d) != nil {
		return nil
	}
	return d
}

// namesOf lists every name a notice's decoded data gives its subject:
// Latin and original script, aliases, and the subjects of a UN entry.
func namesOf(d map[string]any) []string {
	var out []string
	add := func(s string) {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	add(str(d, "given_names") + " " + str(d, "family_name"))
	add(str(d, "name"))
	add(str(d, "name_original"))
	if list, ok := d["aliases"].([]any); ok {
		for _, a := range list {
			if s, ok := a.(string); ok {
				add(s)
			}
		}
	}
	return out
}

func bestScore(m *names.Matcher, d map[string]any) float64 {
	best := 0.0
	for _, n := range namesOf(d) {
		if sc := m.Compare(names.Parse(n)).Score; sc > best {
			best = sc
		}
	}
	return best
}
