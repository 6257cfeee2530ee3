package files

import "testing"

func TestSniff(t *testing.T) {
	cases := []struct {
		name  string
		bytes string
		want  string
		ok    bool
	}{
		{"png", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image/png", true},
		{"jpeg", "\xff\xd8\xff\xe0\x00\x10JFIF\x00", "image/jpeg", true},
		{"pdf", "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "application/pdf", true},
		{"exe renamed png", "MZ\x90\x00\x03\x00\x00\x00\x04\x00", "application/x-msdownload", false},
		{"html", "<html><script>", "text/html; charset=utf-8", false},
		{"truncated png", "\x89PNG", "text/plain; charset=utf-8", false},
	}
	for _, c := range cases {
		got, ok := Sniff([]byte(c.bytes))
		if got != c.want || ok != c.ok {
			t.Errorf("%s: %q %v, want %q %v", c.name, got, ok, c.want, c.ok)
		}
	}
	if n := CleanName(`C:\Users\x\..\evil"name.png`); n != "evilname.png" {
		t.Errorf("CleanName = %q", n)
	}
}
