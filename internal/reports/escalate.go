package reports

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/manara-hub/manara/internal/access"
	"github.com/manara-hub/manara/internal/audit"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/members"
	"github.com/manara-hub/manara/internal/notices"
	"github.com/manara-hub/manara/internal/records"
)

// EscalateInput chooses the countries an escalation shares with.
type EscalateInput struct {
	Countries []string `json:"countries"`
	// NoPurple and NoSilver leave out a notice request.
	NoPurple bool `json:"no_purple"`
	NoSilver bool `json:"no_silver"`
}

// Escalation is what an escalation created.
type Escalation struct {
	Campaign string         `json:"campaign"`
	Records  []*core.Record `json:"records"`
	Purple   *notices.View  `json:"purple_notice,omitempty"`
	Silver   *notices.View  `json:"silver_notice,omitempty"`
}

// Escalate creates, from a campaign, cyber-indicator records released only
// to the chosen countries, a Purple Notice request (the modus operandi)
// and a Silver Notice request (the accounts and wallets as assets), as
// drafts of the bureau. The records are one transaction and each notice
// request one more (the notices service owns its transactions): a failure
// after the records leaves them created, and the error says so.
func (s *Service) Escalate(ctx context.Context, v core.Viewer, id string, in EscalateInput) (*Escalation, error) {
	const action = "campaign.escalate"
	if !access.CanEscalateReports(v, s.Bureau) {
		return nil, s.refuse(ctx, v, action, core.Errorf(core.EFORBIDDEN, "escalating creates the bureau's records and notice requests: an officer or supervisor of the bureau may"), id)
	}
	var fs []core.FieldError
	var countries []string
	for i, c := range in.Countries {
		m, ok := members.Lookup(strings.TrimSpace(c))
		if !ok {
			fs = append(fs, core.FieldError{Field: fmt.Sprintf("countries[%d]", i), Reason: "must be a member country's ISO 3166 code",
				Code: "member_country", Params: []string{clip(strings.TrimSpace(c), 20)}})
			continue
		}
		if m.Alpha2 != s.Bureau {
			countries = append(countries, m.Alpha2)
		}
	}
	if len(countries) == 0 && len(fs) == 0 {
		fs = append(fs, core.FieldError{Field: "countries", Reason: "choose at least one other country to share with",
			Code: "share_other_country", Params: []string{s.Bureau}})
	}
	if len(fs) > 0 {
		return nil, s.refuse(ctx, v, action, core.Invalid(fs...), id)
	}
	var cv *CampaignView
	err := s.Store.View(ctx, func(tx core.Tx) error {
		c, err := s.loadCampaign(tx, v, id)
		if err != nil {
			return err
		}
		cv, err = view(tx, c)
		return err
	})
	if err != nil {
		return nil, s.refuse(ctx, v, action, err, id)
	}
	rel := &core.Releasability{Mode: core.ReleaseOnly, Countries: countries}
	label := cv.Name
	if label == "" {
		label = "campaign " + cv.ID
	}
	var inputs []records.Input
	var assets []map[string]any
	for _, ind := range cv.Indicators {
		if ind.State != core.IndicatorLinking || !Screenable(ind.Type) {
			continue
		}
		data, _ := json.Marshal(map[string]any{"type": ind.Type, "value": ind.Value, "campaign": cv.ID, "campaign_name": cv.Name,
			"reports": ind.Reports, "first_seen": cv.FirstSeen, "last_seen": cv.LastSeen, "source": "citizen reports"})
		inputs = append(inputs, records.Input{Kind: core.KindCyberIndicator, Releasability: rel, Data: data})
		switch ind.Type {
		case "iban":
			assets = append(assets, asset("account", ind.Type, ind.Value, label))
		case "btc", "eth", "trx":
			assets = append(assets, asset("crypto", ind.Type, ind.Value, label))
		}
	}
	if len(inputs) == 0 {
		return nil, s.refuse(ctx, v, action, core.Invalid(core.FieldError{Field: "campaign", Reason: "the campaign has no screenable indicator to share",
			Code: "nothing_to_share"}), id)
	}
	out := &Escalation{Campaign: cv.ID}
	if out.Records, err = s.Records.CreateMany(ctx, v, inputs); err != nil {
		return nil, err
	}
	var ids []string
	for _, r := range out.Records {
		ids = append(ids, r.ID)
	}
	partial := func(err error) error {
		return fmt.Errorf("%w (the %d indicator records were created: %s)", err, len(ids), strings.Join(ids, ", "))
	}
	if !in.NoPurple {
		data, _ := json.Marshal(map[string]any{"modus_operandi": modusOperandi(cv), "offence": "cybercrime: " + topCategory(cv),
			"summary": clip(fmt.Sprintf("%s: %d citizen reports, %s lost, %s to %s", label, cv.Reports, moneyText(cv.LossTotals), cv.FirstSeen.Format("2006-01-02"), cv.LastSeen.Format("2006-01-02")), 500),
			"devices": deviceList(cv)})
		if out.Purple, err = s.Notices.Create(ctx, v, notices.Input{Type: notices.TypePurple, Releasability: rel, Data: data}); err != nil {
			return nil, partial(err)
		}
	}
	if !in.NoSilver && len(assets) > 0 {
		data, _ := json.Marshal(map[string]any{"assets": assets, "summary": clip("accounts and wallets reported by victims of "+label, 500)})
		if out.Silver, err = s.Notices.Create(ctx, v, notices.Input{Type: notices.TypeSilver, Releasability: rel, Data: data}); err != nil {
			return nil, partial(err)
		}
	}
	now := s.now()
	esc := core.Escalation{At: now, By: actorID(v), Countries: countries, Records: ids}
	if out.Purple != nil {
		esc.Purple = out.Purple.Record.ID
	}
	if out.Silver != nil {
		esc.Silver = out.Silver.Record.ID
	}
	err = s.Store.Update(ctx, func(tx core.Tx) error {
		c, err := tx.GetCampaign(id)
		if err != nil {
			return err
		}
		c.Escalations = append(c.Escalations, esc)
		if err := writeCampaign(tx, c, now, false); err != nil {
			return err
		}
		if err := tx.InsertEvent(&core.Event{At: now, Type: EventEscalated, Subject: c.ID, Audience: []string{c.Bureau},
			Data: mustJSON(map[string]any{"campaign": c.ID, "countries": countries, "records": ids, "purple_notice": esc.Purple, "silver_notice": esc.Silver})}); err != nil {
			return err
		}
		return audit.Append(tx, audit.Entry(v, action, audit.OK, append([]string{c.ID}, ids...)...))
	})
	if err != nil {
		return nil, partial(err)
	}
	s.notify()
	return out, nil
}

