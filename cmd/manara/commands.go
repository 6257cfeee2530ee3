package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"golang.org/x/term"

	"github.com/manara-hub/manara/internal/audit"
	"github.com/manara-hub/manara/internal/auth"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/demo"
	"github.com/manara-hub/manara/internal/lang"
	"github.com/manara-hub/manara/internal/members"
	"github.com/manara-hub/manara/internal/notices"
	"github.com/manara-hub/manara/internal/records"
	"github.com/manara-hub/manara/internal/screen"
	"github.com/manara-hub/manara/internal/store/postgres"
	"github.com/manara-hub/manara/internal/store/sqlite"
	"github.com/manara-hub/manara/internal/store/sqlstore"
	"github.com/manara-hub/manara/internal/web/api"
	"github.com/manara-hub/manara/internal/web/console"
	"github.com/manara-hub/manara/internal/webhooks"
)

// storeFlags are the flags that choose a store.
type storeFlags struct{ data, db string }

func (s *storeFlags) add(c *command) {
	c.str(&s.data, "data", "MANARA_DATA", "./manara-data", "folder of the embedded store")
	c.str(&s.db, "db", "MANARA_DB", "", "PostgreSQL URL (postgres://user@host:5432/db); if set, the embedded store is not used")
}

func (s *storeFlags) open(ctx context.Context) (*sqlstore.Store, error) {
	if s.db != "" {
		return postgres.Open(ctx, s.db)
	}
	return sqlite.Open(s.data)
}

// mustExist refuses an embedded store that is not there, for the commands
// that only read one (verifying must not create an empty store and call it
// intact).
func (s *storeFlags) mustExist() error {
	if s.db != "" {
		return nil
	}
	if _, err := os.Stat(sqlite.Path(s.data)); err != nil {
		return fmt.Errorf("no embedded store in %s (%v): give the folder of an existing store with --data, or --db", s.data, errors.Unwrap(err))
	}
	return nil
}

// addressFree reports an error naming addr if nothing can listen on it now.
func addressFree(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("cannot listen on %s (is another server running there? choose another with --addr): %v", addr, err)
	}
	return ln.Close()
}

func (s *storeFlags) describe() string {
	if s.db != "" {
		return "PostgreSQL"
	}
	return "embedded store in " + s.data
}

// cliViewer is the operator at the machine's console: the system, marked
// as coming from the command line.
var cliViewer = core.Viewer{System: true, Remote: "cli"}

type serverFlags struct {
	storeFlags
	addr, logLevel, logFormat string
	trustProxy, secure        bool
	grace, retention          string
	silverQuota, silverPilot  string
	publicRate, attachmentDir string
	webhookAllow, eventPoll   string
	hitWindow, heartbeat      string
	feedPoll, metricsToken    string
	reports                   reportFlags
	auditKey                  auditKeyFlags
	assemblyKey               assemblyKeyFlags
	federation                federationFlags
}

