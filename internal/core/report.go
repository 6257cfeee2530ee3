package core

import (
	"encoding/json"
	"time"
)

// Report statuses, as the reporter sees them through follow-up.
const (
	ReportReceived    = "received"
	ReportUnderReview = "under_review"
	ReportReferred    = "referred" // to investigators
	ReportClosed      = "closed"
)

// ReportStatuses lists the statuses in workflow order.
var ReportStatuses = []string{ReportReceived, ReportUnderReview, ReportReferred, ReportClosed}

// Report is a citizen's cybercrime report to a national platform, owned by
// the bureau that runs the platform. SecretHash is the SHA-256 of the
// follow-up secret the reporter was given once.
type Report struct {
	ID         string `json:"id"`
	Receipt    string `json:"receipt"`
	SecretHash string `json:"-"`
	Version    int64  `json:"version"`
	Bureau     string `json:"bureau"`
	Category   string `json:"category"`
	Narrative  string `json:"narrative"`
	OccurredAt string `json:"occurred_at,omitempty"` // as the reporter gave it: YYYY-MM-DD or RFC 3339
	// Country is the reporter's (default region for phone numbers).
	Country      string            `json:"country"`
	Lang         string            `json:"lang"`
	ThreatToLife bool              `json:"threat_to_life"`
	Losses       []Loss            `json:"losses"`
	Suspect      Suspect           `json:"suspect"`
	Anonymous    bool              `json:"anonymous"`
	Contact      *Contact          `json:"contact,omitempty"`
	Consent      bool              `json:"consent"`
	Attachments  []ReportFile      `json:"attachments"`
	Indicators   []ReportIndicator `json:"indicators"`
	Status       string            `json:"status"`
	// Urgency orders the triage queue: 1 child exploitation or terrorism,
	// 2 threat to life, 3 the rest (then by losses and campaign size).
	Urgency    int          `json:"urgency"`
	LossTotal  float64      `json:"loss_total"`
	Assignee   string       `json:"assignee,omitempty"`
	CampaignID string       `json:"campaign_id"`
	Notes      []ReportNote `json:"notes"`
	Additions  []Addition   `json:"additions"`
	History    []ReportStep `json:"history"`
	CreatedAt  time.Time    `json:"created_at"`
	UpdatedAt  time.Time    `json:"updated_at"`
}

// Loss is one amount lost and how it was paid. Intake rounds Amount half
// to even to its currency's minor unit (CurrencyDigits).
type Loss struct {
	Amount   float64 `json:"amount"`
	Currency string  `json:"currency"`
	Method   string  `json:"method"` // card, transfer, crypto, cash, gift_card, other
	Date     string  `json:"date,omitempty"`
	IBAN     string  `json:"iban,omitempty"`
	Wallet   string  `json:"wallet,omitempty"`
	TxHash   string  `json:"tx_hash,omitempty"`
}

// Suspect is what the reporter knows of the other side.
type Suspect struct {
	Names    []string `json:"names,omitempty"`
	Phones   []string `json:"phones,omitempty"`
	Emails   []string `json:"emails,omitempty"`
	Websites []string `json:"websites,omitempty"`
	Handles  []string `json:"handles,omitempty"`
	Accounts []string `json:"accounts,omitempty"` // bank accounts (IBAN)
	Wallets  []string `json:"wallets,omitempty"`
}

// Contact is how a reporter who is not anonymous may be reached.
type Contact struct {
	Name  string `json:"name,omitempty"`
	Email string `json:"email,omitempty"`
	Phone string `json:"phone,omitempty"`
}

// ReportFile describes a screenshot or document a reporter attached; the
// bytes are stored apart.
type ReportFile struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int    `json:"size"`
	SHA256      string `json:"sha256"`
}

// ReportIndicator is one identifier found in a report. Value is as written;
// Key is "type:canonical", what correlation links on ("" when invalid).
// An invalid value is kept, flagged, and does not link.
type ReportIndicator struct {
	Type    string `json:"type"`
	Value   string `json:"value"`
	Key     string `json:"key,omitempty"`
	Valid   bool   `json:"valid"`
	Reason  string `json:"reason,omitempty"`
	Source  string `json:"source"` // the field it came from, or "narrative"
	Linking bool   `json:"linking"`
	// Note says why a valid value does not link: warning_list, over_common, false_link.
	Note string `json:"note,omitempty"`
}

// ReportNote is a triage or referral note. Public notes are shown to the reporter.
type ReportNote struct {
	At     time.Time `json:"at"`
	By     string    `json:"by"`
	Text   string    `json:"text"`
	Public bool      `json:"public"`
}

