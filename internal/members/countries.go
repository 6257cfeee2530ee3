// Package members owns the built-in list of the 196 INTERPOL member countries and their National Central Bureaus (NCBs). It is static data and pure lookups: no I/O, no storage.
package members

import (
	"sort"
	"strings"
	"sync"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// Regions used to balance the INTERPOL Executive Committee. Oceania and the
// Middle East are grouped under Asia, as INTERPOL does.
const (
	regionAfrica   = "Africa"
	regionAmericas = "Americas"
	regionAsia     = "Asia"
	regionEurope   = "Europe"
)

// Secretariat is the pseudo-code of the INTERPOL General Secretariat (Lyon).
// It is not a country and is never returned by Lookup or accepted by Valid.
const Secretariat = "IPSG"

// Country is one INTERPOL member country.
type Country struct {
	Alpha2, Alpha3         string // ISO 3166-1 codes, upper case
	NameEN, NameFR, NameAR string // short names in English, French and Arabic
	Region                 string // "Africa", "Americas", "Asia" or "Europe"
}

// Name returns the country name in lang ("en", "fr", "ar" or "es"); any
// other value yields the English name.
func (c Country) Name(lang string) string {
	switch normLang(lang) {
	case "fr":
		return c.NameFR
	case "ar":
		return c.NameAR
	case "es":
		return c.nameES()
	default:
		return c.NameEN
	}
}

// spanishRenamed are the Spanish names CLDR's table in golang.org/x/text
// gives under an older or non-INTERPOL form.
var spanishRenamed = map[string]string{"MK": "Macedonia del Norte", "SZ": "Esuatini", "PS": "Palestina"}

// nameES is the Spanish short name: CLDR's (golang.org/x/text), which
// is what Spanish-speaking administrations write, with the renamed
// countries corrected.
func (c Country) nameES() string {
	if n, ok := spanishRenamed[c.Alpha2]; ok {
		return n
	}
	if r, err := language.ParseRegion(c.Alpha2); err == nil {
		if n := spanishRegions.Name(r); n != "" {
			return n
		}
	}
	return c.NameEN
}

var spanishRegions = display.Regions(language.Spanish)

// countries lists the 196 INTERPOL member countries, sorted by Alpha2.
//
// How 196 is reached:
//   - start from the 193 member states of the United Nations;
//   - remove the two UN members that are not INTERPOL members:
//     North Korea (KP) and Tuvalu (TV)                          -> 191;
//   - add the two non-UN states that are members: Vatican City State (VA)
//     and the State of Palestine (PS, admitted 2017)            -> 193;
//   - add the three constituent countries of the Kingdom of the Netherlands
//     that hold their own membership: Aruba (AW), and Curaçao (CW) and
//     Sint Maarten (SX), both admitted in 2011 after the dissolution of the
//     Netherlands Antilles                                      -> 196.
//
// The most recent admissions were Solomon Islands (2017), Kiribati (2018),
// Micronesia (2021) and Palau (2023). Kosovo (XK) and Taiwan are not members;
// territories such as Hong Kong, Macao, Bermuda or Puerto Rico are served by
// sub-bureaus of their parent country's NCB and are not listed here.
var countries = []Country{
	{"AD", "AND", "Andorra", "Andorre", "أندورا", regionEurope},
	{"AE", "ARE", "United Arab Emirates", "Émirats arabes unis", "الإمارات العربية المتحدة", regionAsia},
	{"AF", "AFG", "Afghanistan", "Afghanistan", "أفغانستان", regionAsia},
	{"AG", "ATG", "Antigua and Barbuda", "Antigua-et-Barbuda", "أنتيغوا وبربودا", regionAmericas},
	{"AL", "ALB", "Albania", "Albanie", "ألبانيا", regionEurope},
	{"AM", "ARM", "Armenia", "Arménie", "أرمينيا", regionEurope},
	{"AO", "AGO", "Angola", "Angola", "أنغولا", regionAfrica},
	{"AR", "ARG", "Argentina", "Argentine", "الأرجنتين", regionAmericas},
	{"AT", "AUT", "Austria", "Autriche", "النمسا", regionEurope},
	{"AU", "AUS", "Australia", "Australie", "أستراليا", regionAsia},
	{"AW", "ABW", "Aruba", "Aruba", "أروبا", regionAmericas},
	{"AZ", "AZE", "Azerbaijan", "Azerbaïdjan", "أذربيجان", regionEurope},
	{"BA", "BIH", "Bosnia and Herzegovina", "Bosnie-Herzégovine", "البوسنة والهرسك", regionEurope},
	{"BB", "BRB", "Barbados", "Barbade", "بربادوس", regionAmericas},
	{"BD", "BGD", "Bangladesh", "Bangladesh", "بنغلاديش", regionAsia},
	{"BE", "BEL", "Belgium", "Belgique", "بلجيكا", regionEurope},
	{"BF", "BFA", "Burkina Faso", "Burkina Faso", "بوركينا فاسو", regionAfrica},
	{"BG", "BGR", "Bulgaria", "Bulgarie", "بلغاريا", regionEurope},
	{"BH", "BHR", "Bahrain", "Bahreïn", "البحرين", regionAsia},
	{"BI", "BDI", "Burundi", "Burundi", "بوروندي", regionAfrica},
	{"BJ", "BEN", "Benin", "Bénin", "بنين", regionAfrica},
	{"BN", "BRN", "Brunei Darussalam", "Brunéi Darussalam", "بروناي", regionAsia},
	{"BO", "BOL", "Bolivia", "Bolivie", "بوليفيا", regionAmericas},
	{"BR", "BRA", "Brazil", "Brésil", "البرازيل", regionAmericas},
	{"BS", "BHS", "Bahamas", "Bahamas", "البهاما", regionAmericas},
	{"BT", "BTN", "Bhutan", "Bhoutan", "بوتان", regionAsia},
	{"BW", "BWA", "Botswana", "Botswana", "بوتسوانا", regionAfrica},
	{"BY", "BLR", "Belarus", "Bélarus", "بيلاروس", regionEurope},
	{"BZ", "BLZ", "Belize", "Belize", "بليز", regionAmericas},
	{"CA", "CAN", "Canada", "Canada", "كندا", regionAmericas},
	{"CD", "COD", "Democratic Republic of the Congo", "République démocratique du Congo", "جمهورية الكونغو الديمقراطية", regionAfrica},
	{"CF", "CAF", "Central African Republic", "République centrafricaine", "جمهورية أفريقيا الوسطى", regionAfrica},
	{"CG", "COG", "Congo", "Congo", "الكونغو", regionAfrica},
	{"CH", "CHE", "Switzerland", "Suisse", "سويسرا", regionEurope},
	{"CI", "CIV", "Côte d'Ivoire", "Côte d'Ivoire", "كوت ديفوار", regionAfrica},
	{"CL", "CHL", "Chile", "Chili", "تشيلي", regionAmericas},
	{"CM", "CMR", "Cameroon", "Cameroun", "الكاميرون", regionAfrica},
	{"CN", "CHN", "China", "Chine", "الصين", regionAsia},
	{"CO", "COL", "Colombia", "Colombie", "كولومبيا", regionAmericas},
	{"CR", "CRI", "Costa Rica", "Costa Rica", "كوستاريكا", regionAmericas},
	{"CU", "CUB", "Cuba", "Cuba", "كوبا", regionAmericas},
	{"CV", "CPV", "Cabo Verde", "Cabo Verde", "كابو فيردي", regionAfrica},
	{"CW", "CUW", "Curaçao", "Curaçao", "كوراساو", regionAmericas},
	{"CY", "CYP", "Cyprus", "Chypre", "قبرص", regionEurope},
	{"CZ", "CZE", "Czechia", "Tchéquie", "تشيكيا", regionEurope},
	{"DE", "DEU", "Germany", "Allemagne", "ألمانيا", regionEurope},
	{"DJ", "DJI", "Djibouti", "Djibouti", "جيبوتي", regionAfrica},
	{"DK", "DNK", "Denmark", "Danemark", "الدانمرك", regionEurope},
	{"DM", "DMA", "Dominica", "Dominique", "دومينيكا", regionAmericas},
	{"DO", "DOM", "Dominican Republic", "République dominicaine", "جمهورية الدومينيكان", regionAmericas},
	{"DZ", "DZA", "Algeria", "Algérie", "الجزائر", regionAfrica},
	{"EC", "ECU", "Ecuador", "Équateur", "الإكوادور", regionAmericas},
	{"EE", "EST", "Estonia", "Estonie", "إستونيا", regionEurope},
	{"EG", "EGY", "Egypt", "Égypte", "مصر", regionAfrica},
	{"ER", "ERI", "Eritrea", "Érythrée", "إريتريا", regionAfrica},
	{"ES", "ESP", "Spain", "Espagne", "إسبانيا", regionEurope},
	{"ET", "ETH", "Ethiopia", "Éthiopie", "إثيوبيا", regionAfrica},
	{"FI", "FIN", "Finland", "Finlande", "فنلندا", regionEurope},
	{"FJ", "FJI", "Fiji", "Fidji", "فيجي", regionAsia},
	{"FM", "FSM", "Micronesia (Federated States of)", "États fédérés de Micronésie", "ميكرونيزيا", regionAsia},
	{"FR", "FRA", "France", "France", "فرنسا", regionEurope},
	{"GA", "GAB", "Gabon", "Gabon", "الغابون", regionAfrica},
	{"GB", "GBR", "United Kingdom", "Royaume-Uni", "المملكة المتحدة", regionEurope},
	{"GD", "GRD", "Grenada", "Grenade", "غرينادا", regionAmericas},
	{"GE", "GEO", "Georgia", "Géorgie", "جورجيا", regionEurope},
	{"GH", "GHA", "Ghana", "Ghana", "غانا", regionAfrica},
	{"GM", "GMB", "Gambia", "Gambie", "غامبيا", regionAfrica},
	{"GN", "GIN", "Guinea", "Guinée", "غينيا", regionAfrica},
	{"GQ", "GNQ", "Equatorial Guinea", "Guinée équatoriale", "غينيا الاستوائية", regionAfrica},
	{"GR", "GRC", "Greece", "Grèce", "اليونان", regionEurope},
	{"GT", "GTM", "Guatemala", "Guatemala", "غواتيمالا", regionAmericas},
	{"GW", "GNB", "Guinea-Bissau", "Guinée-Bissau", "غينيا بيساو", regionAfrica},
	{"GY", "GUY", "Guyana", "Guyana", "غيانا", regionAmericas},
	{"HN", "HND", "Honduras", "Honduras", "هندوراس", regionAmericas},
	{"HR", "HRV", "Croatia", "Croatie", "كرواتيا", regionEurope},
	{"HT", "HTI", "Haiti", "Haïti", "هايتي", regionAmericas},
	{"HU", "HUN", "Hungary", "Hongrie", "هنغاريا", regionEurope},
	{"ID", "IDN", "Indonesia", "Indonésie", "إندونيسيا", regionAsia},
	{"IE", "IRL", "Ireland", "Irlande", "أيرلندا", regionEurope},
	{"IL", "ISR", "Israel", "Israël", "إسرائيل", regionAsia},
	{"IN", "IND", "India", "Inde", "الهند", regionAsia},
	{"IQ", "IRQ", "Iraq", "Irak", "العراق", regionAsia},
	{"IR", "IRN", "Iran", "Iran", "إيران", regionAsia},
	{"IS", "ISL", "Iceland", "Islande", "آيسلندا", regionEurope},
	{"IT", "ITA", "Italy", "Italie", "إيطاليا", regionEurope},
	{"JM", "JAM", "Jamaica", "Jamaïque", "جامايكا", regionAmericas},
	{"JO", "JOR", "Jordan", "Jordanie", "الأردن", regionAsia},
	{"JP", "JPN", "Japan", "Japon", "اليابان", regionAsia},
	{"KE", "KEN", "Kenya", "Kenya", "كينيا", regionAfrica},
	{"KG", "KGZ", "Kyrgyzstan", "Kirghizistan", "قيرغيزستان", regionAsia},
	{"KH", "KHM", "Cambodia", "Cambodge", "كمبوديا", regionAsia},
	{"KI", "KIR", "Kiribati", "Kiribati", "كيريباتي", regionAsia},
	{"KM", "COM", "Comoros", "Comores", "جزر القمر", regionAfrica},
	{"KN", "KNA", "Saint Kitts and Nevis", "Saint-Kitts-et-Nevis", "سانت كيتس ونيفيس", regionAmericas},
	{"KR", "KOR", "Republic of Korea", "République de Corée", "جمهورية كوريا", regionAsia},
	{"KW", "KWT", "Kuwait", "Koweït", "الكويت", regionAsia},
	{"KZ", "KAZ", "Kazakhstan", "Kazakhstan", "كازاخستان", regionAsia},
	{"LA", "LAO", "Laos", "Laos", "لاوس", regionAsia},
	{"LB", "LBN", "Lebanon", "Liban", "لبنان", regionAsia},
	{"LC", "LCA", "Saint Lucia", "Sainte-Lucie", "سانت لوسيا", regionAmericas},
	{"LI", "LIE", "Liechtenstein", "Liechtenstein", "ليختنشتاين", regionEurope},
	{"LK", "LKA", "Sri Lanka", "Sri Lanka", "سريلانكا", regionAsia},
	{"LR", "LBR", "Liberia", "Libéria", "ليبيريا", regionAfrica},
	{"LS", "LSO", "Lesotho", "Lesotho", "ليسوتو", regionAfrica},
	{"LT", "LTU", "Lithuania", "Lituanie", "ليتوانيا", regionEurope},
	{"LU", "LUX", "Luxembourg", "Luxembourg", "لوكسمبورغ", regionEurope},
	{"LV", "LVA", "Latvia", "Lettonie", "لاتفيا", regionEurope},
	{"LY", "LBY", "Libya", "Libye", "ليبيا", regionAfrica},
	{"MA", "MAR", "Morocco", "Maroc", "المغرب", regionAfrica},
	{"MC", "MCO", "Monaco", "Monaco", "موناكو", regionEurope},
	{"MD", "MDA", "Moldova", "Moldavie", "مولدوفا", regionEurope},
	{"ME", "MNE", "Montenegro", "Monténégro", "الجبل الأسود", regionEurope},
	{"MG", "MDG", "Madagascar", "Madagascar", "مدغشقر", regionAfrica},
	{"MH", "MHL", "Marshall Islands", "Îles Marshall", "جزر مارشال", regionAsia},
	{"MK", "MKD", "North Macedonia", "Macédoine du Nord", "مقدونيا الشمالية", regionEurope},
	{"ML", "MLI", "Mali", "Mali", "مالي", regionAfrica},
	{"MM", "MMR", "Myanmar", "Myanmar", "ميانمار", regionAsia},
	{"MN", "MNG", "Mongolia", "Mongolie", "منغوليا", regionAsia},
	{"MR", "MRT", "Mauritania", "Mauritanie", "موريتانيا", regionAfrica},
	{"MT", "MLT", "Malta", "Malte", "مالطا", regionEurope},
	{"MU", "MUS", "Mauritius", "Maurice", "موريشيوس", regionAfrica},
	{"MV", "MDV", "Maldives", "Maldives", "جزر المالديف", regionAsia},
	{"MW", "MWI", "Malawi", "Malawi", "ملاوي", regionAfrica},
	{"MX", "MEX", "Mexico", "Mexique", "المكسيك", regionAmericas},
	{"MY", "MYS", "Malaysia", "Malaisie", "ماليزيا", regionAsia},
	{"MZ", "MOZ", "Mozambique", "Mozambique", "موزمبيق", regionAfrica},
	{"NA", "NAM", "Namibia", "Namibie", "ناميبيا", regionAfrica},
	{"NE", "NER", "Niger", "Niger", "النيجر", regionAfrica},
	{"NG", "NGA", "Nigeria", "Nigéria", "نيجيريا", regionAfrica},
	{"NI", "NIC", "Nicaragua", "Nicaragua", "نيكاراغوا", regionAmericas},
	{"NL", "NLD", "Netherlands", "Pays-Bas", "هولندا", regionEurope},
	{"NO", "NOR", "Norway", "Norvège", "النرويج", regionEurope},
	{"NP", "NPL", "Nepal", "Népal", "نيبال", regionAsia},
	{"NR", "NRU", "Nauru", "Nauru", "ناورو", regionAsia},
	{"NZ", "NZL", "New Zealand", "Nouvelle-Zélande", "نيوزيلندا", regionAsia},
	{"OM", "OMN", "Oman", "Oman", "عُمان", regionAsia},
	{"PA", "PAN", "Panama", "Panama", "بنما", regionAmericas},
	{"PE", "PER", "Peru", "Pérou", "بيرو", regionAmericas},
	{"PG", "PNG", "Papua New Guinea", "Papouasie-Nouvelle-Guinée", "بابوا غينيا الجديدة", regionAsia},
	{"PH", "PHL", "Philippines", "Philippines", "الفلبين", regionAsia},
	{"PK", "PAK", "Pakistan", "Pakistan", "باكستان", regionAsia},
	{"PL", "POL", "Poland", "Pologne", "بولندا", regionEurope},
	{"PS", "PSE", "State of Palestine", "État de Palestine", "دولة فلسطين", regionAsia},
	{"PT", "PRT", "Portugal", "Portugal", "البرتغال", regionEurope},
	{"PW", "PLW", "Palau", "Palaos", "بالاو", regionAsia},
	{"PY", "PRY", "Paraguay", "Paraguay", "باراغواي", regionAmericas},
	{"QA", "QAT", "Qatar", "Qatar", "قطر", regionAsia},
	{"RO", "ROU", "Romania", "Roumanie", "رومانيا", regionEurope},
	{"RS", "SRB", "Serbia", "Serbie", "صربيا", regionEurope},
	{"RU", "RUS", "Russia", "Russie", "روسيا", regionEurope},
	{"RW", "RWA", "Rwanda", "Rwanda", "رواندا", regionAfrica},
	{"SA", "SAU", "Saudi Arabia", "Arabie saoudite", "المملكة العربية السعودية", regionAsia},
	{"SB", "SLB", "Solomon Islands", "Îles Salomon", "جزر سليمان", regionAsia},
	{"SC", "SYC", "Seychelles", "Seychelles", "سيشل", regionAfrica},
	{"SD", "SDN", "Sudan", "Soudan", "السودان", regionAfrica},
	{"SE", "SWE", "Sweden", "Suède", "السويد", regionEurope},
	{"SG", "SGP", "Singapore", "Singapour", "سنغافورة", regionAsia},
	{"SI", "SVN", "Slovenia", "Slovénie", "سلوفينيا", regionEurope},
	{"SK", "SVK", "Slovakia", "Slovaquie", "سلوفاكيا", regionEurope},
	{"SL", "SLE", "Sierra Leone", "Sierra Leone", "سيراليون", regionAfrica},
	{"SM", "SMR", "San Marino", "Saint-Marin", "سان مارينو", regionEurope},
	{"SN", "SEN", "Senegal", "Sénégal", "السنغال", regionAfrica},
	{"SO", "SOM", "Somalia", "Somalie", "الصومال", regionAfrica},
	{"SR", "SUR", "Suriname", "Suriname", "سورينام", regionAmericas},
	{"SS", "SSD", "South Sudan", "Soudan du Sud", "جنوب السودان", regionAfrica},
	{"ST", "STP", "Sao Tome and Principe", "Sao Tomé-et-Principe", "ساو تومي وبرينسيبي", regionAfrica},
	{"SV", "SLV", "El Salvador", "El Salvador", "السلفادور", regionAmericas},
	{"SX", "SXM", "Sint Maarten", "Saint-Martin (partie néerlandaise)", "سينت مارتن", regionAmericas},
	{"SY", "SYR", "Syria", "Syrie", "سوريا", regionAsia},
	{"SZ", "SWZ", "Eswatini", "Eswatini", "إسواتيني", regionAfrica},
	{"TD", "TCD", "Chad", "Tchad", "تشاد", regionAfrica},
	{"TG", "TGO", "Togo", "Togo", "توغو", regionAfrica},
	{"TH", "THA", "Thailand", "Thaïlande", "تايلاند", regionAsia},
	{"TJ", "TJK", "Tajikistan", "Tadjikistan", "طاجيكستان", regionAsia},
	{"TL", "TLS", "Timor-Leste", "Timor-Leste", "تيمور-ليشتي", regionAsia},
	{"TM", "TKM", "Turkmenistan", "Turkménistan", "تركمانستان", regionAsia},
	{"TN", "TUN", "Tunisia", "Tunisie", "تونس", regionAfrica},
	{"TO", "TON", "Tonga", "Tonga", "تونغا", regionAsia},
	{"TR", "TUR", "Türkiye", "Türkiye", "تركيا", regionEurope},
	{"TT", "TTO", "Trinidad and Tobago", "Trinité-et-Tobago", "ترينيداد وتوباغو", regionAmericas},
	{"TZ", "TZA", "Tanzania", "Tanzanie", "تنزانيا", regionAfrica},
	{"UA", "UKR", "Ukraine", "Ukraine", "أوكرانيا", regionEurope},
	{"UG", "UGA", "Uganda", "Ouganda", "أوغندا", regionAfrica},
	{"US", "USA", "United States", "États-Unis", "الولايات المتحدة", regionAmericas},
	{"UY", "URY", "Uruguay", "Uruguay", "أورغواي", regionAmericas},
	{"UZ", "UZB", "Uzbekistan", "Ouzbékistan", "أوزبكستان", regionAsia},
	{"VA", "VAT", "Vatican City State", "État de la Cité du Vatican", "دولة مدينة الفاتيكان", regionEurope},
	{"VC", "VCT", "Saint Vincent and the Grenadines", "Saint-Vincent-et-les-Grenadines", "سانت فنسنت وجزر غرينادين", regionAmericas},
	{"VE", "VEN", "Venezuela", "Venezuela", "فنزويلا", regionAmericas},
	{"VN", "VNM", "Vietnam", "Vietnam", "فيتنام", regionAsia},
	{"VU", "VUT", "Vanuatu", "Vanuatu", "فانواتو", regionAsia},
	{"WS", "WSM", "Samoa", "Samoa", "ساموا", regionAsia},
	{"YE", "YEM", "Yemen", "Yémen", "اليمن", regionAsia},
	{"ZA", "ZAF", "South Africa", "Afrique du Sud", "جنوب أفريقيا", regionAfrica},
	{"ZM", "ZMB", "Zambia", "Zambie", "زامبيا", regionAfrica},
	{"ZW", "ZWE", "Zimbabwe", "Zimbabwe", "زيمبابوي", regionAfrica},
}

var (
	indexOnce sync.Once
	byAlpha2  map[string]Country
	byAlpha3  map[string]Country
)

func buildIndex() {
	byAlpha2 = make(map[string]Country, len(countries))
	byAlpha3 = make(map[string]Country, len(countries))
	for _, c := range countries {
		byAlpha2[c.Alpha2] = c
		byAlpha3[c.Alpha3] = c
	}
}

func index() (map[string]Country, map[string]Country) {
	indexOnce.Do(buildIndex)
	return byAlpha2, byAlpha3
}

func normCode(code string) string {
	return strings.ToUpper(strings.TrimSpace(code))
}

func normLang(lang string) string {
	return strings.ToLower(strings.TrimSpace(lang))
}

// All returns a copy of the member list, sorted by Alpha2.
func All() []Country {
	out := make([]Country, len(countries))
	copy(out, countries)
	sort.Slice(out, func(i, j int) bool { return out[i].Alpha2 < out[j].Alpha2 })
	return out
}

// Count returns the number of member countries (196).
func Count() int { return len(countries) }

// Lookup finds a member country by ISO 3166-1 alpha-2 or alpha-3 code. The
// code is case-insensitive and surrounding spaces are ignored. The
// Secretariat code and non-member codes report false.
func Lookup(code string) (Country, bool) {
	a2, a3 := index()
	code = normCode(code)
	var c Country
	var ok bool
	switch len(code) {
	case 2:
		c, ok = a2[code]
	case 3:
		c, ok = a3[code]
	}
	return c, ok
}

// Valid reports whether alpha2 is exactly the upper-case alpha-2 code of a
// member country (no trimming, no case folding, no alpha-3).
func Valid(alpha2 string) bool {
	a2, _ := index()
	_, ok := a2[alpha2]
	return ok
}

// IsSecretariat reports whether code designates the General Secretariat.
// The comparison is case-insensitive and ignores surrounding spaces.
func IsSecretariat(code string) bool {
	return normCode(code) == Secretariat
}

// Bureau is an INTERPOL National Central Bureau, or the General Secretariat
// when Code is Secretariat (Country is then the zero value).
type Bureau struct {
	Code    string // member alpha-2 code, or Secretariat
	Country Country
}

// IsSecretariat reports whether b is the General Secretariat.
func (b Bureau) IsSecretariat() bool { return b.Code == Secretariat }

// Name returns the bureau's display name in lang ("en", "fr", "ar" or
// "es"; any other value yields English), e.g. "NCB Morocco", "BCN Maroc",
// "المكتب المركزي الوطني - المغرب" or "OCN Marruecos".
func (b Bureau) Name(lang string) string {
	l := normLang(lang)
	if b.IsSecretariat() {
		switch l {
		case "fr":
			return "Secrétariat général d'INTERPOL"
		case "ar":
			return "الأمانة العامة للإنتربول"
		case "es":
			return "Secretaría General de INTERPOL"
		default:
			return "INTERPOL General Secretariat"
		}
	}
	switch l {
	case "fr":
		return "BCN " + b.Country.NameFR
	case "ar":
		return "المكتب المركزي الوطني - " + b.Country.NameAR
	case "es":
		return "OCN " + b.Country.nameES()
	default:
		return "NCB " + b.Country.NameEN
	}
}

// BureauFor returns the bureau for an alpha-2 or alpha-3 member code, or the
// General Secretariat for Secretariat. Codes are case-insensitive and
// surrounding spaces are ignored. The returned Code is always the alpha-2
// code (or Secretariat).
func BureauFor(code string) (Bureau, bool) {
	if IsSecretariat(code) {
		return Bureau{Code: Secretariat}, true
	}
	c, ok := Lookup(code)
	if !ok {
		return Bureau{}, false
	}
	return Bureau{Code: c.Alpha2, Country: c}, true
}

// Bureaus returns the 196 country NCBs, sorted by code. The General
// Secretariat is not included.
func Bureaus() []Bureau {
	all := All()
	out := make([]Bureau, len(all))
	for i, c := range all {
		out[i] = Bureau{Code: c.Alpha2, Country: c}
	}
	return out
}
