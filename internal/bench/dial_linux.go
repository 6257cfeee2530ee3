//go:build linux

package bench

import (
	"io"
	"net"
	"strconv"
	"syscall"
)

// dialLoad opens the load generator's connection as a blocking socket that
// it reads and writes with plain system calls. Through net.Conn each request
// also cost the runtime's poller: a read that found nothing parked the
// goroutine, and an epoll wait and a thread's wake-up brought it back. With
// one blocking thread a connection, a request is one write and one or two
// reads, as with wrk's event loop, and the two cores go to the server.
func dialLoad(addr string) (io.ReadWriteCloser, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	ip := net.ParseIP(host).To4()
	p, err := strconv.Atoi(port)
	if ip == nil || err != nil || p < 1 || p > 65535 {
		return net.Dial("tcp", addr) // not an IPv4 address and port: the poller's way
	}
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	sa := &syscall.SockaddrInet4{Port: p}
	copy(sa.Addr[:], ip)
	if err := syscall.Connect(fd, sa); err != nil {
		syscall.Close(fd)
		return nil, err
	}
	// The request is written in one call; nothing to wait for.
	if err := syscall.SetsockoptInt(fd, syscall.IPPROTO_TCP, syscall.TCP_NODELAY, 1); err != nil {
		syscall.Close(fd)
		return nil, err
	}
	return blockingConn(fd), nil
}

type blockingConn int

func (c blockingConn) Read(b []byte) (int, error) {
	for {
		n, err := syscall.Read(int(c), b)
		switch {
		case err == syscall.EINTR:
			continue
		case err != nil:
			return 0, err
		case n == 0 && len(b) > 0:
			return 0, io.EOF
		}
		return n, nil
	}
}

func (c blockingConn) Write(b []byte) (int, error) {
	written := 0
	for written < len(b) {
		n, err := syscall.Write(int(c), b[written:])
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return written, err
		}
		written += n
	}
	return written, nil
}

func (c blockingConn) Close() error { return syscall.Close(int(c)) }