func (f *serverFlags) add(c *command, defaultAddr string) {
	f.storeFlags.add(c)
	c.str(&f.addr, "addr", "MANARA_ADDR", defaultAddr, "address to listen on")
	c.str(&f.logLevel, "log-level", "MANARA_LOG_LEVEL", "info", "debug, info, warn or error")
	c.str(&f.logFormat, "log-format", "MANARA_LOG_FORMAT", "text", "text or json")
	c.boolean(&f.trustProxy, "trust-proxy", "MANARA_TRUST_PROXY", false, "take client addresses from X-Forwarded-For (behind one load balancer: its last entry, the address the balancer saw)")
	c.boolean(&f.secure, "secure-cookies", "MANARA_SECURE_COOKIES", false, "mark session cookies Secure (when served over HTTPS)")
	c.str(&f.grace, "shutdown-grace", "MANARA_SHUTDOWN_GRACE", "30s", "how long requests in flight may take to finish on SIGTERM")
	c.str(&f.retention, "retention-interval", "MANARA_RETENTION_INTERVAL", "1h", "how often to expire notices and records past retention and sweep orphan attachment files")
	c.str(&f.silverQuota, "silver-quota", "MANARA_SILVER_QUOTA", "500", "Silver Notices allowed at a time (submitted or published); 0 for no quota")
	c.str(&f.silverPilot, "silver-pilot", "MANARA_SILVER_PILOT", "", "comma-separated ISO codes of the Silver pilot's countries, which share the quota equally (empty: the quota is for all bureaus together)")
	c.str(&f.publicRate, "public-rate", "MANARA_PUBLIC_RATE", "300", "public notice API requests per minute per client address")
	c.str(&f.attachmentDir, "attachments-dir", "MANARA_ATTACHMENTS_DIR", "", "folder for notice attachments' bytes (empty: kept in the store)")
	c.str(&f.webhookAllow, "webhook-allow", "MANARA_WEBHOOK_ALLOW", "", "where webhooks may point: comma-separated CIDRs, addresses and host names (*.example.org); empty allows none")
	c.str(&f.eventPoll, "event-poll", "MANARA_EVENT_POLL", "250ms", "how often to look for events written by other replicas")
	c.str(&f.feedPoll, "feed-poll", "MANARA_FEED_POLL", "250ms", "how often the screening index looks for records written by other replicas")
	c.str(&f.hitWindow, "hit-window", "MANARA_HIT_WINDOW", "24h", "repeats of the same subject, record and place within this window fold into one hit")
	c.str(&f.heartbeat, "events-heartbeat", "MANARA_EVENTS_HEARTBEAT", "15s", "how often an idle event stream sends a heartbeat")
	c.str(&f.metricsToken, "metrics-token", "MANARA_METRICS_TOKEN", "", "bearer token that shows the data metrics on /metrics (besides admin API keys); empty: admin keys only")
	f.reports.add(c)
	f.auditKey.add(c)
	f.assemblyKey.add(c)
	f.federation.add(c)
}

// silverQuotaAndPublicRate reads the Silver Notice quota flags and the
// public pages' rate limit.
func (f *serverFlags) silverQuotaAndPublicRate() (notices.Quota, int, error) {
	total, err := strconv.Atoi(f.silverQuota)
	if err != nil || total < 0 {
		return notices.Quota{}, 0, usageErr{"--silver-quota must be a whole number, 0 for none"}
	}
	q := notices.Quota{Total: total}
	for _, c := range strings.Split(f.silverPilot, ",") {
		if c = strings.TrimSpace(c); c == "" {
			continue
		}
		m, ok := members.Lookup(c)
		if !ok {
			return notices.Quota{}, 0, usageErr{fmt.Sprintf("--silver-pilot: %q is not a member country's ISO code", c)}
		}
		q.Participants = append(q.Participants, m.Alpha2)
	}
	rate, err := strconv.Atoi(f.publicRate)
	if err != nil || rate < 1 {
		return notices.Quota{}, 0, usageErr{"--public-rate must be a whole number of at least 1"}
	}
	return q, rate, nil
}

func serveCmd() *command {
	c := newCommand("serve", "serve [flags]", "Run the server on the embedded store or on PostgreSQL.\nMigrations are applied at start.")
	var f serverFlags
	f.add(c, "127.0.0.1:8080")
	c.run = func(args []string) error {
		if err := c.parseFlags(args); err != nil {
			return err
		}
		return serve(f, false)
	}
	return c
}

func demoCmd() *command {
	c := newCommand("demo", "demo [flags]", "Run the server with the embedded store, loading the demo data if the store is empty,\nthen print the URL and the demo logins.")
	var f serverFlags
	f.add(c, "127.0.0.1:8080")
	c.run = func(args []string) error {
		if err := c.parseFlags(args); err != nil {
			return err
		}
		return serve(f, true)
	}
	return c
}

