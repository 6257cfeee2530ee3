package names

import (
	"strings"
	"sync"
)

// Cantonese readings of Chinese characters, for names written in
// traditional characters (Hong Kong, Macau, and many overseas): 梁詠詩 is
// Leung Wing Sze on a Hong Kong passport, never Liang Yongshi. The
// readings are spelt the way the Hong Kong government writes names (an
// older English-based spelling, not Jyutping): loeng → leung, zoeng →
// cheung, gaa → ka, si → sze, gwok → kwok.
//
// The readings in cantoneseTable are taken from the rime-cantonese
// dictionary (jyut6ping3.chars.dict.yaml, https://github.com/rime/rime-cantonese),
// © the Cantonese Computational Linguistics Infrastructure Development
// Workgroup (CanCLID), released under the Creative Commons Attribution 4.0
// International licence (https://creativecommons.org/licenses/by/4.0/):
// for each of about 780 characters common in Chinese given and family
// names, its readings without a share marked in the dictionary (else its
// most frequent one), tones dropped, at most two. Which characters are
// written differently in simplified Chinese (traditionalOnly,
// simplifiedOnly) was read from OpenCC's TSCharacters.txt
// (https://github.com/BYVoid/OpenCC, Apache-2.0). The selection of
// characters and the spelling rules below are Manara's.

