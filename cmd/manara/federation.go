package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/federation"
	"github.com/manara-hub/manara/internal/members"
	"github.com/manara-hub/manara/internal/web/api"
)

// federationFlags choose the process's place in a federation. With no
// --role the server runs alone, exactly as before federation existed.
type federationFlags struct {
	role, bureau, hubURL, enrolToken, publicURL, key string
	offerScreening                                   bool
	// Mutual TLS between hub and nodes: all three or none.
	tlsCert, tlsKey, tlsCA string
}

func (f *federationFlags) add(c *command) {
	c.str(&f.role, "role", "MANARA_ROLE", "", "hub or node to take part in a federation; empty: a single hub, as without federation")
	c.str(&f.bureau, "bureau", "MANARA_BUREAU", "", "node: the ISO code of the bureau this national node belongs to")
	c.str(&f.hubURL, "hub-url", "MANARA_HUB_URL", "", "node: the hub's base URL (http(s)://host:port)")
	c.str(&f.enrolToken, "enrol-token", "MANARA_ENROL_TOKEN", "", "node: the one-time token from the hub's administrator (manara federation enrol-token), needed until enrolled")
	c.str(&f.publicURL, "public-url", "MANARA_PUBLIC_URL", "", "node: the base URL where the hub reaches this node (default http://ADDR)")
	c.str(&f.key, "federation-key", "MANARA_FEDERATION_KEY", "", "file of this process's Ed25519 identity key (default federation.key in --data); created on first use, mode 600")
	c.boolean(&f.offerScreening, "offer-screening", "MANARA_OFFER_SCREENING", false, "node: offer the national records for hit/no-hit screening by others")
	c.str(&f.tlsCert, "federation-tls-cert", "MANARA_FEDERATION_TLS_CERT", "", "mutual TLS: this process's certificate (PEM), served on --addr and presented to peers; signed by --federation-tls-ca")
	c.str(&f.tlsKey, "federation-tls-key", "MANARA_FEDERATION_TLS_KEY", "", "mutual TLS: the certificate's private key (PEM)")
	c.str(&f.tlsCA, "federation-tls-ca", "MANARA_FEDERATION_TLS_CA", "", "mutual TLS: the federation's CA (PEM); the federation's routes refuse a client without a certificate it signed")
}

func (f *federationFlags) mutualTLS() bool { return f.tlsCert != "" }

func (f *federationFlags) keyPath(data string) string {
	if f.key != "" {
		return f.key
	}
	return filepath.Join(data, "federation.key")
}

// check reads the flags without side effects: usage errors first.
func (f *federationFlags) check(addr string) error {
	if (f.tlsCert == "") != (f.tlsKey == "") || (f.tlsCert == "") != (f.tlsCA == "") {
		return usageErr{"--federation-tls-cert, --federation-tls-key and --federation-tls-ca go together (mutual TLS), or none of them"}
	}
	if f.mutualTLS() && f.role == "" {
		return usageErr{"--federation-tls-cert is for a federation: give --role hub or node"}
	}
	switch f.role {
	case "":
		for name, v := range map[string]string{"bureau": f.bureau, "hub-url": f.hubURL, "enrol-token": f.enrolToken, "public-url": f.publicURL} {
			if v != "" {
				return usageErr{fmt.Sprintf("--%s is for a federation: give --role node (or hub)", name)}
			}
		}
		return nil
	case core.FedRoleHub:
		if f.bureau != "" || f.hubURL != "" || f.enrolToken != "" {
			return usageErr{"--bureau, --hub-url and --enrol-token are for a node; the hub is the secretariat's"}
		}
		return nil
	case core.FedRoleNode:
		m, ok := members.Lookup(strings.ToUpper(strings.TrimSpace(f.bureau)))
		if !ok {
			return usageErr{"--role node needs --bureau: the ISO code of a member country's bureau"}
		}
		f.bureau = m.Alpha2
		if !strings.HasPrefix(f.hubURL, "http://") && !strings.HasPrefix(f.hubURL, "https://") {
			return usageErr{"--role node needs --hub-url: the hub's base URL, http(s)://host:port"}
		}
		if f.publicURL == "" {
			host, port, err := net.SplitHostPort(addr)
			if err != nil {
				return usageErr{"--public-url is required when --addr is not host:port"}
			}
			if host == "" {
				host = "127.0.0.1"
			}
			scheme := "http://"
			if f.mutualTLS() {
				scheme = "https://"
			}
			f.publicURL = scheme + net.JoinHostPort(host, port)
		}
		return nil
	}
	return usageErr{fmt.Sprintf("--role %q: must be hub or node (or empty for a single hub)", f.role)}
}

