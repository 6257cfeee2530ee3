package demo

import (
	"context"
	"fmt"

	"github.com/manara-hub/manara/internal/agreements"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/meetings"
)

// Three agreements signed at the demo gathering, registered by Morocco's
// bureau: a memorandum with Norway's police on cybercrime, one with
// Ethiopia's police on trafficking in human beings (both public), and a
// protocol with AFRIPOL and the bureau Morocco met at the gathering
// (Spain's, if they met) on terrorism, that only its parties see. Their texts are invented; no person is named.

// demoPDF is a one-page PDF saying the text is a demo placeholder.
var demoPDF = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n" +
	"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >> endobj\n" +
	"4 0 obj << /Length 58 >> stream\nBT /F1 18 Tf 72 770 Td (Manara demo: fictitious text) Tj ET\nendstream endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")

// DemoAgreementTitles are the English titles of the demo agreements.
var DemoAgreementTitles = []string{
	"Memorandum of understanding on cybercrime and police training (demo)",
	"Memorandum of understanding on trafficking in human beings (demo)",
	"Protocol on counter-terrorism information exchange (demo)",
}

// LoadAgreements registers the three demo agreements at gathering g,
// linking the protocol to one of Morocco's meetings at it.
func LoadAgreements(ctx context.Context, svc *agreements.Service, ms *meetings.Service, g *core.Gathering) ([]*core.Agreement, error) {
	host := core.Viewer{Bureau: "MA", UserID: "demo-MA", Role: core.RoleOfficer, Permissions: core.RolePermissions(core.RoleOfficer), Remote: "demo"}
	morocco := core.AgreementParty{Kind: core.PartyAgency, Country: "MA", Code: "DGSN", Name: "Sûreté nationale (demo)"}
	// The protocol was signed at a bilateral meeting Morocco held: with
	// Spain if the demo planned one, else the first bureau Morocco met.
	meeting, partner := "", "ES"
	if _, rs, err := ms.Requests(ctx, host, g.ID, "MA"); err == nil {
		for _, m := range rs {
			other := m.From
			if other == "MA" {
				other = m.To
			}
			if m.State != core.MeetingAccepted || len(other) != 2 {
				continue
			}
			if meeting == "" || other == "ES" {
				meeting, partner = m.ID, other
			}
			if other == "ES" {
				break
			}
		}
	}
	ins := []agreements.Input{
		{Fields: agreements.Fields{Kind: core.AgreementMoU, Reference: "DEMO-MA-NO-2025",
			Titles: map[string]string{"en": DemoAgreementTitles[0], "fr": "Mémorandum d'entente sur la cybercriminalité et la formation policière (démo)",
				"ar": "مذكرة تفاهم بشأن الجريمة السيبرانية وتدريب الشرطة (عرض)"},
			Summary:  "Fictitious demo text: joint training of cybercrime units, exchange of cyber indicators through Manara, yearly review.",
			Parties:  []core.AgreementParty{morocco, {Kind: core.PartyAgency, Country: "NO", Code: "POLITIET", Name: "Norwegian police (demo)"}},
			Subjects: []string{"cybercrime", "training", "information_exchange"}, Signed: "2025-11-25", InForce: "2025-11-25", Expires: "2030-11-25",
			Gathering: g.ID, Visibility: core.AgreementPublic}, State: core.AgreementInForce},
		{Fields: agreements.Fields{Kind: core.AgreementMoU, Reference: "DEMO-MA-ET-2025",
			Titles: map[string]string{"en": DemoAgreementTitles[1], "fr": "Mémorandum d'entente sur la traite des êtres humains (démo)",
				"ar": "مذكرة تفاهم بشأن الاتجار بالبشر (عرض)"},
			Summary:  "Fictitious demo text: liaison officers, shared alerts on trafficking routes, victim protection.",
			Parties:  []core.AgreementParty{morocco, {Kind: core.PartyAgency, Country: "ET", Code: "EFP", Name: "Ethiopian federal police (demo)"}},
			Subjects: []string{"human_trafficking", "migrant_smuggling", "training"}, Signed: "2025-11-26",
			Gathering: g.ID, Visibility: core.AgreementPublic}, State: core.AgreementSigned},
		{Fields: agreements.Fields{Kind: core.AgreementProtocol, Reference: "DEMO-MA-ES-AFRIPOL-2025",
			Titles: map[string]string{"en": DemoAgreementTitles[2], "fr": "Protocole d'échange d'informations antiterroristes (démo)",
				"ar": "بروتوكول تبادل المعلومات في مجال مكافحة الإرهاب (عرض)", "es": "Protocolo de intercambio de información antiterrorista (demo)"},
			Summary: "Fictitious demo text, seen by its parties only.",
			Parties: []core.AgreementParty{{Kind: core.PartyBureau, Country: "MA"}, {Kind: core.PartyBureau, Country: partner},
				{Kind: core.PartyOrganisation, Code: "AFRIPOL", Name: "AFRIPOL"}},
			Subjects: []string{"terrorism", "information_exchange"}, Signed: "2025-11-27",
			Gathering: g.ID, MeetingRequest: meeting, Visibility: core.AgreementPartiesOnly}, State: core.AgreementSigned},
	}
	var out []*core.Agreement
	for i, in := range ins {
		a, err := svc.Create(ctx, host, in)
		if err != nil {
			return nil, fmt.Errorf("demo agreement %d: %w", i+1, err)
		}
		for _, l := range []string{"fr", "ar"} {
			if _, err := svc.Attach(ctx, host, a.ID, l, fmt.Sprintf("%s-%s.pdf", in.Reference, l), demoPDF); err != nil {
				return nil, fmt.Errorf("demo agreement %d document: %w", i+1, err)
			}
		}
		out = append(out, a)
	}
	return out, nil
}
