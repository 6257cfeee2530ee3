package names

import "testing"

// Parse runs once per screening query and once per record indexed: these
// keep an eye on what folding the input costs the names that need none.
func BenchmarkParseLatin(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		Parse("Zelda Marguerite Quillfeather")
	}
}

func BenchmarkParseLatinDiacritics(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		Parse("Zélda Quillfeäther-Øvergaard")
	}
}

func BenchmarkParseArabic(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		Parse("زيلدا بن قويلفيذر")
	}
}

func BenchmarkParseFullWidth(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		Parse("ＺＥＬＤＡ ＱＵＩＬＬＦＥＡＴＨＥＲ")
	}
}

// What Parse pays for folding a name that has nothing to fold.
func BenchmarkFoldWidthLatin(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		FoldWidth("Zelda Marguerite Quillfeather")
	}
}
