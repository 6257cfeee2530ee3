// Package api serves Manara's HTTP JSON API under /api/v1, with health,
// readiness, metrics and the OpenAPI document. It owns transport only:
// authentication is asked of auth, decisions of access, and work of the
// domain services; errors are mapped to statuses in one place (problem.go).
package api

import (
	"context"
	"crypto/tls"
	"errors"
	"github.com/manara-hub/manara/internal/agreements"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"runtime/trace"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/manara-hub/manara/internal/accreditation"
	"github.com/manara-hub/manara/internal/assembly"
	"github.com/manara-hub/manara/internal/audit"
	"github.com/manara-hub/manara/internal/auth"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/events"
	"github.com/manara-hub/manara/internal/federation"
	"github.com/manara-hub/manara/internal/hits"
	"github.com/manara-hub/manara/internal/meetings"
	"github.com/manara-hub/manara/internal/messages"
	"github.com/manara-hub/manara/internal/notices"
	"github.com/manara-hub/manara/internal/records"
	"github.com/manara-hub/manara/internal/reports"
	"github.com/manara-hub/manara/internal/screen"
	"github.com/manara-hub/manara/internal/webhooks"
)

// Limits on request bodies.
const (
	MaxBodyBytes = 1 << 20 // JSON bodies
	CookieName   = "manara_session"
)

// Config is what the server needs besides its services.
type Config struct {
	// TrustProxy takes the client address from X-Forwarded-For, for a
	// server behind a load balancer that sets it.
	TrustProxy bool
	// SecureCookies marks the session cookie Secure (serve over TLS).
	SecureCookies bool
	Version       string
	// EventsHeartbeat is how often an idle event stream sends a comment
	// (default 15 s).
	EventsHeartbeat time.Duration
	// MetricsToken, if set, is a bearer token that shows the data metrics
	// on /metrics (as an API key with the admin permission does). Without
	// credentials /metrics shows only process metrics.
	MetricsToken string
	// TLS, if set, is served on the listener (HTTP/2 negotiated); with
	// client CAs it asks clients for a certificate (federation.MutualTLS).
	TLS *tls.Config
	// RequirePeerCert refuses the federation's peer routes (enrolment,
	// inbox) to a request without a client certificate that TLS verified
	// against the federation's CA: mutual TLS between hub and nodes.
	RequirePeerCert bool
}

// Server is the HTTP API.
type Server struct {
	Store   core.Store
	Auth    *auth.Service
	Records *records.Service
	Log     *slog.Logger
	Config  Config
	// Screen is the screening index; screening answers 503 until it is set.
	Screen *screen.Index
	// ReadAudit, if set, takes the audit entries of screenings in groups
	// (one disk sync for many); without it each is its own transaction.
	ReadAudit *audit.Writer
	// AuditSigner signs the audit log's checkpoints; without it the
	// checkpoint and verifier-key routes answer 503.
	AuditSigner *audit.Signer
	// Notices runs the notice life cycle; New sets one with the default
	// configuration, which the caller may replace.
	Notices *notices.Service
	// PublicRate is how many public notice requests an address may make a
	// minute (default DefaultPublicRate).
	PublicRate int
	// Hits, Messages and Webhooks are the cooperation services; Events
	// wakes event streams (and the webhook dispatcher) on a commit.
	Hits     *hits.Service
	Messages *messages.Service
	Webhooks *webhooks.Service
	Events   *events.Hub
	// Reports runs citizen reporting; New sets one for the bureau "MA",
	// which the caller may replace (--reports-bureau).
	Reports *reports.Service
	// ReportRate and ReportFollowRate limit, per address and minute,
	// report submissions and failed follow-ups (defaults DefaultReportRate
	// and DefaultReportFollowRate).
	ReportRate, ReportFollowRate int
	// Assembly runs the General Assembly; its events wake event streams.
	Assembly *assembly.Service
	// Meetings runs gatherings and their bilateral meetings.
	Meetings *meetings.Service
	// Agreements keeps the registry of agreements between bureaus.
	Agreements *agreements.Service
	// Accreditation screens gatherings' accreditation lists through this
	// server's screening path.
	Accreditation *accreditation.Service
	// Federation, if set, is this process's side of a federation (serve
	// --role hub or node); without it the federation routes answer 404.
	Federation *federation.Service

	// streams ends open event streams when the server shuts down, so that
	// a graceful shutdown is not held up by them.
	streams     context.Context
	stopStreams context.CancelFunc

	// refKey makes the references of answers that made no hit record
	// (see answerReference); read from the store once, under refMu.
	refMu  sync.Mutex
	refKey []byte

	// descriptions completes answer hits from the records they were found
	// in, each record decoded once per version (screen.Descriptions).
	descriptions screen.Descriptions

	publicLimit addressLimiter
	reportLimit addressLimiter
	followLimit addressLimiter
	mux         *http.ServeMux
	routes      []route
	registry    *prometheus.Registry // process metrics: open to anyone
	dataMetrics *prometheus.Registry // what describes the data: admin key or metrics token
	requests    *prometheus.CounterVec
	// denials counts refused credentials per address, so that a flood of
	// bad keys cannot write the audit log without end (see auditDenial).
	denials   *auth.AuditQuota
	unaudited prometheus.Counter
	latency   *prometheus.HistogramVec
}

