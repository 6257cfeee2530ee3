//go:build !linux

package bench

import (
	"io"
	"net"
)

// dialLoad opens the load generator's connection (a blocking socket on
// Linux, see dial_linux.go).
func dialLoad(addr string) (io.ReadWriteCloser, error) { return net.Dial("tcp", addr) }
