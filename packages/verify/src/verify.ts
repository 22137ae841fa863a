/**
 * The public entry points `verifyBundle` and `verifyStore`: check the options (a bad one is a
 * `Left` naming it), build the engine with its passes and workers, feed it the bundle's lines or
 * the store's events, and return the report.
 */
import { statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { left, right, type Either } from 'fp-ts/lib/Either.js';
import { CompactRange, hosoError, leafHash, type HosoError } from '@hoso/core';
import type { EventStore } from '@hoso/store';
import { Engine, type EventPass } from './engine.js';
import { say } from './messages.js';
import { checkSince, parseTrust, type TrustAnchors } from './checkpoints.js';
import { expectedOrigin } from './origin.js';
import { ledgerOfOrigin, originOf } from './bundle/format.js';
import { readBundleBatches, type BundleItem } from './bundle/read.js';
import { trailingCheckpoints, trailingCheckpointsOfBlob } from './bundle/tail.js';
import { nodeWorkers, verificationWorkerPath } from './pool/node.js';
import type { WorkerFactory } from './pool/protocol.js';
import { isBlobSource, type BlobSource, type BundleSource } from './bundle/lines.js';
import { KeyPass } from './passes/keys.js';
import { TimelinePass } from './passes/timeline.js';
import { compliancePass } from './passes/compliance.js';
import { CertificatePass } from './passes/certificates.js';
import { parseCertificates, type Certificate } from '@hoso/pki';
import type { VerifyReport } from './report.js';
import { parseDisclosure, type Disclosure } from './disclosure/format.js';
import { PersonalDataPass } from './disclosure/check.js';

export type { TrustAnchors } from './checkpoints.js';

/** Options for {@link verifyBundle} and {@link verifyStore}. */
export interface VerifyOptions {
  /** What the inspector trusts: root keys, seal keys, witness keys. */
  readonly trust?: TrustAnchors;
  /**
   * The ledger the inspector expects, as its origin `hoso/<ledger id>`: a bundle (or store) of any
   * other origin is an `origin-mismatch` error. Default: the names of the trusted seal keys that
   * are origins (a school names its seal after its origin), else those of the trusted witness
   * keys; with none, any origin is accepted and the report says it was not pinned
   * (`anchors.origin.pinnedBy: null`).
   */
  readonly expectedOrigin?: string;
  /** A checkpoint note the inspector already holds: the history must extend it. */
  readonly since?: string;
  /**
   * Worker threads for the per-event work (decoding, canonical check, leaf hash, signatures).
   * Default: available cores − 1 (at least 1); 0 does everything on the calling thread.
   */
  readonly workers?: number;
  /**
   * Starts each worker (default: a Node worker thread running `@hoso/verify/worker`). A page
   * passes a factory of Web Workers that run the same job (see docs/verifying.md).
   */
  readonly workerFactory?: WorkerFactory;
  /** Events per worker message (default 256). */
  readonly batchSize?: number;
  /** How far (ms) `at` may run backwards along the log, or ahead of it, before a warning (default 10 minutes). */
  readonly timeTolerance?: number;
  /** Most findings listed (default 10,000; the rest are counted). */
  readonly maxFindings?: number;
  /** Most timeline entries kept (default 2,000). */
  readonly timelineLimit?: number;
  /** Most checkpoint notes held (default 10,000, at least 2: the first ones and the latest are kept). */
  readonly maxCheckpoints?: number;
  /** Replay the school rules (default true). */
  readonly compliance?: boolean;
  /**
   * Read events as `@hoso/ledger` events (default true): payloads checked against its catalogue,
   * keys traced from the genesis. `false` verifies any hoso envelopes (integrity and signatures
   * only; no key registry, no compliance), e.g. a store adapter's test events.
   */
  readonly catalogue?: boolean;
  /**
   * Event ids held in memory (24 bytes each) before they are sorted and written as a run to a
   * temporary file; the runs are merged at the end to find duplicate ids (default 262,144, i.e.
   * 6 MiB; a log of at most that many events never touches the disk).
   */
  readonly idBuffer?: number;
  /** Directory for that temporary file (default `os.tmpdir()`); the file is removed on every path. */
  readonly tempDir?: string;
  /**
   * A disclosure file (`hoso/disclosure@v1`, its text or parsed) to check against the bundle: each
   * opening against the commitment the ledger signs, its signature against the school leader's
   * key; `report.personalData` says per field what was checked (docs/personal-data.md §6). A
   * transcript is verified on its own with `verifyTranscript`.
   */
  readonly disclosure?: string | Disclosure;
}

/** Why verification could not start: a bad option (named by `path`). */
export type VerifyInputError = HosoError<'invalid-argument'>;

interface Prepared {
  readonly engine: Engine;
}

function intOption(name: string, v: unknown, min: number, fallback: number): Either<VerifyInputError, number> {
  if (v === undefined) return right(fallback);
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min)
    return left(hosoError('invalid-argument', `${name}: must be an integer ≥ ${min}`, { path: [name] }));
  return right(v);
}