// handler serves one authenticated route.
type handler func(w http.ResponseWriter, r *http.Request, v core.Viewer) error

type param struct{ Name, In, Description string }

type route struct {
	Method, Path string
	Summary      string
	Public       bool
	Body, Resp   string // schema names in the OpenAPI document
	Status       int
	Params       []param
	Stream       string // media type of a streamed response
	StreamIn     string // media type of a streamed request body
	StreamSchema string // schema of each streamed response line (default Record)
	MaxBody      int64  // body limit when larger than MaxBodyBytes
	// Peer marks a route other federation processes call: with
	// Config.RequirePeerCert, only over mutual TLS.
	Peer        bool
	Description string // longer than the summary, for the OpenAPI document
	// Problems are problem responses worth documenting apart from the
	// default one, by status.
	Problems map[int]string
	h        handler
}

// New builds the server and its routes.
func New(st core.Store, a *auth.Service, rs *records.Service, log *slog.Logger, cfg Config) *Server {
	s := &Server{Store: st, Auth: a, Records: rs, Log: log, Config: cfg, mux: http.NewServeMux(),
		registry: prometheus.NewRegistry(), dataMetrics: prometheus.NewRegistry()}
	s.Notices = notices.New(st)
	// A published or ended notice must reach the screening index as soon
	// as a record change does: through the same hook.
	s.Notices.Changed = func() {
		if s.Records != nil && s.Records.Changed != nil {
			s.Records.Changed()
		}
	}
	s.requests = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "manara_http_requests_total", Help: "HTTP requests by route and status."}, []string{"route", "status"})
	s.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "manara_http_request_duration_seconds", Help: "HTTP request latency by route.",
		Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5}}, []string{"route"})
	s.unaudited = prometheus.NewCounter(prometheus.CounterOpts{Name: "manara_auth_denials_unaudited_total",
		Help: "Refused credentials answered but not audited one by one: past MaxAuditedDenials from one address in the window."})
	s.denials = &auth.AuditQuota{Limiter: auth.NewLimiter(MaxAuditedDenials, DenialWindow), Unaudited: s.unaudited.Inc}
	if a != nil {
		// Sign-ins refused by the address limits (from the API or the
		// console, which share a) draw on the same quota.
		a.Denials = s.denials
	}
	s.registry.MustRegister(s.requests, s.latency, s.unaudited, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	// The store's size counts records the caller may not see: it is not
	// for anonymous eyes (see metrics).
	s.dataMetrics.MustRegister(federationCollector{s})
	s.dataMetrics.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "manara_records", Help: "Records in the store."}, s.countRecords))
	s.Events = events.NewHub()
	s.Hits, s.Messages, s.Webhooks = hits.New(st), messages.New(st), webhooks.New(st, nil)
	s.Hits.Notify, s.Messages.Notify = s.Events.Notify, s.Events.Notify
	s.Webhooks.EventTypes = webhookEvents
	s.streams, s.stopStreams = context.WithCancel(context.Background())
	s.Reports = reports.New(st, rs, s.Notices, "MA")
	s.Reports.Notify = s.Events.Notify
	s.Assembly = assembly.New(st)
	s.Assembly.Notify = s.Events.Notify
	s.Meetings = meetings.New(st)
	s.Meetings.Notify = s.Events.Notify
	s.Agreements = agreements.New(st)
	s.Agreements.Notify = s.Events.Notify
	s.Accreditation = accreditation.New(st, accreditationScreener{s})
	s.Accreditation.Notify = s.Events.Notify
	s.Accreditation.Log = log
	s.routes = s.apiRoutes()
	s.routes = append(s.routes, s.noticeRoutes()...)
	s.routes = append(s.routes, s.hitRoutes()...)
	s.routes = append(s.routes, s.reportRoutes()...)
	s.routes = append(s.routes, s.auditRoutes()...)
	s.routes = append(s.routes, s.assemblyRoutes()...)
	s.routes = append(s.routes, s.meetingRoutes()...)
	s.routes = append(s.routes, s.agreementRoutes()...)
	s.routes = append(s.routes, s.accreditationRoutes()...)
	s.routes = append(s.routes, s.federationRoutes()...)
	for _, rt := range s.routes {
		s.mux.Handle(rt.Method+" "+rt.Path, s.wrap(rt))
	}
	s.reportPages()
	s.mux.Handle("GET /healthz", s.plain("/healthz", s.healthz))
	s.mux.Handle("GET /readyz", s.plain("/readyz", s.readyz))
	s.mux.Handle("GET /metrics", s.plain("/metrics", s.metrics))
	s.mux.Handle("/api/", s.plain("/api/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, r, s.Log, core.Errorf(core.ENOTFOUND, "no such API route: %s %s", r.Method, r.URL.Path))
	}))
	return s
}