// cantoneseTable holds the characters and their Cantonese readings in
// Jyutping, tones left out, the usual reading first (at most two).
var cantoneseTable = "" +
	"陳can 林lam 黃wong 張zoeng 李lei 王wong 吳ng 劉lau 蔡coi 楊joeng 許heoi 鄭zeng 謝ze 郭gwok 洪hung 邱jau " +
	"曾cang 廖liu 賴laai 徐ceoi 周zau 葉jip 蘇sou 莊zong 呂leoi 江gong 何ho 蕭siu 羅lo 高gou 潘pun 簡gaan 朱zyu " +
	"鍾zung 彭paang 游jau 詹zim 胡wu 施si 沈sam 余jyu 盧lou 梁loeng 趙ziu 顏ngaan 柯o 翁jung 魏ngai 孫syun " +
	"戴daai 范faan 方fong 宋sung 鄧dang 杜dou 傅fu 侯hau 曹cou 薛sit 丁ding 卓coek 馬maa 阮jyun 董dung 唐tong " +
	"溫wan 藍laam 蔣zoeng 石sek 古gu 紀gei 姚jiu 連lin 馮fung 歐au 程cing 湯tong 黎lai 田tin 康hong 姜goeng " +
	"白baak 汪wong 鄒zau 尤jau 巫mou 鐘zung 涂tou 龔gung 嚴jim 韓hon 袁jyun 金gam 童tung 陸luk 夏haa 柳lau " +
	"邵siu 錢cin 伍ng 倪ngai 于jyu 譚taam 駱lok 熊hung 任jam 甘gam 秦ceon 顧gu 毛mou 章zoeng 史si 官gun 萬maan " +
	"俞jyu 雷leoi 粟suk 饒jiu 賀ho 區keoi 關gwaan 麥mak 莫mok 岑sam 容jung 冼sin 霍fok 聶nip 文man 易ji 翟dik " +
	"鮑baau 祁kei 崔ceoi 勞lou 葛got 利lei 尹wan 寧ning 鄺kwong 植zik 家gaa 偉wai 俊zeon 傑git 明ming 華waa " +
	"國gwok 強koeng 志zi 榮wing 輝fai 建gin 軍gwan 德dak 忠zung 仁jan 義ji 禮lai 智zi 信seon 美mei 麗lai 玲ling " +
	"芳fong 英jing 秀sau 珍zan 慧wai 敏man 靜zing 婷ting 雅ngaa 詩si 詠wing 欣jan 怡ji 曉hiu 彤tung 嘉gaa 儀ji " +
	"寶bou 琪kei 淑suk 貞zing 蓮lin 鳳fung 霞haa 燕jin 萍ping 雲wan 雪syut 梅mui 蘭laan 菊guk 翠ceoi 玉juk " +
	"珠zyu 琳lam 瑩jing 瑤jiu 璇syun 穎wing 思si 穗seoi 銘ming 浩hou 然jin 宏wang 昌coeng 盛sing 興hing 隆lung " +
	"達daat 成sing 功gung 耀jiu 光gwong 煌wong 銀ngan 鐵tit 鋒fung 剛gong 毅ngai 勇jung 武mou 威wai 雄hung " +
	"豪hou 嶺ling 山saan 海hoi 洋joeng 河ho 湖wu 泉cyun 清cing 源jyun 永wing 恆hang 長coeng 健gin 安on 平ping " +
	"和wo 順seon 祥coeng 瑞seoi 福fuk 祿luk 壽sau 喜hei 樂lok 歡fun 慶hing 賢jin 良loeng 善sin 正zing 直zik " +
	"中zung 天tin 地dei 日jat 月jyut 星sing 辰san 春ceon 秋cau 冬dung 東dung 南naam 西sai 北bak 紅hung 綠luk " +
	"紫zi 青cing 碧bik 彩coi 霓ngai 虹hung 潔git 淨zing 純seon 真zan 誠sing 實sat 樸pok 素sou 謙him 恭gung " +
	"孝haau 悌dai 友jau 愛oi 博bok 學hok 聰cung 睿jeoi 哲zit 理lei 啟kai 迪dik 發faat 展zin 進zeon 步bou 新san " +
	"傳cyun 承sing 繼gai 業jip 基gei 本bun 立laap 遠jyun 大daai 鵬paang 飛fei 翔coeng 鳴ming 鶴hok 鴻hung " +
	"凰wong 麒kei 麟leon 龍lung 虎fu 豹paau 獅si 駿zeon 馳ci 騰tang 躍joek 超ciu 越jyut 凡faan 宗zung 祖zou " +
	"庭ting 堂tong 邦bong 民man 眾zung 世sai 年nin 代doi 時si 陰jam 影jing 聲sing 音jam 韻wan 律leot 書syu " +
	"畫waa 琴kam 棋kei 劍gim 俠hap 客haak 君gwan 子zi 女neoi 佳gaai 婉jyun 約joek 柔jau 情cing 蜜mat 意ji 心sam " +
	"悅jyut 服fuk 小siu 少siu 仲zung 伯baak 叔suk 季gwai 孟maang 一jat 二ji 三saam 四sei 五ng 六luk 七cat " +
	"八baat 九gau 十sap 百baak 千cin 億jik 兆siu 熙hei 朗long 軒hin 宇jyu 澤zaak 楷kaai 霆ting 皓hou 晴cing " +
	"晞hei 晉zeon 晨san 暉fai 曜jiu 昕jan 旭juk 昊hou 昱juk 晟sing 曦hei 炎jim 焯zoek 燦caan 煒wai 煥wun 燁jip " +
	"熠jap 炫jyun 琛sam 瑋wai 璋zoeng 瑜jyu 瑾gan 璟ging 瓊king 琦kei 琨kwan 琬jyun 瑛jing 環waan 珮pui 珊saan " +
	"珈gaa 玟man 玫mui 瑰gwai 莉lei 茵jan 茹jyu 芝zi 芬fan 芷zi 若joek 荷ho 莎saa 菁cing 萱hyun 蓉jung 蕙wai " +
	"蕾leoi 薇mei 藹oi 卉wai 苗miu 茂mau 蔚wai 嵐laam 峻zeon 崇sung 巍ngai 嶸wing 屹ngat 岳ngok 嶽ngok 崑kwan " +
	"崗gong 添tim 灝hou 濤tou 瀚hon 潤jeon 澄cing 泓wang 沛pui 洛lok 津zeon 浚zeon 淳seon 深sam 滔tou 漢hon " +
	"瀟siu 灣waan 濱ban 汶man 沁sam 泳wing 淇kei 湘soeng 溢jat 滿mun 漪ji 瀅jing 澔hou 銓cyun 錦gam 鍵gin 鎮zan " +
	"鏗hang 鈞gwan 鈺juk 銳jeoi 錚zang 鑫jam 鋼gong 鎧hoi 綺ji 綸leon 維wai 緯wai 紳san 紹siu 絲si 縈jing " +
	"縉zeon 繁faan 繡sau 紋man 絮seoi 絢hyun 緻zi 惠wai 恩jan 愉jyu 懷waai 憶jik 恬tim 念nim 慈ci 愷hoi 慎san " +
	"慕mou 憲hin 懿ji 弘wang 彬ban 彥jin 彪biu 徵zing 徽fai 嫻haan 嬋sim 嫣jin 妍jin 妮nei 娜naa 娟gyun 娥ngo " +
	"娘noeng 姬gei 嬌giu 媛wun 婕zit 娉ping 嫦soeng 婧zing 媚mei 喬kiu 嘯siu 園jyun 圖tou 培pui 堅gin 堯jiu " +
	"奕jik 奇kei 奮fan 定ding 宜ji 宣syun 富fu 寬fun 巧haau 希hei 帆faan 常soeng 幸hang 廣gwong 振zan 捷zit " +
	"政zing 敬ging 斌ban 昆kwan 昇sing 昭ciu 晶zing 曼maan 朝ziu 木muk 杰git 松cung 柏paak 棟dung 森sam 楠naam " +
	"榕jung 樺waa 樹syu 橋kiu 權kyun 毓juk 泰taai 活wut 渝jyu 溥pou 滄cong 潮ciu 炳bing 烈lit 照ziu 燊san " +
	"爵zoek 牧muk 特dak 璐lou 瓏lung 甄jan 生saang 由jau 甲gaap 申san 男naam 畢bat 登dang 盈jing 瞻zim 知zi " +
	"碩sek 禎zing 禧hei 秉bing 端dyun 竹zuk 筠wan 箏zang 範faan 粵jyut 精zing 結git 經ging 綿min 緣jyun 翰hon " +
	"聖sing 聚zeoi 肇siu 育juk 自zi 致zi 舜seon 航hong 芊cin 芙fu 茜sai 菲fei 葆bou 藝ngai 蘊wan 衛wai 裕jyu " +
	"褔fu 語jyu 諾nok 證zing 豐fung 遙jiu 郁juk 采coi 陞sing 雯man 霖lam 霜soeng 霏fei 靈ling 靖zing 韋wai " +
	"韜tou 頌zung 顯hin 風fung 香hoeng 馨hing 黛doi 衍hin 衡hang 穆muk 穩wan 笑siu 筱siu 篤duk 紘wang 細sai " +
	"絡lok 緒seoi 繹jik 樑loeng 棠tong 楓fung 榆jyu 樟zoeng 橙caang 檀taan 欽jam 歆jam 殷jan 沐muk 浪long " +
	"淦gam 淞sung 渠keoi 湛zaam 滋zi 漣lin 潁wing 澍syu 濠hou 梓zi 姿zi 資zi 孜zi 至zi 治zi 之zi 枝zi 旨zi 止zi " +
	"祉ci 置zi 犀sai 錫sek 羲hei 晰sik 夕zik 昔sik 斯si 司si 師si 仕si 士si 事si 是si 氏si 始ci 佩pui 裴pui 俐lei " +
	"璃lei 離lei 里lei 鯉lei 名ming 茗ming 閔man 旻man 岷man 珉man 加gaa 迦gaa 廷ting 亭ting 停ting 挺ting " +
	"那naa 納naap 倩sin 郎long 諄deon 醇seon 驊waa"

