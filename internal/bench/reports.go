package bench

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/ident"
	"github.com/manara-hub/manara/internal/notices"
	"github.com/manara-hub/manara/internal/records"
	"github.com/manara-hub/manara/internal/reports"
)

// ReportGen makes citizen reports with realistic reuse of indicators:
// campaigns of very different sizes (a few large ones, many small), each
// with its own phones, wallets, IBANs and domains; most reports carry one
// to three of their campaign's values, some a benign value (gmail.com),
// and a part of them only values of their own.
type ReportGen struct {
	rng       *rand.Rand
	campaigns [][]string // per campaign: "type|value"
	n         int
}

// NewReportGen prepares campaigns for about n reports.
func NewReportGen(n int, seed uint64) *ReportGen {
	g := &ReportGen{rng: rand.New(rand.NewPCG(seed, 7))}
	k := max(n/40, 4)
	for c := range k {
		var vals []string
		for j := range 2 + c%4 {
			vals = append(vals, g.value(c*16+j))
		}
		g.campaigns = append(g.campaigns, vals)
	}
	return g
}

func (g *ReportGen) value(i int) string {
	switch i % 4 {
	case 0:
		return fmt.Sprintf("phone|+2126%08d", 10000000+i*7919%89999999)
	case 1:
		return fmt.Sprintf("wallet|0x%040x", uint64(i)*0x9E3779B97F4A7C15)
	case 2:
		return "iban|" + moroccanIBAN(i)
	}
	return fmt.Sprintf("website|https://invest-%d.example/login", i)
}

// moroccanIBAN is a valid-checksum IBAN-shaped value (GB form, so that the
// parser accepts it) unique to i.
func moroccanIBAN(i int) string {
	bban := fmt.Sprintf("WEST%014d", 10000000000000+i)
	for cd := 2; cd < 99; cd++ {
		s := fmt.Sprintf("GB%02d%s", cd, bban)
		if _, err := ident.ParseIBAN(s); err == nil {
			return s
		}
	}
	return ""
}

// Next returns the i-th report.
func (g *ReportGen) Next(i int) reports.Input {
	in := reports.Input{Category: "investment_fraud", Narrative: "They promised returns and stopped answering.", Country: "MA", Consent: true,
		Losses: []core.Loss{{Amount: float64(100 + g.rng.IntN(20000)), Currency: "MAD", Method: "transfer"}}}
	add := func(tv string) {
		typ, val, _ := strings.Cut(tv, "|")
		switch typ {
		case "phone":
			in.Suspect.Phones = append(in.Suspect.Phones, val)
		case "wallet":
			in.Suspect.Wallets = append(in.Suspect.Wallets, val)
		case "iban":
			in.Suspect.Accounts = append(in.Suspect.Accounts, val)
		default:
			in.Suspect.Websites = append(in.Suspect.Websites, val)
		}
	}
	if g.rng.IntN(10) < 8 {
		// Skewed: campaign c is chosen with weight about 1/(c+1).
		c := int(float64(len(g.campaigns)) * g.rng.Float64() * g.rng.Float64() * g.rng.Float64())
		vals := g.campaigns[c]
		for range 1 + g.rng.IntN(3) {
			add(vals[g.rng.IntN(len(vals))])
		}
	} else {
		add(g.value(1_000_000 + i))
	}
	if g.rng.IntN(5) == 0 {
		in.Suspect.Emails = append(in.Suspect.Emails, fmt.Sprintf("victim.helper%d@gmail.com", g.rng.IntN(1000)))
	}
	return in
}

// ReportsResult is what the reports suite measured.
type ReportsResult struct {
	Reports       int
	Elapsed       time.Duration
	Campaigns     int
	Largest       int
	JoinMedian    time.Duration // a report joining (or merging) existing campaigns
	JoinP99       time.Duration
	ReportsPerSec float64
}

// IngestReports submits n generated reports to a fresh SQLite store in a
// temporary folder, one transaction each, as the public API would (the
// proof-of-work is checked at difficulty 0: the client's work is not the
// server's cost).
func IngestReports(ctx context.Context, n int, seed uint64, logf func(string, ...any)) (*ReportsResult, error) {
	st, done, err := tempStore(ctx, "reports")
	if err != nil {
		return nil, err
	}
	defer done()
	svc := reports.New(st, records.New(st), notices.New(st), "MA")
	svc.PoW.Difficulty = 0
	gen := NewReportGen(n, seed)
	v := core.Viewer{Remote: "198.51.100.7"}
	var joins []time.Duration
	start := time.Now()
	for i := range n {
		in := gen.Next(i)
		in.PoW = reports.ProofOfWork{Challenge: svc.PoW.Issue(time.Now()).Challenge, Counter: "0"}
		t0 := time.Now()
		rc, err := svc.Submit(ctx, v, in)
		if err != nil {
			return nil, fmt.Errorf("report %d: %w", i, err)
		}
		d := time.Since(t0)
		for _, ind := range rc.Indicators {
			if ind.Linking {
				joins = append(joins, d)
				break
			}
		}
		if logf != nil && (i+1)%10000 == 0 {
			logf("reports: %d ingested (%.0f/s)", i+1, float64(i+1)/time.Since(start).Seconds())
		}
	}
	res := &ReportsResult{Reports: n, Elapsed: time.Since(start)}
	res.ReportsPerSec = float64(n) / res.Elapsed.Seconds()
	slices.Sort(joins)
	if len(joins) > 0 {
		res.JoinMedian, res.JoinP99 = joins[len(joins)/2], joins[len(joins)*99/100]
	}
	// Counted in SQL: a listing stops at its page size.
	err = st.DB().QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(MAX(reports), 0) FROM campaigns WHERE bureau = 'MA' AND merged_into = '' AND reports >= 2`).Scan(&res.Campaigns, &res.Largest)
	return res, err
}

func reportsSuite(ctx context.Context, o Options) ([]Row, error) {
	n := o.Reports
	if n <= 0 {
		n = 100_000
	}
	r, err := IngestReports(ctx, n, o.Seed, o.logf)
	if err != nil {
		return nil, err
	}
	ds := fmt.Sprintf("reports (%d generated, SQLite)", n)
	return []Row{
		{Dataset: ds, Metric: "reports/s (one transaction each; no threshold: not a screening)", Value: fmt.Sprintf("%.0f", r.ReportsPerSec)},
		{Dataset: ds, Metric: "time to update a campaign (median, p99; no threshold)", Value: fmt.Sprintf("%s, %s", r.JoinMedian.Round(time.Microsecond), r.JoinP99.Round(time.Microsecond))},
		{Dataset: ds, Metric: "campaigns of 2+ reports (largest; no threshold)", Value: fmt.Sprintf("%d (%d)", r.Campaigns, r.Largest)},
	}, nil
}
