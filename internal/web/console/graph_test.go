package console

import (
	"fmt"
	"testing"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/i18n"
	"github.com/manara-hub/manara/internal/reports"
)

// TestGraphCaps: the graph draws at most graphMax reports and indicators,
// the most shared indicators first, says how many were left out, and draws
// a line only between nodes it draws.
func TestGraphCaps(t *testing.T) {
	l := mustCatalogs(t).Lang("en")
	var rs []*core.Report
	var inds []reports.IndicatorView
	for i := range 45 {
		key := fmt.Sprintf("email:x%d@example.org", i)
		inds = append(inds, reports.IndicatorView{ID: reports.IndicatorID(key), Type: "email", Value: key[6:],
			CampaignIndicator: core.CampaignIndicator{Key: key, Reports: 1, State: core.IndicatorLinking}})
		rs = append(rs, &core.Report{ID: fmt.Sprint(i), Receipt: fmt.Sprintf("R-%d", i), Category: "phishing",
			Indicators: []core.ReportIndicator{{Type: "email", Key: key, Valid: true}, {Type: "phone", Key: "phone:+212600000000", Valid: true}}})
	}
	shared := "phone:+212600000000"
	inds = append(inds, reports.IndicatorView{ID: reports.IndicatorID(shared), Type: "phone", Value: "+212600000000",
		CampaignIndicator: core.CampaignIndicator{Key: shared, Reports: 45, State: core.IndicatorOverCommon}})
	g := buildGraph(l, rs, 45, inds)
	if len(g.Reports) != graphMax || len(g.Indicators) != graphMax || g.MoreReports != 5 || g.MoreIndicators != 6 {
		t.Fatalf("drawn %d reports (%d more), %d indicators (%d more)", len(g.Reports), g.MoreReports, len(g.Indicators), g.MoreIndicators)
	}
	if g.Indicators[0].Value != "+212600000000" || g.Indicators[0].Flag != core.IndicatorOverCommon {
		t.Errorf("the most shared indicator is not first, flagged: %+v", g.Indicators[0])
	}
	if len(g.Rows[0].Reports) != graphMax {
		t.Errorf("the shared phone is carried by %d drawn reports", len(g.Rows[0].Reports))
	}
	// Reports 0..38 also carry their own drawn e-mail (indicators 1..39).
	if want := graphMax + graphMax - 1; len(g.Edges) != want {
		t.Errorf("%d lines, want %d", len(g.Edges), want)
	}
	if g.Height != 28+graphMax*graphGap {
		t.Errorf("height %d", g.Height)
	}
}

func TestGrowthChart(t *testing.T) {
	l := mustCatalogs(t).Lang("en")
	ch := growthChart(l, []reports.DayCount{{Day: "2026-11-28", Reports: 1}, {Day: "2026-11-30", Reports: 4}})
	if len(ch.Bars) != 3 || ch.Total != 5 || ch.Bars[1].Value != 0 || ch.Bars[2].H != 100 || ch.Bars[0].H != 25 {
		t.Errorf("chart %+v", ch)
	}
	ch = growthChart(l, []reports.DayCount{{Day: "2026-01-01", Reports: 1}, {Day: "2026-03-01", Reports: 2}})
	if len(ch.Bars) != 30 || ch.Total != 2 {
		t.Errorf("long campaign: %d bars, total %d", len(ch.Bars), ch.Total)
	}
}

func TestAmount(t *testing.T) {
	for _, c := range []struct {
		lang string
		f    float64
		want string
	}{{"en", 1500, "1,500.00"}, {"fr", 1234567.5, "1\u202f234\u202f567,50"}, {"ar", 12.05, "12\u066b05"}, {"en", -3.2, "-3.20"}} {
		l := &Lang{Code: c.lang}
		if got := l.Amount(c.f); got != c.want {
			t.Errorf("%s %v: %q, want %q", c.lang, c.f, got, c.want)
		}
	}
}

func mustCatalogs(t *testing.T) i18n.Catalogs {
	t.Helper()
	c, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	return c
}