func serve(f serverFlags, withDemo bool) error {
	log, err := newLogger(f.logLevel, f.logFormat)
	if err != nil {
		return err
	}
	grace, err := time.ParseDuration(f.grace)
	if err != nil || grace <= 0 {
		return usageErr{"--shutdown-grace must be a duration such as 30s"}
	}
	retention, err := time.ParseDuration(f.retention)
	if err != nil || retention < time.Second {
		return usageErr{"--retention-interval must be a duration of at least 1s, such as 1h"}
	}
	allow, err := webhooks.ParseAllowlist(f.webhookAllow)
	if err != nil {
		return usageErr{"--webhook-allow: " + err.Error()}
	}
	if err := f.federation.check(f.addr); err != nil {
		return err
	}
	if t := f.metricsToken; t != "" && (len(t) < 24 || len(t) > 512) {
		return usageErr{"--metrics-token must be 24 to 512 characters (a random secret)"}
	}
	durations := map[string]*time.Duration{}
	for _, d := range []struct {
		flag, val string
		min       time.Duration
	}{{"event-poll", f.eventPoll, 10 * time.Millisecond}, {"feed-poll", f.feedPoll, 10 * time.Millisecond}, {"hit-window", f.hitWindow, time.Second}, {"events-heartbeat", f.heartbeat, time.Second}} {
		v, err := time.ParseDuration(d.val)
		if err != nil || v < d.min {
			return usageErr{fmt.Sprintf("--%s must be a duration of at least %s", d.flag, d.min)}
		}
		durations[d.flag] = &v
	}
	if withDemo {
		// Loading the demo takes a while; find out first that it can be served.
		if err := addressFree(f.addr); err != nil {
			return err
		}
	}
	ctx := runCtx
	if f.db == "" {
		// A restore would otherwise replace the file under the server,
		// which would go on acknowledging writes into the one moved aside.
		release, err := sqlite.Hold(f.data)
		if err != nil {
			return err
		}
		defer release()
	}
	st, err := f.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	n, err := st.Migrate(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		log.Info("migrated the store", "steps", n, "store", st.Backend())
	}
	if err := st.Update(ctx, func(tx core.Tx) error { return audit.CatchUp(tx) }); err != nil {
		return fmt.Errorf("audit tree: %w", err)
	}
	auditSigner, created, err := f.auditKey.signer(f.data)
	if err != nil {
		return err
	}
	if created {
		log.Info("audit checkpoint signing key created", "file", f.auditKey.path(f.data), "verifier_key", auditSigner.VerifierKey)
	}
	assemblyKEK, err := f.assemblyKey.load(f.auditKey.path(f.data), log)
	if err != nil {
		return err
	}
	authSvc := auth.NewService(st)
	recSvc := records.New(st)
	var logins []demo.Login
	loadReports := false
	if withDemo {
		empty, err := demo.Empty(ctx, st)
		if err != nil {
			return err
		}
		if empty {
			fmt.Fprintln(os.Stderr, "Loading demo data…")
			bar := newProgress(os.Stderr, "demo data")
			o := demo.Defaults
			o.Progress = bar.set
			if _, err := demo.Load(ctx, st, authSvc, recSvc, o); err != nil {
				return err
			}
			bar.done()
			loadReports = true
		}
		logins = demoLogins()
	}
	srv := api.New(st, authSvc, recSvc, log, api.Config{TrustProxy: f.trustProxy, SecureCookies: f.secure, Version: version, EventsHeartbeat: *durations["events-heartbeat"],
		MetricsToken: f.metricsToken})
	srv.Assembly.KEK = assemblyKEK
	con, err := console.New(srv)
	if err != nil {
		return fmt.Errorf("web console: %w", err)
	}
	con.Mount(srv.Mux())
	srv.Hits.Window = *durations["hit-window"]
	srv.Webhooks.Allow = allow
	noticeSvc := srv.Notices
	silver, rate, err := f.silverQuotaAndPublicRate()
	if err != nil {
		return err
	}
	noticeSvc.Quotas[notices.TypeSilver] = silver
	noticeSvc.AttachmentDir = f.attachmentDir
	srv.PublicRate = rate
	if err := f.reports.apply(srv); err != nil {
		return err
	}
	var demoGathering *core.Gathering
	if loadReports {
		if err := demo.LoadReports(ctx, srv.Reports); err != nil {
			return err
		}
		if demoGathering, err = demo.LoadMeetings(ctx, srv.Meetings, demo.Defaults.Seed); err != nil {
			return err
		}
		if _, err := demo.LoadAgreements(ctx, srv.Agreements, srv.Meetings, demoGathering); err != nil {
			return err
		}
	}
	if n, err := noticeSvc.Adopt(ctx); err != nil {
		return fmt.Errorf("adopt imported notices: %w", err)
	} else if n > 0 {
		log.Info("imported notices published", "count", n)
	}
	wake, accredWake := make(chan struct{}, 1), make(chan struct{}, 1)
	recSvc.Changed = func() {
		for _, c := range []chan struct{}{wake, accredWake} {
			select {
			case c <- struct{}{}:
			default:
			}
		}
	}
	idx := screen.New()
	start := time.Now()
	built := duringIndexBuild()
	seq, err := idx.Load(ctx, st, nil)
	if err != nil {
		return fmt.Errorf("build the screening index: %w", err)
	}
	built()
	stats := idx.Stats()
	log.Info("screening index built", "records", stats.Records, "persons", stats.Persons, "documents", stats.Documents,
		"identifiers", stats.Identifiers, "took", time.Since(start).Round(time.Millisecond))
	srv.Screen = idx
	readAudit := audit.NewWriter(st, log, 10_000, 5*time.Millisecond)
	defer readAudit.Close() // after the server has drained: every screening is written
	defer srv.Close()       // and every repeat sighting
	srv.ReadAudit = readAudit
	srv.AuditSigner = auditSigner
	go idx.Follow(ctx, st, seq, *durations["feed-poll"], wake, log)
	// Other replicas' events arrive by polling the stream's head; local
	// ones wake subscribers at once.
	go srv.Events.Follow(ctx, st, *durations["event-poll"], log)
	dispatcher := webhooks.NewDispatcher(st, allow, log)
	dispatcher.Wake = srv.Events.Changed
	go dispatcher.Run(ctx)
	if demoGathering != nil {
		// The accreditation list is screened through the index, and the
		// notice published during the session must reach it: now.
		if _, err := demo.LoadAccreditation(ctx, srv.Accreditation, noticeSvc, demoGathering.ID); err != nil {
			return err
		}
	}
	// Continuous screening of accreditation lists follows the same
	// change feed, after the index (it waits for the index to hold a
	// changed record before re-screening).
	go srv.Accreditation.Watch(ctx, *durations["feed-poll"], accredWake)
	go housekeeping(ctx, st, recSvc, noticeSvc, retention, log)
	if err := f.federation.start(ctx, srv, f.data, log); err != nil {
		return err
	}
	go closeDueRounds(ctx, srv.Assembly, 15*time.Second, log)
	return srv.ListenAndServe(ctx, f.addr, grace, func(a net.Addr) {
		log.Info("listening", "addr", a.String(), "store", f.describe())
		url := "http://" + a.String()
		if srv.Config.TLS != nil {
			url = "https://" + a.String()
		}
		if withDemo {
			fmt.Printf("\nManara is running at %s  (store: %s)\n\n", url, f.describe())
			fmt.Printf("Demo logins (password for all: %s):\n", demo.Password)
			w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
			for _, l := range logins {
				fmt.Fprintf(w, "  %s\t%s\t%s\n", l.Username, l.Role, l.Bureau)
			}
			w.Flush()
			fmt.Printf("\nTry: curl -s -c /tmp/manara.cookies -H 'Content-Type: application/json' -d '{\"username\":\"ma.officer\",\"password\":\"%s\"}' %s/api/v1/auth/login\n", demo.Password, url)
			fmt.Printf("     curl -s -b /tmp/manara.cookies %s/api/v1/records?limit=5\n", url)
			fmt.Printf("Web console: %s/login?lang=ar (or fr, en, es); at the first sign-in each user enrols a TOTP\n             authenticator app (no app? 'manara totp SECRET' prints the code of the secret the page shows).\n", url)
			fmt.Printf("API description: %s/api/v1/openapi.json   Press Ctrl-C to stop.\n\n", url)
		}
	})
}

