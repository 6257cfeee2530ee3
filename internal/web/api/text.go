package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"unicode/utf8"

	"github.com/manara-hub/manara/internal/core"
)

// Text that is not text is refused at the edge, before any service or
// store sees it: invalid UTF-8 (raw surrogate bytes included), a lone
// UTF-16 surrogate escaped in JSON, and NUL. PostgreSQL refuses such
// strings with an error (a 500 to the user) while SQLite stores them and
// serves them back broken; refusing them here answers the same 400 on
// both, naming the field.

// textProblem says why s is not acceptable text, or "" if it is.
func textProblem(s string) string {
	for i := 0; i < len(s); {
		c, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case c == utf8.RuneError && size == 1:
			return fmt.Sprintf("is not valid UTF-8 text (byte 0x%02X at offset %d)", s[i], i)
		case c == 0:
			return fmt.Sprintf("holds a NUL character (U+0000) at offset %d, which text may not contain", i)
		}
		i += size
	}
	return ""
}

// badText is the error for a field whose text is refused.
func badText(field, reason string) error {
	return &core.Error{Code: emalformed, Message: field + " " + reason,
		Fields: []core.FieldError{{Field: field, Reason: reason}}}
}

// checkValues refuses query or form values whose names or values are not
// text; the field is the parameter's name.
func checkValues(vs url.Values) error {
	names := make([]string, 0, len(vs))
	for k := range vs {
		names = append(names, k)
	}
	sort.Strings(names) // the first one named is the same every time
	for _, k := range names {
		if why := textProblem(k); why != "" {
			return badText(strconv.QuoteToASCII(k), "is a parameter name that "+why)
		}
		for _, v := range vs[k] {
			if why := textProblem(v); why != "" {
				return badText(k, why)
			}
		}
	}
	return nil
}

// CheckForm refuses a parsed form (query, URL-encoded or multipart
// body) whose names, values or file names are not text: the report
// page's and the console's, after ParseForm or ParseMultipartForm.
func CheckForm(r *http.Request) error {
	if err := checkValues(r.Form); err != nil {
		return err
	}
	if r.MultipartForm == nil {
		return nil
	}
	for field, files := range r.MultipartForm.File {
		if why := textProblem(field); why != "" {
			return badText(strconv.QuoteToASCII(field), "is a field name that "+why)
		}
		for _, fh := range files {
			if why := textProblem(fh.Filename); why != "" {
				return badText(field, "has a file name that "+why)
			}
		}
	}
	return nil
}

// readHeaders are the request headers the API reads values from.
var readHeaders = []string{"Authorization", "X-API-Key", "If-Match", "If-None-Match", "X-Report-Secret", "Last-Event-ID", "X-Forwarded-For"}

// CheckRequestText refuses a request whose path, query parameters or
// read headers hold text that is not text. pathParams names the
// route's path parameters.
func CheckRequestText(r *http.Request, pathParams []string) error {
	for _, p := range pathParams {
		if why := textProblem(r.PathValue(p)); why != "" {
			return badText(p, why)
		}
	}
	if why := textProblem(r.URL.Path); why != "" {
		return badText("path", why)
	}
	if err := checkValues(r.URL.Query()); err != nil {
		return err
	}
	for _, h := range readHeaders {
		for _, v := range r.Header.Values(h) {
			if why := textProblem(v); why != "" {
				return badText(h, why)
			}
		}
	}
	return nil
}

// checkJSONText walks a JSON document already known to be valid and
// refuses the first string, key or value, that is not text: raw invalid
// UTF-8, an escaped NUL (\u0000), or an escaped lone surrogate (\ud800),
// which encoding/json would silently turn into U+FFFD in a string but
// pass through as is in a json.RawMessage. The field is the JSON path of
// the value (data.given_names, names[2]).
func checkJSONText(doc []byte) error {
	w := textWalker{doc: doc}
	w.value("")
	return w.err
}

type textWalker struct {
	doc []byte
	i   int
	err error
}

func (w *textWalker) ws() {
	for w.i < len(w.doc) {
		switch w.doc[w.i] {
		case ' ', '\t', '\n', '\r':
			w.i++
		default:
			return
		}
	}
}