function directoryOption(name: string, v: unknown): Either<VerifyInputError, string> {
  if (v === undefined) return right(tmpdir());
  if (typeof v !== 'string' || v.length === 0)
    return left(hosoError('invalid-argument', `${name}: must be a directory path`, { path: [name] }));
  let dir: boolean;
  try {
    dir = statSync(v).isDirectory();
  } catch {
    dir = false;
  }
  return dir
    ? right(v)
    : left(hosoError('invalid-argument', `${name}: ${v} is not an existing directory`, { path: [name] }));
}

/** The Node worker threads, each started with the package's compiled worker. */
const nodeFactory: WorkerFactory = (i) => nodeWorkers(verificationWorkerPath())(i);

/** The trust list for CA-backed signatures (`trust.certificates`), parsed; undefined when none is given. */
async function certificateTrust(
  given: VerifyOptions['trust'],
): Promise<Either<VerifyInputError, readonly Certificate[] | undefined>> {
  const list = given?.certificates;
  if (list === undefined) return right(undefined);
  if (!Array.isArray(list))
    return left(
      hosoError('invalid-argument', 'trust.certificates: a list of root certificates (DER or PEM)', {
        path: ['trust', 'certificates'],
      }),
    );
  const out: Certificate[] = [];
  for (const [i, c] of (list as readonly unknown[]).entries()) {
    const r = typeof c === 'string' || c instanceof Uint8Array ? await parseCertificates(c) : undefined;
    if (r === undefined || r._tag === 'Left')
      return left(
        hosoError(
          'invalid-argument',
          `trust.certificates[${i}]: not a certificate (DER or PEM)${r === undefined ? '' : `: ${r.left.message}`}`,
          { path: ['trust', 'certificates', i], rule: 'RFC 5280 §4.1' },
        ),
      );
    out.push(...r.right);
  }
  return right(out);
}

function prepare(
  options: VerifyOptions,
  requireFinalCheckpoint: boolean,
  checkpointHints: () => readonly string[],
  roots: readonly Certificate[] | undefined,
): Either<VerifyInputError, Prepared> {
  const o = options ?? {};
  const trust = parseTrust(o.trust ?? {});
  if (trust._tag === 'Left') return trust;
  const expected = expectedOrigin(o.expectedOrigin, trust.right.seals, trust.right.witnesses);
  if (expected._tag === 'Left') return expected;
  const defaultWorkers = Math.max(1, availableParallelism() - 1);
  const workers = intOption('workers', o.workers, 0, defaultWorkers);
  const batchSize = intOption('batchSize', o.batchSize, 1, 256);
  const tol = intOption('timeTolerance', o.timeTolerance, 0, 10 * 60 * 1000);
  const maxFindings = intOption('maxFindings', o.maxFindings, 1, 10_000);
  const timelineLimit = intOption('timelineLimit', o.timelineLimit, 0, 2_000);
  const maxCheckpoints = intOption('maxCheckpoints', o.maxCheckpoints, 2, 10_000);
  const idBuffer = intOption('idBuffer', o.idBuffer, 1, 262_144);
  for (const r of [workers, batchSize, tol, maxFindings, timelineLimit, maxCheckpoints, idBuffer])
    if (r._tag === 'Left') return r;
  if (o.workerFactory !== undefined && typeof o.workerFactory !== 'function')
    return left(hosoError('invalid-argument', 'workerFactory: must be a function', { path: ['workerFactory'] }));
  const tempDir = directoryOption('tempDir', o.tempDir);
  if (tempDir._tag === 'Left') return tempDir;
  let since: ReturnType<typeof checkSince> | undefined;
  if (o.since !== undefined) {
    since = checkSince(o.since, null, trust.right);
    if (since._tag === 'Left') return since;
  }
  const value = (r: Either<VerifyInputError, number>): number => (r as { right: number }).right;
  const catalogue = o.catalogue !== false;
  let disclosure: Disclosure | undefined;
  if (o.disclosure !== undefined) {
    const d =
      typeof o.disclosure === 'string' ? parseDisclosure(o.disclosure) : parseDisclosure(JSON.stringify(o.disclosure));
    if (d._tag === 'Left')
      return left(
        hosoError('invalid-argument', d.left.message, {
          path: d.left.path ?? ['disclosure'],
          rule: d.left.rule ?? 'docs/formats.md §8',
        }),
      );
    if (d.right.scope === 'transcript')
      return left(
        hosoError('invalid-argument', 'disclosure: a transcript is a partial bundle: verify it with verifyTranscript', {
          path: ['disclosure', 'scope'],
          rule: 'docs/formats.md §8',
        }),
      );
    if (!catalogue)
      return left(
        hosoError('invalid-argument', 'disclosure: needs the catalogue (catalogue: true)', { path: ['disclosure'] }),
      );
    disclosure = d.right;
  }
  const engineRef: { engine?: Engine } = {};
  const personal = catalogue ? new PersonalDataPass(disclosure, () => engineRef.engine!.history()) : undefined;
  const passes: EventPass[] = catalogue ? [new KeyPass(trust.right.rootKeys), new TimelinePass()] : [];
  if (personal !== undefined) passes.push(personal);
  const compliance = o.compliance === false || !catalogue ? undefined : compliancePass();
  if (compliance !== undefined) passes.push(compliance);
  const certificates = catalogue
    ? new CertificatePass(roots === undefined ? undefined : { roots }, () => compliance?.state)
    : undefined;
  if (certificates !== undefined) passes.push(certificates);
  const engine = new Engine({
    ...(certificates === undefined ? {} : { certificates }),
    ...(roots === undefined ? {} : { timestampTrust: { roots } }),
    trust: trust.right,
    ...(since !== undefined && since._tag === 'Right' ? { since: since.right } : {}),
    workers: value(workers),
    workerFactory: o.workerFactory ?? nodeFactory,
    batchSize: value(batchSize),
    timeTolerance: value(tol),
    maxFindings: value(maxFindings),
    timelineLimit: value(timelineLimit),
    maxCheckpoints: value(maxCheckpoints),
    passes,
    complianceAvailable: compliance !== undefined,
    catalogue,
    expected: expected.right,
    checkpointHints: checkpointHints(),
    requireFinalCheckpoint,
    idBuffer: value(idBuffer),
    tempDir: tempDir.right,
    ...(personal === undefined ? {} : { personalData: () => personal.result() }),
  });
  engineRef.engine = engine;
  return right({ engine });
}

