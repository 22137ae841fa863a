import { CompactRange, bytesEqual, decodeForVerification, leafHash, sha256, toHex, type Envelope } from '@hoso/core';
import { finding, FindingSink, type Finding } from './findings.js';
import { SignaturePool } from './sigpool.js';
import { DecodePool, type DecodedEvent, type LocalDecode } from './decodepool.js';
import { DuplicateIdFinder } from './id-runs.js';

/** Lenient UTF-8 decoding is enough where a worker already decoded the same bytes strictly. */
const TEXT = new TextDecoder();
import { checkCheckpoint, type ParsedTrust, type SinceCheckpoint } from './checkpoints.js';
import type { CheckpointSummary, TimelineEntry, VerifyReport } from './report.js';
import { originOf } from './bundle/format.js';

/** Longest signed note accepted (C2SP notes are small; core's `openNote` refuses longer ones). */
const MAX_NOTE_LENGTH = 1 << 20;

/** What a rule pass (authenticity keys, compliance) sees of each well-formed event. */
export interface EventContext {
  readonly position: number;
  readonly envelope: Envelope;
  readonly bytes: Uint8Array;
  /** Lowercase hex leaf hash of the event. */
  readonly leafHash: string;
  /** Report a finding at this event. */
  report(f: Finding): void;
  /** Add the event to the report's timeline with a one-line summary. */
  note(summary: string): void;
  /**
   * Whether an error finding was already reported for this event (signatures and duplicate ids
   * aside: they are known only later, when the batch returns or at the end).
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
  readonly workers: number;
  readonly batchSize?: number;
  /** Milliseconds `at` may run backwards along the log before a warning (docs/design.md §8). */
  readonly timeTolerance: number;
  readonly maxFindings: number;
  readonly timelineLimit: number;
  /** Most checkpoint notes held (at least 2). */
  readonly maxCheckpoints: number;
  readonly passes: readonly EventPass[];
  /** Whether a checkpoint of the full size is required (bundles: yes, docs/design.md §7; a live store: no). */
  readonly requireFinalCheckpoint: boolean;
  /** Set when the compliance pass is absent, so the report says it was skipped. */
  readonly complianceAvailable: boolean;
  /** Event ids held in memory before a sorted run of them is written to a temporary file. */
  readonly idBuffer: number;
  /** Directory of that temporary file. */
  readonly tempDir: string;
}

interface SigTag {
  readonly position: number;
  readonly event: string;
  readonly stream: string;
  readonly index: number;
  readonly role: string;
}

/** Lowercase hex of a 32-byte hash (native, without the string pieces a JS loop leaves behind). */
function hex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

/**
 * The one-pass verifier. Feed it the header (or the expected origin), then events in ledger
 * order, then checkpoint notes; `finish` returns the report. Its memory does not grow with the
 * number of events: it keeps the compact Merkle range (O(log n) hashes), the head of each stream
 * (rev, leaf hash, a stream number: grows with streams), the event ids in a fixed buffer spilled
 * as sorted runs to a temporary file and merged at `finish` ({@link DuplicateIdFinder}), the
 * checkpoint notes, findings and timeline (capped), and the rule passes' state (keys, roles,
 * cells: grows with keys and cells; the compliance pass's ledger state also keeps a compact
 * index of every event, see docs/verifying.md). Signatures are verified on a worker pool with a
 * bounded queue.
 */
