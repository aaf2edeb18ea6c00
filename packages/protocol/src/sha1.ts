/**
 * SHA-1 (FIPS 180-4 §6.1) in plain JavaScript.
 *
 * The opening handshake needs SHA-1 exactly once per connection, to compute
 * Sec-WebSocket-Accept (RFC 6455 §4.2.2). Shipping it here keeps the engine free of
 * `node:crypto` and of `crypto.subtle`, whose digest is asynchronous and would make the
 * handshake asynchronous too. Speed is irrelevant for 60-byte inputs; callers that prefer a
 * native digest inject it through the `sha1` option of the handshakes.
 *
 * SHA-1 is broken for collision resistance, which does not matter here: RFC 6455 uses it only
 * to prove that the server understood the WebSocket handshake, not for security.
 */

/** Initial hash value H(0) (FIPS 180-4 §5.3.1). */
const INITIAL_HASH = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0] as const;

/**
 * The SHA-1 digest of `data`.
 *
 * @param data the message; any length up to 2^53 − 1 bytes.
 * @returns the 20-byte digest, in a new array.
 * @see https://csrc.nist.gov/pubs/fips/180-4/upd1/final
 */
export function sha1(data: Uint8Array): Uint8Array {
  // FIPS 180-4 §5.1.1: append 0x80, pad with zeros to 56 mod 64, then the bit length (64-bit BE).
  const paddedLength = Math.ceil((data.length + 9) / 64) * 64;
  const message = new Uint8Array(paddedLength);
  message.set(data);
  message[data.length] = 0x80;
  const view = new DataView(message.buffer);
  const bitLength = data.length * 8;
  view.setUint32(paddedLength - 8, Math.floor(bitLength / 2 ** 32));
  view.setUint32(paddedLength - 4, bitLength >>> 0);

  let h0: number = INITIAL_HASH[0];
  let h1: number = INITIAL_HASH[1];
  let h2: number = INITIAL_HASH[2];
  let h3: number = INITIAL_HASH[3];
  let h4: number = INITIAL_HASH[4];
  const w = new Int32Array(80);

  for (let block = 0; block < paddedLength; block += 64) {
    // FIPS 180-4 §6.1.2 step 1: the message schedule.
    for (let t = 0; t < 16; t++) w[t] = view.getInt32(block + t * 4);
    for (let t = 16; t < 80; t++) {
      const x = w[t - 3]! ^ w[t - 8]! ^ w[t - 14]! ^ w[t - 16]!;
      w[t] = (x << 1) | (x >>> 31);
    }

    let a = h0;
    let b = h1;
    let c = h2;
    let d = h3;
    let e = h4;
    for (let t = 0; t < 80; t++) {
      // FIPS 180-4 §4.1.1 (functions f_t) and §4.2.1 (constants K_t).
      let f: number;
      let k: number;
      if (t < 20) {
        f = (b & c) | (~b & d);
        k = 0x5a827999;
      } else if (t < 40) {
        f = b ^ c ^ d;
        k = 0x6ed9eba1;
      } else if (t < 60) {
        f = (b & c) | (b & d) | (c & d);
        k = 0x8f1bbcdc;
      } else {
        f = b ^ c ^ d;
        k = 0xca62c1d6;
      }
      const temp = (((a << 5) | (a >>> 27)) + f + e + k + w[t]!) | 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = temp;
    }
    h0 = (h0 + a) | 0;
    h1 = (h1 + b) | 0;
    h2 = (h2 + c) | 0;
    h3 = (h3 + d) | 0;
    h4 = (h4 + e) | 0;
  }

  const digest = new Uint8Array(20);
  const out = new DataView(digest.buffer);
  out.setInt32(0, h0);
  out.setInt32(4, h1);
  out.setInt32(8, h2);
  out.setInt32(12, h3);
  out.setInt32(16, h4);
  return digest;
}
