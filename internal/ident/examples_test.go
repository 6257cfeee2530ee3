package ident

import (
	"fmt"
	"strings"
	"time"
)

// makeIBAN builds an IBAN with correct check digits.
func makeIBAN(cc, bban string) string {
	return fmt.Sprintf("%s%02d%s", cc, 98-ibanMod97(bban+cc+"00"), bban)
}

// testnetP2PKH is a testnet P2PKH address built from a fixed hash.
var testnetP2PKH = EncodeBase58Check(0x6f, []byte("0123456789abcdefghij"))

// The examples below feed both the table tests and the fuzz seed corpora.

// testRef is the reference date for MRZ tests.
var testRef = time.Date(2026, 6, 15, 0, 0, 0, 0, time.UTC)

// ICAO 9303 specimens (part 4 TD3, part 5 TD1, part 6 TD2).
const (
	specTD3 = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n" +
		"L898902C36UTO7408122F1204159ZE184226B<<<<<10"
	specTD1 = "I<UTOD231458907<<<<<<<<<<<<<<<\n" +
		"7408122F1204159UTO<<<<<<<<<<<6\n" +
		"ERIKSSON<<ANNA<MARIA<<<<<<<<<<"
	specTD2 = "I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<\n" +
		"D231458907UTO7408122F1204159<<<<<<<6"
)

type validCase struct {
	in, region, canonical string
}

type invalidCase struct {
	in, region, field string
}

// mrzInvalid are broken MRZs and the field each error must name.
var mrzInvalid = []invalidCase{
	{in: strings.Replace(specTD3, "7408122F", "7408123F", 1), field: "birth_date_check"},
	{in: strings.Replace(specTD3, "L898902C36", "L898902C35", 1), field: "document_number_check"},
	{in: strings.Replace(specTD3, "1204159Z", "1204158Z", 1), field: "expiry_date_check"},
	{in: strings.Replace(specTD3, "<<<<<10", "<<<<<20", 1), field: "optional_data_check"},
	{in: strings.Replace(specTD3, "<<<<<10", "<<<<<11", 1), field: "composite_check"},
	{in: strings.Replace(specTD1, "<<<6", "<<<7", 1), field: "composite_check"},
	{in: strings.Replace(specTD2, "<<<6", "<<<5", 1), field: "composite_check"},
	{in: strings.Replace(specTD3, "L898902C36", "L898902C3A", 1), field: "document_number_check"},
	{in: strings.Replace(specTD3, "2F1", "2Z1", 1), field: "sex"},
	{in: strings.Replace(specTD3, "36UTO", "36U1O", 1), field: "nationality"},
	{in: strings.Replace(specTD3, "P<UTO", "P<U7O", 1), field: "issuing_state"},
	{in: strings.Replace(specTD3, "ERIKSSON", "ERIK5SON", 1), field: "name"},
	{in: strings.Replace(specTD3, "P<UTO", "1<UTO", 1), field: "document_code"},
	{in: strings.Replace(specTD3, "ZE184226B", "ZE18422-B", 1), field: "line2"},
	{in: strings.Replace(specTD3, "<<<<<10", "<<<<10", 1), field: "lines"},
	{in: specTD3[:44], field: "lines"},
	{in: specTD1[:61], field: "lines"},
	{in: "", field: "lines"},
	{in: strings.Repeat("<", 300), field: "value"},
	{in: mrzTD3Line("L898902C3", "UTO", "741332", "F", "120415", "ZE184226B"), field: "birth_date"},
	{in: mrzTD3Line("L898902C3", "UTO", "740812", "F", "121315", "ZE184226B"), field: "expiry_date"},
	{in: mrzTD3Line("L898902C3", "UTO", "740230", "F", "120415", "ZE184226B"), field: "birth_date"},
	{in: mrzTD3Line("L898902C3", "UTO", "74<812", "F", "120415", "ZE184226B"), field: "birth_date"},
	{in: mrzTD3Line("L898902C3", "UTO", "740812", "F", "12<415", "ZE184226B"), field: "expiry_date"},
	{in: mrzTD3Line("<<<<<<<<<", "UTO", "740812", "F", "120415", "ZE184226B"), field: "document_number"},
}

