package notices

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/manara-hub/manara/internal/access"
	"github.com/manara-hub/manara/internal/audit"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/members"
	"github.com/manara-hub/manara/internal/names"
	"github.com/manara-hub/manara/internal/screen"
)

// PublicQuery selects public extracts, in the terms of INTERPOL's public
// notices API. Zero values do not filter.
type PublicQuery struct {
	Type                 string // red, yellow or un
	UNSubject            string // for un: "persons" or "entities"
	Forename, Name       string
	Nationality          string // alpha-2
	AgeMin, AgeMax       int
	SexID                string // M, F or U
	ArrestWarrantCountry string // alpha-2; Red Notices only
	FreeText             string
	Page, PerPage        int // 1-based page
}

// MaxPublicScan bounds the published extracts of one type a public query
// reads before filtering; beyond it, results are those of the newest ones.
const MaxPublicScan = 100000

// publicBatch is how many notices a public query reads at a time; tests
// lower it to cross batches with a few notices.
var publicBatch = 1000

// Public lists the public extracts matching q, a page of them and their
// total. Anyone may ask; each row passes access.IsPublicExtract.
func (s *Service) Public(ctx context.Context, q PublicQuery, remote string) ([]View, int, error) {
	if q.ArrestWarrantCountry != "" && q.Type != TypeRed {
		// warrantCountries falls back to the owner: on a Red Notice the
		// country that issued the warrant, on any other the bureau that
		// asked, which its public extract does not say.
		return nil, 0, core.Invalid(core.FieldError{Field: "arrestWarrantCountryId", Reason: "is a filter of Red Notices only"})
	}
	if q.PerPage <= 0 {
		q.PerPage = 20
	}
	if q.Page <= 0 {
		q.Page = 1
	}
	var page []View
	var ids []string
	total := 0
	// Newest first, as the public site shows them, so that only the asked
	// page is kept while the rest is counted: a page of a list of 100,000
	// extracts holds its 20, not the 100,000.
	first := (q.Page - 1) * q.PerPage
	// Read in a read transaction (a public scan must not hold the writer),
	// then audit.
	err := s.Store.View(ctx, func(tx core.Tx) error {
		f := core.NoticeFilter{Visible: core.Visibility{SeeAll: true}, Type: q.Type, State: core.NoticePublished, PublicExtract: true,
			Newest: true, Limit: publicBatch}
		m := (*names.Matcher)(nil)
		if full := strings.TrimSpace(q.Forename + " " + q.Name); full != "" {
			m = names.NewMatcher(names.Parse(full))
		}
		now := s.now()
		for seen := 0; seen < MaxPublicScan; {
			rows, err := tx.ListNotices(f)
			if err != nil {
				return err
			}
			for _, row := range rows {
				if access.IsPublicExtract(row.Record, row.Notice.Type, row.Notice.Diffusion, row.Notice.PublicExtract) && q.matches(row, m, now) {
					if total >= first && len(page) < q.PerPage {
						page = append(page, View{Notice: row.Notice, Record: row.Record})
					}
					total++
				}
			}
			seen += len(rows)
			if len(rows) < f.Limit {
				break
			}
			f.Before = rows[len(rows)-1].Notice.ID
		}
		for i := range page {
			ids = append(ids, page[i].Notice.ID)
			as, err := tx.Attachments(page[i].Notice.ID)
			if err != nil {
				return err
			}
			for _, a := range as {
				if a.Role == RolePhoto {
					page[i].Attachments = append(page[i].Attachments, a)
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	e := audit.Entry(core.Viewer{Remote: remote}, "notice.public_list", audit.OK, ids...)
	e.Query = q.summary()
	if err := s.Store.Update(ctx, func(tx core.Tx) error { return audit.Append(tx, e) }); err != nil {
		return nil, 0, err
	}
	return page, total, nil
}

func (q PublicQuery) summary() string {
	var parts []string
	add := func(k, v string) {
		if v != "" && v != "0" {
			parts = append(parts, k+"="+v)
		}
	}
	add("type", q.Type)
	add("un", q.UNSubject)
	add("forename", q.Forename)
	add("name", q.Name)
	add("nationality", q.Nationality)
	add("ageMin", strconv.Itoa(q.AgeMin))
	add("ageMax", strconv.Itoa(q.AgeMax))
	add("sexId", q.SexID)
	add("arrestWarrantCountryId", q.ArrestWarrantCountry)
	add("freeText", q.FreeText)
	add("page", strconv.Itoa(q.Page))
	return strings.Join(parts, " ")
}

// folded is the normalised tokens of a text, for word matches that
// ignore case, diacritics and script conventions.
func folded(s string) []string { return names.Parse(s).Texts() }

// containsWords reports whether every word of q begins a word of text.
func containsWords(text, q string) bool {
	words := folded(text)
	for _, w := range folded(q) {
		found := false
		for _, x := range words {
			if strings.HasPrefix(x, w) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

func (q PublicQuery) matches(row core.NoticeRow, m *names.Matcher, now time.Time) bool {
	var d map[string]any
	if json.Unmarshal(row.Record.Data, &d) != nil {
		return false
	}
	if q.Type == TypeUN && q.UNSubject != "" {
		individual := str(d, "subject_type") == "" || str(d, "subject_type") == "individual"
		if individual != (q.UNSubject == "persons") {
			return false
		}
	}
	if q.Name != "" || q.Forename != "" {
		byWords := (q.Name == "" || containsWords(str(d, "family_name")+" "+str(d, "name"), q.Name)) &&
			(q.Forename == "" || containsWords(str(d, "given_names")+" "+str(d, "name"), q.Forename))
		if !byWords && (m == nil || bestScore(m, d) < NameThreshold) && !familyMatches(q.Name, d) {
			return false
		}
	}
	if q.Nationality != "" && !hasCode(d["nationalities"], q.Nationality) {
		return false
	}
	if q.SexID != "" && str(d, "sex") != q.SexID {
		return false
	}
	if q.AgeMin > 0 || q.AgeMax > 0 {
		dob, err := screen.ParseDate(str(d, "date_of_birth"))
		if err != nil || !dob.Known() {
			return false
		}
		// The oldest and youngest the person can be today.
		oldest := age(dob.From, now)
		youngest := age(dob.To, now)
		if q.AgeMin > 0 && oldest < q.AgeMin || q.AgeMax > 0 && youngest > q.AgeMax {
			return false
		}
	}
	if q.ArrestWarrantCountry != "" && !strings.Contains(" "+strings.Join(warrantCountries(row.Record, d), " ")+" ", " "+q.ArrestWarrantCountry+" ") {
		return false
	}
	if q.FreeText != "" && !containsWords(freeText(row.Notice.Type, d), q.FreeText) {
		return false
	}
	return true
}

func age(yyyymmdd int32, now time.Time) int {
	y, md := int(yyyymmdd/10000), int(yyyymmdd%10000)
	a := now.Year() - y
	if now.Month()*100+time.Month(now.Day()) < time.Month(md) {
		a--
	}
	return a
}

func hasCode(x any, code string) bool {
	list, _ := x.([]any)
	for _, e := range list {
		if s, ok := e.(string); ok {
			if c, ok := members.Lookup(s); ok && c.Alpha2 == code {
				return true
			}
		}
	}
	return false
}

// warrantCountries are the countries whose warrants a notice rests on:
// its warrant's and charges' countries, else the owner's.
func warrantCountries(r *core.Record, d map[string]any) []string {
	var out []string
	add := func(s string) {
		if c, ok := members.Lookup(s); ok {
			out = append(out, c.Alpha2)
		}
	}
	if w, ok := d["warrant"].(map[string]any); ok {
		add(str(w, "country"))
	}
	for _, c := range items(d, "charges") {
		add(str(c, "country"))
	}
	if len(out) == 0 && members.Valid(r.Owner) {
		out = append(out, r.Owner)
	}
	return out
}

// freeText is what a free-text public query of notices of type typ reads:
// the names, places, descriptions and charges its public extract shows
// (web/api's publicItem), and nothing more of the data. A word found in
// a field the extract leaves out (a Yellow Notice's circumstances, the
// description the bureau wrote for the police) would tell anyone, by the
// total, what the extract keeps from them.
func freeText(typ string, d map[string]any) string {
	var b strings.Builder
	add := func(s string) {
		b.WriteString(s)
		b.WriteByte(' ')
	}
	// The extract names the person by family and given names, and by
	// name only without either (publicNames).
	family, given := str(d, "family_name"), str(d, "given_names")
	add(family)
	add(given)
	if family == "" && given == "" {
		add(str(d, "name"))
	}
	add(str(d, "place_of_birth"))
	add(str(d, "distinguishing_marks"))
	switch typ {
	case TypeRed:
		for _, c := range items(d, "charges") {
			add(str(c, "offence") + " " + str(c, "description") + " " + str(c, "translation"))
		}
	case TypeYellow:
		add(str(d, "disappearance_place"))
	case TypeUN:
		add(str(d, "remarks"))
	}
	return b.String()
}

// PublicGet returns one public extract by type and public number.
func (s *Service) PublicGet(ctx context.Context, typ, entityID, remote string) (*View, error) {
	var out *View
	err := s.Store.Update(ctx, func(tx core.Tx) error {
		row, err := publicRow(tx, typ, entityID)
		if err != nil {
			return err
		}
		as, err := tx.Attachments(row.Notice.ID)
		if err != nil {
			return err
		}
		photos := as[:0]
		for _, a := range as {
			if a.Role == RolePhoto {
				photos = append(photos, a)
			}
		}
		out = &View{Notice: row.Notice, Record: row.Record, Attachments: photos}
		return audit.Append(tx, audit.Entry(core.Viewer{Remote: remote}, "notice.public_read", audit.OK, row.Notice.ID))
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// PublicImage returns a photo of a public extract.
func (s *Service) PublicImage(ctx context.Context, typ, entityID, aid, remote string) (*core.Attachment, error) {
	var a *core.Attachment
	err := s.Store.Update(ctx, func(tx core.Tx) error {
		row, err := publicRow(tx, typ, entityID)
		if err != nil {
			return err
		}
		a, err = tx.GetAttachment(row.Notice.ID, aid)
		if err != nil || a.Role != RolePhoto {
			return core.Errorf(core.ENOTFOUND, "image not found")
		}
		if err := s.readFile(a); err != nil {
			return err
		}
		return audit.Append(tx, audit.Entry(core.Viewer{Remote: remote}, "notice.public_image", audit.OK, row.Notice.ID))
	})
	return a, err
}

func publicRow(tx core.Tx, typ, entityID string) (core.NoticeRow, error) {
	rows, err := tx.ListNotices(core.NoticeFilter{Visible: core.Visibility{SeeAll: true}, Type: typ, State: core.NoticePublished,
		PublicExtract: true, EntityID: entityID, Limit: 2})
	if err != nil {
		return core.NoticeRow{}, err
	}
	for _, row := range rows {
		if access.IsPublicExtract(row.Record, row.Notice.Type, row.Notice.Diffusion, row.Notice.PublicExtract) {
			return row, nil
		}
	}
	return core.NoticeRow{}, core.Errorf(core.ENOTFOUND, "no public notice %s of type %s", entityID, typ)
}

// familyMatches compares a family name alone, in any script, with the
// notice's family name and with each word of its original-script name and
// aliases: a public query by family name should not lose to the missing
// given names.
func familyMatches(name string, d map[string]any) bool {
	if strings.TrimSpace(name) == "" {
		return false
	}
	q := names.Parse(name)
	cands := []string{str(d, "family_name")}
	for _, k := range []string{"name_original", "name"} {
		cands = append(cands, strings.Fields(str(d, k))...)
	}
	if list, ok := d["aliases"].([]any); ok {
		for _, a := range list {
			if s, ok := a.(string); ok {
				cands = append(cands, strings.Fields(s)...)
			}
		}
	}
	for _, c := range cands {
		if c != "" && names.CompareNames(q, names.Parse(c)).Score >= NameThreshold {
			return true
		}
	}
	return false
}