// traditionalOnly are the characters of cantoneseTable written so only in
// traditional Chinese (陳, 張, 詩): a name with one of them, and with none
// of simplifiedOnly, is read in Cantonese too.
var traditionalOnly = "" +
	"陳黃張吳劉楊許鄭謝賴葉蘇莊呂蕭羅簡鍾盧趙顏孫鄧馬溫藍蔣紀連馮歐湯鄒鐘龔嚴韓陸錢譚駱顧萬饒賀區關麥聶鮑勞寧鄺偉傑華國強榮輝" +
	"軍義禮麗靜詩詠曉儀寶貞蓮鳳雲蘭瑩瑤穎銘興達銀鐵鋒剛嶺恆長順祿壽樂歡慶賢東紅綠潔淨純誠實樸謙愛學聰啟發進傳繼業遠鵬飛鳴鶴鴻" +
	"龍獅駿馳騰躍眾時陰聲韻書畫劍俠約悅億軒澤晉暉燦煒煥燁瑋瓊環藹嵐嶸嶽崑崗灝濤潤漢瀟灣濱滿瀅銓錦鍵鎮鏗鈞鈺銳錚鋼鎧綺綸維緯紳" +
	"紹絲縈縉繡紋絢緻懷憶愷憲彥嫻嬋嬌喬嘯園圖堅堯奮寬廣棟樺樹橋權滄瓏畢碩禎箏範粵結經綿緣聖藝蘊衛語諾證豐遙靈韋韜頌顯風穩篤紘" +
	"細絡緒繹樑楓欽漣潁資錫師離鯉閔納諄驊"

