package screen

import (
	"encoding/csv"
	"encoding/json"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/manara-hub/manara/internal/core"
)

func loadSDN(t testing.TB) []string {
	f, err := os.Open("../../../shared/corpora/ofac/sdn.csv")
	if err != nil {
		t.Skipf("OFAC corpus not available (%v)", err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	rows, _ := r.ReadAll()
	var out []string
	for _, row := range rows {
		if len(row) < 3 {
			continue
		}
		n := strings.TrimSpace(row[1])
		if strings.TrimSpace(row[2]) == "individual" {
			if last, first, ok := strings.Cut(n, ","); ok {
				n = strings.TrimSpace(first) + " " + strings.TrimSpace(last)
			}
		}
		out = append(out, n)
	}
	return out
}

func personRecord(name string) *core.Record {
	d, _ := json.Marshal(map[string]any{"name": name})
	return &core.Record{ID: uuid.Must(uuid.NewV7()).String(), Kind: core.KindPerson, Owner: "US", Status: core.StatusActive,
		Version: 1, Releasability: core.Releasability{Mode: core.ReleaseAll}, Data: d}
}

func edit(rng *rand.Rand, s string) string {
	rs := []rune(s)
	for {
		i := rng.IntN(len(rs))
		if rs[i] == ' ' {
			continue
		}
		switch rng.IntN(3) {
		case 0:
			return string(append(rs[:i:i], rs[i+1:]...))
		case 1:
			c := rune('A' + rng.IntN(26))
			out := append([]rune{}, rs[:i]...)
			out = append(out, c)
			return string(append(out, rs[i:]...))
		default:
			out := append([]rune{}, rs...)
			out[i] = rune('A' + rng.IntN(26))
			return string(out)
		}
	}
}

func TestOFACDev(t *testing.T) {
	if os.Getenv("MANARA_DEV") == "" {
		t.Skip("development measurement: set MANARA_DEV=1")
	}
	sdn := loadSDN(t)
	x := New()
	start := time.Now()
	ids := make([]string, len(sdn))
	for i, n := range sdn {
		r := personRecord(n)
		ids[i] = r.ID
		x.Put(r)
	}
	t.Logf("indexed %d in %v: %+v", len(sdn), time.Since(start), x.Stats())
	rng := rand.New(rand.NewPCG(1, 2))
	v := core.Viewer{Bureau: "FR", Permissions: []string{core.PermScreen}}
	var exactOK, editOK, exactN, editN int
	var exactScoreLow int
	start = time.Now()
	for q := 0; q < 1000; q++ {
		i := rng.IntN(len(sdn))
		name := sdn[i]
		isEdit := q%2 == 1
		if isEdit {
			name = edit(rng, name)
		}
		hits, err := x.ScreenPerson(v, PersonQuery{Name: name, Threshold: 0.01, Limit: 1})
		if err != nil {
			continue
		}
		ok := len(hits) > 0 && (hits[0].RecordID == ids[i] || sdnSameName(sdn, hits[0], x, sdn[i]))
		if isEdit {
			editN++
			if ok {
				editOK++
			} else if editN-editOK < 10 {
				got := ""
				if len(hits) > 0 {
					got = hits[0].Matched
				}
				t.Logf("edit miss: %q (from %q) → %q", name, sdn[i], got)
			}
		} else {
			exactN++
			if ok {
				exactOK++
				if hits[0].Score < 0.99 {
					exactScoreLow++
				}
			} else {
				t.Logf("exact miss: %q", name)
			}
		}
	}
	el := time.Since(start)
	t.Logf("1000 queries in %v (%.0f/s); recall@1 exact %d/%d, one edit %d/%d; exact below 0.99: %d", el, 1000/el.Seconds(), exactOK, exactN, editOK, editN, exactScoreLow)
}

// sdnSameName accepts a top hit that is another entry with the same name
// (the list has duplicates).
func sdnSameName(sdn []string, h Hit, x *Index, want string) bool {
	return strings.EqualFold(h.Label, want)
}
