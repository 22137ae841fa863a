/**
 * The one-pass verifier behind `verifyBundle` and `verifyStore`: it takes event lines in ledger
 * order, has their per-event work done in batches (on the worker pool, or here with no workers),
 * applies the results strictly in order — Merkle range, chains, ids, times, signature verdicts,
 * then the rule passes — and at the end checks every checkpoint and builds the report.
 */
import { UNCHECKED_LEGAL, type CertificatePass } from './passes/certificates.js';
import { CompactRange, bytesEqual, sha256, toHex, type Envelope } from '@hoso/core';
import type { Finding } from './findings.js';
import { Registry } from './claims.js';
import { groupProblems } from './problems.js';
import { say } from './messages.js';
import { FindingSink } from './sink.js';
import { DuplicateIdFinder } from './id-runs.js';
import { checkCheckpoint, type ParsedTrust, type SinceCheckpoint } from './checkpoints.js';
import {
  verdictOf,
  type Anchors,
  type CheckpointSummary,
  type MissingAnchor,
  type TimelineEntry,
  type VerifyReport,
} from './report.js';
import { originOf } from './bundle/format.js';
import type { ExpectedOrigin } from './origin.js';
import { SigningTimes, type CheckpointTime } from './time.js';
import { checkTimestamps, TimestampClaims } from './timestamps.js';
import type { CertificateTrust } from '@hoso/ledger';
import { WorkerPool } from './pool/worker-pool.js';
import type { WorkerFactory } from './pool/protocol.js';
import type { PersonalDataReport } from './disclosure/check.js';
import {
  checkEventsHere,
  EVENT_BAD_PAYLOAD,
  EVENT_INVALID,
  packEvents,
  type BatchProblem,
  type EventBatch,
  type EventBatchResult,
} from './checks/batch.js';

/** Longest signed note accepted (C2SP notes are small; core's `openNote` refuses longer ones). */
const MAX_NOTE_LENGTH = 1 << 20;

/** Lenient UTF-8 decoding is enough where the per-event work already decoded the same bytes strictly. */
const TEXT = new TextDecoder();
const ASCII = new TextDecoder('latin1');
const HEX_DIGITS = new TextEncoder().encode('0123456789abcdef');

/** The report's `personalData` field, present when the pass ran. */
function personalDataOf(get: (() => PersonalDataReport | null) | undefined): { personalData?: PersonalDataReport } {
  const r = get?.() ?? null;
  return r === null ? {} : { personalData: r };
}

/** What a rule pass (authenticity keys, compliance) sees of each well-formed event. */
export interface EventContext {
  readonly position: number;
  readonly envelope: Envelope;
  readonly bytes: Uint8Array;
  /** Lowercase hex leaf hash of the event. */
  readonly leafHash: string;
  /**
   * Whether the ledger's event catalogue accepts the event's type and payload (checked with the
   * per-event work; when it does not, an `event-invalid` finding is already reported here).
   */
  readonly payloadValid: boolean;
  /** Report a finding at this event. */
  report(f: Finding): void;
  /** Add the event to the report's timeline with a one-line summary. */
  note(summary: string): void;
  /**
   * Whether an error finding was already reported for this event (duplicate ids aside: they are
   * known only at the end). Signature verdicts are known before any pass runs.
   */
  hasErrors(): boolean;
}

/**
 * A pass that replays events in ledger order (keys and trust, school rules). Each pass keeps
 * only the state it needs (current keys, roles, windows), never the events themselves.
 */
export interface EventPass {
  /** `authenticity` or `compliance`: which verdict its error findings count against. */
  readonly kind: 'authenticity' | 'compliance';
  step(ctx: EventContext): void;
  /** Called instead of `step` for an event that does not decode: it still takes its position. */
  skip?(position: number): void;
  /** Called once after the last event (e.g. to report a missing genesis). */
  finish?(report: (f: Finding) => void): void;
}

