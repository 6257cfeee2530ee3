package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"time"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/imports"
	"github.com/manara-hub/manara/internal/members"
	"github.com/manara-hub/manara/internal/notices"
	"github.com/manara-hub/manara/internal/records"
)

func importCmd() *command {
	c := newCommand("import", "import un|ofac|ftm|senzing|documents FILE [flags]",
		"Import a list, idempotently: a second run of the same file changes nothing.\n"+
			"  un FILE         the UN consolidated list XML, as INTERPOL–UN Special Notices owned by the secretariat\n"+
			"  ofac FILE       the OFAC SDN CSV (sdn.csv; alt.csv, add.csv and sdn_comments.csv beside it are read too), as records of the US bureau\n"+
			"  ftm FILE        FollowTheMoney entities, one JSON a line (OpenSanctions entities.ftm.json), as records of --bureau\n"+
			"  senzing FILE    Senzing JSON records, one a line (OpenSanctions senzing.json), as records of --bureau\n"+
			"  documents FILE  a CSV of travel documents (number,country,type,status) as records of --bureau\n"+
			"The file's first bytes are checked: a file of another list is refused, naming the command that reads it;\n"+
			"so is a file of which more than 10% of the rows cannot be read.\n"+
			"Entries that left the list are cancelled, with the reason. Ctrl-C stops between two entries;\n"+
			"the same import run again completes it.")
	var f storeFlags
	f.add(c)
	var bureau, list string
	c.str(&bureau, "bureau", "", "", "for ftm, senzing and documents: the member country's ISO code whose bureau owns the entries")
	c.str(&list, "list", "", "", "for ftm and senzing: the list's name, to keep several lists of one bureau apart (default: ftm or senzing)")
	c.run = func(args []string) error {
		if err := needSub(c, args, "say un, ofac, ftm, senzing or documents, and the FILE"); err != nil {
			return err
		}
		sub := args[0]
		rest, err := c.parse(args[1:])
		if err != nil {
			return err
		}
		if len(rest) != 1 {
			return usageErr{"one FILE is needed"}
		}
		switch sub {
		case "un", "ofac", "ftm", "senzing", "documents":
		default:
			return usageErr{fmt.Sprintf("unknown list %q: say un, ofac, ftm, senzing or documents", sub)}
		}
		owner, source := "", sub
		switch sub {
		case "un":
			owner = members.Secretariat
		case "ofac":
			owner = "US"
		case "ftm", "senzing":
			b, ok := members.BureauFor(bureau)
			if !ok {
				return usageErr{fmt.Sprintf("--bureau is required for %s: the ISO code of the member country whose bureau owns the entries", sub)}
			}
			// The entries become person and entity records, which the
			// secretariat may not own (it issues notices): refused here,
			// every entry would be refused one by one after the file is read.
			if members.IsSecretariat(b.Code) {
				return usageErr{fmt.Sprintf("--bureau %s: the secretariat owns no person or entity records; give the ISO code of the member country whose bureau owns the %s entries", members.Secretariat, sub)}
			}
			owner = b.Code
			if list != "" {
				if !validListName(list) {
					return usageErr{"--list must be 1 to 64 letters, digits, '_', '-' or '.', and not un, ofac or documents"}
				}
				source = sub + ":" + list
			}
		case "documents":
			b, ok := members.BureauFor(bureau)
			if !ok || members.IsSecretariat(b.Code) {
				return usageErr{"--bureau must be the owning member country's ISO code"}
			}
			owner = b.Code
		}
		// Refuse a wrong file before touching the store.
		if err := checkFormat(sub, rest[0]); err != nil {
			return err
		}
		st, err := openMigrated(f)
		if err != nil {
			return err
		}
		defer st.Close()
		im := &importer{rs: records.New(st), st: st}
		if sub == "documents" {
			fh, err := os.Open(rest[0])
			if err != nil {
				return err
			}
			defer fh.Close()
			rows, warnings, err := imports.ReadDocumentsCSV(fh)
			if err != nil {
				return err
			}
			printWarnings(warnings)
			return im.documents(runCtx, owner, rows)
		}
		subjects, warnings, err := readList(sub, rest[0])
		if err != nil {
			return err
		}
		printWarnings(warnings)
		for i := range subjects {
			subjects[i].Source = source
		}
		err = im.subjects(runCtx, source, owner, subjects)
		// UN entries are INTERPOL–UN Special Notices: give the new ones
		// their workflow row and public number, also when some entries
		// were refused or the import was interrupted (those written are
		// published).
		if sub == "un" {
			ctx := runCtx
			if ctx.Err() != nil {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(context.WithoutCancel(ctx), adoptAfterInterrupt)
				defer cancel()
			}
			if _, aerr := notices.New(st).Adopt(ctx); aerr != nil {
				aerr = fmt.Errorf("publish the imported UN notices: %w", aerr)
				if err == nil {
					return aerr
				}
				fmt.Fprintf(os.Stderr, "%v\n", aerr)
			}
		}
		return err
	}
	return c
}

