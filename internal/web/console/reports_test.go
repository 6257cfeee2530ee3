package console_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/reports"
)

// citizen is the public side of reporting (no login).
var citizen = core.Viewer{Remote: "192.0.2.7"}

// report files a citizen report through the reports service, with a
// solved proof-of-work (the test lowers its difficulty), and answers the
// report as the triage unit sees it.
func report(t *testing.T, e *env, in reports.Input) *core.Report {
	t.Helper()
	s := e.Server.Reports
	s.PoW.Difficulty = 4
	ch := s.PoW.Issue(time.Now())
	in.PoW = reports.ProofOfWork{Challenge: ch.Challenge, Counter: reports.Solve(ch.Challenge, ch.Difficulty)}
	in.Consent = true
	if in.Category == "" {
		in.Category = "investment_fraud"
	}
	rc, err := s.Submit(context.Background(), citizen, in)
	if err != nil {
		t.Fatalf("submit: %v", err)
	}
	rs, err := s.Queue(context.Background(), system, core.ReportFilter{Status: "all", Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if r.Receipt == rc.Receipt {
			return r
		}
	}
	t.Fatalf("report %s not in the queue", rc.Receipt)
	return nil
}

// twoLinked files two reports sharing a phone number: one campaign.
func twoLinked(t *testing.T, e *env) (a, b *core.Report) {
	t.Helper()
	a = report(t, e, reports.Input{Narrative: "ربح مضمون، اتصل بي", Lang: "ar", Country: "MA",
		Suspect: core.Suspect{Phones: []string{"0612345678"}, Emails: []string{"not-an-email"}},
		Losses:  []core.Loss{{Amount: 1500, Currency: "MAD", Method: "transfer"}}})
	b = report(t, e, reports.Input{Narrative: "call +212 612-345678 for returns", Country: "MA",
		Suspect: core.Suspect{Wallets: []string{"0x52908400098527886E0F7030069857D2E4169EE7"}}})
	if a.CampaignID == "" {
		t.Fatal("the first report has no campaign")
	}
	return a, b
}

// TestReportsTriage: an analyst of the receiving bureau sees the queue and
// the report, changes its status and assignee through the form, and sees
// the change; a user of another bureau sees no link and gets 404.
func TestReportsTriage(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		e.user(t, "ma.analyst", "MA", core.RoleAnalyst, true)
		e.user(t, "es.officer", "ES", core.RoleOfficer, true)
		a, _ := twoLinked(t, e)

		b := e.browser(t)
		b.signIn("ma.analyst", "en")
		if !strings.Contains(b.Last, `id="nav-reports"`) {
			t.Error("no reports link for an analyst of the receiving bureau")
		}
		if !strings.Contains(b.Last, "2 reports wait for triage") {
			t.Errorf("the dashboard does not count the reports waiting:\n%s", b.Last)
		}
		b.get("/reports")
		if b.Code != http.StatusOK || !strings.Contains(b.Last, a.Receipt) || !strings.Contains(b.Last, "Investment fraud") {
			t.Fatalf("queue: %d\n%s", b.Code, b.Last)
		}
		b.get("/reports/" + a.ID)
		if b.Code != http.StatusOK {
			t.Fatalf("report: %d\n%s", b.Code, b.Last)
		}
		for _, want := range []string{`dir="auto" lang="ar" class="narrative"`, "ربح مضمون", "1,500.00\u00a0MAD", "not-an-email", "Flagged: not valid", `name="csrf"`} {
			if !strings.Contains(b.Last, want) {
				t.Errorf("report page lacks %q", want)
			}
		}

		// An unchanged form is a field error, in the user's language,
		// keeping what was typed.
		b.get("/reports/" + a.ID + "?lang=fr")
		b.post("/reports/"+a.ID, url.Values{"version": {"1"}, "status": {"received"}, "assignee": {""}})
		if b.Code != http.StatusBadRequest || !strings.Contains(b.Last, `aria-invalid="true" aria-describedby="status-err"`) || !strings.Contains(b.Last, `lang="fr"`) {
			t.Errorf("unchanged form: %d\n%s", b.Code, b.Last)
		}

		b.post("/reports/"+a.ID, url.Values{"version": {"1"}, "status": {"referred"}, "assignee": {"Insp. Benali"}, "note": {"referred to the BNPJ"}})
		if b.Code != http.StatusOK || b.At != "/reports/"+a.ID {
			t.Fatalf("update: %d at %s\n%s", b.Code, b.At, b.Last)
		}
		b.get("/reports/" + a.ID + "?lang=en")
		if got := between(t, b.Last, `id="report-status">`, `</dd>`); got != "Referred to investigators" {
			t.Errorf("status after the change: %q", got)
		}
		if !strings.Contains(b.Last, "Insp. Benali") || !strings.Contains(b.Last, "referred to the BNPJ") {
			t.Error("assignee or note not shown after the change")
		}
		// A stale version is a conflict, not a silent overwrite.
		b.post("/reports/"+a.ID, url.Values{"version": {"1"}, "status": {"closed"}})
		if b.Code != http.StatusConflict {
			t.Errorf("stale version: %d", b.Code)
		}
		b.get("/reports?status=referred")
		if !strings.Contains(b.Last, a.Receipt) {
			t.Error("the referred report is not in the referred filter")
		}

		es := e.browser(t)
		es.signIn("es.officer", "en")
		if strings.Contains(es.Last, `href="/reports"`) {
			t.Error("a user of another bureau sees the reports link")
		}
		for _, p := range []string{"/reports/" + a.ID, "/campaigns/" + a.CampaignID} {
			es.get(p)
			if es.Code != http.StatusNotFound {
				t.Errorf("%s for another bureau: %d, want 404", p, es.Code)
			}
		}
		es.get("/reports")
		if es.Code != http.StatusForbidden {
			t.Errorf("/reports for another bureau: %d, want 403", es.Code)
		}
		es.get("/reports/" + a.ID)
		es.post("/reports/"+a.ID, url.Values{"csrf": {between(t, es.Last, `name="csrf" value="`, `"`)}, "version": {"2"}, "status": {"closed"}})
		if es.Code != http.StatusNotFound {
			t.Errorf("update by another bureau: %d, want 404", es.Code)
		}
	})
}