// demoLogins lists the logins the demo generator creates.
func demoLogins() []demo.Login {
	out := []demo.Login{{Username: "ipsg.reviewer", Role: core.RoleReviewer, Bureau: "IPSG"}, {Username: "ipsg.admin", Role: core.RoleAdmin, Bureau: "IPSG"}}
	for _, c := range demo.Countries {
		for _, r := range []string{core.RoleOfficer, core.RoleSupervisor, core.RoleAnalyst, core.RoleAdmin} {
			out = append(out, demo.Login{Username: strings.ToLower(c) + "." + r, Role: r, Bureau: c})
		}
	}
	return out
}

// housekeeping expires notices, records past retention and old sessions,
// and sweeps the attachment folder of files no attachment names.
func housekeeping(ctx context.Context, st core.Store, rs *records.Service, ns *notices.Service, every time.Duration, log interface {
	Info(string, ...any)
	Error(string, ...any)
}) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		// Notices first: their expiry tells the bureaus and keeps the
		// workflow in step; the records job then finds nothing left of
		// them to expire.
		expired, warned, err := ns.ExpireDue(ctx)
		if err != nil && ctx.Err() == nil {
			log.Error("notice expiry job failed", "err", err)
		} else if expired+warned > 0 {
			log.Info("notices expired or expiring", "expired", expired, "warned", warned)
		}
		// Every replica sweeps the shared folder; the grace on a file's
		// age keeps each from taking another's upload in progress.
		if n, err := ns.SweepOrphans(ctx); err != nil && ctx.Err() == nil {
			log.Error("attachment folder sweep failed", "err", err)
		} else if n > 0 {
			log.Info("orphan attachment files removed", "count", n)
		}
		n, err := rs.ExpireDue(ctx)
		if err != nil && ctx.Err() == nil {
			log.Error("retention job failed", "err", err)
		} else if n > 0 {
			log.Info("records expired at the end of retention", "count", n)
		}
		st.Update(ctx, func(tx core.Tx) error { _, err := tx.DeleteExpiredSessions(time.Now()); return err })
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func migrateCmd() *command {
	c := newCommand("migrate", "migrate [flags]", "Apply the store's pending schema migrations and print its version.")
	var f storeFlags
	f.add(c)
	c.run = func(args []string) error {
		if err := c.parseFlags(args); err != nil {
			return err
		}
		st, err := f.open(runCtx)
		if err != nil {
			return err
		}
		defer st.Close()
		n, err := st.Migrate(runCtx)
		if err != nil {
			return fmt.Errorf("%s: %w", f.describe(), err)
		}
		applied, latest, err := st.MigrationStatus(runCtx)
		if err != nil {
			return err
		}
		fmt.Printf("%s: applied %d migration(s); schema at version %d of %d\n", f.describe(), n, applied, latest)
		return nil
	}
	return c
}

