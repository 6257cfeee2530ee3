package names

import (
	"bufio"
	"encoding/json"
	"os"
	"testing"
)

// evalPairs scores the pairs of a JSON-lines file ({"a","b","match"}) at
// the default threshold and returns precision and recall.
func evalPairs(t *testing.T, path string) (precision, recall float64, n int) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var tp, fp, fn int
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var p struct {
			A, B  string
			Match bool
		}
		if err := json.Unmarshal(sc.Bytes(), &p); err != nil {
			t.Fatalf("%s line %d: %v", path, n+1, err)
		}
		n++
		got := Compare(p.A, p.B).Match
		switch {
		case got && p.Match:
			tp++
		case got && !p.Match:
			fp++
		case !got && p.Match:
			fn++
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return float64(tp) / float64(max(1, tp+fp)), float64(tp) / float64(max(1, tp+fn)), n
}

// TestDevPairs holds the precision and recall reached on the development
// splits of the pairs built from the public lists (testdata/gen_pairs.py)
// and of the invented pairs of the spelling classes of issue 13
// (testdata/gen_classes.py), with a small margin: a change to the matcher
// must not lose them. The held-out splits (pairs-heldout.jsonl,
// pairs-classes-heldout.jsonl) are only reported, never tuned on.
func TestDevPairs(t *testing.T) {
	for _, c := range []struct {
		file              string
		precision, recall float64
	}{
		{"testdata/pairs-dev.jsonl", 0.99, 0.79},
		{"testdata/pairs-classes-dev.jsonl", 0.98, 0.99},
		{"testdata/pairs-classes-hand.jsonl", 0.95, 0.93},
		{"testdata/pairs-heldout.jsonl", 0, 0},
		{"testdata/pairs-classes-heldout.jsonl", 0, 0},
	} {
		p, r, n := evalPairs(t, c.file)
		t.Logf("%s: %d pairs, precision %.3f, recall %.3f", c.file, n, p, r)
		if p < c.precision || r < c.recall {
			t.Errorf("%s: precision %.3f (want ≥ %.2f), recall %.3f (want ≥ %.2f)", c.file, p, c.precision, r, c.recall)
		}
	}
}

