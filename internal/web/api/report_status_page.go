package api

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"mime/multipart"
	"net/http"
	"net/url"
	"path"
	"time"
	"unicode/utf8"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/files"
	"github.com/manara-hub/manara/internal/reports"
)

// The citizen's follow-up on the web, /report/status: a form asking for
// the receipt number and the secret, then the report's status, the unit's
// public messages and a form that adds information and files. It is the
// JSON API's follow-up (GET and POST /api/v1/public/reports/{receipt})
// in a page: the same service calls (the secret compared in constant
// time, every attempt audited), the same limits (failed attempts a minute
// per address; additions count as reports), the same validation.

// maxLookupBody bounds the lookup form: a receipt and a secret.
const maxLookupBody = 4 << 10

// fileNames are the names of the files a form sent in field (cleaned, at
// most a few, each clipped): what a refused page asks to attach again.
func fileNames(r *http.Request, field string) []string {
	if r.MultipartForm == nil {
		return nil
	}
	var out []string
	for _, fh := range r.MultipartForm.File[field] {
		name := files.CleanName(fh.Filename)
		if name == "" || fh.Size == 0 {
			continue
		}
		if len(name) > 80 {
			name = name[:80]
			for !utf8.ValidString(name) {
				name = name[:len(name)-1]
			}
			name += "…"
		}
		out = append(out, "«"+name+"»")
		if len(out) == reports.MaxAttachments+1 {
			break
		}
	}
	return out
}

func (s *Server) statusData(w http.ResponseWriter, r *http.Request) (pageData, bool) {
	d, err := s.pageData(pageLang(r))
	if err != nil {
		s.Log.Error("report status page", "error", err)
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return d, false
	}
	d.Title = "citizen.status.title"
	return d, true
}

func (s *Server) reportStatusGet(w http.ResponseWriter, r *http.Request) {
	if d, ok := s.statusData(w, r); ok {
		s.renderPage(w, http.StatusOK, d)
	}
}

// formError is a form the server could not read, as the report page says it.
func formError(err error) error {
	var max *http.MaxBytesError
	if errors.As(err, &max) {
		return core.Errorf(core.ETOOLARGE, "the form is larger than the limit of %d bytes", max.Limit)
	}
	return &core.Error{Code: emalformed, Message: "the form could not be read",
		Fields: []core.FieldError{{Field: "form", Reason: "is not a well-formed form: " + err.Error()}}}
}

// reportStatusPost opens the report of a receipt and secret.
func (s *Server) reportStatusPost(w http.ResponseWriter, r *http.Request) {
	d, ok := s.statusData(w, r)
	if !ok {
		return
	}
	v := core.Viewer{Remote: s.Remote(r)}
	fail := func(err error) {
		// The receipt is kept; the secret is typed again, never echoed.
		// PostForm, not PostFormValue: a refusal must not read the body.
		d.Form = url.Values{"receipt": {r.PostForm.Get("receipt")}}
		d.refuse(err)
		s.renderPage(w, statusOf(core.ErrorCode(err)), d)
	}
	// As on /report/status/add, a blocked address is refused before its
	// form is read.
	if s.followBlocked(v) {
		fail(s.followAllowed(w, v))
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxLookupBody)
	if err := r.ParseForm(); err != nil {
		fail(formError(err))
		return
	}
	if err := CheckForm(r); err != nil {
		fail(err)
		return
	}
	secret := r.PostFormValue("secret")
	f, err := s.Reports.Follow(r.Context(), v, r.PostFormValue("receipt"), secret)
	if err != nil {
		fail(s.followFailed(w, v, err))
		return
	}
	d.Follow, d.Secret = f, secret
	s.renderPage(w, http.StatusOK, d)
}

// readFiles reads the files of field, each up to the attachment limit
// (one byte more, so that the service names a file too large), at most
// one more than the service accepts (so that it counts them).
func readFiles(fhs []*multipart.FileHeader) ([]reports.Attachment, error) {
	var out []reports.Attachment
	for i, fh := range fhs {
		if i > reports.MaxAttachments || fh.Size == 0 && fh.Filename == "" {
			continue
		}
		f, err := fh.Open()
		if err != nil {
			return nil, err
		}
		b, err := io.ReadAll(io.LimitReader(f, reports.MaxAttachmentBytes+1))
		f.Close()
		if err != nil {
			return nil, err
		}
		out = append(out, reports.Attachment{Name: fh.Filename, Content: b})
	}
	return out, nil
}

