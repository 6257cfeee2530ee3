package main

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/manara-hub/manara/internal/assembly"
)

// FuzzVerifyTallyFile: verify-tally reads a board file from anywhere;
// whatever the file holds, reading it gives back exactly its bytes, and
// the command ends in success only for a board file that verifies, and
// otherwise in exit 1 naming the file or the problems — never another
// error, never a panic. (assembly.FuzzVerifyBoard fuzzes the
// verification itself.)
func FuzzVerifyTallyFile(f *testing.F) {
	f.Add([]byte(`{"format":"manara-assembly-board/1","round":{"id":"r","kind":"resolution","options":["yes","no","abstain"],"rule":"simple","public_key":"AAAA","tokens_issued":1},"entries":[{"round_id":"r","index":0,"token":"AAAA","signature":"AAAA","choice":"yes"}],"size":1,"root":""}`))
	f.Add([]byte(`{"round":{"id":"r","kind":"election","options":["a"],"result":null},"entries":[],"size":0,"root":""}`))
	f.Add([]byte(`{}`))
	f.Add([]byte(`null`))
	f.Add([]byte("\xef\xbb\xbf{\"round\":{}}"))
	f.Add([]byte(`{"round":{"id":"r"}} trailing`))
	f.Add([]byte(``))
	dir := f.TempDir()
	devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { devnull.Close() })
	f.Fuzz(func(t *testing.T, raw []byte) {
		path := filepath.Join(dir, "board.json")
		if err := os.WriteFile(path, raw, 0o600); err != nil {
			t.Fatal(err)
		}
		got, err := readBoard(path)
		if err != nil || string(got) != string(raw) {
			t.Fatalf("readBoard gave %d bytes of %d: %v", len(got), len(raw), err)
		}
		stdout := os.Stdout
		os.Stdout = devnull
		err = assemblyCmd().run([]string{"verify-tally", path})
		os.Stdout = stdout
		var b assembly.BoardFile
		decoded := json.Unmarshal(raw, &b) == nil
		if err == nil {
			if !decoded {
				t.Fatalf("a file that is not a board verified: %q", raw)
			}
			if v := assembly.VerifyBoard(&b); len(v.Problems) > 0 {
				t.Fatalf("a board with problems verified: %v", v.Problems)
			}
			return
		}
		var ee exitErr
		if !errors.As(err, &ee) || ee.code != 1 {
			t.Fatalf("verify-tally ended in %T %v, not exit 1", err, err)
		}
	})
}
