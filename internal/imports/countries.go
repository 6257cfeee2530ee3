package imports

import (
	"strings"
	"sync"
	"unicode"
)

// countryTable lists ISO 3166-1 alpha-2 codes (plus XK, Kosovo, the code in
// common use) with English names: the ISO/UN name first, then variants seen
// in the UN and OFAC lists and in common use. Names are matched after
// normalisation (see normCountry), so case, accents and punctuation do not
// matter, and "Korea, North" also matches as "North Korea".
var countryTable = []string{
	"AD|Andorra",
	"AE|United Arab Emirates|UAE|U.A.E.",
	"AF|Afghanistan",
	"AG|Antigua and Barbuda",
	"AI|Anguilla",
	"AL|Albania",
	"AM|Armenia",
	"AO|Angola",
	"AQ|Antarctica",
	"AR|Argentina",
	"AS|American Samoa",
	"AT|Austria",
	"AU|Australia",
	"AW|Aruba",
	"AX|Åland Islands",
	"AZ|Azerbaijan",
	"BA|Bosnia and Herzegovina|Bosnia-Herzegovina|Bosnia",
	"BB|Barbados",
	"BD|Bangladesh",
	"BE|Belgium",
	"BF|Burkina Faso",
	"BG|Bulgaria",
	"BH|Bahrain",
	"BI|Burundi",
	"BJ|Benin",
	"BL|Saint Barthélemy",
	"BM|Bermuda",
	"BN|Brunei Darussalam|Brunei",
	"BO|Bolivia (Plurinational State of)|Plurinational State of Bolivia|Bolivia",
	"BQ|Bonaire, Sint Eustatius and Saba|Caribbean Netherlands",
	"BR|Brazil",
	"BS|Bahamas|The Bahamas",
	"BT|Bhutan",
	"BV|Bouvet Island",
	"BW|Botswana",
	"BY|Belarus",
	"BZ|Belize",
	"CA|Canada",
	"CC|Cocos (Keeling) Islands|Cocos Islands",
	"CD|Democratic Republic of the Congo|Congo, Democratic Republic of the|DR Congo|DRC|Congo-Kinshasa|Congo (Kinshasa)|Zaire",
	"CF|Central African Republic",
	"CG|Congo|Republic of the Congo|Congo, Republic of the|Congo-Brazzaville|Congo (Brazzaville)",
	"CH|Switzerland",
	"CI|Côte d'Ivoire|Cote d Ivoire|Ivory Coast",
	"CK|Cook Islands",
	"CL|Chile",
	"CM|Cameroon",
	"CN|China|People's Republic of China|PRC",
	"CO|Colombia",
	"CR|Costa Rica",
	"CU|Cuba",
	"CV|Cabo Verde|Cape Verde",
	"CW|Curaçao",
	"CX|Christmas Island",
	"CY|Cyprus",
	"CZ|Czechia|Czech Republic",
	"DE|Germany|Federal Republic of Germany",
	"DJ|Djibouti",
	"DK|Denmark",
	"DM|Dominica",
	"DO|Dominican Republic",
	"DZ|Algeria",
	"EC|Ecuador",
	"EE|Estonia",
	"EG|Egypt|Arab Republic of Egypt",
	"EH|Western Sahara",
	"ER|Eritrea",
	"ES|Spain",
	"ET|Ethiopia",
	"FI|Finland",
	"FJ|Fiji",
	"FK|Falkland Islands (Malvinas)|Falkland Islands",
	"FM|Micronesia (Federated States of)|Federated States of Micronesia|Micronesia",
	"FO|Faroe Islands",
	"FR|France",
	"GA|Gabon",
	"GB|United Kingdom of Great Britain and Northern Ireland|United Kingdom|UK|U.K.|Great Britain|Britain|England|Scotland|Wales|Northern Ireland",
	"GD|Grenada",
	"GE|Georgia",
	"GF|French Guiana",
	"GG|Guernsey",
	"GH|Ghana",
	"GI|Gibraltar",
	"GL|Greenland",
	"GM|Gambia|The Gambia",
	"GN|Guinea",
	"GP|Guadeloupe",
	"GQ|Equatorial Guinea",
	"GR|Greece",
	"GS|South Georgia and the South Sandwich Islands",
	"GT|Guatemala",
	"GU|Guam",
	"GW|Guinea-Bissau",
	"GY|Guyana",
	"HK|Hong Kong|China, Hong Kong Special Administrative Region|Hong Kong SAR|Hong Kong, China",
	"HM|Heard Island and McDonald Islands",
	"HN|Honduras",
	"HR|Croatia",
	"HT|Haiti",
	"HU|Hungary",
	"ID|Indonesia",
	"IE|Ireland",
	"IL|Israel",
	"IM|Isle of Man",
	"IN|India",
	"IO|British Indian Ocean Territory",
	"IQ|Iraq",
	"IR|Iran (Islamic Republic of)|Islamic Republic of Iran|Iran",
	"IS|Iceland",
	"IT|Italy",
	"JE|Jersey",
	"JM|Jamaica",
	"JO|Jordan",
	"JP|Japan",
	"KE|Kenya",
	"KG|Kyrgyzstan|Kyrgyz Republic",
	"KH|Cambodia",
	"KI|Kiribati",
	"KM|Comoros",
	"KN|Saint Kitts and Nevis|St Kitts and Nevis",
	"KP|Democratic People's Republic of Korea|North Korea|Korea, North|Korea, Democratic People's Republic of|DPRK",
	"KR|Republic of Korea|South Korea|Korea, South|Korea, Republic of",
	"KW|Kuwait",
	"KY|Cayman Islands",
	"KZ|Kazakhstan",
	"LA|Lao People's Democratic Republic|Laos",
	"LB|Lebanon",
	"LC|Saint Lucia|St Lucia",
	"LI|Liechtenstein",
	"LK|Sri Lanka",
	"LR|Liberia",
	"LS|Lesotho",
	"LT|Lithuania",
	"LU|Luxembourg",
	"LV|Latvia",
	"LY|Libya|Libyan Arab Jamahiriya|State of Libya",
	"MA|Morocco",
	"MC|Monaco",
	"MD|Republic of Moldova|Moldova",
	"ME|Montenegro",
	"MF|Saint Martin (French part)|Saint Martin",
	"MG|Madagascar",
	"MH|Marshall Islands",
	"MK|North Macedonia|Macedonia|The former Yugoslav Republic of Macedonia|Macedonia, The Former Yugoslav Republic of",
	"ML|Mali",
	"MM|Myanmar|Burma",
	"MN|Mongolia",
	"MO|Macao|Macau|China, Macao Special Administrative Region",
	"MP|Northern Mariana Islands",
	"MQ|Martinique",
	"MR|Mauritania",
	"MS|Montserrat",
	"MT|Malta",
	"MU|Mauritius",
	"MV|Maldives",
	"MW|Malawi",
	"MX|Mexico",
	"MY|Malaysia",
	"MZ|Mozambique",
	"NA|Namibia",
	"NC|New Caledonia",
	"NE|Niger",
	"NF|Norfolk Island",
	"NG|Nigeria",
	"NI|Nicaragua",
	"NL|Netherlands|Netherlands (Kingdom of the)|Kingdom of the Netherlands|Holland",
	"NO|Norway",
	"NP|Nepal",
	"NR|Nauru",
	"NU|Niue",
	"NZ|New Zealand",
	"OM|Oman",
	"PA|Panama",
	"PE|Peru",
	"PF|French Polynesia",
	"PG|Papua New Guinea",
	"PH|Philippines",
	"PK|Pakistan",
	"PL|Poland",
	"PM|Saint Pierre and Miquelon",
	"PN|Pitcairn",
	"PR|Puerto Rico",
	"PS|State of Palestine|Palestine|Palestinian|Occupied Palestinian Territory|West Bank|Gaza|Gaza Strip",
	"PT|Portugal",
	"PW|Palau",
	"PY|Paraguay",
	"QA|Qatar",
	"RE|Réunion",
	"RO|Romania",
	"RS|Serbia",
	"RU|Russian Federation|Russia",
	"RW|Rwanda",
	"SA|Saudi Arabia|Kingdom of Saudi Arabia",
	"SB|Solomon Islands",
	"SC|Seychelles",
	"SD|Sudan",
	"SE|Sweden",
	"SG|Singapore",
	"SH|Saint Helena, Ascension and Tristan da Cunha|Saint Helena",
	"SI|Slovenia",
	"SJ|Svalbard and Jan Mayen",
	"SK|Slovakia|Slovak Republic",
	"SL|Sierra Leone",
	"SM|San Marino",
	"SN|Senegal",
	"SO|Somalia",
	"SR|Suriname",
	"SS|South Sudan",
	"ST|Sao Tome and Principe|São Tomé and Príncipe",
	"SV|El Salvador",
	"SX|Sint Maarten (Dutch part)|Sint Maarten",
	"SY|Syrian Arab Republic|Syria",
	"SZ|Eswatini|Swaziland",
	"TC|Turks and Caicos Islands",
	"TD|Chad",
	"TF|French Southern Territories",
	"TG|Togo",
	"TH|Thailand",
	"TJ|Tajikistan",
	"TK|Tokelau",
	"TL|Timor-Leste|East Timor",
	"TM|Turkmenistan",
	"TN|Tunisia",
	"TO|Tonga",
	"TR|Türkiye|Turkey|Turkiye",
	"TT|Trinidad and Tobago",
	"TV|Tuvalu",
	"TW|Taiwan|Taiwan, Province of China",
	"TZ|United Republic of Tanzania|Tanzania|Tanzania, United Republic of",
	"UA|Ukraine|Crimea",
	"UG|Uganda",
	"UM|United States Minor Outlying Islands",
	"US|United States of America|United States|USA|U.S.A.|U.S.",
	"UY|Uruguay",
	"UZ|Uzbekistan",
	"VA|Holy See|Vatican City|Vatican City State|Vatican",
	"VC|Saint Vincent and the Grenadines|St Vincent and the Grenadines",
	"VE|Venezuela (Bolivarian Republic of)|Bolivarian Republic of Venezuela|Venezuela",
	"VG|Virgin Islands (British)|British Virgin Islands|Virgin Islands, British",
	"VI|Virgin Islands (U.S.)|United States Virgin Islands|US Virgin Islands|Virgin Islands, U.S.",
	"VN|Viet Nam|Vietnam",
	"VU|Vanuatu",
	"WF|Wallis and Futuna",
	"WS|Samoa",
	"XK|Kosovo",
	"YE|Yemen",
	"YT|Mayotte",
	"ZA|South Africa",
	"ZM|Zambia",
	"ZW|Zimbabwe",
}

