package agreements_test

import (
	"context"
	"strings"
	"testing"

	"github.com/manara-hub/manara/internal/agreements"
	"github.com/manara-hub/manara/internal/core"
)

// TestOrganisationCodedLikeACountryIsRefused: an organisation party whose
// code is a member country's ("FR", or "FRA") would get the same search
// key as that country's bureau, so `party=FR` (the README: "MA" is a
// country's bureau) would answer an agreement France's bureau is not party
// to, while `country=FR` does not. Such a code is refused at
// parties[i].code; an agency may still be coded so (keyed under its own
// country).
func TestOrganisationCodedLikeACountryIsRefused(t *testing.T) {
	forEach(t, func(t *testing.T, st core.Store, svc *agreements.Service) {
		ctx := context.Background()
		for _, code := range []string{"FR", "fra"} {
			in := mou(core.AgreementPublic)
			in.Parties = []core.AgreementParty{bureau("MA"), {Kind: core.PartyOrganisation, Code: code, Name: "Forum of Regions (fictitious)"}}
			a, err := svc.Create(ctx, officer("MA"), in)
			if err == nil {
				t.Fatalf("an organisation coded %q registered (agreement %s, parties %+v): it would answer party=FR, France's bureau", code, a.ID, a.Parties)
			}
			if fieldOf(err) != "parties[1].code" || !strings.Contains(err.Error(), "France") {
				t.Fatalf("organisation coded %q: %v; want refused at parties[1].code, naming the country", code, err)
			}
		}
		in := mou(core.AgreementPublic)
		in.Parties = []core.AgreementParty{bureau("MA"), {Kind: core.PartyAgency, Country: "MA", Code: "FR", Name: "Forces de réserve (fictitious)"}}
		if _, err := svc.Create(ctx, officer("MA"), in); err != nil {
			t.Fatalf("an agency coded FR, keyed MA:FR under its own country: %v", err)
		}
	})
}
