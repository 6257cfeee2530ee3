package agreements

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/members"
)

// Limits on what one agreement may hold.
const (
	MaxTitles    = 8
	MaxTitle     = 300
	MaxReference = 100
	MaxSummary   = 4000
	MaxParties   = 30
	MaxPartyName = 200
	MaxNote      = 1000
	MaxDocuments = 20
	// DefaultMaxDocumentBytes bounds one document.
	DefaultMaxDocumentBytes = 10 << 20
)

var (
	langCode  = regexp.MustCompile(`^[a-z]{2,3}$`)
	partyCode = regexp.MustCompile(`^[A-Z0-9][A-Z0-9-]{1,15}$`)
	idLike    = regexp.MustCompile(`^[0-9a-fA-F-]{1,64}$`)
)

// Fields are what a bureau writes of an agreement, at registration and
// when it changes it.
type Fields struct {
	Kind      string `json:"kind"`
	Reference string `json:"reference"`
	// Titles by language code: at least one.
	Titles   map[string]string     `json:"titles"`
	Summary  string                `json:"summary"`
	Parties  []core.AgreementParty `json:"parties"`
	Subjects []string              `json:"subjects"`
	// Dates, YYYY-MM-DD.
	Signed  string `json:"signed"`
	InForce string `json:"in_force"`
	Expires string `json:"expires"`
	// The gathering (and a meeting request at it) where it was signed.
	Gathering      string `json:"gathering"`
	MeetingRequest string `json:"meeting_request"`
	Visibility     string `json:"visibility"`
}

// Input registers an agreement: its fields, and its state (draft by
// default, or signed or in_force when registered after the fact).
type Input struct {
	Fields
	State string `json:"state"`
}

// UpdateInput changes an agreement's fields (not its status: see
// StatusInput); Version is the version changed.
type UpdateInput struct {
	Fields
	Version int64 `json:"version"`
}

// StatusInput records a status change: the new status, the date it took
// effect (today by default) and a note (required to terminate).
type StatusInput struct {
	Status  string `json:"status"`
	On      string `json:"on"`
	Note    string `json:"note"`
	Version int64  `json:"version"`
}

type fieldErrs []core.FieldError

func (f *fieldErrs) add(field, format string, args ...any) {
	*f = append(*f, core.FieldError{Field: field, Reason: fmt.Sprintf(format, args...)})
}

func text(fs *fieldErrs, field, s string, maxLen int, required bool) string {
	s = strings.TrimSpace(s)
	switch {
	case s == "" && required:
		fs.add(field, "is required")
	case !utf8.ValidString(s) || strings.ContainsRune(s, 0):
		fs.add(field, "must be UTF-8 text without NUL")
	case utf8.RuneCountInString(s) > maxLen:
		fs.add(field, "must be at most %d characters", maxLen)
	}
	return s
}

// date checks a YYYY-MM-DD date (empty allowed).
func date(fs *fieldErrs, field, s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil || len(s) != 10 {
		fs.add(field, "must be a date written YYYY-MM-DD, such as 2025-11-25")
		return s
	}
	if t.Year() < 1900 || t.Year() > 2200 {
		fs.add(field, "must be a year from 1900 to 2200")
	}
	return s
}

// validFields checks in and builds the agreement's fields over a (a new
// one, or a copy of the stored one). owner is the registering bureau.
func validFields(fs *fieldErrs, a *core.Agreement, in Fields, owner string) {
	a.Kind = strings.TrimSpace(in.Kind)
	if a.Kind == "" {
		a.Kind = core.AgreementMoU
	}
	if !slices.Contains(core.AgreementKinds, a.Kind) {
		fs.add("kind", "must be one of %s", strings.Join(core.AgreementKinds, ", "))
	}
	a.Reference = text(fs, "reference", in.Reference, MaxReference, false)
	a.Summary = text(fs, "summary", in.Summary, MaxSummary, false)
	a.Titles = map[string]string{}
	switch {
	case len(in.Titles) == 0:
		fs.add("titles", "is required: the title in at least one language, such as {\"fr\": \"Mémorandum d'entente…\"}")
	case len(in.Titles) > MaxTitles:
		fs.add("titles", "must give at most %d languages", MaxTitles)
	default:
		langs := make([]string, 0, len(in.Titles))
		for l := range in.Titles {
			langs = append(langs, l)
		}
		sort.Strings(langs)
		for _, l := range langs {
			code := strings.ToLower(strings.TrimSpace(l))
			if !langCode.MatchString(code) {
				fs.add("titles", "%q is not a language code such as ar, en, fr, es", l)
				continue
			}
			if _, dup := a.Titles[code]; dup {
				fs.add("titles."+code, "is given twice")
				continue
			}
			a.Titles[code] = text(fs, "titles."+code, in.Titles[l], MaxTitle, true)
		}
	}
	a.Visibility = strings.TrimSpace(in.Visibility)
	if a.Visibility == "" {
		a.Visibility = core.AgreementPublic
	}
	if !slices.Contains(core.AgreementVisibilities, a.Visibility) {
		fs.add("visibility", "must be public (every member bureau) or parties (its parties only)")
	}
	a.Parties = validParties(fs, in.Parties)
	if owner != "" && !members.IsSecretariat(owner) && len(a.Parties) >= 2 && !slices.Contains(a.PartyCountries(), owner) {
		fs.add("parties", "must include your bureau's country %s, as its bureau or one of its agencies: a bureau registers the agreements its country is party to", owner)
	}
	a.Subjects = []string{}
	switch {
	case len(in.Subjects) == 0:
		fs.add("subjects", "is required: at least one subject area of %s", strings.Join(core.AgreementSubjects, ", "))
	case len(in.Subjects) > len(core.AgreementSubjects):
		fs.add("subjects", "must list each subject area at most once")
	}
	for i, s := range in.Subjects {
		s = strings.TrimSpace(s)
		switch {
		case !slices.Contains(core.AgreementSubjects, s):
			fs.add(fmt.Sprintf("subjects[%d]", i), "must be one of %s", strings.Join(core.AgreementSubjects, ", "))
		case slices.Contains(a.Subjects, s):
			fs.add(fmt.Sprintf("subjects[%d]", i), "names %s twice", s)
		default:
			a.Subjects = append(a.Subjects, s)
		}
	}
	a.Signed, a.InForce, a.Expires = date(fs, "signed", in.Signed), date(fs, "in_force", in.InForce), date(fs, "expires", in.Expires)
	checkDates(fs, a)
	a.Gathering, a.MeetingRequest = strings.TrimSpace(in.Gathering), strings.TrimSpace(in.MeetingRequest)
	if a.Gathering != "" && !idLike.MatchString(a.Gathering) {
		fs.add("gathering", "must be a gathering's id")
	}
	if a.MeetingRequest != "" {
		switch {
		case a.Gathering == "":
			fs.add("meeting_request", "needs the gathering it belongs to")
		case !idLike.MatchString(a.MeetingRequest):
			fs.add("meeting_request", "must be a meeting request's id")
		}
	}
}