// adoptAfterInterrupt bounds the publication of the UN notices an
// interrupted import wrote.
const adoptAfterInterrupt = 30 * time.Second

// validListName keeps --list a short label that cannot pass for one of the
// built-in sources.
func validListName(s string) bool {
	if len(s) == 0 || len(s) > 64 || s == "un" || s == "ofac" || s == "documents" {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-' || r == '.') {
			return false
		}
	}
	return true
}

// checkFormat reads the first bytes of path and refuses it if it is not a
// file of the list sub, saying what it looks like.
func checkFormat(sub, path string) error {
	fh, err := os.Open(path)
	if err != nil {
		return err
	}
	defer fh.Close()
	head := make([]byte, imports.SniffBytes)
	n, err := io.ReadFull(fh, head)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := imports.CheckFormat(sub, head[:n]); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// ofacCompanions are the files read beside sdn.csv, and what is lost
// without each. A missing one is named and the import goes on: sdn.csv
// alone is a complete list of names, and a later import with the
// companions adds what was missing.
var ofacCompanions = []struct{ name, gives string }{
	{"alt.csv", "aliases (a.k.a.) are not screened"},
	{"add.csv", "addresses are not read"},
	{"sdn_comments.csv", "remarks cut at about 1,000 characters are not completed"},
}

func readList(kind, path string) ([]imports.Subject, []imports.Warning, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer fh.Close()
	switch kind {
	case "un":
		return imports.ReadUN(fh)
	case "ftm":
		return imports.ReadFTM(fh)
	case "senzing":
		return imports.ReadSenzing(fh)
	}
	readers := make([]io.Reader, len(ofacCompanions))
	dir := filepath.Dir(path)
	for i, c := range ofacCompanions {
		g, err := os.Open(filepath.Join(dir, c.name))
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s not found beside %s (%v): %s; going on without it\n", c.name, filepath.Base(path), errors.Unwrap(err), c.gives)
			continue
		}
		defer g.Close()
		readers[i] = g
	}
	return imports.ReadOFACWithComments(fh, readers[0], readers[1], readers[2])
}

func printWarnings(ws []imports.Warning) {
	if len(ws) == 0 {
		return
	}
	fmt.Fprintf(os.Stderr, "%d warnings while reading:\n", len(ws))
	for i, w := range ws {
		if i == 20 {
			fmt.Fprintf(os.Stderr, "  … and %d more\n", len(ws)-20)
			break
		}
		fmt.Fprintf(os.Stderr, "  %s\n", w)
	}
}

// importer writes imported entries through the records service, so they
// are validated and audited like any other write.
type importer struct {
	rs          *records.Service
	st          core.Store
	pending     []records.Input // new records waiting for one transaction
	pendingWhat []string
}

type importCounts struct{ created, updated, unchanged, cancelled, failed int }

func (c importCounts) String() string {
	return fmt.Sprintf("%d created, %d updated, %d unchanged, %d cancelled, %d refused", c.created, c.updated, c.unchanged, c.cancelled, c.failed)
}

// existing maps the source ids of an owner's earlier imports to records:
// the active one when there is one.
func (im *importer) existing(ctx context.Context, owner, source string, key func(map[string]any) string) (map[string]*core.Record, error) {
	out := map[string]*core.Record{}
	after := ""
	for {
		var page []*core.Record
		err := im.st.View(ctx, func(tx core.Tx) error {
			var err error
			page, err = tx.ListRecords(core.RecordFilter{Visible: core.Visibility{SeeAll: true}, Owner: owner, After: after, Limit: 1000})
			return err
		})
		if err != nil {
			return nil, err
		}
		for _, r := range page {
			var d map[string]any
			if json.Unmarshal(r.Data, &d) == nil && d["source"] == source {
				// An entry that left the list and came back has a
				// cancelled record and a newer one: the newest record
				// of the best status is the entry's.
				if k := key(d); k != "" && (out[k] == nil || statusRank(r.Status) >= statusRank(out[k].Status)) {
					out[k] = r
				}
			}
		}
		if len(page) < 1000 {
			return out, nil
		}
		after = page[len(page)-1].ID
	}
}

