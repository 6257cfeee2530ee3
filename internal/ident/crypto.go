package ident

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"golang.org/x/crypto/sha3"
)

// CryptoAddress is a validated crypto-currency address.
type CryptoAddress struct {
	// Kind is btc, eth or trx.
	Kind Kind `json:"kind"`
	// Canonical is the address as the network writes it: base58 addresses
	// as given (base58 is case-sensitive), bech32 addresses in lower case,
	// Ethereum addresses in lower case with "0x".
	Canonical string `json:"canonical"`
	// Network is mainnet or testnet.
	Network string `json:"network"`
	// Type is p2pkh, p2sh, p2wpkh, p2wsh, p2tr or witness_vN (Bitcoin),
	// account (Ethereum, Tron).
	Type string `json:"type"`
	// Checksummed is the EIP-55 mixed-case form of an Ethereum address.
	Checksummed string   `json:"checksummed,omitempty"`
	Warnings    []string `json:"warnings,omitempty"`
}

const maxCryptoInput = 200

// ParseCrypto parses a Bitcoin, Ethereum or Tron address, whichever it is.
func ParseCrypto(s string) (*CryptoAddress, error) {
	if err := checkInput("", s, maxCryptoInput); err != nil {
		return nil, err
	}
	t := strings.TrimSpace(s)
	switch {
	case len(t) >= 2 && (t[:2] == "0x" || t[:2] == "0X"):
		return ParseETH(s)
	case strings.HasPrefix(t, "T"):
		return ParseTRX(s)
	}
	return ParseBTC(s)
}

// ---- base58 ----

const b58Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

var b58Index = func() (t [256]int8) {
	for i := range t {
		t[i] = -1
	}
	for i := 0; i < len(b58Alphabet); i++ {
		t[b58Alphabet[i]] = int8(i)
	}
	return t
}()

// base58Decode decodes Bitcoin-alphabet base58. It returns the position
// of the first invalid character when there is one.
func base58Decode(s string) ([]byte, int) {
	zeros := 0
	for zeros < len(s) && s[zeros] == '1' {
		zeros++
	}
	// log(58)/log(256) ≈ 0.733
	out := make([]byte, 0, len(s)*733/1000+1)
	for i := zeros; i < len(s); i++ {
		v := b58Index[s[i]]
		if v < 0 {
			return nil, i
		}
		carry := int(v)
		for j := 0; j < len(out); j++ {
			carry += int(out[j]) * 58
			out[j] = byte(carry)
			carry >>= 8
		}
		for carry > 0 {
			out = append(out, byte(carry))
			carry >>= 8
		}
	}
	res := make([]byte, zeros+len(out))
	for i := range out {
		res[len(res)-1-i] = out[i]
	}
	return res, -1
}

// base58Encode encodes b in Bitcoin-alphabet base58.
func base58Encode(b []byte) string {
	zeros := 0
	for zeros < len(b) && b[zeros] == 0 {
		zeros++
	}
	var digits []byte // little-endian base58 digits
	for _, c := range b[zeros:] {
		carry := int(c)
		for j := range digits {
			carry += int(digits[j]) << 8
			digits[j] = byte(carry % 58)
			carry /= 58
		}
		for carry > 0 {
			digits = append(digits, byte(carry%58))
			carry /= 58
		}
	}
	out := make([]byte, zeros+len(digits))
	for i := 0; i < zeros; i++ {
		out[i] = '1'
	}
	for i, d := range digits {
		out[len(out)-1-i] = b58Alphabet[d]
	}
	return string(out)
}

func doubleSHA256(b []byte) []byte {
	h := sha256.Sum256(b)
	h = sha256.Sum256(h[:])
	return h[:]
}

// EncodeBase58Check encodes a version byte and payload as base58check
// (for tests and demo data).
func EncodeBase58Check(version byte, payload []byte) string {
	b := append([]byte{version}, payload...)
	b = append(b, doubleSHA256(b)[:4]...)
	return base58Encode(b)
}

// decodeBase58Check returns the version byte and payload of a base58check
// string.
func decodeBase58Check(kind Kind, s string) (byte, []byte, error) {
	b, bad := base58Decode(s)
	if bad >= 0 {
		return 0, nil, errorf(kind, "value", "%q at position %d is not a base58 character", s[bad], bad+1)
	}
	if len(b) < 5 {
		return 0, nil, errorf(kind, "length", "too short for a base58check address")
	}
	body, sum := b[:len(b)-4], b[len(b)-4:]
	if want := doubleSHA256(body)[:4]; string(want) != string(sum) {
		return 0, nil, errorf(kind, "checksum", "base58check checksum failed (the address is mistyped or altered)")
	}
	return body[0], body[1:], nil
}

