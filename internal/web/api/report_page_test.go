package api_test

import (
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/manara-hub/manara/internal/reports"
)

var (
	challengeRe = regexp.MustCompile(`name="challenge" value="([^"]+)" data-difficulty="(\d+)"`)
	receiptRe   = regexp.MustCompile(`R-\d{4}-[A-Z2-9]{8}`)
)

func getPage(t *testing.T, f *fixture, path, acceptLang string) string {
	t.Helper()
	req, _ := http.NewRequest("GET", f.URL+path, nil)
	if acceptLang != "" {
		req.Header.Set("Accept-Language", acceptLang)
	}
	res, err := f.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("GET %s: %d %s", path, res.StatusCode, res.Header.Get("Content-Type"))
	}
	return string(b)
}

// TestReportPage: the page renders in Arabic right to left, follows the
// browser's language, and its form works with the proof-of-work solved as
// the inline script would.
func TestReportPage(t *testing.T) {
	forEachBackend(t, func(t *testing.T, f *fixture) {
		ar := getPage(t, f, "/report?lang=ar", "")
		if !strings.Contains(ar, `<html lang="ar" dir="rtl">`) || !strings.Contains(ar, "التبليغ عن جريمة إلكترونية") {
			t.Fatalf("Arabic page: %.300s", ar)
		}
		if fr := getPage(t, f, "/report", "fr-FR,fr;q=0.9,en;q=0.5"); !strings.Contains(fr, `<html lang="fr" dir="ltr">`) {
			t.Errorf("Accept-Language fr: %.200s", fr)
		}
		m := challengeRe.FindStringSubmatch(ar)
		if m == nil {
			t.Fatal("no challenge in the form")
		}
		diff, _ := strconv.Atoi(m[2])
		form := url.Values{"category": {"phishing"}, "narrative": {"رسالة مزيفة من البنك تطلب الرمز"}, "phones": {"0612345678"}, "consent": {"1"}, "anonymous": {"1"},
			"challenge": {m[1]}, "counter": {reports.Solve(m[1], diff)}}
		res, err := f.client.PostForm(f.URL+"/report?lang=ar", form)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 201 || !receiptRe.Match(b) || !strings.Contains(string(b), `dir="rtl"`) {
			t.Fatalf("POST /report: %d %.500s", res.StatusCode, b)
		}
		// Without the work and too early: refused, with the reason on the page.
		form.Set("counter", "")
		form.Set("challenge", challengeRe.FindStringSubmatch(getPage(t, f, "/report?lang=en", ""))[1])
		res, _ = f.client.PostForm(f.URL+"/report?lang=en", form)
		b, _ = io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 422 || !strings.Contains(string(b), "pow:") {
			t.Errorf("no proof-of-work: %d %.300s", res.StatusCode, b)
		}
	})
}
