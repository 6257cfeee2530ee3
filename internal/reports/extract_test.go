package reports

import (
	"slices"
	"testing"
)

func TestExtractNarrative(t *testing.T) {
	text := "He called from 06 12 34 56 78, then wrote from Scam.Team+x@Mail.Example; pay to GB82 WEST 1234 5698 7654 32 " +
		"or bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq. Visit hxxps://fake-shop[.]example/promo or ask @promo_king."
	var keys []string
	for _, ind := range ExtractText(text, "MA") {
		keys = append(keys, ind.Key)
	}
	for _, want := range []string{"phone:+212612345678", "email:scam.team+x@mail.example", "iban:GB82WEST12345698765432",
		"btc:bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", "domain:fake-shop.example", "handle:promo_king"} {
		if !slices.Contains(keys, want) {
			t.Errorf("%s not found in %v", want, keys)
		}
	}
	w := DefaultWarningList("e-blagh.ma")
	for key, benign := range map[string]bool{"domain:gmail.com": true, "email:x@gmail.com": true, "domain:mail.google.com": true,
		"domain:e-blagh.ma": true, "domain:fake-shop.example": false, "url:https://t.me/scam": false} {
		if w.Benign(key) != benign {
			t.Errorf("Benign(%s) = %v", key, !benign)
		}
	}
}
