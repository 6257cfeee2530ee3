package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/manara-hub/manara/internal/audit"
	"github.com/manara-hub/manara/internal/core"
)

// auditKeyFlags locate the checkpoint signing key, which is kept outside
// the store: whoever can write the store must not be able to sign.
type auditKeyFlags struct{ key, origin string }

func (k *auditKeyFlags) add(c *command) {
	c.str(&k.key, "audit-key", "MANARA_AUDIT_KEY", "", "file of the audit checkpoint signing key (default audit.key in --data); its verifier keys are in FILE.pub")
	c.str(&k.origin, "audit-origin", "MANARA_AUDIT_ORIGIN", "", "the log's name in its checkpoints, used when the key is created (default HOST/manara-audit)")
}

func (k *auditKeyFlags) path(data string) string {
	if k.key != "" {
		return k.key
	}
	return filepath.Join(data, "audit.key")
}

// signer loads the signing key, creating it on first use.
func (k *auditKeyFlags) signer(data string) (*audit.Signer, bool, error) {
	origin := k.origin
	if origin == "" {
		host, err := os.Hostname()
		if err != nil || host == "" {
			host = "localhost"
		}
		origin = host + "/manara-audit"
	}
	path := k.path(data)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, false, err
	}
	return audit.LoadOrCreateKey(path, origin)
}

// load reads the signing key and creates none: a command pointed at the
// wrong folder would otherwise sign or show a key no server uses.
func (k *auditKeyFlags) load(data string) (*audit.Signer, error) {
	s, err := audit.LoadKey(k.path(data))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, k.missing(data)
	}
	return s, err
}

// verifiers reads the verifier keys listed beside the signing key, and
// only reads: they are what an auditor pins.
func (k *auditKeyFlags) verifiers(data string) ([]string, error) {
	pub := audit.VerifiersPath(k.path(data))
	ks, err := audit.ReadVerifiers(pub)
	if errors.Is(err, fs.ErrNotExist) {
		if _, serr := os.Stat(k.path(data)); serr == nil {
			return nil, fmt.Errorf("no verifier keys: %s is missing beside the signing key (a server lists its key there again when it starts)", pub)
		}
		return nil, k.missing(data)
	}
	if err == nil && len(ks) == 0 {
		return nil, fmt.Errorf("no verifier keys: %s lists none", pub)
	}
	return ks, err
}

func (k *auditKeyFlags) missing(data string) error {
	return fmt.Errorf("no audit signing key at %s: give the --data or --audit-key of the server (it creates the key when it first starts)", k.path(data))
}

func auditCmd() *command {
	c := newCommand("audit", "audit verify|checkpoint|key [flags]",
		"The audit log.\n"+
			"  verify      walk every entry: chain, Merkle leaves, per-record index, tree root; exits 0 if intact,\n"+
			"              1 naming the first entry altered, removed or reordered. With --checkpoint FILE, also\n"+
			"              prove that the log extends that kept checkpoint (signature checked with --verifier-key).\n"+
			"  checkpoint  print a signed checkpoint of the log (keep it: `manara audit checkpoint > FILE`)\n"+
			"  key show    print the verifier keys (public), the current one last\n"+
			"              (neither creates a key, serve and demo do: exit 1 if there is none)\n"+
			"  key rotate  replace the signing key; the old verifier keys stay listed")
	var f storeFlags
	var k auditKeyFlags
	var cpFile, verifierKey string
	f.add(c)
	k.add(c)
	c.str(&cpFile, "checkpoint", "", "", "verify: a checkpoint kept earlier, to prove the log extends it")
	c.str(&verifierKey, "verifier-key", "MANARA_AUDIT_VERIFIER_KEY", "", "verify: the verifier key (name+hash+key) or a file of them, one a line (default: the .pub beside the signing key)")
	c.run = func(args []string) error {
		if err := needSub(c, args, "say verify, checkpoint or key"); err != nil {
			return err
		}
		sub, rest := args[0], args[1:]
		if sub == "key" {
			if len(rest) == 0 || (rest[0] != "show" && rest[0] != "rotate") {
				return usageErr{"say key show or key rotate"}
			}
			sub, rest = "key "+rest[0], rest[1:]
		}
		if err := c.parseFlags(rest); err != nil {
			return err
		}
		switch sub {
		case "verify", "checkpoint":
			if err := f.mustExist(); err != nil {
				return err
			}
		}
		switch sub {
		case "verify":
			return auditVerify(f, k, cpFile, verifierKey)
		case "checkpoint":
			s, err := k.load(f.data)
			if err != nil {
				return err
			}
			st, err := openMigrated(f)
			if err != nil {
				return err
			}
			defer st.Close()
			var msg []byte
			if err := st.View(runCtx, func(tx core.Tx) (err error) { msg, _, err = s.Latest(tx); return err }); err != nil {
				return err
			}
			os.Stdout.Write(msg)
			return nil
		case "key show":
			ks, err := k.verifiers(f.data)
			if err != nil {
				return err
			}
			for _, v := range ks {
				fmt.Println(v)
			}
			return nil
		case "key rotate":
			s, err := audit.RotateKey(k.path(f.data))
			if err != nil {
				return err
			}
			fmt.Printf("new audit signing key; verifier key %s\nthe old verifier keys stay in %s; restart the servers to sign with the new key\n", s.VerifierKey, audit.VerifiersPath(k.path(f.data)))
			return nil
		}
		return usageErr{"unknown subcommand " + sub + ": say verify, checkpoint or key"}
	}
	return c
}