// start sets up the federation on srv and runs its loop until ctx ends.
// A node not yet enrolled enrols first, with its token.
func (f *federationFlags) start(ctx context.Context, srv *api.Server, data string, log *slog.Logger) error {
	if f.role == "" {
		return nil
	}
	path := f.keyPath(data)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	key, created, err := federation.LoadOrCreateKey(path)
	if err != nil {
		return err
	}
	bureau := f.bureau
	if f.role == core.FedRoleHub {
		bureau = members.Secretariat
	}
	svc := federation.New(srv.Store, f.role, bureau, key, log)
	svc.NoticeQuotas = srv.Notices.Quotas
	if f.mutualTLS() {
		server, client, err := federation.MutualTLS(f.tlsCert, f.tlsKey, f.tlsCA)
		if err != nil {
			return err
		}
		srv.Config.TLS, srv.Config.RequirePeerCert = server, true
		svc.Client = federation.NewClient(client, svc.Timeout)
	}
	if created {
		log.Info("federation identity key created", "file", path, "public_key", svc.PublicKey())
	}
	svc.AuditSigner = srv.AuditSigner // checkpoints exchanged with the peers
	svc.Changed = srv.Records.Changed
	svc.Notify = srv.Events.Notify
	svc.Wake = srv.Events.Changed
	if f.role == core.FedRoleHub || f.offerScreening {
		svc.Screener = srv
	}
	srv.Federation = svc
	if f.role == core.FedRoleNode {
		enrolled, err := svc.Enrolled(ctx)
		if err != nil {
			return err
		}
		switch {
		case enrolled && f.enrolToken != "":
			// Enrolled already: a token given again enrols anew (a new key
			// here, or the hub's new key after its compromise); a spent
			// token left in the environment is only worth a warning.
			if err := svc.EnrolWithHub(ctx, f.hubURL, f.enrolToken, f.publicURL, f.offerScreening); err != nil {
				log.Warn("enrolled already; enrolling again with --enrol-token failed, going on with the enrolment kept", "err", err)
			} else {
				log.Info("enrolled again at the hub", "hub", f.hubURL, "bureau", f.bureau)
			}
		case !enrolled:
			if f.enrolToken == "" {
				return usageErr{"this node is not enrolled yet: give --enrol-token (from manara federation enrol-token at the hub)"}
			}
			// The hub may start after the node: try for a while.
			var err error
			for attempt := 0; attempt < 10; attempt++ {
				if err = svc.EnrolWithHub(ctx, f.hubURL, f.enrolToken, f.publicURL, f.offerScreening); err == nil {
					break
				}
				log.Warn("enrolment at the hub failed; retrying", "err", err)
				select {
				case <-ctx.Done():
					return ctx.Err()
				case <-time.After(3 * time.Second):
				}
			}
			if err != nil {
				return err
			}
			log.Info("enrolled at the hub", "hub", f.hubURL, "bureau", f.bureau)
		}
	}
	log.Info("federation", "role", f.role, "self", svc.Self(), "public_key", svc.PublicKey())
	go svc.Run(ctx)
	return nil
}

