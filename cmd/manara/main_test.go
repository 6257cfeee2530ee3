package main

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/store/sqlite"
	"github.com/manara-hub/manara/internal/store/storetest"
)

// These tests run the real binary as a separate process: kill -9, SIGTERM
// and the command line are things only a process can show.

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

func binary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "manara-bin")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "manara")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// cli runs the binary to completion and returns its output and exit code.
func cli(t *testing.T, env []string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(binary(t), args...)
	cmd.Env = append(os.Environ(), env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), code
}

// server is a running `manara serve`.
type server struct {
	cmd  *exec.Cmd
	url  string
	done chan error
	logs *bytes.Buffer
}

var listenRE = regexp.MustCompile(`msg=listening addr=(\S+)`)

func startServer(t *testing.T, storeArgs ...string) *server {
	t.Helper()
	args := append([]string{"serve", "--addr", "127.0.0.1:0", "--log-level", "info"}, storeArgs...)
	cmd := exec.Command(binary(t), args...)
	if !slices.Contains(storeArgs, "--data") {
		// On PostgreSQL the audit signing key would go to ./manara-data.
		cmd.Env = append(os.Environ(), "MANARA_AUDIT_KEY="+filepath.Join(t.TempDir(), "audit.key"))
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{cmd: cmd, done: make(chan error, 1), logs: &bytes.Buffer{}}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Text()
			s.logs.WriteString(line + "\n")
			if m := listenRE.FindStringSubmatch(line); m != nil {
				found <- m[1]
			}
		}
		s.done <- cmd.Wait()
	}()
	t.Cleanup(func() { cmd.Process.Kill() })
	select {
	case addr := <-found:
		s.url = "http://" + addr
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("server did not start:\n%s", s.logs)
	}
	return s
}

// storeArgs gives the flags for a fresh store of a backend.
func storeArgs(t *testing.T, backend string) []string {
	if backend == "postgres" {
		return []string{"--db", storetest.FreshPostgres(t)}
	}
	return []string{"--data", t.TempDir()}
}

func backends(t *testing.T) []string {
	bs := []string{"sqlite"}
	if os.Getenv(storetest.EnvPostgres) != "" {
		bs = append(bs, "postgres")
	} else {
		t.Logf("PostgreSQL runs skipped: set %s to run them", storetest.EnvPostgres)
	}
	return bs
}

// newKey makes a user-independent API key for bureau MA with the CLI.
func newKey(t *testing.T, store []string, perms string) string {
	out, code := cli(t, nil, append([]string{"key", "create", "--name", "test", "--bureau", "MA", "--permissions", perms}, store...)...)
	if code != 0 {
		t.Fatalf("key create: %d %s", code, out)
	}
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "mnr_") {
			return strings.TrimSpace(l)
		}
	}
	t.Fatalf("no key in output: %s", out)
	return ""
}

