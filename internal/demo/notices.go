package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/members"
	"github.com/manara-hub/manara/internal/notices"
	"github.com/manara-hub/manara/internal/records"
)

// refusals are the demo's review refusals: a category and its reason.
var refusals = [][2]string{
	{"article3_political", "The charges rest on the subject's political opinions and activities (Article 3)."},
	{"article3_religious", "The request is of a predominantly religious character (Article 3)."},
	{"article3_military", "The offence is a purely military one (Article 3)."},
	{"private_matter", "A civil dispute between private parties: no criminal offence is established."},
	{"administrative_matter", "The facts amount to an administrative offence (unpaid fines)."},
}

// unSubjects are fictitious INTERPOL–UN Special Notice entries, as the UN
// list import would write them.
var unSubjects = []map[string]any{
	{"name": "Khalid Al-Fulani", "name_original": "خالد الفلاني", "subject_type": "individual", "nationalities": []string{"IQ"}, "date_of_birth": "1975"},
	{"name": "Abu Bakr Al-Misri", "name_original": "أبو بكر المصري", "subject_type": "individual", "nationalities": []string{"EG"}, "date_of_birth": "1969-03-02"},
	{"name": "Yusuf Haddad", "name_original": "يوسف حداد", "subject_type": "individual", "nationalities": []string{"SY"}, "date_of_birth": "1981"},
	{"name": "Omar Abdelkader", "name_original": "عمر عبد القادر", "subject_type": "individual", "nationalities": []string{"DZ"}, "date_of_birth": "1978-11-20"},
	{"name": "Al-Nour Charitable Front", "name_original": "جبهة النور الخيرية", "subject_type": "entity"},
	{"name": "Sahel Logistics Network", "subject_type": "entity"},
	{"name": "Hassan Mahmoud Rashid", "name_original": "حسن محمود رشيد", "subject_type": "individual", "nationalities": []string{"SO"}, "date_of_birth": "1984"},
	{"name": "Ibrahim Al-Tikriti", "name_original": "إبراهيم التكريتي", "subject_type": "individual", "nationalities": []string{"IQ"}, "date_of_birth": "1960..1962"},
}

// loadNotices requests, reviews and publishes the demo's notices through
// the notices service, and writes the UN Special Notices as the import
// does, then publishes them.
func loadNotices(ctx context.Context, st core.Store, rs *records.Service, rng *rand.Rand, countries []string, perBureau int,
	officers map[string]core.Viewer, reviewer core.Viewer, step func()) error {
	ns := notices.New(st)
	for _, c := range countries {
		v := officers[c]
		for i := 0; i < perBureau; i++ {
			if err := demoNotice(ctx, ns, rng, c, i, v, reviewer); err != nil {
				return fmt.Errorf("demo notice %s/%d: %w", c, i, err)
			}
			step()
		}
	}
	imp := core.Viewer{Bureau: members.Secretariat, UserID: "import:un", Permissions: []string{core.PermRecordsRead, core.PermRecordsWrite}, Remote: "demo"}
	for i, s := range unSubjects {
		d := map[string]any{"source": "un", "notice_type": notices.TypeUN, "reference": fmt.Sprintf("QD%c.9%02d", "ie"[boolIndex(s["subject_type"] == "entity")], i),
			"remarks": "fictitious entry of the demo"}
		for k, x := range s {
			d[k] = x
		}
		raw, _ := json.Marshal(d)
		if _, err := rs.Create(ctx, imp, records.Input{Kind: core.KindNotice, Releasability: &core.Releasability{Mode: core.ReleaseAll}, Data: raw}); err != nil {
			return fmt.Errorf("demo UN notice %d: %w", i, err)
		}
	}
	_, err := ns.Adopt(ctx)
	return err
}

func boolIndex(b bool) int {
	if b {
		return 1
	}
	return 0
}

func demoNotice(ctx context.Context, ns *notices.Service, rng *rand.Rand, c string, i int, v, reviewer core.Viewer) error {
	typ := notices.RequestTypes[i%len(notices.RequestTypes)]
	rel := core.Releasability{Mode: core.ReleaseAll}
	if rng.IntN(10) < 3 {
		rel = *genRelease(rng, c)
	}
	in := notices.Input{Type: typ, Releasability: &rel, Data: noticeData(rng, c, typ)}
	fate := rng.IntN(20)
	if fate < 2 {
		in.Diffusion = true
		_, err := ns.Create(ctx, v, in)
		return err
	}
	in.PublicExtract = (typ == notices.TypeRed || typ == notices.TypeYellow) && rel.Mode == core.ReleaseAll && rng.IntN(3) > 0
	n, err := ns.Create(ctx, v, in)
	if err != nil {
		return err
	}
	id := n.Notice.ID
	if fate < 4 { // a draft
		return nil
	}
	if _, err := ns.Submit(ctx, v, id, 0); err != nil {
		return err
	}
	if fate < 6 { // awaiting review
		return nil
	}
	if fate < 9 {
		r := refusals[rng.IntN(len(refusals))]
		_, err := ns.Decide(ctx, reviewer, id, notices.Decision{Decision: "refuse", ReasonCategory: r[0], Reason: r[1]})
		return err
	}
	if _, err := ns.Decide(ctx, reviewer, id, notices.Decision{Decision: "publish"}); err != nil {
		return err
	}
	if fate == 19 {
		_, err := ns.Cancel(ctx, v, id, 0, "the person was located and arrested")
		return err
	}
	return nil
}