// mrzTD3Line builds a TD3 MRZ from raw field values with correct check
// digits but no validation, to reach the date and field checks.
func mrzTD3Line(num, nat, birth, sex, expiry, pn string) string {
	num, pn = pad(num, 9), pad(pn, 14)
	pnc := digit(pn)
	if strings.Trim(pn, "<") == "" {
		pnc = "<"
	}
	l2 := num + digit(num) + nat + birth + digit(birth) + sex + expiry + digit(expiry) + pn + pnc
	l2 += digit(l2[0:10] + l2[13:20] + l2[21:43])
	return "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n" + l2
}

var docValid = []struct {
	country, in, canonical string
	matches                bool
}{
	{"FR", "12 AB 34567", "12AB34567", true},
	{"FR", "1OAB34567", "10AB34567", true},
	{"FRA", "12ab34567", "12AB34567", true},
	{"US", "123-456-789", "123456789", true},
	{"US", "A12345678", "A12345678", true},
	{"USA", "12345678O", "123456780", true},
	{"MA", "ab1234567", "AB1234567", true},
	{"MAR", "AB12345O7", "AB1234507", true},
	{"GB", "12345678", "12345678", false},
	{"DE", "C01X00T47", "C01X00T47", true},
	{"DE", "CO1X00T47", "C01X00T47", true},
	{"D", "c01x00t47", "C01X00T47", true},
	{"DE", "A01X00T47", "A01X00T47", false},
	{"ES", "PAA000000", "PAA000000", true},
	{"CN", "E12345678", "E12345678", true},
	{"IN", "J8369854", "J8369854", true},
	{"", "x-1234.56<", "X123456", false},
	{"ZZ", "AB12345", "AB12345", false},
	{"", "ＡＢ１２３４５", "AB12345", false},
	{"", "12345678901234567890", "12345678901234567890", false},
}

var docInvalid = []invalidCase{
	{in: "", region: "FR", field: "number"},
	{in: " - . ", region: "FR", field: "number"},
	{in: "12AB3456€", region: "FR", field: "number"},
	{in: "12345678901234567890123", region: "", field: "number"}, // MaxDocumentNumber + 1
	{in: "12_34", region: "", field: "number"},
	{in: "123", region: "F1", field: "country"},
	{in: "123", region: "FRAN", field: "country"},
	{in: strings.Repeat("1", 1001), region: "", field: "value"},
}

var ibanValid = []validCase{
	{in: "DE89370400440532013000", canonical: "DE89370400440532013000"},
	{in: "DE89 3704 0044 0532 0130 00", canonical: "DE89370400440532013000"},
	{in: "gb82 west 1234 5698 7654 32", canonical: "GB82WEST12345698765432"},
	{in: "FR14 2004 1010 0505 0001 3M02 606", canonical: "FR1420041010050500013M02606"},
	{in: "NL91ABNA0417164300", canonical: "NL91ABNA0417164300"},
	{in: "BE68539007547034", canonical: "BE68539007547034"},
	{in: "CH9300762011623852957", canonical: "CH9300762011623852957"},
	{in: "NO9386011117947", canonical: "NO9386011117947"},
	{in: "SA0380000000608010167519", canonical: "SA0380000000608010167519"},
	{in: "IBAN: ES91 2100 0418 4502 0005 1332", canonical: "ES9121000418450200051332"},
	{in: "AE070331234567890123456", canonical: "AE070331234567890123456"},
	{in: makeIBAN("MA", "011519000001205000534921"), canonical: makeIBAN("MA", "011519000001205000534921")},
}

var ibanInvalid = []invalidCase{
	{in: "DE89370400440532013001", field: "checksum"},
	{in: "DE8937040044053201300", field: "length"},
	{in: "DE893704004405320130000", field: "length"},
	{in: "XX89370400440532013000", field: "country"},
	{in: "US64SVBKUS6S3300958879", field: "country"},
	{in: "DE00370400440532013000", field: "check_digits"},
	{in: "DEAB370400440532013000", field: "check_digits"},
	{in: "DE89 3704 0044 0532 0130 0!", field: "value"},
	{in: "DE8", field: "value"},
	{in: "1E89370400440532013000", field: "country"},
	{in: strings.Repeat("A", 1001), field: "value"},
}

