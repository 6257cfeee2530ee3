package imports

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/manara-hub/manara/internal/screen"
)

// Document statuses accepted in a travel-document CSV.
const (
	StatusStolen  = "stolen"
	StatusLost    = "lost"
	StatusRevoked = "revoked"
	StatusInvalid = "invalid"
)

// maxDocField is the longest number or type accepted in a travel-document row.
const maxDocField = 64

// DocumentRow is one row of a travel-document CSV.
type DocumentRow struct {
	Number  string // as given, trimmed
	Country string // upper case, 2 or 3 letters (shape only: the caller checks membership)
	Type    string // lower case, as given (e.g. "passport", "id_card"); may be ""
	Status  string // StatusStolen, StatusLost, StatusRevoked or StatusInvalid
	Line    int    // line of the row in the file (the header is line 1)
}

// ReadDocumentsCSV reads a CSV of stolen, lost, revoked or invalid travel
// documents. The first record must be a header holding the columns number,
// country, type and status, in any order and case; other columns are
// ignored. A missing or wrong header is an error. Each bad row (CSV syntax,
// wrong field count, empty or over-long number, country not 2 or 3 letters,
// unknown status, duplicate number and country) is skipped with a Warning
// naming its line and field; the other rows are returned.
func ReadDocumentsCSV(r io.Reader) ([]DocumentRow, []Warning, error) {
	if r == nil {
		return nil, nil, errors.New("documents: no input")
	}
	cr := newCSVReader(r, "documents")

	header, err := cr.Read()
	if err == io.EOF {
		return nil, nil, errors.New("documents: empty input: want a header number,country,type,status")
	}
	if errors.Is(err, ErrTooLarge) {
		return nil, nil, err
	}
	if err != nil {
		return nil, nil, fmt.Errorf("documents: header: %w", err)
	}
	col := map[string]int{"number": -1, "country": -1, "type": -1, "status": -1}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		j, want := col[h]
		if !want {
			continue
		}
		if j >= 0 {
			return nil, nil, fmt.Errorf("documents: line 1: header has column %q twice", h)
		}
		col[h] = i
	}
	var missing []string
	for _, h := range []string{"number", "country", "type", "status"} {
		if col[h] < 0 {
			missing = append(missing, h)
		}
	}
	if len(missing) > 0 {
		return nil, nil, fmt.Errorf("documents: line 1: header lacks column(s) %s (want number,country,type,status; got %q)",
			strings.Join(missing, ","), truncateForMessage(strings.Join(header, ",")))
	}
	width := len(header)

	var (
		w    warnings
		rows []DocumentRow
		seen = make(map[string]int)
	)
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		w.seen++
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) && !errors.Is(err, ErrTooLarge) {
				w.skip(fmt.Sprintf("line %d", pe.StartLine), "", fmt.Sprintf("bad CSV (line %d, column %d): %v; row skipped", pe.Line, pe.Column, pe.Err))
				continue
			}
			if errors.Is(err, ErrTooLarge) {
				return nil, nil, err
			}
			return nil, nil, fmt.Errorf("documents: %w", err)
		}
		line, _ := cr.FieldPos(0)
		where := fmt.Sprintf("line %d", line)
		if len(rec) != width {
			w.skip(where, "", fmt.Sprintf("%d fields, want %d as in the header; row skipped", len(rec), width))
			continue
		}
		if len(rows) >= maxSubjects {
			return nil, nil, fmt.Errorf("documents: %s: more than %d rows: %w", where, maxSubjects, ErrTooLarge)
		}
		row, field, reason := documentRow(rec, col)
		if reason != "" {
			w.skip(where, field, reason+"; row skipped")
			continue
		}
		// The importer keys a document the same way: a row it would
		// write over another's record is that row's duplicate.
		key := DocumentKey(row.Country, row.Number)
		if first, dup := seen[key]; dup {
			w.skip(where, "number", fmt.Sprintf("%s %s is the document already on line %d; row skipped", row.Country, row.Number, first))
			continue
		}
		seen[key] = line
		row.Line = line
		rows = append(rows, row)
	}
	if err := w.check("documents"); err != nil {
		return nil, nil, err
	}
	return rows, w.result(), nil
}

// documentRow checks one record; reason is "" when it is good.
func documentRow(rec []string, col map[string]int) (row DocumentRow, field, reason string) {
	num := strings.TrimSpace(rec[col["number"]])
	country := strings.TrimSpace(rec[col["country"]])
	typ := strings.TrimSpace(rec[col["type"]])
	status := strings.ToLower(strings.TrimSpace(rec[col["status"]]))
	switch {
	case num == "":
		return row, "number", "empty"
	case len(num) > maxDocField:
		return row, "number", fmt.Sprintf("longer than %d bytes", maxDocField)
	case !printable(num):
		return row, "number", fmt.Sprintf("%q holds control characters or invalid UTF-8", num)
	case DocumentKey("", num) == ":":
		// Its key would be every such number's.
		return row, "number", fmt.Sprintf("%q holds no letter or digit", num)
	}
	if (len(country) != 2 && len(country) != 3) || !isLetters(country) {
		return row, "country", fmt.Sprintf("%q is not an ISO 3166 alpha-2 or alpha-3 code", truncateForMessage(country))
	}
	if len(typ) > maxDocField {
		return row, "type", fmt.Sprintf("longer than %d bytes", maxDocField)
	}
	if !printable(typ) {
		return row, "type", fmt.Sprintf("%q holds control characters or invalid UTF-8", typ)
	}
	switch status {
	case StatusStolen, StatusLost, StatusRevoked, StatusInvalid:
	case "":
		return row, "status", "empty (want stolen, lost, revoked or invalid)"
	default:
		return row, "status", fmt.Sprintf("%q is not stolen, lost, revoked or invalid", truncateForMessage(status))
	}
	return DocumentRow{
		Number:  num,
		Country: strings.ToUpper(country),
		Type:    strings.ToLower(typ),
		Status:  status,
	}, "", ""
}

// DocumentKey is what makes two rows one document: the key the screening
// index finds a document by (screen.Document.Key: the issuing country as
// its alpha-2 code, the number's letters and digits in upper case), so
// that "FX 1000003,FRA" and "fx-1000003,fr" are one document, to the
// importer as to a screening.
func DocumentKey(country, number string) string {
	return screen.Document{Country: country, Number: number}.Key()
}

func isLetters(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i] | 0x20
		if c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

func printable(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return false
		}
	}
	return true
}
