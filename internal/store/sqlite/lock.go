package sqlite

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// LockName is the file in the data folder that servers and restores lock.
// Only the lock means anything: the file itself is empty.
const LockName = "manara.lock"

// Hold marks the store of dataDir as in use until release is called (or the
// process ends), so that a restore refuses to replace it meanwhile; several
// processes may hold it at once. It refuses while a restore is under way.
func Hold(dataDir string) (release func(), err error) {
	f, err := lock(dataDir, false)
	if err == errBusy {
		return nil, fmt.Errorf("the store in %s is being restored (manara restore): wait for the restore to finish", dataDir)
	}
	if err != nil {
		return nil, err
	}
	return func() { f.Close() }, nil
}

var errBusy = errors.New("locked by another process")

// lock takes the data folder's lock, shared or exclusive, without waiting:
// errBusy if another process's lock stands in the way.
func lock(dataDir string, exclusive bool) (*os.File, error) {
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("create data folder: %w", err)
	}
	name := filepath.Join(dataDir, LockName)
	for {
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o600)
		if err != nil {
			return nil, fmt.Errorf("lock the store: %w", err)
		}
		if err := flock(f, exclusive); err != nil {
			f.Close()
			if err == errBusy {
				return nil, err
			}
			return nil, fmt.Errorf("lock %s: %w", name, err)
		}
		// A restore that made the folder and failed removes the file: a
		// lock taken on it meanwhile would guard nothing, so take it again.
		fi, err := f.Stat()
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("lock %s: %w", name, err)
		}
		if now, err := os.Stat(name); err == nil && os.SameFile(fi, now) {
			return f, nil
		}
		f.Close()
	}
}
