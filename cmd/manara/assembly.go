package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/manara-hub/manara/internal/assembly"
	"github.com/manara-hub/manara/internal/core"
)

// assemblyKeyFlags locate the key-encryption key of the rounds' signing
// keys. Like the audit signing key it is kept outside the store, so that
// whoever can read the store cannot mint ballot tokens; every replica
// loads the same file.
type assemblyKeyFlags struct{ key string }

func (k *assemblyKeyFlags) add(c *command) {
	c.str(&k.key, "assembly-key", "MANARA_ASSEMBLY_KEY", "", "file of the General Assembly's key-encryption key, which seals each round's signing key (default assembly.kek beside the audit key); every replica must load the same file")
}

func (k *assemblyKeyFlags) path(auditKeyPath string) string {
	if k.key != "" {
		return k.key
	}
	return filepath.Join(filepath.Dir(auditKeyPath), "assembly.kek")
}

// load reads the key-encryption key, creating it (0600) on first use.
func (k *assemblyKeyFlags) load(auditKeyPath string, log *slog.Logger) (*assembly.KEK, error) {
	path := k.path(auditKeyPath)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	kek, created, err := assembly.LoadOrCreateKEK(path)
	if err != nil {
		return nil, err
	}
	if created {
		log.Info("assembly key-encryption key created: give every replica this file", "file", path, "key_id", kek.ID())
	} else {
		log.Info("assembly key-encryption key loaded", "file", path, "key_id", kek.ID())
	}
	return kek, nil
}

// maxBoardBytes bounds a board file: 196 ballots take well under 1 MiB.
const maxBoardBytes = 16 << 20

func assemblyCmd() *command {
	c := newCommand("assembly", "assembly verify-tally BOARD",
		"The General Assembly.\n"+
			"  verify-tally BOARD  recompute a round's count from its published bulletin board, independently of the\n"+
			"                      server: every token's blind signature under the round's key, no token twice, the\n"+
			"                      Merkle root, the tally under the round's rule against the published result.\n"+
			"                      BOARD is a file saved from GET /api/v1/assembly/rounds/{id}/board, - for stdin,\n"+
			"                      or that URL. Exits 0 if the published result is the board's, 1 naming what differs.")
	c.run = func(args []string) error {
		if err := needSub(c, args, "say verify-tally BOARD"); err != nil {
			return err
		}
		if args[0] != "verify-tally" {
			return usageErr{fmt.Sprintf("unknown subcommand %q: say verify-tally BOARD", args[0])}
		}
		rest, err := c.parse(args[1:])
		if err != nil {
			return err
		}
		if len(rest) != 1 {
			return usageErr{"say verify-tally BOARD: one file, - or URL"}
		}
		raw, err := readBoard(rest[0])
		if err != nil {
			return err
		}
		var f assembly.BoardFile
		if err := json.Unmarshal(raw, &f); err != nil {
			return exitErr{1, fmt.Errorf("%s is not a board file: %v", rest[0], err)}
		}
		v := assembly.VerifyBoard(&f)
		fmt.Printf("round %s: %d ballots, root %s\n", roundID(&f), v.Ballots, v.Root)
		if t := v.Tally; t != nil {
			var opts []string
			for o := range t.Counts {
				opts = append(opts, o)
			}
			sort.Strings(opts)
			for _, o := range opts {
				fmt.Printf("  %-40s %d\n", o, t.Counts[o])
			}
			fmt.Printf("  abstain %d, blank %d, invalid %d; votes cast %d; rule %s: %s %s\n", t.Abstain, t.Blank, t.Invalid, t.Cast, t.Rule, t.Outcome, t.Winner)
			if t.Rule == assembly.RuleTwoThirdsOfMembers {
				// The votes cast do not decide this rule: say what does,
				// or 7 yes of 7 cast would read as a wrong "rejected".
				needed, of := assembly.TwoThirdsOfMembers()
				fmt.Printf("  the rule needs %d yes: two-thirds of all %d member countries, however many voted\n", needed, of)
			}
		}
		if len(v.Problems) > 0 {
			for _, p := range v.Problems {
				fmt.Println("  problem:", p)
			}
			return exitErr{1, fmt.Errorf("the board does not verify: %d problems", len(v.Problems))}
		}
		switch {
		case f.Round != nil && f.Round.Result == nil && f.Round.State == core.RoundClosed:
			// A closed round publishes its result with its board: a board
			// that says closed and carries none proves nothing.
			return exitErr{1, fmt.Errorf("the board says the round is closed but carries no result")}
		case f.Round != nil && f.Round.Result == nil:
			fmt.Println("the round is still open: the board holds no ballots yet, only its size and root")
		default:
			fmt.Println("ok: the published result is the board's count")
		}
		return nil
	}
	return c
}

func roundID(f *assembly.BoardFile) string {
	if f.Round == nil {
		return "?"
	}
	return f.Round.ID
}

func readBoard(src string) ([]byte, error) {
	var r io.Reader
	switch {
	case src == "-":
		r = os.Stdin
	case strings.HasPrefix(src, "https://") || strings.HasPrefix(src, "http://"):
		cl := &http.Client{Timeout: 30 * time.Second}
		res, err := cl.Get(src)
		if err != nil {
			return nil, err
		}
		defer res.Body.Close()
		if res.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("%s answered %s", src, res.Status)
		}
		r = res.Body
	default:
		fh, err := os.Open(src)
		if err != nil {
			return nil, err
		}
		defer fh.Close()
		r = fh
	}
	raw, err := io.ReadAll(io.LimitReader(r, maxBoardBytes+1))
	if err != nil {
		return nil, err
	}
	if len(raw) > maxBoardBytes {
		return nil, fmt.Errorf("the board is larger than %d bytes", maxBoardBytes)
	}
	return raw, nil
}

// closeDueRounds closes the General Assembly's rounds whose time is up
// and publishes their results, every interval until ctx ends. Ballots
// after the closing time are refused meanwhile; the job only publishes.
func closeDueRounds(ctx context.Context, svc *assembly.Service, every time.Duration, log *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if n, err := svc.CloseDue(ctx); err != nil && ctx.Err() == nil {
			log.Error("closing due assembly rounds failed", "err", err)
		} else if n > 0 {
			log.Info("assembly rounds closed at their time", "count", n)
		}
	}
}
