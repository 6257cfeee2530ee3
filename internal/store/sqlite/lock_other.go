//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package sqlite

import "os"

// flock is not available here: a restore cannot tell that a server has the
// store open, and stopping it first is up to the operator.
func flock(f *os.File, exclusive bool) error { return nil }
