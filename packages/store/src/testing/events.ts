import {
  encodeEnvelope,
  leafHash,
  localSigner,
  newEventId,
  signEnvelope,
  toBase64Url,
  toHex,
  type JsonObject,
  type Signer,
} from '@hoso/core';

/**
 * Test events for stores and anything built on them: really signed, canonical, correctly
 * chained envelopes, so no test elsewhere reinvents rev/prev bookkeeping. This module imports
 * nothing from vitest, so worker processes of adapter tests can use it from the compiled `dist`.
 */

/** The fixed seed test events are signed with (32 bytes, not secret: tests only). */
export const TEST_SEED: Uint8Array = new Uint8Array(32).map((_, i) => (i * 7 + 11) & 0xff);

/** The role test events are authored in. */
export const TEST_ROLE = 'admin';

let cachedSigner: Signer | undefined;

/** The signer over {@link TEST_SEED} (prepared once). */
export function testSigner(): Signer {
  cachedSigner ??= localSigner(TEST_SEED);
  return cachedSigner;
}

/** What a stream's next event chains to: its last revision and that event's leaf hash. */
export interface TestHead {
  readonly rev: number;
  readonly leafHash: Uint8Array;
}

/** Stream heads by stream name; {@link makeTestEvents} reads and advances it. */
export type TestHeads = Map<string, TestHead>;

/** One event to make. Only `stream` is needed; the overrides exist to make deliberately bad events. */
export interface TestEventSpec {
  readonly stream: string;
  /** Event type (default `TestEvent`). */
  readonly type?: string;
  /** Payload (default `{ n: <index in the call> }`). */
  readonly data?: JsonObject;
  /** Force the id (default: a fresh UUID v7). */
  readonly id?: string;
  /** Force the revision (default: the stream's next). */
  readonly rev?: number;
  /** Force `prev` (default: the hex leaf hash of the stream's head, null at rev 0). */
  readonly prev?: string | null;
  /** Force `at` (default: now, in Asia/Ho_Chi_Minh offset form). */
  readonly at?: string;
}

/** Options of {@link makeTestEvents}. */
export interface TestEventOptions {
  /**
   * Stream heads to continue from; updated in place with every event made, so successive calls
   * chain. Default: a fresh map (every stream starts at rev 0). Pass a copy (`new Map(heads)`) to
   * make events without advancing the caller's heads.
   */
  readonly heads?: TestHeads;
  /** Seed to sign with (default {@link TEST_SEED}). */
  readonly seed?: Uint8Array;
}

/** Current time as an RFC 3339 string with the Vietnamese offset (+07:00). */
function nowInVietnam(): string {
  const d = new Date(Date.now() + 7 * 3600_000);
  return d.toISOString().replace('Z', '+07:00');
}

/**
 * Make the canonical bytes of signed events for `ledger`, one per spec, in order. Revisions and
 * `prev` links follow the specs (earlier specs of the same call included), continuing from
 * `opts.heads`.
 * @throws HosoFailure when a spec cannot be signed (e.g. `rev > 0` with `prev: null`, a bad type name).
 */
export async function makeTestEvents(
  ledger: string,
  specs: readonly TestEventSpec[],
  opts: TestEventOptions = {},
): Promise<Uint8Array[]> {
  const heads = opts.heads ?? new Map<string, TestHead>();
  const signer = opts.seed === undefined ? testSigner() : localSigner(opts.seed);
  const key = toBase64Url(signer.publicKey);
  const out: Uint8Array[] = [];
  for (const [i, spec] of specs.entries()) {
    const head = heads.get(spec.stream);
    const rev = spec.rev ?? (head === undefined ? 0 : head.rev + 1);
    const prev = spec.prev !== undefined ? spec.prev : head === undefined ? null : toHex(head.leafHash);
    const env = await signEnvelope(
      {
        v: 1,
        id: spec.id ?? newEventId(),
        ledger,
        stream: spec.stream,
        rev,
        prev,
        type: spec.type ?? 'TestEvent',
        data: spec.data ?? { n: i },
        at: spec.at ?? nowInVietnam(),
        by: { key, role: TEST_ROLE },
      },
      [{ signer, role: TEST_ROLE }],
    );
    const bytes = encodeEnvelope(env);
    heads.set(spec.stream, { rev, leafHash: leafHash(bytes) });
    out.push(bytes);
  }
  return out;
}

/** The id of an event from its bytes (test convenience; no validation). */
export function testEventId(bytes: Uint8Array): string {
  return (JSON.parse(new TextDecoder().decode(bytes)) as { id: string }).id;
}