var phoneValid = []validCase{
	{in: "+1 202-456-1111", canonical: "+12024561111"},
	{in: "tel:+1-202-456-1111", canonical: "+12024561111"},
	{in: "(202) 456-1111", region: "US", canonical: "+12024561111"},
	{in: "0612345678", region: "MA", canonical: "+212612345678"},
	{in: "+212 6 12 34 56 78", canonical: "+212612345678"},
	{in: "+33 1 42 68 53 00", canonical: "+33142685300"},
	{in: "01 42 68 53 00", region: "fr", canonical: "+33142685300"},
	{in: "0044 20 7925 0918", region: "FR", canonical: "+442079250918"},
	{in: "+234 803 123 4567", canonical: "+2348031234567"},
	{in: "+1 202 456 1111 ext. 12", canonical: "+12024561111"},
}

var phoneInvalid = []invalidCase{
	{in: "2024561111", field: "region"},
	{in: "+999 1234567", field: "country_code"},
	{in: "+1 202", field: "length"},
	{in: "hello", region: "US", field: "value"},
	{in: "+1 202 456 1111", region: "USA", field: "region"},
	{in: "+1 202 456 1111", region: "ZZ", field: "region"},
	{in: "+1 123 456 7890", field: "value"},
	{in: "", region: "US", field: "value"},
	{in: strings.Repeat("1", 300), region: "US", field: "value"},
}

var emailValid = []validCase{
	{in: "John.Doe@Example.COM", canonical: "john.doe@example.com"},
	{in: "Foo.Bar+spam@GoogleMail.com", canonical: "foobar@gmail.com"},
	{in: "a.b.c+x+y@gmail.com", canonical: "abc@gmail.com"},
	{in: "mailto:info@example.org?subject=hi", canonical: "info@example.org"},
	{in: "Jane Roe <jane@example.org>", canonical: "jane@example.org"},
	{in: "user@bücher.de", canonical: "user@xn--bcher-kva.de"},
	{in: "Δοκιμή@παράδειγμα.δοκιμή", canonical: "δοκιμή@xn--hxajbheg2az3al.xn--jxalpdlp"},
	{in: "user[at]example[.]com", canonical: "user@example.com"},
	{in: "o'brien@example.ie", canonical: "o'brien@example.ie"},
	{in: "x@sub.example.co.uk.", canonical: "x@sub.example.co.uk"},
}

var emailInvalid = []invalidCase{
	{in: "plainaddress", field: "value"},
	{in: "@example.com", field: "local"},
	{in: "a..b@example.com", field: "local"},
	{in: ".a@example.com", field: "local"},
	{in: "a.@example.com", field: "local"},
	{in: "a b@example.com", field: "local"},
	{in: `"quoted"@example.com`, field: "local"},
	{in: strings.Repeat("a", 65) + "@example.com", field: "local"},
	{in: "a@b", field: "domain"},
	{in: "a@", field: "domain"},
	{in: "a@[1.2.3.4]", field: "domain"},
	{in: "a@1.2.3.4", field: "domain"},
	{in: "a@example..com", field: "domain"},
	{in: "a@example.com/path", field: "domain"},
	{in: "a@" + strings.Repeat("b", 64) + ".com", field: "domain"},
	{in: "+tag@gmail.com", field: "local"},
	{in: strings.Repeat("a", 600), field: "value"},
}