// openMigrated opens a store that commands other than migrate use.
func openMigrated(f storeFlags) (*sqlstore.Store, error) {
	st, err := f.open(runCtx)
	if err != nil {
		return nil, err
	}
	if _, err := st.Migrate(runCtx); err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}

// knownSubcommand reads a command's subcommand, one of subs (what says
// which).
func knownSubcommand(c *command, args []string, what string, subs []string) (string, error) {
	sub, err := c.subcommand(args, what)
	if err != nil {
		return "", err
	}
	if !slices.Contains(subs, sub) {
		return "", usageErr{fmt.Sprintf("unknown subcommand %q: %s", sub, what)}
	}
	return sub, nil
}

// openForSubcommand reads a command's subcommand, one of subs (what says
// which), and opens the store for it. Only the subcommand creates may make
// a store: the others, run in the wrong folder, would answer from an empty
// store made for them. f is a pointer because the flags are parsed here.
func openForSubcommand(c *command, args []string, f *storeFlags, what string, subs []string, creates string) (string, *sqlstore.Store, error) {
	sub, err := knownSubcommand(c, args, what, subs)
	if err != nil {
		return "", nil, err
	}
	if sub != creates {
		if err := f.mustExist(); err != nil {
			return "", nil, err
		}
	}
	st, err := openMigrated(*f)
	if err != nil {
		return "", nil, err
	}
	return sub, st, nil
}

