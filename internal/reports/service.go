// Package reports owns citizen cybercrime reports: intake from the public
// (validation, indicators, receipts and secrets, proof-of-work), follow-up
// and additions by the reporter, correlation into campaigns (one posting
// list per canonical value, merged incrementally, with a warning list and
// a per-value cap), triage by the receiving bureau's cybercrime unit,
// escalation (cyber-indicator records and notice requests), and STIX/CSV
// import and export of indicators. It asks access for every decision and
// must not touch HTTP or SQL; records and notices are created through
// their services.
package reports

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/manara-hub/manara/internal/audit"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/files"
	"github.com/manara-hub/manara/internal/lang"
	"github.com/manara-hub/manara/internal/members"
	"github.com/manara-hub/manara/internal/notices"
	"github.com/manara-hub/manara/internal/records"
)

// Categories of report.
var Categories = []string{
	"online_fraud", "phishing", "investment_fraud", "romance_scam", "fake_shop", "sextortion",
	"account_hacking", "threats_harassment", "defamation", "hate_speech", "scam_recruitment",
	"child_exploitation", "terrorism", "illicit_trade", "other",
}

// PaymentMethods of a loss.
var PaymentMethods = []string{"card", "transfer", "crypto", "cash", "gift_card", "other"}

// Limits on what a report may hold.
const (
	MaxNarrative       = 20000 // characters
	MaxString          = 500
	MaxItems           = 20                 // per list
	MaxAttachments     = 5                  // a submission's, and an addition's
	MaxReportFiles     = 2 * MaxAttachments // a report's over its life
	MaxAttachmentBytes = 5 << 20
	MaxReportBytes     = 12 << 20 // all attachments of a report together
	MaxAdditions       = 50
	MaxAddition        = 5000 // characters of one addition
	MaxNotes           = 200  // the unit's notes on one report
	DefaultCap         = 50
)

// Event types.
const (
	EventReceived        = "report.received"
	EventCampaignUpdated = "campaign.updated"
	EventEscalated       = "report.escalated"
)

// Service runs citizen reporting.
type Service struct {
	Store   core.Store
	Records *records.Service
	Notices *notices.Service
	// Bureau receives the reports of the national platform.
	Bureau string
	// Cap: a value on more reports than this stops linking (over-common).
	Cap  int
	Warn WarningList
	PoW  *PoW
	Now  func() time.Time
	// Notify, if set, is called after a commit that wrote events.
	Notify func()
	// noticeHook, if set (by tests), runs before escalation drafts a notice
	// request of that type; its error stands for the notices service's.
	noticeHook func(typ string) error
}

// New returns a Service for bureau with the default cap, warning list and
// proof-of-work.
func New(st core.Store, rs *records.Service, ns *notices.Service, bureau string) *Service {
	return &Service{Store: st, Records: rs, Notices: ns, Bureau: bureau, Cap: DefaultCap,
		Warn: DefaultWarningList(""), PoW: NewPoW(), Now: time.Now}
}

func (s *Service) now() time.Time { return s.Now().UTC().Truncate(time.Microsecond) }

func (s *Service) notify() {
	if s.Notify != nil {
		s.Notify()
	}
}

// Attachment is a file sent with a report (base64 in JSON).
type Attachment struct {
	Name    string `json:"name"`
	Content []byte `json:"content"`
}

// ProofOfWork is a solved challenge.
type ProofOfWork struct {
	Challenge string `json:"challenge"`
	Counter   string `json:"counter"`
}

// Input is a report as the public sends it.
type Input struct {
	Category     string        `json:"category"`
	Narrative    string        `json:"narrative"`
	OccurredAt   string        `json:"occurred_at"`
	Country      string        `json:"country"`
	Lang         string        `json:"lang"`
	ThreatToLife bool          `json:"threat_to_life"`
	Losses       []core.Loss   `json:"losses"`
	Suspect      core.Suspect  `json:"suspect"`
	Anonymous    bool          `json:"anonymous"`
	Contact      *core.Contact `json:"contact"`
	Consent      bool          `json:"consent"`
	Attachments  []Attachment  `json:"attachments"`
	PoW          ProofOfWork   `json:"pow"`
}

