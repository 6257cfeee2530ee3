package imports

import (
	"fmt"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/members"
)

// Record shapes a listed subject as the kind and data of a record: UN
// entries become INTERPOL–UN Special Notices of the secretariat; OFAC
// entries the US bureau's persons and entities.
func (s Subject) Record() (string, map[string]any) {
	source := s.Source
	d := map[string]any{"source": source, "source_id": s.SourceID, "name": s.Name}
	if s.NameOriginal != "" {
		d["name_original"] = s.NameOriginal
	}
	if len(s.Aliases) > 0 {
		d["aliases"] = s.Aliases
	}
	if dob := dobOf(s.DatesOfBirth); dob != "" {
		d["date_of_birth"] = dob
	}
	if s.Sex == "M" || s.Sex == "F" {
		d["sex"] = s.Sex
	}
	var nats []string
	for _, n := range s.Nationalities {
		if members.Valid(n) {
			nats = append(nats, n)
		}
	}
	if len(nats) > 0 {
		d["nationalities"] = nats
	}
	if s.PlaceOfBirth != "" {
		d["place_of_birth"] = s.PlaceOfBirth
	}
	var docs []map[string]string
	for _, doc := range s.Documents {
		docs = append(docs, map[string]string{"type": doc.Type, "number": doc.Number, "country": doc.Country})
	}
	if len(docs) > 0 {
		d["documents"] = docs
	}
	var ids []map[string]string
	for _, id := range s.Identifiers {
		ids = append(ids, map[string]string{"type": id.Type, "value": id.Value})
	}
	if len(ids) > 0 {
		d["identifiers"] = ids
	}
	if len(s.Programs) > 0 {
		d["programs"] = s.Programs
	}
	if s.ListedOn != "" {
		d["listed_on"] = s.ListedOn
	}
	if s.Remarks != "" {
		d["remarks"] = s.Remarks
	}
	if source == "un" {
		d["notice_type"] = "un"
		d["reference"] = s.SourceID
		d["subject_type"] = s.Kind
		return core.KindNotice, d
	}
	if s.Kind == KindIndividual {
		return core.KindPerson, d
	}
	d["entity_type"] = s.Kind
	return core.KindEntity, d
}

// dobOf reduces several dates of birth to one date, or a range of years.
func dobOf(ds []Date) string {
	if len(ds) == 0 {
		return ""
	}
	if len(ds) == 1 && ds[0].ToYear == 0 {
		return ds[0].String()
	}
	lo, hi := 9999, 0
	for _, d := range ds {
		lo = min(lo, d.Year)
		hi = max(hi, max(d.Year, d.ToYear))
	}
	if lo == hi {
		return fmt.Sprintf("%04d", lo)
	}
	return fmt.Sprintf("%04d..%04d", lo, hi)
}
