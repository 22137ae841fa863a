/**
 * UUIDs as four 32-bit words. Event ids are lowercase UUID v7 strings (docs/design.md §3); indexes that
 * hold millions of them (the ledger's event index, the verifier's duplicate scan, the EventStoreDB
 * adapter's id table) keep the 16 bytes instead of a 36-character string.
 */

const HEX: Int8Array = (() => {
  const t = new Int8Array(128).fill(-1);
  for (let i = 0; i < 10; i++) t[48 + i] = i;
  for (let i = 0; i < 6; i++) t[97 + i] = 10 + i;
  return t;
})();

/**
 * Write the 128 bits of a lowercase UUID (8-4-4-4-12 hex digits, any version) into
 * `out[at..at+4]`, most significant word first; false (with `out` partly written) for any other
 * string, upper-case hex included — ids are compared as they are written.
 *
 * @example
 * const w = new Uint32Array(4);
 * uuidWords('0190a0b2-7c3d-7e4f-8a1b-2c3d4e5f6a7b', w); // true; w[0] === 0x0190a0b2
 */
export function uuidWords(id: string, out: Uint32Array | Int32Array, at = 0): boolean {
  if (id.length !== 36) return false;
  let w = 0;
  let digits = 0;
  for (let i = 0; i < 36; i++) {
    const c = id.charCodeAt(i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (c !== 45) return false;
      continue;
    }
    const v = c < 128 ? HEX[c]! : -1;
    if (v < 0) return false;
    w = (w << 4) | v;
    if (++digits % 8 === 0) {
      out[at + digits / 8 - 1] = w;
      w = 0;
    }
  }
  return true;
}

/** The lowercase UUID text of the four words at `words[at..at+4]` (signed or unsigned). */
export function uuidText(words: ArrayLike<number>, at = 0): string {
  let h = '';
  for (let i = 0; i < 4; i++) h += (words[at + i]! >>> 0).toString(16).padStart(8, '0');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
