package console

import (
	"encoding/json"
	"io/fs"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/manara-hub/manara/internal/assembly"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/lang"
	"github.com/manara-hub/manara/internal/notices"
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
	prefixed := map[string][]string{"type.": notices.Types, "state.": core.NoticeStates, "role.": core.Roles, "hitstate.": core.HitStates,
		"msgtype.": core.MessageTypes, "refuse.": append(slices.Clone(notices.ReasonCategories), ""), "form.hint.": notices.RequestTypes,
		"flash.": {"submitted", "saved", "publish", "refuse", "user"},
		"month.": {"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"},
		"error.": {"not_found", "forbidden", "csrf", "internal", "invalid", "conflict", "unavailable", "ratelimit"},
		"field.": {"required", "date", "country", "penalty", "totp", "invalid"},
		"": {"login.title", "login.failed", "enrol.title", "enrol.done", "form.title", "form.has_errors", "hit.title",
			"assembly.title", "assembly.session_title", "assembly.minutes_title", "assembly.booth_title"},
		"assembly.state.":       core.SessionStates,
		"assembly.kind.":        core.ItemKinds,
		"assembly.item_state.":  {core.ItemDraft, core.ItemTabled, core.ItemVoting, core.ItemAdopted, core.ItemRejected, core.ItemCandidacies, core.ItemDecided, core.ItemNoted},
		"assembly.position.":    assembly.Positions,
		"assembly.credentials.": {core.CredentialsPending, core.CredentialsAccepted, core.CredentialsRejected},
		"assembly.rule.":        {assembly.RuleSimple, assembly.RuleTwoThirds},
		"assembly.outcome.":     {core.ItemAdopted, core.ItemRejected, "elected", "no_decision"},
		"assembly.result.":      {core.ItemAdopted, core.ItemRejected, "elected"},
		"assembly.method.":      {"ballot", "acclamation"},
		"assembly.choice.":      {assembly.ChoiceYes, assembly.ChoiceNo, assembly.ChoiceAbstain, assembly.ChoiceBlank, assembly.ChoiceInvalid},
	}
	for p, vs := range prefixed {
		for _, v := range vs {
			keys = append(keys, p+v)
		}
	}
	return keys
}

func TestCatalogsComplete(t *testing.T) {
	cats, err := loadCatalogs()
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range usedKeys(t) {
		for _, l := range lang.Supported {
			e, ok := cats[l][k]
			if !ok || (e.text == "" && e.plural["other"] == "") {
				t.Errorf("catalog %s has no %q", l, k)
			}
		}
	}
	// Every catalog has the same keys, and plural entries have the
	// categories their language needs.
	need := map[string][]string{"ar": {"zero", "one", "two", "few", "many", "other"}, "fr": {"one", "other"}, "en": {"one", "other"}}
	for _, l := range lang.Supported {
		for _, o := range lang.Supported {
			for _, k := range cats[o].keys() {
				if _, ok := cats[l][k]; !ok {
					t.Errorf("catalog %s lacks %q, which %s has", l, k, o)
				}
			}
		}
		for k, e := range cats[l] {
			if e.plural == nil {
				continue
			}
			for _, c := range need[l] {
				if e.plural[c] == "" {
					t.Errorf("catalog %s: %q has no %s form", l, k, c)
				}
			}
		}
	}
}

func TestPluralCategories(t *testing.T) {
	ar := map[int]string{0: "zero", 1: "one", 2: "two", 3: "few", 10: "few", 11: "many", 99: "many", 100: "other", 101: "other", 102: "other", 103: "few", 111: "many", 1000: "other"}
	for n, want := range ar {
		if got := PluralCategory("ar", n); got != want {
			t.Errorf("ar %d: %s, want %s", n, got, want)
		}
	}
	for n, want := range map[int]string{0: "one", 1: "one", 2: "other", 100: "other"} {
		if got := PluralCategory("fr", n); got != want {
			t.Errorf("fr %d: %s, want %s", n, got, want)
		}
	}
	for n, want := range map[int]string{0: "other", 1: "one", 2: "other"} {
		if got := PluralCategory("en", n); got != want {
			t.Errorf("en %d: %s, want %s", n, got, want)
		}
	}
	cats, _ := loadCatalogs()
	l := &Lang{Code: "ar", cat: cats["ar"]}
	if got := l.N("dash.new_hits", 2); got != "تطابقان جديدان" {
		t.Errorf("ar two: %q", got)
	}
	if got := l.N("dash.new_hits", 11); got != "11 تطابقًا جديدًا" {
		t.Errorf("ar 11: %q", got)
	}
	if got := (&Lang{Code: "fr", cat: cats["fr"]}).N("dash.new_hits", 0); got != "0 nouvelle concordance" {
		t.Errorf("fr 0: %q", got)
	}
	if got := (&Lang{Code: "fr", cat: cats["fr"]}).Num(1234567); got != "1\u202f234\u202f567" {
		t.Errorf("fr number: %q", got)
	}
}

// FuzzRedInput feeds arbitrary form values to the Red Notice form
// decoder: it never panics, and what it refuses it refuses as invalid
// input naming a field.
func FuzzRedInput(f *testing.F) {
	f.Add("Kharroubi", "10", "FR, ES", "1966-01-01", "6")
	f.Add("", "abc", "،،", "", "x")
	f.Add("عبد اللطيف", "1e400", ";;", "\x00", "-1")
	f.Fuzz(func(t *testing.T, name, years, countries, dob, months string) {
		form := url.Values{"family_name": {name}, "max_penalty_years": {years}, "extradition_countries": {countries},
			"date_of_birth": {dob}, "sentence_remaining_months": {months}, "release_countries": {countries}}
		in, err := redInput(form)
		if err != nil {
			if core.ErrorCode(err) != core.EINVALID {
				t.Fatalf("error is not invalid input: %v", err)
			}
			return
		}
		if in.Type != "red" || len(in.Data) == 0 || !strings.HasPrefix(string(in.Data), "{") {
			t.Fatalf("bad input %+v", in)
		}
	})
}

// TestSpanishAssemblyCatalog: the Spanish strings of the General Assembly
// (merged into es.json once the console speaks Spanish) cover exactly the
// assembly keys of the other catalogs.
func TestSpanishAssemblyCatalog(t *testing.T) {
	cats, err := loadCatalogs()
	if err != nil {
		t.Fatal(err)
	}
	b, err := fs.ReadFile(catalogFS, "i18n/es-assembly.json")
	if err != nil {
		t.Fatal(err)
	}
	var es Catalog
	if err := json.Unmarshal(b, &es); err != nil {
		t.Fatal(err)
	}
	for k := range cats["en"] {
		if _, ok := es[k]; strings.HasPrefix(k, "assembly.") && !ok {
			t.Errorf("es-assembly.json lacks %q", k)
		}
	}
	for k, e := range es {
		if _, ok := cats["en"][k]; !ok || !strings.HasPrefix(k, "assembly.") {
			t.Errorf("es-assembly.json has %q, which is not an assembly key of the catalogs", k)
		}
		if e.text == "" && e.plural["other"] == "" {
			t.Errorf("es-assembly.json: %q is empty", k)
		}
	}
}
