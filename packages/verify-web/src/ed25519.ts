/**
 * Ed25519 for the page's workers: WebCrypto where the browser has it, a pure-JS fallback where it
 * does not — both behind core's one strict rule (`strictPrecheck`: S < L, no non-canonical or
 * small-order A or R), applied here before either runs. WebCrypto's own acceptance rules differ
 * between engines (RFC 8032 leaves the small-order and cofactor questions open), so it only ever
 * decides signatures the strict rule lets through, as core does for `node:crypto`. No `node:` import:
 * this runs in a page, and in Node (whose `crypto.subtle` has Ed25519 too) under test.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { strictPrecheck, type Ed25519Backend } from '@hoso/core';
import type { SignatureJob, SignatureVerifier } from '@hoso/verify';

/** The slice of WebCrypto's `SubtleCrypto` used here (typed locally: no DOM types needed). */
export interface SubtleEd25519 {
  importKey(
    format: 'raw',
    keyData: Uint8Array,
    algorithm: { name: 'Ed25519' },
    extractable: false,
    usages: ['verify'],
  ): Promise<unknown>;
  verify(algorithm: { name: 'Ed25519' }, key: unknown, signature: Uint8Array, data: Uint8Array): Promise<boolean>;
}

/** The page's `crypto.subtle`, or undefined where there is none (an insecure context). */
export function pageSubtle(): SubtleEd25519 | undefined {
  return (globalThis as { crypto?: { subtle?: SubtleEd25519 } }).crypto?.subtle;
}

const ALG = { name: 'Ed25519' } as const;

// RFC 8032 §7.1 TEST 2: one byte, a known key and signature — WebCrypto must accept it.
const PROBE_KEY = hexBytes('3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c');
const PROBE_MESSAGE = hexBytes('72');
const PROBE_SIGNATURE = hexBytes(
  '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
);

function hexBytes(h: string): Uint8Array {
  const out = new Uint8Array(h.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(h.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/**
 * Whether `subtle` does Ed25519 correctly: it verifies RFC 8032's test 2, and refuses it with
 * one bit of the signature flipped. False when Ed25519 is missing or throws.
 */
export async function hasWebCryptoEd25519(subtle: SubtleEd25519 | undefined): Promise<boolean> {
  if (subtle === undefined) return false;
  try {
    const key = await subtle.importKey('raw', PROBE_KEY, ALG, false, ['verify']);
    const bad = PROBE_SIGNATURE.slice();
    bad[0]! ^= 1;
    return (
      (await subtle.verify(ALG, key, PROBE_SIGNATURE, PROBE_MESSAGE)) &&
      !(await subtle.verify(ALG, key, bad, PROBE_MESSAGE))
    );
  } catch {
    return false;
  }
}

/**
 * A {@link SignatureVerifier} on WebCrypto: the strict rule first, then `subtle.verify`, all of a
 * batch's signatures at once (WebCrypto runs them off the calling thread). Imported keys are
 * kept (a school has a few hundred keys that sign over and over; bounded at `cacheLimit`).
 */
export function webCryptoVerifier(subtle: SubtleEd25519, cacheLimit = 4096): SignatureVerifier {
  const keys = new Map<string, Promise<unknown>>();
  const keyOf = (publicKey: Uint8Array): Promise<unknown> => {
    const id = String.fromCharCode(...publicKey);
    let k = keys.get(id);
    if (k === undefined) {
      if (keys.size >= cacheLimit) keys.delete(keys.keys().next().value!);
      // Copy: the job's key is a view into the batch's buffer.
      k = subtle.importKey('raw', Uint8Array.from(publicKey), ALG, false, ['verify']);
      keys.set(id, k);
    }
    return k;
  };
  const one = async (j: SignatureJob): Promise<number> => {
    if (!strictPrecheck(j.publicKey, j.message, j.signature)) return 0;
    try {
      return (await subtle.verify(ALG, await keyOf(j.publicKey), j.signature, j.message)) ? 1 : 0;
    } catch {
      return 0;
    }
  };
  return async (jobs) => Uint8Array.from(await Promise.all(jobs.map(one)));
}

/** A {@link SignatureVerifier} on one of core's synchronous backends (each applies the strict rule itself). */
export function backendVerifier(backend: Ed25519Backend): SignatureVerifier {
  return (jobs) => {
    const out = new Uint8Array(jobs.length);
    for (let i = 0; i < jobs.length; i++) {
      const j = jobs[i]!;
      out[i] = backend.verify(j.publicKey, j.message, j.signature) ? 1 : 0;
    }
    return Promise.resolve(out);
  };
}

/**
 * The pure-JS fallback, for a browser without WebCrypto Ed25519: @noble/curves (4–20× the speed
 * of tweetnacl, bench/primitives.mjs and docs/performance.md) with RFC 8032's strict decoding
 * (`zip215: false`), after the strict rule.
 */
export function fallbackVerifier(): SignatureVerifier {
  return (jobs) => {
    const out = new Uint8Array(jobs.length);
    for (let i = 0; i < jobs.length; i++) {
      const j = jobs[i]!;
      if (!strictPrecheck(j.publicKey, j.message, j.signature)) continue;
      try {
        out[i] = ed25519.verify(j.signature, j.message, j.publicKey, { zip215: false }) ? 1 : 0;
      } catch {
        out[i] = 0;
      }
    }
    return Promise.resolve(out);
  };
}