// ---- bech32 / bech32m (BIP-173, BIP-350) ----

const bech32Charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"

const (
	bech32Const  = 1
	bech32mConst = 0x2bc830a3
)

func bech32Polymod(values []byte) uint32 {
	gen := [5]uint32{0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3}
	chk := uint32(1)
	for _, v := range values {
		b := chk >> 25
		chk = (chk&0x1ffffff)<<5 ^ uint32(v)
		for i := 0; i < 5; i++ {
			if (b>>i)&1 == 1 {
				chk ^= gen[i]
			}
		}
	}
	return chk
}

func bech32HRPExpand(hrp string) []byte {
	out := make([]byte, 0, len(hrp)*2+1)
	for i := 0; i < len(hrp); i++ {
		out = append(out, hrp[i]>>5)
	}
	out = append(out, 0)
	for i := 0; i < len(hrp); i++ {
		out = append(out, hrp[i]&31)
	}
	return out
}

// bech32Decode decodes a bech32 or bech32m string; it returns the
// lower-case HRP, the data part without checksum and the checksum constant
// it verified against.
func bech32Decode(kind Kind, s string) (hrp string, data []byte, constant uint32, err error) {
	if len(s) > 90 {
		return "", nil, 0, errorf(kind, "length", "bech32 string is %d characters, at most 90", len(s))
	}
	lower, upper := false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 33 || c > 126 {
			return "", nil, 0, errorf(kind, "value", "character %d is not printable ASCII", i+1)
		}
		if c >= 'a' && c <= 'z' {
			lower = true
		}
		if c >= 'A' && c <= 'Z' {
			upper = true
		}
	}
	if lower && upper {
		return "", nil, 0, errorf(kind, "value", "bech32 address mixes upper and lower case")
	}
	s = strings.ToLower(s)
	pos := strings.LastIndexByte(s, '1')
	if pos < 1 || pos+7 > len(s) {
		return "", nil, 0, errorf(kind, "value", "bech32 separator '1' is missing or misplaced")
	}
	hrp = s[:pos]
	data = make([]byte, 0, len(s)-pos-1)
	for i := pos + 1; i < len(s); i++ {
		d := strings.IndexByte(bech32Charset, s[i])
		if d < 0 {
			return "", nil, 0, errorf(kind, "value", "%q at position %d is not a bech32 character", s[i], i+1)
		}
		data = append(data, byte(d))
	}
	constant = bech32Polymod(append(bech32HRPExpand(hrp), data...))
	if constant != bech32Const && constant != bech32mConst {
		return "", nil, 0, errorf(kind, "checksum", "bech32 checksum failed (the address is mistyped or altered)")
	}
	return hrp, data[:len(data)-6], constant, nil
}

func bech32Encode(hrp string, data []byte, constant uint32) string {
	values := append(bech32HRPExpand(hrp), data...)
	values = append(values, 0, 0, 0, 0, 0, 0)
	mod := bech32Polymod(values) ^ constant
	var b strings.Builder
	b.WriteString(hrp)
	b.WriteByte('1')
	for _, d := range data {
		b.WriteByte(bech32Charset[d])
	}
	for i := 0; i < 6; i++ {
		b.WriteByte(bech32Charset[(mod>>(5*(5-i)))&31])
	}
	return b.String()
}

// convertBits regroups bits (8→5 or 5→8).
func convertBits(data []byte, from, to uint, pad bool) ([]byte, bool) {
	acc, bits := uint32(0), uint(0)
	maxv := uint32(1)<<to - 1
	var out []byte
	for _, v := range data {
		if uint32(v)>>from != 0 {
			return nil, false
		}
		acc = acc<<from | uint32(v)
		bits += from
		for bits >= to {
			bits -= to
			out = append(out, byte(acc>>bits&maxv))
		}
	}
	if pad {
		if bits > 0 {
			out = append(out, byte(acc<<(to-bits)&maxv))
		}
	} else if bits >= from || acc<<(to-bits)&maxv != 0 {
		return nil, false
	}
	return out, true
}

