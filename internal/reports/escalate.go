package reports

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
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
	Campaign string `json:"campaign"`
	// Records are the indicators shared for the first time; Already
	// counts the campaign's screenable indicators earlier escalations
	// shared (left out: their records stand).
	Records []*core.Record `json:"records"`
	Already int            `json:"already_escalated"`
	Purple  *notices.View  `json:"purple_notice,omitempty"`
	Silver  *notices.View  `json:"silver_notice,omitempty"`
	// PurpleBefore is the Purple Notice request an earlier escalation
	// made, when this one made none for that reason.
	PurpleBefore string `json:"purple_notice_before,omitempty"`
}

// Escalate creates, from a campaign, cyber-indicator records released only
// to the chosen countries, a Purple Notice request (the modus operandi)
// and a Silver Notice request (the accounts and wallets as assets), as
// drafts of the bureau.
//
// A campaign escalated again shares only the indicators no escalation of
// it shared before (the records of those stand: to share them with more
// countries, change their releasability), with a Silver Notice request for
// the new accounts and wallets alone, and no Purple Notice request if an
// earlier escalation made one; with nothing new it is refused. The records
// are stored in the transaction that writes them into the campaign's
// escalations, with the campaign's row locked, so that two escalations of
// one campaign at once cannot both share a value. Each notice request is
// one more transaction (the notices service owns its transactions): a
// failure after the records leaves them created, and the error says so.
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
	rel := &core.Releasability{Mode: core.ReleaseOnly, Countries: countries}
	now := s.now()
	esc := core.Escalation{At: now, By: actorID(v), Countries: countries}
	out := &Escalation{}
	var cv *CampaignView
	var assets []map[string]any
	var label string
	recs, err := s.Records.CreateManyWith(ctx, v, func(tx core.Tx) ([]records.Input, error) {
		// GetCampaign reads the row for update: a second escalation of the
		// campaign waits here for this one's records and sees them.
		c, err := s.loadCampaign(tx, v, id)
		if err != nil {
			return nil, err
		}
		if cv, err = view(tx, c); err != nil {
			return nil, err
		}
		shared, err := escalatedKeys(tx, c)
		if err != nil {
			return nil, err
		}
		label = cv.Name
		if label == "" {
			label = "campaign " + cv.ID
		}
		var inputs []records.Input
		assets, esc.Indicators, out.Already, out.PurpleBefore = nil, nil, 0, ""
		for _, e := range c.Escalations {
			if e.Purple != "" {
				out.PurpleBefore = e.Purple
			}
		}
		for _, ind := range cv.Indicators {
			if ind.State != core.IndicatorLinking || !Screenable(ind.Type) {
				continue
			}
			if shared[ind.Key] {
				out.Already++
				continue
			}
			data, _ := json.Marshal(map[string]any{"type": ind.Type, "value": ind.Value, "campaign": cv.ID, "campaign_name": cv.Name,
				"reports": ind.Reports, "first_seen": cv.FirstSeen, "last_seen": cv.LastSeen, "source": "citizen reports"})
			inputs = append(inputs, records.Input{Kind: core.KindCyberIndicator, Releasability: rel, Data: data})
			esc.Indicators = append(esc.Indicators, ind.Key)
			switch ind.Type {
			case "iban":
				assets = append(assets, asset("account", ind.Type, ind.Value, label))
			case "btc", "eth", "trx":
				assets = append(assets, asset("crypto", ind.Type, ind.Value, label))
			}
		}
		if len(inputs) == 0 && out.Already > 0 {
			reason := fmt.Sprintf("its %d screenable indicators were all shared by earlier escalations: there is nothing new to share (to share them with more countries, change their records' releasability)", out.Already)
			if out.Already == 1 {
				reason = "its one screenable indicator was shared by an earlier escalation: there is nothing new to share (to share it with more countries, change its record's releasability)"
			}
			return nil, &core.Error{Code: core.ECONFLICT, Message: "campaign: " + reason,
				Fields: []core.FieldError{{Field: "campaign", Reason: reason, Code: "already_escalated", Params: []string{strconv.Itoa(out.Already)}}}}
		}
		if len(inputs) == 0 {
			return nil, core.Invalid(core.FieldError{Field: "campaign", Reason: "the campaign has no screenable indicator to share", Code: "nothing_to_share"})
		}
		return inputs, nil
	}, func(tx core.Tx, rs []*core.Record) error {
		esc.Records = make([]string, len(rs))
		for i, r := range rs {
			esc.Records[i] = r.ID
		}
		c := cv.Campaign
		c.Escalations = append(c.Escalations, esc)
		return writeCampaign(tx, c, now, false)
	})
	if err != nil {
		return nil, s.refuse(ctx, v, action, err, id)
	}
	out.Campaign, out.Records = cv.ID, recs
	ids := esc.Records
	partial := func(err error) error {
		return fmt.Errorf("%w (the %d indicator records were created: %s)", err, len(ids), strings.Join(ids, ", "))
	}
	if !in.NoPurple && out.PurpleBefore == "" {
		data, _ := json.Marshal(map[string]any{"modus_operandi": modusOperandi(cv), "offence": "cybercrime: " + topCategory(cv),
			"summary": clip(fmt.Sprintf("%s: %d citizen reports, %s lost, %s to %s", label, cv.Reports, moneyText(cv.LossTotals), cv.FirstSeen.Format("2006-01-02"), cv.LastSeen.Format("2006-01-02")), 500),
			"devices": deviceList(cv)})
		if out.Purple, err = s.Notices.Create(ctx, v, notices.Input{Type: notices.TypePurple, Releasability: rel, Data: data}); err != nil {
			return nil, partial(err)
		}
		esc.Purple = out.Purple.Record.ID
	}
	if !in.NoSilver && len(assets) > 0 {
		data, _ := json.Marshal(map[string]any{"assets": assets, "summary": clip("accounts and wallets reported by victims of "+label, 500)})
		if out.Silver, err = s.Notices.Create(ctx, v, notices.Input{Type: notices.TypeSilver, Releasability: rel, Data: data}); err != nil {
			return nil, partial(err)
		}
		esc.Silver = out.Silver.Record.ID
	}
	err = s.Store.Update(ctx, func(tx core.Tx) error {
		c, err := tx.GetCampaign(id)
		if err != nil {
			return err
		}
		if esc.Purple != "" || esc.Silver != "" {
			// The escalation the records were written with: its records'
			// ids are its own.
			for i := range c.Escalations {
				if e := &c.Escalations[i]; len(e.Records) > 0 && e.Records[0] == ids[0] {
					e.Purple, e.Silver = esc.Purple, esc.Silver
				}
			}
			if err := writeCampaign(tx, c, now, false); err != nil {
				return err
			}
		}
		if err := tx.InsertEvent(&core.Event{At: now, Type: EventEscalated, Subject: c.ID, Audience: []string{c.Bureau},
			Data: mustJSON(map[string]any{"campaign": c.ID, "countries": countries, "records": ids, "already_escalated": out.Already,
				"purple_notice": esc.Purple, "silver_notice": esc.Silver})}); err != nil {
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

// escalatedKeys are the indicator keys (type:value) earlier escalations of
// c shared. An escalation stored before they were kept is read from its
// records, which say the type and value they were made from.
func escalatedKeys(tx core.Tx, c *core.Campaign) (map[string]bool, error) {
	out := map[string]bool{}
	for _, e := range c.Escalations {
		if e.Indicators != nil {
			for _, k := range e.Indicators {
				out[k] = true
			}
			continue
		}
		for _, rid := range e.Records {
			r, err := tx.GetRecord(rid)
			if core.ErrorCode(err) == core.ENOTFOUND {
				continue
			} else if err != nil {
				return nil, err
			}
			var d struct{ Type, Value string }
			if json.Unmarshal(r.Data, &d) == nil && d.Type != "" {
				out[d.Type+":"+d.Value] = true
			}
		}
	}
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