/** Engine options (already validated by the public entry points). */
export interface EngineOptions {
  readonly trust: ParsedTrust;
  /** The held checkpoint (`--since`), parsed and signature-checked by `checkSince`. */
  readonly since?: SinceCheckpoint;
  /** Worker threads for the per-event work (0: all of it on this thread). */
  readonly workers: number;
  /** Starts the workers (default: none may be started; required when `workers > 0`). */
  readonly workerFactory?: WorkerFactory;
  readonly batchSize?: number;
  /** Milliseconds `at` may run backwards (or ahead) before a warning (docs/design.md §8). */
  readonly timeTolerance: number;
  readonly maxFindings: number;
  readonly timelineLimit: number;
  /** Most checkpoint notes held (at least 2). */
  readonly maxCheckpoints: number;
  readonly passes: readonly EventPass[];
  /** The CA-signature pass (also in `passes`), settled at `finish` (its checks are async). */
  readonly certificates?: CertificatePass;
  /** Whether a checkpoint of the full size is required (bundles: yes, docs/design.md §7; a live store: no). */
  readonly requireFinalCheckpoint: boolean;
  /** Set when the compliance pass is absent, so the report says it was skipped. */
  readonly complianceAvailable: boolean;
  /** Whether events are read with the ledger's catalogue and key registry (else keys are not traced). */
  readonly catalogue: boolean;
  /** The origins the inspector expects (docs/verifying.md). */
  readonly expected: ExpectedOrigin;
  /** Checkpoint notes known before the events are read: their cosignature times bound the events' `at`. */
  readonly checkpointHints?: readonly string[];
  /** The trust list the checkpoints' RFC 3161 timestamps are checked against (none: not checked). */
  readonly timestampTrust?: CertificateTrust;
  /** Event ids held in memory before a sorted run of them is written to a temporary file. */
  readonly idBuffer: number;
  /** Directory of that temporary file. */
  readonly tempDir: string;
  /** The personal-data account (a pass in `passes`), read for the report after the passes finished. */
  readonly personalData?: () => PersonalDataReport | null;
}

/** A batch with the pool: settled into `result` or `error`, never rejected (so no rejection goes unheard). */
interface InFlight {
  readonly events: Uint8Array[];
  readonly lines: Array<number | null>;
  readonly settled: Promise<void>;
  result: EventBatchResult | null;
  error: Error | null;
}

type PassKind = 'integrity' | 'authenticity' | 'compliance';

/**
 * The one-pass verifier. Feed it the header (or the expected origin), then events in ledger
 * order, then checkpoint notes; `finish` returns the report. Its memory does not grow with the
 * number of events: the compact Merkle range (O(log n) hashes), the head of each stream (rev,
 * leaf hash, a stream number: grows with streams), the event ids in a fixed buffer spilled as
 * sorted runs to a temporary file and merged at `finish` ({@link DuplicateIdFinder}), a few events
 * for the time checks, the checkpoint notes, findings and timeline (capped), the batches with the
 * workers (bounded), and the rule passes' state (keys, roles, cells; the compliance pass's ledger
 * state also keeps a compact index of every event, see docs/verifying.md).
 *
 * With workers, this thread never decodes or verifies: it packs lines into batches, and applies
 * each batch's fixed-size result columns in order; it parses an event's (already validated) JSON
 * once, for the rule passes.
 */
export class Engine {
  private readonly sink: FindingSink;
  private readonly pool: WorkerPool<EventBatch, EventBatchResult> | null = null;
  private readonly batchSize: number;
  private current: Uint8Array[] = [];
  private currentLines: Array<number | null> = [];
  /** Names of people, students and subjects, and whose each key is, from the ledger's registrations. */
  private readonly registry = new Registry();
  /** The last few events decoded, by position: findings judged a few events late still name what they claim. */
  private readonly recent: Array<{ position: number; line: number | null; env: Envelope | null }> = [];
  private readonly inFlight: InFlight[] = [];
  private poolFailure: Error | null = null;
  private range = CompactRange.empty();
  /** Each stream's head; `n` numbers the stream for the id records. */
  private readonly heads = new Map<string, { rev: number; leaf: string; n: number; position: number }>();
  /** Stream names by number (grows with streams, not events). */
  private readonly streamNames: string[] = [];
  private readonly ids: DuplicateIdFinder;
  private readonly times: SigningTimes;
  private timesReady = false;
  /** Claimed times around the timestamped checkpoints known ahead (docs/formats.md §2). */
  private claims: TimestampClaims | null = null;
  private readonly checkpointNotes: Array<{ line: number | null; note: string }> = [];
  private latestExtra: { line: number | null; note: string } | null = null;
  private droppedCheckpoints = 0;
  private readonly timeline: TimelineEntry[] = [];
  private sinceRoot: Uint8Array | null = null;
  private origin: string | null = null;
  private ledger: string | null = null;
  private originChecked = false;
  private usable = true;
  /** Events submitted when the first checkpoint line was read (an event at or past it is misplaced). */
  private firstCheckpointAt: number | null = null;
  /** Events handed to {@link event} so far (ahead of `range.size` while batches are with the workers). */
  private submitted = 0;
  private signaturesChecked = 0;
  private layoutReported = false;
  private integrityErrors = 0;
  private authenticityErrors = 0;
  private complianceErrors = 0;
  /** Position where the compliance replay stopped (the first event that is not authentic), or null. */
  private complianceStoppedAt: number | null = null;
  private readonly started = Date.now();
  /** Position being processed, and the errors reported for it so far (all, and authenticity ones). */
  private currentPosition = -1;
  private currentErrors = 0;
  private currentAuthErrors = 0;
  /** The kind of the pass whose `step` is running (its findings count against that verdict). */
  private passKind: 'authenticity' | 'compliance' = 'authenticity';
  private noted = false;
  private readonly hexOut = new Uint8Array(64);
  /** One context object, refilled for each event (the passes must not keep it). */
  private readonly ctx: {
    position: number;
    envelope: Envelope;
    bytes: Uint8Array;
    leafHash: string;
    payloadValid: boolean;
    report(f: Finding): void;
    note(summary: string): void;
    hasErrors(): boolean;
  };

