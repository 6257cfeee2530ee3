package api_test

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/manara-hub/manara/internal/assembly"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/web/api"
)

// kekServer starts another server over f's store whose assembly holds
// kek, as a replica configured with --assembly-key would be.
func kekServer(t *testing.T, f *fixture, kek *assembly.KEK) *fixture {
	t.Helper()
	g := *f
	g.Auth = newAuth(f.Store)
	s := api.New(f.Store, g.Auth, f.Records, slog.New(slog.NewTextHandler(io.Discard, nil)), api.Config{Version: "test"})
	s.Assembly.KEK = kek
	hs := httptest.NewServer(s.Handler())
	t.Cleanup(func() { hs.Close(); s.Close() })
	g.URL, g.client = hs.URL, hs.Client()
	return &g
}

// loadKEK reads (or first creates) the KEK file at path, as serve does.
func loadKEK(t *testing.T, path string) *assembly.KEK {
	t.Helper()
	k, _, err := assembly.LoadOrCreateKEK(path)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// takeToken asks g for c's token of rd; it answers the response.
func takeToken(t *testing.T, w *assemblyWorld, g *fixture, rdID, publicKey, c string) (*resp, *assembly.Ballot) {
	t.Helper()
	b, err := assembly.NewBallot(publicKey, nil)
	if err != nil {
		t.Fatal(err)
	}
	return g.do(t, "POST", "/api/v1/assembly/rounds/"+rdID+"/tokens", map[string]any{"blinded": b.BlindedB64()}, w.heads[c]), b
}

// tokenTaken is what the delegation of c reads of its own token of rd.
func tokenTaken(t *testing.T, w *assemblyWorld, g *fixture, rdID, c string) assembly.TokenStatus {
	t.Helper()
	r := g.do(t, "GET", "/api/v1/assembly/rounds/"+rdID+"/tokens", nil, w.heads[c])
	if r.Status != 200 {
		t.Fatalf("tokens of %s: %s", c, r)
	}
	var out struct{ Items []assembly.TokenStatus }
	r.decode(t, &out)
	for _, s := range out.Items {
		if s.Country == c {
			return s
		}
	}
	t.Fatalf("no status for %s's own token: %s", c, r)
	return assembly.TokenStatus{}
}

// privateKeyIn reports the first way b (or something decoded from it:
// base64, hex, PEM, JSON strings) parses as a private key.
func privateKeyIn(b []byte, depth int) string {
	if depth > 3 || len(b) == 0 {
		return ""
	}
	if _, err := x509.ParsePKCS1PrivateKey(b); err == nil {
		return "PKCS#1"
	}
	if _, err := x509.ParsePKCS8PrivateKey(b); err == nil {
		return "PKCS#8"
	}
	if _, err := x509.ParseECPrivateKey(b); err == nil {
		return "SEC 1"
	}
	rest := b
	for {
		var blk *pem.Block
		blk, rest = pem.Decode(rest)
		if blk == nil {
			break
		}
		if how := privateKeyIn(blk.Bytes, depth+1); how != "" {
			return "PEM " + how
		}
	}
	s := strings.TrimSpace(string(b))
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if d, err := enc.DecodeString(s); err == nil {
			if how := privateKeyIn(d, depth+1); how != "" {
				return "base64 " + how
			}
		}
	}
	if d, err := hex.DecodeString(strings.TrimPrefix(s, `\x`)); err == nil {
		if how := privateKeyIn(d, depth+1); how != "" {
			return "hex " + how
		}
	}
	var v any
	if json.Unmarshal(b, &v) == nil {
		var walk func(v any) string
		walk = func(v any) string {
			switch x := v.(type) {
			case string:
				return privateKeyIn([]byte(x), depth+1)
			case []any:
				for _, e := range x {
					if how := walk(e); how != "" {
						return how
					}
				}
			case map[string]any:
				for _, e := range x {
					if how := walk(e); how != "" {
						return how
					}
				}
			}
			return ""
		}
		if how := walk(v); how != "" {
			return "JSON " + how
		}
	}
	return ""
}

// storeValues reads every value of every table of the store, as bytes.
func storeValues(t *testing.T, db *sql.DB, backend string) map[string][][]byte {
	t.Helper()
	out := map[string][][]byte{}
	for _, tb := range storeTables(t, db, backend) {
		eachRow(t, db, tb, func(vals []any) {
			for _, v := range vals {
				switch x := v.(type) {
				case []byte:
					out[tb] = append(out[tb], bytes.Clone(x))
				case string:
					out[tb] = append(out[tb], []byte(x))
				}
			}
		})
	}
	return out
}