func (w *textWalker) value(path string) {
	w.ws()
	if w.err != nil || w.i >= len(w.doc) {
		return
	}
	switch w.doc[w.i] {
	case '{':
		w.i++
		for w.err == nil {
			w.ws()
			if w.i >= len(w.doc) || w.doc[w.i] == '}' {
				w.i++
				return
			}
			if w.doc[w.i] == ',' {
				w.i++
				continue
			}
			key, why := w.str()
			if why != "" {
				name := path
				if name == "" {
					name = "(body)"
				}
				w.err = badText(name, "has a key that "+why)
				return
			}
			w.ws()
			w.i++ // ':'
			w.value(join(path, key))
		}
	case '[':
		w.i++
		for n := 0; w.err == nil; {
			w.ws()
			if w.i >= len(w.doc) || w.doc[w.i] == ']' {
				w.i++
				return
			}
			if w.doc[w.i] == ',' {
				w.i++
				continue
			}
			w.value(fmt.Sprintf("%s[%d]", path, n))
			n++
		}
	case '"':
		if _, why := w.str(); why != "" {
			name := path
			if name == "" {
				name = "(body)"
			}
			w.err = badText(name, why)
		}
	default: // number, true, false, null
		for w.i < len(w.doc) {
			switch w.doc[w.i] {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				return
			}
			w.i++
		}
	}
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// str reads the string at w.i (its opening quote) and returns it as
// decoded, or why it is not text.
func (w *textWalker) str() (string, string) {
	start := w.i
	w.i++ // opening quote
	var out []byte
	for w.i < len(w.doc) {
		c := w.doc[w.i]
		switch {
		case c == '"':
			w.i++
			return string(out), ""
		case c == '\\':
			if w.i+1 >= len(w.doc) {
				w.i = len(w.doc)
				return string(out), ""
			}
			if w.doc[w.i+1] != 'u' {
				out = append(out, unescape(w.doc[w.i+1]))
				w.i += 2
				continue
			}
			r := w.hex(w.i + 2)
			w.i += 6
			switch {
			case r == 0:
				return "", fmt.Sprintf("holds a NUL character (\\u0000) at offset %d, which text may not contain", w.i-6-start-1)
			case r >= 0xD800 && r <= 0xDBFF:
				if w.i+6 <= len(w.doc) && w.doc[w.i] == '\\' && w.doc[w.i+1] == 'u' {
					if lo := w.hex(w.i + 2); lo >= 0xDC00 && lo <= 0xDFFF {
						out = utf8.AppendRune(out, (r-0xD800)<<10+(lo-0xDC00)+0x10000)
						w.i += 6
						continue
					}
				}
				return "", fmt.Sprintf("holds a lone UTF-16 surrogate (\\u%04x), which is not a character", r)
			case r >= 0xDC00 && r <= 0xDFFF:
				return "", fmt.Sprintf("holds a lone UTF-16 surrogate (\\u%04x), which is not a character", r)
			}
			out = utf8.AppendRune(out, r)
		default:
			r, size := utf8.DecodeRune(w.doc[w.i:])
			if r == utf8.RuneError && size == 1 {
				return "", fmt.Sprintf("is not valid UTF-8 text (byte 0x%02X)", c)
			}
			out = append(out, w.doc[w.i:w.i+size]...)
			w.i += size
		}
	}
	return string(out), ""
}

func (w *textWalker) hex(at int) rune {
	if at+4 > len(w.doc) {
		return -1
	}
	n, err := strconv.ParseUint(string(w.doc[at:at+4]), 16, 32)
	if err != nil {
		return -1
	}
	return rune(n)
}

func unescape(c byte) byte {
	switch c {
	case 'n':
		return '\n'
	case 't':
		return '\t'
	case 'r':
		return '\r'
	case 'b':
		return '\b'
	case 'f':
		return '\f'
	}
	return c // " \ /
}

// checkImportText refuses an imported file (STIX JSON or CSV) that holds
// text that is not text: a JSON document by the path of the bad string,
// anything else by its line.
func checkImportText(body []byte) error {
	if json.Valid(body) {
		return checkJSONText(body)
	}
	for n, line := range bytes.Split(body, []byte("\n")) {
		if why := textProblem(string(line)); why != "" {
			return badText(fmt.Sprintf("(body) line %d", n+1), why)
		}
	}
	return nil
}