// reportStatusAdd adds information and files to a report, then shows it.
func (s *Server) reportStatusAdd(w http.ResponseWriter, r *http.Request) {
	d, ok := s.statusData(w, r)
	if !ok {
		return
	}
	v := core.Viewer{Remote: s.Remote(r)}
	receipt, secret := "", ""
	fail := func(err error) {
		d.Reattach = fileNames(r, "files")
		if code := core.ErrorCode(err); code != core.ENOTFOUND && code != core.ERATELIMIT && receipt != "" {
			// Show the report again, with the text kept, if the receipt
			// and secret open it (a read, audited as such). The service
			// checks the text before the secret, so this may be the
			// secret's first try: a failed one counts as any failed
			// follow-up, and an address over its limits tries none.
			if f, ferr := s.Reports.Follow(r.Context(), v, receipt, secret); ferr == nil {
				d.Follow, d.Secret = f, secret
				d.Form = url.Values{"text": {r.FormValue("text")}}
			} else if lerr := s.followFailed(w, v, ferr); core.ErrorCode(lerr) == core.ERATELIMIT {
				err = lerr
			}
		}
		d.refuseFields(err, statusFields)
		if d.Follow == nil {
			d.Form = url.Values{"receipt": {receipt}}
		}
		s.renderPage(w, statusOf(core.ErrorCode(err)), d)
	}
	// The limits depend on the address alone: a blocked address is
	// refused before its body is read (up to MaxReportBody, spooled to
	// disk past 8 MiB), as on /report.
	if s.followBlocked(v) {
		fail(s.followAllowed(w, v))
		return
	}
	if err := s.rateAllowed(w, &s.reportLimit, v, orDefault(s.ReportRate, DefaultReportRate), "reports and additions"); err != nil {
		fail(err)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, MaxReportBody)
	if err := r.ParseMultipartForm(8 << 20); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		fail(formError(err))
		return
	}
	if err := CheckForm(r); err != nil {
		fail(err)
		return
	}
	receipt, secret = r.FormValue("receipt"), r.FormValue("secret")
	var in reports.AddInput
	in.Text = r.FormValue("text")
	if r.MultipartForm != nil {
		var err error
		if in.Attachments, err = readFiles(r.MultipartForm.File["files"]); err != nil {
			fail(core.Invalid(core.FieldError{Field: "attachments", Reason: "could not be read", Code: "unreadable"}))
			return
		}
	}
	f, err := s.Reports.Add(r.Context(), v, receipt, secret, in)
	if err != nil {
		fail(s.followFailed(w, v, err))
		return
	}
	d.Follow, d.Secret, d.Added = f, secret, true
	s.renderPage(w, http.StatusOK, d)
}

// assetTypes are the public pages' files and their types.
var assetTypes = map[string]string{".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}

func (s *Server) reportAsset(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	ct, ok := assetTypes[path.Ext(name)]
	b, err := fs.ReadFile(pageFS, "pages/assets/"+name)
	if !ok || err != nil || name != path.Base(name) {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	http.ServeContent(w, r, name, startTime, bytes.NewReader(b))
}

// reportPages registers the public pages: reporting, following a report,
// and their scripts and style.
func (s *Server) reportPages() {
	s.mux.Handle("GET /report", s.plain("/report", s.reportPageGet))
	s.mux.Handle("POST /report", s.plain("/report", s.reportPagePost))
	s.mux.Handle("GET /report/status", s.plain("/report/status", s.reportStatusGet))
	s.mux.Handle("POST /report/status", s.plain("/report/status", s.reportStatusPost))
	s.mux.Handle("POST /report/status/add", s.plain("/report/status/add", s.reportStatusAdd))
	s.mux.Handle("GET /report/assets/{name}", s.plain("/report/assets", s.reportAsset))
}

// startTime is the assets' modification time: they are built in.
var startTime = time.Now()
