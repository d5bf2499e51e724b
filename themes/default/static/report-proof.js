// The proof of work of an anonymous report (plugins/moderation/proof_of_work.py): find a decimal
// nonce whose sha256("<challenge>:<nonce>") starts with data-bits zero bits, then send the form.
// SHA-256 is written here (crypto.subtle exists only on https and is slow one hash at a time);
// the search runs in slices so the page stays responsive. No dependency, no inline script.
(function () {
  "use strict";
  var K = new Uint32Array([
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2]);
  var W = new Uint32Array(64);

  function rotr(x, n) { return (x >>> n) | (x << (32 - n)); }

  // the first 32 bits of sha256(bytes), bytes being ASCII codes (a challenge and digits are ASCII)
  function sha256Head(bytes) {
    var length = bytes.length, blocks = ((length + 8) >> 6) + 1, words = new Uint32Array(blocks * 16);
    for (var i = 0; i < length; i++) { words[i >> 2] |= bytes[i] << (24 - (i % 4) * 8); }
    words[length >> 2] |= 0x80 << (24 - (length % 4) * 8);
    words[blocks * 16 - 1] = length * 8;
    var h0 = 0x6a09e667, h1 = 0xbb67ae85, h2 = 0x3c6ef372, h3 = 0xa54ff53a,
        h4 = 0x510e527f, h5 = 0x9b05688c, h6 = 0x1f83d9ab, h7 = 0x5be0cd19;
    for (var b = 0; b < blocks; b++) {
      for (var t = 0; t < 64; t++) {
        if (t < 16) { W[t] = words[b * 16 + t]; } else {
          var w15 = W[t - 15], w2 = W[t - 2];
          var s0 = rotr(w15, 7) ^ rotr(w15, 18) ^ (w15 >>> 3), s1 = rotr(w2, 17) ^ rotr(w2, 19) ^ (w2 >>> 10);
          W[t] = (W[t - 16] + s0 + W[t - 7] + s1) | 0;
        }
      }
      var a = h0, c1 = h1, c = h2, d = h3, e = h4, f = h5, g = h6, h = h7;
      for (t = 0; t < 64; t++) {
        var S1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25), ch = (e & f) ^ (~e & g);
        var temp1 = (h + S1 + ch + K[t] + W[t]) | 0;
        var S0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22), maj = (a & c1) ^ (a & c) ^ (c1 & c);
        var temp2 = (S0 + maj) | 0;
        h = g; g = f; f = e; e = (d + temp1) | 0; d = c; c = c1; c1 = a; a = (temp1 + temp2) | 0;
      }
      h0 = (h0 + a) | 0; h1 = (h1 + c1) | 0; h2 = (h2 + c) | 0; h3 = (h3 + d) | 0;
      h4 = (h4 + e) | 0; h5 = (h5 + f) | 0; h6 = (h6 + g) | 0; h7 = (h7 + h) | 0;
    }
    return [h0 >>> 0, h1 >>> 0];
  }

  function zeroBits(head) {
    var bits = 0;
    for (var i = 0; i < head.length; i++) {
      if (head[i] === 0) { bits += 32; continue; }
      return bits + Math.clz32(head[i]);
    }
    return bits;
  }

  function ascii(text) {
    var codes = [];
    for (var i = 0; i < text.length; i++) { codes.push(text.charCodeAt(i) & 0x7f); }
    return codes;
  }

  function solve(challenge, bits, done) {
    var prefix = ascii(challenge + ":"), nonce = 0;
    (function slice() {
      for (var end = nonce + 20000; nonce < end; nonce++) {
        if (zeroBits(sha256Head(prefix.concat(ascii(String(nonce))))) >= bits) { done(String(nonce)); return; }
      }
      setTimeout(slice, 0);
    })();
  }

  var form = document.getElementById("report-form");
  if (!form || !form.dataset.bits) { return; }
  form.addEventListener("submit", function (event) {
    var nonce = form.elements.namedItem("nonce");
    if (nonce.value) { return; }
    event.preventDefault();
    var button = form.querySelector("button[type=submit]"), status = document.getElementById("report-proof-status");
    button.disabled = true;
    if (status && button.dataset.working) { status.textContent = button.dataset.working; }
    solve(form.elements.namedItem("challenge").value, parseInt(form.dataset.bits, 10), function (found) {
      nonce.value = found;
      form.submit();
    });
  });
})();
