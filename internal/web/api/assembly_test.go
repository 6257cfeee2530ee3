package api_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/manara-hub/manara/internal/assembly"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/records"
	"github.com/manara-hub/manara/internal/store/storetest"
	"github.com/manara-hub/manara/internal/web/api"
)

var sessionSeq atomic.Int64

// assemblyWorld is an open session over HTTP with accredited delegations,
// each acting through a supervisor of its bureau.
type assemblyWorld struct {
	f         *fixture
	admin     *caller
	sessionID string
	heads     map[string]*caller
	delIDs    map[string]string
}

func newAssemblyWorld(t *testing.T, f *fixture, quorum int, accredited []string, pending []string) *assemblyWorld {
	t.Helper()
	w := &assemblyWorld{f: f, admin: f.user(t, "IPSG", core.RoleAdmin), heads: map[string]*caller{}, delIDs: map[string]string{}}
	r := f.do(t, "POST", "/api/v1/assembly/sessions", map[string]any{"number": 92 + sessionSeq.Add(1), "place": "Marrakech", "starts_on": "2025-11-24", "ends_on": "2025-11-27",
		"languages": []string{"ar", "en", "es", "fr"}, "quorum": quorum}, w.admin)
	if r.Status != http.StatusCreated {
		t.Fatalf("create session: %s", r)
	}
	w.sessionID = jsonField(r, "id").(string)
	for i, c := range append(append([]string{}, accredited...), pending...) {
		head := f.user(t, c, core.RoleSupervisor)
		w.heads[c] = head
		r := f.do(t, "POST", "/api/v1/assembly/sessions/"+w.sessionID+"/delegations", map[string]any{"country": c,
			"head": map[string]string{"name": fmt.Sprintf("Delegate Number %d", i+1), "title": "Head of the NCB"}}, head)
		if r.Status != http.StatusCreated {
			t.Fatalf("register %s: %s", c, r)
		}
		w.delIDs[c] = jsonField(r, "id").(string)
		if i < len(accredited) {
			if r := f.do(t, "POST", "/api/v1/assembly/delegations/"+w.delIDs[c]+"/credentials", map[string]any{"decision": "accept"}, w.admin); r.Status != 200 {
				t.Fatalf("credentials %s: %s", c, r)
			}
		}
	}
	for _, st := range []string{"convened", "open"} {
		if r := f.do(t, "POST", "/api/v1/assembly/sessions/"+w.sessionID+"/state", map[string]any{"state": st}, w.admin); r.Status != 200 {
			t.Fatalf("state %s: %s", st, r)
		}
	}
	return w
}

func (w *assemblyWorld) item(t *testing.T, in map[string]any) string {
	t.Helper()
	r := w.f.do(t, "POST", "/api/v1/assembly/sessions/"+w.sessionID+"/items", in, w.admin)
	if r.Status != http.StatusCreated {
		t.Fatalf("add item: %s", r)
	}
	id := jsonField(r, "id").(string)
	if in["kind"] == core.ItemResolution {
		if r := w.f.do(t, "POST", "/api/v1/assembly/items/"+id+"/table", nil, w.admin); r.Status != 200 {
			t.Fatalf("table: %s", r)
		}
	}
	return id
}

func (w *assemblyWorld) openRound(t *testing.T, itemID string) core.Round {
	t.Helper()
	r := w.f.do(t, "POST", "/api/v1/assembly/items/"+itemID+"/rounds", map[string]any{"closes_in_minutes": 10}, w.admin)
	if r.Status != http.StatusCreated {
		t.Fatalf("open round: %s", r)
	}
	var rd core.Round
	r.decode(t, &rd)
	return rd
}

// tokenTrace is what a voter's client saw of one token: everything that
// derives from the token or the ballot.
type tokenTrace struct {
	ballot  *assembly.Ballot
	blindSB string
	in      assembly.BallotInput
	receipt assembly.Receipt
}