  constructor(private readonly options: EngineOptions) {
    this.sink = new FindingSink(options.maxFindings);
    this.batchSize = Math.max(1, Math.floor(options.batchSize ?? 256));
    this.ids = new DuplicateIdFinder({ bufferRecords: options.idBuffer, tempDir: options.tempDir });
    this.times = new SigningTimes(options.timeTolerance, (f) => this.add(f, 'integrity'));
    if (options.workers > 0) {
      if (options.workerFactory === undefined) throw new Error('Engine: workers need a worker factory');
      this.pool = new WorkerPool<EventBatch, EventBatchResult>({
        workers: options.workers,
        factory: options.workerFactory,
      });
    }
    if (options.since !== undefined && options.since.size === 0) this.sinceRoot = sha256();
    this.ctx = {
      position: -1,
      envelope: undefined as unknown as Envelope,
      bytes: new Uint8Array(0),
      leafHash: '',
      payloadValid: false,
      // A payload the catalogue cannot read is an integrity fault, whichever pass noticed it.
      report: (f) => this.add(f, f.code === 'event-invalid' ? 'integrity' : this.passKind),
      note: (summary) => this.note(summary),
      hasErrors: () => this.currentErrors > 0,
    };
  }

  private add(found: Finding, pass: PassKind): void {
    const f = found.position === null ? found : this.placed(found);
    if (f.severity === 'error') {
      if (f.position === this.currentPosition) {
        this.currentErrors++;
        if (pass === 'authenticity') this.currentAuthErrors++;
      }
      if (pass === 'integrity') this.integrityErrors++;
      else if (pass === 'authenticity') this.authenticityErrors++;
      else this.complianceErrors++;
    }
    this.sink.add(f);
  }

  /**
   * A finding about one event, with the bundle line it is on and what the event claims in school
   * terms, when that event is among the last few read (every finding but a duplicate id is).
   */
  private placed(f: Finding): Finding {
    // A root mismatch sits at its checkpoint's last event but says nothing about that event.
    if (f.code === 'checkpoint-root-mismatch' || f.code === 'since-inconsistent') return f;
    const r = this.recent.find((x) => x.position === f.position);
    if (r === undefined) return f;
    const out: { -readonly [K in keyof Finding]: Finding[K] } = { ...f, line: r.line };
    if (r.env !== null) out.claim = this.registry.describe(r.env);
    return out;
  }

  /** Remember the event at `position` for {@link placed}; the time checks judge an event 5 events late. */
  private remember(position: number, line: number | null, env: Envelope | null): void {
    if (this.recent.length >= 8) this.recent.shift();
    this.recent.push({ position, line, env });
  }

  /** Report a bundle-level integrity finding (header, layout, unreadable input). */
  reportIntegrity(f: Finding, unusable = false): void {
    if (unusable) this.usable = false;
    this.add(f, 'integrity');
  }

  /** The ledger's origin, from the bundle header or the caller. */
  setOrigin(origin: string, ledger: string): void {
    this.origin = origin;
    this.ledger = ledger;
    this.checkOrigin();
  }

  /** Refuse a ledger the inspector did not expect (once, when its origin is first known). */
  private checkOrigin(): void {
    if (this.originChecked || this.origin === null) return;
    this.originChecked = true;
    const { origins, pinnedBy } = this.options.expected;
    if (pinnedBy !== null && !origins.includes(this.origin))
      this.add(
        say(
          'origin-mismatch',
          {},
          { actual: this.origin, expected: origins, pinnedBy },
          { details: { expected: origins, actual: this.origin, pinnedBy } },
        ),
        'integrity',
      );
  }

  /** Number of events seen so far. */
  get size(): number {
    return this.submitted;
  }

  /** The origin and the RFC 9162 root of the events checked so far (for a pass's `finish`). */
  history(): { origin: string | null; size: number; root: string } {
    return { origin: this.origin, size: this.range.size, root: toHex(this.range.root()) };
  }