/** Roots at the given sizes, recomputed from a fresh pass over the events' bytes (leaf hashes only). */
async function rootsFrom(events: AsyncIterable<Uint8Array>, sizes: number[]): Promise<Map<number, Uint8Array>> {
  const want = new Set(sizes);
  const max = Math.max(...sizes);
  const out = new Map<number, Uint8Array>();
  const range = CompactRange.empty();
  for await (const bytes of events) {
    if (range.size >= max) break;
    range.append(leafHash(bytes));
    if (want.has(range.size)) out.set(range.size, range.root());
  }
  return out;
}

async function* eventBytesOfBundle(source: string | BlobSource): AsyncGenerator<Uint8Array> {
  for await (const items of readBundleBatches(source))
    for (const item of items) if (item.kind === 'event') yield item.bytes;
}

async function drive(prepared: Prepared, batches: AsyncIterable<BundleItem[]>): Promise<number | null> {
  const { engine } = prepared;
  let declared: number | null = null;
  for await (const items of batches)
    for (const item of items) {
      // Events still with the workers are checked first, so findings keep the file's order.
      if (item.kind !== 'event') await engine.drain();
      switch (item.kind) {
        case 'header': {
          declared = item.header.size;
          engine.setOrigin(item.header.origin, ledgerOfOrigin(item.header.origin)!);
          break;
        }
        case 'header-invalid':
          engine.reportIntegrity(
            say('header-invalid', {}, { reason: item.error.message }, { details: { line: 1 } }),
            true,
          );
          break;
        case 'event':
          await engine.event(item.bytes, item.line);
          break;
        case 'checkpoint':
          engine.checkpoint(item.note, item.line);
          break;
        case 'invalid': {
          const d = item.error.details as { length?: number; limit?: number } | undefined;
          engine.reportIntegrity(
            item.error.code === 'line-too-long'
              ? say(
                  'line-too-long',
                  {},
                  { line: item.line, length: d?.length ?? 0, limit: d?.limit ?? 0 },
                  { details: { line: item.line } },
                )
              : say('checkpoint-invalid', {}, { kind: 'line', line: item.line }, { details: { line: item.line } }),
          );
          break;
        }
      }
    }
  return declared;
}

/**
 * Verify a bundle (docs/design.md §7) in one streaming pass: integrity (format, canonical events, chains,
 * ids, Merkle roots against every checkpoint and the held one, checkpoint signatures, fork and
 * rollback), authenticity (every signature, on worker threads; keys registered with proof of
 * possession before use and not revoked; trust from the root key) and compliance (the ledger's
 * rules replayed by position). A second, hash-only pass runs only when the bundle carries
 * checkpoints of earlier sizes, and only for a file or Blob source (a one-shot stream reports
 * them as unchecked).
 *
 * Returns Left only for bad options; anything wrong with the bundle is a finding in the report
 * (`usable: false` when it could not be read as a bundle at all).
 */