func federationCmd() *command {
	c := newCommand("federation", "federation enrol-token|peers|revoke|retry|verify [flags]",
		"The federation's links, at the hub (on its store, as the secretariat's administrator).\n"+
			"  enrol-token  --bureau MA [--ttl 24h] [--url https://node.ma.example]: print a one-time token for that bureau's\n"+
			"               node to enrol with (with --url, only at that base URL)\n"+
			"  peers        list the peers: state, last contact, messages waiting, refusals, failed, the waiting head's last error\n"+
			"  revoke       --peer MA --reason TEXT: stop trusting a node's key (it must enrol again with a new token)\n"+
			"  retry        --peer MA [--message ID]: queue again the messages to that peer that failed (at a node:\n"+
			"               --bureau MA --peer hub); seals them anew with --federation-key\n"+
			"  verify       --peer MA [--skew 5s]: check, against the peer's last audit checkpoint held here, that it has not\n"+
			"               rewritten what it logged of the messages exchanged (at a node: --bureau MA --peer hub);\n"+
			"               signs its query with --federation-key, over mutual TLS with the --federation-tls-* files")
	var f storeFlags
	f.add(c)
	var bureau, ttl, nodeURL, peer, reason, skew, key, message string
	var tlsFlags federationFlags
	c.str(&bureau, "bureau", "", "", "enrol-token: the bureau whose node will enrol; retry, verify at a node: the node's bureau")
	c.str(&ttl, "ttl", "", "24h", "enrol-token: how long the token stays valid (1m to 720h)")
	c.str(&nodeURL, "url", "", "", "enrol-token: the node's base URL, the only one it may enrol with (where the hub delivers)")
	c.str(&peer, "peer", "", "", "revoke, retry, verify: the peer's id (a node's bureau, or hub)")
	c.str(&message, "message", "", "", "retry: only this failed message's id (default: every failed message to the peer)")
	c.str(&reason, "reason", "", "", "revoke: why its key is no longer trusted")
	c.str(&skew, "skew", "", "5s", "verify: messages exchanged less than this before the peer's checkpoint need not be in it (the clocks)")
	c.str(&key, "federation-key", "MANARA_FEDERATION_KEY", "", "retry, verify: this process's identity key file (default federation.key in --data)")
	c.str(&tlsFlags.tlsCert, "federation-tls-cert", "MANARA_FEDERATION_TLS_CERT", "", "verify: mutual TLS certificate (as manara serve)")
	c.str(&tlsFlags.tlsKey, "federation-tls-key", "MANARA_FEDERATION_TLS_KEY", "", "verify: mutual TLS key")
	c.str(&tlsFlags.tlsCA, "federation-tls-ca", "MANARA_FEDERATION_TLS_CA", "", "verify: mutual TLS CA")
	c.run = func(args []string) error {
		sub, err := knownSubcommand(c, args, "say enrol-token, peers, revoke, retry or verify", []string{"enrol-token", "peers", "revoke", "retry", "verify"})
		if err != nil {
			return err
		}
		var d time.Duration
		switch sub {
		case "enrol-token":
			if d, err = time.ParseDuration(ttl); err != nil {
				return usageErr{"--ttl must be a duration such as 24h"}
			}
		case "verify":
			if d, err = time.ParseDuration(skew); err != nil || d < 0 || d > time.Hour {
				return usageErr{"--skew must be a duration from 0s to 1h"}
			}
			if peer == "" {
				return usageErr{"--peer is required"}
			}
			if (tlsFlags.tlsCert == "") != (tlsFlags.tlsKey == "") || (tlsFlags.tlsCert == "") != (tlsFlags.tlsCA == "") {
				return usageErr{"--federation-tls-cert, --federation-tls-key and --federation-tls-ca go together, or none of them"}
			}
		}
		// Every subcommand works on the links of an existing store: run in
		// the wrong folder, it must not make an empty one there.
		if err := f.mustExist(); err != nil {
			return err
		}
		st, err := openMigrated(f)
		if err != nil {
			return err
		}
		defer st.Close()
		svc := federation.New(st, core.FedRoleHub, members.Secretariat, nil, nil)
		switch sub {
		case "enrol-token":
			t, err := svc.IssueToken(runCtx, cliViewer, federation.TokenRequest{Bureau: bureau, TTL: d, URL: nodeURL})
			if err != nil {
				return describe(err)
			}
			at := ""
			if t.URL != "" {
				at = " at " + t.URL
			}
			fmt.Fprintf(os.Stderr, "enrolment token %s for %s's node%s, valid until %s. It is shown once and works once:\n", t.ID, t.Bureau, at, t.ExpiresAt.Format(time.RFC3339))
			fmt.Println(t.Token)
		case "peers":
			ps, err := svc.Peers(runCtx, cliViewer)
			if err != nil {
				return err
			}
			w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
			fmt.Fprintln(w, "PEER\tROLE\tSTATE\tURL\tLAST CONTACT\tWAITING\tLAG\tREFUSED\tFAILED\tLAST ERROR")
			for _, p := range ps {
				last := "never"
				if p.LastContact != nil {
					last = p.LastContact.Format(time.RFC3339)
				}
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%d\t%.0fs\t%d\t%d\t%s\n", p.ID, p.Role, p.State, p.URL, last, p.Pending, p.LagSeconds, p.Refused, p.Failed,
					strings.Join(strings.Fields(p.LastError), " "))
			}
			w.Flush()
		case "revoke":
			if peer == "" {
				return usageErr{"--peer is required"}
			}
			p, err := svc.Revoke(runCtx, cliViewer, strings.ToUpper(peer), reason)
			if err != nil {
				return describe(err)
			}
			fmt.Printf("revoked %s's key; it must enrol again with a new token\n", p.ID)
		case "retry":
			if peer == "" {
				return usageErr{"--peer is required"}
			}
			return retryPeer(st, f.data, key, bureau, peer, message)
		case "verify":
			return verifyPeer(st, f.data, key, bureau, peer, d, tlsFlags)
		}
		return nil
	}
	return c
}

