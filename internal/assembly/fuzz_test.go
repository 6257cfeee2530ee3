package assembly_test

import (
	"encoding/json"
	"testing"

	"github.com/manara-hub/manara/internal/assembly"
)

// FuzzVerifyBoard: verify-tally reads boards from anywhere; whatever the
// file holds, verification answers (problems, not a panic), and a board
// that verifies has a tally.
func FuzzVerifyBoard(f *testing.F) {
	f.Add(`{"format":"manara-assembly-board/1","round":{"id":"r","kind":"resolution","options":["yes","no","abstain"],"rule":"simple","public_key":"AAAA","tokens_issued":1},"entries":[{"round_id":"r","index":0,"token":"AAAA","signature":"AAAA","choice":"yes"}],"size":1,"root":""}`)
	f.Add(`{"round":{"kind":"election","options":["a"],"drop_lowest":true,"result":{"counts":{}}},"entries":[{"index":3,"token":"!","choice":"a"}]}`)
	f.Add(`{}`)
	f.Fuzz(func(t *testing.T, raw string) {
		var b assembly.BoardFile
		if json.Unmarshal([]byte(raw), &b) != nil {
			return
		}
		v := assembly.VerifyBoard(&b)
		if len(v.Problems) == 0 && v.Tally == nil {
			t.Fatalf("a board verified without a tally: %s", raw)
		}
	})
}
