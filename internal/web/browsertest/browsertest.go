// Package browsertest starts the distribution's Chromium for the web
// tests (the console and the citizens' pages) through chromedp: one way
// to find it, to skip without it (or fail, under CI), to size its window
// and to keep its screenshots. Only tests import it; it touches nothing
// of the product.
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"testing"

	"github.com/chromedp/chromedp"
)

// Start starts Chromium with a window of width × height pixels and
// returns a tab's context, which lives until the test ends. It skips in
// -short mode, and where no Chromium is installed; under CI (CI set, as
// .ci/run sets it) a missing Chromium fails the test instead.
func Start(t testing.TB, width, height int) context.Context {
	t.Helper()
	if testing.Short() {
		t.Skip("browser tests skipped in -short mode")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromium(t)), chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true), chromedp.Flag("disable-dev-shm-usage", true), chromedp.WindowSize(width, height))
	alloc, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil { // start the browser; the tab lives as long as ctx
		t.Fatal(err)
	}
	return ctx
}

func chromium(t testing.TB) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("browser tests: no Chromium found (install the distribution's chromium package; .ci/run does)")
	}
	t.Skip("browser tests skipped: no chromium binary on PATH (apt-get install chromium)")
	return ""
}

// Screenshots is where a test's screenshots go: MANARA_SCREENSHOTS if set
// (they are kept there), else the test's temporary directory.
func Screenshots(t testing.TB) string {
	t.Helper()
	if d := os.Getenv("MANARA_SCREENSHOTS"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		return d
	}
	return t.TempDir()
}