func (s *Server) countRecords() float64 {
	var n int64
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	s.Store.View(ctx, func(tx core.Tx) error {
		var err error
		n, err = tx.CountRecords()
		return err
	})
	return float64(n)
}

// StopStreams ends every open event stream (graceful shutdown does it
// by itself; tests that close a server call it first).
func (s *Server) StopStreams() { s.stopStreams() }

// Close ends every open event stream and waits until every repeat
// sighting handed to the hits service has been written. Call it once the
// server has stopped taking requests, before the read-audit writer and
// the store are closed.
func (s *Server) Close() {
	s.stopStreams()
	s.Hits.Flush()
}

// Handler returns the server's root handler.
func (s *Server) Handler() http.Handler { return s.mux }

// Mux lets other packages (the console) add their routes.
func (s *Server) Mux() *http.ServeMux { return s.mux }

// statusWriter remembers the status for logs and metrics.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// observe logs and measures a request, and turns a panic into a 500
// that tells the user nothing of the cause.
func (s *Server) observe(name string, w http.ResponseWriter, r *http.Request, serve func(*statusWriter) string) {
	start := time.Now()
	// A region per request for a runtime trace (manara bench --trace-dir,
	// or /debug/pprof/trace where it is served): next to nothing when no
	// trace is being taken.
	defer trace.StartRegion(r.Context(), name).End()
	sw := &statusWriter{ResponseWriter: w}
	actor := ""
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p)
			}
			s.Log.Error("panic", "route", name, "panic", p, "stack", string(debug.Stack()))
			if sw.status == 0 {
				writeError(sw, r, s.Log, core.Errorf(core.EINTERNAL, "internal error"))
			}
		}
		d := time.Since(start)
		status := sw.status
		if status == 0 {
			status = http.StatusOK
		}
		s.requests.WithLabelValues(name, strconv.Itoa(status)).Inc()
		s.latency.WithLabelValues(name).Observe(d.Seconds())
		level := slog.LevelInfo
		if name == "/healthz" || name == "/readyz" || name == "/metrics" {
			level = slog.LevelDebug
		}
		remote := s.Remote(r)
		if name == ballotRoute {
			// A ballot's address would link it to the token request
			// that came from the same place: it is not logged.
			remote = "withheld"
		}
		s.Log.Log(r.Context(), level, "request", "method", r.Method, "route", name, "path", r.URL.Path, "status", status,
			"duration_ms", float64(d.Microseconds())/1000, "remote", remote, "actor", actor)
	}()
	actor = serve(sw)
}

