package imports

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Formats [Sniff] recognises. The first five are the ones `manara import`
// reads, each under the subcommand of the same name.
const (
	FormatUN        = "un"
	FormatOFAC      = "ofac"
	FormatDocuments = "documents"
	FormatFTM       = "ftm"
	FormatSenzing   = "senzing"
	FormatUnknown   = ""
)

// SniffBytes is how much of the start of a file [Sniff] needs.
const SniffBytes = 8 << 10

// Sniffed is what the first bytes of a file look like.
type Sniffed struct {
	Format      string // one of the Format constants; FormatUnknown if no reader here takes it
	Description string // "a UN consolidated list XML", "a gzip-compressed file"…
	plainCSV    bool   // text of another layout, whose own reader names what is wrong better
}

// Sniff guesses the layout of a file from its first bytes (up to
// [SniffBytes]), so that a wrong file is refused at once with the command
// that reads it, rather than read row by row into thousands of warnings.
func Sniff(head []byte) Sniffed {
	cut := len(head) >= SniffBytes // the file may go on past head
	// Before anything else: UTF-16 text read as bytes looks like a file of
	// some other layout, and the operator would look for the wrong problem.
	if utf16Text(head) {
		return Sniffed{FormatUnknown, descUTF16, false}
	}
	head = bytes.TrimPrefix(head, []byte("\ufeff"))
	switch {
	case len(bytes.TrimSpace(head)) == 0:
		return Sniffed{FormatUnknown, "an empty file", false}
	case bytes.HasPrefix(head, []byte{0x1f, 0x8b}):
		return Sniffed{FormatUnknown, "a gzip-compressed file (unpack it first)", false}
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return Sniffed{FormatUnknown, "a ZIP archive (unpack it first)", false}
	case bytes.HasPrefix(head, []byte("BZh")):
		return Sniffed{FormatUnknown, "a bzip2-compressed file (unpack it first)", false}
	case bytes.HasPrefix(head, []byte("%PDF")):
		return Sniffed{FormatUnknown, "a PDF document", false}
	}
	t := bytes.TrimSpace(head)
	switch t[0] {
	case '<':
		return sniffXML(t)
	case '{', '[':
		return sniffJSON(t, cut)
	}
	return sniffCSV(t)
}

// descUTF16 describes a UTF-16 file; CheckFormat says it as it is.
const descUTF16 = "UTF-16 text"

// utf16Text reports whether head is UTF-16: it starts with a UTF-16 byte
// order mark (Windows PowerShell's ">", Notepad's and Excel's "Unicode"),
// or, without one, every second byte of its start is NUL (text in Latin
// script, little or big endian).
func utf16Text(head []byte) bool {
	if bytes.HasPrefix(head, []byte{0xff, 0xfe}) || bytes.HasPrefix(head, []byte{0xfe, 0xff}) {
		return true
	}
	n := min(len(head), 512) &^ 1
	if n < 8 {
		return false
	}
	even, odd := true, true
	for i := 0; i < n; i += 2 {
		even = even && head[i] == 0 && head[i+1] != 0
		odd = odd && head[i+1] == 0 && head[i] != 0
	}
	return even || odd
}

func sniffXML(t []byte) Sniffed {
	s := string(t)
	switch {
	case strings.Contains(s, "<CONSOLIDATED_LIST"):
		return Sniffed{FormatUN, "a UN consolidated list XML", false}
	case strings.Contains(s, "<sdnList"):
		return Sniffed{FormatUnknown, "an OFAC SDN XML (sdn.xml); use the legacy CSV files sdn.csv, alt.csv, add.csv instead", false}
	case strings.Contains(strings.ToLower(s[:min(len(s), 512)]), "<html") || strings.Contains(strings.ToLower(s[:min(len(s), 512)]), "<!doctype html"):
		return Sniffed{FormatUnknown, "an HTML page (a download that went wrong?)", false}
	}
	return Sniffed{FormatUnknown, "an XML file of another kind", false}
}

func sniffJSON(t []byte, cut bool) Sniffed {
	line := t
	i := bytes.IndexByte(t, '\n')
	if i >= 0 {
		line = t[:i]
	}
	var keys map[string]json.RawMessage
	err := json.Unmarshal(line, &keys)
	if err != nil && i < 0 && cut && t[0] == '{' {
		// The first line goes on past what was sniffed (an entity with
		// long notes or many names): its keys up to the cut are enough.
		keys, err = leadingKeys(line)
	}
	if err != nil {
		if t[0] == '[' {
			return Sniffed{FormatUnknown, "a JSON array (one JSON object per line is expected)", false}
		}
		return Sniffed{FormatUnknown, "a JSON file that is not one object per line", false}
	}
	_, schema := keys["schema"]
	_, props := keys["properties"]
	_, dataSource := keys["DATA_SOURCE"]
	_, recordID := keys["RECORD_ID"]
	switch {
	case schema && props:
		return Sniffed{FormatFTM, "FollowTheMoney entities (JSON lines)", false}
	case dataSource || recordID:
		return Sniffed{FormatSenzing, "Senzing JSON records", false}
	}
	return Sniffed{FormatUnknown, "JSON lines of an unknown layout", false}
}