export async function verifyBundle(
  source: BundleSource,
  options: VerifyOptions = {},
): Promise<Either<VerifyInputError, VerifyReport>> {
  // A file's trailing checkpoint lines are read first: their cosignature times bound the events' times.
  const roots = await certificateTrust(options.trust);
  if (roots._tag === 'Left') return roots;
  const maxNotes = options.maxCheckpoints ?? 10_000;
  const blobHints = isBlobSource(source) ? await trailingCheckpointsOfBlob(source, maxNotes) : [];
  const p = prepare(
    options,
    true,
    () => (typeof source === 'string' ? trailingCheckpoints(source, maxNotes) : blobHints),
    roots.right,
  );
  if (p._tag === 'Left') return p;
  const { engine } = p.right;
  let declared: number | null = null;
  try {
    declared = await drive(p.right, readBundleBatches(source));
  } catch (e) {
    engine.reportIntegrity(
      say('bundle-unreadable', {}, { source: 'bundle', reason: e instanceof Error ? e.message : String(e) }),
      true,
    );
  }
  const reopen =
    typeof source === 'string' || isBlobSource(source)
      ? (sizes: number[]) => rootsFrom(eventBytesOfBundle(source), sizes)
      : undefined;
  if (engine.size === 0 && declared === null) {
    // Nothing readable at all (empty file or no header): say so plainly.
    engine.reportIntegrity(say('header-invalid', {}, { reason: null }), true);
  }
  return right(await engine.finish(declared, reopen));
}

/** Options for {@link verifyStore}: as for bundles, plus the checkpoints to check against. */
export interface VerifyStoreOptions extends VerifyOptions {
  /** Signed checkpoint notes of this ledger (e.g. the school's latest and its witnesses'). */
  readonly checkpoints?: readonly string[];
  /** Verify only the first `size` events (default: the store's size when verification starts). */
  readonly size?: number;
}

async function* storeEvents(store: EventStore, ledger: string, size: number): AsyncGenerator<Uint8Array> {
  for await (const batch of store.readBytes(ledger, { from: 0, to: size })) for (const ev of batch) yield ev.bytes;
}

/**
 * Verify a ledger straight from a store, with the same checks as {@link verifyBundle}: the store's
 * bytes are re-hashed and re-verified, never trusted (its own root and proofs are not used).
 */
export async function verifyStore(
  store: EventStore,
  ledger: string,
  options: VerifyStoreOptions = {},
): Promise<Either<VerifyInputError, VerifyReport>> {
  if (typeof ledger !== 'string' || ledger.length === 0)
    return left(hosoError('invalid-argument', 'ledger: must be a ledger id', { path: ['ledger'] }));
  const origin = originOf(ledger);
  const given: unknown = options.checkpoints ?? [];
  if (!Array.isArray(given) || given.some((n) => typeof n !== 'string'))
    return left(
      hosoError('invalid-argument', 'checkpoints: must be an array of signed checkpoint notes', {
        path: ['checkpoints'],
      }),
    );
  const notes = given as readonly string[];
  if (options.size !== undefined && (!Number.isSafeInteger(options.size) || options.size < 0))
    return left(hosoError('invalid-argument', 'size: must be an integer ≥ 0', { path: ['size'] }));
  // Options are all checked before the engine (and its worker threads) is created.
  const roots = await certificateTrust(options.trust);
  if (roots._tag === 'Left') return roots;
  const p = prepare(options, false, () => notes, roots.right);
  if (p._tag === 'Left') return p;
  const { engine } = p.right;
  engine.setOrigin(origin, ledger);
  let size = 0;
  try {
    size = Math.min(options.size ?? Infinity, await store.size(ledger));
  } catch (e) {
    await engine.abort();
    return left(
      hosoError(
        'invalid-argument',
        `store: its size could not be read: ${e instanceof Error ? e.message : String(e)}`,
        { path: ['store'] },
      ),
    );
  }
  try {
    for await (const bytes of storeEvents(store, ledger, size)) await engine.event(bytes);
  } catch (e) {
    engine.reportIntegrity(
      say('bundle-unreadable', {}, { source: 'store', reason: e instanceof Error ? e.message : String(e) }),
      true,
    );
  }
  notes.forEach((n) => engine.checkpoint(n, null));
  return right(await engine.finish(null, (sizes) => rootsFrom(storeEvents(store, ledger, size), sizes)));
}