// statusRank orders the records of one entry: active, then expired (it
// can be brought back), then cancelled (it cannot).
func statusRank(status string) int {
	switch status {
	case core.StatusActive:
		return 2
	case core.StatusCancelled:
		return 0
	}
	return 1
}

func sourceID(d map[string]any) string { s, _ := d["source_id"].(string); return s }

// put creates or updates one record so that it holds data; it reports what
// it did. An entry whose record was cancelled (it left the list and is
// back) gets a new record: a cancelled record stays cancelled. So does an
// entry the list now gives as another kind (an FtM LegalEntity found to be
// a Person, an OFAC entry of another SDN_Type): a record's kind never
// changes, and a person screened as an entity is missed on its date of
// birth.
func (im *importer) put(ctx context.Context, v core.Viewer, old *core.Record, kind, what string, data map[string]any, counts *importCounts) error {
	raw, err := json.Marshal(data)
	if err != nil {
		return err
	}
	if old != nil && old.Status == core.StatusCancelled {
		old = nil
	}
	if old != nil && old.Kind != kind {
		if _, err := im.rs.Cancel(ctx, v, old.ID, old.Version, "re-classified as "+kindName(kind)+" by the list"); err != nil {
			return err
		}
		counts.cancelled++
		old = nil
	}
	if old != nil {
		var cur map[string]any
		json.Unmarshal(old.Data, &cur)
		var want map[string]any
		json.Unmarshal(raw, &want)
		if old.Status == core.StatusActive && reflect.DeepEqual(cur, want) {
			counts.unchanged++
			return nil
		}
		in := records.Input{Data: raw, Version: old.Version}
		if old.Status != core.StatusActive {
			// One write: a refused entry stays expired, as it was.
			_, err = im.rs.ExtendWith(ctx, v, old.ID, "back on the list", in)
		} else {
			_, err = im.rs.Update(ctx, v, old.ID, in)
		}
		if err != nil {
			return err
		}
		counts.updated++
		return nil
	}
	im.pending = append(im.pending, records.Input{Kind: kind, Releasability: &core.Releasability{Mode: core.ReleaseAll}, Data: raw})
	im.pendingWhat = append(im.pendingWhat, what)
	if len(im.pending) >= 500 {
		return im.flush(ctx, v, counts)
	}
	return nil
}

// errInterrupted is returned by flush when the run was interrupted:
// the batch was not written, and no entry of it is refused.
var errInterrupted = errors.New("interrupted")

// flush creates the pending records in one transaction; if one is
// refused, it creates them one by one to name the refused ones.
func (im *importer) flush(ctx context.Context, v core.Viewer, counts *importCounts) error {
	if len(im.pending) == 0 {
		return nil
	}
	defer func() { im.pending, im.pendingWhat = im.pending[:0], im.pendingWhat[:0] }()
	if _, err := im.rs.CreateMany(ctx, v, im.pending); err == nil {
		counts.created += len(im.pending)
	} else {
		for i, in := range im.pending {
			if ctx.Err() != nil {
				return errInterrupted
			}
			if _, err := im.rs.Create(ctx, v, in); err != nil {
				counts.failed++
				fmt.Fprintf(os.Stderr, "\n%s: %v\n", im.pendingWhat[i], err)
			} else {
				counts.created++
			}
		}
	}
	return nil
}

// interrupted is the error of a run stopped (Ctrl-C, SIGTERM) after done
// of total entries: what was written stays, in whole transactions; entries
// that left the list are cancelled only once every entry was written. The
// same import run again completes it.
func interrupted(ctx context.Context, what string, done, total int, counts importCounts) error {
	return exitErr{1, fmt.Errorf("interrupted after %d of %d %s (%s); run the same import again to complete it: %w",
		done, total, what, counts, ctx.Err())}
}

