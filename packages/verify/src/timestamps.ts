/**
 * The RFC 3161 timestamps on checkpoints (docs/formats.md §2), checked with the ledger's own
 * `checkCheckpointTimestamps` against the inspector's trust list, and set against the log: a TSA
 * proves the checkpoint of size N existed at genTime, so an event below N that claims a later
 * `at` (`time-after-timestamp`), an event at N or after that claims an earlier one — appended
 * after the checkpoint, dated before it: backdated (`time-before-timestamp`) — and a smaller
 * checkpoint stamped after a larger one (`checkpoint-timestamp-order`) are each reported.
 *
 * The claims are followed during the one pass for the checkpoints known before the events are
 * read (a file's trailing checkpoint lines, a store's checkpoints): per gap between their sizes,
 * the earliest and the latest `at`; a few numbers per checkpoint, whatever the log's length.
 */
import { noteTimestamps } from '@hoso/core';
import { checkCheckpointTimestamps, type CertificateTrust } from '@hoso/ledger';
import type { Finding, FindingSite } from './findings.js';
import { say, type CheckpointPlace } from './messages.js';

/** What the report says of one timestamp on a checkpoint. */
export interface CheckpointTimestampSummary {
  /** The time the token proves (genTime, ISO 8601), when it could be read. */
  readonly time: string | null;
  /** The TSA's certificate subject (RFC 4514), when it could be read. */
  readonly tsa: string | null;
  /** Serial of the TSA certificate (hex). */
  readonly tsaSerial: string | null;
  /** Checked against the trust list and valid; null when no trust list was given. */
  readonly ok: boolean | null;
}

interface Claim extends FindingSite {
  readonly at: string;
  readonly ms: number;
}

/** The earliest and latest claimed signing times per gap between timestamped checkpoint sizes. */
export class TimestampClaims {
  private readonly sizes: number[];
  private readonly earliest: (Claim | undefined)[];
  private readonly latest: (Claim | undefined)[];
  private seg = 0;

  /** `hints`: checkpoint notes known before the events; only those carrying a timestamp count. */
  constructor(hints: readonly string[]) {
    const sizes = new Set<number>();
    for (const note of hints) {
      if (noteTimestamps(note).length === 0) continue;
      const size = Number(note.split('\n', 2)[1]);
      if (Number.isSafeInteger(size) && size >= 0) sizes.add(size);
    }
    this.sizes = [...sizes].sort((a, b) => a - b);
    this.earliest = new Array<Claim | undefined>(this.sizes.length + 1);
    this.latest = new Array<Claim | undefined>(this.sizes.length + 1);
  }

  /** Whether any claim is followed (else `observe` need not be called). */
  get active(): boolean {
    return this.sizes.length > 0;
  }

  /** The next event's claim, in ledger order. */
  observe(position: number, event: string, stream: string, at: string, ms: number): void {
    while (this.seg < this.sizes.length && position >= this.sizes[this.seg]!) this.seg++;
    const e = this.earliest[this.seg];
    if (e === undefined || ms < e.ms) this.earliest[this.seg] = { position, event, stream, at, ms };
    const l = this.latest[this.seg];
    if (l === undefined || ms > l.ms) this.latest[this.seg] = { position, event, stream, at, ms };
  }

  /** The latest claim below `size` and the earliest at or after it (undefined when `size` was not followed). */
  around(size: number): { below?: Claim; after?: Claim } | undefined {
    const j = this.sizes.indexOf(size);
    if (j < 0) return undefined;
    let below: Claim | undefined;
    for (let k = 0; k <= j; k++) {
      const c = this.latest[k];
      if (c !== undefined && (below === undefined || c.ms > below.ms)) below = c;
    }
    let after: Claim | undefined;
    for (let k = j + 1; k < this.earliest.length; k++) {
      const c = this.earliest[k];
      if (c !== undefined && (after === undefined || c.ms < after.ms)) after = c;
    }
    return { ...(below === undefined ? {} : { below }), ...(after === undefined ? {} : { after }) };
  }
}

