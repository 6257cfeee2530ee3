package console_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/manara-hub/manara/internal/assembly"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/store/storetest"
	"github.com/manara-hub/manara/internal/web/browsertest"
)

var (
	asmAdmin = core.Viewer{Bureau: "IPSG", Role: core.RoleAdmin, UserID: "ipsg-admin", Permissions: core.RolePermissions(core.RoleAdmin)}
	ctxBg    = context.Background()
)

func asmHead(c string) core.Viewer {
	return core.Viewer{Bureau: c, Role: core.RoleSupervisor, UserID: "sup-" + c, Permissions: core.RolePermissions(core.RoleSupervisor)}
}

// asmSession is an open session with MA and FR accredited, a decided
// resolution (closed round), an election by acclamation and an open
// round on a second resolution.
type asmFixture struct {
	session, open, closed string
}

func newAssembly(t *testing.T, e *env) asmFixture {
	t.Helper()
	svc := e.Server.Assembly
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	ses, err := svc.CreateSession(ctxBg, asmAdmin, assembly.SessionInput{Number: 93, Place: "Marrakech", StartsOn: "2025-11-24", EndsOn: "2025-11-27", Quorum: 2})
	must(err)
	for _, c := range []string{"MA", "FR"} {
		d, err := svc.RegisterDelegation(ctxBg, asmHead(c), ses.ID, assembly.DelegationInput{Country: c, Head: core.Person{Name: "Head of " + c}})
		must(err)
		_, err = svc.ExamineCredentials(ctxBg, asmAdmin, d.ID, assembly.CredentialsInput{Decision: "accept"})
		must(err)
	}
	_, err = svc.RegisterDelegation(ctxBg, asmAdmin, ses.ID, assembly.DelegationInput{Observer: true, Organisation: "United Nations", Head: core.Person{Name: "Observer of the UN"}})
	must(err)
	for _, s := range []string{core.SessionConvened, core.SessionOpen} {
		_, err = svc.SetSessionState(ctxBg, asmAdmin, ses.ID, s, 0)
		must(err)
	}
	res := func(title string) string {
		it, err := svc.AddItem(ctxBg, asmAdmin, ses.ID, assembly.ItemInput{Kind: core.ItemResolution, Title: title, ProposedBy: "MA",
			Documents: []core.AgendaDocument{{Lang: "ar", Title: "مشروع القرار", URL: "https://example.org/ga93/res1-ar.pdf"}}})
		must(err)
		_, err = svc.Table(ctxBg, asmAdmin, it.ID)
		must(err)
		return it.ID
	}
	first := res("Resolution on cooperation in the Sahel")
	r, err := svc.OpenRound(ctxBg, asmAdmin, first, assembly.RoundInput{})
	must(err)
	for _, c := range []string{"MA", "FR"} {
		b, err := assembly.NewBallot(r.PublicKey, nil)
		must(err)
		tok, err := svc.IssueToken(ctxBg, asmHead(c), r.ID, assembly.TokenInput{Blinded: b.BlindedB64()})
		must(err)
		in, err := b.Finalize(tok.BlindSignature, "yes")
		must(err)
		_, err = svc.CastBallot(ctxBg, r.ID, in)
		must(err)
	}
	host, err := svc.AddItem(ctxBg, asmAdmin, ses.ID, assembly.ItemInput{Kind: core.ItemElection, Position: assembly.PositionHost, Title: "Host of the 95th session"})
	must(err)
	_, err = svc.Nominate(ctxBg, asmHead("MA"), host.ID, assembly.CandidateInput{Country: "MA", Name: "Fès"})
	must(err)
	_, err = svc.Acclaim(ctxBg, asmAdmin, host.ID)
	must(err)
	second := res("Resolution on missing migrants")
	open, err := svc.OpenRound(ctxBg, asmAdmin, second, assembly.RoundInput{})
	must(err)
	return asmFixture{session: ses.ID, open: open.ID, closed: r.ID}
}