func post(url, key, body string) (*http.Response, error) {
	req, _ := http.NewRequest("POST", url, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/json")
	return http.DefaultClient.Do(req)
}

const personBody = `{"kind":"person","releasability":{"mode":"all"},"data":{"family_name":"Kharroubi","given_names":"Abdellatif","name_original":"عبد اللطيف خروبي"}}`

// TestAcknowledgedWriteSurvivesKill writes records as fast as it can, kills
// the server with SIGKILL in the middle, restarts it and checks that every
// record whose creation was acknowledged is there.
func TestAcknowledgedWriteSurvivesKill(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b, func(t *testing.T) {
			store := storeArgs(t, b)
			key := newKey(t, store, "records:read,records:write")
			s := startServer(t, store...)
			var (
				mu    sync.Mutex
				acked []string
			)
			stop := make(chan struct{})
			var wg sync.WaitGroup
			for w := 0; w < 4; w++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for {
						select {
						case <-stop:
							return
						default:
						}
						resp, err := post(s.url+"/api/v1/records", key, personBody)
						if err != nil {
							return // the server died under us: not acknowledged
						}
						var rec struct{ ID string }
						json.NewDecoder(resp.Body).Decode(&rec)
						resp.Body.Close()
						if resp.StatusCode == http.StatusCreated {
							mu.Lock()
							acked = append(acked, rec.ID)
							mu.Unlock()
						}
					}
				}()
			}
			time.Sleep(1500 * time.Millisecond)
			if err := s.cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			<-s.done
			close(stop)
			wg.Wait()
			if len(acked) < 5 {
				t.Fatalf("only %d writes acknowledged before the kill", len(acked))
			}
			s2 := startServer(t, store...)
			for _, id := range acked {
				req, _ := http.NewRequest("GET", s2.url+"/api/v1/records/"+id, nil)
				req.Header.Set("Authorization", "Bearer "+key)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					t.Fatalf("acknowledged record %s is missing after kill -9: %d", id, resp.StatusCode)
				}
			}
			t.Logf("%d acknowledged writes all present after kill -9", len(acked))
			out, code := cli(t, nil, append([]string{"audit", "verify"}, store...)...)
			if code != 0 {
				t.Fatalf("audit chain broken after kill -9: %s", out)
			}
		})
	}
}

// TestGracefulShutdown sends SIGTERM while a request is in flight: the
// request completes, then the process exits cleanly.
func TestGracefulShutdown(t *testing.T) {
	store := storeArgs(t, "sqlite")
	key := newKey(t, store, "records:read,records:write")
	s := startServer(t, store...)
	pr, pw := io.Pipe()
	req, _ := http.NewRequest("POST", s.url+"/api/v1/records", pr)
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/json")
	type result struct {
		status int
		err    error
	}
	res := make(chan result, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			res <- result{0, err}
			return
		}
		resp.Body.Close()
		res <- result{resp.StatusCode, nil}
	}()
	// Send half the body, so the request is in flight, then SIGTERM.
	half := len(personBody) / 2
	pw.Write([]byte(personBody[:half]))
	time.Sleep(300 * time.Millisecond)
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	pw.Write([]byte(personBody[half:]))
	pw.Close()
	r := <-res
	if r.err != nil || r.status != http.StatusCreated {
		t.Fatalf("in-flight request: status %d, err %v\nlogs:\n%s", r.status, r.err, s.logs)
	}
	select {
	case err := <-s.done:
		if err != nil {
			t.Fatalf("server exited with %v\n%s", err, s.logs)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("server did not exit after SIGTERM")
	}
	if _, err := http.Get(s.url + "/healthz"); err == nil {
		t.Fatal("server still accepting after shutdown")
	}
}

// TestAuditVerifyDetectsTampering edits the embedded database directly and
// checks that `manara audit verify` exits non-zero naming the first entry
// that was altered, removed or reordered.
func TestAuditVerifyDetectsTampering(t *testing.T) {
	cases := []struct {
		name   string
		tamper []string
		want   string
	}{
		{"intact", nil, ""},
		{"altered", []string{`UPDATE audit_log SET outcome = 'denied' WHERE seq = 3`}, "entry 3: its content does not match its hash"},
		{"removed", []string{`DELETE FROM audit_log WHERE seq = 4`}, "entry 4: entries 4 to 4 are missing"},
		{"reordered", []string{
			`UPDATE audit_log SET seq = -2 WHERE seq = 2`,
			`UPDATE audit_log SET seq = 2 WHERE seq = 5`,
			`UPDATE audit_log SET seq = 5 WHERE seq = -2`,
		}, "entry 2: its previous-hash does not match entry 1"},
		{"removed at the end", []string{`DELETE FROM audit_log WHERE seq = (SELECT max(seq) FROM audit_log)`}, "missing (removed from the end)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			data := t.TempDir()
			for _, u := range []string{"alice", "bruno", "carla"} {
				out, code := cli(t, []string{"MANARA_PASSWORD=correct-horse-battery"}, "user", "add", "--data", data, "--username", u, "--bureau", "FR", "--role", "officer")
				if code != 0 {
					t.Fatalf("user add: %s", out)
				}
			}
			newKey(t, []string{"--data", data}, "records:read")
			cli(t, nil, "user", "disable", "--data", data, "--username", "bruno")
			db, err := sql.Open("sqlite", "file:"+sqlite.Path(data))
			if err != nil {
				t.Fatal(err)
			}
			for _, q := range c.tamper {
				if _, err := db.ExecContext(context.Background(), q); err != nil {
					t.Fatal(err)
				}
			}
			db.Close()
			out, code := cli(t, nil, "audit", "verify", "--data", data)
			if c.want == "" {
				if code != 0 || !strings.Contains(out, "audit chain intact: 5 entries") {
					t.Fatalf("intact chain: exit %d, %s", code, out)
				}
				return
			}
			if code != 1 || !strings.Contains(out, c.want) {
				t.Fatalf("exit %d, output %q; want exit 1 naming %q", code, out, c.want)
			}
		})
	}
}

