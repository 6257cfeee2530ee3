package federation

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/core"
)

func testBundle() *Bundle {
	rel := core.Releasability{Mode: core.ReleaseOnly, Countries: []string{"ES", "FR"}}
	return &Bundle{Origin: "hub", To: "ES", MessageID: "m1", Seq: 1, Type: TypeNoticePut, ObjectID: "n1", ObjectVersion: 3, Owner: "MA",
		Releasability: &rel, Caveats: []string{core.CaveatDangerous}, CreatedAt: time.Date(2026, 12, 4, 20, 0, 0, 0, time.UTC),
		Payload: json.RawMessage(`{"b": 1, "a": "x"}`)}
}

func TestSealOpenVerify(t *testing.T) {
	pub, key, _ := ed25519.GenerateKey(rand.Reader)
	raw, err := Seal(testBundle(), key)
	if err != nil {
		t.Fatal(err)
	}
	b, canon, sig, err := Open(raw)
	if err != nil {
		t.Fatal(err)
	}
	if err := Verify(PublicKeyString(pub), canon, sig); err != nil {
		t.Fatalf("a sealed bundle must verify: %v", err)
	}
	if b.To != "ES" || b.Seq != 1 || b.Releasability.Mode != core.ReleaseOnly || string(b.Payload) != `{"a":"x","b":1}` {
		t.Fatalf("opened bundle differs: %+v %s", b, b.Payload)
	}
	// Another key does not verify it.
	other, _, _ := ed25519.GenerateKey(rand.Reader)
	if err := Verify(PublicKeyString(other), canon, sig); core.ErrorCode(err) != core.EUNAUTHORIZED {
		t.Fatalf("another key: %v, want unauthorized", err)
	}
}

// Every change to the signed content — the addressee, the sequence, the
// releasability — breaks the signature; layout changes (spacing, key
// order) do not.
func TestTamperedBundleDoesNotVerify(t *testing.T) {
	pub, key, _ := ed25519.GenerateKey(rand.Reader)
	raw, _ := Seal(testBundle(), key)
	var env Envelope
	json.Unmarshal(raw, &env)
	var m map[string]any
	json.Unmarshal(env.Bundle, &m)
	cases := map[string]func(map[string]any){
		"to":            func(m map[string]any) { m["to"] = "NG" },
		"seq":           func(m map[string]any) { m["seq"] = 2 },
		"releasability": func(m map[string]any) { m["releasability"] = map[string]any{"mode": "all"} },
		"payload":       func(m map[string]any) { m["payload"] = map[string]any{"a": "y", "b": 1} },
	}
	for name, change := range cases {
		c := map[string]any{}
		for k, v := range m {
			c[k] = v
		}
		change(c)
		bb, _ := json.Marshal(c)
		forged, _ := json.Marshal(Envelope{Bundle: bb, Signature: env.Signature})
		_, canon, sig, err := Open(forged)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if Verify(PublicKeyString(pub), canon, sig) == nil {
			t.Errorf("%s changed, yet the signature verifies", name)
		}
	}
	// Re-laid out: indentation and another key order.
	var pretty bytes.Buffer
	json.Indent(&pretty, env.Bundle, "", "  ")
	relaid, _ := json.Marshal(Envelope{Bundle: pretty.Bytes(), Signature: env.Signature})
	_, canon, sig, err := Open(relaid)
	if err != nil || Verify(PublicKeyString(pub), canon, sig) != nil {
		t.Fatalf("the same bundle laid out differently must verify: %v", err)
	}
}