// simplifiedOnly are the simplified forms of traditionalOnly (陈, 张, 诗).
var simplifiedOnly = "" +
	"陈黄张吴刘杨许郑谢赖苏庄吕萧罗简钟锺卢赵颜孙邓马温蓝蒋纪连冯欧汤邹龚严韩陆钱谭骆顾饶贺区关麦聂鲍劳宁邝伟华国强荣辉军义礼" +
	"丽静诗咏晓仪宝贞莲凤兰莹瑶颖铭兴达银铁锋刚岭恒长顺禄寿乐欢庆贤东红绿洁净纯诚实谦爱学聪启发进传继业远鹏飞鸣鹤鸿龙狮骏驰腾" +
	"跃众时阴声韵书画剑侠约悦亿轩泽晋晖灿炜焕烨玮琼环蔼岚嵘岗灏涛润汉潇湾滨满滢铨锦键镇铿钧钰锐铮钢铠绮纶维纬绅绍丝萦缙绣纹绚" +
	"怀忆恺宪彦娴婵娇乔啸园图坚尧奋宽栋桦树桥权沧珑毕硕祯筝粤结经绵缘圣艺蕴卫语诺证遥灵韦韬颂显风稳笃纮细络绪绎枫钦涟颍资锡师" +
	"离鲤闵纳谆骅"

var (
	cantoneseOnce sync.Once
	cantonese     map[rune][]string // character → its spellings, usual first
	tradOnly      map[rune]bool
	simpOnly      map[rune]bool
)

func loadCantonese() {
	cantonese = map[rune][]string{}
	for _, e := range strings.Fields(cantoneseTable) {
		r := []rune(e)
		var sp []string
		for _, j := range strings.Split(string(r[1:]), ",") {
			for _, s := range jyutpingSpellings(j) {
				if !contains(sp, s) {
					sp = append(sp, s)
				}
			}
		}
		cantonese[r[0]] = sp
	}
	tradOnly, simpOnly = map[rune]bool{}, map[rune]bool{}
	for _, r := range traditionalOnly {
		tradOnly[r] = true
	}
	for _, r := range simplifiedOnly {
		simpOnly[r] = true
	}
}

// cantoneseOf gives the Hong Kong spellings of a character's Cantonese
// readings, the usual first, or nil when the table has not got it.
func cantoneseOf(r rune) []string {
	cantoneseOnce.Do(loadCantonese)
	return cantonese[r]
}

// traditionalName tells whether a name is written in traditional
// characters: it has a character only traditional Chinese writes so and
// none only simplified Chinese does. A name of characters both write
// alike (王小明) is not: mainland names are not read in Cantonese.
func traditionalName(name string) bool {
	han := false
	for _, r := range name {
		if r >= 0x3400 {
			han = true
			break
		}
	}
	if !han {
		return false
	}
	cantoneseOnce.Do(loadCantonese)
	trad := false
	for _, r := range name {
		if r < 0x3400 {
			continue
		}
		if simpOnly[r] {
			return false
		}
		trad = trad || tradOnly[r]
	}
	return trad
}

// jyutpingInitials are the initials of Jyutping, two letters first.
var jyutpingInitials = []string{"gw", "kw", "ng", "b", "p", "m", "f", "d", "t", "n", "l", "g", "k", "h", "w", "z", "c", "s", "j"}