var urlValid = []validCase{
	{in: "HTTPS://WWW.Example.COM:443/a/./b/../c?utm_source=x&b=2&a=1#frag", canonical: "https://www.example.com/a/c?a=1&b=2"},
	{in: "http://example.com:80", canonical: "http://example.com/"},
	{in: "http://example.com:8080/x", canonical: "http://example.com:8080/x"},
	{in: "www.example.com/login?fbclid=abc", canonical: "https://www.example.com/login"},
	{in: "example.com", canonical: "https://example.com/"},
	{in: "hxxp://evil[.]example/x", canonical: "http://evil.example/x"},
	{in: "https://bücher.de/straße", canonical: "https://xn--bcher-kva.de/stra%C3%9Fe"},
	{in: "https://paypal.com@evil.example/login", canonical: "https://evil.example/login"},
	{in: "http://[2001:DB8::1]:8080/", canonical: "http://[2001:db8::1]:8080/"},
	{in: "http://192.168.1.1/a%7eb", canonical: "http://192.168.1.1/a~b"},
	{in: "https://example.com/a%2fb?q=%41%zz", canonical: "https://example.com/a%2Fb?q=A%25zz"},
	{in: "https://example.com/?gclid=1&mc_eid=2&igshid=3&x=1&utm_campaign=y", canonical: "https://example.com/?x=1"},
	{in: "https://example.com/path with space", canonical: "https://example.com/path%20with%20space"},
	{in: "https://r3---sn-abc.googlevideo.com/videoplayback", canonical: "https://r3---sn-abc.googlevideo.com/videoplayback"},
	{in: "https://example.com/..", canonical: "https://example.com/"},
	{in: `https://example.com\a\b`, canonical: "https://example.com/a/b"},
	{in: "//example.com/x", canonical: "https://example.com/x"},
	{in: "wss://chat.example.com:443/s", canonical: "wss://chat.example.com/s"},
}

var urlInvalid = []invalidCase{
	{in: "javascript:alert(1)", field: "scheme"},
	{in: "mailto:a@example.com", field: "scheme"},
	{in: "gopher://example.com/", field: "scheme"},
	{in: "http://", field: "host"},
	{in: "http://exa mple.com/", field: "host"},
	{in: "http://example.com:99999/", field: "port"},
	{in: "http://example.com:abc/", field: "port"},
	{in: "example", field: "host"},
	{in: "http://a..b/", field: "host"},
	{in: "http://1.2.3.400/", field: "host"},
	{in: "user@example.com", field: "value"},
	{in: "http://[::1", field: "host"},
	// U+2135 ALEF SYMBOL maps to Hebrew alef: the punycode would fail the
	// Bidi rule when parsed again (found by an exhaustive rune sweep).
	{in: "http://aℵb.com/", field: "host"},
	{in: "http://exam\x00ple.com/", field: "value"},
	{in: "", field: "value"},
	{in: "https://" + strings.Repeat("a", 2100) + ".com", field: "value"},
}

var domainValid = []validCase{
	{in: "Example.COM.", canonical: "example.com"},
	{in: "www.Example.com", canonical: "www.example.com"},
	{in: "bücher.de", canonical: "xn--bcher-kva.de"},
	{in: "xn--bcher-kva.de", canonical: "xn--bcher-kva.de"},
	{in: "example[.]com", canonical: "example.com"},
	{in: "_dmarc.example.com", canonical: "_dmarc.example.com"},
	{in: "ＥＸＡＭＰＬＥ。ＣＯＭ", canonical: "example.com"},
}

var domainInvalid = []invalidCase{
	{in: "localhost", field: "value"},
	{in: "1.2.3.4", field: "value"},
	{in: "http://example.com", field: "value"},
	{in: "exa mple.com", field: "value"},
	{in: "a..com", field: "host"},
	{in: strings.Repeat("a", 64) + ".com", field: "host"},
	{in: "exa*mple.com", field: "host"},
	{in: "aℵb.com", field: "host"},
	{in: "", field: "value"},
}

