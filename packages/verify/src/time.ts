/**
 * The signing times along the log (docs/design.md §8). An event's `at` is its author's claim; the
 * position is what counts. Two things are still worth a human look, and each is reported once:
 * an event dated **before** the time the log had already reached (`time-backwards`: the one trace
 * a backdated entry leaves), and an event dated **after** the log had moved on (`time-ahead`):
 * later than a trusted witness's cosignature of a checkpoint that already holds it, or, where no
 * such checkpoint is known, later than most of the events that follow it.
 *
 * "The time the log had reached" is the latest `at` of the events before, leaving out the ones
 * found ahead: a single far-future date (9999-12-31) is reported as `time-ahead` and does not
 * turn every later event into `time-backwards`. Deciding that an event is ahead of the events
 * after it needs those events, so each event is judged {@link FOLLOWERS} events late; the state is
 * those few events and a few numbers, whatever the log's length.
 */
import type { Finding } from './findings.js';
import { say } from './messages.js';

/** Events after an event that vote on whether it is ahead of the log. */
export const FOLLOWERS = 5;
/** Fewest followers that may outvote an event (at the end of the log). */
const MIN_FOLLOWERS = 3;

/** When a checkpoint was known to exist: a trusted witness's cosignature time. */
export interface CheckpointTime {
  readonly size: number;
  /** Milliseconds since the epoch (the earliest trusted cosignature of that checkpoint). */
  readonly time: number;
  readonly witness: string;
}

interface Seen {
  readonly position: number;
  readonly event: string;
  readonly stream: string;
  readonly at: string;
  readonly ms: number;
}

function lowerMedian(values: number[]): number {
  values.sort((a, b) => a - b);
  return values[(values.length - 1) >> 1]!;
}

const minutes = (ms: number): number => Math.round(ms / 60_000);

/** The two time checks over a log read in order; findings go to `report`. */
export class SigningTimes {
  private readonly pending: Seen[] = [];
  /** Latest `at` among the judged events not found ahead. */
  private reached = -Infinity;
  /** By checkpoint size (`below`), ascending: the checkpoint of the earliest time among those at least that large. */
  private bounds: Array<{ readonly below: number; readonly cp: CheckpointTime }> = [];
  private bound = 0;

  constructor(
    private readonly tolerance: number,
    private readonly report: (f: Finding) => void,
  ) {}

  /**
   * The checkpoints known before the events are read (a file's checkpoint lines, a store's
   * checkpoints), with their trusted cosignature times. An event at position p is held by every
   * checkpoint larger than p, so it existed by the earliest of their times.
   */
  setCheckpointTimes(times: readonly CheckpointTime[]): void {
    const sorted = [...times].sort((a, b) => a.size - b.size);
    const out: Array<{ below: number; cp: CheckpointTime }> = [];
    for (let i = sorted.length - 1; i >= 0; i--) {
      const t = sorted[i]!;
      const later = out[0];
      out.unshift({ below: t.size, cp: later !== undefined && later.cp.time <= t.time ? later.cp : t });
    }
    this.bounds = out;
    this.bound = 0;
  }

  /** The next event of the log; `at` is its claimed time (events with an unreadable one are not given). */
  observe(position: number, event: string, stream: string, at: string, ms: number): void {
    this.pending.push({ position, event, stream, at, ms });
    if (this.pending.length > FOLLOWERS) this.judge(this.pending.shift()!, this.pending);
  }

  /** Judge the events still waiting for followers (the end of the log). */
  finish(): void {
    while (this.pending.length > 0) {
      const e = this.pending.shift()!;
      this.judge(e, this.pending);
    }
  }

  /** The earliest checkpoint time that bounds `position`, if any. */
  private boundOf(position: number): CheckpointTime | undefined {
    while (this.bound < this.bounds.length && this.bounds[this.bound]!.below <= position) this.bound++;
    return this.bounds[this.bound]?.cp;
  }

  private judge(e: Seen, followers: readonly Seen[]): void {
    const site = { position: e.position, event: e.event, stream: e.stream };
    const b = this.boundOf(e.position);
    if (b !== undefined) {
      if (e.ms - b.time > this.tolerance) {
        const cosignedAt = new Date(b.time).toISOString();
        this.report(
          say(
            'time-ahead',
            site,
            {
              reference: 'checkpoint',
              at: e.at,
              minutes: minutes(e.ms - b.time),
              size: b.size,
              witness: b.witness,
              cosignedAt,
            },
            { details: { at: e.at, reference: 'checkpoint', checkpointSize: b.size, witness: b.witness, cosignedAt } },
          ),
        );
        return;
      }
    } else if (followers.length >= MIN_FOLLOWERS) {
      const later = lowerMedian(followers.map((f) => f.ms));
      if (e.ms - later > this.tolerance) {
        const laterAt = new Date(later).toISOString();
        this.report(
          say(
            'time-ahead',
            site,
            { reference: 'later-events', at: e.at, minutes: minutes(e.ms - later), later: followers.length },
            { details: { at: e.at, reference: 'later-events', laterMedian: laterAt } },
          ),
        );
        return;
      }
    }
    if (this.reached - e.ms > this.tolerance)
      this.report(
        say(
          'time-backwards',
          site,
          { at: e.at, minutes: minutes(this.reached - e.ms) },
          { details: { at: e.at, latestBefore: new Date(this.reached).toISOString() } },
        ),
      );
    if (e.ms > this.reached) this.reached = e.ms;
  }
}