// TestAssemblyPages: the session page shows the agenda, delegations with
// credentials, results of closed rounds with charts and only the number of
// ballots of an open one; the minutes print; the booth offers the choices
// to an accredited delegation's head and refuses others; in Arabic the
// pages run right to left.
func TestAssemblyPages(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			e := newEnv(t, b)
			e.Server.Assembly.KeyBits = 1024
			a := newAssembly(t, e)
			e.user(t, "ma.supervisor", "MA", core.RoleSupervisor, true)
			e.user(t, "br.officer", "BR", core.RoleOfficer, true)
			br := e.browser(t)
			br.signIn("ma.supervisor", "ar")
			page := br.get("/assembly")
			if br.Code != 200 || !strings.Contains(page, `dir="rtl"`) || !strings.Contains(page, "الدورة 93") || !strings.Contains(page, "/assembly/"+a.session) {
				t.Fatalf("sessions page %d:\n%s", br.Code, page)
			}
			page = br.get("/assembly/" + a.session)
			for _, want := range []string{"جدول الأعمال", "Resolution on cooperation in the Sahel", "اعتُمد", "حُسم بالتزكية", "Fès", "United Nations", "مراقب",
				"مقبولة", `class="hbar"`, "بطاقات الاقتراع المودَعة: 0 من 2", "/assembly/rounds/" + a.open + "/booth", "res1-ar.pdf"} {
				if !strings.Contains(page, want) {
					t.Errorf("session page lacks %q", want)
				}
			}
			// The open round shows no count of its content.
			if i := strings.Index(page, `id="round-`+a.open+`"`); i < 0 || strings.Contains(page[i:], `<table class="result"`) {
				t.Errorf("the open round shows a result table")
			}
			page = br.get("/assembly/" + a.session + "/minutes")
			if br.Code != 200 || !strings.Contains(page, "محضر") || !strings.Contains(page, "الأغلبية البسيطة") || !strings.Contains(page, "data-print") {
				t.Fatalf("minutes %d:\n%s", br.Code, page)
			}
			page = br.get("/assembly/rounds/" + a.open + "/booth")
			if br.Code != 200 || !strings.Contains(page, `id="ballot"`) || !strings.Contains(page, `value="yes"`) || !strings.Contains(page, `value="blank"`) || !strings.Contains(page, "data-n=") {
				t.Fatalf("booth %d:\n%s", br.Code, page)
			}
			other := e.browser(t)
			other.signIn("br.officer", "fr")
			page = other.get("/assembly/rounds/" + a.open + "/booth")
			if other.Code != 200 || strings.Contains(page, `id="ballot"`) || !strings.Contains(page, "ne peut pas voter") {
				t.Fatalf("booth for a bureau without a delegation %d:\n%s", other.Code, page)
			}
			other.get("/assembly/rounds/01900000-0000-7000-8000-000000000000/booth")
			if other.Code != http.StatusNotFound {
				t.Fatalf("booth of no round: %d", other.Code)
			}
		})
	}
}

// TestBrowserVotingBooth: the head of an accredited delegation votes in
// Arabic on a tablet: the browser blinds the token, takes the blind
// signature with its session, unblinds it and casts the ballot with no
// credentials; the ballot is on the board and the count verifies.
func TestBrowserVotingBooth(t *testing.T) {
	ctx := browsertest.Start(t, 1024, 1366)
	e := newEnv(t, storetest.Backend{Name: "sqlite", Open: storetest.OpenSQLite})
	a := newAssembly(t, e)
	e.user(t, "ma.supervisor", "MA", core.RoleSupervisor, true)
	tb := &tab{t: t, ctx: ctx, dir: browsertest.Screenshots(t), lang: "ar"}
	tb.signIn(e, "ma.supervisor")
	tb.do("open the booth", chromedp.Navigate(e.URL+"/assembly/rounds/"+a.open+"/booth?delay=0"), chromedp.WaitVisible("#ballot"))
	if tb.attr("html", "dir") != "rtl" {
		t.Fatal("the booth is not right to left in Arabic")
	}
	if tb.eval(`document.documentElement.scrollWidth > window.innerWidth`) {
		t.Error("the booth is wider than a tablet")
	}
	tb.shot("booth")
	tb.do("vote no", chromedp.Click(`label[for="choice-1"]`), chromedp.Click("#cast"), chromedp.WaitVisible("#receipt"))
	tb.shot("booth-receipt")
	receipt := tb.text("#receipt-hash")
	f, err := e.Server.Assembly.Board(ctxBg, a.open)
	if err != nil {
		t.Fatal(err)
	}
	if f.Size != 1 || f.Round.TokensIssued != 1 {
		t.Fatalf("board size %d, tokens %d", f.Size, f.Round.TokensIssued)
	}
	rc, err := e.Server.Assembly.Proof(ctxBg, a.open, 0)
	if err != nil || !strings.HasPrefix(receipt, rc.BallotHash) {
		t.Fatalf("the receipt %q is not the board's ballot %v (%v)", receipt, rc, err)
	}
	// The second delegation votes through the service; the round closes
	// and the browser's ballot is counted as cast.
	b, _ := assembly.NewBallot(f.Round.PublicKey, nil)
	tok, err := e.Server.Assembly.IssueToken(ctxBg, asmHead("FR"), a.open, assembly.TokenInput{Blinded: b.BlindedB64()})
	if err != nil {
		t.Fatal(err)
	}
	in, _ := b.Finalize(tok.BlindSignature, "yes")
	if _, err := e.Server.Assembly.CastBallot(ctxBg, a.open, in); err != nil {
		t.Fatal(err)
	}
	if f, err = e.Server.Assembly.Board(ctxBg, a.open); err != nil {
		t.Fatal(err)
	}
	v := assembly.VerifyBoard(f)
	if len(v.Problems) > 0 || f.Round.Result.Counts["no"] != 1 || f.Round.Result.Counts["yes"] != 1 {
		t.Fatalf("result %+v problems %v", f.Round.Result, v.Problems)
	}
	// The session page shows the result, and fits a tablet right to left.
	tb.do("open the session", chromedp.Navigate(e.URL+"/assembly/"+a.session), chromedp.WaitVisible("#round-"+a.open+" table.result"))
	if tb.eval(`document.documentElement.scrollWidth > window.innerWidth`) {
		t.Error("the session page is wider than a tablet")
	}
	tb.shot("session")
}
