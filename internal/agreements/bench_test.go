package agreements_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/manara-hub/manara/internal/agreements"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/store/storetest"
)

// BenchmarkAgreementSearch: one page of 50 from a registry of 5,000
// agreements among 20 countries, as a bureau that is party to about a
// tenth of them: unfiltered, by country, by subject, by words of a title.
func BenchmarkAgreementSearch(b *testing.B) {
	for _, be := range storetest.Backends(b) {
		b.Run(be.Name, func(b *testing.B) {
			st := be.Open(b)
			svc := agreements.New(st)
			ctx := context.Background()
			countries := []string{"MA", "NO", "ET", "FR", "ES", "KE", "BR", "IN", "DE", "IT", "SN", "EG", "TN", "CA", "MX", "JP", "KR", "ZA", "NG", "TR"}
			const n = 5000
			for i := range n {
				a, c := countries[i%len(countries)], countries[(i*7+3)%len(countries)]
				if a == c {
					c = countries[(i+1)%len(countries)]
				}
				vis := core.AgreementPublic
				if i%3 == 0 {
					vis = core.AgreementPartiesOnly
				}
				in := agreements.Input{Fields: agreements.Fields{Titles: map[string]string{"en": fmt.Sprintf("Memorandum %d on %s", i, core.AgreementSubjects[i%len(core.AgreementSubjects)])},
					Parties:  []core.AgreementParty{{Kind: core.PartyBureau, Country: a}, {Kind: core.PartyBureau, Country: c}},
					Subjects: []string{core.AgreementSubjects[i%len(core.AgreementSubjects)]}, Signed: fmt.Sprintf("20%02d-%02d-%02d", 10+i%15, 1+i%12, 1+i%28), Visibility: vis},
					State: core.AgreementSigned}
				if _, err := svc.Create(ctx, officer(a), in); err != nil {
					b.Fatal(err)
				}
			}
			for name, q := range map[string]agreements.Query{"all": {}, "country": {Country: "KE"}, "subject": {Subject: "cybercrime"}, "text": {Text: "memorandum 42"}} {
				b.Run(name, func(b *testing.B) {
					for b.Loop() {
						if _, err := svc.Search(ctx, officer("MA"), q); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
		})
	}
}
