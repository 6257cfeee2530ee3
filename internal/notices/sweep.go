package notices

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/manara-hub/manara/internal/core"
)

// DefaultOrphanGrace is how old an unreferenced file in AttachmentDir must
// be before SweepOrphans removes it. An upload writes its file, then
// commits the row naming it, within one request: far shorter than this.
const DefaultOrphanGrace = time.Hour

// SweepOrphans removes the files in AttachmentDir that no stored
// attachment names and that were last written more than OrphanGrace ago:
// the bytes of uploads whose transaction failed after the file was
// written, and temporary files a crash left behind. Only names the
// service writes are considered (a two-hex-digit folder holding files
// named by a SHA-256 beginning with those digits, and the .upload- and
// .sweep- temporary files beside them); nothing else in the folder, and
// nothing outside it, is touched, and links are not followed. It needs no
// lock between replicas sharing the folder: see removeOrphan.
func (s *Service) SweepOrphans(ctx context.Context) (removed int, err error) {
	if s.AttachmentDir == "" {
		return 0, nil
	}
	grace := s.OrphanGrace
	if grace <= 0 {
		grace = DefaultOrphanGrace
	}
	old := func(e fs.DirEntry) bool {
		info, err := e.Info()
		return err == nil && time.Since(info.ModTime()) > grace
	}
	shards, err := os.ReadDir(s.AttachmentDir)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil // made by the first upload
	} else if err != nil {
		return 0, fmt.Errorf("attachment folder: %w", err)
	}
	var candidates, named []string
	for _, shard := range shards {
		if !shard.IsDir() || !isHex(shard.Name(), 2) {
			continue
		}
		dir := filepath.Join(s.AttachmentDir, shard.Name())
		entries, err := os.ReadDir(dir)
		if err != nil {
			return removed, fmt.Errorf("attachment folder: %w", err)
		}
		for _, e := range entries {
			name := e.Name()
			if !e.Type().IsRegular() {
				continue
			}
			if isHex(name, 64) && name[:2] == shard.Name() {
				named = append(named, name)
			}
			if !old(e) {
				continue
			}
			switch {
			case isHex(name, 64) && name[:2] == shard.Name():
				candidates = append(candidates, name)
			case isTemp(name):
				// Nothing refers to a temporary file: one this old was
				// left by a process that stopped before renaming it.
				if err := os.Remove(filepath.Join(dir, name)); err == nil {
					removed++
				} else if !errors.Is(err, fs.ErrNotExist) {
					return removed, fmt.Errorf("attachment folder: %w", err)
				}
			}
		}
		if err := ctx.Err(); err != nil {
			return removed, err
		}
	}
	if len(candidates) == 0 {
		return removed, nil
	}
	var stored map[string]bool
	var origin string
	if err := s.Store.View(ctx, func(tx core.Tx) error {
		var err error
		if stored, err = tx.AttachmentSumsStored(candidates); err != nil {
			return err
		}
		first, err := tx.AuditEntries(0, 1)
		if err == nil && len(first) == 1 {
			origin = first[0].Hash
		}
		return err
	}); err != nil {
		return removed, err
	}
	if err := s.folderIsOurs(ctx, origin, named); err != nil {
		return removed, err
	}
	for _, sum := range candidates {
		if stored[sum] {
			continue
		}
		ok, err := removeOrphan(s.filePath(sum), grace)
		if err != nil {
			return removed, err
		}
		if ok {
			removed++
		}
	}
	return removed, nil
}

// removeOrphan removes the file at path, found unreferenced and older than
// grace, unless an upload took it up meanwhile. An upload that finds its
// bytes already stored refreshes the file's modification time before it
// inserts its row (writeFile), and one that does not finds no file and
// writes its own. So the file is first moved aside, which no upload can
// then refresh, and its time is looked at again there: still old, no
// upload relies on it and it goes; refreshed, an upload relies on it and
// it is put back. Two replicas sweeping at once cannot both move it.
func removeOrphan(path string, grace time.Duration) (bool, error) {
	aside, err := os.CreateTemp(filepath.Dir(path), ".sweep-*")
	if err != nil {
		return false, fmt.Errorf("attachment folder: %w", err)
	}
	aside.Close()
	if err := os.Rename(path, aside.Name()); err != nil {
		os.Remove(aside.Name())
		if errors.Is(err, fs.ErrNotExist) {
			return false, nil
		}
		return false, fmt.Errorf("attachment folder: %w", err)
	}
	info, err := os.Lstat(aside.Name())
	if err == nil && time.Since(info.ModTime()) <= grace {
		// The same bytes, if an upload wrote them again meanwhile.
		if err := os.Rename(aside.Name(), path); err != nil {
			return false, fmt.Errorf("attachment folder: %w", err)
		}
		return false, nil
	}
	if err := os.Remove(aside.Name()); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return false, fmt.Errorf("attachment folder: %w", err)
	}
	return true, nil
}

