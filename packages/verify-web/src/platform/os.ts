/** `node:os` in the page (the browser build maps the module here): the cores, and no temporary directory. */

/** The cores the browser reports (`navigator.hardwareConcurrency`), at least 1. */
export function availableParallelism(): number {
  const n = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  return typeof n === 'number' && n >= 1 ? Math.floor(n) : 1;
}

/** A page has no temporary directory; the verifier is given an id buffer that never spills (see page.ts). */
export function tmpdir(): string {
  return '(the page has no file system)';
}