/** One checkpoint as the engine parsed it. */
export interface StampedCheckpoint {
  readonly line: number | null;
  readonly note: string;
  readonly size: number | undefined;
}

const minutes = (ms: number): number => Math.round(ms / 60_000);

/**
 * Check the timestamps of `checkpoints`; findings go to `report` (integrity for a token that
 * does not hold, warnings for times). Returns each checkpoint's summaries, by index.
 */
export async function checkTimestamps(
  checkpoints: readonly StampedCheckpoint[],
  trust: CertificateTrust | undefined,
  claims: TimestampClaims,
  tolerance: number,
  report: (f: Finding) => void,
): Promise<CheckpointTimestampSummary[][]> {
  const out: CheckpointTimestampSummary[][] = [];
  let unchecked = 0;
  const proven: { size: number; ms: number; place: CheckpointPlace }[] = [];
  for (const c of checkpoints) {
    const lines = noteTimestamps(c.note);
    if (lines.length === 0) {
      out.push([]);
      continue;
    }
    const place: CheckpointPlace = { line: c.line };
    if (trust === undefined) {
      unchecked += lines.length;
      out.push(lines.map(() => ({ time: null, tsa: null, tsaSerial: null, ok: null })));
      continue;
    }
    const checks = await checkCheckpointTimestamps(c.note, trust);
    const mine: CheckpointTimestampSummary[] = [];
    let earliest: number | undefined;
    for (const t of checks) {
      mine.push({
        time: t.time?.toISOString() ?? null,
        tsa: t.tsa?.subject.text ?? null,
        tsaSerial: t.tsa?.serialNumber ?? null,
        ok: t.ok,
      });
      if (!t.ok) {
        const first = t.problems[0];
        report(
          say(
            'checkpoint-timestamp-invalid',
            {},
            { place, reason: first?.message ?? 'invalid', reason_vi: first?.message_vi ?? 'không hợp lệ' },
            {
              ...(first?.rule === undefined ? {} : { rule: first.rule }),
              details: {
                size: c.size ?? null,
                path: first?.path.join('.') ?? '',
                problems: t.problems.map((p) => p.code),
              },
            },
          ),
        );
      } else if (t.time !== undefined && (earliest === undefined || t.time.getTime() < earliest))
        earliest = t.time.getTime();
    }
    out.push(mine);
    if (earliest === undefined || c.size === undefined) continue;
    proven.push({ size: c.size, ms: earliest, place });
    const time = new Date(earliest).toISOString();
    const a = claims.around(c.size);
    if (a?.below !== undefined && a.below.ms - earliest > tolerance)
      report(
        say(
          'time-after-timestamp',
          a.below,
          { at: a.below.at, size: c.size, time, minutes: minutes(a.below.ms - earliest) },
          { details: { at: a.below.at, checkpointSize: c.size, timestamp: time } },
        ),
      );
    if (a?.after !== undefined && earliest - a.after.ms > tolerance)
      report(
        say(
          'time-before-timestamp',
          a.after,
          { at: a.after.at, size: c.size, time, minutes: minutes(earliest - a.after.ms) },
          { details: { at: a.after.at, checkpointSize: c.size, timestamp: time } },
        ),
      );
  }
  if (unchecked > 0) report(say('checkpoint-timestamp-unchecked', {}, { count: unchecked }));
  proven.sort((x, y) => x.size - y.size);
  for (let i = 0; i + 1 < proven.length; i++) {
    const a = proven[i]!;
    const b = proven[i + 1]!;
    if (b.size > a.size && a.ms - b.ms > tolerance)
      report(
        say(
          'checkpoint-timestamp-order',
          {},
          {
            place: a.place,
            size: a.size,
            time: new Date(a.ms).toISOString(),
            laterSize: b.size,
            laterTime: new Date(b.ms).toISOString(),
          },
          { details: { size: a.size, laterSize: b.size } },
        ),
      );
  }
  return out;
}