func auditVerify(f storeFlags, k auditKeyFlags, cpFile, verifierKey string) error {
	var kept *audit.Checkpoint
	if cpFile != "" {
		keys, err := verifierKeys(k.path(f.data), verifierKey)
		if err != nil {
			return err
		}
		msg, err := readLimited(cpFile, audit.MaxCheckpoint)
		if err != nil {
			return err
		}
		cp, err := audit.OpenCheckpoint(msg, keys)
		if err != nil {
			return exitErr{1, fmt.Errorf("%s: %v", cpFile, err)}
		}
		kept = &cp
	}
	st, err := f.open(runCtx)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.Ready(runCtx); err != nil {
		return err
	}
	r, err := checkLog(runCtx, st, kept)
	var p *audit.Problem
	if errors.As(err, &p) {
		if r.Entries == 0 && p.Seq == 0 { // nothing was walked: no count to give
			return exitErr{1, fmt.Errorf("%s: %v", f.describe(), p)}
		}
		return exitErr{1, fmt.Errorf("%s: %v (after %d intact entries)", f.describe(), p, r.Entries)}
	} else if err != nil {
		return err
	}
	fmt.Printf("audit chain intact: %d entries verified (%s); Merkle tree of %d entries, root %x\n", r.Entries, f.describe(), r.TreeSize, r.Root[:])
	if r.Uncovered > 0 {
		fmt.Printf("%d entries written before the Merkle tree existed are not in it yet: the next append adds them\n", r.Uncovered)
	}
	if kept != nil {
		fmt.Printf("the log extends the kept checkpoint of %d entries (%s): consistency proved\n", kept.Size, kept.Origin)
	}
	return nil
}

// verifierKeys are the keys a kept checkpoint is checked with: those given
// (a key or a file of keys), or the list beside the signing key.
func verifierKeys(keyPath, given string) ([]string, error) {
	if given == "" {
		ks, err := audit.ReadVerifiers(audit.VerifiersPath(keyPath))
		if err != nil {
			return nil, fmt.Errorf("no verifier key: give --verifier-key (%v)", err)
		}
		return ks, nil
	}
	if fi, err := os.Stat(given); err == nil && fi.Mode().IsRegular() {
		return audit.ReadVerifiers(given)
	}
	return []string{given}, nil
}

func readLimited(path string, max int64) ([]byte, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	b, err := io.ReadAll(io.LimitReader(fh, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("%s: larger than %d bytes, not a checkpoint", path, max)
	}
	return b, nil
}

// checkLog verifies the whole log in one read transaction.
func checkLog(ctx context.Context, st core.Store, kept *audit.Checkpoint) (r audit.Report, err error) {
	var cerr error
	err = st.View(ctx, func(tx core.Tx) error { r, cerr = audit.Check(tx, kept); return nil })
	if err == nil {
		err = cerr
	}
	return r, err
}

func verifyChain(ctx context.Context, st core.Store) (int64, error) {
	r, err := checkLog(ctx, st, nil)
	return r.Entries, err
}
