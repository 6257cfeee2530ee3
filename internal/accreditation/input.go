package accreditation

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/members"
	"github.com/manara-hub/manara/internal/screen"
)

// Limits on an accreditation list and its fields.
const (
	MaxAttendees     = 20_000   // per import
	MaxCSVBytes      = 16 << 20 // a CSV list
	MaxJSONBytes     = 16 << 20 // a JSON list
	MaxErrors        = 500      // reported per import; the rest are counted
	MaxRef           = 64
	MaxName          = 300
	MaxOtherNames    = 10
	MaxNationalities = 5
	MaxDocuments     = 5
	MaxOrganisation  = 200
	MaxDocNumber     = 30
	MaxReason        = 2000
)

// AttendeeInput is one attendee as the host's security unit sends it.
type AttendeeInput struct {
	Ref           string          `json:"ref"`
	Category      string          `json:"category"`
	Name          string          `json:"name"`
	OtherNames    []string        `json:"other_names"`
	DateOfBirth   string          `json:"date_of_birth"`
	Sex           string          `json:"sex"`
	Nationalities []string        `json:"nationalities"`
	Documents     []DocumentInput `json:"documents"`
	Organisation  string          `json:"organisation"`
}

// DocumentInput is a passport or identity document.
type DocumentInput struct {
	Number  string `json:"number"`
	Country string `json:"country"`
	Type    string `json:"type"`
	// numberCell and countryCell are the CSV columns the document was
	// read from: a CSV list has no documents[j], and its security unit
	// must be told which cell to correct. Empty for a JSON list.
	numberCell, countryCell string
}

// ListInput is a JSON accreditation list.
type ListInput struct {
	Participants []AttendeeInput `json:"participants"`
}

// CSVColumns are the columns of a CSV accreditation list, in the order
// the documentation gives them; a file names those it has in its header
// (any order). Lists inside a cell are separated by ";"; a document in
// other_documents is COUNTRY:NUMBER.
var CSVColumns = []string{"ref", "category", "name", "other_names", "date_of_birth", "sex", "nationalities", "passport_number", "passport_country", "other_documents", "organisation"}

// csvRequired are the columns a CSV header must have.
var csvRequired = []string{"category", "name"}

// errs gathers field errors, up to MaxErrors, counting the rest.
type errs struct {
	fs   []core.FieldError
	more int
}

func (e *errs) add(field, format string, args ...any) {
	if len(e.fs) >= MaxErrors {
		e.more++
		return
	}
	e.fs = append(e.fs, core.FieldError{Field: field, Reason: fmt.Sprintf(format, args...)})
}

func (e *errs) err() error {
	if len(e.fs) == 0 {
		return nil
	}
	err := core.Invalid(e.fs...)
	n := len(e.fs) + e.more
	err.Message = fmt.Sprintf("the list has %d errors; nothing was imported", n)
	if e.more > 0 {
		err.Message += fmt.Sprintf(" (the first %d are listed)", len(e.fs))
	}
	if n == 1 {
		err.Message = "the list has an error; nothing was imported: " + e.fs[0].Field + ": " + e.fs[0].Reason
	}
	return err
}

