package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/reports"
)

// demoCampaigns are the scams the demo's citizen reports tell of: each
// with its category, what victims say and the identifiers it reuses.
var demoCampaigns = []struct {
	category, narrative string
	phones, sites       []string
	wallets, ibans      []string
	threat              bool
}{
	{"investment_fraud", "A \"trading coach\" on WhatsApp showed profits on %s and asked for more deposits; withdrawals were refused.",
		[]string{"+212612300101", "+212612300102"}, []string{"https://crypto-gains.example/login"}, []string{"0x52908400098527886E0F7030069857D2E4169EE7"}, nil, false},
	{"fake_shop", "I paid for shoes on %s by transfer and nothing came; the shop no longer answers.",
		[]string{"+212661400201"}, []string{"https://bargain-shoes.example"}, nil, []string{"GB82WEST12345698765432"}, false},
	{"sextortion", "Someone threatens to send intimate videos to my family unless I pay in bitcoin to %s.",
		nil, nil, []string{"bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"}, nil, true},
	{"scam_recruitment", "A job offer on %s promised a well-paid customer service job abroad; the recruiter asked for my passport.",
		[]string{"+66812345670"}, []string{"https://asia-jobs-recruit.example/apply"}, nil, nil, false},
}

// LoadReports submits the demo's citizen reports (a few dozen forming four
// campaigns, and a few unrelated ones) through the reports service, dated
// over the last weeks.
func LoadReports(ctx context.Context, svc *reports.Service) error {
	difficulty, now := svc.PoW.Difficulty, svc.Now
	defer func() { svc.PoW.Difficulty, svc.Now = difficulty, now }()
	svc.PoW.Difficulty = 0
	base := now().UTC().Truncate(24*time.Hour).AddDate(0, 0, -30)
	v := core.Viewer{Remote: "demo"}
	n := 0
	submit := func(in reports.Input) error {
		at := base.Add(time.Duration(n) * 17 * time.Hour)
		svc.Now = func() time.Time { return at }
		n++
		ch := svc.PoW.Issue(now())
		in.PoW = reports.ProofOfWork{Challenge: ch.Challenge, Counter: "0"}
		in.Consent, in.Country = true, "MA"
		_, err := svc.Submit(ctx, v, in)
		return err
	}
	for i := range 32 {
		c := demoCampaigns[i%len(demoCampaigns)]
		in := reports.Input{Category: c.category, ThreatToLife: c.threat, Anonymous: i%3 == 0}
		pick := func(xs []string) []string {
			if len(xs) == 0 {
				return nil
			}
			return []string{xs[(i/len(demoCampaigns))%len(xs)]}
		}
		in.Suspect = core.Suspect{Phones: pick(c.phones), Websites: pick(c.sites), Wallets: pick(c.wallets), Accounts: pick(c.ibans)}
		where := "their site"
		if len(c.sites) > 0 {
			where = c.sites[0]
		} else if len(c.wallets) > 0 {
			where = c.wallets[0]
		}
		in.Narrative = fmt.Sprintf(c.narrative, where)
		if len(c.ibans) > 0 || len(c.wallets) > 0 {
			l := core.Loss{Amount: float64(500 + 250*(i%7)), Currency: "MAD", Method: "transfer"}
			if len(c.wallets) > 0 {
				l.Method, l.Wallet = "crypto", c.wallets[0]
			} else {
				l.IBAN = c.ibans[0]
			}
			in.Losses = []core.Loss{l}
		}
		if err := submit(in); err != nil {
			return fmt.Errorf("demo report %d: %w", i, err)
		}
	}
	for i, text := range []string{
		"Someone opened an Instagram account with my photos and name.",
		"I received a message from my \"bank\" asking for the code; I did not answer. Sender: alerts@gmail.com",
		"A forum post calls for violence against my community.",
	} {
		cat := []string{"account_hacking", "phishing", "hate_speech"}[i]
		if err := submit(reports.Input{Category: cat, Narrative: text}); err != nil {
			return fmt.Errorf("demo report: %w", err)
		}
	}
	return nil
}
