package console_test

// The request form's second try and the version of the draft it was
// based on (every person here is invented).

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/notices"
)

// TestNoticeFormKeepsColleaguesChange: after a refusal the form carries
// the draft's id and version. A colleague's change made meanwhile (here
// through the API's service, with its version) is not overwritten: the
// second try gets 409 with the form as typed and a problem saying so
// (README: a change names the version it starts from, a stale one gets
// 409), whether it names the version it was shown with or, a form from
// before the version was kept, none. Sent again, now based on the draft
// as it is, the form replaces the change knowingly.
func TestNoticeFormKeepsColleaguesChange(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		e.user(t, "ma.staleform.officer", "MA", core.RoleOfficer, true)
		colleague := e.user(t, "ma.staleform.colleague", "MA", core.RoleOfficer, true)
		b := e.browser(t)
		b.signIn("ma.staleform.officer", "en")
		b.get("/notices/new?type=red")
		form := url.Values{"type": {"red"}, "action": {"submit"}, "given_names": {"Rachid"}, "name_original": {"رشيد العلوي"},
			"sex": {"M"}, "date_of_birth": {"1971-03-02"}, "purpose": {"prosecution"}, "charges.0.offence": {"Fraud"}, "charges.0.law": {"Art. 540"},
			"charges.0.max_penalty_years": {"10"}, "warrant.kind": {"arrest_warrant"}, "nationalities": {"MA"}, "description": {"tall"},
			"warrant.reference": {"AW-77"}, "warrant.date": {"2026-01-15"}, "warrant.authority": {"Court of Fes"}, "warrant.country": {"MA"},
			"extradition_countries": {"FR, ES"}}
		b.post("/notices/new", form) // no family name: the draft is made, the submission refused
		if b.Code != http.StatusBadRequest {
			t.Fatalf("first try: %d", b.Code)
		}
		id := between(t, b.Last, `name="id" value="`, `"`)
		shown := between(t, b.Last, `name="version" value="`, `"`)
		if shown == "" {
			t.Fatal("the refused form does not carry the draft's version")
		}

		// Meanwhile a colleague completes the description of the draft.
		ctx := context.Background()
		cur, err := e.Server.Notices.Get(ctx, viewerOf(colleague), id)
		if err != nil {
			t.Fatal(err)
		}
		var data map[string]any
		json.Unmarshal(cur.Record.Data, &data)
		data["description"] = "tall, scar above the left eyebrow"
		raw, _ := json.Marshal(data)
		if _, err := e.Server.Notices.Update(ctx, viewerOf(colleague), id, notices.UpdateInput{Data: raw, Version: cur.Record.Version}); err != nil {
			t.Fatal(err)
		}

		// The first officer adds the family name to the form still open.
		form.Set("family_name", "Alaoui")
		form.Set("id", id)
		for _, sent := range []string{shown, ""} {
			form.Set("version", sent)
			b.post("/notices/new", form)
			after, err := e.Server.Notices.Get(ctx, viewerOf(colleague), id)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(after.Record.Data), "scar above the left eyebrow") {
				t.Errorf("version %q: the colleague's change was overwritten by a form based on an older version (answer %d at %s, state %s, data %s)",
					sent, b.Code, b.At, after.Notice.State, after.Record.Data)
			}
			if b.Code != http.StatusConflict || !strings.Contains(b.Last, `id="problem"`) || !strings.Contains(b.Last, `value="Alaoui"`) {
				t.Fatalf("version %q: the stale form answers %d at %s without its problem or what was typed:\n%s", sent, b.Code, b.At, b.Last)
			}
			if got := between(t, b.Last, `name="version" value="`, `"`); got != strconv.FormatInt(after.Record.Version, 10) {
				t.Errorf("version %q: the form is now based on version %s, want the draft's %d", sent, got, after.Record.Version)
			}
		}

		// Sent again, told of the change, the form replaces it.
		form.Set("version", between(t, b.Last, `name="version" value="`, `"`))
		b.post("/notices/new", form)
		if b.At != "/notices/"+id || !strings.Contains(b.Last, `data-state="submitted"`) {
			t.Fatalf("the form sent again: %d at %s\n%s", b.Code, b.At, b.Last)
		}
	})
}
