package names

import (
	"reflect"
	"testing"
)

// TestArenaKeepsWhatCompares: tokens whose sounds were moved into an
// arena compare exactly as before (scores and explanations), in every
// script that has alternative readings, and what was kept cannot be
// appended to over its neighbour.
func TestArenaKeepsWhatCompares(t *testing.T) {
	pairs := [][2]string{
		{"Abdelatif Benfictif", "Abd el-Latif Ben Fictif"},
		{"حياة الزبيري", "Hayat Zoubiri"},
		{"Houssine Inventado", "حسين انفنتادو"},
		{"Zhang Wei", "张伟"},
		{"Kim Min-jun", "김민준"},
		{"Oleksandra Vymyslova", "Олександра Вимислова"},
		{"Mulla Fatimah Sadiqa", "Fatima Siddiqa"},
	}
	var a Arena
	kept := func(n Name) Name {
		out := n
		out.Tokens = append([]Token(nil), n.Tokens...)
		for i := range out.Tokens {
			a.Keep(&out.Tokens[i])
			tk := out.Tokens[i]
			if cap(tk.units) != len(tk.units) || cap(tk.codes) != len(tk.codes) {
				t.Fatalf("%q: a kept slice has room to append over its neighbour", tk.Text)
			}
		}
		return out
	}
	for _, p := range pairs {
		x, y := Parse(p[0]), Parse(p[1])
		want := CompareNames(x, y)
		got := CompareNames(kept(x), kept(y))
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s ~ %s: %+v after keeping, %+v before", p[0], p[1], got, want)
		}
		if !reflect.DeepEqual(kept(x).Tokens, x.Tokens) {
			t.Errorf("%s: the kept tokens differ from the parsed ones", p[0])
		}
	}
}