// TestBackupRestore backs up a live store, changes it, restores, and finds
// the state of the backup.
func TestBackupRestore(t *testing.T) {
	data := t.TempDir()
	env := []string{"MANARA_PASSWORD=correct-horse-battery"}
	if out, code := cli(t, env, "user", "add", "--data", data, "--username", "before", "--bureau", "MA", "--role", "officer"); code != 0 {
		t.Fatal(out)
	}
	backup := filepath.Join(t.TempDir(), "b.db")
	if out, code := cli(t, nil, "backup", "--data", data, "--out", backup); code != 0 {
		t.Fatal(out)
	}
	if out, code := cli(t, nil, "backup", "--data", data, "--out", backup); code == 0 {
		t.Fatalf("backup over an existing file should fail: %s", out)
	}
	if out, code := cli(t, env, "user", "add", "--data", data, "--username", "after", "--bureau", "MA", "--role", "officer"); code != 0 {
		t.Fatal(out)
	}
	if out, code := cli(t, nil, "restore", "--data", data, "--from", backup); code != 0 {
		t.Fatal(out)
	}
	out, _ := cli(t, nil, "user", "list", "--data", data)
	if !strings.Contains(out, "before") || strings.Contains(out, "after") {
		t.Fatalf("after restore, users are:\n%s", out)
	}
	if out, code := cli(t, nil, "audit", "verify", "--data", data); code != 0 {
		t.Fatal(out)
	}
	garbage := filepath.Join(t.TempDir(), "garbage.db")
	os.WriteFile(garbage, []byte("not a database"), 0o600)
	if out, code := cli(t, nil, "restore", "--data", data, "--from", garbage); code == 0 {
		t.Fatalf("restoring garbage should fail: %s", out)
	}
}

// TestCommandsHelp checks that every command documents its flags and
// their environment variables.
func TestCommandsHelp(t *testing.T) {
	for _, c := range commands() {
		out, code := cli(t, nil, c.name, "--help")
		if code != 0 || !strings.Contains(out, "Usage: manara "+c.name) {
			t.Fatalf("%s --help: exit %d\n%s", c.name, code, out)
		}
		if c.name == "serve" {
			for _, want := range []string{"--addr", "--data", "--db", "--log-level", "--log-format", "$MANARA_DB", "$MANARA_DATA"} {
				if !strings.Contains(out, want) {
					t.Errorf("serve --help lacks %s", want)
				}
			}
		}
	}
	if out, code := cli(t, nil, "nonsense"); code != 2 || !strings.Contains(out, "unknown command") {
		t.Fatalf("unknown command: %d %s", code, out)
	}
	if out, code := cli(t, []string{"MANARA_PASSWORD=long-enough-password"}, "user", "add", "--data", t.TempDir(), "--username", "x", "--bureau", "ZZ", "--role", "pilot"); code == 0 ||
		!strings.Contains(out, "--bureau") || !strings.Contains(out, "--role") {
		t.Fatalf("bad user add should name the flags at fault: %d %s", code, out)
	}
	if out, code := cli(t, nil, "version"); code != 0 || !strings.HasPrefix(out, "manara ") {
		t.Fatalf("version: %d %s", code, out)
	}
}

