package api_test

// The batch screening stream under a slow client: every line sent gets
// exactly one answer line, in order, or the stream ends with an error line
// that says where it stopped and why (issue 12, item 8).

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/store/storetest"
	"github.com/manara-hub/manara/internal/web/api"
)

type batchAnswer struct {
	Line  int      `json:"line"`
	ID    string   `json:"id"`
	Count int      `json:"count"`
	Error *problem `json:"error"`
}

// streamBatch posts lines to the batch endpoint through a pipe, a few
// lines at a time with a pause between chunks, reading the answer while
// it is still writing (as a slow curl --limit-rate does), and returns the
// answer lines.
func streamBatch(t *testing.T, f *fixture, c *caller, lines []string, chunk int, pause time.Duration) []batchAnswer {
	t.Helper()
	pr, pw := io.Pipe()
	go func() {
		for i := 0; i < len(lines); i += chunk {
			end := min(i+chunk, len(lines))
			if _, err := io.WriteString(pw, strings.Join(lines[i:end], "\n")+"\n"); err != nil {
				pw.CloseWithError(err)
				return
			}
			time.Sleep(pause)
		}
		pw.Close()
	}()
	return postBatch(t, f, c, pr)
}

// postBatch posts body to the batch endpoint as c and returns the answer
// lines, read while body may still be writing.
func postBatch(t *testing.T, f *fixture, c *caller, body io.Reader) []batchAnswer {
	t.Helper()
	req, err := http.NewRequest("POST", f.URL+"/api/v1/screen/batch", body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-ndjson")
	req.Header.Set("Authorization", "Bearer "+c.Key)
	res, err := f.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(res.Body)
		t.Fatalf("batch: status %d: %s", res.StatusCode, b)
	}
	return readAnswers(t, res.Body)
}

func readAnswers(t *testing.T, r io.Reader) []batchAnswer {
	t.Helper()
	var out []batchAnswer
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		var a batchAnswer
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			t.Fatalf("answer line %d %q: %v", len(out)+1, truncate(sc.Text(), 200), err)
		}
		out = append(out, a)
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("reading the answer after %d lines: %v", len(out), err)
	}
	return out
}

func TestBatchSlowClientLosesNoLine(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f := screenFixture(t, b)
			fr := f.key(t, "FR", core.PermScreen)
			const n = 3000
			lines := make([]string, n)
			for i := range lines {
				lines[i] = fmt.Sprintf(`{"id":"q%d","type":"identifier","value":"+33 6 12 34 %02d %02d"}`, i+1, (i/100)%100, i%100)
			}
			got := streamBatch(t, f, fr, lines, 50, time.Millisecond)
			if len(got) != n {
				knownBug(t, "12.8", "%d lines sent, %d answered", n, len(got))
			}
			for i, a := range got {
				if a.Line != i+1 || a.ID != fmt.Sprintf("q%d", i+1) || a.Error != nil {
					t.Fatalf("answer %d is %+v, want line %d id q%d without error", i, a, i+1, i+1)
				}
			}
		})
	}
}

// rawBatch sends head (headers included) and body over a bare connection,
// then closes its writing side, and returns the answer lines: a client
// that dies in the middle of its upload.
func rawBatch(t *testing.T, f *fixture, c *caller, contentLength int, body string) (int, []batchAnswer) {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(f.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /api/v1/screen/batch HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: application/x-ndjson\r\nContent-Length: %d\r\n\r\n%s",
		c.Key, contentLength, body)
	conn.(*net.TCPConn).CloseWrite()
	conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	return res.StatusCode, readAnswers(t, res.Body)
}

func TestBatchCutOrTooLargeSaysWhereItStopped(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f := screenFixture(t, b)
			fr := f.key(t, "FR", core.PermScreen)
			line := `{"type":"identifier","value":"+33 6 12 34 56 78"}`

			// The body is cut: the client promised more than it sent.
			body := strings.Repeat(line+"\n", 3) + `{"type":"ident`
			status, got := rawBatch(t, f, fr, len(body)+100, body)
			if status != http.StatusOK || len(got) != 4 {
				t.Fatalf("cut body: status %d, %d answer lines: %+v", status, len(got), got)
			}
			for i := 0; i < 3; i++ {
				if got[i].Line != i+1 || got[i].Error != nil {
					t.Fatalf("cut body: answer %d is %+v", i, got[i])
				}
			}
			last := got[3]
			if last.Line != 4 || last.Error == nil || !strings.Contains(last.Error.Detail, "line 4") || !strings.Contains(last.Error.Detail, "ended before") {
				t.Fatalf("cut body: the last answer must say the body ended early at line 4, got %+v", last)
			}

			// A line over the line limit stops the batch there, saying so.
			body = line + "\n" + `{"type":"person","name":"` + strings.Repeat("x", 70<<10) + `"}` + "\n" + line + "\n"
			status, got = rawBatch(t, f, fr, len(body), body)
			if status != http.StatusOK || len(got) != 2 || got[0].Error != nil || got[1].Line != 2 || got[1].Error == nil ||
				got[1].Error.Code != core.ETOOLARGE || !strings.Contains(got[1].Error.Detail, "line 2") {
				t.Fatalf("long line: status %d, answers %+v", status, got)
			}
		})
	}
}

func TestBatchOverTheByteLimit(t *testing.T) {
	if testing.Short() {
		t.Skip("sends 32 MiB")
	}
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f := screenFixture(t, b)
			fr := f.key(t, "FR", core.PermScreen)
			// Lines that fail fast (an unknown type) so that the test
			// measures reading, not screening.
			line := `{"type":"weather","pad":"` + strings.Repeat("x", 1000) + `"}`
			n := api.MaxBatchBytes/(len(line)+1) + 10
			lines := make([]string, n)
			for i := range lines {
				lines[i] = line
			}
			got := streamBatch(t, f, fr, lines, 2000, 0)
			lastFull := api.MaxBatchBytes / (len(line) + 1)
			if len(got) != lastFull+1 {
				t.Fatalf("%d answers for a body cut off after %d whole lines", len(got), lastFull)
			}
			for i, a := range got[:lastFull] {
				if a.Line != i+1 || a.Error == nil || a.Error.Code != "malformed" {
					t.Fatalf("answer %d: %+v", i, a)
				}
			}
			last := got[lastFull]
			if last.Line != lastFull+1 || last.Error == nil || last.Error.Code != core.ETOOLARGE || !strings.Contains(last.Error.Detail, fmt.Sprint(api.MaxBatchBytes)) {
				t.Fatalf("last answer: %+v", last)
			}
		})
	}
}