  /**
   * Take one event line (its exact bytes) at the next position. Lines are checked in batches:
   * on the workers when there are any (this resolves once there is room for more), else here.
   * {@link drain} waits until every line taken so far has been checked.
   */
  async event(bytes: Uint8Array, line: number | null = null): Promise<void> {
    this.submitted++;
    if (this.poolFailure !== null) return;
    this.current.push(bytes);
    this.currentLines.push(line);
    if (this.current.length >= this.batchSize) await this.dispatch();
  }

  private async dispatch(): Promise<void> {
    const events = this.current;
    const lines = this.currentLines;
    this.current = [];
    this.currentLines = [];
    if (events.length === 0 || this.poolFailure !== null) return;
    if (this.pool === null) {
      const { result, envelopes } = checkEventsHere(events, this.options.catalogue);
      this.apply(events, lines, result, envelopes);
      return;
    }
    if (this.pool.failure !== null) {
      this.poolFailure = this.pool.failure;
      return;
    }
    // Bounded: at most the pool's capacity of batches wait for results.
    while (this.inFlight.length > 0 && this.inFlight.length >= this.pool.capacity) await this.settleHead();
    if (this.poolFailure !== null) return;
    const batch = packEvents(events, this.options.catalogue);
    const job: InFlight = {
      events,
      lines,
      result: null,
      error: null,
      settled: this.pool.run(batch, [batch.buf]).then(
        (r) => void (job.result = r),
        (e: unknown) => void (job.error = e instanceof Error ? e : new Error(String(e))),
      ),
    };
    this.inFlight.push(job);
    // Apply whatever has already come back, in order, while the workers go on.
    while (this.inFlight.length > 0 && (this.inFlight[0]!.result !== null || this.inFlight[0]!.error !== null))
      await this.settleHead();
  }

  /** Wait for the oldest batch with the workers and apply its result. */
  private async settleHead(): Promise<void> {
    const job = this.inFlight.shift();
    if (job === undefined) return;
    await job.settled;
    if (this.poolFailure !== null) return;
    if (job.error !== null) {
      // Never a verdict on lines that were not all checked: the rest is dropped, and `finish` says so.
      this.poolFailure = job.error;
      this.inFlight.length = 0;
      return;
    }
    this.apply(job.events, job.lines, job.result!, undefined);
  }

  /** Wait until every event handed to {@link event} has been checked. */
  async drain(): Promise<void> {
    await this.dispatch();
    while (this.inFlight.length > 0) await this.settleHead();
  }

  /** Apply a batch's result columns, event by event, in order (views, not copies, of each event's part). */
  private apply(
    events: readonly Uint8Array[],
    lines: ReadonlyArray<number | null>,
    r: EventBatchResult,
    envelopes: ReadonlyArray<Envelope | undefined> | undefined,
  ): void {
    const leaves = new Uint8Array(r.leaves);
    const status = new Uint8Array(r.status);
    const counts = new Uint32Array(r.sigCounts);
    const verdicts = new Uint8Array(r.sigOk);
    const problems = r.problems;
    let p = 0;
    let s = 0;
    for (let i = 0; i < events.length; i++) {
      const first = p;
      while (p < problems.length && problems[p]!.i === i) p++;
      const n = counts[i]!;
      this.accept(
        events[i]!,
        lines[i] ?? null,
        leaves,
        32 * i,
        status[i]!,
        problems,
        first,
        p,
        verdicts,
        s,
        n,
        envelopes?.[i],
      );
      s += n;
    }
  }

  /** Lowercase hex of the 32-byte hash at `b[at…]`, as one string (no intermediate pieces). */
  private hex(b: Uint8Array, at: number): string {
    const out = this.hexOut;
    for (let i = 0; i < 32; i++) {
      const v = b[at + i]!;
      out[2 * i] = HEX_DIGITS[v >> 4]!;
      out[2 * i + 1] = HEX_DIGITS[v & 15]!;
    }
    return ASCII.decode(out);
  }

  private note(summary: string): void {
    if (this.noted || this.timeline.length >= this.options.timelineLimit) return;
    this.noted = true;
    const env = this.ctx.envelope;
    const person = this.registry.personOfKey(env.by.key);
    this.timeline.push({
      position: this.ctx.position,
      event: env.id,
      stream: env.stream,
      type: env.type,
      at: env.at,
      by: {
        key: env.by.key,
        role: env.by.role,
        person,
        name: person === null ? null : this.registry.staffName(person),
      },
      summary,
    });
  }