func userCmd() *command {
	c := newCommand("user", "user add|list|disable|enable [flags]", "Manage users.\n  add      --username --bureau --role [--display-name --lang]; password from $MANARA_PASSWORD or standard input\n  list     [--bureau]\n  disable  --username\n  enable   --username")
	var f storeFlags
	f.add(c)
	var username, bureau, role, display, userLang string
	c.str(&username, "username", "", "", "the user's name")
	c.str(&bureau, "bureau", "", "", "ISO 3166 code of the user's bureau, or IPSG for the secretariat")
	c.str(&role, "role", "", "", "officer, supervisor, reviewer, analyst or admin")
	c.str(&display, "display-name", "", "", "name shown in the console")
	c.str(&userLang, "lang", "", "en", lang.List())
	c.run = func(args []string) error {
		// Only add may make a store (a new hub's first administrator).
		sub, st, err := openForSubcommand(c, args, &f, "say add, list, disable or enable", []string{"add", "list", "disable", "enable"}, "add")
		if err != nil {
			return err
		}
		defer st.Close()
		a := auth.NewService(st)
		switch sub {
		case "add":
			pw, err := readSecret("MANARA_PASSWORD", "Password for "+username+": ")
			if err != nil {
				return err
			}
			u, err := a.CreateUser(runCtx, cliViewer, auth.NewUser{Username: username, DisplayName: display, Bureau: bureau, Role: role, Lang: userLang, Password: pw})
			if err != nil {
				return describe(err)
			}
			fmt.Printf("created user %s (%s, %s), id %s\n", u.Username, u.Role, u.Bureau, u.ID)
		case "list":
			us, err := a.ListUsers(runCtx, cliViewer)
			if err != nil {
				return err
			}
			w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
			fmt.Fprintln(w, "USERNAME\tBUREAU\tROLE\tLANG\tSTATUS")
			for _, u := range us {
				if bureau != "" && !strings.EqualFold(u.Bureau, bureau) {
					continue
				}
				status := "active"
				if u.Disabled {
					status = "disabled"
				}
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", u.Username, u.Bureau, u.Role, u.Lang, status)
			}
			w.Flush()
		case "disable", "enable":
			if username == "" {
				return usageErr{"--username is required"}
			}
			u, err := a.SetDisabled(runCtx, cliViewer, username, sub == "disable")
			if err != nil {
				return describe(err)
			}
			fmt.Printf("user %s %sd\n", u.Username, sub)
		}
		return nil
	}
	return c
}

func keyCmd() *command {
	c := newCommand("key", "key create|revoke|list [flags]", "Manage API keys.\n  create  --name --bureau --permissions records:read,records:write [--expires YYYY-MM-DD]\n  revoke  --id\n  list")
	var f storeFlags
	f.add(c)
	var name, bureau, perms, expires, id string
	c.str(&name, "name", "", "", "what the key is for")
	c.str(&bureau, "bureau", "", "", "ISO 3166 code of the bureau the key acts for")
	c.str(&perms, "permissions", "", "records:read", "comma-separated: "+strings.Join(core.Permissions, ", "))
	c.str(&expires, "expires", "", "", "expiry date (YYYY-MM-DD or RFC 3339); none if empty")
	c.str(&id, "id", "", "", "the key's id, for revoke")
	c.run = func(args []string) error {
		sub, st, err := openForSubcommand(c, args, &f, "say create, revoke or list", []string{"create", "revoke", "list"}, "create")
		if err != nil {
			return err
		}
		defer st.Close()
		a := auth.NewService(st)
		switch sub {
		case "create":
			n := auth.NewKey{Name: name, Bureau: bureau, Permissions: strings.Split(perms, ",")}
			if expires != "" {
				t, err := records.ParseDate(expires)
				if err != nil {
					return usageErr{"--expires must be YYYY-MM-DD or an RFC 3339 time"}
				}
				n.ExpiresAt = &t
			}
			k, secret, err := a.CreateKey(runCtx, cliViewer, n)
			if err != nil {
				return describe(err)
			}
			fmt.Fprintf(os.Stderr, "created key %s for %s with %s. It is shown once; store it now:\n", k.ID, k.Bureau, strings.Join(k.Permissions, ","))
			fmt.Println(secret)
		case "revoke":
			if id == "" {
				return usageErr{"--id is required"}
			}
			k, err := a.RevokeKey(runCtx, cliViewer, id)
			if err != nil {
				return describe(err)
			}
			fmt.Printf("revoked key %s (%s)\n", k.ID, k.Name)
		case "list":
			ks, err := a.ListKeys(runCtx, cliViewer)
			if err != nil {
				return err
			}
			w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
			fmt.Fprintln(w, "ID\tNAME\tBUREAU\tPERMISSIONS\tSTATUS\tLAST USED")
			for _, k := range ks {
				status, used := "active", "never"
				if !k.Active(time.Now()) {
					status = "revoked or expired"
				}
				if k.LastUsedAt != nil {
					used = k.LastUsedAt.Format(time.RFC3339)
				}
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", k.ID, k.Name, k.Bureau, strings.Join(k.Permissions, ","), status, used)
			}
			w.Flush()
		}
		return nil
	}
	return c
}

