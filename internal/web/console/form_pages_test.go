package console

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestFormPagesCoverPostRoutes: every POST route of Mount names the page
// its form is on, and that page is a GET route of Mount: the language
// switcher of a refused form leads there, with the form's own path
// values, never to the POST's address (which answers a link with 404).
func TestFormPagesCoverPostRoutes(t *testing.T) {
	src, err := os.ReadFile("console.go")
	if err != nil {
		t.Fatal(err)
	}
	gets := http.NewServeMux()
	var posts []string
	for _, m := range regexp.MustCompile(`mux\.Handle(?:Func)?\("((GET|POST) [^"]+)"`).FindAllStringSubmatch(string(src), -1) {
		if m[2] == "GET" {
			gets.HandleFunc(m[1], func(http.ResponseWriter, *http.Request) {})
		} else {
			posts = append(posts, m[1])
		}
	}
	if len(posts) < 20 {
		t.Fatalf("found only %d POST routes in console.go: %v", len(posts), posts)
	}
	for _, pattern := range posts {
		if _, ok := formPages[pattern]; !ok {
			t.Errorf("%s: no page in formPages", pattern)
			continue
		}
		// Each path value is "a/b", which must stay one segment.
		target := strings.NewReplacer("{id}", "a%2Fb", "{iid}", "a%2Fb", "{rid}", "a%2Fb", "{pid}", "a%2Fb",
			"{username}", "a%2Fb", "{op}", "disable").Replace(strings.TrimPrefix(pattern, "POST "))
		var links []langLink
		mux := http.NewServeMux()
		mux.HandleFunc(pattern, func(_ http.ResponseWriter, r *http.Request) { links = langLinks(r) })
		form := url.Values{"next": {"/hits"}, "type": {"yellow"}, "lang": {"fr"}}
		r := httptest.NewRequest("POST", target, strings.NewReader(form.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		mux.ServeHTTP(httptest.NewRecorder(), r)
		if len(links) == 0 {
			t.Errorf("%s: no language links (request %s)", pattern, target)
			continue
		}
		for _, l := range links {
			u, err := url.Parse(l.URL)
			if err != nil {
				t.Fatalf("%s: link %q: %v", pattern, l.URL, err)
			}
			if got := u.Query().Get("lang"); got != l.Code {
				t.Errorf("%s: link %q names lang %q, want %q", pattern, l.URL, got, l.Code)
			}
			_, page := gets.Handler(httptest.NewRequest("GET", l.URL, nil))
			if page == "" || page == "/" {
				t.Errorf("%s: link %q is no page of the console", pattern, l.URL)
			} else if want := "GET " + formPages[pattern].path; page != want && (want != "GET /" || page != "GET /{$}") {
				t.Errorf("%s: link %q leads to %s, want %s", pattern, l.URL, page, want)
			}
			if strings.Contains(formPages[pattern].path, "{") && !strings.Contains(u.EscapedPath(), "a%2Fb") {
				t.Errorf("%s: link %q lost the path value", pattern, l.URL)
			}
		}
	}
	// What the page needs to show the same form is carried: the request
	// type, the destination after sign-in.
	for pattern, want := range map[string]string{"POST /notices/new": "type=yellow", "POST /login": "next=%2Fhits"} {
		r := httptest.NewRequest("POST", strings.TrimPrefix(pattern, "POST "), strings.NewReader("type=yellow&next=%2Fhits"))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.Pattern = pattern
		if l := langLinks(r)[0].URL; !strings.Contains(l, want) {
			t.Errorf("%s: link %q does not carry %s", pattern, l, want)
		}
	}
}
