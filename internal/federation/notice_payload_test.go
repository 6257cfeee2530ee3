package federation

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/manara-hub/manara/internal/core"
)

// noticeBundle is a hub's notice message about a fictitious person's
// notice, its bundle saying what the record says.
func noticeBundle(t testing.TB) (*Bundle, map[string]any) {
	t.Helper()
	rel := core.Releasability{Mode: core.ReleaseOnly, Countries: []string{"FR", "ES"}}
	rec := map[string]any{"id": "01a00000-0000-7000-8000-0000000000a1", "kind": core.KindNotice, "owner": "MA",
		"releasability": rel, "caveats": []string{"no-further-dissemination"}, "caveat_text": "ask first",
		"data": map[string]any{"family_name": "Quintavalle", "given_names": "Zebulon"}}
	pl := map[string]any{"record": rec, "notice": map[string]any{"id": rec["id"], "type": "red"}, "reason": ""}
	return &Bundle{Type: TypeNoticePut, ObjectID: rec["id"].(string), Owner: "MA", Releasability: &core.Releasability{Mode: core.ReleaseOnly, Countries: []string{"ES", "FR"}},
		Caveats: []string{"no-further-dissemination"}, CaveatText: "ask first"}, pl
}

func withPayload(t testing.TB, b *Bundle, pl map[string]any) *Bundle {
	t.Helper()
	raw, err := json.Marshal(pl)
	if err != nil {
		t.Fatal(err)
	}
	c := *b
	c.Payload = raw
	return &c
}

// TestNoticeOfRefusesWhatTheBundleDoesNotSay: a notice message whose
// bundle and payload disagree on the object, its owner, releasability or
// caveats is refused with the reason; the same bundle and payload agreeing
// (countries and caveats in another order) is read.
func TestNoticeOfRefusesWhatTheBundleDoesNotSay(t *testing.T) {
	b, pl := noticeBundle(t)
	got, err := noticeOf(withPayload(t, b, pl))
	if err != nil || got.Record.Owner != "MA" || got.Notice.ID != b.ObjectID {
		t.Fatalf("an agreeing message: %+v, %v", got, err)
	}
	rec := pl["record"].(map[string]any)
	for _, c := range []struct {
		name, reason string
		change       func(b *Bundle, rec map[string]any, pl map[string]any)
	}{
		{"record not an object", "not a notice", func(b *Bundle, rec, pl map[string]any) { pl["record"] = "x" }},
		{"no notice", "not a notice", func(b *Bundle, rec, pl map[string]any) { delete(pl, "notice") }},
		{"an unknown field", "not a notice", func(b *Bundle, rec, pl map[string]any) { pl["extra"] = 1 }},
		{"another object", "not the bundle's object", func(b *Bundle, rec, pl map[string]any) { b.ObjectID = "01a00000-0000-7000-8000-0000000000a2" }},
		{"owner swapped", "owner", func(b *Bundle, rec, pl map[string]any) { rec["owner"] = "ES" }},
		{"releasability widened", "releasability", func(b *Bundle, rec, pl map[string]any) {
			rec["releasability"] = core.Releasability{Mode: core.ReleaseAll}
		}},
		{"bundle without releasability", "releasability", func(b *Bundle, rec, pl map[string]any) { b.Releasability = nil }},
		{"caveat dropped", "caveats", func(b *Bundle, rec, pl map[string]any) { rec["caveats"] = []string{} }},
		{"caveat text changed", "caveats", func(b *Bundle, rec, pl map[string]any) { rec["caveat_text"] = "" }},
	} {
		t.Run(c.name, func(t *testing.T) {
			cb := *b
			cr := maps.Clone(rec)
			cp := map[string]any{"record": cr, "notice": pl["notice"], "reason": ""}
			c.change(&cb, cr, cp)
			_, err := noticeOf(withPayload(t, &cb, cp))
			var r refusal
			if err == nil || !asRefusal(err, &r) || !strings.Contains(r.reason, c.reason) {
				t.Fatalf("want a refusal saying %q, got %v", c.reason, err)
			}
		})
	}
}

// FuzzNoticeOf: whatever payload a peer sends with a notice message, it
// is refused or it is a notice and its record that say what the bundle
// says, and reading it never panics.
func FuzzNoticeOf(f *testing.F) {
	b, pl := noticeBundle(f)
	good, _ := json.Marshal(pl)
	f.Add(good)
	f.Add([]byte(`{"record":null,"notice":null}`))
	f.Add([]byte(`{"record":{"id":"x"},"notice":{"id":"x"}}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		c := *b
		c.Payload = raw
		got, err := noticeOf(&c)
		if err != nil {
			if _, ok := err.(refusal); !ok {
				t.Fatalf("not a refusal: %v", err)
			}
			return
		}
		r := got.Record
		if r.ID != c.ObjectID || got.Notice.ID != r.ID || r.Owner != c.Owner || !sameReleasability(r.Releasability, *c.Releasability) ||
			!slices.Equal(normCaveats(r.Caveats), normCaveats(c.Caveats)) || r.CaveatText != c.CaveatText {
			t.Fatalf("read a notice that is not the bundle's: %+v", r)
		}
	})
}