func (im *importer) subjects(ctx context.Context, source, owner string, subjects []imports.Subject) error {
	v := core.Viewer{Bureau: owner, UserID: "import:" + source, Permissions: []string{core.PermRecordsRead, core.PermRecordsWrite}, Remote: "cli"}
	old, err := im.existing(ctx, owner, source, sourceID)
	if err != nil {
		return err
	}
	var counts importCounts
	seen := map[string]bool{}
	bar := newProgress(os.Stderr, "import "+source)
	stop := func(done int) error {
		fmt.Fprintln(os.Stderr) // end the bar's line
		return interrupted(ctx, "entries", done, len(subjects), counts)
	}
	for i, s := range subjects {
		if ctx.Err() != nil {
			return stop(i)
		}
		kind, data := s.Record()
		seen[s.SourceID] = true
		if err := im.put(ctx, v, old[s.SourceID], kind, source+" "+s.SourceID, data, &counts); err != nil {
			if ctx.Err() != nil {
				return stop(i)
			}
			counts.failed++
			fmt.Fprintf(os.Stderr, "\n%s %s: %v\n", source, s.SourceID, err)
		}
		bar.set(i+1, len(subjects))
	}
	if im.flush(ctx, v, &counts) != nil || ctx.Err() != nil {
		return stop(len(subjects))
	}
	bar.done()
	// Only a run that read every entry may cancel those it did not see.
	for id, r := range old {
		if !seen[id] && r.Status == core.StatusActive {
			if ctx.Err() != nil {
				return stop(len(subjects))
			}
			if _, err := im.rs.Cancel(ctx, v, r.ID, r.Version, "no longer on the "+strings.ToUpper(source)+" list"); err != nil {
				if ctx.Err() != nil {
					return stop(len(subjects))
				}
				return err
			}
			counts.cancelled++
		}
	}
	fmt.Printf("%s: %d entries read; %s\n", strings.ToUpper(source), len(subjects), counts)
	if counts.failed > 0 {
		return exitErr{1, fmt.Errorf("%d entries were refused (see above)", counts.failed)}
	}
	return nil
}

func (im *importer) documents(ctx context.Context, owner string, rows []imports.DocumentRow) error {
	v := core.Viewer{Bureau: owner, UserID: "import:documents", Permissions: []string{core.PermRecordsRead, core.PermRecordsWrite}, Remote: "cli"}
	// One key for the reader's duplicates, the records of earlier runs
	// and this run's rows: two spellings of one document are one record.
	key := func(d map[string]any) string {
		c, _ := d["issuing_country"].(string)
		n, _ := d["number"].(string)
		return imports.DocumentKey(c, n)
	}
	old, err := im.existing(ctx, owner, "documents", key)
	if err != nil {
		return err
	}
	var counts importCounts
	seen := map[string]bool{}
	bar := newProgress(os.Stderr, "import documents")
	stop := func(done int) error {
		fmt.Fprintln(os.Stderr) // end the bar's line
		return interrupted(ctx, "rows", done, len(rows), counts)
	}
	for i, row := range rows {
		if ctx.Err() != nil {
			return stop(i)
		}
		country := row.Country
		if c, ok := members.Lookup(country); ok {
			country = c.Alpha2
		}
		data := map[string]any{"source": "documents", "number": row.Number, "issuing_country": country, "document_type": row.Type, "reason": row.Status}
		k := key(data)
		seen[k] = true
		if err := im.put(ctx, v, old[k], core.KindTravelDocument, fmt.Sprintf("line %d", row.Line), data, &counts); err != nil {
			if ctx.Err() != nil {
				return stop(i)
			}
			counts.failed++
			fmt.Fprintf(os.Stderr, "\nline %d: %v\n", row.Line, err)
		}
		bar.set(i+1, len(rows))
	}
	if im.flush(ctx, v, &counts) != nil || ctx.Err() != nil {
		return stop(len(rows))
	}
	bar.done()
	// The file is the bureau's whole list: only a run that read every row
	// may cancel the documents it no longer holds (found again, returned
	// to their holder), or every check of their holder would still hit.
	for k, r := range old {
		if !seen[k] && r.Status == core.StatusActive {
			if ctx.Err() != nil {
				return stop(len(rows))
			}
			if _, err := im.rs.Cancel(ctx, v, r.ID, r.Version, "no longer on the bureau's travel-document list"); err != nil {
				if ctx.Err() != nil {
					return stop(len(rows))
				}
				return err
			}
			counts.cancelled++
		}
	}
	fmt.Printf("documents: %d rows read; %s\n", len(rows), counts)
	if counts.failed > 0 {
		return exitErr{1, fmt.Errorf("%d rows were refused (see above)", counts.failed)}
	}
	return nil
}

// kindName says a record kind as a reason names it.
func kindName(kind string) string {
	switch kind {
	case core.KindPerson:
		return "a person"
	case core.KindEntity:
		return "an entity"
	case core.KindTravelDocument:
		return "a travel document"
	}
	return kind
}
