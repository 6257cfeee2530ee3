package main

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/auth"
	"github.com/manara-hub/manara/internal/bench"
)

// TestUnknownFlagNamesCloseOnes: a mistyped flag is named with the flags
// that were probably meant, and a command without flags says so.
func TestUnknownFlagNamesCloseOnes(t *testing.T) {
	out, code := cli(t, nil, "serve", "--datta", "x")
	if code != 2 || !strings.Contains(out, "unknown flag --datta; did you mean --data?") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	out, code = cli(t, nil, "version", "--verbose")
	if code != 2 || !strings.Contains(out, "this command takes no flags") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
}

// TestUsageSummariesWhole: the command list shows whole first sentences,
// never a line cut where the summary wraps.
func TestUsageSummariesWhole(t *testing.T) {
	out, _ := cli(t, nil)
	if !strings.Contains(out, "loading the demo data if the store is empty, then print the URL and the demo logins.") {
		t.Fatalf("demo's summary is cut:\n%s", out)
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "  ") && strings.HasSuffix(strings.TrimSpace(line), ",") {
			t.Errorf("summary cut mid-sentence: %q", line)
		}
	}
	if got := firstSentence("Replace the store. Then more.\n  sub  list"); got != "Replace the store." {
		t.Errorf("firstSentence = %q", got)
	}
}

// TestNamesCompareExitStatus: every line is answered, and a bad one makes
// the exit status non-zero.
func TestNamesCompareExitStatus(t *testing.T) {
	run := func(input string) (string, int) {
		cmd := exec.Command(binary(t), "names", "compare")
		cmd.Stdin = strings.NewReader(input)
		out, err := cmd.CombinedOutput()
		if ee, ok := err.(*exec.ExitError); ok {
			return string(out), ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return string(out), 0
	}
	if out, code := run(`{"a":"Youssef El Alaoui","b":"يوسف العلوي"}` + "\n"); code != 0 || !strings.Contains(out, `"match":true`) {
		t.Fatalf("good input: exit %d\n%s", code, out)
	}
	out, code := run(`{"a":"x"}` + "\n" + `{"a":"Ali","b":"Aly"}` + "\n")
	if code != 1 || !strings.Contains(out, `"line":1`) || !strings.Contains(out, `"score"`) || !strings.Contains(out, "1 of 2 lines") {
		t.Fatalf("bad line: exit %d\n%s", code, out)
	}
}

// TestDemoChecksAddressFirst: demo refuses a taken address before it
// creates the store or loads anything.
func TestDemoChecksAddressFirst(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	data := filepath.Join(t.TempDir(), "store")
	out, code := cli(t, nil, "demo", "--addr", ln.Addr().String(), "--data", data)
	if code == 0 || !strings.Contains(out, "cannot listen on "+ln.Addr().String()) || strings.Contains(out, "Loading demo data") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	if _, err := os.Stat(data); !os.IsNotExist(err) {
		t.Fatalf("the store folder was created: %v", err)
	}
}

// TestAuditVerifyMissingStore: verifying a folder that holds no store says
// so and creates nothing (it used to make an empty store and call it intact).
func TestAuditVerifyMissingStore(t *testing.T) {
	data := filepath.Join(t.TempDir(), "absent")
	for _, sub := range [][]string{{"audit", "verify"}, {"audit", "checkpoint"}} {
		out, code := cli(t, nil, append(sub, "--data", data)...)
		if code == 0 || !strings.Contains(out, "no embedded store in "+data) {
			t.Fatalf("%v: exit %d\n%s", sub, code, out)
		}
		if _, err := os.Stat(data); !os.IsNotExist(err) {
			t.Fatalf("%v created %s: %v", sub, data, err)
		}
	}
}

// TestTOTPJoinsItsArguments: the secret as the enrolment page shows it,
// in groups of four (pasted unquoted, so one argument per group, in any
// case), gives the code of the whole secret.
func TestTOTPJoinsItsArguments(t *testing.T) {
	const secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
	before := auth.TOTPStepAt(time.Now())
	out, code := cli(t, nil, "totp", "JBSW", "Y3DP", "EHPK", "3PXP", "jbsw", "y3dp", "ehpk 3pxp")
	after := auth.TOTPStepAt(time.Now())
	if code != 0 {
		t.Fatalf("grouped secret: exit %d: %s", code, out)
	}
	got := strings.Fields(out)[0]
	want := map[string]bool{}
	for step := before; step <= after; step++ { // the run may cross a step
		c, err := auth.TOTPCode(secret, step)
		if err != nil {
			t.Fatal(err)
		}
		want[c] = true
	}
	if !want[got] {
		t.Fatalf("grouped secret gives %s, want the whole secret's code (one of %v)", got, want)
	}
}

// TestBenchSuitesAnswered: every suite the command accepts is described in
// its help and prints rows when named (meetings once printed nothing: the
// command accepted a suite Run had lost), and an unknown one is refused
// with the list.
func TestBenchSuitesAnswered(t *testing.T) {
	help, _ := cli(t, nil, "bench", "--help")
	for _, s := range bench.Suites() {
		if !strings.Contains(help, "  "+s+" ") {
			t.Errorf("bench --help does not describe the suite %q:\n%s", s, help)
		}
	}
	out, code := cli(t, nil, "bench", "--suite", "meetings")
	if code != 0 || !strings.Contains(out, "time to plan") {
		t.Fatalf("bench --suite meetings: exit %d:\n%s", code, out)
	}
	out, code = cli(t, nil, "bench", "--suite", "meeting")
	if code != 2 || !strings.Contains(out, `unknown suite "meeting": say one of lists, fixtures, scale, reports, meetings`) {
		t.Fatalf("unknown suite: exit %d:\n%s", code, out)
	}
}

// TestBenchFolderFlagsRefused: a --profile-dir or --trace-dir that cannot
// be made is refused before anything runs, naming the flag; a command
// refused for another flag makes no folder.
func TestBenchFolderFlagsRefused(t *testing.T) {
	file := filepath.Join(t.TempDir(), "a-file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, flag := range []string{"--profile-dir", "--trace-dir"} {
		out, code := cli(t, nil, "bench", "--suite", "meetings", flag, filepath.Join(file, "traces"))
		if code != 2 || !strings.Contains(out, flag+" must be a folder this user can create or write to") {
			t.Errorf("%s under a file: exit %d:\n%s", flag, code, out)
		}
	}
	dir := filepath.Join(t.TempDir(), "traces")
	out, code := cli(t, nil, "bench", "--suite", "meetings", "--trace-dir", dir, "--queries", "many")
	if code != 2 || !strings.Contains(out, "--queries must be a whole number") {
		t.Fatalf("bad --queries: exit %d:\n%s", code, out)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("a refused command made %s (%v)", dir, err)
	}
}