// leadingKeys reads the keys of a JSON object cut short, up to the cut:
// each key whose value is complete, and the key whose value the cut
// interrupts. Bad JSON before the cut is an error, and so is an object of
// which not one key could be read.
func leadingKeys(b []byte) (map[string]json.RawMessage, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, fmt.Errorf("not a JSON object")
	}
	keys := map[string]json.RawMessage{}
	var se *json.SyntaxError
	for {
		tok, err := dec.Token()
		if errors.As(err, &se) {
			return nil, err
		}
		if err != nil {
			break // the cut
		}
		k, ok := tok.(string)
		if !ok {
			break // '}': the object ended within the cut
		}
		keys[k] = nil
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			if errors.As(err, &se) {
				return nil, err
			}
			break // the cut
		}
		keys[k] = v
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("no key before the cut")
	}
	return keys, nil
}

func sniffCSV(t []byte) Sniffed {
	first := t
	if i := bytes.IndexByte(t, '\n'); i >= 0 {
		first = t[:i]
	}
	line := strings.ToLower(strings.TrimSpace(string(first)))
	fields := strings.Split(line, ",")
	// The OFAC legacy files have no header: they start with an ent_num.
	if len(fields) > 1 && isDigits(strings.TrimSpace(fields[0])) {
		switch n := csvFields(first); {
		case n == sdnColumns:
			return Sniffed{FormatOFAC, "an OFAC sdn.csv", false}
		case n == altColumns:
			return Sniffed{FormatUnknown, "an OFAC alt.csv (give sdn.csv; alt.csv beside it is read too)", false}
		case n == addColumns:
			return Sniffed{FormatUnknown, "an OFAC add.csv (give sdn.csv; add.csv beside it is read too)", false}
		case n == commentsColumns:
			return Sniffed{FormatUnknown, "an OFAC sdn_comments.csv (give sdn.csv; sdn_comments.csv beside it is read too)", false}
		}
		return Sniffed{FormatUnknown, fmt.Sprintf("a CSV file of %d columns starting with a number", csvFields(first)), false}
	}
	has := func(name string) bool {
		for _, f := range fields {
			if strings.Trim(strings.TrimSpace(f), `"`) == name {
				return true
			}
		}
		return false
	}
	switch {
	case has("number") && has("country"):
		return Sniffed{FormatDocuments, "a travel-document CSV", false}
	case has("full_name") && has("date_of_birth"):
		return Sniffed{FormatUnknown, "a screening-fixture CSV (queries, not a list)", false}
	}
	if len(fields) > 1 {
		return Sniffed{FormatUnknown, "a CSV file of another layout", true}
	}
	return Sniffed{FormatUnknown, "a text file of an unknown layout", true}
}

// csvFields counts the fields of one CSV line, commas inside quotes not
// counting.
func csvFields(line []byte) int {
	n, quoted := 1, false
	for _, c := range line {
		switch {
		case c == '"':
			quoted = !quoted
		case c == ',' && !quoted:
			n++
		}
	}
	return n
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// CheckFormat refuses a file whose first bytes show it is not of format
// want, saying what it looks like and, when another reader takes it, which
// command to use.
func CheckFormat(want string, head []byte) error {
	got := Sniff(head)
	if got.Description == descUTF16 {
		return fmt.Errorf("this file is UTF-16: save it as UTF-8 (in the editor's \"Save as\", or with iconv -f UTF-16 -t UTF-8), then import it again")
	}
	if got.Format == want || (want == FormatDocuments && got.plainCSV) {
		// A travel-document CSV is our own layout: its reader says which
		// header column is missing.
		return nil
	}
	if got.Format != FormatUnknown {
		return fmt.Errorf("this looks like %s, not %s; use manara import %s", got.Description, formatNames[want], got.Format)
	}
	return fmt.Errorf("this looks like %s, not %s", got.Description, formatNames[want])
}

var formatNames = map[string]string{
	FormatUN:        "a UN consolidated list XML",
	FormatOFAC:      "an OFAC sdn.csv",
	FormatDocuments: "a travel-document CSV with a header",
	FormatFTM:       "FollowTheMoney entities (JSON lines)",
	FormatSenzing:   "Senzing JSON records",
}