func (s *Server) plain(name string, h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.observe(name, w, r, func(sw *statusWriter) string { h(sw, r); return "" })
	})
}

func (s *Server) wrap(rt route) http.Handler {
	name := rt.Method + " " + rt.Path
	pathParams := pathParamNames(rt.Path)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.observe(name, w, r, func(sw *statusWriter) string {
			limit := int64(MaxBodyBytes)
			if rt.MaxBody > 0 {
				limit = rt.MaxBody
			}
			r.Body = http.MaxBytesReader(sw, r.Body, limit)
			// Before authentication: a key or secret that is not text
			// must not reach the store either.
			if err := CheckRequestText(r, pathParams); err != nil {
				writeError(sw, r, s.Log, err)
				return ""
			}
			v := core.Viewer{Remote: s.Remote(r)}
			if rt.Peer && s.Config.RequirePeerCert && (r.TLS == nil || len(r.TLS.VerifiedChains) == 0) {
				err := core.Errorf(core.EUNAUTHORIZED, "this route is for the federation's processes over mutual TLS: present a client certificate signed by the federation's CA")
				s.auditDenial(r, rt, err)
				writeError(sw, r, s.Log, err)
				return ""
			}
			if !rt.Public {
				var err error
				v, err = s.authenticate(r)
				if err != nil {
					s.auditDenial(r, rt, err)
					writeError(sw, r, s.Log, err)
					return ""
				}
			}
			if err := rt.h(sw, r, v); err != nil {
				writeError(sw, r, s.Log, err)
			}
			return v.ActorName()
		})
	})
}

// pathParamNames lists the {names} in a route pattern.
func pathParamNames(pattern string) []string {
	var out []string
	for _, seg := range strings.Split(pattern, "/") {
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
			out = append(out, strings.TrimSuffix(strings.Trim(seg, "{}"), "..."))
		}
	}
	return out
}

// credential is what a request authenticates with: an API key or, failing
// that, a session token (the cookie).
type credential struct{ key, session string }

// authenticate finds the caller from an API key (Authorization: Bearer or
// X-API-Key) or a session cookie. A cookie-authenticated request that
// changes state must come from our own origin.
func (s *Server) authenticate(r *http.Request) (core.Viewer, error) {
	c, err := requestCredential(r)
	if err != nil {
		return core.Viewer{}, err
	}
	return s.resolve(r.Context(), c, s.Remote(r))
}

// requestCredential reads the request's credential, without resolving it.
func requestCredential(r *http.Request) (credential, error) {
	key := r.Header.Get("X-API-Key")
	if h := r.Header.Get("Authorization"); key == "" && h != "" {
		scheme, token, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") {
			return credential{}, core.Errorf(core.EUNAUTHORIZED, "the Authorization header must be \"Bearer <API key>\"")
		}
		key = strings.TrimSpace(token)
	}
	if key != "" {
		return credential{key: key}, nil
	}
	c, err := r.Cookie(CookieName)
	if err != nil || c.Value == "" {
		return credential{}, auth.ErrNoCredentials
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead && !sameOrigin(r) {
		return credential{}, core.Errorf(core.EFORBIDDEN, "cross-site request refused")
	}
	return credential{session: c.Value}, nil
}

// resolve turns a credential into its viewer as it stands now, through
// the auth service: a revoked or expired key, an ended or expired session
// and a disabled user are refused. Every request is resolved here once;
// an open event stream is resolved here again and again (see
// eventStream), so that it ends when its credential does.
func (s *Server) resolve(ctx context.Context, c credential, remote string) (core.Viewer, error) {
	if c.key != "" {
		return s.Auth.KeyViewer(ctx, c.key, remote)
	}
	return s.Auth.SessionViewer(ctx, c.session, remote)
}

// viewerNow resolves a credential again and checks that its viewer may
// still do what a long request (an event stream, a batch) does: such a
// request ends when its key or session, or its role, no longer lets it
// go on, as any new request would be refused.
func (s *Server) viewerNow(ctx context.Context, c credential, remote string, may func(core.Viewer) error) (core.Viewer, error) {
	v, err := s.resolve(ctx, c, remote)
	if err == nil {
		err = may(v)
	}
	return v, err
}