// ParseCSV reads a CSV accreditation list (UTF-8, a header line naming
// the columns, comma-separated; a semicolon-separated file is read too
// when its header says so). It returns the inputs with their line
// numbers, or every broken line's error: the field is "lines[N].column".
func ParseCSV(r io.Reader) ([]AttendeeInput, []int, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxCSVBytes+1))
	if err != nil {
		return nil, nil, core.Errorf(core.EINVALID, "the list could not be read: %v", err)
	}
	if len(data) > MaxCSVBytes {
		return nil, nil, core.Errorf(core.ETOOLARGE, "a CSV list is at most %d bytes", MaxCSVBytes)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		return nil, nil, core.Invalid(core.FieldError{Field: "body", Reason: "must be UTF-8 text (save the file as CSV UTF-8)"})
	}
	cr := csv.NewReader(bytes.NewReader(data))
	first, _, _ := bytes.Cut(data, []byte("\n"))
	if bytes.Count(first, []byte(";")) > bytes.Count(first, []byte(",")) {
		cr.Comma = ';'
	}
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = false
	var e errs
	header, err := cr.Read()
	if err == io.EOF {
		return nil, nil, core.Invalid(core.FieldError{Field: "lines[1]", Reason: "the list is empty: expected a header line naming the columns (" + strings.Join(CSVColumns, ", ") + ")"})
	}
	if err != nil {
		return nil, nil, core.Invalid(csvError(err))
	}
	// A spreadsheet saving a file writes a trailing separator as often as
	// not: unnamed columns at the end of the header are no error, as long
	// as no line puts anything in them (it would be dropped unread).
	named := len(header)
	for named > 0 && strings.TrimSpace(header[named-1]) == "" {
		named--
	}
	col := map[string]int{}
	for i, h := range header[:named] {
		h = strings.ToLower(strings.TrimSpace(h))
		switch {
		case h == "":
			e.add("lines[1]", "column %d has no name; expected some of: %s", i+1, strings.Join(CSVColumns, ", "))
		case !slices.Contains(CSVColumns, h):
			e.add(fmt.Sprintf("lines[1].%s", core.Clip(h, 40)), "is not a column of an accreditation list; expected some of: %s", strings.Join(CSVColumns, ", "))
		case col[h] != 0:
			e.add(fmt.Sprintf("lines[1].%s", h), "is named twice")
		default:
			col[h] = i + 1
		}
	}
	for _, c := range csvRequired {
		if col[c] == 0 {
			e.add("lines[1]", "the header lacks the column %s (required columns: %s)", c, strings.Join(csvRequired, ", "))
		}
	}
	if err := e.err(); err != nil {
		return nil, nil, err
	}
	var out []AttendeeInput
	var lines []int
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			// A quoting error leaves the reader unable to tell where the
			// next line starts: stop here, saying so.
			fe := csvError(err)
			fe.Reason += "; the lines after it were not read"
			e.fs = append(e.fs, fe)
			break
		}
		line, _ := cr.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // a blank line
		}
		if len(out) >= MaxAttendees {
			return nil, nil, core.Errorf(core.ETOOLARGE, "a list holds at most %d participants; line %d and the rest were not read", MaxAttendees, line)
		}
		if len(rec) != len(header) {
			e.add(fmt.Sprintf("lines[%d]", line), "has %d cells; the header names %d columns", len(rec), len(header))
			continue
		}
		if i := slices.IndexFunc(rec[named:], func(c string) bool { return strings.TrimSpace(c) != "" }); i >= 0 {
			e.add(fmt.Sprintf("lines[%d]", line), "column %d holds %q, and the header gives it no name", named+i+1, core.Clip(rec[named+i], 40))
			continue
		}
		cell := func(name string) string {
			if i := col[name]; i > 0 {
				return strings.TrimSpace(rec[i-1])
			}
			return ""
		}
		in := AttendeeInput{Ref: cell("ref"), Category: cell("category"), Name: cell("name"), OtherNames: split(cell("other_names")),
			DateOfBirth: cell("date_of_birth"), Sex: cell("sex"), Nationalities: split(cell("nationalities")), Organisation: cell("organisation")}
		if n, c := cell("passport_number"), cell("passport_country"); n != "" || c != "" {
			in.Documents = append(in.Documents, DocumentInput{Number: n, Country: c, Type: "passport", numberCell: "passport_number", countryCell: "passport_country"})
		}
		for _, d := range split(cell("other_documents")) {
			c, n, ok := strings.Cut(d, ":")
			if !ok {
				e.add(fmt.Sprintf("lines[%d].other_documents", line), "must list documents as COUNTRY:NUMBER separated by ';', got %q", core.Clip(d, 40))
				continue
			}
			in.Documents = append(in.Documents, DocumentInput{Number: strings.TrimSpace(n), Country: strings.TrimSpace(c), numberCell: "other_documents", countryCell: "other_documents"})
		}
		out = append(out, in)
		lines = append(lines, line)
	}
	if len(out) == 0 && len(e.fs) == 0 {
		e.add("lines[2]", "the list has a header and no participant")
	}
	if err := e.err(); err != nil {
		return nil, nil, err
	}
	return out, lines, nil
}