// Receipt is what the reporter gets once: the receipt number and the
// secret that, together, open the report's follow-up.
type Receipt struct {
	Receipt    string                 `json:"receipt"`
	Secret     string                 `json:"secret"`
	Status     string                 `json:"status"`
	Indicators []core.ReportIndicator `json:"indicators"`
	CreatedAt  time.Time              `json:"created_at"`
	Note       string                 `json:"note"`
}

// Validate checks in and returns the report it describes (without
// identity, indicators or campaign) and the attachments' metadata, or a
// validation error naming every bad field.
func Validate(in *Input) (*core.Report, error) {
	var fs []core.FieldError
	bad := collector(&fs)
	text := func(f, v string, max int) string {
		v = strings.TrimSpace(v)
		if !utf8.ValidString(v) || strings.ContainsRune(v, 0) {
			bad(f, "must be text (UTF-8, no NUL characters)")
			return ""
		}
		if n := utf8.RuneCountInString(v); n > max {
			bad(f, "is %d characters long; at most %d", n, max)
		}
		return v
	}
	list := func(f string, vs []string) []string {
		if len(vs) > MaxItems {
			bad(f, "has %d entries; at most %d", len(vs), MaxItems)
			vs = vs[:MaxItems]
		}
		var out []string
		for i, v := range vs {
			if v = text(fmt.Sprintf("%s[%d]", f, i), v, MaxString); v != "" {
				out = append(out, v)
			}
		}
		return out
	}
	r := &core.Report{}
	r.Category = strings.ToLower(strings.TrimSpace(in.Category))
	switch {
	case r.Category == "":
		bad("category", "is required: one of %s", strings.Join(Categories, ", "))
	case !slices.Contains(Categories, r.Category):
		bad("category", "must be one of %s", strings.Join(Categories, ", "))
	}
	r.Narrative = text("narrative", in.Narrative, MaxNarrative)
	if strings.TrimSpace(in.Narrative) == "" {
		bad("narrative", "is required: what happened, in your words")
	}
	r.OccurredAt = text("occurred_at", in.OccurredAt, 40)
	if r.OccurredAt != "" {
		if _, err := records.ParseDate(r.OccurredAt); err != nil {
			bad("occurred_at", "must be a date YYYY-MM-DD or an RFC 3339 time")
		}
	}
	r.Country = strings.ToUpper(strings.TrimSpace(in.Country))
	if r.Country != "" {
		if m, ok := members.Lookup(r.Country); ok {
			r.Country = m.Alpha2
		} else {
			bad("country", "must be an ISO 3166 country code")
		}
	}
	r.Lang = strings.ToLower(strings.TrimSpace(in.Lang))
	if r.Lang == "" {
		r.Lang = "en"
	} else if !lang.Valid(r.Lang) {
		bad("lang", "must be %s", lang.List())
	}
	r.ThreatToLife = in.ThreatToLife
	if len(in.Losses) > MaxItems {
		bad("losses", "has %d entries; at most %d", len(in.Losses), MaxItems)
		in.Losses = in.Losses[:MaxItems]
	}
	for i, l := range in.Losses {
		p := fmt.Sprintf("losses[%d]", i)
		if math.IsNaN(l.Amount) || l.Amount < 0 || l.Amount > 1e12 {
			bad(p+".amount", "must be a number from 0 to 10^12")
		}
		l.Currency = strings.ToUpper(text(p+".currency", l.Currency, 3))
		if l.Currency != "" && (len(l.Currency) != 3 || strings.Trim(l.Currency, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "") {
			bad(p+".currency", "must be an ISO 4217 code such as MAD or EUR")
		}
		// Each amount is kept to its currency's minor unit (ISO 4217:
		// thousandths of a dinar, whole yen), rounded half to even.
		l.Amount = core.RoundAmount(l.Amount, l.Currency)
		l.Method = strings.ToLower(text(p+".method", l.Method, 20))
		if l.Method == "" {
			l.Method = "other"
		} else if !slices.Contains(PaymentMethods, l.Method) {
			bad(p+".method", "must be one of %s", strings.Join(PaymentMethods, ", "))
		}
		l.Date = text(p+".date", l.Date, 40)
		if l.Date != "" {
			if _, err := records.ParseDate(l.Date); err != nil {
				bad(p+".date", "must be a date YYYY-MM-DD or an RFC 3339 time")
			}
		}
		l.IBAN = text(p+".iban", l.IBAN, 100)
		l.Wallet = text(p+".wallet", l.Wallet, 200)
		l.TxHash = text(p+".tx_hash", l.TxHash, 200)
		r.Losses = append(r.Losses, l)
		if !math.IsNaN(l.Amount) && l.Amount > 0 && l.Amount <= 1e12 {
			r.LossTotal += l.Amount
		}
	}
	sp := in.Suspect
	r.Suspect = core.Suspect{
		Names: list("suspect.names", sp.Names), Phones: list("suspect.phones", sp.Phones), Emails: list("suspect.emails", sp.Emails),
		Websites: list("suspect.websites", sp.Websites), Handles: list("suspect.handles", sp.Handles),
		Accounts: list("suspect.accounts", sp.Accounts), Wallets: list("suspect.wallets", sp.Wallets),
	}
	r.Anonymous = in.Anonymous
	if in.Contact != nil && !in.Anonymous {
		c := core.Contact{Name: text("contact.name", in.Contact.Name, 200), Email: text("contact.email", in.Contact.Email, 300), Phone: text("contact.phone", in.Contact.Phone, 50)}
		if c != (core.Contact{}) {
			r.Contact = &c
		}
	}
	if !in.Consent {
		bad("consent", "must be true: the report is processed by the cybercrime unit under the consent text")
	}
	r.Consent = in.Consent
	r.Attachments = checkAttachments(in.Attachments, bad)
	if len(fs) > 0 {
		return nil, core.Invalid(fs...)
	}
	return r, nil
}

// collector returns a function that adds a field error to *fs, keeping
// the first 50. The error's Code comes from reasonCodes by its format, and
// its Params are the arguments, so that the citizen's page and the console
// can say it in the user's language.
func collector(fs *[]core.FieldError) func(f, format string, args ...any) {
	return func(f, format string, args ...any) {
		if len(*fs) < 50 {
			e := core.FieldError{Field: f, Reason: fmt.Sprintf(format, args...), Code: reasonCodes[format]}
			for _, a := range args {
				e.Params = append(e.Params, fmt.Sprint(a))
			}
			*fs = append(*fs, e)
		}
	}
}

// reasonCodes are the codes of Validate's reasons, by their format: each
// is a "reason.<code>" key of the catalogs (internal/i18n). A test checks
// that every format Validate uses has one.
var reasonCodes = map[string]string{
	"must be text (UTF-8, no NUL characters)":       "text",
	"is %d characters long; at most %d":             "too_long",
	"has %d entries; at most %d":                    "too_many",
	"is required: one of %s":                        "choose",
	"must be one of %s":                             "choose",
	"is required: what happened, in your words":     "required",
	"must be a date YYYY-MM-DD or an RFC 3339 time": "date",
	"must be an ISO 3166 country code":              "country",
	"must be %s":                                    "language",
	"must be a number from 0 to 10^12":              "amount",
	"must be an ISO 4217 code such as MAD or EUR":   "currency",
	"must be true: the report is processed by the cybercrime unit under the consent text": "consent",
	"has %d files; at most %d": "too_many_files",
	"is empty":                 "file_empty",
	"is %d bytes; at most %d":  "file_too_large",
	"is %s by its bytes (whatever its name, %q, says); only PNG, JPEG or WebP images and PDF documents are accepted": "file_type",
	"are %d bytes together; at most %d": "files_too_large",
}

// checkAttachments checks the number, size and type of files and their
// total, reporting through bad, and returns their metadata (in order, one
// per file, whether it passed or not).
func checkAttachments(as []Attachment, bad func(f, format string, args ...any)) []core.ReportFile {
	if len(as) > MaxAttachments {
		bad("attachments", "has %d files; at most %d", len(as), MaxAttachments)
	}
	var out []core.ReportFile
	total := 0
	for i, a := range as {
		p := fmt.Sprintf("attachments[%d]", i)
		total += len(a.Content)
		ct, ok := files.Sniff(a.Content)
		name := files.CleanName(a.Name)
		switch {
		case len(a.Content) == 0:
			bad(p+".content", "is empty")
		case len(a.Content) > MaxAttachmentBytes:
			bad(p+".content", "is %d bytes; at most %d", len(a.Content), MaxAttachmentBytes)
		case !ok:
			bad(p+".content", "is %s by its bytes (whatever its name, %q, says); only PNG, JPEG or WebP images and PDF documents are accepted", ct, name)
		}
		sum := sha256.Sum256(a.Content)
		out = append(out, core.ReportFile{ID: uuid.Must(uuid.NewV7()).String(), Name: name, ContentType: ct, Size: len(a.Content), SHA256: hex.EncodeToString(sum[:])})
	}
	if total > MaxReportBytes {
		bad("attachments", "are %d bytes together; at most %d", total, MaxReportBytes)
	}
	return out
}

// Urgency ranks a report for triage: 1 child exploitation or terrorism,
// 2 threats to life, 3 the rest.
func Urgency(r *core.Report) int {
	switch {
	case r.Category == "child_exploitation" || r.Category == "terrorism":
		return 1
	case r.ThreatToLife:
		return 2
	}
	return 3
}

var receiptAlphabet = base32.NewEncoding("ABCDEFGHJKLMNPQRSTUVWXYZ23456789").WithPadding(base32.NoPadding)

func newReceipt(now time.Time) string {
	// 50 bits: a collision is checked for anyway, but stays rare at
	// millions of reports.
	b := make([]byte, 7)
	rand.Read(b)
	return fmt.Sprintf("R-%d-%s", now.Year(), receiptAlphabet.EncodeToString(b)[:10])
}

func newSecret() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func hashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// Submit validates in, checks its proof-of-work, and stores the report,
// its indicators, its campaign's update, its attachments, the audit entry
// and the event in one transaction. It answers only after the commit.
func (s *Service) Submit(ctx context.Context, v core.Viewer, in Input) (*Receipt, error) {
	return s.submit(ctx, v, in, false)
}

// SubmitForm is Submit for the public page's form, which may come from a
// browser without JavaScript: an unsolved challenge passes once it is
// PoW.NoScriptDelay old.
func (s *Service) SubmitForm(ctx context.Context, v core.Viewer, in Input) (*Receipt, error) {
	return s.submit(ctx, v, in, true)
}

func (s *Service) submit(ctx context.Context, v core.Viewer, in Input, form bool) (*Receipt, error) {
	const action = "report.create"
	r, err := Validate(&in)
	if err != nil {
		return nil, s.refuse(ctx, v, action, err)
	}
	now := s.now()
	nonce, expires, err := s.PoW.check(in.PoW.Challenge, in.PoW.Counter, now, form)
	if err != nil {
		return nil, s.refuse(ctx, v, action, err)
	}
	if r.Country == "" {
		r.Country = s.Bureau
	}
	secret := newSecret()
	r.ID = uuid.Must(uuid.NewV7()).String()
	r.Receipt, r.SecretHash, r.Version, r.Bureau = newReceipt(now), hashSecret(secret), 1, s.Bureau
	r.Status, r.Urgency, r.CreatedAt, r.UpdatedAt = core.ReportReceived, Urgency(r), now, now
	r.History = []core.ReportStep{{At: now, Status: core.ReportReceived, By: "reporter"}}
	r.Indicators = Extract(r)
	err = s.Store.Update(ctx, func(tx core.Tx) error {
		if err := tx.UseNonce(nonce, expires, now); err != nil {
			return powUsed(err)
		}
		for range 5 {
			if _, err := tx.GetReportByReceipt(r.Receipt); core.ErrorCode(err) == core.ENOTFOUND {
				break
			} else if err != nil {
				return err
			}
			r.Receipt = newReceipt(now)
		}
		if err := s.link(tx, r, r.Indicators, true, now); err != nil {
			return err
		}
		for i, f := range r.Attachments {
			if err := tx.InsertReportFile(r.ID, f, in.Attachments[i].Content); err != nil {
				return err
			}
		}
		if err := tx.InsertEvent(&core.Event{At: now, Type: EventReceived, Subject: r.ID, Audience: []string{r.Bureau},
			Data: mustJSON(map[string]any{"id": r.ID, "receipt": r.Receipt, "category": r.Category, "urgency": r.Urgency, "campaign_id": r.CampaignID})}); err != nil {
			return err
		}
		e := audit.Entry(v, action, audit.OK, r.ID)
		e.Query = r.Receipt
		return audit.Append(tx, e)
	})
	if err != nil {
		return nil, s.refuse(ctx, v, action, err)
	}
	s.notify()
	return &Receipt{Receipt: r.Receipt, Secret: secret, Status: r.Status, Indicators: r.Indicators, CreatedAt: now,
		Note: "Keep the receipt number and the secret: the secret is shown only now, and both are needed to follow the report."}, nil
}

func mustJSON(v any) json.RawMessage {
	b, _ := json.Marshal(v)
	return b
}

// link puts r's linking indicators on their posting lists and joins r to
// the campaign of the reports it shares a value with, merging campaigns
// when it shares values with several. A new report is inserted here.
func (s *Service) link(tx core.Tx, r *core.Report, inds []core.ReportIndicator, isNew bool, now time.Time) error {
	cap := s.Cap
	if cap <= 0 {
		cap = DefaultCap
	}
	camps := map[string]bool{}
	if !isNew && r.CampaignID != "" {
		camps[r.CampaignID] = true
	}
	var keys []string
	// Posting-list heads are locked in key order, so that concurrent
	// reports sharing values cannot deadlock (campaigns are locked after
	// them, in id order).
	order := make([]int, len(inds))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return strings.Compare(inds[a].Key, inds[b].Key) })
	for _, i := range order {
		ind := &inds[i]
		if !ind.Valid || ind.Key == "" {
			continue
		}
		if s.Warn.Benign(ind.Key) {
			ind.Note = "warning_list"
			continue
		}
		keys = append(keys, ind.Key)
		iv, err := tx.LockIndicator(r.Bureau, ind.Key)
		if err != nil {
			return err
		}
		iv.Count++
		if iv.State == core.IndicatorLinking && iv.Count > cap {
			iv.State = core.IndicatorOverCommon
		}
		if iv.State == core.IndicatorLinking {
			cs, err := tx.PostingCampaigns(r.Bureau, ind.Key)
			if err != nil {
				return err
			}
			for _, c := range cs {
				camps[c] = true
			}
			ind.Linking = true
		} else {
			ind.Note = iv.State
		}
		if err := tx.SaveIndicator(iv); err != nil {
			return err
		}
	}
	target, err := s.joinCampaigns(tx, r, camps, isNew, now)
	if err != nil {
		return err
	}
	if !isNew && r.CampaignID != target.ID {
		return fmt.Errorf("report %s should be in campaign %s", r.ID, target.ID)
	}
	if isNew {
		r.CampaignID = target.ID
		if err := tx.InsertReport(r); err != nil {
			return err
		}
	}
	for _, k := range keys {
		if err := tx.AddPosting(r.Bureau, k, r.ID); err != nil {
			return err
		}
	}
	return nil
}