export class Engine {
  private readonly sink: FindingSink;
  private readonly pool: SignaturePool<SigTag>;
  private range = CompactRange.empty();
  /** Each stream's head; `n` numbers the stream for the id records. */
  private readonly heads = new Map<string, { rev: number; leaf: string; n: number }>();
  /** Stream names by number (grows with streams, not events). */
  private readonly streamNames: string[] = [];
  private readonly ids: DuplicateIdFinder;
  private readonly checkpointNotes: Array<{ line: number | null; note: string }> = [];
  private latestExtra: { line: number | null; note: string } | null = null;
  private droppedCheckpoints = 0;
  private readonly timeline: TimelineEntry[] = [];
  private maxAt = -Infinity;
  private sinceRoot: Uint8Array | null = null;
  private origin: string | null = null;
  private ledger: string | null = null;
  private usable = true;
  /** Events submitted when the first checkpoint line was read (an event at or past it is misplaced). */
  private firstCheckpointAt: number | null = null;
  /** Events handed to {@link event} so far (ahead of `range.size` while batches are with the workers). */
  private submitted = 0;
  private signaturesChecked = 0;
  /** Per-event work on worker threads (null: everything on this thread). */
  private readonly decoder: DecodePool<Envelope> | null = null;
  private layoutReported = false;
  private integrityErrors = 0;
  private authenticityErrors = 0;
  private complianceErrors = 0;
  private readonly started = Date.now();
  /** Position being processed, and the synchronous errors reported for it so far. */
  private current = -1;
  private currentErrors = 0;

  constructor(private readonly options: EngineOptions) {
    this.sink = new FindingSink(options.maxFindings);
    this.ids = new DuplicateIdFinder({ bufferRecords: options.idBuffer, tempDir: options.tempDir });
    // Signatures on this thread only (workers = 0); with workers the decode pool checks them.
    this.pool = new SignaturePool<SigTag>(
      (tag, ok) => {
        if (!ok) this.signatureFailed(tag);
      },
      { workers: 0 },
    );
    if (options.workers > 0)
      this.decoder = new DecodePool<Envelope>(
        (bytes, d, env) => this.accept(bytes, d, env),
        (bytes) => this.decodeHere(bytes),
        {
          workers: options.workers,
          ...(options.batchSize !== undefined ? { batchSize: options.batchSize } : {}),
        },
      );
    if (options.since !== undefined && options.since.size === 0) this.sinceRoot = sha256();
  }

  private signatureFailed(tag: SigTag): void {
    this.add(
      finding(
        'signature-invalid',
        tag,
        `Signature ${tag.index + 1} (role ${tag.role}) of event ${tag.event} does not verify.`,
        `Chữ ký thứ ${tag.index + 1} (vai trò ${tag.role}) của sự kiện ${tag.event} không hợp lệ.`,
        { details: { signature: tag.index } },
      ),
      'authenticity',
    );
  }

  private add(f: Finding, pass: 'integrity' | 'authenticity' | 'compliance'): void {
    if (f.severity === 'error' && f.position === this.current && f.code !== 'signature-invalid') this.currentErrors++;
    if (f.severity === 'error') {
      if (pass === 'integrity') this.integrityErrors++;
      else if (pass === 'authenticity') this.authenticityErrors++;
      else this.complianceErrors++;
    }
    this.sink.add(f);
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
  }

  /** Number of events seen so far. */
  get size(): number {
    return this.submitted;
  }

  /**
   * Process one event line (its exact bytes) at the next position. With worker threads the
   * per-event work (decoding, canonical check, leaf hash, signatures) runs there and the event
   * is checked here, in order, when its batch comes back; {@link drain} waits for that.
   */
  async event(bytes: Uint8Array): Promise<void> {
    this.submitted++;
    if (this.decoder !== null) {
      await this.decoder.submit(bytes);
      return;
    }
    const { decoded, value: env, checks } = this.decodeHere(bytes);
    this.accept(bytes, decoded, env);
    if (env === undefined) return;
    const site = { position: this.range.size - 1, event: env.id, stream: env.stream };
    // Core asks for the checks in `sigs` order, so check i is signature i.
    for (let i = 0; i < checks.length; i++)
      await this.pool.submit({ ...site, index: i, role: env.sigs[i]?.role ?? '?' }, checks[i]!);
  }

  /**
   * The per-event, order-free part on this thread: leaf hash, strict decoding, and core's
   * signature rule with the arithmetic left as checks to make (in `sigs` order).
   */
  private decodeHere(bytes: Uint8Array): LocalDecode<Envelope> {
    const leaf = leafHash(bytes);
    const decoded = decodeForVerification(bytes);
    if (decoded._tag === 'Left')
      return { decoded: { kind: 'invalid', leaf, problem: decoded.left }, value: undefined, checks: [] };
    const { envelope, signatures } = decoded.right;
    if (signatures._tag === 'Left')
      return {
        decoded: { kind: 'valid', leaf, structure: signatures.left, signatures: [] },
        value: envelope,
        checks: [],
      };
    const { message, checks } = signatures.right;
    return {
      decoded: { kind: 'valid', leaf, structure: null, signatures: [] },
      value: envelope,
      checks: checks.map((c) => ({ publicKey: c.publicKey, message, signature: c.signature })),
    };
  }