// processService is this process's federation service on st, with its
// identity key: the hub's unless bureau names the node's.
func processService(st core.Store, data, keyFile, bureau string) (*federation.Service, error) {
	path := keyFile
	if path == "" {
		path = filepath.Join(data, "federation.key")
	}
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("this process's federation key: %w (give --federation-key)", err)
	}
	key, _, err := federation.LoadOrCreateKey(path)
	if err != nil {
		return nil, err
	}
	role, self := core.FedRoleHub, members.Secretariat
	if bureau != "" {
		m, ok := members.Lookup(strings.ToUpper(strings.TrimSpace(bureau)))
		if !ok {
			return nil, usageErr{"--bureau must be a member country's ISO code: the node's bureau"}
		}
		role, self = core.FedRoleNode, m.Alpha2
	}
	return federation.New(st, role, self, key, nil), nil
}

// peerID spells a peer as stored: a bureau's code, or hub.
func peerID(peer string) string {
	if strings.EqualFold(peer, core.PeerHub) {
		return core.PeerHub
	}
	return strings.ToUpper(peer)
}

// retryPeer queues again the failed messages to peer, as the API's
// retry does, with this process's key (a message sealed anew).
func retryPeer(st core.Store, data, keyFile, bureau, peer, message string) error {
	svc, err := processService(st, data, keyFile, bureau)
	if err != nil {
		return err
	}
	out, err := svc.Retry(runCtx, cliViewer, peerID(peer), message)
	if err != nil {
		return describe(err)
	}
	for _, r := range out {
		switch r.Outcome {
		case federation.RetryRequeued:
			fmt.Printf("%s #%d %s: requeued as #%d %s\n", r.Type, r.Seq, r.MessageID, r.NewSeq, r.NewMessageID)
		case federation.RetrySuperseded:
			fmt.Printf("%s #%d %s: superseded, left as it is: %s\n", r.Type, r.Seq, r.MessageID, r.Reason)
		default:
			fmt.Printf("%s #%d %s: %s\n", r.Type, r.Seq, r.MessageID, r.Outcome)
		}
	}
	fmt.Printf("%d failed message(s) to %s considered; a running process sends them at its next pass\n", len(out), peerID(peer))
	return nil
}

// verifyPeer runs the verification of a peer's audit log from this
// process's store, with its identity key: at the hub unless bureau names
// the node's. It exits non-zero when the verification finds problems.
func verifyPeer(st core.Store, data, keyFile, bureau, peer string, skew time.Duration, tlsFlags federationFlags) error {
	svc, err := processService(st, data, keyFile, bureau)
	if err != nil {
		return err
	}
	if tlsFlags.mutualTLS() {
		_, client, err := federation.MutualTLS(tlsFlags.tlsCert, tlsFlags.tlsKey, tlsFlags.tlsCA)
		if err != nil {
			return err
		}
		svc.Client = federation.NewClient(client, svc.Timeout)
	}
	out, err := svc.VerifyPeer(runCtx, cliViewer, peerID(peer), skew)
	if err != nil {
		return describe(err)
	}
	fmt.Printf("%s against its checkpoint of %d entries (now %d): %d entries proven, %d messages sent and %d received checked\n",
		out.Peer, out.Checkpoint.Size, out.Current, out.Entries, out.Sent, out.Received)
	for _, p := range out.Problems {
		fmt.Println("  problem:", p)
	}
	if !out.OK {
		return fmt.Errorf("%s's audit log does not hold what it logged of the exchange: %d problems", out.Peer, len(out.Problems))
	}
	fmt.Println("ok")
	return nil
}