// MaxAuditedDenials refused credentials from one address (an IPv6 /64)
// are audited one by one in DenialWindow. Past them a refusal is answered
// as before, and counted (manara_auth_denials_unaudited_total) rather than
// written: each entry is a write to the store, and a client sending bad
// keys without end would otherwise fill the log and take the writer's
// time from everyone. The refusal that reaches the limit says so in the
// log. Valid credentials from the same address are not held back: a
// border post behind one address keeps working beside a broken device.
const (
	MaxAuditedDenials = 100
	DenialWindow      = 15 * time.Minute
)

// auditDenial records a refused authentication, up to MaxAuditedDenials
// from an address in DenialWindow.
func (s *Server) auditDenial(r *http.Request, rt route, err error) {
	s.auditRefusal(r, "auth.denied", rt.Method+" "+rt.Path+": ", err)
}

// auditRefusal records a refused credential as action, its query the
// refusal's message after prefix, within the address's quota of audited
// refusals (MaxAuditedDenials in DenialWindow, shared by every route and
// by sign-ins refused by the address limits).
func (s *Server) auditRefusal(r *http.Request, action, prefix string, err error) {
	if core.ErrorCode(err) != core.EUNAUTHORIZED && core.ErrorCode(err) != core.EFORBIDDEN {
		return
	}
	remote := s.Remote(r)
	ok, note := s.denials.Admit(remote)
	if !ok {
		return
	}
	e := audit.Entry(core.Viewer{Remote: remote}, action, audit.Denied)
	e.Query = prefix + core.ErrorMessage(err) + note
	audit.Record(r.Context(), s.Store, e)
}

// sameOrigin accepts a request whose Origin (or, failing that, Referer)
// names this host, or that says it is same-origin via Sec-Fetch-Site.
func sameOrigin(r *http.Request) bool {
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" {
		return site == "same-origin" || site == "none"
	}
	origin := r.Header.Get("Origin")
	if origin == "" {
		origin = r.Header.Get("Referer")
	}
	if origin == "" {
		return true // not a browser: browsers send Origin on cross-site writes
	}
	_, rest, ok := strings.Cut(origin, "://")
	host, _, _ := strings.Cut(rest, "/")
	return ok && strings.EqualFold(host, r.Host)
}

// Remote is the client's address: behind a trusted proxy, the last
// X-Forwarded-For entry, the address the proxy itself saw (a proxy
// appends to what the client sent, so every entry before it is the
// client's to choose, and choosing a new one each time would slip past
// every per-address limit); else the connection's.
func (s *Server) Remote(r *http.Request) string {
	if s.Config.TrustProxy {
		xff := strings.Join(r.Header.Values("X-Forwarded-For"), ",")
		if i := strings.LastIndexByte(xff, ','); i >= 0 {
			xff = xff[i+1:]
		}
		if ip := net.ParseIP(strings.TrimSpace(xff)); ip != nil {
			return ip.String()
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok", "version": s.Config.Version})
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	if err := s.Store.Ready(ctx); err != nil {
		writeError(w, r, s.Log, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready", "store": s.Store.Backend()})
}

// ListenAndServe serves on addr until ctx ends, then shuts down gracefully:
// it stops accepting, and lets requests in flight finish (up to grace).
// ready, if not nil, receives the bound address once listening.
func (s *Server) ListenAndServe(ctx context.Context, addr string, grace time.Duration, ready func(net.Addr)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.Log.Handler(), slog.LevelWarn),
		// HTTP/2 with or without TLS (h2c with prior knowledge): the
		// federation's peers speak nothing else.
		Protocols: federation.Protocols(),
		TLSConfig: s.Config.TLS,
	}
	srv.RegisterOnShutdown(s.stopStreams)
	if ready != nil {
		ready(ln.Addr())
	}
	errc := make(chan error, 1)
	go func() {
		if s.Config.TLS != nil {
			errc <- srv.ServeTLS(ln, "", "")
			return
		}
		errc <- srv.Serve(ln)
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.Log.Info("shutting down: finishing requests in flight", "grace", grace)
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return err
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
