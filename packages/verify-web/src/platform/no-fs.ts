/**
 * `node:fs`, `node:fs/promises`, `node:path`, `node:events`, `node:module` and
 * `node:worker_threads` in the page (the browser build maps them here). The verifier reaches
 * none of them from a page: it reads a `File`, never a path; its id buffer is sized not to spill
 * (page.ts); workers come from the page's factory; and sodium-native, which core loads through
 * `createRequire`, is absent, so core falls back as on any platform without it. A call here is
 * a mistake in the build, and says so.
 */
function absent(name: string): () => never {
  return () => {
    throw new Error(`${name} is not available in the page (the browser verifier reads files the inspector picks)`);
  };
}

export const statSync = absent('fs.statSync');
export const createReadStream = absent('fs.createReadStream');
export const createWriteStream = absent('fs.createWriteStream');
export const openSync = absent('fs.openSync');
export const fstatSync = absent('fs.fstatSync');
export const readSync = absent('fs.readSync');
export const writeSync = absent('fs.writeSync');
export const closeSync = absent('fs.closeSync');
export const unlinkSync = absent('fs.unlinkSync');
export const mkdir = absent('fs.mkdir');
export const open = absent('fs.open');
export const readFile = absent('fs.readFile');
export const rename = absent('fs.rename');
export const rm = absent('fs.rm');
export const unlink = absent('fs.unlink');
export const once = absent('events.once');
export const join = (...parts: string[]): string => parts.join('/');

/** `createRequire(url)`: a require that finds nothing (core then runs without sodium-native). */
export function createRequire(_url: unknown): (id: string) => never {
  return (id: string) => {
    throw new Error(`${id} cannot be loaded in the page`);
  };
}

/** No worker threads in the page: its workers are Web Workers (worker.ts). */
export const parentPort = null;
export const Worker = absent('worker_threads.Worker');
