package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/manara-hub/manara/internal/core"
)

// `manara import` seen from the operator's terminal: re-imports, lists that
// shrink, files cut short, entries that change kind. Every person and
// organisation below is invented.

func writeImportFile(t *testing.T, name, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestImportSenzingReimportUnchanged: a Senzing record whose attributes
// sit in several lists (a phone in PHONES, an e-mail in EMAILS, a
// nationality in COUNTRIES and a citizenship in CITIZENSHIPS) is read in
// the order of the line, so a second and third import of an unchanged file
// report every entry unchanged (no new version, audit entry or feed
// change), not "updated" as when they were read in a Go map's order.
func TestImportSenzingReimportUnchanged(t *testing.T) {
	for _, backend := range backends(t) {
		t.Run(backend, func(t *testing.T) {
			store := storeArgs(t, backend)
			var b strings.Builder
			for i := 0; i < 20; i++ {
				fmt.Fprintf(&b, `{"DATA_SOURCE":"FICT_WATCH","RECORD_ID":"R-%d","RECORD_TYPE":"PERSON",`+
					`"NAMES":[{"NAME_TYPE":"PRIMARY","NAME_FULL":"Zorvan Quillet %d"}],`+
					`"DATES":[{"DATE_OF_BIRTH":"1971-02-03"}],`+
					`"COUNTRIES":[{"NATIONALITY":"fr"}],"CITIZENSHIPS":[{"CITIZENSHIP":"be"}],`+
					`"PHONES":[{"PHONE_NUMBER":"+33 1 00 00 00 %02d"}],"EMAILS":[{"EMAIL_ADDRESS":"zq%d@example.invalid"}],`+
					`"PASSPORTS":[{"PASSPORT_NUMBER":"FX%06d","PASSPORT_COUNTRY":"FR"}],"NATIONAL_IDS":[{"NATIONAL_ID_NUMBER":"NI%06d","NATIONAL_ID_COUNTRY":"BE"}]}`+"\n",
					i, i, i, i, i, i)
			}
			file := writeImportFile(t, "fict.senzing.json", b.String())
			args := append([]string{"import", "senzing", file, "--bureau", "FR"}, store...)
			out, code := cli(t, nil, args...)
			if code != 0 || !strings.Contains(out, "20 created") {
				t.Fatalf("first import: %d\n%s", code, out)
			}
			for run := 2; run <= 3; run++ {
				out, code = cli(t, nil, args...)
				if code != 0 || !strings.Contains(out, "0 created, 0 updated, 20 unchanged, 0 cancelled") {
					t.Fatalf("run %d of the same file is not idempotent (want 20 unchanged): exit %d\n%s", run, code, out)
				}
			}
		})
	}
}

// TestImportDocumentsLeftTheListCancelled: as every import (README,
// Screening, Imports), `manara import documents` cancels the entries that
// left the list with the reason: a passport taken off the national
// stolen-documents list (found again, returned to its holder) no longer
// hits at every border check of its holder.
func TestImportDocumentsLeftTheListCancelled(t *testing.T) {
	for _, backend := range backends(t) {
		t.Run(backend, func(t *testing.T) {
			store := storeArgs(t, backend)
			first := writeImportFile(t, "docs.csv", "number,country,type,status\nFX1000001,FR,passport,stolen\nFX1000002,FR,passport,lost\n")
			if out, code := cli(t, nil, append([]string{"import", "documents", first, "--bureau", "FR"}, store...)...); code != 0 || !strings.Contains(out, "2 created") {
				t.Fatalf("first import: %d\n%s", code, out)
			}
			second := writeImportFile(t, "docs.csv", "number,country,type,status\nFX1000001,FR,passport,stolen\n")
			out, code := cli(t, nil, append([]string{"import", "documents", second, "--bureau", "FR"}, store...)...)
			if code != 0 {
				t.Fatalf("second import: %d\n%s", code, out)
			}
			var left *core.Record
			for _, r := range importedRecords(t, store, "FR") {
				var d map[string]any
				json.Unmarshal(r.Data, &d)
				if d["number"] == "FX1000002" {
					left = r
				}
			}
			if left == nil {
				t.Fatal("the document of the first import is gone")
			}
			if left.Status != core.StatusCancelled || !strings.Contains(out, "1 cancelled") {
				t.Fatalf("a document that left the list is still %s (want cancelled with the reason); the import said:\n%s", left.Status, out)
			}
		})
	}
}

// TestImportDocumentsOneRecordPerDocument: the CSV reader and the
// importer key a document alike (imports.DocumentKey: the alpha-2 country
// and the number's letters and digits), so "FX1000003,FRA" and
// "FX 1000003,FR", the same French passport, are one row and one active
// record, the second row reported as a duplicate, however often the file
// is imported.
func TestImportDocumentsOneRecordPerDocument(t *testing.T) {
	store := storeArgs(t, "sqlite")
	file := writeImportFile(t, "docs.csv", "number,country,type,status\nFX1000003,FRA,passport,stolen\nFX 1000003,FR,passport,stolen\n")
	args := append([]string{"import", "documents", file, "--bureau", "FR"}, store...)
	out, code := cli(t, nil, args...)
	if code != 0 || !strings.Contains(out, "1 created") || !strings.Contains(out, "already on line 2") {
		t.Fatalf("first run: exit %d (want 1 created, the second row a duplicate of line 2)\n%s", code, out)
	}
	cli(t, nil, args...)
	active := 0
	f := storeOf(store)
	st, err := f.open(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	st.View(t.Context(), func(tx core.Tx) error {
		rs, err := tx.ListRecords(core.RecordFilter{Visible: core.Visibility{SeeAll: true}, Owner: "FR", Limit: 100})
		for _, r := range rs {
			if r.Kind == core.KindTravelDocument && r.Status == core.StatusActive {
				active++
			}
		}
		return err
	})
	if active != 1 {
		t.Fatalf("one passport (FX1000003 of France, written FRA and FR) has %d active records after two imports, want 1", active)
	}
}

// TestImportCutShortFileRefused: a download cut short (the last line ends
// mid-entity, with no line end) is not the list: it is refused as cut
// short, non-zero exit, and nothing is cancelled, where read as one bad
// line (under the 10% refusal) it withdrew every entry past the cut.
func TestImportCutShortFileRefused(t *testing.T) {
	store := storeArgs(t, "sqlite")
	var lines []string
	for i := 0; i < 20; i++ {
		lines = append(lines, ftmPerson(fmt.Sprintf("fict-trunc-%d", i), fmt.Sprintf("Persona Cortada %d", i)))
	}
	full := writeImportFile(t, "entities.ftm.json", strings.Join(lines, "\n")+"\n")
	if out, code := cli(t, nil, append([]string{"import", "ftm", full, "--bureau", "ES"}, store...)...); code != 0 {
		t.Fatalf("full list: %d\n%s", code, out)
	}
	// The same file cut in the middle of its 9th line.
	cut := strings.Join(lines[:8], "\n") + "\n" + lines[8][:len(lines[8])/2]
	trunc := writeImportFile(t, "entities.ftm.json", cut)
	out, code := cli(t, nil, append([]string{"import", "ftm", trunc, "--bureau", "ES"}, store...)...)
	cancelled := 0
	for _, r := range importedRecords(t, store, "ES") {
		if r.Status == core.StatusCancelled {
			cancelled++
		}
	}
	if cancelled > 0 || code == 0 || !strings.Contains(out, "cut short") {
		t.Fatalf("a list cut short in the middle of an entity: exit %d, %d of 20 entries cancelled (want a refusal, none cancelled)\n%s", code, cancelled, out)
	}
}

// TestImportKindChangeReplacesRecord: OpenSanctions refines an entity it
// first knew only as a LegalEntity into a Person (same id). A record's kind
// never changes, so the entity record is cancelled ("re-classified as a
// person") and a person record created: the person is screened as one
// (date of birth, sex).
func TestImportKindChangeReplacesRecord(t *testing.T) {
	store := storeArgs(t, "sqlite")
	before := writeImportFile(t, "e.ftm.json", `{"id":"fict-le-1","schema":"LegalEntity","properties":{"name":["Quillet Ovando"],"country":["fr"]},"target":true}`+"\n")
	if out, code := cli(t, nil, append([]string{"import", "ftm", before, "--bureau", "FR"}, store...)...); code != 0 {
		t.Fatalf("first import: %d\n%s", code, out)
	}
	after := writeImportFile(t, "e.ftm.json", `{"id":"fict-le-1","schema":"Person","properties":{"name":["Quillet Ovando"],"birthDate":["1969-05-06"],"gender":["male"],"nationality":["fr"]},"target":true}`+"\n")
	out, code := cli(t, nil, append([]string{"import", "ftm", after, "--bureau", "FR"}, store...)...)
	var kinds []string
	for _, r := range recordsBySource(t, store, "FR", "ftm:fict-le-1") {
		if r.Status == core.StatusActive {
			kinds = append(kinds, r.Kind)
		}
	}
	if code != 0 || len(kinds) != 1 || kinds[0] != core.KindPerson || !strings.Contains(out, "1 cancelled") {
		t.Fatalf("LegalEntity refined to Person: exit %d, active records of kinds %v (want one person, the entity cancelled)\n%s", code, kinds, out)
	}
	var reason string
	for _, r := range recordsBySource(t, store, "FR", "ftm:fict-le-1") {
		if r.Status == core.StatusCancelled {
			reason = r.StatusReason
		}
	}
	if !strings.Contains(reason, "re-classified as a person") {
		t.Fatalf("the entity record's cancellation reason is %q, want it re-classified as a person", reason)
	}
	// The next run of the same file finds the person record unchanged.
	if out, code := cli(t, nil, append([]string{"import", "ftm", after, "--bureau", "FR"}, store...)...); code != 0 || !strings.Contains(out, "0 created, 0 updated, 1 unchanged, 0 cancelled") {
		t.Fatalf("second run after the re-classification: exit %d\n%s", code, out)
	}
}

// TestImportSecretariatBureauRefused: ftm and senzing entries become
// person and entity records, which the secretariat may not own (it issues
// notices). --bureau IPSG is refused as a usage error naming --bureau
// (exit 2) before the file is read, not accepted to have every entry
// refused one by one after it.
func TestImportSecretariatBureauRefused(t *testing.T) {
	store := storeArgs(t, "sqlite")
	file := writeImportFile(t, "s.ftm.json", ftmPerson("fict-ipsg-1", "Oskarine Mervalle")+"\n"+ftmPerson("fict-ipsg-2", "Zorvan Quillet")+"\n")
	missing := filepath.Join(t.TempDir(), "absent.senzing.json")
	for _, c := range []struct{ sub, file string }{{"ftm", file}, {"senzing", missing}} {
		out, code := cli(t, nil, append([]string{"import", c.sub, c.file, "--bureau", "IPSG"}, store...)...)
		if code != 2 || !strings.Contains(out, "--bureau") || strings.Contains(out, "created") || strings.Contains(out, "absent.senzing.json") {
			t.Fatalf("import %s --bureau IPSG: exit %d (want 2, a usage error naming --bureau, the file not read)\n%s", c.sub, code, out)
		}
	}
}