// EncodeSegwitAddress builds a segwit address (bech32 for version 0,
// bech32m for versions 1 to 16), for tests and demo data.
func EncodeSegwitAddress(hrp string, version int, program []byte) (string, error) {
	if version < 0 || version > 16 {
		return "", errorf(KindBTC, "witness_version", "witness version %d is not 0 to 16", version)
	}
	conv, _ := convertBits(program, 8, 5, true)
	c := uint32(bech32mConst)
	if version == 0 {
		c = bech32Const
	}
	if len(program) < 2 || len(program) > 40 {
		return "", errorf(KindBTC, "program", "witness program is %d bytes, expected 2 to 40", len(program))
	}
	return bech32Encode(strings.ToLower(hrp), append([]byte{byte(version)}, conv...), c), nil
}

// ParseBTC validates a Bitcoin address: base58check P2PKH (version 0x00,
// testnet 0x6f) and P2SH (0x05, testnet 0xc4), and segwit addresses (HRP
// bc, testnet tb): bech32 for witness version 0 (20- or 32-byte program),
// bech32m for versions 1 to 16 (BIP-350). Testnet addresses are accepted
// with a warning.
func ParseBTC(s string) (*CryptoAddress, error) {
	if err := checkInput(KindBTC, s, maxCryptoInput); err != nil {
		return nil, err
	}
	t := strings.TrimSpace(s)
	if low := strings.ToLower(t); strings.HasPrefix(low, "bitcoin:") {
		t = t[len("bitcoin:"):]
		if i := strings.IndexByte(t, '?'); i >= 0 {
			t = t[:i]
		}
	}
	if t == "" {
		return nil, errorf(KindBTC, "value", "empty address")
	}
	// Base58 addresses have at most 35 characters; anything longer with a
	// separator is read as bech32 so that a wrong prefix is named.
	if low := strings.ToLower(t); strings.HasPrefix(low, "bc1") || strings.HasPrefix(low, "tb1") ||
		len(t) > 35 && strings.LastIndexByte(t, '1') > 0 {
		return parseSegwit(t)
	}
	if len(t) < 25 || len(t) > 35 {
		return nil, errorf(KindBTC, "length", "a base58 Bitcoin address has 25 to 35 characters, got %d", len(t))
	}
	v, payload, err := decodeBase58Check(KindBTC, t)
	if err != nil {
		return nil, err
	}
	a := &CryptoAddress{Kind: KindBTC, Canonical: t, Network: "mainnet"}
	switch v {
	case 0x00:
		a.Type = "p2pkh"
	case 0x05:
		a.Type = "p2sh"
	case 0x6f:
		a.Type, a.Network = "p2pkh", "testnet"
	case 0xc4:
		a.Type, a.Network = "p2sh", "testnet"
	default:
		return nil, errorf(KindBTC, "version", "version byte 0x%02x is not a Bitcoin address (0x00 P2PKH, 0x05 P2SH)", v)
	}
	if len(payload) != 20 {
		return nil, errorf(KindBTC, "length", "a Bitcoin address holds a 20-byte hash, this one %d bytes", len(payload))
	}
	if a.Network == "testnet" {
		a.Warnings = append(a.Warnings, "testnet address")
	}
	return a, nil
}

func parseSegwit(s string) (*CryptoAddress, error) {
	hrp, data, constant, err := bech32Decode(KindBTC, s)
	if err != nil {
		return nil, err
	}
	a := &CryptoAddress{Kind: KindBTC, Canonical: strings.ToLower(s), Network: "mainnet"}
	switch hrp {
	case "bc":
	case "tb":
		a.Network = "testnet"
		a.Warnings = append(a.Warnings, "testnet address")
	default:
		return nil, errorf(KindBTC, "hrp", "human-readable part %q is not Bitcoin's (bc, tb)", hrp)
	}
	if len(data) < 1 {
		return nil, errorf(KindBTC, "witness_version", "segwit address has no witness version")
	}
	ver := int(data[0])
	if ver > 16 {
		return nil, errorf(KindBTC, "witness_version", "witness version %d is not 0 to 16", ver)
	}
	prog, ok := convertBits(data[1:], 5, 8, false)
	if !ok {
		return nil, errorf(KindBTC, "program", "witness program has invalid padding")
	}
	if len(prog) < 2 || len(prog) > 40 {
		return nil, errorf(KindBTC, "program", "witness program is %d bytes, expected 2 to 40", len(prog))
	}
	if ver == 0 && constant != bech32Const {
		return nil, errorf(KindBTC, "checksum", "a witness version 0 address must use bech32, not bech32m (BIP-350)")
	}
	if ver != 0 && constant != bech32mConst {
		return nil, errorf(KindBTC, "checksum", "a witness version %d address must use bech32m, not bech32 (BIP-350)", ver)
	}
	switch {
	case ver == 0 && len(prog) == 20:
		a.Type = "p2wpkh"
	case ver == 0 && len(prog) == 32:
		a.Type = "p2wsh"
	case ver == 0:
		return nil, errorf(KindBTC, "program", "a witness version 0 program is 20 or 32 bytes, this one %d", len(prog))
	case ver == 1 && len(prog) == 32:
		a.Type = "p2tr"
	default:
		a.Type = fmt.Sprintf("witness_v%d", ver)
		a.Warnings = append(a.Warnings, fmt.Sprintf("witness version %d with a %d-byte program has no defined use yet", ver, len(prog)))
	}
	return a, nil
}

