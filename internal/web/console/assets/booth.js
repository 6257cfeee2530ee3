// The General Assembly in the browser.
//
// Live counts: an open round's count of ballots cast is fetched every few
// seconds (never what they say); the page reloads when the round closes,
// to show its result.
//
// The voting booth: RSA blind signatures (RFC 9474,
// RSABSSA-SHA384-PSSZERO-Deterministic). The browser draws a random token,
// blinds it, and asks for the blind signature with the delegation's
// session; it then unblinds the signature, waits a random delay (so that
// the ballot does not follow the token request in the same second), and
// casts the ballot without any credentials. The server never sees the
// token it signed, so it cannot tell whose ballot it is.
(function () {
  "use strict";

  var print = document.querySelector("[data-print]");
  if (print) print.addEventListener("click", function () { window.print(); });

  document.querySelectorAll(".live-count[data-round]").forEach(function (el) {
    var id = el.getAttribute("data-round");
    var tpl = el.getAttribute("data-template");
    var tick = function () {
      fetch("/api/v1/assembly/rounds/" + encodeURIComponent(id), { credentials: "omit" })
        .then(function (r) { return r.json(); })
        .then(function (r) {
          if (r.state === "closed") { window.location.reload(); return; }
          el.textContent = tpl.replace("{n}", r.board_size).replace("{m}", (r.eligible || []).length);
        })
        .catch(function () {});
    };
    setInterval(tick, 4000);
  });

  var booth = document.getElementById("booth");
  var form = document.getElementById("ballot");
  if (!booth || !form || !window.crypto || !window.crypto.subtle || typeof BigInt === "undefined") return;
  var status = document.getElementById("booth-status");
  var msg = function (k) { return booth.getAttribute("data-msg-" + k); };
  var round = booth.getAttribute("data-round");
  var n = BigInt("0x" + booth.getAttribute("data-n"));
  var e = BigInt(booth.getAttribute("data-e"));
  var kLen = Math.ceil(booth.getAttribute("data-n").length / 2);
  var modBits = n.toString(2).length;

  var toBig = function (bytes) {
    var h = "";
    bytes.forEach(function (b) { h += (b < 16 ? "0" : "") + b.toString(16); });
    return BigInt("0x" + (h || "0"));
  };
  var toBytes = function (x, len) {
    var h = x.toString(16);
    if (h.length % 2) h = "0" + h;
    var out = new Uint8Array(len);
    var raw = h.match(/../g) || [];
    for (var i = 0; i < raw.length; i++) out[len - raw.length + i] = parseInt(raw[i], 16);
    return out;
  };
  var modPow = function (b, x, m) {
    var r = 1n;
    b %= m;
    while (x > 0n) {
      if (x & 1n) r = (r * b) % m;
      b = (b * b) % m;
      x >>= 1n;
    }
    return r;
  };
  var modInv = function (a, m) {
    var t = 0n, nt = 1n, r = m, nr = a % m;
    while (nr !== 0n) {
      var q = r / nr;
      var tmp = t - q * nt; t = nt; nt = tmp;
      tmp = r - q * nr; r = nr; nr = tmp;
    }
    if (r !== 1n) return null;
    return t < 0n ? t + m : t;
  };
  var gcd = function (a, b) { while (b) { var t = a % b; a = b; b = t; } return a; };
  var sha384 = function (data) { return crypto.subtle.digest("SHA-384", data).then(function (b) { return new Uint8Array(b); }); };
  var concat = function () {
    var len = 0, i;
    for (i = 0; i < arguments.length; i++) len += arguments[i].length;
    var out = new Uint8Array(len), at = 0;
    for (i = 0; i < arguments.length; i++) { out.set(arguments[i], at); at += arguments[i].length; }
    return out;
  };
  var b64 = function (bytes) { var s = ""; bytes.forEach(function (b) { s += String.fromCharCode(b); }); return btoa(s); };
  var b64url = function (bytes) { return b64(bytes).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, ""); };
  var unb64 = function (s) { var bin = atob(s), out = new Uint8Array(bin.length); for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i); return out; };

  // EMSA-PSS-ENCODE (RFC 8017 9.1.1) with SHA-384, MGF1-SHA-384, no salt.
  var pssEncode = function (message) {
    var emBits = modBits - 1, emLen = Math.ceil(emBits / 8), hLen = 48;
    return sha384(message).then(function (mHash) {
      return sha384(concat(new Uint8Array(8), mHash));
    }).then(function (H) {
      var dbLen = emLen - hLen - 1;
      var db = new Uint8Array(dbLen);
      db[dbLen - 1] = 1;
      var blocks = [], c;
      for (c = 0; c * hLen < dbLen; c++) blocks.push(sha384(concat(H, new Uint8Array([c >>> 24, (c >>> 16) & 255, (c >>> 8) & 255, c & 255]))));
      return Promise.all(blocks).then(function (parts) {
        var mask = concat.apply(null, parts);
        for (var i = 0; i < dbLen; i++) db[i] ^= mask[i];
        db[0] &= 0xff >>> (8 * emLen - emBits);
        return concat(db, H, new Uint8Array([0xbc]));
      });
    });
  };

  var randomUnit = function () {
    for (;;) {
      var r = toBig(crypto.getRandomValues(new Uint8Array(kLen))) % n;
      if (r > 1n && gcd(r, n) === 1n) return r;
    }
  };

  var say = function (text) { status.textContent = text; };
  var json = function (res) { return res.json().then(function (body) { if (!res.ok) throw body; return body; }); };
  // A token is given once per country and round: once unblinded, it is
  // kept for this page, so that a ballot refused (a network failure, a
  // choice no longer on the ballot) is cast again without a new token.
  var held = null;
  var takeToken = function () {
    var token = crypto.getRandomValues(new Uint8Array(32));
    var r = randomUnit();
    var m;
    return pssEncode(token).then(function (em) {
      m = toBig(em);
      var blinded = (m * modPow(r, e, n)) % n;
      return fetch("/api/v1/assembly/rounds/" + encodeURIComponent(round) + "/tokens", {
        method: "POST", credentials: "same-origin", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ blinded: b64(toBytes(blinded, kLen)) })
      });
    }).then(json).then(function (body) {
      var s = (toBig(unb64(body.blind_signature)) * modInv(r, n)) % n;
      if (modPow(s, e, n) !== m) throw { detail: "signature" };
      held = { token: b64url(token), signature: b64url(toBytes(s, kLen)) };
      return held;
    });
  };
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var picked = form.querySelector("input[name=choice]:checked");
    if (!picked) { say(msg("choose")); return; }
    var button = document.getElementById("cast");
    button.disabled = true;
    say(msg("taking"));
    (held ? Promise.resolve(held) : takeToken()).then(function (t) {
      say(msg("waiting"));
      // A random wait of 2 to 20 seconds before casting.
      var delay = 2000 + (crypto.getRandomValues(new Uint32Array(1))[0] % 18000);
      if (booth.hasAttribute("data-no-delay")) delay = 0;
      return new Promise(function (ok) { setTimeout(ok, delay); }).then(function () {
        return fetch("/api/v1/assembly/rounds/" + encodeURIComponent(round) + "/ballots", {
          method: "POST", credentials: "omit", headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ token: t.token, signature: t.signature, choice: picked.value })
        });
      });
    }).then(json).then(function (receipt) {
      say(msg("cast"));
      form.hidden = true;
      document.getElementById("receipt").hidden = false;
      document.getElementById("receipt-hash").textContent = receipt.ballot_hash + " #" + receipt.index;
    }).catch(function (err) {
      button.disabled = false;
      say(msg("failed") + (err && err.detail ? " " + err.detail : ""));
    });
  });
})();