func csvError(err error) core.FieldError {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		reason := "is not valid CSV"
		switch {
		case errors.Is(pe.Err, csv.ErrQuote):
			reason = "has a stray quote: a cell with quotes must be wholly quoted, its quotes doubled (\"\")"
		case errors.Is(pe.Err, csv.ErrBareQuote):
			reason = "has a quote inside an unquoted cell: quote the whole cell and double its quotes (\"\")"
		}
		return core.FieldError{Field: fmt.Sprintf("lines[%d]", pe.StartLine), Reason: fmt.Sprintf("%s (column %d)", reason, pe.Column)}
	}
	return core.FieldError{Field: "body", Reason: "could not be read as CSV"}
}

func split(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ";") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// validText reports whether s is text a person typed: valid UTF-8 without
// control characters.
func validText(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return false
		}
	}
	return true
}

// dateShape is a date of birth as a list gives it: a day, a month or a
// year (not the ranges the screening index also reads).
var dateShape = regexp.MustCompile(`^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$`)

// validate checks ins, each named by prefix(i) in errors ("lines[3]" or
// "participants[2]"), and returns the attendees, not yet stored.
func validate(ins []AttendeeInput, prefix func(i int) string) ([]*core.Attendee, error) {
	var e errs
	if len(ins) == 0 {
		e.add("participants", "is empty: the list must hold at least one participant")
	}
	if len(ins) > MaxAttendees {
		return nil, core.Errorf(core.ETOOLARGE, "a list holds at most %d participants, not %d", MaxAttendees, len(ins))
	}
	refs := map[string]string{}
	out := make([]*core.Attendee, 0, len(ins))
	for i, in := range ins {
		p := prefix(i)
		a := &core.Attendee{Ref: strings.TrimSpace(in.Ref), Category: strings.ToLower(strings.TrimSpace(in.Category)), Name: strings.TrimSpace(in.Name),
			DateOfBirth: strings.TrimSpace(in.DateOfBirth), Sex: strings.ToUpper(strings.TrimSpace(in.Sex)), Organisation: strings.TrimSpace(in.Organisation)}
		switch {
		case !validText(a.Ref) || utf8.RuneCountInString(a.Ref) > MaxRef:
			e.add(p+".ref", "must be text of at most %d characters without control characters", MaxRef)
		case a.Ref != "" && refs[a.Ref] != "":
			e.add(p+".ref", "repeats the reference %q of %s: each participant has its own", core.Clip(a.Ref, 40), refs[a.Ref])
		case a.Ref != "":
			refs[a.Ref] = p
		}
		if !slices.Contains(core.AttendeeCategories, a.Category) {
			e.add(p+".category", "must be one of %s, got %q", strings.Join(core.AttendeeCategories, ", "), core.Clip(a.Category, 40))
		}
		switch {
		case a.Name == "":
			e.add(p+".name", "is required: the name as the passport writes it, in any script")
		case !validText(a.Name) || utf8.RuneCountInString(a.Name) > MaxName:
			e.add(p+".name", "must be text of at most %d characters without control characters", MaxName)
		default:
			q := screen.PersonQuery{Name: a.Name}
			if err := q.Validate(); err != nil {
				e.add(p+".name", "cannot be screened: %s", reasonOf(err))
			}
		}
		if len(in.OtherNames) > MaxOtherNames {
			e.add(p+".other_names", "must list at most %d names", MaxOtherNames)
		}
		for j, n := range in.OtherNames {
			n = strings.TrimSpace(n)
			q := screen.PersonQuery{Name: n}
			switch {
			case j >= MaxOtherNames:
			case n == "":
			case !validText(n) || utf8.RuneCountInString(n) > MaxName:
				e.add(fmt.Sprintf("%s.other_names[%d]", p, j), "must be text of at most %d characters without control characters", MaxName)
			case q.Validate() != nil:
				e.add(fmt.Sprintf("%s.other_names[%d]", p, j), "cannot be screened: %s", reasonOf(q.Validate()))
			default:
				a.OtherNames = append(a.OtherNames, n)
			}
		}
		if a.DateOfBirth != "" {
			if _, err := screen.ParseDate(a.DateOfBirth); err != nil || !dateShape.MatchString(a.DateOfBirth) {
				e.add(p+".date_of_birth", "must be a date YYYY-MM-DD (or YYYY-MM, or YYYY when only the year is known), got %q", core.Clip(a.DateOfBirth, 40))
			}
		}
		switch a.Sex {
		case "", "M", "F", "U":
		default:
			e.add(p+".sex", "must be M, F or U (unknown), or left empty, got %q", core.Clip(a.Sex, 10))
		}
		if len(in.Nationalities) > MaxNationalities {
			e.add(p+".nationalities", "must list at most %d nationalities", MaxNationalities)
		}
		for j, n := range in.Nationalities {
			if j >= MaxNationalities {
				break
			}
			c, ok := members.Lookup(strings.TrimSpace(n))
			if !ok {
				e.add(fmt.Sprintf("%s.nationalities[%d]", p, j), "must be an ISO 3166 country code (alpha-2 such as MA, or alpha-3 such as MAR), got %q", core.Clip(n, 10))
				continue
			}
			if !slices.Contains(a.Nationalities, c.Alpha2) {
				a.Nationalities = append(a.Nationalities, c.Alpha2)
			}
		}
		if n := len(in.Documents); n > MaxDocuments {
			if in.Documents[n-1].countryCell != "" {
				// Only other_documents can hold that many.
				e.add(p+".other_documents", "must list at most %d documents, the passport included", MaxDocuments)
			} else {
				e.add(p+".documents", "must list at most %d documents", MaxDocuments)
			}
		}
		for j, d := range in.Documents {
			if j >= MaxDocuments {
				break
			}
			f := fmt.Sprintf("%s.documents[%d]", p, j)
			numberField, countryField, typeField := f+".number", f+".country", f+".type"
			if d.countryCell != "" {
				numberField, countryField, typeField = p+"."+d.numberCell, p+"."+d.countryCell, p+"."+d.numberCell
			}
			num, country, typ := strings.TrimSpace(d.Number), strings.TrimSpace(d.Country), strings.ToLower(strings.TrimSpace(d.Type))
			norm, foreign := screen.StrictDocNumber(num)
			if norm == "" || foreign != 0 || len(num) > MaxDocNumber || !validText(num) {
				e.add(numberField, "must be a document number of letters and digits, at most %d characters, got %q", MaxDocNumber, core.Clip(num, 40))
			}
			c, ok := members.Lookup(country)
			if !ok {
				e.add(countryField, "must be the issuing country as an ISO 3166 code (MA, MAR), got %q", core.Clip(country, 10))
			}
			if typ == "" {
				typ = "passport"
			}
			if len(typ) > 30 || !validText(typ) {
				e.add(typeField, "must be a document type such as passport or id_card, at most 30 characters")
			}
			if norm != "" && ok {
				a.Documents = append(a.Documents, core.AttendeeDocument{Number: norm, Country: c.Alpha2, Type: typ})
			}
		}
		if !validText(a.Organisation) || utf8.RuneCountInString(a.Organisation) > MaxOrganisation {
			e.add(p+".organisation", "must be text of at most %d characters without control characters", MaxOrganisation)
		}
		out = append(out, a)
	}
	if err := e.err(); err != nil {
		return nil, err
	}
	return out, nil
}

func reasonOf(err error) string {
	var ce *core.Error
	if errors.As(err, &ce) && len(ce.Fields) > 0 {
		return ce.Fields[0].Reason
	}
	return core.ErrorMessage(err)
}
