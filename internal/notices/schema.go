package notices

// Field describes one field of a notice type's data as forms and pages
// lay it out: the same table Validate checks against, in the order a
// notice is read (identity first, then the type's own part).
type Field struct {
	Name     string
	Kind     string // one of the Kind constants
	Required bool   // in a complete notice
	Identity bool   // a person's identity particulars, common to the types
	Enum     []string
	Fields   []Field // of an object, or of each entry of a list
}

// Kinds of a Field.
const (
	KindString    = "string"    // one line, at most 500 characters
	KindText      = "text"      // free text, at most 10,000 characters
	KindDate      = "date"      // YYYY-MM-DD, YYYY-MM, YYYY or YYYY..YYYY
	KindFullDate  = "full_date" // YYYY-MM-DD
	KindCountry   = "country"   // a member country's ISO code
	KindCountries = "countries" // a list of them
	KindStrings   = "strings"   // a list of lines
	KindBool      = "bool"
	KindNumber    = "number"
	KindEnum      = "enum"
	KindObject    = "object"
	KindList      = "list" // of objects
)

var kindNames = map[fieldKind]string{kString: KindString, kText: KindText, kDate: KindDate, kFullDate: KindFullDate,
	kCountry: KindCountry, kCountries: KindCountries, kStrings: KindStrings, kBool: KindBool, kNumber: KindNumber,
	kEnum: KindEnum, kObject: KindObject, kList: KindList, kIdentifier: KindString}

// unSpec is the data of an INTERPOL–UN Special Notice as the UN list
// import writes it (internal/imports): not requested through the
// service, so never validated, only read.
var unSpec = []spec{
	f("name", kString), f("name_original", kString), f("aliases", kStrings), f("subject_type", kString),
	enumOf("sex", false, "M", "F", "U"), f("date_of_birth", kDate), f("place_of_birth", kString), f("nationalities", kCountries),
	listOf("documents", false, f("type", kString), f("number", kString), f("country", kCountry)),
	listOf("identifiers", false, f("type", kString), f("value", kString)),
	f("programs", kStrings), f("listed_on", kDate), f("remarks", kText), f("source", kString), f("source_id", kString),
	f("notice_type", kString), f("reference", kString),
}

var identityNames = func() map[string]bool {
	m := map[string]bool{"name": true, "subject_type": true}
	for _, s := range identity() {
		m[s.name] = true
	}
	return m
}()

// Schema is the layout of a notice type's data (nil for an unknown type).
func Schema(typ string) []Field {
	specs, ok := typeSpecs[typ]
	if typ == TypeUN {
		specs, ok = unSpec, true
	}
	if !ok {
		return nil
	}
	return schemaOf(specs, true)
}

func schemaOf(specs []spec, top bool) []Field {
	out := make([]Field, 0, len(specs))
	at := map[string]int{}
	for _, s := range specs {
		if i, dup := at[s.name]; dup {
			// A type that requires an identity field names it again
			// (the Black Notice's description): one field, required.
			out[i].Required = out[i].Required || s.req
			continue
		}
		at[s.name] = len(out)
		out = append(out, Field{Name: s.name, Kind: kindNames[s.kind], Required: s.req, Identity: top && identityNames[s.name],
			Enum: s.enum, Fields: schemaOf(s.fields, false)})
	}
	return out
}