  /** The first trusted cosignature times of the checkpoints known ahead, once the origin is known. */
  private prepareTimes(): void {
    if (this.timesReady) return;
    this.timesReady = true;
    const times: CheckpointTime[] = [];
    for (const note of this.options.checkpointHints ?? []) {
      if (note.length > MAX_NOTE_LENGTH) continue;
      const c = checkCheckpoint(note, this.origin, this.options.trust);
      if (!c.ok || c.checkpoint === undefined || c.cosignatures.length === 0) continue;
      const first = c.cosignatures.reduce((a, b) => (b.time < a.time ? b : a));
      times.push({ size: c.checkpoint.size, time: first.time * 1000, witness: first.witness });
    }
    this.times.setCheckpointTimes(times);
    const claims = new TimestampClaims(this.options.checkpointHints ?? []);
    if (claims.active) this.claims = claims;
  }

  /**
   * The in-order part of checking one event: Merkle range, layout, decoding verdict, ledger id,
   * unique id, stream chain, `at`, signature structure and verdicts, the catalogue's verdict,
   * then the rule passes. The event's leaf hash is `leaves[leafAt…+32]`, its problems
   * `problems[from…to)`, its signature verdicts `verdicts[sigAt…+sigCount]`.
   */
  private accept(
    bytes: Uint8Array,
    line: number | null,
    leaves: Uint8Array,
    leafAt: number,
    status: number,
    problems: readonly BatchProblem[],
    from: number,
    to: number,
    verdicts: Uint8Array,
    sigAt: number,
    sigCount: number,
    known: Envelope | undefined,
  ): void {
    const position = this.range.size;
    this.currentPosition = position;
    this.currentErrors = 0;
    this.currentAuthErrors = 0;
    this.range.append(leaves.subarray(leafAt, leafAt + 32));
    if (this.options.since !== undefined && this.options.since.size === this.range.size)
      this.sinceRoot = this.range.root();
    if (this.firstCheckpointAt !== null && position >= this.firstCheckpointAt && !this.layoutReported) {
      this.layoutReported = true;
      this.add(say('bundle-layout', { position }, { position }), 'integrity');
    }
    if (status === EVENT_INVALID) {
      this.remember(position, line, null);
      const e = problems[from]!;
      const details = { error: e.code, ...(e.path !== undefined ? { path: e.path.join('.') } : {}) };
      this.add(
        e.code === 'not-canonical'
          ? say('event-not-canonical', { position }, { position, reason: e.message }, { details })
          : say('event-invalid', { position }, { kind: 'envelope', position, reason: e.message }, { details }),
        'integrity',
      );
      for (const p of this.options.passes)
        if (p.kind !== 'compliance' || this.complianceStoppedAt === null) p.skip?.(position);
      return;
    }
    // Bytes the per-event work decoded strictly: JSON.parse gives the very value it accepted.
    const env = known ?? (JSON.parse(TEXT.decode(bytes)) as Envelope);
    this.remember(position, line, env);
    const site = { position, event: env.id, stream: env.stream };
    const leafHex = this.hex(leaves, leafAt);

    if (this.ledger === null) {
      this.ledger = env.ledger;
      this.origin = originOf(env.ledger);
      this.checkOrigin();
    } else if (env.ledger !== this.ledger) {
      this.add(
        say(
          'ledger-mismatch',
          site,
          { actual: env.ledger, expected: this.ledger },
          { details: { expected: this.ledger, actual: env.ledger } },
        ),
        'integrity',
      );
    }

    const head = this.heads.get(env.stream);
    const streamNumber = head?.n ?? this.streamNames.push(env.stream) - 1;
    // Duplicates are found at `finish`, when the sorted runs of ids are merged.
    this.ids.add(env.id, position, streamNumber);

    const expectedRev = head === undefined ? 0 : head.rev + 1;
    if (env.rev !== expectedRev) {
      this.add(
        say(
          'stream-rev-gap',
          site,
          { stream: env.stream, expected: expectedRev, actual: env.rev },
          { details: { expected: expectedRev, actual: env.rev, previous: head?.position ?? null } },
        ),
        'integrity',
      );
    } else {
      const expectedPrev = head === undefined ? null : head.leaf;
      if (env.prev !== expectedPrev)
        this.add(
          say(
            'stream-prev-mismatch',
            site,
            { stream: env.stream, expected: expectedPrev, actual: env.prev },
            { details: { expected: expectedPrev, actual: env.prev, previous: head?.position ?? null } },
          ),
          'integrity',
        );
    }
    if (head === undefined) this.heads.set(env.stream, { rev: env.rev, leaf: leafHex, n: streamNumber, position });
    else {
      head.rev = env.rev;
      head.leaf = leafHex;
      head.position = position;
    }

    const at = Date.parse(env.at);
    if (Number.isFinite(at)) {
      this.prepareTimes();
      this.times.observe(position, env.id, env.stream, env.at, at);
      this.claims?.observe(position, env.id, env.stream, env.at, at);
    }

    for (let k = from; k < to; k++) {
      const e = problems[k]!;
      if (e.kind === 'signers')
        this.add(
          say('signature-structure', site, { reason: e.message }, { details: { error: e.code } }),
          'authenticity',
        );
      else if (e.kind === 'payload')
        this.add(
          e.code === 'unknown-type'
            ? say('event-invalid', site, { kind: 'unknown-type', type: env.type }, { details: { type: env.type } })
            : say('event-invalid', site, { kind: 'payload', type: env.type }, { details: { type: env.type } }),
          'integrity',
        );
    }
    for (let i = 0; i < sigCount; i++) {
      this.signaturesChecked++;
      if (verdicts[sigAt + i] !== 1) {
        const role = env.sigs[i]?.role ?? '?';
        this.add(
          say('signature-invalid', site, { event: env.id, index: i, role }, { details: { signature: i } }),
          'authenticity',
        );
      }
    }

    const ctx = this.ctx;
    ctx.position = position;
    ctx.envelope = env;
    ctx.bytes = bytes;
    ctx.leafHash = leafHex;
    ctx.payloadValid = this.options.catalogue && (status & EVENT_BAD_PAYLOAD) === 0;
    this.noted = false;
    for (const p of this.options.passes) {
      if (p.kind === 'compliance') {
        if (this.complianceStoppedAt !== null) continue;
        if (this.currentAuthErrors > 0) {
          // A forged event cannot buy rule replays: the replay ends with the first event whose
          // signature, signers or key does not hold (docs/verifying.md). That event is still
          // checked, against state built from authentic events only (what rules it breaks —
          // no genesis, a second genesis, a registration without its holder — says what it is);
          // nothing after it is, since the state would then include what it did.
          this.passKind = p.kind;
          p.step(ctx);
          this.complianceStoppedAt = position;
          this.add(say('compliance-stopped', site, { position }, { details: { position } }), 'compliance');
          continue;
        }
      }
      this.passKind = p.kind;
      p.step(ctx);
    }
    // Names come only from registrations that hold: a tampered one must not name the next signer.
    if (this.currentErrors === 0) this.registry.observe(env);
  }