  /** Wait until every event handed to {@link event} has been checked. */
  async drain(): Promise<void> {
    if (this.decoder !== null) await this.decoder.flush();
  }

  /**
   * The in-order part of checking one event: Merkle range, layout, decoding verdict, ledger id,
   * unique id, stream chain, `at`, signature structure and verdicts, then the rule passes.
   * `env` is the decoded envelope when the caller already has it (same thread); otherwise the
   * bytes, which a worker has already accepted as a canonical valid envelope, are parsed here.
   */
  private accept(bytes: Uint8Array, d: DecodedEvent, known?: Envelope): void {
    const position = this.range.size;
    this.current = position;
    this.currentErrors = 0;
    const leaf = d.leaf;
    this.range.append(leaf);
    if (this.options.since !== undefined && this.options.since.size === this.range.size)
      this.sinceRoot = this.range.root();
    if (this.firstCheckpointAt !== null && position >= this.firstCheckpointAt && !this.layoutReported) {
      this.layoutReported = true;
      this.add(
        finding(
          'bundle-layout',
          { position },
          `An event line follows a checkpoint line (position ${position}).`,
          `Một dòng sự kiện nằm sau dòng điểm kiểm tra (vị trí ${position}).`,
        ),
        'integrity',
      );
    }
    if (d.kind === 'invalid') {
      const e = d.problem;
      const canonical = e.code === 'not-canonical';
      this.add(
        finding(
          canonical ? 'event-not-canonical' : 'event-invalid',
          { position },
          `The event at position ${position} is ${canonical ? 'not in canonical form' : 'not a valid envelope'}: ${e.message}`,
          `Sự kiện ở vị trí ${position} ${canonical ? 'không ở dạng chuẩn tắc' : 'không đúng cấu trúc'}: ${e.message}`,
          { details: { error: e.code, ...(e.path !== undefined ? { path: e.path.join('.') } : {}) } },
        ),
        'integrity',
      );
      for (const p of this.options.passes) p.skip?.(position);
      return;
    }
    // Same bytes a worker decoded strictly: JSON.parse gives the very value decodeForVerification returned.
    const env = known ?? (JSON.parse(TEXT.decode(bytes)) as Envelope);
    const site = { position, event: env.id, stream: env.stream };
    const leafHex = hex(leaf);

    if (this.ledger === null) {
      this.ledger = env.ledger;
      this.origin = originOf(env.ledger);
    } else if (env.ledger !== this.ledger) {
      this.add(
        finding(
          'ledger-mismatch',
          site,
          `The event belongs to ledger "${env.ledger}", not "${this.ledger}".`,
          `Sự kiện thuộc sổ "${env.ledger}", không phải "${this.ledger}".`,
          {
            details: { expected: this.ledger, actual: env.ledger },
          },
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
        finding(
          'stream-rev-gap',
          site,
          `Stream "${env.stream}" expects revision ${expectedRev} here, but the event has revision ${env.rev}.`,
          `Luồng "${env.stream}" cần số thứ tự ${expectedRev} ở đây, nhưng sự kiện mang số ${env.rev}.`,
          { details: { expected: expectedRev, actual: env.rev } },
        ),
        'integrity',
      );
    } else {
      const expectedPrev = head === undefined ? null : head.leaf;
      if (env.prev !== expectedPrev)
        this.add(
          finding(
            'stream-prev-mismatch',
            site,
            `The event does not chain to the previous event of stream "${env.stream}" (prev ${env.prev ?? 'null'}, expected ${expectedPrev ?? 'null'}).`,
            `Sự kiện không nối với sự kiện trước trong luồng "${env.stream}".`,
            { details: { expected: expectedPrev, actual: env.prev } },
          ),
          'integrity',
        );
    }
    this.heads.set(env.stream, { rev: env.rev, leaf: leafHex, n: streamNumber });

    const at = Date.parse(env.at);
    if (Number.isFinite(at)) {
      if (this.maxAt - at > this.options.timeTolerance) {
        const minutes = Math.round((this.maxAt - at) / 60000);
        this.add(
          finding(
            'time-backwards',
            site,
            `The event claims to be signed at ${env.at}, ${minutes} minutes before an earlier event in the log.`,
            `Sự kiện ghi thời điểm ký ${env.at}, sớm hơn ${minutes} phút so với một sự kiện đứng trước trong sổ.`,
            { details: { at: env.at, latestBefore: new Date(this.maxAt).toISOString() } },
          ),
          'integrity',
        );
      }
      if (at > this.maxAt) this.maxAt = at;
    }

    const structure = d.structure;
    if (structure !== null) {
      this.add(
        finding(
          'signature-structure',
          site,
          `The event's signatures break the envelope rule: ${structure.message}`,
          `Các chữ ký của sự kiện vi phạm quy tắc phong bì: ${structure.message}`,
          {
            details: { error: structure.code },
          },
        ),
        'authenticity',
      );
    }
    for (let i = 0; i < d.signatures.length; i++) {
      this.signaturesChecked++;
      if (!d.signatures[i]) this.signatureFailed({ ...site, index: i, role: env.sigs[i]?.role ?? '?' });
    }

    let noted = false;
    const ctx: EventContext = {
      position,
      envelope: env,
      bytes,
      leafHash: leafHex,
      // A payload the catalogue cannot read is an integrity fault, whichever pass noticed it.
      report: (f) => this.add(f, f.code === 'event-invalid' ? 'integrity' : passKind),
      note: (summary) => {
        if (noted || this.timeline.length >= this.options.timelineLimit) return;
        noted = true;
        this.timeline.push({
          position,
          event: env.id,
          stream: env.stream,
          type: env.type,
          at: env.at,
          by: { key: env.by.key, role: env.by.role },
          summary,
        });
      },
      hasErrors: () => this.currentErrors > 0,
    };
    let passKind: 'authenticity' | 'compliance' = 'authenticity';
    for (const p of this.options.passes) {
      passKind = p.kind;
      p.step(ctx);
    }
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
        finding(
          'checkpoint-invalid',
          {},
          `The checkpoint${line === null ? '' : ` on line ${line}`} is longer than a signed note may be.`,
          `Điểm kiểm tra${line === null ? '' : ` ở dòng ${line}`} dài hơn giới hạn của một ghi chú có chữ ký.`,
          {
            details: { line, length: note.length },
          },
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
   * Finish: wait for the signature workers, check every checkpoint against the recomputed roots
   * (`rootsAt` recomputes roots at earlier sizes by re-reading the events; absent for one-shot
   * streams), and build the report.
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
        finding(
          'duplicate-id',
          { position: d.position, event: d.id, stream: this.streamNames[d.stream] ?? null },
          `Event id ${d.id} appears a second time (first at position ${d.first}).`,
          `Mã sự kiện ${d.id} xuất hiện lần thứ hai (lần đầu ở vị trí ${d.first}).`,
          {
            details: { first: d.first },
          },
        ),
        'integrity',
      ),
    );
    if (failure !== null)
      this.reportIntegrity(
        finding(
          'verifier-failure',
          {},
          `Event ids could not all be compared: ${failure.message}.`,
          `Không so sánh được toàn bộ mã sự kiện: ${failure.message}.`,
          { details: { error: failure.code } },
        ),
        true,
      );
  }