// jyutpingSpellings spells a toneless Jyutping syllable as Hong Kong
// names are spelt, the usual spelling first and the common others after
// it (ch or ts for z and c; sze, si for si; u or oo).
func jyutpingSpellings(j string) []string {
	if j == "ng" || j == "m" { // a syllabic nasal: 吳 Ng, 五 Ng
		return []string{j}
	}
	ini, fin := "", j
	for _, p := range jyutpingInitials {
		if strings.HasPrefix(j, p) && len(j) > len(p) {
			ini, fin = p, j[len(p):]
			break
		}
	}
	var inis []string
	switch ini {
	case "b":
		inis = []string{"p"}
	case "d":
		inis = []string{"t"}
	case "g":
		inis = []string{"k"}
	case "gw", "kw":
		inis = []string{"kw"}
	case "z", "c":
		inis = []string{"ch", "ts"}
	case "s":
		inis = []string{"s", "sh"}
	case "j":
		inis = []string{"y"}
	default:
		inis = []string{ini}
	}
	var fins []string
	switch fin {
	case "aa":
		fins = []string{"a"}
	case "aai", "aau", "aam", "aan", "aang", "aap", "aat", "aak":
		fins = []string{"a" + fin[2:]}
	case "ei":
		fins = []string{"ei", "ee"}
		if ini == "l" {
			fins = []string{"ee", "ei"} // 李 Lee
		}
	case "i":
		switch ini {
		case "z", "c":
			return []string{"chi", "tsz", "tsze"}
		case "s":
			return []string{"sze", "si", "shi", "see"}
		}
		fins = []string{"i"}
	case "o":
		fins = []string{"o", "or"}
	case "ou":
		fins = []string{"o", "ou"}
	case "oe":
		fins = []string{"oe", "eu"}
	case "oeng":
		fins = []string{"eung"}
	case "oek":
		fins = []string{"euk"}
	case "eoi":
		fins = []string{"ui", "eui"}
	case "eon":
		fins = []string{"un", "eun"}
	case "eot":
		fins = []string{"ut"}
	case "u":
		fins = []string{"u", "oo"}
	case "un":
		fins = []string{"un", "oon"}
	case "yu":
		fins = []string{"u", "ue"}
	case "yun":
		fins = []string{"uen", "un"}
	case "yut":
		fins = []string{"uet", "ut"}
	default:
		fins = []string{fin}
	}
	if ini == "j" && strings.HasPrefix(fin, "y") {
		fins = []string{"u" + strings.TrimPrefix(fins[0], "u")}
		if fin == "yu" {
			fins = []string{"u"}
		}
	}
	var out []string
	for _, f := range fins {
		for _, i := range inis {
			s := i + f
			if !contains(out, s) {
				out = append(out, s)
			}
		}
	}
	return out
}

// cantoneseWord gives the spellings of each character of a word in
// Cantonese, or nil when one of them is not in the table.
func cantoneseWord(run []rune) [][]string {
	out := make([][]string, len(run))
	for i, r := range run {
		if out[i] = cantoneseOf(r); out[i] == nil {
			return nil
		}
	}
	return out
}

// maxCantoneseJoined is how many spellings of a word of several
// characters are compared whole: the usual one, then the others by
// changing one syllable at a time. Each syllable's spellings are keyed
// apart anyway (Token.syllables).
const maxCantoneseJoined = 2

// cantoneseJoined spells a word whole from the spellings of its
// characters: every usual spelling joined, then with one syllable spelt
// another way, at most maxCantoneseJoined.
func cantoneseJoined(syl [][]string) []string {
	if len(syl) == 0 {
		return nil
	}
	usual := make([]string, len(syl))
	for i, sp := range syl {
		usual[i] = sp[0]
	}
	out := []string{strings.Join(usual, "")}
	for i, sp := range syl {
		for _, s := range sp[1:] {
			if len(out) >= maxCantoneseJoined {
				return out
			}
			w := append([]string(nil), usual...)
			w[i] = s
			if j := strings.Join(w, ""); !contains(out, j) {
				out = append(out, j)
			}
		}
	}
	return out
}