// TestNameClasses holds, class by class, spellings of one invented person
// that must match at the default threshold, and different names close in
// writing that must not.
func TestNameClasses(t *testing.T) {
	classes := []struct {
		class       string
		same, other [][2]string
	}{
		{"ال/إل that is not the article",
			[][2]string{{"إلهام بناني", "Ilham Bennani"}, {"إلهام بناني", "Elham Bennani"}, {"Ilham Bennani", "Ilhame Bennani"}, {"إلياس الفيلالي", "Ilyas Filali"}, {"إلياس الفيلالي", "Elias El Filali"}},
			[][2]string{{"Ilham Bennani", "Ilyas Bennani"}, {"الياس الصقلي", "Ilyas Seqqat"}}},
		{"ة read as t",
			[][2]string{{"حياة العلوي", "Hayat Alaoui"}, {"حياة العلوي", "Haya Alaoui"}, {"Hayat Alaoui", "Haya Alaoui"}, {"Hayet Alaoui", "Haya Alaoui"}, {"Hayate Alaoui", "Haya Alaoui"},
				{"رحمة الكتاني", "Rahmat Kettani"}, {"Rahmat Kettani", "Rahma Kettani"}, {"عناية الشرقاوي", "Inayat Cherkaoui"}, {"عزة الناصري", "Izzat Nasiri"}, {"Hikmat Tazi", "Hikma Tazi"}},
			[][2]string{{"Hikmat Tazi", "Hishmat Tazi"}, {"Rahmat Kettani", "Rifat Kettani"}}},
		{"ʿayn and hamza inside a name",
			[][2]string{{"سعدية المنصوري", "Saadia Mansouri"}, {"Saadia Mansouri", "Sa'dia Mansouri"}, {"Saadia Mansouri", "Sa'adiya Mansouri"}, {"Sa'dia Mansouri", "Saadiya Mansouri"},
				{"شعيب الإدريسي", "Chouaib Idrissi"}, {"شعيب الإدريسي", "Shu'ayb al-Idrisi"}, {"Chouaib Idrissi", "Shu'ayb Idrisi"}, {"Chouaib Idrissi", "Shoaib Idrissi"},
				{"سعاد العلوي", "Souad Alaoui"}, {"Souad Alaoui", "Soad Alaoui"}, {"Sa'd Tazi", "Saed Tazi"}, {"Wi'am Amrani", "Wiyam Amrani"}},
			[][2]string{{"Mouad Tazi", "Mourad Tazi"}, {"Naima Tazi", "Nadia Tazi"}, {"Jaafar Tazi", "Jabbar Tazi"}}},
		{"Maghrebi French spellings",
			[][2]string{{"Lahcen Amrani", "Hassan Amrani"}, {"Lahcen Amrani", "Lhassan Amrani"}, {"الحسن العمراني", "Lahcen Amrani"}, {"Lahoucine Amrani", "Houcine Amrani"},
				{"Bouchaib Tazi", "Abu Shuayb Tazi"}, {"Bouazza Tazi", "Abu 'Azza Tazi"}, {"Abdelouahed Raji", "Abd al-Wahid Raji"}, {"Mohamed Ouazzani", "Muhammad Wazzani"},
				{"Driss Amrani", "Idris Amrani"}, {"Tahar Amrani", "Ettahar Amrani"}, {"Fouzia Chami", "Fawziya Chami"}, {"Abdeslam Alaoui", "Abd al-Salam Alaoui"}, {"Lmehdi Alaoui", "Mahdi Alaoui"},
				{"Boujmaa Tazi", "Abu Jum'a Tazi"}, {"Bouchaib Halabi", "Abu Shu'ayb Halabi"}, {"Guerchi Berrada", "Qurashi Berrada"}, {"Bouchra Tazi", "Bushra Tazi"}, {"Mbarek Tazi", "Mubarak Tazi"},
				{"Lmfadel Tazi", "al-Mufaddal Tazi"}, {"Larbi Tazi", "al-Arabi Tazi"}, {"Elarbi Tazi", "al-'Arabi Tazi"}, {"Tayeb Kettani", "al-Tayyib Kettani"}, {"Boubakeur Tazi", "Abu Bakr Tazi"},
				{"Belkacem Tazi", "Abu al-Qasim Tazi"}, {"Belabbes Tazi", "Abu al-Abbas Tazi"}, {"Aissa Tazi", "Isa Tazi"}, {"Aissa Tazi", "عيسى التازي"},
				{"Soulaimane Tazi", "Sulayman Tazi"}, {"Slimane Tazi", "Suleiman Tazi"}, {"Lkhair Tazi", "al-Khayr Tazi"}, {"Lkhair Tazi", "Kheir Tazi"}, {"Oubaid Tazi", "Ubayd Tazi"}},
			[][2]string{{"Lhoussaine Amrani", "Lahcen Amrani"}, {"الحسين الحلبي", "Hassan Halabi"}, {"الحسن بناني", "Hussein Bennani"}, {"Bouchaib Tazi", "Chouaib Tazi"}, {"Brahim Tazi", "Rahim Tazi"},
				{"Mbarek Tazi", "Mabrouk Tazi"}, {"Larbi Tazi", "Rabie Tazi"}, {"Sulaiman Tazi", "Salman Tazi"}, {"Zein Tazi", "Zina Tazi"}}},
		{"q written k or g",
			[][2]string{{"Seqqat Karim", "Sekkat Karim"}, {"Guessous Nadia", "Qassus Nadia"}, {"Qadiri Omar", "Kadiri Omar"}, {"قاسم التازي", "Kacem Tazi"}, {"Siddiq Filali", "Siddique Filali"}, {"Abdelkader Filali", "Abdulgadir Filali"}},
			[][2]string{{"Qasim Tazi", "Jasim Tazi"}, {"Kacem Tazi", "Hachem Tazi"}}},
		{"Levantine and Christian names",
			[][2]string{{"Elias Haddad", "Elias Hadad"}, {"Boutros Khoury", "Butrus Khuri"}, {"Boutros Khoury", "Botros El Khoury"}, {"Youhanna Daher", "Yuhanna Dahir"}, {"Hanna Matar", "Hanna Mattar"},
				{"Gebran Nakhleh", "Jubran Nakhla"}, {"Sleiman Tannous", "Suleiman Tannous"},
				{"Georges Haddad", "Jurj Haddad"}, {"Georges Haddad", "جورج حداد"}, {"George Haddad", "Georges Haddad"}, {"Antoine Saliba", "أنطوان صليبا"}, {"Antoine Saliba", "Antwan Saliba"},
				{"Antoine Saliba", "Antoun Saliba"}, {"Antoine Saliba", "Antun Saliba"}, {"Elie Matar", "Elias Matar"}, {"Elie Matar", "Ilyas Matar"}, {"Elie Matar", "إيلي مطر"},
				{"Rabih Khoury", "ربيع خوري"}, {"Rabih Khoury", "Rabie Khoury"}, {"Rabih Khoury", "Rabi' Khoury"}, {"Rafih Matar", "Rafie Matar"},
				{"Thomas Haddad", "توما حداد"}, {"Thomas Haddad", "Touma Haddad"}},
			[][2]string{{"Boutros Khoury", "Boulos Khoury"}, {"Antoun Khoury", "Antar Khoury"}, {"Haddad Elias", "Hadid Elias"}, {"Hammad Tazi", "Hamid Tazi"}, {"Jabbar Tazi", "Jabir Tazi"},
				{"Shamun Khoury", "Sam'an Khoury"}, {"Rafih Matar", "Rafia Matar"}, {"Rabih Khoury", "Rabiha Khoury"}, {"Thomas Haddad", "Thamer Haddad"}}},
		{"ذ written d, z, th or dh",
			[][2]string{{"Mouad Tazi", "Muath Tazi"}, {"Moaz Tazi", "Mouad Tazi"}, {"Muath Tazi", "Moaz Tazi"}, {"Moaz Tazi", "Mu'adh Tazi"}, {"معاذ التازي", "Mouad Tazi"},
				{"Munther Filali", "Monzer Filali"}, {"Mondher Filali", "Mundhir Filali"}, {"منذر الفيلالي", "Monzer Filali"}, {"Nazir Alaoui", "Nadhir Alaoui"}},
			[][2]string{{"Moaz Tazi", "Moataz Tazi"}, {"Munther Tazi", "Mounir Tazi"}, {"Zakir Tazi", "Zaki Tazi"}, {"Thomas Rodriguez", "Dimas Rodriguez"}}},
		{"Hebrew names ending in the theophoric -el",
			[][2]string{{"מיכאל פרץ", "Michael Peretz"}, {"מיכל פרץ", "Michal Peretz"}, {"יעל כהן", "Yael Cohen"}, {"דניאל לוי", "Daniel Levi"}},
			[][2]string{{"מיכל פרץ", "Michael Peretz"}}},
		{"short names one vowel apart",
			[][2]string{{"Hind Berrada", "Hend Berrada"}, {"Mona Tazi", "Muna Tazi"}, {"Salma Tazi", "Selma Tazi"}, {"Hoda Tazi", "Huda Tazi"}, {"Rida Tazi", "Reda Tazi"}},
			[][2]string{{"Hafsa Bennani", "Hafsi Bennani"}, {"Amina Raji", "Amine Raji"}, {"Karim Lahlou", "Karima Lahlou"}, {"Dina Filali", "Dana Filali"}, {"Lina Alaoui", "Lana Alaoui"},
				{"Mona Tazi", "Mina Tazi"}, {"Rima Kettani", "Rama Kettani"}, {"حفصة بناني", "Hafsi Bennani"}, {"Samia Tazi", "Samir Tazi"}, {"Hamid Bennani", "Hamida Bennani"},
				{"Adel Chami", "Adela Chami"}, {"Nino Kapanadze", "Nana Kapanadze"}, {"ნინო კაპანაძე", "Nana Kapanadze"}, {"Dina Filali", "Duna Filali"}}},
	}
	for _, c := range classes {
		for _, p := range c.same {
			if r := Compare(p[0], p[1]); !r.Match {
				t.Errorf("%s: %q and %q should match at %.2f: %.3f %q", c.class, p[0], p[1], DefaultThreshold, r.Score, r.Explain())
			}
		}
		for _, p := range c.other {
			if r := Compare(p[0], p[1]); r.Match {
				t.Errorf("%s: %q and %q are different names: %.3f %q", c.class, p[0], p[1], r.Score, r.Explain())
			}
		}
	}
}
