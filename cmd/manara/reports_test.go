package main

import (
	"strconv"
	"testing"

	"github.com/manara-hub/manara/internal/reports"
)

// TestPoWDifficultyDefault: --reports-pow-difficulty defaults to the
// difficulty the reports service issues and checks on its own, the one
// the README's measurement chose.
func TestPoWDifficultyDefault(t *testing.T) {
	c := newCommand("serve", "", "")
	var f reportFlags
	f.add(c)
	fl := c.flags.Lookup("reports-pow-difficulty")
	if fl == nil || fl.DefValue != strconv.Itoa(reports.NewPoW().Difficulty) || reports.NewPoW().Difficulty != reports.DefaultPoWDifficulty {
		t.Fatalf("flag default %v, service default %d", fl, reports.NewPoW().Difficulty)
	}
}
