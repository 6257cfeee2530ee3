package i18n

import "testing"

func TestPluralCategories(t *testing.T) {
	for code, cases := range map[string]map[int]string{
		"ar": {0: "zero", 1: "one", 2: "two", 3: "few", 10: "few", 11: "many", 99: "many", 100: "other", 101: "other", 102: "other", 103: "few", 111: "many", 1000: "other"},
		"fr": {0: "one", 1: "one", 2: "other", 100: "other", 1_000_000: "many", 2_000_000: "many", 1_000_001: "other"},
		"es": {0: "other", 1: "one", 2: "other", 100: "other", 1_000_000: "many", 3_000_000: "many", 1_500_000: "other"},
		"en": {0: "other", 1: "one", 2: "other", 1_000_000: "other"},
	} {
		for n, want := range cases {
			if got := PluralCategory(code, n); got != want {
				t.Errorf("%s %d: %s, want %s", code, n, got, want)
			}
		}
	}
	cats, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		code, key string
		n         int
		want      string
	}{
		{"ar", "dash.new_hits", 2, "تطابقان جديدان"},
		{"ar", "dash.new_hits", 11, "11 تطابقًا جديدًا"},
		{"fr", "dash.new_hits", 0, "0 nouvelle concordance"},
		{"es", "dash.new_hits", 1, "1 coincidencia nueva"},
		{"es", "dash.new_hits", 0, "0 coincidencias nuevas"},
		{"es", "dash.new_hits", 2_000_000, "2.000.000 de coincidencias nuevas"},
	} {
		if got := cats.Lang(c.code).N(c.key, c.n); got != c.want {
			t.Errorf("%s %s %d: %q, want %q", c.code, c.key, c.n, got, c.want)
		}
	}
}

func TestNumbers(t *testing.T) {
	cats, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		code string
		n    int
		f    float64
		num  string
		amt  string
	}{
		{"fr", 1234567, 1234567.5, "1\u202f234\u202f567", "1\u202f234\u202f567,50"},
		{"es", 1234, 1234.5, "1234", "1234,50"},
		{"es", 12345, 12345.678, "12.345", "12.345,68"},
		{"en", 1500, 1500, "1,500", "1,500.00"},
		{"ar", 12, 12.05, "12", "12\u066b05"},
	} {
		l := cats.Lang(c.code)
		if got := l.Num(c.n); got != c.num {
			t.Errorf("%s Num(%d): %q, want %q", c.code, c.n, got, c.num)
		}
		if got := l.Amount(c.f); got != c.amt {
			t.Errorf("%s Amount(%v): %q, want %q", c.code, c.f, got, c.amt)
		}
	}
	if got := cats.Lang("es").Score(0.87); got != "87\u202f%" {
		t.Errorf("es score: %q", got)
	}
}

// TestReasonExtraParams: a reason that uses fewer of the error's values
// than it carries (the file type's uses none) shows no "%!(EXTRA …)".
func TestReasonExtraParams(t *testing.T) {
	cats, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, code := range []string{"ar", "fr", "en", "es"} {
		l := cats.Lang(code)
		got, ok := l.Reason("file_type", []string{"text/plain; charset=utf-8", "notes.txt"})
		if !ok || got != l.T("reason.file_type") {
			t.Errorf("%s file_type: %q", code, got)
		}
		got, _ = l.Reason("too_long", []string{"5001", "5000", "extra"})
		if want := l.T("reason.too_long", l.Num(5001), l.Num(5000)); got != want {
			t.Errorf("%s too_long: %q, want %q", code, got, want)
		}
	}
}

// TestReasonPlural: a reason given as plural forms takes the form of its
// first number, in the language's categories.
func TestReasonPlural(t *testing.T) {
	cats, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	ar := cats.Lang("ar")
	for _, c := range []struct {
		n    string
		want string
	}{
		{"5", "أدخل اسمًا من 1 إلى 5 أحرف."},
		{"12", "أدخل اسمًا من 1 إلى 12 حرفًا."},
		{"200", "أدخل اسمًا من 1 إلى 200 حرف."},
	} {
		if got, ok := ar.Reason("name_length", []string{c.n}); !ok || got != c.want {
			t.Errorf("ar name_length %s: %q, want %q", c.n, got, c.want)
		}
	}
	if got, _ := cats.Lang("fr").Reason("name_length", []string{"200"}); got != "Indiquez un nom de 1 à 200 caractères." {
		t.Errorf("fr name_length: %q", got)
	}
}