func TestStrippedReleasabilityRefused(t *testing.T) {
	_, key, _ := ed25519.GenerateKey(rand.Reader)
	b := testBundle()
	b.Releasability = nil
	if _, err := Seal(b, key); err == nil {
		t.Fatal("sealing without releasability must fail")
	}
	raw, _ := Seal(testBundle(), key)
	var env Envelope
	json.Unmarshal(raw, &env)
	var m map[string]any
	json.Unmarshal(env.Bundle, &m)
	for _, strip := range []func(){func() { delete(m, "releasability") }, func() { m["releasability"] = map[string]any{"mode": ""} }, func() { delete(m, "caveats") }} {
		strip()
		bb, _ := json.Marshal(m)
		forged, _ := json.Marshal(Envelope{Bundle: bb, Signature: env.Signature})
		if _, _, _, err := Open(forged); core.ErrorCode(err) != core.EINVALID {
			t.Fatalf("stripped bundle: %v, want invalid", err)
		}
		json.Unmarshal(env.Bundle, &m)
	}
}

func TestOpenLimits(t *testing.T) {
	big := `{"bundle":{"x":"` + strings.Repeat("a", MaxEnvelopeBytes) + `"},"signature":""}`
	if _, _, _, err := Open([]byte(big)); core.ErrorCode(err) != core.ETOOLARGE {
		t.Fatalf("oversized: %v", err)
	}
	for _, bad := range []string{``, `{}`, `[]`, `{"bundle":{},"signature":"AA=="}`, `{"bundle":{"a":1}{"b":2},"signature":""}`, `{"bundle":1,"signature":"x","extra":1}`} {
		if _, _, _, err := Open([]byte(bad)); err == nil {
			t.Errorf("%q opened", bad)
		}
	}
}

// FuzzOpenVerify: whatever arrives, Open and Verify never panic, and
// nothing that Verify accepts differs from what was signed.
func FuzzOpenVerify(f *testing.F) {
	pub, key, _ := ed25519.GenerateKey(rand.Reader)
	good, _ := Seal(testBundle(), key)
	f.Add(good)
	f.Add([]byte(`{"bundle":{},"signature":""}`))
	f.Add([]byte(`{"bundle":{"protocol":1},"signature":"AAAA"}`))
	f.Add([]byte(`not json`))
	ps := PublicKeyString(pub)
	goodB, _, _, _ := Open(good)
	f.Fuzz(func(t *testing.T, raw []byte) {
		b, canon, sig, err := Open(raw)
		if err != nil {
			return
		}
		if Verify(ps, canon, sig) != nil {
			return
		}
		// Verified: it is the bundle that was signed.
		if b.To != goodB.To || b.Seq != goodB.Seq || b.Releasability.Mode != goodB.Releasability.Mode || b.ObjectID != goodB.ObjectID {
			t.Fatalf("a bundle that verifies differs from the signed one: %+v", b)
		}
	})
}

func FuzzCanonical(f *testing.F) {
	f.Add([]byte(`{"b":1,"a":[1,2,{"d":null,"c":"x"}]}`))
	f.Add([]byte(`"\u00e9"`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		c, err := Canonical(raw)
		if err != nil {
			return
		}
		c2, err := Canonical(c)
		if err != nil || !bytes.Equal(c, c2) {
			t.Fatalf("canonical form is not stable: %q → %q (%v)", c, c2, err)
		}
	})
}

// FuzzParseBatch: whatever a peer posts as a batch, reading it and
// opening each envelope never panics, and what is accepted is bounded.
func FuzzParseBatch(f *testing.F) {
	_, key, _ := ed25519.GenerateKey(rand.Reader)
	one, _ := Seal(testBundle(), key)
	f.Add([]byte(`{"envelopes":[` + string(one) + `,` + string(one) + `]}`))
	f.Add([]byte(`{"envelopes":[]}`))
	f.Add([]byte(`{"envelopes":[{}],"x":1}`))
	f.Add([]byte(`{"envelopes":[null]} {}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		envs, err := ParseBatch(raw)
		if err != nil {
			if core.ErrorCode(err) == "" {
				t.Fatalf("an error without a code: %v", err)
			}
			return
		}
		if len(envs) == 0 || len(envs) > MaxBatchMessages {
			t.Fatalf("%d envelopes accepted", len(envs))
		}
		for _, e := range envs {
			if b, _, _, err := Open(e); err == nil && b == nil {
				t.Fatal("opened without a bundle")
			}
		}
	})
}