// TestCampaignPage: the campaign shows its totals, the growth chart and
// the graph of reports and the indicator they share, with a text
// alternative; naming and false links go through the forms.
func TestCampaignPage(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		e.user(t, "ma.officer", "MA", core.RoleOfficer, true)
		e.user(t, "ma.analyst", "MA", core.RoleAnalyst, true)
		a, bb := twoLinked(t, e)
		if bb.CampaignID != a.CampaignID {
			t.Fatalf("the reports are not linked: %s, %s", a.CampaignID, bb.CampaignID)
		}
		b := e.browser(t)
		b.signIn("ma.officer", "en")
		b.get("/campaigns")
		if b.Code != http.StatusOK || !strings.Contains(b.Last, "/campaigns/"+a.CampaignID) {
			t.Fatalf("campaigns: %d\n%s", b.Code, b.Last)
		}
		b.get("/campaigns/" + a.CampaignID)
		if b.Code != http.StatusOK {
			t.Fatalf("campaign: %d\n%s", b.Code, b.Last)
		}
		graph := between(t, b.Last, `id="campaign-graph"`, `</svg>`)
		if strings.Count(graph, "<circle") != 2 {
			t.Errorf("the graph draws %d reports, want 2", strings.Count(graph, "<circle"))
		}
		// The shared phone is a square joined to both reports.
		if !strings.Contains(graph, "<title>Phone &#43;212612345678 · in 2 reports</title>") {
			t.Errorf("the graph lacks the shared phone:\n%s", graph)
		}
		table := between(t, b.Last, `id="graph-table"`, `</table>`)
		row := between(t, table, "&#43;212612345678", "</tr>")
		if !strings.Contains(row, a.Receipt) || !strings.Contains(row, bb.Receipt) {
			t.Errorf("the text alternative does not list both reports for the phone: %s", row)
		}
		if !strings.Contains(b.Last, `id="growth-chart"`) || !strings.Contains(b.Last, "1,500.00") || !strings.Contains(b.Last, `id="escalate-form"`) {
			t.Error("campaign page lacks the growth chart, the losses or the escalation form")
		}

		b.post("/campaigns/"+a.CampaignID+"/name", url.Values{"name": {""}})
		if b.Code != http.StatusBadRequest || !strings.Contains(b.Last, `id="name-err"`) {
			t.Errorf("empty name: %d", b.Code)
		}
		b.post("/campaigns/"+a.CampaignID+"/name", url.Values{"name": {"حملة الاستثمار الوهمي"}})
		if b.Code != http.StatusOK || !strings.Contains(b.Last, `<h1><bdi dir="auto">حملة الاستثمار الوهمي</bdi></h1>`) {
			t.Errorf("name: %d", b.Code)
		}
		b.post("/campaigns/"+a.CampaignID+"/escalate", url.Values{"countries": {"ZZ"}})
		if b.Code != http.StatusBadRequest || !strings.Contains(b.Last, `id="countries-err"`) || !strings.Contains(b.Last, `value="ZZ"`) {
			t.Errorf("bad country: %d", b.Code)
		}
		b.post("/campaigns/"+a.CampaignID+"/escalate", url.Values{"countries": {"FR, ES"}})
		if b.Code != http.StatusOK || !strings.Contains(b.Last, `id="escalation"`) || !strings.Contains(b.Last, "Purple Notice request (draft)") {
			t.Errorf("escalate: %d\n%s", b.Code, b.Last)
		}

		iid := reports.IndicatorID("phone:+212612345678")
		b.get("/campaigns/" + a.CampaignID)
		b.post("/campaigns/"+a.CampaignID+"/indicators/"+iid+"/false-link", url.Values{})
		if b.Code != http.StatusOK || !strings.Contains(b.Last, "Flagged: false link") {
			t.Errorf("false link: %d", b.Code)
		}

		// An analyst may triage but not escalate: no form.
		an := e.browser(t)
		an.signIn("ma.analyst", "en")
		an.get("/campaigns/" + a.CampaignID)
		if an.Code != http.StatusOK || strings.Contains(an.Last, `id="escalate-form"`) {
			t.Errorf("analyst's campaign page: %d, escalation form shown: %v", an.Code, strings.Contains(an.Last, `id="escalate-form"`))
		}
	})
}
