package main

import (
	"encoding/json"
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
// PostgreSQL when configured) and MA's national node as two processes.
// The node enrols at start with a token the hub's CLI printed; a
// diffusion released to MA at the hub reaches the node; the node restarts
// without a token (enrolled already); the peers' state is on the CLI.
func TestFederationProcesses(t *testing.T) {
	for _, backend := range backends(t) {
		t.Run(backend, func(t *testing.T) {
			hubStore := storeArgs(t, backend)
			hubStore = append(hubStore, "--federation-key", filepath.Join(t.TempDir(), "hub.key"))
			if out, code := cli(t, nil, append([]string{"migrate"}, hubStore[:2]...)...); code != 0 {
				t.Fatalf("migrate: %s", out)
			}
			out, code := cli(t, nil, append([]string{"federation", "enrol-token", "--bureau", "MA"}, hubStore[:2]...)...)
			token := ""
			for _, l := range strings.Split(out, "\n") {
				if strings.HasPrefix(l, "mfe_") {
					token = strings.TrimSpace(l)
				}
			}
			if code != 0 || token == "" {
				t.Fatalf("enrol-token: %d %s", code, out)
			}
			// A token for nobody: refused with the reason.
			if out, code := cli(t, nil, append([]string{"federation", "enrol-token", "--bureau", "XX"}, hubStore[:2]...)...); code == 0 || !strings.Contains(out, "bureau") {
				t.Fatalf("enrol-token for XX: %d %s", code, out)
			}
			hub := startServer(t, append(hubStore, "--role", "hub", "--metrics-token", strings.Repeat("m", 32))...)
			out, _ = cli(t, nil, append([]string{"key", "create", "--name", "fr", "--bureau", "FR", "--permissions", "records:read,records:write"}, hubStore[:2]...)...)
			frKey := ""
			for _, l := range strings.Split(out, "\n") {
				if strings.HasPrefix(l, "mnr_") {
					frKey = strings.TrimSpace(l)
				}
			}

			maData := t.TempDir()
			maKey := newKey(t, []string{"--data", maData}, "records:read")
			port := freePort(t)
			nodeArgs := []string{"--data", maData, "--role", "node", "--bureau", "MA", "--hub-url", hub.url, "--addr", "127.0.0.1:" + port,
				"--public-url", "http://127.0.0.1:" + port}
			node := startServer(t, append(nodeArgs, "--enrol-token", token)...)
			if !strings.Contains(node.logs.String(), "enrolled at the hub") {
				t.Fatalf("the node did not enrol:\n%s", node.logs)
			}

			// FR diffuses to MA at the hub: it reaches MA's node.
			body := `{"type":"blue","diffusion":true,"releasability":{"mode":"only","countries":["MA"]},"data":{"family_name":"Tazi","given_names":"Youssef","sex":"M","date_of_birth":"1981-05-02","nationalities":["FR"],"information_sought":"current address"}}`
			res, err := post(hub.url+"/api/v1/notices", frKey, body)
			if err != nil {
				t.Fatal(err)
			}
			raw, _ := io.ReadAll(res.Body)
			res.Body.Close()
			var n struct{ ID string }
			if res.StatusCode != http.StatusCreated || json.Unmarshal(raw, &n) != nil {
				t.Fatalf("diffusion at the hub: %d %s", res.StatusCode, raw)
			}
			waitFor(t, 20*time.Second, func() bool { return get(t, node.url+"/api/v1/notices/"+n.ID, maKey) == http.StatusOK }, "the diffusion to reach MA's node")

			// The hub's operators see the node; /metrics has its state.
			out, _ = cli(t, nil, append([]string{"federation", "peers"}, hubStore[:2]...)...)
			if !strings.Contains(out, "MA") || !strings.Contains(out, "active") {
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

			// Restarted without its token, the node keeps its enrolment.
			node.cmd.Process.Kill()
			<-node.done
			node = startServer(t, nodeArgs...)
			if get(t, node.url+"/api/v1/notices/"+n.ID, maKey) != http.StatusOK {
				t.Fatal("the node lost the diffusion across a restart")
			}
		})
	}
}

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