// joinCampaigns returns the campaign r belongs to: a new one, the one it
// shares values with, or, for several, the largest with the others merged
// into it. A new report is counted in it.
func (s *Service) joinCampaigns(tx core.Tx, r *core.Report, ids map[string]bool, isNew bool, now time.Time) (*core.Campaign, error) {
	var cs []*core.Campaign
	for _, id := range slices.Sorted(maps.Keys(ids)) {
		c, err := tx.GetCampaign(id)
		if err != nil {
			return nil, err
		}
		if err := keepTotals(tx, c); err != nil {
			return nil, err
		}
		cs = append(cs, c)
	}
	if len(cs) == 0 {
		c := &core.Campaign{ID: uuid.Must(uuid.NewV7()).String(), Version: 1, Bureau: r.Bureau, Reports: 1, Losses: r.LossTotal,
			LossTotals: core.AddMoney(nil, 1, core.LossTotals(r.Losses)...), FirstSeen: r.CreatedAt, LastSeen: r.CreatedAt, UpdatedAt: now}
		return c, tx.InsertCampaign(c)
	}
	slices.SortStableFunc(cs, func(a, b *core.Campaign) int { return b.Reports - a.Reports })
	target := cs[0]
	if !isNew && r.CampaignID != "" {
		// An existing report stays where it is: the others join its campaign.
		for i, c := range cs {
			if c.ID == r.CampaignID {
				target = cs[i]
			}
		}
	}
	changed := isNew
	for _, o := range cs {
		if o.ID == target.ID {
			continue
		}
		if err := mergeInto(tx, target, o, now); err != nil {
			return nil, err
		}
		changed = true
	}
	if isNew {
		target.Reports++
		target.Losses += r.LossTotal
		target.LossTotals = core.AddMoney(target.LossTotals, 1, core.LossTotals(r.Losses)...)
		target.FirstSeen, target.LastSeen = minTime(target.FirstSeen, r.CreatedAt), maxTime(target.LastSeen, r.CreatedAt)
	}
	if !changed {
		return target, nil
	}
	if err := writeCampaign(tx, target, now, target.Reports >= 2); err != nil {
		return nil, err
	}
	return target, nil
}

