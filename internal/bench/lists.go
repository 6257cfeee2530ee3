// Package bench runs Manara's benchmarks on real data and at scale, and
// reports one table: dataset, metric, value, target. It measures; it
// asserts nothing. `manara bench` prints its rows.
package bench

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/google/uuid"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/imports"
	"github.com/manara-hub/manara/internal/members"
)

// Row is one line of the report.
type Row struct {
	Dataset, Metric, Value, Target string
	// Met is "yes", "no" or "" (no target).
	Met string
}

// entry is a record built from a list, with what the benchmark needs to
// know about it.
type entry struct {
	rec      *core.Record
	source   string // un, ofac, congress
	sourceID string
	name     string // primary Latin name
	original string // original-script name (UN)
	kind     string
	dob      string // first date of birth, as a query gives it ("" when none)
}

func record(owner, kind string, data map[string]any) *core.Record {
	b, _ := json.Marshal(data)
	return &core.Record{ID: uuid.Must(uuid.NewV7()).String(), Kind: kind, Owner: owner, Status: core.StatusActive, Version: 1,
		Releasability: core.Releasability{Mode: core.ReleaseAll}, Data: b}
}

func loadUN(dir string) ([]entry, error) {
	f, err := os.Open(filepath.Join(dir, "un", "UN_consolidated.xml"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	subs, _, err := imports.ReadUN(f)
	if err != nil {
		return nil, err
	}
	return fromSubjects(subs, members.Secretariat), nil
}

func loadOFAC(dir string) ([]entry, error) {
	open := func(n string) io.Reader {
		f, err := os.Open(filepath.Join(dir, "ofac", n))
		if err != nil {
			return nil
		}
		return f
	}
	sdn := open("sdn.csv")
	if sdn == nil {
		return nil, fmt.Errorf("no %s", filepath.Join(dir, "ofac", "sdn.csv"))
	}
	subs, _, err := imports.ReadOFACWithComments(sdn, open("alt.csv"), open("add.csv"), open("sdn_comments.csv"))
	if err != nil {
		return nil, err
	}
	return fromSubjects(subs, "US"), nil
}

func fromSubjects(subs []imports.Subject, owner string) []entry {
	out := make([]entry, 0, len(subs))
	for _, s := range subs {
		kind, data := s.Record()
		e := entry{rec: record(owner, kind, data), source: s.Source, sourceID: s.SourceID, name: s.Name, original: s.NameOriginal, kind: s.Kind}
		if len(s.DatesOfBirth) > 0 {
			e.dob = s.DatesOfBirth[0].String()
		}
		out = append(out, e)
	}
	return out
}

// loadCongress reads the Senzing JSON lines of US Congress members.
func loadCongress(dir string) ([]entry, error) {
	f, err := os.Open(filepath.Join(dir, "us-congress", "us_congress_senzing.json"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []entry
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var r struct {
			RecordID string `json:"RECORD_ID"`
			Names    []struct {
				Type string `json:"NAME_TYPE"`
				Full string `json:"NAME_FULL"`
			} `json:"NAMES"`
			Dates []struct {
				DOB string `json:"DATE_OF_BIRTH"`
			} `json:"DATES"`
		}
		if json.Unmarshal(sc.Bytes(), &r) != nil || len(r.Names) == 0 {
			continue
		}
		var aliases []string
		for _, n := range r.Names[1:] {
			aliases = append(aliases, n.Full)
		}
		d := map[string]any{"name": r.Names[0].Full, "nationalities": []string{"US"}, "source": "congress", "source_id": r.RecordID}
		if len(aliases) > 0 {
			d["aliases"] = aliases
		}
		if len(r.Dates) > 0 && r.Dates[0].DOB != "" {
			d["date_of_birth"] = r.Dates[0].DOB
		}
		out = append(out, entry{rec: record("US", core.KindPerson, d), source: "congress", sourceID: r.RecordID, name: r.Names[0].Full})
	}
	return out, sc.Err()
}

// fixture is one row of the third-party screening fixtures.
type fixture struct{ name, dob, nationality string }

func loadFixtures(path string) ([]fixture, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		return nil, err
	}
	var out []fixture
	for i, row := range rows {
		if i == 0 || len(row) < 8 {
			continue
		}
		out = append(out, fixture{name: strings.TrimSpace(row[0]), dob: strings.TrimSpace(row[5]), nationality: strings.ToUpper(strings.TrimSpace(row[7]))})
	}
	return out, nil
}
