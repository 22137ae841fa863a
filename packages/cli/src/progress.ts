/**
 * Progress of long steps on stderr: a cli-progress bar on a terminal, plain lines otherwise (logs
 * and CI stay readable: a start line, a line every 25 %, and a done line with the count).
 */
import cliProgress from 'cli-progress';
import type { Output } from './io.js';

/** One long step's progress. */
export interface Progress {
  /** Move forward by `n` (default 1). */
  tick(n?: number): void;
  /** Finish the step (prints the final count). */
  done(note?: string): void;
}

/** A progress reporter for steps of known size. */
export type ProgressFactory = (label: string, total: number) => Progress;

/** The reporter for `io`: a bar on a TTY, plain lines otherwise, nothing when `quiet`. */
export function progressFor(io: Output, quiet = false): ProgressFactory {
  return (label, total) => {
    if (quiet) return { tick: () => undefined, done: () => undefined };
    if (io.tty) {
      const bar = new cliProgress.SingleBar(
        {
          format: `  ${label.padEnd(34)} [{bar}] {percentage}% {value}/{total}`,
          stream: process.stderr,
          hideCursor: true,
          clearOnComplete: false,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(Math.max(total, 1), 0);
      let n = 0;
      return {
        tick: (k = 1) => {
          n += k;
          bar.update(Math.min(n, total));
        },
        done: () => {
          bar.update(Math.max(total, 1));
          bar.stop();
        },
      };
    }
    io.err(`  ${label} (${total})…\n`);
    let n = 0;
    let nextMark = 1;
    return {
      tick: (k = 1) => {
        n += k;
        let mark = nextMark;
        while (total > 0 && mark < 4 && n >= (total * mark) / 4) mark++;
        // Several marks passed at once (a big step): one line for the last of them.
        if (mark > nextMark && n < total) io.err(`  ${label}: ${(mark - 1) * 25}% (${n}/${total})\n`);
        nextMark = mark;
      },
      done: (note) => io.err(`  ${label}: done, ${n}${note === undefined ? '' : ` ${note}`}\n`),
    };
  };
}