func asset(kind, typ, value, label string) map[string]any {
	return map[string]any{"type": kind, "identifiers": []map[string]any{{"type": typ, "value": value}},
		"held_for":          []map[string]any{{"name": "unknown perpetrators of " + label, "kind": "person"}},
		"criminal_activity": "receives money from victims of " + label}
}

func topCategory(cv *CampaignView) string {
	best, n := "other", 0
	for c, k := range cv.Categories {
		if k > n || k == n && c < best {
			best, n = c, k
		}
	}
	return best
}

func modusOperandi(cv *CampaignView) string {
	var cats []string
	for c, n := range cv.Categories {
		cats = append(cats, fmt.Sprintf("%s (%d)", c, n))
	}
	sort.Strings(cats)
	var types []string
	seen := map[string]bool{}
	for _, ind := range cv.Indicators {
		if !seen[ind.Type] {
			seen[ind.Type] = true
			types = append(types, ind.Type)
		}
	}
	return clip(fmt.Sprintf("Citizen reports linked into one campaign by shared identifiers. Categories: %s. Identifiers used: %s. %d victims reported losses of %s between %s and %s.",
		strings.Join(cats, ", "), strings.Join(types, ", "), cv.Reports, moneyText(cv.LossTotals), cv.FirstSeen.Format("2006-01-02"), cv.LastSeen.Format("2006-01-02")), 9000)
}

func deviceList(cv *CampaignView) []string {
	var out []string
	for _, ind := range cv.Indicators {
		if (ind.Type == "domain" || ind.Type == "url" || ind.Type == "phone") && len(out) < 20 {
			out = append(out, ind.Type+" "+ind.Value)
		}
	}
	return out
}

// moneyText writes totals per currency ("1500.00 MAD + 300.00 EUR"), never
// adding amounts of different currencies; "0.00" when there are none.
func moneyText(totals []core.Money) string {
	if len(totals) == 0 {
		return "0.00"
	}
	parts := make([]string, len(totals))
	for i, m := range totals {
		parts[i] = m.String() // exact, with the currency's own decimals
	}
	return strings.Join(parts, " + ")
}
