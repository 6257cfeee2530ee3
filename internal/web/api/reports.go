package api

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/lang"
	"github.com/manara-hub/manara/internal/members"
	"github.com/manara-hub/manara/internal/notices"
	"github.com/manara-hub/manara/internal/reports"
)

// Citizen reports: the public intake (no login; rate-limited per address,
// proof-of-work, size-limited) and the cybercrime unit's triage, campaigns
// and escalation. Decisions are the reports service's (and access's).

// Defaults of the public reporting limits, per address and minute.
const (
	DefaultReportRate       = 10 // submissions and additions
	DefaultReportFollowRate = 10 // failed follow-ups (wrong receipt or secret)
	// MaxReportBody bounds a report with its attachments in base64.
	MaxReportBody = 17 << 20
)

var (
	pReceipt    = param{"receipt", "path", "The receipt number, R-YYYY-XXXXXXXXXX."}
	pSecretHdr  = param{"X-Report-Secret", "header", "The secret given with the receipt."}
	pReportID   = param{"id", "path", "The report's id."}
	pCampaignID = param{"id", "path", "The campaign's id."}
)

func (s *Server) reportRoutes() []route {
	return []route{
		{Method: "GET", Path: "/api/v1/public/reports/challenge", Summary: "A proof-of-work challenge to solve before reporting (no login)", Public: true, Resp: "ReportChallenge", h: s.reportChallenge},
		{Method: "POST", Path: "/api/v1/public/reports", Summary: "Report a cybercrime (no login): answers a receipt number and a secret, shown once", Public: true, Body: "ReportInput", Resp: "ReportReceipt", Status: 201, MaxBody: MaxReportBody, h: s.submitReport},
		{Method: "GET", Path: "/api/v1/public/reports/{receipt}", Summary: "Follow a report: its status and the unit's public notes (secret in X-Report-Secret)", Public: true, Resp: "ReportFollowUp", Params: []param{pReceipt, pSecretHdr}, h: s.followReport},
		{Method: "POST", Path: "/api/v1/public/reports/{receipt}/additions", Summary: "Add information to a report (secret in X-Report-Secret)", Public: true, Body: "ReportAddition", Resp: "ReportFollowUp", MaxBody: MaxReportBody, Params: []param{pReceipt, pSecretHdr}, h: s.addToReport},
		{Method: "GET", Path: "/api/v1/reports", Summary: "The triage queue: child exploitation and terrorism first, then threats to life, then by losses and campaign size", Resp: "ReportList",
			Params: []param{{"status", "query", "received, under_review, referred, closed or all (default: all but closed)."}, {"campaign", "query", "Only this campaign's reports."}, {"assignee", "query", "Only reports assigned to this person."}, pLimit, {"offset", "query", "Skip this many, 0 to 1,000,000 (default 0)."}}, h: s.reportQueue},
		{Method: "GET", Path: "/api/v1/reports/{id}", Summary: "One report, for the cybercrime unit of the bureau that received it", Resp: "Report", Params: []param{pReportID}, h: s.getReport},
		{Method: "GET", Path: "/api/v1/reports/{id}/attachments/{fid}", Summary: "A screenshot or document of a report", Stream: "application/octet-stream", StreamSchema: "Binary",
			Params: []param{pReportID, {"fid", "path", "The attachment's id."}}, h: s.reportFile},
		{Method: "PATCH", Path: "/api/v1/reports/{id}", Summary: "Change a report's status or assignee, add a (public or internal) note", Body: "ReportChange", Resp: "Report", Params: []param{pReportID}, h: s.patchReport},
		{Method: "GET", Path: "/api/v1/campaigns", Summary: "Campaigns of linked reports, largest first", Resp: "CampaignList", Params: []param{{"min_reports", "query", "At least this many reports, 1 to 1,000,000 (default 2)."}, {"limit", "query", "At most this many campaigns, 1 to 1,000 (default 100)."}, {"offset", "query", "Skip this many, 0 to 1,000,000 (default 0): with total, pages through every campaign."}}, h: s.listCampaigns},
		{Method: "GET", Path: "/api/v1/campaigns/{id}", Summary: "A campaign: reports, indicators, victims, losses, first and last seen, growth per day", Resp: "Campaign", Params: []param{pCampaignID}, h: s.getCampaign},
		{Method: "POST", Path: "/api/v1/campaigns/{id}/merge", Summary: "Merge other campaigns into this one", Body: "CampaignMerge", Resp: "Campaign", Params: []param{pCampaignID}, h: s.mergeCampaigns},
		{Method: "POST", Path: "/api/v1/campaigns/{id}/split", Summary: "Move some reports into a new campaign (answers the new one)", Body: "CampaignSplit", Resp: "Campaign", Status: 201, Params: []param{pCampaignID}, h: s.splitCampaign},
		{Method: "POST", Path: "/api/v1/campaigns/{id}/name", Summary: "Name a campaign", Body: "CampaignName", Resp: "Campaign", Params: []param{pCampaignID}, h: s.nameCampaign},
		{Method: "POST", Path: "/api/v1/campaigns/{id}/indicators/{iid}/false-link", Summary: "Mark a value as a false link: it links no more reports", Resp: "Campaign", Params: []param{pCampaignID, {"iid", "path", "The indicator's id in the campaign view."}}, h: s.falseLink},
		{Method: "POST", Path: "/api/v1/indicators/import", Summary: "Import cyber indicators from a STIX 2.1 bundle or CSV (type,value[,releasability,countries,campaign,description]) as your records",
			Body: "Binary", StreamIn: "application/octet-stream", Resp: "IndicatorImport", Status: 201, MaxBody: reports.MaxImportBytes + 1,
			Params: []param{{"format", "query", "stix (default) or csv."}, {"amber_to", "query", "Comma-separated member countries (ISO alpha-2 or alpha-3) a TLP:AMBER indicator is released to (default: none besides you)."}}, h: s.importIndicators},
		{Method: "GET", Path: "/api/v1/indicators/export", Summary: "The cyber indicators you may see, as a STIX 2.1 bundle (TLP markings from releasability) or CSV",
			Stream: "application/octet-stream", StreamSchema: "Binary", Params: []param{{"format", "query", "stix (default) or csv."}}, h: s.exportIndicators},
		{Method: "POST", Path: "/api/v1/campaigns/{id}/escalate", Summary: "Share the campaign's indicators with chosen countries and draft Purple and Silver Notice requests, in one step; again, only the indicators not yet shared", Body: "CampaignEscalate", Resp: "CampaignEscalation", Status: 201, Params: []param{pCampaignID}, h: s.escalateCampaign},
	}
}

