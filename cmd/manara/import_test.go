package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/manara-hub/manara/internal/core"
)

// importedRecords reads the records of a store owned by owner, by
// source_id, with the store flags the CLI was given.
func importedRecords(t *testing.T, args []string, owner string) map[string]*core.Record {
	t.Helper()
	var f storeFlags
	for i := 0; i+1 < len(args); i += 2 {
		switch args[i] {
		case "--data":
			f.data = args[i+1]
		case "--db":
			f.db = args[i+1]
		}
	}
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
