package console_test

// The console's forms and pages refuse text that is not text (invalid
// UTF-8, NUL) with a 400 page in the user's language, on both stores,
// before any service or store sees it (issue 12, item 9); and forms
// larger than they may be, or sent as multipart, before their CSRF token
// is judged.

import (
	"bytes"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/manara-hub/manara/internal/core"
)

func TestConsoleRefusesInvalidText(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		e.user(t, "ma.officer", "MA", core.RoleOfficer, true)
		b := e.browser(t)
		b.signIn("ma.officer", "ar")
		wantRefused := func(what string) {
			t.Helper()
			if b.Code != http.StatusBadRequest || !strings.Contains(html.UnescapeString(b.Last), "يحتوي الطلب على نص غير صالح") {
				t.Fatalf("%s: want the 400 page saying the text is not valid, in Arabic; got %d\n%s", what, b.Code, b.Last)
			}
		}
		for _, bad := range []string{"\xff\xfe", "\xed\xa0\x80", "Doe\x00"} {
			b.get("/notices/new?type=yellow")
			b.post("/notices/new", url.Values{"type": {"yellow"}, "action": {"save"}, "family_name": {bad}, "given_names": {"Test"}})
			wantRefused("notice form")
			b.get("/screen")
			b.post("/screen", url.Values{"kind": {"person"}, "name": {"Karim " + bad}})
			wantRefused("screening form")
			b.get("/notices/" + url.PathEscape(bad))
			wantRefused("notice page")
			b.get("/records?q=" + url.QueryEscape(bad))
			if b.Code >= 500 {
				t.Fatalf("records page: %d", b.Code)
			}
			b.get("/audit?record=" + url.QueryEscape(bad))
			wantRefused("audit page")
		}
		// Before sign-in too.
		a := e.browser(t)
		a.get("/login?lang=ar")
		a.post("/login", url.Values{"username": {"ma.officer\xff"}, "password": {testPassword}})
		if a.Code != http.StatusBadRequest {
			t.Fatalf("login form: %d\n%s", a.Code, a.Last)
		}
	})
}

// TestConsoleFormBodyLimits: a form is read within a limit fitting it (1
// MiB; the notice request form, which carries a whole notice, 2 MiB)
// before its CSRF token is judged, so that a larger one is told "too
// large" (413, in the page's language), not taken for a forged form
// (403) as when net/http's own 10 MiB stopped it; a body announced larger
// is refused unread, and one sent in chunks at the limit. No console form
// sends a file: a multipart body, which net/http would spool to disk, is
// refused unread (415).
func TestConsoleFormBodyLimits(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		b := e.browser(t)
		b.get("/login?lang=fr")
		csrf := b.csrf()
		tooLarge := func(what string) {
			t.Helper()
			if b.Code != http.StatusRequestEntityTooLarge || !strings.Contains(html.UnescapeString(b.Last), "Ce formulaire est trop volumineux") {
				t.Errorf("%s: %d, want 413 with the page in French (forged form: %v)", what, b.Code, b.Code == http.StatusForbidden)
			}
		}
		signIn := url.Values{"csrf": {csrf}, "username": {"nobody"}, "password": {"wrong"}}
		t.Run("url-encoded", func(t *testing.T) {
			form := url.Values{"padding": {strings.Repeat("a", 11<<20)}}
			for k, v := range signIn {
				form[k] = v
			}
			b.post("/login", form)
			tooLarge("an 11 MiB sign-in form")
		})
		t.Run("chunked", func(t *testing.T) {
			// No Content-Length: the limit is met while reading.
			body := io.MultiReader(strings.NewReader(signIn.Encode()+"&padding="), strings.NewReader(strings.Repeat("a", 2<<20)))
			b.send("/login", "application/x-www-form-urlencoded", body)
			tooLarge("a 2 MiB sign-in form sent in chunks")
		})
		t.Run("multipart", func(t *testing.T) {
			b.postMultipart("/login", signIn, 12<<20)
			tooLarge("a 12 MiB multipart sign-in form")
			b.postMultipart("/login", signIn, 10)
			if b.Code != http.StatusUnsupportedMediaType || !strings.Contains(html.UnescapeString(b.Last), "format des envois de fichiers") {
				t.Errorf("a small multipart sign-in form: %d, want 415 with the page in French", b.Code)
			}
		})
		t.Run("notice form", func(t *testing.T) {
			e.user(t, "ma.officer", "MA", core.RoleOfficer, true)
			o := e.browser(t)
			o.signIn("ma.officer", "fr")
			form := func(padding int) url.Values {
				return url.Values{"type": {"red"}, "action": {"draft"}, "family_name": {"Zerhouni"}, "given_names": {"Karim"},
					"padding": {strings.Repeat("a", padding)}}
			}
			o.get("/notices/new?type=red")
			o.post("/notices/new", form(3<<19))
			if !strings.HasPrefix(o.At, "/notices/") || o.At == "/notices/new" || !strings.Contains(o.Last, "Zerhouni") {
				t.Errorf("a request form of 1.5 MiB: %d at %s, want its draft", o.Code, o.At)
			}
			o.get("/notices/new?type=red")
			o.post("/notices/new", form(5<<19))
			if o.Code != http.StatusRequestEntityTooLarge {
				t.Errorf("a request form of 2.5 MiB: %d, want 413", o.Code)
			}
			o.get("/screen")
			o.post("/screen", url.Values{"kind": {"person"}, "name": {"Karim Zerhouni"}, "padding": {strings.Repeat("a", 3<<19)}})
			if o.Code != http.StatusRequestEntityTooLarge {
				t.Errorf("a screening form of 1.5 MiB: %d, want 413", o.Code)
			}
		})
	})
}

// send posts body as contentType from this origin.
func (b *browser) send(path, contentType string, body io.Reader) string {
	b.t.Helper()
	req, _ := http.NewRequest("POST", b.e.URL+path, body)
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Origin", b.e.URL)
	r, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	return b.read(r)
}

// postMultipart sends fields and a file of size bytes as a multipart
// form, as a form with a file input does.
func (b *browser) postMultipart(path string, fields url.Values, size int) string {
	b.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	w, _ := mw.CreateFormFile("padding", "padding.bin")
	w.Write(bytes.Repeat([]byte{'b'}, size))
	mw.Close()
	return b.send(path, mw.FormDataContentType(), &body)
}
