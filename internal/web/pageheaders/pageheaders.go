// Package pageheaders sets the security headers of every HTML page the
// server shows — the officers' console and the public's pages (the
// citizen's report and its follow-up) — so that both keep one policy.
package pageheaders

import "net/http"

// ContentSecurityPolicy allows only the server's own scripts, styles,
// workers and form targets: no inline script, no framing by another site.
const ContentSecurityPolicy = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; worker-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"

// Set writes the headers of a page: its content security policy, no
// content sniffing, the referrer kept to the server, no framing (for
// browsers without frame-ancestors) and no caching (pages carry personal
// data, receipts and secrets).
func Set(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Content-Security-Policy", ContentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Cache-Control", "no-store")
}
