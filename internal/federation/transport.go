package federation

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"os"
	"time"
)

// Protocols are what a Manara process serves: HTTP/1.1 for browsers and
// clients that need it, HTTP/2 over TLS (negotiated), and HTTP/2 over
// cleartext with prior knowledge (h2c), which is what peers speak to a
// process not behind TLS.
func Protocols() *http.Protocols {
	p := new(http.Protocols)
	p.SetHTTP1(true)
	p.SetHTTP2(true)
	p.SetUnencryptedHTTP2(true)
	return p
}

// NewClient is the client a process sends to its peers with: HTTP/2
// only — negotiated over TLS, with prior knowledge (h2c) over cleartext
// — so that one connection per peer carries every request, and without
// following redirects (a peer answers where it is asked). tlsConfig, if
// set, is the mutual TLS configuration (MutualTLS): this process's
// certificate, and the federation's CA for the peers'.
func NewClient(tlsConfig *tls.Config, timeout time.Duration) *http.Client {
	p := new(http.Protocols)
	p.SetHTTP2(true)
	p.SetUnencryptedHTTP2(true)
	if tlsConfig != nil {
		tlsConfig = tlsConfig.Clone() // the transport adds its protocols to it
	}
	tr := &http.Transport{
		Proxy:               http.ProxyFromEnvironment,
		Protocols:           p,
		TLSClientConfig:     tlsConfig,
		TLSHandshakeTimeout: 10 * time.Second,
		IdleConnTimeout:     90 * time.Second,
		MaxIdleConnsPerHost: 4,
	}
	return &http.Client{Transport: tr, Timeout: timeout, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// MutualTLS reads the federation's TLS files: this process's
// certificate and key (served to peers, and presented to them as a
// client), and the CA that signs every process's certificate. The
// server side asks a client for its certificate and checks it against
// the CA when one is given (the console and the API of a process do not
// need one); the federation's routes refuse a request without one
// (api.Config.RequirePeerCert). The client side trusts only the CA's
// certificates. The Ed25519 signatures stay what authenticates each
// message: TLS adds confidentiality and keeps strangers off the routes.
func MutualTLS(certFile, keyFile, caFile string) (server, client *tls.Config, err error) {
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, nil, fmt.Errorf("federation TLS certificate and key (%s, %s): %w", certFile, keyFile, err)
	}
	pem, err := os.ReadFile(caFile)
	if err != nil {
		return nil, nil, fmt.Errorf("federation TLS CA: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, nil, errors.New("federation TLS CA: " + caFile + " holds no PEM certificate")
	}
	server = &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{cert}, ClientCAs: pool,
		ClientAuth: tls.VerifyClientCertIfGiven, NextProtos: []string{"h2", "http/1.1"}}
	client = &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{cert}, RootCAs: pool}
	return server, client, nil
}
