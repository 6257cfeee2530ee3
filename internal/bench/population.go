package bench

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// population generates realistic multi-script people and travel documents
// for the scale suite, deterministically from a seed: Arabic names with
// their Arabic spelling and Maghrebi, English and French transliterations,
// European, Cyrillic (with Cyrillic spelling), African, South Asian and East
// Asian names, each with a date of birth and a nationality. Family names
// have a long tail: most are built from syllables of their culture.
type population struct{ rng *rand.Rand }

type genPerson struct {
	Names       []string
	DateOfBirth string
	Sex         string
	Nationality string
}

type genDocument struct{ Number, Country, Type string }

func newPopulation(seed uint64) *population {
	return &population{rng: rand.New(rand.NewPCG(seed, seed^0x5851f42d4c957f2d))}
}

// arabic given names: Latin spellings (Maghrebi, English) and Arabic.
var arabicMale = [][3]string{
	{"Mohamed", "Muhammad", "محمد"}, {"Ahmed", "Ahmad", "أحمد"}, {"Youssef", "Yusuf", "يوسف"}, {"Said", "Saeed", "سعيد"},
	{"Rachid", "Rashid", "رشيد"}, {"Karim", "Kareem", "كريم"}, {"Hicham", "Hisham", "هشام"}, {"Omar", "Umar", "عمر"},
	{"Khalid", "Khaled", "خالد"}, {"Hassan", "Hasan", "حسن"}, {"Abdelkader", "Abdul Qadir", "عبد القادر"}, {"Abdellatif", "Abdul Latif", "عبد اللطيف"},
	{"Noureddine", "Nur ad-Din", "نور الدين"}, {"Mustapha", "Mustafa", "مصطفى"}, {"Ibrahim", "Brahim", "إبراهيم"}, {"Driss", "Idris", "إدريس"},
	{"Jaouad", "Jawad", "جواد"}, {"Adil", "Adel", "عادل"}, {"Nabil", "Nabeel", "نبيل"}, {"Tarik", "Tariq", "طارق"},
	{"Mehdi", "Mahdi", "مهدي"}, {"Anas", "Anas", "أنس"}, {"Bilal", "Bilal", "بلال"}, {"Hamza", "Hamza", "حمزة"},
	{"Samir", "Sameer", "سمير"}, {"Walid", "Waleed", "وليد"}, {"Fahd", "Fahad", "فهد"}, {"Sultan", "Sultan", "سلطان"},
}

var arabicFemale = [][3]string{
	{"Fatima", "Fatimah", "فاطمة"}, {"Khadija", "Khadijah", "خديجة"}, {"Aicha", "Aisha", "عائشة"}, {"Salma", "Selma", "سلمى"},
	{"Naoual", "Nawal", "نوال"}, {"Imane", "Iman", "إيمان"}, {"Hanane", "Hanan", "حنان"}, {"Samira", "Sameera", "سميرة"},
	{"Nadia", "Nadiya", "نادية"}, {"Asmae", "Asma", "أسماء"}, {"Soukaina", "Sukayna", "سكينة"}, {"Meryem", "Maryam", "مريم"},
	{"Zineb", "Zaynab", "زينب"}, {"Houda", "Huda", "هدى"}, {"Latifa", "Latifah", "لطيفة"}, {"Noura", "Nura", "نورة"},
}

// Arabic family names: Maghrebi spelling, English spelling, Arabic.
var arabicFamily = [][3]string{
	{"Chraibi", "Al-Sharaibi", "الشرايبي"}, {"El Idrissi", "Al-Idrisi", "الإدريسي"}, {"Berrada", "Barada", "برادة"}, {"Bennani", "Bennani", "بناني"},
	{"Tazi", "Al-Tazi", "التازي"}, {"El Alaoui", "Al-Alawi", "العلوي"}, {"Lahlou", "Lahlu", "لحلو"}, {"Kettani", "Al-Kattani", "الكتاني"},
	{"Filali", "Al-Filali", "الفيلالي"}, {"Naciri", "Al-Nasiri", "الناصري"}, {"Benjelloun", "Bin Jallun", "بنجلون"}, {"Sebti", "Al-Sabti", "السبتي"},
	{"Zniber", "Zunaybar", "زنيبر"}, {"Hajjaji", "Al-Hajjaji", "الحجاجي"}, {"Marrakchi", "Al-Marrakushi", "المراكشي"}, {"Doukkali", "Al-Dukkali", "الدكالي"},
	{"Qurashi", "Al-Qurashi", "القرشي"}, {"Otaibi", "Al-Otaibi", "العتيبي"}, {"Ghamdi", "Al-Ghamdi", "الغامدي"}, {"Dosari", "Al-Dosari", "الدوسري"},
	{"Tikriti", "Al-Tikriti", "التكريتي"}, {"Rawi", "Al-Rawi", "الراوي"}, {"Hamdaoui", "Al-Hamdawi", "الحمداوي"}, {"Moussaoui", "Al-Musawi", "الموساوي"},
}

