package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/manara-hub/manara/internal/assembly"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/store/storetest"
)

// TestAssemblyVerifyTally: the real binary recomputes a round's count
// from the published board (exit 0) and names a board whose ballot was
// changed after publication (exit 1); it counts a constitutional
// amendment against all the members, as the server does.
func TestAssemblyVerifyTally(t *testing.T) {
	ctx := context.Background()
	st := storetest.OpenSQLite(t)
	svc := assembly.New(st)
	svc.KeyBits = 1024
	admin := core.Viewer{Bureau: "IPSG", Role: core.RoleAdmin, UserID: "admin", Permissions: core.RolePermissions(core.RoleAdmin)}
	sup := func(c string) core.Viewer {
		return core.Viewer{Bureau: c, Role: core.RoleSupervisor, UserID: "sup-" + c, Permissions: core.RolePermissions(core.RoleSupervisor)}
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	ses, err := svc.CreateSession(ctx, admin, assembly.SessionInput{Number: 93, Place: "Marrakech", StartsOn: "2025-11-24", EndsOn: "2025-11-27", Quorum: 2})
	must(err)
	for _, c := range []string{"MA", "FR", "ES"} {
		d, err := svc.RegisterDelegation(ctx, sup(c), ses.ID, assembly.DelegationInput{Country: c, Head: core.Person{Name: "Head of " + c}})
		must(err)
		_, err = svc.ExamineCredentials(ctx, admin, d.ID, assembly.CredentialsInput{Decision: "accept"})
		must(err)
	}
	for _, s := range []string{core.SessionConvened, core.SessionOpen} {
		_, err = svc.SetSessionState(ctx, admin, ses.ID, s, 0)
		must(err)
	}
	it, err := svc.AddItem(ctx, admin, ses.ID, assembly.ItemInput{Kind: core.ItemResolution, Title: "A resolution"})
	must(err)
	_, err = svc.Table(ctx, admin, it.ID)
	must(err)
	r, err := svc.OpenRound(ctx, admin, it.ID, assembly.RoundInput{})
	must(err)
	for i, c := range []string{"MA", "FR", "ES"} {
		b, err := assembly.NewBallot(r.PublicKey, nil)
		must(err)
		tok, err := svc.IssueToken(ctx, sup(c), r.ID, assembly.TokenInput{Blinded: b.BlindedB64()})
		must(err)
		in, err := b.Finalize(tok.BlindSignature, []string{"yes", "yes", "no"}[i])
		must(err)
		_, err = svc.CastBallot(ctx, r.ID, in)
		must(err)
	}
	board, err := svc.Board(ctx, r.ID)
	must(err)
	dir := t.TempDir()
	write := func(name string, f *assembly.BoardFile) string {
		raw, _ := json.Marshal(f)
		p := filepath.Join(dir, name)
		must(os.WriteFile(p, raw, 0o600))
		return p
	}
	out, code := cli(t, nil, "assembly", "verify-tally", write("board.json", board))
	if code != 0 || !strings.Contains(out, "ok: the published result is the board's count") || !strings.Contains(out, "adopted") {
		t.Fatalf("verify-tally of the published board: exit %d\n%s", code, out)
	}
	// A board that says its round is closed but carries no result
	// proves nothing: exit 1, saying so.
	closedNoResult := *board
	round := *board.Round
	round.Result = nil
	closedNoResult.Round = &round
	out, code = cli(t, nil, "assembly", "verify-tally", write("no-result.json", &closedNoResult))
	if code != 1 || !strings.Contains(out, "closed but carries no result") {
		t.Fatalf("verify-tally of a closed board without its result: exit %d\n%s", code, out)
	}
	board.Entries[2].Choice = "yes" // rewritten after publication
	out, code = cli(t, nil, "assembly", "verify-tally", write("altered.json", board))
	if code != 1 || !strings.Contains(out, "published root") {
		t.Fatalf("verify-tally of an altered board: exit %d\n%s", code, out)
	}

	// A constitutional amendment: three yes of three cast is rejected,
	// two-thirds of all 196 members being 131; verify-tally counts the
	// same, says why, and names a result published as adopted.
	cons, err := svc.AddItem(ctx, admin, ses.ID, assembly.ItemInput{Kind: core.ItemResolution, Subject: assembly.SubjectConstitution, Title: "Amendment to Article 12 of the Constitution"})
	must(err)
	_, err = svc.Table(ctx, admin, cons.ID)
	must(err)
	r, err = svc.OpenRound(ctx, admin, cons.ID, assembly.RoundInput{})
	must(err)
	for _, c := range []string{"MA", "FR", "ES"} {
		b, err := assembly.NewBallot(r.PublicKey, nil)
		must(err)
		tok, err := svc.IssueToken(ctx, sup(c), r.ID, assembly.TokenInput{Blinded: b.BlindedB64()})
		must(err)
		in, err := b.Finalize(tok.BlindSignature, "yes")
		must(err)
		_, err = svc.CastBallot(ctx, r.ID, in)
		must(err)
	}
	board, err = svc.Board(ctx, r.ID)
	must(err)
	out, code = cli(t, nil, "assembly", "verify-tally", write("constitution.json", board))
	if code != 0 || !strings.Contains(out, "rule two_thirds_of_members: rejected") || !strings.Contains(out, "needs 131 yes: two-thirds of all 196 member countries") {
		t.Fatalf("verify-tally of a constitutional amendment: exit %d\n%s", code, out)
	}
	board.Round.Result.Outcome = core.ItemAdopted // two-thirds of the votes cast
	out, code = cli(t, nil, "assembly", "verify-tally", write("constitution-adopted.json", board))
	if code != 1 || !strings.Contains(out, "published result") {
		t.Fatalf("verify-tally of a constitutional amendment published as adopted: exit %d\n%s", code, out)
	}
}

// TestAssemblyKeyFlags: the KEK file defaults to assembly.kek beside the
// audit key, is created 0600, and one readable by others stops the start.
func TestAssemblyKeyFlags(t *testing.T) {
	dir := t.TempDir()
	audit := filepath.Join(dir, "keys", "audit.key")
	var k assemblyKeyFlags
	if got := k.path(audit); got != filepath.Join(dir, "keys", "assembly.kek") {
		t.Fatalf("default path %s", got)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	kek, err := k.load(audit, log)
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(k.path(audit)); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("created %v %v", fi, err)
	}
	k.key = filepath.Join(dir, "elsewhere.kek")
	other, err := k.load(audit, log)
	if err != nil || other.ID() == kek.ID() {
		t.Fatalf("--assembly-key: %v, id %s", err, other.ID())
	}
	os.Chmod(k.key, 0o644)
	if _, err := k.load(audit, log); err == nil || !strings.Contains(err.Error(), "readable by others") {
		t.Fatalf("a KEK readable by others: %v", err)
	}
}