// TestAssemblySigningKeyNotInStore: while a round is open, no value of
// any table of the store parses as a private key, in any encoding; the
// sealed key is there, bound to its round.
func TestAssemblySigningKeyNotInStore(t *testing.T) {
	// The scan finds a key where there is one, in each encoding.
	sk, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	der := x509.MarshalPKCS1PrivateKey(sk)
	p8, _ := x509.MarshalPKCS8PrivateKey(sk)
	jsonKey, _ := json.Marshal(map[string]any{"k": []string{base64.StdEncoding.EncodeToString(p8)}})
	for name, b := range map[string][]byte{"der": der, "base64": []byte(base64.StdEncoding.EncodeToString(der)), "hex": []byte(hex.EncodeToString(der)),
		"pem": pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: p8}), "json": jsonKey} {
		if privateKeyIn(b, 0) == "" {
			t.Fatalf("the scan misses a key in %s", name)
		}
	}
	forEachBackend(t, func(t *testing.T, f *fixture) {
		w := newAssemblyWorld(t, f, 2, []string{"MA", "FR", "ES"}, nil)
		rd := w.openRound(t, w.item(t, map[string]any{"kind": "resolution", "title": "Resolution on the training of forensic experts"}))
		w.vote(t, rd, "MA", "yes") // the key was opened and used
		values := storeValues(t, f.Store.DB(), f.Backend)
		if len(values["assembly_round_keys"]) == 0 {
			t.Fatalf("no sealed key in assembly_round_keys while the round is open")
		}
		for table, vs := range values {
			for _, v := range vs {
				if how := privateKeyIn(v, 0); how != "" {
					t.Errorf("table %s holds a usable private key (%s): %.80q", table, how, v)
				}
			}
		}
	})
}

// TestAssemblyKEKSharedByReplicas: a round opened on one server is
// signed on another that loads the same KEK file; a server with another
// KEK refuses with a clear problem, takes nothing, and the delegation
// still takes its token where the right key is.
func TestAssemblyKEKSharedByReplicas(t *testing.T) {
	forEachBackend(t, func(t *testing.T, f *fixture) {
		dir := t.TempDir()
		shared := filepath.Join(dir, "assembly.kek")
		a := kekServer(t, f, loadKEK(t, shared))
		b := kekServer(t, f, loadKEK(t, shared))
		other := kekServer(t, f, loadKEK(t, filepath.Join(dir, "other.kek")))
		w := newAssemblyWorld(t, f, 2, []string{"MA", "FR", "ES"}, nil)
		itemID := w.item(t, map[string]any{"kind": "resolution", "title": "Resolution on the exchange of fingerprint data"})
		r := a.do(t, "POST", "/api/v1/assembly/items/"+itemID+"/rounds", map[string]any{"closes_in_minutes": 10}, w.admin)
		if r.Status != http.StatusCreated {
			t.Fatalf("open round on A: %s", r)
		}
		var rd core.Round
		r.decode(t, &rd)

		// Another KEK: 503, saying so; the token is not marked taken.
		tr, _ := takeToken(t, w, other, rd.ID, rd.PublicKey, "FR")
		p := wantProblem(t, tr, http.StatusServiceUnavailable, "unavailable", "")
		if !strings.Contains(p.Detail, "sealed under assembly key") || !strings.Contains(p.Detail, "--assembly-key") {
			t.Errorf("the problem does not say the servers' keys differ: %s", tr)
		}
		if st := tokenTaken(t, w, a, rd.ID, "FR"); st.Taken {
			t.Errorf("a refused token is marked taken: %+v", st)
		}
		// The same KEK file on the second server: it signs, and the
		// ballot counts.
		for _, c := range []string{"MA", "FR"} {
			tr, ballot := takeToken(t, w, b, rd.ID, rd.PublicKey, c)
			if tr.Status != 200 {
				t.Fatalf("token of %s on B: %s", c, tr)
			}
			var tok assembly.TokenOutput
			tr.decode(t, &tok)
			in, err := ballot.Finalize(tok.BlindSignature, "yes")
			if err != nil {
				t.Fatalf("the signature made on B does not verify under the key made on A: %v", err)
			}
			if r := a.do(t, "POST", "/api/v1/assembly/rounds/"+rd.ID+"/ballots", in, nil); r.Status != http.StatusCreated {
				t.Fatalf("ballot of %s on A: %s", c, r)
			}
		}
	})
}