// ParseETH validates an Ethereum address: "0x" and 40 hexadecimal digits.
// All-lower and all-upper case are accepted as they are unchecksummed; a
// mixed-case address must match its EIP-55 checksum. The canonical form is
// lower case.
func ParseETH(s string) (*CryptoAddress, error) {
	if err := checkInput(KindETH, s, maxCryptoInput); err != nil {
		return nil, err
	}
	t := strings.TrimSpace(s)
	if low := strings.ToLower(t); strings.HasPrefix(low, "ethereum:") {
		t = t[len("ethereum:"):]
		if i := strings.IndexAny(t, "@/?"); i >= 0 {
			t = t[:i]
		}
	}
	if len(t) < 2 || t[0] != '0' || (t[1] != 'x' && t[1] != 'X') {
		return nil, errorf(KindETH, "value", "an Ethereum address starts with 0x")
	}
	h := t[2:]
	if len(h) != 40 {
		return nil, errorf(KindETH, "length", "an Ethereum address has 40 hexadecimal digits after 0x, got %d", len(h))
	}
	hasLower, hasUpper := false, false
	for i := 0; i < len(h); i++ {
		c := h[i]
		switch {
		case c >= '0' && c <= '9':
		case c >= 'a' && c <= 'f':
			hasLower = true
		case c >= 'A' && c <= 'F':
			hasUpper = true
		default:
			return nil, errorf(KindETH, "value", "%q at position %d is not a hexadecimal digit", c, i+3)
		}
	}
	low := strings.ToLower(h)
	sum := eip55(low)
	a := &CryptoAddress{Kind: KindETH, Canonical: "0x" + low, Network: "mainnet", Type: "account", Checksummed: sum}
	if hasLower && hasUpper && "0x"+h != sum {
		return nil, errorf(KindETH, "checksum", "EIP-55 checksum failed: the mixed case does not match (expected %s)", sum)
	}
	return a, nil
}

// eip55 returns the EIP-55 checksummed form of a lower-case hex address.
func eip55(low string) string {
	k := sha3.NewLegacyKeccak256()
	k.Write([]byte(low))
	hash := hex.EncodeToString(k.Sum(nil))
	out := []byte(low)
	for i, c := range out {
		if c >= 'a' && c <= 'f' && hash[i] >= '8' {
			out[i] = c - 'a' + 'A'
		}
	}
	return "0x" + string(out)
}

// ParseTRX validates a Tron address: base58check with version byte 0x41
// and a 20-byte account hash, 34 characters starting with T.
func ParseTRX(s string) (*CryptoAddress, error) {
	if err := checkInput(KindTRX, s, maxCryptoInput); err != nil {
		return nil, err
	}
	t := strings.TrimSpace(s)
	if len(t) != 34 || t[0] != 'T' {
		return nil, errorf(KindTRX, "value", "a Tron address has 34 characters starting with T")
	}
	v, payload, err := decodeBase58Check(KindTRX, t)
	if err != nil {
		return nil, err
	}
	if v != 0x41 || len(payload) != 20 {
		return nil, errorf(KindTRX, "version", "not a Tron address (version byte 0x%02x, %d-byte payload; expected 0x41 and 20)", v, len(payload))
	}
	return &CryptoAddress{Kind: KindTRX, Canonical: t, Network: "mainnet", Type: "account"}, nil
}