func orDefault(n, d int) int {
	if n <= 0 {
		return d
	}
	return n
}

func (s *Server) reportChallenge(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	if err := s.publicAllowed(w, r, v); err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, s.Reports.PoW.Issue(time.Now()))
	return nil
}

func (s *Server) submitReport(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	if err := s.rateAllowed(w, &s.reportLimit, v, orDefault(s.ReportRate, DefaultReportRate), "reports"); err != nil {
		return err
	}
	var in reports.Input
	if err := decode(r, &in); err != nil {
		return err
	}
	rc, err := s.Reports.Submit(r.Context(), v, in)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusCreated, rc)
	return nil
}

// followAllowed counts a failed follow-up of v's address against the
// limit of failed follow-ups a minute.
func (s *Server) followAllowed(w http.ResponseWriter, v core.Viewer) error {
	return s.rateAllowed(w, &s.followLimit, v, s.followRate(), "failed follow-ups")
}

func (s *Server) followRate() int { return orDefault(s.ReportFollowRate, DefaultReportFollowRate) }

// followFailed counts only failed follow-ups, so a reporter checking
// often is never refused but guessing secrets is slow.
func (s *Server) followFailed(w http.ResponseWriter, v core.Viewer, err error) error {
	if core.ErrorCode(err) == core.ENOTFOUND {
		if lerr := s.followAllowed(w, v); lerr != nil {
			return lerr
		}
	}
	return err
}

