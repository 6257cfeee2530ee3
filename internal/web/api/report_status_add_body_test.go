package api_test

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/store/storetest"
	"github.com/manara-hub/manara/internal/web/api"
)

// TestStatusAddLimitBeforeBody: an address over the limits of reports
// and failed follow-ups is refused by the API (limits checked before the
// body is decoded), by POST /report and by POST /report/status/add
// (limits checked before ParseMultipartForm). Otherwise a blocked address
// could make the server read, buffer and spool as many 17 MiB bodies as
// it likes, or hold a handler with a body that trickles in. The refusal
// depends only on the address: it comes without the body.
func TestStatusAddLimitBeforeBody(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f, _ := newIndexedFixture(t, b, api.Config{Version: "test"}, func(s *api.Server) {
				s.Reports.PoW.Difficulty, s.ReportFollowRate, s.ReportRate = 4, 2, 1
			})
			rc := aReport(t, f) // uses the one report a minute
			for range 2 {
				f.do(t, "GET", "/api/v1/public/reports/"+rc.Receipt, nil, nil, "X-Report-Secret", "0123456789abcdef0123456789abcdef")
			}
			// Control: POST /report refuses a blocked address at once.
			host := strings.TrimPrefix(f.URL, "http://")
			for _, path := range []string{"/report", "/report/status/add"} {
				conn, err := net.Dial("tcp", host)
				if err != nil {
					t.Fatal(err)
				}
				// A large form is announced; only its start is sent.
				fmt.Fprintf(conn, "POST %s?lang=fr HTTP/1.1\r\nHost: %s\r\nContent-Type: multipart/form-data; boundary=XyZ\r\nContent-Length: %d\r\n\r\n", path, host, 16<<20)
				conn.Write([]byte("--XyZ\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\nla suite arrive lentement"))
				conn.SetReadDeadline(time.Now().Add(3 * time.Second))
				res, err := http.ReadResponse(bufio.NewReader(conn), nil)
				if err != nil {
					t.Errorf("%s from a blocked address: no answer after 3 s while the body trickles in (%v); the server reads the whole body before applying the address's limits", path, err)
				} else if res.StatusCode != http.StatusTooManyRequests {
					t.Errorf("%s from a blocked address: %d, want 429", path, res.StatusCode)
				}
				conn.Close()
			}
		})
	}
}
