/**
 * A vitest reporter that writes every skipped or todo test, with where it is and the note given
 * to `ctx.skip(note)`, to the file named by HOSO_SKIPPED_FILE (scripts/test.mjs reads it: vitest's
 * JSON report keeps neither the note nor the line).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';

/**
 * @typedef {object} SkippedTest
 * @property {string} file the test file, relative to the working folder
 * @property {number | undefined} line
 * @property {string} name the describe blocks and the test's title, joined by ' > '
 * @property {string | undefined} note the reason given to `ctx.skip(note)`, if any
 * @property {string} mode `skip` or `todo`
 */

/** A vitest `Reporter` (only `onTestRunEnd`). */
export default class SkippedReporter {
  /** @param {ReadonlyArray<import('vitest/node').TestModule>} modules */
  onTestRunEnd(modules) {
    const out = process.env['HOSO_SKIPPED_FILE'];
    if (!out) return;
    /** @type {SkippedTest[]} */
    const skipped = [];
    for (const m of modules) {
      for (const t of m.children.allTests('skipped')) {
        const r = t.result();
        skipped.push({
          file: relative(process.cwd(), m.moduleId),
          line: t.location?.line,
          name: t.fullName,
          note: r.state === 'skipped' ? r.note : undefined,
          mode: t.options.mode,
        });
      }
    }
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, JSON.stringify(skipped, null, 2) + '\n');
  }
}
