package names

import (
	"strings"
	"testing"
)

// scriptPairs are invented persons, each written in a script and in the
// Latin spelling its passports or usual English give. None is a real
// person.
var scriptPairs = map[string][][2]string{
	"Han": {{"王志远", "Wang Zhiyuan"}, {"陈美玲", "Chan Mei Ling"}, {"刘晓峰", "Liu Xiaofeng"}, {"欧阳建国", "Ouyang Jianguo"},
		{"许文涛", "Hsu Wen-tao"}, {"张静怡", "Zhang Jingyi"}, {"郭振宇", "Guo Zhen Yu"}, {"吕海燕", "Lyu Haiyan"}},
	"Hangul": {{"김서윤", "Kim Seo-yun"}, {"이준호", "Lee Jun-ho"}, {"박지훈", "Park Ji-hoon"}, {"최수빈", "Choi Su-bin"},
		{"정예린", "Jung Ye-rin"}, {"한동욱", "Han Dong-uk"}, {"오민석", "Oh Min-seok"}, {"윤하람", "Yoon Haram"}},
	"Kana": {{"ナカジマ ユウタ", "Nakajima Yuta"}, {"さとう はるか", "Sato Haruka"}, {"モリモト ケイスケ", "Morimoto Keisuke"},
		{"きむら しょうた", "Kimura Shota"}, {"オオノ マイ", "Ono Mai"}, {"ハットリ リョウスケ", "Hattori Ryosuke"}},
	"Devanagari": {{"विकास त्रिपाठी", "Vikas Tripathi"}, {"अंजलि सक्सेना", "Anjali Saxena"}, {"रोहित बंसल", "Rohit Bansal"},
		{"नेहा पांडे", "Neha Pandey"}, {"मनोज यादव", "Manoj Yadav"}, {"सुनीता गुप्ता", "Sunita Gupta"}},
	"Bengali":  {{"সুমন দত্ত", "Suman Dutta"}, {"রিয়া সেন", "Riya Sen"}, {"তানভীর হাসান", "Tanvir Hasan"}, {"অনিক সরকার", "Anik Sarkar"}},
	"Gurmukhi": {{"ਹਰਪ੍ਰੀਤ ਸਿੰਘ ਗਿੱਲ", "Harpreet Singh Gill"}, {"ਗੁਰਮੀਤ ਕੌਰ ਸੰਧੂ", "Gurmeet Kaur Sandhu"}},
	"Tamil":    {{"செந்தில் குமார்", "Senthil Kumar"}, {"பிரியா ராஜேந்திரன்", "Priya Rajendran"}, {"வேல்முருகன் சேகர்", "Velmurugan Sekar"}},
	"Telugu":   {{"శ్రీనివాస్ రెడ్డి", "Srinivas Reddy"}, {"లక్ష్మి నాయుడు", "Lakshmi Naidu"}},
	"Thai": {{"สมชาย ทองดี", "Somchai Thongdee"}, {"วิไล ศรีสวัสดิ์", "Wilai Srisawat"}, {"ประเสริฐ มั่นคง", "Prasert Mankhong"},
		{"อรุณี จันทร์เพ็ญ", "Arunee Chanphen"}},
	"Hebrew":   {{"דניאל אזולאי", "Daniel Azoulay"}, {"שרה כהן", "Sarah Cohen"}, {"עומר גבאי", "Omer Gabay"}, {"רונית שפירא", "Ronit Shapira"}},
	"Armenian": {{"Գոռ Սարգսյան", "Gor Sargsyan"}, {"Անի Մկրտչյան", "Ani Mkrtchyan"}, {"Տիգրան Գրիգորյան", "Tigran Grigoryan"}},
	"Georgian": {{"გიორგი ბერიძე", "Giorgi Beridze"}, {"ანა წიკლაური", "Ana Tsiklauri"}, {"დავით მაისურაძე", "Davit Maisuradze"}},
	"Ethiopic": {{"ሰላም ተስፋዬ", "Selam Tesfaye"}, {"ዮሐንስ ገብሬ", "Yohannes Gebre"}, {"ሙሉጌታ አለሙ", "Mulugeta Alemu"}},
}