// checkDates: in force on or after the signature, expiry after both.
func checkDates(fs *fieldErrs, a *core.Agreement) {
	if len(*fs) > 0 && slices.ContainsFunc(*fs, func(f core.FieldError) bool {
		return f.Field == "signed" || f.Field == "in_force" || f.Field == "expires"
	}) {
		return
	}
	if a.Signed != "" && a.InForce != "" && a.InForce < a.Signed {
		fs.add("in_force", "must be on or after the date signed (%s): an agreement enters into force once signed", a.Signed)
	}
	switch {
	case a.Expires != "" && a.InForce != "" && a.Expires <= a.InForce:
		fs.add("expires", "must be after the date it entered into force (%s)", a.InForce)
	case a.Expires != "" && a.InForce == "" && a.Signed != "" && a.Expires <= a.Signed:
		fs.add("expires", "must be after the date signed (%s)", a.Signed)
	}
}

func validParties(fs *fieldErrs, in []core.AgreementParty) []core.AgreementParty {
	if len(in) < 2 || len(in) > MaxParties {
		fs.add("parties", "must list 2 to %d parties: bureaus, national agencies or organisations", MaxParties)
		if len(in) > MaxParties {
			return nil
		}
	}
	out := []core.AgreementParty{}
	var keys []string
	for i, p := range in {
		f := fmt.Sprintf("parties[%d]", i)
		p.Kind = strings.TrimSpace(p.Kind)
		p.Country = strings.ToUpper(strings.TrimSpace(p.Country))
		p.Code = strings.ToUpper(strings.TrimSpace(p.Code))
		n := len(*fs)
		switch p.Kind {
		case core.PartyBureau, core.PartyAgency:
			if !members.Valid(p.Country) {
				fs.add(f+".country", "must be a member country's ISO alpha-2 code, such as MA")
			}
		case core.PartyOrganisation:
			if p.Country != "" {
				fs.add(f+".country", "is for bureaus and agencies: an organisation has no country")
			}
		default:
			fs.add(f+".kind", "must be bureau, agency or organisation")
		}
		switch p.Kind {
		case core.PartyBureau:
			if p.Code != "" {
				fs.add(f+".code", "is for agencies and organisations: a bureau is its country")
			}
			p.Name = text(fs, f+".name", p.Name, MaxPartyName, false)
		case core.PartyAgency, core.PartyOrganisation:
			if !partyCode.MatchString(p.Code) {
				fs.add(f+".code", "must be 2 to 16 capitals, digits or hyphens, such as DGSN or AFRIPOL")
			} else if c, ok := members.Lookup(p.Code); ok && p.Kind == core.PartyOrganisation {
				// An organisation is keyed by its code alone, as a bureau
				// is by its country: coded like a member, it would answer
				// for that country's bureau (party=FR), which is no party.
				fs.add(f+".code", "%s is the member country code of %s, whose bureau is the party keyed %s: an organisation needs a code of its own, such as AFRIPOL", p.Code, c.Name("en"), c.Alpha2)
			}
			p.Name = text(fs, f+".name", p.Name, MaxPartyName, true)
		}
		if len(*fs) > n {
			continue
		}
		if slices.Contains(keys, p.Key()) {
			fs.add(f, "names %s a second time", p.Key())
			continue
		}
		keys = append(keys, p.Key())
		out = append(out, p)
	}
	return out
}

// checkState checks what a state needs: a signed agreement its date of
// signature, in the past; one in force also the date it entered into
// force, come.
func checkState(fs *fieldErrs, a *core.Agreement, today string) {
	if a.State == core.AgreementSigned || a.State == core.AgreementInForce || a.State == core.AgreementTerminated {
		if a.State != core.AgreementTerminated && a.Signed == "" {
			fs.add("signed", "is required for an agreement that is %s", a.State)
		}
		if a.Signed != "" && a.Signed > today {
			fs.add("signed", "must not be after today (%s) for an agreement that is %s", today, a.State)
		}
	}
	if a.State == core.AgreementInForce {
		switch {
		case a.InForce == "":
			fs.add("in_force", "is required for an agreement in force")
		case a.InForce > today:
			fs.add("in_force", "must not be after today (%s) for an agreement in force: record it as signed until then", today)
		}
	}
}
