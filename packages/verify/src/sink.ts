/**
 * The findings of one verification, capped: a wholly corrupt bundle yields one finding per line,
 * and the list must not grow without bound.
 */
import { compareFindings, type Finding } from './findings.js';
import { say } from './messages.js';

/**
 * Collects findings with a cap so that a wholly corrupt bundle cannot exhaust memory: past `max`
 * findings only counts are kept, and one `too-many-findings` warning says how many were left out.
 */
export class FindingSink {
  private readonly list: Finding[] = [];
  private dropped = 0;
  private errors = 0;
  constructor(private readonly max: number) {}

  add(f: Finding): void {
    if (f.severity === 'error') this.errors++;
    if (this.list.length < this.max) this.list.push(f);
    else this.dropped++;
  }

  /** Number of error findings, including those not kept. */
  get errorCount(): number {
    return this.errors;
  }

  /** The kept findings, sorted, plus the overflow warning when some were dropped. */
  result(): Finding[] {
    const out = [...this.list].sort(compareFindings);
    if (this.dropped > 0) {
      out.push(
        say(
          'too-many-findings',
          {},
          { dropped: this.dropped, limit: this.max },
          { details: { dropped: this.dropped, limit: this.max } },
        ),
      );
    }
    return out;
  }
}