var cryptoValid = []struct {
	in, kind, canonical, typ string
}{
	{"1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", "btc", "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", "p2pkh"},
	{"3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", "btc", "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", "p2sh"},
	{"bitcoin:1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2?amount=1", "btc", "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", "p2pkh"},
	{testnetP2PKH, "btc", testnetP2PKH, "p2pkh"},
	// BIP-173 / BIP-350 valid segwit addresses.
	{"BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4", "btc", "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", "p2wpkh"},
	{"tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7", "btc", "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7", "p2wsh"},
	{"bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y", "btc", "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y", "witness_v1"},
	{"BC1SW50QGDZ25J", "btc", "bc1sw50qgdz25j", "witness_v16"},
	{"bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs", "btc", "bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs", "witness_v2"},
	{"tb1qqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesrxh6hy", "btc", "tb1qqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesrxh6hy", "p2wsh"},
	{"tb1pqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesf3hn0c", "btc", "tb1pqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesf3hn0c", "p2tr"},
	{"bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0", "btc", "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0", "p2tr"},
	// EIP-55 test vectors, and single-case forms.
	{"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "eth", "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed", "account"},
	{"0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359", "eth", "0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359", "account"},
	{"0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB", "eth", "0xdbf03b407c01e7cd3cbea99509d93f8dddc8c6fb", "account"},
	{"0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb", "eth", "0xd1220a0cf47c7b9be7a2e6ba89f429762e7b9adb", "account"},
	{"0x52908400098527886E0F7030069857D2E4169EE7", "eth", "0x52908400098527886e0f7030069857d2e4169ee7", "account"},
	{"0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed", "eth", "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed", "account"},
	{"TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", "trx", "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", "account"},
}

var cryptoInvalid = []invalidCase{
	// BIP-350 invalid addresses.
	{in: "tc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq5zuyut", field: "hrp"},
	{in: "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd", field: "checksum"},
	{in: "tb1z0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqglt7rf", field: "checksum"},
	{in: "BC1S0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ54WELL", field: "checksum"},
	{in: "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh", field: "checksum"},
	{in: "tb1q0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq24jc47", field: "checksum"},
	{in: "bc1p38j9r5y49hruaue7wxjce0updqjuyyx0kh56v8s25huc6995vvpql3jow4", field: "value"},
	{in: "BC130XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ7ZWS8R", field: "witness_version"},
	{in: "bc1pw5dgrnzv", field: "program"},
	{in: "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v8n0nx0muaewav253zgeav", field: "program"},
	{in: "BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P", field: "program"},
	{in: "tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq47Zagq", field: "value"},
	{in: "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v07qwwzcrf", field: "program"},
	{in: "tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vpggkg4j", field: "program"},
	{in: "bc1gmk9yu", field: "witness_version"},
	// Valid under BIP-173, but version 2 needs bech32m since BIP-350.
	{in: "bc1zw508d6qejxtdg4y5r3zarvaryvg6kdaj", field: "checksum"},
	// base58.
	{in: "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3", field: "checksum"},
	{in: "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN0", field: "value"},
	{in: "1BvBMSEYst", field: "length"},
	// Ethereum.
	{in: "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD", field: "checksum"},
	{in: "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beae", field: "length"},
	{in: "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaeg", field: "value"},
	// Tron.
	{in: "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6u", field: "checksum"},
	{in: "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6", field: "value"},
	{in: strings.Repeat("1", 201), field: "value"},
}

var vinValid = []struct {
	in, canonical, check string
}{
	{"1M8GDM9AXKP042788", "1M8GDM9AXKP042788", CheckValid},
	{"11111111111111111", "11111111111111111", CheckValid},
	{"1hgcm82633a004352", "1HGCM82633A004352", CheckValid},
	{"JH4KA7561PC008269", "JH4KA7561PC008269", CheckValid},
	{"WVW ZZZ 1KZ AW 000001", "WVWZZZ1KZAW000001", CheckNotVerified},
}

var vinInvalid = []invalidCase{
	{in: "1M8GDM9AXKP042789", field: "check_digit"},
	{in: "1M8GDM9A1KP042788", field: "check_digit"},
	{in: "1M8GDM9AXKP04278", field: "length"},
	{in: "1M8GDM9AXKP0427O8", field: "value"},
	{in: "1M8GDM9AXKP0427I8", field: "value"},
	{in: "1M8GDM9AXKP04278!", field: "value"},
	{in: "", field: "length"},
}

var imeiValid = []validCase{
	{in: "490154203237518", canonical: "490154203237518"},
	{in: "49-015420-323751-8", canonical: "490154203237518"},
	{in: "IMEI: 49 015420 323751 8", canonical: "490154203237518"},
	{in: "49015420323751", canonical: "490154203237518"},
	{in: "4901542032375186", canonical: "4901542032375186"},
	{in: "356938035643809", canonical: "356938035643809"},
}

var imeiInvalid = []invalidCase{
	{in: "490154203237519", field: "check_digit"},
	{in: "4901542032375", field: "length"},
	{in: "49015420323751A", field: "value"},
	{in: "", field: "length"},
	{in: "12345678901234567", field: "length"},
}