var (
	europeanGiven = []string{"Jean", "Pierre", "Marie", "Sophie", "José", "María", "Lucía", "Javier", "Hans", "Jürgen", "Anna", "Giulia", "Marco",
		"Luca", "John", "James", "Emma", "Olivia", "João", "Ana", "Jan", "Piotr", "Katarzyna", "Lars", "Björn", "Søren", "Étienne", "Hélène"}
	europeanSyl = []string{"ber", "ton", "mar", "tin", "el", "li", "gar", "ci", "a", "mül", "ler", "schmidt", "ros", "si", "fer", "nan", "dez",
		"dup", "ont", "lam", "bert", "kow", "ski", "van", "dam", "son", "ri", "cci", "and", "ers", "sen"}
	cyrillicGiven = [][2]string{{"Nikolay", "Николай"}, {"Aleksandr", "Александр"}, {"Dmitry", "Дмитрий"}, {"Sergey", "Сергей"},
		{"Olga", "Ольга"}, {"Natalia", "Наталья"}, {"Ivan", "Иван"}, {"Yelena", "Елена"}, {"Mikhail", "Михаил"}, {"Tatiana", "Татьяна"}}
	cyrillicSyl = [][2]string{{"smir", "смир"}, {"iva", "ива"}, {"kuz", "куз"}, {"pop", "поп"}, {"sok", "сок"}, {"vol", "вол"},
		{"mor", "мор"}, {"lеb", "леб"}, {"nov", "нов"}, {"kov", "ков"}, {"pet", "пет"}, {"rov", "ров"}}
	africanGiven = []string{"Chukwuemeka", "Oluwaseun", "Aisha", "Ibrahim", "Kwame", "Ama", "Kofi", "Wanjiru", "Amadou", "Fatou", "Mamadou",
		"Abebe", "Tigist", "Ngozi", "Chinedu", "Yaw", "Awa", "Moussa"}
	africanSyl   = []string{"oka", "for", "ade", "ye", "mi", "ba", "bel", "lo", "ko", "nko", "rah", "diallo", "tra", "ore", "wu", "sa", "nde", "gu"}
	southAsian   = []string{"Rajesh", "Priya", "Amit", "Sunita", "Mohammed", "Imran", "Ayesha", "Ravi", "Anil", "Deepa", "Sanjay", "Farhan", "Nadia", "Arjun"}
	southAsSyl   = []string{"ku", "mar", "sha", "rma", "red", "dy", "pa", "tel", "raj", "put", "chau", "dhry", "kha", "n", "ver", "ma", "sin", "gh"}
	eastAsianFam = []string{"Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Xu", "Sun", "Ma", "Zhu", "Hu", "Guo",
		"Kim", "Lee", "Park", "Choi", "Jung", "Nguyen", "Tran", "Le", "Pham", "Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito"}
	eastAsianSyl = []string{"wei", "fang", "na", "min", "jing", "li", "qiang", "lei", "jun", "yan", "hui", "hao", "ming", "ji", "woo", "young",
		"hiro", "yuki", "ken", "ta", "ko", "thi", "van", "mai", "lan", "duc"}
)

func (g *population) pick(xs []string) string { return xs[g.rng.IntN(len(xs))] }

func (g *population) syllables(syl []string, lo, hi int) string {
	n := lo + g.rng.IntN(hi-lo+1)
	var b strings.Builder
	for range n {
		b.WriteString(g.pick(syl))
	}
	s := b.String()
	return strings.ToUpper(s[:1]) + s[1:]
}

func (g *population) dob() string {
	y := 1935 + g.rng.IntN(74)
	if g.rng.IntN(10) == 0 {
		return fmt.Sprintf("%04d", y)
	}
	return fmt.Sprintf("%04d-%02d-%02d", y, 1+g.rng.IntN(12), 1+g.rng.IntN(28))
}