func backupCmd() *command {
	c := newCommand("backup", "backup --out FILE [flags]", "Write a consistent copy of the embedded store to a new file, readable by its owner only;\nsafe while the server runs. For PostgreSQL use pg_dump (see the README).")
	var data, out string
	c.str(&data, "data", "MANARA_DATA", "./manara-data", "folder of the embedded store")
	c.str(&out, "out", "", "", "the backup file to create")
	c.run = func(args []string) error {
		if err := c.parseFlags(args); err != nil {
			return err
		}
		if out == "" {
			return usageErr{"--out is required"}
		}
		if _, err := os.Stat(sqlite.Path(data)); err != nil {
			return fmt.Errorf("no embedded store in %s", data)
		}
		st, err := sqlite.Open(data)
		if err != nil {
			return err
		}
		defer st.Close()
		if err := sqlite.Backup(runCtx, st, out); err != nil {
			return err
		}
		fmt.Printf("backed up %s to %s\n", sqlite.Path(data), out)
		return nil
	}
	return c
}

func restoreCmd() *command {
	c := newCommand("restore", "restore --from FILE [flags]", "Replace the embedded store with a backup; refused while a server runs on it. The backup's\nintegrity and audit chain are checked first; the old database is kept beside it.")
	var data, from string
	c.str(&data, "data", "MANARA_DATA", "./manara-data", "folder of the embedded store")
	c.str(&from, "from", "", "", "the backup file")
	c.run = func(args []string) error {
		if err := c.parseFlags(args); err != nil {
			return err
		}
		if from == "" {
			return usageErr{"--from is required"}
		}
		var n int64
		err := sqlite.Restore(runCtx, from, data, func(b *sqlstore.Store) error {
			var err error
			if n, err = verifyChain(runCtx, b); err != nil {
				return fmt.Errorf("the backup's audit chain does not verify: %w", err)
			}
			return nil
		})
		if err != nil {
			return err
		}
		fmt.Printf("restored %s into %s (%d audit entries verified)\n", from, sqlite.Path(data), n)
		return nil
	}
	return c
}

// readSecret takes a secret from an environment variable or one line of
// standard input.
func readSecret(env, prompt string) (string, error) {
	if v := os.Getenv(env); v != "" {
		return v, nil
	}
	if fd := int(os.Stdin.Fd()); term.IsTerminal(fd) {
		// Typed, it is not shown on the screen (nor left in a terminal's
		// scrollback), and asked twice: a typing error nobody saw would
		// lock its user out.
		return readTyped(fd, env, prompt)
	}
	fmt.Fprint(os.Stderr, prompt)
	line, err := bufio.NewReader(os.Stdin).ReadString('\n')
	if err != nil && line == "" {
		return "", fmt.Errorf("no password: set $%s or type it on standard input", env)
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func readTyped(fd int, env, prompt string) (string, error) {
	read := func(p string) (string, error) {
		fmt.Fprint(os.Stderr, p)
		b, err := term.ReadPassword(fd)
		fmt.Fprintln(os.Stderr)
		if err != nil {
			return "", fmt.Errorf("no password: set $%s or type it on standard input (%v)", env, err)
		}
		return string(b), nil
	}
	first, err := read(prompt)
	if err != nil {
		return "", err
	}
	again, err := read("Again: ")
	if err != nil {
		return "", err
	}
	if first != again {
		return "", errors.New("the two passwords typed differ: nothing was changed")
	}
	return first, nil
}

// describe spells out a validation error's fields for the terminal.
func describe(err error) error {
	var e *core.Error
	if errors.As(err, &e) && len(e.Fields) > 0 {
		var b strings.Builder
		b.WriteString(e.Message)
		for _, f := range e.Fields {
			fmt.Fprintf(&b, "\n  --%s: %s", strings.ReplaceAll(f.Field, "_", "-"), f.Reason)
		}
		return errors.New(b.String())
	}
	return err
}

// needSub checks that a command with subcommands got one, showing help
// for --help.
func needSub(c *command, args []string, what string) error {
	if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help") {
		c.help(os.Stdout)
		return errHelp
	}
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		c.help(os.Stderr)
		return usageErr{what}
	}
	return nil
}

// subcommand reads a command's subcommand and then its flags, refusing
// any other positional argument.
func (c *command) subcommand(args []string, what string) (string, error) {
	if err := needSub(c, args, what); err != nil {
		return "", err
	}
	return args[0], c.parseFlags(args[1:])
}
