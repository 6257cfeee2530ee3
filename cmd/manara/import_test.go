package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/manara-hub/manara/internal/core"
)

// importedRecords reads the records of a store owned by owner, by
// source_id, with the store flags the CLI was given.
func importedRecords(t *testing.T, args []string, owner string) map[string]*core.Record {
	t.Helper()
	f := storeOf(args)
	st, err := f.open(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	out := map[string]*core.Record{}
	err = st.View(context.Background(), func(tx core.Tx) error {
		rs, err := tx.ListRecords(core.RecordFilter{Visible: core.Visibility{SeeAll: true}, Owner: owner, Limit: 5000})
		for _, r := range rs {
			var d struct {
				SourceID string `json:"source_id"`
			}
			json.Unmarshal(r.Data, &d)
			out[d.SourceID] = r
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestImportFTMAndSenzing loads a FollowTheMoney file of invented persons
// and the real US Congress Senzing file as records of the bureau named,
// twice (the second run changes nothing), then a shorter FtM file: the
// entry that left it is cancelled with the reason.
func TestImportFTMAndSenzing(t *testing.T) {
	for _, backend := range backends(t) {
		t.Run(backend, func(t *testing.T) {
			store := storeArgs(t, backend)
			ftm := "../../internal/imports/testdata/sample.ftm.json"
			args := append([]string{"import", "ftm", ftm, "--bureau", "FR"}, store...)
			out, code := cli(t, nil, args...)
			if code != 0 || !strings.Contains(out, "FTM: 4 entries read; 4 created, 0 updated, 0 unchanged, 0 cancelled, 0 refused") ||
				!strings.Contains(out, "import ftm") {
				t.Fatalf("first import: %d\n%s", code, out)
			}
			out, code = cli(t, nil, args...)
			if code != 0 || !strings.Contains(out, "0 created, 0 updated, 4 unchanged, 0 cancelled") {
				t.Fatalf("second import is not idempotent: %d\n%s", code, out)
			}
			recs := importedRecords(t, store, "FR")
			p := recs["ftm:fict-person-1"]
			if p == nil || p.Kind != core.KindPerson || p.Owner != "FR" || !strings.Contains(string(p.Data), `"X1234567"`) {
				t.Fatalf("imported person: %+v", p)
			}
			// A shorter list: fict-vessel-1 left it.
			b, err := os.ReadFile(ftm)
			if err != nil {
				t.Fatal(err)
			}
			var kept []string
			for _, l := range strings.Split(string(b), "\n") {
				if !strings.Contains(l, "fict-vessel-1") {
					kept = append(kept, l)
				}
			}
			shorter := filepath.Join(t.TempDir(), "entities.ftm.json")
			os.WriteFile(shorter, []byte(strings.Join(kept, "\n")), 0o600)
			out, code = cli(t, nil, append([]string{"import", "ftm", shorter, "--bureau", "FR"}, store...)...)
			if code != 0 || !strings.Contains(out, "0 created, 0 updated, 3 unchanged, 1 cancelled") {
				t.Fatalf("shorter list: %d\n%s", code, out)
			}
			v := importedRecords(t, store, "FR")["ftm:fict-vessel-1"]
			if v == nil || v.Status != core.StatusCancelled || v.StatusReason != "no longer on the FTM list" {
				t.Fatalf("vessel that left the list: %+v", v)
			}

			const congress = "../../../shared/corpora/us-congress/us_congress_senzing.json"
			if _, err := os.Stat(congress); err != nil {
				t.Skipf("US Congress list not available (%v)", err)
			}
			sz := append([]string{"import", "senzing", congress, "--bureau", "US", "--list", "us_congress"}, store...)
			out, code = cli(t, nil, sz...)
			if code != 0 || !strings.Contains(out, "1317 entries read; 1317 created") || !strings.Contains(out, "2 records neither a person nor an organisation") {
				t.Fatalf("senzing import: %d\n%s", code, out)
			}
			out, code = cli(t, nil, sz...)
			if code != 0 || !strings.Contains(out, "0 created, 0 updated, 1317 unchanged, 0 cancelled") {
				t.Fatalf("second senzing import is not idempotent: %d\n%s", code, out)
			}
			r := importedRecords(t, store, "US")["senzing:os_us_congress:Q101196632"]
			var d map[string]any
			if r != nil {
				json.Unmarshal(r.Data, &d)
			}
			if d["source"] != "senzing:us_congress" || d["date_of_birth"] != "1988" {
				t.Fatalf("congress member: %v", d)
			}
			if out, code := cli(t, nil, append([]string{"audit", "verify"}, store...)...); code != 0 {
				t.Fatal(out)
			}
		})
	}
}

// TestImportRefusesWrongFiles: a file of another list fails at once with a
// non-zero exit, naming the command that reads it (it used to print 10,001
// warnings, "0 entries read", and exit 0); a missing --bureau is a usage
// error; sdn.csv without its companions names each one missing.
func TestImportRefusesWrongFiles(t *testing.T) {
	const un = "../../../shared/corpora/un/UN_consolidated.xml"
	const sdn = "../../../shared/corpora/ofac/sdn.csv"
	if _, err := os.Stat(un); err != nil {
		t.Skipf("lists not available (%v)", err)
	}
	data := t.TempDir()
	out, code := cli(t, nil, "import", "ofac", un, "--data", data)
	if code == 0 || !strings.Contains(out, "this looks like a UN consolidated list XML, not an OFAC sdn.csv; use manara import un") || strings.Contains(out, "warnings") {
		t.Errorf("UN file as OFAC: %d\n%s", code, out)
	}
	out, code = cli(t, nil, "import", "un", sdn, "--data", data)
	if code == 0 || !strings.Contains(out, "use manara import ofac") {
		t.Errorf("sdn.csv as UN: %d\n%s", code, out)
	}
	out, code = cli(t, nil, "import", "ftm", "../../internal/imports/testdata/sample.senzing.json", "--bureau", "FR", "--data", data)
	if code == 0 || !strings.Contains(out, "use manara import senzing") {
		t.Errorf("Senzing file as FtM: %d\n%s", code, out)
	}
	out, code = cli(t, nil, "import", "ftm", "../../internal/imports/testdata/sample.ftm.json", "--data", data)
	if code != 2 || !strings.Contains(out, "--bureau is required for ftm") {
		t.Errorf("no --bureau: %d\n%s", code, out)
	}
	// A file that sniffs right but is mostly bad rows.
	bad := filepath.Join(t.TempDir(), "sdn.csv")
	rows := `1,"INVENTED, Person",individual,SDGT,-0-,-0-,-0-,-0-,-0-,-0-,-0-,-0-` + "\n" + strings.Repeat("2,only,three\n", 5)
	os.WriteFile(bad, []byte(rows), 0o600)
	out, code = cli(t, nil, "import", "ofac", bad, "--data", data)
	if code == 0 || !strings.Contains(out, "5 of 6 rows or records (83%) could not be read") || !strings.Contains(out, "sdn.csv line 2: 3 fields, want 12") {
		t.Errorf("mostly bad rows: %d\n%s", code, out)
	}
	// sdn.csv alone: each missing companion is named, and the import goes on.
	lone := filepath.Join(t.TempDir(), "sdn.csv")
	b, err := os.ReadFile(sdn)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(lone, b, 0o600)
	out, code = cli(t, nil, "import", "ofac", lone, "--data", data)
	for _, want := range []string{"alt.csv not found beside sdn.csv", "aliases (a.k.a.) are not screened", "add.csv not found", "sdn_comments.csv not found"} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in\n%s", want, out)
		}
	}
	if code != 0 || !strings.Contains(out, "created") {
		t.Errorf("sdn.csv alone: %d\n%s", code, out)
	}
}

// TestImportInterrupted: Ctrl-C (SIGINT) during an import stops it with
// "interrupted", exit 1, rather than failing every remaining write into
// "N entries were refused"; entries that left the list are not cancelled
// by the interrupted run, and the same import run again completes it,
// with every entry once.
func TestImportInterrupted(t *testing.T) {
	for _, backend := range backends(t) {
		t.Run(backend, func(t *testing.T) { testImportInterrupted(t, storeArgs(t, backend)) })
	}
}

func testImportInterrupted(t *testing.T, store []string) {
	dir := t.TempDir()
	earlier := filepath.Join(dir, "earlier.ftm.json")
	os.WriteFile(earlier, []byte(ftmPerson("fict-left-1", "Greta Ausgedacht")+"\n"), 0o600)
	if out, code := cli(t, nil, append([]string{"import", "ftm", earlier, "--bureau", "FR"}, store...)...); code != 0 {
		t.Fatalf("first import: %d\n%s", code, out)
	}
	const n = 10000
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteString(ftmPerson(fmt.Sprintf("fict-many-%d", i), fmt.Sprintf("Persona Inventada %d", i)) + "\n")
	}
	list := filepath.Join(dir, "list.ftm.json")
	os.WriteFile(list, []byte(b.String()), 0o600)
	args := append([]string{"import", "ftm", list, "--bureau", "FR"}, store...)

	cmd := exec.Command(binary(t), args...)
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var errOut strings.Builder
	sc := bufio.NewScanner(stderr)
	for sc.Scan() {
		errOut.WriteString(sc.Text() + "\n")
		if strings.HasPrefix(sc.Text(), "import ftm: ") { // the first tenth is written
			cmd.Process.Signal(os.Interrupt)
			break
		}
	}
	io.Copy(&errOut, stderr)
	err = cmd.Wait()
	out := stdout.String() + errOut.String()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 || !strings.Contains(out, "interrupted after") ||
		!strings.Contains(out, "run the same import again") || strings.Contains(out, "were refused") {
		t.Fatalf("interrupted import: %v\n%s", err, out)
	}
	t.Logf("interrupted: %s", out)
	if r := importedRecords(t, store, "FR")["ftm:fict-left-1"]; r == nil || r.Status != core.StatusActive {
		t.Fatalf("an interrupted run cancelled an entry it had not reached the end of the list for: %+v", r)
	}

	out, code := cli(t, nil, args...)
	if code != 0 || !strings.Contains(out, "0 refused") || !strings.Contains(out, "1 cancelled") {
		t.Fatalf("import after the interruption: %d\n%s", code, out)
	}
	active := map[string]int{}
	f := storeOf(store)
	st, err := f.open(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for after := ""; ; {
		var page []*core.Record
		err := st.View(context.Background(), func(tx core.Tx) (err error) {
			page, err = tx.ListRecords(core.RecordFilter{Visible: core.Visibility{SeeAll: true}, Owner: "FR", After: after, Limit: 1000})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range page {
			var d struct {
				SourceID string `json:"source_id"`
			}
			json.Unmarshal(r.Data, &d)
			if r.Status == core.StatusActive {
				active[d.SourceID]++
			}
		}
		if len(page) == 0 {
			break
		}
		after = page[len(page)-1].ID
	}
	for i := 0; i < n; i++ {
		if id := fmt.Sprintf("ftm:fict-many-%d", i); active[id] != 1 {
			t.Fatalf("%s: %d active records after the second run, want 1", id, active[id])
		}
	}
}

// storeOf is the store the CLI was given.
func storeOf(args []string) *storeFlags {
	var f storeFlags
	for i := 0; i+1 < len(args); i += 2 {
		switch args[i] {
		case "--data":
			f.data = args[i+1]
		case "--db":
			f.db = args[i+1]
		}
	}
	return &f
}

// ftmPerson is one invented FollowTheMoney person.
func ftmPerson(id, name string) string {
	return `{"id":"` + id + `","schema":"Person","properties":{"name":["` + name + `"],"birthDate":["1970-01-01"]},"target":true}`
}

// recordsBySource reads every record of owner with the given
// source_id (an import may leave several: cancelled and active).
func recordsBySource(t *testing.T, store []string, owner, sourceID string) []*core.Record {
	t.Helper()
	f := storeOf(store)
	st, err := f.open(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var out []*core.Record
	err = st.View(context.Background(), func(tx core.Tx) error {
		rs, err := tx.ListRecords(core.RecordFilter{Visible: core.Visibility{SeeAll: true}, Owner: owner, Limit: 5000})
		for _, r := range rs {
			var d struct {
				SourceID string `json:"source_id"`
			}
			json.Unmarshal(r.Data, &d)
			if d.SourceID == sourceID {
				out = append(out, r)
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestImportRelistedEntry: an entry that left a list is cancelled by the
// import ("no longer on the FTM list"); when it comes back onto the list,
// a cancelled record staying cancelled, the import creates a new record
// (it used to try to extend the cancelled one, which the records service
// refuses: every later import exited 1 and the re-listed person was never
// screened again). The import succeeds and stays idempotent.
func TestImportRelistedEntry(t *testing.T) {
	for _, backend := range backends(t) {
		t.Run(backend, func(t *testing.T) { testImportRelistedEntry(t, storeArgs(t, backend)) })
	}
}

func testImportRelistedEntry(t *testing.T, store []string) {
	dir := t.TempDir()
	full := filepath.Join(dir, "full.ftm.json")
	short := filepath.Join(dir, "short.ftm.json")
	a := ftmPerson("fict-a", "Tobias Inventado")
	b := ftmPerson("fict-b", "Marta Ficticia")
	if err := os.WriteFile(full, []byte(a+"\n"+b+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(short, []byte(a+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	imp := func(path string) (string, int) {
		return cli(t, nil, append([]string{"import", "ftm", path, "--bureau", "FR"}, store...)...)
	}
	if out, code := imp(full); code != 0 || !strings.Contains(out, "2 created") {
		t.Fatalf("first import: %d\n%s", code, out)
	}
	if out, code := imp(short); code != 0 || !strings.Contains(out, "1 cancelled") {
		t.Fatalf("shorter list: %d\n%s", code, out)
	}
	// fict-b is back on the list.
	out, code := imp(full)
	if code != 0 {
		t.Errorf("re-listed entry: import exits %d (want 0):\n%s", code, out)
	}
	active := 0
	for _, r := range recordsBySource(t, store, "FR", "ftm:fict-b") {
		if r.Status == core.StatusActive {
			active++
		}
	}
	if active != 1 {
		t.Errorf("re-listed entry ftm:fict-b: %d active records, want 1 (it is not screened)", active)
	}
	// And a further run changes nothing and succeeds.
	out, code = imp(full)
	if code != 0 || !strings.Contains(out, "0 refused") {
		t.Errorf("import after re-listing: %d\n%s", code, out)
	}
}

// TestImportRefusedEntryLeavesExpiredRecord: an expired entry still on the
// list is brought back with two transactions, records.Extend ("back on the
// list") then records.Update with the new data. The data is checked
// first: when the update would be refused (here the new data is over the
// 256 KiB record limit), nothing is written — the record stays expired
// with its old data (it used to be made active with stale data) — and the
// entry is reported refused.
func TestImportRefusedEntryLeavesExpiredRecord(t *testing.T) {
	for _, backend := range backends(t) {
		t.Run(backend, func(t *testing.T) { testImportRefusedEntryLeavesExpiredRecord(t, storeArgs(t, backend)) })
	}
}

func testImportRefusedEntryLeavesExpiredRecord(t *testing.T, store []string) {
	dir := t.TempDir()
	path := filepath.Join(dir, "list.ftm.json")
	other := ftmPerson("fict-c", "Lina Erdacht")
	os.WriteFile(path, []byte(ftmPerson("fict-d", "Bruno Fingido")+"\n"+other+"\n"), 0o600)
	imp := func() (string, int) {
		return cli(t, nil, append([]string{"import", "ftm", path, "--bureau", "FR"}, store...)...)
	}
	if out, code := imp(); code != 0 || !strings.Contains(out, "2 created") {
		t.Fatalf("first import: %d\n%s", code, out)
	}
	recs := recordsBySource(t, store, "FR", "ftm:fict-d")
	if len(recs) != 1 {
		t.Fatalf("records of ftm:fict-d: %d", len(recs))
	}
	id := recs[0].ID
	// The record's retention ran out (what records.ExpireDue does).
	st, err := storeOf(store).open(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	err = st.Update(context.Background(), func(tx core.Tx) error {
		r, err := tx.GetRecord(id)
		if err != nil {
			return err
		}
		r.Status, r.Version = core.StatusExpired, r.Version+1
		return tx.UpdateRecord(r)
	})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	// The entry is still listed, now with aliases that make its data too
	// large for a record: the update is refused.
	var aliases []string
	for i := 0; i < 5; i++ {
		aliases = append(aliases, `"`+strings.Repeat(string(rune('a'+i)), 60<<10)+`"`)
	}
	big := `{"id":"fict-d","schema":"Person","properties":{"name":["Bruno Fingido"],"alias":[` + strings.Join(aliases, ",") +
		`],"birthDate":["1970-01-01"]},"target":true}`
	// (The small entity first: the format sniffer reads the first 8 KiB.)
	os.WriteFile(path, []byte(other+"\n"+big+"\n"), 0o600)
	out, code := imp()
	if code == 0 || !strings.Contains(out, "1 refused") {
		t.Fatalf("import of data over the record limit: %d\n%s", code, out)
	}
	recs = recordsBySource(t, store, "FR", "ftm:fict-d")
	if len(recs) != 1 || recs[0].Status != core.StatusExpired {
		t.Errorf("refused entry: the record was changed anyway: status %q (%s), want it left expired",
			recs[0].Status, recs[0].StatusReason)
	}
	// Listed again with data a record takes: the same record comes back,
	// active, with what the list says now.
	os.WriteFile(path, []byte(other+"\n"+ftmPerson("fict-d", "Bruno Fingido Segundo")+"\n"), 0o600)
	if out, code := imp(); code != 0 || !strings.Contains(out, "1 updated") {
		t.Fatalf("import of the entry back with good data: %d\n%s", code, out)
	}
	recs = recordsBySource(t, store, "FR", "ftm:fict-d")
	if len(recs) != 1 || recs[0].ID != id || recs[0].Status != core.StatusActive || !strings.Contains(string(recs[0].Data), "Segundo") {
		t.Errorf("entry back on the list: %d records, want record %s active with the new name: %+v", len(recs), id, recs)
	}
}

// TestImportUNAdoptsDespiteRefusal: `manara import un` creates the UN
// entries as records of kind notice and then gives them their notice
// workflow row and public number (notices.Adopt). When one entry is
// refused, the others are still adopted before the import exits 1 (they
// used to be left records without a notice row — no public number, not
// in the notice lists — until the next import that refused nothing or a
// server restart).
func TestImportUNAdoptsDespiteRefusal(t *testing.T) {
	for _, backend := range backends(t) {
		t.Run(backend, func(t *testing.T) { testImportUNAdoptsDespiteRefusal(t, storeArgs(t, backend)) })
	}
}

func testImportUNAdoptsDespiteRefusal(t *testing.T, store []string) {
	var aliases strings.Builder
	for i := 0; i < 5; i++ {
		aliases.WriteString("<INDIVIDUAL_ALIAS><QUALITY>Good</QUALITY><ALIAS_NAME>" + strings.Repeat(string(rune('a'+i)), 60<<10) + "</ALIAS_NAME></INDIVIDUAL_ALIAS>")
	}
	xml := `<?xml version="1.0" encoding="UTF-8"?>
<CONSOLIDATED_LIST dateGenerated="2026-02-27T00:00:09.554Z"><INDIVIDUALS>
<INDIVIDUAL><DATAID>1</DATAID><FIRST_NAME>Hugo</FIRST_NAME><SECOND_NAME>Imaginado</SECOND_NAME><UN_LIST_TYPE>Al-Qaida</UN_LIST_TYPE><REFERENCE_NUMBER>QDi.990</REFERENCE_NUMBER></INDIVIDUAL>
<INDIVIDUAL><DATAID>2</DATAID><FIRST_NAME>Hanna</FIRST_NAME><SECOND_NAME>Inventada</SECOND_NAME><UN_LIST_TYPE>Al-Qaida</UN_LIST_TYPE><REFERENCE_NUMBER>QDi.991</REFERENCE_NUMBER>` + aliases.String() + `</INDIVIDUAL>
</INDIVIDUALS></CONSOLIDATED_LIST>
`
	path := filepath.Join(t.TempDir(), "consolidated.xml")
	os.WriteFile(path, []byte(xml), 0o600)
	out, code := cli(t, nil, append([]string{"import", "un", path}, store...)...)
	if !strings.Contains(out, "1 created") || !strings.Contains(out, "1 refused") {
		t.Fatalf("import: %d\n%s", code, out)
	}
	st, err := storeOf(store).open(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var unadopted []*core.Record
	err = st.View(context.Background(), func(tx core.Tx) error {
		var err error
		unadopted, err = tx.UnadoptedNotices(100)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(unadopted) > 0 {
		t.Errorf("after an import that refused one entry, %d created UN entries have no notice row (not published, no public number)", len(unadopted))
	}
}