// writeCampaign writes c at its next version and, with event, tells its
// bureau.
func writeCampaign(tx core.Tx, c *core.Campaign, now time.Time, event bool) error {
	c.Version++
	c.UpdatedAt = now
	if err := tx.UpdateCampaign(c); err != nil {
		return err
	}
	if !event {
		return nil
	}
	return tx.InsertEvent(campaignEvent(c, now))
}

func campaignEvent(c *core.Campaign, now time.Time) *core.Event {
	return &core.Event{At: now, Type: EventCampaignUpdated, Subject: c.ID, Audience: []string{c.Bureau},
		Data: mustJSON(map[string]any{"id": c.ID, "name": c.Name, "reports": c.Reports, "losses": c.Losses, "loss_totals": c.LossTotals})}
}

// mergeInto moves o's reports into target and marks o merged; the caller
// writes target.
func mergeInto(tx core.Tx, target, o *core.Campaign, now time.Time) error {
	if _, err := tx.MoveReports(o.ID, target.ID); err != nil {
		return err
	}
	target.Reports += o.Reports
	target.Losses += o.Losses
	target.LossTotals = core.AddMoney(target.LossTotals, 1, o.LossTotals...)
	target.FirstSeen, target.LastSeen = minTime(target.FirstSeen, o.FirstSeen), maxTime(target.LastSeen, o.LastSeen)
	if target.Name == "" {
		target.Name = o.Name
	}
	target.Escalations = append(target.Escalations, o.Escalations...)
	for _, k := range o.EscalatedBefore {
		if !slices.Contains(target.EscalatedBefore, k) {
			target.EscalatedBefore = append(target.EscalatedBefore, k)
		}
	}
	o.MergedInto, o.Reports, o.Losses, o.LossTotals = target.ID, 0, 0, []core.Money{}
	return writeCampaign(tx, o, now, false)
}

