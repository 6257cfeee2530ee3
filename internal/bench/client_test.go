package bench

import (
	"bufio"
	"bytes"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestReadResponse: the bench client's reader, on a real net/http server
// over keep-alive, reads each response whole (a body by Content-Length,
// a large one chunked, an error), so that the next one starts where it
// should; and refuses what is not a response it can frame.
func TestReadResponse(t *testing.T) {
	big := strings.Repeat("x", 10_000)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/small":
			w.Write([]byte(`{"hits":[],"count":0}`))
		case "/big": // past net/http's buffer: sent chunked
			for range 4 {
				w.Write([]byte(big))
				w.(http.Flusher).Flush()
			}
		default:
			http.Error(w, "no such thing", http.StatusNotFound)
		}
	}))
	defer ts.Close()
	conn, err := net.Dial("tcp", strings.TrimPrefix(ts.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	br := bufio.NewReaderSize(conn, 16<<10)
	for i, c := range []struct {
		path string
		want int
	}{{"/small", 200}, {"/big", 200}, {"/nothing", 404}, {"/small", 200}, {"/big", 200}, {"/small", 200}} {
		if _, err := conn.Write([]byte("GET " + c.path + " HTTP/1.1\r\nHost: x\r\n\r\n")); err != nil {
			t.Fatal(err)
		}
		got, err := readResponse(br)
		if err != nil || got != c.want {
			t.Fatalf("request %d (%s): status %d, %v; want %d", i, c.path, got, err, c.want)
		}
	}
	if br.Buffered() != 0 {
		t.Errorf("%d bytes left after the last response", br.Buffered())
	}
	for _, bad := range []string{
		"SSH-2.0-OpenSSH\r\n\r\n",
		"HTTP/1.1 2x0 OK\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: -4\r\n\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
		"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nbody",
		"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort",
	} {
		if st, err := readResponse(bufio.NewReader(strings.NewReader(bad))); err == nil {
			t.Errorf("%q: status %d and no error", bad, st)
		}
	}
}

// FuzzReadResponse: whatever a server sends, the client's reader returns
// a status or an error, never panics.
func FuzzReadResponse(f *testing.F) {
	f.Add([]byte("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}"))
	f.Add([]byte("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2;x=y\r\n{}\r\n0\r\nT: v\r\n\r\n"))
	f.Add([]byte("HTTP/1.0 404 Not Found\r\ncontent-length:0\r\n\r\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		readResponse(bufio.NewReader(bytes.NewReader(b)))
	})
}

// TestLoadClientCountsFailures: the load generator's own sockets report a
// server that hangs up and an address where nobody listens as failed
// requests, not as answers.
func TestLoadClientCountsFailures(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	bodies := [][]byte{[]byte(`{"name":"a"}`), []byte(`{"name":"b"}`), []byte(`{"name":"c"}`)}
	if r := run(ln.Addr().String(), "k", bodies, 2); r.failed != len(bodies) {
		t.Errorf("a server that hangs up: %d failed, want %d", r.failed, len(bodies))
	}
	addr := ln.Addr().String()
	ln.Close()
	if r := run(addr, "k", bodies, 1); r.failed != len(bodies) {
		t.Errorf("nobody listening: %d failed, want %d", r.failed, len(bodies))
	}
}