func (tt tokenTrace) derived() []string {
	th := assembly.TokenHash(tt.ballot.Token)
	return []string{tt.in.Token, tt.in.Signature, th, tt.receipt.BallotHash, tt.ballot.BlindedB64(), tt.blindSB,
		base64.StdEncoding.EncodeToString(tt.ballot.Token), hex.EncodeToString(tt.ballot.Token)}
}

// vote takes c's token over its authenticated session, then casts the
// ballot with no credentials at all.
func (w *assemblyWorld) vote(t *testing.T, rd core.Round, c, choice string) tokenTrace {
	t.Helper()
	b, err := assembly.NewBallot(rd.PublicKey, nil)
	if err != nil {
		t.Fatal(err)
	}
	r := w.f.do(t, "POST", "/api/v1/assembly/rounds/"+rd.ID+"/tokens", map[string]any{"blinded": b.BlindedB64()}, w.heads[c])
	if r.Status != 200 {
		t.Fatalf("token %s: %s", c, r)
	}
	var tok assembly.TokenOutput
	r.decode(t, &tok)
	in, err := b.Finalize(tok.BlindSignature, choice)
	if err != nil {
		t.Fatal(err)
	}
	r = w.f.do(t, "POST", "/api/v1/assembly/rounds/"+rd.ID+"/ballots", in, nil)
	if r.Status != http.StatusCreated {
		t.Fatalf("ballot %s: %s", c, r)
	}
	var rc assembly.Receipt
	r.decode(t, &rc)
	if err := assembly.CheckReceipt(rc); err != nil {
		t.Fatalf("receipt does not check: %v", err)
	}
	return tokenTrace{ballot: b, blindSB: tok.BlindSignature, in: in, receipt: rc}
}