// noticeData is complete data of a type for a notice of bureau c.
func noticeData(rng *rand.Rand, c, typ string) json.RawMessage {
	p := people[c][rng.IntN(len(people[c]))]
	dob := fmt.Sprintf("%d-%02d-%02d", 1960+rng.IntN(45), 1+rng.IntN(12), 1+rng.IntN(28))
	other := Countries[rng.IntN(len(Countries))]
	d := map[string]any{}
	identity := func() {
		d["family_name"], d["given_names"], d["sex"], d["date_of_birth"], d["nationalities"] = p.family, p.given, p.sex, dob, []string{c}
		if p.original != "" {
			d["name_original"] = p.original
		}
		d["description"] = []string{"slim build, short dark hair", "scar above the left eyebrow", "heavy build, beard"}[rng.IntN(3)]
		if rng.IntN(2) == 0 {
			d["documents"] = []map[string]any{{"type": "passport", "number": fmt.Sprintf("%c%07d", 'A'+rune(rng.IntN(26)), rng.IntN(10_000_000)), "country": c}}
		}
	}
	switch typ {
	case notices.TypeRed:
		identity()
		offence := [][2]string{{"Drug trafficking", "Trafic de stupéfiants"}, {"Armed robbery", "Vol à main armée"}, {"Money laundering", "Blanchiment d'argent"},
			{"Murder", "Meurtre"}, {"Fraud", "Escroquerie"}}[rng.IntN(5)]
		d["charges"] = []map[string]any{{"offence": offence[0], "translation": offence[1], "law": "Penal Code, art. " + fmt.Sprint(100+rng.IntN(400)),
			"max_penalty_years": 3 + rng.IntN(28)}}
		d["extradition_countries"] = []string{other}
		if rng.IntN(4) == 0 {
			d["purpose"], d["sentence_remaining_months"] = "sentence", 6+rng.IntN(120)
			d["warrant"] = map[string]any{"kind": "judgment", "reference": fmt.Sprintf("J-%d-%04d", 2020+rng.IntN(6), rng.IntN(10000)), "date": "2024-06-12", "authority": "Court of Appeal", "country": c}
		} else {
			d["purpose"] = "prosecution"
			d["warrant"] = map[string]any{"kind": "arrest_warrant", "reference": fmt.Sprintf("AW-%d-%04d", 2020+rng.IntN(6), rng.IntN(10000)), "date": "2025-09-01", "authority": "Investigating judge", "country": c}
		}
	case notices.TypeYellow:
		identity()
		d["circumstances"] = []string{"left home for school and did not return", "last seen at the central station", "disappeared during a family trip"}[rng.IntN(3)]
		d["disappearance_date"], d["disappearance_place"], d["disappearance_country"] = fmt.Sprintf("20%02d-%02d", 20+rng.IntN(6), 1+rng.IntN(12)), "city centre", c
		d["parents"] = []map[string]any{{"name": people[c][rng.IntN(len(people[c]))].family, "relation": "mother"}}
	case notices.TypeBlue:
		identity()
		d["information_sought"] = "current location and associates"
	case notices.TypeGreen:
		identity()
		d["criminal_activities"] = []string{"romance scams targeting the elderly", "card skimming at cash machines", "sexual exploitation of minors online"}[rng.IntN(3)]
	case notices.TypeBlack:
		d["found_place"], d["found_date"], d["found_country"] = "coastline near the harbour", fmt.Sprintf("2025-%02d", 1+rng.IntN(12)), c
		d["estimated_age_min"], d["estimated_age_max"] = 20+rng.IntN(20), 45+rng.IntN(20)
		d["description"], d["dna_available"], d["fingerprints_available"] = "male, tattoo of an anchor on the right forearm", rng.IntN(2) == 0, rng.IntN(2) == 0
	case notices.TypeOrange:
		d["threat_nature"] = []string{"parcel bombs disguised as books", "counterfeit medicines containing fentanyl", "ransomware attacks on hospitals"}[rng.IntN(3)]
		d["threat_kind"], d["period"], d["countries_affected"] = "object", map[string]any{"from": "2026-01"}, []string{c, other}
	case notices.TypePurple:
		d["modus_operandi"] = []string{"cocaine hidden in hollowed-out fruit", "cash smuggled in vehicle fuel tanks", "fake delivery notices used for phishing"}[rng.IntN(3)]
		d["concealment_methods"] = []string{"double-bottomed suitcases"}
	case notices.TypeSilver:
		identity()
		d["assets"] = []map[string]any{{"type": "account", "identifiers": []map[string]any{{"type": "iban", "value": demoIBAN(rng)}},
			"jurisdiction": "FR", "estimated_value": 10000 * (1 + rng.IntN(100)), "currency": "EUR",
			"held_for": []map[string]any{{"name": p.given + " " + p.family, "kind": "person"}}, "criminal_activity": "laundering of drug proceeds"}}
	}
	raw, _ := json.Marshal(d)
	return raw
}

// demoIBAN builds a French IBAN with valid check digits.
func demoIBAN(rng *rand.Rand) string {
	bban := fmt.Sprintf("3000600001%011d%02d", rng.Int64N(100_000_000_000), rng.IntN(100))
	// ISO 7064 mod 97-10 over BBAN + "FR00" with letters as numbers (F=15, R=27).
	rem := 0
	for _, ch := range bban + "152700" {
		rem = (rem*10 + int(ch-'0')) % 97
	}
	return fmt.Sprintf("FR%02d%s", 98-rem, bban)
}
