/**
 * @hoso/cli — the `hoso` command (`bin/hoso.mjs`). Programs can run it in-process with
 * {@link main}, or run the demo school year with {@link runDemo}.
 */
export { main } from './main.js';
export { runDemo, type DemoOptions, type DemoResult } from './demo/run.js';
export { planSchool, SUBJECTS as DEMO_SUBJECTS, type DemoSchool } from './demo/school.js';
export {
  EXIT_OK,
  EXIT_FINDINGS,
  EXIT_USAGE,
  EXIT_UNANCHORED,
  CliError,
  problem,
  type CliProblem,
  type Place,
  type ExitCode,
} from './exit.js';
export { seededRng, derivedSeed, uuidV7At, type Rng } from './prng.js';
export { trustAnchors } from './trust.js';
export { submitBatch, signersFrom, type BatchProblem, type BatchResult } from './ledger-ops.js';
export { renderTable } from './table.js';
export type { Output } from './io.js';
export { parseWhoReference, readWhoReference, type WhoReference } from './who-reference.js';
export { openBundle, type LoadedBundle } from './bundle-store.js';
