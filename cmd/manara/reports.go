package main

import (
	"fmt"
	"strconv"

	"github.com/manara-hub/manara/internal/members"
	"github.com/manara-hub/manara/internal/reports"
	"github.com/manara-hub/manara/internal/web/api"
)

// reportFlags configure citizen reporting.
type reportFlags struct {
	bureau, powKey, difficulty, cap, domain, rate string
}

func (f *reportFlags) add(c *command) {
	c.str(&f.bureau, "reports-bureau", "MANARA_REPORTS_BUREAU", "MA", "the bureau that receives citizen reports (the national platform's country)")
	c.str(&f.powKey, "reports-pow-key", "MANARA_REPORTS_POW_KEY", "", "key signing proof-of-work challenges; replicas must share it (empty: random, one process)")
	c.str(&f.difficulty, "reports-pow-difficulty", "MANARA_REPORTS_POW_DIFFICULTY", strconv.Itoa(reports.DefaultPoWDifficulty), "leading zero bits a report's proof-of-work needs (about 2^N hashes)")
	c.str(&f.cap, "reports-cap", "MANARA_REPORTS_CAP", strconv.Itoa(reports.DefaultCap), "a value on more reports than this stops linking them (over-common)")
	c.str(&f.domain, "reports-domain", "MANARA_REPORTS_DOMAIN", "", "the platform's own domain, which never links reports")
	c.str(&f.rate, "reports-rate", "MANARA_REPORTS_RATE", strconv.Itoa(api.DefaultReportRate), "reports and additions per minute per client address")
}

func (f *reportFlags) apply(srv *api.Server) error {
	m, ok := members.Lookup(f.bureau)
	if !ok {
		return usageErr{fmt.Sprintf("--reports-bureau: %q is not a member country's ISO code", f.bureau)}
	}
	rs := srv.Reports
	rs.Bureau = m.Alpha2
	d, err := strconv.Atoi(f.difficulty)
	if err != nil || d < 0 || d > 32 {
		return usageErr{"--reports-pow-difficulty must be from 0 to 32"}
	}
	rs.PoW.Difficulty = d
	if f.powKey != "" {
		rs.PoW.Key = []byte(f.powKey)
	}
	if rs.Cap, err = strconv.Atoi(f.cap); err != nil || rs.Cap < 2 {
		return usageErr{"--reports-cap must be a whole number of at least 2"}
	}
	rs.Warn = reports.DefaultWarningList(f.domain)
	if srv.ReportRate, err = strconv.Atoi(f.rate); err != nil || srv.ReportRate < 1 {
		return usageErr{"--reports-rate must be a whole number of at least 1"}
	}
	return nil
}
