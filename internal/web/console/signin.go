package console

import (
	"errors"
	"net/http"
	"net/url"
	"path"
	"strings"

	"github.com/manara-hub/manara/internal/auth"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/web/api"
)

// safeNext keeps a post-sign-in destination on this site: a path of its
// own, never a control character or space (browsers drop tabs and line
// breaks from a URL, so "/\t/evil.example" would be read as another
// site's "//evil.example"), never a backslash (browsers take it for a
// slash), never the sign-in page itself. It answers the path cleaned as
// http.Redirect would clean it, and judges that: the path written is not
// the one sent, and "/./\evil.example" only becomes another site's
// "/\evil.example" once cleaned.
func safeNext(s string) string {
	if !strings.HasPrefix(s, "/") || strings.ContainsRune(s, '\\') ||
		strings.ContainsFunc(s, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return "/"
	}
	if u, err := url.Parse(s); err != nil || u.Scheme != "" || u.Host != "" {
		return "/" // not a path a browser would read as written ("/%")
	}
	s = redirectClean(s)
	// Cleaning leaves neither today; checked all the same, since this is
	// the path the browser will read.
	if strings.HasPrefix(s, "//") || strings.HasPrefix(s, `/\`) || strings.HasPrefix(s, "/login") {
		return "/"
	}
	return s
}

// redirectClean is what http.Redirect makes of a path of this site
// before it writes it into Location: the part before any "?" cleaned,
// a final slash kept.
func redirectClean(s string) string {
	p, query, hasQuery := strings.Cut(s, "?")
	trailing := strings.HasSuffix(p, "/")
	p = path.Clean(p)
	if trailing && !strings.HasSuffix(p, "/") {
		p += "/"
	}
	if hasQuery {
		p += "?" + query
	}
	return p
}

func (c *Console) loginPage(q *req) error {
	p := c.newPage(q, "login", nil)
	p.Title = q.L.T("login.title")
	p.Form.Set("next", safeNext(q.r.URL.Query().Get("next")))
	return c.render(q, "login", http.StatusOK, p)
}

func (c *Console) loginPost(q *req) error {
	f := q.r.PostForm
	p := c.newPage(q, "login", nil)
	p.Title = q.L.T("login.title")
	p.Form.Set("username", f.Get("username"))
	p.Form.Set("next", safeNext(f.Get("next")))
	user, pass, code := strings.ToLower(strings.TrimSpace(f.Get("username"))), f.Get("password"), strings.TrimSpace(f.Get("code"))
	if user == "" {
		p.Errors["username"] = q.L.T("field.required")
	}
	if pass == "" {
		p.Errors["password"] = q.L.T("field.required")
	}
	if len(p.Errors) > 0 {
		return c.render(q, "login", http.StatusBadRequest, p)
	}
	token, _, err := c.API.Auth.LoginWithCode(q.r.Context(), user, pass, code, c.API.Remote(q.r))
	if err != nil {
		switch core.ErrorCode(err) {
		case core.EUNAUTHORIZED:
			p.Problem = "login.failed"
		case core.ESECONDFACTOR:
			p.Problem, p.Errors["code"] = "login.code_required", q.L.T("field.required")
		case core.ERATELIMIT:
			p.Problem = "error.ratelimit"
			var e *core.Error
			if errors.As(err, &e) && e.RetryAfter > 0 {
				q.w.Header().Set("Retry-After", api.RetryAfterSeconds(e.RetryAfter))
			}
			return c.render(q, "login", http.StatusTooManyRequests, p)
		default:
			return err
		}
		return c.render(q, "login", http.StatusUnauthorized, p)
	}
	http.SetCookie(q.w, &http.Cookie{Name: api.CookieName, Value: token, Path: "/", HttpOnly: true, Secure: c.Secure,
		SameSite: http.SameSiteLaxMode, Expires: c.Now().Add(auth.SessionTTL)})
	return c.redirect(q, p.Form.Get("next"))
}

func (c *Console) logout(q *req) error {
	if err := c.API.Auth.Logout(q.r.Context(), q.V, q.token); err != nil {
		return err
	}
	http.SetCookie(q.w, &http.Cookie{Name: api.CookieName, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: c.Secure, SameSite: http.SameSiteLaxMode})
	return c.redirect(q, "/login")
}

type enrolData struct {
	Secret, URI string
	Recovery    []string
}

func (c *Console) enrolPage(q *req) error {
	if q.totpOn {
		return c.redirect(q, "/")
	}
	secret, uri, err := c.API.Auth.BeginTOTP(q.r.Context(), q.V)
	if err != nil {
		return err
	}
	return c.show(q, "enrol", "enrol", "enrol.title", enrolData{Secret: groupSecret(secret), URI: uri})
}

func (c *Console) enrolPost(q *req) error {
	codes, err := c.API.Auth.ConfirmTOTP(q.r.Context(), q.V, q.r.PostFormValue("code"))
	if err != nil {
		fe, ok := fieldErrors(q.L, err, nil)
		if !ok {
			return err
		}
		secret, uri, err := c.API.Auth.BeginTOTP(q.r.Context(), q.V)
		if err != nil {
			return err
		}
		p := c.newPage(q, "enrol", enrolData{Secret: groupSecret(secret), URI: uri})
		p.Title, p.Errors = q.L.T("enrol.title"), fe
		p.Form.Set("code", q.r.PostFormValue("code"))
		return c.render(q, "enrol", http.StatusBadRequest, p)
	}
	p := c.newPage(q, "enrol", enrolData{Recovery: codes})
	p.Title = q.L.T("enrol.done")
	q.w.Header().Set("Cache-Control", "no-store")
	return c.render(q, "enrol", http.StatusOK, p)
}

// groupSecret shows a secret in groups of four, for typing it by hand.
func groupSecret(s string) string {
	var parts []string
	for len(s) > 4 {
		parts = append(parts, s[:4])
		s = s[4:]
	}
	return strings.Join(append(parts, s), " ")
}