// TestAssemblySealedKeyBoundToRound: a sealed key copied into another
// round's row does not open there; no token is issued with it.
func TestAssemblySealedKeyBoundToRound(t *testing.T) {
	forEachBackend(t, func(t *testing.T, f *fixture) {
		w := newAssemblyWorld(t, f, 2, []string{"MA", "FR", "ES"}, nil)
		rdA := w.openRound(t, w.item(t, map[string]any{"kind": "resolution", "title": "Resolution on maritime piracy"}))
		rdB := w.openRound(t, w.item(t, map[string]any{"kind": "resolution", "title": "Resolution on stolen works of art"}))
		db := f.Store.DB()
		var sealedA []byte
		q, u := `SELECT signing_key FROM assembly_round_keys WHERE round_id = ?`, `UPDATE assembly_round_keys SET signing_key = ? WHERE round_id = ?`
		if f.Backend == "postgres" {
			q, u = `SELECT signing_key FROM assembly_round_keys WHERE round_id = $1`, `UPDATE assembly_round_keys SET signing_key = $1 WHERE round_id = $2`
		}
		if err := db.QueryRow(q, rdA.ID).Scan(&sealedA); err != nil {
			t.Fatal(err)
		}
		if res, err := db.Exec(u, sealedA, rdB.ID); err != nil {
			t.Fatal(err)
		} else if n, _ := res.RowsAffected(); n != 1 {
			t.Fatalf("%d rows updated", n)
		}
		tr, _ := takeToken(t, w, f, rdB.ID, rdB.PublicKey, "MA")
		p := wantProblem(t, tr, http.StatusServiceUnavailable, "unavailable", "")
		if !strings.Contains(p.Detail, "does not open for this round") {
			t.Errorf("the problem does not say the key is not this round's: %s", tr)
		}
		if st := tokenTaken(t, w, f, rdB.ID, "MA"); st.Taken {
			t.Errorf("a refused token is marked taken: %+v", st)
		}
		// A round whose key the upgrade deleted (it was in clear) says so.
		del := `DELETE FROM assembly_round_keys WHERE round_id = ?`
		if f.Backend == "postgres" {
			del = `DELETE FROM assembly_round_keys WHERE round_id = $1`
		}
		if _, err := db.Exec(del, rdB.ID); err != nil {
			t.Fatal(err)
		}
		tr, _ = takeToken(t, w, f, rdB.ID, rdB.PublicKey, "MA")
		if p := wantProblem(t, tr, http.StatusServiceUnavailable, "unavailable", ""); !strings.Contains(p.Detail, "has no signing key") {
			t.Errorf("the problem does not say the round has no key: %s", tr)
		}
		// Round A's own key still opens.
		if tr, _ := takeToken(t, w, f, rdA.ID, rdA.PublicKey, "MA"); tr.Status != 200 {
			t.Fatalf("token of round A: %s", tr)
		}
	})
}

// TestAssemblyTokenIssuanceVisible: a delegation reads whether its own
// token was taken and when, so a token taken in its name behind its back
// (a row written into the store) shows; it reads no other delegation's.
func TestAssemblyTokenIssuanceVisible(t *testing.T) {
	forEachBackend(t, func(t *testing.T, f *fixture) {
		w := newAssemblyWorld(t, f, 2, []string{"MA", "FR", "ES"}, nil)
		rd := w.openRound(t, w.item(t, map[string]any{"kind": "resolution", "title": "Resolution on cybercrime training"}))
		if st := tokenTaken(t, w, f, rd.ID, "MA"); st.Taken || st.TakenAt != nil || st.RoundID != rd.ID {
			t.Fatalf("before MA took its token: %+v", st)
		}
		w.vote(t, rd, "MA", "no")
		st := tokenTaken(t, w, f, rd.ID, "MA")
		if !st.Taken || st.TakenAt == nil || st.TakenAt.Before(rd.OpenedAt) {
			t.Fatalf("after MA took its token: %+v (round opened %v)", st, rd.OpenedAt)
		}
		// A row forged in FR's name, as a database administrator could.
		ins := `INSERT INTO assembly_tokens_issued (round_id, country) VALUES (?, ?)`
		if f.Backend == "postgres" {
			ins = `INSERT INTO assembly_tokens_issued (round_id, country) VALUES ($1, $2)`
		}
		if _, err := f.Store.DB().Exec(ins, rd.ID, "FR"); err != nil {
			t.Fatal(err)
		}
		if st := tokenTaken(t, w, f, rd.ID, "FR"); !st.Taken {
			t.Errorf("FR does not see the token taken in its name: %+v", st)
		}
		// Only a delegation's own: an officer is refused; ES sees its own
		// only.
		officer := f.user(t, "ES", core.RoleOfficer)
		wantProblem(t, f.do(t, "GET", "/api/v1/assembly/rounds/"+rd.ID+"/tokens", nil, officer), 403, "forbidden", "")
		r := f.do(t, "GET", "/api/v1/assembly/rounds/"+rd.ID+"/tokens", nil, w.heads["ES"])
		if r.Status != 200 || strings.Contains(string(r.Body), `"MA"`) || strings.Contains(string(r.Body), `"FR"`) {
			t.Errorf("ES reads more than its own token: %s", r)
		}
		wantProblem(t, f.do(t, "GET", "/api/v1/assembly/rounds/no-such-round/tokens", nil, w.heads["ES"]), 404, "not_found", "")
	})
}
