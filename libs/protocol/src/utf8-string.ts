/**
 * Checks the bytes of an MQTT UTF-8 Encoded String (MQTT 5.0 §1.5.4, MQTT
 * 3.1.1 §1.5.3) before anything decodes them: Buffer#toString('utf8') turns
 * ill-formed bytes into U+FFFD, so once decoded the fault can no longer be
 * told from a client that really sent U+FFFD [CVE-2017-7653].
 *
 * One pass, no allocation; ASCII costs one comparison per byte.
 */

/**
 * Why `bytes[start, end)` is not a valid MQTT UTF-8 string, or undefined if it is:
 *   - [MQTT-1.5.4-1] (v3.1.1 [MQTT-1.5.3-1]) well-formed UTF-8 (RFC 3629: no
 *     overlong forms, nothing above U+10FFFF, no truncated sequence) and no
 *     encoding of the surrogates U+D800..U+DFFF;
 *   - [MQTT-1.5.4-2] (v3.1.1 [MQTT-1.5.3-2]) no U+0000.
 */
export function utf8StringProblem(bytes: Uint8Array, start = 0, end = bytes.length): string | undefined {
  let i = start;
  while (i < end) {
    const b = bytes[i] as number;
    if (b < 0x80) {
      if (b === 0) return 'contains U+0000';
      i++;
      continue;
    }
    // the lead byte fixes the length and the range of the second byte (Unicode table 3-7)
    let length: number;
    let low = 0x80;
    let high = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) {
      length = 2;
    } else if (b >= 0xe0 && b <= 0xef) {
      length = 3;
      if (b === 0xe0) low = 0xa0;
      else if (b === 0xed) high = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      length = 4;
      if (b === 0xf0) low = 0x90;
      else if (b === 0xf4) high = 0x8f;
    } else {
      // 0x80..0xC1 (continuation or overlong lead) and 0xF5..0xFF never start a character
      return 'ill-formed UTF-8';
    }
    if (i + length > end) return 'ill-formed UTF-8 (truncated sequence)';
    const second = bytes[i + 1] as number;
    if (second < low || second > high) {
      // ED A0..BF is the UTF-8 form of a UTF-16 surrogate
      return b === 0xed && second >= 0xa0 && second <= 0xbf ? 'contains a UTF-16 surrogate' : 'ill-formed UTF-8';
    }
    for (let k = 2; k < length; k++) {
      const c = bytes[i + k] as number;
      if (c < 0x80 || c > 0xbf) return 'ill-formed UTF-8';
    }
    i += length;
  }
  return undefined;
}
