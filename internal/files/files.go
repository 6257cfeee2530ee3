// Package files owns what Manara trusts about uploaded files: their type,
// sniffed from the bytes (never from the name or the sender's word), and a
// safe display name. Notice attachments and citizen report screenshots both
// use it. It does no I/O and stores nothing.
package files

import (
	"bytes"
	"net/http"
	"path"
	"strings"
	"unicode"
)

// Sniff names the type of content from its bytes: the magic numbers of the
// formats we accept (JPEG, PNG, WebP, PDF), confirmed by
// http.DetectContentType. ok is false for anything else, and the type is
// then what the bytes look like (for the error message).
func Sniff(b []byte) (contentType string, ok bool) {
	detected := http.DetectContentType(b)
	switch {
	case bytes.HasPrefix(b, []byte{0xFF, 0xD8, 0xFF}) && detected == "image/jpeg":
		return "image/jpeg", true
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) && detected == "image/png":
		return "image/png", true
	case len(b) >= 12 && bytes.HasPrefix(b, []byte("RIFF")) && string(b[8:12]) == "WEBP" && detected == "image/webp":
		return "image/webp", true
	case bytes.HasPrefix(b, []byte("%PDF-")) && detected == "application/pdf":
		return "application/pdf", true
	}
	if bytes.HasPrefix(b, []byte("MZ")) {
		// A Windows executable: say so, it is the usual disguise.
		return "application/x-msdownload", false
	}
	return detected, false
}

// CleanName keeps the base name of an uploaded file, printable and short.
func CleanName(name string) string {
	name = path.Base(strings.ReplaceAll(strings.TrimSpace(name), `\`, "/"))
	name = strings.Map(func(r rune) rune {
		if unicode.IsPrint(r) && r != '"' && r != '/' {
			return r
		}
		return -1
	}, name)
	if r := []rune(name); len(r) > 200 {
		name = string(r[:200])
	}
	if name == "." || name == "" {
		name = "attachment"
	}
	return name
}
