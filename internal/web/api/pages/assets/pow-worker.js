// The citizen page's proof-of-work, off the page's thread: find a decimal
// counter such that SHA-256(challenge + counter) starts with `difficulty`
// zero bits (reports.PoW checks it on the server).
//
// SHA-256 is computed here in plain JavaScript rather than with
// crypto.subtle.digest: the latter is asynchronous, one promise per hash,
// and was measured several times slower for these 60-byte messages (see
// the README). The counter is the digits "0…0" that fill the challenge's
// last 64-byte block, then a 9-digit number: the blocks before the number
// are hashed once, and each try costs one or two compressions.
"use strict";

var K = new Int32Array([
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2]);
var IV = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
var W = new Int32Array(64);

// compress hashes the 64-byte block at words[off…off+15] into state.
function compress(state, words, off) {
	var i, x, y;
	for (i = 0; i < 16; i++) W[i] = words[off + i];
	for (i = 16; i < 64; i++) {
		x = W[i - 15];
		y = W[i - 2];
		W[i] = (((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3)) +
			(((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10)) + W[i - 7] + W[i - 16] | 0;
	}
	var a = state[0], b = state[1], c = state[2], d = state[3], e = state[4], f = state[5], g = state[6], h = state[7], t1, t2;
	for (i = 0; i < 64; i++) {
		t1 = h + (((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))) + ((e & f) ^ (~e & g)) + K[i] + W[i] | 0;
		t2 = (((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))) + ((a & b) ^ (a & c) ^ (b & c)) | 0;
		h = g; g = f; f = e; e = d + t1 | 0; d = c; c = b; b = a; a = t1 + t2 | 0;
	}
	state[0] = state[0] + a | 0; state[1] = state[1] + b | 0; state[2] = state[2] + c | 0; state[3] = state[3] + d | 0;
	state[4] = state[4] + e | 0; state[5] = state[5] + f | 0; state[6] = state[6] + g | 0; state[7] = state[7] + h | 0;
}

function zeroBits(state) {
	var z = 0;
	for (var i = 0; i < 8; i++) {
		var n = Math.clz32(state[i]);
		z += n;
		if (n < 32) break;
	}
	return z;
}

var DIGITS = 9;

// solve answers {counter} when found, {tried} every 65536 tries, and
// {tried, ms, done} when it stops after max tries (for the measurement).
function solve(challenge, difficulty, max) {
	var bytes = Array.from(new TextEncoder().encode(challenge));
	var fill = (64 - bytes.length % 64) % 64;
	if (fill > 11) fill = 0; // the counter may have at most 20 digits
	var prefix = "0".repeat(fill);
	for (var i = 0; i < fill; i++) bytes.push(48);
	var mid = new Int32Array(IV);
	var full = Math.floor(bytes.length / 64), words, j;
	for (var blk = 0; blk < full; blk++) {
		words = new Int32Array(16);
		for (j = 0; j < 16; j++) {
			var p = blk * 64 + j * 4;
			words[j] = bytes[p] << 24 | bytes[p + 1] << 16 | bytes[p + 2] << 8 | bytes[p + 3];
		}
		compress(mid, words, 0);
	}
	// The tail: the rest of the prefix, the digits, the padding, the length.
	var rest = bytes.slice(full * 64), total = bytes.length + DIGITS;
	var tailLen = Math.ceil((rest.length + DIGITS + 9) / 64) * 64;
	var tail = new Uint8Array(tailLen);
	tail.set(rest);
	var at = rest.length;
	for (i = 0; i < DIGITS; i++) tail[at + i] = 48;
	tail[at + DIGITS] = 0x80;
	var bitsLen = total * 8;
	tail[tailLen - 4] = bitsLen >>> 24; tail[tailLen - 3] = bitsLen >>> 16 & 255; tail[tailLen - 2] = bitsLen >>> 8 & 255; tail[tailLen - 1] = bitsLen & 255;
	var tw = new Int32Array(tailLen / 4), state = new Int32Array(8), started = performance.now();
	function pack() {
		for (var k = 0; k < tw.length; k++) tw[k] = tail[4 * k] << 24 | tail[4 * k + 1] << 16 | tail[4 * k + 2] << 8 | tail[4 * k + 3];
	}
	var first = at >> 2, last = (at + DIGITS - 1) >> 2; // the words that hold digits
	pack();
	for (var n = 0; ; n++) {
		if (max && n >= max) {
			postMessage({ tried: n, ms: performance.now() - started, done: true });
			return;
		}
		if ((n & 0xffff) === 0 && n > 0) postMessage({ tried: n });
		state.set(mid);
		for (j = 0; j < tw.length; j += 16) compress(state, tw, j);
		if (zeroBits(state) >= difficulty) {
			var s = "";
			for (i = 0; i < DIGITS; i++) s += String.fromCharCode(tail[at + i]);
			postMessage({ counter: prefix + s, tried: n + 1 });
			return;
		}
		// The next number, in place.
		for (i = at + DIGITS - 1; i >= at; i--) {
			if (tail[i] !== 57) { tail[i]++; break; }
			tail[i] = 48;
		}
		for (j = first; j <= last; j++) tw[j] = tail[4 * j] << 24 | tail[4 * j + 1] << 16 | tail[4 * j + 2] << 8 | tail[4 * j + 3];
	}
}

onmessage = function (m) {
	solve(String(m.data.challenge), m.data.difficulty | 0, m.data.max | 0);
};