  /**
   * Record a checkpoint line (checked in `finish`, when the bundle's size is known). At most
   * `maxCheckpoints` are held: past that the first ones and the latest are kept (the latest is
   * the one that must cover the whole bundle) and the rest are counted; a note longer than a
   * signed note may be (1 MiB) is reported at once and not held.
   */
  checkpoint(note: string, line: number | null): void {
    this.firstCheckpointAt ??= this.submitted;
    if (note.length > MAX_NOTE_LENGTH) {
      this.add(
        say(
          'checkpoint-invalid',
          {},
          { kind: 'too-long', place: { line } },
          { details: { line, length: note.length } },
        ),
        'integrity',
      );
      return;
    }
    if (this.checkpointNotes.length < this.options.maxCheckpoints - 1) this.checkpointNotes.push({ line, note });
    else {
      if (this.latestExtra !== null) this.droppedCheckpoints++;
      this.latestExtra = { line, note };
    }
  }

  /**
   * Finish: wait for the workers, check every checkpoint against the recomputed roots (`rootsAt`
   * recomputes roots at earlier sizes by re-reading the events; absent for one-shot streams), and
   * build the report.
   */
  async finish(
    declaredSize: number | null,
    rootsAt?: (sizes: number[]) => Promise<Map<number, Uint8Array>>,
  ): Promise<VerifyReport> {
    try {
      return await this.conclude(declaredSize, rootsAt);
    } finally {
      this.ids.dispose();
    }
  }

  /** Every later occurrence of an event id, as `duplicate-id` at that occurrence. */
  private reportDuplicates(): void {
    const failure = this.ids.finish((d) =>
      this.add(
        say(
          'duplicate-id',
          { position: d.position, event: d.id, stream: this.streamNames[d.stream] ?? null },
          { id: d.id, first: d.first },
          { details: { first: d.first } },
        ),
        'integrity',
      ),
    );
    if (failure !== null)
      this.reportIntegrity(
        say('verifier-failure', {}, { part: 'ids', reason: failure.message }, { details: { error: failure.code } }),
        true,
      );
  }

