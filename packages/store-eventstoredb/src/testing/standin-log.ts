/**
 * The replicated log behind the EventStoreDB stand-in (a TEST FIXTURE): one transaction file shared
 * by every node of a stand-in cluster, with what the server decides about a write before it makes
 * it. Behaviours and the server source files (github.com/kurrent-io/KurrentDB) they imitate:
 *
 * - The commit check — src/KurrentDB.Core/Services/Storage/ReaderIndex/IndexWriter.cs
 *   (`CheckCommit`). The stream's current version counts events written but not yet replicated. An
 *   exact expected version behind it is a retry when the event ids from there on are the same ids,
 *   compared by id only, never by content (matched in the committed-events cache, or in the index,
 *   which holds replicated events only); a first id that differs is WrongExpectedVersion, a later
 *   one "corrupted idempotency" (answered WrongExpectedVersion too). With `any` or `stream_exists`
 *   the ids are looked up only in the committed-events cache, which is BOUNDED: an id that has left
 *   it is not recognised, and the "retry" is written again.
 * - A retry found idempotent before the original write is replicated ("IdempotentNotReady") is
 *   dropped without an answer — src/KurrentDB.Core/Services/Storage/StorageWriterService.cs
 *   ("Dropping idempotent write … since the original write has not yet been replicated") — so the
 *   client sees the request manager's timeout.
 * - Replication: an event is readable (by any node) only once a majority has it; a write waits for
 *   that, and after the write timeout (default 2 s, `WriteTimeoutMs` in ClusterVNodeOptions.cs) the
 *   client is answered with a timeout — while the write itself stays in the log and becomes
 *   readable when replication catches up (src/KurrentDB.Core/Services/RequestManager/Managers/
 *   RequestManagerBase.cs: a commit timeout answers the client, it does not undo the write).
 * - Stream metadata `$maxCount` and `$tb` hide events from reads, as the server's reads do before a
 *   scavenge removes them (src/KurrentDB.Core/Services/Storage/ReaderIndex/IndexReader.cs). Reads
 *   of `$all` still return them, as the server's do, until {@link StandInLog.scavenge} removes them
 *   (src/KurrentDB.Core/TransactionLog/Scavenging/: a scavenge rewrites the chunks without the
 *   events that metadata or a deletion made unreachable).
 */

/** One stored record, as the server's index would know it. */
export interface StandInRecord {
  readonly streamName: string;
  readonly revision: bigint;
  /** Lowercase canonical UUID. */
  readonly id: string;
  readonly type: string;
  readonly contentType: string;
  readonly data: Uint8Array;
  readonly customMetadata: Uint8Array;
  /** Ticks (100 ns) since the Unix epoch, as the server writes `created`. */
  readonly created: bigint;
  /** Commit = prepare position in `$all`. */
  readonly position: bigint;
}

/** A record with its place in the transaction file. */
export interface LogRecord extends StandInRecord {
  /** Index in `$all` (0, 1, 2, …). */
  readonly seq: number;
}

/** An event as proposed by a client. */
export interface ProposedEvent {
  readonly id: string;
  readonly type: string;
  readonly contentType: string;
  readonly data: Uint8Array;
  readonly customMetadata: Uint8Array;
}

/** Expected version as the server encodes it: ≥ -1 an exact version (-1: no stream), or a special. */
export type ExpectedVersion = bigint | 'any' | 'stream_exists';

/** What the commit check decided (IndexWriter.cs `CommitDecision`). */
export type CommitDecision =
  | { readonly kind: 'ok' }
  | { readonly kind: 'idempotent'; readonly last: LogRecord }
  | { readonly kind: 'idempotent-not-ready' }
  | { readonly kind: 'wrong-expected-version'; readonly current: bigint };

const TICKS_PER_MS = 10_000n;
/** Overhead counted per record when advancing the `$all` position, like a log record header. */
const RECORD_OVERHEAD = 120n;

/** A FIFO map with a capacity: the server's bounded committed-events cache (ids → stream, revision). */
class BoundedIds {
  private readonly map = new Map<string, { stream: string; revision: bigint }>();
  constructor(private readonly capacity: number) {}
  get(id: string): { stream: string; revision: bigint } | undefined {
    return this.map.get(id);
  }
  set(id: string, v: { stream: string; revision: bigint }): void {
    this.map.delete(id);
    this.map.set(id, v);
    while (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value!);
  }
}

/** See the module comment. */
export class StandInLog {
  readonly streams = new Map<string, LogRecord[]>();
  readonly all: LogRecord[] = [];
  private nextPosition = 0n;
  /** Records `all[0, replicated)` are on a majority of nodes: readable, and their writes answered. */
  private replicatedCount = 0;
  private holding = false;
  private readonly cache: BoundedIds;
  private readonly waiters: Array<{ seq: number; resolve: () => void }> = [];
  /** Called after records become readable (nodes pump their subscriptions). */
  readonly onReplicated = new Set<() => void>();
  /** `$all` indexes of the records a scavenge removed (their bytes are gone; reads skip them). */
  readonly scavenged = new Set<number>();

  constructor(idempotencyCacheSize: number) {
    this.cache = new BoundedIds(idempotencyCacheSize);
  }

  /** Number of records readable (replicated to a majority). */
  get replicated(): number {
    return this.replicatedCount;
  }

  /** Stop replicating: new writes stay unreadable and unanswered until {@link release}. */
  hold(): void {
    this.holding = true;
  }

  /** Replicate everything written so far (and what comes next) and answer the waiting writes. */
  release(): void {
    this.holding = false;
    this.replicateAll();
  }

  /** The stream's records, replicated or not (for test assertions). */
  records(stream: string): readonly LogRecord[] {
    return this.streams.get(stream) ?? [];
  }