// TestScriptRankOne screens each native name against an index of every
// Latin spelling in scriptPairs, and each Latin spelling against an index
// of every native name: the person's own spelling must rank first, for at
// least 95% of the names of each script, both ways.
func TestScriptRankOne(t *testing.T) {
	var natives, latins []Name
	var scripts []string
	for script, pairs := range scriptPairs {
		for _, p := range pairs {
			natives = append(natives, Parse(p[0]))
			latins = append(latins, Parse(p[1]))
			scripts = append(scripts, script)
		}
	}
	rank1 := func(q Name, index []Name, want int) bool {
		m := NewMatcher(q)
		best, at := -1.0, -1
		for i, n := range index {
			if s := m.Compare(n).Score; s > best {
				best, at = s, i
			}
		}
		return at == want && best >= DefaultThreshold
	}
	type tally struct{ ok, n int }
	per := map[string]*tally{}
	for i := range natives {
		tl := per[scripts[i]]
		if tl == nil {
			tl = &tally{}
			per[scripts[i]] = tl
		}
		for _, dir := range []struct {
			q     Name
			index []Name
		}{{natives[i], latins}, {latins[i], natives}} {
			tl.n++
			if rank1(dir.q, dir.index, i) {
				tl.ok++
			} else {
				t.Logf("%s: %q does not find %q first at or above %.2f: %v", scripts[i], dir.q.Original, dir.index[i].Original,
					DefaultThreshold, Compare(dir.q.Original, dir.index[i].Original).Explain())
			}
		}
	}
	for script, tl := range per {
		if float64(tl.ok) < 0.95*float64(tl.n) {
			t.Errorf("%s: rank 1 for %d of %d queries, want ≥ 95%%", script, tl.ok, tl.n)
		}
	}
}

// TestTransliteration pins the reading of each script: Latin text of the
// parts, in order.
func TestTransliteration(t *testing.T) {
	for in, want := range map[string]string{
		"王小明":         "wang xiaoming",
		"小明 王":        "xiaoming wang",
		"欧阳建国":        "ouyang jianguo",
		"김민준":         "gim minjun",
		"タナカ ヒロシ":     "tanaka hiroshi",
		"ホンマ":         "homma",
		"राहुल शर्मा": "rahul sharma",
		"Արամ":        "aram",
		"ნინო":        "nino",
		"አበበ":         "abebe",
		"สมศักดิ์":    "somsak",
		"กนกวรรณ":     "kanokwan",
		"ธนากร":       "thanakon",
		"ณัฐพล":       "natphon",
	} {
		if got := Parse(in).Text(); got != want {
			t.Errorf("%s: got %q, want %q", in, got, want)
		}
	}
	// Kanji in a Japanese name are not read as Chinese: they are named as
	// unread, and the kana are read.
	n := Parse("あすか 高橋")
	if n.Text() != "asuka" || strings.Join(n.Unread, " ") != "高橋" {
		t.Errorf("Japanese name: parts %q, unread %q", n.Text(), n.Unread)
	}
	if why := Unsearchable(Parse("高橋ッ")); !strings.Contains(why, "kanji") {
		t.Errorf("kanji only: %q", why)
	}
	for in, want := range map[string]string{"12345": "only digits", "--- ...": "only punctuation", "al bin": "only particles", "12-34": "digits and punctuation"} {
		if why := Unsearchable(Parse(in)); !strings.Contains(why, want) {
			t.Errorf("%q: reason %q, want it to say %q", in, why, want)
		}
	}
	if why := Unsearchable(Parse("王小明")); why != "" {
		t.Errorf("a Han name is refused: %q", why)
	}
}