  private anchors(): Anchors {
    const t = this.options.trust;
    const missing: MissingAnchor[] = [];
    if (!this.options.catalogue) missing.push('key-registry');
    else if (t.rootKeys.size === 0) missing.push('root-key');
    if (t.seals.length === 0) missing.push('seal-key');
    const name = (v: { name: string; keyId: Uint8Array }): string => `${v.name}+${toHex(v.keyId)}`;
    return {
      rootKeys: [...t.rootKeys],
      sealKeys: t.seals.map(name),
      witnessKeys: t.witnesses.map(name),
      since: this.options.since?.size ?? null,
      origin: {
        accepted: this.origin,
        expected: this.options.expected.origins,
        pinnedBy: this.options.expected.pinnedBy,
      },
      missing,
    };
  }

  private async conclude(
    declaredSize: number | null,
    rootsAt?: (sizes: number[]) => Promise<Map<number, Uint8Array>>,
  ): Promise<VerifyReport> {
    try {
      await this.drain();
    } finally {
      await this.pool?.close();
    }
    if (this.poolFailure !== null)
      // Never report a verdict on signatures that were not all checked.
      this.reportIntegrity(say('verifier-failure', {}, { part: 'signatures', reason: this.poolFailure.message }), true);
    this.currentPosition = -1;
    this.times.finish();
    this.reportDuplicates();
    for (const p of this.options.passes) {
      if (p.kind === 'compliance' && this.complianceStoppedAt !== null) continue;
      const kind = p.kind;
      p.finish?.((f) => this.add(f, kind));
    }
    await this.options.certificates?.settle((f) => this.add(f, 'authenticity'));
    const n = this.range.size;
    const root = this.range.root();
    if (declaredSize !== null && declaredSize !== n)
      this.add(
        say(
          'size-mismatch',
          {},
          { declared: declaredSize, actual: n },
          { details: { declared: declaredSize, actual: n } },
        ),
        'integrity',
      );

    const summaries: CheckpointSummary[] = [];
    const since = this.options.since;
    if (since !== undefined) {
      let ok = since.summary.ok;
      for (const f of since.findings) this.add(f, 'integrity');
      if (this.origin !== null && since.summary.origin !== this.origin) {
        ok = false;
        this.add(
          say('since-invalid', {}, { problem: 'origin', actual: since.summary.origin ?? '?', expected: this.origin }),
          'integrity',
        );
      }
      if (since.size > n) {
        ok = false;
        this.add(
          say('since-rollback', {}, { held: since.size, actual: n }, { details: { held: since.size, actual: n } }),
          'integrity',
        );
      } else if (this.sinceRoot === null || !bytesEqual(this.sinceRoot, since.root)) {
        ok = false;
        this.add(
          say(
            'since-inconsistent',
            { position: since.size > 0 ? since.size - 1 : null },
            { size: since.size },
            {
              details: {
                size: since.size,
                expected: toHex(since.root),
                actual: this.sinceRoot === null ? null : toHex(this.sinceRoot),
              },
            },
          ),
          'integrity',
        );
      }
      summaries.push({ ...since.summary, ok });
    }

    if (this.latestExtra !== null) this.checkpointNotes.push(this.latestExtra);
    if (this.droppedCheckpoints > 0)
      this.add(
        say(
          'checkpoint-unchecked',
          {},
          { kind: 'dropped', dropped: this.droppedCheckpoints, kept: this.options.maxCheckpoints - 1 },
          { details: { dropped: this.droppedCheckpoints } },
        ),
        'integrity',
      );
    // Parse all checkpoints first, so roots at earlier sizes are recomputed in one extra pass.
    const parsed = this.checkpointNotes.map((c) => ({
      ...c,
      result: checkCheckpoint(c.note, this.origin, this.options.trust),
    }));
    const known = new Map<number, Uint8Array>([[n, root]]);
    if (since !== undefined && this.sinceRoot !== null) known.set(since.size, this.sinceRoot);
    const wanted = [
      ...new Set(
        parsed.flatMap((p) =>
          p.result.checkpoint !== undefined && p.result.checkpoint.size < n && !known.has(p.result.checkpoint.size)
            ? [p.result.checkpoint.size]
            : [],
        ),
      ),
    ];
    if (wanted.length > 0 && rootsAt !== undefined) for (const [s, r] of await rootsAt(wanted)) known.set(s, r);

    const stamps = await checkTimestamps(
      parsed.map((p) => ({ line: p.line, note: p.note, size: p.result.checkpoint?.size })),
      this.options.timestampTrust,
      this.claims ?? new TimestampClaims([]),
      this.options.timeTolerance,
      (f) => this.add(f, 'integrity'),
    );
    const bySize = new Map<number, { root: Uint8Array; line: number | null }>();
    let final = false;
    for (const [i, p] of parsed.entries()) {
      const place = { line: p.line };
      for (const f of p.result.findings(place)) this.add(f, 'integrity');
      let ok = p.result.ok;
      const cp = p.result.checkpoint;
      if (cp !== undefined) {
        const other = bySize.get(cp.size);
        if (other !== undefined && !bytesEqual(other.root, cp.root)) {
          ok = false;
          this.add(
            say(
              'checkpoint-fork',
              {},
              { place, size: cp.size, otherLine: other.line },
              { details: { size: cp.size, roots: [toHex(other.root), toHex(cp.root)] } },
            ),
            'integrity',
          );
        } else if (other === undefined) bySize.set(cp.size, { root: cp.root, line: p.line });
        if (cp.size > n) {
          ok = false;
          this.add(
            say(
              'checkpoint-beyond-bundle',
              {},
              { place, size: cp.size, actual: n },
              { details: { size: cp.size, actual: n } },
            ),
            'integrity',
          );
        } else {
          const expected = known.get(cp.size);
          if (expected === undefined) {
            this.add(say('checkpoint-unchecked', {}, { kind: 'one-shot', place, size: cp.size }), 'integrity');
          } else if (!bytesEqual(expected, cp.root)) {
            ok = false;
            this.add(
              say(
                'checkpoint-root-mismatch',
                { position: cp.size > 0 ? cp.size - 1 : null },
                { place, size: cp.size },
                { details: { size: cp.size, expected: toHex(cp.root), actual: toHex(expected) } },
              ),
              'integrity',
            );
          } else if (cp.size === n && p.result.ok) final = true;
        }
      }
      summaries.push({
        line: p.line,
        source: 'bundle',
        origin: cp?.origin ?? null,
        size: cp?.size ?? null,
        root: cp === undefined ? null : toHex(cp.root),
        signedBy: p.result.signedBy,
        cosignedBy: p.result.cosignedBy,
        ok,
        ...(stamps[i]!.length === 0 ? {} : { timestamps: stamps[i] }),
      });
    }
    if (this.options.requireFinalCheckpoint && !final && !parsed.some((p) => p.result.checkpoint?.size === n))
      this.add(say('checkpoint-missing', {}, { size: n }), 'integrity');
    // The latest checkpoint (for a bundle: the one of its full size) must carry a trusted
    // witness's cosignature when the inspector names witnesses; earlier ones need not.
    const latest = Math.max(
      -1,
      ...parsed.map((p) =>
        p.result.checkpoint !== undefined && p.result.checkpoint.size <= n ? p.result.checkpoint.size : -1,
      ),
    );
    const witnessed = parsed.some((p) => p.result.checkpoint?.size === latest && p.result.cosignedBy.length > 0);
    if (this.options.trust.witnesses.length > 0 && (latest >= 0 || this.options.requireFinalCheckpoint) && !witnessed)
      this.add(say('checkpoint-not-witnessed', {}, { size: latest >= 0 ? latest : n }), 'integrity');
    if (this.options.trust.seals.length === 0 && parsed.length > 0)
      this.add(say('checkpoint-unverified', {}, {}), 'integrity');
    if (!this.options.complianceAvailable) this.add(say('compliance-unchecked', {}, {}), 'compliance');

    const { findings, problems } = groupProblems(this.sink.result(), {
      size: n,
      declaredSize,
      checkpoints: summaries,
    });
    const anchors = this.anchors();
    const compliance = !this.options.complianceAvailable
      ? 'skipped'
      : this.complianceErrors > 0
        ? 'failed'
        : this.complianceStoppedAt !== null
          ? 'incomplete'
          : 'passed';
    return {
      verdict: verdictOf({ usable: this.usable, errors: this.sink.errorCount, missing: anchors.missing }),
      ok: this.usable && this.sink.errorCount === 0,
      size: n,
      root: toHex(root),
      findings,
      problems,
      usable: this.usable,
      origin: this.origin,
      passes: {
        integrity: this.integrityErrors === 0 && this.usable ? 'passed' : 'failed',
        authenticity: this.authenticityErrors === 0 ? 'passed' : 'failed',
        compliance,
      },
      anchors,
      legal: this.options.certificates?.legal() ?? UNCHECKED_LEGAL,
      ...personalDataOf(this.options.personalData),
      checkpoints: summaries,
      timeline: this.timeline,
      stats: {
        events: n,
        streams: this.heads.size,
        signatures: this.signaturesChecked,
        workers: this.pool?.size ?? 0,
        milliseconds: Date.now() - this.started,
      },
    };
  }

  /** Stop the workers without a report (on a fatal read error). */
  async abort(): Promise<void> {
    try {
      await this.pool?.close();
    } finally {
      this.ids.dispose();
    }
  }
}
