package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/reports"
)

// demoCampaigns are the scams the demo's citizen reports tell of: each
// with its category, the name the cybercrime unit gave it, what victims
// say (in English, French and Arabic, as reports come in) and the
// identifiers it reuses.
var demoCampaigns = []struct {
	category, name string
	narratives     [3]string // en, fr, ar; %s is where it happened
	phones, sites  []string
	wallets, ibans []string
	threat         bool
}{
	{"investment_fraud", "Crypto-gains trading coach", [3]string{
		"A \"trading coach\" on WhatsApp showed profits on %s and asked for more deposits; withdrawals were refused.",
		"Un « coach en trading » sur WhatsApp m’a montré des gains sur %s et m’a demandé d’autres dépôts ; les retraits ont été refusés.",
		"أراني «مدرب تداول» على واتساب أرباحًا على %s وطلب مني إيداعات أخرى؛ ثم رُفضت طلبات السحب."},
		[]string{"+212612300101", "+212612300102"}, []string{"https://crypto-gains.example/login"}, []string{"0x52908400098527886E0F7030069857D2E4169EE7"}, nil, false},
	{"fake_shop", "Bargain-shoes fake shop", [3]string{
		"I paid for shoes on %s by transfer and nothing came; the shop no longer answers.",
		"J’ai payé des chaussures sur %s par virement et rien n’est arrivé ; la boutique ne répond plus.",
		"دفعت ثمن أحذية على %s بتحويل بنكي ولم يصلني شيء؛ والمتجر لم يعد يرد."},
		[]string{"+212661400201"}, []string{"https://bargain-shoes.example"}, nil, []string{"GB82WEST12345698765432"}, false},
	{"sextortion", "Bitcoin sextortion", [3]string{
		"Someone threatens to send intimate videos to my family unless I pay in bitcoin to %s.",
		"Quelqu’un menace d’envoyer des vidéos intimes à ma famille si je ne paie pas en bitcoins à %s.",
		"شخص يهدد بإرسال مقاطع فيديو حميمة إلى عائلتي إن لم أدفع بالبيتكوين إلى %s."},
		nil, nil, []string{"bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"}, nil, true},
	{"scam_recruitment", "Asia-jobs fake recruiter", [3]string{
		"A job offer on %s promised a well-paid customer service job abroad; the recruiter asked for my passport.",
		"Une offre d’emploi sur %s promettait un poste bien payé de service client à l’étranger ; le recruteur a demandé mon passeport.",
		"وعد عرض عمل على %s بوظيفة خدمة عملاء بأجر جيد في الخارج؛ وطلب مني المُجنِّد جواز سفري."},
		[]string{"+66812345670"}, []string{"https://asia-jobs-recruit.example/apply"}, nil, nil, false},
}

// reportLangs are the languages of the demo's reports, in turn.
var reportLangs = [3]string{"en", "fr", "ar"}

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
		in := reports.Input{Category: c.category, ThreatToLife: c.threat, Anonymous: i%3 == 0, Lang: reportLangs[i%3]}
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
		in.Narrative = fmt.Sprintf(c.narratives[i%3], where)
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
		"J’ai reçu un message de ma « banque » me demandant le code ; je n’ai pas répondu. Expéditeur : alerts@gmail.com",
		"منشور في منتدى يدعو إلى العنف ضد جماعتي.",
	} {
		cat := []string{"account_hacking", "phishing", "hate_speech"}[i]
		if err := submit(reports.Input{Category: cat, Narrative: text, Lang: reportLangs[i]}); err != nil {
			return fmt.Errorf("demo report: %w", err)
		}
	}
	return nameCampaigns(ctx, svc)
}

// nameCampaigns gives the demo's campaigns the names the cybercrime unit
// would: each campaign is known by the category its reports share.
func nameCampaigns(ctx context.Context, svc *reports.Service) error {
	sys := core.Viewer{System: true, Remote: "demo"}
	cs, err := svc.Campaigns(ctx, sys, 2, 100)
	if err != nil {
		return err
	}
	for _, c := range cs {
		cv, err := svc.Campaign(ctx, sys, c.ID)
		if err != nil {
			return err
		}
		if len(cv.ReportList) == 0 || c.Name != "" {
			continue
		}
		for _, dc := range demoCampaigns {
			if dc.category == cv.ReportList[0].Category {
				if _, err := svc.Name(ctx, sys, c.ID, dc.name); err != nil {
					return fmt.Errorf("naming demo campaign: %w", err)
				}
				break
			}
		}
	}
	return nil
}
