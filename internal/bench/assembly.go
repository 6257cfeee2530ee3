package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"time"

	"github.com/manara-hub/manara/internal/assembly"
	"github.com/manara-hub/manara/internal/auth"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/members"
	"github.com/manara-hub/manara/internal/records"
	"github.com/manara-hub/manara/internal/web/api"
)

// assemblySuite runs a round with every member country voting at once
// through the HTTP API (embedded store): all 196 take their token
// together, then all cast together; the last ballot closes the round and
// publishes the result. It measures each phase and the independent
// verification of the board.
func assemblySuite(ctx context.Context, o Options) ([]Row, error) {
	st, done, err := tempStore(ctx, "assembly")
	if err != nil {
		return nil, err
	}
	defer done()
	a := auth.NewService(st)
	srv := api.New(st, a, records.New(st), slog.New(slog.NewTextHandler(io.Discard, nil)), api.Config{Version: "bench"})
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}}
	keys := map[string]string{}
	mint := func(bureau string) error {
		_, k, err := a.CreateKey(ctx, core.Viewer{System: true}, auth.NewKey{Name: "bench", Bureau: bureau, Permissions: []string{core.PermAdmin}})
		keys[bureau] = k
		return err
	}
	call := func(method, path, key string, in, out any) (int, error) {
		var body io.Reader
		if in != nil {
			raw, _ := json.Marshal(in)
			body = bytes.NewReader(raw)
		}
		req, _ := http.NewRequestWithContext(ctx, method, ts.URL+path, body)
		req.Header.Set("Content-Type", "application/json")
		if key != "" {
			req.Header.Set("Authorization", "Bearer "+key)
		}
		res, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		defer res.Body.Close()
		raw, _ := io.ReadAll(res.Body)
		if res.StatusCode >= 300 {
			return res.StatusCode, fmt.Errorf("%s %s: %d %s", method, path, res.StatusCode, raw)
		}
		if out != nil {
			return res.StatusCode, json.Unmarshal(raw, out)
		}
		return res.StatusCode, nil
	}
	if err := mint(members.Secretariat); err != nil {
		return nil, err
	}
	var countries []string
	for _, c := range members.All() {
		countries = append(countries, c.Alpha2)
		if err := mint(c.Alpha2); err != nil {
			return nil, err
		}
	}
	admin := keys[members.Secretariat]
	var ses core.AssemblySession
	if _, err := call("POST", "/api/v1/assembly/sessions", admin, assembly.SessionInput{Number: 93, Place: "Marrakech", StartsOn: "2025-11-24", EndsOn: "2025-11-27"}, &ses); err != nil {
		return nil, err
	}
	for i, c := range countries {
		var d core.Delegation
		if _, err := call("POST", "/api/v1/assembly/sessions/"+ses.ID+"/delegations", keys[c],
			assembly.DelegationInput{Country: c, Head: core.Person{Name: fmt.Sprintf("Head of delegation %03d", i)}}, &d); err != nil {
			return nil, err
		}
		if _, err := call("POST", "/api/v1/assembly/delegations/"+d.ID+"/credentials", admin, assembly.CredentialsInput{Decision: "accept"}, nil); err != nil {
			return nil, err
		}
	}
	for _, state := range []string{core.SessionConvened, core.SessionOpen} {
		if _, err := call("POST", "/api/v1/assembly/sessions/"+ses.ID+"/state", admin, map[string]string{"state": state}, nil); err != nil {
			return nil, err
		}
	}
	var it core.AgendaItem
	if _, err := call("POST", "/api/v1/assembly/sessions/"+ses.ID+"/items", admin, assembly.ItemInput{Kind: core.ItemResolution, Title: "Resolution of the bench"}, &it); err != nil {
		return nil, err
	}
	if _, err := call("POST", "/api/v1/assembly/items/"+it.ID+"/table", admin, nil, nil); err != nil {
		return nil, err
	}
	start := time.Now()
	var rd core.Round
	if _, err := call("POST", "/api/v1/assembly/items/"+it.ID+"/rounds", admin, assembly.RoundInput{ClosesInMinutes: 60}, &rd); err != nil {
		return nil, err
	}
	openTook := time.Since(start)
	o.logf("assembly: %d delegations accredited, round open in %v", len(countries), openTook.Round(time.Millisecond))

	// Phase 1: every delegation takes its token at once.
	ballots := make([]*assembly.Ballot, len(countries))
	sigs := make([]string, len(countries))
	errs := make([]error, len(countries))
	parallel := func(fn func(i int)) time.Duration {
		start := time.Now()
		var wg sync.WaitGroup
		for i := range countries {
			wg.Go(func() { fn(i) })
		}
		wg.Wait()
		return time.Since(start)
	}
	tokensTook := parallel(func(i int) {
		b, err := assembly.NewBallot(rd.PublicKey, nil)
		if err != nil {
			errs[i] = err
			return
		}
		ballots[i] = b
		var out assembly.TokenOutput
		_, errs[i] = call("POST", "/api/v1/assembly/rounds/"+rd.ID+"/tokens", keys[countries[i]], assembly.TokenInput{Blinded: b.BlindedB64()}, &out)
		sigs[i] = out.BlindSignature
	})
	if err := firstErr(errs); err != nil {
		return nil, err
	}
	// Phase 2: every ballot at once, unauthenticated; the last closes.
	latency := make([]time.Duration, len(countries))
	closing := time.Duration(0)
	var mu sync.Mutex
	choices := []string{"yes", "yes", "no", "abstain", "blank"}
	castTook := parallel(func(i int) {
		in, err := ballots[i].Finalize(sigs[i], choices[i%len(choices)])
		if err != nil {
			errs[i] = err
			return
		}
		var rc assembly.Receipt
		t := time.Now()
		_, errs[i] = call("POST", "/api/v1/assembly/rounds/"+rd.ID+"/ballots", "", in, &rc)
		latency[i] = time.Since(t)
		if errs[i] == nil && rc.Index == int64(len(countries)-1) {
			mu.Lock()
			closing = latency[i]
			mu.Unlock()
		}
	})
	if err := firstErr(errs); err != nil {
		return nil, err
	}
	var board assembly.BoardFile
	if _, err := call("GET", "/api/v1/assembly/rounds/"+rd.ID+"/board", "", nil, &board); err != nil {
		return nil, err
	}
	vstart := time.Now()
	v := assembly.VerifyBoard(&board)
	verifyTook := time.Since(vstart)
	slices.Sort(latency)
	accepted := len(board.Entries)
	closed := board.Round.State == core.RoundClosed && board.Round.Result != nil
	ds := fmt.Sprintf("assembly (%d delegations, SQLite, RSA-%d)", len(countries), assembly.DefaultKeyBits)
	rows := []Row{
		{ds, "ballots accepted", pct(accepted, len(countries)), "100%", met(accepted == len(countries))},
		{ds, "round closed and published by the last ballot", fmt.Sprint(closed), "true", met(closed)},
		{ds, "board verifies (signatures, tokens, root, tally)", fmt.Sprint(len(v.Problems) == 0), "true", met(len(v.Problems) == 0)},
		{ds, "open a round (key generation, quorum)", openTook.Round(time.Millisecond).String(), "", ""},
		{ds, "all tokens issued, at once", tokensTook.Round(time.Millisecond).String(), "", ""},
		{ds, "all ballots cast, at once", castTook.Round(time.Millisecond).String(), "", ""},
		{ds, "ballot latency p50 / p99", latency[len(latency)/2].Round(time.Millisecond).String() + " / " + latency[len(latency)*99/100].Round(time.Millisecond).String(), "", ""},
		{ds, "last ballot (tally, close, publish)", closing.Round(time.Millisecond).String(), "", ""},
		{ds, "verify-tally of the board", verifyTook.Round(time.Microsecond).String(), "", ""},
	}
	if len(v.Problems) > 0 {
		return rows, fmt.Errorf("the board does not verify: %v", v.Problems)
	}
	return rows, nil
}

func firstErr(errs []error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