var (
	countryOnce   sync.Once
	countryByName map[string]string // normalised name -> alpha-2
	countryCodes  map[string]bool   // alpha-2 codes
)

func buildCountries() {
	countryByName = make(map[string]string, len(countryTable)*3)
	countryCodes = make(map[string]bool, len(countryTable))
	for _, row := range countryTable {
		parts := strings.Split(row, "|")
		code := parts[0]
		countryCodes[code] = true
		for _, name := range parts[1:] {
			countryByName[normCountry(name)] = code
		}
	}
}

// noCountry holds values that stand for "no country given"; they are dropped
// silently rather than reported as unknown.
var noCountry = map[string]bool{
	"": true, "na": true, "n a": true, "none": true, "unknown": true, "undetermined": true, "not known": true,
	"none identified": true, "stateless": true,
}

// ResolveCountry maps an English country name (or an alpha-2 code) to its ISO
// 3166-1 alpha-2 code. ok is false when the name is not in the built-in
// table.
func ResolveCountry(name string) (code string, ok bool) {
	countryOnce.Do(buildCountries)
	t := strings.TrimSpace(name)
	if len(t) == 2 && isUpperASCII(t) && countryCodes[t] {
		return t, true
	}
	n := normCountry(t)
	if c, ok := countryByName[n]; ok {
		return c, true
	}
	// "Korea, North" -> "North Korea"; "Congo, Democratic Republic of the".
	if i := strings.LastIndex(t, ","); i > 0 {
		if c, ok := countryByName[normCountry(t[i+1:]+" "+t[:i])]; ok {
			return c, true
		}
	}
	// "Region: Gaza" -> "Gaza".
	if rest, ok := strings.CutPrefix(t, "Region:"); ok {
		return ResolveCountry(rest)
	}
	// "Cabo Verde. Previously Cape Verde." -> "Cabo Verde".
	if i := strings.Index(t, ". "); i > 0 {
		if c, ok := countryByName[normCountry(t[:i])]; ok {
			return c, true
		}
	}
	// "Iran (Islamic Republic of)" -> "Iran".
	if i := strings.IndexByte(t, '('); i > 0 {
		if c, ok := countryByName[normCountry(t[:i])]; ok {
			return c, true
		}
	}
	return "", false
}

