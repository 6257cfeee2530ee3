package core

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestClip(t *testing.T) {
	for _, c := range []struct {
		s    string
		n    int
		want string
	}{
		{"", 5, ""},
		{"abc", 3, "abc"},
		{"abcd", 3, "ab…"},
		{"ثلاثة", 5, "ثلاثة"},
		{"ثلاثة أحرف", 4, "ثلا…"},
		{"王小明先生", 2, "王…"},
		{"abc", 1, "…"},
		{"abc", 0, ""},
		{"ok \xff\xfe", 10, "ok \uFFFD"},
	} {
		if got := Clip(c.s, c.n); got != c.want {
			t.Errorf("Clip(%q, %d) = %q, want %q", c.s, c.n, got, c.want)
		}
	}
	long := strings.Repeat("é", 300)
	if got := Clip(long, 200); !utf8.ValidString(got) || utf8.RuneCountInString(got) != 200 {
		t.Errorf("Clip of 300 é to 200: %d characters, valid %t", utf8.RuneCountInString(got), utf8.ValidString(got))
	}
}