// person draws one person; cultures roughly: Arabic 30%, European 25%,
// African 15%, South Asian 12%, East Asian 10%, Cyrillic 8%.
func (g *population) person() genPerson {
	p := genPerson{DateOfBirth: g.dob(), Sex: []string{"M", "F"}[g.rng.IntN(2)]}
	switch r := g.rng.IntN(100); {
	case r < 30:
		pool := arabicMale
		if p.Sex == "F" {
			pool = arabicFemale
		}
		given := pool[g.rng.IntN(len(pool))]
		var fam [3]string
		if g.rng.IntN(10) < 4 {
			fam = arabicFamily[g.rng.IntN(len(arabicFamily))]
		} else { // a long tail of family names, Latin only
			s := g.syllables([]string{"ben", "al", "ka", "ra", "mi", "za", "ha", "di", "lou", "ni", "sa", "ja", "bou", "ri", "ma", "tal"}, 2, 3)
			fam = [3]string{s, s, ""}
		}
		p.Names = []string{given[0] + " " + fam[0]}
		if g.rng.IntN(2) == 0 {
			p.Names = append(p.Names, given[1]+" "+fam[1])
		}
		if fam[2] != "" && g.rng.IntN(2) == 0 {
			p.Names = append(p.Names, given[2]+" "+fam[2])
		}
		p.Nationality = []string{"MA", "DZ", "TN", "EG", "SA", "IQ", "SY", "JO", "AE", "LB"}[g.rng.IntN(10)]
	case r < 55:
		fam := g.syllables(europeanSyl, 2, 3)
		p.Names = []string{g.pick(europeanGiven) + " " + fam}
		p.Nationality = []string{"FR", "ES", "DE", "IT", "GB", "PT", "NL", "PL", "SE", "DK"}[g.rng.IntN(10)]
	case r < 70:
		p.Names = []string{g.pick(africanGiven) + " " + g.syllables(africanSyl, 2, 3)}
		p.Nationality = []string{"NG", "GH", "KE", "SN", "CI", "ET", "ML", "CM"}[g.rng.IntN(8)]
	case r < 82:
		p.Names = []string{g.pick(southAsian) + " " + g.syllables(southAsSyl, 2, 3)}
		p.Nationality = []string{"IN", "PK", "BD", "LK"}[g.rng.IntN(4)]
	case r < 92:
		p.Names = []string{g.pick(eastAsianFam) + " " + g.pick(eastAsianSyl) + g.pick(eastAsianSyl)}
		p.Nationality = []string{"CN", "JP", "KR", "VN"}[g.rng.IntN(4)]
	default:
		given := cyrillicGiven[g.rng.IntN(len(cyrillicGiven))]
		var lat, cyr strings.Builder
		for range 2 {
			s := cyrillicSyl[g.rng.IntN(len(cyrillicSyl))]
			lat.WriteString(s[0])
			cyr.WriteString(s[1])
		}
		l, c := lat.String(), []rune(cyr.String())
		p.Names = []string{given[0] + " " + strings.ToUpper(l[:1]) + l[1:]}
		if g.rng.IntN(2) == 0 {
			p.Names = append(p.Names, given[1]+" "+strings.ToUpper(string(c[0]))+string(c[1:]))
		}
		p.Nationality = []string{"RU", "UA", "BY", "KZ"}[g.rng.IntN(4)]
	}
	return p
}

// typo makes one random edit to a Latin name: insert, delete or replace a
// letter, never a space.
func (g *population) typo(s string) string { return oneEdit(g.rng, s) }

var docCountries = []string{"FR", "MA", "US", "GB", "DE", "ES", "IT", "NG", "IN", "CN", "BR", "RU", "SA", "EG", "TR", "PK", "JP", "KR", "MX", "CA"}

func (g *population) document() genDocument {
	c := docCountries[g.rng.IntN(len(docCountries))]
	digits := func(n int) string {
		var b strings.Builder
		for range n {
			b.WriteByte(byte('0' + g.rng.IntN(10)))
		}
		return b.String()
	}
	letters := func(n int) string {
		var b strings.Builder
		for range n {
			b.WriteByte(byte('A' + g.rng.IntN(26)))
		}
		return b.String()
	}
	var num string
	switch c {
	case "FR":
		num = digits(2) + letters(2) + digits(5)
	case "MA":
		num = letters(2) + digits(7)
	case "US", "GB":
		num = digits(9)
	default:
		num = letters(1) + digits(8)
	}
	t := "passport"
	if g.rng.IntN(4) == 0 {
		t = "id_card"
	}
	return genDocument{Number: num, Country: c, Type: t}
}