  private async conclude(
    declaredSize: number | null,
    rootsAt?: (sizes: number[]) => Promise<Map<number, Uint8Array>>,
  ): Promise<VerifyReport> {
    try {
      await this.drain();
      await this.pool.flush();
    } catch (e) {
      // Never report a verdict on signatures that were not all checked.
      this.reportIntegrity(
        finding(
          'verifier-failure',
          {},
          `Signature checking failed: ${e instanceof Error ? e.message : String(e)}.`,
          `Việc kiểm tra chữ ký bị lỗi: ${e instanceof Error ? e.message : String(e)}.`,
        ),
        true,
      );
    } finally {
      await this.pool.close();
      await this.decoder?.close();
    }
    this.reportDuplicates();
    for (const p of this.options.passes) {
      const kind = p.kind;
      p.finish?.((f) => this.add(f, kind));
    }
    const n = this.range.size;
    const root = this.range.root();
    if (declaredSize !== null && declaredSize !== n)
      this.add(
        finding(
          'size-mismatch',
          {},
          `The header announces ${declaredSize} events but the bundle holds ${n}.`,
          `Dòng đầu ghi ${declaredSize} sự kiện nhưng tệp xuất chứa ${n}.`,
          {
            details: { declared: declaredSize, actual: n },
          },
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
          finding(
            'since-invalid',
            {},
            `The held checkpoint is for "${since.summary.origin ?? '?'}", not "${this.origin}".`,
            `Điểm kiểm tra đang giữ thuộc "${since.summary.origin ?? '?'}", không phải "${this.origin}".`,
          ),
          'integrity',
        );
      }
      if (since.size > n) {
        ok = false;
        this.add(
          finding(
            'since-rollback',
            {},
            `The held checkpoint covers ${since.size} events, but the bundle holds only ${n}: history was rolled back or truncated.`,
            `Điểm kiểm tra đang giữ bao gồm ${since.size} sự kiện nhưng tệp xuất chỉ có ${n}: lịch sử đã bị quay lui hoặc cắt bớt.`,
            {
              details: { held: since.size, actual: n },
            },
          ),
          'integrity',
        );
      } else if (this.sinceRoot === null || !bytesEqual(this.sinceRoot, since.root)) {
        ok = false;
        this.add(
          finding(
            'since-inconsistent',
            { position: since.size > 0 ? since.size - 1 : null },
            `The first ${since.size} events do not hash to the held checkpoint's root: history was rewritten or forked.`,
            `${since.size} sự kiện đầu không khớp với gốc của điểm kiểm tra đang giữ: lịch sử đã bị sửa hoặc rẽ nhánh.`,
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
        finding(
          'checkpoint-unchecked',
          {},
          `${this.droppedCheckpoints} checkpoints beyond the first ${this.options.maxCheckpoints - 1} and the latest were not checked.`,
          `${this.droppedCheckpoints} điểm kiểm tra (ngoài ${this.options.maxCheckpoints - 1} điểm đầu và điểm mới nhất) chưa được kiểm tra.`,
          {
            details: { dropped: this.droppedCheckpoints },
          },
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

    const bySize = new Map<number, { root: Uint8Array; line: number | null }>();
    let final = false;
    for (const p of parsed) {
      const site = { position: null };
      const where = p.line === null ? 'a checkpoint' : `the checkpoint on line ${p.line}`;
      const where_vi = p.line === null ? 'một điểm kiểm tra' : `điểm kiểm tra ở dòng ${p.line}`;
      for (const f of p.result.findings(where, where_vi)) this.add(f, 'integrity');
      let ok = p.result.ok;
      const cp = p.result.checkpoint;
      if (cp !== undefined) {
        const other = bySize.get(cp.size);
        if (other !== undefined && !bytesEqual(other.root, cp.root)) {
          ok = false;
          this.add(
            finding(
              'checkpoint-fork',
              site,
              `Two checkpoints of size ${cp.size} name different roots (${where} and line ${other.line ?? '?'}): the log was forked.`,
              `Hai điểm kiểm tra cùng kích thước ${cp.size} có gốc khác nhau: sổ đã bị rẽ nhánh.`,
              {
                details: { size: cp.size, roots: [toHex(other.root), toHex(cp.root)] },
              },
            ),
            'integrity',
          );
        } else if (other === undefined) bySize.set(cp.size, { root: cp.root, line: p.line });
        if (cp.size > n) {
          ok = false;
          this.add(
            finding(
              'checkpoint-beyond-bundle',
              site,
              `${where[0]!.toUpperCase()}${where.slice(1)} covers ${cp.size} events, but the bundle holds only ${n}: events were removed from the end.`,
              `${where_vi[0]!.toUpperCase()}${where_vi.slice(1)} bao gồm ${cp.size} sự kiện nhưng tệp xuất chỉ có ${n}: các sự kiện cuối đã bị xóa.`,
              {
                details: { size: cp.size, actual: n },
              },
            ),
            'integrity',
          );
        } else {
          const expected = known.get(cp.size);
          if (expected === undefined) {
            this.add(
              finding(
                'checkpoint-unchecked',
                site,
                `The root of ${where} (size ${cp.size}) could not be recomputed from a one-shot stream; verify the bundle from a file to check it.`,
                `Không tính lại được gốc của ${where_vi} (kích thước ${cp.size}) từ luồng dữ liệu một lượt; hãy kiểm tra từ tệp.`,
              ),
              'integrity',
            );
          } else if (!bytesEqual(expected, cp.root)) {
            ok = false;
            this.add(
              finding(
                'checkpoint-root-mismatch',
                { position: cp.size > 0 ? cp.size - 1 : null },
                `The first ${cp.size} events do not hash to the root of ${where}: an event was changed, removed, added or reordered.`,
                `${cp.size} sự kiện đầu không khớp với gốc của ${where_vi}: có sự kiện đã bị sửa, xóa, thêm hoặc đổi chỗ.`,
                {
                  details: { size: cp.size, expected: toHex(cp.root), actual: toHex(expected) },
                },
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
      });
    }
    if (this.options.requireFinalCheckpoint && !final && !parsed.some((p) => p.result.checkpoint?.size === n))
      this.add(
        finding(
          'checkpoint-missing',
          {},
          `No checkpoint covers all ${n} events of the bundle.`,
          `Không có điểm kiểm tra nào bao trùm toàn bộ ${n} sự kiện của tệp xuất.`,
        ),
        'integrity',
      );
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
      this.add(
        finding(
          'checkpoint-not-witnessed',
          {},
          `No trusted witness cosigned the latest checkpoint (size ${latest >= 0 ? latest : n}).`,
          `Không có cơ quan chứng kiến tin cậy nào ký xác nhận điểm kiểm tra mới nhất (${latest >= 0 ? latest : n} sự kiện).`,
        ),
        'integrity',
      );
    if (this.options.trust.seals.length === 0 && parsed.length > 0)
      this.add(
        finding(
          'checkpoint-unverified',
          {},
          'No seal key was given, so checkpoint signatures were not checked.',
          'Không có khóa đóng dấu nên chưa kiểm tra chữ ký của các điểm kiểm tra.',
        ),
        'integrity',
      );
    if (!this.options.complianceAvailable)
      this.add(
        finding(
          'compliance-unchecked',
          {},
          'The school rules (roles, windows, corrections, sign-offs) were not replayed.',
          'Chưa phát lại các quy tắc nghiệp vụ (vai trò, thời hạn nhập, sửa chữa, ký duyệt).',
        ),
        'compliance',
      );

    const findings = this.sink.result();
    return {
      ok: this.usable && this.sink.errorCount === 0,
      size: n,
      root: toHex(root),
      findings,
      usable: this.usable,
      origin: this.origin,
      passes: {
        integrity: this.integrityErrors === 0 && this.usable ? 'passed' : 'failed',
        authenticity: this.authenticityErrors === 0 ? 'passed' : 'failed',
        compliance: !this.options.complianceAvailable ? 'skipped' : this.complianceErrors === 0 ? 'passed' : 'failed',
      },
      checkpoints: summaries,
      timeline: this.timeline,
      stats: {
        events: n,
        streams: this.heads.size,
        signatures: this.pool.checked + this.signaturesChecked,
        workers: this.decoder?.size ?? 0,
        milliseconds: Date.now() - this.started,
      },
    };
  }

  /** Stop the workers without a report (on a fatal read error). */
  async abort(): Promise<void> {
    try {
      await this.pool.close();
      await this.decoder?.close();
    } finally {
      this.ids.dispose();
    }
  }
}