// keepTotals gives a campaign stored before its per-currency totals were
// kept (LossTotals nil), or kept in float64 rounded to cents where that
// may be wrong (core.Campaign.TotalsStale: three-decimal currencies,
// totals beyond 2^53 cents), its totals, from its reports (if it has at
// most maxCampaignReports; else the stored totals stay), once: they are
// kept exactly from then on as reports join, merge and split. Its caller
// writes it.
func keepTotals(tx core.Tx, c *core.Campaign) error {
	if c.LossTotals != nil && (!c.TotalsStale() || c.Reports > maxCampaignReports) {
		return nil
	}
	rs, err := tx.ReportQueue(core.ReportFilter{Bureau: c.Bureau, Status: "all", Campaign: c.ID, Limit: maxCampaignReports})
	if err != nil {
		return err
	}
	c.LossTotals = []core.Money{}
	for _, r := range rs {
		c.LossTotals = core.AddMoney(c.LossTotals, 1, core.LossTotals(r.Losses)...)
	}
	return nil
}

func minTime(a, b time.Time) time.Time {
	if a.IsZero() || (!b.IsZero() && b.Before(a)) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// refuse audits a refused request and returns err.
func (s *Service) refuse(ctx context.Context, v core.Viewer, action string, err error, ids ...string) error {
	e := audit.Entry(v, action, audit.OutcomeOf(err), ids...)
	if ce, ok := err.(*core.Error); ok {
		e.Query = clip(ce.Message, 200)
	}
	audit.Record(ctx, s.Store, e)
	return err
}

// FollowUp is what the reporter sees of a report.
type FollowUp struct {
	Receipt   string            `json:"receipt"`
	Status    string            `json:"status"`
	Category  string            `json:"category"`
	CreatedAt time.Time         `json:"created_at"`
	UpdatedAt time.Time         `json:"updated_at"`
	History   []core.ReportStep `json:"history"`
	Notes     []core.ReportNote `json:"notes"` // public notes only
	Additions int               `json:"additions"`
	Files     int               `json:"attachments"`
}

func followUp(r *core.Report) *FollowUp {
	f := &FollowUp{Receipt: r.Receipt, Status: r.Status, Category: r.Category, CreatedAt: r.CreatedAt,
		History: r.History, Notes: []core.ReportNote{}, Additions: len(r.Additions), Files: len(r.Attachments)}
	for i, st := range f.History {
		if st.By != "reporter" {
			f.History[i].By = "cybercrime unit"
		}
	}
	for _, n := range r.Notes {
		if n.Public {
			f.Notes = append(f.Notes, core.ReportNote{At: n.At, Text: n.Text, Public: true, By: "cybercrime unit"})
		}
	}
	// When it last changed as the reporter sees it: the report's own time
	// also moves on the unit's internal notes, assignments and campaign
	// links, which would tell the reporter that something was done.
	f.UpdatedAt = r.CreatedAt
	later := func(t time.Time) {
		if t.After(f.UpdatedAt) {
			f.UpdatedAt = t
		}
	}
	for _, st := range f.History {
		later(st.At)
	}
	for _, n := range f.Notes {
		later(n.At)
	}
	for _, a := range r.Additions {
		later(a.At)
	}
	return f
}

// errNoReport is the one answer for an unknown receipt and a wrong secret.
func errNoReport() error {
	return core.Errorf(core.ENOTFOUND, "no report with this receipt number and secret")
}

// open loads the report of receipt if secret is its secret, comparing in
// constant time; an unknown receipt costs the same comparison.
func open(tx core.Tx, receipt, secret string) (*core.Report, error) {
	if len(receipt) > 40 || len(secret) > 100 {
		return nil, errNoReport()
	}
	r, err := tx.GetReportByReceipt(strings.ToUpper(strings.TrimSpace(receipt)))
	want := strings.Repeat("0", 64)
	if err == nil {
		want = r.SecretHash
	} else if core.ErrorCode(err) != core.ENOTFOUND {
		return nil, err
	}
	got := hashSecret(strings.TrimSpace(secret))
	if subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 || r == nil || secret == "" {
		return nil, errNoReport()
	}
	return r, nil
}

// Follow returns the reporter's view of a report.
func (s *Service) Follow(ctx context.Context, v core.Viewer, receipt, secret string) (*FollowUp, error) {
	var r *core.Report
	err := s.Store.Update(ctx, func(tx core.Tx) error {
		var err error
		if r, err = open(tx, receipt, secret); err != nil {
			return err
		}
		return audit.Append(tx, audit.Entry(v, "report.follow", audit.OK, r.ID))
	})
	if err != nil {
		return nil, s.refuse(ctx, v, "report.follow", err)
	}
	return followUp(r), nil
}

// AddInput is information a reporter adds later.
type AddInput struct {
	Text        string       `json:"text"`
	Attachments []Attachment `json:"attachments"`
}

// Add appends information to a report; indicators found in the text join
// the report's campaign like the report's own.
func (s *Service) Add(ctx context.Context, v core.Viewer, receipt, secret string, in AddInput) (*FollowUp, error) {
	const action = "report.add"
	text := strings.TrimSpace(in.Text)
	var fs []core.FieldError
	if text == "" && len(in.Attachments) == 0 {
		fs = append(fs, core.FieldError{Field: "text", Reason: "is required: what you want to add (or attach a file)", Code: "add_required"})
	}
	if !utf8.ValidString(text) || strings.ContainsRune(text, 0) {
		fs = append(fs, core.FieldError{Field: "text", Reason: "must be UTF-8 text of at most 5000 characters", Code: "text"})
	} else if n := utf8.RuneCountInString(text); n > MaxAddition {
		fs = append(fs, core.FieldError{Field: "text", Reason: fmt.Sprintf("must be UTF-8 text of at most %d characters (it has %d)", MaxAddition, n),
			Code: "too_long", Params: []string{strconv.Itoa(n), strconv.Itoa(MaxAddition)}})
	}
	var afs []core.FieldError
	meta := checkAttachments(in.Attachments, collector(&afs))
	fs = append(fs, afs...)
	if len(fs) > 0 {
		return nil, s.refuse(ctx, v, action, core.Invalid(fs...))
	}
	now := s.now()
	var r *core.Report
	// The report is read without a lock and written back whole, on the
	// version read: a merge or split that moved it meanwhile bumped that
	// version, and the write conflicts rather than put the report back in
	// the campaign it left. The reporter did nothing wrong: the addition
	// runs again on the report as it now is.
	var err error
	for attempt := 0; attempt < 2; attempt++ {
		stale := false
		err = s.Store.Update(ctx, func(tx core.Tx) error {
			var err error
			if r, err = open(tx, receipt, secret); err != nil {
				return err
			}
			if len(r.Additions) >= MaxAdditions {
				return core.Invalid(core.FieldError{Field: "text", Reason: "this report cannot take more additions: contact the cybercrime unit", Code: "additions_full"})
			}
			// The files are bounded apart from the additions: a report full of
			// files still takes text.
			if n := len(r.Attachments) + len(in.Attachments); n > MaxReportFiles {
				return core.Invalid(core.FieldError{Field: "attachments",
					Reason: fmt.Sprintf("the report would hold %d files; a report holds at most %d (it has %d): send text alone, or fewer files", n, MaxReportFiles, len(r.Attachments)),
					Code:   "too_many_files", Params: []string{strconv.Itoa(n), strconv.Itoa(MaxReportFiles)}})
			}
			if text != "" {
				r.Additions = append(r.Additions, core.Addition{At: now, Text: text})
			}
			for i, f := range meta {
				if err := tx.InsertReportFile(r.ID, f, in.Attachments[i].Content); err != nil {
					return err
				}
				r.Attachments = append(r.Attachments, f)
			}
			have := map[string]bool{}
			for _, ind := range r.Indicators {
				have[ind.Key] = true
			}
			var fresh []core.ReportIndicator
			for _, ind := range ExtractText(text, r.Country) {
				if !have[ind.Key] && len(r.Indicators)+len(fresh) < MaxIndicators {
					ind.Source = "addition"
					fresh = append(fresh, ind)
				}
			}
			r.UpdatedAt = now
			if len(fresh) > 0 {
				if err := s.link(tx, r, fresh, false, now); err != nil {
					return err
				}
				r.Indicators = append(r.Indicators, fresh...)
			}
			r.Version++
			if err := tx.UpdateReport(r); err != nil {
				stale = core.ErrorCode(err) == core.ECONFLICT
				return err
			}
			return audit.Append(tx, audit.Entry(v, action, audit.OK, r.ID))
		})
		if !stale {
			break
		}
	}
	if err != nil {
		return nil, s.refuse(ctx, v, action, err)
	}
	s.notify()
	return followUp(r), nil
}
