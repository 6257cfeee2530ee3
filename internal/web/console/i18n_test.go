package console

import (
	"io/fs"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/manara-hub/manara/internal/assembly"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/i18n"
	"github.com/manara-hub/manara/internal/lang"
	"github.com/manara-hub/manara/internal/notices"
	"github.com/manara-hub/manara/internal/reports"
)

// usedKeys lists every catalog key the templates and handlers use: the
// literal ones, and those built from a prefix and a closed set of values.
func usedKeys(t *testing.T) []string {
	t.Helper()
	var keys []string
	literal := regexp.MustCompile(`\.L\.[TN] "([^"]+)"|field \. "[^"]+" "([^"]+)"`)
	err := fs.WalkDir(viewFS, "views", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(viewFS, path)
		if err != nil {
			return err
		}
		for _, m := range literal.FindAllStringSubmatch(string(b), -1) {
			keys = append(keys, m[1]+m[2])
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// The citizen's report page (internal/web/api) reads the same catalogs.
	page, err := os.ReadFile("../api/pages/report.html")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range regexp.MustCompile(`\.L\.T "([^"]+)"`).FindAllStringSubmatch(string(page), -1) {
		keys = append(keys, m[1])
	}
	for _, f := range []string{"names", "phones", "emails", "websites", "handles", "accounts", "wallets"} {
		keys = append(keys, "citizen."+f)
	}
	prefixed := map[string][]string{"type.": notices.Types, "state.": core.NoticeStates, "role.": core.Roles, "hitstate.": core.HitStates,
		"msgtype.": core.MessageTypes, "refuse.": append(slices.Clone(notices.ReasonCategories), ""), "form.hint.": notices.RequestTypes,
		"flash.":            {"submitted", "saved", "publish", "refuse", "user"},
		"month.":            {"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"},
		"error.":            {"not_found", "forbidden", "csrf", "internal", "invalid", "conflict", "unavailable", "ratelimit", "too_large", "form_type", "malformed"},
		"field.":            {"required", "date", "country", "penalty", "totp", "invalid"},
		"citizen.category.": reports.Categories, "citizen.method.": reports.PaymentMethods,
		"citizen.err.": {"ratelimit", "too_large", "failed"},
		"reason.": {"invalid", "number", "unreadable", "pow_retry", "pow_wait",
			// what notices.Validate refuses (its reason codes)
			"age_order", "age_required", "choose", "country", "currency", "currency_required", "date", "future_date", "invalid", "list_required", "name_or_description", "name_required", "number", "number_range", "partial_date", "period_order", "required", "sentence_required", "sentence_threshold", "text", "too_long", "too_many", "unknown_field", "warrant_arrest", "warrant_judgment", "yes_no", "identifier", "penalty_threshold",
			// what the console words itself
			"too_long_bytes"},
		"version.":               {"created", "published", "edited_after_refusal", "draft_edited", "imported"},
		"outcome.":               {"ok", "denied", "invalid", "conflict", "not_found", "failed"},
		"check.":                 {"required_data_and_thresholds", "quota", "passed", "failed"},
		"section.":               {"identity", "other"},
		"bool.":                  {"yes", "no"},
		"unit.":                  {"cm", "kg", "years", "months"},
		"ago.":                   {"minutes", "hours", "days"},
		"hint.":                  {"date", "full_date", "countries", "lines"},
		"enum.subject_type.":     {"individual", "entity"},
		"":                       {"login.title", "login.failed", "enrol.title", "enrol.done", "form.title", "form.has_errors", "form.changed", "hit.title", "assembly.title", "assembly.session_title", "assembly.minutes_title", "assembly.booth_title"},
		"assembly.state.":        core.SessionStates,
		"assembly.kind.":         core.ItemKinds,
		"assembly.item_state.":   {core.ItemDraft, core.ItemTabled, core.ItemVoting, core.ItemAdopted, core.ItemRejected, core.ItemCandidacies, core.ItemDecided, core.ItemNoted},
		"assembly.position.":     assembly.Positions,
		"assembly.credentials.":  {core.CredentialsPending, core.CredentialsAccepted, core.CredentialsRejected},
		"assembly.rule.":         {assembly.RuleSimple, assembly.RuleTwoThirds, assembly.RuleTwoThirdsOfMembers},
		"assembly.outcome.":      {core.ItemAdopted, core.ItemRejected, "elected", "no_decision"},
		"assembly.result.":       {core.ItemAdopted, core.ItemRejected, "elected"},
		"assembly.method.":       {"ballot", "acclamation"},
		"assembly.choice.":       {assembly.ChoiceYes, assembly.ChoiceNo, assembly.ChoiceAbstain, assembly.ChoiceBlank, assembly.ChoiceInvalid},
		"agreements.subject.":    core.AgreementSubjects,
		"agreements.status.":     core.AgreementStatuses,
		"agreements.kind.":       core.AgreementKinds,
		"agreements.visibility.": core.AgreementVisibilities,
		"agreements.title_in.":   lang.Supported,
		"agreements.err_":        {"kind", "titles", "reference", "summary", "parties", "subjects", "signed", "in_force", "expires", "gathering", "visibility", "state", "on", "note", "status"},
		"federation.role_":       {core.FedRoleHub, core.FedRoleNode},
		"federation.state_":      {core.PeerActive, core.PeerRevoked},
		"federation.direction_":  {"in", "out"},
		"federation.":            {"title"},
		"admin.delivery_status.": {core.DeliveryPending, core.DeliveryDelivered, core.DeliveryDead, core.DeliveryWithheld},
		"campaign.failed.":       {notices.TypePurple, notices.TypeSilver, "silver_part"},
	}
	// The notice pages and forms label every field of every type, name
	// every value of its enumerations and title every list's entries.
	var walk func(path string, fs []notices.Field)
	walk = func(path string, fs []notices.Field) {
		for _, f := range fs {
			p := path + f.Name
			if f.Name != "notice_type" && f.Name != "source" && f.Name != "source_id" {
				keys = append(keys, "datafield."+p)
			}
			for _, v := range f.Enum {
				keys = append(keys, "enum."+p+"."+v)
			}
			if f.Kind == notices.KindList {
				keys = append(keys, "item."+p)
			}
			walk(p+".", f.Fields)
		}
	}
	for _, typ := range notices.Types {
		walk("", notices.Schema(typ))
		keys = append(keys, "section."+typ)
	}
	for p, vs := range prefixed {
		for _, v := range vs {
			keys = append(keys, p+v)
		}
	}
	return keys
}

func TestCatalogsComplete(t *testing.T) {
	cats, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range usedKeys(t) {
		for _, l := range lang.Supported {
			if _, ok := cats[l].Text(k); !ok {
				t.Errorf("catalog %s has no %q", l, k)
			}
		}
	}
	// Every catalog has the same keys, and plural entries have the
	// categories their language needs.
	for _, l := range lang.Supported {
		for _, o := range lang.Supported {
			for _, k := range cats[o].Keys() {
				if _, ok := cats[l][k]; !ok {
					t.Errorf("catalog %s lacks %q, which %s has", l, k, o)
				}
			}
		}
		for _, k := range cats[l].Keys() {
			forms := cats[l].PluralForms(k)
			if forms == nil {
				continue
			}
			for _, c := range i18n.PluralCategories(l) {
				if forms[c] == "" {
					t.Errorf("catalog %s: %q has no %s form", l, k, c)
				}
			}
		}
	}
}

// FuzzNoticeInput feeds arbitrary form values to the request form's
// decoder, for every type: it never panics, and what it refuses it
// refuses as invalid input naming a field.
func FuzzNoticeInput(f *testing.F) {
	f.Add("Kharroubi", "10", "FR, ES", "1966-01-01", "6", "charges.0.max_penalty_years")
	f.Add("", "abc", "،،", "", "x", "assets.3.estimated_value")
	f.Add("عبد اللطيف", "1e400", ";;", "\x00", "-1", "dna_available")
	f.Add("Zerhouni", "NaN", "MA", "1971-04-02", "Inf", "assets.0.estimated_value")
	f.Fuzz(func(t *testing.T, name, number, countries, dob, other, key string) {
		for _, typ := range notices.RequestTypes {
			form := url.Values{"family_name": {name}, "charges.0.max_penalty_years": {number}, "extradition_countries": {countries},
				"date_of_birth": {dob}, "sentence_remaining_months": {other}, "release_countries": {countries}, key: {other}}
			in, err := noticeInput(typ, compactForm(typ, form, key))
			if err != nil {
				if core.ErrorCode(err) != core.EINVALID {
					t.Fatalf("error is not invalid input: %v", err)
				}
				continue
			}
			if in.Type != typ || len(in.Data) == 0 || !strings.HasPrefix(string(in.Data), "{") {
				t.Fatalf("bad input %+v", in)
			}
		}
	})
}