// Addition is information the reporter added after the report.
type Addition struct {
	At   time.Time `json:"at"`
	Text string    `json:"text"`
}

// ReportStep is one change of status.
type ReportStep struct {
	At     time.Time `json:"at"`
	Status string    `json:"status"`
	By     string    `json:"by"`
}

// Campaign is a set of reports linked by the indicators they share. A
// campaign merged into another keeps its row with MergedInto set.
type Campaign struct {
	ID         string `json:"id"`
	Version    int64  `json:"version"`
	Bureau     string `json:"bureau"`
	Name       string `json:"name"`
	MergedInto string `json:"merged_into,omitempty"`
	Reports    int    `json:"reports"`
	// Losses adds every amount, whatever its currency: it orders
	// campaigns. LossTotals are the amounts per currency, what a person
	// reads, counted exactly in each currency's minor units (nil in a
	// campaign stored before they were kept).
	Losses     float64   `json:"losses"`
	LossTotals []Money   `json:"loss_totals"`
	FirstSeen  time.Time `json:"first_seen"`
	LastSeen   time.Time `json:"last_seen"`
	UpdatedAt  time.Time `json:"updated_at"`
	// Escalations lists what was created from the campaign.
	Escalations []Escalation `json:"escalations,omitempty"`
	// EscalatedBefore are the indicator keys (type:value) that escalations
	// of the campaigns this one was split off had shared, kept so that
	// escalating it does not share them a second time (its own
	// escalations say what it shared itself). A merge carries them over.
	EscalatedBefore []string `json:"escalated_before,omitempty"`
}

// Escalation records one escalation of a campaign.
type Escalation struct {
	At        time.Time `json:"at"`
	By        string    `json:"by"`
	Countries []string  `json:"countries"`
	Records   []string  `json:"records"`
	Purple    string    `json:"purple_notice,omitempty"`
	// Silver are the Silver Notice requests drafted for the accounts and
	// wallets among Indicators, in their order, at most a notice's list
	// of assets each. An escalation stored before there could be several
	// kept one, as silver_notice: it is read into Silver.
	Silver []string `json:"silver_notices,omitempty"`
	// Failed are the notice requests the notices service refused as
	// invalid: drafting them again cannot succeed, so they are not left
	// pending (which would stop every later escalation on them) but kept
	// here, with why.
	Failed []FailedNotice `json:"failed_notices,omitempty"`
	// Indicators are the keys (type:value) the escalation made Records
	// of, so that a later escalation shares only what is new. Escalations
	// stored before they were kept have none: their records tell.
	Indicators []string `json:"indicators,omitempty"`
	// Pending are the notice requests ("purple", "silver") the escalation
	// means to draft and has not drafted yet. They are stored with its
	// Records and each is cleared as it is drafted (in another
	// transaction), so that one a failure left out is drafted when the
	// campaign is escalated again, instead of being lost.
	Pending []string `json:"pending_notices,omitempty"`
	// Drafting, while its Until has not passed, says one escalation call
	// is drafting the Pending notice requests: another leaves them to it,
	// so that two at once do not draft them twice.
	Drafting *DraftClaim `json:"drafting,omitempty"`
}

// MarshalJSON writes an escalation with silver_notice, the first of its
// Silver Notice requests, beside silver_notices: what version 1 of the
// API gave before there could be several, kept for its clients.
func (e Escalation) MarshalJSON() ([]byte, error) {
	type plain Escalation
	x := struct {
		plain
		First string `json:"silver_notice,omitempty"`
	}{plain: plain(e)}
	if len(e.Silver) > 0 {
		x.First = e.Silver[0]
	}
	return json.Marshal(x)
}

// UnmarshalJSON reads an escalation, also one stored with a single
// silver_notice.
func (e *Escalation) UnmarshalJSON(b []byte) error {
	type plain Escalation
	var x struct {
		plain
		Legacy string `json:"silver_notice"`
	}
	if err := json.Unmarshal(b, &x); err != nil {
		return err
	}
	*e = Escalation(x.plain)
	if x.Legacy != "" && len(e.Silver) == 0 {
		e.Silver = []string{x.Legacy}
	}
	return nil
}

// FailedNotice is a notice request an escalation meant to draft and the
// notices service refused as invalid. Part and Parts say which of the
// escalation's Silver Notice requests it was, when its accounts and
// wallets needed several.
type FailedNotice struct {
	Type   string        `json:"type"`
	Part   int           `json:"part,omitempty"`
	Parts  int           `json:"parts,omitempty"`
	At     time.Time     `json:"at"`
	Reason string        `json:"reason"`
	Fields []FailedField `json:"fields,omitempty"`
}