func (s *Server) followBlocked(v core.Viewer) bool {
	return s.followLimit.blocked(v.Remote, s.followRate(), time.Now())
}

func (s *Server) followReport(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	if s.followBlocked(v) {
		return s.followAllowed(w, v)
	}
	f, err := s.Reports.Follow(r.Context(), v, r.PathValue("receipt"), r.Header.Get("X-Report-Secret"))
	if err != nil {
		return s.followFailed(w, v, err)
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, f)
	return nil
}

func (s *Server) addToReport(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	if s.followBlocked(v) {
		return s.followAllowed(w, v)
	}
	if err := s.rateAllowed(w, &s.reportLimit, v, orDefault(s.ReportRate, DefaultReportRate), "reports and additions"); err != nil {
		return err
	}
	var in reports.AddInput
	if err := decode(r, &in); err != nil {
		return err
	}
	f, err := s.Reports.Add(r.Context(), v, r.PathValue("receipt"), r.Header.Get("X-Report-Secret"), in)
	if err != nil {
		return s.followFailed(w, v, err)
	}
	writeJSON(w, http.StatusOK, f)
	return nil
}

func (s *Server) reportQueue(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	q := r.URL.Query()
	var fs []core.FieldError
	limit := intParam(q, "limit", 100, 1, maxPage, &fs)
	offset := intParam(q, "offset", 0, 0, 1_000_000, &fs)
	if err := invalid(fs); err != nil {
		return err
	}
	rs, err := s.Reports.Queue(r.Context(), v, core.ReportFilter{Status: q.Get("status"), Campaign: q.Get("campaign"), Assignee: q.Get("assignee"), Limit: limit, Offset: offset})
	if err != nil {
		return err
	}
	if rs == nil {
		rs = []*core.Report{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": rs, "count": len(rs)})
	return nil
}

func (s *Server) getReport(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	rep, err := s.Reports.Get(r.Context(), v, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rep)
	return nil
}

func (s *Server) reportFile(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	f, b, err := s.Reports.File(r.Context(), v, r.PathValue("id"), r.PathValue("fid"))
	if err != nil {
		return err
	}
	// As a notice's attachments: access is decided on every read, so a
	// citizen's screenshot is not kept in the analyst's browser cache.
	writeAttachment(w, &core.Attachment{Name: f.Name, ContentType: f.ContentType, SHA256: f.SHA256, Content: b}, "private, no-store")
	return nil
}

func (s *Server) patchReport(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	var in reports.Change
	if err := decode(r, &in); err != nil {
		return err
	}
	rep, err := s.Reports.Update(r.Context(), v, r.PathValue("id"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rep)
	return nil
}

func (s *Server) listCampaigns(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	q := r.URL.Query()
	var fs []core.FieldError
	min := intParam(q, "min_reports", 0, 1, 1_000_000, &fs)
	limit := intParam(q, "limit", 100, 1, 1000, &fs)
	offset := intParam(q, "offset", 0, 0, 1_000_000, &fs)
	if err := invalid(fs); err != nil {
		return err
	}
	f := core.CampaignFilter{MinReports: min, Limit: limit, Offset: offset}
	cs, err := s.Reports.ListCampaigns(r.Context(), v, f)
	if err != nil {
		return err
	}
	if cs == nil {
		cs = []*core.Campaign{}
	}
	// A page that is not full is the last: its offset and rows are all,
	// unless the offset went past the end.
	total := offset + len(cs)
	if len(cs) == limit || len(cs) == 0 && offset > 0 {
		if total, err = s.Reports.CountCampaigns(r.Context(), v, f); err != nil {
			return err
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": cs, "count": len(cs), "offset": offset, "total": total})
	return nil
}

func (s *Server) getCampaign(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	cv, err := s.Reports.Campaign(r.Context(), v, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, cv)
	return nil
}

type campaignMergeIn struct {
	Campaigns []string `json:"campaigns"`
}

type campaignSplitIn struct {
	Reports []string `json:"reports"`
	Name    string   `json:"name"`
}

type campaignNameIn struct {
	Name string `json:"name"`
}

func (s *Server) mergeCampaigns(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	var in campaignMergeIn
	if err := decode(r, &in); err != nil {
		return err
	}
	cv, err := s.Reports.Merge(r.Context(), v, r.PathValue("id"), in.Campaigns)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, cv)
	return nil
}

func (s *Server) splitCampaign(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	var in campaignSplitIn
	if err := decode(r, &in); err != nil {
		return err
	}
	cv, err := s.Reports.Split(r.Context(), v, r.PathValue("id"), in.Reports, in.Name)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, cv)
	return nil
}

func (s *Server) nameCampaign(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	var in campaignNameIn
	if err := decode(r, &in); err != nil {
		return err
	}
	cv, err := s.Reports.Name(r.Context(), v, r.PathValue("id"), in.Name)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, cv)
	return nil
}

func (s *Server) falseLink(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	cv, err := s.Reports.FalseLink(r.Context(), v, r.PathValue("id"), r.PathValue("iid"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, cv)
	return nil
}

func (s *Server) escalateCampaign(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	var in reports.EscalateInput
	if err := decode(r, &in); err != nil {
		return err
	}
	out, err := s.Reports.Escalate(r.Context(), v, r.PathValue("id"), in)
	if err != nil {
		return err
	}
	recs := make([]recordOut, len(out.Records))
	for i, rec := range out.Records {
		recs[i] = s.out(v, rec)
	}
	res := map[string]any{"campaign": out.Campaign, "records": recs, "new": len(recs), "already_escalated": out.Already, "remaining": out.Remaining}
	if out.PurpleBefore != "" {
		res["purple_notice_before"] = out.PurpleBefore
	}
	if out.Purple != nil {
		res["purple_notice"] = noticeOf(v, out.Purple)
	}
	res["silver_notices"], res["failed_notices"] = noticesOf(v, out.Silver), failedOf(out.Failed)
	// Version 1 gave one silver_notice before there could be several: the
	// first is still there for its clients.
	if len(out.Silver) > 0 {
		res["silver_notice"] = noticeOf(v, out.Silver[0])
	}
	if len(out.Completed) > 0 {
		done := make([]map[string]any, len(out.Completed))
		for i, d := range out.Completed {
			done[i] = map[string]any{"at": d.At, "by": d.By, "records": d.Records, "silver_notices": noticesOf(v, d.Silver), "failed_notices": failedOf(d.Failed)}
			if d.Purple != nil {
				done[i]["purple_notice"] = noticeOf(v, d.Purple)
			}
			if len(d.Silver) > 0 {
				done[i]["silver_notice"] = noticeOf(v, d.Silver[0])
			}
		}
		res["completed"] = done
	}
	writeJSON(w, http.StatusCreated, res)
	return nil
}

func noticesOf(v core.Viewer, nvs []*notices.View) []noticeOut {
	out := make([]noticeOut, len(nvs))
	for i, nv := range nvs {
		out[i] = noticeOf(v, nv)
	}
	return out
}

func failedOf(fs []core.FailedNotice) []core.FailedNotice {
	if fs == nil {
		return []core.FailedNotice{}
	}
	return fs
}

func (s *Server) importIndicators(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	body, err := io.ReadAll(io.LimitReader(r.Body, reports.MaxImportBytes+1))
	if err != nil {
		return decodeError(err)
	}
	if err := checkImportText(body); err != nil {
		return err
	}
	var inds []reports.ImportedIndicator
	switch r.URL.Query().Get("format") {
	case "", "stix":
		// amber_to is checked here, where the caller named it: left to the
		// records, a wrong country would be blamed on the first amber
		// indicator's releasability.
		var amber []string
		var fs []core.FieldError
		for _, c := range strings.Split(r.URL.Query().Get("amber_to"), ",") {
			if c = strings.TrimSpace(c); c == "" {
				continue
			}
			if m, ok := members.Lookup(c); ok {
				amber = append(amber, m.Alpha2)
			} else {
				fs = append(fs, core.FieldError{Field: "amber_to", Reason: fmt.Sprintf("%q is not a member country's ISO 3166 alpha-2 or alpha-3 code", c), Code: "country"})
			}
		}
		if err := invalid(fs); err != nil {
			return err
		}
		inds, err = reports.ParseSTIX(body, amber)
	case "csv":
		inds, err = reports.ParseCSV(body)
	default:
		return core.Invalid(core.FieldError{Field: "format", Reason: "must be stix or csv"})
	}
	if err != nil {
		return err
	}
	recs, err := s.Reports.Import(r.Context(), v, inds)
	if err != nil {
		return err
	}
	out := make([]recordOut, len(recs))
	for i, rec := range recs {
		out[i] = s.out(v, rec)
	}
	// What was kept only in part is said, field by field, as the file
	// numbers its indicators.
	notes := []string{}
	for i, ind := range inds {
		for _, c := range ind.Notes {
			notes = append(notes, fmt.Sprintf("indicators[%d].%s", i, c))
		}
	}
	writeJSON(w, http.StatusCreated, map[string]any{"items": out, "count": len(out), "notes": notes})
	return nil
}

func (s *Server) exportIndicators(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	var buf bytes.Buffer
	var err error
	switch r.URL.Query().Get("format") {
	case "", "stix":
		w.Header().Set("Content-Type", "application/stix+json;version=2.1")
		_, err = s.Reports.ExportSTIX(r.Context(), v, &buf)
	case "csv":
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		_, err = s.Reports.ExportCSV(r.Context(), v, &buf)
	default:
		return core.Invalid(core.FieldError{Field: "format", Reason: "must be stix or csv"})
	}
	if err != nil {
		w.Header().Del("Content-Type")
		return err
	}
	w.Write(buf.Bytes())
	return nil
}

func reportSchemas() obj {
	num, boolean, integer := obj{"type": "number"}, obj{"type": "boolean"}, obj{"type": "integer"}
	strs := list(str(""))
	indicator := obj{"type": "object", "properties": obj{"type": str("phone, email, url, domain, iban, btc, eth, trx, handle, tx_hash"), "value": str("as written"),
		"key": str("type:canonical form, what correlation links on"), "valid": boolean, "reason": str("why the value is not valid"), "source": str("field, narrative or addition"),
		"linking": boolean, "note": enum([]string{"warning_list", "over_common", "false_link"})}}
	loss := object(nil, obj{"amount": num, "currency": str("ISO 4217"), "method": enum(reports.PaymentMethods), "date": str(""), "iban": str(""), "wallet": str(""), "tx_hash": str("")})
	suspect := object(nil, obj{"names": strs, "phones": strs, "emails": strs, "websites": strs, "handles": strs, "accounts": list(str("IBAN")), "wallets": strs})
	step := obj{"type": "object", "properties": obj{"at": dateTime, "status": enum(core.ReportStatuses), "by": str("")}}
	failedNotice := obj{"type": "object", "description": "a notice request the notices service refused as invalid: drafting it again could not succeed, so it is not pending and stops no later escalation; draft one by hand from the escalation's records if it is wanted",
		"properties": obj{"type": enum([]string{notices.TypePurple, notices.TypeSilver}), "part": obj{"type": "integer", "description": "which of the escalation's Silver Notice requests, when it needed several"}, "parts": integer,
			"at": dateTime, "reason": str("the notices service's answer"), "fields": list(obj{"type": "object", "properties": obj{"field": str(""), "reason": str(""), "code": str(""), "params": strs}})}}
	note := obj{"type": "object", "properties": obj{"at": dateTime, "by": str(""), "text": str(""), "public": boolean}}
	campaign := obj{"type": "object", "properties": obj{"id": str(""), "version": integer, "bureau": str(""), "name": str(""), "merged_into": str(""), "reports": integer, "losses": num,
		"first_seen": dateTime, "last_seen": dateTime, "updated_at": dateTime,
		"escalated_before": obj{"type": "array", "items": str("type:canonical form"), "description": "indicators escalations of the campaign this one was split off had shared: escalating it does not share them again"},
		"escalations": list(obj{"type": "object", "properties": obj{"at": dateTime, "by": str(""), "countries": strs, "records": list(str("cyber-indicator record id")),
			"indicators": list(str("type:canonical form of each indicator shared")), "purple_notice": str("notice request id"),
			"silver_notices":  obj{"type": "array", "items": str("notice request id"), "description": fmt.Sprintf("the Silver Notice requests drafted for the accounts and wallets shared, at most %d assets each (an escalation stored before there could be several had one, silver_notice: it is given here)", notices.MaxListEntries)},
			"failed_notices":  list(failedNotice),
			"pending_notices": obj{"type": "array", "items": enum([]string{notices.TypePurple, notices.TypeSilver}), "description": "notice requests the escalation means to draft and has not (a failure after its records): escalating the campaign again drafts them (silver: the parts not yet drafted)"},
			"drafting":        obj{"type": "object", "description": "set while an escalation call drafts the pending notice requests (until when it holds them)", "properties": obj{"token": str(""), "until": dateTime}}}}),
		"victims": integer, "indicators": list(obj{"type": "object", "properties": obj{"id": str("for false-link"), "key": str(""), "type": str(""), "value": str(""), "reports": integer, "total": integer, "state": enum([]string{core.IndicatorLinking, core.IndicatorOverCommon, core.IndicatorFalseLink})}}),
		"report_list":    list(obj{"type": "object"}),
		"loss_totals":    list(obj{"type": "object", "description": "the campaign's losses per currency, in the list as in a campaign's view, each counted exactly in its currency's ISO 4217 minor unit and written with its decimals (12.360 TND, 5000.00 MAD, 1500 JPY; losses adds every amount, whatever its currency, to order campaigns)", "properties": obj{"amount": num, "currency": str("ISO 4217; empty when the reporter gave none")}}),
		"growth_per_day": list(obj{"type": "object", "properties": obj{"day": str("YYYY-MM-DD"), "reports": integer}}), "categories": obj{"type": "object"}}}
	return obj{
		"ReportChallenge": obj{"type": "object", "properties": obj{"challenge": str(""), "difficulty": integer, "expires_at": dateTime, "algorithm": str("")}},
		"ReportInput": object([]string{"category", "narrative", "consent", "pow"}, obj{
			"category": enum(reports.Categories), "narrative": str("what happened; at most 20000 characters"), "occurred_at": str("YYYY-MM-DD or RFC 3339"),
			"country": str("the reporter's country (default region of phone numbers)"), "lang": enum(lang.Supported), "threat_to_life": boolean,
			"losses": list(loss), "suspect": suspect, "anonymous": boolean,
			"contact": object(nil, obj{"name": str(""), "email": str(""), "phone": str("")}), "consent": boolean,
			"attachments": list(object(nil, obj{"name": str(""), "content": str("base64: PNG, JPEG, WebP or PDF, at most 5 MiB")})),
			"pow":         object(nil, obj{"challenge": str("from GET /api/v1/public/reports/challenge"), "counter": str("decimal, so that SHA-256(challenge+counter) has difficulty leading zero bits")}),
		}),
		"ReportReceipt":  obj{"type": "object", "properties": obj{"receipt": str(""), "secret": str("shown once"), "status": str(""), "indicators": list(indicator), "created_at": dateTime, "note": str("")}},
		"ReportFollowUp": obj{"type": "object", "properties": obj{"receipt": str(""), "status": enum(core.ReportStatuses), "category": str(""), "created_at": dateTime, "updated_at": dateTime, "history": list(step), "notes": list(note), "additions": integer, "attachments": integer}},
		"ReportAddition": object(nil, obj{"text": str("at most 5000 characters"), "attachments": list(object(nil, obj{"name": str(""), "content": str("base64")}))}),
		"Report": obj{"type": "object", "properties": obj{"id": str(""), "receipt": str(""), "version": integer, "bureau": str(""), "category": enum(reports.Categories), "narrative": str(""),
			"occurred_at": str(""), "country": str(""), "lang": str(""), "threat_to_life": boolean, "losses": list(loss), "suspect": suspect, "anonymous": boolean, "contact": obj{"type": "object"},
			"consent": boolean, "attachments": list(obj{"type": "object"}), "indicators": list(indicator), "status": enum(core.ReportStatuses), "urgency": integer, "loss_total": num,
			"assignee": str(""), "campaign_id": str(""), "notes": list(note), "additions": list(obj{"type": "object"}), "history": list(step), "created_at": dateTime, "updated_at": dateTime}},
		"ReportList":       obj{"type": "object", "properties": obj{"items": list(ref("Report")), "count": integer}},
		"ReportChange":     object([]string{"version"}, obj{"version": integer, "status": enum(core.ReportStatuses), "assignee": str(""), "note": str("referral or triage note"), "note_public": obj{"type": "boolean", "description": "shown to the reporter"}}),
		"Campaign":         campaign,
		"CampaignList":     obj{"type": "object", "properties": obj{"items": list(ref("Campaign")), "count": integer, "offset": integer, "total": obj{"type": "integer", "description": "every campaign the filter selects, on all pages"}}},
		"CampaignMerge":    object([]string{"campaigns"}, obj{"campaigns": list(str("campaign id"))}),
		"CampaignSplit":    object([]string{"reports"}, obj{"reports": list(str("report id")), "name": str("")}),
		"CampaignName":     object([]string{"name"}, obj{"name": str("")}),
		"CampaignEscalate": object([]string{"countries"}, obj{"countries": list(str("ISO 3166 code")), "no_purple": boolean, "no_silver": boolean}),
		"RecordList":       obj{"type": "object", "properties": obj{"items": list(ref("Record")), "count": integer}},
		"IndicatorImport": obj{"type": "object", "properties": obj{"items": list(ref("Record")), "count": integer,
			"notes": list(str("what was kept only in part, e.g. indicators[3].description was cut to 500 bytes"))}},
		"CampaignEscalation": obj{"type": "object", "properties": obj{"campaign": str(""), "records": list(ref("Record")),
			"new":               obj{"type": "integer", "description": "indicators shared for the first time: one record each, in records"},
			"already_escalated": obj{"type": "integer", "description": "the campaign's screenable indicators an earlier escalation shared: left out, their records stand (with none new, the escalation is refused: 409 conflict on the field campaign, unless it completed an earlier escalation's pending notice requests)"},
			"remaining":         obj{"type": "integer", "description": fmt.Sprintf("screenable indicators not shared yet because one escalation shares at most %d: escalate again to share them", reports.MaxEscalationRecords)},
			"purple_notice":     ref("Notice"), "silver_notices": obj{"type": "array", "items": ref("Notice"), "description": fmt.Sprintf("the Silver Notice requests drafted: one for each %d accounts and wallets shared", notices.MaxListEntries)},
			"silver_notice":        obj{"allOf": []any{ref("Notice")}, "deprecated": true, "description": "the first of silver_notices, as version 1 gave it when there was one"},
			"failed_notices":       list(failedNotice),
			"purple_notice_before": str("the Purple Notice request an earlier escalation made, when this one made none for that reason"),
			"completed": list(obj{"type": "object", "description": "an earlier escalation whose notice requests were pending, drafted by this call before it shared what is new (a call that completes one succeeds even with nothing new)",
				"properties": obj{"at": dateTime, "by": str(""), "records": list(str("that escalation's records")), "purple_notice": ref("Notice"), "silver_notices": list(ref("Notice")),
					"silver_notice": obj{"allOf": []any{ref("Notice")}, "deprecated": true, "description": "the first of silver_notices"}, "failed_notices": list(failedNotice)}})}},
	}
}
