package api_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/federation"
	"github.com/manara-hub/manara/internal/store/storetest"
)

// fedPKI is a federation's CA, issuing each process's certificate.
type fedPKI struct {
	dir    string
	caCert *x509.Certificate
	caKey  *ecdsa.PrivateKey
	caFile string
	serial int64
}

func newFedPKI(t *testing.T) *fedPKI {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Test federation CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	p := &fedPKI{dir: t.TempDir(), caCert: cert, caKey: key, serial: 1}
	p.caFile = p.write(t, "ca.pem", "CERTIFICATE", der)
	return p
}

func (p *fedPKI) write(t *testing.T, name, typ string, der []byte) string {
	t.Helper()
	path := filepath.Join(p.dir, name)
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// issue makes a certificate for name (a server on 127.0.0.1 and a
// client) and returns the configurations federation.MutualTLS reads from
// the files, as manara serve does.
func (p *fedPKI) issue(t *testing.T, name string) (server, client *tls.Config) {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	p.serial++
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(p.serial), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, p.caCert, &key.PublicKey, p.caKey)
	if err != nil {
		t.Fatal(err)
	}
	kder, _ := x509.MarshalECPrivateKey(key)
	certFile := p.write(t, name+".pem", "CERTIFICATE", der)
	keyFile := p.write(t, name+".key", "EC PRIVATE KEY", kder)
	server, client, err = federation.MutualTLS(certFile, keyFile, p.caFile)
	if err != nil {
		t.Fatal(err)
	}
	return server, client
}

// TestFederationMutualTLS: the whole scenario runs over mutual TLS and
// HTTP/2; a client without a certificate, or with one from another CA,
// is refused on the federation's routes, while the API it serves to
// browsers needs none.
func TestFederationMutualTLS(t *testing.T) {
	pki := newFedPKI(t)
	w := federationScenario(t, storetest.Backend{Name: "sqlite", Open: storetest.OpenSQLite}, pki)
	w.wantHTTP2(t)

	trustOnly := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: w.hub.fixtureRoots(t)}}}
	post := func(c *http.Client, path string) *http.Response {
		t.Helper()
		r, err := c.Post(w.hub.URL+path, "application/json", strings.NewReader(`{}`))
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		return r
	}
	for _, path := range []string{federation.PathInbox, federation.PathInboxBatch, federation.PathEnrol} {
		if r := post(trustOnly, path); r.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s without a client certificate: %d, want 401", path, r.StatusCode)
		}
	}
	// A certificate from another CA does not even complete the handshake.
	stranger := newFedPKI(t)
	_, strangerClient := stranger.issue(t, "stranger")
	strangerClient.RootCAs = w.hub.fixtureRoots(t)
	if _, err := (&http.Client{Transport: &http.Transport{TLSClientConfig: strangerClient}}).Post(w.hub.URL+federation.PathInbox, "application/json", strings.NewReader(`{}`)); err == nil {
		t.Error("a client certificate from another CA was accepted")
	}
	// The API and console need no client certificate.
	r, err := trustOnly.Get(w.hub.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != http.StatusOK {
		t.Errorf("health without a client certificate: %d", r.StatusCode)
	}
	if got := w.hub.refusalsAudited(t, "auth.denied"); got < 3 {
		t.Errorf("%d refusals audited, want the 3 requests without a certificate", got)
	}
}

// fixtureRoots is the pool that trusts the process's certificate.
func (p *fedProcess) fixtureRoots(t *testing.T) *x509.CertPool {
	t.Helper()
	tr, ok := p.client.Transport.(*http.Transport)
	if !ok || tr.TLSClientConfig == nil {
		t.Fatal("not a TLS process")
	}
	return tr.TLSClientConfig.RootCAs
}
