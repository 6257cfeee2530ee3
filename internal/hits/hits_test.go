package hits

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/manara-hub/manara/internal/access"
	"github.com/manara-hub/manara/internal/core"
)

func TestTransitions(t *testing.T) {
	if !slices.Equal(Allowed(core.HitNew), []string{core.HitBeingChecked}) {
		t.Error("new → being_checked only")
	}
	if !slices.Equal(Allowed(core.HitBeingChecked), []string{core.HitConfirmed, core.HitFalsePositive}) {
		t.Error("being_checked → confirmed | false_positive")
	}
	if slices.Contains(Allowed(core.HitFalsePositive), core.HitActionTaken) {
		t.Error("no action on a false positive")
	}
}

func TestRestrictedView(t *testing.T) {
	h := &core.Hit{ID: "h", RecordID: "r", RecordKind: "person", Owner: "MA", Searcher: "ES", Score: 0.97, Label: "person X", Matched: "x", Explanation: []string{"e"},
		Country: "MA", SearchedBy: "user:1", History: []core.HitStep{{Side: Owner, Notes: "owner secret"}, {Side: Searcher, Notes: "mine"}}}
	v := ViewOf(h, access.DisclosePossible)
	raw, _ := json.Marshal(v)
	var m map[string]any
	json.Unmarshal(raw, &m)
	for _, k := range []string{"record_id", "record_kind", "score", "label", "matched", "explanation", "country", "searched_by"} {
		if _, ok := m[k]; ok {
			t.Errorf("restricted view carries %s: %s", k, raw)
		}
	}
	if len(v.History) != 1 || v.History[0].Notes != "mine" || !v.Restricted || v.Message != "possible hit — contact bureau MA" {
		t.Errorf("restricted view %+v", v)
	}
}

func TestPlaceAndSubject(t *testing.T) {
	if Place(map[string]string{"Border_Post": " Algeciras  port", "ferry": "X"}) != Place(map[string]string{"ferry": "x", "border_post": "algeciras port"}) {
		t.Error("place does not fold case and spacing")
	}
	if Normalise("KHARROUBI  Abdelatif", "") != Normalise("kharroubi abdelatif", "") {
		t.Error("subject does not fold case and spacing")
	}
}

func FuzzChange(f *testing.F) {
	f.Add(`{"state":"being_checked"}`)
	f.Add(`{"action":"arrested","notes":"at the border"}`)
	f.Add(`{"state":"action_taken","action":"teleported"}`)
	f.Add(`{"state":"new","version":-1}`)
	f.Fuzz(func(t *testing.T, raw string) {
		var c Change
		if json.Unmarshal([]byte(raw), &c) != nil {
			return
		}
		err := c.Validate()
		if err != nil {
			if core.ErrorCode(err) != core.EINVALID {
				t.Fatalf("code %s", core.ErrorCode(err))
			}
			return
		}
		if !slices.Contains(core.HitStates, c.State) || c.State == core.HitNew {
			t.Fatalf("accepted state %q", c.State)
		}
		if (c.State == core.HitActionTaken) != (c.Action != "") || c.Action != "" && !slices.Contains(core.HitActions, c.Action) {
			t.Fatalf("accepted action %q with state %q", c.Action, c.State)
		}
	})
}
