package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestFederationProcesses runs the real binary: a hub (SQLite, and
// PostgreSQL when configured) and the national nodes of MA and ES, three
// OS processes on their own stores. The nodes enrol at start with tokens
// the hub's CLI printed; a diffusion released to MA at the hub reaches
// MA's node. Then the scenario: MA requests a Red Notice at its
// node restricted to ES and FR; the hub's reviewer publishes it; ES
// screens a Latin spelling at its own node and gets the hit; FR (no node)
// screens at the hub and sees it; NG (no node) screening at the hub is
// told only "possible hit — contact MA"; MA's node hears of every hit,
// and the owner's state change at MA's node reaches ES's node. The node
// restarts without a token (enrolled already); the peers' state is on
// the CLI.
func TestFederationProcesses(t *testing.T) {
	for _, backend := range backends(t) {
		t.Run(backend, func(t *testing.T) {
			hubStore := storeArgs(t, backend)
			hubStore = append(hubStore, "--federation-key", filepath.Join(t.TempDir(), "hub.key"))
			if out, code := cli(t, nil, append([]string{"migrate"}, hubStore[:2]...)...); code != 0 {
				t.Fatalf("migrate: %s", out)
			}
			enrolToken := func(bureau string) string {
				t.Helper()
				out, code := cli(t, nil, append([]string{"federation", "enrol-token", "--bureau", bureau}, hubStore[:2]...)...)
				for _, l := range strings.Split(out, "\n") {
					if strings.HasPrefix(l, "mfe_") {
						return strings.TrimSpace(l)
					}
				}
				t.Fatalf("enrol-token for %s: %d %s", bureau, code, out)
				return ""
			}
			maToken, esToken := enrolToken("MA"), enrolToken("ES")
			// A token for nobody: refused with the reason.
			if out, code := cli(t, nil, append([]string{"federation", "enrol-token", "--bureau", "XX"}, hubStore[:2]...)...); code == 0 || !strings.Contains(out, "bureau") {
				t.Fatalf("enrol-token for XX: %d %s", code, out)
			}
			frKey := keyFor(t, hubStore[:2], "FR", "records:read,records:write,screen")
			ngKey := keyFor(t, hubStore[:2], "NG", "screen")
			hub := startServer(t, append(hubStore, "--role", "hub", "--metrics-token", strings.Repeat("m", 32))...)
			reviewer := sessionFor(t, hubStore[:2], hub.url, "IPSG", "reviewer")

			// A node per bureau, each with its own store, keys made before
			// it starts (the CLI writes the store the node will open).
			type node struct {
				args          []string
				officer, scan string
				srv           *server
			}
			startNode := func(bureau, token string) *node {
				t.Helper()
				data := t.TempDir()
				n := &node{officer: keyFor(t, []string{"--data", data}, bureau, "records:read,records:write"),
					scan: keyFor(t, []string{"--data", data}, bureau, "screen")}
				port := freePort(t)
				n.args = []string{"--data", data, "--role", "node", "--bureau", bureau, "--hub-url", hub.url, "--addr", "127.0.0.1:" + port,
					"--public-url", "http://127.0.0.1:" + port}
				n.srv = startServer(t, append(n.args, "--enrol-token", token)...)
				if !strings.Contains(n.srv.logs.String(), "enrolled at the hub") {
					t.Fatalf("%s's node did not enrol:\n%s", bureau, n.srv.logs)
				}
				return n
			}
			ma, es := startNode("MA", maToken), startNode("ES", esToken)
			began := time.Now()
			lap := func(what string) { t.Logf("%5.1fs %s", time.Since(began).Seconds(), what) }

			// FR diffuses to MA at the hub: it reaches MA's node.
			body := `{"type":"blue","diffusion":true,"releasability":{"mode":"only","countries":["MA"]},"data":{"family_name":"Tazi","given_names":"Youssef","sex":"M","date_of_birth":"1981-05-02","nationalities":["FR"],"information_sought":"current address"}}`
			var diff struct{ ID string }
			if code := call(t, "POST", hub.url+"/api/v1/notices", frKey, body, &diff); code != http.StatusCreated {
				t.Fatalf("diffusion at the hub: %d", code)
			}
			waitFor(t, 20*time.Second, func() bool { return get(t, ma.srv.url+"/api/v1/notices/"+diff.ID, ma.officer) == http.StatusOK }, "the diffusion to reach MA's node")
			if get(t, es.srv.url+"/api/v1/notices/"+diff.ID, es.officer) != http.StatusNotFound {
				t.Fatal("ES's node received a diffusion released to MA only")
			}

			lap("diffusion at MA")
			// MA requests a Red Notice at its node, restricted to ES and FR.
			var n struct {
				ID      string `json:"id"`
				Version int64  `json:"version"`
				State   string `json:"state"`
			}
			if code := call(t, "POST", ma.srv.url+"/api/v1/notices", ma.officer, redRequest, &n); code != http.StatusCreated {
				t.Fatalf("request at MA's node: %d", code)
			}
			if code := call(t, "POST", ma.srv.url+"/api/v1/notices/"+n.ID+"/submit", ma.officer, fmt.Sprintf(`{"version":%d}`, n.Version), &n); code != http.StatusOK {
				t.Fatalf("submit at MA's node: %d", code)
			}
			// It reaches the hub's review queue; the reviewer publishes it.
			waitFor(t, 20*time.Second, func() bool {
				return call(t, "GET", hub.url+"/api/v1/notices/"+n.ID, reviewer, "", &n) == http.StatusOK && n.State == "submitted"
			}, "MA's request to reach the hub's review queue")
			if code := call(t, "POST", hub.url+"/api/v1/notices/"+n.ID+"/decision", reviewer, fmt.Sprintf(`{"decision":"publish","version":%d}`, n.Version), &n); code != http.StatusOK {
				t.Fatalf("publish at the hub: %d", code)
			}
			waitFor(t, 20*time.Second, func() bool { return get(t, es.srv.url+"/api/v1/notices/"+n.ID, es.officer) == http.StatusOK }, "the notice to reach ES's node")

			lap("published, at ES")
			// ES screens a Latin spelling at its border, at its own node.
			type answer struct {
				Hits []struct {
					ID         string `json:"id"`
					HitID      string `json:"hit_id"`
					Reference  string `json:"reference"`
					Restricted bool   `json:"restricted"`
					RecordID   string `json:"record_id"`
					Owner      string `json:"owner"`
				} `json:"hits"`
			}
			screenAt := func(url, key, q string) answer {
				t.Helper()
				var a answer
				if code := call(t, "POST", url+"/api/v1/screen/person", key, q, &a); code != http.StatusOK || len(a.Hits) == 0 {
					t.Fatalf("screening at %s: %d %+v", url, code, a)
				}
				return a
			}
			if a := screenAt(es.srv.url, es.scan, `{"name":"Abdelatif Kharoubi","date_of_birth":"1966-01-01","context":{"post":"Algeciras"}}`); a.Hits[0].RecordID != n.ID || a.Hits[0].Restricted {
				t.Fatalf("ES at its node: %+v", a)
			}
			// FR has no node: it screens at the hub and sees the record.
			if a := screenAt(hub.url, frKey, `{"name":"Abdelatif Kharoubi"}`); a.Hits[0].RecordID != n.ID || a.Hits[0].Restricted {
				t.Fatalf("FR at the hub: %+v", a)
			}
			// NG never received it: at the hub it is told only "possible hit".
			if a := screenAt(hub.url, ngKey, `{"name":"Abdelatif Kharoubi","date_of_birth":"1966-01-01"}`); !a.Hits[0].Restricted || a.Hits[0].RecordID != "" || a.Hits[0].Owner != "MA" {
				t.Fatalf("NG at the hub: %+v", a)
			}

			// MA's node hears of every hit on its notice.
			type hit struct {
				ID            string `json:"id"`
				RecordID      string `json:"record_id"`
				Searcher      string `json:"searcher"`
				OwnerState    string `json:"owner_state"`
				SearcherState string `json:"searcher_state"`
			}
			var page struct {
				Items []hit `json:"items"`
			}
			bySearcher := map[string]string{}
			waitFor(t, 30*time.Second, func() bool {
				call(t, "GET", ma.srv.url+"/api/v1/hits?side=owner", ma.officer, "", &page)
				for _, h := range page.Items {
					// ES's screening also went to the hub as a hit/no-hit
					// query, which made a hit there: ES's own is the one its
					// node keeps.
					if h.RecordID == n.ID && (h.Searcher != "ES" || get(t, es.srv.url+"/api/v1/hits/"+h.ID, es.officer) == http.StatusOK) {
						bySearcher[h.Searcher] = h.ID
					}
				}
				return bySearcher["ES"] != "" && bySearcher["FR"] != "" && bySearcher["NG"] != ""
			}, "MA's node to hear of ES's, FR's and NG's hits")

			lap("MA heard of the hits")
			// MA moves ES's hit on at its node: ES's node sees the owner's state.
			esHit := bySearcher["ES"]
			if code := call(t, "POST", ma.srv.url+"/api/v1/hits/"+esHit+"/state", ma.officer, `{"state":"being_checked"}`, nil); code != http.StatusOK {
				t.Fatalf("MA moves ES's hit: %d", code)
			}
			waitFor(t, 30*time.Second, func() bool {
				var h hit
				return call(t, "GET", es.srv.url+"/api/v1/hits/"+esHit, es.officer, "", &h) == http.StatusOK && h.OwnerState == "being_checked"
			}, "MA's state change to reach ES's node")

			lap("state change at ES")

			// MA changes its published notice at its node, and diffuses to
			// ES from there: both reach ES's node through the hub.
			type noticeData struct {
				Version int64 `json:"version"`
				Data    struct {
					Description string `json:"description"`
				} `json:"data"`
			}
			var cur noticeData
			call(t, "GET", ma.srv.url+"/api/v1/notices/"+n.ID, ma.officer, "", &cur)
			change := strings.Replace(redRequest, `"description":"tall"`, `"description":"scar on the left hand"`, 1)
			change = `{"reason":"new description","version":` + fmt.Sprint(cur.Version) + `,"data":` + change[strings.Index(change, `"data":`)+len(`"data":`):]
			if code := call(t, "PUT", ma.srv.url+"/api/v1/notices/"+n.ID, ma.officer, change, nil); code != http.StatusOK {
				t.Fatalf("change at MA's node: %d", code)
			}
			var maDiff struct{ ID string }
			if code := call(t, "POST", ma.srv.url+"/api/v1/notices", ma.officer, strings.Replace(body, `"countries":["MA"]`, `"countries":["ES"]`, 1), &maDiff); code != http.StatusCreated {
				t.Fatalf("diffusion at MA's node: %d", code)
			}
			waitFor(t, 30*time.Second, func() bool {
				var got noticeData
				return call(t, "GET", es.srv.url+"/api/v1/notices/"+n.ID, es.officer, "", &got) == http.StatusOK && got.Data.Description == "scar on the left hand" &&
					get(t, es.srv.url+"/api/v1/notices/"+maDiff.ID, es.officer) == http.StatusOK
			}, "MA's change and diffusion to reach ES's node")
			lap("change and diffusion from MA at ES")
			// The hub's operators see the nodes; /metrics has their state.
			out, _ := cli(t, nil, append([]string{"federation", "peers"}, hubStore[:2]...)...)
			if !strings.Contains(out, "MA") || !strings.Contains(out, "ES") || !strings.Contains(out, "active") {
				t.Fatalf("peers: %s", out)
			}
			req, _ := http.NewRequest("GET", hub.url+"/metrics", nil)
			req.Header.Set("Authorization", "Bearer "+strings.Repeat("m", 32))
			mres, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			metrics, _ := io.ReadAll(mres.Body)
			mres.Body.Close()
			if !strings.Contains(string(metrics), `manara_federation_peer_active{peer="MA"} 1`) {
				t.Fatalf("/metrics: no federation state for MA")
			}

			// The processes exchanged their audit checkpoints: the hub
			// verifies MA's log against the one it holds, on its store and
			// with its identity key.
			var vout string
			waitFor(t, 20*time.Second, func() bool {
				var code int
				vout, code = cli(t, nil, append([]string{"federation", "verify", "--peer", "MA", "--skew", "0s"}, hubStore...)...)
				return code == 0
			}, "the hub to hold MA's checkpoint and verify it")
			if !strings.Contains(vout, "ok") {
				t.Fatalf("verify: %s", vout)
			}
			// Nothing failed: a retry finds nothing to queue again, and
			// says so; without a peer it is a usage error.
			if rout, code := cli(t, nil, append([]string{"federation", "retry", "--peer", "ma"}, hubStore...)...); code != 0 || !strings.Contains(rout, "0 failed message(s) to MA considered") {
				t.Fatalf("retry: %d %s", code, rout)
			}
			if rout, code := cli(t, nil, append([]string{"federation", "retry"}, hubStore...)...); code == 0 || !strings.Contains(rout, "--peer is required") {
				t.Fatalf("retry without --peer: %d %s", code, rout)
			}

			// Restarted without its token, the node keeps its enrolment.
			ma.srv.cmd.Process.Kill()
			<-ma.srv.done
			ma.srv = startServer(t, ma.args...)
			if get(t, ma.srv.url+"/api/v1/notices/"+diff.ID, ma.officer) != http.StatusOK {
				t.Fatal("the node lost the diffusion across a restart")
			}
		})
	}
}

// redRequest is a Red Notice request of MA's, restricted to ES and FR
// (a fictitious person).
const redRequest = `{"type":"red","releasability":{"mode":"only","countries":["ES","FR"]},"data":{"family_name":"Kharroubi","given_names":"Abdellatif",` +
	`"name_original":"عبد اللطيف خروبي","sex":"M","date_of_birth":"1966-01-01","nationalities":["MA"],"description":"tall","languages":["ara","fra"],` +
	`"purpose":"prosecution","charges":[{"offence":"Drug trafficking","law":"Penal Code art. 2","max_penalty_years":10,"translation":"Trafic de stupéfiants"}],` +
	`"warrant":{"kind":"arrest_warrant","reference":"AW-2026-17","date":"2026-01-15","authority":"Court of Rabat","country":"MA"},"extradition_countries":["FR","ES"]}}`

func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return fmt.Sprint(l.Addr().(*net.TCPAddr).Port)
}

func get(t *testing.T, url, key string) int {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Authorization", "Bearer "+key)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0
	}
	res.Body.Close()
	return res.StatusCode
}

func waitFor(t *testing.T, d time.Duration, ok func() bool, what string) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