// resolveCountry returns the code for name, the name as given (cleaned) when
// it does not resolve (known false), or "" when name means "no country".
func resolveCountry(name string) (value string, known bool) {
	if noCountry[normCountry(name)] {
		return "", true
	}
	if c, ok := ResolveCountry(name); ok {
		return c, true
	}
	return name, false
}

func isUpperASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return s != ""
}

// normCountry lower-cases name, folds common accents, turns punctuation into
// spaces, writes "&" as "and", drops a leading "the" and collapses spaces.
func normCountry(name string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(name) {
		switch r {
		case 'à', 'á', 'â', 'ã', 'ä', 'å':
			r = 'a'
		case 'ç':
			r = 'c'
		case 'è', 'é', 'ê', 'ë':
			r = 'e'
		case 'ì', 'í', 'î', 'ï', 'ı':
			r = 'i'
		case 'ñ':
			r = 'n'
		case 'ò', 'ó', 'ô', 'õ', 'ö', 'ø':
			r = 'o'
		case 'ù', 'ú', 'û', 'ü':
			r = 'u'
		case '\'', '’', '`':
			continue
		case '&':
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString("and")
			space = true
			continue
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
			continue
		}
		space = true
	}
	s := b.String()
	s = strings.TrimPrefix(s, "the ")
	return s
}