// TestImportUNAndScreenAcrossScripts imports the UN list twice (the second
// run changes nothing), serves it, and screens a listed person by the
// Arabic-script name alone.
func TestImportUNAndScreenAcrossScripts(t *testing.T) {
	const un = "../../../shared/corpora/un/UN_consolidated.xml"
	if _, err := os.Stat(un); err != nil {
		t.Skipf("UN list not available (%v)", err)
	}
	data := t.TempDir()
	out, code := cli(t, nil, "import", "un", un, "--data", data)
	if code != 0 || !strings.Contains(out, "1003 created") {
		t.Fatalf("first import: %d\n%s", code, out)
	}
	out, code = cli(t, nil, "import", "un", un, "--data", data)
	if code != 0 || !strings.Contains(out, "0 created, 0 updated, 1003 unchanged, 0 cancelled") {
		t.Fatalf("second import is not idempotent: %d\n%s", code, out)
	}
	out, code = cli(t, nil, "key", "create", "--name", "border", "--bureau", "FR", "--permissions", "screen", "--data", data)
	if code != 0 {
		t.Fatal(out)
	}
	var key string
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "mnr_") {
			key = l
		}
	}
	s := startServer(t, "--data", data)
	resp, err := post(s.url+"/api/v1/screen/person", key, `{"name":"صدام حسين التكريتي"}`)
	if err != nil {
		t.Fatal(err)
	}
	var ans struct {
		Hits []struct {
			Score float64
			Label string
		}
	}
	json.NewDecoder(resp.Body).Decode(&ans)
	resp.Body.Close()
	if resp.StatusCode != 200 || len(ans.Hits) == 0 || !strings.Contains(ans.Hits[0].Label, "IQi.001") {
		t.Fatalf("screening صدام حسين التكريتي: %d %+v", resp.StatusCode, ans)
	}
	// The imported entries are INTERPOL–UN Special Notices: public, with
	// their numbers, persons and entities apart.
	for _, list := range []string{"persons", "entities"} {
		res, err := http.Get(s.url + "/notices/v1/un/" + list + "?resultPerPage=1")
		if err != nil {
			t.Fatal(err)
		}
		var page struct {
			Total    int `json:"total"`
			Embedded struct {
				Notices []struct {
					EntityID string `json:"entity_id"`
				} `json:"notices"`
			} `json:"_embedded"`
		}
		json.NewDecoder(res.Body).Decode(&page)
		res.Body.Close()
		if res.StatusCode != 200 || page.Total < 50 || len(page.Embedded.Notices) != 1 || !strings.Contains(page.Embedded.Notices[0].EntityID, "/") {
			t.Fatalf("public UN %s: %d %+v", list, res.StatusCode, page)
		}
	}
	if out, code := cli(t, nil, "audit", "verify", "--data", data); code != 0 {
		t.Fatal(out)
	}
}

// manara totp prints the current code of a secret and names what is
// wrong with a missing or malformed one.
func TestTOTPCommand(t *testing.T) {
	out, code := cli(t, nil, "totp")
	if code != 2 || !strings.Contains(out, "give the secret") {
		t.Fatalf("no secret: %d %s", code, out)
	}
	out, code = cli(t, nil, "totp", "not base32!!")
	if code == 0 || !strings.Contains(out, "not base32") {
		t.Fatalf("bad secret: %d %s", code, out)
	}
	out, code = cli(t, nil, "totp", "JBSWY3DPEHPK3PXP")
	if code != 0 || !regexp.MustCompile(`^\d{6}  \(valid for`).MatchString(out) {
		t.Fatalf("good secret: %d %s", code, out)
	}
}