// FailedField is a FieldError as a FailedNotice keeps it: with its code
// and parameters, so that a page says it in the reader's language.
type FailedField struct {
	Field  string   `json:"field"`
	Reason string   `json:"reason"`
	Code   string   `json:"code,omitempty"`
	Params []string `json:"params,omitempty"`
}

// DraftClaim is an escalation call's hold on an escalation's pending
// notice requests. It lapses at Until, so that a call that died (a crash
// between the records and the notice requests) does not hold them for ever.
type DraftClaim struct {
	Token string    `json:"token"`
	Until time.Time `json:"until"`
}

// Indicator value states in a bureau's posting lists.
const (
	IndicatorLinking    = "linking"
	IndicatorOverCommon = "over_common"
	IndicatorFalseLink  = "false_link"
)

// IndicatorValue is the head of one posting list: a canonical value, how
// many reports carry it, and whether it still links.
type IndicatorValue struct {
	Bureau string `json:"bureau"`
	Key    string `json:"key"`
	Count  int    `json:"count"`
	State  string `json:"state"`
}

// CampaignIndicator is a value of a campaign with how many of its reports carry it.
type CampaignIndicator struct {
	Key     string `json:"key"`
	Reports int    `json:"reports"`
	Total   int    `json:"total"` // reports of the bureau carrying it
	State   string `json:"state"`
}

// ReportFilter selects a bureau's reports for the triage queue.
type ReportFilter struct {
	Bureau   string
	Status   string // "" : every status but closed
	Campaign string
	Assignee string
	// Unassigned keeps only the reports nobody is assigned to.
	Unassigned bool
	Limit      int
	Offset     int
}

// CampaignFilter selects a bureau's campaigns for the campaign list.
type CampaignFilter struct {
	Bureau     string
	MinReports int
	// IDs, when given, keeps only these campaigns.
	IDs    []string
	Limit  int
	Offset int
}

// ReportTx stores reports, campaigns, posting lists and used proof-of-work nonces.
type ReportTx interface {
	InsertReport(r *Report) error
	// UpdateReport writes r if the stored version is r.Version-1; otherwise ECONFLICT.
	UpdateReport(r *Report) error
	GetReport(id string) (*Report, error)
	GetReportByReceipt(receipt string) (*Report, error)
	// ReportQueue lists reports by urgency, losses and campaign size.
	ReportQueue(f ReportFilter) ([]*Report, error)
	// CountReports counts the reports ReportQueue would list without its
	// Limit and Offset.
	CountReports(f ReportFilter) (int, error)
	InsertReportFile(reportID string, f ReportFile, content []byte) error
	ReportFileContent(reportID, fileID string) ([]byte, error)

	// LockIndicator returns the posting list head of key, creating it
	// (count 0, linking) if absent, locked until the transaction ends.
	LockIndicator(bureau, key string) (*IndicatorValue, error)
	SaveIndicator(v *IndicatorValue) error
	// AddPosting adds reportID to key's posting list.
	AddPosting(bureau, key, reportID string) error
	// PostingCampaigns lists the distinct campaigns of the reports on key's list.
	PostingCampaigns(bureau, key string) ([]string, error)

	InsertCampaign(c *Campaign) error
	// UpdateCampaign writes c if the stored version is c.Version-1; otherwise ECONFLICT.
	UpdateCampaign(c *Campaign) error
	GetCampaign(id string) (*Campaign, error)
	// ListCampaigns lists the live (not merged) campaigns of f, largest
	// first.
	ListCampaigns(f CampaignFilter) ([]*Campaign, error)
	// CountCampaigns counts the campaigns ListCampaigns would list
	// without its Limit and Offset.
	CountCampaigns(f CampaignFilter) (int, error)
	// MoveReports moves every report of campaign from into campaign to,
	// each at its next version.
	MoveReports(from, to string) (int64, error)
	// CampaignCounts counts every report of the campaign by category and
	// by day of receipt (UTC, "2006-01-02").
	CampaignCounts(campaignID string) (categories, days map[string]int, err error)
	// CampaignIndicators lists the values the campaign's reports carry,
	// those carried by most reports first, at most limit of them (1,000 at
	// most); a negative limit lists every one (a campaign holds at most
	// 60 values a report).
	CampaignIndicators(campaignID string, limit int) ([]CampaignIndicator, error)

	// UseNonce records a proof-of-work nonce; ECONFLICT if it was used.
	// Nonces past their expiry are forgotten.
	UseNonce(nonce string, expires, now time.Time) error
}