  /** The commit check of a write of `ids` to `stream` at `expected` (IndexWriter.cs `CheckCommit`). */
  decide(stream: string, expected: ExpectedVersion, ids: readonly string[]): CommitDecision {
    const records = this.streams.get(stream) ?? [];
    const current = BigInt(records.length) - 1n; // -1: no stream; counts events not yet replicated
    if (expected === 'stream_exists' && current < 0n) return { kind: 'wrong-expected-version', current };
    if (expected === 'any' || expected === 'stream_exists') {
      let last: LogRecord | undefined;
      for (let i = 0; i < ids.length; i++) {
        const hit = this.cache.get(ids[i]!);
        if (hit === undefined || hit.stream !== stream) {
          return i === 0 ? { kind: 'ok' } : { kind: 'wrong-expected-version', current };
        }
        last = records[Number(hit.revision)];
      }
      if (last === undefined) return { kind: 'ok' };
      return last.seq < this.replicatedCount ? { kind: 'idempotent', last } : { kind: 'idempotent-not-ready' };
    }
    if (expected < current) {
      if (ids.length === 0) return { kind: 'wrong-expected-version', current };
      for (let i = 0; i < ids.length; i++) {
        const rev = expected + 1n + BigInt(i);
        const rec = records[Number(rev)];
        const hit = this.cache.get(ids[i]!);
        const inCache = hit !== undefined && hit.stream === stream && hit.revision === rev;
        // The index holds replicated events only; the cache also those still being replicated.
        const inIndex = rec !== undefined && rec.seq < this.replicatedCount && rec.id === ids[i];
        if (!inCache && !inIndex) return { kind: 'wrong-expected-version', current };
      }
      const last = records[Number(expected) + ids.length]!;
      return last.seq < this.replicatedCount ? { kind: 'idempotent', last } : { kind: 'idempotent-not-ready' };
    }
    if (expected > current) return { kind: 'wrong-expected-version', current };
    return { kind: 'ok' };
  }

  /** Write `events` at the end of `stream` (the decision was `ok`); replicated at once unless held. */
  write(stream: string, events: readonly ProposedEvent[]): LogRecord[] {
    let records = this.streams.get(stream);
    if (records === undefined) this.streams.set(stream, (records = []));
    const created = BigInt(Date.now()) * TICKS_PER_MS;
    const out: LogRecord[] = [];
    for (const e of events) {
      const rec: LogRecord = {
        ...e,
        streamName: stream,
        revision: BigInt(records.length),
        created,
        position: this.nextPosition,
        seq: this.all.length,
      };
      this.nextPosition +=
        RECORD_OVERHEAD + BigInt(e.data.length + e.customMetadata.length + e.type.length + stream.length);
      records.push(rec);
      this.all.push(rec);
      this.cache.set(rec.id, { stream, revision: rec.revision });
      out.push(rec);
    }
    if (!this.holding) this.replicateAll();
    return out;
  }

  /** Resolves when `all[seq]` is replicated, or with `false` after `timeoutMs`. */
  whenReplicated(seq: number, timeoutMs: number): Promise<boolean> {
    if (seq < this.replicatedCount) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        const i = this.waiters.indexOf(w);
        if (i >= 0) this.waiters.splice(i, 1);
        resolve(false);
      }, timeoutMs);
      const w = {
        seq,
        resolve: () => {
          clearTimeout(timer);
          resolve(true);
        },
      };
      this.waiters.push(w);
    });
  }

  /** `$maxCount` and `$tb` of a stream's newest replicated metadata event. */
  metadataOf(stream: string): { maxCount?: number; truncateBefore?: number } {
    const meta = this.streams.get(`$$${stream}`) ?? [];
    for (let i = meta.length - 1; i >= 0; i--) {
      const last = meta[i]!;
      if (last.seq >= this.replicatedCount) continue;
      try {
        const v = JSON.parse(Buffer.from(last.data).toString('utf8')) as { $maxCount?: unknown; $tb?: unknown };
        const nat = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
        return {
          ...(nat(v.$maxCount) ? { maxCount: v.$maxCount } : {}),
          ...(nat(v.$tb) ? { truncateBefore: v.$tb } : {}),
        };
      } catch {
        return {};
      }
    }
    return {};
  }

  /**
   * A scavenge: every record hidden by its stream's `$tb` or `$maxCount` loses its bytes (data and
   * metadata) and leaves every read, `$all` included; positions and revisions of the others stay.
   * Returns how many records it removed.
   */
  scavenge(): number {
    let removed = 0;
    for (const [name, records] of this.streams) {
      if (name.startsWith('$$')) continue;
      const meta = this.metadataOf(name);
      let first = meta.truncateBefore ?? 0;
      if (meta.maxCount !== undefined) first = Math.max(first, records.length - meta.maxCount);
      for (let r = 0; r < Math.min(first, records.length); r++) {
        const rec = records[r]!;
        if (this.scavenged.has(rec.seq)) continue;
        const gone: LogRecord = {
          ...rec,
          type: '$scavenged',
          data: new Uint8Array(0),
          customMetadata: new Uint8Array(0),
        };
        records[r] = gone;
        this.all[rec.seq] = gone;
        this.scavenged.add(rec.seq);
        removed++;
      }
    }
    return removed;
  }

  private replicateAll(): void {
    if (this.replicatedCount === this.all.length) return;
    this.replicatedCount = this.all.length;
    const ready = this.waiters.filter((w) => w.seq < this.replicatedCount);
    for (const w of ready) this.waiters.splice(this.waiters.indexOf(w), 1);
    for (const w of ready) w.resolve();
    for (const f of this.onReplicated) f();
  }
}