// storeTables names every table of the store.
func storeTables(t *testing.T, db *sql.DB, backend string) []string {
	t.Helper()
	q := `SELECT name FROM sqlite_master WHERE type = 'table'`
	if backend == "postgres" {
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()`
	}
	rows, err := db.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		tables = append(tables, n)
	}
	rows.Close()
	return tables
}

// eachRow calls row with the values of every row of table, as the driver
// gives them.
func eachRow(t *testing.T, db *sql.DB, table string, row func(vals []any)) {
	t.Helper()
	rows, err := db.Query(`SELECT * FROM ` + table)
	if err != nil {
		t.Fatalf("read %s: %v", table, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		row(vals)
	}
}

// dumpRows reads every row of every table of the store as text, one
// string per row, named by its table.
func dumpRows(t *testing.T, db *sql.DB, backend string) map[string][]string {
	t.Helper()
	tables := storeTables(t, db, backend)
	if len(tables) < 20 {
		t.Fatalf("only %d tables found: %v", len(tables), tables)
	}
	out := map[string][]string{}
	for _, tb := range tables {
		eachRow(t, db, tb, func(vals []any) {
			var b strings.Builder
			for _, v := range vals {
				switch x := v.(type) {
				case []byte:
					b.WriteString(string(x) + "|" + hex.EncodeToString(x) + "|" + base64.StdEncoding.EncodeToString(x))
				default:
					fmt.Fprint(&b, x)
				}
				b.WriteString("\x1f")
			}
			out[tb] = append(out[tb], b.String())
		})
	}
	return out
}

// TestAssemblyBallotSecrecy: after a round, no row of any table of the
// store holds both who took a token (a delegation, its country's user)
// and anything derived from a token or ballot; the audit entries of token
// issuance hold nothing of the token; and the count verifies from the
// public board alone.
func TestAssemblyBallotSecrecy(t *testing.T) {
	forEachBackend(t, func(t *testing.T, f *fixture) {
		countries := []string{"MA", "FR", "ES", "NG"}
		w := newAssemblyWorld(t, f, 3, countries, nil)
		itemID := w.item(t, map[string]any{"kind": "resolution", "title": "Resolution on the protection of cultural heritage", "proposed_by": "ES"})
		rd := w.openRound(t, itemID)
		var traces []tokenTrace
		for i, c := range countries {
			traces = append(traces, w.vote(t, rd, c, []string{"yes", "no", "yes", "abstain"}[i]))
		}
		// Every eligible country voted: the round is closed and published.
		r := f.do(t, "GET", "/api/v1/assembly/rounds/"+rd.ID+"/board", nil, nil)
		if r.Status != 200 {
			t.Fatalf("board: %s", r)
		}
		var board assembly.BoardFile
		r.decode(t, &board)
		if v := assembly.VerifyBoard(&board); len(v.Problems) > 0 || board.Round.Result.Outcome != "adopted" || board.Round.Result.Cast != 3 {
			t.Fatalf("board verification %v, result %+v", v.Problems, board.Round.Result)
		}
		for _, tt := range traces {
			rc := f.do(t, "GET", fmt.Sprintf("/api/v1/assembly/rounds/%s/proof?index=%d", rd.ID, tt.receipt.Index), nil, nil)
			var final assembly.Receipt
			rc.decode(t, &final)
			if final.BallotHash != tt.receipt.BallotHash || final.Root != board.Root || assembly.CheckReceipt(final) != nil {
				t.Fatalf("the voter's ballot is not in the final board: %+v vs root %s", final, board.Root)
			}
		}

		var identities []string
		for _, c := range countries {
			identities = append(identities, w.delIDs[c], w.heads[c].Viewer.UserID, w.heads[c].Name)
		}
		var derived []string
		for _, tt := range traces {
			derived = append(derived, tt.derived()...)
		}
		dump := dumpRows(t, f.Store.DB(), f.Backend)
		if len(dump["assembly_board"]) != len(countries) || len(dump["assembly_tokens_issued"]) != len(countries) {
			t.Fatalf("board %d rows, tokens issued %d rows, want %d each", len(dump["assembly_board"]), len(dump["assembly_tokens_issued"]), len(countries))
		}
		if len(dump["assembly_round_keys"]) != 0 {
			t.Errorf("the round's signing key outlived the round")
		}
		found := 0
		for table, rows := range dump {
			for _, row := range rows {
				var who, what string
				for _, id := range identities {
					if strings.Contains(row, id) {
						who = id
					}
				}
				for _, d := range derived {
					if strings.Contains(row, d) {
						what = d
						found++
					}
				}
				// A country code alone is two letters (it appears inside
				// base64): the issued-token table is checked by column.
				if who != "" && what != "" {
					t.Errorf("table %s links %s to ballot data %s: %q", table, who, what, row)
				}
			}
		}
		if found < len(countries) {
			t.Fatalf("the dump found ballot data in %d rows: the scan does not see the board", found)
		}
		for _, row := range dump["assembly_tokens_issued"] {
			for _, d := range derived {
				if strings.Contains(row, d) {
					t.Errorf("assembly_tokens_issued holds ballot data: %q", row)
				}
			}
		}
		// The audit entries of token issuance name the round and the
		// country, nothing of the token.
		var es []core.AuditEntry
		f.Store.View(context.Background(), func(tx core.Tx) error {
			var err error
			es, err = tx.AuditEntries(0, 100000)
			return err
		})
		tokens := 0
		for _, e := range es {
			if e.Action == "assembly.token" {
				tokens++
			}
			if e.Action == "assembly.ballot" && (e.Remote != "" || e.ActorID != "") {
				t.Errorf("a ballot's audit entry names who or where: %+v", e)
			}
			text := fmt.Sprintf("%+v", e)
			for _, d := range derived {
				if strings.Contains(text, d) {
					t.Errorf("audit entry %d (%s) holds ballot data %s", e.Seq, e.Action, d)
				}
			}
		}
		if tokens != len(countries) {
			t.Errorf("%d token issuances audited, want %d", tokens, len(countries))
		}
	})
}

// TestAssemblyBadInput: each bad request gets its precise problem, and
// nothing is counted.
func TestAssemblyBadInput(t *testing.T) {
	forEachBackend(t, func(t *testing.T, f *fixture) {
		w := newAssemblyWorld(t, f, 2, []string{"MA", "FR", "ES"}, []string{"NG"})
		el := w.item(t, map[string]any{"kind": "election", "position": "host", "title": "Host of the 94th session"})
		var cands []string
		for _, c := range []string{"MA", "FR", "ES"} {
			r := f.do(t, "POST", "/api/v1/assembly/items/"+el+"/candidates", map[string]any{"country": c, "name": "A city of " + c}, w.heads[c])
			if r.Status != http.StatusCreated {
				t.Fatalf("candidacy: %s", r)
			}
			var it core.AgendaItem
			r.decode(t, &it)
			cands = append(cands, it.Candidates[len(it.Candidates)-1].ID)
		}
		// A bureau cannot put forward another country's candidate.
		wantProblem(t, f.do(t, "POST", "/api/v1/assembly/items/"+el+"/candidates", map[string]any{"country": "FR", "name": "Lyon"}, w.heads["MA"]), 403, "forbidden", "")
		if r := f.do(t, "POST", "/api/v1/assembly/items/"+el+"/candidates/"+cands[2]+"/withdraw", nil, w.heads["ES"]); r.Status != 200 {
			t.Fatalf("withdraw: %s", r)
		}
		rd := w.openRound(t, el)

		// Without accepted credentials: no token.
		b, _ := assembly.NewBallot(rd.PublicKey, nil)
		p := wantProblem(t, f.do(t, "POST", "/api/v1/assembly/rounds/"+rd.ID+"/tokens", map[string]any{"blinded": b.BlindedB64()}, w.heads["NG"]), 403, "forbidden", "")
		if !strings.Contains(p.Detail, "credentials pending") {
			t.Errorf("detail %q does not say the credentials are pending", p.Detail)
		}
		wantProblem(t, f.do(t, "POST", "/api/v1/assembly/rounds/"+rd.ID+"/tokens", map[string]any{"blinded": "not base64!"}, w.heads["MA"]), 422, "invalid", "blinded")
		wantProblem(t, f.do(t, "POST", "/api/v1/assembly/rounds/"+rd.ID+"/tokens", map[string]any{"blinded": "AAAA"}, w.heads["MA"]), 422, "invalid", "blinded")

		r := f.do(t, "POST", "/api/v1/assembly/rounds/"+rd.ID+"/tokens", map[string]any{"blinded": b.BlindedB64()}, w.heads["MA"])
		var tok assembly.TokenOutput
		r.decode(t, &tok)
		good, err := b.Finalize(tok.BlindSignature, cands[0])
		if err != nil {
			t.Fatal(err)
		}
		wantProblem(t, f.do(t, "POST", "/api/v1/assembly/rounds/"+rd.ID+"/tokens", map[string]any{"blinded": b.BlindedB64()}, w.heads["MA"]), 409, "conflict", "")

		withdrawn := good
		withdrawn.Choice = cands[2]
		p = wantProblem(t, f.do(t, "POST", "/api/v1/assembly/rounds/"+rd.ID+"/ballots", withdrawn, nil), 422, "invalid", "choice")
		if !strings.Contains(p.Errors[0].Reason, "withdrew") {
			t.Errorf("reason %q does not say the candidate withdrew", p.Errors[0].Reason)
		}
		forged := good
		forged.Token = base64.RawURLEncoding.EncodeToString([]byte("a token the server never signed!"))
		wantProblem(t, f.do(t, "POST", "/api/v1/assembly/rounds/"+rd.ID+"/ballots", forged, nil), 403, "forbidden", "")
		wantProblem(t, f.do(t, "POST", "/api/v1/assembly/rounds/"+rd.ID+"/ballots", map[string]any{"token": "", "signature": "", "choice": ""}, nil), 422, "invalid", "token")
		wantProblem(t, f.do(t, "POST", "/api/v1/assembly/rounds/"+rd.ID+"/ballots", strings.Repeat("x", assembly.DefaultKeyBits*8), nil), 413, "too_large", "")
		wantProblem(t, f.do(t, "POST", "/api/v1/assembly/rounds/01900000-0000-7000-8000-00000000dead/ballots", good, nil), 404, "not_found", "")

		if r := f.do(t, "POST", "/api/v1/assembly/rounds/"+rd.ID+"/ballots", good, nil); r.Status != http.StatusCreated {
			t.Fatalf("good ballot: %s", r)
		}
		wantProblem(t, f.do(t, "POST", "/api/v1/assembly/rounds/"+rd.ID+"/ballots", good, nil), 409, "conflict", "")

		// While open: the count stays hidden, the number of ballots shows.
		r = f.do(t, "GET", "/api/v1/assembly/rounds/"+rd.ID, nil, nil)
		if jsonField(r, "result") != nil || jsonField(r, "board_size").(float64) != 1 || jsonField(r, "tokens_issued").(float64) != 1 {
			t.Fatalf("open round shows %s", r)
		}
		r = f.do(t, "GET", "/api/v1/assembly/rounds/"+rd.ID+"/board", nil, nil)
		if es, _ := jsonField(r, "entries").([]any); len(es) != 0 {
			t.Fatalf("an open board shows its ballots: %s", r)
		}
		// Only the secretariat closes; then no ballot is taken.
		wantProblem(t, f.do(t, "POST", "/api/v1/assembly/rounds/"+rd.ID+"/close", nil, w.heads["MA"]), 403, "forbidden", "")
		if r := f.do(t, "POST", "/api/v1/assembly/rounds/"+rd.ID+"/close", nil, w.admin); r.Status != 200 {
			t.Fatalf("close: %s", r)
		}
		b2, _ := assembly.NewBallot(rd.PublicKey, nil)
		p = wantProblem(t, f.do(t, "POST", "/api/v1/assembly/rounds/"+rd.ID+"/tokens", map[string]any{"blinded": b2.BlindedB64()}, w.heads["FR"]), 409, "conflict", "")
		if !strings.Contains(p.Detail, "outside an open round") {
			t.Errorf("detail %q", p.Detail)
		}
		var board assembly.BoardFile
		f.do(t, "GET", "/api/v1/assembly/rounds/"+rd.ID+"/board", nil, nil).decode(t, &board)
		if board.Round.Result.Ballots != 1 || board.Round.Result.Counts[cands[0]] != 1 || len(assembly.VerifyBoard(&board).Problems) > 0 {
			t.Fatalf("counted %+v", board.Round.Result)
		}

		// Quorum not met: the session requires more than are accredited.
		w2 := newAssemblyWorld(t, f, 150, []string{"SA"}, nil)
		q := w2.item(t, map[string]any{"kind": "resolution", "title": "A question without quorum"})
		p = wantProblem(t, f.do(t, "POST", "/api/v1/assembly/items/"+q+"/rounds", map[string]any{}, w2.admin), 409, "conflict", "")
		if !strings.Contains(p.Detail, "quorum not met: 1 member countries present") || !strings.Contains(p.Detail, "150 required") {
			t.Errorf("quorum detail %q", p.Detail)
		}
		wantProblem(t, f.do(t, "POST", "/api/v1/assembly/sessions", map[string]any{"number": 0, "place": "", "starts_on": "24/11/2025", "ends_on": "2025-11-27"}, w.admin), 422, "invalid", "starts_on")
		wantProblem(t, f.do(t, "POST", "/api/v1/assembly/sessions", map[string]any{"number": 94, "place": "Fès", "starts_on": "2026-11-24", "ends_on": "2026-11-27"}, w.heads["MA"]), 403, "forbidden", "")
		// One delegation a country; one delegation a person.
		wantProblem(t, f.do(t, "POST", "/api/v1/assembly/sessions/"+w.sessionID+"/delegations", map[string]any{"country": "MA", "head": map[string]string{"name": "Another Delegate"}}, w.heads["MA"]), 409, "conflict", "")
		wantProblem(t, f.do(t, "POST", "/api/v1/assembly/sessions/"+w.sessionID+"/delegations", map[string]any{"country": "BR", "head": map[string]string{"name": "delegate  number 1"}}, w.admin), 422, "invalid", "head.name")
		wantProblem(t, f.do(t, "POST", "/api/v1/assembly/sessions/"+w.sessionID+"/delegations", map[string]any{"country": "BR", "proxy_for": "AR", "head": map[string]string{"name": "Delegate of BR"}}, w.admin), 422, "invalid", "proxy_for")
	})
}

// TestAssemblyEvents: opening, closing and the result reach every member
// over the event stream and webhooks.
func TestAssemblyEvents(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			cf := newCoopFixture(t, b, false)
			f := cf.fixture
			w := newAssemblyWorld(t, f, 1, []string{"MA", "FR"}, nil)
			// A bureau with no delegation hears too: the events go to every member.
			listener := f.user(t, "BR", core.RoleAdmin)
			sc := f.subscribe(t, listener, "")
			rc := newReceiver(t, 0)
			f.registerWebhook(t, listener, rc.URL, rc, "assembly.*")
			item := w.item(t, map[string]any{"kind": "resolution", "title": "Resolution on missing persons"})
			rd := w.openRound(t, item)
			if ev := sc.next(t, "assembly.vote_opened"); ev.Data["data"].(map[string]any)["round_id"] != rd.ID {
				t.Fatalf("vote_opened %+v", ev)
			}
			w.vote(t, rd, "MA", "yes")
			w.vote(t, rd, "FR", "no")
			sc.next(t, "assembly.vote_closed")
			ev := sc.next(t, "assembly.result")
			d := ev.Data["data"].(map[string]any)
			if d["outcome"] != "rejected" || d["board_root"] == "" || d["rule"] != "simple" {
				t.Fatalf("result event %+v", d)
			}
			rc.wait(t, "assembly.vote_opened")
			rc.wait(t, "assembly.result")
		})
	}
}

// TestAssemblyBallotNotLoggedWithAddress: the request log keeps no address
// for a ballot (it would link the ballot to the token request made from
// the same place), and keeps it for other routes.
func TestAssemblyBallotNotLoggedWithAddress(t *testing.T) {
	var buf bytes.Buffer
	var mu sync.Mutex
	st := storetest.OpenSQLite(t)
	a := newAuth(st)
	s := api.New(st, a, records.New(st), slog.New(slog.NewTextHandler(&lockedWriter{w: &buf, mu: &mu}, nil)), api.Config{Version: "test"})
	hs := httptest.NewServer(s.Handler())
	t.Cleanup(func() { hs.Close(); s.Close() })
	f := &fixture{Backend: "sqlite", Store: st, Auth: a, URL: hs.URL, client: hs.Client()}
	f.do(t, "POST", "/api/v1/assembly/rounds/01900000-0000-7000-8000-000000000000/ballots", map[string]string{"token": "x", "signature": "y", "choice": "yes"}, nil)
	f.do(t, "GET", "/api/v1/countries", nil, nil)
	mu.Lock()
	defer mu.Unlock()
	var ballot, other string
	for _, line := range strings.Split(buf.String(), "\n") {
		if strings.Contains(line, "/ballots") {
			ballot = line
		}
		if strings.Contains(line, "/api/v1/countries") {
			other = line
		}
	}
	if !strings.Contains(ballot, "remote=withheld") || strings.Contains(ballot, "127.0.0.1") {
		t.Errorf("ballot request logged as %q", ballot)
	}
	if !strings.Contains(other, "127.0.0.1") {
		t.Errorf("other requests lost their address: %q", other)
	}
}

type lockedWriter struct {
	w  *bytes.Buffer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