// isHex tells whether name is n lowercase hexadecimal digits, as
// hex.EncodeToString writes them.
func isHex(name string, n int) bool {
	if len(name) != n {
		return false
	}
	for _, c := range name {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// isTemp tells whether name is one of os.CreateTemp's names for the
// patterns writeFile and removeOrphan use.
func isTemp(name string) bool {
	for _, p := range []string{".upload-", ".sweep-"} {
		if rest, ok := strings.CutPrefix(name, p); ok && rest != "" && strings.Trim(rest, "0123456789") == "" {
			return true
		}
	}
	return false
}

// folderMark is the file in AttachmentDir naming the store whose
// attachments the folder holds: the hash of the store's first audit entry,
// which no other store shares and a restore keeps.
const folderMark = ".manara-store"

// folderIsOurs refuses to sweep a folder that belongs to another store: a
// server started by mistake with another database (a new, empty one, say)
// against a folder in use would find every file in it unreferenced. The
// first sweep marks the folder as this store's, but only if this store
// names at least one of the files in it (named): a folder whose every
// file is foreign to this store is not claimed.
func (s *Service) folderIsOurs(ctx context.Context, origin string, named []string) error {
	if origin == "" {
		return fmt.Errorf("attachment folder %s: not swept: the store has no audit log yet, so it cannot be told apart from another store", s.AttachmentDir)
	}
	path := filepath.Join(s.AttachmentDir, folderMark)
	// Another replica marking the folder at the same moment makes one
	// attempt read the mark again; a mark that keeps vanishing between the
	// link and the read is not a race but a fault, and ends the sweep.
	for range markAttempts {
		again, err := s.checkMark(ctx, origin, named, path)
		if !again {
			return err
		}
	}
	return fmt.Errorf("attachment folder: not swept: %s could not be read or written in %d attempts (another process keeps replacing or removing it)", path, markAttempts)
}

// markAttempts is how many times folderIsOurs reads the mark before it
// gives up.
const markAttempts = 3

// checkMark is one attempt of folderIsOurs at the mark at path: it checks
// the mark, or writes it if there is none. again tells that another
// process wrote a mark in the meantime, to be read on a further attempt.
func (s *Service) checkMark(ctx context.Context, origin string, named []string, path string) (again bool, err error) {
	// A mark that is a symbolic link (dangling: ReadFile says it does not
	// exist while Link says it does) or any other kind of file cannot be
	// trusted to name this store, nor written over safely.
	if fi, err := os.Lstat(path); err == nil && !fi.Mode().IsRegular() {
		kind := "a special file"
		switch {
		case fi.Mode()&fs.ModeSymlink != 0:
			kind = "a symbolic link"
		case fi.IsDir():
			kind = "a folder"
		}
		return false, fmt.Errorf("attachment folder: not swept: %s is %s; it must be a regular file naming the store", path, kind)
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return false, fmt.Errorf("attachment folder: %w", err)
	}
	mark, err := os.ReadFile(path)
	empty := err == nil && strings.TrimSpace(string(mark)) == ""
	switch {
	case err == nil && !empty:
		if got := strings.TrimSpace(string(mark)); got != origin {
			return false, fmt.Errorf("attachment folder %s: not swept: it belongs to another store (%s names audit log %.16s…, this store's is %.16s…); give each store its own folder", s.AttachmentDir, folderMark, got, origin)
		}
		return false, nil
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return false, fmt.Errorf("attachment folder: %w", err)
	}
	// No mark, or an empty one (a mark is written whole, below, but a
	// crash of an earlier version could leave one empty): not claimed yet.
	var stored map[string]bool
	if err := s.Store.View(ctx, func(tx core.Tx) (err error) {
		stored, err = tx.AttachmentSumsStored(named) // it reads in batches itself
		return err
	}); err != nil {
		return false, err
	}
	if len(stored) == 0 {
		return false, fmt.Errorf("attachment folder %s: not swept: this store names none of its files, so it may be another store's folder; if it is this store's, write the hash of the store's first audit entry in %s there", s.AttachmentDir, folderMark)
	}
	// Written whole or not at all: a temporary file, synced, then linked
	// into place, which fails if another replica's mark got there first
	// (it is then read again); an empty mark is replaced.
	tmp, err := os.CreateTemp(s.AttachmentDir, folderMark+".tmp-*")
	if err != nil {
		return false, fmt.Errorf("attachment folder: %w", err)
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.WriteString(origin + "\n")
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil && empty {
		err = os.Rename(tmp.Name(), path)
	} else if err == nil {
		err = os.Link(tmp.Name(), path)
	}
	if errors.Is(err, fs.ErrExist) {
		return true, nil // a replica marked it first
	} else if err != nil {
		return false, fmt.Errorf("attachment folder: %w", err)
	}
	return false, nil
}
