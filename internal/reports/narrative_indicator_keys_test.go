package reports

import (
	"strings"
	"testing"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/store/storetest"
)

func hasKey(inds []core.ReportIndicator, key string) bool {
	for _, i := range inds {
		if i.Key == key {
			return true
		}
	}
	return false
}

func keysOf(inds []core.ReportIndicator) []string {
	var out []string
	for _, i := range inds {
		out = append(out, i.Key)
	}
	return out
}

// A phone number in the narrative followed by another number ("20 times",
// "(24/7)", a second phone number after a space) is taken by the phone
// pattern into one run of digits that does not parse: shorter prefixes,
// cut at separators, are tried, so that the reporter's only mention of the
// scammer's number is kept and links; a second number after it is kept
// too.
func TestNarrativePhoneBeforeANumberIsKept(t *testing.T) {
	const want = "phone:+212612300101"
	for _, text := range []string{
		"He called me from 0612300101 20 times about an investment.",
		"Il m'a appelé du 0612300101 15 fois.",
		"WhatsApp +212 612 300 101 (24/7) support line",
		"he called from 0612300101 0612300102",
	} {
		if got := ExtractText(text, "MA"); !hasKey(got, want) {
			t.Errorf("ExtractText(%q) = %v, want %s among them", text, keysOf(got), want)
		}
	}
	if got := ExtractText("he called from 0612300101 0612300102", "MA"); !hasKey(got, "phone:+212612300102") {
		t.Errorf("the second of two numbers is lost: %v", keysOf(got))
	}
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			s := newService(t, b)
			a := submit(t, s, Input{Country: "MA", Narrative: "Un faux conseiller en placement m'a contacté.", Suspect: core.Suspect{Phones: []string{"0612300101"}}})
			c := submit(t, s, Input{Country: "MA", Narrative: "He called me from 0612300101 20 times about an investment."})
			if campaignOf(t, s, a.Receipt) != campaignOf(t, s, c.Receipt) {
				t.Errorf("two reports of the same number are not one campaign: the narrative's number was dropped (indicators %v)", keysOf(c.Indicators))
			}
		})
	}
}

// A file name, or two sentences without a space after the full stop, is
// no domain name: "capture.png", "receipt.pdf", "money.Then" (no top-level
// domain, a file extension, a sentence) would link every report that
// mentions its screenshot's name into one false campaign.
func TestNarrativeFileNameIsNoDomain(t *testing.T) {
	for _, text := range []string{
		"See the attached capture.png and receipt.pdf",
		"I sent the money.Then he disappeared",
		"I sent the money.So he left",
		"the video is scam-call.mov",
	} {
		for _, ind := range ExtractText(text, "MA") {
			if ind.Type == "domain" {
				t.Errorf("ExtractText(%q) finds the domain %s", text, ind.Key)
			}
		}
	}
	if got := ExtractText("I paid on fake-shoes-outlet.ma and got nothing", "MA"); !hasKey(got, "domain:fake-shoes-outlet.ma") {
		t.Errorf("a name under a real top-level domain is not kept: %v", keysOf(got))
	}
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			s := newService(t, b)
			a := submit(t, s, Input{Category: "fake_shop", Narrative: "I ordered shoes and never got them, see capture.png",
				Suspect: core.Suspect{Phones: []string{"+212612300101"}}})
			c := submit(t, s, Input{Category: "romance_scam", Narrative: "A man I met online asked for gift cards, see capture.png",
				Suspect: core.Suspect{Phones: []string{"+212699887766"}}})
			if campaignOf(t, s, a.Receipt) == campaignOf(t, s, c.Receipt) {
				t.Errorf("two unrelated reports are one campaign through the file name capture.png (indicators %v / %v)", keysOf(a.Indicators), keysOf(c.Indicators))
			}
		})
	}
}

// A site written as a bare "www." name is keyed as its URL's domain is,
// without "www.": two reports of one fake shop link.
func TestWWWNameLinksItsURL(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			s := newService(t, b)
			a := submit(t, s, Input{Category: "fake_shop", Suspect: core.Suspect{Websites: []string{"www.fake-shoes.example"}}})
			c := submit(t, s, Input{Category: "fake_shop", Suspect: core.Suspect{Websites: []string{"https://www.fake-shoes.example/checkout"}}})
			d := submit(t, s, Input{Category: "fake_shop", Narrative: "I paid on www.fake-shoes.example and got nothing"})
			if campaignOf(t, s, a.Receipt) != campaignOf(t, s, c.Receipt) {
				t.Errorf("www.fake-shoes.example and https://www.fake-shoes.example/checkout are not one campaign: %v / %v", keysOf(a.Indicators), keysOf(c.Indicators))
			}
			if campaignOf(t, s, d.Receipt) != campaignOf(t, s, c.Receipt) {
				t.Errorf("the narrative's www.fake-shoes.example does not link the URL's report: %v / %v", keysOf(d.Indicators), keysOf(c.Indicators))
			}
		})
	}
}

// On a warning-list domain only the URL links (a scammer's profile page).
// Its key drops "www.", so the same profile written with and without it
// links.
func TestProfileURLWithAndWithoutWWWLinks(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			s := newService(t, b)
			a := submit(t, s, Input{Suspect: core.Suspect{Websites: []string{"https://www.facebook.com/crypto.coach.idrissi"}}})
			c := submit(t, s, Input{Suspect: core.Suspect{Websites: []string{"https://facebook.com/crypto.coach.idrissi"}}})
			if campaignOf(t, s, a.Receipt) != campaignOf(t, s, c.Receipt) {
				t.Errorf("one Facebook profile with and without www. is not one campaign: %v / %v", keysOf(a.Indicators), keysOf(c.Indicators))
			}
		})
	}
}

// The warning list covers a large public domain's home page's URL as well
// as its domain key: two unrelated reports that say where they saw the
// advert ("https://www.facebook.com") are not linked into one campaign.
func TestWarningListHomePageDoesNotLink(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			s := newService(t, b)
			a := submit(t, s, Input{Category: "investment_fraud", Narrative: "I saw the advert on https://www.facebook.com and a coach took my savings",
				Suspect: core.Suspect{Phones: []string{"+212612300101"}}})
			c := submit(t, s, Input{Category: "fake_shop", Narrative: "The shop advertised on https://www.facebook.com never sent my order",
				Suspect: core.Suspect{Phones: []string{"+212699887766"}}})
			if campaignOf(t, s, a.Receipt) == campaignOf(t, s, c.Receipt) {
				var linking []string
				for _, i := range a.Indicators {
					if i.Linking && strings.Contains(i.Key, "facebook") {
						linking = append(linking, i.Key)
					}
				}
				t.Errorf("two unrelated reports are one campaign through the warning-list home page %v", linking)
			}
		})
	}
}
