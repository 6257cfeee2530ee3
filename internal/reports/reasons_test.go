package reports

import (
	"errors"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/i18n"
	"github.com/manara-hub/manara/internal/lang"
)

// TestReasonCodes: every reason Validate gives has a code, and every code
// (and the proof-of-work's, and triage's full notes) a "reason.<code>"
// message in every catalog, so that the citizen's page and the console say
// each refusal in the reader's language.
func TestReasonCodes(t *testing.T) {
	src, err := os.ReadFile("service.go")
	if err != nil {
		t.Fatal(err)
	}
	formats := regexp.MustCompile(`bad\([^,]+, ("(?:[^"\\]|\\.)*")`).FindAllSubmatch(src, -1)
	if len(formats) < 15 {
		t.Fatalf("found only %d reasons in service.go", len(formats))
	}
	for _, m := range formats {
		f, err := strconv.Unquote(string(m[1]))
		if err != nil {
			t.Fatal(err)
		}
		if reasonCodes[f] == "" {
			t.Errorf("reason %q has no code in reasonCodes", f)
		}
	}
	cats, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	codes := []string{"pow_retry", "pow_wait", "notes_full", "nothing_to_change", "name_length", "member_country", "share_other_country", "nothing_to_share"}
	for _, c := range reasonCodes {
		codes = append(codes, c)
	}
	for _, c := range codes {
		for _, l := range lang.Supported {
			if _, ok := cats[l].Text("reason." + c); !ok {
				t.Errorf("catalog %s has no reason.%s", l, c)
			}
		}
	}
	// A refusal carries its code and its numbers.
	_, err = Validate(&Input{Category: "nonsense", Narrative: strings.Repeat("a", MaxNarrative+1), Lang: "es", Consent: true})
	fs := fieldsOf(err)
	if fs["category"].Code != "choose" || fs["narrative"].Code != "too_long" || len(fs["narrative"].Params) != 2 || fs["narrative"].Params[1] != strconv.Itoa(MaxNarrative) {
		t.Errorf("codes: %+v", fs)
	}
	if _, ok := fs["lang"]; ok {
		t.Errorf("es is refused as a report's language: %+v", fs["lang"])
	}
}

func fieldsOf(err error) map[string]core.FieldError {
	out := map[string]core.FieldError{}
	var e *core.Error
	if errors.As(err, &e) {
		for _, f := range e.Fields {
			out[f.Field] = f
		}
	}
	return out
}
